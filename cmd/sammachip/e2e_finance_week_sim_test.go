package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

// TestSimulatorFinanceWeek plays one village's programme week in the
// simulator, on a phone, as the people who make its paper trail: the
// households tap (too early, then on time), the sage takes the roll call
// (all present, then the exceptions), the officer corrects a record, and
// each evening's 18.30 summary reaches the officers' group. Every figure
// of each summary is checked against the attendance records counted
// household by household, and the officer's ใบลงชื่อ workbook is
// downloaded and read back: its record sheet must tell the week as the
// summaries did, and its day-1 sign-in sheet must be ready to print. To
// look at the screens:
//
//	SAMMACHIP_SCREENSHOTS=/tmp/shots go test -run TestSimulatorFinanceWeek ./cmd/sammachip
func TestSimulatorFinanceWeek(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	logs := &simLog{}
	m, _ := runMain(t, map[string]string{
		"SAMMACHIP_DB":       filepath.Join(simDir(t), "sim.db"),
		"SAMMACHIP_DISTRICT": "เมืองขอนแก่น",
		"SAMMACHIP_PROVINCE": "ขอนแก่น",
	}, logs)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the bot's log:\n%s", strings.Join(logs.Lines(), "\n"))
		}
	})
	p := newPage(t, "http://"+m.Addr(), 3*time.Minute)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	shots := shotDir(t)
	officer, sage, household, group := flows.DemoOfficerID, flows.DemoTeamSageID, flows.DemoHousehold1ID, flows.DemoGroupID
	home := demoVillageAt(t, m.DB(), flows.DemoVillageMoo, 0)
	fullName := p.th("village.name_in_tambon", "Name", home.Name, "Tambon", home.Tambon)

	// The week's dates and two households without LINE the sage marks
	// absent (the officer then corrects the first).
	var days [flows.Days]flows.ProgrammeDay
	var late, away string
	if err := m.DB().View(func(tx flows.Tx) error {
		for n := 1; n <= flows.Days; n++ {
			d, ok, err := flows.GetDay(tx, home.ID, n)
			if err != nil || !ok {
				return fmt.Errorf("day %d of หมู่ %d: %v", n, home.Moo, err)
			}
			days[n-1] = d
		}
		hs, err := flows.VillageHouseholds(tx, home.ID)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if h.Status == flows.StatusSelected && h.UserID == "" {
				if late == "" {
					late = h.HeadName
				} else if away == "" {
					away = h.HeadName
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if late == "" || away == "" {
		t.Fatalf("the demo's หมู่ %d has no two selected households without LINE", home.Moo)
	}
	// jumpTo moves the clock to day n (0: the evening before day 1) at
	// clock, waiting for the page's clock badge to show the day.
	jumpTo := func(n int, clock string) {
		p.t.Helper()
		d, _ := time.ParseInLocation("2006-01-02", days[max(n, 1)-1].Date, simStart.Location())
		if n == 0 {
			d = d.AddDate(0, 0, -1)
		}
		at, want := d.Format("2006-01-02")+"T"+clock, fmt.Sprintf("%d %s", d.Day(), thaiMonthShort[d.Month()-1])
		// The page may redraw the clock field from the previous jump's
		// event between setting it and the click: try again then.
		badge := `document.getElementById('clock-badge').textContent`
		for try := 0; ; try++ {
			p.set("#clock-at", at)
			p.click("#clock-jump")
			start := time.Now()
			for !strings.Contains(p.eval(badge), want) && time.Since(start) < 5*time.Second {
				time.Sleep(100 * time.Millisecond)
			}
			if strings.Contains(p.eval(badge), want) {
				return
			}
			if try == 2 {
				p.t.Fatalf("the clock did not jump to %s: its badge shows %q", at, p.eval(badge))
			}
		}
	}

	// openChat opens a chat and waits for its history to be shown: a
	// wait for a new bubble taken before would count the old ones.
	openChat := func(id string) {
		p.t.Helper()
		p.open(id)
		count := `String(document.querySelectorAll('#messages .msg').length)`
		last := ""
		for start := time.Now(); time.Since(start) < 5*time.Second; time.Sleep(150 * time.Millisecond) {
			n := p.eval(count)
			if n == last && n != "0" {
				return
			}
			last = n
		}
	}
	// tapIn taps the button label in the bot's last bubble showing text.
	tapIn := func(text, label string) {
		p.t.Helper()
		sel := `[...document.querySelectorAll('#messages .msg:not(.mine)')].filter(m => m.innerText.includes(` + js(text) +
			`)).at(-1)?.querySelectorAll('.flex-button, .tpl-action') ?? []`
		btn := `[...(` + sel + `)].filter(b => b.textContent === ` + js(label) + `)`
		p.waitFor(fmt.Sprintf("a button %s in the bubble %q", label, text), btn+`.length > 0`)
		p.eval(btn + `.at(-1).click()`)
	}
	// The officers' group gets the summaries.
	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)
	openChat(group)
	bound := p.botSays(p.say("officer.group.bound"))
	p.typeText(p.th("officer.cmd.bind"))
	bound()
	for _, id := range []string{household, sage, officer} {
		openChat(id)
	}
	time.Sleep(300 * time.Millisecond) // the follows and welcomes settle

	// summaryAt jumps to 18.31 of day n and returns the text of the
	// summary pushed to the group then.
	summaryAt := func(n int) string {
		p.t.Helper()
		before := len(simPushesTo(m, group))
		jumpTo(n, "18:31")
		deadline := time.Now().Add(10 * time.Second)
		for len(simPushesTo(m, group)) == before {
			if time.Now().After(deadline) {
				p.t.Fatalf("no summary reached the officers' group at 18.31 on day %d", n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		var out []string
		for _, r := range simPushesTo(m, group)[before:] {
			for _, msg := range r.Messages {
				out = append(out, flexTexts(msg)...)
			}
		}
		return strings.Join(out, "\n")
	}
	// checkSummary checks every village's figures for day n in its
	// summary against the records, counted household by household.
	checkSummary := func(t *testing.T, n int, sum string) map[int]weekCount {
		t.Helper()
		counts := recount(t, m, days[n-1].Date)
		villages := map[int]flows.Village{}
		_ = m.DB().View(func(tx flows.Tx) error {
			r, _ := flows.CurrentRound(tx)
			vs, _ := flows.RoundVillages(tx, r.ID)
			for _, v := range vs {
				villages[v.ID] = v
			}
			return nil
		})
		if len(counts) == 0 {
			t.Fatalf("no village has a day on %s", days[n-1].Date)
		}
		for vid, c := range counts {
			v := villages[vid]
			name := p.th("summary.village", "Moo", v.Moo, "Name", p.th("village.name_in_tambon", "Name", v.Name, "Tambon", v.Tambon))
			label := p.th("summary.today.row", "Village", name, "Day", c.day)
			value := p.th("summary.today.value", "Present", c.present, "Absent", c.absent, "Unknown", c.unknown, "Total", c.selected)
			if c.day == flows.HomeDay {
				value = p.th("summary.today.practised", "Practised", c.practised, "None", c.unknown, "Total", c.selected)
				if c.absent > 0 {
					value = p.th("summary.today.practised_not", "Practised", c.practised, "Not", c.absent, "None", c.unknown, "Total", c.selected)
				}
			}
			if !strings.Contains(sum, label+"\n"+value) {
				t.Errorf("day %d: the summary does not say %q under %q (the records' count):\n%s", n, value, label, sum)
			}
			key := "summary.flag.rollcall"
			if c.day == flows.HomeDay {
				key = "summary.flag.home"
			}
			flag := p.th(key, "Village", name, "Day", c.day)
			if got, want := strings.Contains(sum, flag), c.marked == 0 && !c.rollCalled; got != want {
				t.Errorf("day %d: flag %q shown %v, want %v (marks %d, roll call %v)", n, flag, got, want, c.marked, c.rollCalled)
			}
		}
		if n := strings.Count(sum, p.th("summary.flag.heading")); n > 1 {
			t.Errorf("the summary heads its flags %d times, want once:\n%s", n, sum)
		}
		return counts
	}
	week := map[int]weekCount{} // the home village's count, by day

	t.Run("day 1: taps, roll call, the officer's correction, the summary", func(t *testing.T) {
		p.t = t
		// The evening before: มาลี's card, and she will come.
		openChat(household)
		card := p.th("attendance.card.title.1", "Day", 1)
		arrived := p.botSays(card)
		jumpTo(0, "18:00")
		arrived()
		p.shot(shots, "f1-household-evening-card.png", card)
		saved := p.botSays("✅")
		tapIn(card, p.th("attendance.btn.will"))
		saved()

		// 05.30: too early for มาแล้ว; 09.20: on time.
		jumpTo(1, "05:30")
		early, _, _ := strings.Cut(p.th("attendance.err.opens_at", "Time", ""), " ")
		refused := p.botSays(early)
		p.typeText(p.th("attendance.btn.here"))
		refused()
		p.shot(shots, "f2-household-too-early.png", "")
		jumpTo(1, "09:20")
		welcome := p.th("attendance.done.here", "Name", "มาลี")
		here := p.botSays(welcome)
		p.typeText(p.th("attendance.btn.here"))
		here()

		// 10.00: the sage's roll call, everyone present, then two
		// households who did not come, each answered in one line.
		jumpTo(1, "10:00")
		openChat(sage)
		allPresent := p.th("attendance.btn.all_present")
		opened := p.botSays(allPresent)
		p.typeText(p.th("attendance.cmd.rollcall"))
		opened()
		done := p.botSays(p.th("attendance.roll.count", "Here", 20, "Total", 20))
		tapIn(allPresent, allPresent)
		done()
		for i, name := range []string{late, away} {
			first := strings.Fields(name)[0]
			short := p.th("attendance.roll.count", "Here", 19-i, "Total", 20)
			answered := p.botSays(first + " · " + short)
			p.tapRow(name)
			answered()
			reply := p.lastBubble(first + " · " + short)
			if lines := strings.Count(strings.TrimSpace(reply), "\n"); lines > 3 {
				t.Errorf("a roll-call tap is answered with %d lines, want a short reply:\n%s", lines+1, reply)
			}
		}
		p.shot(shots, "f3-sage-rollcall-reply.png", "")

		// 16.30: the officer corrects one record from the roll-call
		// card: the row, the value, the reason, confirm.
		jumpTo(1, "16:30")
		openChat(officer)
		which := p.botSays(p.th("attendance.rollcall.which_village"))
		p.typeText(p.th("attendance.cmd.rollcall"))
		which()
		rollCard := p.botSays(p.th("attendance.cmd.rollcall"))
		p.tap(p.th("household.village.label", "Moo", home.Moo, "Name", fullName))
		rollCard()
		taps := 0
		_, askValue, _ := strings.Cut(p.th("attendance.fix.which_value", "Name", late, "Day", "\x00"), "\x00")
		valueAsked := p.botSays(askValue)
		p.tapRow(late)
		taps++
		valueAsked()
		reasonAsked := p.botSays(p.th("attendance.fix.reason"))
		tapIn(askValue, p.th("attendance.fix.choice.presence.present"))
		taps++
		reasonAsked()
		confirm := p.botSays(p.th("conv.confirm.title"))
		p.typeText("มาสาย ปราชญ์เช็คชื่อก่อนมาถึง")
		confirm()
		p.shot(shots, "f4-officer-correction-confirm.png", "")
		fixed := p.botSays(p.th("attendance.fix.saved", "Name", late, "Day", 1))
		tapIn(p.th("conv.confirm.title"), p.th("conv.btn.confirm"))
		taps++
		fixed()
		if taps > 3 {
			t.Errorf("the correction took %d taps, want at most 3", taps)
		}

		// 18.31: the summary in the officers' group.
		openChat(group)
		sum := summaryAt(1)
		p.shot(shots, "f5-group-summary-day1.png", p.th("summary.today.row", "Village", p.th("summary.village", "Moo", home.Moo, "Name", fullName), "Day", 1))
		c := checkSummary(t, 1, sum)[home.ID]
		// What was played: 20 present, two absent, one corrected back.
		if c.present != 19 || c.absent != 1 || c.unknown != 0 {
			t.Errorf("day 1 of หมู่ %d recorded %+v, want 19 present and 1 absent", home.Moo, c)
		}
		week[1] = c
	})

	t.Run("days 2 to 5: a roll call, two days nobody marked, practice at home", func(t *testing.T) {
		p.t = t
		jumpTo(2, "10:00")
		openChat(sage)
		allPresent := p.th("attendance.btn.all_present")
		opened := p.botSays(allPresent)
		p.typeText(p.th("attendance.cmd.rollcall"))
		opened()
		done := p.botSays(p.th("attendance.roll.count", "Here", 20, "Total", 20))
		tapIn(allPresent, allPresent)
		done()
		openChat(group)
		week[2] = checkSummary(t, 2, summaryAt(2))[home.ID]
		// Day 3 and the study visit: no roll call, no tap.
		week[3] = checkSummary(t, 3, summaryAt(3))[home.ID]
		week[4] = checkSummary(t, 4, summaryAt(4))[home.ID]
		// Day 5: มาลี reports practice.
		jumpTo(5, "10:00")
		openChat(household)
		practised := p.botSays(p.say("attendance.done.practised"))
		p.typeText(p.th("attendance.btn.practised"))
		practised()
		openChat(group)
		sum := summaryAt(5)
		week[5] = checkSummary(t, 5, sum)[home.ID]
		if c := week[5]; c.practised != 1 {
			t.Errorf("day 5 recorded %d households practising, want 1 (มาลี)", c.practised)
		}
		if c := week[3]; c.marked != 0 {
			t.Errorf("day 3 has %d marks, want none", c.marked)
		}
		p.shot(shots, "f6-group-summary-day5.png", p.th("summary.flag.heading"))
	})

	t.Run("the officer downloads the sheets finance needs", func(t *testing.T) {
		p.t = t
		openChat(officer)
		title := p.th("report.signin.link.title")
		card := p.botSays(title)
		p.typeText(p.th("report.cmd.signin"))
		card()
		p.shot(shots, "f7-officer-signin-link.png", title)
		if got := p.lastBubble(title); !strings.Contains(got, p.th("report.signin.btn.download")) {
			t.Errorf("the card has no %q button:\n%s", p.th("report.signin.btn.download"), got)
		}
		url := lastURI(t, m, officer)
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET the sheets: %d", res.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		villageLine := p.th("report.signin.village", "Moo", home.Moo, "Name", home.Name, "Tambon", strings.TrimPrefix(home.Tambon, "ต."))
		sheetOf := func(title, dayLine string) string {
			for _, s := range f.GetSheetList() {
				rows, _ := f.GetRows(s)
				if len(rows) < 6 || rows[0][0] != title {
					continue
				}
				var block []string
				for _, r := range rows[1:8] {
					if len(r) > 0 {
						block = append(block, r[0])
					}
				}
				if slices.Contains(block, villageLine) && (dayLine == "" || slices.ContainsFunc(block, func(l string) bool { return strings.HasPrefix(l, dayLine) })) {
					return s
				}
			}
			t.Fatalf("no sheet %q of %q %q in %q", title, villageLine, dayLine, f.GetSheetList())
			return ""
		}

		// The record: its totals are the summaries' figures, day by day.
		rec := sheetOf(p.th("report.signin.title.record"), "")
		rows, _ := f.GetRows(rec)
		var total []string
		for _, r := range rows {
			if len(r) > 1 && r[1] == p.th("report.signin.total") {
				total = r
			}
		}
		if len(total) < 8 {
			t.Fatalf("the record %q has no totals row:\n%q", rec, rows)
		}
		for n := 1; n <= flows.Days; n++ {
			want := week[n].present
			if n == flows.HomeDay {
				want = week[n].practised
			}
			if got := total[2+n]; got != fmt.Sprint(want) {
				t.Errorf("the record's day %d total is %s, the summary said %d", n, got, want)
			}
		}

		// Day 1's sign-in sheet: every selected household, nothing
		// signed, set up to print on one A4 page.
		sheet := sheetOf(p.th("report.signin.title.signin"), p.th("report.signin.day", "N", 1, "Subject", ""))
		rows, _ = f.GetRows(sheet)
		var names []string
		for _, r := range rows {
			if len(r) > 1 && r[0] != "" && r[1] != "" && r[0] != p.th("report.signin.col.no") {
				names = append(names, r[1])
			}
			if len(r) > 3 && r[3] != "" && r[0] != p.th("report.signin.col.no") {
				t.Errorf("the sign-in sheet's signature cell is filled: %q", r)
			}
		}
		for _, want := range []string{late, away} {
			if !slices.Contains(names, want) {
				t.Errorf("the day-1 sign-in sheet does not list %s: %q", want, names)
			}
		}
		if len(names) != week[1].selected {
			t.Errorf("the sign-in sheet lists %d households, the summary counts %d", len(names), week[1].selected)
		}
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if *pl.Size != 9 || *pl.Orientation != "portrait" || *pl.FitToWidth != 1 || *pl.FitToHeight != 1 {
			t.Errorf("the sign-in sheet prints on paper %d %s, %d wide × %d tall; want A4 (9) portrait on one page",
				*pl.Size, *pl.Orientation, *pl.FitToWidth, *pl.FitToHeight)
		}
	})

	p.t = t
	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("the page threw JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}

// thaiMonthShort are the months as the simulator's clock badge shows them.
var thaiMonthShort = []string{"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."}

// weekCount is a village-day's attendance counted from its records, one
// household at a time (not through the summary's own counting).
type weekCount struct {
	day                                           int
	selected, present, absent, unknown, practised int
	marked                                        int
	rollCalled                                    bool
}

// recount counts, for each village of the round with a day on date, its
// selected households' records of that day.
func recount(t *testing.T, m *Main, date string) map[int]weekCount {
	t.Helper()
	out := map[int]weekCount{}
	err := m.DB().View(func(tx flows.Tx) error {
		r, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		vs, err := flows.RoundVillages(tx, r.ID)
		if err != nil {
			return err
		}
		for _, v := range vs {
			mx, err := flows.AttendanceMatrix(tx, v.ID)
			if err != nil {
				return err
			}
			for _, d := range mx.Schedule {
				if d == nil || d.Date != date {
					continue
				}
				c := weekCount{day: d.Day}
				for _, h := range mx.Households {
					switch h.Status {
					case flows.StatusSelected, flows.StatusCompleted, flows.StatusDropped:
					default:
						continue
					}
					c.selected++
					a := mx.Cell(h.ID, d.Day)
					var src *flows.Mark
					switch {
					case d.Day == flows.HomeDay && (a.Practised || a.Presence == flows.PresenceHere):
						c.practised++
						src = cmpMark(a.PractisedMark, a.PresenceMark)
					case a.Presence == flows.PresenceHere:
						c.present++
						src = a.PresenceMark
					case a.Presence == flows.PresenceAbsent:
						c.absent++
						src = a.PresenceMark
					default:
						c.unknown++
						continue
					}
					c.marked++
					if src != nil && (src.Source == flows.SourceRollCall || src.Source == flows.SourceOfficer) {
						c.rollCalled = true
					}
				}
				out[v.ID] = c
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// cmpMark is the first mark that is set.
func cmpMark(ms ...*flows.Mark) *flows.Mark {
	for _, m := range ms {
		if m != nil {
			return m
		}
	}
	return nil
}

// simPushesTo are the push and multicast requests that reached chat so far.
func simPushesTo(m *Main, chat string) []linefake.Request {
	var out []linefake.Request
	for _, kind := range []string{linefake.KindPush, linefake.KindMulticast} {
		for _, r := range m.fake.Sent(kind) {
			if slices.Contains(r.To, chat) {
				out = append(out, r)
			}
		}
	}
	return out
}

// flexTexts are the texts of a message as a reader meets them: a Flex
// bubble's texts in order (its alt text left out).
func flexTexts(raw json.RawMessage) []string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["text"].(string); ok && v["type"] != "flex" {
				out = append(out, s)
			}
			for _, k := range []string{"header", "hero", "body", "footer", "contents"} {
				if c, ok := v[k]; ok {
					walk(c)
				}
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(v)
	return out
}

var uriPattern = regexp.MustCompile(`"uri":"([^"]+/download/[^"]+)"`)

// lastURI is the download link in the last reply to chat.
func lastURI(t *testing.T, m *Main, chat string) string {
	t.Helper()
	replies := m.fake.Sent(linefake.KindReply)
	for i := len(replies) - 1; i >= 0; i-- {
		if !slices.Contains(replies[i].To, chat) {
			continue
		}
		for _, msg := range replies[i].Messages {
			if s := uriPattern.FindSubmatch(msg); s != nil {
				return strings.ReplaceAll(string(s[1]), `\u0026`, "&")
			}
		}
	}
	t.Fatalf("no download link in the replies to %s", chat)
	return ""
}
