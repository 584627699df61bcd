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
	// ansNext is the next weekday after the latest day set before this one
	// (offered as "วันถัดไป"); ansHasDay1 is set when day 1 is set, whose
	// time and place a later day may take ("เหมือนวันที่ 1").
	ansNext    = "_next"
	ansHasDay1 = "_day1"
	// startSame, as the start's answer, takes day 1's time and place
	// ("เหมือนวันที่ 1"): the end and place are then not asked.
	startSame = "same"
)

func (e *Engine) registerSchedule() {
	e.RegisterMenu("schedule", e.mySchedule)
	e.RegisterCommand(Command{Key: "schedule.cmd.mine", In1to1: true, Run: e.mySchedule})
	e.RegisterCommand(Command{Key: "schedule.cmd.set", In1to1: true, Run: func(c *Ctx) error { return e.actScheduleVillage(c, Postback{}) }})
	e.RegisterAction(actSchedV, e.actScheduleVillage)
	e.RegisterAction(actSetDay, e.actSetDay)
	e.RegisterAction(actCancelDay, e.actCancelDay)
	e.registerWeekRest() // schedule_week.go
	isDay4 := func(a Answers) bool { return a[ansDay] == itoa(StudyVisit) }
	// Days 2–5 may take day 1's time and place (startSame): then their
	// own end and place are not asked. Day 4's place is its destination,
	// asked once.
	own := func(a Answers) bool { return a["start"] != startSame }
	ownPlace := func(a Answers) bool {
		// A study visit set before kept its own place: it stays asked.
		return own(a) && (!isDay4(a) || a["place"] != "" && a["place"] != a["destination"])
	}
	e.RegisterForm(&Form{
		Name:  formDay,
		Title: T("schedule.form.title"),
		TitleFor: func(c *Ctx, a Answers) Msg {
			v, _, _ := GetVillage(c.Tx, atoi(a[ansVillage]))
			return T("schedule.form.title_for", "Day", atoi(a[ansDay]), "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
		},
		Begin: func(c *Ctx, _ Answers) error { return requireOfficer(c, "set day") },
		Facts: sameFacts,
		Questions: []Question{
			{Field: "date", Ask: T("schedule.q.date"), Help: T("schedule.help.date"), Label: T("attendance.label.date"), Picker: "date",
				Choices: nextWeekdayChoice,
				Prompt: func(c *Ctx, a Answers) Msg {
					if t, err := time.ParseInLocation("2006-01-02", a[ansNext], c.Location()); err == nil {
						return T("schedule.q.date_next", "Date", locales.Date(t))
					}
					return T("schedule.q.date")
				},
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
			startQuestion(),
			clockQuestion("end", T("schedule.q.end"), T("schedule.label.end"), own),
			{Field: "destination", Ask: T("schedule.q.destination"), Label: T("attendance.label.destination"), When: isDay4, Parse: textParser(120, "schedule.hint.text")},
			{Field: "place", Ask: T("schedule.q.place"), Label: T("attendance.label.place"), When: ownPlace, Parse: textParser(120, "schedule.hint.text")},
			{Field: "meeting", Ask: T("schedule.q.meeting"), Label: T("attendance.label.meeting"), When: isDay4, Parse: textParser(120, "schedule.hint.text")},
			clockQuestion("departure", T("schedule.q.departure"), T("attendance.label.departure"), isDay4),
			{Field: "bring", Ask: T("schedule.q.bring"), Label: T("attendance.label.bring"), When: isDay4, Parse: textParser(200, "schedule.hint.text")},
		},
		Save: e.saveDay,
	})
}

// startQuestion asks when the day starts; on days 2–5, with day 1 set, it
// offers "เหมือนวันที่ 1": day 1's time and place (for the study visit, its
// time), and then neither the end nor the place is asked.
func startQuestion() Question {
	q := clockQuestionWith("start", T("schedule.q.start"), T("schedule.label.start"), nil, func(_ *Ctx, a Answers) []Choice {
		if a[ansHasDay1] == "" || a[ansDay] == "1" {
			return nil
		}
		return []Choice{{Value: startSame, Label: T("schedule.same.yes")}}
	})
	q.Help = T("schedule.help.start")
	q.Prompt = func(c *Ctx, a Answers) Msg {
		if a[ansHasDay1] == "" || a[ansDay] == "1" {
			return T("schedule.q.start")
		}
		d1, _, _ := GetDay(c.Tx, atoi(a[ansVillage]), 1)
		start, end := d1.StartsAt(c.Location()), d1.EndsAt(c.Location())
		if a[ansDay] == itoa(StudyVisit) {
			return T("schedule.q.start_same_time", "Start", locales.Clock(start), "End", locales.Clock(end))
		}
		return T("schedule.q.start_same", "Start", locales.Clock(start), "End", locales.Clock(end), "Place", d1.Place)
	}
	parse := q.Parse
	q.Parse = func(c *Ctx, a Answers, s string) (string, *Msg) {
		// The long form, as the question says it, typed.
		if a[ansHasDay1] != "" && a[ansDay] != "1" && c.eng.isCmd(s, "schedule.word.same") {
			return startSame, nil
		}
		return parse(c, a, s)
	}
	show := q.Show
	q.Show = func(c *Ctx, v string) Msg {
		if v == startSame {
			return T("schedule.same.yes")
		}
		return show(c, v)
	}
	return q
}

// nextWeekdayChoice offers the next weekday after the latest day set
// before this one ("วันถัดไป"), beside the calendar.
func nextWeekdayChoice(_ *Ctx, a Answers) ([]Choice, error) {
	if a[ansNext] == "" {
		return nil, nil
	}
	return []Choice{{Value: a[ansNext], Label: T("schedule.btn.next_weekday")}}, nil
}

// nextWeekday is the first Monday–Friday after date ("2006-01-02").
func nextWeekday(date string) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return ""
	}
	for t = t.AddDate(0, 0, 1); t.Weekday() == time.Saturday || t.Weekday() == time.Sunday; t = t.AddDate(0, 0, 1) {
	}
	return t.Format("2006-01-02")
}

