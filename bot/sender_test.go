package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

func queuePush(t *testing.T, r *rig, to string) bot.OutboxRecord {
	t.Helper()
	msg, _ := json.Marshal(map[string]string{"type": "text", "text": "พรุ่งนี้อบรมวันที่ 1 ค่ะ"})
	rec := bot.OutboxRecord{Kind: bot.SendPush, Chat: "push:" + to, To: []string{to}, Messages: []json.RawMessage{msg},
		RetryKey: uuid.NewString(), Purpose: "reminder", Created: r.clock.Now()}
	if err := r.db.Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
		t.Fatal(err)
	}
	return rec
}

// LINE accepts a push but its answer never arrives in time: the retry with
// the same key gets 409, which means "sent", so the user gets one message.
func TestPushTimeoutThenConflictSendsOnce(t *testing.T) {
	r := newRig(t, bot.Config{HTTPTimeout: 150 * time.Millisecond}, nil)
	to := "U00000000000000000000000000000001"
	rec := queuePush(t, r, to)
	r.fake.HangNextAfterAccepting(1, 2*time.Second)

	r.srv.Sender().Drain() // times out; the push is kept for a retry
	r.clock.Advance(5 * time.Second)
	r.srv.Sender().Drain() // same key again: 409

	got := r.sendAttempts()
	if len(got) != 2 {
		t.Fatalf("got %d attempts, want 2: %+v", len(got), got)
	}
	for i, a := range got {
		if a.retryKey != rec.RetryKey {
			t.Errorf("attempt %d: got retry key %q, want %q", i, a.retryKey, rec.RetryKey)
		}
	}
	if got[1].status != http.StatusConflict {
		t.Errorf("second attempt: got %d, want 409", got[1].status)
	}
	if n := len(r.fake.Sent(linefake.KindPush)); n != 1 {
		t.Errorf("LINE delivered %d pushes, want 1", n)
	}
	if n, _ := bot.PushesThisMonth(r.db, r.clock.Now()); n != 1 {
		t.Errorf("got %d pushes counted, want 1", n)
	}
	r.clock.Advance(time.Hour)
	r.srv.Sender().Drain()
	if n := len(r.sendAttempts()); n != 2 {
		t.Errorf("got %d attempts after an hour, want still 2 (a 409 is not retried)", n)
	}
}

// LINE's rate limit (429) is no failure of the message: the push goes
// again within two seconds, however many times, and is never given up.
func TestPushThrottledByLINEIsNotGivenUp(t *testing.T) {
	r := newRig(t, bot.Config{Sender: bot.SenderConfig{MaxAttempts: 3}}, nil)
	queuePush(t, r, "U00000000000000000000000000000002")
	r.fake.FailNext(10, http.StatusTooManyRequests)
	for range 11 {
		r.srv.Sender().Drain()
		r.clock.Advance(2 * time.Second)
	}
	if got := len(r.sendAttempts()); got != 11 {
		t.Errorf("got %d attempts, want 11 (ten 429s, then taken)", got)
	}
	if n := len(r.fake.Sent(linefake.KindPush)); n != 1 {
		t.Errorf("LINE delivered %d pushes, want 1", n)
	}
	if got := r.count(t, flows.Tx.SendFailed); got != 0 {
		t.Errorf("%d pushes given up, want 0", got)
	}
}

// Pushes that keep failing go to the send-failed bucket after the
// configured attempts, and stop being tried.
func TestPushGivesUpAfterMaxAttempts(t *testing.T) {
	tests := []struct {
		name   string
		status int
		tries  int // attempts before giving up
	}{
		{"5xx is retried", http.StatusInternalServerError, 3},
		{"400 is not retried", http.StatusBadRequest, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, bot.Config{Sender: bot.SenderConfig{MaxAttempts: 3}}, nil)
			queuePush(t, r, "U00000000000000000000000000000002")
			r.fake.FailNext(10, tt.status)
			for range 6 {
				r.srv.Sender().Drain()
				r.clock.Advance(20 * time.Minute)
			}
			if got := len(r.sendAttempts()); got != tt.tries {
				t.Errorf("got %d attempts, want %d", got, tt.tries)
			}
			var failed, outbox int
			_ = r.db.View(func(tx flows.Tx) error {
				_ = tx.SendFailed().Each("", func(string, func(any) error) error { failed++; return nil })
				return tx.Outbox().Each("", func(string, func(any) error) error { outbox++; return nil })
			})
			if failed != 1 || outbox != 0 {
				t.Errorf("got %d send-failed and %d outbox records, want 1 and 0", failed, outbox)
			}
			if n, _ := bot.PushesThisMonth(r.db, r.clock.Now()); n != 0 {
				t.Errorf("got %d pushes counted, want 0", n)
			}
		})
	}
}

