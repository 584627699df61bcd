package bot_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
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

// testSecret is LINE's documented example channel secret (LINE.md).
const testSecret = "8c570fa6dd201bb328f1c1eac23a96d8"

// clock is a settable clock shared by the bot and the fake LINE.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// attempt is one call to a send endpoint, whatever LINE answered.
type attempt struct {
	path     string
	retryKey string
	status   int // 0 while LINE has not answered
}

// rig is a bot.Server (loops stopped) on a real bbolt file, talking to
// the strict fake LINE through a recorder of every send attempt.
type rig struct {
	srv   *bot.Server
	db    *storage.DB
	fake  *linefake.Server
	clock *clock

	mu       sync.Mutex
	attempts []attempt
}

// newRig builds the rig; h is the domain (nil: the real engine).
func newRig(t *testing.T, cfg bot.Config, h bot.Handler) *rig {
	t.Helper()
	r := &rig{clock: &clock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}}
	r.fake = linefake.New(linefake.WithClock(r.clock.Now))
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// Noted on arrival (a hung call answers after later ones), its
		// status filled in when the fake answers.
		r.mu.Lock()
		i := len(r.attempts)
		r.attempts = append(r.attempts, attempt{req.URL.Path, req.Header.Get("X-Line-Retry-Key"), 0})
		r.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		r.fake.ServeHTTP(sw, req)
		r.mu.Lock()
		r.attempts[i].status = sw.status
		r.mu.Unlock()
	}))
	t.Cleanup(func() { r.fake.Close(); proxy.Close() })
	db, err := storage.Open(filepath.Join(t.TempDir(), "bot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	r.db = db
	cfg.ChannelSecret, cfg.AccessToken = testSecret, "token"
	if cfg.APIEndpoint == "" { // set: a LINE the test makes unreachable
		cfg.APIEndpoint = proxy.URL
	}
	if h == nil {
		h = flows.NewEngine(flows.Config{})
	}
	r.srv, err = bot.New(cfg, db, h, locales.MustLoad(),
		slog.New(slog.NewTextHandler(io.Discard, nil)), r.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// post signs events and POSTs them to the bot's webhook; it returns the
// status.
func (r *rig) post(t *testing.T, events ...linefake.Event) int {
	t.Helper()
	ts := httptest.NewServer(r.srv.Echo())
	defer ts.Close()
	res, err := linefake.Webhook{URL: ts.URL + "/callback", Secret: testSecret}.Post(context.Background(), events...)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// count returns how many records a store holds (flows.Tx.Outbox, …).
func (r *rig) count(t *testing.T, store func(flows.Tx) flows.Records) int {
	t.Helper()
	n := 0
	err := r.db.View(func(tx flows.Tx) error {
		return store(tx).Each("", func(string, func(any) error) error { n++; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waiting is how many events wait in the inbox: in the log, or (failed
// before) in the inbox bucket.
func (r *rig) waiting(t *testing.T) int {
	t.Helper()
	return r.db.InboxWaiting() + r.count(t, flows.Tx.Inbox)
}

func (r *rig) sendAttempts() []attempt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.attempts)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// metric reads a counter or gauge of the rig's bot: name, and label
// pairs as "name=value" ("" for none). A sample not recorded yet reads 0.
func (r *rig) metric(t *testing.T, name string, labels ...string) float64 {
	t.Helper()
	return testMetric(r.srv, name, labels...)
}

// testMetric reads a counter or gauge of srv, as rig.metric does.
func testMetric(srv *bot.Server, name string, labels ...string) float64 {
	families, _ := srv.Metrics().Registry.Gather()
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	samples:
		for _, m := range f.GetMetric() {
			for _, l := range labels {
				k, v, _ := strings.Cut(l, "=")
				found := false
				for _, p := range m.GetLabel() {
					found = found || p.GetName() == k && p.GetValue() == v
				}
				if !found {
					continue samples
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}
