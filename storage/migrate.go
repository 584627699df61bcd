package storage

import (
	"encoding/binary"
	"fmt"
	"os"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the version this build writes. Migrations run in order
// from the file's version up to it, in the same transaction that creates
// the buckets, so a file is never left half-migrated.
const SchemaVersion = 2

// migrations[i] upgrades a file from version i to i+1.
var migrations = []func(tx *bolt.Tx) error{
	// 0 → 1: the first schema; creating the buckets is all it needs.
	func(*bolt.Tx) error { return nil },
	// 1 → 2: villages by ตำบล + หมู่ with ids, and rounds (migrate_v2.go).
	migrateRounds,
}

// migrate brings the file to SchemaVersion; keepOld first keeps a copy of
// a file an older release wrote (backupBeforeMigrating).
func (db *DB) migrate(keepOld bool) error {
	if keepOld {
		if err := db.backupBeforeMigrating(); err != nil {
			return err
		}
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("storage: create meta: %w", err)
		}
		for _, name := range buckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("storage: create bucket %s: %w", name, err)
			}
		}
		v := readVersion(meta)
		if v > SchemaVersion {
			return fmt.Errorf("%w: schema version %d, this program reads up to %d: use a newer build (the file was not changed)", ErrNewerSchema, v, SchemaVersion)
		}
		for ; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("storage: migrate %d→%d: %w", v, v+1, err)
			}
		}
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], SchemaVersion)
		return meta.Put(keySchema, buf[:])
	})
}

func readVersion(meta *bolt.Bucket) uint64 {
	raw := meta.Get(keySchema)
	if len(raw) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(raw)
}

// Version reports the schema version stored in the file.
func (db *DB) Version() (uint64, error) {
	var v uint64
	b, done := db.use()
	defer done()
	err := b.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("storage: not a sammachip database (no meta bucket)")
		}
		v = readVersion(meta)
		return nil
	})
	return v, err
}

// backupBeforeMigrating keeps a copy of a file that an older release
// wrote, beside it, before the migration changes it: "<file>.before-
// schema-N". A copy already there (an earlier attempt) is kept as it is:
// it is the file as the older release left it.
func (db *DB) backupBeforeMigrating() error {
	var v uint64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			v = readVersion(meta)
		}
		return nil
	})
	if err != nil || v == 0 || v >= SchemaVersion {
		return err
	}
	path := fmt.Sprintf("%s.before-schema-%d", db.path, SchemaVersion)
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if _, err := db.BackupFile(path); err != nil {
		return fmt.Errorf("storage: copy the schema-%d file before migrating it: %w", v, err)
	}
	return nil
}
