package flows_test

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// hhOpts set the rig up for the household, attendance and reminder tests:
// many users, the clock a minute on per input.
var hhOpts = withClock(time.Date(2026, 12, 1, 9, 0, 0, 0, bangkok), time.Minute)

// hhVillage stores village moo (its id too) in ต.ทดสอบ.
func (r *rig) hhVillage(moo, capacity int, occupation string) {
	r.t.Helper()
	r.putVillage(flows.Village{ID: moo, Moo: moo, Name: "บ้านทดสอบ" + strconv.Itoa(moo), Tambon: "ทดสอบ", Occupation: occupation, Capacity: capacity})
}

// apply runs the whole application form for user with the given answers.
func (r *rig) apply(user, head, house string, moo, members int, income string, interested bool) flows.Outcome {
	r.t.Helper()
	out := r.say(user, "สมัครครัวเรือน")
	r.tap(user, button(r.t, out, "conv.btn.agree"))
	for _, a := range []string{head, house, "หมู่ " + strconv.Itoa(moo), strconv.Itoa(members), "ทำนา", income} {
		r.say(user, a)
	}
	choice := "สนใจ"
	if !interested {
		choice = "ไม่สนใจ"
	}
	r.say(user, choice)
	out = r.say(user, "081-234-5678")
	if got := keys(out); len(got) == 0 || got[0] != "conv.confirm.title" {
		r.t.Fatalf("%s: after the last answer said %q, want the summary", user, got)
	}
	return r.tap(user, button(r.t, out, "conv.btn.confirm"))
}

