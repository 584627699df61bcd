package flows

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Programme days. Days 1–3 the sages teach, day 4 is the study visit
// (ศึกษาดูงาน), day 5 the households practise at home.
const (
	Days       = 5
	StudyVisit = 4
	HomeDay    = 5
)

// ProgrammeDay is one of a village's five days.
type ProgrammeDay struct {
	Village int    `json:"village"`
	Day     int    `json:"day"`
	Date    string `json:"date"`  // "2006-01-02" in the programme's time zone
	Start   string `json:"start"` // "15:04"
	End     string `json:"end"`
	Place   string `json:"place"`
	// The study visit (day 4) also has where it goes, where and when the
	// group meets, and what to bring.
	Destination  string `json:"destination,omitempty"`
	MeetingPoint string `json:"meetingPoint,omitempty"`
	Departure    string `json:"departure,omitempty"`
	Bring        string `json:"bring,omitempty"`
	// Rev grows whenever the day moves; cards carry it, so a tap on a card
	// for the old date is recognised.
	Rev       int       `json:"rev"`
	Updated   time.Time `json:"updated"`
	UpdatedBy string    `json:"updatedBy,omitempty"`
}

// StartsAt is when the day starts, in loc.
func (d ProgrammeDay) StartsAt(loc *time.Location) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.Start, loc)
	return t
}

// EndsAt is when the day ends, in loc.
func (d ProgrammeDay) EndsAt(loc *time.Location) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.End, loc)
	return t
}

// DepartsAt is when the study visit leaves (its start when not set).
func (d ProgrammeDay) DepartsAt(loc *time.Location) time.Time {
	if d.Departure == "" {
		return d.StartsAt(loc)
	}
	t, _ := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.Departure, loc)
	return t
}

// same reports whether two versions of a day are the same in everything
// people see.
func (d ProgrammeDay) same(o ProgrammeDay) bool {
	d.Rev, d.Updated, d.UpdatedBy = o.Rev, o.Updated, o.UpdatedBy
	return d == o
}

// Schedule is a village's five days; a nil entry is a day not set yet.
type Schedule [Days]*ProgrammeDay

// GetSchedule reads a village's days.
func GetSchedule(tx Tx, vid int) (Schedule, error) {
	var s Schedule
	// An unreadable day reads as not set (and is reported).
	err := tx.Days().InVillage(vid, func(d ProgrammeDay) error {
		if d.Day >= 1 && d.Day <= Days {
			s[d.Day-1] = &d
		}
		return nil
	})
	return s, err
}

// GetDay reads one day of a village.
func GetDay(tx Tx, vid, day int) (ProgrammeDay, bool, error) {
	return tx.Days().Get(DayRef{vid, day})
}

// DayOn returns the village's programme day on date ("2006-01-02"), if any.
func (s Schedule) DayOn(date string) *ProgrammeDay {
	for _, d := range s {
		if d != nil && d.Date == date {
			return d
		}
	}
	return nil
}

// studyVisitPlace fills an empty place of the study visit with its
// destination: the officer says where the visit goes once, in chat and in
// a schedule file.
func studyVisitPlace(d *ProgrammeDay) {
	if d.Day == StudyVisit && strings.TrimSpace(d.Place) == "" {
		d.Place = d.Destination
	}
}

// checkDay checks one day on its own: its fields, and day 4's extras.
// It returns the locale key of the first problem, or "".
func checkDay(d ProgrammeDay) string {
	switch {
	case d.Day < 1 || d.Day > Days:
		return "schedule.err.day"
	case d.Date == "":
		return "schedule.err.date"
	case d.Start == "" || d.End == "":
		return "schedule.err.time"
	case d.End <= d.Start:
		return "schedule.err.end_before_start"
	case strings.TrimSpace(d.Place) == "":
		return "schedule.err.place"
	}
	extras := d.Destination != "" || d.MeetingPoint != "" || d.Departure != "" || d.Bring != ""
	if d.Day != StudyVisit && extras {
		return "schedule.err.extras_not_day4"
	}
	if d.Day == StudyVisit && (d.Destination == "" || d.MeetingPoint == "" || d.Departure == "" || d.Bring == "") {
		return "schedule.err.day4_fields"
	}
	if d.Day == StudyVisit && d.Departure > d.Start {
		return "schedule.err.departure_after_start"
	}
	return ""
}

