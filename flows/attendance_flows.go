package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Action names of attendance buttons.
const (
	actIntent    = "att.i"     // will attend / cannot attend
	actReason    = "att.r"     // why not
	actHere      = "att.here"  // I am here (on the day)
	actPractised = "att.done"  // practised at home (day 5)
	actRollCall  = "rc"        // open a roll call
	actRollTap   = "rc.t"      // toggle one household in a roll call
	actFix       = "att.fix"   // an officer corrects a record
	actRollAll   = "rc.all"    // a roll call's "all present"
	actSeats     = "att.seats" // how many people go on the study visit
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
	e.RegisterAction(actRollAll, e.actRollAll)
	e.RegisterAction(actSeats, e.actSeats)
	e.RegisterCommand(Command{Key: "attendance.cmd.rollcall", In1to1: true, Run: func(c *Ctx) error { return e.actRollCall(c, Postback{}) }})
	// The buttons' words typed do what the buttons do.
	e.RegisterCommand(Command{Key: "attendance.btn.here", In1to1: true, Run: e.hereToday})
	e.RegisterCommand(Command{Key: "attendance.btn.practised", In1to1: true, Run: e.practisedToday})
	e.RegisterCommand(Command{In1to1: true, Claim: e.claimSeats})
	e.RegisterForm(&Form{
		Name:  formAttFix,
		Title: T("attendance.fix.title"),
		Questions: []Question{{
			Field: "reason", Ask: T("attendance.fix.reason"), Label: T("household.reason.label"),
			Parse: textParser(200, "household.hint.reason"),
		}},
		Facts: fixFacts,
		Begin: func(c *Ctx, _ Answers) error { return requireOfficer(c, "correct attendance") },
		Save:  e.saveFix,
	})
}

// fixFacts tell the officer, on the correction's confirm card, what is
// being corrected: the household, the day, and the record old → new.
func fixFacts(c *Ctx, a Answers) []Field {
	h, ok, err := GetHousehold(c.Tx, a[ansID])
	if err != nil || !ok {
		return nil
	}
	day := atoi(a["_day"])
	rec, err := GetAttendance(c.Tx, h.Village, day, h.ID)
	if err != nil {
		return nil
	}
	field := a["_field"]
	var from string
	switch field {
	case "presence":
		from = string(rec.Presence)
	case "intent":
		from = string(rec.Intent)
	case "practised":
		from = "no"
		if rec.Practised {
			from = "yes"
		}
	default:
		return nil
	}
	choice := func(v string) Msg { return T("attendance.fix.choice." + field + "." + cmpOr(v, "none")) }
	return []Field{
		{Label: T("attendance.fix.fact.household"), Value: T("household.list.row", "Name", HouseholdName(h), "House", h.HouseNo)},
		{Label: T("attendance.fix.fact.day"), Value: T("attendance.fix.fact.day_value", "Day", day)},
		{Label: T("attendance.fix.fact.change"), Value: T("attendance.fix.fact.change_value", "From", choice(from).Ref(), "To", choice(a["_value"]).Ref())},
	}
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
// the card was made for: a card from before a change answers with the day
// as it is now, and its current card.
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
		c.Say(Text(dayChanged(c, d)), DayCard(c, d, h))
		return h, d, errHandled
	}
	return h, d, nil
}

