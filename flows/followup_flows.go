package flows

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// The follow-up cycle (followups.go has the model):
//
//   - Each follow-up of a village is a reminder in the plan, from its day 5
//     (planDay): at FollowUpConfig.At on its date, outside quiet hours. When
//     it falls due, each household of the village that completed the
//     programme and has not been asked it yet gets a FollowUp record, stored
//     when the reminder is recorded (RecordReminder), in the transaction that
//     queues its pushes: a follow-up is asked once, across restarts.
//   - A household with LINE gets one push, a card with ทำเป็นประจำ /
//     ทำบ้าง / ยังไม่ได้ทำ; a tap (or the label typed) starts the follow-up
//     form: the reason when not practising, last month's income, the part
//     of it from the occupation when practising, then thanks.
//   - A household without LINE (or whose head blocked the bot) is answered
//     for by its village's team sages, from its card or their list
//     (ติดตามผล, or a note under their rich menu's answers), or by an
//     officer. The sages get at most one push a week listing them, on
//     FollowUpConfig.SageWeekday at At: a plan entry per week, planned
//     when such a household is asked.
//   - A follow-up unanswered after FollowUpConfig.Window counts as "not
//     followed up" (it leaves the sages' list); a later answer is still
//     recorded.

const (
	formFollowUp    = "followup.answer"
	actFollowUp     = "fu"      // answer a household's follow-up (a practice, or none: ask it)
	actFollowUpList = "fu.list" // households waiting for an answer, for sages and officers
	ansFollowUpN    = "_n"      // the follow-up being answered (FollowUp.N)

	fuPractice  = "practice"
	fuReason    = "reason"
	fuIncome    = "income"
	fuOccIncome = "occupation_income"

	// maxFollowUpLate is how long after its time a follow-up is still
	// asked (the bot was down, or the feature came after the week): later
	// it is left out, as it is once the household's next one falls due.
	maxFollowUpLate = 30 * 24 * time.Hour
	// sageWeekGrace is how late the sages' weekly list may still go out;
	// after that they see it in their menu only.
	sageWeekGrace = 2 * 24 * time.Hour
)

// ReasonMsg names a reason for not practising (NotPractisingReasons):
// catalog key followup.reason.<reason>, except "other", which the catalog
// cannot have as a key's last word (go-i18n reads it as a plural form).
func ReasonMsg(reason string) Msg {
	if reason == "other" {
		return T("followup.reason.other_reason")
	}
	return T("followup.reason." + reason)
}

// PracticeMsg names a practice answer (ทำเป็นประจำ, ทำบ้าง, ยังไม่ได้ทำ).
func PracticeMsg(p Practice) Msg { return T("followup.btn." + string(p)) }

// practices are the answers to "still practising?", in button order.
var practices = []Practice{PracticeRegular, PracticeSometimes, PracticeNot}

func validPractice(p Practice) bool { return slices.Contains(practices, p) }

func (e *Engine) registerFollowUps() {
	e.RegisterForm(e.followUpForm())
	e.RegisterAction(actFollowUp, e.actFollowUp)
	e.RegisterAction(actFollowUpList, e.actFollowUpList)
	// The buttons' labels typed work as the buttons do.
	for _, key := range []string{"followup.cmd", "followup.btn.answer", "followup.btn.list"} {
		e.RegisterCommand(Command{Key: key, In1to1: true, Run: e.followUpCommand})
	}
	e.RegisterCommand(Command{In1to1: true, Claim: e.claimPracticeWord})
}

// Planning.

// FollowUpReminderKey names, in the plan and the ledger, the reminder that
// asks follow-up n of the households of village vid whose day 5 has
// revision rev.
func FollowUpReminderKey(vid, n, rev int) string {
	return fmt.Sprintf("%s/%03d/%d/%d", RemindFollowUp, vid, n, rev)
}

// followUpCandidates are the follow-up reminders of a village whose day 5
// is on day5 (midnight): each is asked until the next one falls due, and
// at most maxFollowUpLate after its time.
func (e *Engine) followUpCandidates(day5 time.Time) []candidate {
	fc := e.cfg.FollowUps
	sched := fc.FollowUpSchedule(day5)
	out := make([]candidate, 0, len(sched))
	for i, f := range sched {
		due := clockOn(f.Date, fc.At)
		before := due.Add(maxFollowUpLate)
		if i+1 < len(sched) {
			if next := clockOn(sched[i+1].Date, fc.At); next.Before(before) {
				before = next
			}
		}
		out = append(out, candidate{kind: RemindFollowUp, due: due, before: before, n: f.N})
	}
	return out
}

