package storage

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// bbolt never clears a page it frees: a deleted record's bytes stay in the
// file, readable with any hex viewer, until the page happens to be reused.
// Compact is what makes "deleted" mean gone from the live file.

// CompactResult says what a compaction did.
type CompactResult struct {
	// Before and After are the file's sizes in bytes.
	Before, After int64
	// Pause is how long writes waited: the copy and the swap.
	Pause time.Duration
}

// compactTxSize bounds one transaction of the copy, so that a large
// database does not build one huge transaction in memory.
const compactTxSize = 64 << 20

// Compact copies the live records into a new file beside the database
// (like bbolt's Compact, so freed pages and the deleted bytes in them are left
// behind), syncs it, and renames it over the database while the program
// keeps serving.
//
// The copy reads one snapshot while writes go on; every key written
// meanwhile is recorded (touched). Then writes (Update and the
// group-committed Append) wait while Compact catches up: it copies those
// keys' current values (or their absence) and every bucket's sequence into
// the new file, syncs it and swaps the files. So the pause is the catch-up,
// not the copy. Reads go on throughout from the old file, which holds the
// same records, and the old file is closed once the last of them is done.
// A crash or an error at any point leaves the database as it was, or the
// complete new file in its place: the rename is the only step that changes
// what the path names.
//
// A record deleted while the copy runs is deleted from the new file in the
// catch-up, so its bytes may stay in that file's free pages until the next
// compaction, as they would for a deletion just after this one.
func (db *DB) Compact() (CompactResult, error) {
	var res CompactResult
	if db.readOnly {
		return res, errors.New("storage: compact: the database is open read-only")
	}
	db.compacting.Lock()
	defer db.compacting.Unlock()
	db.queueing.RLock()
	closed := db.closed
	db.queueing.RUnlock()
	if closed {
		return res, errors.New("storage: compact: the database is closed")
	}
	old, err := os.Stat(db.path)
	if err != nil {
		return res, fmt.Errorf("storage: compact: %w", err)
	}
	res.Before = old.Size()

	// A copy left by a crash holds records that may since have been
	// deleted: it goes too.
	stray, _ := filepath.Glob(db.path + ".compact-*")
	for _, name := range stray {
		_ = os.Remove(name)
	}
	dst, tmp, err := db.openBeside(old)
	if err != nil {
		return res, fmt.Errorf("storage: compact: %w", err)
	}
	swapped := false
	defer func() {
		if !swapped {
			_ = dst.Close()
			_ = os.Remove(tmp)
		}
	}()

	// Start recording while no write is under way, so that every write
	// the snapshot misses is recorded.
	dirty := &dirtySet{keys: map[string]map[string]struct{}{}}
	db.writes.Lock()
	db.dirty.Store(dirty)
	db.writes.Unlock()
	defer db.dirty.Store(nil)

	src, done := db.use()
	release := sync.OnceFunc(done) // the old file may close once this and every reader let go
	defer release()
	if err := copyLive(dst, src); err != nil {
		return res, fmt.Errorf("storage: compact: %w", err)
	}
	// Most of the file reaches the disk before writes pause; the sync
	// after the catch-up then has little left to write.
	if err := dst.Sync(); err != nil {
		return res, fmt.Errorf("storage: compact: %w", err)
	}
	if testHookCopied != nil {
		testHookCopied()
	}

	db.writes.Lock()
	// The pause is measured for the operator's log, not used to decide.
	start := time.Now()
	err = catchUp(dst, src, dirty)
	if err == nil {
		err = dst.Sync()
	}
	dst.NoSync = false
	if err == nil {
		err = os.Rename(tmp, db.path)
	}
	if err != nil {
		db.writes.Unlock()
		return res, fmt.Errorf("storage: compact: %w", err)
	}
	swapped = true
	db.handle.Lock()
	replaced, users := db.bolt, db.users
	db.bolt, db.users = dst, new(sync.WaitGroup)
	db.handle.Unlock()
	db.dirty.Store(nil)
	res.Pause = time.Since(start)
	db.writes.Unlock()

	release()
	dirErr := syncDir(filepath.Dir(db.path))
	users.Wait()
	closeErr := replaced.Close()
	if fi, err := os.Stat(db.path); err == nil {
		res.After = fi.Size()
	}
	if err := errors.Join(dirErr, closeErr); err != nil {
		return res, fmt.Errorf("storage: compact: the compacted file is in use, but: %w", err)
	}
	return res, nil
}

