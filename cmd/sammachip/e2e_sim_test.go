package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// The simulator's tests: what simulator mode serves and loads, and the chat
// page driven in headless Chromium the way a person would use it.

// simStart is the programme time simulator tests begin at: a Tuesday.
var simStart = time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// simLog collects a Main's log lines.
type simLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *simLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *simLog) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.buf.String()), "\n")
}

// simDir is a short temporary directory (sockets beside the database have
// short path limits).
func simDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "smsim")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

// runMain starts Main with env as the environment, on a loopback port, with
// the programme clock starting at simStart and running at normal speed.
// The returned stop closes it (also done at cleanup).
func runMain(t *testing.T, env map[string]string, logs io.Writer) (*Main, func()) {
	t.Helper()
	cfg, err := LoadConfig(func(k string) string {
		if k == "SAMMACHIP_ADDR" {
			return "127.0.0.1:0"
		}
		return env[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(logs, nil)))
	origin := time.Now()
	m.Now = func() time.Time { return simStart.Add(time.Since(origin)) }
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			if err := m.Close(); err != nil {
				t.Errorf("closing Main: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return m, stop
}

func getStatus(t *testing.T, url string) int {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

func TestSimulatorOnlyInSimulatorMode(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want int
	}{
		{"real mode has no /sim", map[string]string{
			"LINE_CHANNEL_SECRET":       "8c570fa6dd201bb328f1c1eac23a96d8",
			"LINE_CHANNEL_ACCESS_TOKEN": "token",
			"LINE_API_ENDPOINT":         "http://127.0.0.1:9", // never called
		}, http.StatusNotFound},
		{"simulator mode serves /sim", map[string]string{}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["SAMMACHIP_DB"] = filepath.Join(simDir(t), "test.db")
			m, _ := runMain(t, tt.env, io.Discard)
			for _, path := range []string{"/sim", "/sim/static/app.js", "/sim/api/state"} {
				if got := getStatus(t, "http://"+m.Addr()+path); got != tt.want {
					t.Errorf("GET %s: status %d, want %d", path, got, tt.want)
				}
			}
			if got := m.SimClock() != nil; got != (tt.want == http.StatusOK) {
				t.Errorf("SimClock() set: %v, want %v", got, !got)
			}
		})
	}
}

func TestSimulatorLogsModeAndURLFirst(t *testing.T) {
	logs := &simLog{}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "test.db")}, logs)
	first := logs.Lines()[0]
	for _, want := range []string{"simulator mode", "url=http://" + m.Addr() + "/sim"} {
		if !strings.Contains(first, want) {
			t.Errorf("first log line %q does not say %q", first, want)
		}
	}
}

func TestSimulatorDemoDataLoadsOnce(t *testing.T) {
	db := filepath.Join(simDir(t), "sim.db")
	env := map[string]string{"SAMMACHIP_DB": db}

	logs := &simLog{}
	m, stop := runMain(t, env, logs)
	var villages []flows.Village
	if err := m.DB().View(func(tx flows.Tx) error {
		var err error
		villages, err = flows.ListVillages(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(villages) < 13 {
		t.Fatalf("%d villages after the first start, want at least 13", len(villages))
	}
	tambons := map[string]bool{}
	for _, v := range villages {
		tambons[v.Tambon] = true
		if v.Name == "" || v.Occupation == "" || v.Capacity != flows.DefaultCapacity {
			t.Errorf("village %+v: want a name, an occupation and %d places", v, flows.DefaultCapacity)
		}
	}
	if len(tambons) < 1 || len(tambons) > 2 {
		t.Errorf("villages in %d sub-districts, want one or two", len(tambons))
	}
	if !strings.Contains(strings.Join(logs.Lines(), "\n"), "demo district loaded") {
		t.Errorf("first start did not log that the demo was loaded")
	}
	// An officer renames a village; a restart must not bring the demo back.
	renamed := villages[0]
	renamed.Name = "บ้านใหม่"
	if err := m.DB().Update(func(tx flows.Tx) error {
		return flows.PutVillage(tx, &renamed)
	}); err != nil {
		t.Fatal(err)
	}
	stop()

	logs2 := &simLog{}
	m2, _ := runMain(t, env, logs2)
	if err := m2.DB().View(func(tx flows.Tx) error {
		v, _, err := flows.GetVillage(tx, renamed.ID)
		if v.Name != "บ้านใหม่" || v.Moo != renamed.Moo || v.Tambon != renamed.Tambon {
			t.Errorf("after a restart village %d (หมู่ %d ต.%s) is named %q, want the officer's %q", renamed.ID, v.Moo, v.Tambon, v.Name, "บ้านใหม่")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.Join(logs2.Lines(), "\n"), "demo district loaded") {
		t.Errorf("second start loaded the demo again")
	}
}

// ---- the page in a browser ----

// chromium returns the path of a Chromium-like browser, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// page drives the simulator's chat page in one browser tab.
type page struct {
	t    *testing.T
	ctx  context.Context
	base string
	cat  *locales.Catalog

	mu     sync.Mutex
	errors []string // uncaught JavaScript exceptions
}

// newPage starts headless Chromium and opens the simulator at base. The
// whole browser lives at most limit, so a stuck step fails the test rather
// than hanging it.
func newPage(t *testing.T, base string, limit time.Duration) *page {
	t.Helper()
	path := chromium()
	if path == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	dir := simDir(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1100, 900),
	}
	limitCtx, cancelLimit := context.WithTimeout(context.Background(), limit)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(limitCtx, opts...)
	p := &page{t: t, base: base, cat: locales.MustLoad()}
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			p.mu.Lock()
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			p.errors = append(p.errors, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, msg))
			p.mu.Unlock()
		}
	}))
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		cancelLimit()
	})
	p.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/sim")); err != nil {
		t.Fatalf("open the simulator page: %v", err)
	}
	return p
}

