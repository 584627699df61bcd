package storage_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// copyTo copies src to a new file in a fresh directory.
func copyTo(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dst
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestOldSchemaChecksAndRestores(t *testing.T) {
	old := copyTo(t, "testdata/schema-1.db")
	before, err := os.ReadFile(old)
	if err != nil {
		t.Fatal(err)
	}
	info, err := storage.CheckFile(old, storage.Options{})
	if err != nil {
		t.Fatalf("CheckFile(schema-1.db): %v", err)
	}
	if info.SchemaVersion != 1 || info.Records(storage.BucketHouseholds) == 0 {
		t.Errorf("CheckFile says schema %d, %d households; want schema 1 and the demo's households", info.SchemaVersion, info.Records(storage.BucketHouseholds))
	}
	if after, _ := os.ReadFile(old); !bytes.Equal(after, before) {
		t.Error("CheckFile changed the file it checked, want it untouched (the copy is migrated, not the file)")
	}
	if names := dirNames(t, filepath.Dir(old)); len(names) != 1 {
		t.Errorf("got %v beside the checked file, want only the file (the copy removed)", names)
	}

	live := filepath.Join(t.TempDir(), "sammachip.db")
	if _, err := storage.Restore(old, live, storage.Options{}); err != nil {
		t.Fatalf("Restore(schema-1.db): %v", err)
	}
	if names := dirNames(t, filepath.Dir(live)); !slices.Equal(names, []string{"sammachip.db", "sammachip.db.lock"}) {
		t.Errorf("got %v beside the restored database, want only it and its lock file (the migrated copy renamed)", names)
	}
	db := open(t, live)
	if v, err := db.Version(); err != nil || v != storage.SchemaVersion {
		t.Errorf("restored database has schema %d (%v), want %d", v, err, storage.SchemaVersion)
	}
	var villages []flows.Village
	if err := db.View(func(tx flows.Tx) error {
		var err error
		villages, err = flows.ListVillages(tx)
		return err
	}); err != nil || len(villages) != 13 {
		t.Errorf("restored database has %d villages (%v), want the demo's 13", len(villages), err)
	}
}

// householdKey has the shape of a LINE id, which keys often are.
const householdKey = "U4f0c2a9d1b7e4c3a8f6d5e2b1c0a9f8e"

// householdBackup makes a backup holding one household, and returns it
// with the household's key.
func householdBackup(t *testing.T) (path, key string) {
	t.Helper()
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "source.db"))
	fillVillages(t, db, 30)
	key = householdKey
	applied := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := db.Update(func(tx flows.Tx) error {
		return storage.Raw(tx).Put(storage.BucketHouseholds, key, flows.Household{ID: key, Village: 3, HeadName: "มาลี ใจดี", Applied: applied})
	}); err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "backup.db")
	if _, err := db.BackupFile(path); err != nil {
		t.Fatal(err)
	}
	return path, key
}

// flipAfter changes one bit of the byte at offset off after the first
// occurrence of marker in the file at path.
func flipAfter(t *testing.T, path, marker string, off int, bit byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(marker))
	if i < 0 || bytes.Contains(b[i+1:], []byte(marker)) {
		t.Fatalf("%q found %d times in the backup, want once", marker, bytes.Count(b, []byte(marker)))
	}
	b[i+len(marker)+off] ^= bit
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRefusesARecordItCannotRead(t *testing.T) {
	tests := []struct {
		name   string
		marker string
		off    int
		bit    byte
	}{
		{"a digit becomes a letter", householdKey + `","village":`, 0, 0x40},
		{"Thai text no longer UTF-8", `"headName":"`, 1, 0x40},
		{"a date that is no date", `"applied":"2026-`, 0, 0x40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			backup, key := householdBackup(t)
			flipAfter(t, backup, tt.marker, tt.off, tt.bit)
			dir := t.TempDir()
			live := filepath.Join(dir, "sammachip.db")
			db := open(t, live)
			fillVillages(t, db, 5)
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(live)

			_, err := storage.Restore(backup, live, storage.Options{})
			_, cerr := storage.CheckFile(backup, storage.Options{})
			for _, err := range []error{err, cerr} {
				var rec *storage.RecordError
				if !errors.Is(err, storage.ErrBadRecord) || !errors.As(err, &rec) {
					t.Fatalf("got %v, want ErrBadRecord", err)
				}
				sum := sha256.Sum256([]byte("sammachip:" + key)) // as bot.HashID
				if rec.Bucket != storage.BucketHouseholds || rec.KeyHash != hex.EncodeToString(sum[:6]) {
					t.Errorf("got record %s/%s, want households/%x", rec.Bucket, rec.KeyHash, sum[:6])
				}
				if msg := err.Error(); !strings.Contains(msg, "households/"+rec.KeyHash) || strings.Contains(msg, key) || strings.Contains(msg, "มาลี") {
					t.Errorf("error %q: want bucket and hashed key, never the key or the record", msg)
				}
			}
			if after, _ := os.ReadFile(live); !bytes.Equal(after, before) {
				t.Error("the database changed after a refused restore, want it untouched")
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Errorf("got %v left beside the database, want nothing", l)
			}
			if got := len(villagesIn(t, live)); got != 5 {
				t.Errorf("database has %d villages after a refused restore, want its 5", got)
			}
		})
	}
}

