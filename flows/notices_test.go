package flows_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Change notices: what the village's households and sages hear when its
// schedule changes (flows/notices.go).

// dec is a moment in December 2026, Bangkok.
func dec(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok)
}

// importDays sets village 5's days from CSV rows "day,date,start,end,place"
// at the moment at (day 4's extras are filled in).
func (r *rig) importDays(at time.Time, rows ...string) {
	r.t.Helper()
	csv := "moo,day,date,start,end,place,destination,meeting_point,departure,bring\n"
	for _, row := range rows {
		extras := ",,,,"
		if strings.HasPrefix(row, "4,") {
			extras = ",ศูนย์เรียนรู้,วัด,07:30,หมวก"
		}
		csv += "5," + row + extras + "\n"
	}
	r.update(func(tx flows.Tx) error {
		_, err := r.eng.ImportSchedule(tx, strings.NewReader(csv), at, "Uofficer", false)
		return err
	})
}

// notices are the change notices among reminders.
func notices(rs []flows.Reminder) []flows.Reminder {
	return slices.DeleteFunc(slices.Clone(rs), func(r flows.Reminder) bool { return r.Kind != flows.RemindNotice })
}

// noticeTo is who a notice goes to, sorted.
func noticeTo(rem flows.Reminder) []string {
	var to []string
	for _, s := range rem.Sends {
		to = append(to, s.To...)
	}
	slices.Sort(to)
	return to
}

// thai renders a message as a Thai reader sees it.
func thai(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }

// oneNotice is the single notice due at at, with its Thai text.
func (r *rig) oneNotice(at time.Time) (flows.Reminder, string) {
	r.t.Helper()
	got := notices(r.due(at))
	if len(got) != 1 {
		r.t.Fatalf("at %s: %d notices due, want 1", at.Format("02 15:04"), len(got))
	}
	if len(got[0].Sends) == 0 {
		r.t.Fatalf("at %s: the notice sends nothing", at.Format("02 15:04"))
	}
	return got[0], thai(got[0].Sends[0].Replies[0].Text)
}

var everyone = []string{"Uh1", "Uh2", "Ulead"}

func TestNoticeOfATimeChangeSaysItIsTheSameDate(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	r.at(dec(2, 10, 0))
	out := r.tap("Uofficer", "a=sch.set&moo=5&day=1")
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	r.tap("Uofficer", button(t, out, "schedule.label.start"))
	out = r.say("Uofficer", "13.00")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "schedule.saved_moved", "schedule.text")
	due := r.last.Add(10 * time.Minute).Truncate(time.Minute)
	if said, when := thai(out.Replies[0].Text), "เวลา "+locales.FormatClock(locales.Thai, due); !strings.Contains(said, "3 คน") || !strings.Contains(said, when) {
		t.Errorf("the officer is told %q, want how many people (3) are told, and when (%s)", said, when)
	}
	if len(out.Pushes) != 0 {
		t.Errorf("pushed at once: %+v, want the notice to wait for more changes", out.Pushes)
	}
	if got := notices(r.due(due.Add(-time.Minute))); len(got) != 0 {
		t.Errorf("a notice due after 9 minutes: %v", kinds(got))
	}
	rem, text := r.oneNotice(due)
	if to := noticeTo(rem); !slices.Equal(to, everyone) {
		t.Errorf("told %v, want %v", to, everyone)
	}
	if want := "วันอบรมที่ 1 เปลี่ยนเวลา: 09.00 น. → 13.00 น. (จ. 7 ธ.ค. 2569 เหมือนเดิม)"; !strings.Contains(text, want) {
		t.Errorf("notice %q, want it to say %q", text, want)
	}
	if strings.Contains(text, "ย้าย") {
		t.Errorf("notice %q says the day moved, though its date is the same", text)
	}
}

func TestNoticeGathersAVillagesChangesForTenMinutes(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	r.importDays(dec(2, 10, 0), "1,2026-12-07,13:00,16:00,ศาลาประชาคม")
	r.importDays(dec(2, 10, 5), "2,2026-12-08,09:00,16:00,วัดบ้านทดสอบ")
	_, text := r.oneNotice(dec(2, 10, 10))
	for _, want := range []string{"วันอบรมที่ 1 เปลี่ยนเวลา", "วันอบรมที่ 2 เปลี่ยนสถานที่: ศาลาประชาคม → วัดบ้านทดสอบ"} {
		if !strings.Contains(text, want) {
			t.Errorf("notice %q, want %q in it", text, want)
		}
	}
	r.record(r.due(dec(2, 10, 10)), dec(2, 10, 10))
	// A change after the notice went starts the next one.
	r.importDays(dec(2, 10, 12), "3,2026-12-09,10:00,16:00,ศาลาประชาคม")
	if got := notices(r.due(dec(2, 10, 21))); len(got) != 0 {
		t.Errorf("the next notice came before its ten minutes: %v", kinds(got))
	}
	if _, text := r.oneNotice(dec(2, 10, 22)); strings.Contains(text, "วันอบรมที่ 1") || !strings.Contains(text, "วันอบรมที่ 3 เปลี่ยนเวลา") {
		t.Errorf("second notice %q, want day 3's change alone", text)
	}
}

