package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// The week of programme() used here: day 1 is Monday 7 December 2026,
// 09.00–16.00; day 4 (Thursday 10th) departs at 07.30; day 5 is Friday 11th.
var rulesWeek = time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)

func bkk(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok)
}

// rollCard opens village 5's roll call of day as user.
func (r *rig) rollCard(user string, day int) flows.Outcome {
	r.t.Helper()
	return r.tap(user, flows.Postback{Action: "rc", Village: 5, Day: day}.Encode())
}

// matrixCounts reads village 5's totals of day.
func (r *rig) matrixCounts(day int) flows.DayCounts {
	r.t.Helper()
	var m flows.Matrix
	r.view(func(tx flows.Tx) error {
		var err error
		m, err = flows.AttendanceMatrix(tx, 5)
		return err
	})
	return m.Counts(day)
}

func TestCheckInWindowIsConfigurableAndTheStudyVisitOpensBeforeItsDeparture(t *testing.T) {
	early := 30 * time.Minute
	r := programme(t, 2, rulesWeek, withConfig(func(c *flows.Config) { c.CheckInEarly = &early }))
	here := flows.Postback{Action: "att.here", Village: 5, Day: 1, Household: "H000001"}.Encode()
	r.at(bkk(7, 8, 15))
	out := r.tap("Uh1", here)
	wantSaid(t, out, "attendance.err.opens_at")
	if got := locales.FormatClock(locales.Thai, time.Time(out.Replies[0].Text.Args["Time"].(locales.Clock))); got != "08.30 น." {
		t.Errorf("opens at %q, want 08.30 น.", got)
	}
	r.at(bkk(7, 8, 30))
	wantSaid(t, r.tap("Uh1", here), "attendance.done.here")

	// Day 4 leaves at 07.30: "I am here" opens at 07.00 with a 30-minute lead.
	visit := flows.Postback{Action: "att.here", Village: 5, Day: 4, Household: "H000002"}.Encode()
	r.at(bkk(10, 6, 55))
	wantSaid(t, r.tap("Uh2", visit), "attendance.err.opens_at")
	r.at(bkk(10, 7, 5))
	wantSaid(t, r.tap("Uh2", visit), "attendance.done.here")
}

// An officer's correction outranks a sage's roll call, which outranks the
// household's own tap; a weaker mark after a stronger one is kept aside,
// the household is told what is recorded, and the officer sees the clash.
func TestAStrongerMarkSurvivesALaterWeakerOne(t *testing.T) {
	r := programme(t, 3, rulesWeek)
	here := func(h string) string {
		return flows.Postback{Action: "att.here", Village: 5, Day: 1, Household: h}.Encode()
	}

	// The officer marks household 1 absent from the roll-call card: tap the
	// household, tap the value, type the reason, confirm.
	r.at(bkk(7, 10, 0))
	card := r.rollCard("Uofficer", 1)
	wantSaid(t, card, "attendance.rollcall.text_officer")
	if got := renderCards(card.Replies[:1]); strings.Count(got, "แตะชื่อ") != 1 {
		t.Errorf("the officer's roll-call card gives its hint %d times:\n%s", strings.Count(got, "แตะชื่อ"), got)
	}
	out := r.tap("Uofficer", card.Replies[0].Rows[0].Tap.Data)
	wantSaid(t, out, "attendance.fix.now_none", "attendance.fix.which_value")
	out = r.tap("Uofficer", button(t, out, "attendance.fix.choice.presence.absent"))
	wantSaid(t, out, "attendance.fix.reason")
	out = r.say("Uofficer", "ไม่ได้มา ปราชญ์ยืนยัน")
	wantSaid(t, r.tap("Uofficer", button(t, out, "conv.btn.confirm")), "attendance.fix.saved")

	// Household 1 taps "I am here" later that day: told what is recorded.
	r.at(bkk(7, 15, 0))
	out = r.tap("Uh1", here("H000001"))
	wantSaid(t, out, "attendance.held.officer")
	a := r.attendance(1, "H000001")
	if a.Presence != flows.PresenceAbsent || a.PresenceMark.Source != flows.SourceOfficer {
		t.Errorf("after the household's tap: %s by %s, want absent by the officer", a.Presence, a.PresenceMark.Source)
	}
	if len(a.Conflicts) != 1 || a.Conflicts[0].Value != "present" || a.Conflicts[0].Mark.Source != flows.SourceHousehold || a.Conflicts[0].HeldBy != flows.SourceOfficer {
		t.Errorf("conflicts %+v, want the household's tap kept aside", a.Conflicts)
	}
	// A sage's roll call cannot undo it either.
	sageCard := r.rollCard("Ulead", 1)
	wantSaid(t, r.tap("Ulead", sageCard.Replies[0].Rows[0].Tap.Data), "attendance.held.officer")
	if got := r.attendance(1, "H000001"); got.Presence != flows.PresenceAbsent || len(got.Conflicts) != 2 {
		t.Errorf("after the roll call tap: %s with %d conflicts, want absent with 2", got.Presence, len(got.Conflicts))
	}
	// The officer sees the clash on the card and in the correction view.
	card = r.rollCard("Uofficer", 1)
	if d := card.Replies[0].Rows[0].Detail; d == nil || d.Key != "attendance.roll.conflict" {
		t.Errorf("officer's row shows %v, want the conflict mark", d)
	}
	wantSaid(t, r.tap("Uofficer", card.Replies[0].Rows[0].Tap.Data), "attendance.fix.now", "attendance.fix.conflict", "attendance.fix.which_value")

	// The sage's roll call holds over the household's own later tap…
	r.at(bkk(7, 9, 30))
	row := sageCard.Replies[0].Rows[1].Tap.Data
	wantSaid(t, r.tap("Ulead", row), "attendance.roll.tapped") // household 2 present
	out = r.tap("Ulead", buttonKey(t, r.tap("Ulead", row), "attendance.btn.set.absent"))
	wantSaid(t, out, "attendance.roll.tapped") // now absent
	wantSaid(t, r.tap("Uh2", here("H000002")), "attendance.held.rollcall")
	// …and overrides its earlier one.
	wantSaid(t, r.tap("Uh3", here("H000003")), "attendance.done.here")
	wantSaid(t, r.tap("Ulead", buttonKey(t, r.tap("Ulead", sageCard.Replies[0].Rows[2].Tap.Data), "attendance.btn.set.absent")), "attendance.roll.tapped")
	if a := r.attendance(1, "H000003"); a.Presence != flows.PresenceAbsent || a.PresenceMark.Source != flows.SourceRollCall {
		t.Errorf("household 3: %s by %s, want absent by the roll call", a.Presence, a.PresenceMark.Source)
	}
}

