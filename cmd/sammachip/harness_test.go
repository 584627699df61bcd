package main

// The end-to-end harness: a real Main (real mode, real bbolt file, real
// HTTP) talking to the strict fake LINE API, with a settable clock shared
// by both. Tests speak through personas:
//
//	h := NewHarness(t)
//	somchai := h.User("U1111…")
//	got := somchai.Follow()            // signed webhook in, the answer out
//	got = somchai.TapLabel("ภาษา / Language")
//	got = somchai.Say("เมนู")
//	office := h.Group("C2222…", "")    // a group; "" = a member with no userId
//
// Every call posts a signed webhook through the bot's HTTP endpoint, waits
// until the bot has handled it and sent its answer (deterministically: the
// worker and sender are stepped with Drain; no sleeps), and returns what
// that chat received. After each test the harness checks that the fake
// rejected nothing and that no LINE id appears in the logs.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// LINE's documented example channel secret (LINE.md); the harness's
// channel uses it, so its signature vector works against the bot.
const (
	testSecret = "8c570fa6dd201bb328f1c1eac23a96d8"
	testToken  = "harness-access-token"
)

// T0 is when every harness test starts unless it sets the clock: a Tuesday
// morning in Bangkok.
var T0 = time.Date(2026, 3, 10, 9, 0, 0, 0, bangkok)

var bangkok = mustLoc("Asia/Bangkok")

