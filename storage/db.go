// Package storage keeps the bot's state in a bbolt file. It implements
// flows.Store and adds what the edge needs: a group-committed append for the
// durable inbox, a hot backup and a health check. Nothing else in the
// program imports bbolt.
package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/sammachip/sammachip/flows"
)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("storage: the database file is in use by another process (is the server running? use its admin commands instead)")

// bucketMeta holds the schema version.
var (
	bucketMeta = []byte("meta")
	keySchema  = []byte("schema")
)

// Options tune Open.
type Options struct {
	// LockTimeout is how long Open waits for another process to release the
	// file before failing with ErrLocked. Default 1s.
	LockTimeout time.Duration
	// ReadOnly opens the file without writing (for restores' checks).
	ReadOnly bool
	// RestoreWait is how long Open waits, instead of LockTimeout, while a
	// restore of the file is running (see LockPath); then ErrRestoring. A
	// server sets minutes; a command-line tool leaves it 0 and fails fast.
	RestoreWait time.Duration
	// Log, when set, hears that Open waits for a restore, and when it ends.
	Log *slog.Logger
	// OnUnreadable, when set, hears of each stored record a list had to
	// skip because it could not be decoded (the error names the bucket
	// and a hashed key, never the key): the server logs and counts it.
	OnUnreadable func(err error)
	// CheckInboxRecord and CheckOutboxRecord say whether this build can
	// read one record of the inbox (and dead letters) or the outbox (and
	// failed sends), whose types belong to package bot: they return the
	// error the program would meet decoding it. CheckFile and Restore
	// refuse a file with a record that fails them, or that fails to
	// decode as the domain's type (records.go). Nil: valid JSON will do.
	CheckInboxRecord  func(value []byte) error
	CheckOutboxRecord func(value []byte) error
}

// DB is an open database. It is safe for concurrent use.
type DB struct {
	// bolt is the open file; Compact replaces it. Read it through use.
	bolt     *bolt.DB
	path     string
	readOnly bool
	lock     *fileLock // the lock file, held until Close
	options  bolt.Options

	// handle guards bolt and users; users counts the calls using bolt, so
	// that Compact closes a replaced file only once they are done.
	handle sync.RWMutex
	users  *sync.WaitGroup
	// writes pauses writers while Compact catches up and swaps files:
	// Update and the group commit hold it shared, Compact exclusively.
	// Readers never wait.
	writes sync.RWMutex
	// dirty, while Compact copies, records the keys written meanwhile
	// (touched); nil otherwise.
	dirty atomic.Pointer[dirtySet]
	// compacting lets one Compact (or Close) run at a time.
	compacting sync.Mutex

	// appends are the inbox's writes (a webhook waits for each before its
	// 200); batches are Batch's functions (the worker's events, the
	// sender's outcomes). Both go through commitLoop, appends first.
	appends   chan *appendReq
	batches   chan *appendReq
	stop      chan struct{}
	committer sync.WaitGroup
	closeOnce sync.Once
	// queueing guards the hand-over to the committer: Append queues under
	// the read lock, Close marks closed under the write lock, so nothing is
	// queued after the committer's last drain (it would wait forever).
	queueing sync.RWMutex
	closed   bool

	// inbox is the inbox log (inboxlog.go), where the webhook's events
	// wait for the worker; read-only when the database is (nil if it has
	// none yet).
	inbox *inboxLog

	// unreadable counts the records lists skipped (Unreadable).
	unreadable   atomic.Int64
	onUnreadable func(error)
}

// UnreadableSkipped is how many stored records lists have skipped since
// Open because they could not be decoded.
func (db *DB) UnreadableSkipped() int64 { return db.unreadable.Load() }

// Open opens (creating if needed) the database at path, creates every
// bucket, and migrates the schema to the current version. It holds the
// database's lock file (LockPath) until Close: while a restore runs, it
// waits up to opt.RestoreWait for it to finish, then opens the restored
// file.
func Open(path string, opt Options) (*DB, error) {
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = time.Second
	}
	// A lock file made by root (a tool run as root) belongs to the
	// database's owner, so that the server can still open it.
	dbInfo, _ := os.Stat(path)
	lock, err := takeLock(path, holderOpen, !opt.ReadOnly, opt, dbInfo)
	var noLockFile errLockFile
	if opt.ReadOnly && errors.As(err, &noLockFile) {
		// A reader in a directory it cannot write to changes nothing that a
		// restore could lose; bbolt's own lock still keeps writers out.
		lock, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	db, err := openFile(path, opt, true)
	if err != nil {
		lock.release()
		return nil, err
	}
	db.lock = lock
	if _, serr := os.Stat(InboxLogDir(path)); !opt.ReadOnly || serr == nil {
		db.inbox, err = openInboxLog(InboxLogDir(path), opt.Log, opt.ReadOnly)
		if err != nil {
			_ = db.Close()
			return nil, err
		}
	}
	return db, nil
}

