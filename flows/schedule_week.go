package flows

import (
	"github.com/sammachip/sammachip/locales"
)

// The rest of a week in one go (issue 14: "a week takes about 12"): once
// day 1 is set, an officer may set days 2–5 together on the next weekdays
// at day 1's time and place. Only the study visit's own facts are asked
// (where it goes and what to bring); its meeting point is day 1's place
// and the bus leaves at day 1's start. Any day can still be changed on its
// own afterwards.

const (
	actWeekRest  = "sch.rest"
	formWeekRest = "schedule.rest"
)

func (e *Engine) registerWeekRest() {
	e.RegisterAction(actWeekRest, e.actWeekRest)
	e.RegisterForm(&Form{
		Name:  formWeekRest,
		Title: T("schedule.rest.title"),
		TitleFor: func(c *Ctx, a Answers) Msg {
			v, _, _ := GetVillage(c.Tx, atoi(a[ansVillage]))
			return T("schedule.rest.title_for", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
		},
		Begin: func(c *Ctx, _ Answers) error { return requireOfficer(c, "set week") },
		Facts: restFacts,
		Questions: []Question{
			{Field: "destination", Ask: T("schedule.q.destination"), Label: T("attendance.label.destination"), Parse: textParser(120, "schedule.hint.text")},
			{Field: "bring", Ask: T("schedule.q.bring"), Label: T("attendance.label.bring"), Parse: textParser(200, "schedule.hint.text")},
		},
		Save: e.saveWeekRest,
	})
}

// restOpen says whether the rest of village vid's week can be set in one
// go: day 1 is set and days 2–5 are not.
func restOpen(s Schedule) bool {
	if s[0] == nil {
		return false
	}
	for _, d := range s[1:] {
		if d != nil {
			return false
		}
	}
	return true
}

// restDays are days 2–5 on the weekdays after day 1, at its time and place;
// day 4 takes destination and bring, meets at day 1's place and leaves at
// its start.
func restDays(d1 ProgrammeDay, destination, bring string) []ProgrammeDay {
	var out []ProgrammeDay
	date := d1.Date
	for day := 2; day <= Days; day++ {
		date = nextWeekday(date)
		d := ProgrammeDay{Village: d1.Village, Day: day, Date: date, Start: d1.Start, End: d1.End, Place: d1.Place}
		if day == StudyVisit {
			d.Place, d.Destination, d.MeetingPoint, d.Departure, d.Bring = "", destination, d1.Place, d1.Start, bring
			studyVisitPlace(&d)
		}
		out = append(out, d)
	}
	return out
}

func (e *Engine) actWeekRest(c *Ctx, p Postback) error {
	if err := requireOfficer(c, "set week"); err != nil {
		return err
	}
	s, err := GetSchedule(c.Tx, p.Village)
	if err != nil {
		return err
	}
	if !restOpen(s) {
		// Set meanwhile (or day 1 cancelled): the schedule as it is now.
		return e.showSchedule(c, p.Village, true)
	}
	return c.StartForm(formWeekRest, Answers{ansVillage: itoa(p.Village)})
}

// restFacts show on the confirm card the four days about to be set.
func restFacts(c *Ctx, a Answers) []Field {
	d1, ok, err := GetDay(c.Tx, atoi(a[ansVillage]), 1)
	if err != nil || !ok {
		return nil
	}
	var out []Field
	for _, d := range restDays(d1, a["destination"], a["bring"]) {
		start, end := d.StartsAt(c.Location()), d.EndsAt(c.Location())
		out = append(out, Field{Label: T("schedule.row.label", "N", d.Day), Value: T("schedule.row.value",
			"Date", locales.ShortDate(start), "Start", locales.Clock(start), "End", locales.Clock(end), "Place", d.Place,
			"Kind", T("schedule.kind."+itoa(d.Day)).Ref())})
	}
	return out
}

// saveWeekRest sets days 2–5 together, or none of them: the whole week is
// checked before any day is stored.
func (e *Engine) saveWeekRest(c *Ctx, a Answers) error {
	vid := atoi(a[ansVillage])
	s, err := GetSchedule(c.Tx, vid)
	if err != nil {
		return err
	}
	if !restOpen(s) {
		c.Say(Text(T("schedule.rest.changed")))
		return e.showSchedule(c, vid, true)
	}
	days := restDays(*s[0], a["destination"], a["bring"])
	for _, d := range days {
		if key := checkDay(d); key != "" {
			return Invalid("set week", key)
		}
		if d.Date < c.today() {
			return Invalid("set week", "schedule.err.past")
		}
		s[d.Day-1] = &d
	}
	if key, _ := checkOrder(s); key != "" {
		return Invalid("set week", key)
	}
	for _, d := range days {
		if _, err := e.setDay(c.Tx, d, c.Now, c.In.UserID, false); err != nil {
			return err
		}
	}
	notice, err := e.noticeForecast(c, vid)
	if err != nil {
		return err
	}
	c.Say(Text(T("schedule.rest.saved", "Notice", notice.Ref())))
	return e.showSchedule(c, vid, true)
}