// sameFacts shows, on the summary card of a day that takes day 1's time
// and place, what they are.
func sameFacts(c *Ctx, a Answers) []Field {
	if a["start"] != startSame {
		return nil
	}
	d1, ok, err := GetDay(c.Tx, atoi(a[ansVillage]), 1)
	if err != nil || !ok {
		return nil
	}
	start, end := d1.StartsAt(c.Location()), d1.EndsAt(c.Location())
	fields := []Field{{Label: T("schedule.label.time"), Value: T("schedule.value.time", "Start", locales.Clock(start), "End", locales.Clock(end))}}
	if a[ansDay] != itoa(StudyVisit) {
		fields = append(fields, Field{Label: T("attendance.label.place"), Value: Raw(d1.Place)})
	}
	return fields
}

// clockQuestion asks a time of day, by the picker or typed as people say
// it ("9 โมง", "บ่าย 3", "สองทุ่ม": locales.ParseTime). A bare hour said
// for both the morning and the afternoon ("2 โมง") is asked back with the
// two as buttons, kept in the answers (as "_when_"+field) so that a tap
// is checked against them.
func clockQuestion(field string, ask, label Msg, when func(Answers) bool) Question {
	return clockQuestionWith(field, ask, label, when, nil)
}

// clockQuestionWith is clockQuestion with more choices first (the start's
// "เหมือนวันที่ 1"), each also read when its value is typed.
func clockQuestionWith(field string, ask, label Msg, when func(Answers) bool, more func(*Ctx, Answers) []Choice) Question {
	key := "_when_" + field
	choices := func(vs []string) []Choice {
		out := make([]Choice, 0, len(vs))
		for _, v := range vs {
			t, _ := time.Parse("15:04", v)
			out = append(out, Choice{Value: v, Label: T("schedule.time.choice", "Time", locales.Clock(t))})
		}
		return out
	}
	return Question{Field: field, Ask: ask, Label: label, When: when, Picker: "time", Show: showClock,
		Choices: func(c *Ctx, a Answers) ([]Choice, error) {
			var out []Choice
			if more != nil {
				out = more(c, a)
			}
			if a[key] != "" {
				out = append(out, choices(strings.Split(a[key], ","))...)
			}
			return out, nil
		},
		Parse: func(_ *Ctx, a Answers, s string) (string, *Msg) {
			if vs := locales.ParseTime(s); len(vs) == 1 {
				delete(a, key)
				return vs[0], nil
			}
			h := T("schedule.hint.time")
			return "", &h
		},
		Which: func(_ *Ctx, a Answers, s string) (Msg, []Choice) {
			vs := locales.ParseTime(s)
			if len(vs) != 2 {
				return Msg{}, nil
			}
			a[key] = strings.Join(vs, ",")
			cs := choices(vs)
			return T("schedule.q.which_time", "Morning", cs[0].Label.Ref(), "Afternoon", cs[1].Label.Ref()), cs
		},
	}
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
	return e.scheduleCard(c, vid, editable, 0)
}

