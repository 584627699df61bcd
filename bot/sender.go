package bot

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"golang.org/x/time/rate"

	"github.com/sammachip/sammachip/flows"
)

// Kinds of send.
const (
	SendReply     = "reply"
	SendPush      = "push"
	SendMulticast = "multicast"
)

// OutboxRecord is a message waiting to be sent. It is written in the same
// transaction as the change that caused it, so nothing committed is left
// unsaid and nothing unsaid is committed. A push keeps the retry key chosen
// when it was queued: every attempt sends the same key, and LINE executes
// it at most once.
type OutboxRecord struct {
	Kind       string            `json:"kind"`
	Chat       string            `json:"chat"`
	ReplyToken string            `json:"replyToken,omitempty"`
	To         []string          `json:"to,omitempty"`
	Messages   []json.RawMessage `json:"messages"`
	RetryKey   string            `json:"retryKey,omitempty"`
	Purpose    string            `json:"purpose,omitempty"`
	// Recipients is what LINE counts for this push: 1 per user, the member
	// count for a group. 0 means len(To).
	Recipients int       `json:"recipients,omitempty"`
	Created    time.Time `json:"created"`
	Attempts   int       `json:"attempts,omitempty"`
	NotBefore  time.Time `json:"notBefore,omitzero"`
	LastStatus int       `json:"lastStatus,omitempty"`
	// Matters marks a reply whose loss the user would not notice or could
	// not repair by asking again (a confirmation that data was saved): if
	// it definitely did not reach them, it goes out as a push instead.
	Matters bool `json:"matters,omitempty"`
	// MaybeSent notes that an attempt at a reply ended without an answer
	// from LINE (a timeout after the request went out): LINE may have
	// delivered it, so it is never sent again as a push.
	MaybeSent bool `json:"maybeSent,omitempty"`
}

func (r OutboxRecord) recipients() int {
	if r.Recipients > 0 {
		return r.Recipients
	}
	return len(r.To)
}

// outboxTx is what queueing a message needs of a transaction.
type outboxTx interface{ Outbox() flows.Records }

// putOutbox queues rec at the end of the outbox, under a fresh key that
// sorts after every record queued before it.
func putOutbox(tx outboxTx, rec OutboxRecord) error {
	key, err := tx.Outbox().NextKey()
	if err != nil {
		return err
	}
	return tx.Outbox().Put(key, rec)
}

// QueuePush stores a push in the outbox inside tx, with a fresh retry key.
// Callers outside the worker (the scheduler) use it so that their ledger
// entry and the push commit together.
func QueuePush(tx flows.Tx, rec OutboxRecord) error { return putOutbox(tx, rec) }

// PushesThisMonth reads how many recipients were pushed to in t's month.
func PushesThisMonth(st flows.Store, t time.Time) (int64, error) {
	var c flows.PushCount
	err := st.View(func(tx flows.Tx) error {
		var err error
		c, _, err = tx.PushCounts().Get(flows.PushMonth(t))
		return err
	})
	return c.N, err
}

// Sender drains the outbox into LINE. Messages to one chat go out one at a
// time in the order they were queued; different chats in parallel, at most
// Parallel at once, oldest first. Replies never wait behind pushes: a
// push goes to its own chat (pushChat of its recipient; a multicast to
// one of its own), chats of replies go before chats of pushes, and an
// eighth of Parallel (at least one) is kept for replies, so neither an
// evening's queue of reminders nor pushes hanging on a slow LINE hold up
// an answer whose token lasts a minute.
//
// The sender reads each outbox record once: it keeps what it has read,
// decoded, as a queue per chat, and a pass reads only the keys queued since
// (the outbox's keys only grow). Its own changes are applied to what it
// keeps as they commit. A pass costs what it starts, not the outbox's
// size: idle chats wait in heaps, those whose oldest record is due by that
// record's key (replies' chats and pushes' apart), the others by when it
// is due.
type Sender struct {
	store   Store
	api     *messaging_api.MessagingApiAPI
	metrics *Metrics
	log     *slog.Logger
	now     func() time.Time

	parallel int
	pushCap  int // pushes and multicasts in flight at most
	// limits pace the calls of each kind (SenderConfig.Rates), against
	// the real clock: LINE counts real seconds.
	limits      map[string]*rate.Limiter
	maxAttempts int
	replyTTL    time.Duration
	// quietUntil returns when quiet hours end if t falls in them (t
	// otherwise); nil means no quiet hours.
	quietUntil func(t time.Time) time.Time

	notify chan struct{}
	mu     sync.Mutex
	// outbox is the outbox as this process has read it, each record
	// decoded once; read is the last key read. A record removed by anyone
	// else (a person's deletion) stays here until its turn, and is caught
	// then, before it is sent (dispatch checks its key).
	outbox map[string]OutboxRecord
	read   string
	// chats holds each chat with records here; an idle one is in replies
	// or pushes (its oldest record is due) or later (not yet), a busy one
	// (a send in flight) in none until its send has recorded its result.
	chats   map[string]*chatQueue
	replies chatHeap
	pushes  chatHeap
	later   chatHeap
	busy    int // sends in flight
	pushing int // of which pushes and multicasts
	// ageAt is when OutboxOldestAge was last worked out (it reads every
	// record, so at most once a second).
	ageAt   time.Time
	running sync.WaitGroup
	// inherited holds the replies that were already in the outbox when
	// this process started: a crashed process may have sent them without
	// recording it, so they are treated as maybe sent.
	inherited map[string]bool
}