// dayChanged says a card is older than its day, and what the day is now:
// its date, time and place (the card may be from before a change of any
// of them, or of none that it showed).
func dayChanged(c *Ctx, d ProgrammeDay) Msg {
	start := d.StartsAt(c.Location())
	if d.Day == StudyVisit {
		start = d.DepartsAt(c.Location())
	}
	return T("attendance.err.changed", "Day", d.Day, "Date", locales.Date(c.dayTime(d)),
		"Start", locales.Clock(start), "End", locales.Clock(d.EndsAt(c.Location())), "Place", d.Place)
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
			// Recorded at once (a household that never picks a reason
			// still cannot come, and the summary says so), then asked why.
			if a.Intent != IntentNo {
				a.Intent, a.IntentReason, a.IntentMark = IntentNo, "", c.markAs(c.tapSource(h))
				if err := putAttendance(c.Tx, a); err != nil {
					return err
				}
			}
			var quick []Action
			other := ""
			for _, r := range absenceReasons {
				label := T("attendance.reason." + r)
				why := dayButton(actReason, d, h.ID)
				why.Reason = r
				quick = append(quick, Action{Label: label, Data: why.Encode(), Say: &label})
				if r == "misc" {
					other = why.Encode()
				}
			}
			// Any words typed in answer ("ต้องพาแม่ไปหาหมอ") are a reason:
			// another one.
			ask := Text(T("attendance.ask.reason"), quick...)
			ask.Other = other
			c.Say(ask)
			return nil
		}
		if d.Day == StudyVisit {
			return e.willVisit(c, h, d, a)
		}
		if a.Intent == IntentYes {
			c.sayAlready("attendance.already.will", a.IntentMark)
			return nil
		}
		a.Intent, a.IntentReason, a.IntentMark = IntentYes, "", c.markAs(c.tapSource(h))
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		key := "attendance.done.will"
		if d.Day == HomeDay {
			key = "attendance.done.will_home" // nobody arrives: practice at home
		}
		c.Say(Text(T(key, "Day", dayMsg(c, d).Ref())))
		return nil
	})
}

// MaxSeats is the most people one household may book on the study visit's
// bus by typing; the buttons offer 0–9.
const MaxSeats = 20

// willVisit records "🚌 going" on the study visit (one seat until said
// otherwise) and asks how many people go, with buttons 0–9; a number typed
// soon after answers too (claimSeats).
func (e *Engine) willVisit(c *Ctx, h Household, d ProgrammeDay, a Attendance) error {
	if a.Intent != IntentYes {
		a.Intent, a.IntentReason, a.IntentMark = IntentYes, "", c.markAs(c.tapSource(h))
		c.Say(Text(T("attendance.done.will_visit", "Day", dayMsg(c, d).Ref())))
	}
	now := c.Now
	a.SeatsAsked = &now
	if err := putAttendance(c.Tx, a); err != nil {
		return err
	}
	quick := make([]Action, 0, 10)
	for _, n := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0} {
		label := T("attendance.seats.btn", "N", n)
		if n == 0 {
			label = T("attendance.seats.btn_none")
		}
		pb := dayButton(actSeats, d, h.ID)
		pb.Value = strconv.Itoa(n)
		quick = append(quick, Action{Label: label, Data: pb.Encode(), Say: &label})
	}
	c.Say(Text(T("attendance.seats.ask"), quick...))
	return nil
}

// actSeats records how many people of a household go on the study visit.
func (e *Engine) actSeats(c *Ctx, p Postback) error {
	return e.tapped(c, p, func(h Household, d ProgrammeDay) error {
		n, err := strconv.Atoi(p.Value)
		if err != nil || n < 0 || n > MaxSeats || d.Day != StudyVisit {
			return c.stale()
		}
		return e.saveSeats(c, h, d, n)
	})
}

// saveSeats records n people going (0: not going).
func (e *Engine) saveSeats(c *Ctx, h Household, d ProgrammeDay, n int) error {
	if c.today() >= d.Date {
		return e.tooLate(c, d, h)
	}
	a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
	if err != nil {
		return err
	}
	a.SeatsAsked = nil
	if n == 0 {
		a.Intent, a.IntentReason, a.Seats, a.IntentMark = IntentNo, "", 0, c.markAs(c.tapSource(h))
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		c.Say(Text(T("attendance.seats.none", "Day", dayMsg(c, d).Ref())))
		return nil
	}
	a.Intent, a.IntentReason, a.Seats, a.IntentMark = IntentYes, "", n, c.markAs(c.tapSource(h))
	if err := putAttendance(c.Tx, a); err != nil {
		return err
	}
	c.Say(Text(T("attendance.seats.done", "N", n, "Day", dayMsg(c, d).Ref())))
	return nil
}