// js quotes s as a JavaScript string literal.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// do runs browser steps, each call bounded.
func (p *page) do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("browser: %v\nchat shows:\n%s", err, p.chat())
	}
}

// eval runs a JavaScript expression and returns its value.
func (p *page) eval(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return fmt.Sprint(v)
}

// waitFor waits until the JavaScript condition holds.
func (p *page) waitFor(what, cond string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		p.t.Fatalf("waiting for %s: %v\nchat shows:\n%s", what, err, p.chat())
	}
}

// chat is the text of the open chat, as a reader sees it.
func (p *page) chat() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('messages').innerText`))
	return v
}

// sees waits until the open chat shows text in a bubble of the given side
// (".msg" any, ".msg.mine" the viewer's own, ".msg:not(.mine)" others).
func (p *page) sees(side, text string) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("%q in %s", text, side), fmt.Sprintf(
		`[...document.querySelectorAll('#messages %s')].some(m => m.innerText.includes(%s))`, side, js(text)))
}

// say1 is the catalog's Thai text for key with kv as its arguments, first
// line only.
func (p *page) say1(key string, kv ...any) string {
	first, _, _ := strings.Cut(strings.TrimSpace(p.th(key, kv...)), "\n")
	return first
}

// say is the catalog's Thai text for key, first line only (bubbles wrap).
func (p *page) say(key string) string {
	s := p.cat.MustText(locales.Thai, key, nil)
	first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return first
}

// open taps a chat in the chat list.
func (p *page) open(chatID string) {
	p.t.Helper()
	p.click(`#chats button[data-chat="` + chatID + `"]`)
	p.waitFor("the chat to open", `document.querySelector('#chats button.current')?.dataset.chat === `+js(chatID))
}

// tap taps the visible button (chip, template action or Flex button) whose
// label is label.
func (p *page) tap(label string) {
	p.t.Helper()
	sel := `[...document.querySelectorAll('#quick .chip, #messages .tpl-action, #messages .flex-button')].filter(b => b.textContent === ` + js(label) + `)`
	p.waitFor("a button "+label, sel+`.length > 0`)
	p.eval(sel + `.at(-1).click()`)
}

