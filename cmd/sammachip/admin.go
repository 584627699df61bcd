package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sammachip/sammachip/bot/richmenu"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// The admin route lets the command-line tools (officer-code, import, …)
// work while the server runs: bbolt lets one process hold the database, so
// the running server listens on a Unix socket next to it (<db>.sock, mode
// 0600) and runs the commands itself. When no server answers, the CLI opens
// the database and runs the very same handler (cli.go).
//
// The protocol is tiny: POST /v1/<command>?lang=th with the command's
// input as the body (a CSV file, or nothing); the answer is an adminResult
// as JSON. Adding a command is one entry in adminCommands and one in
// cliCommands.

// adminRequest is one command's input.
type adminRequest struct {
	// Lang is the language to print in.
	Lang locales.Lang
	// Body is the command's input, e.g. the CSV file to import.
	Body []byte
	// Args are the command's options (e.g. at= for the reminder preview),
	// sent as query parameters.
	Args url.Values
}

// adminResult is what the CLI prints and its exit status. A command that
// refuses its input (an import with bad rows) says why in Stderr with a
// non-zero Exit; that is no error of the handler.
type adminResult struct {
	Stdout string `json:"stdout,omitempty"`
	Stderr string `json:"stderr,omitempty"`
	Exit   int    `json:"exit"`
	// File is a file the command made for the CLI to write (an export),
	// base64 in the JSON.
	File []byte `json:"file,omitempty"`
}

// adminEnv is what a command works with: the same in the running server
// and in the CLI's direct open.
type adminEnv struct {
	Store   flows.Store
	Engine  *flows.Engine
	Catalog *locales.Catalog
	// Now is the programme clock, in the programme's time zone.
	Now func() time.Time
	// Backup writes a hot backup of the database (admin_backup.go); nil
	// where there is none to take.
	Backup func(w io.Writer) (int64, error)
	// RichMenus applies the rich menus at LINE (admin_richmenu.go); nil
	// without a LINE channel to apply them to.
	RichMenus *richmenu.Manager
	// Compact compacts the database (admin_compact.go).
	Compact func() (storage.CompactResult, error)
}

// adminFunc runs one admin command. Its error is internal (the store
// failed); the CLI prints it and exits 1.
type adminFunc func(ctx context.Context, env adminEnv, req adminRequest) (adminResult, error)

// adminCommands are the admin commands by route name.
var adminCommands = map[string]adminFunc{
	"officer-code":    adminOfficerCode,
	"import/villages": adminImportVillages,
	"import/schedule": adminImportSchedule, // admin_schedule.go
	"round/list":      adminRoundList,      // admin_round.go
	"round/start":     adminRoundStart,     // admin_round.go
	"reminders":       adminReminders,      // admin_schedule.go
	"export":          adminExport,         // admin_export.go
	"indicators":      adminIndicators,     // admin_indicators.go
	"richmenu/apply":  adminRichMenuApply,
	"compact":         adminCompact, // admin_compact.go

	"import/households": adminImportHouseholds, // admin_import_households.go
}

// maxAdminBody bounds a request body (an imported file and some room).
const maxAdminBody = flows.MaxImportSize + 1<<20

func (env adminEnv) text(lang locales.Lang, m flows.Msg) string {
	return env.Catalog.MustText(lang, m.Key, m.Args)
}

// adminOfficerCode makes a single-use officer code. The code alone goes to
// stdout (for scripts); what to do with it goes to stderr.
func adminOfficerCode(_ context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	var oc flows.OfficerCode
	err := env.Store.Update(func(tx flows.Tx) error {
		var err error
		oc, err = env.Engine.IssueOfficerCode(tx, env.Now(), flows.CodeByCLI)
		return err
	})
	if err != nil {
		return adminResult{}, err
	}
	exp := oc.Expires.In(env.Now().Location())
	note := env.text(req.Lang, flows.T("officer.cli.code", "UntilDate", locales.DateYear(exp), "UntilTime", locales.Clock(exp)))
	return adminResult{Stdout: oc.Code + "\n", Stderr: note + "\n"}, nil
}

