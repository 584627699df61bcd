package flows

import (
	"fmt"
	"slices"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// ReminderConfig says when reminders and the summary fall due, as "15:04"
// times in the programme's zone.
type ReminderConfig struct {
	// EveningBefore: each day's card to its households, and the sages'
	// brief, the evening before. Default 18:00.
	EveningBefore string
	// Headcount: the study visit's transport headcount, HeadcountDays
	// before it. Default 18:00, 2 days.
	Headcount     string
	HeadcountDays int
	// Morning, when MorningOn, reminds households on the day with
	// "I am here". Off by default to save the push quota. Default 07:00.
	Morning   string
	MorningOn bool
	// QuietStart–QuietEnd: nothing is pushed. Default 21:00–07:00.
	QuietStart string
	QuietEnd   string
	// Summary: the officers' daily summary. Default 18:30.
	Summary string
	// QuotaWarnPercent warns officers once a month when pushes pass this
	// share of the quota. Default 80.
	QuotaWarnPercent int
}

func (rc *ReminderConfig) defaults() {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&rc.EveningBefore, "18:00")
	def(&rc.Headcount, "18:00")
	def(&rc.Morning, "07:00")
	def(&rc.QuietStart, "21:00")
	def(&rc.QuietEnd, "07:00")
	def(&rc.Summary, "18:30")
	// Times compare as "15:04" strings: "7:00" must become "07:00".
	for _, t := range []*string{&rc.EveningBefore, &rc.Headcount, &rc.Morning, &rc.QuietStart, &rc.QuietEnd, &rc.Summary} {
		if p, err := time.Parse("15:04", *t); err == nil {
			*t = p.Format("15:04")
		}
	}
	if rc.HeadcountDays <= 0 {
		rc.HeadcountDays = 2
	}
	if rc.QuotaWarnPercent <= 0 {
		rc.QuotaWarnPercent = 80
	}
}

// Reminder kinds.
const (
	RemindEvening   = "evening"   // the day's card, the evening before
	RemindHeadcount = "headcount" // study visit transport headcount
	RemindMorning   = "morning"   // on the day, with I am here
	RemindSummary   = "summary"   // the officers' daily summary
	RemindQuota     = "quota"     // the push quota passed its warning level
	// After the five days (followup_flows.go): a village's households
	// asked how they are doing, and the sages' weekly list of those
	// without LINE.
	RemindFollowUp      = "followup"
	RemindFollowUpSages = "followup_sages"
	// RemindNotice tells a village's households and sages what changed in
	// its schedule (notices.go).
	RemindNotice = "notice"
)

// Reminder is something due to be pushed now. Skip means its moment has
// passed (the bot was down and the day has started): nothing is sent, and
// the skip is recorded and counted in the next summary.
type Reminder struct {
	Key     string
	Kind    string
	Village int
	Day     int
	Rev     int
	DueAt   time.Time
	Skip    bool
	// Obsolete is a plan entry whose day moved or went: it is taken off
	// the plan and nothing is sent or counted.
	Obsolete bool
	// Planned says the reminder has an entry in the plan (by DueAt and
	// Key), removed when it is recorded.
	Planned bool
	Sends   []Send
	// Marks are ledger keys of skipped reminders this one reports (the
	// summary counts each skip once).
	Marks []string
	// FollowUps are the follow-up records this reminder asks, and Then
	// the plan entries it leads to (the sages' weekly list): both are
	// stored when it is recorded, in the transaction that queues its
	// pushes, so a follow-up is asked once.
	FollowUps []FollowUp
	Then      []PlanEntry
}

// Send is one message for a set of recipients who all get the same thing
// in the same language: the edge multicasts it (at most 500 a call), or
// pushes it to a group.
type Send struct {
	To      []string
	Group   bool
	Lang    locales.Lang
	Replies []Reply
	Purpose string
}

// Recipients counts who a reminder goes to (a group counts once here; the
// edge knows its members).
func (r Reminder) Recipients() int {
	n := 0
	for _, s := range r.Sends {
		n += len(s.To)
	}
	return n
}

