package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/sammachip/sammachip/flows"
)

// Handler is the domain: it applies one input inside a transaction.
type Handler interface {
	Handle(tx flows.Tx, in flows.Input) (flows.Outcome, error)
}

// processedMark is what the dedupe store (Processed) keeps per
// webhookEventId.
type processedMark struct {
	At time.Time `json:"at"`
}

// Worker drains the durable inbox. Events of one chat are handled one at a
// time in timestamp order; different chats run in parallel. Each event's
// effects, its outgoing messages (into the outbox) and its removal from
// the inbox are committed in one transaction, so a crash at any point
// either redoes the whole event or nothing of it.
//
// Events of different chats share transactions (Store.Batch): each chat's
// goroutine hands its event to the batch, and the batch commits them
// together, one commit and its fsyncs for many events. It is safe because
// what must commit together still does (an event's effects, answers and
// removal are one function of the batch, all in or all out), a chat's next
// event is handed over only after the previous one's batch committed (per-
// chat order), and a function that fails rolls the batch back: the others
// are redone without it, and it runs alone, so its failure goes its own
// way to the retries and dead letters and never loses or repeats another
// event's effects.
type Worker struct {
	store    Store
	handler  Handler
	render   *Renderer
	sender   *Sender
	profiles ProfileSource
	metrics  *Metrics
	log      *slog.Logger
	now      func() time.Time
	loc      *time.Location

	// content fetches a file an officer sent (content.go); nil: files are
	// answered as not fetched.
	content ContentFetcher

	// MaxAttempts is how many times an event is tried before it goes to
	// the dead letters.
	maxAttempts int
	// reorder holds a newly arrived event this long before handling it, so
	// that an earlier event of the same chat arriving in a later request
	// can still go first.
	reorder  time.Duration
	parallel int
	keep     time.Duration
	fallback ReplyFallback

	notify chan struct{}
	// epoch is when the worker was made; lastArrival, the monotonic time
	// since epoch (ns) at which the webhook last stored an event (Received).
	epoch       time.Time
	lastArrival atomic.Int64
	// afterCommit, when set, hears of each event once it is committed
	// (see AfterCommit).
	afterCommit func(flows.Input, flows.Outcome)

	mu sync.Mutex
	// chats is the inbox as this process has read it, each record decoded
	// once, as a queue per chat; read is the last key read: a pass reads
	// only newer keys (the inbox's keys only grow). The worker's own changes (handled, retried,
	// given up) are applied to it as they commit. A stale entry is harmless:
	// handle checks in its transaction that the event is still there.
	chats     map[string][]inboxItem // each chat's events, in order
	where     map[string]string      // inbox key → its chat
	read      string
	busy      map[string]bool      // chats being handled
	firstSeen map[string]time.Time // inbox key → when this process first saw it (monotonic)
	held      map[string]time.Time // inbox key → not before (monotonic): failures that could not be recorded
	running   sync.WaitGroup
}

// WorkerConfig tunes a Worker.
type WorkerConfig struct {
	MaxAttempts   int           // default 5
	ReorderWindow time.Duration // default 0: handle at once
	Parallel      int           // chats handled at once; default 32 (their events share commits)
	DedupeKeep    time.Duration // how long processed ids are kept; default 8 days
	// ReplyFallback says which answers matter enough to go out as a push
	// when their reply surely did not arrive; default FallbackChanges.
	ReplyFallback ReplyFallback
}

// ReplyFallback is a policy for marking replies as mattering (see
// OutboxRecord.Matters). Only answers in a 1:1 chat are ever marked: a
// push to a group is paid once per member.
type ReplyFallback string

// Reply fallback policies.
const (
	// FallbackChanges marks the answer to a user's own message or tap
	// that changed the programme's data (a confirmation that something
	// was saved, withdrawn, approved): the user would otherwise not know.
	FallbackChanges ReplyFallback = "changes"
	// FallbackAlways marks every answer to a user's message or tap.
	FallbackAlways ReplyFallback = "always"
	// FallbackNever marks none: a failed reply is lost.
	FallbackNever ReplyFallback = "never"
)