// set puts value into the form field sel, as typing or choosing would,
// and fires its input and change events. (Done in the page rather than
// with DOM node ids, which a re-render may invalidate between two steps.)
func (p *page) set(sel, value string) {
	p.t.Helper()
	p.eval(fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.value = %s;
		e.dispatchEvent(new Event('input', {bubbles: true})); e.dispatchEvent(new Event('change', {bubbles: true})); return e.value })()`,
		js(sel), js(value)))
}

// click clicks the element sel.
func (p *page) click(sel string) {
	p.t.Helper()
	p.waitFor("element "+sel, `document.querySelector(`+js(sel)+`) !== null`)
	p.eval(`document.querySelector(` + js(sel) + `).click()`)
}

// typeText types into the composer and sends.
func (p *page) typeText(text string) {
	p.t.Helper()
	p.set("#text", text)
	p.click("#send")
}

// screenshot saves the viewport as a PNG.
func (p *page) screenshot(path string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

// shotDir is where screenshots go: $SAMMACHIP_SCREENSHOTS when set (to
// look at them, or to refresh the README's), else a temporary directory.
func shotDir(t *testing.T) string {
	if dir := os.Getenv("SAMMACHIP_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

func (p *page) jsErrors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.errors...)
}

// reminderOnJump says the bot's scheduler ticks when the simulator's clock
// jumps (Main.SimClock().OnJump), so the evening-before reminder card
// arrives by itself in the will-attend scenario. While false, the
// household asks for the same card with the "my schedule" menu instead.
const reminderOnJump = true

func TestSimulatorInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	base := "http://" + m.Addr()
	p := newPage(t, base, 3*time.Minute)
	shots := shotDir(t)
	household, officer := flows.DemoHousehold1ID, flows.DemoOfficerID

	t.Run("the first persona follows and is welcomed", func(t *testing.T) {
		p.t = t
		p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
		p.open(household)
		p.waitFor("the follow note", `document.querySelector('#messages .note') !== null`)
		p.sees(".msg:not(.mine)", p.say("core.welcome"))
		p.waitFor("the quick-reply menu", `!document.getElementById('quick').hidden && document.querySelectorAll('#quick .chip').length >= 3`)
	})

	t.Run("Thai renders with the served font", func(t *testing.T) {
		p.t = t
		p.waitFor("Noto Sans Thai to load", `[...document.fonts].some(f => f.family.includes('Noto Sans Thai') && f.status === 'loaded')`)
		if got := p.eval(`document.fonts.check('15px "Noto Sans Thai"', 'สวัสดีค่ะ')`); got != "true" {
			t.Errorf("Thai glyphs available: %s, want true", got)
		}
	})

	t.Run("a quick-reply chip sends its postback and shows its display text", func(t *testing.T) {
		p.t = t
		help := p.say("core.menu.help")
		p.tap(help)
		p.sees(".msg.mine", help)
		p.sees(".msg:not(.mine)", p.say("core.help"))
	})

	t.Run("typed text is sent as a message", func(t *testing.T) {
		p.t = t
		p.typeText(p.cat.MustText(locales.Thai, "core.cmd.menu", nil))
		p.sees(".msg.mine", p.cat.MustText(locales.Thai, "core.cmd.menu", nil))
		p.waitFor("the menu prompt answer",
			fmt.Sprintf(`[...document.querySelectorAll('#messages .msg:not(.mine)')].filter(m => m.innerText.includes(%s)).length >= 2`, js(p.say("core.menu.prompt"))))
	})

	t.Run("another persona has its own chat", func(t *testing.T) {
		p.t = t
		p.open(officer)
		p.sees(".msg:not(.mine)", p.say("core.welcome"))
		if strings.Contains(p.chat(), p.say("core.help")) {
			t.Errorf("the officer's chat shows the household's help answer:\n%s", p.chat())
		}
		p.open(household)
		p.sees(".msg:not(.mine)", p.say("core.help"))
	})

	t.Run("a push arrives without reloading, and marks other chats unread", func(t *testing.T) {
		p.t = t
		push := func(to, text string) {
			msg, _ := json.Marshal(map[string]string{"type": "text", "text": text})
			rec := bot.OutboxRecord{Kind: bot.SendPush, Chat: to, To: []string{to}, Messages: []json.RawMessage{msg},
				RetryKey: uuid.NewString(), Purpose: "test", Created: m.Now()}
			if err := m.DB().Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
				t.Fatal(err)
			}
			m.Server().Sender().Notify()
		}
		push(household, "📅 พรุ่งนี้อบรมวันที่ 1 เวลา 09.00 น. ค่ะ")
		p.sees(".msg:not(.mine)", "พรุ่งนี้อบรมวันที่ 1")
		push(officer, "มีปราชญ์รออนุมัติ 2 คนค่ะ")
		p.waitFor("an unread badge on the officer's chat", `document.querySelector('#chats button[data-chat="`+officer+`"] .badge')?.textContent === '1'`)
	})

	t.Run("the clock control moves the programme clock", func(t *testing.T) {
		p.t = t
		p.set("#clock-at", "2026-03-12T10:30")
		p.click("#clock-jump")
		p.waitFor("the badge to show the new date", `document.getElementById('clock-badge').textContent.includes('12 มี.ค. 69')`)
		want := time.Date(2026, 3, 12, 10, 30, 0, 0, simStart.Location())
		if got := m.Now(); got.Before(want) || got.After(want.Add(time.Minute)) {
			t.Errorf("programme clock reads %v after the jump, want %v", got, want)
		}
		// What is said now is dated by the simulated clock.
		p.typeText(p.cat.MustText(locales.Thai, "core.cmd.menu", nil))
		p.waitFor("a date separator for Thursday 12 March", `[...document.querySelectorAll('#messages .day')].some(d => d.textContent === 'พฤ. 12 มี.ค. 69')`)
		p.screenshot(filepath.Join(shots, "clock.png"))
		p.click("#clock-reset")
		p.waitFor("the badge to drop the date", `!document.getElementById('clock-badge').classList.contains('shifted')`)
		if got := m.Now(); got.After(simStart.Add(time.Hour)) {
			t.Errorf("programme clock reads %v after Now, want back near %v", got, simStart)
		}
	})

	t.Run("a reload keeps the history", func(t *testing.T) {
		p.t = t
		p.do(chromedp.Reload())
		p.waitFor("the same chat to reopen", `document.querySelector('#chats button.current')?.dataset.chat === `+js(household))
		p.sees(".msg:not(.mine)", p.say("core.help"))
		p.sees(".msg:not(.mine)", "พรุ่งนี้อบรมวันที่ 1")
	})

	t.Run("the officers' group is joined on first open and the speaker is chosen", func(t *testing.T) {
		p.t = t
		p.open(flows.DemoGroupID)
		p.sees(".msg:not(.mine)", p.say("core.group.greeting"))
		p.waitFor("the speaker choice", `!document.getElementById('speaker').hidden`)
		p.set("#speaker", officer)
		p.typeText("สวัสดีค่ะ ทุกคน")
		p.sees(".msg.mine", "สวัสดีค่ะ ทุกคน")
		// The officer makes it the officers' group, for the daily summary.
		p.typeText(p.cat.MustText(locales.Thai, "officer.cmd.bind", nil))
		p.sees(".msg:not(.mine)", p.say("officer.group.bound"))
		// Seen as another member, the same words are someone else's.
		p.set("#speaker", flows.DemoLeadSageID)
		p.sees(".msg:not(.mine)", "สวัสดีค่ะ ทุกคน")
	})

	t.Run("a new persona can be added and follows", func(t *testing.T) {
		p.t = t
		p.set("#new-name", "Anna")
		p.set("#new-lang", "en")
		p.click(`#add-persona button[type=submit]`)
		welcome, _, _ := strings.Cut(strings.TrimSpace(p.cat.MustText(locales.English, "core.welcome", nil)), "\n")
		p.sees(".msg:not(.mine)", welcome)
	})

	t.Run("the date picker answers with a date, as LINE's does", func(t *testing.T) {
		p.t = t
		// The district's last village, หมู่ 6 of the second ตำบล: หมู่ 6
		// of the first one is another village.
		v := demoVillageAt(t, m.DB(), 6, 1)
		th := func(key string, kv ...any) string {
			args := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				args[kv[i].(string)] = kv[i+1]
			}
			return p.cat.MustText(locales.Thai, key, args)
		}
		p.open(officer)
		p.typeText(th("schedule.cmd.set"))
		// Pickers always show the ตำบล.
		p.tap(th("village.name_full", "Moo", v.Moo, "Name", th("village.name_in_tambon", "Name", v.Name, "Tambon", v.Tambon)))
		p.tap(th("schedule.btn.set_day", "N", 5))
		p.tap(th("conv.btn.edit"))
		p.tap(th("schedule.col.date"))
		p.tap(th("conv.btn.pick_date"))
		p.waitFor("the date picker", `document.getElementById('picker').open && document.getElementById('picker-input').type === 'date'`)
		p.set("#picker-input", "2026-04-11")
		p.click("#picker-ok")
		p.sees(".msg:not(.mine)", "11 เมษายน 2569") // the summary card shows the picked date
		p.tap(th("conv.btn.cancel"))
		p.sees(".msg:not(.mine)", p.say("conv.cancelled"))
	})

	t.Run("household will attend, officer sees it in the summary", func(t *testing.T) {
		p.t = t
		willAttendScenario(t, p, m)
		p.screenshot(filepath.Join(shots, "summary.png"))
	})

	p.t = t
	p.open(household)
	p.screenshot(filepath.Join(shots, "household.png"))
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}

