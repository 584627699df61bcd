package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// `sammachip backup FILE` copies the database while the server keeps
// serving (bbolt's hot backup, streamed over the admin socket), or from the
// file itself when no server runs. The copy is written beside FILE, checked
// with storage.CheckFile (a copy of it migrated to this build's schema,
// every record decoded by checkRecord), and only then renamed into place:
// a backup that exists is a backup that restores.
//
// `sammachip restore FILE` checks FILE the same way, then replaces the
// database with it, keeping the old one beside it. It refuses while a
// server runs: restoring under a running server would lose what it writes.
// A server starting during a restore waits for it (the lock file, see
// storage.LockPath).

const backupUsage = "backup FILE                 copy the database (while the server runs, too); the copy is\n" +
	"                             checked before it is kept"

const restoreUsage = "restore FILE                replace the database with a backup, after checking it (stop\n" +
	"                             the server first; the old database is kept beside it)"

// backupTimeout bounds a backup; a district's database copies in seconds.
const backupTimeout = 10 * time.Minute

// serveBackup streams a hot backup of the running server's database.
func serveBackup(env adminEnv, w http.ResponseWriter) {
	if env.Backup == nil {
		writeAdmin(w, http.StatusNotImplemented, adminResult{Stderr: "backup is not available in this server\n", Exit: 1})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if _, err := env.Backup(w); err != nil {
		// The status is sent; a cut stream fails the CLI's check of the copy.
		return
	}
}

// fileCommand checks that a command got exactly one FILE argument and
// loads the configuration; ok is false when it has said why not.
func fileCommand(args []string, usageLine string, env cliEnv) (Config, bool) {
	if len(args) != 1 || args[0] == "" || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(env.stderr, "usage: sammachip "+usageLine)
		return Config{}, false
	}
	cfg, err := LoadConfig(env.getenv)
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return Config{}, false
	}
	return cfg, true
}

func runBackup(args []string, env cliEnv) int {
	cfg, ok := fileCommand(args, backupUsage, env)
	if !ok {
		return 2
	}
	lang := cliLang(env.getenv)
	cat := locales.MustLoad()
	out, err := filepath.Abs(args[0])
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), backupTimeout)
	defer cancel()
	tmp, err := os.CreateTemp(filepath.Dir(out), ".sammachip-backup-*")
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	defer os.Remove(tmp.Name())
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		fmt.Fprintln(env.stderr, "sammachip:", err)
		return 1
	}
	err = streamBackup(ctx, adminSocketPath(cfg.DB), tmp)
	var noServer *noServerError
	if errors.As(err, &noServer) {
		err = directBackup(cfg.DB, tmp)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip: backup:", err)
		return 1
	}
	info, err := storage.CheckFile(tmp.Name(), storageOptions(cfg, nil))
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip: backup: the copy does not check out:", err)
		return 1
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		fmt.Fprintln(env.stderr, "sammachip: backup:", err)
		return 1
	}
	fmt.Fprintln(env.stdout, cat.MustText(lang, "cli.backup.done", map[string]any{
		"File": out, "Size": locales.Number(info.Size), "Version": int(info.SchemaVersion)}))
	return 0
}

// streamBackup asks the server on sock for a hot backup and writes it to w.
func streamBackup(ctx context.Context, sock string, w io.Writer) error {
	client := adminClient(sock)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://sammachip/v1/backup", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		var noServer *noServerError
		if errors.As(err, &noServer) {
			return noServer
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" {
		return fmt.Errorf("the server answered %s (is it the same version as this command?)", resp.Status)
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// directBackup copies the database file when no server runs, opening it
// read-only (a backup never changes or migrates the database).
func directBackup(path string, w io.Writer) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no database at %s: %w", path, err)
	}
	db, err := storage.Open(path, storage.Options{ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Backup(w)
	return err
}

func runRestore(args []string, env cliEnv) int {
	cfg, ok := fileCommand(args, restoreUsage, env)
	if !ok {
		return 2
	}
	lang := cliLang(env.getenv)
	cat := locales.MustLoad()
	say := func(key string, kv map[string]any) string { return cat.MustText(lang, key, kv) }
	if c, err := net.DialTimeout("unix", adminSocketPath(cfg.DB), adminDialTimeout); err == nil {
		c.Close()
		fmt.Fprintln(env.stderr, "sammachip: "+say("cli.restore.running", nil))
		return 1
	}
	info, err := storage.Restore(args[0], cfg.DB, storageOptions(cfg, nil))
	if err != nil {
		fmt.Fprintln(env.stderr, "sammachip: "+restoreProblem(say, err))
		return 1
	}
	fmt.Fprintln(env.stdout, say("cli.restore.checked", map[string]any{"File": args[0], "Version": int(info.SchemaVersion),
		"Households": info.Households(), "Sages": info.Sages(), "Villages": info.Villages()}))
	fmt.Fprintln(env.stdout, say("cli.restore.done", map[string]any{"DB": cfg.DB}))
	return 0
}

func restoreProblem(say func(string, map[string]any) string, err error) string {
	var rec *storage.RecordError
	switch {
	case errors.As(err, &rec):
		return say("cli.restore.bad_record", map[string]any{"Count": rec.Count, "Bucket": rec.Bucket, "Key": rec.KeyHash})
	case errors.Is(err, storage.ErrRestoring):
		return say("cli.restore.busy", nil)
	case errors.Is(err, storage.ErrLocked):
		return say("cli.restore.running", nil)
	case errors.Is(err, storage.ErrNotDatabase):
		return say("cli.restore.not_database", nil)
	case errors.Is(err, storage.ErrDamaged):
		return say("cli.restore.damaged", nil)
	case errors.Is(err, storage.ErrNewerSchema):
		return say("cli.restore.newer", nil)
	}
	return err.Error()
}
