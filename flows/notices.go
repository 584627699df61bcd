package flows

import (
	"fmt"
	"slices"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Change notices: when a programme day's date, time or place changes (the
// officer's form, a schedule CSV, a cancellation, a cancelled day set
// again), the village's selected households and its team sages hear what
// changed, old → new, in one notice.
//
// Every change goes through storeDay or cancelDay, which note it in the
// village's pending notice: a plan entry (RemindNotice) holding each changed
// day as it was before its first change. Changes within NoticeGather of the
// first join it. When it falls due, Due compares each day before and now:
// what did not change in the end (moved and moved back) says nothing, and
// only days within NoticeHorizon days are told (the evening-before card
// carries the rest). The notice is an ordinary reminder from there on: sent
// with retry keys and recorded in the ledger in one transaction, merged
// with whatever else is due for the same people in that tick.
//
// Pushes cost money and at most one goes to a person an evening: a notice
// that would fall due in an evening waits for that evening's reminder of
// the village (the evening-before card, the sages' brief, the headcount, a
// follow-up) and goes in the same request; when that reminder already went,
// the notice waits for the morning. Quiet hours hold it as any reminder.

// NoticeGather is how long a village's changes gather into one notice.
const NoticeGather = 10 * time.Minute

// NoticeHorizon is how many days ahead a changed day is told at once; a
// later one is told by its evening-before card.
const NoticeHorizon = 14

// eveningFrom is when the evening's pushes begin: a notice due from then
// until quiet hours goes with the village's evening reminder.
const eveningFrom = "17:00"

// DaySnapshot is one changed day of a pending notice as it was before the
// change. Was is nil when the day had been cancelled (it was set before
// and is being set again).
type DaySnapshot struct {
	Day int           `json:"day"`
	Was *ProgrammeDay `json:"was,omitempty"`
}

// NoticeKey names a change notice in the plan and the ledger: the village
// and the moment of its first change.
func NoticeKey(vid int, first time.Time) string {
	return fmt.Sprintf("%s/%03d/%d", RemindNotice, vid, first.Unix())
}

// noteChange adds a changed day (was: as it was; nil when it had been
// cancelled) to its village's pending notice, or starts one. A day already
// in the pending notice keeps its first snapshot.
func (e *Engine) noteChange(tx Tx, vid, day int, was *ProgrammeDay, now time.Time) error {
	now = now.In(e.cfg.Location)
	pe, found, err := e.pendingNotice(tx, vid, now)
	if err != nil {
		return err
	}
	if found {
		if slices.ContainsFunc(pe.Changed, func(s DaySnapshot) bool { return s.Day == day }) {
			return nil
		}
		pe.Changed = append(pe.Changed, DaySnapshot{Day: day, Was: was})
		slices.SortFunc(pe.Changed, func(a, b DaySnapshot) int { return a.Day - b.Day })
		return tx.Plan().Put(pe)
	}
	due, err := e.noticeDue(tx, vid, was, now)
	if err != nil {
		return err
	}
	key := NoticeKey(vid, now)
	for {
		// A key is never reused, even for two notices begun in one second.
		if done, err := Recorded(tx, key); err != nil {
			return err
		} else if !done {
			break
		}
		now = now.Add(time.Second)
		key = NoticeKey(vid, now)
	}
	return tx.Plan().Put(PlanEntry{Key: key, Kind: RemindNotice, Village: vid, Due: due,
		Changed: []DaySnapshot{{Day: day, Was: was}}})
}

// pendingNotice finds the village's notice that has not fallen due yet at
// now (one that has may be on its way: a change after it starts another).
// A notice never falls due later than the morning after it began, so the
// plan is read only that far.
func (e *Engine) pendingNotice(tx Tx, vid int, now time.Time) (PlanEntry, bool, error) {
	var found PlanEntry
	ok := false
	err := tx.Plan().Until(now.Add(48*time.Hour), func(pe PlanEntry) error {
		if pe.Kind == RemindNotice && pe.Village == vid && now.Before(e.afterQuiet(pe.Due.In(e.cfg.Location))) {
			found, ok = pe, true
			return ErrStop
		}
		return nil
	})
	return found, ok, err
}

// noticeDue says when a notice begun at now (for the change of a day that
// was as was) falls due: NoticeGather later,
// unless that is in an evening (see the file's comment). In quiet hours it
// is due as it is and Due holds it until they end.
func (e *Engine) noticeDue(tx Tx, vid int, was *ProgrammeDay, now time.Time) (time.Time, error) {
	rc := e.cfg.Reminders
	due := now.Add(NoticeGather).Truncate(time.Minute) // the plan and the ticks go by minutes
	from := e.eveningStart(due)
	quiet := clockOn(due, rc.QuietStart)
	if e.Quiet(due) || due.Before(from) || !due.Before(quiet) {
		return due, nil
	}
	s, err := GetSchedule(tx, vid)
	if err != nil {
		return due, err
	}
	// The village's reminders this evening: of its days as they are, and
	// of the changed day as it was (its card may have gone already).
	days := append(slices.Clone(s[:]), was)
	var next time.Time
	sent := false
	for _, d := range days {
		if d == nil {
			continue
		}
		for _, cand := range e.candidates(*d) {
			if cand.due.Before(from) || !cand.due.Before(quiet) {
				continue
			}
			key := cand.key(d.Village, d.Day, d.Rev)
			if le, ok, err := tx.Ledger().Get(key); err != nil {
				return due, err
			} else if ok {
				sent = sent || le.Status == LedgerSent
				continue
			}
			if _, ok, err := tx.Plan().Get(cand.due, key); err != nil {
				return due, err
			} else if ok && (next.IsZero() || cand.due.Before(next)) {
				next = cand.due
			}
		}
	}
	switch {
	case !next.IsZero():
		return next, nil // with this evening's reminder, in its tick
	case sent:
		return quiet, nil // they had their push this evening: the morning
	}
	return due, nil
}

// noticeReminder fills in a change notice that fell due: what changed, to
// the village's households with LINE and its team sages. Nothing changed
// in the end, or nothing within the horizon: nothing is sent.
func (e *Engine) noticeReminder(c *Ctx, pe PlanEntry, r *Reminder) error {
	s, err := GetSchedule(c.Tx, pe.Village)
	if err != nil {
		return err
	}
	lines := noticeLines(c, pe.Changed, s, true)
	if len(lines) == 0 {
		return nil
	}
	users, err := noticeRecipients(c.Tx, pe.Village)
	if err != nil {
		return err
	}
	r.Sends, err = e.sendsTo(c, users, "notice", noticeReply(c, pe.Village, lines))
	return err
}

// noticeRecipients are the village's selected households on LINE and its
// approved team sages on LINE.
func noticeRecipients(tx Tx, vid int) ([]string, error) {
	households, err := SelectedHouseholds(tx, vid)
	if err != nil {
		return nil, err
	}
	users := lineUsers(households)
	team, err := TeamMembers(tx, vid)
	if err != nil {
		return nil, err
	}
	for _, sg := range team {
		if sg.UserID != "" && sg.Status == SageApproved && !slices.Contains(users, sg.UserID) {
			users = append(users, sg.UserID)
		}
	}
	return users, nil
}

// noticeReply is the notice: the village, then one line per change.
func noticeReply(c *Ctx, vid int, lines []Msg) Reply {
	body := lines[len(lines)-1]
	for i := len(lines) - 2; i >= 0; i-- {
		body = T("schedule.notice.join", "A", lines[i].Ref(), "B", body.Ref())
	}
	return Text(T("schedule.notice.text", "Village", villageMsg(c.Tx, vid).Ref(), "Lines", body.Ref()))
}

// noticeLines says what changed between each snapshot and the day now:
// a new date (with its time), a new time on the same date, a new place, a
// cancellation, a cancelled day set again. With horizon, only days whose
// old or new date is from today to NoticeHorizon days ahead are told.
func noticeLines(c *Ctx, changed []DaySnapshot, s Schedule, horizon bool) []Msg {
	today := c.today()
	last := c.Now.AddDate(0, 0, NoticeHorizon).Format("2006-01-02")
	near := func(ds ...*ProgrammeDay) bool {
		for _, d := range ds {
			if d != nil && d.Date >= today && d.Date <= last {
				return true
			}
		}
		return false
	}
	var lines []Msg
	for _, snap := range changed {
		if snap.Day < 1 || snap.Day > Days {
			continue
		}
		was, now := snap.Was, s[snap.Day-1]
		if was == nil && now == nil || horizon && !near(was, now) {
			continue
		}
		switch {
		case now == nil:
			lines = append(lines, T("schedule.notice.cancelled", "Day", was.Day, "Date", locales.DateYear(c.dayTime(*was))))
			continue
		case was == nil:
			lines = append(lines, T("schedule.notice.reset", "Day", now.Day, "Date", locales.DateYear(c.dayTime(*now)),
				"Time", spanMsg(c, *now).Ref(), "Place", now.Place))
			continue
		}
		switch {
		case was.Date != now.Date && was.Start == now.Start && was.End == now.End:
			lines = append(lines, T("schedule.notice.moved", "Day", now.Day, "New", locales.DateYear(c.dayTime(*now)),
				"Old", locales.DateYear(c.dayTime(*was)), "Time", spanMsg(c, *now).Ref()))
		case was.Date != now.Date:
			lines = append(lines, T("schedule.notice.moved_time", "Day", now.Day, "New", locales.DateYear(c.dayTime(*now)),
				"Old", locales.DateYear(c.dayTime(*was)), "Time", spanMsg(c, *now).Ref(), "OldTime", spanMsg(c, *was).Ref()))
		case was.Start != now.Start || was.End != now.End:
			old, neu := spanMsg(c, *was).Ref(), spanMsg(c, *now).Ref()
			if was.End == now.End {
				old, neu = clockMsg(c, *was).Ref(), clockMsg(c, *now).Ref()
			}
			lines = append(lines, T("schedule.notice.time", "Day", now.Day, "Old", old, "New", neu,
				"Date", locales.DateYear(c.dayTime(*now))))
		}
		if was.Place != now.Place {
			lines = append(lines, T("schedule.notice.place", "Day", now.Day, "Old", was.Place, "New", now.Place))
		}
	}
	return lines
}

// spanMsg is a day's time, start to end: "09.00 น.–16.00 น.".
func spanMsg(c *Ctx, d ProgrammeDay) Msg {
	return T("schedule.notice.span", "Start", locales.Clock(d.StartsAt(c.Location())), "End", locales.Clock(d.EndsAt(c.Location())))
}

// clockMsg is a day's start alone: "09.00 น.".
func clockMsg(c *Ctx, d ProgrammeDay) Msg {
	return T("schedule.notice.clock", "Time", locales.Clock(d.StartsAt(c.Location())))
}

// noticeForecast tells the officer who changed a village's schedule who
// will hear of it and when: the village's pending notice as it stands.
func (e *Engine) noticeForecast(c *Ctx, vid int) (Msg, error) {
	pe, found, err := e.pendingNotice(c.Tx, vid, c.Now)
	if err != nil || !found {
		return T("schedule.notice.first"), err
	}
	s, err := GetSchedule(c.Tx, vid)
	if err != nil {
		return Msg{}, err
	}
	if len(noticeLines(c, pe.Changed, s, false)) == 0 {
		return T("schedule.notice.none"), nil
	}
	if len(noticeLines(c, pe.Changed, s, true)) == 0 {
		return T("schedule.notice.later", "Days", NoticeHorizon), nil
	}
	users, err := noticeRecipients(c.Tx, vid)
	if err != nil {
		return Msg{}, err
	}
	sends, err := e.sendsTo(c, users, "notice")
	if err != nil {
		return Msg{}, err
	}
	n := 0
	for _, s := range sends {
		n += len(s.To)
	}
	if n == 0 {
		return T("schedule.notice.nobody"), nil
	}
	at := e.afterQuiet(pe.Due.In(c.Location()))
	if at.Before(c.Now) {
		at = c.Now
	}
	when := T("schedule.notice.when_today", "Time", locales.Clock(at))
	if at.Format("2006-01-02") != c.today() {
		when = T("schedule.notice.when_date", "Date", locales.DateYear(at), "Time", locales.Clock(at))
	}
	return T("schedule.notice.will", "N", n, "When", when.Ref()), nil
}

// NoticeForecasts says, for each village with a change notice pending at
// now, who will hear of it and when ("หมู่ 5 บ้านโนนสูง: …"): what an
// officer is told after importing a schedule.
func (e *Engine) NoticeForecasts(tx Tx, now time.Time) ([]Msg, error) {
	now = now.In(e.cfg.Location)
	c := &Ctx{Tx: tx, Now: now, Lang: locales.Thai, Out: &Outcome{}, eng: e}
	var vids []int
	err := tx.Plan().Until(now.Add(48*time.Hour), func(pe PlanEntry) error {
		if pe.Kind == RemindNotice && !slices.Contains(vids, pe.Village) && now.Before(e.afterQuiet(pe.Due.In(e.cfg.Location))) {
			vids = append(vids, pe.Village)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(vids)
	var out []Msg
	for _, vid := range vids {
		m, err := e.noticeForecast(c, vid)
		if err != nil {
			return nil, err
		}
		out = append(out, T("schedule.notice.forecast", "Village", villageMsg(tx, vid).Ref(), "Notice", m.Ref()))
	}
	return out, nil
}