// matters applies the policy to an input and whether handling it changed
// data.
func (p ReplyFallback) matters(in flows.Input, changed bool) bool {
	if in.InGroup() || in.UserID == "" || (in.Kind != flows.InputText && in.Kind != flows.InputPostback) {
		return false
	}
	switch p {
	case FallbackAlways:
		return true
	case FallbackNever:
		return false
	}
	return changed
}

// ProfileSource looks up a user's LINE profile language (a first guess for
// the language to talk in). It may fail; the bot then uses Thai.
type ProfileSource interface {
	ProfileLanguage(ctx context.Context, userID string) (string, error)
}

func newWorker(st Store, h Handler, r *Renderer, s *Sender, p ProfileSource, m *Metrics, log *slog.Logger, now func() time.Time, loc *time.Location, cfg WorkerConfig) *Worker {
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 5
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 32
	}
	if cfg.DedupeKeep <= 0 {
		cfg.DedupeKeep = 8 * 24 * time.Hour
	}
	return &Worker{
		store: st, handler: h, render: r, sender: s, profiles: p, metrics: m, log: log, now: now, loc: loc,
		maxAttempts: cfg.MaxAttempts, reorder: cfg.ReorderWindow, parallel: cfg.Parallel, keep: cfg.DedupeKeep, fallback: cfg.ReplyFallback,
		notify: make(chan struct{}, 1), epoch: time.Now(), chats: map[string][]inboxItem{}, where: map[string]string{}, busy: map[string]bool{}, firstSeen: map[string]time.Time{}, held: map[string]time.Time{},
	}
}

// Received tells the worker that the webhook has just stored events in the
// inbox: it wakes the worker, and a stream of them makes the worker yield
// to the webhook (see flooded).
func (w *Worker) Received() {
	w.lastArrival.Store(int64(time.Since(w.epoch)))
	w.Notify()
}

// Acknowledgements come first. LINE waits for the webhook's 200 and
// redelivers (or reports an error) when it is slow, while an event's
// answer has the reply token's minute. So while webhooks keep arriving
// (one within floodWindow), the worker yields the processor and the disk
// to them: it handles one event at a time, the oldest waiting, then pauses
// floodPause times as long as that took, so it takes about
// 1/(floodPause+1) of the time. (Handling a few chats' events together in
// one commit made the webhook slower, not faster: measured with
// cmd/sammachip-load compare.) The events wait safely in the
// inbox, in order, and the worker returns to its full parallelism as soon
// as the webhooks ease. An ordinary day (a few events a second) never
// floods the webhook, so it never slows the worker.
const (
	floodWindow = 20 * time.Millisecond
	floodPause  = 15
	// maxFloodPause bounds one pause, whatever one slow event took.
	maxFloodPause = 100 * time.Millisecond
)

// chatTurn is how many events a chat's goroutine handles before it makes
// way: after a flood, many chats have long queues, and a reply token lives
// a minute from its event, so every chat's oldest events go before any
// chat's newest.
const chatTurn = 4

// flooded is whether webhooks are arriving faster than one per
// floodWindow.
func (w *Worker) flooded() bool {
	last := w.lastArrival.Load()
	return last != 0 && time.Duration(int64(time.Since(w.epoch))-last) < floodWindow
}

// Notify wakes the worker: new events are in the inbox.
func (w *Worker) Notify() {
	select {
	case w.notify <- struct{}{}:
	default:
	}
}

// AfterCommit sets fn to be called after each handled event's
// transaction has committed, with the event and what it caused: for
// example to switch the rich menu of a user whose role changed. fn runs on
// the worker's goroutine, so it must return at once (queue the work, not
// call LINE); it cannot fail the event, and a panic in it is logged and
// dropped. Set it before Run.
func (w *Worker) AfterCommit(fn func(in flows.Input, out flows.Outcome)) { w.afterCommit = fn }

