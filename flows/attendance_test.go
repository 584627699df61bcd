package flows_test

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// programme sets up village 5 with n selected households (users Uh1…Un,
// all linked), a lead sage, an officer, and five days starting on start.
func programme(t *testing.T, n int, start time.Time, opts ...rigOption) *rig {
	t.Helper()
	r := newRig(t, append([]rigOption{hhOpts}, opts...)...)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.hhVillage(6, 20, "สานตะกร้า")
	r.officer("Uofficer", "")
	r.sage("Ulead", 5, true)
	r.sage("Ulead6", 6, true)
	// Households().Put indexes each household by its head's LINE id.
	r.update(func(tx flows.Tx) error {
		for i := 1; i <= n; i++ {
			id := fmt.Sprintf("H%06d", i)
			user := fmt.Sprintf("Uh%d", i)
			if err := tx.Users().Put(user, flows.User{ID: user, Active: true}); err != nil {
				return err
			}
			h := flows.Household{ID: id, Village: 5, HouseNo: fmt.Sprint(i), HeadName: fmt.Sprintf("หัวหน้า ลำดับ%s", strings.Repeat("ก", i%5+1)),
				Members: 3, Income: int64(1000 * i), IncomeKnown: true, Interested: true, UserID: user,
				Status: flows.StatusSelected, DedupeKey: id}
			if err := flows.PutHousehold(tx, h); err != nil {
				return err
			}
		}
		return nil
	})
	for day := 1; day <= flows.Days; day++ {
		d := flows.ProgrammeDay{Village: 5, Day: day, Date: start.AddDate(0, 0, day-1).Format("2006-01-02"), Start: "09:00", End: "16:00", Place: "ศาลาประชาคม"}
		if day == flows.StudyVisit {
			d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์เรียนรู้", "วัด", "07:30", "หมวก"
		}
		r.putDay(d)
	}
	r.replan()
	return r
}

// replan rebuilds the reminder plan after days were written directly.
func (r *rig) replan() {
	r.t.Helper()
	r.update(func(tx flows.Tx) error { return r.eng.Replan(tx, r.now) })
}

// at sets the clock: the next input happens at t.
func (r *rig) at(t time.Time) { r.now = t }

// attendance reads household h's record of village 5's day.
func (r *rig) attendance(day int, h string) flows.Attendance {
	r.t.Helper()
	var a flows.Attendance
	r.view(func(tx flows.Tx) error {
		var err error
		a, err = flows.GetAttendance(tx, 5, day, h)
		return err
	})
	return a
}

func dayCard(t *testing.T, out flows.Outcome) flows.Reply {
	t.Helper()
	for _, rep := range out.Replies {
		if rep.Title != nil && strings.HasPrefix(rep.Title.Key, "attendance.card.title.") {
			return rep
		}
	}
	t.Fatalf("no day card in %q", keys(out))
	return flows.Reply{}
}

