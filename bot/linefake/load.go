package linefake

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// What load and fault runs need of the fake: LINE's rate limits on the
// sending endpoints, and faults injected at random into a share of the
// sends (a load run cannot queue them one by one with FailNext).

// RateLimits are how many requests a second each sending endpoint accepts
// before answering 429, as LINE does. Zero means no limit for that kind.
type RateLimits struct {
	Reply     int
	Push      int
	Multicast int
}

// LINERateLimits are LINE's documented limits (LINE.md, "Limits"): reply
// and push about 2,000 requests a second each, multicast 200.
var LINERateLimits = RateLimits{Reply: 2000, Push: 2000, Multicast: 200}

// String formats the limits for a report line.
func (l RateLimits) String() string {
	f := func(n int) string {
		if n <= 0 {
			return "none"
		}
		return fmt.Sprintf("%d/s", n)
	}
	return fmt.Sprintf("reply %s, push %s, multicast %s", f(l.Reply), f(l.Push), f(l.Multicast))
}

// WithRateLimits makes the fake enforce per-second limits on reply, push
// and multicast (WithRateLimits(LINERateLimits) for LINE's own). A call
// over its endpoint's limit is answered 429 with LINE's rate-limit message,
// unprocessed (nothing sent, no token used, no retry key remembered), and
// appears in Rejected. Each endpoint is a token bucket holding one second's
// worth of calls, refilled continuously in real time (not the injected
// clock: rate is about the wall clock); a refused call takes no token.
// Without this option (the default) there is no limit.
func WithRateLimits(l RateLimits) Option {
	return func(s *Server) { s.load().setRates(l) }
}

// SetRateLimits changes the limits set by WithRateLimits; a zero
// RateLimits removes them.
func (s *Server) SetRateLimits(l RateLimits) { s.load().setRates(l) }

// RateLimited returns how many calls of each kind (KindReply, KindPush,
// KindMulticast) were refused for exceeding the rate limit.
func (s *Server) RateLimited() map[string]int {
	ls := s.load()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	out := map[string]int{}
	for k, b := range ls.buckets {
		if b.refused > 0 {
			out[k] = b.refused
		}
	}
	return out
}

// RandomFault is a fault SetRandomFaults can inject.
type RandomFault string

// Random faults.
const (
	// FaultServerError answers 500, unprocessed.
	FaultServerError RandomFault = "500"
	// FaultRateLimited answers 429 (LINE's rate-limit message), unprocessed.
	FaultRateLimited RandomFault = "429"
	// FaultTimeout waits RandomFaults.Hang, then answers 500 WITHOUT having
	// processed the request (as HangNext): the request never reached LINE.
	FaultTimeout RandomFault = "timeout"
	// FaultTimeoutAccepted processes the request normally (recorded, token
	// used, retry key remembered, quota counted), then waits
	// RandomFaults.Hang before answering (as HangNextAfterAccepting): a
	// client that gives up first does not know it was delivered.
	FaultTimeoutAccepted RandomFault = "timeout-accepted"
)

// AllRandomFaults is the default mix of SetRandomFaults.
var AllRandomFaults = []RandomFault{FaultServerError, FaultRateLimited, FaultTimeout, FaultTimeoutAccepted}

// RandomFaults describes faults injected at random into message-sending
// calls (see SetRandomFaults).
type RandomFaults struct {
	// Reply is the share (0 to 1) of reply calls that get a fault; Push the
	// share of push and multicast calls.
	Reply, Push float64
	// Faults are picked from with equal chance; empty means AllRandomFaults.
	Faults []RandomFault
	// Hang is how long the timeout faults wait (real time; the wait ends
	// early when the client gives up or the fake closes). Default 30 s:
	// longer than any sensible client timeout.
	Hang time.Duration
	// Seed, when not zero, makes the draws repeatable for a given order of
	// calls.
	Seed uint64
}

// SetRandomFaults makes a share of reply, push and multicast calls fail at
// random, each with a fault picked from f.Faults. It applies to calls that
// FailWhen and the queued faults of FailNext and HangNext left alone, and
// that the rate limit let through. A zero RandomFaults (or Reset) ends it.
func (s *Server) SetRandomFaults(f RandomFaults) {
	if len(f.Faults) == 0 {
		f.Faults = AllRandomFaults
	}
	if f.Hang <= 0 {
		f.Hang = 30 * time.Second
	}
	seed := f.Seed
	if seed == 0 {
		seed = uint64(randomUint32())<<32 | uint64(randomUint32())
	}
	ls := s.load()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.random = f
	ls.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// RandomFaultCounts returns how many faults SetRandomFaults injected, by
// fault, since it was last set (or Reset).
func (s *Server) RandomFaultCounts() map[RandomFault]int {
	ls := s.load()
	ls.mu.Lock()
	defer ls.mu.Unlock()
	out := map[RandomFault]int{}
	for k, v := range ls.counts {
		out[k] = v
	}
	return out
}

// loadState holds the rate limits and random faults. It has its own lock:
// a send under load does not wait on s.mu for them.
type loadState struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	random  RandomFaults
	rng     *rand.Rand
	counts  map[RandomFault]int
	// now is the real clock for rate limits (tests replace it).
	now func() time.Time
}

