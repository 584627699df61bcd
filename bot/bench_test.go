package bot_test

// BenchmarkAck compares the bot's durable acknowledge path with the SDK's
// minimal handler (parse, then reply synchronously, no storage), both over
// real HTTP on loopback with concurrent senders. Run it without -race:
//
//	go test -run '^$' -bench Ack -benchtime 5s ./bot/
//
// The goal (DESIGN.md, "Speed"): durable req/s ≥ 0.8 × baseline req/s, and a
// durable p99 no worse than the baseline's.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// benchSenders is how many goroutines send per GOMAXPROCS (16 × 2 cores =
// 32 concurrent senders on the reference machine).
const benchSenders = 16

func BenchmarkAck(b *testing.B) {
	bodies := benchBodies(b, 1024)
	b.Run("durable", func(b *testing.B) {
		url := startDurable(b)
		runAckBench(b, url, bodies)
	})
	b.Run("baseline-sdk", func(b *testing.B) {
		url := startBaseline(b)
		runAckBench(b, url, bodies)
	})
}

// signedBody is one webhook request as LINE sends it.
type signedBody struct {
	body []byte
	sig  string
}

// benchBodies makes n distinct realistic requests, each one text event
// from its own user.
func benchBodies(tb testing.TB, n int) []signedBody {
	tb.Helper()
	ev := linefake.Events{}
	wh := linefake.Webhook{}
	out := make([]signedBody, n)
	t0 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for i := range out {
		src := linefake.User(fmt.Sprintf("U%032x", i+1))
		body, err := wh.Payload(ev.TextEvent(src, "สมัครครัวเรือน หมู่ 5", t0.Add(time.Duration(i)*time.Millisecond)))
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = signedBody{body: body, sig: linefake.Sign(testSecret, body)}
	}
	return out
}

// startDurable serves the real acknowledge path: bot.Server's router on a
// loopback server, a bbolt file on the real disk, the worker not running.
func startDurable(b *testing.B) string {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	lineAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.Error("the acknowledge path must not call LINE")
	}))
	b.Cleanup(lineAPI.Close)
	now := func() time.Time { return time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC) }
	srv, err := bot.New(bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: lineAPI.URL},
		db, flows.NewEngine(flows.Config{}), locales.MustLoad(), slog.New(slog.NewTextHandler(io.Discard, nil)), now)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Echo())
	b.Cleanup(ts.Close)
	return ts.URL + "/callback"
}

