//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package storage

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// tryFlock tries once to take f's flock, exclusive or shared; ok is false
// while another open file holds it.
func tryFlock(f *os.File, exclusive bool) (ok bool, err error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		return false, nil
	}
	return false, err
}

// lockFile takes the same exclusive lock that bbolt takes on an open
// database (flock), so that it fails with ErrLocked while a process holds
// path, even one of an older release that does not know the lock file. A
// missing file needs no lock.
func lockFile(path string, timeout time.Duration) (unlock func(), err error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil
	}
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(timeout)
	for {
		ok, err := tryFlock(f, true)
		if err != nil {
			_ = f.Close()
			return nil, err
		}
		if ok {
			return func() { _ = f.Close() }, nil // closing releases the lock
		}
		if time.Now().After(deadline) {
			_ = f.Close()
			return nil, ErrLocked
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sameOwner gives f the owner and group of old, when they differ from f's.
// Only root may give a file away; anyone else gets an error unless they
// already own old, which is when the restored file needs no change.
func sameOwner(f *os.File, old os.FileInfo) error {
	want, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if have, ok := fi.Sys().(*syscall.Stat_t); ok && have.Uid == want.Uid && have.Gid == want.Gid {
		return nil
	}
	return f.Chown(int(want.Uid), int(want.Gid))
}
