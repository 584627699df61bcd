package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// fuAt is a moment of the follow-up tests, in Bangkok.
func fuAt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, bangkok)
}

// fuProgramme is village 5's week from Monday 7 December 2026 (day 5 on
// Friday the 11th), with six selected households:
//
//	H1, H2, H5 on LINE, attended: completed;
//	H3, H6 without LINE, attended (the sage's roll call): completed;
//	H4 on LINE, never marked: no attendance recorded, not followed up.
//
// Sages: Ulead and Usage on village 5's team, Ulead6 on village 6's; an
// officer. Everything the week itself pushed is recorded as sent.
func fuProgramme(t *testing.T) *rig {
	t.Helper()
	r := programme(t, 6, fuAt(2026, 12, 7, 0, 0))
	// The sages' weekly push on Mondays, as SAMMACHIP_FOLLOWUP_WEEKDAY's
	// default sets it (the zero time.Weekday is Sunday).
	r.configure(func(c *flows.Config) { c.FollowUps.SageWeekday = nil }) // the default: Monday
	r.sage("Usage", 5, false)
	for _, id := range []string{"H000003", "H000006"} {
		h, _ := r.getHousehold(id)
		h.UserID = ""
		r.putHousehold(h)
	}
	for _, id := range []string{"H000001", "H000002", "H000003", "H000005", "H000006"} {
		r.putAttendance(flows.Attendance{Village: 5, Day: 1, Household: id, Presence: flows.PresenceHere})
	}
	end := fuAt(2026, 12, 11, 18, 0)
	r.record(r.due(end), end)
	return r
}

// fuDue is what is due at at among the follow-ups (the week's other
// reminders and the summary left out).
func (r *rig) fuDue(at time.Time) []flows.Reminder {
	r.t.Helper()
	var out []flows.Reminder
	for _, rem := range r.due(at) {
		if strings.HasPrefix(rem.Kind, flows.RemindFollowUp) && !rem.Obsolete {
			out = append(out, rem)
		}
	}
	for _, rem := range out {
		for _, s := range rem.Sends {
			checkRenders(r.t, s.Lang, s.Replies)
		}
	}
	return out
}

// fuRecord records what is due at at (follow-ups and all), as the edge does.
func (r *rig) fuRecord(at time.Time) []flows.Reminder {
	r.t.Helper()
	fu := r.fuDue(at)
	r.record(r.due(at), at)
	return fu
}

// fuRecords reads the household's follow-ups.
func (r *rig) fuRecords(id string) []flows.FollowUp {
	r.t.Helper()
	var fs []flows.FollowUp
	r.view(func(tx flows.Tx) error {
		var err error
		fs, err = flows.HouseholdFollowUps(tx, id)
		return err
	})
	return fs
}

func (r *rig) fuOne(id string, n int) flows.FollowUp {
	r.t.Helper()
	for _, f := range r.fuRecords(id) {
		if f.N == n {
			return f
		}
	}
	r.t.Fatalf("household %s has no follow-up %d: %+v", id, n, r.fuRecords(id))
	return flows.FollowUp{}
}

// fuSendsTo lists who a reminder's sends go to.
func fuSendsTo(rs []flows.Reminder) []string {
	var to []string
	for _, rem := range rs {
		for _, s := range rem.Sends {
			to = append(to, s.To...)
		}
	}
	slices.Sort(to)
	return to
}

// fuCard is the follow-up card pushed to user.
func fuCard(t *testing.T, rs []flows.Reminder, user string) flows.Outcome {
	t.Helper()
	for _, rem := range rs {
		for _, s := range rem.Sends {
			if slices.Contains(s.To, user) {
				return flows.Outcome{Replies: s.Replies}
			}
		}
	}
	t.Fatalf("no push to %s", user)
	return flows.Outcome{}
}

