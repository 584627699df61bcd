package flows

import (
	"slices"
	"strconv"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Action names of attendance buttons.
const (
	actIntent    = "att.i"    // will attend / cannot attend
	actReason    = "att.r"    // why not
	actHere      = "att.here" // I am here (on the day)
	actPractised = "att.done" // practised at home (day 5)
	actRollCall  = "rc"       // open a roll call
	actRollTap   = "rc.t"     // toggle one household in a roll call
	actFix       = "att.fix"  // an officer corrects a record
	formAttFix   = "attendance.fix"
)

func (e *Engine) registerAttendance() {
	e.RegisterAction(actIntent, e.actIntent)
	e.RegisterAction(actReason, e.actReason)
	e.RegisterAction(actHere, e.actHere)
	e.RegisterAction(actPractised, e.actPractised)
	e.RegisterAction(actRollCall, e.actRollCall)
	e.RegisterAction(actRollTap, e.actRollTap)
	e.RegisterAction(actFix, e.actFix)
	e.RegisterCommand(Command{Key: "attendance.cmd.rollcall", In1to1: true, Run: func(c *Ctx) error { return e.actRollCall(c, Postback{}) }})
	e.RegisterForm(&Form{
		Name:  formAttFix,
		Title: T("attendance.fix.title"),
		Questions: []Question{{
			Field: "reason", Ask: T("attendance.fix.reason"), Label: T("household.reason.label"),
			Parse: textParser(200, "household.hint.reason"),
		}},
		Begin: func(c *Ctx, _ Answers) error { return requireOfficer(c, "correct attendance") },
		Save:  e.saveFix,
	})
}

// dayButton is the postback of an attendance button: every one carries
// the day (its village, number and revision) and the household.
func dayButton(name string, d ProgrammeDay, household string) Postback {
	return Postback{Action: name, Village: d.Village, Day: d.Day, Rev: d.Rev, Household: household}
}

// dayTime is the calendar date of a day, at midnight in the programme zone.
func (c *Ctx) dayTime(d ProgrammeDay) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", d.Date, c.Location())
	return t
}

func (c *Ctx) today() string { return c.Now.Format("2006-01-02") }

// DayMsg names a day in a sentence: "วันที่ 2 (อ. 8 ธ.ค. 2569)".
func dayMsg(c *Ctx, d ProgrammeDay) Msg {
	return T("attendance.day", "Day", d.Day, "Date", locales.DateYear(c.dayTime(d)))
}

// DayCard is the card a selected household gets for a day: when and where,
// with will attend / cannot attend, and I am here on the day itself.
func DayCard(c *Ctx, d ProgrammeDay, h Household) Reply {
	title := T("attendance.card.title."+strconv.Itoa(d.Day), "Day", d.Day)
	start, _ := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.Start, c.Location())
	end, _ := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.End, c.Location())
	fields := []Field{
		{Label: T("attendance.label.date"), Value: T("attendance.value.date", "Date", locales.Date(start))},
		{Label: T("attendance.label.time"), Value: T("attendance.value.time", "Start", locales.Clock(start), "End", locales.Clock(end))},
		{Label: T("attendance.label.place"), Value: Raw(d.Place)},
	}
	if d.Day == StudyVisit {
		fields = append(fields, studyVisitFields(c, d)...)
	}
	will, cannot := dayButton(actIntent, d, h.ID), dayButton(actIntent, d, h.ID)
	// The study visit's card often comes with the next day's card in one
	// push: its buttons say what they answer, so the two pairs differ.
	willKey, cannotKey := "attendance.btn.will", "attendance.btn.cannot"
	if d.Day == StudyVisit {
		willKey, cannotKey = "attendance.btn.will_visit", "attendance.btn.cannot_visit"
	}
	will.Value, cannot.Value = "yes", "no"
	var buttons []Action
	if c.today() == d.Date {
		if d.Day == HomeDay {
			// Day 5 is practice at home: nobody "arrives".
			buttons = append(buttons, Action{Label: T("attendance.btn.practised"), Data: dayButton(actPractised, d, h.ID).Encode()})
		} else {
			buttons = append(buttons, Action{Label: T("attendance.btn.here"), Data: dayButton(actHere, d, h.ID).Encode()})
		}
	} else if c.today() < d.Date {
		buttons = append(buttons,
			Action{Label: T(willKey), Data: will.Encode()},
			Action{Label: T(cannotKey), Data: cannot.Encode()})
	} else if d.Day == HomeDay {
		buttons = append(buttons, Action{Label: T("attendance.btn.practised"), Data: dayButton(actPractised, d, h.ID).Encode()})
	}
	return Reply{Style: StyleCard, Title: &title, Text: T("attendance.card.text", "Name", locales.FirstName(h.HeadName)), Fields: fields, Buttons: buttons}
}

