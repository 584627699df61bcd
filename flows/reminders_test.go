package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

func (r *rig) due(at time.Time) []flows.Reminder {
	r.t.Helper()
	var out []flows.Reminder
	if err := r.db.View(func(tx flows.Tx) error {
		var err error
		out, err = r.eng.Due(tx, at)
		return err
	}); err != nil {
		r.t.Fatal(err)
	}
	return out
}

// record marks reminders as sent (or skipped), as the edge does.
func (r *rig) record(rs []flows.Reminder, at time.Time) {
	r.t.Helper()
	if err := r.db.Update(func(tx flows.Tx) error {
		for _, rem := range rs {
			status := flows.LedgerSent
			if rem.Skip {
				status = flows.LedgerSkipped
			}
			if err := flows.RecordReminder(tx, rem, status, nil, rem.Recipients(), at); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
}

// kinds lists reminders as kind(skip)/day, leaving out the daily summary
// unless it is the only interest of the test (see allKinds).
func kinds(rs []flows.Reminder) []string {
	var out []string
	for _, k := range allKinds(rs) {
		if k != flows.RemindSummary {
			out = append(out, k)
		}
	}
	return out
}

func allKinds(rs []flows.Reminder) []string {
	var out []string
	for _, r := range rs {
		s := r.Kind
		if r.Skip {
			s += "(skip)"
		}
		if r.Day > 0 {
			s += "/" + string(rune('0'+r.Day))
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestEveningReminderDueOnceAt1800(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 3, day1)
	if got := r.due(time.Date(2026, 12, 6, 17, 59, 0, 0, bangkok)); len(got) != 0 {
		t.Fatalf("due at 17:59: %v", kinds(got))
	}
	at := time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)
	got := r.due(at)
	if k := kinds(got); !slices.Equal(k, []string{"evening/1"}) {
		t.Fatalf("due at 18:00: %v, want the evening reminder of day 1", k)
	}
	rem := got[0]
	var households, sages []string
	for _, s := range rem.Sends {
		if s.Replies[0].Title != nil && s.Replies[0].Title.Key == "reminder.brief.title" {
			sages = append(sages, s.To...)
		} else {
			households = append(households, s.To...)
		}
	}
	if !slices.Equal(households, []string{"Uh1", "Uh2", "Uh3"}) || !slices.Equal(sages, []string{"Ulead"}) {
		t.Errorf("households %v, sages %v", households, sages)
	}
	r.record(got, at)
	if again := r.due(at.Add(time.Minute)); len(again) != 0 {
		t.Errorf("due again after recording: %v", kinds(again))
	}
}

func TestQuietHoursAndCatchUp(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 1, day1)
	// The bot was down from 17:00 to 19:30: the evening reminder is late,
	// but day 1 has not started, so it goes out.
	if k := kinds(r.due(time.Date(2026, 12, 6, 19, 30, 0, 0, bangkok))); !slices.Equal(k, []string{"evening/1"}) {
		t.Errorf("after downtime: %v, want the late evening reminder", k)
	}
	// In quiet hours nothing is due, even what is overdue.
	if k := kinds(r.due(time.Date(2026, 12, 6, 21, 0, 0, 0, bangkok))); len(k) != 0 {
		t.Errorf("at 21:00: %v, want nothing (quiet hours)", k)
	}
	if k := kinds(r.due(time.Date(2026, 12, 7, 6, 59, 0, 0, bangkok))); len(k) != 0 {
		t.Errorf("at 06:59: %v, want nothing (quiet hours)", k)
	}
	// A reminder that waited for the morning goes out, if it still says
	// the truth: a headcount due at 22:00 (quiet) goes at 07:00 next day.
	late := flows.NewEngine(flows.Config{Location: bangkok, Reminders: flows.ReminderConfig{Headcount: "22:00"}})
	var hc []flows.Reminder
	if err := r.db.Update(func(tx flows.Tx) error {
		if err := late.Replan(tx, r.now); err != nil {
			return err
		}
		var err error
		hc, err = late.Due(tx, time.Date(2026, 12, 9, 7, 0, 0, 0, bangkok))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if k := kinds(hc); !slices.Contains(k, "headcount/4") {
		t.Errorf("at 07:00 after a 22:00 headcount: %v, want the headcount", k)
	}
	r.replan()
	// On the day itself the evening card ("tomorrow…") would be wrong:
	// from midnight it is skipped, and counted.
	got := r.due(time.Date(2026, 12, 7, 7, 0, 0, 0, bangkok))
	if k := kinds(got); !slices.Equal(k, []string{"evening(skip)/1"}) {
		t.Errorf("at 07:00 on the day: %v, want the evening reminder skipped", k)
	}
	r.record(got, time.Date(2026, 12, 7, 9, 0, 0, 0, bangkok))
	// The summary counts the skip once.
	r.officer("Uofficer", "")
	r.putGroup(flows.Group{ID: "Cofficers", Bound: true})
	sum := r.due(time.Date(2026, 12, 7, 18, 30, 0, 0, bangkok))
	var s *flows.Reminder
	for i := range sum {
		if sum[i].Kind == flows.RemindSummary {
			s = &sum[i]
		}
	}
	if s == nil || len(s.Marks) != 1 || len(s.Sends) != 1 || !s.Sends[0].Group {
		t.Fatalf("summary %+v, want one group push reporting one skip", s)
	}
}

func TestMovedDayReplansAndUnfollowedGetNothing(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 3, day1)
	at := time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)
	r.record(r.due(at), at)
	// Household 2 unfollows; household 3 withdraws.
	r.handle("Uh2", flows.Input{Kind: flows.InputUnfollow})
	if err := r.db.Update(func(tx flows.Tx) error {
		h, _, err := flows.GetHousehold(tx, "H000003")
		if err != nil {
			return err
		}
		h.Status = flows.StatusWithdrawn
		return flows.PutHousehold(tx, h)
	}); err != nil {
		t.Fatal(err)
	}
	// Day 1 moves to the afternoon: its evening reminder is due again.
	r.at(time.Date(2026, 12, 6, 19, 0, 0, 0, bangkok))
	out := r.tap("Uofficer", "a=sch.set&moo=5&day=1")
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	r.tap("Uofficer", button(t, out, "schedule.label.start"))
	out = r.say("Uofficer", "13.00")
	wantSaid(t, r.tap("Uofficer", button(t, out, "conv.btn.confirm")), "schedule.saved_moved", "schedule.text")
	got := r.due(time.Date(2026, 12, 6, 19, 30, 0, 0, bangkok))
	var evening *flows.Reminder
	for i := range got {
		if got[i].Kind == flows.RemindEvening && got[i].Day == 1 {
			evening = &got[i]
		}
	}
	if evening == nil {
		t.Fatalf("no evening reminder for the moved day 1: %v", kinds(got))
	}
	var to []string
	for _, s := range evening.Sends {
		if s.Replies[0].Title == nil || s.Replies[0].Title.Key != "reminder.brief.title" {
			to = append(to, s.To...)
		}
	}
	if !slices.Equal(to, []string{"Uh1"}) {
		t.Errorf("moved day's reminder goes to %v, want only Uh1 (Uh2 unfollowed, Uh3 withdrew)", to)
	}
}

func TestStudyVisitHeadcountAndLanguages(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 2, day1)
	r.putUser(flows.User{ID: "Uh2", Active: true, Lang: locales.English})
	// Day 4 is the 10th: headcount on the evening of the 8th, and the
	// evening reminder of day 3 at the same time.
	got := r.due(time.Date(2026, 12, 8, 18, 0, 0, 0, bangkok))
	got = slices.DeleteFunc(got, func(rem flows.Reminder) bool { return rem.Skip }) // days 1–2 passed unsent
	if k := kinds(got); !slices.Equal(k, []string{"evening/3", "headcount/4"}) {
		t.Fatalf("due: %v", k)
	}
	for _, rem := range got {
		if rem.Kind != flows.RemindHeadcount {
			continue
		}
		langs := map[locales.Lang][]string{}
		for _, s := range rem.Sends {
			langs[s.Lang] = s.To
		}
		if !slices.Equal(langs[locales.Thai], []string{"Uh1"}) || !slices.Equal(langs[locales.English], []string{"Uh2"}) {
			t.Errorf("headcount by language %v", langs)
		}
		card := rem.Sends[0].Replies[0]
		if !strings.Contains(card.Title.Key, ".4") || len(card.Fields) < 7 || len(card.Buttons) != 2 {
			t.Errorf("headcount card %+v, want day 4's card with its visit details and will/cannot", card)
		}
	}
}

func TestMorningReminderIsOffByDefault(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 1, day1)
	r.record(r.due(time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)), time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok))
	if k := kinds(r.due(time.Date(2026, 12, 7, 7, 0, 0, 0, bangkok))); len(k) != 0 {
		t.Errorf("at 07:00 with the morning reminder off: %v", k)
	}
	// A restart with the morning reminder switched on replans.
	r.configure(func(c *flows.Config) { c.Reminders = flows.ReminderConfig{MorningOn: true} })
	r.replan()
	if k := kinds(r.due(time.Date(2026, 12, 7, 7, 0, 0, 0, bangkok))); !slices.Equal(k, []string{"morning/1"}) {
		t.Errorf("at 07:00 with the morning reminder on: %v", k)
	}
}