// TestFollowUpCycle follows village 5's households from the end of their
// week to their first follow-up: asked once, 30 days after day 5 at
// 10:00; answered by tapping and typing on LINE, by a sage for a
// household without LINE; the sages' weekly list; and what stays
// unanswered after the week's window.
func TestFollowUpCycle(t *testing.T) {
	r := fuProgramme(t)

	// Day 5 was Friday 11 December: the first follow-up is on Sunday
	// 10 January 2027 at 10:00, not a minute before.
	if got := r.fuDue(fuAt(2027, 1, 10, 9, 59)); len(got) != 0 {
		t.Fatalf("due at 09:59: %+v", got)
	}
	at := fuAt(2027, 1, 10, 10, 0)
	got := r.fuDue(at)
	if len(got) != 1 || got[0].Kind != flows.RemindFollowUp || got[0].Village != 5 {
		t.Fatalf("due at 10:00: %+v, want village 5's follow-up", got)
	}
	var asked []string
	for _, f := range got[0].FollowUps {
		asked = append(asked, f.Household)
		if f.N != 1 || f.Kind != flows.FollowUpAfterDays || f.Days != 30 || f.Due != "2027-01-10" || f.Round == 0 {
			t.Errorf("follow-up %+v, want the first, 30 days after day 5", f)
		}
	}
	if want := []string{"H000001", "H000002", "H000003", "H000005", "H000006"}; !slices.Equal(asked, want) {
		t.Errorf("asked %v, want the completed households %v (H000004 has no attendance)", asked, want)
	}
	// One push each to the households on LINE, none to those without.
	if to := fuSendsTo(got); !slices.Equal(to, []string{"Uh1", "Uh2", "Uh5"}) {
		t.Errorf("pushed to %v, want Uh1, Uh2, Uh5", to)
	}
	card := fuCard(t, got, "Uh1").Replies[0]
	if card.Title.Key != "followup.card.title" || card.Text.Args["Occupation"] != "ทำน้ำพริก" || len(card.Buttons) != 3 {
		t.Errorf("card %+v, want the follow-up card naming the occupation, with three answers", card)
	}
	village, _ := catalog.Text(locales.Thai, card.Text.Key, card.Text.Args)
	if !strings.Contains(village, "หมู่ 5") {
		t.Errorf("card says %q, want the village named", village)
	}
	r.fuRecord(at)
	if f := r.fuOne("H000001", 1); !f.Asked.Equal(at) || f.IsAnswered() {
		t.Errorf("record %+v, want asked at 10:00, unanswered", f)
	}
	// Asked once: not again at the same tick, later that day, or the next.
	for _, again := range []time.Time{at, at.Add(time.Minute), fuAt(2027, 1, 10, 18, 0), fuAt(2027, 1, 12, 10, 0)} {
		if got := r.fuDue(again); len(got) != 0 && got[0].Kind == flows.RemindFollowUp {
			t.Errorf("due again at %s: %+v", again.Format("01-02 15:04"), got)
		}
	}

	// Uh1 taps ทำเป็นประจำ and types the income; the part from the
	// occupation is not known.
	r.at(fuAt(2027, 1, 10, 10, 5))
	uh1 := fuCard(t, got, "Uh1")
	out := r.tap("Uh1", buttonKey(t, uh1, "followup.btn.regular"))
	wantSaid(t, out, "followup.q.income")
	wantSaid(t, r.say("Uh1", "ประมาณ 4500 บาท"), "followup.q.occupation_income")
	out = r.say("Uh1", "ไม่ทราบ")
	wantSaid(t, out, "conv.confirm.title")
	wantSaid(t, r.tap("Uh1", button(t, out, "conv.btn.confirm")), "followup.saved.own")
	f := r.fuOne("H000001", 1)
	if f.Practice != flows.PracticeRegular || !f.IncomeKnown || f.Income != 4500 || f.OccupationIncomeKnown || f.AnsweredBy != "Uh1" || !f.IsAnswered() {
		t.Errorf("Uh1's answer %+v, want regular, 4,500 baht, occupation income unknown", f)
	}
	// A second tap on the same card: already answered, nothing changes.
	wantSaid(t, r.tap("Uh1", buttonKey(t, uh1, "followup.btn.not")), "followup.err.answered")
	if again := r.fuOne("H000001", 1); again.Practice != flows.PracticeRegular {
		t.Errorf("a second tap changed the answer: %+v", again)
	}

	// Uh2 types the labels instead of tapping: not practising, no capital.
	out = r.say("Uh2", "ยังไม่ได้ทำ")
	wantSaid(t, out, "followup.q.reason")
	wantSaid(t, r.say("Uh2", "ไม่มีทุน"), "followup.q.income")
	out = r.say("Uh2", "๓,๐๐๐ บาท")
	wantSaid(t, out, "conv.confirm.title") // not practising: no occupation income
	wantSaid(t, r.say("Uh2", "ยืนยัน"), "followup.saved.own")
	if f := r.fuOne("H000002", 1); f.Practice != flows.PracticeNot || f.Reason != "no_capital" || f.Income != 3000 || f.OccupationIncomeKnown {
		t.Errorf("Uh2's answer %+v, want not practising for lack of capital, 3,000 baht", f)
	}

	// The sages of village 5 see the households without LINE when they
	// open their menu (a reply), and the list behind the note.
	out = r.tap("Ulead", flows.ItemTeam.Data())
	if len(out.Pushes) != 0 || !slices.Contains(keys(out), "followup.note") {
		t.Fatalf("sage's menu said %q, want the follow-up note", keys(out))
	}
	out = r.tap("Ulead", button(t, out, "followup.btn.list"))
	if len(out.Replies) != 1 || len(out.Replies[0].Rows) != 2 {
		t.Fatalf("list %+v, want H000003 and H000006", out.Replies)
	}
	// Each row says the house number as such, not "บ้าน 4" (which reads
	// as a village's name).
	h3, _ := r.getHousehold("H000003")
	row := out.Replies[0].Rows[0].Title
	if got, want := catalog.MustText(locales.Thai, row.Key, row.Args), h3.HeadName+" · บ้านเลขที่ "+h3.HouseNo; got != want {
		t.Errorf("list row %q, want %q", got, want)
	}
	// The button's label typed does the same.
	if typed := r.say("Usage", "ดูรายชื่อ"); len(typed.Replies) != 1 || len(typed.Replies[0].Rows) != 2 {
		t.Errorf("typed ดูรายชื่อ: %q, want the list", keys(typed))
	}
	if said := keys(r.tap("Ulead6", flows.ItemTeam.Data())); slices.Contains(said, "followup.note") {
		t.Errorf("village 6's sage sees village 5's follow-ups: %q", said)
	}

	// Monday 11 January at 10:00: the sages' one push of the week.
	monday := fuAt(2027, 1, 11, 10, 0)
	if got := r.fuDue(monday.Add(-time.Minute)); len(got) != 0 {
		t.Errorf("sages' list due before Monday 10:00: %+v", got)
	}
	week := r.fuRecord(monday)
	if len(week) != 1 || week[0].Kind != flows.RemindFollowUpSages {
		t.Fatalf("Monday 10:00: %+v, want the sages' weekly list", week)
	}
	if to := fuSendsTo(week); !slices.Equal(to, []string{"Ulead", "Usage"}) {
		t.Errorf("weekly list to %v, want village 5's team only", to)
	}
	list := fuCard(t, week, "Ulead").Replies[0]
	if len(list.Fields) != 2 || list.Text.Args["Count"] != 2 {
		t.Errorf("weekly card %+v, want the two households without LINE", list)
	}
	for _, later := range []time.Time{monday.Add(time.Minute), fuAt(2027, 1, 12, 10, 0), fuAt(2027, 1, 18, 10, 0)} {
		if got := r.fuDue(later); len(got) != 0 {
			t.Errorf("due again at %s: %+v", later.Format("01-02 15:04"), got)
		}
	}

	// The sage answers for H000003 from its card, as for the roll call.
	r.at(fuAt(2027, 1, 11, 15, 0))
	out = r.tap("Usage", "a=hh.card&hh=H000003")
	out = r.tap("Usage", buttonKey(t, out, "followup.btn.answer"))
	wantSaid(t, out, "followup.q.practice_other")
	wantSaid(t, r.tap("Usage", buttonKey(t, out, "followup.btn.sometimes")), "followup.q.income")
	r.say("Usage", "1.5 หมื่น")
	wantSaid(t, r.say("Usage", "20000"), "hint:followup.hint.over_income", "followup.q.occupation_income")
	out = r.say("Usage", "2000")
	wantSaid(t, r.tap("Usage", button(t, out, "conv.btn.confirm")), "followup.saved.for")
	if f := r.fuOne("H000003", 1); f.Practice != flows.PracticeSometimes || f.Income != 15000 || f.OccupationIncome != 2000 || f.AnsweredBy != "Usage" {
		t.Errorf("sage's answer %+v, want sometimes, 15,000 baht of which 2,000 from the occupation, by Usage", f)
	}
	// Another village's sage, and a household on LINE, are not theirs to answer.
	wantSaid(t, r.tap("Ulead6", "a=fu&hh=H000006"), "followup.err.not_yours")
	wantSaid(t, r.tap("Usage", "a=fu&hh=H000005"), "followup.err.not_yours")
	if hasButton(r.tap("Usage", "a=hh.card&hh=H000005"), "followup.btn.answer") {
		t.Errorf("the card of a household on LINE offers its sage to answer for it")
	}

	// After the window (7 days from Sunday 10:00): H000005 and H000006
	// did not answer. They stay unanswered, never "not practising", and
	// leave the sages' list.
	r.at(fuAt(2027, 1, 17, 10, 1))
	for _, id := range []string{"H000005", "H000006"} {
		fs := r.fuRecords(id)
		if _, answered := flows.LatestAnswer(fs); answered || len(fs) != 1 || fs[0].Practice != "" {
			t.Errorf("%s: %+v, want one unanswered follow-up", id, fs)
		}
	}
	wantSaid(t, r.say("Ulead", "ติดตามผล"), "followup.list.empty")
	out = r.tap("Uofficer", "a=hh.card&hh=H000006")
	if !slices.ContainsFunc(out.Replies[0].Fields, func(f flows.Field) bool { return f.Value.Key == "followup.state.late" }) {
		t.Errorf("card fields %+v, want the follow-up shown as not answered in time", out.Replies[0].Fields)
	}
	// A late answer is still recorded: an officer's for H000006, and
	// H000005's own.
	out = r.tap("Uofficer", buttonKey(t, out, "followup.btn.answer"))
	r.tap("Uofficer", buttonKey(t, out, "followup.btn.not"))
	r.say("Uofficer", "สุขภาพไม่ดี")
	out = r.say("Uofficer", "ไม่ทราบ")
	wantSaid(t, r.tap("Uofficer", button(t, out, "conv.btn.confirm")), "followup.saved.for_last") // none left in the list
	if f := r.fuOne("H000006", 1); f.Practice != flows.PracticeNot || f.Reason != "health" || f.IncomeKnown || f.AnsweredBy != "Uofficer" {
		t.Errorf("officer's late answer %+v", f)
	}
	wantSaid(t, r.tap("Uh5", buttonKey(t, fuCard(t, got, "Uh5"), "followup.btn.sometimes")), "followup.q.income")
	r.say("Uh5", "4.5 พัน")
	out = r.say("Uh5", "ไม่ทราบ")
	wantSaid(t, r.tap("Uh5", button(t, out, "conv.btn.confirm")), "followup.saved.own")
	if f, ok := flows.LatestAnswer(r.fuRecords("H000005")); !ok || f.Practice != flows.PracticeSometimes || f.Income != 4500 || !f.Answered.After(f.Asked.Add(7*24*time.Hour)) {
		t.Errorf("H000005's late answer %+v", f)
	}

	// The second follow-up, 90 days after day 5 (11 March), is asked of
	// the same households again.
	second := r.fuRecord(fuAt(2027, 3, 11, 10, 0))
	if len(second) != 1 || len(second[0].FollowUps) != 5 || second[0].FollowUps[0].N != 2 || second[0].FollowUps[0].Days != 90 {
		t.Errorf("11 March: %+v, want the second follow-up of the five households", second)
	}
}