func TestNoticeOfAWholeWeekMovedByCSVIsOne(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	var rows []string
	for day := 1; day <= flows.Days; day++ {
		rows = append(rows, fmt.Sprintf("%d,2026-12-%02d,09:00,16:00,ศาลาประชาคม", day, 13+day))
	}
	r.importDays(dec(2, 10, 0), rows...)
	rem, text := r.oneNotice(dec(2, 10, 10))
	if to := noticeTo(rem); !slices.Equal(to, everyone) {
		t.Errorf("told %v, want %v each once", to, everyone)
	}
	if n := strings.Count(text, "ย้ายไป"); n != flows.Days {
		t.Errorf("notice %q names %d moved days, want %d", text, n, flows.Days)
	}
	if want := "วันอบรมที่ 5 ย้ายไป ศ. 18 ธ.ค. 2569 เวลา 09.00 น.–16.00 น. (เดิม ศ. 11 ธ.ค. 2569)"; !strings.Contains(text, want) {
		t.Errorf("notice %q, want %q", text, want)
	}
}

func TestNoticeOfNoNetChangeSendsNothing(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	r.importDays(dec(2, 10, 0), "1,2026-12-07,13:00,16:00,ศาลาประชาคม")
	r.importDays(dec(2, 10, 4), "1,2026-12-07,09:00,16:00,ศาลาประชาคม")
	got := notices(r.due(dec(2, 10, 10)))
	if len(got) != 1 || len(got[0].Sends) != 0 {
		t.Fatalf("moved and moved back: %+v, want one notice with nothing to send", got)
	}
	r.record(got, dec(2, 10, 10))
	if again := notices(r.due(dec(2, 11, 0))); len(again) != 0 {
		t.Errorf("due again after it was recorded: %v", kinds(again))
	}
}

func TestNoticeOfADayBeyondFourteenDaysWaitsForItsCard(t *testing.T) {
	r := programme(t, 2, dec(22, 0, 0))
	r.at(dec(2, 10, 0))
	out := r.tap("Uofficer", "a=sch.set&moo=5&day=1")
	out = r.tap("Uofficer", button(t, out, "conv.btn.edit"))
	r.tap("Uofficer", button(t, out, "schedule.label.start"))
	out = r.say("Uofficer", "13.00")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	if said := thai(out.Replies[0].Text); !strings.Contains(said, "เกิน 14 วัน") {
		t.Errorf("the officer is told %q, want that nobody is told now (more than 14 days ahead)", said)
	}
	if got := notices(r.due(r.last.Add(10 * time.Minute))); len(got) != 1 || len(got[0].Sends) != 0 {
		t.Errorf("20 days ahead: %+v, want nothing sent now", got)
	}
	eve := dec(21, 18, 0)
	var card *flows.Reply
	for _, rem := range r.due(eve) {
		if rem.Kind == flows.RemindEvening && rem.Day == 1 && !rem.Skip {
			card = &rem.Sends[0].Replies[0]
		}
	}
	if card == nil {
		t.Fatal("no evening card for day 1")
	}
	var fields []string
	for _, f := range card.Fields {
		fields = append(fields, thai(f.Value))
	}
	if !slices.ContainsFunc(fields, func(s string) bool { return strings.Contains(s, "13.00 น.") }) {
		t.Errorf("the evening card says %q, want the new start 13.00 น.", fields)
	}
}

func TestNoticeInQuietHoursWaitsForTheMorning(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	r.importDays(dec(2, 20, 55), "2,2026-12-08,10:00,16:00,ศาลาประชาคม")
	for _, at := range []time.Time{dec(2, 21, 5), dec(2, 23, 0), dec(3, 6, 59)} {
		if got := notices(r.due(at)); len(got) != 0 {
			t.Errorf("at %s (quiet hours): %v", at.Format("02 15:04"), kinds(got))
		}
	}
	// A change in the night joins it.
	r.importDays(dec(2, 23, 30), "3,2026-12-09,10:00,16:00,ศาลาประชาคม")
	_, text := r.oneNotice(dec(3, 7, 0))
	if !strings.Contains(text, "วันอบรมที่ 2") || !strings.Contains(text, "วันอบรมที่ 3") {
		t.Errorf("morning notice %q, want both night changes", text)
	}
}