func TestSummaryOnlyWithNewsAndQuotaWarningOnce(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.putGroup(flows.Group{ID: "Cofficers", Bound: true})
	at := time.Date(2026, 12, 1, 18, 30, 0, 0, bangkok)
	got := r.due(at)
	if len(got) != 1 || got[0].Kind != flows.RemindSummary || len(got[0].Sends) != 0 {
		t.Fatalf("quiet day: %+v, want a summary with nothing to send", got)
	}
	r.record(got, at)
	if again := r.due(at.Add(time.Hour)); len(again) != 0 {
		t.Errorf("decided once a day, but due again: %v", kinds(again))
	}
	// Quota at 81%: officers are warned once.
	if err := r.db.Update(func(tx flows.Tx) error {
		return flows.SaveQuota(tx, flows.QuotaSnapshot{Limited: true, Limit: 300, Used: 243, At: at})
	}); err != nil {
		t.Fatal(err)
	}
	got = r.due(at.Add(2 * time.Hour))
	if k := kinds(got); !slices.Equal(k, []string{"quota"}) {
		t.Fatalf("at 81%%: %v, want the quota warning", k)
	}
	r.record(got, at)
	if k := kinds(r.due(at.Add(3 * time.Hour))); len(k) != 0 {
		t.Errorf("warned twice: %v", k)
	}
}

