package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// `sammachip export --format xlsx|csv --out FILE` writes the district
// office's report: the sage registry with teams, the households, the
// attendance matrix, the progress per village, the indicators and the
// follow-ups (bot/report). XLSX is one workbook with a sheet per table;
// csv is a ZIP of one CSV file per table (UTF-8 with a byte-order mark).
// The server makes the file (through the admin socket while it runs, or
// this process on the database itself) and the CLI writes it: atomically
// (a temporary file renamed into place) and readable by its owner only,
// since it holds personal data.

// exportUsage is the export command's line in `sammachip help`.
const exportUsage = "export --out FILE [--format xlsx|csv|signin] [--village TAMBON/MOO] [--day N] [--lang th|en] [--round NAME]\n" +
	"                             write the district report: an XLSX workbook (default),\n" +
	"                             or with --format csv a ZIP of a CSV file per table (FILE ends in\n" +
	"                             .zip: x.csv is written as x.zip); of the current\n" +
	"                             round, or of an earlier one (--round 2570); --format signin writes\n" +
	"                             the sheets to print (XLSX): a sign-in and a speakers' sheet per\n" +
	"                             village-day with a date, each begun village's attendance record;\n" +
	"                             --village (e.g. โนนสูง/5) and --day (1-5) narrow it"

// adminExport makes the report in the format the request body names
// ("format=xlsx" or "format=csv") and returns it as File, with one line
// per table (its rows) in Stderr.
func adminExport(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	q, err := url.ParseQuery(string(req.Body))
	if err != nil {
		return adminResult{Stderr: "sammachip: export: bad request\n", Exit: 2}, nil
	}
	if q.Get("format") == signinFormat {
		return adminSignin(env, req, q)
	}
	name := cmp.Or(q.Get("format"), string(report.XLSX))
	format, ok := report.ParseFormat(name)
	if !ok {
		return adminResult{Stderr: env.text(req.Lang, flows.T("report.cli.bad_format", "Value", name)) + "\n", Exit: 2}, nil
	}
	now := env.Now()
	var rep *report.Report
	unknown := false
	err = env.Store.View(func(tx flows.Tx) error {
		opt := report.Options{Lang: req.Lang, Catalog: env.Catalog, Engine: env.Engine, Now: now}
		if name := q.Get("round"); name != "" {
			r, ok, err := flows.FindRound(tx, name)
			if err != nil || !ok {
				unknown = err == nil
				return err
			}
			opt.Round = r.ID
		}
		var err error
		rep, err = report.Build(tx, opt)
		return err
	})
	if unknown {
		return adminResult{Stderr: env.text(req.Lang, flows.T("round.err.unknown", "Name", q.Get("round"))) + "\n", Exit: 2}, nil
	}
	if err != nil {
		return adminResult{}, err
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, format); err != nil {
		return adminResult{}, err
	}
	var b strings.Builder
	b.WriteString("  " + env.text(req.Lang, flows.T("round.label")) + ": " + rep.RoundName + "\n")
	for _, t := range rep.Tables {
		b.WriteString("  " + env.text(req.Lang, flows.T("report.cli.rows", "Sheet", t.Title, "Count", locales.Number(len(t.Rows)))) + "\n")
	}
	return adminResult{File: buf.Bytes(), Stderr: b.String()}, nil
}

// runExport is the export command line: it reads its flags, has the
// report made (by the running server, or on the database directly) and
// writes it to --out ("-" for standard output).
func runExport(args []string, env cliEnv) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	format := fs.String("format", string(report.XLSX), "xlsx, csv for a ZIP of a CSV file per table, or signin for the sheets to print")
	out := fs.String("out", "", "the file to write (required); - writes to standard output")
	round := fs.String("round", "", "the round to report on, e.g. 2570 (default: the current round)")
	village, day := signinFlags(fs)
	langFlag := fs.String("lang", "", "th or en: the language of headers and values (default: SAMMACHIP_LANG, LANG, else th)")
	fs.Usage = func() { fmt.Fprintln(env.stderr, "usage: sammachip "+exportUsage) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.stderr, "sammachip: export: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	lang := cliLang(env.getenv)
	if *langFlag != "" {
		lang = locales.ParseLang(*langFlag)
	}
	cat, err := locales.Load()
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	signin := isSignin(*format)
	f, ok := report.ParseFormat(*format)
	if signin {
		f, ok = report.XLSX, true
	}
	if !signin && (*village != "" || *day != "") {
		fmt.Fprintln(env.stderr, "sammachip: "+cat.MustText(lang, "report.signin.cli.only_signin", nil))
		return 2
	}
	if !ok {
		fmt.Fprintln(env.stderr, "sammachip: "+cat.MustText(lang, "report.cli.bad_format", map[string]any{"Value": *format}))
		return 2
	}
	if *out == "" {
		fmt.Fprintln(env.stderr, "sammachip: export needs --out FILE")
		fs.Usage()
		return 2
	}
	if f == report.CSV && *out != "-" {
		name, ok := zipName(*out)
		if !ok {
			fmt.Fprintln(env.stderr, "sammachip: "+cat.MustText(lang, "report.cli.zip_ext", map[string]any{"File": *out}))
			return 2
		}
		if name != *out {
			fmt.Fprintln(env.stderr, cat.MustText(lang, "report.cli.zip_renamed", map[string]any{"File": *out, "Zip": name}))
			*out = name
		}
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 2
	}
	body := url.Values{"format": {string(f)}, "round": {*round}}
	if signin {
		body.Set("format", signinFormat)
		body.Set("village", *village)
		body.Set("day", *day)
	}
	req := adminRequest{Lang: lang, Body: []byte(body.Encode())}
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	res, err := callAdmin(ctx, adminSocketPath(cfg.DB), "export", req)
	var noServer *noServerError
	if errors.As(err, &noServer) {
		res, err = runDirect(ctx, cfg, "export", req, env.now)
	}
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	if res.Exit != 0 {
		fmt.Fprint(env.stderr, res.Stderr)
		return res.Exit
	}
	if len(res.File) == 0 {
		fmt.Fprintln(env.stderr, "sammachip: export: the server sent no file (is it the same version as this command?)")
		return 1
	}
	if *out == "-" {
		if _, err := env.stdout.Write(res.File); err != nil {
			fmt.Fprintln(env.stderr, "sammachip:", err)
			return 1
		}
	} else if err := writeFileAtomic(*out, res.File); err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	fmt.Fprintln(env.stderr, cat.MustText(lang, "report.cli.written", map[string]any{"Format": strings.ToUpper(string(f)), "File": *out}))
	fmt.Fprint(env.stderr, res.Stderr)
	return 0
}

// zipName is the file --format csv writes for --out name: a ZIP, so its
// name ends in .zip. "x.csv" (what people type, expecting a CSV file)
// becomes "x.zip" and a name without an extension gets one; any other
// extension is refused (false), since the file would open as something
// it is not.
func zipName(name string) (string, bool) {
	ext := filepath.Ext(name)
	switch strings.ToLower(ext) {
	case ".zip":
		return name, true
	case ".csv":
		return strings.TrimSuffix(name, ext) + ".zip", true
	case "":
		return name + ".zip", true
	}
	return name, false
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, synced and renamed into place: a reader never sees half a
// file, and a failure leaves what was there before. The file is mode 0600.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	tmp, err := os.CreateTemp(cmp.Or(dir, "."), "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