// checkOrder checks that the set days follow one another: each starts
// after the one before it ends. It returns the locale key and the day at
// fault, or "".
func checkOrder(s Schedule) (string, int) {
	if bad := outOfOrder(s); len(bad) > 0 {
		return "schedule.err.order", bad[0][1]
	}
	return "", 0
}

// outOfOrder lists each pair of consecutive set days (earlier, later day
// numbers) where the later does not start after the earlier ends.
func outOfOrder(s Schedule) [][2]int {
	var bad [][2]int
	var prev *ProgrammeDay
	for _, d := range s {
		if d == nil {
			continue
		}
		if prev != nil && d.Date+" "+d.Start < prev.Date+" "+prev.End {
			bad = append(bad, [2]int{prev.Day, d.Day})
		}
		prev = d
	}
	return bad
}

// setDay stores a day after checking it against the rest of its village's
// schedule. A day that moves gets a new revision and its households'
// answers about coming are cleared (they answered for the old date).
// allowPast lets an officer correct a day in the past.
func (e *Engine) setDay(tx Tx, d ProgrammeDay, now time.Time, by string, allowPast bool) (moved bool, err error) {
	studyVisitPlace(&d)
	if key := checkDay(d); key != "" {
		return false, Invalid("set day", key)
	}
	if _, ok, err := GetVillage(tx, d.Village); err != nil {
		return false, err
	} else if !ok {
		return false, NotFound("set day", "schedule.err.no_village")
	}
	if !allowPast && d.Date < now.Format("2006-01-02") {
		return false, Invalid("set day", "schedule.err.past")
	}
	s, err := GetSchedule(tx, d.Village)
	if err != nil {
		return false, err
	}
	s[d.Day-1] = &d
	if key, _ := checkOrder(s); key != "" {
		return false, Invalid("set day", key)
	}
	return e.storeDay(tx, d, now, by)
}

// storeDay writes a checked day, giving it a new revision when it changed
// and clearing its households' answers about coming when it moved. Every
// way a day is written comes through here, so this is where a change is
// noted for its village's change notice (notices.go).
func (e *Engine) storeDay(tx Tx, d ProgrammeDay, now time.Time, by string) (moved bool, err error) {
	old, existed, err := GetDay(tx, d.Village, d.Day)
	if err != nil {
		return false, err
	}
	if existed {
		if old.same(d) {
			return false, nil
		}
		moved = old.Date != d.Date || old.Start != d.Start
	}
	// Revisions never repeat, even for a day cancelled and set again: a
	// card or a ledger entry of an old version must not pass for the new.
	ref := DayRef{d.Village, d.Day}
	last, _, err := tx.DayRevisions().Get(ref)
	if err != nil {
		return false, err
	}
	d.Rev = int(max(last.N, int64(old.Rev))) + 1
	if err := tx.DayRevisions().Put(ref, PushCount{N: int64(d.Rev)}); err != nil {
		return false, err
	}
	d.Updated, d.UpdatedBy = now, by
	if err := tx.Days().Put(ref, d); err != nil {
		return false, err
	}
	var prev *ProgrammeDay
	if existed {
		prev = &old
	}
	if err := e.planDay(tx, prev, &d, now); err != nil {
		return false, err
	}
	// People hear of the change (notices.go): of a day that was set, or
	// of a cancelled day set again (its revisions were counted); a day
	// set for the first time is news for nobody yet.
	if existed || last.N > 0 {
		if err := e.noteChange(tx, d.Village, d.Day, prev, now); err != nil {
			return false, err
		}
	}
	if moved {
		if err := clearIntents(tx, d.Village, d.Day, now); err != nil {
			return false, err
		}
	}
	return moved, nil
}

