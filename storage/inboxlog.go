package storage

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The inbox log holds the webhook's acknowledged events until the worker
// has committed their effects. It is a directory of segment files beside
// the database (InboxLogDir), written by one goroutine:
//
//   - Durable before the 200. An append returns once its records are
//     written and the segment's data synced. Appends arriving meanwhile
//     share the next write and sync (a group commit, no timer), so an
//     acknowledgement costs one small write and one sync, and never waits
//     for the database's writer, which runs the worker's events. Segments
//     are written full of zeros when made, so a record overwrites blocks
//     that exist and its sync has no size or block map to write.
//   - Applied once. The worker commits an event's effects together with its
//     processed mark (the event's id) in the database; only then does it
//     tell the log (InboxDone). After a crash between the two, the log
//     hands the event over again and the mark makes it a duplicate: its
//     effects are never committed twice. An event that fails moves into the
//     database's inbox bucket (with its attempts) before InboxDone.
//   - Gone when applied. A segment is deleted as soon as every record in it
//     is done; the one being written is then overwritten with zeros and
//     serves again under the next name. So an event's words stay on disk
//     only while it waits; a quiet day keeps no segment with data.
//   - Torn writes. A record is its length, a checksum, its sequence number
//     and the value; the records end at the first header of zeros. A crash
//     in the middle of a write leaves a torn tail on the newest segment:
//     opening zeroes it (it was never acknowledged). Damage anywhere else
//     is logged, and the records before it are kept.
//
// Sequence numbers only grow, across restarts too: the newest segment's
// name (its first sequence number) is kept even when it holds nothing.

// InboxLogDir is where the inbox log of the database at path lives.
func InboxLogDir(path string) string { return path + ".inbox" }

const (
	logHeader = 16 // the value's length uint32, CRC-32C (of sequence and value) uint32, sequence uint64
	// logMaxRecord bounds one record (the webhook reads at most 1 MiB).
	logMaxRecord = 4 << 20
)

// logSegmentSize is a segment's size, written as zeros when it is made; a
// group that does not fit starts a new one, so that a backlog's early
// segments can be deleted while the later ones are still being read. A
// variable for the tests.
var logSegmentSize int64 = 4 << 20

var logTable = crc32.MakeTable(crc32.Castagnoli)

// InboxEntry is one record of the inbox log: its key (the inbox key the
// worker uses) and the value appended.
type InboxEntry struct {
	Key   string
	Value []byte
}

// logKey is the inbox key of a log record. It differs from the bucket's
// keys (digits only), so an event that moved into the bucket keeps its key.
func logKey(seq uint64) string { return fmt.Sprintf("L%016x", seq) }

func parseLogKey(key string) (uint64, bool) {
	if len(key) != 17 || key[0] != 'L' {
		return 0, false
	}
	n, err := strconv.ParseUint(key[1:], 16, 64)
	return n, err == nil
}

// segment is one file of the log.
type segment struct {
	first   uint64            // the sequence number in its name
	path    string            // its file
	pending map[uint64][]byte // its records not yet done: their values
	size    int64             // bytes written (the active segment's only)
}

type logReq struct {
	values [][]byte
	keys   []string
	done   chan error
}

// inboxLog is an open inbox log.
type inboxLog struct {
	dir      string
	log      *slog.Logger
	readOnly bool // only reads what is on disk (a stopped bot's checks)

	reqs  chan *logReq
	retry chan struct{} // InboxDone emptied the active segment
	stop  chan struct{}
	wg    sync.WaitGroup
	// queueing and closed: as DB's (no request is queued after the
	// writer's last drain).
	queueing sync.RWMutex
	closed   bool

	mu     sync.Mutex
	segs   []*segment // oldest first; the last is the active one
	fresh  []InboxEntry
	next   uint64   // the next sequence number (writer only, after open)
	active *os.File // the last segment's file (writer only)
}

// openInboxLog opens (creating if needed) the log in dir and reads back
// every record not yet done, for TakeInbox. Read-only, it changes nothing
// on disk and cannot append.
func openInboxLog(dir string, log *slog.Logger, readOnly bool) (*inboxLog, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &inboxLog{dir: dir, log: log, readOnly: readOnly, reqs: make(chan *logReq, 1024), retry: make(chan struct{}, 1), stop: make(chan struct{})}
	if readOnly {
		l.closed = true
		return l, l.recover()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("storage: inbox log: %w", err)
	}
	if err := l.recover(); err != nil {
		return nil, err
	}
	l.wg.Add(1)
	go l.writeLoop()
	return l, nil
}