// A record written before sources were kept: a mark by the household's own
// head is the household's, any other the roll call's.
func TestOldMarksWithoutSource(t *testing.T) {
	r := programme(t, 2, rulesWeek)
	r.putAttendance(flows.Attendance{Village: 5, Day: 1, Household: "H000001", Presence: flows.PresenceAbsent,
		PresenceMark: &flows.Mark{At: bkk(7, 8, 0), By: "Ulead"}})
	r.putAttendance(flows.Attendance{Village: 5, Day: 2, Household: "H000002", Presence: flows.PresenceHere,
		PresenceMark: &flows.Mark{At: bkk(8, 8, 0), By: "Uh2"}})
	r.at(bkk(7, 9, 0))
	wantSaid(t, r.tap("Uh1", flows.Postback{Action: "att.here", Village: 5, Day: 1, Household: "H000001"}.Encode()), "attendance.held.rollcall")
	if got := flows.MarkSource(&flows.Mark{By: "Uh2"}, "Uh2"); got != flows.SourceHousehold {
		t.Errorf("own mark without source reads as %q, want household", got)
	}
	if c := r.matrixCounts(1); !c.RollCalled || c.Marked != 1 {
		t.Errorf("day 1 counts %+v, want the old sage's mark read as a roll call", c)
	}
	if c := r.matrixCounts(2); c.RollCalled || c.Present != 1 {
		t.Errorf("day 2 counts %+v, want the household's own old tap, no roll call", c)
	}
}