// chatQueue is one chat's records in the outbox, oldest first.
type chatQueue struct {
	chat  string
	reply bool      // a chat of replies (else of pushes or multicasts)
	keys  []string  // keys[0] goes next; keys that left the outbox are dropped when the chat is placed
	due   time.Time // when keys[0] is due, while in later
}

// chatHeap orders idle chats by their oldest record's key, or (byDue) by
// when it is due, then by key.
type chatHeap struct {
	qs    []*chatQueue
	byDue bool
}

func (h *chatHeap) Len() int { return len(h.qs) }
func (h *chatHeap) Less(i, j int) bool {
	a, b := h.qs[i], h.qs[j]
	if h.byDue && !a.due.Equal(b.due) {
		return a.due.Before(b.due)
	}
	return a.keys[0] < b.keys[0]
}
func (h *chatHeap) Swap(i, j int) { h.qs[i], h.qs[j] = h.qs[j], h.qs[i] }
func (h *chatHeap) Push(x any)    { h.qs = append(h.qs, x.(*chatQueue)) }
func (h *chatHeap) Pop() any {
	n := len(h.qs) - 1
	q := h.qs[n]
	h.qs[n] = nil
	h.qs = h.qs[:n]
	return q
}

// SenderConfig tunes a Sender.
type SenderConfig struct {
	// Parallel bounds the calls to LINE in flight (one per chat); default
	// 64, of which pushes may take all but an eighth (at least one is kept
	// for replies when Parallel is 2 or more). LINE takes about 2,000 a
	// second; a call that hangs until the timeout holds its place, so a few
	// bad minutes need room.
	Parallel    int
	MaxAttempts int           // attempts at a push before giving up; default 10
	ReplyTTL    time.Duration // how long a reply token is worth trying; default 1 minute
	// QuietUntil holds pushes in quiet hours: it returns when they end if
	// t falls in them, t otherwise. Replies are never held.
	QuietUntil func(t time.Time) time.Time
	// Rates are the calls a second the sender makes at most, by kind
	// (SendPush, SendMulticast; a kind not named is not paced); default
	// LINERates.
	Rates map[string]float64
}

// LINERates keep pushes and multicasts under LINE's rate limits (LINE.md:
// pushes about 2,000 requests a second, multicasts 200), with a margin:
// above them LINE answers 429 and does nothing, so an evening's reminders
// sent faster only cost retries. Replies are not paced: each answers a
// person, they come as people write, and a 429 on one is retried on the
// reply's short backoff within its token's minute.
var LINERates = map[string]float64{SendPush: 1900, SendMulticast: 190}