// Nothing is pushed in quiet hours: a follow-up whose time fell while the
// bot was down waits for the morning, and one set for a quiet hour goes
// when quiet hours end.
func TestFollowUpQuietHours(t *testing.T) {
	r := fuProgramme(t)
	if got := r.fuDue(fuAt(2027, 1, 10, 22, 0)); len(got) != 0 {
		t.Errorf("at 22:00 (quiet hours): %+v", got)
	}
	if got := r.fuDue(fuAt(2027, 1, 11, 6, 59)); len(got) != 0 {
		t.Errorf("at 06:59 (quiet hours): %+v", got)
	}
	if got := r.fuDue(fuAt(2027, 1, 11, 7, 0)); len(got) != 1 || len(got[0].Sends) != 3 {
		t.Errorf("at 07:00 after a day down: %+v, want the follow-up, late", got)
	}
	// Asked at 06:00: that is quiet, so 07:00.
	r.configure(func(c *flows.Config) { c.FollowUps.At = "06:00" })
	r.replan()
	if got := r.fuDue(fuAt(2027, 1, 10, 6, 30)); len(got) != 0 {
		t.Errorf("at 06:30 with follow-ups at 06:00: %+v, want nothing before quiet hours end", got)
	}
	if got := r.fuDue(fuAt(2027, 1, 10, 7, 0)); len(got) != 1 {
		t.Errorf("at 07:00 with follow-ups at 06:00: %+v", got)
	}
	// A follow-up a month late is left out: its time has passed.
	if got := r.fuDue(fuAt(2027, 2, 10, 10, 0)); len(got) != 0 {
		t.Errorf("a month late: %+v", got)
	}
}