// followUpReminder fills r, the reminder of follow-up pe.N of day 5 d's
// village: a record for each household that completed the programme and
// was not asked it (or a later one), a push to each that has LINE, and
// the sages' weekly list when some have not. pushed holds who this tick
// already pushed to: one follow-up push per person.
func (e *Engine) followUpReminder(c *Ctx, d ProgrammeDay, pe PlanEntry, r *Reminder, pushed map[string]bool) error {
	v, ok, err := GetVillage(c.Tx, d.Village)
	if err != nil {
		return err
	}
	sched := e.cfg.FollowUps.FollowUpSchedule(c.dayTime(d))
	i := slices.IndexFunc(sched, func(f FollowUpDue) bool { return f.N == pe.N })
	if !ok || i < 0 {
		r.Obsolete = true // the village went, or the follow-up days changed
		return nil
	}
	due := sched[i]
	hs, err := VillageHouseholds(c.Tx, v.ID)
	if err != nil {
		return err
	}
	sages := false
	for _, h := range hs {
		if h.Erased || HouseholdState(c.Tx, h, c.Now) != StatusCompleted {
			continue
		}
		fs, err := HouseholdFollowUps(c.Tx, h.ID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(fs, func(f FollowUp) bool { return f.N >= due.N }) {
			continue
		}
		r.FollowUps = append(r.FollowUps, FollowUp{Household: h.ID, Village: v.ID, Round: v.Round, N: due.N,
			Kind: due.Kind, Days: due.Days, Due: due.Date.Format("2006-01-02"), Asked: c.Now})
		u, reachable, err := reachableUser(c.Tx, h)
		if err != nil {
			return err
		}
		if !reachable {
			sages = true
			continue
		}
		if pushed[u.ID] {
			continue
		}
		pushed[u.ID] = true
		r.Sends = append(r.Sends, Send{To: []string{u.ID}, Lang: cmp.Or(u.Lang, locales.Thai),
			Replies: []Reply{followUpCard(c, h, v)}, Purpose: "followup"})
	}
	if sages {
		r.Then = append(r.Then, e.sageWeekEntry(due.Date))
	}
	return nil
}

// followUpCard is the push a household with LINE gets: still practising?
func followUpCard(c *Ctx, h Household, v Village) Reply {
	title := T("followup.card.title")
	return Reply{Style: StyleCard, Title: &title,
		Text: T("followup.card.text", "Name", locales.FirstName(h.HeadName), "Occupation", v.Occupation,
			"Village", T("household.village.label", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v)).Ref()),
		Buttons: practiceButtons(h.ID)}
}

func practiceButtons(household string) []Action {
	out := make([]Action, len(practices))
	for i, p := range practices {
		label := PracticeMsg(p)
		out[i] = Action{Label: label, Data: Postback{Action: actFollowUp, Household: household, Value: string(p)}.Encode(), Say: &label}
	}
	return out
}

// reachableUser returns the household head's LINE user when the bot can
// push to them: linked, and still following the bot.
func reachableUser(tx Tx, h Household) (User, bool, error) {
	if h.UserID == "" {
		return User{}, false, nil
	}
	u, ok, err := getUser(tx, h.UserID)
	return u, ok && u.Active, err
}

// sageWeekKey names the sages' list of the week whose push is on date.
func sageWeekKey(date time.Time) string { return RemindFollowUpSages + "/" + date.Format("2006-01-02") }

// sageWeekEntry is the plan entry of the sages' weekly list that first
// follows (or falls on) date: SageWeekday at At.
func (e *Engine) sageWeekEntry(date time.Time) PlanEntry {
	fc := e.cfg.FollowUps
	day := date.AddDate(0, 0, (int(*fc.SageWeekday)-int(date.Weekday())+7)%7)
	due := clockOn(day, fc.At)
	return PlanEntry{Key: sageWeekKey(day), Kind: RemindFollowUpSages, Due: due, Before: due.Add(sageWeekGrace)}
}

// sageWeekPlan says which week's list a follow-up asked at asked goes
// in: pe's, unless that list went out before it was asked, then the
// next week's. It reports false when a list that went out already
// named it.
func sageWeekPlan(tx Tx, pe PlanEntry, asked time.Time) (PlanEntry, bool, error) {
	for range 2 {
		le, sent, err := tx.Ledger().Get(pe.Key)
		if err != nil || !sent {
			return pe, err == nil, err
		}
		if !le.At.Before(asked) {
			return pe, false, nil
		}
		pe.Due, pe.Before = pe.Due.AddDate(0, 0, 7), pe.Before.AddDate(0, 0, 7)
		pe.Key = sageWeekKey(pe.Due)
	}
	return pe, false, nil
}