func (w *Worker) runAfterCommit(in flows.Input, out flows.Outcome) {
	defer func() {
		if r := recover(); r != nil {
			w.log.Error("worker: after-commit hook panicked", "panic", r)
		}
	}()
	w.afterCommit(in, out)
}

// inboxItem is an event waiting in the inbox: in the inbox log (fromLog),
// or in the database's inbox bucket (one that failed before, or one an
// earlier release stored there).
type inboxItem struct {
	key     string
	rec     InboxRecord
	fromLog bool
}

// Run drains the inbox until ctx ends, then waits for the events being
// handled to finish. What a crash left in the inbox is handled first,
// because it is already there when Run starts.
func (w *Worker) Run(ctx context.Context) {
	sem := make(chan struct{}, w.parallel)
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	// Files waiting for an officer's confirmation hold personal data: they
	// go within minutes of their hour (flows.ImportPendingTTL).
	pruneFiles := time.NewTicker(pruneImportsEvery)
	defer pruneFiles.Stop()
	w.pruneProcessed()
	w.PruneImports()
	for {
		wait, _ := w.dispatch(ctx, sem, true)
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			w.running.Wait()
			return
		case <-w.notify:
		case <-timer.C:
		case <-prune.C:
			w.pruneProcessed()
		case <-pruneFiles.C:
			w.PruneImports()
		}
		timer.Stop()
	}
}

// Drain handles everything in the inbox that is due now and returns when
// it is done. Tests and the simulator use it to step the bot, with the
// loops stopped: it shares its bookkeeping with Run and must not overlap it.
func (w *Worker) Drain(ctx context.Context) {
	sem := make(chan struct{}, w.parallel)
	for {
		// Done when a pass starts nothing: what is left is not due, or
		// waits behind an earlier event of its chat that is not due.
		_, started := w.dispatch(ctx, sem, false)
		w.running.Wait()
		if started == 0 {
			return
		}
	}
}

// dispatch starts a goroutine for each idle chat with due events and
// returns how long to wait before looking again, and how many chats it
// started. paced: it yields to a flood of webhooks (flooded), as Run does;
// Drain, which steps the bot in tests and the simulator, does not.
func (w *Worker) dispatch(ctx context.Context, sem chan struct{}, paced bool) (time.Duration, int) {
	// The inbox is read under the lock: a chat's goroutine clears its busy
	// mark only after committing, so what is read here never holds an event
	// that an idle chat has already handled.
	w.mu.Lock()
	flood := paced && w.flooded()
	if flood && len(w.busy) > 0 {
		// One event at a time: the busy chat's goroutine wakes the worker
		// again when it is done.
		w.mu.Unlock()
		return time.Minute, 0
	}
	if err := w.readNew(); err != nil {
		w.mu.Unlock()
		w.log.Error("worker: read inbox", "err", err)
		return time.Second, 0
	}
	w.metrics.InboxDepth.Set(float64(len(w.where)))
	now := w.now()
	next := time.Minute
	mono := time.Now()
	// Each chat takes a turn of a few events (in a flood, one chat one
	// event); the chats whose oldest event came first go first.
	limit := chatTurn
	if flood {
		limit = 1
	}
	type turn struct {
		chat string
		list []inboxItem
	}
	var turns []turn
	for chat, queue := range w.chats {
		if w.busy[chat] || len(queue) == 0 {
			continue
		}
		var list []inboxItem
		settling := false
		for _, it := range queue {
			first, ok := w.firstSeen[it.key]
			if !ok {
				first = mono
				w.firstSeen[it.key] = first
			}
			if until, ok := w.held[it.key]; ok {
				if mono.Before(until) {
					next = min(next, until.Sub(mono))
					break // later events wait behind it, to keep the chat in order
				}
				delete(w.held, it.key)
			}
			if hold := w.reorder - mono.Sub(first); hold > 0 {
				// The chat waits whole until its newest arrival has settled
				// (it may sort first).
				next = min(next, hold)
				settling = true
				break
			}
			if !it.rec.NotBefore.IsZero() && it.rec.NotBefore.After(now) {
				next = min(next, it.rec.NotBefore.Sub(now))
				break // a retry not due yet: earlier events (listed) still go
			}
			list = append(list, it)
			if len(list) == limit && w.reorder == 0 {
				break // with no reorder window, the rest need no look now
			}
		}
		if settling || len(list) == 0 {
			continue
		}
		turns = append(turns, turn{chat, list[:min(len(list), limit)]})
	}
	slices.SortFunc(turns, func(a, b turn) int {
		if c := a.list[0].rec.Received.Compare(b.list[0].rec.Received); c != 0 {
			return c
		}
		return strings.Compare(a.list[0].key, b.list[0].key)
	})
	if flood && len(turns) > 1 {
		turns = turns[:1]
	}
	for _, t := range turns {
		chat, list := t.chat, t.list
		w.busy[chat] = true
		w.running.Add(1)
		go func() {
			defer w.running.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			t0 := time.Now()
			w.handleChat(ctx, list)
			if flood {
				pause(ctx, min(floodPause*time.Since(t0), maxFloodPause))
			}
			w.mu.Lock()
			delete(w.busy, chat)
			w.mu.Unlock()
			w.Notify()
		}()
	}
	started := len(turns)
	w.mu.Unlock()
	return next, started
}

