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
	"github.com/sammachip/sammachip/locales"
)

// TestSimulatorVillagerWeek plays one programme week on a small phone
// (360 px wide) as the people who meet it: มาลี, a 60-year-old selected
// household head who answers in her own words, บุญมี, a team sage taking
// the roll call, and the officer moving a day's time. It checks what they
// would notice: each typed answer does what its button does (no "choose
// from the menu"), "I am here" refuses an early tap and says when it opens,
// day 5 speaks of practice at home, a change notice says old → new, and
// nobody gets more than one push in an evening. To look at the screens:
//
//	SAMMACHIP_SCREENSHOTS=/tmp/week go test -run TestSimulatorVillagerWeek ./cmd/sammachip
func TestSimulatorVillagerWeek(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	p := newPage(t, "http://"+m.Addr(), 3*time.Minute)
	p.do(chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2)))
	shots := shotDir(t)
	loc := simStart.Location()
	home := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 0)
	var days [flows.Days + 1]flows.ProgrammeDay
	if err := m.DB().View(func(tx flows.Tx) error {
		for n := 1; n <= flows.Days; n++ {
			d, ok, err := flows.GetDay(tx, home.ID, n)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("หมู่ %d ต.%s has no day %d", home.Moo, home.Tambon, n)
			}
			days[n] = d
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	date := func(n int) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", days[n].Date, loc)
		return d
	}
	eve := func(n int) time.Time { return date(n).Add(-6 * time.Hour) } // 18.00 the day before
	jumpTo := func(at time.Time) {
		p.t.Helper()
		_, short, _ := strings.Cut(locales.FormatShortDate(locales.Thai, at), " ")
		p.jump(at.Format("2006-01-02T15:04"), short+" "+at.Format("15.04"))
	}
	pushes := func(who string) int {
		n := 0
		for _, kind := range []string{linefake.KindPush, linefake.KindMulticast} {
			for _, r := range m.fake.Sent(kind) {
				if slices.Contains(r.To, who) {
					n++
				}
			}
		}
		return n
	}
	botBubbles := `[...document.querySelectorAll('#messages .msg:not(.mine)')]`
	// after does act and returns the text of the bot's new bubbles once
	// one has come and the chat is still for a moment.
	after := func(act func()) string {
		p.t.Helper()
		var n int
		fmt.Sscan(p.eval(botBubbles+`.length`), &n)
		act()
		p.waitFor("the bot's answer", fmt.Sprintf(`%s.length > %d`, botBubbles, n))
		time.Sleep(300 * time.Millisecond)
		return p.eval(fmt.Sprintf(`%s.slice(%d).map(m => m.innerText).join('\n---\n')`, botBubbles, n))
	}
	// openChat opens a chat and waits until its history is drawn.
	openChat := func(id string) {
		p.t.Helper()
		p.open(id)
		p.waitFor("the chat's history", botBubbles+`.length > 0`)
		time.Sleep(300 * time.Millisecond)
	}
	answer := func(text string) string { return after(func() { p.typeText(text) }) }
	fallback := p.say("core.menu.prompt")
	want := func(what, got string, in ...string) {
		p.t.Helper()
		if strings.Contains(got, fallback) {
			p.t.Errorf("%s: the bot did not understand and showed the menu:\n%s", what, got)
			return
		}
		for _, w := range in {
			if !strings.Contains(got, w) {
				p.t.Errorf("%s: the bot says\n%s\nwant %q in it", what, got, w)
			}
		}
	}
	hh, sage, officer := flows.DemoHousehold1ID, flows.DemoTeamSageID, flows.DemoOfficerID
	// evening checks that an evening's news reached each person in at most
	// one push.
	evening := func(name string, before map[string]int) {
		p.t.Helper()
		for who, n := range before {
			if got := pushes(who) - n; got > 1 {
				p.t.Errorf("%s: %s got %d pushes, want at most one", name, who, got)
			}
		}
	}
	counts := func() map[string]int { return map[string]int{hh: pushes(hh), sage: pushes(sage)} }

	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
	openChat(sage) // both are LINE friends before the week
	openChat(hh)
	will := p.th("attendance.btn.will")

	t.Run("day 1: the card, will attend, too early, on time", func(t *testing.T) {
		p.t = t
		before := counts()
		card := p.th("attendance.card.title.1")
		got := after(func() { jumpTo(eve(1)) })
		want("the evening card", got, card)
		evening("the evening before day 1", before)
		got = after(func() { p.tap(will) })
		want("เข้าร่วม", got, "บันทึกแล้ว", "มาแล้ว")
		// มาแล้ว at 06.00 for a 09.00 start: refused, saying when it opens.
		jumpTo(date(1).Add(6 * time.Hour))
		opens := days[1].StartsAt(loc).Add(-flows.DefaultCheckInEarly)
		got = answer("มาแล้วค่ะ")
		want("มาแล้วค่ะ at 06.00", got, locales.FormatClock(locales.Thai, opens))
		if strings.Contains(got, "บันทึกแล้ว") {
			t.Errorf("มาแล้ว at 06.00 was recorded: %s", got)
		}
		p.shot(shots, "v1-too-early.png", "")
		jumpTo(days[1].StartsAt(loc).Add(-20 * time.Minute))
		want("มาแล้ว at 08.40", answer("มาแล้ว"), p.th("attendance.done.here", "Name", "มาลี"))
	})

	t.Run("the sage's roll call: all present, one exception, undone by typing", func(t *testing.T) {
		p.t = t
		openChat(sage)
		card := p.th("attendance.rollcall.title", "Day", p.th("attendance.day", "Day", 1, "Date", locales.DateYear(date(1))))
		want("เช็คชื่อ", answer("เช็คชื่อ"), card)
		// The card's button typed, emoji and all.
		want("✅ มาครบทุกคน typed", answer(p.th("attendance.btn.all_present")), "20/20")
		got := after(func() { p.tapRow("สมชาย") })
		want("a tap on สมชาย", got, "✗ สมชาย", "19/20")
		if strings.Count(got, "\n") > 2 {
			t.Errorf("a roll-call tap answers with more than a short line:\n%s", got)
		}
		p.shot(shots, "v2-rollcall-exception.png", "")
		want("the undo chip typed", answer(p.th("attendance.btn.set.present")), "✓ สมชาย", "20/20")
	})

	t.Run("the officer moves day 2 to 13.00: one notice, old → new", func(t *testing.T) {
		p.t = t
		openChat(officer)
		answer(p.th("schedule.cmd.set"))
		after(func() {
			p.tap(p.th("village.name_in_tambon", "Name", fmt.Sprintf("หมู่ %d %s", home.Moo, home.Name), "Tambon", home.Tambon))
		})
		after(func() { p.tap(p.th("schedule.btn.set_day", "N", 2)) })
		after(func() { p.tap(p.th("conv.btn.edit")) })
		after(func() { p.tap(p.th("schedule.label.start")) })
		answer("13.00")
		after(func() { p.tap(p.th("conv.btn.confirm")) })
		openChat(hh)
		n := pushes(hh)
		got := after(func() { jumpTo(days[1].StartsAt(loc).Add(30 * time.Minute)) })
		want("the change notice", got, "09.00 น. → 13.00 น.")
		if d := pushes(hh) - n; d != 1 {
			t.Errorf("the change reached มาลี in %d pushes, want 1", d)
		}
		p.shot(shots, "v3-change-notice.png", "")
	})

	t.Run("day 2: cannot, with the reason in the same words", func(t *testing.T) {
		p.t = t
		before := counts()
		after(func() { jumpTo(eve(2)) })
		evening("the evening before day 2", before)
		want("ไม่สะดวกค่ะ ไม่สบาย", answer("ไม่สะดวกค่ะ ไม่สบาย"), "บันทึกแล้ว", "ไม่สะดวก")
	})

	t.Run("day 3's evening: the study visit's headcount in words", func(t *testing.T) {
		p.t = t
		before := counts()
		got := after(func() { jumpTo(eve(3)) })
		want("the evening before day 3", got, p.th("attendance.card.title.3"), p.th("attendance.card.title.4"))
		evening("the evening before day 3", before)
		got = answer("ไปสองคน")
		want("ไปสองคน", got, p.th("attendance.seats.btn", "N", 2))
		if strings.Contains(got, "((") || strings.Contains(got, "))") {
			t.Errorf("doubled brackets:\n%s", got)
		}
		p.shot(shots, "v4-headcount-typed.png", p.th("attendance.card.title.4"))
	})

	t.Run("day 5: practice at home, not arriving", func(t *testing.T) {
		p.t = t
		before := counts()
		after(func() { jumpTo(eve(5)) })
		evening("the evening before day 5", before)
		got := after(func() { p.tap(will) })
		want("เข้าร่วม on day 5's card", got, p.th("attendance.btn.practised"))
		if strings.Contains(got, "มาแล้ว") || strings.Contains(got, "ที่อบรม") {
			t.Errorf("day 5 (practice at home) is told to tap มาแล้ว at the training place:\n%s", got)
		}
		p.shot(shots, "v5-day5-will.png", "")
		jumpTo(date(5).Add(10 * time.Hour))
		got = answer("มาแล้วค่ะ")
		want("มาแล้วค่ะ on day 5", got, "ฝึก")
		if strings.Contains(got, "ยินดีต้อนรับ") {
			t.Errorf("day 5 welcomes her to a training place:\n%s", got)
		}
	})

	t.Run("help in her words", func(t *testing.T) {
		p.t = t
		got := answer("ช่วยด้วย")
		want("ช่วยด้วย", got, p.say1("core.rolehelp.selected"), p.th("attendance.btn.practised"))
		p.shot(shots, "v6-help.png", p.say1("core.rolehelp.selected"))
	})

	p.t = t
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}
