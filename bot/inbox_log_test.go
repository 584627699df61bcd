package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// forgetful is a database whose inbox log never hears that an event is
// done: as if the process stopped right after each event's commit.
type forgetful struct{ *storage.DB }

func (forgetful) InboxDone(string) {}

// The webhook's events wait in the inbox log; the worker commits each
// event's effects with its processed mark before the log forgets it. If
// the process stops between the two, the restarted bot finds the events in
// the log again and drops them as duplicates: nobody is answered twice,
// nothing is applied twice, and the log ends empty.
func TestEventsCommittedButNotForgottenAreNotAppliedTwice(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }
	fake := linefake.New(linefake.WithClock(now))
	t.Cleanup(fake.Close)
	cfg := bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: fake.Start()}
	path := filepath.Join(t.TempDir(), "bot.db")
	start := func(st bot.Store) *bot.Server {
		srv, err := bot.New(cfg, st, flows.NewEngine(flows.Config{}), locales.MustLoad(), slog.New(slog.NewTextHandler(io.Discard, nil)), now)
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}

	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := start(forgetful{db})
	ts := httptest.NewServer(srv.Echo())
	ev := fake.Events()
	users := []string{"U000000000000000000000000000000a1", "U000000000000000000000000000000a2"}
	for _, u := range users {
		res, err := linefake.Webhook{URL: ts.URL + "/callback", Secret: testSecret}.Post(context.Background(),
			ev.FollowEvent(linefake.User(u), now()), ev.TextEvent(linefake.User(u), "ภาษา", now()))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
	}
	ts.Close()
	srv.Worker().Drain(t.Context())
	srv.Sender().Drain()
	replies := len(fake.Sent(linefake.KindReply))
	if replies != 4 {
		t.Fatalf("%d replies before the stop, want 4", replies)
	}
	if got := db.InboxWaiting(); got != 4 {
		t.Fatalf("the log holds %d events, want all 4 (it never heard they were done)", got)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	srv = start(db)
	srv.Worker().Drain(t.Context())
	srv.Sender().Drain()
	if got := len(fake.Sent(linefake.KindReply)); got != replies {
		t.Errorf("%d replies after the restart, want still %d", got, replies)
	}
	if got := testMetric(srv, "sammachip_events_deduplicated_total"); got != 4 {
		t.Errorf("%v events dropped as duplicates, want 4", got)
	}
	if got := db.InboxWaiting(); got != 0 {
		t.Errorf("the log holds %d events after the restart, want 0", got)
	}
	n := 0
	_ = db.View(func(tx flows.Tx) error {
		return tx.Users().Each(func(string, flows.User) error { n++; return nil })
	})
	if n != len(users) {
		t.Errorf("%d users stored, want %d", n, len(users))
	}
}

// An event an earlier release acknowledged into the database's inbox
// bucket (before the inbox log) is still handled and answered, once.
func TestEventsLeftInTheInboxBucketByAnEarlierReleaseAreHandled(t *testing.T) {
	r := newRig(t, bot.Config{}, nil)
	ev := r.fake.Events().TextEvent(linefake.User("U000000000000000000000000000000b1"), "เมนู", r.clock.Now())
	raw, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	rec := bot.InboxRecord{EventID: ev.ID(), Type: "message", Chat: "U000000000000000000000000000000b1",
		Timestamp: r.clock.Now().UnixMilli(), Received: r.clock.Now(), Raw: raw}
	// Under a key of the bucket's (a sequence number), as it stored them.
	if err := r.db.Update(func(tx flows.Tx) error { return tx.Inbox().Put("00000000000000000001", rec) }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r.srv.Worker().Drain(t.Context())
		r.srv.Sender().Drain()
	}
	if got := r.fake.Texts("U000000000000000000000000000000b1"); len(got) != 1 {
		t.Errorf("the old release's event was answered %d times (%q), want once", len(got), got)
	}
	if got := r.waiting(t); got != 0 {
		t.Errorf("%d events still wait, want 0", got)
	}
}