// testHookCopied, set by tests, runs between the copy and the catch-up.
var testHookCopied func()

// dirtySet is the keys written, by bucket, while Compact copies.
type dirtySet struct {
	mu   sync.Mutex
	keys map[string]map[string]struct{}
}

// touched records that key of bucket is being written, when Compact is
// copying. Every write of the file goes through a call to it.
func (db *DB) touched(bucket string, key []byte) {
	d := db.dirty.Load()
	if d == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	keys := d.keys[bucket]
	if keys == nil {
		keys = map[string]struct{}{}
		d.keys[bucket] = keys
	}
	keys[string(key)] = struct{}{}
}

// copyLive copies every record of src into dst, bucket by bucket, in one
// read transaction of src (one snapshot) and commits of dst of at most
// compactTxSize. Unlike bbolt's Compact it copies each key and value out
// of src's memory map: writers go on meanwhile, and once src's snapshot
// ends, a write may remap the file under a value dst has yet to commit.
// The program's buckets hold no nested buckets.
func copyLive(dst, src *bolt.DB) error {
	return src.View(func(stx *bolt.Tx) error {
		dtx, err := dst.Begin(true)
		if err != nil {
			return err
		}
		defer func() { _ = dtx.Rollback() }()
		var size int64
		err = stx.ForEach(func(name []byte, sb *bolt.Bucket) error {
			db, err := dtx.CreateBucketIfNotExists(name)
			if err != nil {
				return err
			}
			db.FillPercent = 1 // keys arrive in order: fill every page
			if err := db.SetSequence(sb.Sequence()); err != nil {
				return err
			}
			return sb.ForEach(func(k, v []byte) error {
				if v == nil {
					return fmt.Errorf("bucket %s holds a nested bucket", name)
				}
				if size += int64(len(k) + len(v)); size > compactTxSize {
					if err := dtx.Commit(); err != nil {
						return err
					}
					if dtx, err = dst.Begin(true); err != nil {
						return err
					}
					size = int64(len(k) + len(v))
					if db = dtx.Bucket(name); db == nil {
						return fmt.Errorf("bucket %s vanished from the copy", name)
					}
					db.FillPercent = 1
				}
				return db.Put(bytes.Clone(k), bytes.Clone(v))
			})
		})
		if err != nil {
			return err
		}
		return dtx.Commit()
	})
}

// catchUp brings dst to src's state for the keys in dirty (written after
// dst's snapshot) and every bucket's sequence. No write runs meanwhile.
func catchUp(dst, src *bolt.DB, dirty *dirtySet) error {
	dirty.mu.Lock()
	defer dirty.mu.Unlock()
	return src.View(func(stx *bolt.Tx) error {
		return dst.Update(func(dtx *bolt.Tx) error {
			for bucket, keys := range dirty.keys {
				sb := stx.Bucket([]byte(bucket))
				if sb == nil {
					continue
				}
				db, err := dtx.CreateBucketIfNotExists([]byte(bucket))
				if err != nil {
					return err
				}
				for k := range keys {
					if v := sb.Get([]byte(k)); v != nil {
						err = db.Put([]byte(k), bytes.Clone(v))
					} else {
						err = db.Delete([]byte(k))
					}
					if err != nil {
						return err
					}
				}
			}
			return stx.ForEach(func(name []byte, sb *bolt.Bucket) error {
				db, err := dtx.CreateBucketIfNotExists(name)
				if err != nil {
					return err
				}
				return db.SetSequence(sb.Sequence())
			})
		})
	})
}

// openBeside opens a new, empty database file in the database's directory
// (so that a rename can replace it), with the old file's mode and owner.
// It is written without syncing each commit: Compact syncs it once, whole,
// before the rename, and a crash before then leaves only a stray file,
// which the next Compact removes.
func (db *DB) openBeside(old os.FileInfo) (*bolt.DB, string, error) {
	f, err := os.CreateTemp(filepath.Dir(db.path), filepath.Base(db.path)+".compact-*")
	if err != nil {
		return nil, "", err
	}
	name := f.Name()
	err = sameOwner(f, old)
	if err == nil {
		err = f.Chmod(old.Mode().Perm())
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
		return nil, "", err
	}
	opts := db.options
	opts.NoSync = true
	b, err := bolt.Open(name, 0o600, &opts)
	if err != nil {
		_ = os.Remove(name)
		return nil, "", err
	}
	return b, name, nil
}