// openFile opens the bbolt file and migrates it, without the lock file:
// Open's work, and that of a check on a private copy. keepOld keeps a copy
// of a file an older release wrote before migrating it (see
// backupBeforeMigrating); a private copy needs none.
func openFile(path string, opt Options, keepOld bool) (*DB, error) {
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = time.Second
	}
	options := bolt.Options{
		Timeout:        opt.LockTimeout,
		ReadOnly:       opt.ReadOnly,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	}
	b, err := bolt.Open(path, 0o600, &options)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("storage: open %s: %w", path, err)
	}
	db := &DB{bolt: b, path: path, appends: make(chan *appendReq, 1024), batches: make(chan *appendReq, 1024), stop: make(chan struct{}), readOnly: opt.ReadOnly,
		options: options, users: new(sync.WaitGroup), onUnreadable: opt.OnUnreadable}
	if !opt.ReadOnly {
		if err := db.migrate(keepOld); err != nil {
			_ = b.Close()
			return nil, err
		}
		db.committer.Add(1)
		go db.commitLoop()
	}
	return db, nil
}

// Path is the file the database lives in.
func (db *DB) Path() string { return db.path }

// use returns the open file and a function to call when done with it: the
// file stays open until then, even if Compact replaces it meanwhile.
func (db *DB) use() (*bolt.DB, func()) {
	db.handle.RLock()
	defer db.handle.RUnlock()
	db.users.Add(1)
	return db.bolt, db.users.Done
}

// Close stops the committer, waiting for pending appends, and closes the
// file. A compaction under way finishes first.
func (db *DB) Close() error {
	var err error
	db.compacting.Lock()
	defer db.compacting.Unlock()
	db.closeOnce.Do(func() {
		if db.inbox != nil {
			db.inbox.close()
		}
		db.queueing.Lock()
		db.closed = true
		db.queueing.Unlock()
		close(db.stop)
		db.committer.Wait()
		err = db.bolt.Close()
		db.lock.release()
	})
	return err
}

// Ping checks that the database answers a read.
func (db *DB) Ping() error {
	b, done := db.use()
	defer done()
	return b.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta) == nil {
			return errors.New("storage: meta bucket missing")
		}
		return nil
	})
}

// View implements flows.Store.
func (db *DB) View(fn func(flows.Tx) error) error {
	b, done := db.use()
	defer done()
	return b.View(func(tx *bolt.Tx) error { return fn(&boltTx{tx: tx, db: db}) })
}

// Update implements flows.Store. It waits while Compact copies.
func (db *DB) Update(fn func(flows.Tx) error) error {
	db.writes.RLock()
	defer db.writes.RUnlock()
	b, done := db.use()
	defer done()
	return b.Update(func(tx *bolt.Tx) error { return fn(&boltTx{tx: tx, db: db}) })
}

// Batch is Update for callers that run at once from many goroutines (the
// worker's events, the sender's outcomes): their functions join the group
// commit of the inbox's appends (appendTo), so appends, events and
// outcomes share one transaction, its commit and its fsyncs, with no timer:
// while one commit is written the next callers queue. If a function fails
// (or panics), the transaction is rolled back, the others are run again
// without it, and it then runs alone, so its error is its own: fn may run
// more than once and must set its results afresh each time. fn must not
// call the database itself.
func (db *DB) Batch(fn func(flows.Tx) error) error {
	req := &appendReq{fn: fn, done: make(chan error, 1)}
	db.queueing.RLock()
	if db.closed || db.readOnly {
		db.queueing.RUnlock()
		return errors.New("storage: batch: the database is closed or read-only")
	}
	db.batches <- req
	db.queueing.RUnlock()
	return <-req.done
}