// lineTransport is the HTTP transport for calls to LINE: it keeps an idle
// connection for each send that can be in flight (parallel, 0 for the
// default), where Go's default keeps two per host and so opens (and, on
// LINE's side, handshakes) a new connection for most calls under load.
func lineTransport(parallel int) *http.Transport {
	if parallel <= 0 {
		parallel = 64
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = parallel + 8 // and the profile and group-size look-ups
	t.MaxIdleConns = 2 * t.MaxIdleConnsPerHost
	return t
}

func newSender(st Store, api *messaging_api.MessagingApiAPI, m *Metrics, log *slog.Logger, now func() time.Time, cfg SenderConfig) *Sender {
	if cfg.Parallel <= 0 {
		cfg.Parallel = 64
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 10
	}
	if cfg.ReplyTTL <= 0 {
		cfg.ReplyTTL = time.Minute
	}
	if cfg.Rates == nil {
		cfg.Rates = LINERates
	}
	limits := map[string]*rate.Limiter{}
	for kind, perSecond := range cfg.Rates {
		// A tenth of a second's worth at once: short bursts, no more.
		limits[kind] = rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond/10)))
	}
	pushCap := cfg.Parallel
	if cfg.Parallel > 1 {
		pushCap -= max(1, cfg.Parallel/8)
	}
	s := &Sender{store: st, api: api, metrics: m, log: log, now: now,
		parallel: cfg.Parallel, pushCap: pushCap, limits: limits, maxAttempts: cfg.MaxAttempts, replyTTL: cfg.ReplyTTL, quietUntil: cfg.QuietUntil,
		notify: make(chan struct{}, 1), outbox: map[string]OutboxRecord{}, chats: map[string]*chatQueue{},
		later: chatHeap{byDue: true}, inherited: map[string]bool{}}
	if err := st.View(func(tx flows.Tx) error { return s.readNew(tx, now()) }); err != nil {
		log.Error("sender: read outbox", "err", err)
	}
	for key, rec := range s.outbox {
		if rec.Kind == SendReply {
			s.inherited[key] = true
		}
	}
	return s
}

// Notify wakes the sender: the outbox has new records.
func (s *Sender) Notify() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

type outboxItem struct {
	key string
	rec OutboxRecord
}

// Run sends until ctx ends, then waits for sends in flight.
func (s *Sender) Run(ctx context.Context) {
	timer := time.NewTimer(time.Minute)
	defer timer.Stop()
	for {
		wait, _ := s.dispatch()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			s.running.Wait()
			return
		case <-s.notify:
		case <-timer.C:
		}
	}
}

// drainDue waits, while Run is running, until nothing due is left in the
// outbox and no send is in flight, or ctx ends. Shutdown uses it.
func (s *Sender) drainDue(ctx context.Context) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !s.idle() {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// idle reports whether no send is in flight and no chat's oldest record
// is due (or the outbox cannot be read).
func (s *Sender) idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy > 0 {
		return false
	}
	now := s.now()
	if err := s.store.View(func(tx flows.Tx) error { return s.readNew(tx, now) }); err != nil {
		return true
	}
	return s.replies.Len() == 0 && s.pushes.Len() == 0 && (s.later.Len() == 0 || s.later.qs[0].due.After(now))
}

// Drain sends everything due now and returns when the outbox holds
// nothing more that is due. Like Worker.Drain it must not overlap Run.
func (s *Sender) Drain() {
	for {
		// Done when a pass sends nothing: what is left is not due, or waits
		// behind an older record of its chat that is not due.
		_, started := s.dispatch()
		s.running.Wait()
		if started == 0 {
			return
		}
	}
}

// readNew reads what was queued since the last read, each record decoded
// once, onto its chat's queue. The caller holds s.mu (or is newSender).
func (s *Sender) readNew(tx outboxTx, now time.Time) error {
	return tx.Outbox().After(s.read, func(key string, decode func(any) error) error {
		s.read = key
		var rec OutboxRecord
		if err := decode(&rec); err != nil {
			// It stays in the outbox for an operator; the others go on.
			s.log.Error("sender: an outbox record cannot be read", "err", err)
			return nil
		}
		s.outbox[key] = rec
		if q := s.chats[rec.Chat]; q != nil {
			q.keys = append(q.keys, key) // behind the chat's older records
			return nil
		}
		q := &chatQueue{chat: rec.Chat, reply: rec.Kind == SendReply, keys: []string{key}}
		s.chats[rec.Chat] = q
		s.place(q, now)
		return nil
	})
}

// place puts an idle chat in the heap its oldest record belongs in, after
// dropping the records that have left the outbox; a chat with none left is
// forgotten. The caller holds s.mu.
func (s *Sender) place(q *chatQueue, now time.Time) {
	for len(q.keys) > 0 {
		if _, ok := s.outbox[q.keys[0]]; ok {
			break
		}
		q.keys = q.keys[1:]
	}
	if len(q.keys) == 0 {
		delete(s.chats, q.chat)
		return
	}
	if nb := s.outbox[q.keys[0]].NotBefore; nb.After(now) {
		q.due = nb
		heap.Push(&s.later, q)
		return
	}
	heap.Push(s.ready(q), q)
}