func TestWillAttendCannotAttendAndDoubleTap(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 2, day1)
	r.at(time.Date(2026, 12, 6, 18, 5, 0, 0, bangkok))
	out := r.say("Uh1", "ตารางของฉัน")
	card := dayCard(t, out)
	if card.Title.Key != "attendance.card.title.1" {
		t.Fatalf("card for %s, want day 1", card.Title.Key)
	}
	will := button(t, flows.Outcome{Replies: []flows.Reply{card}}, "attendance.btn.will")
	wantSaid(t, r.tap("Uh1", will), "attendance.done.will")
	wantSaid(t, r.tap("Uh1", will), "attendance.already.will")
	a := r.attendance(1, "H000001")
	if a.Intent != flows.IntentYes || a.IntentMark.By != "Uh1" {
		t.Errorf("record %+v", a)
	}
	firstAt := a.IntentMark.At

	// Changing the answer: cannot attend, with a reason.
	cannot := button(t, flows.Outcome{Replies: []flows.Reply{card}}, "attendance.btn.cannot")
	out = r.tap("Uh1", cannot)
	wantSaid(t, out, "attendance.ask.reason")
	// Recorded at once: a household that never picks a reason is not
	// left as "no answer".
	if a := r.attendance(1, "H000001"); a.Intent != flows.IntentNo || a.IntentReason != "" {
		t.Errorf("after ไม่สะดวก, before a reason: record %+v, want cannot come", a)
	}
	sick := button(t, out, "attendance.reason.sick")
	wantSaid(t, r.tap("Uh1", sick), "attendance.done.cannot")
	wantSaid(t, r.tap("Uh1", sick), "attendance.already.cannot")
	a = r.attendance(1, "H000001")
	if a.Intent != flows.IntentNo || a.IntentReason != "sick" || !a.IntentMark.At.After(firstAt) {
		t.Errorf("record %+v", a)
	}

	// Another household's card data, tapped by Uh2: refused, nothing changes.
	wantSaid(t, r.tap("Uh2", will), "attendance.err.not_yours")
	if got := r.attendance(1, "H000001").Intent; got != flows.IntentNo {
		t.Errorf("intent changed to %q by someone else", got)
	}
	// A forged button for another village.
	other := strings.Replace(will, "vil=5", "vil=6", 1)
	wantSaid(t, r.tap("Uh1", other), "attendance.err.not_your_village")
}

// "I am here" opens an hour before the start (by default) and closes at
// the day's end, in Bangkok time whatever the server's zone.
func TestIAmHereFromAnHourBeforeTheStartUntilTheEnd(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 1, day1)
	here := "a=att.here&moo=5&day=1&rev=0&h=H000001"
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		// 23:59 on the 6th in Bangkok is 16:59 UTC on the 6th: another day.
		{"a minute before midnight", time.Date(2026, 12, 6, 23, 59, 0, 0, bangkok), "attendance.err.opens_on"},
		// 00:00 on the 7th in Bangkok is still the 6th in UTC: the day, but
		// long before 09.00.
		{"just after midnight", time.Date(2026, 12, 7, 0, 0, 30, 0, bangkok), "attendance.err.opens_at"},
		{"05:30", time.Date(2026, 12, 7, 5, 30, 0, 0, bangkok), "attendance.err.opens_at"},
		{"07:59", time.Date(2026, 12, 7, 7, 59, 0, 0, bangkok), "attendance.err.opens_at"},
		{"08:00, an hour before", time.Date(2026, 12, 7, 8, 0, 0, 0, bangkok), "attendance.done.here"},
		{"second tap", time.Date(2026, 12, 7, 9, 0, 0, 0, bangkok), "attendance.already.here"},
		{"16:01, after the end", time.Date(2026, 12, 7, 16, 1, 0, 0, bangkok), "attendance.err.day_ended"},
		{"the next day", time.Date(2026, 12, 8, 0, 1, 0, 0, bangkok), "attendance.err.day_ended"},
	}
	for _, tt := range tests {
		r.at(tt.at)
		out := r.tap("Uh1", here)
		if got := keys(out); len(got) == 0 || got[0] != tt.want {
			t.Errorf("%s (%s UTC): said %q, want %q", tt.name, tt.at.UTC().Format("Jan 2 15:04"), got, tt.want)
		}
		if tt.want == "attendance.err.opens_at" {
			if got := locales.FormatClock(locales.Thai, time.Time(out.Replies[0].Text.Args["Time"].(locales.Clock))); got != "08.00 น." {
				t.Errorf("%s: opens at %s, want 08:00", tt.name, got)
			}
		}
	}
	a := r.attendance(1, "H000001")
	if a.Presence != flows.PresenceHere || a.PresenceMark.Source != flows.SourceHousehold || a.PresenceMark.At.In(bangkok).Format("15:04") != "08:00" {
		t.Errorf("presence %+v, want here at 08:00 by the household", a.PresenceMark)
	}
}