// syncLog collects log output written from several goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// slowRestore starts restoring backup over live and holds it in its
// record check until release is closed. It returns once the restore is
// under way (holding the lock), and the channel its result comes on.
func slowRestore(t *testing.T, backup, live string, release chan struct{}) <-chan error {
	t.Helper()
	started := make(chan struct{})
	var once sync.Once
	hold := func([]byte) error {
		once.Do(func() { close(started) })
		<-release
		return nil
	}
	done := make(chan error, 1)
	go func() {
		_, err := storage.Restore(backup, live, storage.Options{CheckInboxRecord: hold})
		done <- err
	}()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("restore ended before its check: %v", err)
	}
	return done
}

func TestOpenDuringARestoreWaitsThenOpensTheRestoredFile(t *testing.T) {
	backup := goodBackup(t, 300)
	live := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, live)
	fillVillages(t, db, 5)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	restored := slowRestore(t, backup, live, release)

	logs := &syncLog{}
	opened := make(chan *storage.DB, 1)
	go func() {
		db, err := storage.Open(live, storage.Options{RestoreWait: time.Minute, Log: slog.New(slog.NewTextHandler(logs, nil))})
		if err != nil {
			t.Errorf("Open during a restore: %v", err)
		}
		opened <- db
	}()
	for !strings.Contains(logs.String(), "waiting for it to finish") {
		select {
		case db := <-opened:
			t.Fatalf("Open returned (%v) while the restore ran, want it to wait", db != nil)
		case <-time.After(10 * time.Millisecond):
		}
	}
	close(release)
	if err := <-restored; err != nil {
		t.Fatalf("Restore: %v", err)
	}
	db = <-opened
	if db == nil {
		t.FailNow()
	}
	n := 0
	_ = db.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketVillages, "", func(string, func(any) error) error { n++; return nil })
	})
	if n != 300 {
		t.Errorf("the server sees %d villages, want the restored 300", n)
	}
	if err := db.Update(func(tx flows.Tx) error {
		return storage.Raw(tx).Put(storage.BucketVillages, "09999", villageRec{9999, "written after the restore"})
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if got := villagesIn(t, live)["09999"]; got.Moo != 9999 {
		t.Error("a village written after the restore is gone after a restart")
	}
	if !strings.Contains(logs.String(), "restore has finished") {
		t.Errorf("log %q: want it to say the restore finished", logs.String())
	}
}

func TestOpenGivesUpOnARestoreThatOutlastsItsWait(t *testing.T) {
	backup := goodBackup(t, 10)
	live := filepath.Join(t.TempDir(), "sammachip.db")
	release := make(chan struct{})
	restored := slowRestore(t, backup, live, release)
	db, err := storage.Open(live, storage.Options{RestoreWait: 100 * time.Millisecond})
	if !errors.Is(err, storage.ErrRestoring) {
		t.Errorf("Open while a restore outlasts RestoreWait: got %v, want ErrRestoring", err)
	}
	if err == nil {
		_ = db.Close()
	}
	// A command-line tool (no RestoreWait) fails as fast as for a server.
	if _, err := storage.Open(live, storage.Options{LockTimeout: 50 * time.Millisecond}); !errors.Is(err, storage.ErrRestoring) {
		t.Errorf("Open without RestoreWait: got %v, want ErrRestoring", err)
	}
	close(release)
	if err := <-restored; err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if got := len(villagesIn(t, live)); got != 10 {
		t.Errorf("got %d villages, want the restored 10", got)
	}
}
