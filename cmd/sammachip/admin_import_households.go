package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// `sammachip import households FILE`: the district's target households
// from the office's own list (flows/import_households.go). Each new
// household is enrolled on its behalf with a link code, printed for the
// officer to hand on; the codes work until the round ends.

const importHouseholdsUsage = "import households FILE     add the current round's households from the office's list (.csv or\n" +
	"                             .xlsx; columns moo,tambon,house_no,head_name,members,income,phone,\n" +
	"                             occupation_interest or Thai headers; income per person per year,\n" +
	"                             or income_month per household); prints each new household's link code"

func runImportHouseholds(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("import households", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+importHouseholdsUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(env.stderr, "sammachip: import households needs one FILE argument\nusage: sammachip %s\n", importHouseholdsUsage)
		return 2
	}
	body, err := readFileArg(fs.Arg(0), env.stdin)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	return runRoute(env, "import/households", adminRequest{Body: body, Args: map[string][]string{}}, nil)
}

// adminImportHouseholds imports a household list: all of it, or nothing
// and every problem by line.
func adminImportHouseholds(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	var codes []flows.ImportedCode
	res, err := runImport(env, req, func(tx flows.Tx) (flows.ImportReport, error) {
		rep, c, err := env.Engine.ImportHouseholds(tx, bytes.NewReader(req.Body), env.Now(), "cli")
		codes = c
		return rep, err
	})
	if err != nil || res.Exit != 0 || len(codes) == 0 {
		return res, err
	}
	var b strings.Builder
	b.WriteString(env.text(req.Lang, flows.T("import.cli.codes", "Date", locales.DateYear(codes[0].Until.Add(-1).In(env.Now().Location())))))
	b.WriteString("\n")
	for _, c := range codes {
		b.WriteString("  " + env.text(req.Lang, flows.T("import.cli.code", "Moo", c.Village.Moo, "Village", c.Village.Name,
			"House", c.HouseNo, "Name", c.HeadName, "Code", c.Code)) + "\n")
	}
	res.Stdout += b.String()
	return res, nil
}