// LedgerEntry records that a reminder was sent (or skipped), with the
// retry keys of its pushes, so nothing is sent twice across restarts.
type LedgerEntry struct {
	Key        string    `json:"key"`
	Kind       string    `json:"kind"`
	Village    int       `json:"village,omitempty"`
	Day        int       `json:"day,omitempty"`
	Rev        int       `json:"rev,omitempty"`
	DueAt      time.Time `json:"dueAt"`
	At         time.Time `json:"at"`
	Status     string    `json:"status"` // sent, skipped, nothing (a summary with nothing to report)
	RetryKeys  []string  `json:"retryKeys,omitempty"`
	Recipients int       `json:"recipients"`
	// Reported is set once a skip has been counted in a summary.
	Reported bool `json:"reported,omitempty"`
}

// Ledger statuses.
const (
	LedgerSent    = "sent"
	LedgerSkipped = "skipped"
	LedgerNothing = "nothing"
)

// RecordReminder writes a reminder's ledger entry inside the transaction
// that queues its pushes.
func RecordReminder(tx Tx, r Reminder, status string, retryKeys []string, recipients int, now time.Time) error {
	if r.Planned {
		if err := tx.Plan().Delete(r.DueAt, r.Key); err != nil {
			return err
		}
	}
	if r.Obsolete {
		return nil
	}
	if err := recordFollowUps(tx, r, now); err != nil {
		return err
	}
	for _, k := range r.Marks {
		if le, ok, err := tx.Ledger().Get(k); err != nil {
			return err
		} else if ok {
			le.Reported = true
			if err := tx.Ledger().Put(k, le); err != nil {
				return err
			}
		}
	}
	return tx.Ledger().Put(r.Key, LedgerEntry{Key: r.Key, Kind: r.Kind, Village: r.Village, Day: r.Day, Rev: r.Rev,
		DueAt: r.DueAt, At: now, Status: status, RetryKeys: retryKeys, Recipients: recipients})
}

// StillPlanned reports whether a reminder planned by Due is still pending:
// the day may have moved (or a tick recorded it) since Due read the plan.
func StillPlanned(tx Tx, r Reminder) (bool, error) {
	if !r.Planned {
		return true, nil
	}
	_, ok, err := tx.Plan().Get(r.DueAt, r.Key)
	return ok, err
}

// Recorded reports whether a reminder is already in the ledger.
func Recorded(tx Tx, key string) (bool, error) {
	_, ok, err := tx.Ledger().Get(key)
	return ok, err
}

func clockOn(date time.Time, hhmm string) time.Time {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return date
	}
	y, m, d := date.Date()
	return time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, date.Location())
}

// Quiet reports whether t falls in quiet hours.
func (e *Engine) Quiet(t time.Time) bool {
	rc := e.cfg.Reminders
	hm := t.Format("15:04")
	if rc.QuietStart == rc.QuietEnd {
		return false
	}
	if rc.QuietStart < rc.QuietEnd {
		return hm >= rc.QuietStart && hm < rc.QuietEnd
	}
	return hm >= rc.QuietStart || hm < rc.QuietEnd
}

// QuietUntil returns when quiet hours end if t falls in them, else t. The
// edge holds every push with it: nothing is pushed in quiet hours.
func (e *Engine) QuietUntil(t time.Time) time.Time { return e.afterQuiet(t.In(e.cfg.Location)) }

// afterQuiet moves a time that falls in quiet hours to the end of them.
func (e *Engine) afterQuiet(t time.Time) time.Time {
	if !e.Quiet(t) {
		return t
	}
	end := clockOn(t, e.cfg.Reminders.QuietEnd)
	if !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	return end
}

// eveningStart is when the evening's pushes begin on t's day: 17:00, or
// the evening reminders' time when earlier. From then until quiet hours a
// person gets at most one push (Due, noticeDue).
func (e *Engine) eveningStart(t time.Time) time.Time {
	rc := e.cfg.Reminders
	return clockOn(t, min(eveningFrom, rc.EveningBefore, rc.Headcount))
}

// candidate is a reminder a day could have: when it falls due and the
// moment after which it is pointless.
type candidate struct {
	kind   string
	due    time.Time
	before time.Time
	n      int // a follow-up's number (FollowUp.N); 0 for the days' reminders
}

// key names the candidate of day (vid, day, rev) in the plan and ledger.
func (c candidate) key(vid, day, rev int) string {
	if c.n > 0 {
		return FollowUpReminderKey(vid, c.n, rev)
	}
	return ReminderKey(c.kind, vid, day, rev)
}