// Backup writes a consistent copy of the database to w while it keeps
// serving (a read transaction sees one snapshot).
func (db *DB) Backup(w io.Writer) (int64, error) {
	var n int64
	b, done := db.use()
	defer done()
	err := b.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("storage: backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a backup to path atomically (a temporary file renamed
// into place after it is synced).
func (db *DB) BackupFile(path string) (int64, error) {
	tmp, err := os.CreateTemp(dirOf(path), ".backup-*")
	if err != nil {
		return 0, fmt.Errorf("storage: backup: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := db.Backup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return 0, fmt.Errorf("storage: backup: %w", err)
	}
	return n, nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}

// boltTx is one bbolt transaction: it implements flows.Tx (stores.go)
// over JSON values.
type boltTx struct {
	tx      *bolt.Tx
	db      *DB
	skipped int // records listings left out (skip)
}

func (t *boltTx) bucket(name string) (*bolt.Bucket, error) {
	b := t.tx.Bucket([]byte(name))
	if b == nil {
		return nil, fmt.Errorf("storage: unknown bucket %q", name)
	}
	return b, nil
}

func (t *boltTx) get(bucket, key string, v any) (bool, error) {
	b, err := t.bucket(bucket)
	if err != nil {
		return false, err
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, &flows.UnreadableError{Record: recordName(bucket, key), Err: err}
	}
	return true, nil
}

func (t *boltTx) put(bucket, key string, v any) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("storage: encode %s: %w", recordName(bucket, key), err)
	}
	t.db.touched(bucket, []byte(key))
	return b.Put([]byte(key), raw)
}

func (t *boltTx) delete(bucket, key string) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	t.db.touched(bucket, []byte(key))
	return b.Delete([]byte(key))
}

