package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

const (
	formDay      = "schedule.day"
	actSchedV    = "sch.v"      // show a village's schedule (officers)
	actSetDay    = "sch.set"    // start setting one day
	actCancelDay = "sch.cancel" // cancel one day (after a yes)
	ansVillage   = "_village"
	ansDay       = "_day"
	ansPastYes   = "yes"
)

func (e *Engine) registerSchedule() {
	e.RegisterMenu("schedule", e.mySchedule)
	e.RegisterCommand(Command{Key: "schedule.cmd.mine", In1to1: true, Run: e.mySchedule})
	e.RegisterCommand(Command{Key: "schedule.cmd.set", In1to1: true, Run: func(c *Ctx) error { return e.actScheduleVillage(c, Postback{}) }})
	e.RegisterAction(actSchedV, e.actScheduleVillage)
	e.RegisterAction(actSetDay, e.actSetDay)
	e.RegisterAction(actCancelDay, e.actCancelDay)
	isDay4 := func(a Answers) bool { return a[ansDay] == itoa(StudyVisit) }
	e.RegisterForm(&Form{
		Name:  formDay,
		Title: T("schedule.form.title"),
		TitleFor: func(c *Ctx, a Answers) Msg {
			v, _, _ := GetVillage(c.Tx, atoi(a[ansVillage]))
			return T("schedule.form.title_for", "Day", atoi(a[ansDay]), "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
		},
		Begin: func(c *Ctx, _ Answers) error { return requireOfficer(c, "set day") },
		Questions: []Question{
			{Field: "date", Ask: T("schedule.q.date"), Help: T("schedule.help.date"), Label: T("attendance.label.date"), Picker: "date",
				Parse: func(c *Ctx, _ Answers, s string) (string, *Msg) {
					d, ok := locales.ParseDate(s)
					if !ok {
						// "18 ธ.ค." or "18/12": this year, or next if it has passed.
						be := c.Now.Year() + 543
						if d, ok = locales.ParseDate(s + "/" + strconv.Itoa(be)); !ok {
							d, ok = locales.ParseDate(s + " " + strconv.Itoa(be))
						}
						if ok && d < c.today() {
							d, _ = locales.ParseDate(strings.TrimSpace(s) + " " + strconv.Itoa(be+1))
							if d == "" {
								d, _ = locales.ParseDate(strings.TrimSpace(s) + "/" + strconv.Itoa(be+1))
							}
						}
					}
					if !ok || d == "" {
						h := T("schedule.hint.date")
						return "", &h
					}
					return d, nil
				},
				Show: func(c *Ctx, v string) Msg {
					t, _ := time.ParseInLocation("2006-01-02", v, c.Location())
					return T("attendance.value.date", "Date", locales.Date(t))
				}},
			{Field: "past", Label: T("schedule.label.past"),
				When: func(a Answers) bool { return a["date"] != "" && a["date"] < a["_today"] },
				Ask:  T("schedule.q.past"), Help: T("schedule.help.past"),
				Choices: func(*Ctx, Answers) ([]Choice, error) {
					return []Choice{
						{Value: ansPastYes, Label: T("schedule.past.yes")},
						{Value: RedoPrefix + "date", Label: T("schedule.past.new_date")},
					}, nil
				},
				Show: func(_ *Ctx, v string) Msg { return T("schedule.past." + v) }},
			{Field: "start", Ask: T("schedule.q.start"), Label: T("schedule.label.start"), Picker: "time", Parse: clockParser, Show: showClock},
			{Field: "end", Ask: T("schedule.q.end"), Label: T("schedule.label.end"), Picker: "time", Parse: clockParser, Show: showClock},
			{Field: "place", Ask: T("schedule.q.place"), Label: T("attendance.label.place"), Parse: textParser(120, "schedule.hint.text")},
			{Field: "destination", Ask: T("schedule.q.destination"), Label: T("attendance.label.destination"), When: isDay4, Parse: textParser(120, "schedule.hint.text")},
			{Field: "meeting", Ask: T("schedule.q.meeting"), Label: T("attendance.label.meeting"), When: isDay4, Parse: textParser(120, "schedule.hint.text")},
			{Field: "departure", Ask: T("schedule.q.departure"), Label: T("attendance.label.departure"), When: isDay4, Picker: "time", Parse: clockParser, Show: showClock},
			{Field: "bring", Ask: T("schedule.q.bring"), Label: T("attendance.label.bring"), When: isDay4, Parse: textParser(200, "schedule.hint.text")},
		},
		Save: e.saveDay,
	})
}

func clockParser(_ *Ctx, _ Answers, s string) (string, *Msg) {
	v, ok := locales.ParseClock(s)
	if !ok {
		h := T("schedule.hint.time")
		return "", &h
	}
	return v, nil
}

func showClock(_ *Ctx, v string) Msg {
	t, _ := time.Parse("15:04", v)
	return T("attendance.value.clock", "Time", locales.Clock(t))
}

// mySchedule shows the user their village's five days: a household its
// own village, a sage their team's; an officer picks a village.
func (e *Engine) mySchedule(c *Ctx) error {
	if officer, err := IsOfficer(c.Tx, c.In.UserID); err != nil {
		return err
	} else if officer {
		return e.actScheduleVillage(c, Postback{})
	}
	h, isHousehold, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	vid := h.Village
	if !isHousehold {
		role, err := SageRoleOf(c.Tx, c.In.UserID)
		if err != nil {
			return err
		}
		vid = role.Village
		if vid == 0 {
			if s, ok, err := GetSage(c.Tx, c.In.UserID); err != nil {
				return err
			} else if v, found := placeVillage(c.Tx, s.Moo, s.Tambon); ok && found {
				vid = v.ID
			}
		}
	}
	if vid == 0 {
		c.Say(Text(T("schedule.none_for_you"), e.mainMenu(c)...))
		return nil
	}
	if err := e.showSchedule(c, vid, false); err != nil {
		return err
	}
	if isHousehold && h.Status == StatusSelected {
		// The card for today or the next day, with its buttons.
		s, err := GetSchedule(c.Tx, vid)
		if err != nil {
			return err
		}
		for _, d := range s {
			if d != nil && d.Date >= c.today() {
				c.Say(DayCard(c, *d, h))
				break
			}
		}
	}
	return nil
}

// showSchedule says a village's days as a card; officers get buttons to
// set each day.
func (e *Engine) showSchedule(c *Ctx, vid int, editable bool) error {
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("schedule", "schedule.err.no_village")
	}
	s, err := GetSchedule(c.Tx, vid)
	if err != nil {
		return err
	}
	var fields []Field
	var buttons []Action
	for i, d := range s {
		label := T("schedule.row.label", "N", i+1)
		if d == nil {
			fields = append(fields, Field{Label: label, Value: T("schedule.row.unset")})
		} else {
			start, end := d.StartsAt(c.Location()), d.EndsAt(c.Location())
			fields = append(fields, Field{Label: label, Value: T("schedule.row.value",
				"Date", locales.ShortDate(start), "Start", locales.Clock(start), "End", locales.Clock(end), "Place", d.Place,
				"Kind", T("schedule.kind."+itoa(i+1)).Ref())})
		}
		if editable {
			buttons = append(buttons, Action{Label: T("schedule.btn.set_day", "N", i+1), Data: Postback{Action: actSetDay, Village: vid, Day: i + 1}.Encode()})
		}
	}
	if editable && slices.ContainsFunc(s[:], func(d *ProgrammeDay) bool { return d != nil }) {
		buttons = append(buttons, Action{Label: T("schedule.btn.cancel_day"), Data: Postback{Action: actCancelDay, Village: vid}.Encode()})
	}
	title := T("schedule.title", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
	c.Say(Reply{Style: StyleCard, Title: &title, Text: T("schedule.text", "Occupation", v.Occupation), Fields: fields, Buttons: buttons})
	return nil
}

// actCancelDay cancels a programme day: the officer picks the day, says
// yes, and the day goes — its reminders with it — and the village's
// households and sages are told.
func (e *Engine) actCancelDay(c *Ctx, p Postback) error {
	if err := requireOfficer(c, "cancel day"); err != nil {
		return err
	}
	vid := p.Village
	s, err := GetSchedule(c.Tx, vid)
	if err != nil {
		return err
	}
	day := p.Day
	if day < 1 || day > Days || s[day-1] == nil {
		if p.Day != 0 {
			return NotFound("cancel day", "attendance.err.no_day")
		}
		var acts []Action
		for _, d := range s {
			if d != nil {
				acts = append(acts, Action{Label: T("attendance.rollcall.day_button", "Day", d.Day, "Date", locales.ShortDate(c.dayTime(*d))),
					Data: Postback{Action: actCancelDay, Village: vid, Day: d.Day}.Encode()})
			}
		}
		if len(acts) == 0 {
			return NotFound("cancel day", "attendance.err.no_day")
		}
		c.Say(Reply{Style: StyleList, Text: T("schedule.cancel.which"), Buttons: acts})
		return nil
	}
	d := *s[day-1]
	if !p.Yes {
		c.Say(Reply{Style: StyleConfirm, Text: T("schedule.cancel.confirm", "Day", dayMsg(c, d).Ref()), Buttons: []Action{
			{Label: T("conv.btn.yes"), Data: Postback{Action: actCancelDay, Village: vid, Day: day, Rev: d.Rev, Yes: true}.Encode()},
			{Label: T("conv.btn.no"), Data: Postback{Action: actSchedV, Village: vid}.Encode()},
		}})
		return nil
	}
	if p.Rev != d.Rev {
		c.Say(Text(T("schedule.cancel.changed")))
		return e.showSchedule(c, vid, true)
	}
	if err := e.cancelDay(c, d); err != nil {
		return err
	}
	notice, err := e.noticeForecast(c, vid)
	if err != nil {
		return err
	}
	c.Say(Text(T("schedule.cancel.done", "Day", dayMsg(c, d).Ref(), "Notice", notice.Ref())))
	return e.showSchedule(c, vid, true)
}

// cancelDay removes a day and its plan and keeps its answers in history.
// The village's selected households and its sages hear of it in the
// village's change notice (notices.go): a cancellation followed by a new
// date within a few minutes is one notice, saying where the day went.
func (e *Engine) cancelDay(c *Ctx, d ProgrammeDay) error {
	if err := clearDay(c.Tx, d.Village, d.Day, c.Now); err != nil {
		return err
	}
	if err := c.Tx.Days().Delete(DayRef{d.Village, d.Day}); err != nil {
		return err
	}
	if err := e.planDay(c.Tx, &d, nil, c.Now); err != nil {
		return err
	}
	// The revision count marks the day as once set: when it is set again,
	// that is news (storeDay).
	ref := DayRef{d.Village, d.Day}
	last, _, err := c.Tx.DayRevisions().Get(ref)
	if err != nil {
		return err
	}
	if n := max(last.N, int64(d.Rev), 1); n != last.N {
		if err := c.Tx.DayRevisions().Put(ref, PushCount{N: n}); err != nil {
			return err
		}
	}
	return e.noteChange(c.Tx, d.Village, d.Day, &d, c.Now)
}

func (e *Engine) actScheduleVillage(c *Ctx, p Postback) error {
	if err := requireOfficer(c, "schedule"); err != nil {
		return err
	}
	vid := p.Village
	if vid == 0 {
		return chooseVillage(c, T("schedule.which_village"), actSchedV)
	}
	return e.showSchedule(c, vid, true)
}

// actSetDay starts the form for one day, prefilled with what is set.
func (e *Engine) actSetDay(c *Ctx, p Postback) error {
	if err := requireOfficer(c, "set day"); err != nil {
		return err
	}
	vid, day := p.Village, p.Day
	if _, ok, err := GetVillage(c.Tx, vid); err != nil {
		return err
	} else if !ok || day < 1 || day > Days {
		return NotFound("set day", "schedule.err.no_village")
	}
	a := Answers{ansVillage: itoa(vid), ansDay: itoa(day), "_today": c.today()}
	if d, ok, err := GetDay(c.Tx, vid, day); err != nil {
		return err
	} else if ok {
		a["date"], a["start"], a["end"], a["place"] = d.Date, d.Start, d.End, d.Place
		if day == StudyVisit {
			a["destination"], a["meeting"], a["departure"], a["bring"] = d.Destination, d.MeetingPoint, d.Departure, d.Bring
		}
		if d.Date < c.today() {
			a["past"] = ansPastYes
		}
	}
	return c.StartForm(formDay, a)
}

func (e *Engine) saveDay(c *Ctx, a Answers) error {
	if a["date"] < c.today() && a["past"] != ansPastYes {
		// The date passed while the form was open (or was typed so): the
		// correction question now applies, and is asked next.
		a["_today"] = c.today()
		return Invalid("set day", "schedule.err.past")
	}
	d := ProgrammeDay{Village: atoi(a[ansVillage]), Day: atoi(a[ansDay]), Date: a["date"], Start: a["start"], End: a["end"], Place: a["place"]}
	if d.Day == StudyVisit {
		d.Destination, d.MeetingPoint, d.Departure, d.Bring = a["destination"], a["meeting"], a["departure"], a["bring"]
	}
	moved, err := e.setDay(c.Tx, d, c.Now, c.In.UserID, a["past"] == ansPastYes)
	if err != nil {
		return err
	}
	key := "schedule.saved"
	if moved {
		key = "schedule.saved_moved"
	}
	notice, err := e.noticeForecast(c, d.Village)
	if err != nil {
		return err
	}
	c.Say(Text(T(key, "Day", d.Day, "Notice", notice.Ref())))
	return e.showSchedule(c, d.Village, true)
}
