package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// cliResult is what one CLI run printed.
type cliResult struct {
	exit           int
	stdout, stderr string
}

// cliRun runs `sammachip args…` as main does, with env plus
// SAMMACHIP_DB=db.
func cliRun(t *testing.T, db string, env map[string]string, args ...string) cliResult {
	t.Helper()
	all := map[string]string{"SAMMACHIP_DB": db}
	for k, v := range env {
		all[k] = v
	}
	var out, errb bytes.Buffer
	code := run(args, func(k string) string { return all[k] }, &out, &errb)
	return cliResult{code, out.String(), errb.String()}
}

// cliRunEnv runs the CLI through runCLI with an injected clock and stdin.
func cliRunEnv(t *testing.T, db string, env map[string]string, now time.Time, stdin string, args ...string) cliResult {
	t.Helper()
	all := map[string]string{"SAMMACHIP_DB": db}
	for k, v := range env {
		all[k] = v
	}
	var out, errb bytes.Buffer
	code := runCLI(args, cliEnv{
		getenv: func(k string) string { return all[k] },
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errb,
		now:    func() time.Time { return now },
	})
	return cliResult{code, out.String(), errb.String()}
}

var cliEnglish = map[string]string{"LANG": "en_US.UTF-8"}

const cliVillages = "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\n7,บ้านหนองบัว,หนองบัว,สานตะกร้า,\n"

func cliWriteFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCLIThroughRunningServer(t *testing.T) {
	h := NewHarness(t)
	sock := adminSocketPath(h.DBPath)
	fi, err := os.Stat(sock)
	if err != nil {
		t.Fatalf("admin socket: %v", err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode %v, want a socket with 0600", fi.Mode())
	}

	// officer-code: the server holds the database, so only the socket can
	// have answered.
	res := cliRun(t, h.DBPath, cliEnglish, "officer-code")
	if res.exit != 0 {
		t.Fatalf("officer-code: exit %d, stderr %q", res.exit, res.stderr)
	}
	code := strings.TrimSpace(res.stdout)
	if n, ok := flows.NormalizeCode(code); !ok || n != code || res.stdout != code+"\n" {
		t.Errorf("stdout %q, want the code alone on a line", res.stdout)
	}
	if !strings.Contains(res.stderr, "Officer code, works once, until Wed 11 Mar 2026 at 09:00") {
		t.Errorf("stderr %q, want what the code is and when it expires", res.stderr)
	}
	// The code works in the chat.
	got := h.User("U1234567890abcdef1234567890abcdef").Say(strings.ToLower(code))
	if !got.Contains(h.Text("officer.code.welcome")) {
		t.Errorf("redeeming got %s, want the welcome", got)
	}

	// import villages: all good, then the same again.
	file := cliWriteFile(t, "villages.csv", cliVillages)
	res = cliRun(t, h.DBPath, cliEnglish, "import", "villages", file)
	if res.exit != 0 || res.stdout != "Imported.\nAdded 2: Moo 5 บ้านโนนสูง, โนนสูง; Moo 7 บ้านหนองบัว, หนองบัว\nUpdated 0: -\nUnchanged 0: -\n" {
		t.Errorf("import: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	res = cliRun(t, h.DBPath, cliEnglish, "import", "villages", file)
	if res.exit != 0 || res.stdout != "Imported.\nAdded 0: -\nUpdated 0: -\nUnchanged 2: Moo 5 บ้านโนนสูง, โนนสูง; Moo 7 บ้านหนองบัว, หนองบัว\n" {
		t.Errorf("second import: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}

	// A bad file: every problem by line, exit 1, nothing imported.
	bad := cliWriteFile(t, "bad.csv", "moo,name,tambon,occupation,capacity\n9,บ้านใหม่,ใหม่,ทอผ้า,20\n10,บ้านไร่,นาดี,ทอผ้า,ยี่สิบ\n")
	res = cliRun(t, h.DBPath, nil, "import", "villages", bad)
	if res.exit != 1 {
		t.Errorf("bad import: exit %d, want 1", res.exit)
	}
	want := "ไม่ได้นำเข้าข้อมูลใดเลยค่ะ เพราะพบปัญหา 1 จุด กรุณาแก้ไฟล์แล้วลองใหม่:\n  แถว 3: จำนวนครัวเรือน “ยี่สิบ” ไม่ถูกต้อง"
	if !strings.HasPrefix(res.stderr, want) {
		t.Errorf("stderr %q, want it to start with %q", res.stderr, want)
	}
	if n := countStored(h, flows.Tx.Villages); n != 2 {
		t.Errorf("%d villages after a bad import, want the 2 from before", n)
	}

	// Stopping the server removes the socket; the CLI then opens the file.
	h.Stop()
	if _, err := os.Lstat(sock); !os.IsNotExist(err) {
		t.Errorf("socket still there after Close: %v", err)
	}
	res = cliRun(t, h.DBPath, cliEnglish, "import", "villages", file)
	if res.exit != 0 || res.stdout != "Imported.\nAdded 0: -\nUpdated 0: -\nUnchanged 2: Moo 5 บ้านโนนสูง, โนนสูง; Moo 7 บ้านหนองบัว, หนองบัว\n" {
		t.Errorf("import without a server: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	h.Start()
}

// cliNewDB creates an empty database file, as a first `serve` does.
func cliNewDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "sammachip.db")
	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestCLIDirectWhenNoServer(t *testing.T) {
	db := cliNewDB(t)
	now := time.Date(2026, 12, 7, 18, 0, 0, 0, bangkok)
	res := cliRunEnv(t, db, nil, now, "", "officer-code")
	if res.exit != 0 {
		t.Fatalf("officer-code: exit %d, stderr %q", res.exit, res.stderr)
	}
	code := strings.TrimSpace(res.stdout)
	if !strings.Contains(res.stderr, "ถึง อ. 8 ธ.ค. 2569 เวลา 18.00 น.") {
		t.Errorf("stderr %q, want the expiry in Thai", res.stderr)
	}
	res = cliRunEnv(t, db, cliEnglish, now, cliVillages, "import", "villages", "-")
	if res.exit != 0 || res.stdout != "Imported.\nAdded 2: Moo 5 บ้านโนนสูง, โนนสูง; Moo 7 บ้านหนองบัว, หนองบัว\nUpdated 0: -\nUnchanged 0: -\n" {
		t.Errorf("import from stdin: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}

	st, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatalf("the CLI left the database locked: %v", err)
	}
	defer st.Close()
	var oc flows.OfficerCode
	var villages []flows.Village
	if err := st.View(func(tx flows.Tx) error {
		var err error
		if oc, _, err = tx.OfficerCodes().Get(code); err != nil {
			return err
		}
		villages, err = flows.ListVillages(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if oc.Code != code || oc.CreatedBy != flows.CodeByCLI || !oc.Expires.Equal(now.Add(24*time.Hour)) {
		t.Errorf("stored code %+v, want %s made by the CLI, valid until %v", oc, code, now.Add(24*time.Hour))
	}
	// The list goes by ตำบล then หมู่: find หมู่ 7 (no capacity in the file).
	i := slices.IndexFunc(villages, func(v flows.Village) bool { return v.Moo == 7 && v.Tambon == "หนองบัว" })
	if len(villages) != 2 || i < 0 || villages[i].Capacity != flows.DefaultCapacity {
		t.Errorf("villages %+v, want 2, หมู่ 7 ต.หนองบัว with the default capacity", villages)
	}
}

func TestCLINoDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "typo.db")
	res := cliRun(t, db, nil, "officer-code")
	if res.exit != 1 || !strings.Contains(res.stderr, "no database at "+db) || res.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and a message about SAMMACHIP_DB", res.exit, res.stdout, res.stderr)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("the CLI created a database: %v", err)
	}
}

func TestCLILockedWithoutSocket(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sammachip.db")
	holder, err := storage.Open(db, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	start := time.Now()
	res := cliRunEnv(t, db, nil, start, "", "officer-code")
	if res.exit != 1 || !strings.Contains(res.stderr, "in use by another process") || !strings.Contains(res.stderr, db+".sock") {
		t.Errorf("exit %d, stderr %q; want 1 and a clear message naming the socket", res.exit, res.stderr)
	}
	if res.stdout != "" {
		t.Errorf("stdout %q, want nothing", res.stdout)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v: the CLI must not hang on a locked database", d)
	}
}

// cliStartSim runs a Main in simulator mode on db, as `sammachip serve`
// does without a LINE channel.
func cliStartSim(t *testing.T, db string) *Main {
	t.Helper()
	env := map[string]string{"SAMMACHIP_DB": db, "SAMMACHIP_ADDR": "127.0.0.1:0"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := m.Run(context.Background()); err != nil {
		_ = m.Close()
		t.Fatalf("Run: %v", err)
	}
	return m
}

func TestAdminSocketReplacesStaleOne(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sammachip.db")
	// A crash leaves the socket file behind, with nobody listening.
	ln, err := net.Listen("unix", adminSocketPath(db))
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()

	m := cliStartSim(t, db)
	res := cliRun(t, db, cliEnglish, "officer-code")
	if res.exit != 0 {
		t.Errorf("officer-code through the new socket: exit %d, stderr %q", res.exit, res.stderr)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(adminSocketPath(db)); !os.IsNotExist(err) {
		t.Errorf("socket not removed on Close: %v", err)
	}
}

func TestAdminSocketNotASocket(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sammachip.db")
	sock := cliWriteFile(t, "x", "")
	if err := os.Rename(sock, adminSocketPath(db)); err != nil {
		t.Fatal(err)
	}
	// The bot still serves; the file in the way is left alone.
	m := cliStartSim(t, db)
	defer m.Close()
	if b, err := os.ReadFile(adminSocketPath(db)); err != nil || len(b) != 0 {
		t.Errorf("the file in the way was touched: %v", err)
	}
	res := cliRunEnv(t, db, cliEnglish, time.Now(), "", "officer-code")
	if res.exit != 1 || !strings.Contains(res.stderr, "in use by another process") {
		t.Errorf("exit %d, stderr %q; want the locked-database message", res.exit, res.stderr)
	}
}

func TestAdminUnknownRoute(t *testing.T) {
	h := NewHarness(t)
	res, err := callAdmin(context.Background(), adminSocketPath(h.DBPath), "no-such-command", adminRequest{})
	if err != nil || res.Exit != 2 || !strings.Contains(res.Stderr, "unknown admin command") {
		t.Errorf("got %+v, %v; want an unknown-command answer", res, err)
	}
}

func TestCLIUsageErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sammachip.db")
	tests := []struct {
		name     string
		args     []string
		wantExit int
		wantErr  string
	}{
		{"import without a file", []string{"import", "villages"}, 2, "needs one FILE argument"},
		{"import of something unknown", []string{"import", "schedules", "x.csv"}, 2, "unknown command"},
		{"officer-code with an argument", []string{"officer-code", "x"}, 2, "takes no arguments"},
		{"a file that is not there", []string{"import", "villages", filepath.Join(t.TempDir(), "none.csv")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cliRun(t, db, nil, tt.args...)
			if res.exit != tt.wantExit || !strings.Contains(res.stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", res.exit, res.stderr, tt.wantExit, tt.wantErr)
			}
		})
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused command touched the database: %v", err)
	}
}

func TestUsageListsOfficersTools(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"help"}, func(string) string { return "" }, &out, io.Discard); code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	for _, want := range []string{"officer-code", "import villages [--update] FILE.csv", "round start [--yes] NAME"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage %q lacks %q", out.String(), want)
		}
	}
}

func TestCLILang(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{nil, "th"},
		{map[string]string{"LANG": "C.UTF-8"}, "th"},
		{map[string]string{"LANG": "en_US.UTF-8"}, "en"},
		{map[string]string{"LANG": "en_US.UTF-8", "SAMMACHIP_LANG": "th"}, "th"},
		{map[string]string{"LC_ALL": "en_GB.UTF-8", "LANG": "th_TH.UTF-8"}, "en"},
	}
	for _, tt := range tests {
		if got := cliLang(func(k string) string { return tt.env[k] }); string(got) != tt.want {
			t.Errorf("cliLang(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
}