func TestRankApplicants(t *testing.T) {
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, bangkok)
	hh := func(id string, income int64, members int, known bool, applied int) flows.Household {
		return flows.Household{ID: id, Income: income, Members: members, IncomeKnown: known, Interested: true,
			Status: flows.StatusApplicant, Applied: day.Add(time.Duration(applied) * time.Hour)}
	}
	tests := []struct {
		name string
		in   []flows.Household
		want []string
	}{
		{"per member, not per household", []flows.Household{hh("A", 9000, 3, true, 0), hh("B", 4000, 1, true, 0)}, []string{"A", "B"}},
		{"tie broken by earlier application", []flows.Household{hh("A", 6000, 2, true, 5), hh("B", 3000, 1, true, 1)}, []string{"B", "A"}},
		{"exact tie: 1000/3 vs 2000/6", []flows.Household{hh("A", 2000, 6, true, 2), hh("B", 1000, 3, true, 1)}, []string{"B", "A"}},
		{"unknown incomes last, by application", []flows.Household{hh("U2", 0, 1, false, 2), hh("K", 50000, 1, true, 9), hh("U1", 0, 1, false, 1)}, []string{"K", "U1", "U2"}},
		{"zero income first", []flows.Household{hh("A", 100, 1, true, 0), hh("Z", 0, 4, true, 3)}, []string{"Z", "A"}},
		{"not interested and withdrawn left out", []flows.Household{
			hh("A", 100, 1, true, 0),
			{ID: "N", Income: 1, Members: 1, IncomeKnown: true, Interested: false, Status: flows.StatusApplicant},
			{ID: "W", Income: 1, Members: 1, IncomeKnown: true, Interested: true, Status: flows.StatusWithdrawn},
		}, []string{"A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, h := range flows.RankApplicants(tt.in) {
				got = append(got, h.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("rank = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestApplyHappyPathAndStatus(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.user("Uh1")
	out := r.apply("Uh1", "นาง สมศรี มีสุข", "๑๒/๓", 5, 4, "๖,๐๐๐ บาท", true)
	wantSaid(t, out, "household.saved.applied")
	h := r.householdOf("Uh1")
	if h.HouseNo != "12/3" || h.Members != 4 || h.Income != 6000 || !h.IncomeKnown || !h.Interested || h.Phone != "0812345678" {
		t.Errorf("saved %+v", h)
	}
	if h.Status != flows.StatusApplicant || h.Consent.Version != flows.HouseholdNoticeVersion || h.Consent.At.IsZero() {
		t.Errorf("status %q consent %+v, want applicant with consent", h.Status, h.Consent)
	}
	// Asking again shows the status instead of a second application.
	out = r.say("Uh1", "สมัครครัวเรือน")
	wantSaid(t, out, "household.status.applicant")
}

func TestApplyInvalidAnswers(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	u := "Uh2"
	r.user(u)
	out := r.say(u, "สมัครครัวเรือน")
	r.tap(u, button(t, out, "conv.btn.agree"))
	r.say(u, "สมชาย ใจดี")
	wantSaid(t, r.say(u, "บ้านริมน้ำ"), "hint:household.hint.house", "household.q.house")
	r.say(u, "7")
	wantSaid(t, r.say(u, "หมู่ 9"), "hint:village.hint.pick", "household.q.moo")
	r.say(u, "ม.๕")
	wantSaid(t, r.say(u, "0"), "hint:household.hint.members", "household.q.members")
	wantSaid(t, r.say(u, "สี่คน"), "household.q.occupation") // a count in words
	r.say(u, "รับจ้าง")
	wantSaid(t, r.say(u, "-500"), "hint:household.hint.income_negative", "household.q.income")
	wantSaid(t, r.say(u, "ไม่รู้เลย"), "hint:household.hint.income", "household.q.income")
	wantSaid(t, r.say(u, "๕,๕๐๐"), "household.q.interest")
	r.say(u, "สนใจ")
	wantSaid(t, r.say(u, "12345"), "hint:household.hint.phone", "household.q.phone")
	wantSaid(t, r.say(u, "+66 81 234 5678"), "conv.confirm.title")
}

func TestDuplicateHouseholdOfferedUpdate(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	// The officer enrols the household on its behalf…
	out := r.say("Uofficer", "ลงทะเบียนแทน")
	out = r.tap("Uofficer", button(t, out, "conv.btn.agree"))
	for _, a := range []string{"นายสมชาย ใจดี", "12", "5", "3", "ทำนา"} {
		out = r.say("Uofficer", a)
	}
	r.tap("Uofficer", button(t, out, "household.income.unknown"))
	out = r.say("Uofficer", "สนใจ")
	out = r.tap("Uofficer", button(t, out, "household.phone.none"))
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "household.saved.on_behalf")
	// …and enrols it again with the name typed differently: offered an update.
	out = r.say("Uofficer", "ลงทะเบียนแทน")
	r.tap("Uofficer", button(t, out, "conv.btn.agree"))
	for _, a := range []string{"สมชาย  ใจดี", "๑๒", "5", "4", "ทำนา"} {
		r.say("Uofficer", a)
	}
	r.say("Uofficer", "3000")
	out = r.say("Uofficer", "สนใจ")
	out = r.tap("Uofficer", button(t, out, "household.phone.none"))
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "household.err.duplicate")
	if n := len(r.households(5)); n != 1 {
		t.Fatalf("%d households after a duplicate, want 1", n)
	}
	out = r.tap("Uofficer", button(t, out, "household.btn.update"))
	wantSaid(t, out, "conv.confirm.title") // the new answers, ready to confirm
	wantSaid(t, r.tap("Uofficer", button(t, out, "conv.btn.confirm")), "household.saved.updated")
	hs := r.households(5)
	if len(hs) != 1 || hs[0].Members != 4 || hs[0].Income != 3000 || !hs[0].IncomeKnown {
		t.Errorf("after update %+v, want one household with the new answers", hs)
	}

	// A villager applying for the same household cannot take it over.
	r.user("Uother")
	out = r.apply("Uother", "สมชาย ใจดี", "12", 5, 4, "3000", true)
	wantSaid(t, out, "household.err.duplicate_other")
}

// enrolOnBehalf runs the on-behalf form as sage user for a household.
func (r *rig) enrolOnBehalf(sage, head, house string) flows.Outcome {
	r.t.Helper()
	out := r.say(sage, "ลงทะเบียนแทน")
	out = r.tap(sage, button(r.t, out, "conv.btn.agree"))
	for _, a := range []string{head, house, "2", "รับจ้าง", "2000", "สนใจ"} {
		out = r.say(sage, a)
	}
	out = r.tap(sage, button(r.t, out, "household.phone.none"))
	return r.tap(sage, button(r.t, out, "conv.btn.confirm"))
}

func TestEnrolOnBehalfAndLink(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.hhVillage(6, 20, "สานตะกร้า")
	r.sage("Usage5", 5, false)
	out := r.enrolOnBehalf("Usage5", "ยายมา ดีใจ", "44")
	wantSaid(t, out, "household.saved.on_behalf")
	code := out.Replies[0].Text.Args["Code"].(string)
	hs := r.households(5) // the village is the sage's own: it was not asked
	if len(hs) != 1 || hs[0].EnrolledBy != "Usage5" || hs[0].UserID != "" {
		t.Fatalf("households %+v", hs)
	}
	// The head adds the bot and types the code (lower case, spaces).
	r.user("Uyai")
	out = r.say("Uyai", " "+strings.ToLower(code[:4])+" "+code[4:])
	wantSaid(t, out, "household.link.done", "household.status.applicant")
	if h := r.householdOf("Uyai"); h.ID != hs[0].ID || h.LinkCode != "" {
		t.Errorf("linked household %+v", h)
	}
	// The code is single-use; typed again it is told as used, with the
	// sage who gave it to ask (not "an officer"), and the head who used it
	// is told the household is linked already.
	r.user("Ustranger")
	out = r.say("Ustranger", "รหัส "+code+" ค่ะ")
	wantSaid(t, out, "household.link.used_ask_sage")
	if th := catalog.MustText(locales.Thai, out.Replies[0].Text.Key, out.Replies[0].Text.Args); strings.Contains(th, "เจ้าหน้าที่") {
		t.Errorf("a used link code a sage gave says %q: ask an officer", th)
	}
	wantSaid(t, r.say("Uyai", code), "household.link.has_line")

	// A villager who is no sage cannot enrol others.
	wantSaid(t, r.say("Ustranger", "ลงทะเบียนแทน"), "household.err.enrol_forbidden")
}

func TestSelectionCapacityWaitlistAndWithdrawal(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 3, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	incomes := []string{"9000", "3000", "6000", "1000", "12000"} // per member with 3 members
	names := []string{"สมชาย หนึ่ง", "สมศรี สอง", "สมหมาย สาม", "สมปอง สี่", "สมใจ ห้า"}
	for i, inc := range incomes {
		u := "Uh" + strconv.Itoa(i)
		r.user(u)
		r.apply(u, names[i], strconv.Itoa(10+i), 5, 3, inc, true)
	}
	out := r.say("Uofficer", "คัดเลือกครัวเรือน")
	wantSaid(t, out, "household.select.which")
	var moo5 string
	for _, b := range out.Replies[0].Buttons {
		if v, _ := url.ParseQuery(b.Data); v.Get("vil") == "5" {
			moo5 = b.Data
		}
	}
	out = r.tap("Uofficer", moo5)
	wantSaid(t, out, "household.select.text")
	card := out.Replies[0]
	if len(card.Fields) != 3 {
		t.Fatalf("proposed %d households, want the capacity 3", len(card.Fields))
	}
	var order []string
	for _, f := range card.Fields {
		order = append(order, f.Label.Args["Name"].(string))
	}
	if want := []string{names[3], names[1], names[2]}; !slices.Equal(order, want) {
		t.Errorf("proposed %v, want %v (lowest income first)", order, want)
	}
	save := button(t, out, "household.btn.save_selection")
	out = r.tap("Uofficer", save)
	wantSaid(t, out, "household.select.saved")
	// Selected households and the waitlist are told, each in a push.
	told := map[string]string{}
	for _, p := range out.Pushes {
		told[p.To] = p.Replies[0].Text.Key
	}
	want := map[string]string{"Uh3": "household.told.selected", "Uh1": "household.told.selected", "Uh2": "household.told.selected",
		"Uh0": "household.told.waitlisted", "Uh4": "household.told.waitlisted"}
	for u, k := range want {
		if told[u] != k {
			t.Errorf("%s was told %q, want %q", u, told[u], k)
		}
	}
	if h := r.householdOf("Uh0"); h.WaitPos != 1 {
		t.Errorf("Uh0 (9000) waitlist position %d, want 1", h.WaitPos)
	}
	// A second tap on the same card changes nothing.
	wantSaid(t, r.tap("Uofficer", save), "household.select.already")

	// A selected household withdraws: exactly one is promoted, the first in line.
	out = r.say("Uh1", "สถานะของฉัน")
	out = r.tap("Uh1", button(t, out, "household.btn.withdraw"))
	yes := button(t, out, "conv.btn.yes")
	out = r.tap("Uh1", yes)
	wantSaid(t, out, "household.withdrawn")
	if len(out.Pushes) != 1 || out.Pushes[0].To != "Uh0" || out.Pushes[0].Replies[0].Text.Key != "household.told.selected" {
		t.Errorf("pushes after withdrawal %+v, want one: Uh0 selected", out.Pushes)
	}
	selected := 0
	for _, h := range r.households(5) {
		if h.Status == flows.StatusSelected {
			selected++
		}
	}
	if selected != 3 {
		t.Errorf("%d selected after withdrawal and promotion, want 3", selected)
	}
	if h := r.householdOf("Uh4"); h.WaitPos != 1 {
		t.Errorf("Uh4 now at waitlist position %d, want 1", h.WaitPos)
	}
	// Tapping withdraw again is answered, nothing changes.
	wantSaid(t, r.tap("Uh1", yes), "household.already_withdrawn")
}

func TestHouseholdAuthorization(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.hhVillage(6, 20, "สานตะกร้า")
	r.user("Ua")
	r.user("Ub")
	r.apply("Ua", "สมชาย ใจดี", "1", 5, 2, "4000", true)
	r.apply("Ub", "สมศรี มีสุข", "2", 5, 2, "5000", true)
	a := r.householdOf("Ua")
	r.sage("Ulead5", 5, true)
	r.sage("Umember5", 5, false)
	r.sage("Ulead6", 6, true)

	tests := []struct {
		name string
		user string
		do   func(user string) flows.Outcome
		want string
	}{
		{"household opens another's card", "Ub", func(u string) flows.Outcome { return r.tap(u, "a=hh.card&id="+a.ID) }, "household.err.list_forbidden"},
		{"household updates another's record", "Ub", func(u string) flows.Outcome { return r.tap(u, "a=hh.update&id="+a.ID) }, "household.err.not_yours"},
		{"household withdraws another", "Ub", func(u string) flows.Outcome { return r.tap(u, "a=hh.withdraw.yes&id="+a.ID) }, "household.err.not_yours"},
		{"household lists", "Ub", func(u string) flows.Outcome { return r.say(u, "รายชื่อครัวเรือน") }, "household.err.list_forbidden"},
		{"household selects", "Ub", func(u string) flows.Outcome { return r.say(u, "คัดเลือกครัวเรือน") }, "household.err.select_forbidden"},
		{"team member selects", "Umember5", func(u string) flows.Outcome { return r.say(u, "คัดเลือกครัวเรือน") }, "household.err.select_forbidden"},
		{"lead of 6 lists 5", "Ulead6", func(u string) flows.Outcome { return r.tap(u, "a=hh.list&moo=5") }, "household.err.other_village"},
		{"lead of 6 opens a card of 5", "Ulead6", func(u string) flows.Outcome { return r.tap(u, "a=hh.card&id="+a.ID) }, "household.err.other_village"},
		{"lead of 6 confirms a selection of 5", "Ulead6", func(u string) flows.Outcome { return r.tap(u, "a=hh.sel.ok&moo=5&sig=x") }, "household.err.other_village"},
		{"sage removes by hand", "Ulead5", func(u string) flows.Outcome { return r.tap(u, "a=hh.byhand&do=remove&id="+a.ID) }, "household.err.officers_only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := r.households(5)
			wantSaid(t, tt.do(tt.user), tt.want)
			if after := r.households(5); !slices.EqualFunc(before, after, func(x, y flows.Household) bool { return x.Status == y.Status && x.Updated.Equal(y.Updated) }) {
				t.Errorf("households changed after a refusal")
			}
		})
	}

	// Income figures: the lead sees them, a team member does not.
	lead := r.say("Ulead5", "รายชื่อครัวเรือน")
	member := r.say("Umember5", "รายชื่อครัวเรือน")
	if got := lead.Replies[0].Rows[0].Detail.Key; got != "household.list.detail_income" {
		t.Errorf("lead sees %q, want the income figure", got)
	}
	if got := member.Replies[0].Rows[0].Detail.Key; got != "household.list.detail" {
		t.Errorf("team member sees %q, want no income", got)
	}
}

func TestOfficerByHandKeepsReason(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 1, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.user("Ua")
	r.user("Ub")
	r.apply("Ua", "สมชาย ใจดี", "1", 5, 2, "4000", true)
	r.apply("Ub", "สมศรี มีสุข", "2", 5, 2, "5000", true)
	out := r.tap("Uofficer", button(t, r.say("Uofficer", "คัดเลือกครัวเรือน"), "household.village.label"))
	r.tap("Uofficer", button(t, out, "household.btn.save_selection"))
	a := r.householdOf("Ua")
	out = r.tap("Uofficer", "a=hh.card&id="+a.ID)
	out = r.tap("Uofficer", button(t, out, "household.btn.remove_by_hand"))
	wantSaid(t, out, "household.reason.ask.remove")
	out = r.say("Uofficer", "ย้ายไปต่างจังหวัด")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "household.byhand.removed_promoted")
	a = r.householdOf("Ua")
	last := a.History[len(a.History)-1]
	if a.Status != flows.StatusWithdrawn || last.Reason != "ย้ายไปต่างจังหวัด" || last.By != "Uofficer" {
		t.Errorf("after removal: status %q, last change %+v", a.Status, last)
	}
	if b := r.householdOf("Ub"); b.Status != flows.StatusSelected {
		t.Errorf("next in line is %q, want selected", b.Status)
	}
}