// TestSimulatorScreenshot draws the README's picture of the simulator: a
// household head's chat on a phone-sized screen (390×844). She added the
// bot on Tuesday; the clock is moved to Sunday evening, the reminder card
// for Monday arrives, and she taps "will attend". To refresh the README's
// copy:
//
//	SAMMACHIP_SCREENSHOTS=$PWD/deploy/screenshots go test -run TestSimulatorScreenshot ./cmd/sammachip
func TestSimulatorScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	p := newPage(t, "http://"+m.Addr(), 2*time.Minute)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
	// On a phone the chat list is a drawer: pick the chat from it.
	p.eval(`document.querySelector('#chats button[data-chat="` + flows.DemoHousehold1ID + `"]').click()`)
	p.sees(".msg:not(.mine)", p.say("core.welcome"))

	m.SimClock().Set(time.Date(2026, 3, 15, 18, 0, 0, 0, simStart.Location()))
	p.waitFor("the reminder card", `document.querySelectorAll('#messages .flex-bubble').length >= 1`)
	before := p.eval(`document.querySelectorAll('#messages .msg').length`)
	p.tap(p.say("attendance.btn.will"))
	p.waitFor("the answer to the tap", `document.querySelectorAll('#messages .msg').length > `+before)
	p.eval(`document.getElementById('messages').scrollTop = 1e6`)
	p.waitFor("the font", `document.fonts.status === 'loaded'`)
	p.screenshot(filepath.Join(shotDir(t), "simulator.png"))
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}

