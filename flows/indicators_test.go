package flows_test

// Tests of the indicators (flows/indicators.go) and of the officers' card
// (flows/indicators_card.go). Identifiers start with "in".

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// inT0 is when the indicators are read: 20 January 2027, after the
// villages' weeks and their first follow-ups.
var inT0 = time.Date(2027, 1, 20, 10, 0, 0, 0, bangkok)

var inOpts = rigOptions(withClock(inT0, time.Second))

const inOfficer = "Uinofficer"

// inAns is an answered follow-up: practice, the household's income (-1:
// not known) and the part from the occupation (-1: not known).
func inAns(p flows.Practice, income, occ int64) flows.FollowUp {
	f := flows.FollowUp{Practice: p, Answered: inT0.Add(-24 * time.Hour), AnsweredBy: "Uhead",
		Income: max(income, 0), IncomeKnown: income >= 0}
	if p.Practising() {
		f.OccupationIncome, f.OccupationIncomeKnown = max(occ, 0), occ >= 0
	}
	return f
}

// inUnanswered is a follow-up asked and never answered.
var inUnanswered = flows.FollowUp{Asked: inT0.Add(-10 * 24 * time.Hour)}

// inHH is a household of a test: its status (completed unless said),
// its income at enrolment (-1: not known) and its stored follow-ups.
type inHH struct {
	status    flows.HouseholdStatus
	before    int64
	followUps []flows.FollowUp
}

func inTrained(before int64, fs ...flows.FollowUp) inHH { return inHH{before: before, followUps: fs} }

