package main

import (
	"crypto/sha256"
	"sync"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
)

// sent is one message-sending request the fake accepted, without its body.
type sent struct {
	At       time.Time
	Kind     string
	To       []string
	Token    string
	RetryKey string
	Messages [32]byte // SHA-256 of the message objects as sent
}

// observer keeps, as they happen, the sends the fake accepts (a
// subscription: no copy of every recorded body at each look).
type observer struct {
	mu     sync.Mutex
	sends  []sent
	byKey  map[string]int // retry key → accepted requests with it
	cancel func()
	done   chan struct{}
}

func observe(fake *linefake.Server) *observer {
	ch, cancel := fake.Subscribe()
	o := &observer{byKey: map[string]int{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(o.done)
		for q := range ch {
			if q.Kind != linefake.KindReply && q.Kind != linefake.KindPush && q.Kind != linefake.KindMulticast {
				continue
			}
			h := sha256.New()
			for _, m := range q.Messages {
				h.Write(m)
				h.Write([]byte{0})
			}
			s := sent{At: q.At, Kind: q.Kind, To: q.To, Token: q.ReplyToken, RetryKey: q.RetryKey}
			copy(s.Messages[:], h.Sum(nil))
			o.mu.Lock()
			o.sends = append(o.sends, s)
			if s.RetryKey != "" {
				o.byKey[s.RetryKey]++
			}
			o.mu.Unlock()
		}
	}()
	return o
}

// stop ends the subscription once what was accepted so far has been read
// (up to a second's wait).
func (o *observer) stop() {
	time.Sleep(100 * time.Millisecond) // let the subscriber's queue drain
	o.cancel()
	select {
	case <-o.done:
	case <-time.After(time.Second):
	}
}

// snapshot copies the sends seen so far.
func (o *observer) snapshot() []sent {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sent(nil), o.sends...)
}

// pushes counts accepted pushes and multicasts, and when the last came.
func (o *observer) pushes() (int, time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, last := 0, time.Time{}
	for _, s := range o.sends {
		if s.Kind != linefake.KindReply {
			n++
			if s.At.After(last) {
				last = s.At
			}
		}
	}
	return n, last
}
