package sim

import (
	"slices"
	"sync"
	"time"
)

// Clock is the programme clock of simulator mode: the wall clock, shifted.
// Set jumps it to a chosen time, from which it keeps running at normal
// speed; Reset returns it to the wall clock. The bot, the fake LINE API and
// the scheduler all read the same Clock, so a jump moves the whole
// simulated world at once.
//
// Every method is safe for concurrent use.
type Clock struct {
	base func() time.Time

	mu        sync.Mutex
	offset    time.Duration
	listeners map[int]func(time.Time)
	next      int
}

// NewClock returns a clock that follows base (time.Now when nil) until Set.
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base, listeners: map[int]func(time.Time){}}
}

// Now returns the simulated time. Its value is usable as Main.Now and as
// linefake.WithClock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.base().Add(off)
}

// Set jumps the clock to t; time keeps flowing from there. The OnJump
// listeners are then called with the new time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.offset = t.Sub(c.base())
	c.mu.Unlock()
	c.jumped()
}

// Reset puts the clock back on the wall clock (its base) and calls the
// OnJump listeners.
func (c *Clock) Reset() {
	c.mu.Lock()
	c.offset = 0
	c.mu.Unlock()
	c.jumped()
}

// Shifted reports whether the clock has been moved away from its base.
func (c *Clock) Shifted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset != 0
}

// OnJump registers fn to be called after every Set and Reset, with the new
// time. It is how the scheduler learns that it should tick now rather than
// at its next minute: reminders due at the new time then arrive at once.
// Listeners run synchronously on the goroutine that moved the clock, in
// registration order, so fn must return quickly (a non-blocking channel
// send is the intended shape). The returned function removes fn.
func (c *Clock) OnJump(fn func(time.Time)) (remove func()) {
	c.mu.Lock()
	id := c.next
	c.next++
	c.listeners[id] = fn
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		delete(c.listeners, id)
		c.mu.Unlock()
	}
}

func (c *Clock) jumped() {
	c.mu.Lock()
	ids := make([]int, 0, len(c.listeners))
	for id := range c.listeners {
		ids = append(ids, id)
	}
	fns := make([]func(time.Time), 0, len(ids))
	// Registration order: ids grow with each OnJump.
	slices.Sort(ids)
	for _, id := range ids {
		fns = append(fns, c.listeners[id])
	}
	c.mu.Unlock()
	now := c.Now()
	for _, fn := range fns {
		fn(now)
	}
}