// inVillage stores village id (หมู่ id) of the current round with its
// households and their follow-ups.
func (r *rig) inVillage(id int, occupation string, hhs ...inHH) {
	r.t.Helper()
	r.putVillage(flows.Village{ID: id, Moo: id, Name: fmt.Sprintf("บ้านทดสอบ%d", id), Tambon: "หนองแวง",
		Occupation: occupation, Capacity: 20, Created: inT0.AddDate(0, -3, 0)})
	r.update(func(tx flows.Tx) error {
		for i, h := range hhs {
			hh := flows.Household{ID: fmt.Sprintf("H%03d%02d", id, i+1), Village: id, HouseNo: fmt.Sprint(10 + i),
				HeadName: fmt.Sprintf("หัวหน้า %d-%d", id, i+1), Members: 3, Status: flows.StatusCompleted,
				Income: max(h.before, 0), IncomeKnown: h.before >= 0, Interested: true}
			if h.status != "" {
				hh.Status = h.status
			}
			if err := flows.PutHousehold(tx, hh); err != nil {
				return err
			}
			for n, f := range h.followUps {
				f.Household, f.Village, f.N, f.Kind, f.Days = hh.ID, id, n+1, flows.FollowUpAfterDays, 30*(n+1)
				f.Due = inT0.AddDate(0, 0, -30*(len(h.followUps)-n)).Format("2006-01-02")
				if f.Asked.IsZero() {
					f.Asked = inT0.AddDate(0, 0, -30*(len(h.followUps)-n))
				}
				if err := tx.FollowUps().Put(flows.FollowUpRef{Household: hh.ID, N: n + 1}, f); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func (r *rig) inOccGroup(id, vid int, name string) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error {
		v, _, err := flows.GetVillage(tx, vid)
		if err != nil {
			return err
		}
		return tx.OccupationGroups().Put(id, flows.OccupationGroup{ID: id, Round: v.Round, Village: vid, Name: name,
			Occupation: v.Occupation, Formed: "2027-01-10"})
	})
}

func (r *rig) inIndicators() *flows.Indicators {
	r.t.Helper()
	var ind *flows.Indicators
	r.view(func(tx flows.Tx) error {
		cur, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		ind, err = flows.RoundIndicators(tx, cur, inT0)
		return err
	})
	return ind
}

// inFigures writes figures as compact JSON, nulls included, for
// comparing with a want.
func inFigures(t *testing.T, f flows.Figures) string {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func inWant(trained, followed, practising int, pct any, incomeN int, before, after, change any, occN int, occ, meetsP, meetsI any) string {
	s := func(v any) string {
		if v == nil {
			return "null"
		}
		return fmt.Sprint(v)
	}
	return fmt.Sprintf(`{"trained":%d,"followed_up":%d,"practising":%d,"practising_pct":%s,"income_counted":%d,`+
		`"income_before_avg":%s,"income_after_avg":%s,"income_change_pct":%s,"occupation_income_counted":%d,`+
		`"occupation_income_avg":%s,"meets_practising_target":%s,"meets_income_target":%s}`,
		trained, followed, practising, s(pct), incomeN, s(before), s(after), s(change), occN, s(occ), s(meetsP), s(meetsI))
}

func TestIndicatorArithmetic(t *testing.T) {
	reg, some, not := flows.PracticeRegular, flows.PracticeSometimes, flows.PracticeNot
	tests := []struct {
		name string
		hhs  []inHH
		want string
	}{
		{"all answered", []inHH{
			inTrained(4000, inAns(reg, 4200, 1000)),
			inTrained(5000, inAns(some, 5100, 1500)),
			inTrained(6000, inAns(reg, 6300, 2000)),
			inTrained(3000, inAns(not, 3000, -1)),
			// Not trained: counted nowhere, whatever it answered.
			{status: flows.StatusDropped, before: 1000, followUps: []flows.FollowUp{inAns(reg, 9000, 9000)}},
			{status: flows.StatusWaitlisted, before: 1000},
		}, inWant(4, 4, 3, 75, 3, 5000, 5200, 4, 3, 1500, false, true)},
		{"half answered: just enough", []inHH{
			inTrained(4000, inAns(reg, 4400, 800)),
			inTrained(4000, inAns(reg, 4200, 1200)),
			inTrained(4000, inAns(some, 4000, 1000)),
			inTrained(4000, inUnanswered),
			inTrained(4000, inUnanswered),
			inTrained(4000),
		}, inWant(6, 3, 3, 100, 3, 4000, 4200, 5, 3, 1000, true, true)},
		{"none practising", []inHH{
			inTrained(4000, inAns(not, 4000, -1)),
			inTrained(5000, inAns(not, 5200, -1)),
			inTrained(6000, inAns(not, 6000, -1)),
		}, inWant(3, 3, 0, 0, 0, nil, nil, nil, 0, nil, false, nil)},
		{"income down", []inHH{
			inTrained(5000, inAns(reg, 4500, 500)),
			inTrained(5000, inAns(reg, 4700, 700)),
		}, inWant(2, 2, 2, 100, 2, 5000, 4600, -8, 2, 600, true, false)},
		{"unknown incomes: too few with both figures", []inHH{
			inTrained(-1, inAns(reg, 5000, 1000)),
			inTrained(-1, inAns(reg, 5000, 1000)),
			inTrained(5000, inAns(reg, -1, -1)),
			inTrained(5000, inAns(reg, 5500, -1)),
		}, inWant(4, 4, 4, 100, 1, nil, nil, nil, 2, 1000, true, nil)},
		{"a village below the answer threshold", []inHH{
			inTrained(4000, inAns(reg, 5000, 1000)),
			inTrained(4000, inAns(reg, 5000, 1000)),
			inTrained(4000, inUnanswered),
			inTrained(4000),
			inTrained(4000),
		}, inWant(5, 2, 2, nil, 2, nil, nil, nil, 2, nil, nil, nil)},
		{"the latest answer counts", []inHH{
			// Not practising at first, practising at the second; the third
			// is unanswered and changes nothing.
			inTrained(4000, inAns(not, 4000, -1), inAns(reg, 4400, 900), inUnanswered),
			// Practising at first, not any more.
			inTrained(4000, inAns(reg, 5000, 1000), inAns(not, 3800, -1)),
		}, inWant(2, 2, 1, 50, 1, 4000, 4400, 10, 1, 900, false, true)},
		{"exactly the targets", []inHH{
			inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)),
			inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)),
			inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)),
			inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)),
			inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)),
			inTrained(1000, inAns(reg, 1030, 0)), inTrained(1000, inAns(reg, 1030, 0)),
			inTrained(1000, inAns(not, 900, -1)), inTrained(1000, inAns(not, 900, -1)), inTrained(1000, inAns(not, 900, -1)),
		}, inWant(20, 20, 17, 85, 17, 1000, 1030, 3, 17, 0, true, true)},
		{"no household trained yet", []inHH{{status: flows.StatusSelected, before: 4000}},
			inWant(0, 0, 0, nil, 0, nil, nil, nil, 0, nil, nil, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, inOpts)
			r.inVillage(5, "ทำน้ำพริก", tt.hhs...)
			ind := r.inIndicators()
			if len(ind.Villages) != 1 {
				t.Fatalf("got %d villages, want 1", len(ind.Villages))
			}
			if got := inFigures(t, ind.Villages[0].Figures); got != tt.want {
				t.Errorf("village:\n got %s\nwant %s", got, tt.want)
			}
			// One village: the district's and the occupation's figures
			// are the village's.
			if got := inFigures(t, ind.District.Figures); got != tt.want {
				t.Errorf("district:\n got %s\nwant %s", got, tt.want)
			}
			if len(ind.ByOccupation) != 1 || inFigures(t, ind.ByOccupation[0].Figures) != tt.want {
				t.Errorf("by occupation: %+v, want one with the village's figures", ind.ByOccupation)
			}
		})
	}
}