// pause waits d, or until ctx ends.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// readNew reads what is new in the inbox into each chat's queue, ordered
// by event time (then arrival): the bucket first, then the log, so that an
// event found in both (it failed, moved into the bucket, and the process
// stopped before the log heard) goes on as the bucket's. The caller holds
// w.mu.
func (w *Worker) readNew() error {
	err := w.store.View(func(tx flows.Tx) error {
		return tx.Inbox().After(w.read, func(key string, decode func(any) error) error {
			w.read = key
			var rec InboxRecord
			if err := decode(&rec); err != nil {
				// It stays in the inbox for an operator; the others go on.
				w.log.Error("worker: an inbox record cannot be read", "err", err)
				return nil
			}
			w.enqueue(inboxItem{key: key, rec: rec})
			return nil
		})
	})
	if err != nil {
		return err
	}
	var unreadable []inboxItem
	w.store.TakeInbox(func(key string, value []byte) {
		var rec InboxRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			w.log.Error("worker: an inbox record cannot be read", "err", err)
			unreadable = append(unreadable, inboxItem{key: key, rec: InboxRecord{Raw: value}})
			return
		}
		w.enqueue(inboxItem{key: key, rec: rec, fromLog: true})
	})
	for _, it := range unreadable {
		// Kept for an operator in the bucket, where such records stay.
		if err := w.store.Update(func(tx flows.Tx) error { return tx.Inbox().Put(it.key, it.rec.Raw) }); err != nil {
			return err
		}
		w.store.InboxDone(it.key)
	}
	return nil
}

// enqueue puts an event in its chat's queue, in order (new events most
// often go last). The caller holds w.mu.
func (w *Worker) enqueue(it inboxItem) {
	if _, ok := w.where[it.key]; ok {
		// Already queued: the log's copy of an event that moved into the
		// bucket, or the bucket's record of a failed event read again.
		if it.fromLog {
			w.store.InboxDone(it.key)
		}
		return
	}
	q := w.chats[it.rec.Chat]
	i := sort.Search(len(q), func(i int) bool { return itemLess(it, q[i]) })
	q = slices.Insert(q, i, it)
	w.chats[it.rec.Chat] = q
	w.where[it.key] = it.rec.Chat
}

// itemLess orders a chat's events by event time, then arrival.
func itemLess(a, b inboxItem) bool {
	if a.rec.Timestamp != b.rec.Timestamp {
		return a.rec.Timestamp < b.rec.Timestamp
	}
	return a.key < b.key
}

// handleChat handles one chat's events in order. A failure stops the chat
// (its later events wait, to keep order) until the retry is due.
func (w *Worker) handleChat(ctx context.Context, list []inboxItem) {
	for _, it := range list {
		if err := w.handleSafely(ctx, it); err != nil {
			w.fail(it, err)
			return
		}
	}
}

