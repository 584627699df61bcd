package storage_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

type villageRec struct {
	Moo  int    `json:"moo"`
	Name string `json:"name"`
}

// fillVillages stores n villages named "village N" (enough for the bucket
// to live in pages of its own, not inline in its parent).
func fillVillages(t *testing.T, db *storage.DB, n int) {
	t.Helper()
	err := db.Update(func(tx flows.Tx) error {
		for i := 1; i <= n; i++ {
			if err := storage.Raw(tx).Put(storage.BucketVillages, fmt.Sprintf("%05d", i), villageRec{i, fmt.Sprintf("village %d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// villagesIn reads every village stored in the database file at path.
func villagesIn(t *testing.T, path string) map[string]villageRec {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	got := map[string]villageRec{}
	err = db.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketVillages, "", func(k string, decode func(any) error) error {
			var v villageRec
			if err := decode(&v); err != nil {
				return err
			}
			got[k] = v
			return nil
		})
	})
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return got
}

// goodBackup makes a database with n villages and returns a backup of it.
func goodBackup(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "source.db"))
	fillVillages(t, db, n)
	// An event waiting in the inbox, as a live server's file has.
	if _, err := db.AppendTo(context.Background(), storage.BucketInbox, map[string]string{"type": "follow"}); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if _, err := db.BackupFile(backup); err != nil {
		t.Fatal(err)
	}
	return backup
}

// leftovers lists what a restore may leave in dir: kept old databases and
// temporary copies.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for _, pattern := range []string{"*.before-restore-*", ".restore-*"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, m...)
	}
	return names
}

func TestBackupThenRestoreRoundTrips(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "sammachip.db")
	db := open(t, live)
	fillVillages(t, db, 300)
	backup := filepath.Join(t.TempDir(), "sammachip-20261207.db")
	if _, err := db.BackupFile(backup); err != nil {
		t.Fatalf("backup: %v", err)
	}
	want := villagesIn(t, backup)

	// Life goes on after the backup; then the office restores it.
	err := db.Update(func(tx flows.Tx) error {
		if err := storage.Raw(tx).Put(storage.BucketVillages, "00001", villageRec{1, "renamed after the backup"}); err != nil {
			return err
		}
		if err := storage.Raw(tx).Delete(storage.BucketVillages, "00002"); err != nil {
			return err
		}
		return storage.Raw(tx).Put(storage.BucketVillages, "00999", villageRec{999, "added after the backup"})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after := villagesIn(t, live)

	info, err := storage.CheckFile(backup, storage.Options{})
	if err != nil {
		t.Fatalf("CheckFile(backup): %v", err)
	}
	if got := info.Records(storage.BucketVillages); got != 300 {
		t.Errorf("CheckFile counts %d villages, want 300", got)
	}
	if info.SchemaVersion != storage.SchemaVersion {
		t.Errorf("CheckFile schema version %d, want %d", info.SchemaVersion, storage.SchemaVersion)
	}

	if _, err := storage.Restore(backup, live, storage.Options{}); err != nil {
		t.Fatalf("Restore: %v", err)
	}

	got := villagesIn(t, live)
	if len(got) != len(want) {
		t.Errorf("restored database has %d villages, want the backup's %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("village %s: got %+v, want %+v", k, got[k], w)
		}
	}
	if _, ok := got["00999"]; ok {
		t.Error("village 999, added after the backup, is still there after the restore")
	}

	kept, err := filepath.Glob(live + ".before-restore-*")
	if err != nil || len(kept) != 1 {
		t.Fatalf("got kept old databases %v (%v), want exactly one", kept, err)
	}
	old := villagesIn(t, kept[0])
	if len(old) != len(after) || old["00001"].Name != "renamed after the backup" || old["00999"].Moo != 999 {
		t.Errorf("the kept old database holds %d villages (village 1 %q), want the %d of before the restore", len(old), old["00001"].Name, len(after))
	}

	fi, err := os.Stat(live)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("restored file mode %v, want 0600 (as the database was)", fi.Mode().Perm())
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".restore-*")); len(tmp) > 0 {
		t.Errorf("temporary copies left behind: %v", tmp)
	}

	// The server can use the restored file again.
	db = open(t, live)
	if err := db.Update(func(tx flows.Tx) error {
		return storage.Raw(tx).Put(storage.BucketVillages, "01000", villageRec{1000, "after the restore"})
	}); err != nil {
		t.Errorf("write to the restored database: %v", err)
	}
}

func TestRestoreIntoMissingDatabase(t *testing.T) {
	backup := goodBackup(t, 10)
	dir := t.TempDir()
	live := filepath.Join(dir, "sammachip.db")

	if _, err := storage.Restore(backup, live, storage.Options{}); err != nil {
		t.Fatalf("Restore into a new server's empty directory: %v", err)
	}
	if got := len(villagesIn(t, live)); got != 10 {
		t.Errorf("restored database has %d villages, want 10", got)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("got %v left beside the database, want nothing (there was no old database to keep)", l)
	}
}

