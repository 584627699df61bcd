package flows

import (
	"time"
)

// Intent is a household's answer about coming to a day.
type Intent string

// Intents.
const (
	IntentNone Intent = ""
	IntentYes  Intent = "yes"
	IntentNo   Intent = "no"
)

// Reasons a household cannot come.
var absenceReasons = []string{"sick", "busy", "misc"}

// Presence is what the roll call or the household says about the day itself.
type Presence string

// Presences.
const (
	PresenceUnknown Presence = ""
	PresenceHere    Presence = "present"
	PresenceAbsent  Presence = "absent"
)

// Source says who recorded a mark. Their order is their authority: an
// officer's correction outranks a sage's roll call, which outranks the
// household's own tap.
type Source string

// Sources, weakest first. A record written before sources were kept has
// none: it reads as the household's own tap.
const (
	SourceHousehold Source = "household" // the household's own tap
	SourceRollCall  Source = "rollcall"  // a sage (or officer) taking the roll
	SourceOfficer   Source = "officer"   // an officer's correction
)

// Mark is one recorded fact with who recorded it, when, and in what capacity.
type Mark struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"` // LINE user id of who recorded it
	Source Source    `json:"source,omitempty"`
}

// Attendance is one household's record for one programme day.
type Attendance struct {
	Village   int    `json:"village"`
	Day       int    `json:"day"`
	Household string `json:"household"`

	Intent       Intent `json:"intent,omitempty"`
	IntentReason string `json:"intentReason,omitempty"`
	IntentMark   *Mark  `json:"intentMark,omitempty"`

	Presence     Presence `json:"presence,omitempty"`
	PresenceMark *Mark    `json:"presenceMark,omitempty"`

	// Practised is day 5's "practised at home".
	Practised     bool  `json:"practised,omitempty"`
	PractisedMark *Mark `json:"practisedMark,omitempty"`

	// Seats is how many people of the household go on the study visit
	// (day 4), for the bus; 0 with IntentYes means not said.
	Seats int `json:"seats,omitempty"`
	// SeatsAsked is when the household was last asked how many people
	// go: a number typed soon after answers it.
	SeatsAsked *time.Time `json:"seatsAsked,omitempty"`

	// AllPresent says the presence came from a roll call's "all present":
	// a tap on that household's row is then an exception (absent).
	AllPresent bool `json:"allPresent,omitempty"`
	// Conflicts keeps marks that came after a stronger one and were not
	// applied (a household's tap after the officer's correction…).
	Conflicts []MarkConflict `json:"conflicts,omitempty"`

	Corrections []Correction `json:"corrections,omitempty"`
	// PastIntents keeps answers cleared when the day moved.
	PastIntents []PastIntent `json:"pastIntents,omitempty"`
	// Cleared keeps the marks of a day that was cancelled.
	Cleared []ClearedMark `json:"cleared,omitempty"`
}

// ClearedMark is a mark taken off a cancelled day, kept for the record.
type ClearedMark struct {
	Field   string    `json:"field"`
	Value   string    `json:"value"`
	Mark    *Mark     `json:"mark,omitempty"`
	Cleared time.Time `json:"cleared"`
}

// Correction is an officer's change to a record, with the reason.
type Correction struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Field  string    `json:"field"`
	From   string    `json:"from"`
	To     string    `json:"to"`
	Reason string    `json:"reason"`
}

// PastIntent is an answer given for a day's earlier date.
type PastIntent struct {
	Intent  Intent    `json:"intent"`
	Reason  string    `json:"reason,omitempty"`
	Mark    Mark      `json:"mark"`
	Cleared time.Time `json:"cleared"`
}

// GetAttendance reads a record; a missing one is the zero record.
func GetAttendance(tx Tx, vid, day int, household string) (Attendance, error) {
	a, ok, err := tx.Attendance().Get(AttendanceRef{vid, day, household})
	if !ok {
		a = Attendance{Village: vid, Day: day, Household: household}
	}
	return a, err
}

func putAttendance(tx Tx, a Attendance) error {
	return tx.Attendance().Put(AttendanceRef{a.Village, a.Day, a.Household}, a)
}

// DayAttendance reads every record of a village's day, by household id.
func DayAttendance(tx Tx, vid, day int) (map[string]Attendance, error) {
	out := map[string]Attendance{}
	err := tx.Attendance().OfDay(vid, day, func(a Attendance) error {
		out[a.Household] = a
		return nil
	})
	return out, err
}

// clearIntents forgets the answers about coming to a day that moved,
// keeping them in the record's history.
func clearIntents(tx Tx, vid, day int, now time.Time) error {
	recs, err := DayAttendance(tx, vid, day)
	if err != nil {
		return err
	}
	for _, a := range recs {
		if a.Intent == IntentNone {
			continue
		}
		past := PastIntent{Intent: a.Intent, Reason: a.IntentReason, Cleared: now}
		if a.IntentMark != nil {
			past.Mark = *a.IntentMark
		}
		a.PastIntents = append(a.PastIntents, past)
		a.Intent, a.IntentReason, a.IntentMark = IntentNone, "", nil
		if err := putAttendance(tx, a); err != nil {
			return err
		}
	}
	return nil
}

// Matrix is a village's attendance: households (rows) × days (columns).
type Matrix struct {
	Village    Village
	Schedule   Schedule
	Households []Household // selected households, then others with records, in id order
	Cells      map[string]*[Days]Attendance
}