// startBaseline serves the SDK's minimal handler: webhook.ParseRequest,
// then ReplyMessage for each message event, synchronously, before the 200.
// Its LINE is the cheapest possible: a loopback server that answers 200.
func startBaseline(b *testing.B) string {
	b.Helper()
	lineAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"sentMessages":[{"id":"1","quoteToken":"q"}]}`))
	}))
	b.Cleanup(lineAPI.Close)
	return startBaselineOn(b, lineAPI.URL)
}

// startBaselineOn is startBaseline replying to the LINE API at apiURL.
func startBaselineOn(b *testing.B, apiURL string) string {
	b.Helper()
	api, err := messaging_api.NewMessagingApiAPI("token",
		messaging_api.WithEndpoint(apiURL),
		messaging_api.WithHTTPClient(&http.Client{Timeout: 10 * time.Second, Transport: benchTransport()}))
	if err != nil {
		b.Fatal(err)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cb, err := webhook.ParseRequest(testSecret, r)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, ev := range cb.Events {
			if e, ok := ev.(webhook.MessageEvent); ok {
				if _, err := api.ReplyMessage(&messaging_api.ReplyMessageRequest{
					ReplyToken: e.ReplyToken,
					Messages:   []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "รับทราบค่ะ"}},
				}); err != nil {
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	ts := httptest.NewServer(handler)
	b.Cleanup(ts.Close)
	return ts.URL
}

// postTimed posts one signed webhook and returns how long its
// acknowledgement took; false (the benchmark told) when it failed.
func postTimed(b *testing.B, client *http.Client, url string, sb signedBody) (time.Duration, bool) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(sb.body))
	if err != nil {
		b.Error(err)
		return 0, false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", sb.sig)
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		b.Error(err)
		return 0, false
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b.Errorf("got status %d, want 200", res.StatusCode)
		return 0, false
	}
	return time.Since(t0), true
}

func benchTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 256
	return t
}

// runAckBench posts the bodies round-robin from concurrent senders and
// reports throughput and latency percentiles.
func runAckBench(b *testing.B, url string, bodies []signedBody) {
	b.ReportAllocs()
	all, elapsed := postParallel(b, url, benchSenders, func(i int64) (signedBody, bool) {
		return bodies[int(i)%len(bodies)], true
	})
	reportAcks(b, all, elapsed)
}

// postParallel posts the bodies body(1), body(2), … from parallelism ×
// GOMAXPROCS goroutines until b.N are done, and returns each post's
// acknowledgement time and how long it all took.
func postParallel(b *testing.B, url string, parallelism int, body func(i int64) (signedBody, bool)) ([]time.Duration, time.Duration) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: benchTransport()}
	b.Cleanup(client.CloseIdleConnections)
	var next atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	b.SetParallelism(parallelism)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		lat := make([]time.Duration, 0, 1024)
		for pb.Next() {
			sb, ok := body(next.Add(1))
			if !ok {
				return
			}
			d, ok := postTimed(b, client, url, sb)
			if !ok {
				return
			}
			lat = append(lat, d)
		}
		mu.Lock()
		all = append(all, lat...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	return all, elapsed
}

// reportAcks reports acknowledged req/s and the p50 and p99 of all.
func reportAcks(b *testing.B, all []time.Duration, elapsed time.Duration) {
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkRepliesUnderFaults drives the whole bot (webhook, worker,
// sender, as in production) at a sustained 335 events/s for 6 s against
// the fake LINE with 50 ms of latency, failing one reply in five (500).
// It reports the share of events answered by a reply, the replies lost,
// how long after its event a reply arrived (p50-s, p99-s), and how long
// after the worker committed the answer (send-p50-s, send-p99-s: the
// sender's share). Run it without -race:
//
//	go test -run '^$' -bench RepliesUnderFaults -benchtime 1x ./bot/
func BenchmarkRepliesUnderFaults(b *testing.B) {
	const (
		rate     = 335
		duration = 6 * time.Second
		latency  = 50 * time.Millisecond
		chats    = 500
	)
	for range b.N {
		db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
		if err != nil {
			b.Fatal(err)
		}
		fake := linefake.New()
		var calls atomic.Int64
		fake.FailWhen(func(kind string, _ time.Time) int {
			if kind == linefake.KindReply && calls.Add(1)%5 == 0 {
				return http.StatusInternalServerError
			}
			return 0
		})
		lineAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(latency)
			fake.ServeHTTP(w, r)
		}))
		srv, err := bot.New(bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: lineAPI.URL},
			db, flows.NewEngine(flows.Config{}), locales.MustLoad(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv.Echo())
		var mu sync.Mutex
		committed := map[string]time.Time{} // user/event time → when its answer was committed
		eventKey := func(user string, at time.Time) string { return fmt.Sprintf("%s/%d", user, at.UnixMilli()) }
		srv.Worker().AfterCommit(func(in flows.Input, _ flows.Outcome) {
			mu.Lock()
			committed[eventKey(in.UserID, in.At)] = time.Now()
			mu.Unlock()
		})
		srv.StartLoops()
		wh := linefake.Webhook{URL: ts.URL + "/callback", Secret: testSecret}
		ev := fake.Events()

		posted := map[string]time.Time{} // reply token → when its event was posted
		keys := map[string]string{}      // reply token → user/event time
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		b.ResetTimer()
		for i := 0; i < int(duration.Seconds())*rate; i++ {
			<-tick.C
			user, at := fmt.Sprintf("U%032x", i%chats+1), time.Now()
			e := ev.TextEvent(linefake.User(user), "เมนู", at)
			mu.Lock()
			posted[e.ReplyToken()], keys[e.ReplyToken()] = at, eventKey(user, at)
			mu.Unlock()
			wg.Go(func() {
				res, err := wh.Post(b.Context(), e)
				if err != nil {
					b.Error(err)
					return
				}
				_ = res.Body.Close()
			})
		}
		tick.Stop()
		wg.Wait()
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			n := db.InboxWaiting()
			_ = db.View(func(tx flows.Tx) error {
				for _, store := range []flows.Records{tx.Inbox(), tx.Outbox()} {
					_ = store.Each("", func(string, func(any) error) error { n++; return nil })
				}
				return nil
			})
			if n == 0 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		b.StopTimer()

		var delays, sends []time.Duration
		mu.Lock()
		for _, q := range fake.Sent(linefake.KindReply) {
			delays = append(delays, q.At.Sub(posted[q.ReplyToken]))
			sends = append(sends, q.At.Sub(committed[keys[q.ReplyToken]]))
		}
		mu.Unlock()
		slices.Sort(delays)
		slices.Sort(sends)
		pct := func(d []time.Duration, p float64) float64 {
			if len(d) == 0 {
				return 0
			}
			return d[int(p*float64(len(d)-1))].Seconds()
		}
		lost := testMetric(srv, "sammachip_replies_lost_total") + testMetric(srv, "sammachip_sends_total", "kind=reply", "status=expired")
		b.ReportMetric(100*float64(len(delays))/float64(len(posted)), "%answered")
		b.ReportMetric(lost, "lost")
		b.ReportMetric(pct(delays, 0.5), "p50-s")
		b.ReportMetric(pct(delays, 0.99), "p99-s")
		b.ReportMetric(pct(sends, 0.5), "send-p50-s")
		b.ReportMetric(pct(sends, 0.99), "send-p99-s")

		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = srv.Shutdown(ctx)
		cancel()
		ts.Close()
		lineAPI.Close()
		fake.Close()
		_ = db.Close()
	}
}

// BenchmarkEndToEnd is the acknowledge path measured as a user meets it:
// every part that runs in production running (webhook, worker, sender),
// the strict fake LINE accepting the replies, beside the SDK's minimal
// parse-and-reply handler against the same fake, at 16 and 64 concurrent
// senders of single-event webhooks (a text from one of 500 users). It
// reports acknowledged req/s, ack p50/p99, and the share of events whose
// reply the fake accepted. Run it without -race:
//
//	go test -run '^$' -bench EndToEnd -benchtime 5s ./bot/
func BenchmarkEndToEnd(b *testing.B) {
	for _, senders := range []int{16, 64} {
		b.Run(fmt.Sprintf("durable/senders=%d", senders), func(b *testing.B) {
			fake := linefake.New()
			b.Cleanup(fake.Close)
			url, drained := startEndToEnd(b, fake)
			runEndToEnd(b, url, fake, senders, drained)
		})
		b.Run(fmt.Sprintf("baseline-sdk/senders=%d", senders), func(b *testing.B) {
			fake := linefake.New()
			b.Cleanup(fake.Close)
			url := startBaselineOn(b, fake.Start())
			runEndToEnd(b, url, fake, senders, func() {})
		})
	}
}

// startEndToEnd serves the whole bot against fake, with its loops running;
// drained waits (a bounded time) until the inbox and outbox are empty.
func startEndToEnd(b *testing.B, fake *linefake.Server) (url string, drained func()) {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := bot.New(bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: fake.Start()},
		db, flows.NewEngine(flows.Config{}), locales.MustLoad(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Echo())
	srv.StartLoops()
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		ts.Close()
		_ = srv.Shutdown(ctx)
		_ = db.Close()
	})
	drained = func() {
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			n := db.InboxWaiting()
			_ = db.View(func(tx flows.Tx) error {
				for _, store := range []flows.Records{tx.Inbox(), tx.Outbox()} {
					_ = store.Each("", func(string, func(any) error) error { n++; return flows.ErrStop })
				}
				return nil
			})
			if n == 0 {
				return
			}
		}
	}
	return ts.URL + "/callback", drained
}

// runEndToEnd posts fresh single-event webhooks (each with a reply token
// the fake issued) from senders concurrent goroutines.
func runEndToEnd(b *testing.B, url string, fake *linefake.Server, senders int, drained func()) {
	ev, wh := fake.Events(), linefake.Webhook{}
	all, elapsed := postParallel(b, url, max(1, senders/runtime.GOMAXPROCS(0)), func(i int64) (signedBody, bool) {
		body, err := wh.Payload(ev.TextEvent(linefake.User(fmt.Sprintf("U%032x", i%500+1)), "เมนู", time.Now()))
		if err != nil {
			b.Error(err)
			return signedBody{}, false
		}
		return signedBody{body: body, sig: linefake.Sign(testSecret, body)}, true
	})
	drained()
	reportAcks(b, all, elapsed)
	if len(all) > 0 {
		b.ReportMetric(100*float64(len(fake.Sent(linefake.KindReply)))/float64(len(all)), "%answered")
	}
}