func TestIndicatorsDistrict(t *testing.T) {
	r := newRig(t, inOpts)
	reg, not := flows.PracticeRegular, flows.PracticeNot
	// หมู่ 1 meets both targets; หมู่ 2 (the same occupation, typed with a
	// space) practises but earns less; หมู่ 3 has too few answers; หมู่ 4
	// has not finished its week.
	r.inVillage(1, "ทำน้ำพริก",
		inTrained(4000, inAns(reg, 4400, 1000)), inTrained(4000, inAns(reg, 4400, 1000)))
	r.inVillage(2, "ทำ น้ำพริก",
		inTrained(5000, inAns(reg, 4000, 500)), inTrained(5000, inAns(not, 5000, -1)))
	r.inVillage(3, "สานตะกร้า",
		inTrained(3000, inAns(reg, 3300, 300)), inTrained(3000), inTrained(3000), inTrained(3000))
	r.inVillage(4, "สานตะกร้า", inHH{status: flows.StatusSelected, before: 2000})
	r.inOccGroup(1, 1, "กลุ่มน้ำพริกบ้านทดสอบ")
	r.inOccGroup(2, 1, "กลุ่มน้ำพริกแกง")

	ind := r.inIndicators()
	d := ind.District
	// 8 trained, 5 answered, 4 practising; incomes (4400+4400+4000+3300)
	// against (4000+4000+5000+3000).
	if got, want := inFigures(t, d.Figures), inWant(8, 5, 4, 80, 4, 4000, 4025, 0.6, 4, 700, false, false); got != want {
		t.Errorf("district:\n got %s\nwant %s", got, want)
	}
	if d.Villages != 4 || d.VillagesMeetingIncomeTarget != 1 || d.GroupsFormed != 2 || d.VillagesWithGroup != 1 || !d.GroupsTargetMet {
		t.Errorf("district counts %+v: want 4 villages, 1 meeting the income target, 2 groups in 1 village, target met", d)
	}
	if d.VillagesMeetingIncomeTargetPct == nil || *d.VillagesMeetingIncomeTargetPct != 25 {
		t.Errorf("villages meeting the income target: %v%%, want 25", d.VillagesMeetingIncomeTargetPct)
	}
	if got := ind.Villages[0]; got.GroupsFormed != 2 || strings.Join(got.Groups, ",") != "กลุ่มน้ำพริกบ้านทดสอบ,กลุ่มน้ำพริกแกง" {
		t.Errorf("หมู่ 1 groups %d %v, want both", got.GroupsFormed, got.Groups)
	}
	if len(ind.ByOccupation) != 2 {
		t.Fatalf("by occupation %+v, want two types", ind.ByOccupation)
	}
	chilli := ind.ByOccupation[0]
	if chilli.Occupation != "ทำน้ำพริก" || chilli.Villages != 2 {
		t.Errorf("first type %q in %d villages, want ทำน้ำพริก in 2 (one spelt with a space)", chilli.Occupation, chilli.Villages)
	}
	if got, want := inFigures(t, chilli.Figures), inWant(4, 4, 3, 75, 3, 4333, 4267, -1.5, 3, 833, false, false); got != want {
		t.Errorf("ทำน้ำพริก:\n got %s\nwant %s", got, want)
	}

	// One village with a group of thirteen is 7.7%: short of 10%.
	r2 := newRig(t, inOpts)
	for id := 1; id <= 13; id++ {
		r2.inVillage(id, "ทอผ้า", inTrained(3000, inAns(reg, 3100, 300)))
	}
	r2.inOccGroup(1, 5, "กลุ่มทอผ้า")
	if d := r2.inIndicators().District; d.GroupsTargetMet || d.VillagesWithGroup != 1 {
		t.Errorf("1 of 13 villages with a group: target met %v, want not", d.GroupsTargetMet)
	}
	r2.inOccGroup(2, 9, "กลุ่มทอผ้าบ้านเก้า")
	if d := r2.inIndicators().District; !d.GroupsTargetMet {
		t.Errorf("2 of 13 villages with a group: target not met, want met")
	}
}

