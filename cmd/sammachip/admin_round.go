package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Villages and rounds from the command line: `import villages [--update]`,
// `round list`, `round start [--yes] NAME`.

const (
	importVillagesUsage = "import villages [--update] FILE.csv\n" +
		"                             add or update this round's villages from a CSV file (columns\n" +
		"                             moo,name,tambon,occupation,capacity or Thai headers); a row is\n" +
		"                             matched by tambon + moo; --update allows changing villages in use"
	roundListUsage  = "round list                 list the rounds of the programme; * marks the current one"
	roundStartUsage = "round start [--yes] NAME   start a new round (a fiscal year such as 2571, or a name);\n" +
		"                             without --yes it only says what it will do"
)

func runImportVillages(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("import villages", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	update := fs.Bool("update", false, "allow changing a village that already has a team, households or days")
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+importVillagesUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(env.stderr, "sammachip: import villages needs one FILE argument\nusage: sammachip %s\n", importVillagesUsage)
		return 2
	}
	body, err := readFileArg(fs.Arg(0), env.stdin)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	req := adminRequest{Body: body, Args: map[string][]string{}}
	if *update {
		req.Args.Set("update", "1")
	}
	return runRoute(env, "import/villages", req, nil)
}

// readFileArg reads a FILE argument: "-" is standard input.
func readFileArg(name string, stdin io.Reader) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(stdin, maxAdminBody))
	}
	return os.ReadFile(name)
}

// adminImportVillages imports a villages CSV file: all of it, or nothing
// and every problem by line.
func adminImportVillages(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	return runImport(env, req, func(tx flows.Tx) (flows.ImportReport, error) {
		return flows.ImportVillages(tx, bytes.NewReader(req.Body), env.Now(), "cli", req.Args.Get("update") == "1")
	})
}

func runRoundList(args []string, env cliEnv) int {
	if len(args) != 0 {
		fmt.Fprintln(env.stderr, "usage: sammachip "+roundListUsage)
		return 2
	}
	return runRoute(env, "round/list", adminRequest{Args: map[string][]string{}}, nil)
}

func runRoundStart(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("round start", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	yes := fs.Bool("yes", false, "start the round (without it, only say what would happen)")
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+roundStartUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	name := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if name == "" {
		fs.Usage()
		return 2
	}
	req := adminRequest{Args: map[string][]string{"name": {name}}}
	if *yes {
		req.Args.Set("yes", "1")
	}
	return runRoute(env, "round/start", req, nil)
}

// adminRoundList prints the rounds, the current one marked.
func adminRoundList(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	var b strings.Builder
	err := env.Store.View(func(tx flows.Tx) error {
		rounds, err := flows.ListRounds(tx)
		if err != nil {
			return err
		}
		cur, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		if len(rounds) == 0 {
			b.WriteString(env.text(req.Lang, flows.T("round.list.empty")) + "\n")
			return nil
		}
		for _, r := range rounds {
			vs, err := flows.RoundVillages(tx, r.ID)
			if err != nil {
				return err
			}
			mark := " "
			if r.ID == cur.ID {
				mark = "*"
			}
			fmt.Fprintf(&b, "%s %s\n", mark, env.text(req.Lang, flows.T("round.list.row", "Name", flows.RoundName(r).Ref(),
				"Villages", len(vs), "Started", locales.DateYear(r.Started))))
		}
		return nil
	})
	return adminResult{Stdout: b.String()}, err
}

// adminRoundStart starts a round (yes=1) or says what starting it would do.
func adminRoundStart(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	name, yes := req.Args.Get("name"), req.Args.Get("yes") == "1"
	var out flows.Msg
	err := env.Store.Update(func(tx flows.Tx) error {
		if !yes {
			p, err := flows.PlanRound(tx, name, env.Now())
			if err != nil {
				return err
			}
			out = flows.T("round.cli.plan", "From", flows.RoundName(p.From).Ref(), "To", flows.RoundName(p.To).Ref(),
				"Villages", p.Villages, "Running", p.Running)
			return nil
		}
		r, err := flows.StartRound(tx, name, env.Now(), "cli")
		if err != nil {
			return err
		}
		out = flows.T("round.cli.started", "Name", flows.RoundName(r).Ref())
		return nil
	})
	var fe *flows.Error
	if errors.As(err, &fe) && fe.Key != "" {
		return adminResult{Stderr: env.text(req.Lang, flows.T(fe.Key)) + "\n", Exit: 1}, nil
	}
	if err != nil {
		return adminResult{}, err
	}
	return adminResult{Stdout: env.text(req.Lang, out) + "\n"}, nil
}