func TestHouseholdDeletesItsData(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 1, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.user("Ua")
	r.user("Ub")
	r.apply("Ua", "สมชาย ใจดี", "1", 5, 2, "4000", true)
	r.apply("Ub", "สมศรี มีสุข", "2", 5, 2, "5000", true)
	out := r.tap("Uofficer", button(t, r.say("Uofficer", "คัดเลือกครัวเรือน"), "household.village.label"))
	r.tap("Uofficer", button(t, out, "household.btn.save_selection"))

	out = r.say("Ua", "ข้อมูลของฉัน")
	if got := keys(out); got[0] != "household.status.selected" {
		t.Fatalf("my info shows %q, want the household's status card first", got)
	}
	out = r.tap("Ua", button(t, out, "mydata.btn.delete"))
	r.tap("Ua", button(t, out, "mydata.btn.delete_yes"))
	if n := len(r.households(5)); n != 1 {
		t.Errorf("%d households after deleting one of two, want 1", n)
	}
	if b := r.householdOf("Ub"); b.Status != flows.StatusSelected {
		t.Errorf("the next in line is %q, want selected in the freed place", b.Status)
	}
	// The same household can apply again, as new.
	r.apply("Ua", "สมชาย ใจดี", "1", 5, 2, "4000", true)
	if a := r.householdOf("Ua"); a.Status != flows.StatusApplicant {
		t.Errorf("re-applied household is %q", a.Status)
	}
}

