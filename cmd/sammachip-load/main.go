// Command sammachip-load runs the bot under load and faults, from outside,
// against the strict fake LINE API (bot/linefake), on loopback only. It is
// a tool of its own, kept out of the production binary.
//
//	go run ./cmd/sammachip-load SCENARIO [flags]
//
// It builds the real binary (or takes --bin), starts it on a fresh
// database in a temporary directory with a real channel secret and token
// (so the real webhook path with its signature check runs), points its
// LINE endpoints at the fake, and runs one named scenario, bounded in time
// and count. It prints ONE result line on standard output (progress goes to
// standard error) and exits 1 when a guarantee broke, 2 when the run
// itself could not be made.
//
// Scenarios:
//
//	ack            N senders of signed single-event webhooks for D: events/s
//	               acknowledged, ack p50/p99/max, answered = acknowledged
//	baseline       the same load against a minimal SDK parse-and-reply
//	               handler built into this tool (no storage)
//	compare        ack then baseline in one run, with the ratios
//	burst          a national-scale evening's reminders: time from due to
//	               the last one queued and to the last send LINE accepted
//	faults         20% of replies and pushes fail (500, 429, timeouts), the
//	               bot is killed with SIGKILL twice mid-run; then checks
//	               exactly-once effects, replies, pushes and reminders
//	district-week  the demo district's week in the simulator at accelerated
//	               time, households tapping
//
// See README.md, "Load and faults".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// scenario is one named run.
type scenario struct {
	name  string
	usage string
	run   func(ctx context.Context, r *runner) (result, error)
}

// result is a scenario's outcome: the one line to print, and whether
// every guarantee it checks held.
type result struct {
	line string
	ok   bool
}

var scenarios = []scenario{
	{"ack", "N senders of single-event webhooks to the real binary: events/s, ack p50/p99/max, answered = acknowledged", runAck},
	{"baseline", "the same load against the SDK's minimal parse-and-reply handler (no storage)", runBaseline},
	{"compare", "ack, then baseline, in one run: both lines' figures and the ratios", runCompare},
	{"burst", "a national-scale evening (--villages × --households): reminders from due to queued and to sent", runBurst},
	{"faults", "20% of replies and pushes fail, SIGKILL twice mid-run; checks exactly-once, replies, pushes, reminders", runFaults},
	{"district-week", "the demo district's week in simulator mode at accelerated time, households tapping", runDistrictWeek},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the command line, runs the scenario and prints its line. It
// returns the exit status: 0 every guarantee held, 1 one broke, 2 the run
// could not be made (bad flags, no binary, the bot did not start).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	name := args[0]
	var sc *scenario
	for i := range scenarios {
		if scenarios[i].name == name {
			sc = &scenarios[i]
		}
	}
	if sc == nil {
		fmt.Fprintf(stderr, "sammachip-load: unknown scenario %q\n\n", name)
		usage(stderr)
		return 2
	}
	fs := flag.NewFlagSet("sammachip-load "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	opt := defaultOptions()
	opt.register(fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	opt.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { opt.set[f.Name] = true })
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sammachip-load: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if err := opt.check(name); err != nil {
		fmt.Fprintln(stderr, "sammachip-load:", err)
		return 2
	}
	r, err := newRunner(opt, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "sammachip-load:", err)
		return 2
	}
	start := time.Now()
	res, err := sc.run(ctx, r)
	cerr := r.close()
	if err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stdout, "%s: ERROR %v\n", name, err)
		r.logf("run took %v; bot logs were in %s", time.Since(start).Round(time.Second), r.keptDir())
		return 2
	}
	verdict := "OK"
	if !res.ok {
		verdict = "FAIL"
	}
	fmt.Fprintf(stdout, "%s: %s %s\n", name, verdict, res.line)
	if !res.ok {
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: sammachip-load SCENARIO [flags]

Runs the real sammachip binary under load and faults against the fake LINE
API, on loopback only, and prints one result line (exit 1: a guarantee
broke; 2: the run could not be made).

scenarios:
`)
	for _, s := range scenarios {
		fmt.Fprintf(w, "  %-14s %s\n", s.name, s.usage)
	}
	fmt.Fprint(w, `
flags (each scenario uses those that concern it; -h after a scenario lists them):
`)
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	fs.SetOutput(w)
	o := defaultOptions()
	o.register(fs)
	fs.PrintDefaults()
}