// importProblems turns an *flows.ImportError into the list printed for
// the officer, one problem a line.
func importProblems(env adminEnv, lang locales.Lang, err error) (adminResult, bool) {
	var ie *flows.ImportError
	if !errors.As(err, &ie) {
		return adminResult{}, false
	}
	var b strings.Builder
	b.WriteString(env.text(lang, flows.T("import.failed", "Count", len(ie.Lines))))
	b.WriteString("\n")
	for _, l := range ie.Lines {
		b.WriteString("  " + env.text(lang, l.Msg()) + "\n")
	}
	return adminResult{Stderr: b.String(), Exit: 1}, true
}

// adminSocketPath is where the admin socket of the database at db lives.
func adminSocketPath(db string) string { return db + ".sock" }

// maxSocketPath is the longest path a Unix socket may have (sun_path
// holds 104 bytes on BSDs, 108 on Linux, with the final NUL).
const maxSocketPath = 103

// adminServer serves adminCommands on the Unix socket.
type adminServer struct {
	path   string
	info   os.FileInfo // the socket file as created, to remove only ours
	ln     net.Listener
	srv    *http.Server
	served chan error
}

// startAdmin listens on the socket at path and serves commands with env.
// The caller holds the database, so no other server can be using path: a
// socket file left there by a crash is replaced. The socket is created in
// a private directory, made 0600, then moved into place, so no other user
// can connect to it even for a moment.
func startAdmin(path string, env adminEnv, log *slog.Logger) (*adminServer, error) {
	if len(path) > maxSocketPath {
		return nil, fmt.Errorf("admin socket %s: path longer than %d bytes; put SAMMACHIP_DB in a shorter directory", path, maxSocketPath)
	}
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket == 0 {
		return nil, fmt.Errorf("admin socket %s: a file that is not a socket is in the way", path)
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), ".sammachip-admin-")
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("admin socket: %w", err)
	}
	a := &adminServer{path: path, info: info, ln: ln, served: make(chan error, 1)}
	a.srv = &http.Server{Handler: adminHandler(env, log), ReadHeaderTimeout: 10 * time.Second}
	go func() { a.served <- a.srv.Serve(ln) }()
	return a, nil
}

// Close stops serving, letting a command in progress finish, and removes
// the socket file.
func (a *adminServer) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := a.srv.Shutdown(ctx)
	if serr := <-a.served; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	if fi, statErr := os.Lstat(a.path); statErr == nil && os.SameFile(fi, a.info) {
		if rmErr := os.Remove(a.path); rmErr != nil && err == nil {
			err = rmErr
		}
	}
	return err
}

// adminHandler answers POST /v1/<command>.
func adminHandler(env adminEnv, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/v1/")
		fn := adminCommands[name]
		switch {
		case !ok || (fn == nil && name != "backup"):
			writeAdmin(w, http.StatusNotFound, adminResult{Stderr: fmt.Sprintf("unknown admin command %q (is the server the same version as this command?)\n", r.URL.Path), Exit: 2})
			return
		case r.Method != http.MethodPost:
			writeAdmin(w, http.StatusMethodNotAllowed, adminResult{Stderr: "use POST\n", Exit: 2})
			return
		case name == "backup":
			serveBackup(env, w) // a stream, not JSON
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAdminBody))
		if err != nil {
			writeAdmin(w, http.StatusRequestEntityTooLarge, adminResult{Stderr: fmt.Sprintf("input too large (at most %d MiB)\n", maxAdminBody>>20), Exit: 1})
			return
		}
		q := r.URL.Query()
		req := adminRequest{Lang: locales.ParseLang(q.Get("lang")), Body: body, Args: q}
		res, err := fn(r.Context(), env, req)
		if err != nil {
			log.Error("admin command failed", "command", name, "err", err)
			writeAdmin(w, http.StatusInternalServerError, adminResult{Stderr: "sammachip: " + err.Error() + "\n", Exit: 1})
			return
		}
		writeAdmin(w, http.StatusOK, res)
	})
}

func writeAdmin(w http.ResponseWriter, status int, res adminResult) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(res)
}
