package bot

import (
	"errors"
	"net/http"
	"syscall"

	"github.com/labstack/echo/v4"
)

// /healthz tells a proxy (deploy/Caddyfile) and an operator whether the bot
// can take webhooks. A database that answers reads may still refuse writes
// (a full disk): then every webhook gets a 500 while a read-only check says
// ok. So the webhook remembers its last failure to append to the inbox,
// and /healthz answers 503 with the reason until the inbox takes writes
// again: at the next append that succeeds, or at a write probe of
// /healthz's own (a proxy that stops sending to an unhealthy bot would
// otherwise keep it unhealthy for ever).

// inboxFailure is an append to the inbox that failed.
type inboxFailure struct{ err error }

// writeProber is a store that can test whether it takes a write now.
type writeProber interface{ ProbeWrite() error }

// appended records the outcome of an append to the inbox (the webhook
// leaves out a failure of its caller's going away: not the store's).
func (s *Server) appended(err error) {
	if err == nil {
		if s.inboxFailed.Load() != nil {
			s.inboxFailed.Store(nil)
		}
		return
	}
	s.inboxFailed.Store(&inboxFailure{err})
}

func (s *Server) healthz(c echo.Context) error {
	if err := s.store.Ping(); err != nil {
		s.log.Error("healthz: database", "err", err)
		return c.String(http.StatusServiceUnavailable, "database unavailable\n")
	}
	failed := s.inboxFailed.Load()
	if failed == nil {
		return c.String(http.StatusOK, "ok\n")
	}
	err := failed.err
	if p, ok := s.store.(writeProber); ok {
		if err = p.ProbeWrite(); err == nil {
			// Cleared only if no newer failure came meanwhile.
			if s.inboxFailed.CompareAndSwap(failed, nil) {
				s.log.Info("healthz: the database takes writes again")
			}
			return c.String(http.StatusOK, "ok\n")
		}
	}
	return c.String(http.StatusServiceUnavailable, "inbox cannot be written: "+writeTrouble(err)+"\n")
}

// writeTrouble names what keeps a write from the disk, for an operator,
// without the error's text (which names files).
func writeTrouble(err error) string {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return "disk full"
	case errors.Is(err, syscall.EROFS):
		return "read-only file system"
	case errors.Is(err, syscall.EIO):
		return "disk I/O error"
	}
	return "write failed"
}
