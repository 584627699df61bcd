// Package bot is the LINE edge of Sammachip: the Echo server with the
// webhook, health and metrics; the durable inbox and its worker; rendering
// the domain's replies into LINE messages; and sending them with retries.
package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Store is what the edge needs of the database: the domain's transactions,
// a group-committed append to the inbox (each value under a fresh inbox
// key, durable on disk when it returns), and a health check.
type Store interface {
	flows.Store
	// Batch is Update shared with concurrent callers (storage.DB.Batch):
	// fn may run more than once, and fails alone.
	Batch(fn func(flows.Tx) error) error
	// AppendInbox stores the webhook's events in the inbox log, durable
	// when it returns; TakeInbox hands each over to the worker once (all
	// not yet done, after a restart); InboxDone says an event is applied,
	// so the log may forget it (storage/inboxlog.go).
	AppendInbox(ctx context.Context, values ...any) ([]string, error)
	TakeInbox(fn func(key string, value []byte))
	InboxDone(key string)
	Ping() error
}

// Config configures a Server.
type Config struct {
	ChannelSecret string
	AccessToken   string
	// APIEndpoint and DataEndpoint are LINE's base URLs (LINE's own when
	// empty; the fake's in tests and the simulator).
	APIEndpoint  string
	DataEndpoint string
	Location     *time.Location
	// HTTPTimeout bounds every call to LINE. Default 10s.
	HTTPTimeout time.Duration
	Worker      WorkerConfig
	Sender      SenderConfig
}

// Server is the running edge. Build it with New, start it with Start and
// stop it with Shutdown.
type Server struct {
	cfg     Config
	store   Store
	echo    *echo.Echo
	api     *messaging_api.MessagingApiAPI
	metrics *Metrics
	log     *slog.Logger
	now     func() time.Time

	worker    *Worker
	sender    *Sender
	scheduler *Scheduler

	// inboxFailed is the last failed append to the inbox, until the inbox
	// takes writes again (health.go).
	inboxFailed atomic.Pointer[inboxFailure]

	cancel       context.CancelFunc // stops the worker
	cancelSender context.CancelFunc
	workerDone   chan struct{}
	senderDone   chan struct{}
}

// New builds a server. now is the programme clock; the domain never reads
// the wall clock.
func New(cfg Config, st Store, h Handler, cat *locales.Catalog, log *slog.Logger, now func() time.Time) (*Server, error) {
	if cfg.ChannelSecret == "" || cfg.AccessToken == "" {
		return nil, errors.New("bot: channel secret and access token are required")
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.HTTPTimeout <= 0 {
		cfg.HTTPTimeout = 10 * time.Second
	}
	opts := []messaging_api.MessagingApiAPIOption{
		messaging_api.WithHTTPClient(&http.Client{Timeout: cfg.HTTPTimeout, Transport: lineTransport(cfg.Sender.Parallel)}),
	}
	if cfg.APIEndpoint != "" {
		opts = append(opts, messaging_api.WithEndpoint(cfg.APIEndpoint))
	}
	api, err := messaging_api.NewMessagingApiAPI(cfg.AccessToken, opts...)
	if err != nil {
		return nil, err
	}
	m := NewMetrics()
	s := &Server{cfg: cfg, store: st, api: api, metrics: m, log: log, now: now}
	s.sender = newSender(st, api, m, log, now, cfg.Sender)
	s.worker = newWorker(st, h, NewRenderer(cat), s.sender, s.sender, m, log, now, cfg.Location, cfg.Worker)
	s.worker.content = NewContentFetcher(cfg.AccessToken, cfg.DataEndpoint, 0) // content.go

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Server.ReadHeaderTimeout = 10 * time.Second
	e.Server.ReadTimeout = 30 * time.Second
	e.POST("/callback", s.callback)
	e.GET("/healthz", s.healthz)
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})))
	s.echo = e
	return s, nil
}

// Echo exposes the router so that other parts (the simulator, report
// downloads) can add routes before Start.
func (s *Server) Echo() *echo.Echo { return s.echo }

// API is the shared LINE client. Never call WithContext on it: that would
// change it for every goroutine.
func (s *Server) API() *messaging_api.MessagingApiAPI { return s.api }

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

// Worker returns the inbox worker.
func (s *Server) Worker() *Worker { return s.worker }

// Sender returns the outbox sender.
func (s *Server) Sender() *Sender { return s.sender }

// StartLoops starts the worker and the sender. What a crash left in the
// inbox and the outbox is handled first.
func (s *Server) StartLoops() {
	wctx, wcancel := context.WithCancel(context.Background())
	sctx, scancel := context.WithCancel(context.Background())
	s.cancel, s.cancelSender = wcancel, scancel
	s.workerDone, s.senderDone = make(chan struct{}), make(chan struct{})
	go func() { defer close(s.workerDone); s.worker.Run(wctx) }()
	go func() { defer close(s.senderDone); s.sender.Run(sctx) }()
}

// Serve accepts HTTP on l until Shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.echo.Listener = l
	err := s.echo.Start("")
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests, lets in-flight requests finish, then
// stops the worker and the sender after the events they are handling.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.echo.Shutdown(ctx)
	if s.scheduler != nil {
		s.scheduler.Stop()
	}
	if s.cancel == nil {
		return err
	}
	// The worker first: the events it is handling commit their answers to
	// the outbox. Then the sender, after it has sent what they queued
	// (replies' tokens last a minute; a restart would be too late).
	s.cancel()
	select {
	case <-s.workerDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	s.sender.Notify()
	drained := make(chan struct{})
	go func() { s.sender.drainDue(ctx); close(drained) }()
	select {
	case <-drained:
	case <-ctx.Done():
	}
	s.cancelSender()
	select {
	case <-s.senderDone:
	case <-ctx.Done():
		return ctx.Err()
	}
	return err
}

// HashID returns a short, stable pseudonym for a LINE id, for logs: the
// same user can be followed across lines without the id itself appearing.
func HashID(id string) string {
	if id == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("sammachip:" + id))
	return hex.EncodeToString(sum[:6])
}