func studyVisitFields(c *Ctx, d ProgrammeDay) []Field {
	dep, _ := time.ParseInLocation("2006-01-02 15:04", d.Date+" "+d.Departure, c.Location())
	return []Field{
		{Label: T("attendance.label.destination"), Value: Raw(d.Destination)},
		{Label: T("attendance.label.meeting"), Value: Raw(d.MeetingPoint)},
		{Label: T("attendance.label.departure"), Value: T("attendance.value.clock", "Time", locales.Clock(dep))},
		{Label: T("attendance.label.bring"), Value: Raw(d.Bring)},
	}
}

// tapTarget loads what an attendance button is about and checks that the
// tapper may answer for it: the household's head, or — while the head has
// not linked LINE — a sage of its village. The day must still be the one
// the card was made for.
func (e *Engine) tapTarget(c *Ctx, p Postback) (Household, ProgrammeDay, error) {
	var h Household
	var ok bool
	var err error
	if p.Household == "" {
		// A village-wide card (a reminder): the tapper's own household.
		h, ok, err = HouseholdOfUser(c.Tx, c.In.UserID)
		if err == nil && !ok {
			return h, ProgrammeDay{}, NotFound("attendance", "attendance.err.no_household")
		}
	} else {
		h, ok, err = GetHousehold(c.Tx, p.Household)
	}
	if err != nil {
		return h, ProgrammeDay{}, err
	}
	if !ok || h.Village != p.Village {
		return h, ProgrammeDay{}, NotFound("attendance", "attendance.err.not_your_village")
	}
	a, err := actorOf(c)
	if err != nil {
		return h, ProgrammeDay{}, err
	}
	if !a.mayActFor(h, headOrTeam) {
		return h, ProgrammeDay{}, Forbidden("attendance", "attendance.err.not_yours")
	}
	if h.Status != StatusSelected {
		return h, ProgrammeDay{}, Invalid("attendance", "attendance.err.not_selected")
	}
	d, ok, err := GetDay(c.Tx, h.Village, p.Day)
	if err != nil {
		return h, d, err
	}
	if !ok {
		return h, d, NotFound("attendance", "attendance.err.no_day")
	}
	if d.Rev != p.Rev {
		c.Say(Text(T("attendance.err.moved", "Day", d.Day, "Date", locales.Date(c.dayTime(d)))), DayCard(c, d, h))
		return h, d, errHandled
	}
	return h, d, nil
}

// tooLate answers "will / cannot attend" tapped on or after the day: on
// the day, with the day's card (its "I am here"); after it, plainly.
func (e *Engine) tooLate(c *Ctx, d ProgrammeDay, h Household) error {
	if c.today() == d.Date {
		c.Say(Text(T("attendance.err.too_late_today")), DayCard(c, d, h))
		return nil
	}
	c.Say(Text(T("attendance.err.too_late")))
	return nil
}

// errHandled means the function has already said everything.
var errHandled = &Error{Kind: KindConflict, Op: "handled"}

func (e *Engine) tapped(c *Ctx, p Postback, fn func(h Household, d ProgrammeDay) error) error {
	h, d, err := e.tapTarget(c, p)
	if err == errHandled {
		return nil
	}
	if err != nil {
		return err
	}
	return fn(h, d)
}

func (c *Ctx) mark() *Mark { return &Mark{At: c.Now, By: c.In.UserID} }