// The sages' list survives a restart (the plan is rebuilt), and goes out
// once; the daily summary counts the answers since the last summary.
func TestFollowUpReplanAndSummary(t *testing.T) {
	r := fuProgramme(t)
	r.fuRecord(fuAt(2027, 1, 10, 10, 0))
	r.restart()
	r.replan()
	week := r.fuDue(fuAt(2027, 1, 11, 10, 0))
	if len(week) != 1 || week[0].Kind != flows.RemindFollowUpSages {
		t.Fatalf("after a restart: %+v, want the sages' list", week)
	}

	digest := func(at time.Time) flows.Digest {
		var d flows.Digest
		r.view(func(tx flows.Tx) error {
			var err error
			d, err = r.eng.Digest(tx, at)
			return err
		})
		return d
	}
	r.at(fuAt(2027, 1, 10, 11, 0))
	for _, u := range []string{"Uh1", "Uh2"} {
		wantSaid(t, r.say(u, "ยังไม่ได้ทำ"), "followup.q.reason")
		r.say(u, "ไม่มีเวลา")
		out := r.say(u, "5000")
		wantSaid(t, r.tap(u, button(t, out, "conv.btn.confirm")), "followup.saved.own")
	}
	d := digest(fuAt(2027, 1, 10, 18, 30))
	if d.FollowUpsAnswered != 2 {
		t.Errorf("answered %d, want 2", d.FollowUpsAnswered)
	}
	if !slices.ContainsFunc(flows.SummaryReplies(d)[1].Fields, func(f flows.Field) bool { return f.Label.Key == "summary.followups.label" }) {
		t.Errorf("the summary does not mention the follow-ups")
	}
	checkRenders(t, locales.Thai, flows.SummaryReplies(d))
	// After a summary was sent, only newer answers count.
	r.update(func(tx flows.Tx) error {
		return flows.RecordReminder(tx, flows.Reminder{Key: "summary/2027-01-10", Kind: flows.RemindSummary}, flows.LedgerSent, nil, 1, fuAt(2027, 1, 10, 18, 30))
	})
	if d := digest(fuAt(2027, 1, 11, 18, 30)); d.FollowUpsAnswered != 0 {
		t.Errorf("answered %d since the last summary, want 0", d.FollowUpsAnswered)
	}
}

