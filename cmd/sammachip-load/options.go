package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"time"
)

// options are the command line's flags, shared by the scenarios.
type options struct {
	// The bot.
	bin      string // a built sammachip binary; "" builds one
	url      string // a running bot's webhook URL (ack only)
	secret   string // its channel secret (with --url)
	token    string // its access token (with --url; "" = not checked)
	fakeAddr string // where the fake LINE listens (with --url: where the bot's LINE_API_ENDPOINT points)
	keep     bool   // keep the temporary directory (database, logs)
	verbose  bool

	// The webhook load.
	senders    int
	duration   time.Duration
	users      int
	text       string
	drain      time.Duration
	lineLimits bool // LINE's rate limits on the fake in ack/baseline (always on in burst and faults)
	follow     bool // users follow before the timed run
	goal       bool // compare: exit 1 when the throughput goal is not met

	// burst and faults.
	villages    int
	households  int
	timeout     time.Duration
	faultRate   float64
	kills       int
	rate        int
	hang        time.Duration
	lineTimeout time.Duration

	// district-week.
	taps float64

	// set names the flags given on the command line.
	set map[string]bool
}

func defaultOptions() options {
	return options{
		fakeAddr:    "127.0.0.1:0",
		senders:     16,
		duration:    10 * time.Second,
		users:       500,
		text:        "เมนู",
		drain:       70 * time.Second,
		follow:      true,
		villages:    0, // per scenario: burst 23600, faults 300
		households:  20,
		timeout:     30 * time.Minute,
		faultRate:   0.2,
		kills:       2,
		rate:        100,
		hang:        3 * time.Second,
		lineTimeout: time.Second,
		taps:        0.9,
	}
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.bin, "bin", o.bin, "the sammachip binary to run (default: build ./cmd/sammachip of the module in the current directory)")
	fs.StringVar(&o.url, "url", o.url, "ack only: the webhook URL of a bot already running on loopback (then --secret and --fake-addr are needed)")
	fs.StringVar(&o.secret, "secret", o.secret, "with --url: the running bot's channel secret (32 hex characters)")
	fs.StringVar(&o.token, "token", o.token, "with --url: the running bot's access token, checked by the fake (default: not checked)")
	fs.StringVar(&o.fakeAddr, "fake-addr", o.fakeAddr, "loopback address the fake LINE API listens on; with --url, the one the bot's LINE_API_ENDPOINT names")
	fs.BoolVar(&o.keep, "keep", o.keep, "keep the temporary directory (database, bot log) and print where it is")
	fs.BoolVar(&o.verbose, "v", o.verbose, "copy the bot's log to standard error")
	fs.IntVar(&o.senders, "senders", o.senders, "concurrent webhook senders")
	fs.DurationVar(&o.duration, "duration", o.duration, "how long the senders send (faults: default until 15 s after the reminders fall due)")
	fs.IntVar(&o.users, "users", o.users, "distinct LINE users the events come from")
	fs.StringVar(&o.text, "text", o.text, "the text each event carries")
	fs.DurationVar(&o.drain, "drain", o.drain, "after the load, how long to wait for the bot to answer every acknowledged event")
	fs.BoolVar(&o.lineLimits, "line-limits", o.lineLimits, "ack/baseline/compare: the fake enforces LINE's rate limits (burst and faults always do)")
	fs.BoolVar(&o.follow, "follow", o.follow, "ack: each user follows the bot (answered) before the timed run")
	fs.BoolVar(&o.goal, "require-goal", o.goal, "compare: exit 1 unless ≥ 0.8× the baseline's events/s and ack p99 ≤ 1.5× the baseline's (issue 16)")
	fs.IntVar(&o.villages, "villages", o.villages, "burst/faults: villages seeded with a programme day tomorrow (default burst 23600, faults 300)")
	fs.IntVar(&o.households, "households", o.households, "burst/faults: households per village, each a LINE user")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "burst: the longest wait from the due time for everything to be sent")
	fs.Float64Var(&o.faultRate, "fault-rate", o.faultRate, "faults: share of reply, push and multicast calls that fail (500, 429, timeout, timeout after delivering)")
	fs.IntVar(&o.kills, "kills", o.kills, "faults: SIGKILLs of the bot during the run (each followed by a restart on the same database)")
	fs.IntVar(&o.rate, "rate", o.rate, "faults: webhook events per second, all senders together")
	fs.DurationVar(&o.hang, "hang", o.hang, "faults: how long an injected timeout hangs (longer than --line-timeout)")
	fs.DurationVar(&o.lineTimeout, "line-timeout", o.lineTimeout, "faults: the bot's SAMMACHIP_LINE_TIMEOUT")
	fs.Float64Var(&o.taps, "taps", o.taps, "district-week: share of households that tap 'I will come' on each evening's card")
}