func TestFollowUpStatusAt(t *testing.T) {
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: catalog})
	asked := inT0
	tests := []struct {
		f    flows.FollowUp
		at   time.Time
		want flows.FollowUpStatus
	}{
		{flows.FollowUp{Asked: asked}, asked.Add(6 * 24 * time.Hour), flows.FollowUpWaiting},
		{flows.FollowUp{Asked: asked}, asked.Add(8 * 24 * time.Hour), flows.FollowUpNotFollowed},
		{flows.FollowUp{Asked: asked, Answered: asked.Add(9 * 24 * time.Hour), Practice: flows.PracticeNot}, asked.Add(10 * 24 * time.Hour), flows.FollowUpAnswered},
	}
	for _, tt := range tests {
		if got := eng.FollowUpStatusAt(tt.f, tt.at); got != tt.want {
			t.Errorf("%+v at %v: got %s, want %s", tt.f, tt.at, got, tt.want)
		}
	}
}

// inDistrict stores n villages with answers (some practising, some
// income, one with too few answers) and an officer.
func (r *rig) inDistrict(n int) {
	r.t.Helper()
	r.officer(inOfficer, "สมศรี ใจดี")
	reg, not := flows.PracticeRegular, flows.PracticeNot
	for id := 1; id <= n; id++ {
		switch id % 3 {
		case 0:
			r.inVillage(id, "ทำน้ำพริก", inTrained(4000, inAns(reg, 4400, 900)), inTrained(4000, inAns(reg, 4100, 900)))
		case 1:
			r.inVillage(id, "สานตะกร้า", inTrained(4000, inAns(reg, 4000, 900)), inTrained(4000, inAns(not, 3000, -1)))
		default:
			r.inVillage(id, "เลี้ยงไก่ไข่", inTrained(4000), inTrained(4000), inTrained(4000, inAns(reg, 4400, 900)))
		}
	}
	r.inOccGroup(1, 3, "กลุ่มน้ำพริกแม่บ้าน")
}