func (c *Ctx) sayAlready(key string, m *Mark) {
	at := c.Now
	if m != nil {
		at = m.At.In(c.Location())
	}
	c.Say(Text(T(key, "Date", locales.ShortDate(at), "Time", locales.Clock(at))))
}

func (e *Engine) actIntent(c *Ctx, p Postback) error {
	return e.tapped(c, p, func(h Household, d ProgrammeDay) error {
		if c.today() >= d.Date {
			return e.tooLate(c, d, h)
		}
		a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
		if err != nil {
			return err
		}
		if p.Value == "no" {
			// Ask why; the answer is recorded with the reason.
			var quick []Action
			for _, r := range absenceReasons {
				label := T("attendance.reason." + r)
				why := dayButton(actReason, d, h.ID)
				why.Reason = r
				quick = append(quick, Action{Label: label, Data: why.Encode(), Say: &label})
			}
			c.Say(Text(T("attendance.ask.reason"), quick...))
			return nil
		}
		if a.Intent == IntentYes {
			c.sayAlready("attendance.already.will", a.IntentMark)
			return nil
		}
		a.Intent, a.IntentReason, a.IntentMark = IntentYes, "", c.mark()
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		done := "attendance.done.will"
		if d.Day == StudyVisit {
			done = "attendance.done.will_visit"
		}
		c.Say(Text(T(done, "Day", dayMsg(c, d).Ref())))
		return nil
	})
}

func (e *Engine) actReason(c *Ctx, p Postback) error {
	return e.tapped(c, p, func(h Household, d ProgrammeDay) error {
		if c.today() >= d.Date {
			return e.tooLate(c, d, h)
		}
		reason := p.Reason
		if !slices.Contains(absenceReasons, reason) {
			return c.stale()
		}
		a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
		if err != nil {
			return err
		}
		if a.Intent == IntentNo && a.IntentReason == reason {
			c.sayAlready("attendance.already.cannot", a.IntentMark)
			return nil
		}
		a.Intent, a.IntentReason, a.IntentMark = IntentNo, reason, c.mark()
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		c.Say(Text(T("attendance.done.cannot", "Day", dayMsg(c, d).Ref())))
		return nil
	})
}

func (e *Engine) actHere(c *Ctx, p Postback) error {
	return e.tapped(c, p, func(h Household, d ProgrammeDay) error {
		if c.today() != d.Date {
			c.Say(Text(T("attendance.err.not_today", "Date", locales.Date(c.dayTime(d)))))
			return nil
		}
		a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
		if err != nil {
			return err
		}
		if a.Presence == PresenceHere {
			c.sayAlready("attendance.already.here", a.PresenceMark)
			return nil
		}
		a.Presence, a.PresenceMark = PresenceHere, c.mark()
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		c.Say(Text(T("attendance.done.here", "Name", locales.FirstName(h.HeadName))))
		return nil
	})
}

func (e *Engine) actPractised(c *Ctx, p Postback) error {
	return e.tapped(c, p, func(h Household, d ProgrammeDay) error {
		if d.Day != HomeDay {
			return c.stale()
		}
		if c.today() < d.Date {
			c.Say(Text(T("attendance.err.not_yet", "Date", locales.Date(c.dayTime(d)))))
			return nil
		}
		a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
		if err != nil {
			return err
		}
		if a.Practised {
			c.sayAlready("attendance.already.practised", a.PractisedMark)
			return nil
		}
		a.Practised, a.PractisedMark = true, c.mark()
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		c.Say(Text(T("attendance.done.practised")))
		return nil
	})
}

// rollCaller says which village the user may take the roll of: a sage of
// its team, or an officer (any village).
func rollCaller(c *Ctx, vid int) (int, error) {
	a, err := actorOf(c)
	if err != nil {
		return 0, err
	}
	return a.villageFor("roll call", vid, false, "attendance.err.rollcall_forbidden")
}

