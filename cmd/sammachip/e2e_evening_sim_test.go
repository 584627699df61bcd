package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

// TestSimulatorEveningBeforeDay3 plays, as มาลี (a selected household of
// the personas' หมู่ 1 ต.หนองแวง) sees it on a phone, the evening before
// her village's day 3: the day-3 card and the study visit's transport
// headcount (day 4, asked two days ahead) are due at the same 18.00, and
// arrive in one push, the card first and the question last. She answers
// the question, then the card. To look at the screens:
//
//	SAMMACHIP_SCREENSHOTS=/tmp/shots6 go test -run TestSimulatorEveningBeforeDay3 ./cmd/sammachip
func TestSimulatorEveningBeforeDay3(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	p := newPage(t, "http://"+m.Addr(), 3*time.Minute)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	shots := shotDir(t)
	household := flows.DemoHousehold1ID
	home := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 0)

	var day3, day4 flows.ProgrammeDay
	if err := m.DB().View(func(tx flows.Tx) error {
		var ok3, ok4 bool
		var err error
		if day3, ok3, err = flows.GetDay(tx, home.ID, 3); err != nil {
			return err
		}
		if day4, ok4, err = flows.GetDay(tx, home.ID, flows.StudyVisit); err != nil {
			return err
		}
		if !ok3 || !ok4 {
			return fmt.Errorf("หมู่ %d ต.%s has no day 3 or day 4", home.Moo, home.Tambon)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	d3, err := time.ParseInLocation("2006-01-02", day3.Date, simStart.Location())
	if err != nil {
		t.Fatal(err)
	}
	eve := d3.AddDate(0, 0, -1)
	t.Logf("day 3 %s, day 4 %s; the evening before day 3: %s 18:00", day3.Date, day4.Date, eve.Format("2006-01-02"))

	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
	p.open(household)
	time.Sleep(300 * time.Millisecond) // the follow and welcome settle

	// pushesTo are the push and multicast requests that reached the
	// household so far.
	pushesTo := func() []linefake.Request {
		var out []linefake.Request
		for _, kind := range []string{linefake.KindPush, linefake.KindMulticast} {
			for _, r := range m.fake.Sent(kind) {
				if slices.Contains(r.To, household) {
					out = append(out, r)
				}
			}
		}
		return out
	}
	before := len(pushesTo())

	card := p.th("attendance.card.title.3", "Day", 3)
	question := p.say1("reminder.headcount", "Date", "")
	question = strings.TrimSpace(strings.SplitN(question, "จะไป", 2)[1]) // the words after the date
	arrived := p.botSays(card)
	asked := p.botSays(question)
	badge := fmt.Sprintf("%d มี.ค. 69", eve.Day())
	p.jump(eve.Format("2006-01-02")+"T18:00", badge)
	arrived()
	asked()

	t.Run("one push with the card, then the question", func(t *testing.T) {
		p.t = t
		pushes := pushesTo()[before:]
		if len(pushes) != 1 {
			t.Fatalf("%d push requests reached the household at 18.00, want 1", len(pushes))
		}
		msgs := pushes[0].Messages
		if len(msgs) != 2 {
			t.Errorf("the push holds %d messages, want 2 (the day-3 card and the headcount)", len(msgs))
		}
		var all []string
		for _, m := range msgs {
			all = append(all, string(m))
		}
		if len(all) == 2 {
			if !strings.Contains(all[0], card) || !strings.Contains(all[1], question) {
				t.Errorf("the push's messages are not [day-3 card, headcount question]:\n%s", strings.Join(all, "\n\n"))
			}
		}
		// On the page: the card's bubble, then the question's, and the
		// question is the chat's last word.
		order := p.eval(`(() => { const b = [...document.querySelectorAll('#messages .msg:not(.mine)')];
			const c = b.findLastIndex(m => m.innerText.includes(` + js(card) + `));
			const q = b.findLastIndex(m => m.innerText.includes(` + js(question) + `));
			return c + ',' + q + ',' + (b.length - 1) })()`)
		var c, q, last int
		fmt.Sscanf(order, "%d,%d,%d", &c, &q, &last)
		if !(c >= 0 && c < q && q == last) {
			t.Errorf("card at %d, question at %d, last bubble %d: want the card before the question, the question last", c, q, last)
		}
		t.Logf("the card reads:\n%s", p.lastBubble(card))
		t.Logf("the question reads:\n%s", p.lastBubble(question))
		p.shot(shots, "e1-evening-card-top.png", card)
		p.shot(shots, "e2-evening-question.png", question)
		p.shot(shots, "e3-evening-end.png", "")
	})

	// tapIn taps the button label in the bot's last bubble showing text.
	tapIn := func(text, label string) {
		p.t.Helper()
		sel := `[...document.querySelectorAll('#messages .msg:not(.mine)')].filter(m => m.innerText.includes(` + js(text) +
			`)).at(-1)?.querySelectorAll('.flex-button, .tpl-action') ?? []`
		btn := `[...(` + sel + `)].filter(b => b.textContent === ` + js(label) + `)`
		p.waitFor(fmt.Sprintf("a button %s in the bubble %q", label, text), btn+`.length > 0`)
		p.eval(btn + `.at(-1).click()`)
	}
	will := p.th("attendance.btn.will")
	// dayIs is how the bot names day n in its answer, up to the date.
	dayIs := func(n int) string { return strings.TrimSuffix(p.th("attendance.day", "Day", n, "Date", ""), ")") }

	t.Run("the headcount answer is recorded for the study visit", func(t *testing.T) {
		p.t = t
		done := p.botSays(dayIs(4))
		tapIn(question, p.th("attendance.btn.will_visit"))
		done()
		if got := p.lastBubble(dayIs(4)); !strings.Contains(got, "บันทึกแล้ว") {
			t.Errorf("after ไปด้วย on the headcount the bot says:\n%s", got)
		}
		p.shot(shots, "e4-headcount-answered.png", "")
	})

	t.Run("the day-3 card's button is recorded for day 3", func(t *testing.T) {
		p.t = t
		done := p.botSays(dayIs(3))
		tapIn(card, will)
		done()
		if got := p.lastBubble(dayIs(3)); !strings.Contains(got, "บันทึกแล้ว") {
			t.Errorf("after เข้าร่วม on the day-3 card the bot says:\n%s", got)
		}
		p.shot(shots, "e5-day3-answered.png", "")
		t.Logf("the chat now reads:\n%s", p.chat())
	})

	p.t = t
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}