// ready is the heap of q's kind of chat.
func (s *Sender) ready(q *chatQueue) *chatHeap {
	if q.reply {
		return &s.replies
	}
	return &s.pushes
}

// queued reports whether key is still in the outbox, by its key alone: the
// record is neither copied nor decoded.
func queued(tx outboxTx, key string) (bool, error) {
	found := false
	err := tx.Outbox().Each(key, func(k string, _ func(any) error) error {
		found = k == key // the first key at or after key that starts with it
		return flows.ErrStop
	})
	return found, err
}

// settled applies a committed change of an outbox record to what the
// sender has read: gone (nil), or changed to rec.
func (s *Sender) settled(key string, rec *OutboxRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec == nil {
		delete(s.outbox, key)
		delete(s.inherited, key)
	} else {
		s.outbox[key] = *rec
	}
}

// unrecorded notes an attempt whose result could not be committed: what
// the sender keeps becomes rec (what the attempt learned, such as that a
// reply may have arrived), tried again in a second rather than at once.
// A push that went out is sent again under its retry key (LINE answers
// 409 and it is counted then); a reply that went out is marked maybe sent
// (its token is spent, so the next attempt fails, and it is never pushed).
func (s *Sender) unrecorded(key string, rec OutboxRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.outbox[key]; !ok {
		return
	}
	rec.NotBefore = s.now().Add(time.Second)
	s.outbox[key] = rec
}

// dispatch starts a send for each idle chat whose oldest record is due,
// oldest records first, while fewer than Parallel are in flight; it
// returns how long to wait before looking again, and how many it started.
// A send that ends wakes the sender (Notify), which fills its place.
func (s *Sender) dispatch() (time.Duration, int) {
	// A chat is busy from here until its send has recorded its result (and
	// settled it here), so its record is never started twice (which would
	// send a reply twice, or count a push twice).
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	type started struct {
		outboxItem
		push bool // counted in s.pushing
	}
	var start []started
	err := s.store.View(func(tx flows.Tx) error {
		if err := s.readNew(tx, now); err != nil {
			return err
		}
		for s.later.Len() > 0 && !s.later.qs[0].due.After(now) {
			q := heap.Pop(&s.later).(*chatQueue)
			heap.Push(s.ready(q), q)
		}
		for {
			var q *chatQueue
			switch {
			case s.busy >= s.parallel:
			case s.replies.Len() > 0:
				q = heap.Pop(&s.replies).(*chatQueue)
			case s.pushes.Len() > 0 && s.pushing < s.pushCap:
				q = heap.Pop(&s.pushes).(*chatQueue)
			}
			if q == nil {
				break
			}
			key := q.keys[0]
			// A person's deletion removes queued messages that name them,
			// and those must not go. (An unreadable outbox is the send's to
			// meet.)
			if ok, err := queued(tx, key); err == nil && !ok {
				delete(s.outbox, key)
				delete(s.inherited, key)
				s.place(q, now)
				continue
			}
			s.busy++
			if !q.reply {
				s.pushing++
			}
			start = append(start, started{outboxItem{key, s.outbox[key]}, !q.reply})
		}
		return nil
	})
	if err != nil {
		s.log.Error("sender: read outbox", "err", err)
		return time.Second, 0
	}
	s.observe(now)
	for _, it := range start {
		s.running.Add(1)
		go func() {
			defer s.running.Done()
			s.send(it.outboxItem)
			s.mu.Lock()
			s.busy--
			if it.push {
				s.pushing--
			}
			if q := s.chats[it.rec.Chat]; q != nil {
				s.place(q, s.now())
			}
			s.mu.Unlock()
			s.Notify()
		}()
	}
	next := time.Minute
	if s.later.Len() > 0 {
		next = min(next, s.later.qs[0].due.Sub(now))
	}
	return next, len(start)
}

// observe updates the outbox's gauges. The caller holds s.mu.
func (s *Sender) observe(now time.Time) {
	s.metrics.OutboxDepth.Set(float64(len(s.outbox)))
	if len(s.outbox) == 0 {
		s.metrics.OutboxOldestAge.Set(0)
		s.ageAt = time.Time{}
		return
	}
	if !s.ageAt.IsZero() && now.Sub(s.ageAt) < time.Second && !now.Before(s.ageAt) {
		return
	}
	s.ageAt = now
	var oldest time.Time
	for _, rec := range s.outbox {
		if oldest.IsZero() || rec.Created.Before(oldest) {
			oldest = rec.Created
		}
	}
	s.metrics.OutboxOldestAge.Set(max(0, now.Sub(oldest).Seconds()))
}