// recordFollowUps stores what a recorded reminder asked: its follow-up
// records (each once: a record already there stays as it is) and the
// sages' weekly list they lead to.
func recordFollowUps(tx Tx, r Reminder, now time.Time) error {
	for _, f := range r.FollowUps {
		ref := FollowUpRef{Household: f.Household, N: f.N}
		if _, ok, err := tx.FollowUps().Get(ref); err != nil {
			return err
		} else if ok {
			continue
		}
		f.Asked = now
		if err := tx.FollowUps().Put(ref, f); err != nil {
			return err
		}
	}
	for _, pe := range r.Then {
		pe, ok, err := sageWeekPlan(tx, pe, now)
		if err != nil {
			return err
		}
		if ok {
			if err := tx.Plan().Put(pe); err != nil {
				return err
			}
		}
	}
	return nil
}

// replanSageWeeks puts the sages' weekly lists back in the plan (Replan
// clears it): one for each week with an open follow-up of a household
// without LINE that no list named yet.
func (e *Engine) replanSageWeeks(tx Tx, now time.Time) error {
	open, err := e.openFollowUps(tx, nil, now.In(e.cfg.Location))
	if err != nil {
		return err
	}
	for _, o := range open {
		due, err := time.ParseInLocation("2006-01-02", o.F.Due, e.cfg.Location)
		if err != nil {
			continue
		}
		pe, ok, err := sageWeekPlan(tx, e.sageWeekEntry(due), o.F.Asked)
		if err != nil {
			return err
		}
		if ok {
			if err := tx.Plan().Put(pe); err != nil {
				return err
			}
		}
	}
	return nil
}