// actRollCall opens a roll call: the village (officers choose), then the
// day (today's, when the village has a day today), then the list.
func (e *Engine) actRollCall(c *Ctx, p Postback) error {
	vid, err := rollCaller(c, p.Village)
	if err != nil {
		return err
	}
	if vid == 0 {
		return chooseVillage(c, T("attendance.rollcall.which_village"), actRollCall)
	}
	s, err := GetSchedule(c.Tx, vid)
	if err != nil {
		return err
	}
	day := p.Day
	if day == 0 {
		if d := s.DayOn(c.today()); d != nil {
			day = d.Day
		}
	}
	if day < 1 || day > Days || s[day-1] == nil {
		var acts []Action
		for _, d := range s {
			if d != nil && d.Date <= c.today() {
				acts = append(acts, Action{Label: T("attendance.rollcall.day_button", "Day", d.Day, "Date", locales.ShortDate(c.dayTime(*d))),
					Data: Postback{Action: actRollCall, Village: vid, Day: d.Day}.Encode()})
			}
		}
		if len(acts) == 0 {
			c.Say(Text(T("attendance.rollcall.no_day")))
			return nil
		}
		c.Say(Reply{Style: StyleList, Text: T("attendance.rollcall.which_day"), Buttons: acts})
		return nil
	}
	return e.rollList(c, *s[day-1])
}

// rollList shows the selected households of a day with their presence;
// tapping a row toggles it.
func (e *Engine) rollList(c *Ctx, d ProgrammeDay) error {
	if c.today() < d.Date {
		c.Say(Text(T("attendance.err.not_yet", "Date", locales.Date(c.dayTime(d)))))
		return nil
	}
	hs, err := SelectedHouseholds(c.Tx, d.Village)
	if err != nil {
		return err
	}
	recs, err := DayAttendance(c.Tx, d.Village, d.Day)
	if err != nil {
		return err
	}
	rows := make([]Row, 0, len(hs))
	here := 0
	for _, h := range hs {
		a := recs[h.ID]
		state := "attendance.roll.unknown"
		switch a.Presence {
		case PresenceHere:
			state = "attendance.roll.here"
			here++
		case PresenceAbsent:
			state = "attendance.roll.absent"
		}
		detail := T(state)
		// The row carries what a tap makes it, so a second tap on the same
		// (old) list changes nothing.
		to := PresenceHere
		if a.Presence == PresenceHere {
			to = PresenceAbsent
		}
		rows = append(rows, Row{
			Title: T("household.list.row", "Name", HouseholdName(h), "House", h.HouseNo), Detail: &detail,
			Tap: &Action{Label: T("attendance.btn.toggle"), Data: rollTap(d, h.ID, to)},
		})
	}
	title := T("attendance.rollcall.title", "Day", dayMsg(c, d).Ref())
	c.Say(Reply{Style: StyleList, Title: &title, Text: T("attendance.rollcall.text", "Here", here, "Total", len(hs)), Rows: rows})
	return nil
}

// actRollTap toggles one household: not checked → present → absent → present.
// rollTap is the postback of a roll-call row: set the household to "to".
func rollTap(d ProgrammeDay, household string, to Presence) string {
	p := dayButton(actRollTap, d, household)
	p.Value = string(to)
	return p.Encode()
}

func (e *Engine) actRollTap(c *Ctx, p Postback) error {
	if _, err := rollCaller(c, p.Village); err != nil {
		return err
	}
	h, ok, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !ok || h.Village != p.Village {
		return NotFound("roll call", "attendance.err.not_your_village")
	}
	if h.Status != StatusSelected {
		return Invalid("roll call", "attendance.err.not_selected")
	}
	d, ok, err := GetDay(c.Tx, h.Village, p.Day)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("roll call", "attendance.err.no_day")
	}
	if d.Rev != p.Rev {
		c.Say(Text(T("attendance.err.moved", "Day", d.Day, "Date", locales.Date(c.dayTime(d)))))
		return e.rollList(c, d)
	}
	if c.today() < d.Date {
		c.Say(Text(T("attendance.err.not_yet", "Date", locales.Date(c.dayTime(d)))))
		return nil
	}
	a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
	if err != nil {
		return err
	}
	to := Presence(p.Value)
	if to != PresenceHere && to != PresenceAbsent {
		return c.stale()
	}
	if a.Presence == to {
		c.Say(Text(T("attendance.roll.already", "Name", h.HeadName, "State", T("attendance.roll."+rollState(to)).Ref())))
		return e.rollList(c, d)
	}
	a.Presence = to
	a.PresenceMark = c.mark()
	if err := putAttendance(c.Tx, a); err != nil {
		return err
	}
	return e.rollList(c, d)
}

