package main

// What an operator meets on a fresh machine: a start that fails, a stop,
// the help, the tools' settings file, and /metrics.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/locales"
)

// A start that fails because the port is taken leaves no database (nor
// lock file) behind: the next start, or a tool, must not find an empty
// database and take it for the real one.
func TestFailedStartCreatesNothing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	env := map[string]string{
		"SAMMACHIP_ADDR":      busy.Addr().String(),
		"SAMMACHIP_DB":        filepath.Join(dir, "sammachip-sim.db"),
		"SAMMACHIP_SIMULATOR": "1",
	}
	var out, errb bytes.Buffer
	code := run([]string{"serve"}, func(k string) string { return env[k] }, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "listen on "+busy.Addr().String()) {
		t.Errorf("serve on a busy port: exit %d, stderr %q; want 1 and the address named", code, errb.String())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("the failed start left %s behind", e.Name())
	}
}

// A start that fails after opening the database (here: an existing
// database made by the simulator, served with real LINE secrets) keeps
// that database, and releases it.
func TestFailedStartKeepsAnExistingDatabase(t *testing.T) {
	dir, err := os.MkdirTemp("", "smc") // short: the admin socket's path is limited
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	db := filepath.Join(dir, "s.db")
	sim := map[string]string{"SAMMACHIP_ADDR": "127.0.0.1:0", "SAMMACHIP_DB": db, "SAMMACHIP_SIMULATOR": "1"}
	cfg, err := LoadConfig(func(k string) string { return sim[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, discardLogger())
	m.NoLoops = true
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("simulator start: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	real := map[string]string{"SAMMACHIP_ADDR": "127.0.0.1:0", "SAMMACHIP_DB": db,
		"LINE_CHANNEL_SECRET": testSecret, "LINE_CHANNEL_ACCESS_TOKEN": testToken, "SAMMACHIP_BASE_URL": "https://example.go.th"}
	cfg, err = LoadConfig(func(k string) string { return real[k] })
	if err != nil {
		t.Fatal(err)
	}
	m = NewMain(cfg, discardLogger())
	if err := m.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "made by the simulator") {
		_ = m.Close()
		t.Fatalf("a real start on the simulator's database: %v, want it refused", err)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("the refused start removed the existing database: %v", err)
	}
	// Released: a tool can open it at once.
	if res := cliRun(t, db, cliEnglish, "round", "list"); res.exit != 0 {
		t.Errorf("round list after the refused start: exit %d, stderr %q", res.exit, res.stderr)
	}
}

// SIGTERM (what systemd and Docker send) stops the bot with a word in the
// log when the shutdown starts and when it is done, the webhook closed,
// and exit status 0.
func TestSIGTERMLogsShutdown(t *testing.T) {
	// The test's own registration keeps a SIGTERM that comes early from
	// ending the test binary; serve's registration gets it too.
	caught := make(chan os.Signal, 1)
	signal.Notify(caught, syscall.SIGTERM)
	defer signal.Stop(caught)

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	dir, err := os.MkdirTemp("", "smc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	env := map[string]string{"SAMMACHIP_ADDR": addr, "SAMMACHIP_DB": filepath.Join(dir, "s.db"), "SAMMACHIP_SIMULATOR": "1"}
	logs := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run([]string{"serve"}, func(k string) string { return env[k] }, logs, logs) }()

	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case code := <-done:
			t.Fatalf("serve ended with %d before answering: %s", code, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not answer /healthz within 20s: %s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after SIGTERM, want 0", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not stop within 30s of SIGTERM")
	}
	out := logs.String()
	start, end := strings.Index(out, "shutting down"), strings.Index(out, "msg=stopped")
	if start < 0 || end < start {
		t.Errorf("log %q: want \"shutting down\", then \"stopped\"", out)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the webhook still answers after the stop")
	}
}