func TestPractisedAtHomeAndSageConfirmsForUnlinked(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 2, day1)
	// Household 2 has no LINE of its own: its sage answers for it.
	if err := r.db.Update(func(tx flows.Tx) error {
		h, _, err := flows.GetHousehold(tx, "H000002")
		if err != nil {
			return err
		}
		h.UserID = ""
		return flows.PutHousehold(tx, h)
	}); err != nil {
		t.Fatal(err)
	}
	practised := "a=att.done&moo=5&day=5&rev=0&h=H000002"
	r.at(time.Date(2026, 12, 10, 12, 0, 0, 0, bangkok))
	wantSaid(t, r.tap("Ulead", practised), "attendance.err.not_yet")
	r.at(time.Date(2026, 12, 11, 17, 0, 0, 0, bangkok))
	wantSaid(t, r.tap("Ulead", practised), "attendance.done.practised")
	wantSaid(t, r.tap("Ulead", practised), "attendance.already.practised")
	wantSaid(t, r.tap("Ulead6", practised), "attendance.err.not_yours")
	// The linked household answers for itself; the sage may not.
	wantSaid(t, r.tap("Ulead", "a=att.done&moo=5&day=5&rev=0&h=H000001"), "attendance.err.not_yours")
}

func TestRollCallTwentyHouseholds(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 20, day1)
	r.at(time.Date(2026, 12, 7, 9, 30, 0, 0, bangkok))
	out := r.say("Ulead", "เช็คชื่อ")
	wantSaid(t, out, "attendance.rollcall.text")
	list := out.Replies[0]
	if list.Style != flows.StyleList || len(list.Rows) != 20 {
		t.Fatalf("roll call shows %d rows (style %v), want 20", len(list.Rows), list.Style)
	}
	card := out
	tapRow := func(i int) flows.Outcome {
		return r.tap("Ulead", card.Replies[0].Rows[i].Tap.Data)
	}
	// A tap answers with one short line: the name and the new count.
	out = tapRow(0)
	wantSaid(t, out, "attendance.roll.tapped")
	if c := out.Replies[0].Text.Args["Counts"].(locales.Ref); c.Args["Here"] != 1 || c.Args["Total"] != 20 {
		t.Errorf("count after one tap = %v", c.Args)
	}
	// The same row again (a double tap): it says what is recorded.
	wantSaid(t, tapRow(0), "attendance.roll.now")
	// Its chip changes it back.
	out = r.tap("Ulead", buttonKey(t, tapRow(0), "attendance.btn.set.absent"))
	wantSaid(t, out, "attendance.roll.tapped")
	if a := r.attendance(1, "H000001"); a.Presence != flows.PresenceAbsent || a.PresenceMark.By != "Ulead" || a.PresenceMark.Source != flows.SourceRollCall {
		t.Errorf("household 1 %+v, want absent by the lead's roll call", a.PresenceMark)
	}
	// Another village's lead cannot take this roll.
	wantSaid(t, r.tap("Ulead6", card.Replies[0].Rows[0].Tap.Data), "household.err.other_village")
	// A household cannot take a roll call.
	wantSaid(t, r.say("Uh1", "เช็คชื่อ"), "attendance.err.rollcall_forbidden")
}

func TestOfficerCorrectionKeepsReason(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 1, day1)
	r.at(time.Date(2026, 12, 8, 10, 0, 0, 0, bangkok))
	out := r.tap("Uofficer", "a=att.fix&h=H000001")
	out = r.tap("Uofficer", button(t, out, "attendance.rollcall.day_button"))
	out = r.tap("Uofficer", button(t, out, "attendance.fix.choice.presence.present"))
	wantSaid(t, out, "attendance.fix.reason")
	out = r.say("Uofficer", "มาสาย ลืมเช็คชื่อ")
	// The confirm card says what is corrected: whose, which day, old → new.
	if got := renderCards(out.Replies); !strings.Contains(got, "วันอบรมที่ 1") || !strings.Contains(got, "ยังไม่เช็ค → มา") {
		t.Errorf("the correction's confirm card does not say what changes:\n%s", got)
	}
	wantSaid(t, r.tap("Uofficer", button(t, out, "conv.btn.confirm")), "attendance.fix.saved")
	a := r.attendance(1, "H000001")
	if a.Presence != flows.PresenceHere || len(a.Corrections) != 1 || a.Corrections[0].Reason != "มาสาย ลืมเช็คชื่อ" || a.Corrections[0].By != "Uofficer" {
		t.Errorf("after correction %+v", a)
	}
	// Nobody else corrects.
	wantSaid(t, r.tap("Ulead", "a=att.fix&h=H000001"), "household.err.officers_only")
}