// claimSeats reads a number typed by a household just asked how many
// people go on the study visit ("3", "๓ คน", "สามคน").
//
// "ไปสองคน" ("two of us go") says it is about the study visit, so it
// answers the study visit's card too, from the evening it comes (two days
// ahead, headcountLead) until the day, before "ไปด้วย" was tapped: the
// card usually comes as an evening push whose buttons no answer offered.
func (e *Engine) claimSeats(c *Ctx) (bool, error) {
	text, going := cutGoing(c.In.Text)
	n, ok := locales.ParseCount(text)
	if !ok {
		return false, nil
	}
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil || !ok || h.Status != StatusSelected {
		return false, err
	}
	d, ok, err := GetDay(c.Tx, h.Village, StudyVisit)
	if err != nil || !ok {
		return false, err
	}
	a, err := GetAttendance(c.Tx, h.Village, StudyVisit, h.ID)
	if err != nil {
		return false, err
	}
	asked := a.SeatsAsked != nil && c.Now.Sub(*a.SeatsAsked) <= e.cfg.ConversationTimeout
	ahead := c.today() < d.Date && c.dayTime(d).Sub(c.dayTime(ProgrammeDay{Date: c.today()})) <= headcountLead
	if !asked && !(going && ahead) {
		return false, nil
	}
	if n > MaxSeats {
		c.Say(Text(T("attendance.seats.too_many", "Max", MaxSeats)))
		return true, nil
	}
	return true, e.saveSeats(c, h, d, n)
}

// headcountLead is how far ahead of the study visit a household may
// answer its headcount in words ("ไปสองคน") without tapping first: the
// question comes two days before (the evening before day 3).
const headcountLead = 3 * 24 * time.Hour

// goingWords start a typed headcount: "ไปด้วย 2 คน", "ไปสองคน", "go 3".
var goingWords = []string{"ไปด้วย", "ไป", "going", "go"}

// cutGoing removes a leading "ไป" ("go") from a typed headcount and says
// whether there was one.
func cutGoing(s string) (string, bool) {
	t := strings.TrimSpace(locales.NormalizeDigits(s))
	for _, w := range goingWords {
		if rest, ok := strings.CutPrefix(strings.ToLower(t), w); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
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
		a.Intent, a.IntentReason, a.IntentMark, a.Seats, a.SeatsAsked = IntentNo, reason, c.markAs(c.tapSource(h)), 0, nil
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		c.Say(Text(T("attendance.done.cannot", "Day", dayMsg(c, d).Ref())))
		return nil
	})
}

// actHere is "I am here" from every path (the day's card, the rich menu,
// the typed word): accepted from CheckInEarly before the day's start until
// its end; on day 5 (practice at home) it records practice instead.
func (e *Engine) actHere(c *Ctx, p Postback) error {
	return e.tapped(c, p, func(h Household, d ProgrammeDay) error {
		if d.Day == HomeDay {
			return e.recordPractised(c, h, d)
		}
		if e.checkInRefused(c, d) {
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
		if !a.applyMark(fieldPresence, string(PresenceHere), c.markAs(c.tapSource(h)), h.UserID) {
			// A stronger mark stays; the tap is kept for the officer.
			if err := putAttendance(c.Tx, a); err != nil {
				return err
			}
			c.sayHeld(fieldPresence, string(a.Presence), a.PresenceMark, MarkSource(a.PresenceMark, h.UserID))
			return nil
		}
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
		return e.recordPractised(c, h, d)
	})
}

// recordPractised records day 5's practice at home, from the day on.
func (e *Engine) recordPractised(c *Ctx, h Household, d ProgrammeDay) error {
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
	if !a.applyMark(fieldPractised, "true", c.markAs(c.tapSource(h)), h.UserID) {
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		c.sayHeld(fieldPractised, "false", a.PractisedMark, MarkSource(a.PractisedMark, h.UserID))
		return nil
	}
	if err := putAttendance(c.Tx, a); err != nil {
		return err
	}
	c.Say(Text(T("attendance.done.practised")))
	return nil
}

// practisedToday is "ฝึกแล้ว" typed: day 5 of the user's household.
func (e *Engine) practisedToday(c *Ctx) error {
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok || h.Status != StatusSelected {
		return e.hereToday(c) // says what a user without a selected household gets
	}
	d, ok, err := GetDay(c.Tx, h.Village, HomeDay)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("practised", "attendance.err.no_day")
	}
	return e.recordPractised(c, h, d)
}

