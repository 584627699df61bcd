package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// `sammachip import schedule [--correction] FILE.csv` and
// `sammachip reminders --at "2026-12-07 18:00"`.

const importScheduleUsage = "import schedule [--correction] FILE.csv\n" +
	"                             set programme days from a CSV file (columns moo,day,date,start,\n" +
	"                             end,place,destination,meeting_point,departure,bring); --correction\n" +
	"                             allows dates in the past"

const remindersUsage = "reminders --at \"2026-12-07 18:00\"\n" +
	"                             show what would be sent at that moment, and to whom, without sending"

// adminImportSchedule imports a schedule: all rows or none.
func adminImportSchedule(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	var notices []flows.Msg // who hears of the changes, and when (flows/notices.go)
	res, err := runImport(env, req, func(tx flows.Tx) (flows.ImportReport, error) {
		rep, err := env.Engine.ImportSchedule(tx, bytes.NewReader(req.Body), env.Now(), "", req.Args.Get("past") == "1")
		if err == nil {
			notices, err = env.Engine.NoticeForecasts(tx, env.Now())
		}
		return rep, err
	})
	for _, m := range notices {
		res.Stdout += env.text(req.Lang, m) + "\n"
	}
	return res, err
}

// runImport runs one import in one transaction and answers with its
// report, or with every problem by line (and nothing imported).
func runImport(env adminEnv, req adminRequest, imp func(flows.Tx) (flows.ImportReport, error)) (adminResult, error) {
	var rep flows.ImportReport
	err := env.Store.Update(func(tx flows.Tx) error {
		var err error
		rep, err = imp(tx)
		return err
	})
	if res, ok := importProblems(env, req.Lang, err); ok {
		return res, nil
	}
	if err != nil {
		return adminResult{}, err
	}
	return adminResult{Stdout: env.text(req.Lang, rep.Msg()) + "\n"}, nil
}

func runImportSchedule(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("import schedule", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	correction := fs.Bool("correction", false, "allow dates in the past (correcting the record)")
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+importScheduleUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	var body []byte
	var err error
	if name := fs.Arg(0); name == "-" {
		body, err = io.ReadAll(io.LimitReader(env.stdin, maxAdminBody))
	} else {
		body, err = os.ReadFile(name)
	}
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	req := adminRequest{Body: body, Args: map[string][]string{}}
	if *correction {
		req.Args.Set("past", "1")
	}
	return runRoute(env, "import/schedule", req, nil)
}

// runRoute runs a route through the server or the database, prints its
// answer and returns the exit status. prepare, when set, completes the
// request from the configuration (e.g. reading a time in the programme's
// zone).
func runRoute(env cliEnv, route string, req adminRequest, prepare func(cfg Config, req *adminRequest) error) int {
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 2
	}
	if prepare != nil {
		if err := prepare(cfg, &req); err != nil {
			fmt.Fprintln(env.stderr, "sammachip:", err)
			return 2
		}
	}
	req.Lang = cliLang(env.getenv)
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	res, err := dispatchAdmin(ctx, cfg, route, req, env.now)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	fmt.Fprint(env.stdout, res.Stdout)
	fmt.Fprint(env.stderr, res.Stderr)
	return res.Exit
}

func runReminders(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("reminders", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	at := fs.String("at", "", `the moment, "2006-01-02 15:04" in the programme's time zone (or Thai "7/12/2569 18:00")`)
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+remindersUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *at == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	return runRoute(env, "reminders", adminRequest{Args: map[string][]string{}}, func(cfg Config, req *adminRequest) error {
		t, err := parseMoment(*at, cfg.Location)
		if err != nil {
			return err
		}
		req.Args.Set("at", t.Format(time.RFC3339))
		return nil
	})
}

// parseMoment reads "2026-12-07 18:00" or "7/12/2569 18:00" in loc.
func parseMoment(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexAny(s, " T")
	if i < 0 {
		return time.Time{}, fmt.Errorf("--at %q: expected a date and a time, e.g. \"2026-12-07 18:00\"", s)
	}
	date, okd := locales.ParseDate(s[:i])
	clock, okc := locales.ParseClock(s[i+1:])
	if !okd || !okc {
		return time.Time{}, fmt.Errorf("--at %q: expected a date and a time, e.g. \"2026-12-07 18:00\"", s)
	}
	return time.ParseInLocation("2006-01-02 15:04", date+" "+clock, loc)
}

// adminReminders lists what a tick at the given moment would send: each
// reminder, how it goes (multicast, push to a group), and to whom by name.
// It reads only: nothing is sent or recorded.
func adminReminders(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	at, err := time.Parse(time.RFC3339, req.Args.Get("at"))
	if err != nil {
		return adminResult{Stderr: "sammachip: reminders: bad --at\n", Exit: 2}, nil
	}
	at = at.In(env.Now().Location())
	var b strings.Builder
	t := func(key string, kv ...any) string { return env.text(req.Lang, flows.T(key, kv...)) }
	err = env.Store.View(func(tx flows.Tx) error {
		if env.Engine.Quiet(at) {
			b.WriteString(t("cli.reminders.quiet", "Time", locales.DateYear(at), "Clock", locales.Clock(at)) + "\n")
			return nil
		}
		due, err := env.Engine.Due(tx, at)
		if err != nil {
			return err
		}
		// Only what would be sent is counted and listed first; what the
		// tick would record without sending (skipped, nothing to report)
		// follows under its own heading.
		var sending, unsent []flows.Reminder
		for _, r := range due {
			switch {
			case r.Obsolete:
			case r.Skip || len(r.Sends) == 0:
				unsent = append(unsent, r)
			default:
				sending = append(sending, r)
			}
		}
		what := func(r flows.Reminder) string {
			return t("cli.reminders.kind."+r.Kind, "Village", flows.VillageShort(tx, r.Village).Ref(), "Day", r.Day)
		}
		head := "cli.reminders.head"
		switch len(sending) {
		case 0:
			head = "cli.reminders.none"
		case 1:
			head = "cli.reminders.head_one"
		}
		b.WriteString(t(head, "Time", locales.DateYear(at), "Clock", locales.Clock(at), "Count", len(sending)) + "\n")
		for _, r := range sending {
			b.WriteString("  • " + what(r) + "\n")
			for _, s := range r.Sends {
				var names []string
				for _, id := range s.To {
					names = append(names, flows.DisplayName(tx, id))
				}
				how := "cli.reminders.multicast"
				switch {
				case s.Group:
					how = "cli.reminders.group"
				case len(s.To) == 1:
					how = "cli.reminders.multicast_one"
				}
				b.WriteString("      " + t(how, "Count", len(s.To), "Lang", string(s.Lang)) + ": " + strings.Join(names, ", ") + "\n")
				if len(s.Replies) > 0 {
					first := s.Replies[0]
					line := env.text(s.Lang, first.Text)
					if first.Title != nil {
						line = env.text(s.Lang, *first.Title) + " — " + line
					}
					b.WriteString("      “" + strings.ReplaceAll(line, "\n", " ") + "”\n")
				}
			}
		}
		if len(unsent) > 0 {
			b.WriteString(t("cli.reminders.unsent") + "\n")
		}
		for _, r := range unsent {
			why := "cli.reminders.nothing"
			if r.Skip {
				why = "cli.reminders.skip"
			}
			b.WriteString("  • " + what(r) + " — " + t(why) + "\n")
		}
		return nil
	})
	if err != nil {
		return adminResult{}, err
	}
	return adminResult{Stdout: b.String()}, nil
}
