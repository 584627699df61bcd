package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// The day's rules through the signed webhook: when "I am here" is taken,
// whose mark counts, day 5's practice, a roll call that answers in one
// line, the study visit's headcount in people, and old cards.

func arDay(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok)
}

// arCounts reads a village's totals of day.
func arCounts(t *testing.T, h *Harness, vid, day int) flows.DayCounts {
	t.Helper()
	var m flows.Matrix
	if err := h.DB().View(func(tx flows.Tx) error {
		var err error
		m, err = flows.AttendanceMatrix(tx, vid)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return m.Counts(day)
}

// arRecord reads one household's record of day.
func arRecord(t *testing.T, h *Harness, vid, day int, hh string) flows.Attendance {
	t.Helper()
	a, _ := stored(h, flows.Tx.Attendance, flows.AttendanceRef{Village: vid, Day: day, Household: hh})
	return a
}

// oneText fails unless got is exactly one text message (no card).
func oneText(t *testing.T, what string, got Received) string {
	t.Helper()
	if len(got.Messages) != 1 {
		t.Fatalf("%s: %d messages %s, want one text", what, len(got.Messages), got)
	}
	var m struct{ Type string }
	_ = json.Unmarshal(got.Messages[0], &m)
	if m.Type != "text" {
		t.Fatalf("%s: a %s message, want a text", what, m.Type)
	}
	return got.Texts[0]
}

// nthButton is the data of the i-th button labelled label.
func nthButton(t *testing.T, got Received, label string, i int) string {
	t.Helper()
	n := 0
	for _, b := range got.Buttons {
		if b.Label == label {
			if n == i {
				return b.Data
			}
			n++
		}
	}
	t.Fatalf("no button %q number %d in %q", label, i, got.Labels())
	return ""
}

func TestAttendanceDayRulesEndToEnd(t *testing.T) {
	h := NewHarness(t)
	vids := district(t, h)
	vid := vids[1]
	here := func(hh string, day int) string {
		return flows.Postback{Action: "att.here", Village: vid, Day: day, Rev: 1, Household: hh}.Encode()
	}

	// 05:30 for a 09.00 day: refused, saying when it opens.
	h.Clock.Set(arDay(7, 5, 30))
	got := h.User(householdUser(1, 1)).Tap(here("H0101", 1))
	if !got.Contains("เช็คชื่อได้ตั้งแต่ 08.00 น.") {
		t.Errorf("tap at 05:30 got %s, want it opens at 08.00 น.", got)
	}
	if a := arRecord(t, h, vid, 1, "H0101"); a.Presence != flows.PresenceUnknown {
		t.Errorf("the 05:30 tap recorded %q", a.Presence)
	}
	h.Clock.Set(arDay(7, 8, 30))
	if got := h.User(householdUser(1, 2)).Tap(here("H0102", 1)); !got.Contains(h.Text("attendance.done.here", "Name", "หัวหน้า")) {
		t.Errorf("tap at 08:30 got %s", got)
	}

	// The roll call: one card; "all present" and each exception answer in
	// one short text, never the card again.
	h.Clock.Set(arDay(7, 9, 30))
	lead := h.User("Ulead01")
	card := lead.Say("เช็คชื่อ")
	if len(card.Messages) != 1 {
		t.Fatalf("roll call came in %d messages, want one card", len(card.Messages))
	}
	toggle := h.Text("attendance.btn.toggle")
	row3 := nthButton(t, card, toggle, 2)
	lead.Last = card
	all := oneText(t, "all present", lead.TapLabel(h.Text("attendance.btn.all_present")))
	if !strings.Contains(all, "20/20") {
		t.Errorf("all present says %q, want 20/20", all)
	}
	if ex := oneText(t, "an exception", lead.Tap(row3)); !strings.Contains(ex, "✗") || !strings.Contains(ex, "19/20") {
		t.Errorf("exception says %q, want ✗ and 19/20", ex)
	}
	if a := arRecord(t, h, vid, 1, "H0103"); a.Presence != flows.PresenceAbsent || a.PresenceMark.Source != flows.SourceRollCall {
		t.Errorf("household 3 %+v, want absent by the roll call", a.PresenceMark)
	}

	// The officer marks household 1 absent from the roll-call card: the
	// household, the value, the reason, confirm.
	h.Clock.Set(arDay(7, 10, 0))
	officer := h.User("Uofficer")
	officer.Tap(flows.Postback{Action: "rc", Village: vid, Day: 1}.Encode())
	officer.Tap(nthButton(t, officer.Last, h.Text("attendance.btn.fix"), 0))
	officer.TapLabel(h.Text("attendance.fix.choice.presence.absent"))
	officer.Say("ไม่ได้มา ปราชญ์ยืนยัน")
	if got := officer.TapLabel(h.Text("conv.btn.confirm")); !got.Contains(h.Text("attendance.fix.saved", "Name", "หัวหน้า "+householdUser(1, 1), "Day", 1)) {
		t.Fatalf("the correction got %s", got)
	}
	// The household taps "I am here" later: told what is recorded, nothing
	// changes, and the officer sees the clash.
	h.Clock.Set(arDay(7, 15, 0))
	held := oneText(t, "a tap after the officer's mark", h.User(householdUser(1, 1)).Tap(here("H0101", 1)))
	if want := strings.SplitN(h.Text("attendance.held.officer", "State", "|", "Date", "", "Time", ""), "|", 2)[0]; !strings.HasPrefix(held, want) || strings.Contains(held, "ยินดีต้อนรับ") {
		t.Errorf("the household was told %q, want %q…", held, want)
	}
	a := arRecord(t, h, vid, 1, "H0101")
	if a.Presence != flows.PresenceAbsent || a.PresenceMark.Source != flows.SourceOfficer || len(a.Conflicts) != 1 {
		t.Errorf("after the household's tap: %s by %s, %d conflicts; want absent by the officer, 1 conflict", a.Presence, a.PresenceMark.Source, len(a.Conflicts))
	}
	officer.Tap(flows.Postback{Action: "rc", Village: vid, Day: 1}.Encode())
	if view := officer.Tap(nthButton(t, officer.Last, h.Text("attendance.btn.fix"), 0)); !view.Contains("⚠️") || !view.Contains(h.Text("attendance.source.household")) {
		t.Errorf("the officer's correction view %s does not show the household's tap", view)
	}

	// 20:30 after a 16.00 end: refused.
	h.Clock.Set(arDay(7, 20, 30))
	if got := h.User(householdUser(1, 4)).Tap(here("H0104", 1)); !got.Contains(strings.SplitN(h.Text("attendance.err.day_ended", "Date", "|", "Time", ""), "(", 2)[0]) {
		t.Errorf("tap at 20:30 got %s, want the day ended", got)
	}
	if a := arRecord(t, h, vid, 1, "H0104"); a.Presence != flows.PresenceHere || a.PresenceMark.Source != flows.SourceRollCall {
		t.Errorf("household 4 %+v, want the roll call's mark untouched", a.PresenceMark)
	}

	// The study visit's headcount, in people.
	h.Clock.Set(arDay(8, 18, 0))
	u5 := h.User(householdUser(1, 5))
	ask := u5.Tap(flows.Postback{Action: "att.i", Village: vid, Day: 4, Rev: 1, Household: "H0105", Value: "yes"}.Encode())
	if !ask.Contains(h.Text("attendance.seats.ask")) {
		t.Fatalf("ไปด้วย got %s, want how many people", ask)
	}
	if got := u5.TapLabel(h.Text("attendance.seats.btn", "N", 3)); !got.Contains("3 คน") {
		t.Errorf("3 people got %s", got)
	}
	if a := arRecord(t, h, vid, 4, "H0105"); a.Intent != flows.IntentYes || a.Seats != 3 {
		t.Errorf("headcount recorded %s with %d seats, want going with 3", a.Intent, a.Seats)
	}
	if c := arCounts(t, h, vid, 4); c.Seats != 3 {
		t.Errorf("day 4 needs %d seats, want 3", c.Seats)
	}

	// Day 5: every "I am here" path records practice.
	h.Clock.Set(arDay(11, 10, 0))
	if got := h.User(householdUser(1, 6)).Tap(here("H0106", 5)); !got.Contains(h.Text("attendance.done.practised")) || got.Contains("ยินดีต้อนรับ") {
		t.Errorf("day 5 here got %s, want practice recorded", got)
	}
	if got := h.User(householdUser(1, 7)).Say("มาแล้ว"); !got.Contains(h.Text("attendance.done.practised")) {
		t.Errorf("day 5 typed มาแล้ว got %s", got)
	}
	if got := h.User(householdUser(1, 8)).Tap(flows.ItemHere.Data()); !got.Contains(h.Text("attendance.done.practised")) {
		t.Errorf("day 5 rich menu got %s", got)
	}
	if c := arCounts(t, h, vid, 5); c.Practised != 3 || c.Present != 0 || c.NotChecked != 17 {
		t.Errorf("day 5 counts %+v, want 3 practised, 17 not checked", c)
	}
}

// A card from before a change of time only answers with the day as it is
// now, without "moved to" the same date, and the current card.
func TestOldCardAfterATimeOnlyChangeEndToEnd(t *testing.T) {
	h := NewHarness(t)
	vid := district(t, h)[2]
	h.Clock.Set(arDay(5, 18, 0))
	if err := h.DB().Update(func(tx flows.Tx) error {
		return tx.Days().Put(flows.DayRef{Village: vid, Day: 1}, flows.ProgrammeDay{Village: vid, Day: 1, Date: "2026-12-07",
			Start: "13:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 2})
	}); err != nil {
		t.Fatal(err)
	}
	u := h.User(householdUser(2, 1))
	got := u.Tap(fmt.Sprintf("a=att.i&vil=%d&day=1&rev=1&hh=H0201&v=yes", vid))
	if !got.Contains("13.00 น.") || !got.Contains("วันจันทร์ที่ 7 ธันวาคม 2569") || got.Contains("เลื่อนไป") {
		t.Errorf("the old card got %s, want the day as it is now", got)
	}
	if got := u.TapLabel(h.Text("attendance.btn.will")); !got.Contains(strings.SplitN(h.Text("attendance.done.will", "Day", "|"), "|", 2)[0]) {
		t.Errorf("the current card's button got %s", got)
	}
}

// SAMMACHIP_CHECKIN_EARLY_MINUTES moves when "I am here" opens.
func TestCheckInEarlyMinutesSetting(t *testing.T) {
	for v, want := range map[string]time.Duration{"": time.Hour, "30": 30 * time.Minute, "๐": 0} {
		cfg, err := LoadConfig(func(k string) string {
			if k == "SAMMACHIP_CHECKIN_EARLY_MINUTES" {
				return v
			}
			return ""
		})
		if err != nil || cfg.CheckInEarly == nil || *cfg.CheckInEarly != want {
			t.Errorf("SAMMACHIP_CHECKIN_EARLY_MINUTES=%q: %v, %v; want %v", v, cfg.CheckInEarly, err, want)
		}
	}
	for _, bad := range []string{"-5", "300", "an hour"} {
		_, err := LoadConfig(func(k string) string {
			if k == "SAMMACHIP_CHECKIN_EARLY_MINUTES" {
				return bad
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "SAMMACHIP_CHECKIN_EARLY_MINUTES") {
			t.Errorf("SAMMACHIP_CHECKIN_EARLY_MINUTES=%q accepted (%v)", bad, err)
		}
	}

	h := NewHarness(t, WithEnv("SAMMACHIP_CHECKIN_EARLY_MINUTES", "30"))
	vid := district(t, h)[3]
	tap := flows.Postback{Action: "att.here", Village: vid, Day: 1, Rev: 1, Household: "H0301"}.Encode()
	h.Clock.Set(arDay(7, 8, 15))
	if got := h.User(householdUser(3, 1)).Tap(tap); !got.Contains("เช็คชื่อได้ตั้งแต่ 08.30 น.") {
		t.Errorf("tap at 08:15 got %s, want it opens at 08.30 น.", got)
	}
	h.Clock.Set(arDay(7, 8, 30))
	if got := h.User(householdUser(3, 1)).Tap(tap); !got.Contains(h.Text("attendance.done.here", "Name", "หัวหน้า")) {
		t.Errorf("tap at 08:30 got %s", got)
	}
}