// recover reads the segments, cuts a torn tail off the newest, deletes
// segments with no record, and opens the newest for appending.
func (l *inboxLog) recover() error {
	names, err := filepath.Glob(filepath.Join(l.dir, "*.log"))
	if err != nil {
		return fmt.Errorf("storage: inbox log: %w", err)
	}
	type found struct {
		first uint64
		path  string
	}
	var files []found
	for _, p := range names {
		n, err := strconv.ParseUint(strings.TrimSuffix(filepath.Base(p), ".log"), 16, 64)
		if err != nil {
			continue // not ours
		}
		files = append(files, found{n, p})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].first < files[j].first })
	l.next = 1
	for i, f := range files {
		last := i == len(files)-1
		data, err := os.ReadFile(f.path)
		if err != nil {
			return fmt.Errorf("storage: inbox log: %w", err)
		}
		seg := &segment{first: f.first, path: f.path, pending: map[uint64][]byte{}}
		l.next = max(l.next, f.first)
		good, err := readRecords(data, func(seq uint64, value []byte) {
			seg.pending[seq] = value
			l.fresh = append(l.fresh, InboxEntry{Key: logKey(seq), Value: value})
			l.next = max(l.next, seq+1)
		})
		if err != nil && !l.readOnly {
			if last {
				// A write cut short by a crash (never acknowledged): zeros
				// from there on, so that nothing of it is read back later
				// between new records.
				if zerr := zeroFrom(f.path, int64(good), int64(len(data))); zerr != nil {
					return fmt.Errorf("storage: inbox log: clear a torn write: %w", zerr)
				}
			} else {
				l.log.Error("storage: inbox log: a damaged segment; the records after the damage are lost", "segment", filepath.Base(f.path), "offset", good, "err", err)
			}
		}
		seg.size = int64(good)
		if len(seg.pending) == 0 && !last && !l.readOnly {
			if err := os.Remove(f.path); err != nil {
				return fmt.Errorf("storage: inbox log: %w", err)
			}
			continue
		}
		l.segs = append(l.segs, seg)
	}
	if l.readOnly {
		return nil
	}
	if len(l.segs) == 0 {
		if err := l.startSegment(); err != nil {
			return fmt.Errorf("storage: inbox log: %w", err)
		}
	}
	if l.active != nil {
		return nil
	}
	act := l.segs[len(l.segs)-1]
	file, err := os.OpenFile(act.path, os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("storage: inbox log: %w", err)
	}
	l.active = file
	return nil
}