// scheduleCard is showSchedule; with next, a day just saved is followed
// by a chip that sets day next on the next weekday at day 1's time and
// place (when day next is not set yet and day 1 is).
func (e *Engine) scheduleCard(c *Ctx, vid int, editable bool, next int) error {
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
	var quick []Action
	if editable && next > 1 && next <= Days && s[next-1] == nil && s[0] != nil && s[next-2] != nil {
		label := T("schedule.btn.chain", "N", next)
		quick = append(quick, Action{Label: label, Data: Postback{Action: actSetDay, Village: vid, Day: next, Yes: true}.Encode(), Say: &label})
	}
	if editable && next == 2 && restOpen(s) {
		label := T("schedule.btn.rest")
		quick = append(quick, Action{Label: label, Data: Postback{Action: actWeekRest, Village: vid}.Encode(), Say: &label})
	}
	c.Say(Reply{Style: StyleCard, Title: &title, Text: T("schedule.text", "Occupation", v.Occupation), Fields: fields, Buttons: buttons, Quick: quick})
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
	s, err := GetSchedule(c.Tx, vid)
	if err != nil {
		return err
	}
	if day > 1 && s[0] != nil {
		a[ansHasDay1] = "1"
	}
	for i := day - 2; i >= 0; i-- {
		if s[i] != nil {
			a[ansNext] = nextWeekday(s[i].Date)
			break
		}
	}
	if d := s[day-1]; d != nil {
		a["date"], a["start"], a["end"], a["place"] = d.Date, d.Start, d.End, d.Place
		if day == StudyVisit {
			a["destination"], a["meeting"], a["departure"], a["bring"] = d.Destination, d.MeetingPoint, d.Departure, d.Bring
		}
		if d.Date < c.today() {
			a["past"] = ansPastYes
		}
	} else if p.Yes && a[ansNext] != "" && a[ansHasDay1] != "" {
		// "วันที่ N วันถัดไป", tapped after saving the day before: the next
		// weekday at day 1's time and place, straight to the summary (day
		// 4 still asks where the visit goes).
		a["date"], a["start"] = a[ansNext], startSame
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
	if a["start"] == startSame {
		d1, ok, err := GetDay(c.Tx, d.Village, 1)
		if err != nil {
			return err
		}
		if !ok {
			// Day 1 was cancelled while the form was open: ask the time.
			delete(a, "start")
			a[ansHasDay1] = ""
			return Invalid("set day", "schedule.err.no_day1")
		}
		d.Start, d.End, d.Place = d1.Start, d1.End, d1.Place
	}
	if d.Day == StudyVisit {
		d.Destination, d.MeetingPoint, d.Departure, d.Bring = a["destination"], a["meeting"], a["departure"], a["bring"]
		if a["start"] == startSame || a["place"] == "" || a["place"] == a["destination"] {
			d.Place = "" // the destination (studyVisitPlace)
		}
	}
	studyVisitPlace(&d)
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
	return e.scheduleCard(c, d.Village, true, d.Day+1)
}