// A push queued in quiet hours waits for the morning; a reply does not.
func TestPushesWaitForTheEndOfQuietHours(t *testing.T) {
	quietUntil := func(at time.Time) time.Time { // 21:00–07:00 UTC in this rig
		if h := at.Hour(); h >= 21 || h < 7 {
			morning := time.Date(at.Year(), at.Month(), at.Day(), 7, 0, 0, 0, at.Location())
			if h >= 21 {
				morning = morning.AddDate(0, 0, 1)
			}
			return morning
		}
		return at
	}
	r := newRig(t, bot.Config{Sender: bot.SenderConfig{QuietUntil: quietUntil}}, nil)
	r.clock.Set(time.Date(2026, 3, 10, 22, 30, 0, 0, time.UTC))
	to := "U00000000000000000000000000000001"
	queuePush(t, r, to)
	r.post(t, r.fake.Events().TextEvent(linefake.User(to), "เมนู", r.clock.Now()))
	r.srv.Worker().Drain(t.Context())
	r.srv.Sender().Drain()
	if got := r.fake.Sent(linefake.KindPush); len(got) != 0 {
		t.Fatalf("%d pushes at 22:30, want none in quiet hours", len(got))
	}
	if got := r.fake.Sent(linefake.KindReply); len(got) != 1 {
		t.Errorf("%d replies at 22:30, want the answer (replies are free and never held); rejected %v; attempts %v", len(got), r.fake.Rejected(), r.sendAttempts())
	}
	r.clock.Set(time.Date(2026, 3, 11, 7, 0, 0, 0, time.UTC))
	r.srv.Sender().Drain()
	if got := r.fake.Sent(linefake.KindPush); len(got) != 1 {
		t.Errorf("%d pushes at 07:00, want the held one", len(got))
	}
}

// A push that keeps failing never holds up the user's free replies.
func TestFailingPushDoesNotBlockReplies(t *testing.T) {
	r := newRig(t, bot.Config{}, nil)
	to := "U00000000000000000000000000000001"
	r.fake.FailNext(1, http.StatusInternalServerError)
	// As the worker and scheduler queue pushes: ordered apart from replies.
	msg, _ := json.Marshal(map[string]string{"type": "text", "text": "แจ้งผลการคัดเลือกค่ะ"})
	rec := bot.OutboxRecord{Kind: bot.SendPush, Chat: "push:" + to, To: []string{to}, Messages: []json.RawMessage{msg},
		RetryKey: uuid.NewString(), Purpose: "household", Created: r.clock.Now()}
	if err := r.db.Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
		t.Fatal(err)
	}
	r.srv.Sender().Drain() // the push fails and waits to retry
	r.post(t, r.fake.Events().TextEvent(linefake.User(to), "เมนู", r.clock.Now()))
	r.srv.Worker().Drain(t.Context())
	r.srv.Sender().Drain()
	if got := r.fake.Sent(linefake.KindReply); len(got) != 1 {
		t.Errorf("%d replies while a push waits to retry, want 1", len(got))
	}
}

