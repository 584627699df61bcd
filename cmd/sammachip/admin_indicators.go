package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// `sammachip indicators [--round NAME] [--format text|json]` prints the
// department's indicators (flows/indicators.go) of the current round, or
// of the round named: as text in the CLI's language, or as JSON with
// "district", "villages" (a list) and "by_occupation". In JSON a figure
// there are not enough answers for is null, beside the counts it would be
// over.

const indicatorsUsage = "indicators [--round NAME] [--format text|json]\n" +
	"                             print the indicators (practising households, income, occupation\n" +
	"                             groups) of the district, each village and each occupation type;\n" +
	"                             of the current round, or of another (--round 2570)"

// indicatorsJSON is the JSON `sammachip indicators --format json` prints.
type indicatorsJSON struct {
	Round indicatorsRound `json:"round"`
	// At is when the figures were taken, in the programme's time zone.
	At string `json:"at"`
	*flows.Indicators
}

type indicatorsRound struct {
	ID         int    `json:"id"`
	Name       string `json:"name"`
	FiscalYear int    `json:"fiscal_year,omitempty"`
}

func runIndicators(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	round := fs.String("round", "", "the round, e.g. 2570 (default: the current round)")
	format := fs.String("format", "text", "text, or json")
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+indicatorsUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "sammachip: indicators: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	req := adminRequest{Args: map[string][]string{"format": {*format}}}
	if *round != "" {
		req.Args.Set("round", *round)
	}
	return runRoute(env, "indicators", req, nil)
}

// adminIndicators computes the indicators in one read transaction and
// prints them in the format asked.
func adminIndicators(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	format := strings.ToLower(strings.TrimSpace(req.Args.Get("format")))
	if format == "" {
		format = "text"
	}
	if format != "text" && format != "json" {
		return adminResult{Stderr: env.text(req.Lang, flows.T("indicator.cli.bad_format", "Value", format)) + "\n", Exit: 2}, nil
	}
	now := env.Now()
	var ind *flows.Indicators
	unknown := false
	name := req.Args.Get("round")
	err := env.Store.View(func(tx flows.Tx) error {
		r, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		if name != "" {
			found, ok, err := flows.FindRound(tx, name)
			if err != nil || !ok {
				unknown = err == nil
				return err
			}
			r = found
		}
		ind, err = flows.RoundIndicators(tx, r, now)
		return err
	})
	if unknown {
		return adminResult{Stderr: env.text(req.Lang, flows.T("round.err.unknown", "Name", name)) + "\n", Exit: 2}, nil
	}
	if err != nil {
		return adminResult{}, err
	}
	if format == "json" {
		out := indicatorsJSON{
			Round: indicatorsRound{ID: ind.Round.ID, Name: env.text(req.Lang, flows.RoundName(ind.Round)), FiscalYear: ind.Round.FiscalYear},
			At:    ind.At.Format(time.RFC3339), Indicators: ind,
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return adminResult{}, err
		}
		return adminResult{Stdout: string(b) + "\n"}, nil
	}
	var b strings.Builder
	for _, line := range flows.IndicatorLines(ind) {
		if line.Item {
			b.WriteString("  ")
		}
		b.WriteString(env.text(req.Lang, line.Msg) + "\n")
	}
	return adminResult{Stdout: b.String()}, nil
}
