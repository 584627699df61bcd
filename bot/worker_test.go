package bot_test

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// failing is a domain that fails every input of some users (a bug, a
// corrupt record) and passes the others to the real engine.
type failing struct {
	inner bot.Handler
	users map[string]bool

	mu    sync.Mutex
	tries map[string]int
}

func (f *failing) Handle(tx flows.Tx, in flows.Input) (flows.Outcome, error) {
	if f.users[in.UserID] {
		f.mu.Lock()
		f.tries[in.UserID]++
		f.mu.Unlock()
		return flows.Outcome{}, errors.New("boom")
	}
	return f.inner.Handle(tx, in)
}

// An event that keeps failing is tried MaxAttempts times, then moved to the
// dead letters; it never holds up other chats, and its own chat's later
// events go on after it.
func TestFailingEventGoesToDeadLettersWithoutBlocking(t *testing.T) {
	bad, good := "U00000000000000000000000000000bad", "U0000000000000000000000000000g00d"
	h := &failing{inner: flows.NewEngine(flows.Config{}), users: map[string]bool{bad: true}, tries: map[string]int{}}
	r := newRig(t, bot.Config{Worker: bot.WorkerConfig{MaxAttempts: 3}}, h)
	ev := r.fake.Events()
	t0 := r.clock.Now()
	if got := r.post(t, ev.TextEvent(linefake.User(bad), "เมนู", t0), ev.TextEvent(linefake.User(good), "เมนู", t0)); got != http.StatusOK {
		t.Fatalf("got status %d, want 200", got)
	}
	r.srv.Worker().Drain(t.Context())
	r.srv.Sender().Drain()
	if got := r.fake.Texts(good); len(got) != 1 {
		t.Errorf("the good user got %q, want one answer while the bad event waits", got)
	}
	for range 5 {
		r.clock.Advance(2 * time.Minute)
		r.srv.Worker().Drain(t.Context())
	}
	// Each attempt runs the handler once in a shared transaction and, when
	// it fails there, once alone (Store.Batch): at most twice.
	if got := h.tries[bad]; got < 3 || got > 6 {
		t.Errorf("the failing event's handler ran %d times, want 3 attempts (3 to 6 runs)", got)
	}
	var dead []bot.InboxRecord
	_ = r.db.View(func(tx flows.Tx) error {
		return tx.DeadLetters().Each("", func(_ string, decode func(any) error) error {
			var rec bot.InboxRecord
			err := decode(&rec)
			dead = append(dead, rec)
			return err
		})
	})
	if len(dead) != 1 || dead[0].Attempts != 3 {
		t.Errorf("dead letters hold %+v, want one event after 3 attempts", dead)
	}
	if got := r.waiting(t); got != 0 {
		t.Errorf("inbox holds %d events, want 0", got)
	}

	// The user's next event is handled (once the bug is fixed).
	delete(h.users, bad)
	r.post(t, ev.TextEvent(linefake.User(bad), "เมนู", r.clock.Now()))
	r.srv.Worker().Drain(t.Context())
	r.srv.Sender().Drain()
	if got := r.fake.Texts(bad); len(got) != 1 {
		t.Errorf("after the dead letter, the user got %q, want one answer", got)
	}
}

// While an earlier event of a chat waits for its retry, the chat's later
// events wait too: a user's events are never handled out of order.
func TestRetryKeepsChatOrder(t *testing.T) {
	u := "U000000000000000000000000000000aa"
	h := &failing{inner: flows.NewEngine(flows.Config{}), users: map[string]bool{u: true}, tries: map[string]int{}}
	r := newRig(t, bot.Config{}, h)
	ev := r.fake.Events()
	t0 := r.clock.Now()
	r.post(t, ev.TextEvent(linefake.User(u), "ช่วยเหลือ", t0))
	r.srv.Worker().Drain(t.Context()) // fails once: retried later
	r.post(t, ev.TextEvent(linefake.User(u), "ภาษา", t0.Add(time.Second)))
	r.srv.Worker().Drain(t.Context())
	if got := r.waiting(t); got != 2 {
		t.Fatalf("inbox holds %d events, want 2 (the later one waits behind the retry)", got)
	}
	delete(h.users, u)
	r.clock.Advance(30 * time.Second) // the retry is due; the reply tokens still live
	r.srv.Worker().Drain(t.Context())
	r.srv.Sender().Drain()
	cat := locales.MustLoad()
	want := []string{cat.MustText(locales.Thai, "core.help", nil), cat.MustText(locales.Thai, "conv.lang.choose", nil)}
	if got := r.fake.Texts(u); !slices.Equal(got, want) {
		t.Errorf("got answers %q, want %q", got, want)
	}
}

// An event given up on within its reply token's minute gets an apology, so
// the user is not left without an answer.
func TestDeadLetterApologises(t *testing.T) {
	bad := "U00000000000000000000000000000bad"
	h := &failing{inner: flows.NewEngine(flows.Config{}), users: map[string]bool{bad: true}, tries: map[string]int{}}
	r := newRig(t, bot.Config{Worker: bot.WorkerConfig{MaxAttempts: 3}}, h)
	ev := r.fake.Events()
	r.post(t, ev.TextEvent(linefake.User(bad), "เมนู", r.clock.Now()))
	for range 4 {
		r.srv.Worker().Drain(t.Context())
		r.clock.Advance(5 * time.Second)
	}
	r.srv.Sender().Drain()
	if got := r.count(t, flows.Tx.DeadLetters); got != 1 {
		t.Fatalf("dead letters hold %d events, want 1", got)
	}
	want := locales.MustLoad().MustText(locales.Thai, "core.error.internal", nil)
	if got := r.fake.Texts(bad); len(got) != 1 || got[0] != want {
		t.Errorf("the user got %q, want the apology %q", got, want)
	}
}

// recorder fails the text "A" while failA is set and records the order in
// which it handled texts.
type recorder struct {
	mu    sync.Mutex
	failA bool
	order []string
}

func (h *recorder) Handle(tx flows.Tx, in flows.Input) (flows.Outcome, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if in.Text == "A" && h.failA {
		return flows.Outcome{}, errors.New("not yet")
	}
	h.order = append(h.order, in.Text)
	return flows.Outcome{}, nil
}

// While an event waits for its retry, a later-arriving event of the same
// chat with an earlier timestamp still goes first, and events after the
// waiting one wait for it.
func TestRetryWaitHoldsLaterEventsOnly(t *testing.T) {
	h := &recorder{failA: true}
	r := newRig(t, bot.Config{}, h)
	ev := r.fake.Events()
	u := linefake.User("U0000000000000000000000000000order")
	t0 := r.clock.Now()
	r.post(t, ev.TextEvent(u, "A", t0.Add(10*time.Second)))
	r.srv.Worker().Drain(t.Context()) // A fails and waits for its retry
	r.post(t, ev.TextEvent(u, "B", t0.Add(5*time.Second)), ev.TextEvent(u, "C", t0.Add(20*time.Second)))
	r.srv.Worker().Drain(t.Context())
	h.mu.Lock()
	h.failA = false
	h.mu.Unlock()
	r.clock.Advance(time.Minute)
	r.srv.Worker().Drain(t.Context())
	if !slices.Equal(h.order, []string{"B", "A", "C"}) {
		t.Errorf("handled %v, want [B A C]: C must wait for A", h.order)
	}
}