// Day 5 is practice at home: every "I am here" path records practice and
// says so; the roll call marks practice; the day's totals count it.
func TestDay5EveryHerePathRecordsPractice(t *testing.T) {
	r := programme(t, 5, rulesWeek)
	r.at(bkk(11, 10, 0))
	// The day's card, the typed word, the rich menu.
	wantSaid(t, r.tap("Uh1", flows.Postback{Action: "att.here", Village: 5, Day: 5, Household: "H000001"}.Encode()), "attendance.done.practised")
	wantSaid(t, r.say("Uh2", "มาแล้ว"), "attendance.done.practised")
	wantSaid(t, r.tap("Uh3", flows.ItemHere.Data()), "attendance.done.practised")
	wantSaid(t, r.say("Uh3", "ฝึกแล้ว"), "attendance.already.practised")
	for _, h := range []string{"H000001", "H000002", "H000003"} {
		if a := r.attendance(5, h); !a.Practised || a.Presence != flows.PresenceUnknown || a.PractisedMark.Source != flows.SourceHousehold {
			t.Errorf("%s: practised %v, presence %q, want practised only", h, a.Practised, a.Presence)
		}
	}
	// A presence written on day 5 by the old rule counts as practice.
	r.putAttendance(flows.Attendance{Village: 5, Day: 5, Household: "H000004", Presence: flows.PresenceHere,
		PresenceMark: &flows.Mark{At: bkk(11, 9, 0), By: "Uh4"}})
	if c := r.matrixCounts(5); c.Practised != 4 || c.NotChecked != 1 || c.Present != 0 || c.Marked != 4 || c.RollCalled {
		t.Errorf("day 5 counts %+v, want 4 practised, 1 not checked", c)
	}
	// The sage's roll call on day 5 marks practice.
	card := r.rollCard("Ulead", 5)
	wantSaid(t, card, "attendance.rollcall.text_home")
	out := r.tap("Ulead", button(t, card, "attendance.btn.all_practised"))
	wantSaid(t, out, "attendance.roll.all_done_home")
	if n := out.Replies[0].Text.Args["Here"]; n != 5 {
		t.Errorf("all practised says %v, want 5", n)
	}
	if a := r.attendance(5, "H000005"); !a.Practised || a.PractisedMark.Source != flows.SourceRollCall {
		t.Errorf("household 5 %+v, want practised by the roll call", a)
	}
	if c := r.matrixCounts(5); c.Practised != 5 || !c.RollCalled {
		t.Errorf("day 5 counts %+v, want 5 practised and the roll taken", c)
	}
}

// "All present", then the exceptions tapped on the card drawn before it;
// a roll call is open for three days, then corrections are the officer's.
func TestRollCallAllPresentThenExceptions(t *testing.T) {
	r := programme(t, 20, rulesWeek)
	r.at(bkk(7, 9, 30))
	// Household 20 was marked absent by the officer before: kept.
	r.putAttendance(flows.Attendance{Village: 5, Day: 1, Household: "H000020", Presence: flows.PresenceAbsent,
		PresenceMark: &flows.Mark{At: bkk(7, 9, 0), By: "Uofficer", Source: flows.SourceOfficer}})
	card := r.say("Ulead", "เช็คชื่อ")
	out := r.tap("Ulead", button(t, card, "attendance.btn.all_present"))
	wantSaid(t, out, "attendance.roll.all_done")
	if n := out.Replies[0].Text.Args["Here"]; n != 19 {
		t.Errorf("all present says %v here, want 19", n)
	}
	if len(out.Replies) != 1 || out.Replies[0].Style != flows.StylePlain || len(out.Replies[0].Rows) != 0 {
		t.Errorf("all present answered %d replies, want one short text", len(out.Replies))
	}
	// Exceptions: rows 2 and 5 of the card drawn before "all present".
	for _, i := range []int{1, 4} {
		out = r.tap("Ulead", card.Replies[0].Rows[i].Tap.Data)
		wantSaid(t, out, "attendance.roll.tapped")
	}
	if c := out.Replies[0].Text.Args["Counts"].(locales.Ref); c.Args["Here"] != 17 {
		t.Errorf("after two exceptions: %v, want 17 here", c.Args)
	}
	// A double tap on an exception does not flip it back.
	wantSaid(t, r.tap("Ulead", card.Replies[0].Rows[4].Tap.Data), "attendance.roll.now")
	if a := r.attendance(1, "H000005"); a.Presence != flows.PresenceAbsent {
		t.Errorf("household 5 is %q after a double tap, want absent", a.Presence)
	}
	if a := r.attendance(1, "H000020"); a.Presence != flows.PresenceAbsent || a.PresenceMark.Source != flows.SourceOfficer {
		t.Errorf("household 20 %+v, want the officer's absent kept", a.PresenceMark)
	}
	// A fresh card's row of a present household marks it absent.
	fresh := r.say("Ulead", "เช็คชื่อ")
	wantSaid(t, r.tap("Ulead", fresh.Replies[0].Rows[0].Tap.Data), "attendance.roll.tapped")
	if a := r.attendance(1, "H000001"); a.Presence != flows.PresenceAbsent {
		t.Errorf("household 1 is %q, want absent", a.Presence)
	}

	// Two days later the roll call of day 1 is still open; three days
	// later it is not: the sage is sent to the officer, whose card corrects.
	r.at(bkk(9, 17, 0))
	wantSaid(t, r.rollCard("Ulead", 1), "attendance.rollcall.text")
	r.at(bkk(10, 8, 0))
	wantSaid(t, r.rollCard("Ulead", 1), "attendance.rollcall.closed")
	wantSaid(t, r.tap("Ulead", fresh.Replies[0].Rows[1].Tap.Data), "attendance.rollcall.closed")
	off := r.rollCard("Uofficer", 1)
	wantSaid(t, off, "attendance.rollcall.text_officer")
	if len(off.Replies[0].Buttons) != 0 || off.Replies[0].Rows[0].Tap == nil {
		t.Errorf("officer's closed card: %d buttons, want only rows to correct", len(off.Replies[0].Buttons))
	}
	// Today's roll call (day 4) opens straight away.
	wantSaid(t, r.say("Ulead", "เช็คชื่อ"), "attendance.rollcall.text")
}

