package flows_test

// The officers' daily summary against the records: a programme week with
// taps, roll calls, officer corrections and households without LINE, each
// figure checked against counting the stored records directly; days that
// ended with nobody marked flagged in that evening's summary.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// sumWeekStart is day 1 of the week in sumWeek: Monday 7 December 2026.
var sumWeekStart = time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)

// sumWeek is a district week of two villages, days 1–5 from 7 to 11
// December, 09.00–16.00:
//   - หมู่ 5: 20 households, 1–8 with LINE, 9–20 without (a sage enrolled
//     them; 19 and 20 without a phone);
//   - หมู่ 6: 20 households, none with LINE.
//
// Marks are stored as the flows store them (who, when, in what capacity):
// see sumMarks.
func sumWeek(t *testing.T) *rig {
	t.Helper()
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.hhVillage(6, 20, "สานตะกร้า")
	r.officer("Uofficer", "")
	r.putGroup(flows.Group{ID: "Cofficers", Bound: true})
	r.sage("Ulead5", 5, true)
	r.sage("Ulead6", 6, true)
	r.update(func(tx flows.Tx) error {
		for _, vid := range []int{5, 6} {
			for i := 1; i <= 20; i++ {
				h := flows.Household{ID: sumHH(vid, i), Village: vid, HouseNo: fmt.Sprintf("%d/%d", i, vid),
					HeadName: fmt.Sprintf("หัวหน้า%dก%d", vid, i), Members: 3, Income: int64(1000 * i), IncomeKnown: true,
					Interested: true, Status: flows.StatusSelected, DedupeKey: sumHH(vid, i), EnrolledBy: fmt.Sprintf("Ulead%d", vid)}
				if i <= 18 {
					h.Phone = fmt.Sprintf("08123456%02d", i)
				}
				if vid == 5 && i <= 8 {
					h.UserID = fmt.Sprintf("U5h%02d", i)
					if err := tx.Users().Put(h.UserID, flows.User{ID: h.UserID, Active: true, Lang: locales.Thai}); err != nil {
						return err
					}
				}
				if err := flows.PutHousehold(tx, h); err != nil {
					return err
				}
			}
			for day := 1; day <= flows.Days; day++ {
				d := flows.ProgrammeDay{Village: vid, Day: day, Date: sumWeekStart.AddDate(0, 0, day-1).Format("2006-01-02"),
					Start: "09:00", End: "16:00", Place: "ศาลาประชาคม"}
				if day == flows.StudyVisit {
					d.Destination, d.MeetingPoint, d.Departure = "ศูนย์เรียนรู้", "วัด", "07:30"
				}
				if err := tx.Days().Put(flows.DayRef{Village: vid, Day: day}, d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	r.replan()
	for _, a := range sumMarks() {
		r.putAttendance(a)
	}
	return r
}

func sumHH(vid, i int) string { return fmt.Sprintf("H%d%05d", vid, i) }

// sumMarks are the week's records:
//   - หมู่ 5 day 1: 1–6 tapped มาแล้ว; 7 tapped too but an officer
//     corrected it to absent; the sage's roll call marked 9–15 present and
//     16 absent; answers beforehand from 1–8 (yes, 8 no) and 9–10 (yes,
//     recorded by the sage);
//   - หมู่ 5 day 2: 1–3 tapped, no roll call; day 3: nothing at all;
//   - หมู่ 5 day 4: 1–4 going with 3, 2, unsaid and 4 people, 5 not going;
//     the roll call marked 1–4 present;
//   - หมู่ 5 day 5: 1–5 practised (their taps), 9–12 (the sage);
//   - หมู่ 6 day 1: the roll call marked all 20 present; nothing after.
func sumMarks() []flows.Attendance {
	var out []flows.Attendance
	mark := func(day, hour int, by string, src flows.Source) *flows.Mark {
		return &flows.Mark{At: sumWeekStart.AddDate(0, 0, day-1).Add(time.Duration(hour) * time.Hour), By: by, Source: src}
	}
	rec := func(vid, day, i int, fn func(a *flows.Attendance)) {
		a := flows.Attendance{Village: vid, Day: day, Household: sumHH(vid, i)}
		fn(&a)
		out = append(out, a)
	}
	tap := func(i int) string { return fmt.Sprintf("U5h%02d", i) }
	for i := 1; i <= 10; i++ {
		rec(5, 1, i, func(a *flows.Attendance) {
			a.Intent, a.IntentMark = flows.IntentYes, mark(0, 18, tap(i), flows.SourceHousehold)
			if i == 8 {
				a.Intent, a.IntentReason = flows.IntentNo, "busy"
			}
			if i > 8 {
				a.IntentMark = mark(0, 19, "Ulead5", flows.SourceRollCall)
			}
			switch {
			case i <= 6:
				a.Presence, a.PresenceMark = flows.PresenceHere, mark(1, 9, tap(i), flows.SourceHousehold)
			case i == 7:
				a.Presence, a.PresenceMark = flows.PresenceAbsent, mark(1, 17, "Uofficer", flows.SourceOfficer)
				a.Corrections = []flows.Correction{{At: a.PresenceMark.At, By: "Uofficer", Field: "presence", From: "present", To: "absent", Reason: "กลับก่อน"}}
			case i >= 9:
				a.Presence, a.PresenceMark = flows.PresenceHere, mark(1, 10, "Ulead5", flows.SourceRollCall)
			}
		})
	}
	for i := 11; i <= 16; i++ {
		rec(5, 1, i, func(a *flows.Attendance) {
			a.Presence, a.PresenceMark = flows.PresenceHere, mark(1, 10, "Ulead5", flows.SourceRollCall)
			if i == 16 {
				a.Presence = flows.PresenceAbsent
			}
		})
	}
	for i := 1; i <= 3; i++ {
		rec(5, 2, i, func(a *flows.Attendance) {
			a.Presence, a.PresenceMark = flows.PresenceHere, mark(2, 9, tap(i), flows.SourceHousehold)
		})
	}
	for i, seats := range []int{3, 2, 0, 4} {
		rec(5, 4, i+1, func(a *flows.Attendance) {
			a.Intent, a.IntentMark, a.Seats = flows.IntentYes, mark(2, 18, tap(i+1), flows.SourceHousehold), seats
			a.Presence, a.PresenceMark = flows.PresenceHere, mark(4, 8, "Ulead5", flows.SourceRollCall)
		})
	}
	rec(5, 4, 5, func(a *flows.Attendance) {
		a.Intent, a.IntentMark = flows.IntentNo, mark(2, 18, tap(5), flows.SourceHousehold)
	})
	for _, i := range []int{1, 2, 3, 4, 5, 9, 10, 11, 12} {
		rec(5, 5, i, func(a *flows.Attendance) {
			a.Practised, a.PractisedMark = true, mark(5, 17, tap(i), flows.SourceHousehold)
			if i >= 9 {
				a.PractisedMark = mark(5, 17, "Ulead5", flows.SourceRollCall)
			}
		})
	}
	for i := 1; i <= 20; i++ {
		rec(6, 1, i, func(a *flows.Attendance) {
			a.Presence, a.PresenceMark = flows.PresenceHere, mark(1, 10, "Ulead6", flows.SourceRollCall)
		})
	}
	return out
}

// direct counts a village's day from its stored records and households,
// without the attendance matrix: what the summary must say.
type direct struct {
	selected, noLine                       int
	will, cannot, noAnswer                 int
	present, absent, notChecked, practised int
	seats, marked                          int
	rollCalled                             bool
}

func (r *rig) direct(vid, day int) direct {
	r.t.Helper()
	var c direct
	r.view(func(tx flows.Tx) error {
		return tx.Households().Each(func(id string, h flows.Household) error {
			if h.Village != vid || h.Status != flows.StatusSelected {
				return nil
			}
			c.selected++
			if h.UserID == "" {
				c.noLine++
			}
			a, _, err := tx.Attendance().Get(flows.AttendanceRef{Village: vid, Day: day, Household: id})
			if err != nil {
				return err
			}
			switch a.Intent {
			case flows.IntentYes:
				c.will++
				if day == flows.StudyVisit {
					c.seats += max(a.Seats, 1) // 0 = not said: one seat at least
				}
			case flows.IntentNo:
				c.cannot++
			default:
				c.noAnswer++
			}
			// Who recorded a mark: its source, or for a mark from before
			// sources were kept, the household when its head made it.
			strong := func(m *flows.Mark) bool {
				if m == nil {
					return false
				}
				if m.Source != "" {
					return m.Source != flows.SourceHousehold
				}
				return h.UserID == "" || m.By != h.UserID
			}
			if day == flows.HomeDay {
				// Day 5 is practice at home: "here" counts as practised;
				// a practised mark that says no is "did not practise".
				switch {
				case a.Practised:
					c.practised++
					c.marked++
					c.rollCalled = c.rollCalled || strong(a.PractisedMark)
				case a.PractisedMark != nil:
					c.absent++
					c.marked++
					c.rollCalled = c.rollCalled || strong(a.PractisedMark)
				case a.Presence == flows.PresenceHere:
					c.practised++
					c.marked++
					c.rollCalled = c.rollCalled || strong(a.PresenceMark)
				default:
					c.notChecked++
				}
				return nil
			}
			switch a.Presence {
			case flows.PresenceHere:
				c.present++
			case flows.PresenceAbsent:
				c.absent++
			default:
				c.notChecked++
			}
			if a.Practised {
				c.practised++
			}
			if a.Presence != flows.PresenceUnknown || a.Practised {
				c.marked++
			}
			if a.Presence != flows.PresenceUnknown && strong(a.PresenceMark) {
				c.rollCalled = true
			}
			return nil
		})
	})
	return c
}

// th renders a message in Thai.
func th(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }

// summaryOf returns the daily summary due at at (failing if none is due),
// its cards rendered in Thai as lines "label: value", and records
// everything due then as sent, as the edge does.
func (r *rig) summaryOf(at time.Time) string {
	r.t.Helper()
	due := r.due(at)
	var sum *flows.Reminder
	for i := range due {
		if due[i].Kind == flows.RemindSummary {
			sum = &due[i]
		}
	}
	if sum == nil || len(sum.Sends) != 1 || !sum.Sends[0].Group {
		r.t.Fatalf("at %s: summary %+v, want one push to the officers' group", at.Format("02 15:04"), sum)
	}
	checkRenders(r.t, locales.Thai, sum.Sends[0].Replies)
	r.record(due, at)
	return renderCards(sum.Sends[0].Replies)
}

func renderCards(replies []flows.Reply) string {
	var b strings.Builder
	for _, rep := range replies {
		if rep.Title != nil {
			b.WriteString(th(*rep.Title) + "\n")
		}
		b.WriteString(th(rep.Text) + "\n")
		for _, f := range rep.Fields {
			b.WriteString(th(f.Label) + ": " + th(f.Value) + "\n")
		}
	}
	return b.String()
}

func TestSummaryFiguresMatchTheRecords(t *testing.T) {
	r := sumWeek(t)
	for day := 1; day <= flows.Days; day++ {
		at := sumWeekStart.AddDate(0, 0, day-1).Add(18*time.Hour + 30*time.Minute)
		var dg flows.Digest
		r.view(func(tx flows.Tx) error {
			var err error
			dg, err = r.eng.Digest(tx, at)
			return err
		})
		got := r.summaryOf(at)
		for _, vid := range []int{5, 6} {
			c := r.direct(vid, day)
			i := slices.IndexFunc(dg.Active, func(v flows.VillageToday) bool { return v.Village.ID == vid })
			if i < 0 || dg.Active[i].Today == nil || dg.Active[i].Today.Day != day {
				t.Fatalf("day %d: village %d not in the summary's today", day, vid)
			}
			v := dg.Active[i]
			tc := v.TodayCounts
			if v.NoLine != c.noLine || tc.Selected != c.selected || tc.Present != c.present || tc.Absent != c.absent ||
				tc.NotChecked != c.notChecked || tc.Practised != c.practised || tc.Marked != c.marked || tc.RollCalled != c.rollCalled {
				t.Errorf("day %d village %d: digest %+v no LINE %d, records say %+v", day, vid, tc, v.NoLine, c)
			}
			name := th(flows.T("summary.village", "Moo", vid, "Name", fmt.Sprintf("บ้านทดสอบ%d", vid)))
			noLine := th(flows.T("summary.noline", "N", c.noLine))
			var want []string
			if day == flows.HomeDay {
				want = append(want, th(flows.T("summary.today.practised", "Practised", c.practised, "None", c.notChecked, "Total", c.selected)), noLine)
				if strings.Contains(got, th(flows.T("summary.today.value", "Present", c.present, "Absent", c.absent, "Unknown", c.notChecked, "Total", c.selected))) {
					t.Errorf("day 5 village %d: the summary counts presence, not practice:\n%s", vid, got)
				}
			} else {
				roll := "summary.rollcall.none"
				if c.rollCalled {
					roll = "summary.rollcall.done"
				}
				want = append(want, th(flows.T("summary.today.value", "Present", c.present, "Absent", c.absent, "Unknown", c.notChecked, "Total", c.selected)),
					th(flows.T(roll))+" · "+noLine)
			}
			if day < flows.Days {
				n := r.direct(vid, day+1)
				want = append(want, th(flows.T("summary.tomorrow.value", "Will", n.will, "Cannot", n.cannot, "None", n.noAnswer, "Total", n.selected)))
			}
			if day+1 == flows.StudyVisit || day+2 == flows.StudyVisit {
				n := r.direct(vid, flows.StudyVisit)
				want = append(want, th(flows.T("summary.visit.value", "Will", n.will, "Total", n.selected, "Seats", n.seats)))
			}
			if day == 1 && vid == 5 && !strings.Contains(got, name) {
				t.Errorf("the summary does not name %s", name)
			}
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("day %d village %d: summary lacks %q:\n%s", day, vid, w, got)
				}
			}
		}
	}
	// The figures the records give, spelled out once so that a wrong
	// count above cannot pass unnoticed: day 1 of หมู่ 5.
	if c := r.direct(5, 1); c != (direct{selected: 20, noLine: 12, will: 9, cannot: 1, noAnswer: 10, present: 13, absent: 2,
		notChecked: 5, marked: 15, rollCalled: true}) {
		t.Errorf("day 1 of หมู่ 5 counted directly: %+v", c)
	}
	if c := r.direct(5, flows.StudyVisit); c.seats != 3+2+1+4 {
		t.Errorf("study visit seats counted directly: %d, want 10", c.seats)
	}
}

func TestSummaryFlagsADayThatEndedWithoutMarks(t *testing.T) {
	r := sumWeek(t)
	flag := func(vid, day int) string {
		key := "summary.flag.rollcall"
		if day == flows.HomeDay {
			key = "summary.flag.home"
		}
		return th(flows.T(key, "Village", flows.T("summary.village", "Moo", vid, "Name", fmt.Sprintf("บ้านทดสอบ%d", vid)).Ref(), "Day", day))
	}
	flags := func(s string) []string {
		var out []string
		for line := range strings.SplitSeq(s, "\n") {
			if strings.Contains(line, "⚠️ หมู่") {
				out = append(out, strings.TrimPrefix(line, th(flows.T("summary.flag.heading"))+": "))
			}
		}
		return out
	}
	evening := func(day int) time.Time {
		return sumWeekStart.AddDate(0, 0, day-1).Add(18*time.Hour + 30*time.Minute)
	}
	// Day 1: both villages took the roll. Day 2: หมู่ 5 has taps, หมู่ 6
	// nothing at all.
	if got := flags(r.summaryOf(evening(1))); len(got) != 0 {
		t.Errorf("day 1 flags %q, want none", got)
	}
	if got, want := flags(r.summaryOf(evening(2))), []string{flag(6, 2)}; !slices.Equal(got, want) {
		t.Errorf("day 2 flags %q, want %q", got, want)
	}
	// An officer asking at 10.00 on day 3 sees no flag for it: the day
	// has not ended. Day 2 was in last evening's summary.
	r.at(sumWeekStart.AddDate(0, 0, 2).Add(10 * time.Hour))
	if got := flags(renderCards(r.inGroup("Cofficers", "Uofficer", "สรุป").Replies)); len(got) != 0 {
		t.Errorf("at 10.00 on day 3 the summary flags %q, want none (the day has not ended)", got)
	}
	// The bot is down on the evening of day 3: day 4's summary flags day 3
	// of both villages (its own summary was missed) and day 4 of หมู่ 6.
	got := flags(r.summaryOf(evening(4)))
	if want := []string{flag(5, 3), flag(6, 3), flag(6, 4)}; !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Errorf("day 4 flags %q, want %q", got, want)
	}
	// Day 5 in หมู่ 6: nobody reported practising.
	if got, want := flags(r.summaryOf(evening(5))), []string{flag(6, 5)}; !slices.Equal(got, want) {
		t.Errorf("day 5 flags %q, want %q", got, want)
	}
}

// A day that ends after the summary's time is not "passed" in that
// evening's summary; it is flagged the next evening.
func TestSummaryDoesNotFlagADayNotEnded(t *testing.T) {
	r := sumWeek(t)
	r.update(func(tx flows.Tx) error {
		d, _, err := tx.Days().Get(flows.DayRef{Village: 6, Day: 2})
		if err != nil {
			return err
		}
		d.Start, d.End = "13:00", "19:00"
		return tx.Days().Put(flows.DayRef{Village: 6, Day: 2}, d)
	})
	r.replan()
	r.summaryOf(sumWeekStart.Add(18*time.Hour + 30*time.Minute))
	flagged := th(flows.T("summary.flag.rollcall", "Village", flows.T("summary.village", "Moo", 6, "Name", "บ้านทดสอบ6").Ref(), "Day", 2))
	if s := r.summaryOf(sumWeekStart.AddDate(0, 0, 1).Add(18*time.Hour + 30*time.Minute)); strings.Contains(s, flagged) {
		t.Errorf("at 18.30 a day ending at 19.00 is flagged as passed:\n%s", s)
	}
	if s := r.summaryOf(sumWeekStart.AddDate(0, 0, 2).Add(18*time.Hour + 30*time.Minute)); !strings.Contains(s, flagged) {
		t.Errorf("the next evening's summary does not flag it:\n%s", s)
	}
}

// The enrolment progress is repeated only for villages that changed since
// the last summary, with the share selected, and never for a village
// whose enrolment is done.
func TestSummaryProgressOnlyWhatChanged(t *testing.T) {
	r := sumWeek(t)
	for _, id := range []string{"Us5a", "Us5b", "Us5c", "Us5d"} {
		r.sage(id, 5, false) // หมู่ 5's team is whole: 20/20 selected, 5 sages
	}
	progressRows := func(s string) []string {
		var out []string
		for line := range strings.SplitSeq(s, "\n") {
			if strings.Contains(line, "ปราชญ์ ") && strings.Contains(line, "คัดเลือก ") {
				out = append(out, line)
			}
		}
		return out
	}
	day := func(n int) time.Time { return sumWeekStart.AddDate(0, 0, n-1) }
	first := r.summaryOf(day(1).Add(18*time.Hour + 30*time.Minute))
	if got := progressRows(first); len(got) != 0 || !strings.Contains(first, th(flows.T("summary.progress.unchanged"))) {
		t.Errorf("nothing changed, yet progress rows %q:\n%s", got, first)
	}
	// The next day a household applies in หมู่ 6 and one of หมู่ 5 is
	// edited: หมู่ 6 is shown, หมู่ 5 (done) is not.
	r.putHousehold(flows.Household{ID: "H600099", Village: 6, HouseNo: "99", HeadName: "ผู้สมัครใหม่", Members: 2, Interested: true,
		Status: flows.StatusApplicant, DedupeKey: "H600099", Applied: day(2).Add(10 * time.Hour), Updated: day(2).Add(10 * time.Hour)})
	h, _ := r.getHousehold(sumHH(5, 3))
	h.Updated, h.Phone = day(2).Add(11*time.Hour), "0899999999"
	r.putHousehold(h)
	want := []string{th(flows.T("summary.village", "Moo", 6, "Name", "บ้านทดสอบ6")) + ": " +
		th(flows.T("summary.progress.value", "Sages", 1, "Team", 1, "Apps", 21, "Selected", 20, "Capacity", 20, "Percent", 100))}
	if got := progressRows(r.summaryOf(day(2).Add(18*time.Hour + 30*time.Minute))); !slices.Equal(got, want) {
		t.Errorf("day 2 progress rows %q, want %q", got, want)
	}
	if got := progressRows(r.summaryOf(day(3).Add(18*time.Hour + 30*time.Minute))); len(got) != 0 {
		t.Errorf("day 3 repeats progress %q, though nothing changed", got)
	}
}

// The summary names the district when the office is configured, so an
// officer in two districts' groups can tell them apart.
func TestSummaryTitleNamesTheDistrict(t *testing.T) {
	r := sumWeek(t)
	at := sumWeekStart.Add(18*time.Hour + 30*time.Minute)
	if got := r.summaryOf(at); strings.Contains(got, "อ.") && strings.Contains(got, "เมืองขอนแก่น") {
		t.Fatalf("no office configured, yet the summary names one:\n%s", got)
	}
	r.configure(func(c *flows.Config) {
		c.Office = flows.Office{District: "เมืองขอนแก่น", Province: "ขอนแก่น"}
	})
	if got := r.summaryOf(at.AddDate(0, 0, 1)); !strings.Contains(got, "สรุปประจำวัน ") || !strings.Contains(got, " · อ.เมืองขอนแก่น") {
		t.Errorf("the summary's title does not name the district:\n%s", got)
	}
}