// handleSafely is handle with a panic turned into a failed attempt: one bad
// event goes to the dead letters instead of crashing the process (and,
// since the inbox is replayed at start, crashing it again).
func (w *Worker) handleSafely(ctx context.Context, it inboxItem) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("bot: handling a %s event panicked: %v", it.rec.Type, p)
		}
	}()
	return w.handle(ctx, it)
}

// handle applies one event. It returns an error only for failures worth
// retrying; undecodable events are counted and dropped.
func (w *Worker) handle(ctx context.Context, it inboxItem) error {
	ev, err := webhook.UnmarshalEvent(it.rec.Raw)
	if err != nil {
		w.metrics.EventsMalformed.Inc()
		w.log.Warn("worker: skip malformed event", "type", it.rec.Type)
		if err := w.removeFromInbox(it); err != nil {
			return err
		}
		w.settled(it.key, nil)
		return nil
	}
	d := toInput(ev, w.loc)
	if d.in.Kind == flows.InputFollow && d.in.UserID != "" && w.profiles != nil {
		// Outside the transaction: a network call must not hold the lock.
		if lang, err := w.profiles.ProfileLanguage(ctx, d.in.UserID); err == nil {
			d.in.ProfileLang = lang
		}
	}
	if d.in.Kind == flows.InputFile {
		// Also outside the transaction, and only for a file the domain
		// wants (an officer's import): the content stays in memory for
		// this attempt (never in the inbox, never logged); a retry fetches
		// it again.
		if err := w.fetchFile(ctx, &d.in); err != nil {
			return err
		}
	}
	var dup, gone bool
	var queued int
	var handled flows.Outcome
	err = w.store.Batch(func(tx flows.Tx) error {
		// It may run more than once (Store.Batch): results are set afresh.
		dup, gone, queued, handled = false, false, 0, flows.Outcome{}
		if !it.fromLog {
			// Handled already (by another Drain or loop pass): nothing to
			// do. A bucket's event without an id has no other guard
			// against a second run; the log's all have one (the webhook's).
			var still InboxRecord
			ok, err := tx.Inbox().Get(it.key, &still)
			if err != nil {
				return err
			}
			if !ok {
				gone = true
				return nil
			}
		}
		if it.rec.EventID != "" {
			var mark processedMark
			seen, err := tx.Processed().Get(it.rec.EventID, &mark)
			if err != nil {
				return err
			}
			if seen {
				// Committed before (LINE redelivered it, or the process
				// stopped before the log heard it was done).
				dup = true
				return w.deleteFromBucket(tx, it)
			}
		}
		if !ignored(d) {
			note := &changeNote{tx: tx}
			out, err := w.handler.Handle(note, d.in)
			if err != nil {
				return err
			}
			handled = out
			n, err := w.queue(tx, out, d.in.ChatID(), d.replyToken, it.rec.Received, w.fallback.matters(d.in, note.changed))
			if err != nil {
				return err
			}
			queued = n
		}
		if it.rec.EventID != "" {
			if err := tx.Processed().Put(it.rec.EventID, processedMark{At: w.now()}); err != nil {
				return err
			}
		}
		return w.deleteFromBucket(tx, it)
	})
	if err != nil {
		return err
	}
	if it.fromLog {
		w.store.InboxDone(it.key)
	}
	w.settled(it.key, nil)
	if gone {
		return nil
	}
	if dup {
		w.metrics.EventsDeduplicated.Inc()
		return nil
	}
	w.metrics.EventsProcessed.Inc()
	// Counted once committed: a retried event counts its codes once.
	for _, a := range handled.Codes {
		w.metrics.CodeAttempts.WithLabelValues(string(a.Kind), string(a.Result)).Inc()
	}
	if queued > 0 {
		w.sender.Notify()
	}
	if w.afterCommit != nil && !ignored(d) {
		w.runAfterCommit(d.in, handled)
	}
	return nil
}

