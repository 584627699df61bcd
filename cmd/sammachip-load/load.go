package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
)

// ackDeadline is how long LINE waits for a webhook's 200 before it records
// a request_timeout (LINE.md).
const ackDeadline = 2 * time.Second

// userID is the LINE user id of load user i (0-based).
func userID(i int) string { return fmt.Sprintf("U%032x", i+1) }

// isLoadUser tells a load user's id (userID) from a seeded household's
// (householdUser): its first eight hex digits are zero.
func isLoadUser(id string) bool { return strings.HasPrefix(id, "U00000000") }

// webhookClient posts to a bot's webhook, with connections enough for the
// senders.
func webhookClient(senders int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = max(256, 2*senders)
	t.MaxIdleConnsPerHost = max(256, 2*senders)
	return &http.Client{Timeout: 10 * time.Second, Transport: t}
}

// poster signs and posts single-event webhooks as LINE does.
type poster struct {
	url    string
	secret string
	client *http.Client
	wh     linefake.Webhook
}

func newPoster(url, secret string, senders int) *poster {
	return &poster{url: url, secret: secret, client: webhookClient(senders), wh: linefake.Webhook{URL: url, Secret: secret}}
}

// post sends one event and returns the status (0 for no answer) and how
// long the acknowledgement took.
func (p *poster) post(ctx context.Context, ev linefake.Event) (int, time.Duration, error) {
	body, err := p.wh.Payload(ev)
	if err != nil {
		return 0, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", linefake.Sign(p.secret, body))
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	t0 := time.Now()
	res, err := p.client.Do(req)
	if err != nil {
		return 0, time.Since(t0), err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode, time.Since(t0), nil
}

// loadResult is what a timed run of senders saw.
type loadResult struct {
	elapsed  time.Duration
	lat      []time.Duration // acknowledged requests' latencies, sorted
	tokens   []string        // reply tokens of acknowledged events
	errors   int             // requests without a 200 (status or transport error)
	late     int             // acknowledged after ackDeadline
	firstErr string
}

func (l loadResult) acked() int { return len(l.lat) }

func (l loadResult) rate() float64 {
	if l.elapsed <= 0 {
		return 0
	}
	return float64(len(l.lat)) / l.elapsed.Seconds()
}

// pct is the p-th percentile (0..1) of the sorted latencies.
func (l loadResult) pct(p float64) time.Duration {
	if len(l.lat) == 0 {
		return 0
	}
	return l.lat[int(p*float64(len(l.lat)-1))]
}

func (l loadResult) max() time.Duration {
	if len(l.lat) == 0 {
		return 0
	}
	return l.lat[len(l.lat)-1]
}

// runTimed runs senders goroutines for d, each posting events made by
// next (called with a sequence number) back to back.
func runTimed(ctx context.Context, p *poster, senders int, d time.Duration, next func(n int64) linefake.Event) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var seq atomic.Int64
	var mu sync.Mutex
	var res loadResult
	var wg sync.WaitGroup
	start := time.Now()
	for range senders {
		wg.Go(func() {
			var lat []time.Duration
			var toks []string
			errs, late := 0, 0
			first := ""
			for ctx.Err() == nil {
				ev := next(seq.Add(1) - 1)
				// The request itself is not cut by the end of the run: an
				// acknowledgement under way is waited for.
				st, took, err := p.post(context.WithoutCancel(ctx), ev)
				switch {
				case err == nil && st == http.StatusOK:
					lat = append(lat, took)
					if tok := ev.ReplyToken(); tok != "" {
						toks = append(toks, tok)
					}
					if took > ackDeadline {
						late++
					}
				default:
					errs++
					if first == "" {
						first = fmt.Sprintf("status %d %v", st, err)
					}
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.tokens = append(res.tokens, toks...)
			res.errors += errs
			res.late += late
			if res.firstErr == "" {
				res.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}

// postAll posts every event once (a sender per goroutine, senders at a
// time), retrying one that is not acknowledged a few times as LINE would
// redeliver it. It returns the tokens of the acknowledged events and how
// many were never acknowledged.
func postAll(ctx context.Context, p *poster, senders int, events []linefake.Event) ([]string, int) {
	var mu sync.Mutex
	var toks []string
	failed := 0
	work := make(chan linefake.Event)
	var wg sync.WaitGroup
	for range senders {
		wg.Go(func() {
			for ev := range work {
				ok := false
				for attempt := 0; attempt < 5 && ctx.Err() == nil; attempt++ {
					e := ev
					if attempt > 0 {
						e = linefake.Redeliver(ev)
						time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
					}
					if st, _, err := p.post(ctx, e); err == nil && st == http.StatusOK {
						ok = true
						break
					}
				}
				mu.Lock()
				if ok {
					toks = append(toks, ev.ReplyToken())
				} else {
					failed++
				}
				mu.Unlock()
			}
		})
	}
	for _, ev := range events {
		select {
		case work <- ev:
		case <-ctx.Done():
		}
	}
	close(work)
	wg.Wait()
	return toks, failed
}

// waitAnswered waits up to d for the fake to have accepted a reply for
// every token, and returns how many it has and when the count last grew.
func waitAnswered(ctx context.Context, fake *linefake.Server, tokens []string, d time.Duration) (int, time.Time) {
	deadline := time.Now().Add(d)
	pending := slices.Clone(tokens)
	answered := 0
	last := time.Now()
	for {
		left := pending[:0]
		for _, t := range pending {
			if fake.ReplyTokenUsed(t) {
				answered++
				last = time.Now()
			} else {
				left = append(left, t)
			}
		}
		pending = left
		if len(pending) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			return answered, last
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ms formats a duration in milliseconds with one decimal.
func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