// The study visit asks how many people go: buttons 0–9 or a typed number.
func TestStudyVisitHeadcountInPeople(t *testing.T) {
	r := programme(t, 4, rulesWeek)
	r.at(bkk(8, 18, 0))
	going := func(h string) string {
		return flows.Postback{Action: "att.i", Village: 5, Day: 4, Household: h, Value: "yes"}.Encode()
	}
	out := r.tap("Uh1", going("H000001"))
	wantSaid(t, out, "attendance.done.will_visit", "attendance.seats.ask")
	if q := out.Replies[1].Quick; len(q) != 10 {
		t.Fatalf("%d buttons, want 0–9", len(q))
	}
	wantSaid(t, r.tap("Uh1", buttonKey(t, out, "attendance.seats.btn", 3)), "attendance.seats.done")
	if a := r.attendance(4, "H000001"); a.Intent != flows.IntentYes || a.Seats != 3 {
		t.Errorf("household 1: %s with %d seats, want going, 3", a.Intent, a.Seats)
	}
	// Typed, in Thai words; then changed with a second answer.
	r.tap("Uh2", going("H000002"))
	wantSaid(t, r.say("Uh2", "สองคนค่ะ"), "attendance.seats.done")
	// Zero is not going.
	out = r.tap("Uh3", going("H000003"))
	wantSaid(t, r.tap("Uh3", buttonKey(t, out, "attendance.seats.btn_none")), "attendance.seats.none")
	if a := r.attendance(4, "H000003"); a.Intent != flows.IntentNo || a.Seats != 0 {
		t.Errorf("household 3: %s with %d seats, want not going", a.Intent, a.Seats)
	}
	// A number typed without the question is not a headcount.
	r.say("Uh4", "5")
	if a := r.attendance(4, "H000004"); a.Intent != flows.IntentNone {
		t.Errorf("household 4 typed 5 unasked: %+v", a)
	}
	// Going without saying how many takes one seat.
	r.tap("Uh4", going("H000004"))
	if c := r.matrixCounts(4); c.Seats != 3+2+1 || c.WillAttend != 3 {
		t.Errorf("day 4 counts %+v, want 6 seats from 3 households", c)
	}
	if c := r.matrixCounts(1); c.Seats != 0 {
		t.Errorf("day 1 counts %d seats, want none: seats are the study visit's", c.Seats)
	}
}

// A card from before a change of time only: the answer says what the day
// is now (not "moved to" the same date) and shows the current card.
func TestOldCardAfterATimeOnlyChange(t *testing.T) {
	r := programme(t, 1, rulesWeek)
	r.at(bkk(5, 18, 0))
	will := flows.Postback{Action: "att.i", Village: 5, Day: 1, Household: "H000001", Value: "yes"}.Encode()
	r.putDay(flows.ProgrammeDay{Village: 5, Day: 1, Date: "2026-12-07", Start: "13:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 1})
	out := r.tap("Uh1", will)
	wantSaid(t, out, "attendance.err.changed", "attendance.card.text")
	text := catalog.MustText(locales.Thai, out.Replies[0].Text.Key, out.Replies[0].Text.Args)
	for _, want := range []string{"วันจันทร์ที่ 7 ธันวาคม 2569", "13.00 น.", "ศาลาประชาคม"} {
		if !strings.Contains(text, want) {
			t.Errorf("answer %q does not say %q", text, want)
		}
	}
	if strings.Contains(text, "เลื่อน") {
		t.Errorf("answer %q says the day moved", text)
	}
	// The new card's button works.
	wantSaid(t, r.tap("Uh1", button(t, flows.Outcome{Replies: out.Replies[1:]}, "attendance.btn.will")), "attendance.done.will")
}
