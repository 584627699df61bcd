package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

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

// rawMessage is a stored, already-rendered message handed back to the SDK.
type rawMessage json.RawMessage

func (m rawMessage) GetType() string {
	var h struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(m, &h)
	return h.Type
}

func (m rawMessage) MarshalJSON() ([]byte, error) { return m, nil }

func sdkMessages(raw []json.RawMessage) []messaging_api.MessageInterface {
	out := make([]messaging_api.MessageInterface, len(raw))
	for i, r := range raw {
		out[i] = rawMessage(r)
	}
	return out
}

// Sender drains the outbox into LINE. Messages to one chat go out one at a
// time in the order they were queued; different chats in parallel, at most
// Parallel at once, oldest first.
type Sender struct {
	store   Store
	api     *messaging_api.MessagingApiAPI
	metrics *Metrics
	log     *slog.Logger
	now     func() time.Time

	parallel    int
	maxAttempts int
	replyTTL    time.Duration
	// quietUntil returns when quiet hours end if t falls in them (t
	// otherwise); nil means no quiet hours.
	quietUntil func(t time.Time) time.Time

	notify chan struct{}
	mu     sync.Mutex
	// outbox is the outbox as this process has read it, each record
	// decoded once, in key order (order may hold keys that have since
	// left); read is the last key read: a pass reads only newer keys
	// (the outbox's keys only grow). The sender's own changes are applied
	// as they commit; a record removed by anyone else (a person's
	// deletion) is caught before it is sent (stillQueued).
	outbox  map[string]OutboxRecord
	order   []string
	read    string
	busy    map[string]bool
	running sync.WaitGroup
	// inherited holds the replies that were already in the outbox when
	// this process started: a crashed process may have sent them without
	// recording it, so they are treated as maybe sent.
	inherited map[string]bool
}