// sageWeek fills r, the sages' weekly list: each sage of a village team
// with households without LINE waiting for a follow-up answer gets one
// push naming them, unless this tick already pushed to them.
func (e *Engine) sageWeek(c *Ctx, pe PlanEntry, r *Reminder, pushed map[string]bool) error {
	if done, err := Recorded(c.Tx, pe.Key); err != nil || done {
		r.Obsolete = true
		return err
	}
	if !c.Now.Before(pe.Before) {
		r.Obsolete = true // missed (the bot was down): the sages see the list in their menu
		return nil
	}
	open, err := e.openFollowUps(c.Tx, nil, c.Now)
	if err != nil {
		return err
	}
	bySage := map[string][]openFollowUp{}
	teams := map[int][]Sage{}
	for _, o := range open {
		team, ok := teams[o.H.Village]
		if !ok {
			if team, err = TeamMembers(c.Tx, o.H.Village); err != nil {
				return err
			}
			teams[o.H.Village] = team
		}
		for _, s := range team {
			if s.Status == SageApproved && s.UserID != "" {
				bySage[s.UserID] = append(bySage[s.UserID], o)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(bySage)) {
		if pushed[id] {
			continue
		}
		if asked, err := askedToday(c, id); err != nil || asked {
			if err != nil {
				return err
			}
			continue // their own household's follow-up went today: one push a day
		}
		u, ok, err := getUser(c.Tx, id)
		if err != nil {
			return err
		}
		if !ok || !u.Active {
			continue
		}
		pushed[id] = true
		r.Sends = append(r.Sends, Send{To: []string{id}, Lang: cmp.Or(u.Lang, locales.Thai),
			Replies: []Reply{sageWeekCard(c, bySage[id])}, Purpose: "followup"})
	}
	return nil
}

// sageWeekMax is how many households the weekly card names; the list
// behind its button has them all.
const sageWeekMax = 20

// sageWeekCard lists the households a sage can answer for this week.
func sageWeekCard(c *Ctx, open []openFollowUp) Reply {
	title := T("followup.week.title")
	var fields []Field
	for _, o := range open[:min(len(open), sageWeekMax)] {
		fields = append(fields, Field{Label: Raw(fmt.Sprint(HouseholdName(o.H))),
			Value: T("followup.week.row", "Village", VillageShort(c.Tx, o.H.Village).Ref(), "House", o.H.HouseNo)})
	}
	if len(open) > sageWeekMax {
		fields = append(fields, Field{Label: T("followup.week.more_label"), Value: T("followup.week.more", "Count", len(open)-sageWeekMax)})
	}
	return Reply{Style: StyleCard, Title: &title, Text: T("followup.week.text", "Count", len(open)), Fields: fields,
		Buttons: []Action{{Label: T("followup.btn.list"), Data: Postback{Action: actFollowUpList}.Encode()}}}
}

// askedToday reports whether the user's own household was asked a
// follow-up today (a sage may head a household of an earlier round).
func askedToday(c *Ctx, userID string) (bool, error) {
	h, ok, err := HouseholdOfUser(c.Tx, userID)
	if err != nil || !ok {
		return false, err
	}
	f, ok, err := latestFollowUp(c.Tx, h.ID)
	return ok && f.Asked.In(c.Location()).Format("2006-01-02") == c.today(), err
}

// Who is waiting for an answer.

// openFollowUp is a household without LINE whose latest follow-up waits
// for a sage's or an officer's answer.
type openFollowUp struct {
	H Household
	F FollowUp
}

// isOpen reports whether f still waits for an answer at now: asked,
// unanswered, and within the window (after it, it counts as "not
// followed up", though a late answer is still kept).
func (e *Engine) isOpen(f FollowUp, now time.Time) bool {
	return !f.IsAnswered() && !f.Asked.IsZero() && now.Before(f.Asked.Add(e.cfg.FollowUps.Window))
}

// openFollowUps lists the households of villages vids (nil: every
// village) without LINE whose latest follow-up is open at now, by
// village and household.
func (e *Engine) openFollowUps(tx Tx, vids []int, now time.Time) ([]openFollowUp, error) {
	latest := map[string]FollowUp{}
	if vids == nil {
		err := tx.FollowUps().Each(func(_ FollowUpRef, f FollowUp) error {
			if l, ok := latest[f.Household]; !ok || f.N > l.N {
				latest[f.Household] = f
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		for _, vid := range vids {
			hs, err := VillageHouseholds(tx, vid)
			if err != nil {
				return nil, err
			}
			for _, h := range hs {
				fs, err := HouseholdFollowUps(tx, h.ID)
				if err != nil {
					return nil, err
				}
				if len(fs) > 0 {
					latest[h.ID] = slices.MaxFunc(fs, func(a, b FollowUp) int { return cmp.Compare(a.N, b.N) })
				}
			}
		}
	}
	var out []openFollowUp
	for _, id := range slices.Sorted(maps.Keys(latest)) {
		f := latest[id]
		if !e.isOpen(f, now) {
			continue
		}
		h, ok, err := GetHousehold(tx, id)
		if err != nil {
			if err := tx.Skip(err); err != nil {
				return nil, err
			}
			continue
		}
		if !ok || h.Erased {
			continue
		}
		if _, reachable, err := reachableUser(tx, h); err != nil {
			return nil, err
		} else if reachable {
			continue
		}
		out = append(out, openFollowUp{H: h, F: f})
	}
	slices.SortStableFunc(out, func(a, b openFollowUp) int {
		return cmp.Or(cmp.Compare(a.H.Village, b.H.Village), cmp.Compare(a.H.ID, b.H.ID))
	})
	return out, nil
}

// latestFollowUp returns the household's latest follow-up, if it has one.
func latestFollowUp(tx Tx, household string) (FollowUp, bool, error) {
	fs, err := HouseholdFollowUps(tx, household)
	if err != nil || len(fs) == 0 {
		return FollowUp{}, false, err
	}
	return slices.MaxFunc(fs, func(a, b FollowUp) int { return cmp.Compare(a.N, b.N) }), true, nil
}

// sageVillages are the villages whose teams the user is on as an approved
// sage: the current one, and earlier rounds' as they ended (a follow-up
// 90 days on may fall in the next round).
func sageVillages(tx Tx, userID string) ([]int, error) {
	out := []int{}
	s, ok, err := GetSage(tx, userID)
	if err != nil || !ok || s.Status != SageApproved {
		return out, err
	}
	if s.TeamVillage != 0 {
		out = append(out, s.TeamVillage)
	}
	err = tx.Villages().Each(func(id int, v Village) error {
		if slices.Contains(v.Team, userID) && !slices.Contains(out, id) {
			out = append(out, id)
		}
		return nil
	})
	return out, err
}

// mayAnswerFollowUp says who answers a household's follow-up: its head;
// an officer; and, while the household cannot be reached on LINE, an
// approved sage of its village's team (as the team was, for a village of
// an earlier round).
func mayAnswerFollowUp(c *Ctx, h Household) (bool, error) {
	if h.UserID != "" && h.UserID == c.In.UserID {
		return true, nil
	}
	if officer, err := IsOfficer(c.Tx, c.In.UserID); err != nil || officer {
		return officer, err
	}
	if _, reachable, err := reachableUser(c.Tx, h); err != nil || reachable {
		return false, err
	}
	vids, err := sageVillages(c.Tx, c.In.UserID)
	return slices.Contains(vids, h.Village), err
}

// Answering.

// actFollowUp is a follow-up button: a practice on the household's push
// (the tapper's own household when it names none), or "answer" on a
// household's card or the sages' list.
func (e *Engine) actFollowUp(c *Ctx, p Postback) error {
	if c.In.InGroup() {
		return c.stale()
	}
	var h Household
	var ok bool
	var err error
	if p.Household == "" {
		h, ok, err = HouseholdOfUser(c.Tx, c.In.UserID)
	} else {
		h, ok, err = GetHousehold(c.Tx, p.Household)
	}
	if err != nil {
		return err
	}
	if !ok || h.Erased {
		return NotFound("follow-up", "household.err.gone")
	}
	return e.startFollowUp(c, h, Practice(p.Value))
}

// startFollowUp opens the follow-up form on the household's latest
// follow-up, with the practice already answered when a button gave it.
func (e *Engine) startFollowUp(c *Ctx, h Household, practice Practice) error {
	if ok, err := mayAnswerFollowUp(c, h); err != nil {
		return err
	} else if !ok {
		return Forbidden("follow-up", "followup.err.not_yours")
	}
	f, ok, err := latestFollowUp(c.Tx, h.ID)
	if err != nil {
		return err
	}
	if !ok {
		c.Say(Text(T("followup.err.none")))
		return nil
	}
	if f.IsAnswered() {
		c.Say(Text(T("followup.err.answered", "Date", locales.DateYear(f.Answered.In(c.Location())))))
		return nil
	}
	a := Answers{ansID: h.ID, ansFollowUpN: strconv.Itoa(f.N)}
	if validPractice(practice) {
		a[fuPractice] = string(practice)
	}
	return c.StartForm(formFollowUp, a)
}

// claimPracticeWord reads a practice button's label typed by a household
// that has a follow-up to answer, as if the button had been tapped.
func (e *Engine) claimPracticeWord(c *Ctx) (bool, error) {
	var practice Practice
	for _, p := range practices {
		if c.typedIs("followup.btn." + string(p)) {
			practice = p
		}
	}
	if practice == "" {
		return false, nil
	}
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil || !ok || h.Erased {
		return false, err
	}
	if _, has, err := latestFollowUp(c.Tx, h.ID); err != nil || !has {
		return false, err
	}
	return true, e.startFollowUp(c, h, practice)
}

// followUpCommand is ติดตามผล typed: a sage or officer sees who waits for
// an answer; a household answers its own follow-up.
func (e *Engine) followUpCommand(c *Ctx) error {
	a, err := actorOf(c)
	if err != nil {
		return err
	}
	if a.Officer || a.Role.Approved {
		return e.followUpList(c, 1)
	}
	if h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID); err != nil {
		return err
	} else if ok && !h.Erased {
		return e.startFollowUp(c, h, "")
	}
	c.Say(Text(T("followup.err.none"), e.mainMenu(c)...))
	return nil
}

func (e *Engine) actFollowUpList(c *Ctx, p Postback) error {
	if c.In.InGroup() {
		return c.stale()
	}
	a, err := actorOf(c)
	if err != nil {
		return err
	}
	if !a.Officer && !a.Role.Approved {
		return Forbidden("follow-up list", "followup.err.list_forbidden")
	}
	return e.followUpList(c, max(p.Page, 1))
}

// followUpList shows the households without LINE waiting for a follow-up
// answer: an officer's of every village, a sage's of their teams'. A tap
// on one answers for it.
func (e *Engine) followUpList(c *Ctx, page int) error {
	var vids []int
	officer, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !officer {
		if vids, err = sageVillages(c.Tx, c.In.UserID); err != nil {
			return err
		}
	}
	open, err := e.openFollowUps(c.Tx, vids, c.Now)
	if err != nil {
		return err
	}
	if len(open) == 0 {
		c.Say(Text(T("followup.list.empty")))
		return nil
	}
	pages := (len(open) + listPage - 1) / listPage
	page = min(page, pages)
	rows := make([]Row, 0, listPage)
	for _, o := range open[(page-1)*listPage : min(page*listPage, len(open))] {
		detail := T("followup.list.detail", "Village", VillageShort(c.Tx, o.H.Village).Ref(),
			"Date", locales.ShortDate(o.F.Asked.Add(e.cfg.FollowUps.Window).In(c.Location())))
		rows = append(rows, Row{Title: T("followup.list.row", "Name", HouseholdName(o.H), "House", o.H.HouseNo), Detail: &detail,
			Tap: &Action{Label: T("followup.btn.answer"), Data: Postback{Action: actFollowUp, Household: o.H.ID}.Encode()}})
	}
	var quick []Action
	if page < pages {
		quick = append(quick, Action{Label: T("conv.btn.next_page"), Data: Postback{Action: actFollowUpList, Page: page + 1}.Encode()})
	}
	if page > 1 {
		quick = append(quick, Action{Label: T("conv.btn.prev_page"), Data: Postback{Action: actFollowUpList, Page: page - 1}.Encode()})
	}
	title := T("followup.list.title")
	text := T("followup.list.text", "Count", len(open), "Page", page, "Pages", pages)
	if pages == 1 {
		text = T("followup.list.text_all", "Count", len(open))
	}
	c.Say(Reply{Style: StyleList, Title: &title, Text: text, Rows: rows, Quick: quick})
	return nil
}

// thenFollowUps follows a sage's rich menu answer with a note of the
// households waiting for their follow-up answer, if any (a reply: free).
func (e *Engine) thenFollowUps(c *Ctx, err error) error {
	if err != nil || len(c.Out.Replies) == 0 || len(c.Out.Replies) >= 5 {
		return err
	}
	if officer, err := IsOfficer(c.Tx, c.In.UserID); err != nil || officer {
		return err
	}
	vids, err := sageVillages(c.Tx, c.In.UserID)
	if err != nil || len(vids) == 0 {
		return err
	}
	open, err := e.openFollowUps(c.Tx, vids, c.Now)
	if err != nil || len(open) == 0 {
		return err
	}
	label := T("followup.btn.list")
	c.Say(Text(T("followup.note", "Count", len(open)), Action{Label: label, Data: Postback{Action: actFollowUpList}.Encode(), Say: &label}))
	return nil
}

// followUpOnCard is what a household's card shows of its follow-ups: the
// latest one's state, and for whoever may answer it, the button that does.
func (e *Engine) followUpOnCard(c *Ctx, h Household) ([]Field, []Action, error) {
	f, ok, err := latestFollowUp(c.Tx, h.ID)
	if err != nil || !ok {
		return nil, nil, err
	}
	var state Msg
	switch {
	case f.IsAnswered():
		state = T("followup.state.answered", "Practice", PracticeMsg(f.Practice).Ref(),
			"Date", locales.ShortDate(f.Answered.In(c.Location())))
	case e.isOpen(f, c.Now):
		state = T("followup.state.waiting", "Date", locales.ShortDate(f.Asked.Add(e.cfg.FollowUps.Window).In(c.Location())))
	default:
		state = T("followup.state.late")
	}
	fields := []Field{{Label: T("followup.label.state"), Value: state}}
	if f.IsAnswered() {
		return fields, nil, nil
	}
	if may, err := mayAnswerFollowUp(c, h); err != nil || !may {
		return fields, nil, err
	}
	return fields, []Action{{Label: T("followup.btn.answer"), Data: Postback{Action: actFollowUp, Household: h.ID}.Encode()}}, nil
}

// The form.

func (e *Engine) followUpForm() *Form {
	unknown := func(*Ctx, Answers) ([]Choice, error) {
		return []Choice{{Value: incomeNone, Label: T("household.income.unknown")}}, nil
	}
	practising := func(a Answers) bool { return Practice(a[fuPractice]).Practising() }
	return &Form{
		Name:  formFollowUp,
		Title: T("followup.form.title"),
		TitleFor: func(c *Ctx, a Answers) Msg {
			// The head's own answers are "the follow-up"; a sage's or an
			// officer's name whose they are.
			h, _, _ := GetHousehold(c.Tx, a[ansID])
			if h.UserID != "" && h.UserID == c.In.UserID {
				return T("followup.form.title")
			}
			return T("followup.form.title_for", "Name", locales.FirstName(h.HeadName))
		},
		Begin:   e.beginFollowUp,
		Save:    e.saveFollowUp,
		DoneKey: "followup.already_saved",
		Questions: []Question{
			{Field: fuPractice, Help: T("followup.help.practice"), Label: T("followup.label.practice"),
				Prompt: practicePrompt,
				Choices: func(*Ctx, Answers) ([]Choice, error) {
					out := make([]Choice, len(practices))
					for i, p := range practices {
						out[i] = Choice{Value: string(p), Label: PracticeMsg(p)}
					}
					return out, nil
				},
				Show: func(_ *Ctx, v string) Msg { return PracticeMsg(Practice(v)) }},
			{Field: fuReason, Ask: T("followup.q.reason"), Help: T("followup.help.reason"), Label: T("followup.label.reason"),
				When: func(a Answers) bool { return Practice(a[fuPractice]) == PracticeNot },
				Choices: func(*Ctx, Answers) ([]Choice, error) {
					out := make([]Choice, len(NotPractisingReasons))
					for i, r := range NotPractisingReasons {
						out[i] = Choice{Value: r, Label: ReasonMsg(r)}
					}
					return out, nil
				},
				Show: func(_ *Ctx, v string) Msg { return ReasonMsg(v) }},
			{Field: fuIncome, Ask: T("followup.q.income"), Help: T("followup.help.income"), Label: T("followup.label.income"),
				Choices: unknown, Parse: e.parseFollowUpIncome, Show: showIncome},
			{Field: fuOccIncome, Help: T("followup.help.occupation_income"), Label: T("followup.label.occupation_income"),
				Prompt: func(c *Ctx, a Answers) Msg {
					return T("followup.q.occupation_income", "Occupation", followUpOccupation(c, a))
				},
				When: practising, Choices: unknown, Parse: e.parseOccupationIncome, Show: showIncome},
		},
	}
}

// followUpOccupation is the occupation the household was trained in (its
// village's).
func followUpOccupation(c *Ctx, a Answers) string {
	h, _, _ := GetHousehold(c.Tx, a[ansID])
	v, _, _ := GetVillage(c.Tx, h.Village)
	return v.Occupation
}

// practicePrompt asks the head about their own household, and a sage or
// officer about the household they answer for.
func practicePrompt(c *Ctx, a Answers) Msg {
	h, _, _ := GetHousehold(c.Tx, a[ansID])
	occupation := followUpOccupation(c, a)
	if h.UserID != "" && h.UserID == c.In.UserID {
		return T("followup.q.practice_self", "Occupation", occupation)
	}
	return T("followup.q.practice_other", "Name", locales.FirstName(h.HeadName), "Occupation", occupation)
}

// parseOccupationIncome reads the part of the income from the occupation:
// no more than the household's whole income, when that is known.
func (e *Engine) parseOccupationIncome(c *Ctx, a Answers, s string) (string, *Msg) {
	v, hint := e.parseFollowUpIncome(c, a, s)
	if hint != nil {
		return "", hint
	}
	if n, total, ok := overIncome(a[fuIncome], v); ok && n > total {
		h := T("followup.hint.over_income", "Baht", locales.Baht(total))
		return "", &h
	}
	return v, nil
}

// unknownWords are the other ways people type "I don't know" to an
// income question: ไม่ทราบ itself is its button's label, which typed
// works as the button does.
var unknownWords = []string{"followup.unknown.dont_know", "followup.unknown.not_sure", "followup.unknown.forgot"}

// parseFollowUpIncome reads a follow-up's income answer: an amount as
// incomeParser reads it, or "don't know" in any of its usual words. A
// typed answer that is neither is told both ways to answer.
func (e *Engine) parseFollowUpIncome(c *Ctx, a Answers, s string) (string, *Msg) {
	for _, key := range unknownWords {
		if e.isCmd(s, key) {
			return incomeNone, nil
		}
	}
	v, hint := incomeParser(c, a, s)
	if hint != nil && hint.Key == "household.hint.income" {
		h := T("followup.hint.income")
		return "", &h
	}
	return v, hint
}

// overIncome reads a whole income and a part of it, when both are known.
func overIncome(total, part string) (int64, int64, bool) {
	t, err1 := strconv.ParseInt(total, 10, 64)
	p, err2 := strconv.ParseInt(part, 10, 64)
	return p, t, err1 == nil && err2 == nil
}

// amountAnswer reads an income answer: the baht, and whether it is known.
func amountAnswer(v string) (int64, bool) {
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && v != incomeNone
}

// followUpHousehold is the household a follow-up form answers for, when
// the user may answer for it.
func followUpHousehold(c *Ctx, a Answers) (Household, error) {
	h, ok, err := GetHousehold(c.Tx, a[ansID])
	if err != nil {
		return h, err
	}
	if !ok || h.Erased {
		return h, NotFound("follow-up", "household.err.gone")
	}
	if may, err := mayAnswerFollowUp(c, h); err != nil {
		return h, err
	} else if !may {
		return h, Forbidden("follow-up", "followup.err.not_yours")
	}
	return h, nil
}

// beginFollowUp checks, when the form opens, that the user may answer for
// the household and that its follow-up still waits for an answer.
func (e *Engine) beginFollowUp(c *Ctx, a Answers) error {
	h, err := followUpHousehold(c, a)
	if err != nil {
		return err
	}
	if a[ansFollowUpN] == "" {
		f, ok, err := latestFollowUp(c.Tx, h.ID)
		if err != nil {
			return err
		}
		if !ok || f.IsAnswered() {
			return NotFound("follow-up", "followup.err.none")
		}
		a[ansFollowUpN] = strconv.Itoa(f.N)
	}
	return nil
}

// saveFollowUp records the answers on the follow-up, once: if someone
// answered it meanwhile, their answer stays. Every answer is thanked the
// same way.
func (e *Engine) saveFollowUp(c *Ctx, a Answers) error {
	h, err := followUpHousehold(c, a)
	if err != nil {
		return err
	}
	ref := FollowUpRef{Household: h.ID, N: atoi(a[ansFollowUpN])}
	f, ok, err := c.Tx.FollowUps().Get(ref)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("follow-up", "followup.err.none")
	}
	if f.IsAnswered() {
		c.Say(Text(T("followup.err.answered", "Date", locales.DateYear(f.Answered.In(c.Location())))))
		return ErrEnd
	}
	f.Practice = Practice(a[fuPractice])
	if !validPractice(f.Practice) {
		delete(a, fuPractice)
		return Invalid("follow-up", "conv.hint.tap_button")
	}
	f.Reason = ""
	if f.Practice == PracticeNot {
		f.Reason = a[fuReason]
	}
	f.Income, f.IncomeKnown = amountAnswer(a[fuIncome])
	f.OccupationIncome, f.OccupationIncomeKnown = 0, false
	if f.Practice.Practising() {
		f.OccupationIncome, f.OccupationIncomeKnown = amountAnswer(a[fuOccIncome])
		if f.IncomeKnown && f.OccupationIncomeKnown && f.OccupationIncome > f.Income {
			// The whole income was changed below its part: ask the part again.
			delete(a, fuOccIncome)
			return Invalid("follow-up", "followup.err.over_income")
		}
	}
	f.Answered, f.AnsweredBy = c.Now, c.In.UserID
	if err := c.Tx.FollowUps().Put(ref, f); err != nil {
		return err
	}
	if h.UserID != "" && h.UserID == c.In.UserID {
		c.Say(Text(T("followup.saved.own")))
		return nil
	}
	// A sage or officer answering for neighbours is told how many are
	// left, and offered the list to go on while some are.
	left, err := e.followUpsLeft(c)
	if err != nil {
		return err
	}
	name := locales.FirstName(h.HeadName)
	if left == 0 {
		c.Say(Text(T("followup.saved.for_last", "Name", name)))
		return nil
	}
	label := T("followup.btn.list")
	c.Say(Text(T("followup.saved.for", "Name", name, "Count", left),
		Action{Label: label, Data: Postback{Action: actFollowUpList}.Encode(), Say: &label}))
	return nil
}

// followUpsLeft counts the households the user's list (followUpList)
// still shows: an officer's of every village, a sage's of their teams'.
func (e *Engine) followUpsLeft(c *Ctx) (int, error) {
	var vids []int
	officer, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return 0, err
	}
	if !officer {
		if vids, err = sageVillages(c.Tx, c.In.UserID); err != nil || len(vids) == 0 {
			return 0, err
		}
	}
	open, err := e.openFollowUps(c.Tx, vids, c.Now)
	return len(open), err
}

// The daily summary.

// followUpsAnsweredSince counts the follow-ups answered after since, up
// to now.
func followUpsAnsweredSince(tx Tx, since, now time.Time) (int, error) {
	n := 0
	err := tx.FollowUps().Each(func(_ FollowUpRef, f FollowUp) error {
		if f.Answered.After(since) && !f.Answered.After(now) {
			n++
		}
		return nil
	})
	return n, err
}
