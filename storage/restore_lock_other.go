//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package storage

import (
	"errors"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// tryFlock cannot lock where flock is not available: the lock file is then
// only a file, and a restore can exclude a running server only through
// lockFile's look at the database. Stop the server before restoring.
func tryFlock(*os.File, bool) (bool, error) { return true, nil }

// lockFile reports ErrLocked while another process holds path. Where flock
// is not available it can only look, not hold: bbolt's own read-only open
// waits for a writer's lock.
func lockFile(path string, timeout time.Duration) (unlock func(), err error) {
	b, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err == nil {
		_ = b.Close()
	}
	return func() {}, nil
}

// sameOwner does nothing where files have no Unix owner.
func sameOwner(*os.File, os.FileInfo) error { return nil }