// People answer the income questions in their own words: "don't know" as
// ไม่รู้, ไม่แน่ใจ or จำไม่ได้ (not only the button's ไม่ทราบ), amounts in
// words and Thai digits; a wrong answer is told both ways to answer. A
// sage answering for neighbours is told how many are left.
func TestFollowUpTypedAnswers(t *testing.T) {
	r := fuProgramme(t)
	at := fuAt(2027, 1, 10, 10, 0)
	got := r.fuRecord(at)
	r.at(at.Add(5 * time.Minute))

	wantSaid(t, r.say("Uh1", "ทำบ้างค่ะ"), "followup.q.income")
	wantSaid(t, r.say("Uh1", "พอได้อยู่"), "hint:followup.hint.income", "followup.q.income")
	wantSaid(t, r.say("Uh1", "ไม่รู้ค่ะ"), "followup.q.occupation_income")
	out := r.say("Uh1", "ไม่แน่ใจ")
	wantSaid(t, out, "conv.confirm.title")
	// Her own answers are titled as the follow-up, not with her name.
	if title := out.Replies[0].Title; title == nil || title.Key != "followup.form.title" {
		t.Errorf("her confirm card is titled %+v, want followup.form.title", title)
	}
	wantSaid(t, r.tap("Uh1", button(t, out, "conv.btn.confirm")), "followup.saved.own")
	if f := r.fuOne("H000001", 1); f.Practice != flows.PracticeSometimes || f.IncomeKnown || f.OccupationIncomeKnown {
		t.Errorf("Uh1's answer %+v, want sometimes, both incomes unknown", f)
	}

	wantSaid(t, r.say("Uh2", "ยังไม่ได้ทำ"), "followup.q.reason")
	wantSaid(t, r.say("Uh2", "ไม่มีเวลา"), "followup.q.income")
	out = r.say("Uh2", "จำไม่ได้")
	wantSaid(t, out, "conv.confirm.title")
	wantSaid(t, r.tap("Uh2", button(t, out, "conv.btn.confirm")), "followup.saved.own")
	if f := r.fuOne("H000002", 1); f.Practice != flows.PracticeNot || f.IncomeKnown {
		t.Errorf("Uh2's answer %+v, want not practising, income unknown", f)
	}

	wantSaid(t, r.tap("Uh5", buttonKey(t, fuCard(t, got, "Uh5"), "followup.btn.regular")), "followup.q.income")
	r.say("Uh5", "ห้าพัน")
	out = r.say("Uh5", "๔๕๐๐")
	wantSaid(t, out, "conv.confirm.title")
	wantSaid(t, r.tap("Uh5", button(t, out, "conv.btn.confirm")), "followup.saved.own")
	if f := r.fuOne("H000005", 1); f.Income != 5000 || f.OccupationIncome != 4500 || !f.OccupationIncomeKnown {
		t.Errorf("Uh5's answer %+v, want 5,000 baht of which 4,500 from the occupation", f)
	}

	// The sage's list of the two households without LINE fits one page:
	// no "page 1/1".
	out = r.say("Usage", "ติดตามผล")
	if len(out.Replies) != 1 || out.Replies[0].Text.Key != "followup.list.text_all" {
		t.Fatalf("list %+v, want one page without a page number", out.Replies)
	}
	// After the first, one is left, and the list is offered; after the
	// last, none is, and nothing more is offered.
	answer := func(id, want string) flows.Outcome {
		t.Helper()
		out := r.tap("Usage", "a=fu&hh="+id)
		wantSaid(t, out, "followup.q.practice_other")
		r.tap("Usage", buttonKey(t, out, "followup.btn.not"))
		r.say("Usage", "ไม่มีทุน")
		out = r.say("Usage", "ไม่รู้")
		if title := out.Replies[0].Title; title == nil || title.Key != "followup.form.title_for" {
			t.Errorf("the sage's confirm card is titled %+v, want the household named", title)
		}
		out = r.tap("Usage", button(t, out, "conv.btn.confirm"))
		wantSaid(t, out, want)
		return out
	}
	out = answer("H000003", "followup.saved.for")
	if n := out.Replies[0].Text.Args["Count"]; n != 1 || !hasButton(out, "followup.btn.list") {
		t.Errorf("after the first: %+v, want 1 left and the list offered", out.Replies[0])
	}
	if out = answer("H000006", "followup.saved.for_last"); hasButton(out, "followup.btn.list") {
		t.Errorf("after the last: %+v, want no list offered", out.Replies[0])
	}
	checkRenders(t, locales.Thai, out.Replies)
}