// willAttendScenario is the simulator's reason to exist: the programme
// clock is moved to the evening before village 1's first day, the
// household sees that day's card and taps "will attend", and the officer
// asks for the summary and sees that household counted for tomorrow.
func willAttendScenario(t *testing.T, p *page, m *Main) {
	t.Helper()
	household, officer := flows.DemoHousehold1ID, flows.DemoOfficerID
	// The demo's first villages start the Monday after simStart.
	p.set("#clock-at", "2026-03-15T18:00")
	p.click("#clock-jump")
	p.waitFor("the clock to jump", `document.getElementById('clock-badge').textContent.includes('15 มี.ค. 69')`)
	p.open(household)
	will := p.say("attendance.btn.will")
	if !reminderOnJump {
		p.tap(p.say("core.menu.schedule"))
	}
	p.waitFor("the day card with "+will, `[...document.querySelectorAll('#messages .flex-button')].some(b => b.textContent === `+js(will)+`)`)
	before := p.eval(`document.querySelectorAll('#messages .msg').length`)
	p.tap(will)
	p.waitFor("the answer to the tap", `document.querySelectorAll('#messages .msg').length > `+before)

	p.open(officer)
	p.typeText(p.cat.MustText(locales.Thai, "summary.cmd", nil))
	// Both ตำบล have a หมู่ 1: the summary names the ตำบล.
	village := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 0)
	inTambon := p.cat.MustText(locales.Thai, "village.name_in_tambon", map[string]any{"Name": village.Name, "Tambon": village.Tambon})
	name := p.cat.MustText(locales.Thai, "summary.village", map[string]any{"Moo": village.Moo, "Name": inTambon})
	counted := p.cat.MustText(locales.Thai, "summary.tomorrow.value", map[string]any{"Will": 1, "Cannot": 0, "None": flows.DefaultCapacity - 1, "Total": flows.DefaultCapacity})
	row := fmt.Sprintf(`[...document.querySelectorAll('#messages .flex-box')].some(b => b.innerText.includes(%s) && b.innerText.includes(%s))`, js(name), js(counted))
	p.waitFor(fmt.Sprintf("the summary row %q: %q", name, counted), row)

	// At 18.30 the daily summary is pushed to the officers' group.
	m.SimClock().Set(time.Date(2026, 3, 15, 18, 30, 0, 0, simStart.Location()))
	p.waitFor("the summary pushed to the group (unread)", `document.querySelector('#chats button[data-chat="`+flows.DemoGroupID+`"] .badge') !== null`)
	p.open(flows.DemoGroupID)
	p.waitFor("the summary in the group", row)
}

// demoVillageAt returns the demo district's หมู่ moo of its nth ตำบล (0:
// the ตำบล of the personas' village, 1: the other). Like a real district's,
// the demo's ตำบล each number their villages from หมู่ 1, so a หมู่ number
// alone names two villages.
func demoVillageAt(t testing.TB, db interface {
	View(func(flows.Tx) error) error
}, moo, nth int) flows.Village {
	t.Helper()
	var vs []flows.Village
	if err := db.View(func(tx flows.Tx) error {
		var err error
		vs, err = flows.FindVillages(tx, moo, "")
		return err
	}); err != nil {
		t.Fatalf("find หมู่ %d: %v", moo, err)
	}
	if len(vs) != 2 {
		t.Fatalf("%d villages numbered หมู่ %d, want 2 (one in each ตำบล of the demo): %+v", len(vs), moo, vs)
	}
	slices.SortFunc(vs, func(a, b flows.Village) int { return a.ID - b.ID })
	return vs[nth]
}

// Product problems the district journeys below show, not fixed yet. While
// a flag is false its check is logged rather than failed; set it to true
// when the fix lands. (The flows code that says these is not this test's.)
const (
	// leadQuestionNamesItsVillage: the question before replacing a lead
	// said "หมู่ {{.Moo}}" with the village's internal id (teams.go,
	// team.lead.replace_q and team.lead.named got vid), so หมู่ 1 ต.โนนทอง
	// read "หมู่ 8", and without its ตำบล. Fixed: it names the village.
	leadQuestionNamesItsVillage = true
	// householdListShowsWeekEnd: the officer's household list showed the
	// stored status ("คัดเลือกแล้ว") after day 5, not completed / "no
	// attendance recorded" as the household's card does. Fixed: the list
	// and its header use HouseholdState.
	householdListShowsWeekEnd = true
)

// known reports a failed check of a known product problem: an error once
// fixed says it is, a log line until then.
func known(t *testing.T, fixed, ok bool, format string, args ...any) {
	t.Helper()
	switch {
	case ok:
		return
	case fixed:
		t.Errorf(format, args...)
	default:
		t.Logf("known product problem: "+format, args...)
	}
}

// th is the catalog's Thai text for key with kv as its arguments.
func (p *page) th(key string, kv ...any) string {
	args := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return p.cat.MustText(locales.Thai, key, args)
}

// lastBubble is the text of the bot's last message bubble that contains
// text ("" if none).
func (p *page) lastBubble(text string) string {
	return p.eval(`(() => { const m = [...document.querySelectorAll('#messages .msg:not(.mine)')].filter(m => m.innerText.includes(` +
		js(text) + `)).at(-1); return m ? m.innerText : '' })()`)
}

// botSays returns a wait for a new bubble of the bot's showing text: one
// more than there are now. Take it before the step that should bring it.
func (p *page) botSays(text string) func() {
	count := `[...document.querySelectorAll('#messages .msg:not(.mine)')].filter(m => m.innerText.includes(` + js(text) + `)).length`
	n := p.eval(count)
	return func() {
		p.t.Helper()
		p.waitFor(fmt.Sprintf("a new %q from the bot", text), count+` > `+n)
	}
}

// tapRow taps the last tappable list row (a Flex box with an action) that
// shows text.
func (p *page) tapRow(text string) {
	p.t.Helper()
	sel := `[...document.querySelectorAll('#messages .clickable')].filter(b => b.innerText.includes(` + js(text) + `))`
	p.waitFor("a row "+text, sel+`.length > 0`)
	p.eval(sel + `.at(-1).click()`)
}

