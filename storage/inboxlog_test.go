package storage_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/sammachip/sammachip/storage"
)

// logged is what the inbox log hands over: keys and values in order.
type logged struct {
	keys   []string
	values []string
}

func take(db *storage.DB) logged {
	var l logged
	db.TakeInbox(func(key string, value []byte) {
		l.keys = append(l.keys, key)
		var s string
		if err := json.Unmarshal(value, &s); err != nil {
			s = "undecodable: " + string(value)
		}
		l.values = append(l.values, s)
	})
	return l
}

func appendInbox(t *testing.T, db *storage.DB, values ...any) []string {
	t.Helper()
	keys, err := db.AppendInbox(context.Background(), values...)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// segments lists the inbox log's files and their contents.
func segments(t *testing.T, path string) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(storage.InboxLogDir(path), "*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = data
	}
	return out
}

// What was acknowledged survives the process: events not yet done are
// handed over again after a reopen, in order, under the same keys.
func TestInboxLogKeepsWhatIsNotDoneAcrossARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, path)
	keys := appendInbox(t, db, "a", "b")
	keys = append(keys, appendInbox(t, db, "c")...)
	if got := take(db); !slices.Equal(got.keys, keys) || !slices.Equal(got.values, []string{"a", "b", "c"}) {
		t.Fatalf("handed over %v %v, want %v [a b c]", got.keys, got.values, keys)
	}
	if got := take(db); len(got.keys) != 0 {
		t.Fatalf("handed over %v a second time", got.values)
	}
	db.InboxDone(keys[1])
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = open(t, path)
	defer db.Close()
	// b's segment is still in use, so b comes back too: the log does not
	// remember what is done, the database's processed marks do (the worker
	// finds b's and drops it as a duplicate).
	if got := take(db); !slices.Equal(got.keys, keys) || !slices.Equal(got.values, []string{"a", "b", "c"}) {
		t.Errorf("after a restart: %v %v, want %v [a b c]", got.keys, got.values, keys)
	}
	for _, k := range keys {
		db.InboxDone(k)
	}
	if got := db.InboxWaiting(); got != 0 {
		t.Errorf("%d waiting, want 0", got)
	}
	// New keys never repeat old ones (a failed event keeps its key in the
	// inbox bucket).
	next := appendInbox(t, db, "d")
	if next[0] <= keys[2] {
		t.Errorf("new key %s does not come after %s", next[0], keys[2])
	}
}

// A person's words stay on disk only while their event (or another in the
// same segment) waits: once every event is done, no segment holds any of
// them, and keys still grow after a restart.
func TestInboxLogDeletesWhatIsDone(t *testing.T) {
	storage.SetLogSegmentSize(t, 200) // a few records per segment
	path := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, path)
	var keys []string
	for i := range 20 {
		keys = append(keys, appendInbox(t, db, fmt.Sprintf("secret-%02d-%s", i, bytes.Repeat([]byte("x"), 40)))...)
	}
	if n := len(segments(t, path)); n < 4 {
		t.Fatalf("%d segments, want several (200 bytes each)", n)
	}
	take(db)
	for _, k := range keys[:10] {
		db.InboxDone(k)
	}
	// A segment goes when all of it is done: one still on disk holds an
	// event that waits.
	gone := 0
	for name, data := range segments(t, path) {
		holdsDone, holdsWaiting := false, false
		for i := range 20 {
			if bytes.Contains(data, fmt.Appendf(nil, "secret-%02d", i)) {
				holdsDone = holdsDone || i < 10
				holdsWaiting = holdsWaiting || i >= 10
			}
		}
		if holdsDone && !holdsWaiting {
			t.Errorf("segment %s holds only done events", name)
		}
	}
	for i := range 10 {
		found := false
		for _, data := range segments(t, path) {
			found = found || bytes.Contains(data, fmt.Appendf(nil, "secret-%02d", i))
		}
		if !found {
			gone++
		}
	}
	if gone < 6 {
		t.Errorf("only %d of 10 done events are gone from the disk", gone)
	}
	for _, k := range keys[10:] {
		db.InboxDone(k)
	}
	db.InboxDone(keys[3]) // twice: harmless
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	segs := segments(t, path)
	if len(segs) != 1 {
		t.Errorf("segments left: %d, want 1 (zeros, naming the next key)", len(segs))
	}
	for name, data := range segs {
		if i := bytes.IndexFunc(data, func(r rune) bool { return r != 0 }); i >= 0 {
			t.Errorf("segment %s holds data at %d, want only zeros", name, i)
		}
	}
	db = open(t, path)
	defer db.Close()
	if got := take(db); len(got.keys) != 0 {
		t.Errorf("handed over %v after everything was done", got.values)
	}
	if next := appendInbox(t, db, "new"); next[0] <= keys[19] {
		t.Errorf("new key %s does not come after %s", next[0], keys[19])
	}
}