// rollCaller says which village the user may take the roll of: a sage of
// its team, or an officer (any village), and whether the user is an officer.
func rollCaller(c *Ctx, vid int) (int, bool, error) {
	a, err := actorOf(c)
	if err != nil {
		return 0, false, err
	}
	vid, err = a.villageFor("roll call", vid, false, "attendance.err.rollcall_forbidden")
	return vid, a.Officer, err
}

// actRollCall opens a roll call: the village (officers choose), then the
// day (today's, when the village has a day today), then the card. A day's
// roll call is open for RollCallDays days; after that an officer's card
// corrects (with a reason) and a sage is sent to the officer.
func (e *Engine) actRollCall(c *Ctx, p Postback) error {
	vid, officer, err := rollCaller(c, p.Village)
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
		past := false
		for _, d := range s {
			if d == nil || d.Date > c.today() {
				continue
			}
			past = true
			if officer || c.rollOpen(*d) {
				acts = append(acts, Action{Label: T("attendance.rollcall.day_button", "Day", d.Day, "Date", locales.ShortDate(c.dayTime(*d))),
					Data: Postback{Action: actRollCall, Village: vid, Day: d.Day}.Encode()})
			}
		}
		switch {
		case len(acts) > 0:
			c.Say(Reply{Style: StyleList, Text: T("attendance.rollcall.which_day"), Buttons: acts})
		case past:
			c.Say(Text(T("attendance.rollcall.closed", "Days", RollCallDays)))
		default:
			c.Say(Text(T("attendance.rollcall.no_day")))
		}
		return nil
	}
	d := *s[day-1]
	if c.today() < d.Date {
		c.Say(Text(T("attendance.err.not_yet", "Date", locales.Date(c.dayTime(d)))))
		return nil
	}
	if !officer && !c.rollOpen(d) {
		c.Say(Text(T("attendance.rollcall.closed", "Days", RollCallDays)))
		return nil
	}
	return e.rollList(c, d, officer)
}

// rollEntry is one household's line in a roll call.
type rollEntry struct {
	h Household
	a Attendance
}

// rollEntries are a day's selected households with their records, and how
// many are marked on (present; practised on day 5).
func rollEntries(c *Ctx, d ProgrammeDay) ([]rollEntry, int, error) {
	hs, err := SelectedHouseholds(c.Tx, d.Village)
	if err != nil {
		return nil, 0, err
	}
	recs, err := DayAttendance(c.Tx, d.Village, d.Day)
	if err != nil {
		return nil, 0, err
	}
	out := make([]rollEntry, 0, len(hs))
	on := 0
	for _, h := range hs {
		a, ok := recs[h.ID]
		if !ok {
			a = Attendance{Village: d.Village, Day: d.Day, Household: h.ID}
		}
		if v, _ := a.dayValue(dayField(d.Day)); v == onValue(d.Day) {
			on++
		}
		out = append(out, rollEntry{h, a})
	}
	return out, on, nil
}

// onValue and offValue are a day's two roll-call values: present / absent,
// practised / not practised on day 5.
func onValue(day int) string {
	if day == HomeDay {
		return "true"
	}
	return string(PresenceHere)
}