// A push the sender has already read, waiting for the morning, is not sent
// once a person's deletion has removed it from the outbox.
func TestPushRemovedByADeletionIsNotSent(t *testing.T) {
	quietUntil := func(at time.Time) time.Time {
		if at.Hour() >= 21 {
			return time.Date(at.Year(), at.Month(), at.Day()+1, 7, 0, 0, 0, at.Location())
		}
		return at
	}
	r := newRig(t, bot.Config{Sender: bot.SenderConfig{QuietUntil: quietUntil}}, nil)
	r.clock.Set(time.Date(2026, 3, 10, 22, 30, 0, 0, time.UTC))
	to := "U00000000000000000000000000000001"
	msg, _ := json.Marshal(map[string]string{"type": "text", "text": "คุณมาลี ใจดี ได้รับการคัดเลือกค่ะ"})
	rec := bot.OutboxRecord{Kind: bot.SendPush, Chat: "push:" + to, To: []string{to}, Messages: []json.RawMessage{msg},
		RetryKey: uuid.NewString(), Purpose: "household", Created: r.clock.Now()}
	if err := r.db.Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
		t.Fatal(err)
	}
	r.srv.Sender().Drain() // read, and held for the morning
	if err := r.db.Update(func(tx flows.Tx) error { return tx.ForgetCopies([][]byte{[]byte("มาลี ใจดี")}) }); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2026, 3, 11, 7, 0, 0, 0, time.UTC))
	r.srv.Sender().Drain()
	if got := r.fake.Sent(linefake.KindPush); len(got) != 0 {
		t.Errorf("%d pushes sent after the deletion removed the message, want none", len(got))
	}
}

// Messages go out oldest first across chats, and in order within a chat:
// a chat whose oldest push waits to be retried holds its later ones back,
// while other chats go on.
func TestSenderSendsOldestFirstAndInChatOrder(t *testing.T) {
	r := newRig(t, bot.Config{Sender: bot.SenderConfig{Parallel: 1}}, nil)
	a, b, c := "U0000000000000000000000000000000a", "U0000000000000000000000000000000b", "U0000000000000000000000000000000c"
	first := queuePush(t, r, a)
	queuePush(t, r, b)
	second := queuePush(t, r, a)
	queuePush(t, r, c)
	r.fake.FailNext(1, http.StatusInternalServerError) // a's first push

	r.srv.Sender().Drain()
	if got, want := pushOrder(r), []string{b, c}; !slices.Equal(got, want) {
		t.Fatalf("while a's first push waits to retry: got pushes to %v, want %v (a's second waits behind it)", got, want)
	}
	r.clock.Advance(2 * time.Second)
	r.srv.Sender().Drain()
	if got, want := pushOrder(r), []string{b, c, a, a}; !slices.Equal(got, want) {
		t.Fatalf("got pushes to %v, want %v", got, want)
	}
	sent := r.fake.Sent(linefake.KindPush)
	if sent[2].RetryKey != first.RetryKey || sent[3].RetryKey != second.RetryKey {
		t.Errorf("a's pushes went out as %q then %q, want %q then %q", sent[2].RetryKey, sent[3].RetryKey, first.RetryKey, second.RetryKey)
	}
}

func pushOrder(r *rig) []string {
	var to []string
	for _, p := range r.fake.Sent(linefake.KindPush) {
		to = append(to, p.To[0])
	}
	return to
}