// A write cut short by a crash (never acknowledged) is cut off at the next
// open; the whole records before it are kept and new ones follow them.
func TestInboxLogCutsATornWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, path)
	keys := appendInbox(t, db, "kept-1", "kept-2")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var last string
	for name := range segments(t, path) {
		last = max(last, name)
	}
	seg := filepath.Join(storage.InboxLogDir(path), last)
	for _, torn := range [][]byte{
		{0x20, 0, 0, 0, 1, 2}, // half a header
		append([]byte{0x20, 0, 0, 0, 9, 9, 9, 9, 3, 0, 0, 0, 0, 0, 0, 0}, `"tor`...), // a header, half a value
	} {
		// Right after the last whole record, where the next write goes.
		data, err := os.ReadFile(seg)
		if err != nil {
			t.Fatal(err)
		}
		end := len(bytes.TrimRight(data, "\x00"))
		f, err := os.OpenFile(seg, os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.WriteAt(torn, int64(end)); err != nil {
			t.Fatal(err)
		}
		_ = f.Close()
		db = open(t, path)
		if got := take(db); !slices.Equal(got.keys, keys) || !slices.Equal(got.values, []string{"kept-1", "kept-2"}) {
			t.Errorf("after a torn write: %v %v, want %v [kept-1 kept-2]", got.keys, got.values, keys)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db = open(t, path)
	more := appendInbox(t, db, "after")
	_ = db.Close()
	db = open(t, path)
	defer db.Close()
	if got := take(db); !slices.Equal(got.values, []string{"kept-1", "kept-2", "after"}) || got.keys[2] != more[0] {
		t.Errorf("after the cut and a new append: %v %v", got.keys, got.values)
	}
}

// A flipped bit in a record is never handed over as an event.
func TestInboxLogRefusesADamagedRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, path)
	appendInbox(t, db, "first")
	appendInbox(t, db, "second")
	_ = db.Close()
	for name, data := range segments(t, path) {
		if i := bytes.Index(data, []byte("second")); i > 0 {
			data[i] ^= 0x01
			if err := os.WriteFile(filepath.Join(storage.InboxLogDir(path), name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	db = open(t, path)
	defer db.Close()
	if got := take(db); !slices.Equal(got.values, []string{"first"}) {
		t.Errorf("handed over %v, want [first] (the damaged record refused)", got.values)
	}
}

// Concurrent appends share writes and lose nothing: every key is unique,
// and a restart hands every value back under the key its caller got.
func TestInboxLogConcurrentAppends(t *testing.T) {
	storage.SetLogSegmentSize(t, 4096)
	path := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, path)
	var mu sync.Mutex
	want := map[string]string{}
	var wg sync.WaitGroup
	for c := range 16 {
		wg.Go(func() {
			for i := range 50 {
				v := fmt.Sprintf("c%d-%d", c, i)
				keys, err := db.AppendInbox(context.Background(), v)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if _, dup := want[keys[0]]; dup {
					t.Errorf("key %s given twice", keys[0])
				}
				want[keys[0]] = v
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	_ = db.Close()
	db = open(t, path)
	defer db.Close()
	got := take(db)
	if len(got.keys) != len(want) {
		t.Fatalf("%d handed back, want %d", len(got.keys), len(want))
	}
	if !slices.IsSorted(got.keys) {
		t.Error("handed back out of order")
	}
	for i, k := range got.keys {
		if want[k] != got.values[i] {
			t.Errorf("key %s holds %q, want %q", k, got.values[i], want[k])
		}
	}
}

// When a new segment cannot be made (a full disk), the append that needed
// it fails alone: the segment being written still takes what fits, and
// once the segment can be made, appends go on; nothing acknowledged is lost.
func TestInboxLogSurvivesAFailedNewSegment(t *testing.T) {
	storage.SetLogSegmentSize(t, 256)
	path := filepath.Join(t.TempDir(), "sammachip.db")
	db := open(t, path)
	keys := appendInbox(t, db, "first")
	// Where the next segment would be made, something is in the way.
	blocker := filepath.Join(storage.InboxLogDir(path), fmt.Sprintf("%016x.log.new", 2))
	if err := os.Mkdir(blocker, 0o700); err != nil {
		t.Fatal(err)
	}
	big := string(bytes.Repeat([]byte("x"), 300))
	if _, err := db.AppendInbox(context.Background(), big); err == nil {
		t.Fatal("an append needing a new segment succeeded with no room for one")
	}
	keys = append(keys, appendInbox(t, db, "small")...) // fits the segment being written
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	keys = append(keys, appendInbox(t, db, big)...)
	_ = db.Close()
	db = open(t, path)
	defer db.Close()
	if got := take(db); !slices.Equal(got.keys, keys) || !slices.Equal(got.values, []string{"first", "small", big}) {
		t.Errorf("after the failure and a restart: %v %q", got.keys, got.values)
	}
}