// outcome of one attempt.
type outcome int

const (
	sent outcome = iota
	retry
	drop
)

// Every outcome is recorded with Store.Batch: the outcomes of sends that
// end together share one commit (and the inbox's and the worker's), and
// each is its own function there, failing alone. A write that keeps a
// record (a retry, a push held for the morning, a push given up, a reply's
// fallback push) first checks by key that the record is still in the
// outbox: a person's deletion that removed it while it was being sent is
// not undone.

func (s *Sender) send(it outboxItem) {
	if it.rec.Kind == SendReply {
		s.sendReply(it)
		return
	}
	rec := it.rec
	if s.quietUntil != nil {
		// Nothing is pushed in quiet hours: the push waits for the morning.
		if until := s.quietUntil(s.now()); until.After(s.now()) {
			rec.NotBefore = until
			s.keep(it.key, rec, "hold a push for the morning")
			return
		}
	}
	if rec.Kind == SendPush && rec.Recipients == 0 && isGroupID(rec.To[0]) {
		// LINE counts a push to a group once per member.
		rec.Recipients = s.groupSize(rec.To[0])
	}
	status, err := s.call(rec)
	res := classify(rec.Kind, status, err)
	s.metrics.Sends.WithLabelValues(rec.Kind, statusLabel(status, err)).Inc()

	now := s.now()
	if res == retry && status == http.StatusTooManyRequests {
		// LINE's rate limit: the call did nothing, and the message is not
		// at fault, so it is not an attempt; it goes again in a second or
		// two (spread by its key, so the held ones do not all come back in
		// the same instant).
		rec.LastStatus = status
		rec.NotBefore = now.Add(time.Second + time.Duration(crc32.ChecksumIEEE([]byte(it.key))%1000)*time.Millisecond)
		s.keep(it.key, rec, "record send")
		return
	}
	if res == retry {
		rec.Attempts++
		rec.LastStatus = status
		if rec.Attempts < s.maxAttempts {
			rec.NotBefore = now.Add(backoff(rec.Attempts))
			s.keep(it.key, rec, "record send")
			return
		}
		res = drop
	}
	var gone bool
	err = s.store.Batch(func(tx flows.Tx) error {
		gone = false
		if res == drop {
			// A push that never went out is kept for the officers' view,
			// unless a deletion has taken it.
			ok, err := queued(tx, it.key)
			if err != nil {
				return err
			}
			if gone = !ok; gone {
				return nil
			}
			if err := tx.SendFailed().Put(it.key, rec); err != nil {
				return err
			}
			return tx.Outbox().Delete(it.key)
		}
		// It went out: it is counted even if a deletion took it since.
		month := flows.PushMonth(now)
		c, _, err := tx.PushCounts().Get(month)
		if err != nil {
			return err
		}
		c.N += int64(rec.recipients())
		if err := tx.PushCounts().Put(month, c); err != nil {
			return err
		}
		return tx.Outbox().Delete(it.key)
	})
	if err != nil {
		s.log.Error("sender: record send", "kind", rec.Kind, "err", err)
		s.unrecorded(it.key, it.rec)
		return
	}
	s.settled(it.key, nil)
	switch {
	case res == sent:
		s.metrics.PushRecipients.Add(float64(rec.recipients()))
	case !gone:
		s.log.Warn("sender: message dropped", "kind", rec.Kind, "purpose", rec.Purpose, "status", status, "attempts", rec.Attempts, "chat", HashID(rec.Chat))
	}
}

// keep writes rec back under key for a later attempt, unless it has left
// the outbox meanwhile.
func (s *Sender) keep(key string, rec OutboxRecord, what string) {
	var gone bool
	err := s.store.Batch(func(tx flows.Tx) error {
		ok, err := queued(tx, key)
		if err != nil {
			return err
		}
		if gone = !ok; gone {
			return nil
		}
		return tx.Outbox().Put(key, rec)
	})
	switch {
	case err != nil:
		s.log.Error("sender: "+what, "kind", rec.Kind, "err", err)
		s.unrecorded(key, rec)
	case gone:
		s.settled(key, nil)
	default:
		s.settled(key, &rec)
	}
}

