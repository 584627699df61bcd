package storage

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The simulator loads demo data and lets anyone who reaches its page act as
// any user, the demo officer included. So it must only ever run on a
// database of its own: one it found empty and marked as its own in meta,
// where no other record can come from.

// keySimulator in meta marks a database the simulator made: the time it
// claimed it.
var keySimulator = []byte("simulator")

// ErrNotSimulators means a database holds records and was not made by the
// simulator: it may be a real one.
var ErrNotSimulators = errors.New("storage: the database holds data the simulator did not make")

// ClaimForSimulator marks the database as the simulator's, stamped now,
// when it is already the simulator's or holds no record at all; otherwise
// it changes nothing and fails with ErrNotSimulators.
func (db *DB) ClaimForSimulator(now time.Time) error {
	db.writes.RLock()
	defer db.writes.RUnlock()
	file, done := db.use()
	defer done()
	err := file.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySimulator) != nil {
			return nil
		}
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if k, _ := b.Cursor().First(); k != nil && !bytes.Equal(name, bucketMeta) {
				return ErrNotSimulators
			}
			return nil
		})
		if err != nil {
			return err
		}
		stamp, err := now.UTC().MarshalText()
		if err != nil {
			return err
		}
		db.touched(string(bucketMeta), keySimulator)
		return meta.Put(keySimulator, stamp)
	})
	if err != nil {
		return fmt.Errorf("storage: claim %s for the simulator: %w", db.path, err)
	}
	return nil
}

// MadeBySimulator reports whether the simulator claimed the database (see
// ClaimForSimulator). A real channel must not serve its demo data.
func (db *DB) MadeBySimulator() (bool, error) {
	made := false
	file, done := db.use()
	defer done()
	err := file.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return errors.New("storage: not a sammachip database (no meta bucket)")
		}
		made = meta.Get(keySimulator) != nil
		return nil
	})
	return made, err
}
