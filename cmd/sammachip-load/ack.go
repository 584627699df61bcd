package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/locales"
)

// ackFigures is one system's run of the webhook load.
type ackFigures struct {
	system   string
	load     loadResult
	answered int
	drained  time.Duration // from the end of the load to the last reply accepted
	extra    []string      // more key=value pairs for the line
	notes    []string      // what broke
}

func (f ackFigures) ok() bool { return len(f.notes) == 0 }

// fields is the figures as the result line prints them.
func (f ackFigures) fields() string {
	l := f.load
	parts := []string{
		fmt.Sprintf("acknowledged=%d", l.acked()),
		fmt.Sprintf("events/s=%.0f", l.rate()),
		"ack_p50=" + ms(l.pct(0.50)),
		"ack_p99=" + ms(l.pct(0.99)),
		"ack_max=" + ms(l.max()),
		fmt.Sprintf("answered=%d/%d", f.answered, len(l.tokens)),
		fmt.Sprintf("drained=%.1fs", f.drained.Seconds()),
		fmt.Sprintf("late>2s=%d", l.late),
		fmt.Sprintf("errors=%d", l.errors),
	}
	parts = append(parts, f.extra...)
	return strings.Join(parts, " ")
}

func (o options) loadHeader() string {
	limits := "off"
	if o.lineLimits {
		limits = "LINE's"
	}
	return fmt.Sprintf("senders=%d duration=%v users=%d text=%q fake_rate_limits=%s", o.senders, o.duration, o.users, o.text, limits)
}

func runAck(ctx context.Context, r *runner) (result, error) {
	f, err := ackRun(ctx, r)
	if err != nil {
		return result{}, err
	}
	return result{line: r.opt.loadHeader() + " " + f.fields() + verdictNotes(f.notes), ok: f.ok()}, nil
}

func runBaseline(ctx context.Context, r *runner) (result, error) {
	f, err := baselineRun(ctx, r)
	if err != nil {
		return result{}, err
	}
	return result{line: r.opt.loadHeader() + " " + f.fields() + verdictNotes(f.notes), ok: f.ok()}, nil
}

// runCompare runs ack, then baseline, back to back in one process, and
// prints both with the ratios of issue 16's goal.
func runCompare(ctx context.Context, r *runner) (result, error) {
	a, err := ackRun(ctx, r)
	if err != nil {
		return result{}, err
	}
	b, err := baselineRun(ctx, r)
	if err != nil {
		return result{}, err
	}
	rate := ratio(a.load.rate(), b.load.rate())
	p50 := ratio(float64(a.load.pct(0.5)), float64(b.load.pct(0.5)))
	p99 := ratio(float64(a.load.pct(0.99)), float64(b.load.pct(0.99)))
	goal := rate >= 0.8 && p99 <= 1.5
	goalText := "met"
	if !goal {
		goalText = "not met"
	}
	notes := append(prefixed("sammachip: ", a.notes), prefixed("baseline: ", b.notes)...)
	if r.opt.goal && !goal {
		notes = append(notes, "throughput goal not met")
	}
	line := fmt.Sprintf("%s | sammachip %s | baseline %s | ratio events/s=%.2fx ack_p50=%.2fx ack_p99=%.2fx goal(>=0.8x events/s, p99<=1.5x)=%s",
		r.opt.loadHeader(), a.fields(), b.fields(), rate, p50, p99, goalText)
	return result{line: line + verdictNotes(notes), ok: len(notes) == 0}, nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func prefixed(p string, notes []string) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = p + n
	}
	return out
}

// verdictNotes appends what broke to a result line.
func verdictNotes(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return " BROKEN: " + strings.Join(notes, "; ")
}

// loadFake starts the fake for ack and baseline, with the users' profiles.
func (r *runner) loadFake(token string) (*fakeLINE, error) {
	var opts []linefake.Option
	if token != "" {
		opts = append(opts, linefake.WithAccessToken(token))
	}
	if r.opt.lineLimits {
		opts = append(opts, linefake.WithRateLimits(linefake.LINERateLimits))
	}
	fake, err := r.startFake(r.opt.fakeAddr, opts...)
	if err != nil {
		return nil, err
	}
	for i := range r.opt.users {
		fake.SetProfile(userID(i), fmt.Sprintf("User %d", i+1), "th")
	}
	return fake, nil
}

