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
		v := villageNumbered(t, m.DB(), 13)
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
	village := villageNumbered(t, m.DB(), flows.DemoVillageMoo)
	name := p.cat.MustText(locales.Thai, "village.name_full", map[string]any{"Moo": village.Moo, "Name": village.Name})
	counted := p.cat.MustText(locales.Thai, "summary.tomorrow.value", map[string]any{"Will": 1, "Cannot": 0, "None": flows.DefaultCapacity - 1, "Total": flows.DefaultCapacity})
	row := fmt.Sprintf(`[...document.querySelectorAll('#messages .flex-box')].some(b => b.innerText.includes(%s) && b.innerText.includes(%s))`, js(name), js(counted))
	p.waitFor(fmt.Sprintf("the summary row %q: %q", name, counted), row)

	// At 18.30 the daily summary is pushed to the officers' group.
	m.SimClock().Set(time.Date(2026, 3, 15, 18, 30, 0, 0, simStart.Location()))
	p.waitFor("the summary pushed to the group (unread)", `document.querySelector('#chats button[data-chat="`+flows.DemoGroupID+`"] .badge') !== null`)
	p.open(flows.DemoGroupID)
	p.waitFor("the summary in the group", row)
}
