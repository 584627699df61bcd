//go:build !linux

package storage

import "os"

// fdatasync syncs f: where the system has no fdatasync, fsync.
func fdatasync(f *os.File) error { return f.Sync() }
