package bot_test

import (
	"bytes"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

// chooseEnglish is the language button's postback: a user's own tap that
// changes their record, so its answer matters.
const chooseEnglish = "a=lang&v=en"

// replyOutage makes LINE fail every reply (500) from now until d later on
// the rig's clock.
func replyOutage(r *rig, d time.Duration) time.Time {
	until := r.clock.Now().Add(d)
	r.fake.FailWhen(func(kind string, at time.Time) int {
		if kind == linefake.KindReply && at.Before(until) {
			return http.StatusInternalServerError
		}
		return 0
	})
	return until
}

// step handles what is in the inbox and sends what is due.
func (r *rig) step(t *testing.T) {
	r.srv.Worker().Drain(t.Context())
	r.srv.Sender().Drain()
}

// repliesTo lists the replies LINE accepted for chat.
func repliesTo(r *rig, chat string) []linefake.Request {
	var out []linefake.Request
	for _, q := range r.fake.Sent(linefake.KindReply) {
		if slices.Contains(q.To, chat) {
			out = append(out, q)
		}
	}
	return out
}

// triedToken lists when a reply with token was refused.
func triedToken(r *rig, token string) []time.Time {
	var at []time.Time
	for _, rej := range r.fake.Rejected() {
		if bytes.Contains(rej.Body, []byte(token)) {
			at = append(at, rej.At)
		}
	}
	return at
}

// LINE fails every reply for 40 s, then recovers: every answer still goes
// out as a reply, within seconds of the recovery (the retries back off to
// 5 s, not a minute), and a chat's next message is not held behind the
// failing one. Nothing is pushed: no reply was lost.
func TestRepliesSurviveABadMinuteOfLINE(t *testing.T) {
	r := newRig(t, bot.Config{}, nil)
	t0 := r.clock.Now()
	recovered := replyOutage(r, 40*time.Second)
	a, b := linefake.User("U0000000000000000000000000000000a"), linefake.User("U0000000000000000000000000000000b")
	ev := r.fake.Events()
	tapA := ev.PostbackEvent(a, chooseEnglish, nil, t0)
	r.post(t, tapA, ev.TextEvent(b, "เมนู", t0))
	r.step(t)
	var nextA linefake.Event
	for r.clock.Now().Before(t0.Add(70 * time.Second)) {
		r.clock.Advance(time.Second)
		if r.clock.Now().Equal(t0.Add(10 * time.Second)) {
			nextA = ev.TextEvent(a, "เมนู", r.clock.Now()) // a's next message, in the outage
			r.post(t, nextA)
		}
		r.step(t)
	}

	latest := recovered.Add(5 * time.Second)
	gotA, gotB := repliesTo(r, a.UserID), repliesTo(r, b.UserID)
	if len(gotA) != 2 || len(gotB) != 1 {
		t.Fatalf("got %d replies to a and %d to b, want 2 and 1; rejected: %v", len(gotA), len(gotB), r.fake.Rejected())
	}
	for _, q := range append(gotA, gotB...) {
		if q.At.After(latest) {
			t.Errorf("a reply went out at +%v, want by +%v (5 s after LINE recovered)", q.At.Sub(t0), latest.Sub(t0))
		}
	}
	if gotA[0].ReplyToken != tapA.ReplyToken() || gotA[1].ReplyToken != nextA.ReplyToken() {
		t.Errorf("a's answers went out of order")
	}
	if got := r.fake.Sent(linefake.KindPush); len(got) != 0 {
		t.Errorf("got %d pushes, want none (every reply arrived)", len(got))
	}
	failed := float64(len(r.fake.Rejected()))
	if got := r.metric(t, "sammachip_sends_total", "kind=reply", "status=500"); got != failed {
		t.Errorf("counted %v failed replies, want %v (LINE refused that many)", got, failed)
	}
	if got := r.metric(t, "sammachip_sends_total", "kind=reply", "status=200"); got != 3 {
		t.Errorf("counted %v replies sent, want 3", got)
	}
	if fb, lost := r.metric(t, "sammachip_reply_fallback_pushes_total"), r.metric(t, "sammachip_replies_lost_total"); fb != 0 || lost != 0 {
		t.Errorf("counted %v fallbacks and %v lost replies, want none", fb, lost)
	}
}

// LINE fails every reply for longer than a token lives. Each reply is
// tried until its token dies and no longer: a chat's next answer waits at
// most one token's life. The answer that changed data reaches its user as
// a push, once; the others are given up. Both are counted.
func TestRepliesThatCannotArriveFallBackToPushWhereTheyMatter(t *testing.T) {
	r := newRig(t, bot.Config{}, nil)
	t0 := r.clock.Now()
	replyOutage(r, 2*time.Minute)
	a, b := linefake.User("U0000000000000000000000000000000a"), linefake.User("U0000000000000000000000000000000b")
	ev := r.fake.Events()
	tapA, sayB := ev.PostbackEvent(a, chooseEnglish, nil, t0), ev.TextEvent(b, "เมนู", t0)
	r.post(t, tapA, sayB)
	r.step(t)
	var nextA linefake.Event
	for r.clock.Now().Before(t0.Add(2 * time.Minute)) {
		r.clock.Advance(time.Second)
		if r.clock.Now().Equal(t0.Add(20 * time.Second)) {
			nextA = ev.TextEvent(a, "เมนู", r.clock.Now())
			r.post(t, nextA)
		}
		r.step(t)
	}

	type sent struct {
		e      linefake.Event
		issued time.Time
	}
	for name, s := range map[string]sent{"a's tap": {tapA, t0}, "b's message": {sayB, t0}, "a's next message": {nextA, t0.Add(20 * time.Second)}} {
		tries := triedToken(r, s.e.ReplyToken())
		if len(tries) == 0 {
			t.Errorf("%s: its reply was never tried", name)
			continue
		}
		issued := s.issued
		if last := tries[len(tries)-1]; !last.Before(issued.Add(time.Minute)) {
			t.Errorf("%s: tried at +%v, after its token died", name, last.Sub(issued))
		}
		if name == "a's next message" && tries[0].After(t0.Add(time.Minute)) {
			t.Errorf("a's next message waited until +%v behind the failing reply, want at most a token's life (+1m)", tries[0].Sub(t0))
		}
	}
	pushes := r.fake.Sent(linefake.KindPush)
	if len(pushes) != 1 || pushes[0].To[0] != a.UserID {
		t.Fatalf("got pushes %+v, want one, to a", pushes)
	}
	if n, _ := bot.PushesThisMonth(r.db, r.clock.Now()); n != 1 {
		t.Errorf("counted %d pushes this month, want 1", n)
	}
	if got := r.metric(t, "sammachip_reply_fallback_pushes_total"); got != 1 {
		t.Errorf("counted %v fallback pushes, want 1", got)
	}
	if got := r.metric(t, "sammachip_replies_lost_total"); got != 2 {
		t.Errorf("counted %v lost replies, want 2 (b's, and a's answer that changed nothing)", got)
	}
	if n := r.count(t, flows.Tx.Outbox); n != 0 {
		t.Errorf("%d records left in the outbox, want 0", n)
	}
}

// A reply whose answer never came back (LINE delivered it, the bot timed
// out) is not pushed again: a reply has no retry key, and the user would
// get the answer twice.
func TestTimedOutReplyIsNotPushedAgain(t *testing.T) {
	r := newRig(t, bot.Config{HTTPTimeout: 150 * time.Millisecond}, nil)
	a := linefake.User("U0000000000000000000000000000000a")
	r.fake.HangNextAfterAccepting(1, 2*time.Second)
	r.post(t, r.fake.Events().PostbackEvent(a, chooseEnglish, nil, r.clock.Now()))
	r.step(t)
	for range 70 {
		r.clock.Advance(time.Second)
		r.step(t)
	}
	if got := len(r.fake.Sent(linefake.KindReply)); got != 1 {
		t.Errorf("LINE delivered %d replies, want 1", got)
	}
	if got := len(r.fake.Sent(linefake.KindPush)); got != 0 {
		t.Errorf("LINE delivered %d pushes, want none (the reply may have arrived)", got)
	}
	if got := r.metric(t, "sammachip_replies_lost_total"); got != 1 {
		t.Errorf("counted %v lost replies, want 1", got)
	}
}

// A LINE that refuses connections surely got nothing: when the token has
// died, the answer that matters is queued as a push, to go when LINE is
// back.
func TestRefusedConnectionIsADefiniteFailure(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()
	r := newRig(t, bot.Config{APIEndpoint: closed}, nil)
	a := linefake.User("U0000000000000000000000000000000a")
	r.post(t, r.fake.Events().PostbackEvent(a, chooseEnglish, nil, r.clock.Now()))
	r.srv.Worker().Drain(t.Context())
	for range 61 {
		r.srv.Sender().Drain()
		r.clock.Advance(time.Second)
	}
	// The push itself is refused too; it waits in the outbox for a retry.
	var pushes []bot.OutboxRecord
	_ = r.db.View(func(tx flows.Tx) error {
		return tx.Outbox().Each("", func(_ string, decode func(any) error) error {
			var rec bot.OutboxRecord
			if err := decode(&rec); err != nil {
				return err
			}
			pushes = append(pushes, rec)
			return nil
		})
	})
	if len(pushes) != 1 || pushes[0].Kind != bot.SendPush || pushes[0].To[0] != a.UserID || pushes[0].RetryKey == "" {
		t.Fatalf("outbox holds %+v, want one push to a with a retry key", pushes)
	}
	if got := r.metric(t, "sammachip_reply_fallback_pushes_total"); got != 1 {
		t.Errorf("counted %v fallback pushes, want 1", got)
	}
}