func TestRestoreRefusesBadFilesAndChangesNothing(t *testing.T) {
	good := goodBackup(t, 300)
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(t *testing.T, b []byte) string {
		path := filepath.Join(t.TempDir(), "backup.db")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	setSchema := func(t *testing.T, path string, v uint64) {
		b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		err = b.Update(func(tx *bolt.Tx) error {
			var buf [8]byte
			binary.BigEndian.PutUint64(buf[:], v)
			return tx.Bucket([]byte("meta")).Put([]byte("schema"), buf[:])
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	tests := []struct {
		name string
		src  func(t *testing.T, live string) string
		want error
	}{
		{"garbage bytes", func(t *testing.T, _ string) string {
			b := make([]byte, 64<<10)
			r := rand.New(rand.NewPCG(1, 2))
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return write(t, b)
		}, storage.ErrNotDatabase},
		{"empty file", func(t *testing.T, _ string) string { return write(t, nil) }, storage.ErrNotDatabase},
		{"a CSV file", func(t *testing.T, _ string) string {
			return write(t, []byte("moo,name,tambon,occupation\n1,บ้านโนนสูง,โนนสูง,ทอผ้า\n"))
		}, storage.ErrNotDatabase},
		{"backup cut in half", func(t *testing.T, _ string) string {
			return write(t, goodBytes[:len(goodBytes)/2])
		}, storage.ErrDamaged},
		{"backup with a zeroed page", func(t *testing.T, _ string) string {
			path := write(t, goodBytes)
			b, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			var root uint64
			_ = b.View(func(tx *bolt.Tx) error {
				root = uint64(tx.Bucket([]byte(storage.BucketVillages)).Root())
				return nil
			})
			pageSize := b.Info().PageSize
			_ = b.Close()
			if root == 0 {
				t.Fatal("the villages bucket is inline; the test needs it in pages of its own")
			}
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt(make([]byte, pageSize), int64(root)*int64(pageSize)); err != nil {
				t.Fatal(err)
			}
			return path
		}, storage.ErrDamaged},
		{"bbolt file of another program", func(t *testing.T, _ string) string {
			path := filepath.Join(t.TempDir(), "other.db")
			b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if err := b.Update(func(tx *bolt.Tx) error {
				bk, err := tx.CreateBucket([]byte("things"))
				if err != nil {
					return err
				}
				return bk.Put([]byte("k"), []byte("v"))
			}); err != nil {
				t.Fatal(err)
			}
			return path
		}, storage.ErrNotDatabase},
		{"backup from a newer version", func(t *testing.T, _ string) string {
			path := write(t, goodBytes)
			setSchema(t, path, storage.SchemaVersion+1)
			return path
		}, storage.ErrNewerSchema},
		{"missing file", func(t *testing.T, _ string) string {
			return filepath.Join(t.TempDir(), "no-such-backup.db")
		}, fs.ErrNotExist},
		{"a directory", func(t *testing.T, _ string) string { return t.TempDir() }, storage.ErrNotDatabase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			live := filepath.Join(dir, "sammachip.db")
			db := open(t, live)
			fillVillages(t, db, 5)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(live)
			if err != nil {
				t.Fatal(err)
			}
			src := tt.src(t, live)

			if _, err := storage.CheckFile(src, storage.Options{}); !errors.Is(err, tt.want) {
				t.Errorf("CheckFile: got %v, want %v", err, tt.want)
			}
			_, err = storage.Restore(src, live, storage.Options{})
			if !errors.Is(err, tt.want) {
				t.Errorf("Restore: got %v, want %v", err, tt.want)
			}
			after, rerr := os.ReadFile(live)
			if rerr != nil || !bytes.Equal(after, before) {
				t.Errorf("the database changed (%v) after a refused restore, want it untouched", rerr)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("got %v left beside the database after a refused restore, want nothing", l)
			}
			if got := len(villagesIn(t, live)); got != 5 {
				t.Errorf("database has %d villages after a refused restore, want its 5", got)
			}
		})
	}
}

func TestRestoreRefusesTheDatabaseItself(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "sammachip.db")
	db := open(t, live)
	fillVillages(t, db, 5)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Restore(live, live, storage.Options{}); err == nil {
		t.Fatal("Restore(db, db): got no error, want a refusal")
	}
	if got := len(villagesIn(t, live)); got != 5 {
		t.Errorf("database has %d villages, want its 5", got)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("got %v left beside the database, want nothing", l)
	}
}

func TestRestoreRefusedWhileTheServerRuns(t *testing.T) {
	backup := goodBackup(t, 300)
	dir := t.TempDir()
	live := filepath.Join(dir, "sammachip.db")
	db := open(t, live) // the running server
	fillVillages(t, db, 5)

	_, err := storage.Restore(backup, live, storage.Options{})
	if !errors.Is(err, storage.ErrLocked) {
		t.Fatalf("Restore while the database is open: got %v, want ErrLocked", err)
	}
	n := 0
	if err := db.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketVillages, "", func(string, func(any) error) error { n++; return nil })
	}); err != nil {
		t.Fatalf("the server cannot read its database after the refused restore: %v", err)
	}
	if n != 5 {
		t.Errorf("server sees %d villages, want its 5", n)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("got %v left beside the database, want nothing", l)
	}
}