// zeroFrom writes zeros over path's bytes from off to end, and syncs.
func zeroFrom(path string, off, end int64) error {
	if off >= end {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteAt(make([]byte, end-off), off)
	if err == nil {
		err = fdatasync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// readRecords calls fn for each whole record in data and returns how many
// bytes they take; an error says why the rest could not be read. The
// records end at the end of data, or at a header of zeros (the rest of a
// segment is zeros until written).
func readRecords(data []byte, fn func(seq uint64, value []byte)) (int, error) {
	off := 0
	for off < len(data) {
		if len(data)-off < logHeader {
			if allZero(data[off:]) {
				return off, nil
			}
			return off, io.ErrUnexpectedEOF
		}
		if allZero(data[off : off+logHeader]) {
			if allZero(data[off:]) {
				return off, nil
			}
			return off, errors.New("data after the end")
		}
		n := int(binary.LittleEndian.Uint32(data[off:]))
		sum := binary.LittleEndian.Uint32(data[off+4:])
		if n > logMaxRecord || len(data)-off-logHeader < n {
			return off, io.ErrUnexpectedEOF
		}
		body := data[off+8 : off+logHeader+n]
		if crc32.Checksum(body, logTable) != sum {
			return off, errors.New("checksum mismatch")
		}
		fn(binary.LittleEndian.Uint64(body), bytes.Clone(body[8:]))
		off += logHeader + n
	}
	return off, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// startSegment makes a new, empty active segment named l.next, closing
// the previous file, and syncs the directory so that the name survives a
// crash. The caller is the writer (or recover).
//
// The file is written full of zeros first (logSegmentSize): a record then
// overwrites blocks that already exist, so its sync has only data to write,
// not the file's new size and blocks; that halves a sync's time here.
func (l *inboxLog) startSegment() error {
	p := filepath.Join(l.dir, fmt.Sprintf("%016x.log", l.next))
	tmp := p + ".new"
	file, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("start a segment: %w", err)
	}
	_, err = file.WriteAt(make([]byte, logSegmentSize), 0)
	if err == nil {
		err = fdatasync(file)
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err == nil {
		err = syncDir(l.dir)
	}
	if err != nil {
		// The segment being written (if any) stays the active one.
		_ = file.Close()
		_ = os.Remove(tmp)
		return fmt.Errorf("start a segment: %w", err)
	}
	if l.active != nil {
		_ = l.active.Close()
	}
	l.active = file
	l.mu.Lock()
	l.segs = append(l.segs, &segment{first: l.next, path: p, pending: map[uint64][]byte{}})
	l.mu.Unlock()
	return nil
}

// append writes values as records and returns their keys once they are
// durable. Concurrent callers share writes and syncs.
func (l *inboxLog) append(values [][]byte) ([]string, error) {
	for _, v := range values {
		if len(v)+8 > logMaxRecord {
			return nil, fmt.Errorf("storage: inbox log: a record of %d bytes is too large", len(v))
		}
	}
	req := &logReq{values: values, done: make(chan error, 1)}
	l.queueing.RLock()
	if l.closed {
		l.queueing.RUnlock()
		return nil, errors.New("storage: inbox log: closed")
	}
	l.reqs <- req
	l.queueing.RUnlock()
	if err := <-req.done; err != nil {
		return nil, err
	}
	return req.keys, nil
}

// writeLoop is the log's only writer.
func (l *inboxLog) writeLoop() {
	defer l.wg.Done()
	var group []*logReq
	var buf []byte
	for {
		group = group[:0]
		select {
		case r := <-l.reqs:
			group = append(group, r)
		case <-l.retry:
			l.retireDone()
			continue
		case <-l.stop:
			for {
				select {
				case r := <-l.reqs:
					buf = l.write([]*logReq{r}, buf)
				default:
					// What is done goes now, not at the next start.
					l.retireDone()
					if l.active != nil {
						_ = l.active.Close()
					}
					return
				}
			}
		}
	more:
		for len(group) < maxGroup {
			select {
			case r := <-l.reqs:
				group = append(group, r)
			default:
				break more
			}
		}
		buf = l.write(group, buf)
	}
}

// retireDone replaces the active segment by an empty one when every record
// in it is done, so that its data does not stay on disk.
func (l *inboxLog) retireDone() {
	l.mu.Lock()
	act := l.segs[len(l.segs)-1]
	empty := len(act.pending) == 0 && act.size > 0
	l.mu.Unlock()
	if !empty {
		return
	}
	// The same file serves again under the next name: its used part is
	// overwritten with zeros (the words are gone from the disk, not only
	// from the directory), then it is renamed.
	p := filepath.Join(l.dir, fmt.Sprintf("%016x.log", l.next))
	_, err := l.active.WriteAt(make([]byte, act.size), 0)
	if err == nil {
		err = fdatasync(l.active)
	}
	if err == nil {
		err = os.Rename(act.path, p)
	}
	if err == nil {
		err = syncDir(l.dir)
	}
	if err != nil {
		// The next start finds whatever is left, and drops it as done.
		l.log.Error("storage: inbox log: clear a done segment", "err", err)
		return
	}
	l.mu.Lock()
	act.first, act.path, act.size = l.next, p, 0
	l.mu.Unlock()
}

// write appends a group's records in one write and one sync, and answers
// each request. It returns buf for reuse.
func (l *inboxLog) write(group []*logReq, buf []byte) []byte {
	size := 0
	for _, r := range group {
		for _, v := range r.values {
			size += logHeader + len(v)
		}
	}
	l.mu.Lock()
	act := l.segs[len(l.segs)-1]
	// A group that does not fit goes to a new segment (one larger than a
	// segment makes its file longer).
	full := act.size > 0 && act.size+int64(size) > logSegmentSize
	l.mu.Unlock()
	var err error
	if full {
		err = l.startSegment()
	}
	buf = buf[:0]
	seq := l.next
	var entries []InboxEntry
	if err == nil {
		for _, r := range group {
			r.keys = r.keys[:0]
			for _, v := range r.values {
				var h [logHeader]byte
				binary.LittleEndian.PutUint32(h[0:], uint32(len(v)))
				binary.LittleEndian.PutUint64(h[8:], seq)
				crc := crc32.Update(crc32.Checksum(h[8:], logTable), logTable, v)
				binary.LittleEndian.PutUint32(h[4:], crc)
				buf = append(append(buf, h[:]...), v...)
				entries = append(entries, InboxEntry{Key: logKey(seq), Value: v})
				r.keys = append(r.keys, logKey(seq))
				seq++
			}
		}
		err = l.writeSynced(buf)
	}
	if err == nil {
		l.next = seq
		l.mu.Lock()
		act = l.segs[len(l.segs)-1]
		act.size += int64(len(buf))
		for _, e := range entries {
			n, _ := parseLogKey(e.Key)
			act.pending[n] = e.Value
		}
		l.fresh = append(l.fresh, entries...)
		l.mu.Unlock()
	} else {
		err = fmt.Errorf("storage: inbox log: %w", err)
	}
	for _, r := range group {
		r.done <- err
	}
	return buf
}

// writeSynced writes buf after the active segment's records and syncs it.
// A failed write is zeroed again, so that the next records follow whole
// ones; if that fails too, a new segment takes over (opening the log later
// stops reading the old one at the damage, after its good records).
func (l *inboxLog) writeSynced(buf []byte) error {
	l.mu.Lock()
	size := l.segs[len(l.segs)-1].size
	l.mu.Unlock()
	_, err := l.active.WriteAt(buf, size)
	if err == nil {
		err = fdatasync(l.active)
	}
	if err != nil {
		if _, zerr := l.active.WriteAt(make([]byte, len(buf)), size); zerr != nil {
			if serr := l.startSegment(); serr != nil {
				l.log.Error("storage: inbox log: start a segment after a failed write", "err", serr)
			}
		}
	}
	return err
}

// take returns the records appended (or read back at open) since the last
// take, in order.
func (l *inboxLog) take() []InboxEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.fresh
	l.fresh = nil
	return out
}

// done forgets a record whose event is applied; a segment with nothing
// left is deleted (the active one by the writer, which starts an empty
// one). Keys that are not the log's are ignored.
func (l *inboxLog) done(key string) {
	seq, ok := parseLogKey(key)
	if !ok {
		return
	}
	l.mu.Lock()
	i := sort.Search(len(l.segs), func(i int) bool { return l.segs[i].first > seq }) - 1
	if i < 0 {
		l.mu.Unlock()
		return
	}
	seg := l.segs[i]
	delete(seg.pending, seq)
	if len(seg.pending) > 0 {
		l.mu.Unlock()
		return
	}
	if i == len(l.segs)-1 {
		l.mu.Unlock()
		select {
		case l.retry <- struct{}{}:
		default:
		}
		return
	}
	l.segs = slices.Delete(l.segs, i, i+1)
	l.mu.Unlock()
	if err := os.Remove(seg.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		l.log.Error("storage: inbox log: delete a done segment", "err", err)
	}
}

// pending is how many records are not yet done.
func (l *inboxLog) pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.segs {
		n += len(s.pending)
	}
	return n
}

// each calls fn with every record not yet done, in order.
func (l *inboxLog) each(fn func(key string, value []byte)) {
	l.mu.Lock()
	var seqs []uint64
	vals := map[uint64][]byte{}
	for _, s := range l.segs {
		for n, v := range s.pending {
			seqs = append(seqs, n)
			vals[n] = v
		}
	}
	l.mu.Unlock()
	slices.Sort(seqs)
	for _, n := range seqs {
		fn(logKey(n), vals[n])
	}
}

// close stops the writer after the queued appends.
func (l *inboxLog) close() {
	l.queueing.Lock()
	if l.closed || l.readOnly {
		l.queueing.Unlock()
		return
	}
	l.closed = true
	l.queueing.Unlock()
	close(l.stop)
	l.wg.Wait()
}