func TestIndicatorsCard(t *testing.T) {
	r := newRig(t, inOpts)
	r.inDistrict(13)
	out := r.say(inOfficer, "ตัวชี้วัด")
	if len(out.Replies) != 1 || out.Replies[0].Style != flows.StyleBars {
		t.Fatalf("got %v, want one card with bars", replyKeys(out))
	}
	card := out.Replies[0]
	if len(card.Bars) != 13 || len(card.Fields) == 0 {
		t.Fatalf("card with %d bars and %d rows, want 13 villages under the district's figures", len(card.Bars), len(card.Fields))
	}
	text := otRender(out)
	for _, want := range []string{
		"ตัวชี้วัด ปีงบประมาณ 2570",
		"อบรมครบ: 30 ครัวเรือน",
		"ยังทำอาชีพ: 17 จาก 22 ครัวเรือน (77.3%) ✗ เป้า 85%",
		"กลุ่มอาชีพ: 1 กลุ่ม ใน 1 จาก 13 หมู่บ้าน ✗ เป้า 10%",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	th := func(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }
	bar3, bar2 := card.Bars[2], card.Bars[1]
	if !bar3.Known || bar3.Percent != 100 || bar3.Target != 85 || th(bar3.Value) != "100%" ||
		th(*bar3.Detail) != "ยังทำอาชีพ 2/2 ✓ · รายได้ +6.3% ✓ · กลุ่มอาชีพ 1" {
		t.Errorf("หมู่ 3's bar %+v %q %q", bar3, th(bar3.Value), th(*bar3.Detail))
	}
	// หมู่ 2: one answer of three is too few: no percentage, and says so.
	if bar2.Known || th(bar2.Value) != "–" || th(*bar2.Detail) != "ยังมีคำตอบไม่พอ · ตอบแล้ว 1 จาก 3 ครัวเรือน" {
		t.Errorf("หมู่ 2's bar %+v %q %q", bar2, th(bar2.Value), th(*bar2.Detail))
	}

	// By occupation: one bar per type.
	out = r.tap(inOfficer, buttonKey(t, out, "indicator.btn.by_occupation"))
	if got := len(out.Replies[0].Bars); got != 3 {
		t.Errorf("by occupation: %d bars, want 3", got)
	}
	// Another round by name; an unknown one is said so.
	wantSaid(t, r.say(inOfficer, "ตัวชี้วัด 2569"), "indicator.err.round")
	if out := r.say(inOfficer, "ตัวชี้วัด 2570"); len(out.Replies) != 1 || len(out.Replies[0].Bars) != 13 {
		t.Errorf("ตัวชี้วัด 2570: %v, want the card", replyKeys(out))
	}
	// In the officers' group too; not for anyone else.
	if out := r.inGroup("Cofficers", inOfficer, "indicators"); len(out.Replies) != 1 || out.Replies[0].Style != flows.StyleBars {
		t.Errorf("in a group: %v, want the card", replyKeys(out))
	}
	r.user("Uvillager")
	wantSaid(t, r.say("Uvillager", "ตัวชี้วัด"), "household.err.officers_only")

	// A district without villages yet is told so.
	empty := newRig(t, inOpts)
	empty.officer(inOfficer, "")
	wantSaid(t, empty.say(inOfficer, "ตัวชี้วัด"), "indicator.none")
}

func TestIndicatorsCardPages(t *testing.T) {
	r := newRig(t, inOpts)
	r.inDistrict(32)
	out := r.say(inOfficer, "ตัวชี้วัด")
	if got := len(out.Replies[0].Bars); got != 15 || len(out.Replies[0].Fields) == 0 {
		t.Fatalf("page 1: %d bars, want 15 and the district", got)
	}
	out = r.tap(inOfficer, buttonKey(t, out, "conv.btn.next_page"))
	if got := len(out.Replies[0].Bars); got != 15 || len(out.Replies[0].Fields) != 0 {
		t.Errorf("page 2: %d bars and %d rows, want 15 villages alone", got, len(out.Replies[0].Fields))
	}
	out = r.tap(inOfficer, buttonKey(t, out, "conv.btn.next_page"))
	if got := len(out.Replies[0].Bars); got != 2 || hasButton(out, "conv.btn.next_page") {
		t.Errorf("page 3: %d bars, want the last 2 and no next page", got)
	}
	// Every page fits one bubble that LINE takes.
	for page := range 3 {
		out := r.tap(inOfficer, otAction("ind", "p", fmt.Sprint(page)))
		inCheckBubble(t, out.Replies)
	}
}

// inBarWidth is a bar's fill: a box as wide as its percentage.
var inBarWidth = regexp.MustCompile(`"width":"\d+%"`)

// inCheckBubble renders replies as the bot does and checks each card
// against LINE's Flex limits: one bubble of at most 30 KB of JSON, bars
// drawn with boxes (widths in %) and no images.
func inCheckBubble(t *testing.T, replies []flows.Reply) {
	t.Helper()
	for _, lang := range locales.Langs() {
		msgs, err := bot.NewRenderer(catalog).Render(lang, replies)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range msgs {
			var m struct {
				Type     string          `json:"type"`
				Contents json.RawMessage `json:"contents"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if m.Type != "flex" {
				t.Fatalf("%s: a %s message, want flex", lang, m.Type)
			}
			t.Logf("%s: bubble of %d bytes", lang, len(m.Contents))
			if n := len(m.Contents); n > 30_000 {
				t.Errorf("%s: bubble of %d bytes, LINE takes 30,000", lang, n)
			}
			s := string(m.Contents)
			if strings.Contains(s, `"image"`) || strings.Contains(s, "http") {
				t.Errorf("%s: the card links an image: %s", lang, s)
			}
			if !strings.Contains(s, `"offsetStart":"85%"`) || !inBarWidth.MatchString(s) {
				t.Errorf("%s: no bar drawn against the 85%% mark", lang)
			}
		}
	}
}

// inWeek stores village vid's days on dates ("2006-01-02"), day 1 first;
// "" leaves a day unset.
func (r *rig) inWeek(vid int, dates ...string) {
	r.t.Helper()
	for i, d := range dates {
		if d != "" {
			r.putDay(flows.ProgrammeDay{Village: vid, Day: i + 1, Date: d, Start: "09:00", End: "16:00", Place: "ศาลาประชาคม"})
		}
	}
}

// inMoveTo moves village vid to ตำบล tambon.
func (r *rig) inMoveTo(vid int, tambon string) {
	r.t.Helper()
	v := r.getVillage(vid)
	v.Tambon = tambon
	r.putVillage(v)
}

// inBarDetails are the card's bars as the officer reads them in Thai:
// "name | figure | the line under the bar".
func inBarDetails(card flows.Reply) []string {
	th := func(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }
	var out []string
	for _, b := range card.Bars {
		out = append(out, th(b.Label)+" | "+th(b.Value)+" | "+th(*b.Detail))
	}
	return out
}

// TestIndicatorsCardReadsRight is the card as an officer reads it on 20
// January 2027 in a district of two ตำบล: a village trained last week
// whose first follow-up is not due yet says when it is (not that answers
// are lacking); villages not trained yet get no bar, but one row with
// their dates; the header says both targets; the income row says whose
// income it is; the followed-up row says of how many; and every village
// is named with its ตำบล.
func TestIndicatorsCardReadsRight(t *testing.T) {
	r := newRig(t, inOpts)
	r.officer(inOfficer, "สมศรี ใจดี")
	reg, not := flows.PracticeRegular, flows.PracticeNot
	// หนองแวง: หมู่ 1 has figures; หมู่ 2 finished on Friday 15 January
	// (its first follow-up is 30 days on, Sunday 14 February); หมู่ 3
	// finished in November and its follow-up went unanswered; หมู่ 4 and
	// 5 train next week.
	r.inVillage(1, "ทำน้ำพริก", inTrained(4000, inAns(reg, 4400, 900)), inTrained(4000, inAns(not, 4000, -1)))
	r.inVillage(2, "ทอผ้า", inTrained(4000), inTrained(4000))
	r.inWeek(2, "2027-01-11", "2027-01-12", "2027-01-13", "2027-01-14", "2027-01-15")
	r.inVillage(3, "ทำน้ำพริก", inTrained(4000, inUnanswered), inTrained(4000, inUnanswered))
	r.inWeek(3, "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20")
	for _, id := range []int{4, 5} {
		r.inVillage(id, "สานตะกร้า", inHH{status: flows.StatusSelected, before: 3000})
		r.inWeek(id, "2027-01-25", "2027-01-26", "2027-01-27", "2027-01-28", "2027-01-29")
	}
	// โนนทอง: หมู่ 6 has no dates yet; หมู่ 7 (no other หมู่ 7 in the
	// district) trains in February; หมู่ 8 is training this week; หมู่ 9
	// has three days set, over two months; หมู่ 10 finished with no
	// attendance recorded; หมู่ 11 finished last week too, but one of its
	// households was already asked.
	r.inVillage(6, "เลี้ยงไก่", inHH{status: flows.StatusSelected, before: 3000})
	r.inVillage(7, "เลี้ยงไก่", inHH{status: flows.StatusSelected, before: 3000})
	r.inWeek(7, "2027-02-01", "2027-02-02", "2027-02-03", "2027-02-04", "2027-02-05")
	r.inVillage(8, "ปลูกผัก", inHH{status: flows.StatusSelected, before: 3000})
	r.inWeek(8, "2027-01-18", "2027-01-19", "2027-01-20", "2027-01-21", "2027-01-22")
	r.inVillage(9, "ปลูกผัก", inHH{status: flows.StatusSelected, before: 3000})
	r.inWeek(9, "2027-01-29", "2027-02-01", "", "", "2027-02-02")
	r.inVillage(10, "ทำขนม", inHH{status: flows.StatusSelected, before: 3000})
	r.inWeek(10, "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11")
	r.inVillage(11, "เพาะเห็ด", inTrained(4000, inUnanswered), inTrained(4000))
	r.inWeek(11, "2027-01-11", "2027-01-12", "2027-01-13", "2027-01-14", "2027-01-15")
	for id := 6; id <= 11; id++ {
		r.inMoveTo(id, "โนนทอง")
	}

	out := r.say(inOfficer, "ตัวชี้วัด")
	inCheckBubble(t, out.Replies)
	card := out.Replies[0]
	want := []string{
		"หมู่ 1 บ้านทดสอบ1 ต.หนองแวง | 50% | ยังทำอาชีพ 1/2 ✗ · รายได้ +10% ✓",
		"หมู่ 2 บ้านทดสอบ2 ต.หนองแวง | – | ยังไม่ถึงรอบติดตามผล · ครั้งแรก อา. 14 ก.พ. 70",
		// Due and unanswered: the answers really are lacking.
		"หมู่ 3 บ้านทดสอบ3 ต.หนองแวง | – | ยังมีคำตอบไม่พอ · ตอบแล้ว 0 จาก 2 ครัวเรือน",
		"หมู่ 10 บ้านทดสอบ10 ต.โนนทอง | – | ยังไม่มีครัวเรือนที่อบรมครบ",
		"หมู่ 11 บ้านทดสอบ11 ต.โนนทอง | – | ยังมีคำตอบไม่พอ · ตอบแล้ว 0 จาก 2 ครัวเรือน",
	}
	if got := inBarDetails(card); !slices.Equal(got, want) {
		t.Errorf("bars:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	text := otRender(out)
	for _, want := range []string{
		"ณ พ. 20 ม.ค. 2570 · แถบสีคือร้อยละครัวเรือนที่ยังทำอาชีพ เส้นดำคือเป้า 85% · ✓/✗ รายได้เทียบเป้า +3%\n",
		"\nติดตามได้: 2 จาก 8 ครัวเรือน\n",
		"\nรายได้เฉลี่ยของครัวเรือนที่ยังทำอาชีพ: ยังมีคำตอบไม่พอ (มี 1 จาก 8 ครัวเรือน)\n",
		"\nยังไม่ได้อบรม 6 หมู่บ้าน: หมู่ 8 ต.โนนทอง · กำลังอบรม 18–22 ม.ค.; หมู่ 4, 5 ต.หนองแวง · อบรม 25–29 ม.ค.; " +
			"หมู่ 9 ต.โนนทอง · อบรม 29 ม.ค., 1–2 ก.พ. (ยังกำหนดไม่ครบ 5 วัน); หมู่ 7 ต.โนนทอง · อบรม 1–5 ก.พ.; " +
			"หมู่ 6 ต.โนนทอง · ยังไม่กำหนดวันอบรม\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}

	// By occupation: the types none of whose villages is trained yet are
	// one row too; ทอผ้า's one village is not due for its follow-up.
	out = r.tap(inOfficer, buttonKey(t, out, "indicator.btn.by_occupation"))
	inCheckBubble(t, out.Replies)
	want = []string{
		"ทอผ้า | – | 1 หมู่บ้าน · ยังไม่ถึงรอบติดตามผล · ครั้งแรก อา. 14 ก.พ. 70",
		"ทำขนม | – | 1 หมู่บ้าน · ยังไม่มีครัวเรือนที่อบรมครบ",
		"ทำน้ำพริก | 50% | 2 หมู่บ้าน · ยังทำอาชีพ 1/2 ✗ · รายได้ ยังมีคำตอบไม่พอ",
		"เพาะเห็ด | – | 1 หมู่บ้าน · ยังมีคำตอบไม่พอ · ตอบแล้ว 0 จาก 2 ครัวเรือน",
	}
	if got := inBarDetails(out.Replies[0]); !slices.Equal(got, want) {
		t.Errorf("occupation bars:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if text := otRender(out); !strings.Contains(text, "\nยังไม่ได้อบรม 3 อาชีพ: ปลูกผัก; สานตะกร้า; เลี้ยงไก่\n") {
		t.Errorf("occupation card lacks the types not trained yet:\n%s", text)
	}

	// In one ตำบล, a village is named without it (unless another shares
	// its number).
	one := newRig(t, inOpts)
	one.inDistrict(2)
	if got := inBarDetails(one.say(inOfficer, "ตัวชี้วัด").Replies[0]); len(got) != 2 || !strings.HasPrefix(got[0], "หมู่ 1 บ้านทดสอบ1 | ") {
		t.Errorf("one ตำบล: %q, want หมู่ 1 บ้านทดสอบ1 without its ตำบล", got)
	}
}
