package storage

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The lock file. bbolt locks the database file itself, but a restore
// replaces that file by renaming another over it: a lock on the old file
// says nothing about the new one, and a server that opened the old file
// would go on writing into a file nobody reads again. So every Open and
// every Restore also lock <db>.lock, a file that is never renamed or
// removed: a server holds it for its whole life (exclusive; a read-only
// open shares it), a restore for the whole restore. The exclusive holder
// writes its role into the file, so that a server starting during a
// restore knows to wait for it rather than give up.

// ErrRestoring is returned by Open when a restore of the database is still
// running after Options.RestoreWait.
var ErrRestoring = errors.New("storage: a restore of the database is running; start again once it has finished")

// LockPath is the lock file that Open and Restore take for the database at
// path.
func LockPath(path string) string { return path + ".lock" }

// The roles an exclusive holder writes into the lock file.
const (
	holderOpen    = "open"
	holderRestore = "restore"
)

// lockPoll is how often a waiter tries the lock again.
const lockPoll = 20 * time.Millisecond

// fileLock is a held lock file; release lets it go.
type fileLock struct{ f *os.File }

func (l *fileLock) release() {
	if l != nil && l.f != nil {
		_ = l.f.Close() // closing releases the lock
	}
}

// errLockFile wraps a failure to open or create the lock file itself.
type errLockFile struct{ err error }

func (e errLockFile) Error() string { return "storage: lock file: " + e.err.Error() }
func (e errLockFile) Unwrap() error { return e.err }

// takeLock takes the lock file of the database at path, exclusive or
// shared, as role. While another process holds it, it waits up to
// opt.LockTimeout; when that holder is a restore and role is not, up to
// opt.RestoreWait, telling opt.Log once that it waits. It then fails with
// ErrLocked, or ErrRestoring when a restore still holds it. owner, when
// not nil, is the file whose owner the lock file gets (a tool or a restore
// run by root must not leave a lock file the server cannot open).
func takeLock(path, role string, exclusive bool, opt Options, owner os.FileInfo) (*fileLock, error) {
	name := LockPath(path)
	f, err := openLockFile(name, owner)
	if err != nil {
		return nil, errLockFile{err}
	}
	start := time.Now()
	waited := false
	for {
		ok, err := tryFlock(f, exclusive)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("storage: lock %s: %w", name, err)
		}
		if ok {
			if exclusive {
				writeHolder(f, role)
			}
			if waited && opt.Log != nil {
				opt.Log.Info("storage: the restore has finished; opening the restored database", "db", path)
			}
			return &fileLock{f}, nil
		}
		restoring := holder(f) == holderRestore
		limit := opt.LockTimeout
		if restoring && role != holderRestore && opt.RestoreWait > limit {
			limit = opt.RestoreWait
			if !waited && opt.Log != nil {
				opt.Log.Warn("storage: a restore of the database is running; waiting for it to finish before opening the database",
					"db", path, "wait_up_to", limit.String())
			}
			waited = true
		}
		if time.Since(start) >= limit {
			_ = f.Close()
			if restoring {
				return nil, ErrRestoring
			}
			return nil, ErrLocked
		}
		time.Sleep(lockPoll)
	}
}

// openLockFile opens (creating if needed) the lock file. A lock file made
// by another user (root restoring) may be read-only to this one: a lock
// needs no write access, only the role goes unwritten.
func openLockFile(name string, owner os.FileInfo) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if errors.Is(err, os.ErrPermission) {
		f, err = os.Open(name)
	}
	if err != nil {
		return nil, err
	}
	if owner != nil {
		_ = sameOwner(f, owner) // best effort: only root can give it away
	}
	return f, nil
}

// writeHolder records role and this process in the held lock file.
func writeHolder(f *os.File, role string) {
	if err := f.Truncate(0); err != nil {
		return // opened read-only: nobody learns the role, nothing else changes
	}
	_, _ = f.WriteAt([]byte(role+" pid="+strconv.Itoa(os.Getpid())+"\n"), 0)
}

// holder reads the role of the lock file's exclusive holder ("" unknown).
func holder(f *os.File) string {
	buf := make([]byte, 64)
	n, _ := f.ReadAt(buf, 0)
	role, _, _ := strings.Cut(string(buf[:n]), " ")
	return role
}