// TestTypedMooSharedByTwoTambonsIsAskedBack: "หมู่ 1" exists in two ตำบล;
// typed alone it is asked back, as a question (not a wrong answer), with
// a button per village of that number (never guessed), and "ม.1 ต.โนนทอง"
// or a tap picks one.
func TestTypedMooSharedByTwoTambonsIsAskedBack(t *testing.T) {
	r := newRig(t, hhOpts)
	r.putVillage(flows.Village{ID: 1, Moo: 1, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Occupation: "ทำน้ำพริก", Capacity: 20})
	r.putVillage(flows.Village{ID: 2, Moo: 1, Name: "บ้านนาดี", Tambon: "โนนทอง", Occupation: "ทำขนม", Capacity: 20})
	r.user("Uh1")
	out := r.say("Uh1", "สมัครครัวเรือน")
	r.tap("Uh1", button(t, out, "conv.btn.agree"))
	r.say("Uh1", "สมศรี มีสุข")
	r.say("Uh1", "12")
	out = r.say("Uh1", "หมู่ 1")
	wantSaid(t, out, "village.ask.which_tambon")
	var picks []string
	for _, rep := range out.Replies {
		for _, a := range append(slices.Clone(rep.Buttons), rep.Quick...) {
			if a.Label.Key == "village.btn.pick" {
				picks = append(picks, fmt.Sprint(a.Label.Args["Name"]))
			}
		}
	}
	if len(picks) != 2 || !strings.Contains(strings.Join(picks, " "), "หนองแวง") || !strings.Contains(strings.Join(picks, " "), "โนนทอง") {
		t.Errorf("village buttons %q, want both หมู่ 1 with their ตำบล", picks)
	}
	out = r.say("Uh1", "ม.1 ต.โนนทอง")
	wantSaid(t, out, "household.q.members")
	for _, a := range []string{"4", "ทำนา", "5000", "สนใจ"} {
		r.say("Uh1", a)
	}
	out = r.say("Uh1", "081-234-5678")
	r.tap("Uh1", button(t, out, "conv.btn.confirm"))
	if h := r.householdOf("Uh1"); h.Village != 2 {
		t.Errorf("household in village %d, want 2 (หมู่ 1 ต.โนนทอง)", h.Village)
	}
}