func TestScheduleValidation(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok)
	base := func(day int, date string) flows.ProgrammeDay {
		d := flows.ProgrammeDay{Village: 5, Day: day, Date: date, Start: "09:00", End: "16:00", Place: "ศาลา"}
		if day == 4 {
			d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์", "วัด", "07:30", "หมวก"
		}
		return d
	}
	csv := func(rows ...string) string {
		return "moo,day,date,start,end,place,destination,meeting_point,departure,bring\n" + strings.Join(rows, "\n") + "\n"
	}
	tests := []struct {
		name      string
		file      string
		allowPast bool
		wantLines map[int]string // line → problem key
	}{
		{"good week", csv(
			"5,1,2026-12-07,09:00,16:00,ศาลา,,,,",
			"5,2,8/12/2569,09:00,16:00,ศาลา,,,,",
			"5,3,๙/๑๒/๒๕๖๙,9.00,16.00,ศาลา,,,,",
			"5,4,10/12/2569,08:00,17:00,ศาลา,ศูนย์เรียนรู้,วัด,07:30,หมวก",
			"5,5,11/12/2569,09:00,12:00,บ้าน,,,,"), false, nil},
		{"out of order", csv("5,1,2026-12-08,09:00,16:00,ศาลา,,,,", "5,2,2026-12-07,09:00,16:00,ศาลา,,,,"), false,
			map[int]string{3: "schedule.err.order"}},
		{"day 4 without its fields", csv("5,4,2026-12-10,09:00,16:00,ศาลา,,,,"), false, map[int]string{2: "schedule.err.day4_fields"}},
		{"day 4 fields on day 2", csv("5,2,2026-12-10,09:00,16:00,ศาลา,ศูนย์,,,"), false, map[int]string{2: "schedule.err.extras_not_day4"}},
		{"past date refused", csv("5,1,2026-11-30,09:00,16:00,ศาลา,,,,"), false, map[int]string{2: "schedule.err.past"}},
		{"past date as a correction", csv("5,1,2026-11-30,09:00,16:00,ศาลา,,,,"), true, nil},
		{"end before start", csv("5,1,2026-12-07,16:00,09:00,ศาลา,,,,"), false, map[int]string{2: "schedule.err.end_before_start"}},
		{"bad date, unknown village, bad day", csv("5,1,31/2/2569,09:00,16:00,ศาลา,,,,", "9,1,2026-12-07,09:00,16:00,ศาลา,,,,", "5,6,2026-12-07,09:00,16:00,ศาลา,,,,"), false,
			map[int]string{2: "schedule.import.bad_date", 3: "schedule.import.no_village", 4: "schedule.import.bad_day"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, hhOpts)
			r.hhVillage(5, 20, "ทำน้ำพริก")
			var rep flows.ImportReport
			err := r.db.Update(func(tx flows.Tx) error {
				var err error
				rep, err = r.eng.ImportSchedule(tx, strings.NewReader(tt.file), now, "Uofficer", tt.allowPast)
				var ie *flows.ImportError
				if errors.As(err, &ie) {
					return err // roll back, as the CLI does
				}
				return err
			})
			var ie *flows.ImportError
			if tt.wantLines == nil {
				if err != nil {
					t.Fatalf("import failed: %v", err)
				}
				if rep.Added == 0 {
					t.Errorf("report %+v, want days added", rep)
				}
				return
			}
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an ImportError", err)
			}
			got := map[int]string{}
			for _, l := range ie.Lines {
				got[l.Line] = l.Problem.Key
			}
			for line, key := range tt.wantLines {
				if got[line] != key {
					t.Errorf("line %d: got %q, want %q (all: %v)", line, got[line], key, got)
				}
			}
			var s flows.Schedule
			_ = r.db.View(func(tx flows.Tx) error { s, err = flows.GetSchedule(tx, 5); return err })
			for _, d := range s {
				if d != nil {
					t.Errorf("day %d stored although the import failed", d.Day)
				}
			}
		})
	}
	_ = base
}