type bucket struct {
	rate    float64 // tokens per second; 0 = no limit
	tokens  float64
	last    time.Time
	refused int
}

// load returns the server's load state, made on first use.
func (s *Server) load() *loadState {
	s.loadOnce.Do(func() {
		s.loadSt = &loadState{buckets: map[string]*bucket{}, counts: map[RandomFault]int{}, now: time.Now}
	})
	return s.loadSt
}

func (ls *loadState) setRates(l RateLimits) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := ls.now()
	for kind, n := range map[string]int{KindReply: l.Reply, KindPush: l.Push, KindMulticast: l.Multicast} {
		b := ls.buckets[kind]
		if b == nil {
			b = &bucket{}
			ls.buckets[kind] = b
		}
		b.rate, b.tokens, b.last = float64(max(n, 0)), float64(max(n, 0)), now
	}
}

// allow charges one call of kind to its bucket; false means over the limit.
func (ls *loadState) allow(kind string) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	b := ls.buckets[kind]
	if b == nil || b.rate <= 0 {
		return true
	}
	now := ls.now()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(b.rate, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		b.refused++
		return false
	}
	b.tokens--
	return true
}

// draw decides whether a call of kind gets a random fault, and which.
func (ls *loadState) draw(kind string) (RandomFault, time.Duration, bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.rng == nil {
		return "", 0, false
	}
	share := ls.random.Push
	if kind == KindReply {
		share = ls.random.Reply
	}
	if share <= 0 || ls.rng.Float64() >= share {
		return "", 0, false
	}
	f := ls.random.Faults[ls.rng.IntN(len(ls.random.Faults))]
	ls.counts[f]++
	return f, ls.random.Hang, true
}

// resetRandom ends random faults (Reset).
func (ls *loadState) resetRandom() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.random, ls.rng, ls.counts = RandomFaults{}, nil, map[RandomFault]int{}
}

// randomFault turns a drawn fault into what serve does: an answer for the
// unprocessed faults (after waiting, for FaultTimeout), or a hang to apply
// after processing (FaultTimeoutAccepted).
func (s *Server) randomFault(c *call, kind string) (answer, time.Duration, bool) {
	f, hang, drawn := s.load().draw(kind)
	if !drawn {
		return answer{}, 0, false
	}
	switch f {
	case FaultTimeoutAccepted:
		return answer{}, hang, false
	case FaultTimeout:
		c.body = readBody(c.r)
		s.sleep(c.r.Context(), hang)
		a := fail(http.StatusInternalServerError, "Internal server error")
		a.reason = fmt.Sprintf("injected hang (random %v): not processed", hang)
		return a, 0, true
	case FaultRateLimited:
		c.body = readBody(c.r)
		a := fail(http.StatusTooManyRequests, faultMessage(http.StatusTooManyRequests))
		a.reason = "injected failure (random): 429"
		return a, 0, true
	default:
		c.body = readBody(c.r)
		a := fail(http.StatusInternalServerError, faultMessage(http.StatusInternalServerError))
		a.reason = "injected failure (random): 500"
		return a, 0, true
	}
}

// rateLimited answers a call over its endpoint's rate limit.
func (s *Server) rateLimited(c *call, kind string) (answer, bool) {
	ls := s.load()
	if ls.allow(kind) {
		return answer{}, false
	}
	c.body = readBody(c.r)
	a := fail(http.StatusTooManyRequests, faultMessage(http.StatusTooManyRequests))
	ls.mu.Lock()
	rate := ls.buckets[kind].rate
	ls.mu.Unlock()
	a.reason = fmt.Sprintf("rate limit: %s over %.0f requests/s", kind, rate)
	return a, true
}

// readBody reads what is left of a refused request's body, for Rejected.
func readBody(r *http.Request) []byte {
	b, _ := io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes))
	return b
}

// ReplyTokenUsed reports whether a reply with tok was accepted. A load run
// asks it for each acknowledged event, which is cheaper than copying
// every recorded request with Sent.
func (s *Server) ReplyTokenUsed(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.replyTokens[tok]
	return ok && t.used
}