func TestCancelledDayLosesItsRemindersAndPeopleAreTold(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 2, day1)
	r.at(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	out := r.tap("Uofficer", "a=sch.cancel&moo=5")
	out = r.tap("Uofficer", button(t, out, "attendance.rollcall.day_button"))
	wantSaid(t, out, "schedule.cancel.confirm")
	yes := button(t, out, "conv.btn.yes")
	out = r.tap("Uofficer", yes)
	wantSaid(t, out, "schedule.cancel.done", "schedule.text")
	// They are told in the village's change notice, ten minutes on (a new
	// date set by then would go in the same notice).
	told := r.last.Add(10 * time.Minute)
	rem, text := r.oneNotice(told)
	if told := noticeTo(rem); !slices.Equal(told, []string{"Uh1", "Uh2", "Ulead"}) {
		t.Errorf("told %v, want both households and the lead", told)
	}
	if !strings.Contains(text, "ยกเลิกวันอบรมที่ 1") {
		t.Errorf("notice %q, want day 1 cancelled", text)
	}
	r.record(r.due(told), told)
	// A second tap on the same yes: the day is gone.
	wantSaid(t, r.tap("Uofficer", yes), "attendance.err.no_day")
	// Day 1's reminder is off the plan; day 2's still comes.
	if k := kinds(r.due(time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok))); len(k) != 0 {
		t.Errorf("due on the eve of the cancelled day: %v", k)
	}
	if k := kinds(r.due(time.Date(2026, 12, 7, 18, 0, 0, 0, bangkok))); !slices.Equal(k, []string{"evening/2"}) {
		t.Errorf("due on the eve of day 2: %v", k)
	}
	// Only officers cancel.
	wantSaid(t, r.tap("Ulead", "a=sch.cancel&moo=5&day=2&rev=0&ok=1"), "household.err.officers_only")
}