// deleteFromBucket removes a bucket's event in tx (a log's event is done
// once tx commits: the caller tells the log).
func (w *Worker) deleteFromBucket(tx flows.Tx, it inboxItem) error {
	if it.fromLog {
		return nil
	}
	return tx.Inbox().Delete(it.key)
}

// removeFromInbox removes an event from wherever it waits.
func (w *Worker) removeFromInbox(it inboxItem) error {
	if it.fromLog {
		w.store.InboxDone(it.key)
		return nil
	}
	return w.store.Update(func(tx flows.Tx) error { return tx.Inbox().Delete(it.key) })
}

// pruneImportsEvery is how often files past their wait are deleted.
const pruneImportsEvery = 5 * time.Minute

// fetchFile fetches a file message's content into in.File when the domain
// wants it (flows.WantsFile: an importable file from an officer, so a
// non-officer's file is never fetched). A failed fetch is not the event's
// failure: in.File.Failed makes the answer "send the file again". Only a
// failing database is an error.
func (w *Worker) fetchFile(ctx context.Context, in *flows.Input) error {
	var want bool
	if err := w.store.View(func(tx flows.Tx) error {
		var err error
		want, err = flows.WantsFile(tx, *in)
		return err
	}); err != nil {
		return err
	}
	if !want {
		return nil
	}
	if w.content == nil {
		in.File.Failed = true
		return nil
	}
	data, err := w.content.Fetch(ctx, in.File.MessageID, flows.MaxImportSize)
	switch {
	case errors.Is(err, ErrContentTooLarge):
		in.File.Size = flows.MaxImportSize + 1
	case err != nil:
		in.File.Failed = true
		w.log.Warn("worker: file not fetched", "err", err)
	default:
		in.File.Data = data
	}
	return nil
}