// `sammachip help` speaks the tools' language (SAMMACHIP_LANG, LANG), and
// its descriptions start in one column even beside Thai text, whose vowel
// and tone marks take no column.
func TestHelpInThai(t *testing.T) {
	cat := locales.MustLoad()
	for _, tt := range []struct {
		name string
		env  map[string]string
		lang locales.Lang
		head string
	}{
		{"Thai by default", nil, locales.Thai, "วิธีใช้: sammachip"},
		{"Thai from LANG", map[string]string{"LANG": "th_TH.UTF-8"}, locales.Thai, "วิธีใช้: sammachip"},
		{"English from LANG", cliEnglish, locales.English, "usage: sammachip"},
		{"SAMMACHIP_LANG wins", map[string]string{"LANG": "en_US.UTF-8", "SAMMACHIP_LANG": "th"}, locales.Thai, "วิธีใช้: sammachip"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := cliRun(t, "", tt.env, "help")
			if res.exit != 0 || !strings.HasPrefix(res.stdout, tt.head) {
				t.Fatalf("help: exit %d, stdout %q; want it to start with %q", res.exit, res.stdout, tt.head)
			}
			lines := strings.Split(res.stdout, "\n")
			col := -1
			for _, c := range cliCommands {
				desc, err := cat.Text(tt.lang, helpKey(c), nil)
				if err != nil {
					t.Errorf("%s: no help text: %v", strings.Join(c.Words, " "), err)
					continue
				}
				first, _, _ := strings.Cut(desc, "\n")
				syntax, _ := splitUsage(c.Usage)
				found := false
				for i, l := range lines {
					if !strings.HasPrefix(l, "  "+syntax) {
						continue
					}
					// The description beside the syntax, or on the next line.
					at := strings.Index(l, first)
					if at < 0 && i+1 < len(lines) {
						l = lines[i+1]
						at = strings.Index(l, first)
					}
					if at < 0 {
						continue
					}
					found = true
					if w := displayWidth(l[:at]); col < 0 {
						col = w
					} else if w != col {
						t.Errorf("%q starts at column %d, want %d like the others", first, w, col)
					}
				}
				if !found {
					t.Errorf("help lacks %q with %q:\n%s", syntax, first, res.stdout)
				}
			}
		})
	}
}

func TestDisplayWidth(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"officer-code", 12},
		{"ที่", 1},     // ท + sara ii + mai ek
		{"น้ำพริก", 5}, // น + mai tho + sara am, พ, ร + sara i, ก
		{"รายได้", 5},
		{"ผู้ใหญ่บ้าน", 7},
	} {
		if got := displayWidth(tt.s); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

// `reminders --at` counts only what would be sent; what would not (no one
// to tell, its moment passed) is listed apart; one recipient is "1 person".
func TestRemindersPreviewCountsWhatIsSent(t *testing.T) {
	h := NewHarness(t)
	district(t, h)
	// district writes the days straight into the database: a tick plans
	// their reminders, as the server's start would.
	if _, err := h.Main.Scheduler().Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	eve := time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)
	res := cliRunEnv(t, h.DBPath, cliEnglish, h.Now(), "", "reminders", "--at", eve.Format("2006-01-02 15:04"))
	if res.exit != 0 {
		t.Fatalf("reminders: exit %d, stderr %q", res.exit, res.stderr)
	}
	m := regexp.MustCompile(`would send (\d+) reminders?:`).FindStringSubmatch(res.stdout)
	if m == nil {
		t.Fatalf("reminders: %q, want a count of what would be sent", res.stdout)
	}
	sent, _, _ := strings.Cut(res.stdout, "Not sent:")
	if bullets := strings.Count(sent, "  • "); fmt.Sprint(bullets) != m[1] || bullets == 0 {
		t.Errorf("the head says %s, %d are listed as sent:\n%s", m[1], bullets, res.stdout)
	}
	if strings.Contains(sent, "nothing to report") || strings.Contains(sent, "skipped") {
		t.Errorf("what would not be sent is listed with what would:\n%s", res.stdout)
	}
	if strings.Contains(res.stdout, "to 1 people") {
		t.Errorf("\"to 1 people\":\n%s", res.stdout)
	}

	// A village with its days but nobody to tell: nothing would be sent.
	db := cliNewDB(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok)
	if res := cliRunEnv(t, db, cliEnglish, now, cliVillages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %d %q", res.exit, res.stderr)
	}
	if res := cliRunEnv(t, db, cliEnglish, now, cliSchedule, "import", "schedule", "-"); res.exit != 0 {
		t.Fatalf("import schedule: %d %q", res.exit, res.stderr)
	}
	res = cliRunEnv(t, db, cliEnglish, now, "", "reminders", "--at", "2026-12-06 18:00")
	head, rest, _ := strings.Cut(res.stdout, "\n")
	if !strings.HasSuffix(head, "would send nothing.") || !strings.HasPrefix(rest, "Not sent:\n  • evening reminder, Moo 5 day 1 — nothing to report") {
		t.Errorf("reminders with nobody to tell: %q", res.stdout)
	}
	res = cliRunEnv(t, db, map[string]string{"LANG": "th_TH.UTF-8"}, now, "", "reminders", "--at", "2026-12-06 18:00")
	if !strings.Contains(res.stdout, "จะไม่ส่งข้อความใด ๆ") || !strings.Contains(res.stdout, "ไม่ส่ง:") {
		t.Errorf("reminders in Thai with nobody to tell: %q", res.stdout)
	}
}