func offValue(day int) string {
	if day == HomeDay {
		return "false"
	}
	return string(PresenceAbsent)
}

// rollWire turns a day value into a roll-call button's value (present,
// absent or "") and back: the buttons say present/absent on every day.
func rollWire(day int, value string) string {
	switch value {
	case onValue(day):
		return string(PresenceHere)
	case offValue(day):
		return string(PresenceAbsent)
	}
	return ""
}

func fromWire(day int, wire string) string {
	switch Presence(wire) {
	case PresenceHere:
		return onValue(day)
	case PresenceAbsent:
		return offValue(day)
	}
	return ""
}

// rollList shows a village-day's selected households in one card with
// their marks. A sage's tap on a row marks it (a short answer, not the card
// again); "all present" marks everyone not yet marked by a sage or an
// officer. An officer's tap on a row opens its correction (the new value,
// then the reason).
func (e *Engine) rollList(c *Ctx, d ProgrammeDay, officer bool) error {
	entries, on, err := rollEntries(c, d)
	if err != nil {
		return err
	}
	field := dayField(d.Day)
	open := c.rollOpen(d)
	rows := make([]Row, 0, len(entries))
	for _, en := range entries {
		v, _ := en.a.dayValue(field)
		detail := stateMsg(field, v)
		if len(en.a.Conflicts) > 0 && officer {
			detail = T("attendance.roll.conflict", "State", detail.Ref())
		}
		var tap *Action
		if officer {
			tap = &Action{Label: T("attendance.btn.fix"), Data: Postback{Action: actFix, Household: en.h.ID, Day: d.Day}.Encode()}
		} else if open {
			tap = &Action{Label: T("attendance.btn.toggle"), Data: rollTap(d, en.h.ID, v)}
		}
		rows = append(rows, Row{Title: T("household.list.row", "Name", HouseholdName(en.h), "House", en.h.HouseNo), Detail: &detail, Tap: tap})
	}
	title := T("attendance.rollcall.title", "Day", dayMsg(c, d).Ref())
	textKey, countKey := "attendance.rollcall.text", "attendance.rollcall.count"
	if d.Day == HomeDay {
		textKey, countKey = "attendance.rollcall.text_home", "attendance.rollcall.count_home"
	}
	counts := T(countKey, "Here", on, "Total", len(entries))
	text := T(textKey, "Counts", counts.Ref())
	if officer {
		// One hint: the officer's (a tap corrects, with a reason).
		text = T("attendance.rollcall.text_officer", "Counts", counts.Ref())
	}
	var buttons []Action
	if open && len(entries) > 0 {
		all := dayButton(actRollAll, d, "")
		label := "attendance.btn.all_present"
		if d.Day == HomeDay {
			label = "attendance.btn.all_practised"
		}
		buttons = append(buttons, Action{Label: T(label), Data: all.Encode()})
	}
	c.Say(Reply{Style: StyleList, Title: &title, Text: text, Rows: rows, Buttons: buttons})
	return nil
}

// rollTap is the postback of a roll-call row showing the day value shown:
// a tap sets the other value (present when nothing is shown). It carries
// what it showed ("to~from"), so that a tap on a row that changed since
// the card was drawn is recognised.
func rollTap(d ProgrammeDay, household, shown string) string {
	to := onValue(d.Day)
	if shown == onValue(d.Day) {
		to = offValue(d.Day)
	}
	p := dayButton(actRollTap, d, household)
	p.Value = rollWire(d.Day, to) + "~" + rollWire(d.Day, shown)
	return p.Encode()
}