// TestWeekUnderWayAndOver: once day 1 has begun a withdrawal promotes no
// one (the week is under way); once day 5 is over, a household with a mark
// has completed, one without waits for the officer, withdrawing is no
// longer offered, and applications to the village are closed.
func TestWeekUnderWayAndOver(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 2, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	for i, inc := range []string{"1000", "2000", "9000"} {
		u := "Uh" + strconv.Itoa(i)
		r.user(u)
		r.apply(u, "ครัวเรือน "+strings.Repeat("ก", i+1), strconv.Itoa(10+i), 5, 1, inc, true)
	}
	out := r.say("Uofficer", "คัดเลือกครัวเรือน")
	out = r.tap("Uofficer", button(t, out, "household.village.label"))
	r.tap("Uofficer", button(t, out, "household.btn.save_selection"))
	// Days 1–5 from 2 to 6 December; it is now the 2nd at 10:00.
	for day := 1; day <= flows.Days; day++ {
		r.putDay(flows.ProgrammeDay{Village: 5, Day: day,
			Date: fmt.Sprintf("2026-12-%02d", 1+day), Start: "09:00", End: "16:00", Place: "ศาลา", Rev: 1})
	}
	r.now = time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok)
	out = r.say("Uh1", "สมัครครัวเรือน")
	r.tap("Uh1", button(t, out, "household.btn.withdraw"))
	r.tap("Uh1", button(t, r.tap("Uh1", button(t, out, "household.btn.withdraw")), "conv.btn.yes"))
	if h := r.householdOf("Uh1"); h.Status != flows.StatusWithdrawn {
		t.Fatalf("Uh1 is %q, want withdrawn", h.Status)
	}
	if h := r.householdOf("Uh2"); h.Status != flows.StatusWaitlisted {
		t.Errorf("after a withdrawal on day 1 the waitlisted household is %q, want still waitlisted", h.Status)
	}
	// Uh0 was here on day 1.
	r.putAttendance(flows.Attendance{Village: 5, Day: 1,
		Household: r.householdOf("Uh0").ID, Presence: flows.PresenceHere, PresenceMark: &flows.Mark{At: r.now, By: "Uh0"}})

	// The week is over.
	r.now = time.Date(2026, 12, 6, 17, 0, 0, 0, bangkok)
	out = r.say("Uh0", "สมัครครัวเรือน")
	wantSaid(t, out, "household.status.completed")
	for _, rep := range out.Replies {
		for _, a := range rep.Buttons {
			if a.Label.Key == "household.btn.withdraw" {
				t.Error("withdraw offered to a household that completed the programme")
			}
		}
	}
	r.user("Unew")
	out = r.say("Unew", "สมัครครัวเรือน")
	r.tap("Unew", button(t, out, "conv.btn.agree"))
	r.say("Unew", "คนใหม่ มาทีหลัง")
	r.say("Unew", "99")
	wantSaid(t, r.say("Unew", "หมู่ 5"), "hint:household.err.closed", "household.q.moo")
}

