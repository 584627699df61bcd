package bot_test

import (
	"encoding/json"
	"net/http"
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

// Pushes that keep failing go to the send-failed bucket after the
// configured attempts, and stop being tried.
func TestPushGivesUpAfterMaxAttempts(t *testing.T) {
	tests := []struct {
		name   string
		status int
		tries  int // attempts before giving up
	}{
		{"5xx is retried", http.StatusInternalServerError, 3},
		{"429 is retried", http.StatusTooManyRequests, 3},
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