// replyLastTry is how long before its token dies a reply is tried for the
// last time.
const replyLastTry = time.Second

// sendReply makes one attempt at a reply. A reply's token is its only
// chance to be free, and it lives ReplyTTL from the event, so the reply is
// retried on a short backoff (capped at 5 s) for as long as the token can
// still work, then given up: never longer, so the chat's later answers
// wait at most one token's life behind it.
func (s *Sender) sendReply(it outboxItem) {
	rec := it.rec
	deadline := rec.Created.Add(s.replyTTL)
	if !s.now().Before(deadline) {
		// The token is dead: LINE would only answer 400.
		s.metrics.Sends.WithLabelValues(rec.Kind, "expired").Inc()
		s.replyFailed(it.key, rec, "expired")
		return
	}
	status, err := s.call(rec)
	s.metrics.Sends.WithLabelValues(rec.Kind, statusLabel(status, err)).Inc()
	res := classify(rec.Kind, status, err)
	if res == sent {
		if err := s.store.Batch(func(tx flows.Tx) error { return tx.Outbox().Delete(it.key) }); err != nil {
			s.log.Error("sender: record send", "kind", rec.Kind, "err", err)
			rec.MaybeSent = true // it arrived: never as a push too
			s.unrecorded(it.key, rec)
			return
		}
		s.settled(it.key, nil)
		return
	}
	rec.Attempts++
	rec.LastStatus = status
	if !definite(status, err) {
		rec.MaybeSent = true
	}
	if res == retry {
		now := s.now()
		next := now.Add(replyBackoff(rec.Attempts))
		if last := deadline.Add(-replyLastTry); next.After(last) {
			next = last
		}
		if next.After(now) {
			rec.NotBefore = next
			s.keep(it.key, rec, "record send")
			return
		}
	}
	s.replyFailed(it.key, rec, statusLabel(status, err))
}

// replyFailed gives up on a reply. A reply has no retry key, so one that
// LINE may have delivered (an attempt without an answer, or one made by an
// earlier process) is dropped. One that definitely did not arrive (every
// attempt got an error answer, or never reached LINE, or the token died
// first) goes out as a push where it matters, in the same transaction
// that removes the reply: a push is paid for, and LINE executes its retry
// key once.
func (s *Sender) replyFailed(key string, rec OutboxRecord, why string) {
	s.mu.Lock()
	inherited := s.inherited[key]
	s.mu.Unlock()
	fallback := rec.Matters && !rec.MaybeSent && !inherited && !isGroupID(rec.Chat)
	var gone bool
	err := s.store.Batch(func(tx flows.Tx) error {
		ok, err := queued(tx, key)
		if err != nil {
			return err
		}
		if gone = !ok; gone {
			return nil // a deletion took it: nothing of it goes out
		}
		if fallback {
			push := OutboxRecord{Kind: SendPush, Chat: pushChat(rec.Chat), To: []string{rec.Chat}, Messages: rec.Messages,
				RetryKey: uuid.NewString(), Purpose: "reply-fallback", Created: s.now()}
			if err := putOutbox(tx, push); err != nil {
				return err
			}
		}
		return tx.Outbox().Delete(key)
	})
	if err != nil {
		s.log.Error("sender: give up a reply", "err", err)
		s.unrecorded(key, rec)
		return
	}
	s.settled(key, nil)
	switch {
	case gone:
	case fallback:
		s.metrics.ReplyFallbacks.Inc()
		s.log.Warn("sender: reply failed, sent as a push instead", "why", why, "attempts", rec.Attempts, "chat", HashID(rec.Chat))
	default:
		s.metrics.RepliesLost.Inc()
		s.log.Warn("sender: reply given up", "why", why, "attempts", rec.Attempts, "maybeSent", rec.MaybeSent, "chat", HashID(rec.Chat))
	}
}

// LINE's paths for the kinds of send.
var sendPaths = map[string]string{
	SendReply:     "/v2/bot/message/reply",
	SendPush:      "/v2/bot/message/push",
	SendMulticast: "/v2/bot/message/multicast",
}