// rollDay loads and checks the household and day of a roll-call button.
func (e *Engine) rollDay(c *Ctx, p Postback) (ProgrammeDay, bool, error) {
	_, officer, err := rollCaller(c, p.Village)
	if err != nil {
		return ProgrammeDay{}, false, err
	}
	d, ok, err := GetDay(c.Tx, p.Village, p.Day)
	if err != nil {
		return d, false, err
	}
	if !ok {
		return d, false, NotFound("roll call", "attendance.err.no_day")
	}
	if d.Rev != p.Rev {
		c.Say(Text(dayChanged(c, d)))
		return d, false, e.rollList(c, d, officer)
	}
	if c.today() < d.Date {
		c.Say(Text(T("attendance.err.not_yet", "Date", locales.Date(c.dayTime(d)))))
		return d, false, nil
	}
	if !c.rollOpen(d) {
		c.Say(Text(T("attendance.rollcall.closed", "Days", RollCallDays)))
		return d, false, nil
	}
	return d, true, nil
}

// actRollTap marks one household from a roll-call row and answers with
// one short line: the name and the day's new count.
func (e *Engine) actRollTap(c *Ctx, p Postback) error {
	d, ok, err := e.rollDay(c, p)
	if err != nil || !ok {
		return err
	}
	h, found, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !found || h.Village != p.Village {
		return NotFound("roll call", "attendance.err.not_your_village")
	}
	if h.Status != StatusSelected {
		return Invalid("roll call", "attendance.err.not_selected")
	}
	a, err := GetAttendance(c.Tx, h.Village, d.Day, h.ID)
	if err != nil {
		return err
	}
	field := dayField(d.Day)
	wireTo, wireFrom, fresh := strings.Cut(p.Value, "~")
	to, from := fromWire(d.Day, wireTo), fromWire(d.Day, wireFrom)
	if to == "" {
		return c.stale()
	}
	cur, _ := a.dayValue(field)
	switch {
	case fresh && cur != from && a.AllPresent && cur == onValue(d.Day) && from == "":
		// After "all present", a row drawn before it: the tap is an
		// exception.
		to = offValue(d.Day)
	case fresh && cur != from, !fresh && cur == to:
		// The row changed since the card was drawn (a second tap, or
		// someone else's mark): say what it is now.
		return e.sayRoll(c, d, h, cur, "attendance.roll.now")
	}
	if !a.applyMark(field, to, c.markAs(SourceRollCall), h.UserID) {
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
		held, m := a.dayValue(field)
		c.sayHeld(field, held, m, MarkSource(m, h.UserID))
		return nil
	}
	if err := putAttendance(c.Tx, a); err != nil {
		return err
	}
	return e.sayRoll(c, d, h, to, "attendance.roll.tapped")
}

// sayRoll answers a roll-call tap in one line ("✓ มาลี · มา 12/20"), with
// chips to change it back and to see the card again.
func (e *Engine) sayRoll(c *Ctx, d ProgrammeDay, h Household, value, key string) error {
	entries, on, err := rollEntries(c, d)
	if err != nil {
		return err
	}
	field := dayField(d.Day)
	mark := "✓"
	if value != onValue(d.Day) {
		mark = "✗"
	}
	counts := "attendance.roll.count"
	if d.Day == HomeDay {
		counts = "attendance.roll.count_home"
	}
	other := onValue(d.Day)
	if value == onValue(d.Day) {
		other = offValue(d.Day)
	}
	back := T("attendance.btn.set." + other)
	card := T("attendance.cmd.rollcall")
	c.Say(Text(T(key, "Mark", mark, "Name", locales.FirstName(h.HeadName), "State", stateMsg(field, value).Ref(),
		"Counts", T(counts, "Here", on, "Total", len(entries)).Ref()),
		Action{Label: back, Data: rollTap(d, h.ID, value)},
		Action{Label: card, Data: Postback{Action: actRollCall, Village: d.Village, Day: d.Day}.Encode(), Say: &card}))
	return nil
}

