package storage_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

func open(t *testing.T, path string) *storage.DB {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestSecondOpenFailsFastWithErrLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	open(t, path)
	done := make(chan error, 1)
	go func() {
		db, err := storage.Open(path, storage.Options{LockTimeout: 50 * time.Millisecond})
		if err == nil {
			_ = db.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, storage.ErrLocked) {
			t.Errorf("got %v, want ErrLocked", err)
		}
		if err != nil && !strings.Contains(err.Error(), "in use") {
			t.Errorf("got message %q, want it to say the file is in use", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a second Open hangs, want ErrLocked after its timeout")
	}
}

func TestOpenCreatesBucketsAndRecordsSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := open(t, path)
	for _, b := range storage.Buckets {
		t.Run(b, func(t *testing.T) {
			err := db.Update(func(tx flows.Tx) error {
				if err := storage.Raw(tx).Put(b, "k", "v"); err != nil {
					return err
				}
				var got string
				if ok, err := storage.Raw(tx).Get(b, "k", &got); err != nil || !ok || got != "v" {
					return fmt.Errorf("got %q, %v, %v, want v, true, nil", got, ok, err)
				}
				return errors.New("roll back")
			})
			if err == nil || err.Error() != "roll back" {
				t.Errorf("bucket %s: %v", b, err)
			}
		})
	}
	if v, err := db.Version(); err != nil || v != storage.SchemaVersion {
		t.Errorf("got schema version %d, %v, want %d", v, err, storage.SchemaVersion)
	}
	if err := db.Ping(); err != nil {
		t.Errorf("ping: %v", err)
	}
	if err := db.Update(func(tx flows.Tx) error { return storage.Raw(tx).Put("no-such-bucket", "k", 1) }); err == nil {
		t.Error("put into an unknown bucket: got no error, want one")
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()

	// A newer build wrote the file.
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], storage.SchemaVersion+1)
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), v[:])
	})
	_ = b.Close()
	if err != nil {
		t.Fatal(err)
	}

	db, err = storage.Open(path, storage.Options{})
	if err == nil {
		_ = db.Close()
		t.Fatal("got no error opening a newer schema, want a refusal")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("got %q, want it to say the file is newer", err)
	}
}

type entry struct {
	Caller int `json:"caller"`
	N      int `json:"n"`
}

func TestConcurrentAppendLosesNothingAndKeepsOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := open(t, path)
	const callers, each = 32, 40
	var wg sync.WaitGroup
	keys := make([][]string, callers)
	for c := range callers {
		wg.Go(func() {
			for n := range each {
				// Every third call appends two values at once.
				vals := []any{entry{c, n}}
				if n%3 == 0 {
					vals = append(vals, entry{c, -n - 1})
				}
				got, err := db.AppendTo(context.Background(), storage.BucketInbox, vals...)
				if err != nil {
					t.Errorf("caller %d append %d: %v", c, n, err)
					return
				}
				if len(got) != len(vals) {
					t.Errorf("got %d keys for %d values", len(got), len(vals))
				}
				keys[c] = append(keys[c], got...)
			}
		})
	}
	wg.Wait()

	stored := map[string]entry{}
	err := db.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketInbox, "", func(k string, decode func(any) error) error {
			var e entry
			if err := decode(&e); err != nil {
				return err
			}
			stored[k] = e
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	want := callers * (each + (each+2)/3)
	if len(stored) != want {
		t.Errorf("got %d stored values, want %d", len(stored), want)
	}
	for c, ks := range keys {
		for i, k := range ks {
			if _, ok := stored[k]; !ok {
				t.Errorf("caller %d: key %s was returned but is not stored", c, k)
			}
			if stored[k].Caller != c {
				t.Errorf("key %s holds caller %d's value, want caller %d's", k, stored[k].Caller, c)
			}
			if i > 0 && ks[i-1] >= k {
				t.Errorf("caller %d: key %s after %s, want increasing keys in call order", c, k, ks[i-1])
			}
		}
	}
}

func TestAppendToUnknownBucketFailsAlone(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "bot.db"))
	var wg sync.WaitGroup
	var good, bad atomic.Int64
	for i := range 64 {
		wg.Go(func() {
			bucket := storage.BucketInbox
			if i%8 == 0 {
				bucket = "no-such-bucket"
			}
			_, err := db.AppendTo(context.Background(), bucket, i)
			switch {
			case bucket != storage.BucketInbox && err != nil:
				bad.Add(1)
			case bucket == storage.BucketInbox && err == nil:
				good.Add(1)
			default:
				t.Errorf("append %d to %s: got error %v", i, bucket, err)
			}
		})
	}
	wg.Wait()
	if good.Load() != 56 || bad.Load() != 8 {
		t.Errorf("got %d good and %d refused appends, want 56 and 8", good.Load(), bad.Load())
	}
}

