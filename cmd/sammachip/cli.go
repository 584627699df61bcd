package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// cliCommand is an officers' tool run from the command line through the
// admin route (admin.go).
type cliCommand struct {
	// Words are the command line's words before any argument.
	Words []string
	// Route names the handler in adminCommands.
	Route string
	// File, when set, takes one FILE argument ("-" for standard input) sent
	// as the request body.
	File bool
	// Usage is its syntax and, after a run of spaces, its description in
	// English, for its own usage errors; `sammachip help` takes the syntax
	// from it and the description from the catalog (help.go: helpKey).
	Usage string
	// Run, when set, runs a command that reads its own arguments (flags)
	// instead of the generic FILE handling; it still calls Route through
	// callAdmin and runDirect.
	Run func(args []string, env cliEnv) int
}

// cliCommands are the tools; adding one is a line here and a handler in
// adminCommands.
var cliCommands = []cliCommand{
	{Words: []string{"officer-code"}, Route: "officer-code",
		Usage: "officer-code               print a single-use officer code, valid 24 hours"},
	{Words: []string{"import", "villages"}, Route: "import/villages", Run: runImportVillages, Usage: importVillagesUsage}, // admin_round.go
	{Words: []string{"round", "list"}, Route: "round/list", Run: runRoundList, Usage: roundListUsage},                     // admin_round.go
	{Words: []string{"round", "start"}, Route: "round/start", Run: runRoundStart, Usage: roundStartUsage},                 // admin_round.go
	{Words: []string{"import", "schedule"}, Route: "import/schedule", Run: runImportSchedule, Usage: importScheduleUsage}, // admin_schedule.go
	{Words: []string{"reminders"}, Route: "reminders", Run: runReminders, Usage: remindersUsage},                          // admin_schedule.go
	{Words: []string{"backup"}, Route: "backup", Run: runBackup, Usage: backupUsage},                                      // admin_backup.go
	{Words: []string{"restore"}, Route: "restore", Run: runRestore, Usage: restoreUsage},                                  // admin_backup.go
	{Words: []string{"export"}, Route: "export", Run: runExport, Usage: exportUsage},                                      // admin_export.go
	{Words: []string{"indicators"}, Route: "indicators", Run: runIndicators, Usage: indicatorsUsage},                      // admin_indicators.go
	{Words: []string{"richmenu", "apply"}, Route: "richmenu/apply", Usage: richMenuApplyUsage},
	{Words: []string{"compact"}, Route: "compact", Usage: compactUsage}, // admin_compact.go
	{Words: []string{"import", "households"}, Route: "import/households", Run: runImportHouseholds,
		Usage: importHouseholdsUsage}, // admin_import_households.go
}

// CLI timeouts: connecting to a running server must be quick (a server
// that is not there is the common case), the command itself may take a
// while (a large import).
const (
	adminDialTimeout = 2 * time.Second
	adminTimeout     = 30 * time.Second
	// maxAdminAnswer bounds a server's answer: room for an exported
	// report (adminResult.File) in the JSON.
	maxAdminAnswer = 64 << 20
)

// isCLICommand reports whether word starts one of cliCommands.
func isCLICommand(word string) bool {
	for _, c := range cliCommands {
		if c.Words[0] == word {
			return true
		}
	}
	return false
}

// cliEnv is what a CLI run depends on; tests replace parts of it.
type cliEnv struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	// now is the clock used when the CLI opens the database itself.
	now func() time.Time
}

// runCLI runs an officers' tool: through the running server's admin
// socket, or, when no server answers, on the database directly. It returns
// the exit status.
func runCLI(args []string, env cliEnv) int {
	cmd, rest, ok := findCLICommand(args)
	if !ok {
		fmt.Fprintf(env.stderr, "sammachip: unknown command %q\n\n", strings.Join(args, " "))
		usage(env.stderr, env.getenv)
		return 2
	}
	if cmd.Run != nil {
		return cmd.Run(rest, env)
	}
	var body []byte
	switch {
	case cmd.File && len(rest) != 1:
		fmt.Fprintf(env.stderr, "sammachip: %s needs one FILE argument\nusage: sammachip %s\n", strings.Join(cmd.Words, " "), cmd.Usage)
		return 2
	case !cmd.File && len(rest) != 0:
		fmt.Fprintf(env.stderr, "sammachip: %s takes no arguments\n", strings.Join(cmd.Words, " "))
		return 2
	case cmd.File:
		var err error
		if rest[0] == "-" {
			body, err = io.ReadAll(io.LimitReader(env.stdin, maxAdminBody))
		} else {
			body, err = os.ReadFile(rest[0])
		}
		if err != nil {
			fmt.Fprintln(env.stderr, "sammachip:", err)
			return 1
		}
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 2
	}
	req := adminRequest{Lang: cliLang(env.getenv), Body: body}
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()

	res, err := dispatchAdmin(ctx, cfg, cmd.Route, req, env.now)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	fmt.Fprint(env.stdout, res.Stdout)
	fmt.Fprint(env.stderr, res.Stderr)
	return res.Exit
}