func TestQuietHoursWithoutLeadingZero(t *testing.T) {
	eng := flows.NewEngine(flows.Config{Location: bangkok, Reminders: flows.ReminderConfig{QuietStart: "22:00", QuietEnd: "7:00"}})
	for hm, quiet := range map[string]bool{"21:59": false, "22:00": true, "03:00": true, "06:59": true, "07:00": false} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", "2026-12-07 "+hm, bangkok)
		if got := eng.Quiet(at); got != quiet {
			t.Errorf("Quiet(%s) = %v, want %v", hm, got, quiet)
		}
	}
	at := time.Date(2026, 12, 7, 23, 0, 0, 0, bangkok)
	if got, want := eng.QuietUntil(at), time.Date(2026, 12, 8, 7, 0, 0, 0, bangkok); !got.Equal(want) {
		t.Errorf("QuietUntil(23:00) = %v, want %v", got, want)
	}
}

func TestDayCancelledAndSetAgainGetsItsReminder(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.user("Uh1")
	imp := func(at time.Time) {
		t.Helper()
		csv := "moo,day,date,start,end,place\n5,1,2026-12-07,09:00,16:00,ศาลา\n"
		if err := r.db.Update(func(tx flows.Tx) error {
			_, err := r.eng.ImportSchedule(tx, strings.NewReader(csv), at, "Uofficer", false)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	imp(time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok))
	eve := time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok)
	r.record(r.due(eve), eve)
	r.at(eve.Add(time.Hour))
	out := r.tap("Uofficer", "a=sch.cancel&moo=5&day=1")
	r.tap("Uofficer", button(t, out, "conv.btn.yes"))
	imp(eve.Add(90 * time.Minute))
	if k := kinds(r.due(eve.Add(2 * time.Hour))); !slices.Equal(k, []string{"evening/1"}) {
		t.Errorf("after cancelling and setting day 1 again: %v, want its evening reminder again", k)
	}
}

// At most one push per person an evening: with the headcount at 19:30 and
// the evening card at 18:00, the headcount comes at 18:00 with the card.
func TestEveningRemindersComeTogetherAtTheEarliest(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 2, day1)
	r.configure(func(c *flows.Config) { c.Reminders = flows.ReminderConfig{Headcount: "19:30"} })
	r.replan()
	// Day 4 is the 10th: its headcount is due on the 8th at 19:30, day 3's
	// card at 18:00.
	eve := time.Date(2026, 12, 8, 18, 0, 0, 0, bangkok)
	all := r.due(eve)
	got := slices.DeleteFunc(slices.Clone(all), func(rem flows.Reminder) bool { return rem.Skip }) // days 1–2 passed unsent
	if k := kinds(got); !slices.Equal(k, []string{"evening/3", "headcount/4"}) {
		t.Fatalf("at 18:00: %v, want the card and the 19:30 headcount together", k)
	}
	for _, m := range flows.MergeSends(got) {
		if slices.Contains(m.To, "Uh1") && len(m.Replies) != 2 {
			t.Errorf("Uh1 gets %d messages in its push, want 2", len(m.Replies))
		}
	}
	r.record(all, eve)
	if k := kinds(r.due(time.Date(2026, 12, 8, 19, 30, 0, 0, bangkok))); len(k) != 0 {
		t.Errorf("at 19:30: %v, want nothing (it came at 18:00)", k)
	}
	// In the daytime nothing is brought forward: day 1's card (the 6th at
	// 18:00) is not due at noon with anything.
	if k := kinds(r.due(time.Date(2026, 12, 6, 12, 0, 0, 0, bangkok))); len(k) != 0 {
		t.Errorf("at noon: %v", k)
	}
}

// The evening card before day 5 says it is practice at home: nobody is
// asked to come to a training place (issue 13).
func TestEveningCardBeforeDay5SaysPracticeAtHome(t *testing.T) {
	r := programme(t, 1, rulesWeek)
	intro := map[int]string{}
	for day := 1; day <= flows.Days; day++ {
		for _, rem := range r.due(rulesWeek.AddDate(0, 0, day-2).Add(18*time.Hour + 5*time.Minute)) {
			if rem.Kind != flows.RemindEvening {
				continue
			}
			for _, s := range rem.Sends {
				if rep := s.Replies[0]; rep.Title == nil || rep.Title.Key != "reminder.brief.title" {
					intro[rem.Day] = rep.Text.Key
				}
			}
		}
	}
	for day := 1; day <= flows.Days; day++ {
		want := "reminder.evening"
		if day == flows.HomeDay {
			want = "reminder.evening_home"
		}
		if intro[day] != want {
			t.Errorf("day %d's evening card says %q, want %q", day, intro[day], want)
		}
	}
}