func TestMovingADayClearsAnswersAndOldCardsAreRecognised(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 1, day1)
	r.at(time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok))
	card := dayCard(t, r.say("Uh1", "ตารางของฉัน"))
	will := button(t, flows.Outcome{Replies: []flows.Reply{card}}, "attendance.btn.will")
	wantSaid(t, r.tap("Uh1", will), "attendance.done.will")

	// The officer moves day 2 (not day 1): day 1's answer stays.
	out := r.say("Uofficer", "ตั้งตาราง")
	out = r.tap("Uofficer", button(t, out, "household.village.label"))
	out = r.tap("Uofficer", button(t, out, "schedule.btn.set_day"))
	wantSaid(t, out, "conv.confirm.title") // prefilled: straight to the summary
	// Edit day 1's date to the 6th… which is allowed, and moves day 1.
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	out = r.tap("Uofficer", button(t, out, "attendance.label.date"))
	out = r.handle("Uofficer", flows.Input{Kind: flows.InputPostback, Data: button(t, out, "conv.btn.pick_date"), Params: map[string]string{"date": "2026-12-06"}})
	wantSaid(t, out, "conv.confirm.title")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.saved_moved", "schedule.text")
	if a := r.attendance(1, "H000001"); a.Intent != flows.IntentNone || len(a.PastIntents) != 1 {
		t.Errorf("after the move %+v, want the answer cleared and kept in history", a)
	}
	// The old card's button now says the day moved and shows the new card.
	out = r.tap("Uh1", will)
	wantSaid(t, out, "attendance.err.changed", "attendance.card.text")
	// Moving day 1 after day 2 is refused.
	out = r.tap("Uofficer", "a=sch.set&moo=5&day=1")
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	r.tap("Uofficer", button(t, out, "attendance.label.date"))
	out = r.say("Uofficer", "9/12/2569")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.err.order", "conv.confirm.title")
	// A villager cannot set the schedule.
	wantSaid(t, r.say("Uh1", "ตั้งตาราง"), "household.err.officers_only")
	_ = url.Values{}
}

// A day imported between stored days it does not fit is refused, even when
// the day it clashes with is not in the file.
func TestImportRefusesADayOutOfOrderWithStoredDays(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok)
	imp := func(csv string) error {
		return r.db.Update(func(tx flows.Tx) error {
			_, err := r.eng.ImportSchedule(tx, strings.NewReader("moo,day,date,start,end,place\n"+csv), now, "Uofficer", false)
			return err
		})
	}
	if err := imp("5,1,2026-12-07,09:00,16:00,ศาลา\n5,2,2026-12-08,09:00,16:00,ศาลา\n5,3,2026-12-09,09:00,16:00,ศาลา\n"); err != nil {
		t.Fatal(err)
	}
	err := imp("5,2,2026-12-20,09:00,16:00,ศาลา\n")
	var ie *flows.ImportError
	if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 2 || ie.Lines[0].Problem.Key != "schedule.err.order" {
		t.Fatalf("importing day 2 after day 3: %v, want line 2 out of order", err)
	}
}