// The tools load SAMMACHIP_ENV_FILE (the systemd alias names the bot's
// settings file), so `richmenu apply` with the bot stopped reaches LINE
// with the channel's token; a variable set in the environment wins.
func TestToolsLoadTheSettingsFile(t *testing.T) {
	h := NewHarness(t)
	h.Stop()
	file := filepath.Join(t.TempDir(), "sammachip.env")
	settings := "# the bot's settings\n\nLINE_CHANNEL_SECRET=" + testSecret + "\nLINE_CHANNEL_ACCESS_TOKEN=\"" + testToken + "\"\n" +
		"LINE_API_ENDPOINT=" + h.lineURL + "\nLINE_DATA_ENDPOINT=" + h.lineURL + "\nSAMMACHIP_DB=/nowhere/else.db\n"
	if err := os.WriteFile(file, []byte(settings), 0o640); err != nil {
		t.Fatal(err)
	}
	// cliRun sets SAMMACHIP_DB in the environment: it wins over the file's.
	rmApply(t, h, map[string]string{"LANG": "en_US.UTF-8", "SAMMACHIP_ENV_FILE": file})

	res := cliRun(t, h.DBPath, map[string]string{"SAMMACHIP_ENV_FILE": filepath.Join(t.TempDir(), "missing.env")}, "round", "list")
	if res.exit != 2 || !strings.Contains(res.stderr, "SAMMACHIP_ENV_FILE") || !strings.Contains(res.stderr, "0640") {
		t.Errorf("a missing settings file: exit %d, stderr %q; want 2, the file named and how to install it", res.exit, res.stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.env")
	if err := os.WriteFile(bad, []byte("LINE_CHANNEL_SECRET=x\nthis is no setting s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = cliRun(t, h.DBPath, map[string]string{"SAMMACHIP_ENV_FILE": bad}, "round", "list")
	if res.exit != 2 || !strings.Contains(res.stderr, "line 2") || strings.Contains(res.stderr, "s3cret") {
		t.Errorf("a bad settings file: exit %d, stderr %q; want 2 and line 2 named, its text not shown", res.exit, res.stderr)
	}
}

// /metrics has what an operator watches in the evening.
func TestMetricsForTheOperator(t *testing.T) {
	h := NewHarness(t, WithFakeOptions(linefake.WithQuota(5000)))
	district(t, h)
	ctx := context.Background()
	sc := h.Main.Scheduler()
	if err := sc.RefreshQuota(); err != nil {
		t.Fatal(err)
	}
	if got := h.Metric("sammachip_push_quota_limit", ""); got != 5000 {
		t.Errorf("quota limit %v, want 5000", got)
	}
	// The evening before day 1: its reminders are queued; the sender does
	// not run yet.
	at := time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)
	h.Clock.Set(at)
	if _, err := sc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.Metric("sammachip_reminders_total", `result="queued"`); got == 0 {
		t.Error("no reminder counted as queued after the evening's tick")
	}
	if got := h.Metric("sammachip_scheduler_last_tick_timestamp_seconds", ""); got != float64(at.Unix()) {
		t.Errorf("last tick at %v, want %v", got, at.Unix())
	}
	if got := h.Metric("sammachip_scheduler_last_tick_duration_seconds", ""); got <= 0 {
		t.Errorf("last tick took %v s, want more than 0", got)
	}
	// Late at night, in quiet hours: the pushes wait for the morning, and
	// the oldest has waited since the tick.
	h.Clock.Set(at.Add(5 * time.Hour))
	h.Main.Server().Sender().Drain()
	if got := h.Metric("sammachip_outbox_oldest_age_seconds", ""); got != (5 * time.Hour).Seconds() {
		t.Errorf("oldest outbox item %v s old, want %v", got, (5 * time.Hour).Seconds())
	}
	// The morning: all sent, so the outbox is empty, and LINE's count of
	// this month's pushes is read again.
	h.Clock.Set(time.Date(2026, 12, 7, 8, 0, 0, 0, bangkok))
	h.Main.Server().Sender().Drain()
	if got := h.Metric("sammachip_outbox_oldest_age_seconds", ""); got != 0 {
		t.Errorf("oldest outbox item %v s old after sending all, want 0", got)
	}
	if err := sc.RefreshQuota(); err != nil {
		t.Fatal(err)
	}
	if got := h.Metric("sammachip_push_quota_used", ""); got == 0 {
		t.Error("no pushes counted this month after the evening's reminders went")
	}
	// Skipped: a tick long after day 5's morning (the bot was down).
	h.Clock.Set(time.Date(2026, 12, 11, 20, 0, 0, 0, bangkok))
	if _, err := sc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if got := h.Metric("sammachip_reminders_total", `result="skipped"`); got == 0 {
		t.Error("no reminder counted as skipped after a tick that came days late")
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// The settings file the deploy guide installs reads as the tools read it
// (SAMMACHIP_ENV_FILE), and is a valid configuration once the LINE
// secrets are filled in.
func TestEnvExampleLoads(t *testing.T) {
	data, err := os.ReadFile("../../deploy/sammachip.env.example")
	if err != nil {
		t.Fatal(err)
	}
	vars, err := parseEnvFile(data)
	if err != nil {
		t.Fatalf("sammachip.env.example: %v", err)
	}
	for _, name := range []string{"LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "SAMMACHIP_DB", "SAMMACHIP_TZ"} {
		if _, ok := vars[name]; !ok {
			t.Errorf("sammachip.env.example lacks %s", name)
		}
	}
	vars["LINE_CHANNEL_SECRET"], vars["LINE_CHANNEL_ACCESS_TOKEN"] = testSecret, testToken
	if _, err := LoadConfig(func(k string) string { return vars[k] }); err != nil {
		t.Errorf("sammachip.env.example, with the LINE secrets filled in: %v", err)
	}
}

// A switch of a user's rich menu that LINE refuses (here: the officers'
// menu was deleted at LINE behind the bot's back) is counted in /metrics.
func TestMetricsCountRichMenuFailures(t *testing.T) {
	h := NewHarness(t)
	h.User(rmOfficer).Follow()
	ids := rmApply(t, h, cliEnglish)
	req, err := http.NewRequest(http.MethodDelete, h.lineURL+"/v2/bot/richmenu/"+ids["sammachip-officer"], nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("deleting the officers' menu at the fake: HTTP %d", res.StatusCode)
	}
	h.AllowRejections("no such rich menu")
	before := h.Metric("sammachip_richmenu_sync_failures_total", "")
	rmBecomeOfficer(t, h, rmOfficer)
	sync, err := h.Main.richMenus.SyncPending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sync.Failed != 1 {
		t.Fatalf("sync: %+v, want the one switch failed", sync)
	}
	if got := h.Metric("sammachip_richmenu_sync_failures_total", ""); got != before+1 {
		t.Errorf("rich-menu failures %v, want %v", got, before+1)
	}
}