func (e *Engine) candidates(d ProgrammeDay) []candidate {
	rc := e.cfg.Reminders
	loc := e.cfg.Location
	date, err := time.ParseInLocation("2006-01-02", d.Date, loc)
	if err != nil {
		return nil
	}
	start := d.StartsAt(loc)
	if d.Day == StudyVisit {
		start = d.DepartsAt(loc)
	}
	// The evening card says "tomorrow": past midnight it would be wrong,
	// so a late one goes out only until the day begins.
	eve := start
	if date.Before(eve) {
		eve = date
	}
	out := []candidate{{kind: RemindEvening, due: clockOn(date.AddDate(0, 0, -1), rc.EveningBefore), before: eve}}
	if d.Day == StudyVisit {
		out = append(out, candidate{kind: RemindHeadcount, due: clockOn(date.AddDate(0, 0, -rc.HeadcountDays), rc.Headcount), before: eve})
	}
	if rc.MorningOn {
		out = append(out, candidate{kind: RemindMorning, due: clockOn(date, rc.Morning), before: d.EndsAt(loc)})
	}
	if d.Day == HomeDay {
		out = append(out, e.followUpCandidates(date)...)
	}
	return out
}

// ReminderKey names a reminder in the ledger. It includes the day's
// revision: a day that moves is a new day for its reminders.
func ReminderKey(kind string, vid, day, rev int) string {
	return fmt.Sprintf("%s/%03d/%d/%d", kind, vid, day, rev)
}

// MaxPerTick bounds how many programme-day reminders one tick plans, so
// that a tick stays short however many villages fall due at once (at
// national scale the 18:00 burst spreads over a few minutes, which LINE's
// multicast rate limit would impose anyway). The earliest due go first.
const MaxPerTick = 1000

// PlanEntry is a reminder waiting in the plan: the index of what has yet
// to be sent, by due time. Sending (or skipping) a reminder removes its
// entry, so a tick reads only what is pending and due.
type PlanEntry struct {
	Key     string    `json:"key"`
	Kind    string    `json:"kind"`
	Village int       `json:"village"`
	Day     int       `json:"day"`
	Rev     int       `json:"rev"`
	Due     time.Time `json:"due"`
	Before  time.Time `json:"before"`
	// N is a follow-up's number (RemindFollowUp).
	N int `json:"n,omitempty"`
	// Changed holds, for a change notice (RemindNotice), each day that
	// changed as it was before its first change (notices.go).
	Changed []DaySnapshot `json:"changed,omitempty"`
}

// planDay replaces a day's plan entries: old (the stored version, or nil)
// loses its entries, d gets one per reminder whose moment is still ahead
// at now (a day set after its moment had passed — a correction — never
// had that reminder to send).
func (e *Engine) planDay(tx Tx, old, d *ProgrammeDay, now time.Time) error {
	if old != nil {
		for _, cand := range e.candidates(*old) {
			key := cand.key(old.Village, old.Day, old.Rev)
			if err := tx.Plan().Delete(cand.due, key); err != nil {
				return err
			}
		}
	}
	if d == nil {
		return nil
	}
	for _, cand := range e.candidates(*d) {
		if !now.Before(cand.before) {
			continue
		}
		key := cand.key(d.Village, d.Day, d.Rev)
		if done, err := Recorded(tx, key); err != nil || done {
			if err != nil {
				return err
			}
			continue
		}
		pe := PlanEntry{Key: key, Kind: cand.kind, Village: d.Village, Day: d.Day, Rev: d.Rev, Due: cand.due, Before: cand.before, N: cand.n}
		if err := tx.Plan().Put(pe); err != nil {
			return err
		}
	}
	return nil
}