// check validates the flags for a scenario and fills per-scenario defaults.
func (o *options) check(scenario string) error {
	var errs []error
	if o.senders < 1 || o.senders > 1024 {
		errs = append(errs, fmt.Errorf("--senders %d: expected 1 to 1024", o.senders))
	}
	if o.duration < 0 || o.duration > time.Hour {
		errs = append(errs, fmt.Errorf("--duration %v: expected up to 1h", o.duration))
	}
	if o.users < 1 || o.users > 100_000 {
		errs = append(errs, fmt.Errorf("--users %d: expected 1 to 100000", o.users))
	}
	if o.drain < 0 || o.drain > 10*time.Minute {
		errs = append(errs, fmt.Errorf("--drain %v: expected up to 10m", o.drain))
	}
	if o.faultRate < 0 || o.faultRate > 1 {
		errs = append(errs, fmt.Errorf("--fault-rate %v: expected 0 to 1", o.faultRate))
	}
	if o.timeout <= 0 || o.timeout > 3*time.Hour {
		errs = append(errs, fmt.Errorf("--timeout %v: expected up to 3h", o.timeout))
	}
	if o.villages == 0 {
		switch scenario {
		case "burst":
			o.villages = 23600
		default:
			o.villages = 300
		}
	}
	if o.villages < 1 || o.villages > 99_999 || o.households < 1 || o.households > 999 {
		errs = append(errs, fmt.Errorf("--villages %d --households %d: expected 1 to 99999 villages of 1 to 999 households", o.villages, o.households))
	}
	if o.kills < 0 || o.kills > 10 || o.rate < 1 || o.rate > 10_000 {
		errs = append(errs, fmt.Errorf("--kills %d --rate %d: expected 0 to 10 kills, 1 to 10000 events/s", o.kills, o.rate))
	}
	if o.hang <= o.lineTimeout || o.lineTimeout < 100*time.Millisecond || o.lineTimeout > 2*time.Minute {
		errs = append(errs, fmt.Errorf("--hang %v --line-timeout %v: the hang must outlast the bot's timeout (100ms to 2m)", o.hang, o.lineTimeout))
	}
	if !loopback(o.fakeAddr) {
		errs = append(errs, fmt.Errorf("--fake-addr %q: expected a loopback host:port (this tool runs on loopback only)", o.fakeAddr))
	}
	if o.url != "" {
		if scenario != "ack" {
			errs = append(errs, fmt.Errorf("--url works with ack only: %s needs to start, kill or seed the bot itself", scenario))
		}
		u, err := url.Parse(o.url)
		if err != nil || u.Scheme != "http" || !loopback(u.Host) {
			errs = append(errs, fmt.Errorf("--url %q: expected an http://127.0.0.1:PORT/callback address (loopback only)", o.url))
		}
		if b, err := hex.DecodeString(o.secret); err != nil || len(b) != 16 {
			errs = append(errs, errors.New("--url needs --secret: the running bot's channel secret, 32 hex characters"))
		}
		if _, port, _ := net.SplitHostPort(o.fakeAddr); port == "0" || port == "" {
			errs = append(errs, errors.New("--url needs --fake-addr with a fixed port: the address the running bot's LINE_API_ENDPOINT and LINE_DATA_ENDPOINT name"))
		}
	}
	return errors.Join(errs...)
}

// loopback reports whether a host:port (or host) is on loopback.
func loopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