func mustLoc(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Clock is a settable clock, safe for concurrent use. The bot (Main.Now)
// and the fake LINE (reply-token expiry, retry-key windows, quota months)
// read the same one.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Option changes how NewHarness (or Restart) builds Main.
type Option func(*Harness)

// WithLoops runs the worker and sender loops as in production; Step then
// waits (polling the database) until nothing is due in the inbox or the
// outbox. Without it Main is built with NoLoops and Step drives the worker
// and sender itself, which is fully deterministic.
func WithLoops() Option { return func(h *Harness) { h.loops = true } }

// WithoutLoops is the default: Main's loops stay stopped; Step drains.
func WithoutLoops() Option { return func(h *Harness) { h.loops = false } }

// WithEnv sets an environment variable for LoadConfig (e.g. SAMMACHIP_TZ).
func WithEnv(key, value string) Option { return func(h *Harness) { h.env[key] = value } }

// WithFakeOptions passes options to linefake.New (e.g. linefake.WithQuota).
func WithFakeOptions(opts ...linefake.Option) Option {
	return func(h *Harness) { h.fakeOpts = append(h.fakeOpts, opts...) }
}

// Harness is one running bot and its fake LINE. Build it with NewHarness;
// t.Cleanup closes everything.
type Harness struct {
	t *testing.T

	// Clock is the programme clock, shared with the fake LINE.
	Clock *Clock
	// Fake is the strict fake LINE API the bot sends to.
	Fake *linefake.Server
	// Main is the running program; Restart replaces it.
	Main *Main
	// DBPath is the bbolt file, kept across restarts.
	DBPath string

	env      map[string]string
	fakeOpts []linefake.Option
	loops    bool
	lineURL  string
	cat      *locales.Catalog
	logs     *syncBuffer
	events   linefake.Events

	mu       sync.Mutex
	attempts []SendAttempt
	allowed  []string
	ids      map[string]bool
	profiled map[string]bool
}

// SendAttempt is one call the bot made to LINE's send endpoints (reply,
// push, multicast), whatever the answer: the fake's own records only hold
// accepted requests, so retries are checked here.
type SendAttempt struct {
	Kind     string // linefake.KindReply, KindPush or KindMulticast
	RetryKey string // X-Line-Retry-Key as sent ("" for replies)
	Status   int    // the fake's answer; 0 while it has not answered
}

// NewHarness starts a fake LINE and a real Main wired to it.
func NewHarness(t *testing.T, opts ...Option) *Harness {
	t.Helper()
	// A short directory rather than t.TempDir(): the admin socket lives
	// beside the database and Unix socket paths are limited to ~100 bytes.
	dir, err := os.MkdirTemp("", "smc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	h := &Harness{
		t:        t,
		Clock:    &Clock{t: T0},
		DBPath:   filepath.Join(dir, "sammachip.db"),
		env:      map[string]string{},
		cat:      locales.MustLoad(),
		logs:     &syncBuffer{},
		ids:      map[string]bool{},
		profiled: map[string]bool{},
	}
	for _, o := range opts {
		o(h)
	}
	h.Fake = linefake.New(append([]linefake.Option{linefake.WithClock(h.Clock.Now), linefake.WithAccessToken(testToken)}, h.fakeOpts...)...)
	h.events = h.Fake.Events()
	proxy := httptest.NewServer(http.HandlerFunc(h.recordSend))
	h.lineURL = proxy.URL
	// Cleanups run last-registered first: Main closes, then the checks
	// run, then the fake goes away.
	t.Cleanup(func() { h.Fake.Close(); proxy.Close() })
	t.Cleanup(h.check)
	t.Cleanup(func() {
		if h.Main != nil {
			if err := h.Main.Close(); err != nil {
				t.Errorf("closing Main: %v", err)
			}
			h.Main = nil
		}
	})
	h.start()
	return h
}

// recordSend passes a request to the fake and notes send attempts.
func (h *Harness) recordSend(w http.ResponseWriter, r *http.Request) {
	kind := ""
	switch r.URL.Path {
	case "/v2/bot/message/reply":
		kind = linefake.KindReply
	case "/v2/bot/message/push":
		kind = linefake.KindPush
	case "/v2/bot/message/multicast":
		kind = linefake.KindMulticast
	}
	if kind == "" {
		h.Fake.ServeHTTP(w, r)
		return
	}
	// Noted on arrival (a hung call answers after later ones), its status
	// filled in when the fake answers.
	h.mu.Lock()
	i := len(h.attempts)
	h.attempts = append(h.attempts, SendAttempt{Kind: kind, RetryKey: r.Header.Get("X-Line-Retry-Key")})
	h.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	h.Fake.ServeHTTP(sw, r)
	h.mu.Lock()
	h.attempts[i].Status = sw.status
	h.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (h *Harness) config() Config {
	h.t.Helper()
	env := map[string]string{
		"LINE_CHANNEL_SECRET":       testSecret,
		"LINE_CHANNEL_ACCESS_TOKEN": testToken,
		"LINE_API_ENDPOINT":         h.lineURL,
		"LINE_DATA_ENDPOINT":        h.lineURL,
		"SAMMACHIP_ADDR":            "127.0.0.1:0",
		"SAMMACHIP_DB":              h.DBPath,
	}
	for k, v := range h.env {
		env[k] = v
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		h.t.Fatalf("harness config: %v", err)
	}
	return cfg
}

// start builds and runs a new Main on the harness's database.
func (h *Harness) start() {
	h.t.Helper()
	m := NewMain(h.config(), slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	m.Now = h.Clock.Now
	m.NoLoops = !h.loops
	if err := m.Run(context.Background()); err != nil {
		_ = m.Close()
		h.t.Fatalf("Main.Run: %v", err)
	}
	h.Main = m
}

// Restart closes Main (gracefully, as on SIGTERM) and starts a new one on
// the same database file, as a redeploy does. Options change the new
// Main's mode (WithLoops, WithoutLoops).
func (h *Harness) Restart(opts ...Option) {
	h.t.Helper()
	h.Stop()
	for _, o := range opts {
		o(h)
	}
	h.start()
}

// Stop closes Main without starting another; Restart or Start brings one
// back. Between the two the database file is free (tests may open it).
func (h *Harness) Stop() {
	h.t.Helper()
	if h.Main == nil {
		return
	}
	if err := h.Main.Close(); err != nil {
		h.t.Fatalf("Main.Close: %v", err)
	}
	h.Main = nil
}

// Start starts a Main after Stop.
func (h *Harness) Start(opts ...Option) {
	h.t.Helper()
	if h.Main != nil {
		h.t.Fatal("harness: Start while running")
	}
	for _, o := range opts {
		o(h)
	}
	h.start()
}

// URL is the bot's base URL (http://127.0.0.1:port).
func (h *Harness) URL() string { return "http://" + h.Main.Addr() }

// DB is the running Main's database.
func (h *Harness) DB() *storage.DB { return h.Main.DB() }

// VillageID is the id of the current round's village numbered moo (in
// whatever ตำบล); the test fails unless there is exactly one. Villages get
// ids in the order they are made, so a test that imported หมู่ 5 and หมู่ 7
// finds them here rather than assuming ids 5 and 7.
func (h *Harness) VillageID(moo int) int {
	h.t.Helper()
	return villageNumbered(h.t, h.DB(), moo).ID
}

// villageNumbered is the current round's one village numbered moo in db;
// the test fails unless there is exactly one.
func villageNumbered(t testing.TB, db *storage.DB, moo int) flows.Village {
	t.Helper()
	var vs []flows.Village
	err := db.View(func(tx flows.Tx) error {
		var err error
		vs, err = flows.FindVillages(tx, moo, "")
		return err
	})
	if err != nil {
		t.Fatalf("find หมู่ %d: %v", moo, err)
	}
	if len(vs) != 1 {
		t.Fatalf("%d villages numbered หมู่ %d in the current round, want 1: %+v", len(vs), moo, vs)
	}
	return vs[0]
}

// Now is the harness clock's time.
func (h *Harness) Now() time.Time { return h.Clock.Now() }

// Advance moves the shared clock forward.
func (h *Harness) Advance(d time.Duration) { h.Clock.Advance(d) }

// Events builds webhook events whose reply tokens the fake accepts.
func (h *Harness) Events() linefake.Events { return h.events }

// Text is the Thai catalog text for key, to compare with what users got.
func (h *Harness) Text(key string, kv ...any) string { return h.TextIn(locales.Thai, key, kv...) }

// TextIn is the catalog text for key in lang.
func (h *Harness) TextIn(lang locales.Lang, key string, kv ...any) string {
	return h.cat.MustText(lang, key, flows.T(key, kv...).Args)
}

// Webhook is a LINE platform client for the bot's webhook, signing with the
// channel secret.
func (h *Harness) Webhook() linefake.Webhook {
	return linefake.Webhook{URL: h.URL() + "/callback", Secret: testSecret}
}

// Post signs the events and POSTs them in one request, returning the
// status. It does not wait for the bot to handle them (see Step).
func (h *Harness) Post(events ...linefake.Event) int {
	h.t.Helper()
	for _, e := range events {
		h.noteIDs(e)
	}
	res, err := h.Webhook().Post(context.Background(), events...)
	if err != nil {
		h.t.Fatalf("post webhook: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

// PostRaw POSTs body to the webhook with the given headers (name, value
// pairs) and returns the status: for signature and size tests.
func (h *Harness) PostRaw(body []byte, headers ...string) int {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.URL()+"/callback", bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("post webhook: %v", err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

// Deliver posts the events in one request, requires a 200, and steps the
// bot until it has handled them and sent everything due.
func (h *Harness) Deliver(events ...linefake.Event) {
	h.t.Helper()
	if got := h.Post(events...); got != http.StatusOK {
		h.t.Fatalf("webhook answered %d, want 200", got)
	}
	h.Step()
}

// Step lets the bot handle everything due in its inbox and send everything
// due in its outbox, and returns when it has. Records waiting for a retry
// (not due yet on the harness clock) stay: Advance the clock, then Step.
func (h *Harness) Step() {
	h.t.Helper()
	if h.loops {
		h.waitIdle()
		return
	}
	// Each Drain returns once a pass starts nothing; the worker's answers
	// are in the outbox by then, and sending creates no events.
	srv := h.Main.Server()
	srv.Worker().Drain(context.Background())
	srv.Sender().Drain()
}

// waitIdle polls the database until nothing is due, for Main with its
// loops running. The inbox and outbox are read in one transaction; the
// worker moves an event's answers into the outbox in the same commit that
// removes the event, and the sender removes a record only once LINE
// answered, so "both empty" means everything was handled and sent.
func (h *Harness) waitIdle() {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if in, out := h.due(); in == 0 && out == 0 {
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
	in, out := h.due()
	h.t.Fatalf("harness: bot still busy after 20s: %d inbox and %d outbox records due", in, out)
}

// due counts the chats whose next inbox event, and whose next outbox
// record, is due on the harness clock. A chat waiting for a retry holds its
// later records back (the bot keeps each chat in order), so they do not
// count.
func (h *Harness) due() (inbox, outbox int) {
	h.t.Helper()
	now := h.Now()
	type rec struct {
		ts        int64
		chat      string
		notBefore time.Time
	}
	ready := func(recs []rec) int {
		slices.SortStableFunc(recs, func(a, b rec) int { return cmp.Compare(a.ts, b.ts) })
		seen, n := map[string]bool{}, 0
		for _, r := range recs {
			if seen[r.chat] {
				continue
			}
			seen[r.chat] = true
			if !r.notBefore.After(now) {
				n++
			}
		}
		return n
	}
	var in, out []rec
	err := h.DB().View(func(tx flows.Tx) error {
		if err := tx.Inbox().Each("", func(_ string, decode func(any) error) error {
			var r bot.InboxRecord
			if err := decode(&r); err != nil {
				return err
			}
			in = append(in, rec{r.Timestamp, r.Chat, r.NotBefore})
			return nil
		}); err != nil {
			return err
		}
		var bad error
		h.DB().InboxEach(func(_ string, value []byte) {
			var r bot.InboxRecord
			if err := json.Unmarshal(value, &r); err != nil {
				bad = err
			}
			in = append(in, rec{r.Timestamp, r.Chat, r.NotBefore})
		})
		if bad != nil {
			return bad
		}
		return tx.Outbox().Each("", func(_ string, decode func(any) error) error {
			var r bot.OutboxRecord
			if err := decode(&r); err != nil {
				return err
			}
			out = append(out, rec{0, r.Chat, r.NotBefore}) // keys are in queue order
			return nil
		})
	})
	if err != nil {
		h.t.Fatalf("harness: read inbox/outbox: %v", err)
	}
	return ready(in), ready(out)
}

// Count returns how many records one of the delivery machinery's stores
// holds: h.Count(flows.Tx.Outbox).
// Waiting is how many acknowledged events wait for the worker: in the inbox
// log, or (failed before) in the inbox bucket.
func (h *Harness) Waiting() int {
	h.t.Helper()
	return h.DB().InboxWaiting() + h.Count(flows.Tx.Inbox)
}

func (h *Harness) Count(store func(flows.Tx) flows.Records) int {
	h.t.Helper()
	n := 0
	err := h.DB().View(func(tx flows.Tx) error {
		return store(tx).Each("", func(string, func(any) error) error { n++; return nil })
	})
	if err != nil {
		h.t.Fatalf("harness: count: %v", err)
	}
	return n
}

// Get reads one record of the delivery machinery's stores into v:
// h.Get(flows.Tx.Processed, id, &mark). It reports whether it exists.
func (h *Harness) Get(store func(flows.Tx) flows.Records, key string, v any) bool {
	h.t.Helper()
	var ok bool
	err := h.DB().View(func(tx flows.Tx) error {
		var err error
		ok, err = store(tx).Get(key, v)
		return err
	})
	if err != nil {
		h.t.Fatalf("harness: get: %v", err)
	}
	return ok
}

// stored reads one record of a domain store: stored(h, flows.Tx.Users, id).
// It reports whether it exists.
func stored[K comparable, V any, T flows.Table[K, V]](h *Harness, store func(flows.Tx) T, k K) (V, bool) {
	h.t.Helper()
	var v V
	var ok bool
	err := h.DB().View(func(tx flows.Tx) error {
		var err error
		v, ok, err = store(tx).Get(k)
		return err
	})
	if err != nil {
		h.t.Fatalf("harness: get: %v", err)
	}
	return v, ok
}

// countStored counts the records of a domain store:
// countStored(h, flows.Tx.Villages).
func countStored[K comparable, V any, T flows.Table[K, V]](h *Harness, store func(flows.Tx) T) int {
	h.t.Helper()
	n := 0
	_ = h.DB().View(func(tx flows.Tx) error {
		n = countIn(tx, store)
		return nil
	})
	return n
}

// countIn counts the records of a domain store in tx (those it can read).
func countIn[K comparable, V any, T flows.Table[K, V]](tx flows.Tx, store func(flows.Tx) T) int {
	n := 0
	_ = store(tx).Each(func(K, V) error { n++; return nil })
	return n
}

// Damage changes a stored record's bytes in the database file, as a
// failing disk or a bad copy would, with Main stopped meanwhile: in every
// copy of the record that starts with start (bbolt leaves old copies in
// its free pages), the first old after start becomes repl, of the same
// length. The test fails unless there is such a copy.
func (h *Harness) Damage(start, old, repl string) {
	h.t.Helper()
	if len(old) != len(repl) {
		h.t.Fatalf("harness: damage %q: the replacement changes the length", old)
	}
	running := h.Main != nil
	h.Stop()
	b, err := os.ReadFile(h.DBPath)
	if err != nil {
		h.t.Fatal(err)
	}
	n := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(start))
		if j < 0 {
			break
		}
		i += j + len(start)
		end := bytes.IndexByte(b[i:], '}') // the record's end (flat records)
		if k := bytes.Index(b[i:], []byte(old)); k >= 0 && (end < 0 || k < end) {
			copy(b[i+k:], repl)
			n++
		}
	}
	if n == 0 {
		h.t.Fatalf("harness: damage: no record starting %q holds %q", start, old)
	}
	if err := os.WriteFile(h.DBPath, b, 0o600); err != nil {
		h.t.Fatal(err)
	}
	if running {
		h.Start()
	}
}

// SendAttempts returns every call the bot made to LINE's send endpoints,
// accepted or not, oldest first.
func (h *Harness) SendAttempts() []SendAttempt {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.attempts)
}

// AllowRejections lets the fake reject requests whose reason contains
// substr without failing the test. Injected faults (FailNext, HangNext) are
// always allowed.
func (h *Harness) AllowRejections(substr string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.allowed = append(h.allowed, substr)
}

// Metric reads one sample from GET /metrics: name, and labels exactly as
// Prometheus prints them (`reason="signature"`), or "" for none. A sample
// not printed yet reads as 0.
func (h *Harness) Metric(name, labels string) float64 {
	h.t.Helper()
	res, err := http.Get(h.URL() + "/metrics")
	if err != nil {
		h.t.Fatalf("get /metrics: %v", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	want := name + " "
	if labels != "" {
		want = name + "{" + labels + "} "
	}
	for line := range strings.SplitSeq(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, want); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				h.t.Fatalf("metric %s: %v", line, err)
			}
			return f
		}
	}
	return 0
}

// Logs returns what the bot logged so far (JSON lines).
func (h *Harness) Logs() string { return h.logs.String() }

// check runs after each test: every message the bot sent passed the
// strict fake, and no LINE id appeared in a log line.
func (h *Harness) check() {
	h.mu.Lock()
	allowed := slices.Clone(h.allowed)
	ids := make([]string, 0, len(h.ids))
	for id := range h.ids {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, r := range h.Fake.Rejected() {
		if strings.HasPrefix(r.Reason, "injected") || slices.ContainsFunc(allowed, func(s string) bool { return strings.Contains(r.Reason, s) }) {
			continue
		}
		h.t.Errorf("LINE would have rejected: %s\n%s", r, r.Body)
	}
	logs := h.Logs()
	for _, id := range ids {
		if strings.Contains(logs, id) {
			h.t.Errorf("a log line names LINE id %s (ids must be hashed)", id)
		}
	}
	if h.t.Failed() {
		h.t.Logf("bot logs:\n%s", logs)
	}
}

// noteIDs remembers the LINE ids of a posted event (for the log check)
// and gives each new user a LINE profile, as LINE has for every friend.
func (h *Harness) noteIDs(e linefake.Event) {
	src, _ := e["source"].(linefake.Source)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, id := range []string{src.UserID, src.GroupID, src.RoomID} {
		if id == "" || h.ids[id] {
			continue
		}
		h.ids[id] = true
		if id == src.UserID && !h.profiled[id] {
			h.Fake.SetProfile(id, "ผู้ใช้ "+id[len(id)-4:], "th")
			h.profiled[id] = true
		}
	}
}

// SetProfile sets the LINE profile the fake gives for userID (its display
// name and language: "th", "en", or "" for a user who has not agreed to
// LINE's terms). Users the harness meets otherwise get a Thai profile.
func (h *Harness) SetProfile(userID, displayName, lang string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.profiled[userID] = true
	h.Fake.SetProfile(userID, displayName, lang)
}

// Received collects what chat got from accepted requests after the first
// `from` recorded requests.
func (h *Harness) Received(chat string, from int) Received {
	var r Received
	reqs := h.Fake.Requests()
	if from > len(reqs) {
		from = len(reqs)
	}
	for _, req := range reqs[from:] {
		if req.Kind != linefake.KindReply && req.Kind != linefake.KindPush && req.Kind != linefake.KindMulticast {
			continue
		}
		if !slices.Contains(req.To, chat) {
			continue
		}
		for _, m := range req.Messages {
			r.add(req.Kind, m)
		}
	}
	return r
}

// Persona is a LINE user in a 1:1 chat, or a member of a group.
type Persona struct {
	h   *Harness
	src linefake.Source
	// Last is what the chat received for the persona's latest event.
	Last Received
}

// User is a LINE user chatting 1:1 with the bot.
func (h *Harness) User(userID string) *Persona {
	return &Persona{h: h, src: linefake.User(userID)}
}

// Group is userID speaking in group groupID ("C…", or "R…" for a room);
// userID "" is a member LINE gives no id for.
func (h *Harness) Group(groupID, userID string) *Persona {
	src := linefake.Group(groupID, userID)
	if strings.HasPrefix(groupID, "R") {
		src = linefake.Room(groupID, userID)
	}
	return &Persona{h: h, src: src}
}

// ID is the persona's user id ("" for an anonymous group member).
func (p *Persona) ID() string { return p.src.UserID }

// Chat is where answers to the persona go: the group, or the user.
func (p *Persona) Chat() string { return p.src.ChatID() }

// Source is the persona's webhook source object.
func (p *Persona) Source() linefake.Source { return p.src }

// Send delivers any event (built with h.Events()) and returns what the
// persona's chat received.
func (p *Persona) Send(e linefake.Event) Received {
	p.h.t.Helper()
	from := len(p.h.Fake.Requests())
	p.h.Deliver(e)
	p.Last = p.h.Received(p.Chat(), from)
	return p.Last
}

// Say sends a text message.
func (p *Persona) Say(text string) Received {
	p.h.t.Helper()
	return p.Send(p.h.events.TextEvent(p.src, text, p.h.Now()))
}

// Tap sends a postback with data, as a button tap does.
func (p *Persona) Tap(data string) Received {
	p.h.t.Helper()
	return p.Send(p.h.events.PostbackEvent(p.src, data, nil, p.h.Now()))
}

// Pick answers a date-time picker: params holds date, time or datetime as
// LINE sends them (e.g. {"date": "2026-03-17"}).
func (p *Persona) Pick(data string, params map[string]string) Received {
	p.h.t.Helper()
	return p.Send(p.h.events.PostbackEvent(p.src, data, params, p.h.Now()))
}

// TapLabel taps the button or quick-reply chip labelled label in the last
// answer: a postback button sends its data, a message button says its
// text. The test fails if no such button was shown.
func (p *Persona) TapLabel(label string) Received {
	p.h.t.Helper()
	b, ok := p.Last.Button(label)
	if !ok {
		p.h.t.Fatalf("no button %q in the last answer; buttons: %q", label, p.Last.Labels())
	}
	switch b.Type {
	case "postback":
		return p.Tap(b.Data)
	case "message":
		return p.Say(b.Text)
	}
	p.h.t.Fatalf("button %q is a %s action; use Pick for date-time pickers", label, b.Type)
	return Received{}
}

// Follow adds the bot as a friend.
func (p *Persona) Follow() Received {
	p.h.t.Helper()
	return p.Send(p.h.events.FollowEvent(p.src, p.h.Now()))
}

// Unfollow blocks the bot.
func (p *Persona) Unfollow() Received {
	p.h.t.Helper()
	return p.Send(p.h.events.UnfollowEvent(p.src, p.h.Now()))
}

// Join adds the bot to the persona's group.
func (p *Persona) Join() Received {
	p.h.t.Helper()
	return p.Send(p.h.events.JoinEvent(p.Chat(), p.h.Now()))
}

// Leave removes the bot from the persona's group.
func (p *Persona) Leave() Received {
	p.h.t.Helper()
	return p.Send(p.h.events.LeaveEvent(p.Chat(), p.h.Now()))
}

// Received is what a chat got: the text of each message (a template's or
// Flex's altText), the raw messages, and every button and quick-reply chip.
type Received struct {
	Texts    []string
	Messages []json.RawMessage
	Buttons  []Button
	// Kinds says how each message came: reply, push or multicast.
	Kinds []string
}

// Button is a tappable action found in a message.
type Button struct {
	Label string
	Type  string // postback, message, datetimepicker, uri, …
	Data  string // postback data
	Text  string // a message action's text
	Quick bool   // a quick-reply chip rather than a button
}

func (r *Received) add(kind string, m json.RawMessage) {
	var v map[string]any
	if json.Unmarshal(m, &v) != nil {
		return
	}
	r.Messages = append(r.Messages, m)
	r.Kinds = append(r.Kinds, kind)
	switch v["type"] {
	case "text", "textV2":
		s, _ := v["text"].(string)
		r.Texts = append(r.Texts, s)
	default:
		s, _ := v["altText"].(string)
		r.Texts = append(r.Texts, s)
	}
	if qr, ok := v["quickReply"]; ok {
		delete(v, "quickReply")
		collectActions(qr, true, &r.Buttons)
	}
	collectActions(v, false, &r.Buttons)
}

// collectActions walks decoded JSON and appends every action object.
func collectActions(x any, quick bool, out *[]Button) {
	switch v := x.(type) {
	case map[string]any:
		typ, _ := v["type"].(string)
		label, hasLabel := v["label"].(string)
		if hasLabel && typ != "" && typ != "button" {
			b := Button{Label: label, Type: typ, Quick: quick}
			b.Data, _ = v["data"].(string)
			b.Text, _ = v["text"].(string)
			*out = append(*out, b)
			return
		}
		for _, c := range v {
			collectActions(c, quick, out)
		}
	case []any:
		for _, c := range v {
			collectActions(c, quick, out)
		}
	}
}

// Button finds a button or chip by its label.
func (r Received) Button(label string) (Button, bool) {
	for _, b := range r.Buttons {
		if b.Label == label {
			return b, true
		}
	}
	return Button{}, false
}

// Labels lists the labels of every button and chip.
func (r Received) Labels() []string {
	out := make([]string, len(r.Buttons))
	for i, b := range r.Buttons {
		out[i] = b.Label
	}
	return out
}

// Contains reports whether some message text contains substr.
func (r Received) Contains(substr string) bool {
	return slices.ContainsFunc(r.Texts, func(s string) bool { return strings.Contains(s, substr) })
}

// String prints the texts, for failure messages.
func (r Received) String() string { return fmt.Sprintf("%q", r.Texts) }

// syncBuffer is a log sink shared by the bot's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