func TestAppendFailsWhenItCannotWrite(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T, path string) *storage.DB
	}{
		{"closed", func(t *testing.T, path string) *storage.DB {
			db := open(t, path)
			_ = db.Close()
			return db
		}},
		{"read-only", func(t *testing.T, path string) *storage.DB {
			_ = open(t, path).Close()
			db, err := storage.Open(path, storage.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = db.Close() })
			return db
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.open(t, filepath.Join(t.TempDir(), "bot.db"))
			done := make(chan error, 1)
			go func() { _, err := db.AppendTo(context.Background(), storage.BucketInbox, 1); done <- err }()
			select {
			case err := <-done:
				if err == nil {
					t.Error("got no error, want one")
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Append hangs, want an error")
			}
		})
	}
}

func TestHotBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "bot.db"))
	for n := range 100 {
		if _, err := db.AppendTo(context.Background(), storage.BucketInbox, entry{0, n}); err != nil {
			t.Fatal(err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 1; c <= 4; c++ {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.AppendTo(context.Background(), storage.BucketInbox, entry{c, n}); err != nil {
					t.Errorf("append while backing up: %v", err)
					return
				}
			}
		})
	}
	backup := filepath.Join(dir, "backup.db")
	n, err := db.BackupFile(backup)
	close(stop)
	wg.Wait()
	if err != nil || n == 0 {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}

	copy := open(t, backup)
	var keys []string
	err = copy.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketInbox, "", func(k string, decode func(any) error) error {
			var e entry
			keys = append(keys, k)
			return decode(&e)
		})
	})
	if err != nil {
		t.Fatalf("read the backup: %v", err)
	}
	if len(keys) < 100 {
		t.Fatalf("backup holds %d values, want at least the 100 written before it", len(keys))
	}
	// One snapshot: the sequence keys run 1..n without a gap.
	for i, k := range keys {
		if want := storage.SeqKey(uint64(i + 1)); k != want {
			t.Fatalf("backup key %d is %s, want %s (a consistent snapshot has no gaps)", i, k, want)
		}
	}
	if v, err := copy.Version(); err != nil || v != storage.SchemaVersion {
		t.Errorf("backup schema version %d, %v, want %d", v, err, storage.SchemaVersion)
	}
}

// A record that cannot be decoded (or encoded) is named in the error by
// its bucket and a hashed key: keys are often LINE user ids, and errors
// reach the logs.
func TestErrorsNameRecordsWithoutTheirKeys(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "bot.db"))
	uid := "U" + strings.Repeat("4f", 16)
	if err := db.Update(func(tx flows.Tx) error { return storage.Raw(tx).Put(storage.BucketUsers, uid, "not a user") }); err != nil {
		t.Fatal(err)
	}
	var u flows.User
	errs := map[string]error{
		"get": db.View(func(tx flows.Tx) error { _, err := storage.Raw(tx).Get(storage.BucketUsers, uid, &u); return err }),
		"scan": db.View(func(tx flows.Tx) error {
			return storage.Raw(tx).Scan(storage.BucketUsers, "", func(_ string, decode func(any) error) error { return decode(&u) })
		}),
		"put": db.Update(func(tx flows.Tx) error { return storage.Raw(tx).Put(storage.BucketUsers, uid, func() {}) }),
	}
	want := "users/#" + storage.HashKey(uid)
	for name, err := range errs {
		switch {
		case err == nil:
			t.Errorf("%s: got no error, want one", name)
		case strings.Contains(err.Error(), uid):
			t.Errorf("%s: error %q names the LINE id", name, err)
		case !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q, want it to name %s", name, err, want)
		}
	}
}

// Functions batched together commit together; one that fails (or panics)
// fails alone, and the others' writes are kept, each exactly once.
func TestBatchFailsAlone(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "bot.db"))
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Go(func() {
			errs[i] = db.Batch(func(tx flows.Tx) error {
				if err := storage.Raw(tx).Put(storage.BucketCounters, fmt.Sprintf("k%02d", i), i); err != nil {
					return err
				}
				switch i {
				case 7:
					return errors.New("seven fails")
				case 9:
					panic("nine panics")
				}
				return nil
			})
		})
		if i%5 == 0 {
			go func() { _, _ = db.AppendTo(context.Background(), storage.BucketInbox, i) }()
		}
	}
	wg.Wait()
	for i, err := range errs {
		switch {
		case i == 7 && (err == nil || err.Error() != "seven fails"):
			t.Errorf("batch 7: got %v, want its own error", err)
		case i == 9 && (err == nil || !strings.Contains(err.Error(), "nine panics")):
			t.Errorf("batch 9: got %v, want its panic as an error", err)
		case i != 7 && i != 9 && err != nil:
			t.Errorf("batch %d: got %v, want nil", i, err)
		}
	}
	got := map[string]bool{}
	_ = db.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketCounters, "", func(k string, _ func(any) error) error {
			got[k] = true
			return nil
		})
	})
	for i := range errs {
		if want := i != 7 && i != 9; got[fmt.Sprintf("k%02d", i)] != want {
			t.Errorf("k%02d stored: %v, want %v", i, !want, want)
		}
	}
}
