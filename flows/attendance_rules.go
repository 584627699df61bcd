package flows

import (
	"time"

	"github.com/sammachip/sammachip/locales"
)

// The day's rules: when "I am here" is accepted, whose mark counts, and
// how long a village's roll call stays open.

// DefaultCheckInEarly is how long before a day's start "I am here" is
// accepted when Config.CheckInEarly is not set.
const DefaultCheckInEarly = 60 * time.Minute

// RollCallDays is how many days a roll call stays open: the day itself and
// the days after it up to this many in all. After that, corrections are the
// officer's (with a reason).
const RollCallDays = 3

// checkInEarly is the configured lead time before a day's start.
func (e *Engine) checkInEarly() time.Duration {
	if e.cfg.CheckInEarly == nil || *e.cfg.CheckInEarly < 0 {
		return DefaultCheckInEarly
	}
	return *e.cfg.CheckInEarly
}

// CheckInWindow is when "I am here" is accepted for d: from early before
// its start (the study visit's departure) until its end.
func CheckInWindow(d ProgrammeDay, early time.Duration, loc *time.Location) (opens, closes time.Time) {
	start := d.StartsAt(loc)
	if d.Day == StudyVisit {
		start = d.DepartsAt(loc)
	}
	return start.Add(-early), d.EndsAt(loc)
}

// rank orders sources by authority; an unknown one ranks as the household.
func (s Source) rank() int {
	switch s {
	case SourceOfficer:
		return 3
	case SourceRollCall:
		return 2
	}
	return 1
}

// MarkSource says who recorded m on a record of a household whose head's
// LINE user is head: its Source, or — for a mark written before sources
// were kept — the household when its own head made it, else the roll call.
func MarkSource(m *Mark, head string) Source {
	if m == nil {
		return ""
	}
	if m.Source != "" {
		return m.Source
	}
	if head != "" && m.By == head {
		return SourceHousehold
	}
	return SourceRollCall
}

// MarkConflict is a mark that came after a stronger one and was not applied:
// kept so that the officer sees it.
type MarkConflict struct {
	Field string `json:"field"` // "presence" or "practised"
	Value string `json:"value"` // what the weaker mark said
	Mark  Mark   `json:"mark"`
	// Held is the value that stayed, and HeldBy who recorded it.
	Held   string `json:"held"`
	HeldBy Source `json:"heldBy"`
}

// Fields of the day itself that sources compete for.
const (
	fieldPresence  = "presence"
	fieldPractised = "practised"
)

// dayValue is a record's value of field, "" when nothing is recorded:
// presence "present"/"absent", practised "true"/"false".
func (a Attendance) dayValue(field string) (string, *Mark) {
	switch field {
	case fieldPresence:
		return string(a.Presence), a.PresenceMark
	case fieldPractised:
		if a.PractisedMark == nil && !a.Practised {
			return "", nil
		}
		if a.Practised {
			return "true", a.PractisedMark
		}
		return "false", a.PractisedMark
	}
	return "", nil
}

// setDayValue writes field without looking at who held it.
func (a *Attendance) setDayValue(field, value string, m *Mark) {
	switch field {
	case fieldPresence:
		a.Presence, a.PresenceMark = Presence(value), m
	case fieldPractised:
		a.Practised, a.PractisedMark = value == "true", m
		if value == "" {
			a.PractisedMark = nil
		}
	}
	a.AllPresent = false
}

// applyMark writes value to field unless a stronger source holds another
// value there: a later, weaker mark never overrides a stronger one; it is
// kept in Conflicts instead and applyMark reports false. head is the
// household's LINE user (to tell old marks' sources).
func (a *Attendance) applyMark(field, value string, m *Mark, head string) bool {
	cur, curMark := a.dayValue(field)
	if cur != "" && cur != value && curMark != nil {
		if held := MarkSource(curMark, head); held.rank() > m.Source.rank() {
			a.Conflicts = append(a.Conflicts, MarkConflict{Field: field, Value: value, Mark: *m, Held: cur, HeldBy: held})
			return false
		}
	}
	a.setDayValue(field, value, m)
	return true
}

// dayField is the field the day itself is marked in: practised on day 5
// (practice at home), presence on the others.
func dayField(day int) string {
	if day == HomeDay {
		return fieldPractised
	}
	return fieldPresence
}

// markAs is a mark by the user now, recorded as source.
func (c *Ctx) markAs(src Source) *Mark { return &Mark{At: c.Now, By: c.In.UserID, Source: src} }

// tapSource is the source of a tap on a household's own card: the
// household, when its head taps; else a sage answering for a household
// without LINE, which is the roll call's authority.
func (c *Ctx) tapSource(h Household) Source {
	if h.UserID != "" && h.UserID == c.In.UserID {
		return SourceHousehold
	}
	return SourceRollCall
}

// sayHeld tells whoever tapped that a stronger mark stays: what is recorded,
// by whom, and whom to ask.
func (c *Ctx) sayHeld(field, held string, m *Mark, by Source, quick ...Action) {
	at := c.Now
	if m != nil {
		at = m.At.In(c.Location())
	}
	c.Say(Text(T("attendance.held."+string(by), "State", stateMsg(field, held).Ref(),
		"Date", locales.ShortDate(at), "Time", locales.Clock(at)), quick...))
}

// stateMsg names a day value: มา / ไม่มา / ยังไม่เช็ค, ฝึกแล้ว / ยังไม่ได้ฝึก.
func stateMsg(field, value string) Msg {
	switch field + "=" + value {
	case "presence=present":
		return T("attendance.roll.here")
	case "presence=absent":
		return T("attendance.roll.absent")
	case "practised=true":
		return T("attendance.roll.practised")
	case "practised=false":
		return T("attendance.roll.not_practised")
	}
	return T("attendance.roll.unknown")
}

// rollOpen reports whether a day's roll call is still open on today: from
// its date for RollCallDays days.
func (c *Ctx) rollOpen(d ProgrammeDay) bool {
	last := c.dayTime(d).AddDate(0, 0, RollCallDays-1).Format("2006-01-02")
	return c.today() >= d.Date && c.today() <= last
}

// checkInRefused answers an "I am here" outside the day's window and
// reports whether it did.
func (e *Engine) checkInRefused(c *Ctx, d ProgrammeDay) bool {
	opens, closes := CheckInWindow(d, e.checkInEarly(), c.Location())
	switch {
	case c.Now.Before(opens) && c.today() == opens.Format("2006-01-02"):
		c.Say(Text(T("attendance.err.opens_at", "Time", locales.Clock(opens))))
	case c.Now.Before(opens):
		c.Say(Text(T("attendance.err.opens_on", "Date", locales.Date(opens), "Time", locales.Clock(opens))))
	case c.Now.After(closes):
		c.Say(Text(T("attendance.err.day_ended", "Date", locales.Date(closes), "Time", locales.Clock(closes))))
	default:
		return false
	}
	return true
}