// Columns of the schedule import.
var scheduleColumns = importColumns{
	Known: "schedule.import.columns",
	Cols: []importColumn{
		{Name: "moo", Aliases: []string{"หมู่ที่", "หมู่"}, Label: "schedule.col.moo", Required: true},
		// The ตำบล is needed only where two villages share a หมู่ number.
		{Name: "tambon", Aliases: []string{"ตำบล", "subdistrict", "sub-district"}, Label: "village.q.tambon.label"},
		{Name: "day", Aliases: []string{"วันอบรม", "วันที่อบรม"}, Label: "schedule.col.day", Required: true},
		{Name: "date", Aliases: []string{"วันที่"}, Label: "schedule.col.date", Required: true},
		{Name: "start", Aliases: []string{"เริ่ม", "เวลาเริ่ม"}, Label: "schedule.col.start", Required: true},
		{Name: "end", Aliases: []string{"เลิก", "เวลาเลิก"}, Label: "schedule.col.end", Required: true},
		{Name: "place", Aliases: []string{"สถานที่"}, Label: "schedule.col.place", Required: true},
		{Name: "destination", Aliases: []string{"สถานที่ดูงาน"}, Label: "schedule.col.destination"},
		{Name: "meeting_point", Aliases: []string{"จุดนัดพบ"}, Label: "schedule.col.meeting_point"},
		{Name: "departure", Aliases: []string{"เวลาออกเดินทาง"}, Label: "schedule.col.departure"},
		{Name: "bring", Aliases: []string{"สิ่งที่ต้องเตรียม"}, Label: "schedule.col.bring"},
	},
}

// ImportSchedule reads a schedule CSV (columns moo, day, date, start, end,
// place, and for day 4 destination, meeting_point, departure, bring; a
// tambon column names the ตำบล, needed where two villages of the current
// round share a หมู่ number) and
// sets every day in it, or nothing when any row is bad. Dates may be
// "2026-12-07" or Thai "7/12/2569". A date in the past is refused unless
// allowPast (an officer correcting the record).
func (e *Engine) ImportSchedule(tx Tx, r io.Reader, now time.Time, by string, allowPast bool) (ImportReport, error) {
	return e.importSchedule(tx, r, now, by, allowPast, false)
}

