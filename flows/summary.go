package flows

import (
	"cmp"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// QuotaSnapshot is LINE's view of this month's push quota, as the edge
// last read it from LINE's quota endpoints.
type QuotaSnapshot struct {
	Limited bool      `json:"limited"`
	Limit   int64     `json:"limit"`
	Used    int64     `json:"used"`
	At      time.Time `json:"at"`
}

// PushMonth names t's month in PushCounts.
func PushMonth(t time.Time) string { return t.Format("2006-01") }

// PushCount is a stored count of pushed recipients.
type PushCount struct {
	N int64 `json:"n"`
}

// SaveQuota stores a fresh quota reading.
func SaveQuota(tx Tx, q QuotaSnapshot) error { return tx.Quota().Put(q) }

// Quota returns the quota as best known: LINE's last reading for this
// month, or else the bot's own count of pushes with the limit unknown.
func Quota(tx Tx, now time.Time) (QuotaSnapshot, error) {
	q, ok, err := tx.Quota().Get()
	if err != nil {
		return q, err
	}
	own, _, err := tx.PushCounts().Get(PushMonth(now))
	if err != nil {
		return q, err
	}
	if !ok || q.At.Format("2006-01") != now.Format("2006-01") {
		return QuotaSnapshot{Limited: ok && q.Limited, Limit: q.Limit, Used: own.N, At: now}, nil
	}
	// LINE's figure is approximate and lags: never show less than we sent.
	q.Used = max(q.Used, own.N)
	return q, nil
}

// VillageToday is a village with a programme day today or tomorrow.
type VillageToday struct {
	Village  Village
	Today    *ProgrammeDay
	Tomorrow *ProgrammeDay
	// Visit is the study visit when it is within the next few days: its
	// headcount matters for transport.
	Visit       *ProgrammeDay
	TodayCounts DayCounts
	TomorrowCnt DayCounts
	VisitCounts DayCounts
	// NoLine counts the village's selected households without LINE: a
	// sage tells them and takes their roll.
	NoLine int
}

// UnmarkedDay is a programme day that has ended with no roll call and no
// mark at all: its attendance is unknown, and the officers are told.
type UnmarkedDay struct {
	Village Village
	Day     ProgrammeDay
}

// VillageProgress is a village's enrolment so far.
type VillageProgress struct {
	Village    Village
	Sages      int // approved sages of the village
	Team       int // on its team (5 at most)
	Applicants int // households applied, not withdrawn
	Selected   int
	// Changed says a household or a sage of the village changed since the
	// last summary sent: the summary repeats only what changed.
	Changed bool
}

// Finished reports whether the village's enrolment is done: its team is
// whole and its households are all selected.
func (p VillageProgress) Finished() bool {
	return p.Team >= 5 && p.Selected >= cmp.Or(p.Village.Capacity, DefaultCapacity)
}

// Digest is what the officers' daily summary reports.
type Digest struct {
	At time.Time
	// Round is the round summarised; Villages are its villages (they name
	// one another: two หมู่ 1 are told apart by their ตำบล).
	Round    Round
	Villages []Village
	// Office is the district the bot serves (Config.Office), in the title.
	Office Office
	// Unreadable counts stored records left out because they could not be
	// read (a damaged file): the officers are told, so they can act.
	Unreadable       int
	Active           []VillageToday
	Pending          int // sage registrations waiting for approval
	NewApplications  int // households applied in the last day
	NewRegistrations int // sages registered in the last day
	Progress         []VillageProgress
	Skipped          int      // reminders skipped since the last summary
	SkippedKeys      []string // their ledger keys
	// FollowUpsAnswered counts households' follow-ups answered since the
	// last summary sent (or the last day): said, not news of its own.
	FollowUpsAnswered int
	Quota             QuotaSnapshot
	// Unmarked are the days that ended with nobody marked: today's that
	// ended before At, and earlier ones that ended after the last summary
	// sent (their own summary was missed).
	Unmarked []UnmarkedDay
}

// HasNews reports whether there is something worth a push to a group.
func (d Digest) HasNews() bool {
	return len(d.Active) > 0 || d.Pending > 0 || d.NewApplications > 0 || d.NewRegistrations > 0 || d.Skipped > 0 ||
		len(d.Unmarked) > 0
}

// Digest gathers the figures of the daily summary at now, for the current
// round. Attendance figures come from the attendance matrix, the same
// records the exports use.
func (e *Engine) Digest(tx Tx, now time.Time) (Digest, error) {
	r, err := CurrentRound(tx)
	if err != nil {
		return Digest{}, err
	}
	return e.DigestRound(tx, now, r)
}

// DigestRound is Digest for round r (an earlier round's figures, for its
// report).
func (e *Engine) DigestRound(tx Tx, now time.Time, r Round) (d Digest, err error) {
	skipped := tx.Skipped()
	defer func() { d.Unreadable = tx.Skipped() - skipped }()
	now = now.In(e.cfg.Location)
	d = Digest{At: now, Round: r, Office: e.cfg.Office}
	today := now.Format("2006-01-02")
	tomorrow := now.AddDate(0, 0, 1).Format("2006-01-02")
	soon := now.AddDate(0, 0, e.cfg.Reminders.HeadcountDays).Format("2006-01-02")
	villages, err := RoundVillages(tx, d.Round.ID)
	if err != nil {
		return d, err
	}
	d.Villages = villages
	sages, err := ListSages(tx)
	if err != nil {
		return d, err
	}
	dayAgo := now.Add(-24 * time.Hour)
	var lastSummary time.Time
	err = tx.Ledger().Each(func(key string, le LedgerEntry) error {
		if le.Status == LedgerSkipped && !le.Reported {
			d.Skipped++
			d.SkippedKeys = append(d.SkippedKeys, key)
		}
		if le.Kind == RemindSummary && le.Status == LedgerSent && le.At.After(lastSummary) && le.At.Before(now) {
			lastSummary = le.At
		}
		return nil
	})
	if err != nil {
		return d, err
	}
	if lastSummary.IsZero() {
		lastSummary = dayAgo
	}
	approved, team := map[int]int{}, map[int]int{}
	changed := map[int]bool{}
	since := func(t time.Time) bool { return t.After(lastSummary) && !t.After(now) }
	// Village.SamePlace, with each ตำบล's TambonKey worked out once.
	vkeys := make([]string, len(villages))
	for i, v := range villages {
		vkeys[i] = TambonKey(v.Tambon)
	}
	for _, s := range sages {
		skey := TambonKey(s.Tambon)
		for i, v := range villages {
			here := v.Moo == s.Moo && (s.Tambon == "" || vkeys[i] == skey)
			if !here && s.TeamVillage != v.ID {
				continue
			}
			if s.Status == SageApproved && here {
				approved[v.ID]++
			}
			if since(s.Updated) || since(s.Registered) {
				changed[v.ID] = true
			}
		}
		if s.TeamVillage != 0 {
			team[s.TeamVillage]++
		}
		if s.Status == SagePending {
			d.Pending++
		}
		if s.Registered.After(dayAgo) && !s.Registered.After(now) {
			d.NewRegistrations++
		}
	}
	for _, v := range villages {
		all, err := VillageHouseholds(tx, v.ID)
		if err != nil {
			return d, err
		}
		m, err := villageMatrix(tx, v, all)
		if err != nil {
			return d, err
		}
		vt := VillageToday{Village: v}
		for _, h := range m.Households {
			if wasSelected(h) && h.UserID == "" {
				vt.NoLine++
			}
		}
		for _, day := range m.Schedule {
			if day == nil {
				continue
			}
			switch day.Date {
			case today:
				vt.Today, vt.TodayCounts = day, m.Counts(day.Day)
			case tomorrow:
				vt.Tomorrow, vt.TomorrowCnt = day, m.Counts(day.Day)
			}
			// The visit's headcount matters until it has left; after,
			// the day's own row tells who went.
			if day.Day == StudyVisit && day.Date >= today && day.Date <= soon && now.Before(day.StartsAt(e.cfg.Location)) {
				vt.Visit, vt.VisitCounts = day, m.Counts(day.Day)
			}
			if unmarked(*day, m, now, lastSummary, e.cfg.Location) {
				d.Unmarked = append(d.Unmarked, UnmarkedDay{Village: v, Day: *day})
			}
		}
		if vt.Today != nil || vt.Tomorrow != nil {
			d.Active = append(d.Active, vt)
		}
		p := VillageProgress{Village: v, Sages: approved[v.ID], Team: team[v.ID]}
		if len(v.Team) > 0 {
			p.Team = len(v.Team) // an earlier round's team, as it ended
		}
		for _, h := range all {
			if h.Status != StatusWithdrawn {
				p.Applicants++
			}
			if wasSelected(h) { // completed or dropped after the week: still selected
				p.Selected++
			}
			if h.Applied.After(dayAgo) && !h.Applied.After(now) {
				d.NewApplications++
			}
			if since(h.Updated) || since(h.Applied) {
				p.Changed = true
			}
		}
		p.Changed = p.Changed || changed[v.ID]
		d.Progress = append(d.Progress, p)
	}
	if d.FollowUpsAnswered, err = followUpsAnsweredSince(tx, lastSummary, now); err != nil {
		return d, err
	}
	d.Quota, err = Quota(tx, now)
	return d, err
}

// unmarked reports whether day has ended by now with no roll call and no
// mark on anyone, and is news for this summary: it is today's, or it ended
// after the last summary sent (whose time was before its end).
func unmarked(day ProgrammeDay, m Matrix, now, lastSummary time.Time, loc *time.Location) bool {
	end := day.EndsAt(loc)
	if end.IsZero() || end.After(now) {
		return false
	}
	if day.Date != now.Format("2006-01-02") && !end.After(lastSummary) {
		return false
	}
	c := m.Counts(day.Day)
	return c.Selected > 0 && c.Marked == 0 && !c.RollCalled
}

// SummaryReplies renders a digest: a card for today and tomorrow, and a
// card of enrolment progress and the quota. Both go in one push (LINE
// counts a push once per recipient, whatever its number of messages).
func SummaryReplies(d Digest) []Reply {
	date := locales.DateYear(d.At)
	var active []Field
	// The days nobody marked, one line each under one heading: after a
	// missed evening there may be a dozen, and a heading on each would
	// bury them.
	var flags Msg
	for i, u := range d.Unmarked {
		key := "summary.flag.rollcall"
		if u.Day.Day == HomeDay {
			key = "summary.flag.home"
		}
		name := T("summary.village", "Moo", u.Village.Moo, "Name", nameAmong(u.Village, d.Villages))
		flag := T(key, "Village", name.Ref(), "Day", u.Day.Day)
		if i == 0 {
			flags = flag
		} else {
			flags = T("summary.lines", "A", flags.Ref(), "B", flag.Ref())
		}
	}
	if len(d.Unmarked) > 0 {
		active = append(active, Field{Label: T("summary.flag.heading"), Value: flags})
	}
	for _, v := range d.Active {
		name := T("summary.village", "Moo", v.Village.Moo, "Name", nameAmong(v.Village, d.Villages))
		noLine := T("summary.noline", "N", v.NoLine)
		if v.Today != nil {
			active = append(active, Field{
				Label: T("summary.today.row", "Village", name.Ref(), "Day", v.Today.Day),
				Value: todayValue(v.Today.Day, v.TodayCounts, noLine),
			})
		}
		if v.Tomorrow != nil {
			c := v.TomorrowCnt
			value := T("summary.tomorrow.value", "Will", c.WillAttend, "Cannot", c.CannotCome, "None", c.NoAnswer, "Total", c.Selected)
			if v.Today == nil {
				value = T("summary.lines", "A", value.Ref(), "B", noLine.Ref())
			}
			active = append(active, Field{Label: T("summary.tomorrow.row", "Village", name.Ref(), "Day", v.Tomorrow.Day), Value: value})
		}
		if v.Visit != nil {
			active = append(active, Field{
				Label: T("summary.visit.row", "Village", name.Ref()),
				Value: T("summary.visit.value", "Will", v.VisitCounts.WillAttend, "Total", v.VisitCounts.Selected, "Seats", v.VisitCounts.Seats),
			})
		}
	}
	if len(active) == 0 {
		active = append(active, Field{Label: T("summary.no_days"), Value: T("summary.dash")})
	}
	title := T("summary.title", "Date", date)
	if d.Office.District != "" {
		title = T("summary.title_office", "Date", date, "District", d.Office.District)
	}
	first := Reply{Style: StyleCard, Title: &title,
		Text: T("summary.text", "Active", len(d.Active), "Pending", d.Pending, "Apps", d.NewApplications,
			"Regs", d.NewRegistrations, "Skipped", d.Skipped),
		Fields: active,
	}
	// Enrolment progress: only villages whose figures changed since the
	// last summary, and not those done.
	var progress []Field
	for _, p := range d.Progress {
		if !p.Changed || p.Finished() {
			continue
		}
		capacity := cmp.Or(p.Village.Capacity, DefaultCapacity)
		progress = append(progress, Field{
			Label: T("summary.village", "Moo", p.Village.Moo, "Name", nameAmong(p.Village, d.Villages)),
			Value: T("summary.progress.value", "Sages", p.Sages, "Team", p.Team, "Apps", p.Applicants,
				"Selected", p.Selected, "Capacity", capacity, "Percent", p.Selected*100/max(capacity, 1)),
		})
	}
	if len(progress) == 0 && len(d.Progress) > 0 {
		progress = append(progress, Field{Label: T("summary.progress.all"), Value: T("summary.progress.unchanged")})
	}
	quota := T("summary.quota.unlimited", "Used", locales.Number(d.Quota.Used))
	if d.Quota.Limited {
		quota = T("summary.quota.value", "Used", locales.Number(d.Quota.Used), "Limit", locales.Number(d.Quota.Limit),
			"Left", locales.Number(max(d.Quota.Limit-d.Quota.Used, 0)))
	}
	progress = append(progress,
		Field{Label: T("summary.pending"), Value: T("summary.count", "N", d.Pending)},
		Field{Label: T("summary.skipped"), Value: T("summary.count", "N", d.Skipped)},
		Field{Label: T("summary.quota.row"), Value: quota})
	if d.FollowUpsAnswered > 0 {
		progress = append(progress, Field{Label: T("summary.followups.label"), Value: T("summary.followups.value", "Count", d.FollowUpsAnswered)})
	}
	if d.Unreadable > 0 {
		progress = append(progress, Field{Label: T("summary.unreadable.label"), Value: T("summary.unreadable.value", "N", d.Unreadable)})
	}
	progress = append([]Field{{Label: T("round.label"), Value: RoundName(d.Round)}}, progress...)
	title2 := T("summary.progress.title")
	second := Reply{Style: StyleCard, Title: &title2, Text: T("summary.progress.text"), Fields: progress}
	return []Reply{first, second}
}

// todayValue is a village's figures for today: on day 5 (practice at
// home) who practised; on other days who came and whether the roll was
// taken; then how many households have no LINE.
func todayValue(day int, c DayCounts, noLine Msg) Msg {
	if day == HomeDay {
		counts := T("summary.today.practised", "Practised", c.Practised, "None", c.NotChecked, "Total", c.Selected)
		if c.Absent > 0 { // an officer or a sage recorded "did not practise"
			counts = T("summary.today.practised_not", "Practised", c.Practised, "Not", c.Absent, "None", c.NotChecked, "Total", c.Selected)
		}
		return T("summary.lines", "A", counts.Ref(), "B", noLine.Ref())
	}
	counts := T("summary.today.value", "Present", c.Present, "Absent", c.Absent, "Unknown", c.NotChecked, "Total", c.Selected)
	roll := T("summary.rollcall.none")
	if c.RollCalled {
		roll = T("summary.rollcall.done")
	}
	return T("summary.today.detail", "Counts", counts.Ref(), "RollCall", roll.Ref(), "NoLine", noLine.Ref())
}

// dueSummary is the daily summary for every officers' group, at its time,
// on days with something to report. Its ledger entry is written on the
// first tick after the time either way, so the decision is made once.
func (e *Engine) dueSummary(c *Ctx) (Reminder, bool, error) {
	now := c.Now
	due := clockOn(now, e.cfg.Reminders.Summary)
	if now.Before(due) {
		return Reminder{}, false, nil
	}
	key := RemindSummary + "/" + now.Format("2006-01-02")
	if done, err := Recorded(c.Tx, key); err != nil || done {
		return Reminder{}, false, err
	}
	r := Reminder{Key: key, Kind: RemindSummary, DueAt: due}
	groups, err := OfficerGroups(c.Tx)
	if err != nil {
		return r, false, err
	}
	d, err := e.Digest(c.Tx, now)
	if err != nil {
		return r, false, err
	}
	if len(groups) == 0 || !d.HasNews() {
		return r, true, nil // recorded as "nothing"
	}
	r.Marks = d.SkippedKeys
	replies := SummaryReplies(d)
	for _, g := range groups {
		r.Sends = append(r.Sends, Send{To: []string{g.ID}, Group: true, Lang: locales.Thai, Replies: replies, Purpose: "summary"})
	}
	return r, true, nil
}

// dueQuotaWarning warns officers once a month when pushes pass the
// warning share of a limited quota.
func (e *Engine) dueQuotaWarning(c *Ctx) (Reminder, bool, error) {
	q, err := Quota(c.Tx, c.Now)
	if err != nil || !q.Limited || q.Limit <= 0 || q.Used*100 < q.Limit*int64(e.cfg.Reminders.QuotaWarnPercent) {
		return Reminder{}, false, err
	}
	key := RemindQuota + "/" + c.Now.Format("2006-01")
	if done, err := Recorded(c.Tx, key); err != nil || done {
		return Reminder{}, false, err
	}
	r := Reminder{Key: key, Kind: RemindQuota, DueAt: c.Now}
	msg := Text(T("summary.quota_warning", "Used", locales.Number(q.Used), "Limit", locales.Number(q.Limit), "Percent", e.cfg.Reminders.QuotaWarnPercent))
	groups, err := OfficerGroups(c.Tx)
	if err != nil {
		return r, false, err
	}
	for _, g := range groups {
		r.Sends = append(r.Sends, Send{To: []string{g.ID}, Group: true, Lang: locales.Thai, Replies: []Reply{msg}, Purpose: "quota"})
	}
	if len(groups) == 0 {
		officers, err := Officers(c.Tx)
		if err != nil {
			return r, false, err
		}
		var ids []string
		for _, o := range officers {
			ids = append(ids, o.ID)
		}
		if r.Sends, err = e.sendsTo(c, ids, "quota", msg); err != nil {
			return r, false, err
		}
	}
	return r, true, nil
}

// summaryCommand answers สรุป / summary from an officer, in a group or a
// 1:1 chat: a reply, which is free.
func (e *Engine) summaryCommand(c *Ctx) error {
	if err := requireOfficer(c, "summary"); err != nil {
		return err
	}
	d, err := e.Digest(c.Tx, c.Now)
	if err != nil {
		return err
	}
	c.Say(SummaryReplies(d)...)
	return nil
}

func (e *Engine) registerSummary() {
	e.RegisterCommand(Command{Key: "summary.cmd", InGroup: true, In1to1: true, Run: e.summaryCommand})
}
