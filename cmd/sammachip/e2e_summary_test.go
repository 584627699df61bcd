package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// summaryWeek seeds two villages for 7–11 December 2026 (09.00–16.00),
// each with a lead sage, an officer and the officers' group:
//   - หมู่ 1: 20 households, 1–5 on LINE, 6–20 without (enrolled by the
//     sage; 20 without a phone);
//   - หมู่ 2: 20 households, none on LINE.
//
// It returns each หมู่'s village id.
func summaryWeek(t *testing.T, h *Harness) map[int]int {
	t.Helper()
	vids := map[int]int{}
	err := h.DB().Update(func(tx flows.Tx) error {
		if err := tx.Users().Put("Uofficer", flows.User{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี"}); err != nil {
			return err
		}
		if err := tx.Groups().Put("Cofficers", flows.Group{ID: "Cofficers", Bound: true, BoundBy: "Uofficer"}); err != nil {
			return err
		}
		for moo := 1; moo <= 2; moo++ {
			lead := fmt.Sprintf("Ulead%02d", moo)
			v := flows.Village{Moo: moo, Name: fmt.Sprintf("บ้านทดสอบ%d", moo), Tambon: "ทดสอบ", Occupation: "ทำน้ำพริก", Capacity: 20, LeadSageID: lead, Created: h.Now()}
			if err := flows.PutVillage(tx, &v); err != nil {
				return err
			}
			vids[moo] = v.ID
			if err := tx.Users().Put(lead, flows.User{ID: lead, Active: true}); err != nil {
				return err
			}
			s := flows.Sage{ID: uint64(moo), UserID: lead, Name: "ปราชญ์ " + lead, Moo: moo, Tambon: "ทดสอบ", TeamVillage: v.ID, Status: flows.SageApproved}
			if err := tx.Sages().Put(lead, s); err != nil {
				return err
			}
			for i := 1; i <= 20; i++ {
				hh := flows.Household{ID: fmt.Sprintf("H%02d%02d", moo, i), Village: v.ID, HouseNo: fmt.Sprintf("%d/%d", 10+i, moo),
					HeadName: fmt.Sprintf("หัวหน้า%dก%d", moo, i), Members: 3, Income: int64(1000 * i), IncomeKnown: true, Interested: true,
					Status: flows.StatusSelected, DedupeKey: fmt.Sprintf("H%02d%02d", moo, i), EnrolledBy: lead}
				if i < 20 {
					hh.Phone = fmt.Sprintf("08987654%02d", i)
				}
				if moo == 1 && i <= 5 {
					hh.UserID = householdUser(moo, i)
					if err := tx.Users().Put(hh.UserID, flows.User{ID: hh.UserID, Active: true}); err != nil {
						return err
					}
				}
				if err := flows.PutHousehold(tx, hh); err != nil {
					return err
				}
			}
			for day := 1; day <= flows.Days; day++ {
				d := flows.ProgrammeDay{Village: v.ID, Day: day, Date: fmt.Sprintf("2026-12-%02d", 6+day), Start: "09:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 1}
				if day == flows.StudyVisit {
					d.Destination, d.MeetingPoint, d.Departure = "ศูนย์เรียนรู้", "หน้าวัด", "07:30"
				}
				if err := tx.Days().Put(flows.DayRef{Village: v.ID, Day: day}, d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return vids
}

// tickAt sets the clock and runs one scheduler tick, sending what is due;
// it returns the number of requests LINE had before.
func (h *Harness) tickAt(t *testing.T, at time.Time) int {
	t.Helper()
	from := len(h.Fake.Requests())
	h.Clock.Set(at)
	if _, err := h.Main.Scheduler().Tick(context.Background()); err != nil {
		t.Fatalf("tick at %s: %v", at, err)
	}
	h.Step()
	return from
}

// raw joins the messages a chat received, as LINE got them.
func raw(r Received) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.Write(m)
	}
	return b.String()
}

// The sages' brief names the households without LINE (📵) with house
// number and phone; a village whose day passed with no roll call and no
// taps is flagged in that evening's summary to the officers' group; on
// day 5 the summary counts practice.
func TestSummaryTellsTheTruthEndToEnd(t *testing.T) {
	h := NewHarness(t)
	h.Fake.SetGroupMembers("Cofficers", 4)
	vids := summaryWeek(t, h)
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok) }

	// The evening before day 1: the brief.
	from := h.tickAt(t, at(6, 18, 0))
	brief := h.Received("Ulead01", from)
	if len(brief.Messages) != 1 || brief.Kinds[0] == "reply" {
		t.Fatalf("lead sage of หมู่ 1 got %s, want the brief pushed", brief)
	}
	b := raw(brief)
	for _, want := range []string{
		h.Text("reminder.brief.offline", "N", 15),
		h.Text("reminder.brief.house", "No", "16/1"),
		h.Text("reminder.brief.offline_row_phone", "Name", "หัวหน้า1ก6", "Phone", "089-876-5406"),
		`"หัวหน้า1ก20"`, // no phone: the name alone
		h.Text("reminder.brief.none", "N", 5),
	} {
		if !strings.Contains(b, want) {
			t.Errorf("the brief lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(b, h.Text("reminder.brief.none", "N", 20)) {
		t.Errorf("the brief counts households without LINE as not answering")
	}

	// Day 1: three heads of หมู่ 1 tap มาแล้ว; หมู่ 2 has nobody marked.
	h.Clock.Set(at(7, 9, 5))
	for i := 1; i <= 3; i++ {
		h.User(householdUser(1, i)).Tap(fmt.Sprintf("a=att.here&vil=%d&day=1&rev=1&h=", vids[1]))
	}
	from = h.tickAt(t, at(7, 18, 30))
	sum := raw(h.Received("Cofficers", from))
	if sum == "" {
		t.Fatal("no summary pushed to the officers' group at 18.30")
	}
	flag := func(moo, day int) string {
		return h.Text("summary.flag.rollcall", "Village", h.Text("summary.village", "Moo", moo, "Name", fmt.Sprintf("บ้านทดสอบ%d", moo)), "Day", day)
	}
	if !strings.Contains(sum, flag(2, 1)) {
		t.Errorf("the summary does not flag หมู่ 2's day 1 (%q):\n%s", flag(2, 1), sum)
	}
	if strings.Contains(sum, flag(1, 1)) {
		t.Errorf("the summary flags หมู่ 1, whose heads tapped")
	}
	for _, want := range []string{
		h.Text("summary.today.value", "Present", 3, "Absent", 0, "Unknown", 17, "Total", 20),
		h.Text("summary.noline", "N", 15),
		h.Text("summary.noline", "N", 20),
		h.Text("summary.rollcall.none"),
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}

	// Day 5: two heads report practice; the summary counts it.
	h.Clock.Set(at(11, 10, 0))
	for i := 1; i <= 2; i++ {
		h.User(householdUser(1, i)).Tap(fmt.Sprintf("a=att.done&vil=%d&day=5&rev=1&h=", vids[1]))
	}
	from = h.tickAt(t, at(11, 18, 30))
	sum = raw(h.Received("Cofficers", from))
	if want := h.Text("summary.today.practised", "Practised", 2, "None", 18, "Total", 20); !strings.Contains(sum, want) {
		t.Errorf("day 5's summary lacks %q:\n%s", want, sum)
	}
	if strings.Contains(sum, h.Text("summary.today.value", "Present", 0, "Absent", 0, "Unknown", 20, "Total", 20)) {
		t.Errorf("day 5's summary counts presence")
	}
	// Days 2–4 had no summary (the bot did not tick): this evening's
	// summary flags them for หมู่ 2, and day 5 of หมู่ 2 too.
	for day := 2; day <= 4; day++ {
		if !strings.Contains(sum, flag(2, day)) {
			t.Errorf("day 5's summary does not flag หมู่ 2's missed day %d", day)
		}
	}
	if want := h.Text("summary.flag.home", "Village", h.Text("summary.village", "Moo", 2, "Name", "บ้านทดสอบ2"), "Day", 5); !strings.Contains(sum, want) {
		t.Errorf("day 5's summary lacks %q", want)
	}
}
