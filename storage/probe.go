package storage

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var keyProbe = []byte("probe")

// probeSize is how much a probe writes: many pages, so that it needs what
// the inbox's appends need (free pages, or room to grow the file), where a
// write of a few bytes fits in pages the file already has.
const probeSize = 256 << 10

// ProbeWrite commits probeSize bytes to the file, durably, then removes
// them, and reports whether it could: the health check's test that a
// database which failed to take the inbox's appends (a full disk) takes
// writes again. A write put and deleted in one transaction allocates
// nothing, so it would pass on a full disk: the two are committed apart.
func (db *DB) ProbeWrite() error {
	if db.readOnly {
		return errors.New("storage: probe: the database is read-only")
	}
	// A write: it waits while Compact copies, like every other.
	db.writes.RLock()
	defer db.writes.RUnlock()
	b, done := db.use()
	defer done()
	db.touched(string(bucketMeta), keyProbe)
	err := b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keyProbe, make([]byte, probeSize))
	})
	// Removed whatever the first did: a failed commit may have left
	// nothing, and a delete of nothing is no error.
	derr := b.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Delete(keyProbe) })
	if err = errors.Join(err, derr); err != nil {
		return fmt.Errorf("storage: probe: %w", err)
	}
	return nil
}