// Replan rebuilds the plan from the stored days and the ledger. The
// scheduler runs it at start, so a change of reminder times takes effect
// and days written by any means are planned.
func (e *Engine) Replan(tx Tx, now time.Time) error {
	// Change notices are not derived from the days: they are kept as they
	// are (a sent one has left the plan, so none is sent twice).
	var notices []PlanEntry
	if err := tx.Plan().Each(func(pe PlanEntry) error {
		if pe.Kind == RemindNotice {
			notices = append(notices, pe)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := tx.Plan().Clear(); err != nil {
		return err
	}
	for _, pe := range notices {
		if err := tx.Plan().Put(pe); err != nil {
			return err
		}
	}
	err := tx.Days().Each(func(_ DayRef, d ProgrammeDay) error {
		// Reminders of a day are planned as they were when it was last set:
		// what had passed then stays unplanned.
		return e.planDay(tx, nil, &d, d.Updated)
	})
	if err != nil {
		return err
	}
	return e.replanSageWeeks(tx, now)
}

// Due returns what is due at now and not yet in the ledger: programme-day
// reminders (at most MaxPerTick, earliest first), the daily summary and
// the quota warning. It reads only; the edge sends each reminder and
// records it (which takes it off the plan) in one transaction. Nothing is
// due in quiet hours: what falls due then waits for the morning. In an
// evening, what a village's people have due later that evening comes with
// what they have due now, so that they get one push.
func (e *Engine) Due(tx Tx, now time.Time) ([]Reminder, error) {
	now = now.In(e.cfg.Location)
	if e.Quiet(now) {
		return nil, nil
	}
	var out []Reminder
	c := &Ctx{Tx: tx, Now: now, Lang: locales.Thai, Out: &Outcome{}, eng: e}
	teams := &teamIndex{tx: tx}
	pushed := map[string]bool{} // follow-ups: one push per person per tick
	take := func(pe PlanEntry) error {
		r := Reminder{Key: pe.Key, Planned: true, Kind: pe.Kind, Village: pe.Village, Day: pe.Day, Rev: pe.Rev, DueAt: pe.Due}
		if pe.Kind == RemindNotice {
			if err := e.noticeReminder(c, pe, &r); err != nil {
				return tx.Skip(err)
			}
			out = append(out, r)
			return nil
		}
		if pe.Kind == RemindFollowUpSages {
			if err := e.sageWeek(c, pe, &r, pushed); err != nil {
				return tx.Skip(err)
			}
			out = append(out, r)
			return nil
		}
		d, ok, err := GetDay(tx, pe.Village, pe.Day)
		if err != nil {
			return tx.Skip(err) // that village waits; the others go on
		}
		done, err := Recorded(tx, pe.Key)
		if err != nil {
			return tx.Skip(err)
		}
		switch {
		case !ok || d.Rev != pe.Rev || done:
			r.Obsolete = true // the day moved or went: nothing to send
		case pe.Kind == RemindFollowUp && !now.Before(pe.Before):
			r.Obsolete = true // its time passed (the next one is due): not asked
		case !now.Before(pe.Before):
			r.Skip = true
		case pe.Kind == RemindFollowUp:
			if err := e.followUpReminder(c, d, pe, &r, pushed); err != nil {
				return tx.Skip(err)
			}
		default:
			if r.Sends, err = e.reminderSends(c, d, pe.Kind, teams); err != nil {
				return tx.Skip(err)
			}
		}
		out = append(out, r)
		return nil
	}
	err := tx.Plan().Until(now, func(pe PlanEntry) error {
		if len(out) >= MaxPerTick {
			return ErrStop
		}
		if now.Before(e.afterQuiet(pe.Due)) {
			return nil // fell due in quiet hours: waits for the morning
		}
		return take(pe)
	})
	if err != nil {
		return nil, err
	}
	// At most one push per person an evening: what falls due later this
	// evening for a village that has something to send now comes now,
	// in the same push (everything due for one person between the
	// evening's start and quiet hours goes at the earliest due time among
	// it). A village's households and sages get only its reminders, so
	// the village stands for its people.
	if from, end := e.eveningStart(now), clockOn(now, e.cfg.Reminders.QuietStart); !now.Before(from) && now.Before(end) && len(out) < MaxPerTick {
		villages := map[int]bool{}
		for _, r := range out {
			if r.Village != 0 && r.Kind != RemindFollowUpSages && !r.Skip && !r.Obsolete && len(r.Sends) > 0 {
				villages[r.Village] = true
			}
		}
		if len(villages) > 0 {
			err = tx.Plan().Until(end.Add(-time.Minute), func(pe PlanEntry) error {
				if len(out) >= MaxPerTick {
					return ErrStop
				}
				if !pe.Due.After(now) || !villages[pe.Village] || pe.Kind == RemindFollowUpSages {
					return nil
				}
				return take(pe)
			})
			if err != nil {
				return nil, err
			}
		}
	}
	if r, ok, err := e.dueSummary(c); err != nil {
		return nil, err
	} else if ok {
		out = append(out, r)
	}
	if r, ok, err := e.dueQuotaWarning(c); err != nil {
		return nil, err
	} else if ok {
		out = append(out, r)
	}
	return out, nil
}

// reminderSends builds a day's messages: one card for all the village's
// selected households (its buttons work out the household from who taps),
// and for the evening before, the sages' brief.
func (e *Engine) reminderSends(c *Ctx, d ProgrammeDay, kind string, teams *teamIndex) ([]Send, error) {
	households, err := SelectedHouseholds(c.Tx, d.Village)
	if err != nil {
		return nil, err
	}
	users := lineUsers(households)
	var card Reply
	switch kind {
	case RemindEvening:
		intro := T("reminder.evening", "Day", d.Day)
		if d.Day == HomeDay {
			intro = T("reminder.evening_home") // practice at home: nobody comes anywhere
		}
		card = VillageDayCard(c, d, intro)
	case RemindHeadcount:
		card = VillageDayCard(c, d, T("reminder.headcount", "Date", locales.Date(c.dayTime(d))))
	case RemindMorning:
		card = VillageDayCard(c, d, T("reminder.morning"))
	}
	sends, err := e.sendsTo(c, users, "reminder", card)
	if err != nil {
		return nil, err
	}
	if kind != RemindEvening {
		return sends, nil
	}
	team, err := teams.members(d.Village)
	if err != nil {
		return nil, err
	}
	var sages []string
	for _, s := range team {
		if s.UserID != "" && s.Status == SageApproved {
			sages = append(sages, s.UserID)
		}
	}
	brief, err := e.sageBrief(c, d, households)
	if err != nil {
		return nil, err
	}
	// The lead's copy says what changed since they last looked (lead_news.go).
	if lb, lead, ok, err := e.leadBrief(c, d.Village, team, brief); err != nil {
		return nil, err
	} else if ok && slices.Contains(sages, lead) {
		sages = slices.DeleteFunc(sages, func(id string) bool { return id == lead })
		mine, err := e.sendsTo(c, []string{lead}, "reminder", lb)
		if err != nil {
			return nil, err
		}
		sends = append(sends, mine...)
	}
	more, err := e.sendsTo(c, sages, "reminder", brief)
	return append(sends, more...), err
}

// lineUsers lists the LINE users of households (those on LINE).
func lineUsers(households []Household) []string {
	var users []string
	for _, h := range households {
		if h.UserID != "" {
			users = append(users, h.UserID)
		}
	}
	return users
}

// sendsTo groups active users by language, one Send per language.
func (e *Engine) sendsTo(c *Ctx, users []string, purpose string, replies ...Reply) ([]Send, error) {
	byLang := map[locales.Lang][]string{}
	for _, id := range users {
		u, ok, err := getUser(c.Tx, id)
		if err != nil {
			return nil, err
		}
		if !ok || !u.Active {
			continue
		}
		lang := u.Lang
		if lang == "" {
			lang = locales.Thai
		}
		byLang[lang] = append(byLang[lang], id)
	}
	var out []Send
	for _, lang := range locales.Langs() {
		if ids := byLang[lang]; len(ids) > 0 {
			slices.Sort(ids)
			out = append(out, Send{To: ids, Lang: lang, Replies: replies, Purpose: purpose})
		}
	}
	return out, nil
}

// VillageDayCard is a day's card for all of a village's households at
// once: its buttons carry no household, the tapper's own is used.
func VillageDayCard(c *Ctx, d ProgrammeDay, intro Msg) Reply {
	r := DayCard(c, d, Household{})
	r.Text = intro
	return r
}

// teamIndex reads the registry once per planning pass and groups the
// sages by the village whose team they are on.
type teamIndex struct {
	tx     Tx
	byMoo  map[int][]Sage
	loaded bool
}

func (t *teamIndex) members(vid int) ([]Sage, error) {
	if !t.loaded {
		all, err := ListSages(t.tx)
		if err != nil {
			return nil, err
		}
		t.byMoo = map[int][]Sage{}
		for _, s := range all {
			if s.TeamVillage != 0 {
				t.byMoo[s.TeamVillage] = append(t.byMoo[s.TeamVillage], s)
			}
		}
		t.loaded = true
	}
	return t.byMoo[vid], nil
}

// MaxMessages is LINE's limit of message objects in one push or
// multicast (they count as one message per recipient).
const MaxMessages = 5

// MergedSend is one push request's worth: the messages of one or more
// reminders for recipients who all get the same list. Carries indexes the
// reminders (in the slice given to MergeSends) whose messages it holds.
type MergedSend struct {
	Send
	Carries []int
}

// sendPart is one reminder's send (rs[ri].Sends[si]) as one recipient gets it.
type sendPart struct{ ri, si int }

// recipientKey is who a send goes to: a user (or a group) in a language.
type recipientKey struct {
	to    string
	group bool
	lang  locales.Lang
}

// sendParts lists, for each recipient of rs' sends (in first-seen order),
// the sends that go to them. Skipped and obsolete reminders send nothing.
func sendParts(rs []Reminder) ([]recipientKey, map[recipientKey][]sendPart) {
	var order []recipientKey
	parts := map[recipientKey][]sendPart{}
	for ri, r := range rs {
		if r.Skip || r.Obsolete {
			continue
		}
		for si, s := range r.Sends {
			for _, to := range s.To {
				k := recipientKey{to: to, group: s.Group, lang: s.Lang}
				if _, ok := parts[k]; !ok {
					order = append(order, k)
				}
				parts[k] = append(parts[k], sendPart{ri, si})
			}
		}
	}
	return order, parts
}

// MergeSends merges the sends of reminders due in the same tick so that
// each person gets one push request however many of them are due for
// them ("at most one push per person per evening"): a recipient's messages
// from every reminder go in one send, and recipients whose merged lists
// are identical share it (a multicast). A group gets its own send.
//
// Messages keep the reminders' order (Due's: earliest due first, then the
// summary and the quota warning), except that a message with quick-reply
// chips goes last, since LINE shows only the last message's chips. At most
// MaxMessages message objects go in one request: a recipient's sends past
// that are dropped for them, the later (less important) reminders' first,
// though those reminders are still recorded as sent. Today's kinds never
// come near it (a household's card and headcount, a sage's brief).
func MergeSends(rs []Reminder) []MergedSend {
	order, parts := sendParts(rs)
	var out []MergedSend
	bySig := map[string]int{} // signature → index in out
	for _, k := range order {
		var kept []sendPart
		n := 0
		for _, p := range parts[k] {
			m := len(rs[p.ri].Sends[p.si].Replies)
			if n+m > MaxMessages {
				continue // dropped for this recipient: see above
			}
			kept = append(kept, p)
			n += m
		}
		if len(kept) == 0 {
			continue
		}
		sig := fmt.Sprintf("%s|%v|%v", k.lang, k.group, kept)
		if k.group {
			sig += "|" + k.to // never multicast to groups
		}
		if i, ok := bySig[sig]; ok {
			out[i].To = append(out[i].To, k.to)
			continue
		}
		var plain, quick []Reply
		var carries []int
		for _, p := range kept {
			for _, rep := range rs[p.ri].Sends[p.si].Replies {
				if len(rep.Quick) > 0 {
					quick = append(quick, rep)
				} else {
					plain = append(plain, rep)
				}
			}
			if !slices.Contains(carries, p.ri) {
				carries = append(carries, p.ri)
			}
		}
		first := rs[kept[0].ri].Sends[kept[0].si]
		bySig[sig] = len(out)
		out = append(out, MergedSend{Send: Send{To: []string{k.to}, Group: k.group, Lang: k.lang,
			Replies: append(plain, quick...), Purpose: first.Purpose}, Carries: carries})
	}
	for i := range out {
		slices.Sort(out[i].To)
	}
	return out
}

// BundleReminders splits reminders due in the same tick into bundles that
// share no recipient: the reminders of a bundle are merged (MergeSends)
// and recorded together, in one transaction; bundles are independent. A
// reminder with nothing to send is a bundle of its own. Order is kept.
func BundleReminders(rs []Reminder) [][]Reminder {
	parent := make([]int, len(rs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	order, parts := sendParts(rs)
	for _, k := range order {
		ps := parts[k]
		for _, p := range ps[1:] {
			if a, b := find(ps[0].ri), find(p.ri); a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	var out [][]Reminder
	at := map[int]int{} // root → index in out
	for i, r := range rs {
		root := find(i)
		j, ok := at[root]
		if !ok {
			j = len(out)
			at[root] = j
			out = append(out, nil)
		}
		out[j] = append(out[j], r)
	}
	return out
}
