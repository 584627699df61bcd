package storage

import (
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
// (bbolt's Compact, so freed pages and the deleted bytes in them are left
// behind), syncs it, and renames it over the database while the program
// keeps serving.
//
// Writes (Update and the group-committed Append) wait while it copies;
// reads go on from the old file, which holds the same records, and the old
// file is closed once the last of them is done. A crash or an error at any
// point leaves the database as it was, or the complete new file in its
// place: the rename is the only step that changes what the path names.
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

	db.writes.Lock()
	// The pause is measured for the operator's log, not used to decide.
	start := time.Now()
	src, done := db.use()
	err = bolt.Compact(dst, src, compactTxSize)
	done()
	if err == nil {
		dst.NoSync = false
		err = dst.Sync()
	}
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
	res.Pause = time.Since(start)
	db.writes.Unlock()

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