// PruneImports deletes the files that waited for an officer's
// confirmation longer than flows.ImportPendingTTL. Run calls it every few
// minutes; tests and the simulator may call it between Drains.
func (w *Worker) PruneImports() {
	err := w.store.Update(func(tx flows.Tx) error {
		_, err := flows.PruneImports(tx, w.now())
		return err
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		w.log.Error("worker: prune waiting files", "err", err)
	}
}

// pushChat is the ordering key of pushes to a chat: apart from its replies,
// so that a push waiting to retry (or for the morning) never holds up a
// free reply, whose token lives one minute.
func pushChat(to string) string { return "push:" + to }

// queue renders an outcome into outbox records inside tx: the answer as a
// reply (marked if it matters), each push with its own retry key chosen
// now and kept with it.
func (w *Worker) queue(tx outboxTx, out flows.Outcome, chat, replyToken string, received time.Time, matters bool) (int, error) {
	// A reply token's minute runs from when LINE sent the event, not from
	// now (after retries or a restart it may be nearly spent).
	if received.IsZero() || received.After(w.now()) {
		received = w.now()
	}
	n := 0
	if len(out.Replies) > 0 && replyToken != "" {
		msgs, err := w.render.Render(out.Lang, out.Replies)
		if err != nil {
			return 0, err
		}
		if err := putOutbox(tx, OutboxRecord{Kind: SendReply, Chat: chat, ReplyToken: replyToken, Messages: msgs, Purpose: "reply", Created: received, Matters: matters}); err != nil {
			return 0, err
		}
		n++
	}
	for _, p := range out.Pushes {
		msgs, err := w.render.Render(p.Lang, p.Replies)
		if err != nil {
			return 0, err
		}
		rec := OutboxRecord{Kind: SendPush, Chat: pushChat(p.To), To: []string{p.To}, Messages: msgs, RetryKey: uuid.NewString(), Purpose: p.Purpose, Created: w.now()}
		if err := putOutbox(tx, rec); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// fail records a failed attempt: the event is retried with backoff, and
// after MaxAttempts it moves to the dead letters so it never blocks
// the chat's later events for good. An event from the log moves into the
// inbox bucket, with its attempts, before the log forgets it.
func (w *Worker) fail(it inboxItem, cause error) {
	rec := it.rec
	rec.Attempts++
	dead := rec.Attempts >= w.maxAttempts
	if !dead {
		backoff := time.Duration(1<<min(rec.Attempts, 6)) * time.Second
		rec.NotBefore = w.now().Add(backoff)
	}
	err := w.store.Update(func(tx flows.Tx) error {
		if dead {
			if err := tx.DeadLetters().Put(it.key, rec); err != nil {
				return err
			}
			if err := w.apologise(tx, rec); err != nil {
				// Best effort: the event goes to the dead letters regardless.
				w.log.Error("worker: apology not queued", "err", err)
			}
			return w.deleteFromBucket(tx, it)
		}
		return tx.Inbox().Put(it.key, rec)
	})
	if err != nil {
		// The failure is not recorded (the database is failing too): hold
		// the event in memory for a while rather than retry it at once.
		w.log.Error("worker: record failure", "err", err)
		w.mu.Lock()
		w.held[it.key] = time.Now().Add(5 * time.Second)
		w.mu.Unlock()
		return
	}
	if it.fromLog {
		w.store.InboxDone(it.key)
	}
	if dead {
		w.settled(it.key, nil)
	} else {
		w.settled(it.key, &rec)
	}
	if dead {
		w.metrics.EventsFailed.Inc()
		w.log.Error("worker: event moved to dead letters", "type", rec.Type, "attempts", rec.Attempts, "err", cause)
		return
	}
	w.metrics.EventsRetried.Inc()
	w.log.Warn("worker: event failed, will retry", "type", rec.Type, "attempts", rec.Attempts, "err", cause)
}

// settled applies a committed change of an inbox record to what the
// worker has read: gone (nil), or changed to rec.
func (w *Worker) settled(key string, rec *InboxRecord) {
	w.mu.Lock()
	defer w.mu.Unlock()
	chat, ok := w.where[key]
	if !ok {
		return
	}
	q := w.chats[chat]
	i := slices.IndexFunc(q, func(it inboxItem) bool { return it.key == key })
	if i < 0 {
		return
	}
	if rec != nil {
		// Changed: it is in the inbox bucket now (fail).
		q[i].rec = *rec
		q[i].fromLog = false
		return
	}
	q = slices.Delete(q, i, i+1)
	if len(q) == 0 {
		delete(w.chats, chat)
	} else {
		w.chats[chat] = q
	}
	delete(w.where, key)
	delete(w.firstSeen, key)
	delete(w.held, key)
}

// apologise answers an event given up on, in a 1:1 chat while its reply
// token may still work: "something went wrong, please try again" in the
// user's language, rather than silence.
func (w *Worker) apologise(tx flows.Tx, rec InboxRecord) error {
	ev, err := webhook.UnmarshalEvent(rec.Raw)
	if err != nil {
		return nil
	}
	d := toInput(ev, w.loc)
	if d.replyToken == "" || d.in.InGroup() || d.in.UserID == "" {
		return nil
	}
	u, _, err := tx.Users().Get(d.in.UserID)
	if err != nil {
		return err
	}
	out := flows.Outcome{Lang: u.Lang, Replies: []flows.Reply{flows.Text(flows.T("core.error.internal"))}}
	_, err = w.queue(tx, out, d.in.ChatID(), d.replyToken, rec.Received, false)
	return err
}

// pruneProcessed forgets processed event ids older than the dedupe window
// (LINE redelivers for a much shorter time than the window).
func (w *Worker) pruneProcessed() {
	cutoff := w.now().Add(-w.keep)
	var old []string
	err := w.store.View(func(tx flows.Tx) error {
		return tx.Processed().Each("", func(key string, decode func(any) error) error {
			var m processedMark
			if err := decode(&m); err != nil {
				return err
			}
			if m.At.Before(cutoff) {
				old = append(old, key)
			}
			return nil
		})
	})
	if err != nil || len(old) == 0 {
		return
	}
	err = w.store.Update(func(tx flows.Tx) error {
		for _, k := range old {
			if err := tx.Processed().Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, context.Canceled) {
		w.log.Error("worker: prune processed ids", "err", err)
	}
}