// A household without LINE: its sage opens its card and answers for it.
func TestSageAnswersForAHouseholdWithoutLINE(t *testing.T) {
	r := programme(t, 1, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	r.update(func(tx flows.Tx) error {
		h, _, err := flows.GetHousehold(tx, "H000001")
		if err != nil {
			return err
		}
		h.UserID = ""
		return flows.PutHousehold(tx, h)
	})
	// The index by LINE id follows the record: Uh1 leads nowhere now.
	r.view(func(tx flows.Tx) error {
		if h, ok, err := tx.Households().ByUser("Uh1"); err != nil || ok {
			t.Errorf("Uh1 still leads to household %q (%v)", h.ID, err)
		}
		return nil
	})
	r.at(time.Date(2026, 12, 6, 18, 30, 0, 0, bangkok))
	out := r.tap("Ulead", "a=hh.card&id=H000001")
	card := dayCard(t, out)
	will := button(t, flows.Outcome{Replies: []flows.Reply{card}}, "attendance.btn.will")
	wantSaid(t, r.tap("Ulead", will), "attendance.done.will")
	if a := r.attendance(1, "H000001"); a.Intent != flows.IntentYes || a.IntentMark.By != "Ulead" {
		t.Errorf("record %+v, want will attend, recorded by the sage", a)
	}
	// Another village's sage cannot.
	wantSaid(t, r.tap("Ulead6", will), "attendance.err.not_yours")
}

// A date that passes while the day's form is open: confirming asks whether
// it is a correction, instead of refusing the same summary again and again.
func TestDateThatPassedWhileTheFormWasOpen(t *testing.T) {
	r := programme(t, 1, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	r.at(time.Date(2026, 12, 6, 23, 50, 0, 0, bangkok))
	out := r.tap("Uofficer", "a=sch.set&moo=5&day=1")
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	r.tap("Uofficer", button(t, out, "attendance.label.date"))
	out = r.say("Uofficer", "6/12/2569") // today: not in the past yet
	wantSaid(t, out, "conv.confirm.title")
	r.at(time.Date(2026, 12, 7, 0, 5, 0, 0, bangkok)) // past midnight
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.err.past", "schedule.q.past")
	out = r.tap("Uofficer", button(t, out, "schedule.past.yes"))
	wantSaid(t, out, "conv.confirm.title")
	wantSaid(t, r.tap("Uofficer", button(t, out, "conv.btn.confirm")), "schedule.saved_moved", "schedule.text")
}

func TestPastDateCanBeChosenAgain(t *testing.T) {
	r := programme(t, 1, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	r.at(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	out := r.tap("Uofficer", "a=sch.set&moo=5&day=1")
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	r.tap("Uofficer", button(t, out, "attendance.label.date"))
	out = r.say("Uofficer", "20/11/2569")
	wantSaid(t, out, "schedule.q.past")
	out = r.tap("Uofficer", button(t, out, "schedule.past.new_date"))
	wantSaid(t, out, "schedule.q.date")
	wantSaid(t, r.say("Uofficer", "8/12/2569"), "conv.confirm.title")
}

func TestDateWithoutYear(t *testing.T) {
	r := programme(t, 1, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	r.at(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	for typed, want := range map[string]string{"6 ธ.ค.": "2026-12-06", "6/12": "2026-12-06", "5 ม.ค.": "2027-01-05"} {
		out := r.tap("Uofficer", "a=sch.set&moo=5&day=1")
		out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
		r.tap("Uofficer", button(t, out, "attendance.label.date"))
		out = r.say("Uofficer", typed)
		wantSaid(t, out, "conv.confirm.title")
		if got := out.Replies[0].Fields[0].Value.Args["Date"]; fmt.Sprint(got) == "" {
			t.Errorf("%q: no date on the card", typed)
		}
		a, _ := get(r, flows.Tx.Conversations, "Uofficer")
		if a.Answers["date"] != want {
			t.Errorf("%q read as %q, want %q", typed, a.Answers["date"], want)
		}
		r.say("Uofficer", "ยกเลิก")
	}
}