// importSchedule is ImportSchedule, or with dry set what it would do
// without writing anything (the chat's preview, import_chat.go).
func (e *Engine) importSchedule(tx Tx, r io.Reader, now time.Time, by string, allowPast, dry bool) (ImportReport, error) {
	rows, problems, err := readImport(r, scheduleColumns)
	if err != nil {
		return ImportReport{}, err
	}
	type parsed struct {
		line int
		day  ProgrammeDay
	}
	var days []parsed
	seen := map[DayRef]int{}
	for _, row := range rows {
		bad := func(key string, kv ...any) {
			problems = append(problems, LineError{Line: row.Line, Problem: T(key, kv...)})
		}
		v := row.Values
		moo, ok := locales.ParseMoo(v["moo"])
		if !ok {
			bad("schedule.import.bad_moo", "Value", v["moo"])
			continue
		}
		tambon := strings.TrimSpace(v["tambon"])
		found, err := FindVillages(tx, moo, tambon)
		if err != nil {
			return ImportReport{}, err
		}
		switch {
		case len(found) == 0 && tambon != "":
			bad("schedule.import.no_village_tambon", "Moo", moo, "Tambon", tambon)
			continue
		case len(found) == 0:
			bad("schedule.import.no_village", "Moo", moo)
			continue
		case len(found) > 1:
			bad("schedule.import.which_tambon", "Moo", moo)
			continue
		}
		vid := found[0].ID
		day, err := strconv.Atoi(strings.TrimSpace(locales.NormalizeDigits(v["day"])))
		if err != nil || day < 1 || day > Days {
			bad("schedule.import.bad_day", "Value", v["day"])
			continue
		}
		if first, dup := seen[DayRef{vid, day}]; dup {
			bad("schedule.import.duplicate", "Moo", moo, "Day", day, "Line", first)
			continue
		}
		seen[DayRef{vid, day}] = row.Line
		d := ProgrammeDay{Village: vid, Day: day, Place: strings.TrimSpace(v["place"]),
			Destination: strings.TrimSpace(v["destination"]), MeetingPoint: strings.TrimSpace(v["meeting_point"]),
			Bring: strings.TrimSpace(v["bring"])}
		studyVisitPlace(&d)
		if d.Date, ok = locales.ParseDate(v["date"]); !ok {
			bad("schedule.import.bad_date", "Value", v["date"])
			continue
		}
		if d.Start, ok = locales.ParseClock(v["start"]); !ok {
			bad("schedule.import.bad_time", "Value", v["start"])
			continue
		}
		if d.End, ok = locales.ParseClock(v["end"]); !ok {
			bad("schedule.import.bad_time", "Value", v["end"])
			continue
		}
		if dep := strings.TrimSpace(v["departure"]); dep != "" {
			if d.Departure, ok = locales.ParseClock(dep); !ok {
				bad("schedule.import.bad_time", "Value", dep)
				continue
			}
		}
		if key := checkDay(d); key != "" {
			bad(key)
			continue
		}
		if !allowPast && d.Date < now.Format("2006-01-02") {
			bad("schedule.err.past")
			continue
		}
		days = append(days, parsed{row.Line, d})
	}
	// The order is checked per village over the file's days and the days
	// already stored that the file does not change.
	byVillage := map[int]Schedule{}
	for _, p := range days {
		s, ok := byVillage[p.day.Village]
		if !ok {
			if s, err = GetSchedule(tx, p.day.Village); err != nil {
				return ImportReport{}, err
			}
		}
		d := p.day
		s[d.Day-1] = &d
		byVillage[p.day.Village] = s
	}
	// Every pair out of order is reported, on the file's line of the later
	// day, or of the earlier when only that one is in the file.
	lineOf := map[DayRef]int{}
	for _, p := range days {
		lineOf[DayRef{p.day.Village, p.day.Day}] = p.line
	}
	reported := map[int]bool{}
	for vid, s := range byVillage {
		for _, pair := range outOfOrder(s) {
			line := lineOf[DayRef{vid, pair[1]}]
			if line == 0 {
				line = lineOf[DayRef{vid, pair[0]}]
			}
			if line != 0 && !reported[line] {
				reported[line] = true
				problems = append(problems, LineError{Line: line, Problem: T("schedule.err.order")})
			}
		}
	}
	if len(problems) > 0 {
		slices.SortStableFunc(problems, func(a, b LineError) int { return a.Line - b.Line })
		return ImportReport{}, &ImportError{Lines: problems}
	}
	var rep ImportReport
	for _, p := range days {
		old, existed, err := GetDay(tx, p.day.Village, p.day.Day)
		if err != nil {
			return rep, err
		}
		switch {
		case existed && old.same(p.day):
			rep.Unchanged++
			continue
		case existed:
			rep.Updated++
		default:
			rep.Added++
		}
		if dry {
			continue
		}
		if _, err := e.storeDay(tx, p.day, now, by); err != nil {
			return rep, fmt.Errorf("flows: import schedule line %d: %w", p.line, err)
		}
	}
	return rep, nil
}

// villageStarted reports whether the village's day 1 has begun at now:
// from then on its week is under way (no promotion from the waitlist).
func villageStarted(tx Tx, village int, now time.Time) bool {
	d, ok, err := GetDay(tx, village, 1)
	return err == nil && ok && !now.Before(d.StartsAt(now.Location()))
}

// villageFinished reports whether the village's day 5 has ended at now:
// its week is over (applications closed, households completed).
func villageFinished(tx Tx, village int, now time.Time) bool {
	d, ok, err := GetDay(tx, village, Days)
	return err == nil && ok && !now.Before(d.EndsAt(now.Location()))
}