func findCLICommand(args []string) (cliCommand, []string, bool) {
	for _, c := range cliCommands {
		if len(args) >= len(c.Words) && equalWords(args[:len(c.Words)], c.Words) {
			return c, args[len(c.Words):], true
		}
	}
	return cliCommand{}, nil, false
}

func equalWords(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cliLang is the language the tools print in: SAMMACHIP_LANG, else the
// terminal's locale (LC_ALL, LANG), else Thai.
func cliLang(getenv func(string) string) locales.Lang {
	for _, k := range []string{"SAMMACHIP_LANG", "LC_ALL", "LANG"} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return locales.ParseLang(v)
		}
	}
	return locales.Thai
}

// noServerError means no server answered on the admin socket: the CLI may
// open the database itself.
type noServerError struct{ err error }

func (e *noServerError) Error() string { return "no server on the admin socket: " + e.err.Error() }
func (e *noServerError) Unwrap() error { return e.err }

// adminClient talks HTTP over the admin socket; a failed dial is a
// *noServerError, so that callers can fall back to the database itself.
func adminClient(sock string) *http.Client {
	dialer := net.Dialer{Timeout: adminDialTimeout}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := dialer.DialContext(ctx, "unix", sock)
			if err != nil {
				return nil, &noServerError{err}
			}
			return c, nil
		},
		DisableKeepAlives: true,
	}}
}

// callAdmin runs route on the server listening at sock.
func callAdmin(ctx context.Context, sock, route string, req adminRequest) (adminResult, error) {
	client := adminClient(sock)
	q := url.Values{}
	for k, v := range req.Args {
		q[k] = v
	}
	q.Set("lang", string(req.Lang))
	u := "http://sammachip/v1/" + route + "?" + q.Encode()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(req.Body))
	if err != nil {
		return adminResult{}, err
	}
	hreq.Header.Set("Content-Type", "application/octet-stream")
	resp, err := client.Do(hreq)
	if err != nil {
		var noServer *noServerError
		if errors.As(err, &noServer) {
			return adminResult{}, noServer
		}
		return adminResult{}, fmt.Errorf("admin socket %s: %w", sock, err)
	}
	defer resp.Body.Close()
	var res adminResult
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAdminAnswer)).Decode(&res); err != nil {
		return adminResult{}, fmt.Errorf("admin socket %s: bad answer (HTTP %d): %w", sock, resp.StatusCode, err)
	}
	return res, nil
}

// dispatchAdmin runs route on the running server, or on the database
// itself when no server answers.
func dispatchAdmin(ctx context.Context, cfg Config, route string, req adminRequest, now func() time.Time) (adminResult, error) {
	res, err := callAdmin(ctx, adminSocketPath(cfg.DB), route, req)
	var noServer *noServerError
	if errors.As(err, &noServer) {
		return runDirect(ctx, cfg, route, req, now)
	}
	return res, err
}

// runDirect runs route on the database itself, when no server runs. If
// another process holds the database (and did not answer on the socket),
// it fails with a clear message after storage's lock timeout. It never
// creates a database: a mistyped SAMMACHIP_DB must not look like success.
func runDirect(ctx context.Context, cfg Config, route string, req adminRequest, now func() time.Time) (adminResult, error) {
	fn := adminCommands[route]
	if fn == nil {
		return adminResult{}, fmt.Errorf("no admin command %q", route)
	}
	if _, err := os.Stat(cfg.DB); errors.Is(err, os.ErrNotExist) {
		// Creating an empty database here would make a code nobody can use.
		return adminResult{}, fmt.Errorf("there is no database at %s and no server answered on %s: "+
			"check SAMMACHIP_DB (it must be the server's), or start the server once to create it", cfg.DB, adminSocketPath(cfg.DB))
	}
	db, err := storage.Open(cfg.DB, storageOptions(cfg, nil))
	if errors.Is(err, storage.ErrLocked) {
		return adminResult{}, fmt.Errorf("the database %s is in use by another process, and no server answered on %s: "+
			"if a sammachip server is running, check that it uses the same SAMMACHIP_DB and is the same version; "+
			"otherwise wait for the other command to finish and try again", cfg.DB, adminSocketPath(cfg.DB))
	}
	if err != nil {
		return adminResult{}, err
	}
	defer db.Close()
	cat, err := locales.Load()
	if err != nil {
		return adminResult{}, err
	}
	env := adminEnv{
		Store:   db,
		Engine:  flows.NewEngine(cfg.EngineConfig(cat)),
		Catalog: cat,
		Now:     func() time.Time { return now().In(cfg.Location) },
		Compact: db.Compact,
	}
	if env.RichMenus, err = newRichMenus(cfg.AccessToken, cfg.APIEndpoint, cfg.DataEndpoint, db, cat, env.Now, nil, nil); err != nil {
		return adminResult{}, err
	}
	return fn(ctx, env, req)
}