func (t *boltTx) scan(bucket, prefix string, fn func(string, func(any) error) error) error {
	b, err := t.bucket(bucket)
	if err != nil {
		return err
	}
	c := b.Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && hasPrefix(k, p); k, v = c.Next() {
		key := string(k)
		val := v
		err := fn(key, func(dst any) error {
			if err := json.Unmarshal(val, dst); err != nil {
				return &flows.UnreadableError{Record: recordName(bucket, key), Err: err}
			}
			return nil
		})
		if errors.Is(err, flows.ErrStop) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func hasPrefix(k, p []byte) bool {
	return len(k) >= len(p) && string(k[:len(p)]) == string(p)
}

func (t *boltTx) nextSeq(bucket string) (uint64, error) {
	b, err := t.bucket(bucket)
	if err != nil {
		return 0, err
	}
	return b.NextSequence()
}

// appendReq is one caller's share of a group commit: values to append to
// bucket, or a function to run (Batch).
type appendReq struct {
	bucket string
	values [][]byte
	keys   []string
	fn     func(flows.Tx) error
	done   chan error
}

// AppendInbox stores values (each encoded as JSON; a json.RawMessage as it
// is) in the inbox log, each under a fresh inbox key, and returns once they
// are durable on disk.
// Concurrent callers share writes and syncs, and never wait for the
// database's own commits (inboxlog.go).
func (db *DB) AppendInbox(ctx context.Context, values ...any) ([]string, error) {
	if db.inbox == nil {
		return nil, errors.New("storage: append to the inbox: the database is read-only")
	}
	raws := make([][]byte, len(values))
	for i, v := range values {
		if raw, ok := v.(json.RawMessage); ok {
			raws[i] = raw // encoded already, and valid: the caller's word
			continue
		}
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("storage: append to the inbox: %w", err)
		}
		raws[i] = raw
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Once queued, the write happens whatever the caller does, so it waits
	// for it: the caller must not report a failure for data in fact stored.
	return db.inbox.append(raws)
}

// TakeInbox calls fn with each of the inbox log's records that are new
// since the last call (at the first call after Open: every record not yet
// done), in the order they were appended. The worker reads them once and
// keeps them.
func (db *DB) TakeInbox(fn func(key string, value []byte)) {
	if db.inbox == nil {
		return
	}
	for _, e := range db.inbox.take() {
		fn(e.Key, e.Value)
	}
}

// InboxDone tells the inbox log that the event under key is applied: its
// effects and its processed mark are committed in the database (or it
// moved into the inbox bucket, or was dropped). The log then forgets it.
func (db *DB) InboxDone(key string) {
	if db.inbox != nil {
		db.inbox.done(key)
	}
}

// InboxEach calls fn with each of the inbox log's records not yet done, in
// order (for checks and tests: the worker uses TakeInbox).
func (db *DB) InboxEach(fn func(key string, value []byte)) {
	if db.inbox != nil {
		db.inbox.each(fn)
	}
}

// InboxWaiting is how many of the inbox log's events are not yet done.
func (db *DB) InboxWaiting() int {
	if db.inbox == nil {
		return 0
	}
	return db.inbox.pending()
}

func (db *DB) appendTo(ctx context.Context, bucket string, values ...any) ([]string, error) {
	req := &appendReq{bucket: bucket, values: make([][]byte, len(values)), done: make(chan error, 1)}
	for i, v := range values {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("storage: append to %s: %w", bucket, err)
		}
		req.values[i] = raw
	}
	db.queueing.RLock()
	if db.closed || db.readOnly {
		db.queueing.RUnlock()
		return nil, fmt.Errorf("storage: append to %s: the database is closed or read-only", bucket)
	}
	select {
	case db.appends <- req:
		db.queueing.RUnlock()
	case <-ctx.Done():
		db.queueing.RUnlock()
		return nil, ctx.Err()
	}
	// Once queued, the commit happens whatever the caller does, so wait for
	// it even if ctx ends: the caller must not report a failure for data
	// that was in fact stored.
	if err := <-req.done; err != nil {
		return nil, err
	}
	return req.keys, nil
}

// maxGroup bounds the appends of one commit so that a burst cannot make
// one transaction huge.
const maxGroup = 512

// maxBatched bounds the Batch functions of one commit. The more share a
// commit, the fewer syncs and page writes each pays; a bound keeps one
// transaction's size in check, and the redo cheap when one of them fails
// (the others run again without it). The webhook never waits for these
// commits: its events go to the inbox log (inboxlog.go).
const maxBatched = 64

// commitLoop is the single writer of the group commit: each commit takes
// every append waiting (up to maxGroup) and up to maxBatched functions.
func (db *DB) commitLoop() {
	defer db.committer.Done()
	group := make([]*appendReq, 0, maxGroup+maxBatched)
	for {
		group = group[:0]
		select {
		case r := <-db.appends:
			group = append(group, r)
		case r := <-db.batches:
			group = append(group, r)
		case <-db.stop:
			// Drain what is queued so no caller waits forever.
			for {
				select {
				case r := <-db.appends:
					db.commit([]*appendReq{r})
				case r := <-db.batches:
					db.commit([]*appendReq{r})
				default:
					return
				}
			}
		}
		fns := 0
		if group[0].fn != nil {
			fns = 1
		}
	appends:
		for len(group)-fns < maxGroup {
			select {
			case r := <-db.appends:
				group = append(group, r)
			default:
				break appends
			}
		}
	batched:
		for fns < maxBatched {
			select {
			case r := <-db.batches:
				group = append(group, r)
				fns++
			default:
				break batched
			}
		}
		db.commit(group)
	}
}

func (db *DB) commit(group []*appendReq) {
	// The commit waits while Compact catches up; callers queue meanwhile
	// and go into the next commit together.
	db.writes.RLock()
	defer db.writes.RUnlock()
	b, done := db.use()
	defer done()
	var alone []*appendReq
	for len(group) > 0 {
		// A caller naming an unknown bucket fails alone: the others sharing
		// the commit did nothing wrong.
		var refused []*appendReq
		failed := -1
		err := b.Update(func(tx *bolt.Tx) error {
			refused = refused[:0]
			for i, r := range group {
				if r.fn != nil {
					if err := runBatched(r.fn, &boltTx{tx: tx, db: db}); err != nil {
						failed = i
						return err
					}
					continue
				}
				known, err := db.appendIn(tx, r)
				if err != nil {
					return err
				}
				if !known {
					refused = append(refused, r)
				}
			}
			return nil
		})
		if failed >= 0 {
			// Redo the others without it; it runs alone below.
			alone = append(alone, group[failed])
			group = slices.Delete(slices.Clone(group), failed, failed+1)
			continue
		}
		if err != nil {
			err = fmt.Errorf("storage: group commit: %w", err)
		}
		for _, r := range group {
			if slices.Contains(refused, r) {
				r.done <- fmt.Errorf("storage: append: unknown bucket %q", r.bucket)
				continue
			}
			r.done <- err
		}
		break
	}
	for _, r := range alone {
		r.done <- b.Update(func(tx *bolt.Tx) error { return runBatched(r.fn, &boltTx{tx: tx, db: db}) })
	}
}

// appendIn appends r's values in tx, each under the bucket's next sequence
// number; false when the bucket does not exist.
func (db *DB) appendIn(tx *bolt.Tx, r *appendReq) (bool, error) {
	b := tx.Bucket([]byte(r.bucket))
	if b == nil {
		return false, nil
	}
	// Keys only ever grow here: fill pages instead of splitting them in
	// half, so a commit writes (and syncs) fewer pages.
	b.FillPercent = 0.9
	r.keys = r.keys[:0]
	for _, v := range r.values {
		n, err := b.NextSequence()
		if err != nil {
			return true, err
		}
		k := seqKey(n)
		db.touched(r.bucket, []byte(k))
		if err := b.Put([]byte(k), v); err != nil {
			return true, err
		}
		r.keys = append(r.keys, k)
	}
	return true, nil
}

// runBatched runs a batched function, a panic made its error.
func runBatched(fn func(flows.Tx) error, tx flows.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("storage: a batched function panicked: %v", p)
		}
	}()
	return fn(tx)
}
