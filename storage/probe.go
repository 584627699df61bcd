package storage

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var keyProbe = []byte("probe")

// ProbeWrite commits a small write to the file, durably, and reports
// whether it could: the health check's test that a database which failed
// to take the inbox's appends takes writes again. It leaves nothing behind
// (the key it writes is deleted in the same transaction).
func (db *DB) ProbeWrite() error {
	if db.readOnly {
		return errors.New("storage: probe: the database is read-only")
	}
	// A write: it waits while Compact copies, like every other.
	db.writes.RLock()
	defer db.writes.RUnlock()
	b, done := db.use()
	defer done()
	err := b.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		db.touched(string(bucketMeta), keyProbe)
		if err := meta.Put(keyProbe, []byte{1}); err != nil {
			return err
		}
		return meta.Delete(keyProbe)
	})
	if err != nil {
		return fmt.Errorf("storage: probe: %w", err)
	}
	return nil
}