// TestDeletionDuringTheWeekLeavesNoCopyAndKeepsTheCounts: a selected
// household deletes its data once its week has begun. Every copy naming it
// goes (a sage's unfinished form, answers waiting for a tap, a message
// LINE never accepted, a dead letter), nobody is promoted into the week,
// and the round's figures (selected, present on day 1) still add up.
func TestDeletionDuringTheWeekLeavesNoCopyAndKeepsTheCounts(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 1, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.user("Ua")
	r.user("Ub")
	r.apply("Ua", "มาลี แก้วใส", "1", 5, 2, "4000", true)
	r.apply("Ub", "สมศรี มีสุข", "2", 5, 2, "5000", true)
	out := r.tap("Uofficer", button(t, r.say("Uofficer", "คัดเลือกครัวเรือน"), "household.village.label"))
	r.tap("Uofficer", button(t, out, "household.btn.save_selection"))
	mali := r.householdOf("Ua")
	for day := 1; day <= flows.Days; day++ {
		r.putDay(flows.ProgrammeDay{Village: 5, Day: day,
			Date: fmt.Sprintf("2026-12-%02d", day), Start: "09:00", End: "16:00", Place: "ศาลา", Rev: 1})
	}
	r.putAttendance(flows.Attendance{Village: 5, Day: 1, Household: mali.ID,
		Presence: flows.PresenceHere, PresenceMark: &flows.Mark{At: r.now, By: "Ua"}})
	r.now = time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok) // day 2
	// Copies naming her elsewhere, each in its store.
	const note = "เช็คชื่อ มาลี แก้วใส โทร 0812345678"
	record := func(recs func(flows.Tx) flows.Records, key string) hhCopy {
		return hhCopy{
			put: func(tx flows.Tx, note string) error { return recs(tx).Put(key, map[string]any{"note": note}) },
			has: func(tx flows.Tx) (bool, error) { var v map[string]any; return recs(tx).Get(key, &v) },
		}
	}
	copies := map[string]hhCopy{
		"a sage's unfinished form": {
			put: func(tx flows.Tx, note string) error {
				return tx.Conversations().Put("Usage", flows.Conversation{Answers: map[string]string{"note": note}})
			},
			has: func(tx flows.Tx) (bool, error) { _, ok, err := tx.Conversations().Get("Usage"); return ok, err },
		},
		"answers waiting for a tap": {
			put: func(tx flows.Tx, note string) error { return tx.Pending().Put("Usage", flows.Answers{"note": note}) },
			has: func(tx flows.Tx) (bool, error) { _, ok, err := tx.Pending().Get("Usage"); return ok, err },
		},
		"a message LINE never accepted": record(flows.Tx.SendFailed, "00000000000000000007"),
		"a dead letter":                 record(flows.Tx.DeadLetters, "00000000000000000003"),
	}
	other := record(flows.Tx.SendFailed, "00000000000000000008")
	r.update(func(tx flows.Tx) error {
		for _, c := range copies {
			if err := c.put(tx, note); err != nil {
				return err
			}
		}
		return other.put(tx, "someone else")
	})

	out = r.say("Ua", "ข้อมูลของฉัน")
	out = r.tap("Ua", button(t, out, "mydata.btn.delete"))
	r.tap("Ua", button(t, out, "mydata.btn.delete_yes"))

	r.view(func(tx flows.Tx) error {
		for name, c := range copies {
			if ok, err := c.has(tx); err != nil || ok {
				t.Errorf("%s still holds her (%v)", name, err)
			}
		}
		if ok, err := other.has(tx); err != nil || !ok {
			t.Errorf("a failed message about someone else was deleted too (%v)", err)
		}
		return nil
	})
	if b := r.householdOf("Ub"); b.Status != flows.StatusWaitlisted {
		t.Errorf("the next in line is %q, want still waitlisted: the week is under way", b.Status)
	}
	hs := r.households(5)
	var tally *flows.Household
	for i := range hs {
		if hs[i].ID == mali.ID {
			tally = &hs[i]
		}
	}
	if tally == nil || !tally.Erased || tally.HeadName != "" || tally.Phone != "" || tally.UserID != "" || tally.Income != 0 || tally.HouseNo != "" {
		t.Fatalf("her record after deletion: %+v, want an anonymous tally", tally)
	}
	var m flows.Matrix
	r.view(func(tx flows.Tx) error {
		var err error
		m, err = flows.AttendanceMatrix(tx, 5)
		return err
	})
	if c := m.Counts(1); c.Selected != 1 || c.Present != 1 {
		t.Errorf("day 1 after the deletion: %d selected, %d present; want 1 and 1", c.Selected, c.Present)
	}
	if _, ok := r.findHouseholdOf("Ua"); ok {
		t.Error("her LINE account still leads to a household")
	}
}