// requestBody is the JSON LINE takes for rec. The messages go in as they
// were stored: they were rendered by encoding/json and checked again when
// the record was read, so they are not encoded a second time (the SDK's
// request types would re-marshal, validate and compact every one).
func requestBody(rec OutboxRecord) ([]byte, error) {
	var head any
	switch rec.Kind {
	case SendReply:
		head = struct {
			ReplyToken string `json:"replyToken"`
		}{rec.ReplyToken}
	case SendPush:
		head = struct {
			To string `json:"to"`
		}{rec.To[0]}
	case SendMulticast:
		head = struct {
			To []string `json:"to"`
		}{rec.To}
	default:
		return nil, fmt.Errorf("sender: unknown kind %q", rec.Kind)
	}
	b, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	size := len(b) + len(`,"messages":[]`) + len(rec.Messages)
	for _, m := range rec.Messages {
		size += len(m)
	}
	body := make([]byte, 0, size)
	body = append(body, b[:len(b)-1]...) // without its closing brace
	body = append(body, `,"messages":[`...)
	for i, m := range rec.Messages {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, m...)
	}
	return append(body, "]}"...), nil
}

// call makes one request to LINE and returns its HTTP status (0 when no
// response came back). It goes through the SDK's client (its endpoint,
// token and HTTP client); an answer other than 2xx is an error that
// carries LINE's message, as the SDK's would.
func (s *Sender) call(rec OutboxRecord) (int, error) {
	if lim := s.limits[rec.Kind]; lim != nil {
		if err := lim.Wait(context.Background()); err != nil {
			return 0, err
		}
	}
	body, err := requestBody(rec)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, s.api.Url(sendPaths[rec.Kind]), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	if rec.Kind != SendReply {
		// The key chosen when the push was queued: LINE runs it once.
		req.Header.Set("X-Line-Retry-Key", rec.RetryKey)
	}
	res, err := s.api.Do(req)
	if err != nil {
		if res != nil {
			_ = res.Body.Close()
			return res.StatusCode, err
		}
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		return res.StatusCode, fmt.Errorf("unexpected status code: %d, %s", res.StatusCode, msg)
	}
	// Read to the end, so that the connection is used again.
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, nil
}

// classify decides what an attempt's result means. A 409 on a push means
// LINE already accepted this retry key: the message went out.
func classify(kind string, status int, err error) outcome {
	switch {
	case status >= 200 && status < 300:
		return sent
	case status == http.StatusConflict && kind != SendReply:
		return sent
	case status == http.StatusTooManyRequests && err != nil && strings.Contains(err.Error(), "monthly limit"):
		// The month's push quota is used up: trying again this month only
		// fails again. The push is kept with the failed sends.
		return drop
	case status == http.StatusTooManyRequests || status >= 500:
		return retry
	case status == 0 && err != nil:
		// Timeout or connection error: the request may or may not have
		// run. A retried push carries the same key, so it cannot double.
		return retry
	}
	return drop
}

func statusLabel(status int, err error) string {
	if status == 0 {
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return "timeout"
		}
		return "error"
	}
	return fmt.Sprintf("%d", status)
}

// definite reports whether a failed attempt surely did not deliver: LINE
// answered (with an error), or the connection failed before the request
// was sent. A timeout or a connection cut after sending may have delivered.
func definite(status int, err error) bool {
	if status != 0 {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// replyBackoff is the wait after a reply's attempt-th failure: short,
// because the token dies a minute after the event (0.5 s, 1 s, 2 s, 4 s,
// then every 5 s).
func replyBackoff(attempt int) time.Duration {
	return min(500*time.Millisecond<<min(attempt-1, 4), 5*time.Second)
}

func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt-1, 9)
	return min(d, 10*time.Minute)
}

// isGroupID reports whether a LINE id is a group's or a room's.
func isGroupID(id string) bool { return strings.HasPrefix(id, "C") || strings.HasPrefix(id, "R") }

// groupSize asks LINE how many members a group has (1 when it cannot tell).
func (s *Sender) groupSize(groupID string) int {
	res, body, err := s.api.GetGroupMemberCountWithHttpInfo(groupID)
	if res != nil && res.Body != nil {
		_ = res.Body.Close()
	}
	if err != nil || body == nil || body.Count <= 0 {
		return 1
	}
	return int(body.Count)
}

// ProfileLanguage implements ProfileSource with LINE's profile API.
func (s *Sender) ProfileLanguage(_ context.Context, userID string) (string, error) {
	res, p, err := s.api.GetProfileWithHttpInfo(userID)
	if res != nil && res.Body != nil {
		_ = res.Body.Close()
	}
	if err != nil {
		return "", err
	}
	return p.Language, nil
}
