package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/prometheus/client_golang/prometheus"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/bot/richmenu"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// Main is the whole program, wired: it opens the database, builds the
// domain and the edge, and serves. Tests build it the same way main does.
type Main struct {
	Config Config
	Log    *slog.Logger
	// Now is the programme clock; the wall clock unless a test or the
	// simulator sets another.
	Now func() time.Time
	// NoLoops, when set before Run, leaves the inbox worker and the outbox
	// sender stopped: webhooks are still acknowledged into the inbox, and
	// the caller steps the bot with Server().Worker().Drain and
	// Server().Sender().Drain. Tests use it to be deterministic and to
	// leave events unhandled as a crash would.
	NoLoops bool

	db       *storage.DB
	srv      *bot.Server
	fake     *linefake.Server
	listener net.Listener
	served   chan error
	sim      *simulator // simulator mode only
	admin    *adminServer
	// scheduler ticks reminders and the daily summary.
	scheduler *bot.Scheduler
	// richMenus keeps users on their role's rich menu (admin_richmenu.go).
	richMenus *richmenu.Manager
}

// NewMain returns a Main for cfg.
func NewMain(cfg Config, log *slog.Logger) *Main {
	return &Main{Config: cfg, Log: log, Now: time.Now}
}

// Addr is the address the server listens on, once Run has returned.
func (m *Main) Addr() string {
	if m.listener == nil {
		return ""
	}
	return m.listener.Addr().String()
}

// Scheduler is the reminder scheduler (tests and the simulator tick it).
func (m *Main) Scheduler() *bot.Scheduler { return m.scheduler }

// Server is the running edge (for tests).
func (m *Main) Server() *bot.Server { return m.srv }

// DB is the open database (for tests).
func (m *Main) DB() *storage.DB { return m.db }

