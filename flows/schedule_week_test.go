package flows_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// pickDate answers the date question with LINE's date picker.
func (r *rig) pickDate(user string, out flows.Outcome, date string) flows.Outcome {
	r.t.Helper()
	return r.handle(user, flows.Input{Kind: flows.InputPostback, Data: button(r.t, out, "conv.btn.pick_date"), Params: map[string]string{"date": date}})
}

func (r *rig) schedule(vid int) flows.Schedule {
	r.t.Helper()
	var s flows.Schedule
	r.view(func(tx flows.Tx) error {
		var err error
		s, err = flows.GetSchedule(tx, vid)
		return err
	})
	return s
}

// A week from chat: day 1 in full, then each next day on the next weekday
// at day 1's time and place with one tap and a confirm; day 4 asks where
// the visit goes once, and that is its place.
func TestSettingAWeekTakesFewSteps(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	inputs := 0
	say := func(text string) flows.Outcome { inputs++; return r.say("Uofficer", text) }
	tap := func(data string) flows.Outcome { inputs++; return r.tap("Uofficer", data) }

	out := say("ตั้งตาราง")
	out = tap(button(t, out, "household.village.label"))
	out = tap(button(t, out, "schedule.btn.set_day")) // day 1
	if hasButton(out, "schedule.btn.next_weekday") {
		t.Error("day 1 offers the next weekday, with no day before it")
	}
	inputs++
	out = r.pickDate("Uofficer", out, "2026-12-04") // a Friday
	wantSaid(t, out, "schedule.q.start")
	say("9.00")
	say("16.00")
	out = say("ศาลาประชาคม")
	wantSaid(t, out, "conv.confirm.title")
	out = tap(button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.saved", "schedule.text")

	for day := 2; day <= flows.Days; day++ {
		out = tap(buttonKey(t, out, "schedule.btn.chain", day))
		if day == flows.StudyVisit {
			wantSaid(t, out, "schedule.q.destination")
			say("ศูนย์เรียนรู้บ้านนา")
			say("วัดบ้านนา")
			say("07.30")
			out = say("หมวก น้ำดื่ม")
		}
		wantSaid(t, out, "conv.confirm.title")
		out = tap(button(t, out, "conv.btn.confirm"))
		wantSaid(t, out, "schedule.saved", "schedule.text")
	}
	if hasButton(out, "schedule.btn.chain") {
		t.Error("after day 5 a next day is offered")
	}
	if inputs > 20 {
		t.Errorf("a week took %d inputs, want at most 20", inputs)
	}
	// Friday, then the next weekdays: Monday to Thursday.
	want := []string{"2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"}
	for i, d := range r.schedule(5) {
		if d == nil {
			t.Fatalf("day %d not set", i+1)
		}
		if d.Date != want[i] || d.Start != "09:00" || d.End != "16:00" {
			t.Errorf("day %d on %s %s–%s, want %s 09:00–16:00", i+1, d.Date, d.Start, d.End, want[i])
		}
		wantPlace := "ศาลาประชาคม"
		if i+1 == flows.StudyVisit {
			wantPlace = "ศูนย์เรียนรู้บ้านนา"
		}
		if d.Place != wantPlace {
			t.Errorf("day %d at %q, want %q", i+1, d.Place, wantPlace)
		}
	}
}

// The day's own form offers the same two shortcuts as buttons ("วันถัดไป"
// beside the calendar, "เหมือนวันที่ 1" beside the start time), and their
// labels (and the long form) work typed.
func TestSetDayOffersNextWeekdayAndDay1(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.putDay(flows.ProgrammeDay{Village: 5, Day: 1, Date: "2026-12-07", Start: "09:00", End: "15:00", Place: "ศาลา"})
	r.putDay(flows.ProgrammeDay{Village: 5, Day: 2, Date: "2026-12-08", Start: "10:00", End: "15:00", Place: "วัด"})

	set := func(day int) flows.Outcome {
		out := r.say("Uofficer", "ตั้งตาราง")
		out = r.tap("Uofficer", button(t, out, "household.village.label"))
		return r.tap("Uofficer", buttonKey(t, out, "schedule.btn.set_day", day))
	}
	out := set(3)
	wantSaid(t, out, "schedule.q.date_next")
	out = r.tap("Uofficer", button(t, out, "schedule.btn.next_weekday"))
	wantSaid(t, out, "schedule.q.start_same")
	out = r.tap("Uofficer", button(t, out, "schedule.same.yes"))
	wantSaid(t, out, "conv.confirm.title")
	r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	if d := r.schedule(5)[2]; d == nil || d.Date != "2026-12-09" || d.Start != "09:00" || d.Place != "ศาลา" {
		t.Fatalf("day 3 = %+v, want 9 Dec at day 1's 09:00 in ศาลา", d)
	}

	out = set(4)
	wantSaid(t, out, "schedule.q.date_next")
	out = r.say("Uofficer", "วันถัดไปค่ะ")
	wantSaid(t, out, "schedule.q.start_same_time")
	r.say("Uofficer", "8.00")
	r.say("Uofficer", "17.00")
	out = r.say("Uofficer", "สวนเกษตรลุงดำ")
	wantSaid(t, out, "schedule.q.meeting")
	r.say("Uofficer", "ศาลา")
	r.say("Uofficer", "7.00")
	out = r.say("Uofficer", "หมวก")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.saved", "schedule.text")
	if d := r.schedule(5)[3]; d == nil || d.Date != "2026-12-10" || d.Start != "08:00" || d.Place != "สวนเกษตรลุงดำ" {
		t.Fatalf("day 4 = %+v, want 10 Dec at 08:00, its place the destination", d)
	}

	out = set(5)
	out = r.pickDate("Uofficer", out, "2026-12-14")
	wantSaid(t, out, "schedule.q.start_same")
	out = r.say("Uofficer", "เวลาและสถานที่เหมือนวันที่ 1 ค่ะ")
	wantSaid(t, out, "conv.confirm.title")
	r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	if d := r.schedule(5)[4]; d == nil || d.Date != "2026-12-14" || d.End != "15:00" || d.Place != "ศาลา" {
		t.Fatalf("day 5 = %+v, want 14 Dec at day 1's time and place", d)
	}
	// An existing day opens at its summary, as set.
	out = set(2)
	wantSaid(t, out, "conv.confirm.title")
	if f := fieldsOf(out.Replies[0]); f["เริ่ม"] != "10.00 น." {
		t.Errorf("day 2's summary rows %q, want its own start", f)
	}
}

// A schedule file may leave day 4's place empty: it is the destination.
func TestImportStudyVisitPlaceDefaultsToDestination(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	file := "moo,day,date,start,end,place,destination,meeting_point,departure,bring\n" +
		"5,4,2026-12-10,09:00,16:00,,ศูนย์เรียนรู้บ้านนา,วัด,07:30,หมวก\n" +
		"5,5,2026-12-11,09:00,16:00,,,,,\n"
	var rep flows.ImportReport
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		rep, err = r.eng.ImportSchedule(tx, strings.NewReader(file), r.now, "Uofficer", false)
		return err
	})
	var ie *flows.ImportError
	if !errors.As(err, &ie) || len(ie.Lines) != 1 || ie.Lines[0].Line != 3 || ie.Lines[0].Problem.Key != "schedule.err.place" {
		t.Fatalf("import: %v (%+v), want only day 5's empty place refused", err, rep)
	}
	file = strings.Join(strings.Split(file, "\n")[:2], "\n")
	if err := r.db.Update(func(tx flows.Tx) error {
		_, err := r.eng.ImportSchedule(tx, strings.NewReader(file), r.now, "Uofficer", false)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if d := r.schedule(5)[3]; d == nil || d.Place != "ศูนย์เรียนรู้บ้านนา" {
		t.Errorf("day 4 = %+v, want its place the destination", d)
	}
}

// Times typed as Thai speakers say them; a bare hour said both ways is
// asked back with the two as buttons, not guessed and not refused.
func TestSetDayReadsSpokenTimes(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	out := r.say("Uofficer", "ตั้งตาราง")
	out = r.tap("Uofficer", button(t, out, "household.village.label"))
	out = r.tap("Uofficer", buttonKey(t, out, "schedule.btn.set_day", 1))
	r.pickDate("Uofficer", out, "2026-12-07")
	out = r.say("Uofficer", "2 โมง")
	wantSaid(t, out, "schedule.q.which_time")
	if got := userSees(out); !strings.Contains(got, "(08.00 น.)") || !strings.Contains(got, "(14.00 น.)") {
		t.Errorf("asked back:\n%s\nwant 08.00 น. and 14.00 น. as buttons", got)
	}
	out = r.tap("Uofficer", thButton(t, out, "08.00 น."))
	wantSaid(t, out, "schedule.q.end")
	out = r.say("Uofficer", "บ่ายสามโมงครึ่ง")
	wantSaid(t, out, "schedule.q.place")
	out = r.say("Uofficer", "ศาลา")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.saved", "schedule.text")
	if d := r.schedule(5)[0]; d == nil || d.Start != "08:00" || d.End != "15:30" {
		t.Fatalf("day 1 = %+v, want 08:00–15:30", d)
	}
	// Editing: "9 โมง" is nine in the morning.
	out = r.say("Uofficer", "ตั้งตาราง")
	out = r.tap("Uofficer", button(t, out, "household.village.label"))
	out = r.tap("Uofficer", buttonKey(t, out, "schedule.btn.set_day", 1))
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	wantSaid(t, r.tap("Uofficer", button(t, out, "schedule.label.start")), "schedule.q.start")
	out = r.say("Uofficer", "9 โมง")
	wantSaid(t, out, "conv.confirm.title")
	r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	if d := r.schedule(5)[0]; d == nil || d.Start != "09:00" {
		t.Fatalf("day 1 = %+v, want it to start at 09:00", d)
	}
}

// Day 1 in full, then days 2–5 in one go: only the study visit's own
// facts are asked; the week takes about 12 inputs (issue 14).
func TestSettingTheRestOfTheWeekInOneGo(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	inputs := 0
	say := func(text string) flows.Outcome { inputs++; return r.say("Uofficer", text) }
	tap := func(data string) flows.Outcome { inputs++; return r.tap("Uofficer", data) }

	out := say("ตั้งตาราง")
	out = tap(button(t, out, "household.village.label"))
	out = tap(button(t, out, "schedule.btn.set_day")) // day 1
	inputs++
	wantSaid(t, r.pickDate("Uofficer", out, "2026-12-04"), "schedule.q.start") // a Friday
	say("9.00")
	say("16.00")
	out = say("ศาลาประชาคม")
	out = tap(button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.saved", "schedule.text")

	out = say("วันที่ 2-5 ต่อกันเลยค่ะ") // the chip's label, typed with a plain hyphen
	wantSaid(t, out, "schedule.q.destination")
	say("ศูนย์เรียนรู้บ้านนา")
	out = say("หมวก น้ำดื่ม")
	wantSaid(t, out, "conv.confirm.title")
	if got := renderCards(out.Replies); !strings.Contains(got, "จ. 7 ธ.ค.") || !strings.Contains(got, "พฤ. 10 ธ.ค.") {
		t.Errorf("the confirm card does not show the four days' dates:\n%s", got)
	}
	out = tap(button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.rest.saved", "schedule.text")
	if inputs > 12 {
		t.Errorf("a week took %d inputs, want about 12", inputs)
	}
	want := []string{"2026-12-04", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"}
	s := r.schedule(5)
	for i, d := range s {
		if d == nil {
			t.Fatalf("day %d not set", i+1)
		}
		if d.Date != want[i] || d.Start != "09:00" || d.End != "16:00" {
			t.Errorf("day %d on %s %s–%s, want %s 09:00–16:00", i+1, d.Date, d.Start, d.End, want[i])
		}
	}
	if v := s[flows.StudyVisit-1]; v.Place != "ศูนย์เรียนรู้บ้านนา" || v.MeetingPoint != "ศาลาประชาคม" || v.Departure != "09:00" || v.Bring != "หมวก น้ำดื่ม" {
		t.Errorf("study visit %+v: want its destination as place, meeting at day 1's place at its start", v)
	}
	// With the week set, the chip is no longer offered.
	out = say("ตั้งตาราง")
	out = tap(button(t, out, "household.village.label"))
	if hasButton(out, "schedule.btn.rest") {
		t.Error("days 2–5 offered again once set")
	}
}

// Days 2–5 in one go store nothing when one of them cannot be set (here:
// day 2 set by someone else meanwhile).
func TestTheRestOfTheWeekIsAllOrNothing(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.putDay(flows.ProgrammeDay{Village: 5, Day: 1, Date: "2026-12-07", Start: "09:00", End: "15:00", Place: "ศาลา"})
	out := r.tap("Uofficer", flows.Postback{Action: "sch.rest", Village: 5}.Encode())
	wantSaid(t, out, "schedule.q.destination")
	r.say("Uofficer", "สวนลุงดำ")
	out = r.say("Uofficer", "หมวก")
	r.putDay(flows.ProgrammeDay{Village: 5, Day: 2, Date: "2026-12-09", Start: "09:00", End: "15:00", Place: "วัด"})
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.rest.changed", "schedule.text")
	s := r.schedule(5)
	if s[1].Date != "2026-12-09" || s[2] != nil || s[3] != nil || s[4] != nil {
		t.Errorf("after a refused week: %+v %+v %+v %+v", s[1], s[2], s[3], s[4])
	}
}