// actRollAll marks every household of the day present (practised on day
// 5) that no sage or officer has marked yet; exceptions are then tapped.
func (e *Engine) actRollAll(c *Ctx, p Postback) error {
	d, ok, err := e.rollDay(c, p)
	if err != nil || !ok {
		return err
	}
	entries, _, err := rollEntries(c, d)
	if err != nil {
		return err
	}
	field, on := dayField(d.Day), onValue(d.Day)
	for _, en := range entries {
		a := en.a
		cur, m := a.dayValue(field)
		if cur == on || cur != "" && MarkSource(m, en.h.UserID).rank() >= SourceRollCall.rank() {
			continue // already on, or marked by a sage or an officer: kept
		}
		a.setDayValue(field, on, c.markAs(SourceRollCall))
		a.AllPresent = true
		if err := putAttendance(c.Tx, a); err != nil {
			return err
		}
	}
	_, n, err := rollEntries(c, d)
	if err != nil {
		return err
	}
	key := "attendance.roll.all_done"
	if d.Day == HomeDay {
		key = "attendance.roll.all_done_home"
	}
	card := T("attendance.cmd.rollcall")
	c.Say(Text(T(key, "Here", n, "Total", len(entries)),
		Action{Label: card, Data: Postback{Action: actRollCall, Village: d.Village, Day: d.Day}.Encode(), Say: &card}))
	return nil
}

// Corrections an officer can make, as field=value.
var fixChoices = []struct{ field, value string }{
	{"presence", string(PresenceHere)}, {"presence", string(PresenceAbsent)}, {"presence", ""},
	{"practised", "yes"}, {"practised", "no"},
	{"intent", string(IntentYes)}, {"intent", string(IntentNo)}, {"intent", ""},
}

// actFix walks an officer to a correction: pick the day, then the new
// value, then the reason (a form). From a roll-call row or a household's
// day the day is known: the household, the value, the reason.
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
		a, err := GetAttendance(c.Tx, h.Village, day, h.ID)
		if err != nil {
			return err
		}
		c.sayRecord(a, h)
		var acts []Action
		for _, fc := range fixChoices {
			if fc.field == "practised" && day != HomeDay || fc.field == "presence" && day == HomeDay {
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

// sayRecord shows an officer what a household's day records now, who
// recorded it, and the latest mark that was not applied because a
// stronger one held (a conflict), if any.
func (c *Ctx) sayRecord(a Attendance, h Household) {
	field := dayField(a.Day)
	v, m := a.dayValue(field)
	if m != nil {
		at := m.At.In(c.Location())
		c.Say(Text(T("attendance.fix.now", "State", stateMsg(field, v).Ref(), "By", T("attendance.source."+string(MarkSource(m, h.UserID))).Ref(),
			"Date", locales.ShortDate(at), "Time", locales.Clock(at))))
	} else {
		c.Say(Text(T("attendance.fix.now_none", "State", stateMsg(field, v).Ref())))
	}
	if n := len(a.Conflicts); n > 0 {
		last := a.Conflicts[n-1]
		at := last.Mark.At.In(c.Location())
		c.Say(Text(T("attendance.fix.conflict", "N", n, "Who", T("attendance.source."+string(MarkSource(&last.Mark, h.UserID))).Ref(),
			"Value", stateMsg(last.Field, last.Value).Ref(), "Date", locales.ShortDate(at), "Time", locales.Clock(at),
			"Held", stateMsg(last.Field, last.Held).Ref(), "HeldBy", T("attendance.source."+string(last.HeldBy)).Ref())))
	}
}

func cmpOr(a, b string) string {
	if a == "" {
		return b
	}
	return a
}

// saveFix applies an officer's correction and keeps it with its reason.
// An officer's mark outranks every other.
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
	m := c.markAs(SourceOfficer)
	var from string
	switch field {
	case "presence":
		from = string(a.Presence)
		a.setDayValue(fieldPresence, value, m)
	case "intent":
		from = string(a.Intent)
		a.Intent, a.IntentMark = Intent(value), m
		if value != string(IntentNo) {
			a.IntentReason = ""
		}
	case "practised":
		from = strconv.FormatBool(a.Practised)
		a.setDayValue(fieldPractised, strconv.FormatBool(value == "yes"), m)
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