// Run opens everything and starts serving in the background. It returns
// once the server accepts connections, or with the first error. It takes
// the listening address first, so that a start that fails (the port in
// use) creates nothing on disk; if it fails later, it closes what it
// opened and removes the database files this start created (abandonStart).
func (m *Main) Run(ctx context.Context) (err error) {
	cfg := m.Config
	m.served = nil // set once serving: Close then leaves the listener to the server
	created := startFiles(cfg.DB)
	defer func() {
		if err != nil {
			m.abandonStart(created)
		}
	}()
	m.listener, err = net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	cat, err := locales.Load()
	if err != nil {
		return err
	}
	// A restore running now is waited for (storageOptions), and then
	// this opens the restored file.
	m.db, err = storage.Open(cfg.DB, storageOptions(cfg, m.Log))
	if err != nil {
		return err
	}
	botCfg := bot.Config{
		ChannelSecret: cfg.ChannelSecret,
		AccessToken:   cfg.AccessToken,
		APIEndpoint:   cfg.APIEndpoint,
		DataEndpoint:  cfg.DataEndpoint,
		Location:      cfg.Location,
		HTTPTimeout:   cfg.LineTimeout,
		Worker:        bot.WorkerConfig{ReplyFallback: cfg.ReplyFallback},
	}
	if cfg.Simulator() {
		// No LINE channel: LINE is played by the in-process fake (see
		// simulator.go), with a secret and token made up for this run.
		if err := m.prepareSimulator(&botCfg); err != nil {
			return err
		}
		if cfg.Office == (flows.Office{}) {
			cfg.Office = flows.DemoOffice() // the demo district's, in its summaries and exports
		}
	} else if sim, err := m.db.MadeBySimulator(); err != nil || sim {
		if err == nil {
			err = fmt.Errorf("%s was made by the simulator: its demo data and demo officer must never reach a real "+
				"LINE channel. Point SAMMACHIP_DB at the real database (or a new file)", cfg.DB)
		}
		return err
	}
	ec := cfg.EngineConfig(cat)
	ec.DownloadURL = m.downloadURL // export_link.go
	engine := flows.NewEngine(ec)
	now := func() time.Time { return m.Now().In(cfg.Location) }
	botCfg.Sender.QuietUntil = engine.QuietUntil // nothing is pushed in quiet hours
	m.srv, err = bot.New(botCfg, m.db, engine, cat, m.Log, now)
	if err != nil {
		return err
	}
	if err := m.startRichMenus(botCfg, cat, now); err != nil {
		return err
	}
	m.srv.MountDownloads(engine, cat) // officers' report links: GET /download/<token>
	db := m.db
	m.srv.Metrics().Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "sammachip_unreadable_records_skipped_total",
		Help: "Stored records that lists skipped because they could not be decoded (see the log for bucket and hashed key).",
	}, func() float64 { return float64(db.UnreadableSkipped()) }))
	// The command-line tools reach this process through the admin socket
	// (admin.go). Without it the bot still serves; only the tools fail.
	compact := func() (storage.CompactResult, error) { return compactLogged(m.db, m.Log) }
	m.admin, err = startAdmin(adminSocketPath(cfg.DB), adminEnv{Store: m.db, Engine: engine, Catalog: cat, Now: now, RichMenus: m.richMenus,
		Backup: m.db.Backup, Compact: compact}, m.Log)
	if err != nil {
		m.Log.Warn("admin socket not available: command-line tools cannot reach this server", "err", err)
	}
	if cfg.Simulator() {
		m.startSimulator() // mounts /sim before serving; logs the mode and URL
	}
	m.scheduler = m.srv.Scheduler(engine)
	// The answers of forms left unfinished are personal data: kept for
	// flows.AnswersKept at most (flows/conv_resume.go), forgotten nightly
	// just before the compaction, so that their bytes leave the file too.
	forget := func() error {
		return m.db.Update(func(tx flows.Tx) error { _, err := engine.ForgetOldAnswers(tx, now()); return err })
	}
	if cfg.CompactAt != "" {
		// Deleted records' bytes leave the file within a day (admin_compact.go).
		err := m.scheduler.Daily("compact", cfg.CompactAt, func(context.Context) error {
			if err := forget(); err != nil {
				return err
			}
			_, err := compact()
			return err
		})
		if err != nil {
			return err
		}
	} else if err := m.scheduler.Daily("forget-answers", "03:30", func(context.Context) error { return forget() }); err != nil {
		return err
	}
	if !m.NoLoops {
		m.srv.StartLoops()
		if err := m.scheduler.Start(); err != nil {
			return fmt.Errorf("start scheduler: %w", err)
		}
		m.tickOnJump(m.scheduler) // simulator: a clock jump ticks at once
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.srv.Serve(m.listener) }()

	if !cfg.Simulator() {
		m.Log.Info("serving LINE webhook", "addr", m.listener.Addr().String(), "path", "/callback", "db", cfg.DB)
	}
	return nil
}

// startFiles lists the database files (the file and its lock file) that do
// not exist yet: the ones a start would create.
func startFiles(db string) []string {
	var missing []string
	for _, p := range []string{db, storage.LockPath(db), storage.InboxLogDir(db)} {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			missing = append(missing, p)
		}
	}
	return missing
}

// abandonStart undoes a failed Run: it closes what Run opened and removes
// the files in created (startFiles before Run), so that a failed first start
// leaves no empty database behind to be mistaken for a real one later.
func (m *Main) abandonStart(created []string) {
	if err := m.Close(); err != nil {
		m.Log.Warn("closing after a failed start", "err", err)
	}
	for _, p := range created {
		if err := os.RemoveAll(p); err != nil {
			m.Log.Warn("removing a file this failed start created", "file", p, "err", err)
		}
	}
}

// Close stops in order: HTTP first (finishing requests in flight), then the
// worker and sender, then the database.
func (m *Main) Close() error {
	var errs []error
	if m.listener != nil && m.served == nil {
		// Run failed before serving: the listener is still only ours.
		_ = m.listener.Close()
	}
	if m.admin != nil {
		if err := m.admin.Close(); err != nil {
			errs = append(errs, err)
		}
		m.admin = nil
	}
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := m.srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
		}
		cancel()
		if m.served != nil {
			if err := <-m.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		m.srv = nil
	}
	m.stopRichMenus()
	if m.fake != nil {
		m.fake.Close()
		m.fake = nil
	}
	if m.db != nil {
		if err := m.db.Close(); err != nil {
			errs = append(errs, err)
		}
		m.db = nil
	}
	return errors.Join(errs...)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