// jump moves the programme clock with the page's clock control, as a
// person trying the simulator does.
func (p *page) jump(at string, badge string) {
	p.t.Helper()
	p.set("#clock-at", at)
	p.click("#clock-jump")
	p.waitFor("the clock to jump to "+at, `document.getElementById('clock-badge').textContent.includes(`+js(badge)+`)`)
}

// shot saves the phone screen as dir/name, with the bot's last bubble that
// shows from at the top of the chat ("": the chat scrolled to its end).
func (p *page) shot(dir, name, from string) {
	p.t.Helper()
	p.waitFor("the font", `document.fonts.status === 'loaded'`)
	if from == "" {
		p.eval(`document.getElementById('messages').scrollTop = 1e6`)
	} else {
		p.eval(`(() => { const m = [...document.querySelectorAll('#messages .msg')].filter(m => m.innerText.includes(` + js(from) +
			`)).at(-1); if (m) m.scrollIntoView({block: 'start'}); return !!m })()`)
	}
	time.Sleep(150 * time.Millisecond) // let the scroll settle before the capture
	p.screenshot(filepath.Join(dir, name))
}

// TestSimulatorDistrictJourneys plays, on a phone-sized screen, what the
// demo district is there to show: a หมู่ number two ตำบล share, typed by an
// officer and asked back; the end of a village's week in the officer's
// household list and card; and a new round started from the chat. It
// saves a screenshot of each step; to look at them:
//
//	SAMMACHIP_SCREENSHOTS=/tmp/shots go test -run TestSimulatorDistrictJourneys ./cmd/sammachip
func TestSimulatorDistrictJourneys(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	p := newPage(t, "http://"+m.Addr(), 4*time.Minute)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	shots := shotDir(t)
	officer, household := flows.DemoOfficerID, flows.DemoHousehold1ID
	home := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 0)  // the personas' หมู่ 1
	other := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 1) // the other ตำบล's หมู่ 1
	if home.Tambon == other.Tambon {
		t.Fatalf("both หมู่ 1 are in ต.%s, want two ตำบล", home.Tambon)
	}
	pick := func(v flows.Village) string {
		return p.th("village.btn.pick", "Moo", v.Moo, "Name", p.th("village.name_in_tambon", "Name", v.Name, "Tambon", v.Tambon))
	}
	full := func(v flows.Village) string {
		return p.th("village.name_full", "Moo", v.Moo, "Name", p.th("village.name_in_tambon", "Name", v.Name, "Tambon", v.Tambon))
	}
	sageOf := func(userID string) flows.Sage {
		var s flows.Sage
		_ = m.DB().View(func(tx flows.Tx) error { s, _, _ = flows.GetSage(tx, userID); return nil })
		if s.Name == "" {
			t.Fatalf("no sage %s", userID)
		}
		return s
	}
	// sageButton is a sage's button when a lead is chosen: the name and
	// home village with its ตำบล.
	sageButton := func(s flows.Sage) string {
		cat := p.th("team.lead.cat." + s.Category + ".short")
		return p.th("team.lead.sage_choice", "Name", locales.StripTitle(s.Name), "Moo", s.Moo, "Tambon", s.Tambon, "Expertise", cat)
	}
	// askSage is the sage question for village v.
	askSage := func(v flows.Village) string { return p.say1("team.lead.ask_sage", "Village", full(v)) }

	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
	p.open(officer)
	p.sees(".msg:not(.mine)", p.say("core.welcome"))

	t.Run("a typed หมู่ 1 is asked back, naming the ตำบล", func(t *testing.T) {
		p.t = t
		p.typeText(p.th("team.cmd.lead"))
		p.sees(".msg:not(.mine)", p.th("team.lead.ask_moo"))
		p.typeText(p.th("village.show.moo", "Moo", 1))
		// Which หมู่ 1? A question, not an error: both ตำบล are named, and
		// just those two villages are buttons.
		tambons := p.th("village.names.last", "List", p.th("village.tambon", "Tambon", home.Tambon), "Item", p.th("village.tambon", "Tambon", other.Tambon))
		ask := p.th("village.ask.which_tambon", "Moo", 1, "Tambons", tambons)
		p.sees(".msg:not(.mine)", ask)
		for _, v := range []flows.Village{home, other} {
			p.waitFor("the button "+pick(v), `[...document.querySelectorAll('#messages .msg:not(.mine)')].at(-1).innerText.includes(`+js(pick(v))+`)`)
		}
		if n := p.eval(`String([...document.querySelectorAll('#messages .msg:not(.mine)')].at(-1).querySelectorAll('.flex-button, .tpl-action').length)`); n != "2" {
			t.Errorf("the ask-back offers %s villages, want the two หมู่ 1:\n%s", n, p.lastBubble(ask))
		}
		if wrong := strings.TrimSpace(p.th("conv.invalid_retry_hint", "Hint", "")); p.lastBubble(wrong) != "" {
			t.Errorf("the ask-back is said as a wrong answer:\n%s", p.lastBubble(wrong))
		}
		p.shot(shots, "a1-ask-which-moo1.png", ask)

		p.tap(pick(other))
		p.sees(".msg.mine", pick(other))
		p.sees(".msg:not(.mine)", askSage(other))
		// The village's own sages come first: its lead heads the list.
		lead := sageOf(other.LeadSageID)
		first := p.eval(`[...document.querySelectorAll('#messages .msg:not(.mine)')].at(-1).querySelector('.flex-button, .tpl-action')?.textContent ?? [...document.querySelectorAll('#quick .chip')][0]?.textContent`)
		// A long label is cut at LINE's 40 characters, with "…".
		if first != sageButton(lead) && (!strings.HasSuffix(first, "…") || !strings.HasPrefix(sageButton(lead), strings.TrimSuffix(first, "…"))) {
			t.Errorf("first sage offered for %s is %q, want its lead %q", full(other), first, sageButton(lead))
		}
		p.shot(shots, "a2-sages-of-that-village.png", askSage(other))

		p.tap(first) // the lead, checked above
		p.sees(".msg:not(.mine)", p.th("conv.confirm.title"))
		if card := p.lastBubble(p.th("conv.confirm.title")); !strings.Contains(card, full(other)) {
			t.Errorf("the summary card does not name %q:\n%s", full(other), card)
		}
		p.shot(shots, "a3-summary-card.png", p.th("conv.confirm.title"))
		// Landed in the right village: it already has this lead (named by
		// first name, as the bot speaks to people).
		already := p.botSays(p.th("team.lead.already", "Name", locales.FirstName(lead.Name), "Village", full(other)))
		p.tap(p.th("conv.btn.confirm"))
		already()
		p.shot(shots, "a4-already-lead-there.png", "")
	})

	t.Run("ม.1 ต.… picks one village; replacing its lead asks first", func(t *testing.T) {
		p.t = t
		asked := p.botSays(p.th("team.lead.ask_moo"))
		p.typeText(p.th("team.cmd.lead"))
		asked()
		asked = p.botSays(askSage(other))
		p.typeText("ม.1 ต." + other.Tambon)
		asked()
		// The second sage offered is another of the village's team.
		second := p.eval(`(() => { const m = [...document.querySelectorAll('#messages .msg:not(.mine)')].at(-1);
			const b = [...m.querySelectorAll('.flex-button, .tpl-action')]; if (b.length > 1) return b[1].textContent;
			return [...document.querySelectorAll('#quick .chip')][1]?.textContent ?? '' })()`)
		if second == "" {
			t.Fatalf("no second sage offered:\n%s", p.chat())
		}
		confirm := p.botSays(p.th("conv.confirm.title"))
		p.tap(second)
		confirm()
		name, _, _ := strings.Cut(second, " · ")
		if card := p.lastBubble(p.th("conv.confirm.title")); !strings.Contains(card, full(other)) || !strings.Contains(card, name) {
			t.Errorf("the summary card does not name %q and %q:\n%s", full(other), name, card)
		}
		question := p.botSays(p.th("team.btn.keep_lead"))
		p.tap(p.th("conv.btn.confirm"))
		question()
		q := p.lastBubble(p.th("team.btn.keep_lead"))
		known(t, leadQuestionNamesItsVillage, strings.Contains(q, full(other)) || strings.Contains(q, p.th("village.place", "Moo", other.Moo, "Tambon", other.Tambon)),
			"the question before replacing the lead does not name %s:\n%s", full(other), q)
		p.shot(shots, "a5-replace-lead-question.png", p.th("team.btn.keep_lead"))
		kept := p.botSays(p.th("team.lead.kept"))
		p.tap(p.th("team.btn.keep_lead"))
		kept()
		if v := demoVillageAt(t, m.DB(), other.Moo, 1); v.LeadSageID != other.LeadSageID {
			t.Errorf("%s lead is %s after keeping, want %s", full(other), v.LeadSageID, other.LeadSageID)
		}
	})

	t.Run("after day 5 the officer sees who completed and who has no record", func(t *testing.T) {
		p.t = t
		// Day 1 of the personas' village is the Monday after simStart. The
		// household taps "here" on its day card.
		p.jump("2026-03-16T09:30", "16 มี.ค. 69")
		p.open(household)
		p.typeText(p.th("schedule.cmd.mine"))
		here := p.th("attendance.btn.here")
		p.waitFor("the day card with "+here, `[...document.querySelectorAll('#messages .flex-button')].some(b => b.textContent === `+js(here)+`)`)
		before := p.eval(`document.querySelectorAll('#messages .msg').length`)
		p.tap(here)
		p.waitFor("the answer to the tap", `document.querySelectorAll('#messages .msg').length > `+before)
		p.shot(shots, "c1-household-taps-here.png", "")

		// Friday evening: day 5 ended at 15.00.
		p.jump("2026-03-20T17:00", "20 มี.ค. 69")
		p.open(officer)
		p.typeText(p.th("household.cmd.list"))
		p.sees(".msg:not(.mine)", p.th("household.list.which"))
		label := p.th("household.village.label", "Moo", home.Moo, "Name", p.th("village.name_in_tambon", "Name", home.Name, "Tambon", home.Tambon))
		p.tap(label)
		title := p.th("household.list.title", "Moo", home.Moo, "Name", p.th("village.name_in_tambon", "Name", home.Name, "Tambon", home.Tambon))
		p.sees(".msg:not(.mine)", title)
		p.shot(shots, "c2-household-list.png", title)
		list := p.lastBubble(title)
		completed, norecord := p.th("household.status.short.completed"), p.th("household.status.short.norecord")
		known(t, householdListShowsWeekEnd, strings.Contains(list, completed) && strings.Contains(list, norecord),
			"after day 5 the list does not show %q and %q:\n%s", completed, norecord, list)
		if selected := p.th("household.status.short.selected"); strings.Contains(list, selected) {
			t.Errorf("after day 5 the list still says %q:\n%s", selected, list)
		}
		removal := p.th("household.btn.remove_by_hand")

		hh1, hh2 := flows.DemoPeople()[3].Name, flows.DemoPeople()[4].Name
		p.tapRow(hh1)
		done := p.say("household.card.completed")
		p.sees(".msg:not(.mine)", done)
		for _, b := range []string{p.th("household.btn.mark_completed"), removal} {
			if card := p.lastBubble(done); strings.Contains(card, b) {
				t.Errorf("a household with a mark is offered %q:\n%s", b, card)
			}
		}
		p.shot(shots, "c3-card-completed.png", done)

		p.tapRow(hh2)
		none := p.say("household.card.norecord_officer")
		p.sees(".msg:not(.mine)", none)
		card := p.lastBubble(none)
		for _, b := range []string{p.th("household.btn.mark_completed"), p.th("household.btn.mark_dropped")} {
			if !strings.Contains(card, b) {
				t.Errorf("the no-record card has no %q button:\n%s", b, card)
			}
		}
		if strings.Contains(card, removal) {
			t.Errorf("the no-record card offers %q after the week:\n%s", removal, card)
		}
		p.shot(shots, "c4-card-no-record.png", none)

		reason := p.botSays(p.th("household.reason.ask.complete"))
		p.tap(p.th("household.btn.mark_completed"))
		reason()
		p.shot(shots, "c5-reason-asked.png", "")
		confirm := p.botSays(p.th("conv.confirm.title"))
		p.typeText("มาอบรมครบทุกวัน ปราชญ์ยืนยัน")
		confirm()
		sure := p.lastBubble(p.th("conv.confirm.title"))
		for _, want := range []string{p.th("household.reason.title.complete"), hh2, p.th("household.label.becomes"), completed} {
			if !strings.Contains(sure, want) {
				t.Errorf("the confirm card does not say %q:\n%s", want, sure)
			}
		}
		p.shot(shots, "c6-reason-confirm.png", "")
		ended := p.botSays(p.th("household.byhand.ended.completed", "Name", hh2))
		p.tap(p.th("conv.btn.confirm"))
		ended()
		p.shot(shots, "c7-marked-completed.png", "")
	})

	t.Run("a new round from the chat says what it will do, then starts", func(t *testing.T) {
		p.t = t
		rounds := p.botSays(p.th("round.chat.title"))
		p.typeText(p.th("round.cmd.list"))
		rounds()
		if card := p.lastBubble(p.th("round.chat.title")); strings.Contains(card, "sammachip") {
			t.Errorf("the rounds card shows a server command:\n%s", card)
		}
		p.shot(shots, "b1-rounds.png", p.th("round.chat.title"))
		ask := p.botSays(p.say("round.q.name.ask"))
		p.tap(p.th("round.btn.start"))
		ask()
		p.shot(shots, "b2-round-name.png", "")
		next := p.th("round.name.fiscal_year", "Year", 2570)
		planned := p.say1("round.plan.text", "To", next, "From", "-", "Villages", 0, "RunningLine", "-")
		confirm := p.botSays(planned)
		p.tap(next)
		confirm()
		plan := p.lastBubble(planned)
		// Still running: the four villages of the demo's second upcoming
		// week (its past villages and the personas' week are over).
		for _, want := range []string{next, "13", p.th("round.plan.running", "Running", 4)} {
			if !strings.Contains(plan, want) {
				t.Errorf("the plan card does not say %q:\n%s", want, plan)
			}
		}
		p.shot(shots, "b3-round-plan.png", planned)
		started := p.botSays(p.th("round.chat.started", "Name", next))
		p.tap(p.th("conv.btn.confirm"))
		started()
		p.shot(shots, "b4-round-started.png", "")
		rounds = p.botSays(p.th("round.chat.title"))
		p.typeText(p.th("round.cmd.list"))
		rounds()
		after := p.lastBubble(p.th("round.chat.title"))
		for _, want := range []string{next, p.th("round.chat.row_current_empty"), p.th("round.chat.row", "Villages", 13), p.th("village.btn.add")} {
			if !strings.Contains(after, want) {
				t.Errorf("the rounds card after the start does not say %q:\n%s", want, after)
			}
		}
		if strings.Contains(after, p.th("round.btn.start")) {
			t.Errorf("the new, empty round offers yet another round:\n%s", after)
		}
		p.shot(shots, "b5-rounds-after.png", p.th("round.chat.title"))
	})

	p.t = t
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}