// A person's deletion that removes a message while LINE is answering its
// send is not undone by the sender recording the attempt: a push to retry
// is not written back (and not sent again), a push given up is not kept
// with the failed sends, and a failed reply is not sent again as a push.
func TestDeletionDuringASendIsNotUndone(t *testing.T) {
	const name = "มาลี ใจดี"
	tests := []struct {
		name   string
		kind   string
		status int
	}{
		{"push to retry", bot.SendPush, http.StatusInternalServerError},
		{"push given up", bot.SendPush, http.StatusBadRequest},
		{"reply that matters", bot.SendReply, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// LINE, reached through a proxy that runs the deletion while the
			// first send is on its way.
			var (
				mu       sync.Mutex
				attempts int
				r        *rig
			)
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				mu.Lock()
				attempts++
				n := attempts
				mu.Unlock()
				if n == 1 {
					if err := r.db.Update(func(tx flows.Tx) error { return tx.ForgetCopies([][]byte{[]byte(name)}) }); err != nil {
						t.Error(err)
					}
				}
				r.fake.ServeHTTP(w, req)
			}))
			t.Cleanup(proxy.Close)
			r = newRig(t, bot.Config{APIEndpoint: proxy.URL}, nil)

			to := "U00000000000000000000000000000001"
			msg, _ := json.Marshal(map[string]string{"type": "text", "text": "คุณ" + name + " ได้รับการคัดเลือกค่ะ"})
			rec := bot.OutboxRecord{Kind: tt.kind, Chat: to, Messages: []json.RawMessage{msg}, Created: r.clock.Now(), Matters: true}
			if tt.kind == bot.SendPush {
				rec.Chat, rec.To, rec.RetryKey, rec.Purpose = "push:"+to, []string{to}, uuid.NewString(), "household"
			} else {
				rec.ReplyToken, rec.Purpose = r.fake.IssueReplyTokenFor(to), "reply"
			}
			if err := r.db.Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
				t.Fatal(err)
			}
			r.fake.FailNext(1, tt.status)
			for range 3 {
				r.srv.Sender().Drain()
				r.clock.Advance(10 * time.Minute)
			}
			mu.Lock()
			defer mu.Unlock()
			if attempts != 1 {
				t.Errorf("got %d calls to LINE, want 1 (the message was deleted during the first)", attempts)
			}
			if n := r.count(t, flows.Tx.Outbox); n != 0 {
				t.Errorf("got %d records in the outbox, want 0", n)
			}
			if n := r.count(t, flows.Tx.SendFailed); n != 0 {
				t.Errorf("got %d records kept as failed sends, want 0: they hold the deleted person's words", n)
			}
		})
	}
}

// queueReply stores a reply to to, as the worker does, with a token the
// fake LINE issued.
func queueReply(t *testing.T, r *rig, to string) {
	t.Helper()
	msg, _ := json.Marshal(map[string]string{"type": "text", "text": "บันทึกแล้วค่ะ"})
	rec := bot.OutboxRecord{Kind: bot.SendReply, Chat: to, ReplyToken: r.fake.IssueReplyTokenFor(to),
		Messages: []json.RawMessage{msg}, Purpose: "reply", Created: r.clock.Now()}
	if err := r.db.Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
		t.Fatal(err)
	}
}

// An answer queued after an evening's reminders goes out before them: its
// token lasts a minute, the reminders can wait.
func TestReplyGoesBeforeOlderPushes(t *testing.T) {
	r := newRig(t, bot.Config{Sender: bot.SenderConfig{Parallel: 1}}, nil)
	for i := range 3 {
		queuePush(t, r, fmt.Sprintf("U%032x", i+1))
	}
	queueReply(t, r, "U0000000000000000000000000000000a")
	r.srv.Sender().Drain()
	var paths []string
	for _, a := range r.sendAttempts() {
		paths = append(paths, a.path)
	}
	if want := []string{"/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/message/push", "/v2/bot/message/push"}; !slices.Equal(paths, want) {
		t.Errorf("got calls %v, want %v", paths, want)
	}
}

// While LINE holds pushes without answering, enough of them to fill every
// place the sender has, an answer to a user still goes out at once.
func TestReplyIsNotHeldBehindHangingPushes(t *testing.T) {
	release := make(chan struct{})
	var (
		r       *rig
		hanging atomic.Int32
	)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/v2/bot/message/push" {
			hanging.Add(1)
			select {
			case <-release:
			case <-req.Context().Done():
				return
			}
		}
		r.fake.ServeHTTP(w, req)
	}))
	t.Cleanup(proxy.Close)
	r = newRig(t, bot.Config{APIEndpoint: proxy.URL, Sender: bot.SenderConfig{Parallel: 4}}, nil)
	for i := range 6 {
		queuePush(t, r, fmt.Sprintf("U%032x", i+1))
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { defer close(done); r.srv.Sender().Run(ctx) }()
	defer func() { close(release); cancel(); <-done }()

	for hanging.Load() < 3 { // all the places pushes may take
		time.Sleep(5 * time.Millisecond)
	}
	queueReply(t, r, "U0000000000000000000000000000000a")
	r.srv.Sender().Notify()
	for deadline := time.Now().Add(3 * time.Second); len(r.fake.Sent(linefake.KindReply)) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no reply within 3 s while pushes hang; pushes accepted %d", len(r.fake.Sent(linefake.KindPush)))
		}
	}
}
