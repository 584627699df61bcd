package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// A deleted person's phone number stays in the database file's free pages
// until the file is compacted; after it, no byte of the file holds it, and
// everything not deleted is still there.
func TestCompactLeavesNoDeletedBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := open(t, path)
	const phone = "0897651234"
	kept := map[string]string{"name": "สมหมาย ใจดี", "phone": "0811112222"}
	err := db.Update(func(tx flows.Tx) error {
		if err := storage.Raw(tx).Put(storage.BucketHouseholds, "00000000000000000001", map[string]string{"name": "สมใจ รักดี", "phone": phone}); err != nil {
			return err
		}
		for i := range 200 { // enough records that the deleted one's page is not the last
			if err := storage.Raw(tx).Put(storage.BucketHouseholds, fmt.Sprintf("%020d", i+2), kept); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx flows.Tx) error {
		return storage.Raw(tx).Delete(storage.BucketHouseholds, "00000000000000000001")
	}); err != nil {
		t.Fatal(err)
	}
	if raw, _ := os.ReadFile(path); !bytes.Contains(raw, []byte(phone)) {
		t.Fatal("precondition: the deleted number should still be in the file's free pages before compaction")
	}

	res, err := db.Compact()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(phone)) {
		t.Errorf("the deleted phone number is still in the file after compaction")
	}
	if res.After != int64(len(raw)) || res.Before == 0 {
		t.Errorf("got sizes %d → %d, want the file's sizes (now %d)", res.Before, res.After, len(raw))
	}
	// The running database reads and writes the new file, and so does the
	// next process.
	if err := db.Update(func(tx flows.Tx) error {
		return storage.Raw(tx).Put(storage.BucketHouseholds, "00000000000000001000", kept)
	}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = open(t, path)
	n := 0
	err = db.View(func(tx flows.Tx) error {
		return storage.Raw(tx).Scan(storage.BucketHouseholds, "", func(_ string, decode func(any) error) error {
			var got map[string]string
			if err := decode(&got); err != nil {
				return err
			}
			if got["phone"] != kept["phone"] {
				return fmt.Errorf("got %v, want %v", got, kept)
			}
			n++
			return nil
		})
	})
	if err != nil || n != 201 {
		t.Errorf("after compaction and a reopen: %d households, %v; want 201", n, err)
	}
	if v, err := db.Version(); err != nil || v != storage.SchemaVersion {
		t.Errorf("schema version %d, %v after compaction, want %d", v, err, storage.SchemaVersion)
	}
}

// Compacting while the program serves loses nothing: appends and updates
// made during several compactions are all there afterwards, and sequences
// go on where they were.
func TestCompactWhileWriting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := open(t, path)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*each*2+10)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if _, err := db.AppendTo(context.Background(), storage.BucketInbox, map[string]int{"w": w, "i": i}); err != nil {
					errs <- err
				}
				err := db.Update(func(tx flows.Tx) error {
					return storage.Raw(tx).Put(storage.BucketCounters, fmt.Sprintf("w%d/%03d", w, i), i)
				})
				if err != nil {
					errs <- err
				}
				_ = db.View(func(tx flows.Tx) error {
					_, err := storage.Raw(tx).Get(storage.BucketCounters, "w0/000", new(int))
					return err
				})
			}
		})
	}
	for range 5 {
		if _, err := db.Compact(); err != nil {
			errs <- err
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	inbox, counters := 0, 0
	_ = db.View(func(tx flows.Tx) error {
		_ = storage.Raw(tx).Scan(storage.BucketInbox, "", func(string, func(any) error) error { inbox++; return nil })
		return storage.Raw(tx).Scan(storage.BucketCounters, "", func(string, func(any) error) error { counters++; return nil })
	})
	if inbox != writers*each || counters != writers*each {
		t.Errorf("got %d inbox and %d counter records, want %d each", inbox, counters, writers*each)
	}
	keys, err := db.AppendTo(context.Background(), storage.BucketInbox, "next")
	if err != nil || keys[0] != storage.SeqKey(writers*each+1) {
		t.Errorf("the next append got key %v, %v; want %s (the sequence survives)", keys, err, storage.SeqKey(writers*each+1))
	}
	if left, _ := filepath.Glob(path + ".compact-*"); len(left) != 0 {
		t.Errorf("compaction left files behind: %v", left)
	}
}

// Writes made while Compact copies (after its snapshot) are in the
// compacted file: added, changed and deleted records, and sequences.
func TestCompactKeepsWritesMadeWhileItCopies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	db := open(t, path)
	put := func(key string, v any) {
		t.Helper()
		if err := db.Update(func(tx flows.Tx) error { return storage.Raw(tx).Put(storage.BucketCounters, key, v) }); err != nil {
			t.Fatal(err)
		}
	}
	put("changed", 1)
	put("deleted", 1)
	if _, err := db.AppendTo(context.Background(), storage.BucketInbox, "before"); err != nil {
		t.Fatal(err)
	}
	storage.SetCompactHook(t, func() {
		put("changed", 2)
		put("added", 3)
		if err := db.Update(func(tx flows.Tx) error { return storage.Raw(tx).Delete(storage.BucketCounters, "deleted") }); err != nil {
			t.Error(err)
		}
		if _, err := db.AppendTo(context.Background(), storage.BucketInbox, "during"); err != nil {
			t.Error(err)
		}
	})
	if _, err := db.Compact(); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	inbox := 0
	_ = db.View(func(tx flows.Tx) error {
		_ = storage.Raw(tx).Scan(storage.BucketInbox, "", func(string, func(any) error) error { inbox++; return nil })
		return storage.Raw(tx).Scan(storage.BucketCounters, "", func(k string, decode func(any) error) error {
			var n int
			err := decode(&n)
			got[k] = n
			return err
		})
	})
	if want := map[string]int{"changed": 2, "added": 3}; !maps.Equal(got, want) {
		t.Errorf("after compacting: %v, want %v", got, want)
	}
	if inbox != 2 {
		t.Errorf("inbox holds %d events, want 2", inbox)
	}
	keys, err := db.AppendTo(context.Background(), storage.BucketInbox, "after")
	if err != nil || keys[0] != storage.SeqKey(3) {
		t.Errorf("next inbox key %v, %v; want %s (the sequence moved on during the copy)", keys, err, storage.SeqKey(3))
	}
}