// SenderConfig tunes a Sender.
type SenderConfig struct {
	// Parallel bounds the calls to LINE in flight (one per chat); default
	// 64. LINE takes about 2,000 a second; a call that hangs until the
	// timeout holds its place, so a few bad minutes need room.
	Parallel    int
	MaxAttempts int           // attempts at a push before giving up; default 10
	ReplyTTL    time.Duration // how long a reply token is worth trying; default 1 minute
	// QuietUntil holds pushes in quiet hours: it returns when they end if
	// t falls in them, t otherwise. Replies are never held.
	QuietUntil func(t time.Time) time.Time
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
	s := &Sender{store: st, api: api, metrics: m, log: log, now: now,
		parallel: cfg.Parallel, maxAttempts: cfg.MaxAttempts, replyTTL: cfg.ReplyTTL, quietUntil: cfg.QuietUntil,
		notify: make(chan struct{}, 1), outbox: map[string]OutboxRecord{}, busy: map[string]bool{}, inherited: map[string]bool{}}
	items, err := s.pending()
	if err != nil {
		log.Error("sender: read outbox", "err", err)
	}
	for _, it := range items {
		if it.rec.Kind == SendReply {
			s.inherited[it.key] = true
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
	for {
		wait, _ := s.dispatch()
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			s.running.Wait()
			return
		case <-s.notify:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// drainDue waits, while Run is running, until nothing due is left in the
// outbox and no send is in flight, or ctx ends. Shutdown uses it.
func (s *Sender) drainDue(ctx context.Context) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		busy := len(s.busy)
		s.mu.Unlock()
		if busy == 0 && s.dueChats() == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// dueChats counts the chats whose oldest outbox record is due now.
func (s *Sender) dueChats() int {
	items, err := s.pending()
	if err != nil {
		return 0
	}
	now, seen, n := s.now(), map[string]bool{}, 0
	for _, it := range items {
		if seen[it.rec.Chat] {
			continue
		}
		seen[it.rec.Chat] = true
		if !it.rec.NotBefore.After(now) {
			n++
		}
	}
	return n
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

// pending reads what is new in the outbox and returns all of it, in key
// order. The caller holds s.mu (or is newSender).
func (s *Sender) pending() ([]outboxItem, error) {
	err := s.store.View(func(tx flows.Tx) error {
		return tx.Outbox().After(s.read, func(key string, decode func(any) error) error {
			s.read = key
			var rec OutboxRecord
			if err := decode(&rec); err != nil {
				// It stays in the outbox for an operator; the others go on.
				s.log.Error("sender: an outbox record cannot be read", "err", err)
				return nil
			}
			s.outbox[key] = rec
			s.order = append(s.order, key)
			return nil
		})
	})
	items := make([]outboxItem, 0, len(s.outbox))
	for _, key := range s.order {
		if rec, ok := s.outbox[key]; ok {
			items = append(items, outboxItem{key, rec})
		}
	}
	if len(s.order) > 2*len(items)+64 {
		s.order = s.order[:0]
		for _, it := range items {
			s.order = append(s.order, it.key)
		}
	}
	return items, err
}

// settled applies a committed change of an outbox record to what the
// sender has read: gone (nil), or changed to rec.
func (s *Sender) settled(key string, rec *OutboxRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec == nil {
		delete(s.outbox, key)
	} else {
		s.outbox[key] = *rec
	}
}

// stillQueued reports whether a record is still in the outbox: a person's
// deletion removes queued messages that name them, and those must not go.
func (s *Sender) stillQueued(key string) bool {
	var ok bool
	err := s.store.View(func(tx flows.Tx) error {
		var err error
		ok, err = tx.Outbox().Get(key, new(json.RawMessage))
		return err
	})
	if err == nil && !ok {
		s.settled(key, nil)
		s.forget(key)
	}
	return err != nil || ok // an unreadable record is the send's to meet
}

// dispatch starts a send for each idle chat whose oldest record is due,
// oldest records first, while fewer than Parallel are in flight; it
// returns how long to wait before looking again, and how many it started.
// A send that ends wakes the sender (Notify), which fills its place.
func (s *Sender) dispatch() (time.Duration, int) {
	// The outbox is read under the lock: a send clears its chat's busy mark
	// only after recording its result, so a record read here has not been
	// sent already (which would send a reply twice, or count a push twice).
	s.mu.Lock()
	defer s.mu.Unlock()
	items, err := s.pending()
	if err != nil {
		s.log.Error("sender: read outbox", "err", err)
		return time.Second, 0
	}
	s.metrics.OutboxDepth.Set(float64(len(items)))
	now := s.now()
	var oldest time.Time
	for _, it := range items {
		if oldest.IsZero() || it.rec.Created.Before(oldest) {
			oldest = it.rec.Created
		}
	}
	if oldest.IsZero() {
		s.metrics.OutboxOldestAge.Set(0)
	} else {
		s.metrics.OutboxOldestAge.Set(max(0, now.Sub(oldest).Seconds()))
	}
	next := time.Minute
	first := map[string]bool{}
	started := 0
	for _, it := range items {
		chat := it.rec.Chat
		if first[chat] {
			continue // only the oldest record of a chat goes, to keep order
		}
		first[chat] = true
		if s.busy[chat] {
			continue
		}
		if it.rec.NotBefore.After(now) {
			next = min(next, it.rec.NotBefore.Sub(now))
			continue
		}
		if len(s.busy) >= s.parallel {
			break // full: the next send to end calls Notify
		}
		started++
		s.busy[chat] = true
		s.running.Add(1)
		go func() {
			defer s.running.Done()
			s.send(it)
			s.mu.Lock()
			delete(s.busy, chat)
			s.mu.Unlock()
			s.Notify()
		}()
	}
	return next, started
}

// outcome of one attempt.
type outcome int

const (
	sent outcome = iota
	retry
	drop
)

func (s *Sender) send(it outboxItem) {
	rec := it.rec
	if !s.stillQueued(it.key) {
		return
	}
	if rec.Kind == SendReply {
		s.sendReply(it)
		return
	}
	if s.quietUntil != nil {
		// Nothing is pushed in quiet hours: the push waits for the morning.
		if until := s.quietUntil(s.now()); until.After(s.now()) {
			rec.NotBefore = until
			if err := s.store.Update(func(tx flows.Tx) error { return tx.Outbox().Put(it.key, rec) }); err != nil {
				s.log.Error("sender: hold a push for the morning", "err", err)
				return
			}
			s.settled(it.key, &rec)
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
	if res == retry {
		rec.Attempts++
		rec.LastStatus = status
		if rec.Attempts >= s.maxAttempts {
			res = drop
		} else {
			rec.NotBefore = now.Add(backoff(rec.Attempts))
		}
	}
	// Outcomes of concurrent sends share a commit (Store.Batch); each
	// send's record is its own function, failing alone.
	err = s.store.Batch(func(tx flows.Tx) error {
		switch res {
		case retry:
			return tx.Outbox().Put(it.key, rec)
		case drop:
			// A push that never went out is kept for the officers' view.
			if err := tx.SendFailed().Put(it.key, rec); err != nil {
				return err
			}
			return tx.Outbox().Delete(it.key)
		}
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
		return
	}
	if res == retry {
		s.settled(it.key, &rec)
	} else {
		s.settled(it.key, nil)
	}
	switch res {
	case sent:
		s.metrics.PushRecipients.Add(float64(rec.recipients()))
	case drop:
		s.log.Warn("sender: message dropped", "kind", rec.Kind, "purpose", rec.Purpose, "status", status, "attempts", rec.Attempts, "chat", HashID(rec.Chat))
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
			return
		}
		s.settled(it.key, nil)
		s.forget(it.key)
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
			if err := s.store.Update(func(tx flows.Tx) error { return tx.Outbox().Put(it.key, rec) }); err != nil {
				s.log.Error("sender: record send", "kind", rec.Kind, "err", err)
				return
			}
			s.settled(it.key, &rec)
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
	err := s.store.Batch(func(tx flows.Tx) error {
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
		return
	}
	s.settled(key, nil)
	s.forget(key)
	if fallback {
		s.metrics.ReplyFallbacks.Inc()
		s.log.Warn("sender: reply failed, sent as a push instead", "why", why, "attempts", rec.Attempts, "chat", HashID(rec.Chat))
		return
	}
	s.metrics.RepliesLost.Inc()
	s.log.Warn("sender: reply given up", "why", why, "attempts", rec.Attempts, "maybeSent", rec.MaybeSent, "chat", HashID(rec.Chat))
}

// forget drops a reply that left the outbox from the inherited ones.
func (s *Sender) forget(key string) {
	s.mu.Lock()
	delete(s.inherited, key)
	s.mu.Unlock()
}

// call makes one request to LINE and returns its HTTP status (0 when no
// response came back).
func (s *Sender) call(rec OutboxRecord) (int, error) {
	var res *http.Response
	var err error
	switch rec.Kind {
	case SendReply:
		res, _, err = s.api.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{
			ReplyToken: rec.ReplyToken, Messages: sdkMessages(rec.Messages),
		})
	case SendPush:
		res, _, err = s.api.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{
			To: rec.To[0], Messages: sdkMessages(rec.Messages),
		}, rec.RetryKey)
	case SendMulticast:
		res, _, err = s.api.MulticastWithHttpInfo(&messaging_api.MulticastRequest{
			To: rec.To, Messages: sdkMessages(rec.Messages),
		}, rec.RetryKey)
	default:
		return 0, fmt.Errorf("sender: unknown kind %q", rec.Kind)
	}
	if res == nil {
		return 0, err
	}
	_ = res.Body.Close()
	return res.StatusCode, err
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
