//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package storage_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/sammachip/sammachip/storage"
)

func TestRestoreKeepsTheDatabaseOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give files to another user")
	}
	backup := goodBackup(t, 10)
	dir := t.TempDir()
	live := filepath.Join(dir, "sammachip.db")
	db := open(t, live)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// The service user owns the database; root runs the restore.
	const uid, gid = 4242, 4343
	if err := os.Chown(live, uid, gid); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Restore(backup, live, storage.Options{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	fi, err := os.Stat(live)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != uid || st.Gid != gid {
		t.Errorf("restored file owned by %d:%d, want the service user's %d:%d", st.Uid, st.Gid, uid, gid)
	}
	// The lock file too, or the server could not open it.
	if fi, err = os.Stat(storage.LockPath(live)); err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
		t.Errorf("lock file owned by %d:%d, want the service user's %d:%d", st.Uid, st.Gid, uid, gid)
	}
}

func TestToolRunAsRootLeavesTheLockFileToTheServer(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("only root can give files to another user")
	}
	live := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, live)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	const uid, gid = 4242, 4343
	if err := os.Chown(live, uid, gid); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(storage.LockPath(live)); err != nil {
		t.Fatal(err)
	}
	db = open(t, live) // a command-line tool, run as root
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(storage.LockPath(live))
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != uid || st.Gid != gid {
		t.Errorf("lock file owned by %d:%d, want the database's %d:%d", st.Uid, st.Gid, uid, gid)
	}
}
