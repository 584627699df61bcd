// Command sammachip runs the Sammachip LINE bot and the officers' tools.
//
//	sammachip [serve]   start the bot (the default)
//	sammachip version   print the build's version
//	sammachip officer-code, sammachip import villages FILE.csv
//	                    officers' tools (see cli.go)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"
)

// version is set at build time with -ldflags "-X main.version=…"; without
// it the module's build info is used.
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	getenv, err := withEnvFile(getenv) // envfile.go
	if err != nil {
		fmt.Fprintln(stderr, "sammachip:", err)
		return 2
	}
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(getenv, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "sammachip", buildVersion())
		return 0
	case "help", "-h", "-help", "--help":
		usage(stdout, getenv)
		return 0
	default:
		if isCLICommand(cmd) {
			return runCLI(append([]string{cmd}, args...), cliEnv{getenv: getenv, stdin: os.Stdin, stdout: stdout, stderr: stderr, now: time.Now})
		}
		fmt.Fprintf(stderr, "sammachip: unknown command %q\n\n", cmd)
		usage(stderr, getenv)
		return 2
	}
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		return v
	}
	return "(devel)"
}

func serve(getenv func(string) string, stderr io.Writer) int {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "sammachip:", err)
		return 2
	}
	if err := simulatorGuard(cfg, getenv); err != nil {
		fmt.Fprintln(stderr, "sammachip:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, NewMain(cfg, newLogger(cfg, stderr)), stderr)
}

// serveUntil runs m until ctx is done (SIGTERM or Ctrl-C), then shuts it
// down, saying so in the log: the start of the shutdown, and its end once
// Close has drained what it can (requests in flight, the events being
// handled, and the replies they queued; see bot.Server.Shutdown).
func serveUntil(ctx context.Context, m *Main, stderr io.Writer) int {
	if err := m.Run(ctx); err != nil {
		fmt.Fprintln(stderr, "sammachip:", err)
		_ = m.Close()
		return 1
	}
	<-ctx.Done()
	start := time.Now()
	m.Log.Info("shutting down: no new webhooks; finishing the events in hand and sending their replies")
	if err := m.Close(); err != nil && !errors.Is(err, context.Canceled) {
		m.Log.Error("shutdown did not finish cleanly", "err", err, "took", time.Since(start).Round(time.Millisecond).String())
		fmt.Fprintln(stderr, "sammachip: shutdown:", err)
		return 1
	}
	m.Log.Info("stopped", "took", time.Since(start).Round(time.Millisecond).String())
	return 0
}

// simulatorGuard refuses to run the simulator (which loads demo data) on a
// database named explicitly: on a server whose LINE secrets went missing
// from the environment, that database is the real one. SAMMACHIP_SIMULATOR=1
// lets it go on, but only to Main.Run's own check: the simulator runs only
// on a new, empty file or one it made (storage.ClaimForSimulator).
func simulatorGuard(cfg Config, getenv func(string) string) error {
	if !cfg.Simulator() || strings.TrimSpace(getenv("SAMMACHIP_DB")) == "" || getenv("SAMMACHIP_SIMULATOR") == "1" {
		return nil
	}
	return fmt.Errorf("LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set, so this would start the "+
		"simulator with demo data, but SAMMACHIP_DB names a database (%s) that may be a real one. Set the LINE "+
		"variables (check the environment file), or unset SAMMACHIP_DB to try the simulator on its own database, "+
		"or set SAMMACHIP_SIMULATOR=1 to run the simulator on this file if it is new and empty (or the simulator's own)", cfg.DB)
}

// newLogger logs JSON for a real deployment and readable text for the
// simulator.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	if cfg.Simulator() {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