func TestNoticeInTheEveningGoesWithTheEveningCard(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	// At 17:30 day 1 (tomorrow) changes time: the notice waits for the
	// 18:00 card rather than going at 17:40.
	r.importDays(dec(6, 17, 30), "1,2026-12-07,10:00,16:00,ศาลาประชาคม")
	if got := notices(r.due(dec(6, 17, 40))); len(got) != 0 {
		t.Errorf("at 17:40: %v, want the notice held for the 18:00 card", kinds(got))
	}
	due := r.due(dec(6, 18, 0))
	if k := kinds(due); !slices.Equal(k, []string{"evening/1", "notice"}) {
		t.Fatalf("at 18:00: %v, want the card and the notice", k)
	}
	if b := flows.BundleReminders(due); len(b) != 1 {
		t.Errorf("%d bundles, want the card and the notice in one", len(b))
	}
	perPerson := map[string]int{}
	for _, m := range flows.MergeSends(due) {
		for _, to := range m.To {
			perPerson[to]++
			if len(m.Replies) < 2 {
				t.Errorf("%s gets %d messages, want the notice with the card", to, len(m.Replies))
			}
		}
	}
	for _, who := range everyone {
		if perPerson[who] != 1 {
			t.Errorf("%s gets %d push requests at 18:00, want 1", who, perPerson[who])
		}
	}
	r.record(due, dec(6, 18, 0))
	// After the evening's push, a change waits for the morning.
	r.importDays(dec(6, 18, 30), "2,2026-12-08,13:00,16:00,ศาลาประชาคม")
	if got := notices(r.due(dec(6, 18, 40))); len(got) != 0 {
		t.Errorf("a second push this evening: %v", kinds(got))
	}
	if _, text := r.oneNotice(dec(7, 7, 0)); !strings.Contains(text, "วันอบรมที่ 2 เปลี่ยนเวลา") {
		t.Errorf("morning notice %q, want day 2's change", text)
	}
}

func TestCancelThenNewDateIsOneNotice(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	r.at(dec(2, 10, 0))
	out := r.tap("Uofficer", "a=sch.cancel&moo=5&day=5")
	out = r.tap("Uofficer", button(t, out, "conv.btn.yes"))
	wantSaid(t, out, "schedule.cancel.done", "schedule.text")
	if len(out.Pushes) != 0 {
		t.Errorf("pushed at once: %d pushes, want them in the notice", len(out.Pushes))
	}
	if said := thai(out.Replies[0].Text); !strings.Contains(said, "3 คน") {
		t.Errorf("the officer is told %q, want how many are told", said)
	}
	due := r.last.Add(10 * time.Minute).Truncate(time.Minute)
	r.importDays(dec(2, 10, 4), "5,2026-12-14,09:00,16:00,ศาลาประชาคม")
	rem, text := r.oneNotice(due)
	if to := noticeTo(rem); !slices.Equal(to, everyone) {
		t.Errorf("told %v, want %v", to, everyone)
	}
	if !strings.Contains(text, "วันอบรมที่ 5 ย้ายไป จ. 14 ธ.ค. 2569") || strings.Contains(text, "ยกเลิก") {
		t.Errorf("notice %q, want day 5 moved (not cancelled)", text)
	}
	r.record(r.due(due), due)
	// Cancelled alone, then set again later: two notices, each saying so.
	r.at(dec(2, 11, 0))
	out = r.tap("Uofficer", "a=sch.cancel&moo=5&day=3")
	r.tap("Uofficer", button(t, out, "conv.btn.yes"))
	due = r.last.Add(10 * time.Minute)
	if _, text := r.oneNotice(due); !strings.Contains(text, "ยกเลิกวันอบรมที่ 3 (พ. 9 ธ.ค. 2569)") {
		t.Errorf("notice %q, want day 3 cancelled", text)
	}
	r.record(r.due(due), due)
	r.importDays(dec(2, 12, 0), "3,2026-12-09,09:00,12:00,ศาลาประชาคม")
	if _, text := r.oneNotice(dec(2, 12, 10)); !strings.Contains(text, "วันอบรมที่ 3 ได้วันใหม่แล้ว: พ. 9 ธ.ค. 2569") {
		t.Errorf("notice %q, want day 3's new date", text)
	}
}

func TestNoticeSurvivesReplanAndGoesOnce(t *testing.T) {
	r := programme(t, 2, dec(7, 0, 0))
	r.importDays(dec(2, 10, 0), "1,2026-12-07,13:00,16:00,ศาลาประชาคม")
	r.at(dec(2, 10, 5))
	r.restart()
	r.replan()
	r.oneNotice(dec(2, 10, 10))
	r.record(r.due(dec(2, 10, 10)), dec(2, 10, 10))
	r.replan()
	if got := notices(r.due(dec(2, 10, 20))); len(got) != 0 {
		t.Errorf("after a replan the sent notice is due again: %v", kinds(got))
	}
}

func TestFirstSetDayIsNoNews(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	r.sage("Ulead", 5, true)
	r.importDays(dec(2, 10, 0), "1,2026-12-07,09:00,16:00,ศาลาประชาคม")
	if got := notices(r.due(dec(2, 10, 10))); len(got) != 0 {
		t.Errorf("a day set for the first time: %v, want no notice", kinds(got))
	}
}