func rollState(p Presence) string {
	if p == PresenceHere {
		return "here"
	}
	return "absent"
}

// Corrections an officer can make, as field=value.
var fixChoices = []struct{ field, value string }{
	{"presence", string(PresenceHere)}, {"presence", string(PresenceAbsent)}, {"presence", ""},
	{"intent", string(IntentYes)}, {"intent", string(IntentNo)}, {"intent", ""},
	{"practised", "yes"}, {"practised", "no"},
}

// actFix walks an officer to a correction: pick the day, then the new
// value, then the reason (a form).
func (e *Engine) actFix(c *Ctx, p Postback) error {
	if err := requireOfficer(c, "correct attendance"); err != nil {
		return err
	}
	h, ok, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("correct attendance", "household.err.gone")
	}
	s, err := GetSchedule(c.Tx, h.Village)
	if err != nil {
		return err
	}
	day := p.Day
	if day < 1 || day > Days || s[day-1] == nil {
		var acts []Action
		for _, d := range s {
			if d != nil {
				acts = append(acts, Action{Label: T("attendance.rollcall.day_button", "Day", d.Day, "Date", locales.ShortDate(c.dayTime(*d))),
					Data: Postback{Action: actFix, Household: h.ID, Day: d.Day}.Encode()})
			}
		}
		if len(acts) == 0 {
			return NotFound("correct attendance", "attendance.err.no_day")
		}
		c.Say(Reply{Style: StyleList, Text: T("attendance.fix.which_day", "Name", h.HeadName), Buttons: acts})
		return nil
	}
	field, value := p.Fix, p.Value
	valid := slices.ContainsFunc(fixChoices, func(fc struct{ field, value string }) bool { return fc.field == field && fc.value == value })
	if !valid {
		var acts []Action
		for _, fc := range fixChoices {
			if fc.field == "practised" && day != HomeDay {
				continue
			}
			acts = append(acts, Action{Label: T("attendance.fix.choice." + fc.field + "." + cmpOr(fc.value, "none")),
				Data: Postback{Action: actFix, Household: h.ID, Day: day, Fix: fc.field, Value: fc.value}.Encode()})
		}
		c.Say(Reply{Style: StyleList, Text: T("attendance.fix.which_value", "Name", h.HeadName, "Day", dayMsg(c, *s[day-1]).Ref()), Buttons: acts})
		return nil
	}
	return c.StartForm(formAttFix, Answers{ansID: h.ID, "_day": itoa(day), "_field": field, "_value": value})
}

func cmpOr(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// saveFix applies an officer's correction and keeps it with its reason.
func (e *Engine) saveFix(c *Ctx, ans Answers) error {
	h, ok, err := GetHousehold(c.Tx, ans[ansID])
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("correct attendance", "household.err.gone")
	}
	day := atoi(ans["_day"])
	a, err := GetAttendance(c.Tx, h.Village, day, h.ID)
	if err != nil {
		return err
	}
	field, value := ans["_field"], ans["_value"]
	var from string
	switch field {
	case "presence":
		from = string(a.Presence)
		a.Presence, a.PresenceMark = Presence(value), c.mark()
	case "intent":
		from = string(a.Intent)
		a.Intent, a.IntentMark = Intent(value), c.mark()
		if value != string(IntentNo) {
			a.IntentReason = ""
		}
	case "practised":
		from = strconv.FormatBool(a.Practised)
		a.Practised, a.PractisedMark = value == "yes", c.mark()
		value = strconv.FormatBool(a.Practised)
	default:
		return c.stale()
	}
	a.Corrections = append(a.Corrections, Correction{At: c.Now, By: c.In.UserID, Field: field, From: from, To: value, Reason: ans["reason"]})
	if err := putAttendance(c.Tx, a); err != nil {
		return err
	}
	c.Say(Text(T("attendance.fix.saved", "Name", h.HeadName, "Day", day)))
	return nil
}