// clearDay takes every mark off a cancelled day's records (answers,
// presence, practised), keeping them in the records' history: if the day
// is set again, nobody is already "here".
func clearDay(tx Tx, vid, day int, now time.Time) error {
	if err := clearIntents(tx, vid, day, now); err != nil {
		return err
	}
	recs, err := DayAttendance(tx, vid, day)
	if err != nil {
		return err
	}
	for _, a := range recs {
		if a.Presence == PresenceUnknown && !a.Practised {
			continue
		}
		if a.Presence != PresenceUnknown {
			a.Cleared = append(a.Cleared, ClearedMark{Field: "presence", Value: string(a.Presence), Mark: a.PresenceMark, Cleared: now})
		}
		if a.Practised {
			a.Cleared = append(a.Cleared, ClearedMark{Field: "practised", Value: "true", Mark: a.PractisedMark, Cleared: now})
		}
		a.Presence, a.PresenceMark, a.Practised, a.PractisedMark, a.AllPresent = PresenceUnknown, nil, false, nil, false
		if err := putAttendance(tx, a); err != nil {
			return err
		}
	}
	return nil
}

// Cell returns the record of household id on day (1–5).
func (m Matrix) Cell(id string, day int) Attendance {
	if row := m.Cells[id]; row != nil {
		return row[day-1]
	}
	return Attendance{Village: m.Village.ID, Day: day, Household: id}
}

// DayCounts are a day's totals.
type DayCounts struct {
	Selected   int
	WillAttend int
	CannotCome int
	NoAnswer   int // neither will attend nor cannot attend
	Present    int
	Absent     int
	NotChecked int // no presence recorded
	Practised  int
	// Seats is the study visit's people going (day 4), for the bus.
	Seats int
	// Marked counts households with any mark on the day itself (presence
	// or practised), whoever recorded it.
	Marked int
	// RollCalled says a sage or an officer recorded someone's presence:
	// the roll was taken.
	RollCalled bool
}

// Counts totals a day over the selected households (those an officer
// has since marked completed or dropped too: they were in the week).
// Day 5 is practice at home: nobody is "present" that day; Practised counts
// the households that practised (a presence recorded on day 5 before the
// rule was kept counts as practice), Absent those recorded as not having
// practised, NotChecked the rest.
func (m Matrix) Counts(day int) DayCounts {
	var c DayCounts
	for _, h := range m.Households {
		if !wasSelected(h) {
			continue
		}
		c.Selected++
		a := m.Cell(h.ID, day)
		if day == HomeDay {
			c.countHome(a, h)
			continue
		}
		c.countIntent(a)
		switch a.Presence {
		case PresenceHere:
			c.Present++
		case PresenceAbsent:
			c.Absent++
		default:
			c.NotChecked++
		}
		if a.Practised {
			c.Practised++
		}
		if a.Presence != PresenceUnknown || a.Practised {
			c.Marked++
		}
		if a.Presence != PresenceUnknown && MarkSource(a.PresenceMark, h.UserID).rank() > SourceHousehold.rank() {
			c.RollCalled = true
		}
		if a.Intent == IntentYes && day == StudyVisit {
			// A household that said it goes without saying how many
			// takes one seat.
			c.Seats += max(a.Seats, 1)
		}
	}
	return c
}

// countIntent counts one household's answer about coming.
func (c *DayCounts) countIntent(a Attendance) {
	switch a.Intent {
	case IntentYes:
		c.WillAttend++
	case IntentNo:
		c.CannotCome++
	default:
		c.NoAnswer++
	}
}

// countHome counts one household's day 5.
func (c *DayCounts) countHome(a Attendance, h Household) {
	c.countIntent(a)
	value, mark := a.dayValue(fieldPractised)
	if value == "" && a.Presence == PresenceHere {
		value, mark = "true", a.PresenceMark
	}
	switch value {
	case "true":
		c.Practised++
	case "false":
		c.Absent++
	default:
		c.NotChecked++
	}
	if value != "" {
		c.Marked++
		if MarkSource(mark, h.UserID).rank() > SourceHousehold.rank() {
			c.RollCalled = true
		}
	}
}

// AttendanceMatrix reads a village's matrix. The summary and the exports
// read attendance only through it.
func AttendanceMatrix(tx Tx, vid int) (Matrix, error) {
	v, ok, err := GetVillage(tx, vid)
	if err != nil {
		return Matrix{}, err
	}
	if !ok {
		return Matrix{}, NotFound("attendance matrix", "schedule.err.no_village")
	}
	all, err := VillageHouseholds(tx, vid)
	if err != nil {
		return Matrix{}, err
	}
	return villageMatrix(tx, v, all)
}

// villageMatrix is AttendanceMatrix for a village already read, with all
// its households (VillageHouseholds): the summary reads both for every
// village anyway.
func villageMatrix(tx Tx, v Village, all []Household) (Matrix, error) {
	vid := v.ID
	m := Matrix{Village: v, Cells: map[string]*[Days]Attendance{}}
	var err error
	if m.Schedule, err = GetSchedule(tx, vid); err != nil {
		return m, err
	}
	err = tx.Attendance().OfVillage(vid, func(a Attendance) error {
		row := m.Cells[a.Household]
		if row == nil {
			row = new([Days]Attendance)
			m.Cells[a.Household] = row
		}
		row[a.Day-1] = a
		return nil
	})
	if err != nil {
		return m, err
	}
	for _, h := range all {
		if wasSelected(h) || m.Cells[h.ID] != nil {
			m.Households = append(m.Households, h)
		}
	}
	for _, row := range m.Cells {
		for i := range row {
			if row[i].Day == 0 {
				row[i].Village, row[i].Day = vid, i+1
			}
		}
	}
	for id, row := range m.Cells {
		for i := range row {
			row[i].Household = id
		}
	}
	return m, nil
}
