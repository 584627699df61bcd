package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

// The scenarios' own tests. The short ones run the real binary for a
// second; -short skips those that wait for a reminder's minute (burst,
// faults) or step a simulated month (district-week).

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// testBinary builds ./cmd/sammachip once for the package's tests.
func testBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sammachip-load-test-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "sammachip")
		cmd := exec.Command("go", "build", "-o", binPath, "../sammachip")
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = err
			binPath = string(out)
		}
	})
	if binErr != nil {
		t.Fatalf("build the bot: %v\n%s", binErr, binPath)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" && binErr == nil {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// runTool runs the command line and returns its exit status, its one
// stdout line and its stderr.
func runTool(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := run(ctx, args, &out, &errb)
	if strings.Count(out.String(), "\n") > 1 {
		t.Errorf("more than one result line:\n%s", out.String())
	}
	return code, strings.TrimSpace(out.String()), errb.String()
}

// skipNearMidnight skips a scenario that refused to start because its
// reminders would fall due too close to midnight in Bangkok.
func skipNearMidnight(t *testing.T, line string) {
	t.Helper()
	if strings.Contains(line, "run it after midnight there") {
		t.Skip(line)
	}
}

// field reads key=value from a result line.
func field(t *testing.T, line, key string) string {
	t.Helper()
	m := regexp.MustCompile(`(?:^| )` + regexp.QuoteMeta(key) + `=(\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no %s= in %q", key, line)
	}
	return m[1]
}

// answeredAll checks answered=N/N with N > 0.
func answeredAll(t *testing.T, line string) {
	t.Helper()
	a, b, ok := strings.Cut(field(t, line, "answered"), "/")
	n, _ := strconv.Atoi(b)
	if !ok || a != b || n == 0 {
		t.Errorf("answered=%s/%s, want every acknowledged event answered: %s", a, b, line)
	}
}

func TestAckOneSecond(t *testing.T) {
	bin := testBinary(t)
	code, line, stderr := runTool(t, "ack", "--bin", bin, "--senders", "2", "--duration", "1s", "--users", "20")
	if code != 0 || !strings.HasPrefix(line, "ack: OK ") {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
	answeredAll(t, line)
	if field(t, line, "acknowledged") == "0" || field(t, line, "errors") != "0" {
		t.Errorf("line %q", line)
	}
}

func TestBaselineOneSecond(t *testing.T) {
	// Without LINE's limits: on an idle machine the baseline alone passes
	// 2,000 replies a second, and would then measure the limit (the fake's
	// limits are tested in bot/linefake).
	code, line, stderr := runTool(t, "baseline", "--senders", "2", "--duration", "1s", "--users", "20")
	if code != 0 || !strings.HasPrefix(line, "baseline: OK ") {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
	answeredAll(t, line)
	if !strings.Contains(line, "fake_rate_limits=off") {
		t.Errorf("line does not say the fake's limits were off: %q", line)
	}
}

func TestCompare(t *testing.T) {
	bin := testBinary(t)
	code, line, stderr := runTool(t, "compare", "--bin", bin, "--senders", "2", "--duration", "1s", "--users", "10")
	if code != 0 || !strings.Contains(line, "| baseline ") || !strings.Contains(line, "ratio events/s=") {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
}

// A running bot (--url): the tool's fake must be where its LINE endpoints
// point, and its secret must be given.
func TestAckAgainstRunningBot(t *testing.T) {
	bin := testBinary(t)
	fakeAddr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRunner(defaultOptions(), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	r.opt.bin = bin
	defer r.close()
	secret, token := randomHex(16), randomHex(24)
	b, err := r.startBot(context.Background(), botConfig{LINE: "http://" + fakeAddr, Secret: secret, Token: token, DB: filepath.Join(r.dir, "running.db")})
	if err != nil {
		t.Fatal(err)
	}
	code, line, stderr := runTool(t, "ack", "--url", b.URL+"/callback", "--secret", secret, "--token", token, "--fake-addr", fakeAddr,
		"--senders", "2", "--duration", "1s", "--users", "10")
	if code != 0 {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
	answeredAll(t, line)
}

func TestCommandLine(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string // in stderr
	}{
		{nil, 2, "usage: sammachip-load SCENARIO"},
		{[]string{"help"}, 0, "district-week"},
		{[]string{"nosuch"}, 2, `unknown scenario "nosuch"`},
		{[]string{"ack", "--senders", "0"}, 2, "--senders 0"},
		{[]string{"ack", "--fake-addr", "0.0.0.0:9000"}, 2, "loopback"},
		{[]string{"burst", "--url", "http://127.0.0.1:1/callback"}, 2, "--url works with ack only"},
		{[]string{"ack", "--url", "http://10.0.0.1:8080/callback", "--secret", "00112233445566778899aabbccddeeff", "--fake-addr", "127.0.0.1:9"}, 2, "loopback only"},
		{[]string{"ack", "--url", "http://127.0.0.1:8080/callback"}, 2, "--url needs --secret"},
		{[]string{"faults", "--hang", "1s", "--line-timeout", "2s"}, 2, "the hang must outlast"},
		{[]string{"ack", "extra"}, 2, "unexpected arguments"},
	} {
		code, line, stderr := runTool(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d (want %d), stderr %q (want %q), line %q", tc.args, code, tc.code, stderr, tc.want, line)
		}
	}
}

func TestSumMetric(t *testing.T) {
	m := map[string]float64{
		`sammachip_sends_total{kind="reply",status="200"}`:     7,
		`sammachip_sends_total{kind="multicast",status="200"}`: 3,
		`sammachip_sends_total{kind="multicast",status="429"}`: 5,
		`sammachip_outbox_depth`:                               2,
	}
	if got := sumMetric(m, "sammachip_sends_total", `status="200"`); got != 10 {
		t.Errorf("200s = %v, want 10", got)
	}
	if got := sumMetric(m, "sammachip_sends_total", `kind="multicast"`, `status="429"`); got != 5 {
		t.Errorf("multicast 429s = %v, want 5", got)
	}
	if got := sumMetric(m, "sammachip_outbox_depth"); got != 2 {
		t.Errorf("depth = %v", got)
	}
	if got := sumMetric(m, "sammachip_sends"); got != 0 {
		t.Errorf("a prefix matched: %v", got)
	}
}

func TestEveningPlan(t *testing.T) {
	due, day1, err := eveningPlan(90*time.Second, time.Minute)
	if err != nil {
		t.Skipf("near midnight in Bangkok: %v", err)
	}
	if due.Second() != 0 || due.Nanosecond() != 0 || time.Until(due) < 89*time.Second || time.Until(due) > 151*time.Second {
		t.Errorf("due %v: want the first whole minute 90 s from now", due)
	}
	if got := day1.Sub(time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, bangkok)); got != 24*time.Hour {
		t.Errorf("day 1 %v is not the day after the due time %v", day1, due)
	}
	if _, _, err := eveningPlan(0, 25*time.Hour); err == nil {
		t.Error("a run longer than a day does not cross midnight?")
	}
	if got := nextMinute(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)); got.Minute() != 0 {
		t.Errorf("nextMinute of a whole minute moved it: %v", got)
	}
}

func TestUserIDs(t *testing.T) {
	if !isLoadUser(userID(0)) || !isLoadUser(userID(99_999)) || isLoadUser(householdUser(1, 1)) || isLoadUser(householdUser(23600, 20)) {
		t.Error("load users and households are not told apart")
	}
	for _, id := range []string{userID(0), householdUser(23600, 999)} {
		if len(id) != 33 || id[0] != 'U' {
			t.Errorf("%q is not U + 32 hex digits", id)
		}
	}
}

func TestDayCard(t *testing.T) {
	msg, _ := json.Marshal(map[string]any{"type": "flex", "altText": "x", "contents": map[string]any{
		"type": "bubble", "footer": map[string]any{"type": "box", "layout": "vertical", "contents": []any{
			map[string]any{"type": "button", "action": map[string]any{"type": "postback", "label": "ไปค่ะ", "data": "a=att.i&day=3&v=yes&vil=1"}},
			map[string]any{"type": "button", "action": map[string]any{"type": "postback", "label": "ไม่ไป", "data": "a=att.i&day=3&v=no&vil=1"}},
		}}}})
	data, label, day, ok := dayCard(msg)
	if !ok || day != 3 || label != "ไปค่ะ" || !strings.Contains(data, "v=yes") {
		t.Errorf("dayCard = %q %q %d %v", data, label, day, ok)
	}
	if _, _, _, ok := dayCard([]byte(`{"type":"text","text":"hi"}`)); ok {
		t.Error("a text is a day card")
	}
}

// checkReminders finds a village never queued, a household reached twice,
// a key accepted twice and a send given up.
func TestCheckReminders(t *testing.T) {
	due := time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)
	rep := ledgerReport{entries: map[int]flows.LedgerEntry{
		1: {Kind: flows.RemindEvening, Day: 1, Village: 1, Status: "sent", RetryKeys: []string{"k1"}, At: due},
		2: {Kind: flows.RemindEvening, Day: 1, Village: 2, Status: "sent", RetryKeys: []string{"k2"}, At: due.Add(time.Minute)},
	}, sendFailed: 1}
	v1 := []string{householdUser(1, 1), householdUser(1, 2)}
	v2 := []string{householdUser(2, 1), householdUser(2, 2)}
	sends := []sent{
		{At: due.Add(time.Second), Kind: linefake.KindMulticast, To: v1, RetryKey: "k1"},
		{At: due.Add(2 * time.Second), Kind: linefake.KindMulticast, To: v1, RetryKey: "k1"},
		{At: due.Add(61 * time.Second), Kind: linefake.KindMulticast, To: v2[:1], RetryKey: "k2"},
	}
	c := checkReminders(rep, sends, 3, 2, due)
	if c.queued != 2 || c.keys != 2 || c.sentKeys != 2 || c.lastSend != "+1m1s" || c.ledgerLast != "+1m0s" {
		t.Errorf("check = %+v", c)
	}
	notes := strings.Join(c.notes, "; ")
	for _, want := range []string{"1 of 3 villages", "retry keys accepted more than once", "1 households of queued villages never got", "2 households got their reminder more than once", "1 sends given up"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes %q lack %q", notes, want)
		}
	}
}

func TestBurstSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the next whole minute: run without -short")
	}
	bin := testBinary(t)
	code, line, stderr := runTool(t, "burst", "--bin", bin, "--villages", "40", "--households", "5", "--timeout", "3m")
	skipNearMidnight(t, line)
	if code != 0 || field(t, line, "queued") != "40/40" || field(t, line, "sent") != "40/40" {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
}

func TestFaultsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("two SIGKILLs and a reminder minute: run without -short")
	}
	bin := testBinary(t)
	code, line, stderr := runTool(t, "faults", "--bin", bin, "--villages", "30", "--households", "5", "--users", "50", "--rate", "40", "--senders", "4")
	skipNearMidnight(t, line)
	if code != 0 || field(t, line, "kills") != "2" || field(t, line, "dup_retry_keys") != "0" {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
}

func TestDistrictWeek(t *testing.T) {
	if testing.Short() {
		t.Skip("steps the demo district's month of evenings: run without -short")
	}
	bin := testBinary(t)
	code, line, stderr := runTool(t, "district-week", "--bin", bin, "--taps", "1")
	if code != 0 || field(t, line, "duplicates") != "0" {
		t.Fatalf("exit %d, line %q\n%s", code, line, stderr)
	}
	answeredAll(t, line)
}