// ackRun runs the webhook load against the real binary (or --url).
func ackRun(ctx context.Context, r *runner) (ackFigures, error) {
	o := r.opt
	secret, token := o.secret, o.token
	if o.url == "" {
		secret, token = randomHex(16), randomHex(24)
	}
	fake, err := r.loadFake(token)
	if err != nil {
		return ackFigures{}, err
	}
	url := o.url
	var b *bot
	if url == "" {
		b, err = r.startBot(ctx, botConfig{LINE: fake.URL, Secret: secret, Token: token, DB: filepath.Join(r.dir, "ack.db")})
		if err != nil {
			return ackFigures{}, err
		}
		url = b.URL + "/callback"
	} else {
		r.logf("fake LINE API at %s: the bot at %s must have LINE_API_ENDPOINT and LINE_DATA_ENDPOINT set to it", fake.URL, url)
	}
	p := newPoster(url, secret, o.senders)
	evs := fake.Events()
	f := ackFigures{system: "sammachip"}

	if o.follow {
		follows := make([]linefake.Event, o.users)
		for i := range follows {
			follows[i] = evs.FollowEvent(linefake.User(userID(i)), time.Now())
		}
		t0 := time.Now()
		toks, failed := postAll(ctx, p, o.senders, follows)
		answered, _ := waitAnswered(ctx, fake.Server, toks, o.drain)
		r.logf("follows: %d users, %d acknowledged (%d never), %d answered, in %v", o.users, len(toks), failed, answered, time.Since(t0).Round(time.Millisecond))
		if failed > 0 || answered < len(toks) {
			f.notes = append(f.notes, fmt.Sprintf("follows: %d of %d acknowledged, %d answered", len(toks), o.users, answered))
		}
	}

	r.logf("sammachip: %d senders for %v", o.senders, o.duration)
	f.load = runTimed(ctx, p, o.senders, o.duration, func(n int64) linefake.Event {
		return evs.TextEvent(linefake.User(userID(int(n%int64(o.users)))), o.text, time.Now())
	})
	end := time.Now()
	f.answered, _ = waitAnswered(ctx, fake.Server, f.load.tokens, o.drain)
	f.drained = lastReplySince(fake.Server, end)
	if txt := fake.Texts(userID(0)); len(txt) > 0 {
		r.logf("sammachip's last answer to user 1: %q", shorten(txt[len(txt)-1], 80))
	}
	if b != nil {
		if m, err := b.metrics(); err == nil {
			f.extra = append(f.extra,
				fmt.Sprintf("replies_lost=%.0f", sumMetric(m, "sammachip_replies_lost_total")),
				fmt.Sprintf("events_failed=%.0f", sumMetric(m, "sammachip_events_failed_total")))
		}
	}
	if n := len(fake.Rejected()); n > 0 {
		f.extra = append(f.extra, fmt.Sprintf("fake_rejected=%d", n))
		r.logf("the fake rejected %d requests; the first: %s", n, fake.Rejected()[0])
	}
	f.notes = append(f.notes, loadNotes(f)...)
	if b != nil {
		if err := b.Stop(30 * time.Second); err != nil {
			f.notes = append(f.notes, "shutdown: "+err.Error())
		}
	}
	return f, nil
}

// loadNotes says what broke in a load run: events not acknowledged (or
// late for LINE), acknowledged events left unanswered.
func loadNotes(f ackFigures) []string {
	var notes []string
	if f.load.errors > 0 {
		notes = append(notes, fmt.Sprintf("%d webhooks not acknowledged (first: %s)", f.load.errors, f.load.firstErr))
	}
	if f.load.late > 0 {
		notes = append(notes, fmt.Sprintf("%d acknowledged after LINE's 2 s", f.load.late))
	}
	if f.answered < len(f.load.tokens) {
		notes = append(notes, fmt.Sprintf("%d acknowledged events unanswered", len(f.load.tokens)-f.answered))
	}
	if f.load.acked() == 0 {
		notes = append(notes, "nothing acknowledged")
	}
	return notes
}

// lastReplySince is how long after end the fake accepted its last reply
// (0 if none came after end).
func lastReplySince(fake *linefake.Server, end time.Time) time.Duration {
	last := end
	for _, q := range fake.Sent(linefake.KindReply) {
		if q.At.After(last) {
			last = q.At
		}
	}
	return last.Sub(end)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// baselineRun runs the same load against the SDK's minimal handler: parse
// with webhook.ParseRequest, reply synchronously to the fake for each
// message event, then answer 200; no storage (bot/bench_test.go's
// startBaseline, replying to the fake instead of a bare 200 server).
func baselineRun(ctx context.Context, r *runner) (ackFigures, error) {
	o := r.opt
	secret, token := randomHex(16), randomHex(24)
	fake, err := r.loadFake(token)
	if err != nil {
		return ackFigures{}, err
	}
	url, err := r.startBaseline(secret, token, fake.URL, o.senders)
	if err != nil {
		return ackFigures{}, err
	}
	p := newPoster(url, secret, o.senders)
	evs := fake.Events()
	r.logf("baseline: %d senders for %v", o.senders, o.duration)
	f := ackFigures{system: "baseline"}
	f.load = runTimed(ctx, p, o.senders, o.duration, func(n int64) linefake.Event {
		return evs.TextEvent(linefake.User(userID(int(n%int64(o.users)))), o.text, time.Now())
	})
	end := time.Now()
	f.answered, _ = waitAnswered(ctx, fake.Server, f.load.tokens, o.drain)
	f.drained = lastReplySince(fake.Server, end)
	if n := len(fake.Rejected()); n > 0 {
		f.extra = append(f.extra, fmt.Sprintf("fake_rejected=%d", n))
		r.logf("the fake rejected %d requests; the first: %s", n, fake.Rejected()[0])
	}
	f.notes = loadNotes(f)
	return f, nil
}

// startBaseline serves the minimal handler on loopback until the run ends.
func (r *runner) startBaseline(secret, token, lineURL string, senders int) (string, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = max(256, 2*senders), max(256, 2*senders)
	api, err := messaging_api.NewMessagingApiAPI(token,
		messaging_api.WithEndpoint(lineURL),
		messaging_api.WithHTTPClient(&http.Client{Timeout: 10 * time.Second, Transport: t}))
	if err != nil {
		return "", err
	}
	// A reply of the size the bot's own first answer has, from its catalog.
	reply := locales.MustLoad().MustText(locales.Thai, "core.menu.prompt", nil)
	handler := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		cb, err := webhook.ParseRequest(secret, req)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		for _, ev := range cb.Events {
			if e, ok := ev.(webhook.MessageEvent); ok {
				res, _, err := api.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{
					ReplyToken: e.ReplyToken,
					Messages:   []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: reply}},
				})
				if res != nil && res.Body != nil {
					_ = res.Body.Close()
				}
				if err != nil {
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	r.onClose(func() { _ = srv.Close() })
	return "http://" + l.Addr().String() + "/callback", nil
}
