package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// TestSimulatorFollowUpJourney plays the follow-up after the five days as
// its users do, on a phone-sized screen: the demo's village that finished
// four weeks before its load (ต.โนนทอง หมู่ 3, none of its households on
// LINE) has its first follow-up due on the Sunday that ends the first
// upcoming week, at 10.00; the officer (no sage persona is on that
// village's team) answers for two of its households from ติดตามผล and
// sees them counted in ตัวชี้วัด. Then the personas' households finish
// their own week, and 30 days on each answers its push as a 60-year-old
// would type. To look at the screens:
//
//	SAMMACHIP_SCREENSHOTS=/tmp/shots5 go test -run TestSimulatorFollowUpJourney ./cmd/sammachip
func TestSimulatorFollowUpJourney(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	p := newPage(t, "http://"+m.Addr(), 5*time.Minute)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	shots := shotDir(t)
	officer := flows.DemoOfficerID
	dong := demoVillageAt(t, m.DB(), 3, 1) // ต.โนนทอง หมู่ 3: its week four weeks before the load
	inTambon := func(v flows.Village) string {
		return p.th("village.name_in_tambon", "Name", v.Name, "Tambon", v.Tambon)
	}
	unknown := p.th("household.income.unknown")

	// waiting are dong's households whose follow-up is open, by id.
	waiting := func() []flows.Household {
		var out []flows.Household
		if err := m.DB().View(func(tx flows.Tx) error {
			hs, err := flows.VillageHouseholds(tx, dong.ID)
			if err != nil {
				return err
			}
			for _, h := range hs {
				fs, err := flows.HouseholdFollowUps(tx, h.ID)
				if err != nil {
					return err
				}
				for _, f := range fs {
					if !f.IsAnswered() {
						out = append(out, h)
						break
					}
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	// answerFor opens ติดตามผล and taps household h's row.
	answerFor := func(h flows.Household) {
		list := p.botSays(p.th("followup.list.title"))
		p.typeText(p.th("followup.cmd"))
		list()
		q := p.botSays(p.say1("followup.q.practice_other", "Name", locales.FirstName(h.HeadName), "Occupation", dong.Occupation))
		p.tapRow(fmt.Sprint(flows.HouseholdName(h)))
		q()
	}

	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
	// The two household heads have added the bot as a friend (a persona
	// does on opening its chat): their follow-up comes to them on LINE.
	for _, id := range []string{flows.DemoHousehold1ID, flows.DemoHousehold2ID} {
		p.open(id)
		p.sees(".msg:not(.mine)", p.say("core.welcome"))
	}
	p.open(officer)
	p.sees(".msg:not(.mine)", p.say("core.welcome"))

	t.Run("the officer answers for a household without LINE", func(t *testing.T) {
		p.t = t
		if n := len(waiting()); n != 0 {
			t.Fatalf("%d households of %s wait before the follow-up is due", n, inTambon(dong))
		}
		// Sunday 22 March 2569, 10.00: day 5 was Friday 20 February.
		p.jump("2026-03-22T10:00", "22 มี.ค. 69")
		var hs []flows.Household
		for range 50 {
			if hs = waiting(); len(hs) > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if len(hs) < 2 {
			t.Fatalf("%d households of %s wait for their follow-up at 10.00, want at least 2", len(hs), inTambon(dong))
		}
		list := p.botSays(p.th("followup.list.title"))
		p.typeText(p.th("followup.cmd"))
		list()
		p.shot(shots, "f01-officer-list.png", p.th("followup.list.title"))
		p.shot(shots, "f01b-officer-list-end.png", "")

		h := hs[0]
		q := p.botSays(p.say1("followup.q.practice_other", "Name", locales.FirstName(h.HeadName), "Occupation", dong.Occupation))
		p.tapRow(fmt.Sprint(flows.HouseholdName(h)))
		q()
		p.shot(shots, "f02-practice-question.png", "")

		income := p.botSays(p.say("followup.q.income"))
		p.tap(p.th("followup.btn.sometimes"))
		income()
		p.shot(shots, "f03-income-question.png", "")

		occ := p.botSays(p.say1("followup.q.occupation_income", "Occupation", dong.Occupation))
		p.typeText("ประมาณ 4500 บาท")
		occ()
		p.shot(shots, "f04-occupation-income-question.png", "")

		confirm := p.botSays(p.th("conv.confirm.title"))
		p.typeText("1.5 พัน")
		confirm()
		card := p.lastBubble(p.th("conv.confirm.title"))
		for _, want := range []string{p.th("followup.btn.sometimes"), "4,500", "1,500"} {
			if !strings.Contains(card, want) {
				t.Errorf("the confirm card does not say %q:\n%s", want, card)
			}
		}
		p.shot(shots, "f05-confirm.png", p.th("conv.confirm.title"))

		thanks := p.botSays(p.say1("followup.saved.for", "Name", locales.FirstName(h.HeadName), "Count", 0))
		p.tap(p.th("conv.btn.confirm"))
		thanks()
		p.shot(shots, "f06-thanks.png", "")
	})

	t.Run("typed labels and ไม่ทราบ in other words work", func(t *testing.T) {
		p.t = t
		hs := waiting()
		if len(hs) == 0 {
			t.Fatal("no household left to answer for")
		}
		h := hs[0]
		answerFor(h)
		income := p.botSays(p.say("followup.q.income"))
		p.typeText("ทำบ้างค่ะ")
		income()
		occ := p.botSays(p.say1("followup.q.occupation_income", "Occupation", dong.Occupation))
		p.typeText("ไม่แน่ใจ")
		occ()
		p.shot(shots, "f07-typed-not-sure.png", "")
		confirm := p.botSays(p.th("conv.confirm.title"))
		p.typeText("ไม่ทราบค่ะ")
		confirm()
		card := p.lastBubble(p.th("conv.confirm.title"))
		if strings.Count(card, unknown) < 2 {
			t.Errorf("the confirm card does not say %q twice:\n%s", unknown, card)
		}
		p.shot(shots, "f08-confirm-unknown.png", p.th("conv.confirm.title"))
		thanks := p.botSays(p.say1("followup.saved.for", "Name", locales.FirstName(h.HeadName), "Count", 0))
		p.typeText(p.th("conv.btn.confirm"))
		thanks()
		p.shot(shots, "f09-thanks-typed.png", "")
		if left := len(waiting()); !strings.Contains(p.lastBubble(p.th("followup.saved.for", "Name", locales.FirstName(h.HeadName), "Count", left)), fmt.Sprint(left)) {
			t.Errorf("the thanks does not say %d households are left:\n%s", left, p.chat())
		}
	})

	t.Run("the officer sees the answers counted", func(t *testing.T) {
		p.t = t
		row := p.th("village.name_full", "Moo", dong.Moo, "Name", inTambon(dong))
		card := p.botSays(row)
		p.typeText(p.th("indicator.cmd"))
		card()
		// The village's row counts the two answers (too few yet for a
		// percentage: indicator.bar.not_enough).
		answered := p.th("indicator.bar.not_enough", "Answered", 2, "Trained", 0)
		answered, _, _ = strings.Cut(answered, " 0 ")
		box := fmt.Sprintf(`[...[...document.querySelectorAll('#messages .msg:not(.mine)')].at(-1).querySelectorAll('.flex-box')].filter(b => b.innerText.includes(%s) && b.innerText.includes(%s))`, js(row), js(answered))
		p.waitFor(fmt.Sprintf("the row of %s to say %q", row, answered), box+`.length > 0`)
		t.Logf("the indicators row: %q", p.eval(box+`.at(-1).innerText`))
		p.eval(box + `.at(-1).scrollIntoView({block: 'center'})`)
		time.Sleep(150 * time.Millisecond)
		p.screenshot(filepath.Join(shots, "f10-indicators.png"))
	})

	// The personas' households (on LINE) finish their own week: the
	// officer marks them completed by hand after day 5, as when no sage
	// took the roll call.
	home := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 0)
	people := flows.DemoPeople()
	t.Run("the personas' households complete their week", func(t *testing.T) {
		p.t = t
		for _, hh := range []string{people[3].Name, people[4].Name} {
			which := p.botSays(p.th("household.list.which"))
			p.typeText(p.th("household.cmd.list"))
			which()
			title := p.th("household.list.title", "Moo", home.Moo, "Name", inTambon(home))
			list := p.botSays(title)
			p.tap(p.th("household.village.label", "Moo", home.Moo, "Name", inTambon(home)))
			list()
			none := p.botSays(p.say("household.card.norecord_officer"))
			p.tapRow(hh)
			none()
			reason := p.botSays(p.th("household.reason.ask.complete"))
			p.tap(p.th("household.btn.mark_completed"))
			reason()
			confirm := p.botSays(p.th("conv.confirm.title"))
			p.typeText("มาอบรมครบ ปราชญ์ยืนยัน")
			confirm()
			ended := p.botSays(p.th("household.byhand.ended.completed", "Name", hh))
			p.tap(p.th("conv.btn.confirm"))
			ended()
		}
	})

	t.Run("a household on LINE answers its push", func(t *testing.T) {
		p.t = t
		// Day 5 was Friday 20 March: 30 days on is Sunday 19 April, 10.00.
		p.jump("2026-04-19T10:00", "19 เม.ย. 69")
		p.open(flows.DemoHousehold1ID)
		title := p.th("followup.card.title")
		p.sees(".msg:not(.mine)", title)
		p.shot(shots, "f11-villager-push.png", title)
		income := p.botSays(p.say("followup.q.income"))
		p.tap(p.th("followup.btn.regular"))
		income()
		occ := p.botSays(p.say1("followup.q.occupation_income", "Occupation", home.Occupation))
		p.typeText("ห้าพัน")
		occ()
		p.shot(shots, "f12-villager-occupation-income.png", "")
		confirm := p.botSays(p.th("conv.confirm.title"))
		p.typeText("๔๕๐๐")
		confirm()
		card := p.lastBubble(p.th("conv.confirm.title"))
		for _, want := range []string{p.th("followup.btn.regular"), "5,000", "4,500"} {
			if !strings.Contains(card, want) {
				t.Errorf("the confirm card does not say %q:\n%s", want, card)
			}
		}
		p.shot(shots, "f13-villager-confirm.png", p.th("conv.confirm.title"))
		thanks := p.botSays(p.th("followup.saved.own"))
		p.tap(p.th("conv.btn.confirm"))
		thanks()
		p.shot(shots, "f14-villager-thanks.png", "")
	})

	t.Run("another household types its answers", func(t *testing.T) {
		p.t = t
		p.open(flows.DemoHousehold2ID)
		p.sees(".msg:not(.mine)", p.th("followup.card.title"))
		reason := p.botSays(p.th("followup.q.reason"))
		p.typeText("ยังไม่ได้ทำค่ะ")
		reason()
		p.shot(shots, "f15-villager-reason.png", "")
		income := p.botSays(p.say("followup.q.income"))
		p.tap(p.th("followup.reason.no_capital"))
		income()
		confirm := p.botSays(p.th("conv.confirm.title"))
		p.typeText("ไม่รู้")
		confirm()
		if card := p.lastBubble(p.th("conv.confirm.title")); !strings.Contains(card, unknown) {
			t.Errorf("the confirm card does not say %q:\n%s", unknown, card)
		}
		p.shot(shots, "f16-villager-confirm-unknown.png", p.th("conv.confirm.title"))
		thanks := p.botSays(p.th("followup.saved.own"))
		p.tap(p.th("conv.btn.confirm"))
		thanks()
		p.shot(shots, "f17-villager-thanks.png", "")
	})

	p.t = t
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}
