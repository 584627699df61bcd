package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// fullDisk is a real database whose disk fills up on demand: appends and
// writes fail as bbolt's would, reads go on.
type fullDisk struct {
	*storage.DB
	full atomic.Bool
}

func (d *fullDisk) AppendInbox(ctx context.Context, values ...any) ([]string, error) {
	if d.full.Load() {
		return nil, fmt.Errorf("storage: group commit: write /data/sammachip.db: %w", syscall.ENOSPC)
	}
	return d.DB.AppendInbox(ctx, values...)
}

func (d *fullDisk) ProbeWrite() error {
	if d.full.Load() {
		return fmt.Errorf("storage: probe: %w", syscall.ENOSPC)
	}
	return d.DB.ProbeWrite()
}

// healthRig serves a bot on st over HTTP; the LINE API is never called.
func healthRig(t *testing.T, st bot.Store) (get func() (int, string), post func() int) {
	t.Helper()
	now := func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }
	srv, err := bot.New(bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: "http://127.0.0.1:9"},
		st, flows.NewEngine(flows.Config{}), locales.MustLoad(), slog.New(slog.NewTextHandler(io.Discard, nil)), now)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Echo())
	t.Cleanup(ts.Close)
	events := linefake.New().Events()
	n := 0
	get = func() (int, string) {
		res, err := http.Get(ts.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(b))
	}
	post = func() int {
		n++
		res, err := linefake.Webhook{URL: ts.URL + "/callback", Secret: testSecret}.Post(context.Background(),
			events.TextEvent(linefake.User(fmt.Sprintf("U%032x", n)), "เมนู", now()))
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		return res.StatusCode
	}
	return get, post
}

func openDB(t *testing.T) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "bot.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestHealthzSaysWhenTheInboxCannotBeWritten(t *testing.T) {
	disk := &fullDisk{DB: openDB(t)}
	healthz, webhook := healthRig(t, disk)
	if code, body := healthz(); code != http.StatusOK || body != "ok" {
		t.Fatalf("healthz at start: %d %q, want 200 ok", code, body)
	}
	disk.full.Store(true)
	if code := webhook(); code != http.StatusInternalServerError {
		t.Fatalf("webhook on a full disk: %d, want 500", code)
	}
	for range 2 { // and it stays so while the disk is full
		if code, body := healthz(); code != http.StatusServiceUnavailable || !strings.Contains(body, "disk full") {
			t.Errorf("healthz with a full disk: %d %q, want 503 saying the disk is full", code, body)
		}
	}
	// Space is freed. No webhook reaches the bot (a proxy sends none to an
	// unhealthy one): it recovers by itself.
	disk.full.Store(false)
	if code, body := healthz(); code != http.StatusOK || body != "ok" {
		t.Errorf("healthz once the disk has room: %d %q, want 200 ok", code, body)
	}
	if code := webhook(); code != http.StatusOK {
		t.Errorf("webhook once the disk has room: %d, want 200", code)
	}
	// A failure cleared by the next webhook that is stored.
	disk.full.Store(true)
	webhook()
	disk.full.Store(false)
	if code := webhook(); code != http.StatusOK {
		t.Errorf("webhook: %d, want 200", code)
	}
	if code, _ := healthz(); code != http.StatusOK {
		t.Errorf("healthz after a stored webhook: %d, want 200", code)
	}
}

func TestHealthzSaysWhenTheDatabaseIsClosed(t *testing.T) {
	db := openDB(t)
	healthz, webhook := healthRig(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if code := webhook(); code != http.StatusInternalServerError {
		t.Errorf("webhook on a closed database: %d, want 500", code)
	}
	if code, body := healthz(); code != http.StatusServiceUnavailable || body != "database unavailable" {
		t.Errorf("healthz on a closed database: %d %q, want 503 database unavailable", code, body)
	}
}