// hhCopy is a copy of what someone said, kept in one of the stores that
// ForgetCopies clears.
type hhCopy struct {
	put func(tx flows.Tx, note string) error
	has func(tx flows.Tx) (bool, error)
}

// An applicant may not know the income, as a sage enrolling them may not;
// an amount outside what a month's income usually is, is asked back, not
// stored silently: a yes keeps it, another amount replaces it.
func TestApplyIncomeUnknownAndImplausible(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	u := "Uh3"
	r.user(u)
	out := r.say(u, "สมัครครัวเรือน")
	r.tap(u, button(t, out, "conv.btn.agree"))
	for _, a := range []string{"สมศรี ใจดี", "7", "ม.5", "สี่คน", "รับจ้าง"} {
		out = r.say(u, a)
	}
	wantSaid(t, out, "household.q.income")
	if !hasButton(out, "household.income.unknown") {
		t.Fatalf("no ไม่ทราบ for a self-applicant: %q", keys(out))
	}
	out = r.say(u, "500000")
	wantSaid(t, out, "household.q.income_check")
	if got := userSees(out); !strings.Contains(got, "500,000 บาท") || !strings.Contains(got, "(ใช่ ถูกต้อง)") {
		t.Errorf("asked back:\n%s\nwant the amount and a yes", got)
	}
	// Another amount replaces it; 0 is asked about too, and a yes keeps it.
	wantSaid(t, r.say(u, "0"), "household.q.income_zero")
	wantSaid(t, r.say(u, "ใช่ ถูกต้องค่ะ"), "household.q.interest")
	r.say(u, "ย้อนกลับ")
	wantSaid(t, r.say(u, "ไม่ทราบ"), "household.q.interest")
	r.say(u, "สนใจ")
	out = r.say(u, "0812345678")
	wantSaid(t, r.tap(u, button(t, out, "conv.btn.confirm")), "household.saved.applied")
	if h := r.householdOf(u); h.Members != 4 || h.IncomeKnown {
		t.Errorf("household %+v, want 4 members and income unknown", h)
	}
	// "ห้าพัน", a range, "1.5 หมื่น" and "ประมาณ 4500 บาท" are taken as they are.
	for i, in := range []string{"ห้าพัน", "5000-6000", "1.5 หมื่น", "ประมาณ 4500 บาท"} {
		u := "Uinc" + strconv.Itoa(i)
		r.user(u)
		out := r.say(u, "สมัครครัวเรือน")
		r.tap(u, button(t, out, "conv.btn.agree"))
		for _, a := range []string{"สมหมาย ใจดี", strconv.Itoa(20 + i), "ม.5", "3", "ทำนา"} {
			r.say(u, a)
		}
		wantSaid(t, r.say(u, in), "household.q.interest")
	}
}
