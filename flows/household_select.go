package flows

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/sammachip/sammachip/locales"
)

// listPage is how many households one card lists.
const listPage = 20

// selectorVillage says which village the user may select households for:
// officers any (moo 0 = ask), a lead sage their own; anyone else none.
func selectorVillage(c *Ctx) (vid int, officer bool, err error) {
	a, err := actorOf(c)
	if err != nil {
		return 0, false, err
	}
	vid, err = a.villageFor("select households", 0, true, "household.err.select_forbidden")
	return vid, a.Officer, err
}

// chooseVillage asks an officer which village, as a list of buttons.
func chooseVillage(c *Ctx, prompt Msg, action string) error {
	vs, err := ListVillages(c.Tx)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return NotFound("choose village", "household.err.no_villages")
	}
	acts := make([]Action, len(vs))
	for i, v := range vs {
		acts[i] = Action{Label: T("household.village.label", "Moo", v.Moo, "Name", pickerNameArg(v)), Data: Postback{Action: action, Village: v.ID}.Encode()}
	}
	c.Say(Reply{Style: StyleList, Text: prompt, Buttons: acts})
	return nil
}

// planSig fingerprints a plan so that a confirm tap on an older card,
// after the applicants changed, does not save a list nobody saw.
func planSig(p SelectionPlan) string {
	h := sha256.New()
	// The selected as a set: once saved, they rank in another order.
	selected := make([]string, len(p.Selected))
	for i, x := range p.Selected {
		selected[i] = x.ID
	}
	slices.Sort(selected)
	for _, id := range selected {
		h.Write([]byte(id + ","))
	}
	h.Write([]byte("|"))
	for _, x := range p.Waitlist {
		h.Write([]byte(x.ID + ","))
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// selectStart shows the proposed selection for a village, ranked by income
// per member, with a button to save it.
func (e *Engine) selectStart(c *Ctx, vid int) error {
	own, officer, err := selectorVillage(c)
	if err != nil {
		return err
	}
	if !officer {
		if vid != 0 && vid != own {
			return Forbidden("select households", "household.err.other_village")
		}
		vid = own
	}
	if vid == 0 {
		return chooseVillage(c, T("household.select.which"), "hh.sel.village")
	}
	plan, err := PlanSelection(c.Tx, vid)
	if err != nil {
		return err
	}
	v, _, err := GetVillage(c.Tx, vid)
	if err != nil {
		return err
	}
	if len(plan.Selected) == 0 {
		c.Say(Text(T("household.select.none", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))))
		return nil
	}
	fields := make([]Field, 0, len(plan.Selected))
	for i, h := range plan.Selected {
		fields = append(fields, Field{
			Label: T("household.select.row", "Rank", i+1, "Name", h.HeadName, "House", h.HouseNo),
			Value: incomeFigure(h),
		})
	}
	title := T("household.select.title", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
	c.Say(Reply{Style: StyleCard, Title: &title,
		Text:   T("household.select.text", "Count", len(plan.Selected), "Capacity", plan.Capacity, "Waiting", len(plan.Waitlist)),
		Fields: fields,
		Buttons: []Action{
			{Label: T("household.btn.save_selection"), Data: Postback{Action: "hh.sel.ok", Village: vid, Sig: planSig(plan)}.Encode()},
		}})
	return nil
}

func incomeFigure(h Household) Msg {
	if !h.IncomeKnown {
		return T("household.income.per_member_unknown")
	}
	return T("household.income.per_member", "Baht", locales.Baht(h.PerMember()))
}

func (e *Engine) actSelectConfirm(c *Ctx, p Postback) error {
	vid := p.Village
	own, officer, err := selectorVillage(c)
	if err != nil {
		return err
	}
	if !officer && vid != own {
		return Forbidden("select households", "household.err.other_village")
	}
	plan, err := PlanSelection(c.Tx, vid)
	if err != nil {
		return err
	}
	if planSig(plan) != p.Sig {
		c.Say(Text(T("household.select.changed")))
		return e.selectStart(c, vid)
	}
	changed, pushes := selectionChanges(plan), len(c.Out.Pushes)
	added, err := applySelection(c, plan, c.In.UserID)
	if err != nil {
		return err
	}
	if added == 0 {
		c.Say(Text(T("household.select.already", "Count", len(plan.Selected))))
		return nil
	}
	told := len(c.Out.Pushes) - pushes
	c.Say(Text(T("household.select.saved", "Count", len(plan.Selected), "Added", added, "Waiting", len(plan.Waitlist),
		"Told", toldMsg(told, changed, officer).Ref())))
	return nil
}

// selectionChanges counts the households whose status a selection
// changes: each of them is told, when its head has LINE.
func selectionChanges(plan SelectionPlan) int {
	n := 0
	for _, h := range plan.Selected {
		if h.Status != StatusSelected {
			n++
		}
	}
	for i, h := range plan.Waitlist {
		if h.Status != StatusWaitlisted || h.WaitPos != i+1 {
			n++
		}
	}
	return n
}

// toldMsg says truly who was told on LINE: all of the households whose
// status changed, some (the others have no LINE, and the sage tells
// them), or none. An officer is asked to have the village's sage tell
// them; a sage is asked to tell them.
func toldMsg(told, changed int, officer bool) Msg {
	who := "sage"
	if officer {
		who = "officer"
	}
	switch {
	case told >= changed:
		return T("household.select.told.all")
	case told == 0:
		return T("household.select.told.none_"+who, "Count", changed)
	}
	return T("household.select.told.some_"+who, "Told", told, "Others", changed-told)
}

// listerVillage says which village's households the user may list and
// whether they may see income figures (officers and the lead sage only).
func listerVillage(c *Ctx, vid int) (int, bool, error) {
	a, err := actorOf(c)
	if err != nil {
		return 0, false, err
	}
	vid, err = a.villageFor("list households", vid, false, "household.err.list_forbidden")
	return vid, a.Officer || a.Role.Lead, err
}

func (e *Engine) listStart(c *Ctx) error {
	vid, _, err := listerVillage(c, 0)
	if err != nil {
		return err
	}
	if vid == 0 {
		return chooseVillage(c, T("household.list.which"), "hh.list")
	}
	return e.list(c, vid, 1)
}

func (e *Engine) actList(c *Ctx, p Postback) error {
	vid, _, err := listerVillage(c, p.Village)
	if err != nil {
		return err
	}
	if vid == 0 {
		return chooseVillage(c, T("household.list.which"), "hh.list")
	}
	return e.list(c, vid, max(p.Page, 1))
}

// list shows a village's households with their state, a page at a time;
// each is a button opening its card. The state is HouseholdState's, as on
// the card: after day 5 a selected household reads completed or "no
// attendance recorded", and the header counts them so.
func (e *Engine) list(c *Ctx, vid, page int) error {
	_, seeIncome, err := listerVillage(c, vid)
	if err != nil {
		return err
	}
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("list households", "household.err.no_village")
	}
	if page == 1 {
		// A lead hears what changed since they last looked (lead_news.go).
		if err := e.sayLeadNews(c, vid); err != nil {
			return err
		}
	}
	all, err := VillageHouseholds(c.Tx, vid)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		c.Say(Text(T("household.list.empty", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))))
		return nil
	}
	states := make(map[string]HouseholdStatus, len(all))
	counts := map[HouseholdStatus]int{}
	for _, h := range all {
		states[h.ID] = HouseholdState(c.Tx, h, c.Now)
		counts[states[h.ID]]++
	}
	pages := (len(all) + listPage - 1) / listPage
	page = min(page, pages)
	items := all[(page-1)*listPage : min(page*listPage, len(all))]
	rows := make([]Row, len(items))
	for i, h := range items {
		status := stateWord(h, states[h.ID])
		detail := T("household.list.detail", "Status", status.Ref())
		if seeIncome {
			detail = T("household.list.detail_income", "Status", status.Ref(), "Income", incomeFigure(h).Ref())
		}
		rows[i] = Row{Title: T("household.list.row", "Name", HouseholdName(h), "House", h.HouseNo), Detail: &detail,
			Tap: &Action{Label: T("household.btn.open"), Data: Postback{Action: "hh.card", Household: h.ID}.Encode()}}
	}
	var quick []Action
	if page < pages {
		quick = append(quick, Action{Label: T("conv.btn.next_page"), Data: Postback{Action: "hh.list", Village: vid, Page: page + 1}.Encode()})
	}
	if page > 1 {
		quick = append(quick, Action{Label: T("conv.btn.prev_page"), Data: Postback{Action: "hh.list", Village: vid, Page: page - 1}.Encode()})
	}
	title := T("household.list.title", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
	c.Say(Reply{Style: StyleList, Title: &title,
		Text: T("household.list.text", "Counts", stateCounts(counts).Ref(), "Page", page, "Pages", pages),
		Rows: rows, Quick: quick})
	return nil
}

// listOrder is the order a list's header counts the states in: the week's
// households first, then those waiting or out.
var listOrder = []HouseholdStatus{StatusSelected, StatusCompleted, StatusNoRecord, StatusDropped,
	StatusWaitlisted, StatusApplicant, StatusWithdrawn}

// stateCounts is a list's header, "จบหลักสูตร 1 · ไม่มีบันทึกการเข้าร่วม 19 ·
// สำรอง 4": each state that has households, with its number.
func stateCounts(counts map[HouseholdStatus]int) Msg {
	var parts []Msg
	for _, s := range listOrder {
		if n := counts[s]; n > 0 {
			parts = append(parts, T("household.list.count."+string(s), "N", n))
		}
	}
	return joinDots(parts)
}

// joinDots joins messages with " · ", halving so that few Refs nest.
func joinDots(parts []Msg) Msg {
	switch len(parts) {
	case 0:
		return T("household.list.count.none") // no stray "-" line
	case 1:
		return parts[0]
	}
	mid := len(parts) / 2
	return T("household.list.and", "A", joinDots(parts[:mid]).Ref(), "B", joinDots(parts[mid:]).Ref())
}

// actCard shows one household to an officer or a sage of its village.
func (e *Engine) actCard(c *Ctx, p Postback) error {
	h, ok, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("household card", "household.err.gone")
	}
	_, seeIncome, err := listerVillage(c, h.Village)
	if err != nil {
		return err
	}
	officer, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	linked := T("household.linked.no")
	if h.UserID != "" {
		linked = T("household.linked.yes")
	}
	fields := []Field{
		{Label: T("household.label.house"), Value: Raw(h.HouseNo)},
		{Label: T("household.label.members"), Value: Raw(itoa(h.Members))},
		{Label: T("household.label.occupation"), Value: Raw(h.Occupation)},
		{Label: T("household.label.phone"), Value: showPhone(c, h.Phone)},
		{Label: T("household.label.linked"), Value: linked},
	}
	if h.UserID == "" && !h.Erased {
		fields = append(fields, Field{Label: T("household.label.link_code"), Value: e.linkCodeState(c, h)})
	}
	if seeIncome {
		perMember := incomeFigure(h)
		if !h.IncomeKnown {
			perMember = T("household.income.unknown") // beside its label: "ไม่ทราบ" says it
		}
		fields = append(fields, Field{Label: T("household.label.income"), Value: showIncome(c, incomeAnswer(h))},
			Field{Label: T("household.label.per_member"), Value: perMember})
	}
	state := HouseholdState(c.Tx, h, c.Now)
	over := weekOver(c.Tx, h, c.Now)
	var buttons []Action
	if officer {
		// After the week: how it ended, the officer's to say when no mark
		// says it (or to turn back a wrong tap). Selecting or taking out
		// means nothing any more.
		for _, do := range []string{byHandComplete, byHandDrop} {
			if endDecision(c.Tx, h, c.Now, do) {
				buttons = append(buttons, byHandButton(h, do))
			}
		}
		if !over && h.Status != StatusSelected {
			buttons = append(buttons, byHandButton(h, byHandSelect))
		}
		if !over && h.Status != StatusWithdrawn {
			buttons = append(buttons, byHandButton(h, byHandRemove))
		}
		if !over || wasSelected(h) {
			buttons = append(buttons, Action{Label: T("attendance.btn.fix"), Data: Postback{Action: actFix, Household: h.ID}.Encode()})
		}
	}
	if h.UserID == "" && !h.Erased {
		// The head has no LINE linked yet: a new code for them, in place
		// of one lost or expired.
		buttons = append(buttons, Action{Label: T("household.btn.new_link_code"), Data: Postback{Action: actNewLinkCode, Household: h.ID}.Encode()})
	}
	// After the week: its follow-up, answered from here for a household
	// without LINE (the main action, first).
	fuFields, fuButtons, err := e.followUpOnCard(c, h)
	if err != nil {
		return err
	}
	fields, buttons = append(fields, fuFields...), append(fuButtons, buttons...)
	title := T("conv.value", "V", HouseholdName(h))
	c.Say(Reply{Style: StyleCard, Title: &title, Text: staffStateText(c.Tx, h, state, officer), Fields: fields, Buttons: buttons})
	if h.Status == StatusSelected && h.UserID == "" {
		// A household without LINE: its sage answers for it, on the card
		// of its next programme day.
		s, err := GetSchedule(c.Tx, h.Village)
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

// byHandButton is a card's button for an officer's change by hand. The
// end-of-week ones say their label as the officer's words, and typed they
// do the same (registerHouseholds: the households waiting for that
// decision, to pick one).
func byHandButton(h Household, do string) Action {
	a := Action{Data: Postback{Action: "hh.byhand", Household: h.ID, Value: do}.Encode()}
	switch do {
	case byHandSelect:
		a.Label = T("household.btn.select_by_hand")
	case byHandRemove:
		a.Label = T("household.btn.remove_by_hand")
	case byHandComplete:
		a.Label = T("household.btn.mark_completed")
		a.Say = &a.Label
	default:
		a.Label = T("household.btn.mark_dropped")
		a.Say = &a.Label
	}
	return a
}

func incomeAnswer(h Household) string {
	if !h.IncomeKnown {
		return incomeNone
	}
	return itoa(int(h.Income))
}

// actByHand starts an officer's change by hand; the reason is asked first.
// A change the household's state no longer allows (the week ended since
// the card was sent, or another officer decided) is answered at once.
func (e *Engine) actByHand(c *Ctx, p Postback) error {
	if err := requireOfficer(c, "household by hand"); err != nil {
		return err
	}
	do := p.Value
	if do != byHandSelect && do != byHandRemove && do != byHandComplete && do != byHandDrop {
		return c.stale()
	}
	h, ok, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("household by hand", "household.err.gone")
	}
	if e.byHandRefused(c, h, do) {
		return nil
	}
	return c.StartForm(formReason, Answers{ansID: p.Household, ansDo: do})
}

// byHandRefused answers a change by hand that h's state does not allow
// now, and reports whether it did.
func (e *Engine) byHandRefused(c *Ctx, h Household, do string) bool {
	state := HouseholdState(c.Tx, h, c.Now)
	switch do {
	case byHandSelect, byHandRemove:
		if weekOver(c.Tx, h, c.Now) {
			c.Say(Text(T("household.byhand.week_over", "Status", stateWord(h, state).Ref())))
			return true
		}
	case byHandComplete, byHandDrop:
		if !endDecision(c.Tx, h, c.Now, do) {
			key := "household.byhand.decided"
			if !weekOver(c.Tx, h, c.Now) {
				key = "household.byhand.not_over"
			}
			c.Say(Text(T(key, "Name", headName(h), "Status", stateWord(h, state).Ref())))
			return true
		}
	}
	return false
}

// headName is a household as "คุณ…" names it: its head without a title.
func headName(h Household) any {
	if h.Erased {
		return T("household.erased").Ref()
	}
	return locales.StripTitle(h.HeadName)
}

// byHandFacts are the reason form's card: the household, and what it
// becomes.
func byHandFacts(c *Ctx, a Answers) []Field {
	h, _, _ := GetHousehold(c.Tx, a[ansID])
	return []Field{
		{Label: T("household.label.household"), Value: T("household.list.row", "Name", HouseholdName(h), "House", h.HouseNo)},
		{Label: T("household.label.becomes"), Value: stateWord(h, byHandTo(a[ansDo]))},
	}
}

// saveByHand applies an officer's change by hand, keeping the reason.
func (e *Engine) saveByHand(c *Ctx, a Answers) error {
	h, ok, err := GetHousehold(c.Tx, a[ansID])
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("household by hand", "household.err.gone")
	}
	if e.byHandRefused(c, h, a[ansDo]) {
		return nil
	}
	reason := strings.TrimSpace(a["reason"])
	switch do := a[ansDo]; do {
	case byHandSelect:
		if h.Status == StatusSelected {
			c.Say(Text(T("household.byhand.already_selected")))
			return nil
		}
		if err := setStatus(c, &h, StatusSelected, c.In.UserID, reason); err != nil {
			return err
		}
		if err := renumberWaitlist(c.Tx, h.Village, c.Now); err != nil {
			return err
		}
		c.Say(Text(T("household.byhand.selected", "Name", headName(h))))
		selected, err := SelectedHouseholds(c.Tx, h.Village)
		if err != nil {
			return err
		}
		if v, _, err := GetVillage(c.Tx, h.Village); err == nil && len(selected) > v.Capacity && v.Capacity > 0 {
			c.Say(Text(T("household.byhand.over_capacity", "Count", len(selected), "Capacity", v.Capacity)))
		}
	case byHandRemove:
		if h.Status == StatusWithdrawn {
			c.Say(Text(T("household.already_withdrawn")))
			return nil
		}
		promoted, err := withdraw(c, h, c.In.UserID, reason)
		if err != nil {
			return err
		}
		if promoted != nil {
			c.Say(Text(T("household.byhand.removed_promoted", "Name", headName(h), "Next", headName(*promoted))))
		} else {
			c.Say(Text(T("household.byhand.removed", "Name", headName(h))))
		}
	case byHandComplete, byHandDrop:
		to := byHandTo(do)
		if err := setStatus(c, &h, to, c.In.UserID, reason); err != nil {
			return err
		}
		c.Say(Text(T("household.byhand.ended."+string(to), "Name", headName(h))))
	}
	return nil
}

// noRecordList is an end-of-week button's label typed: the households
// waiting for that decision (no attendance recorded), a tap on one asks
// the reason as the button on its card does.
func (e *Engine) noRecordList(c *Ctx, do string, page int) error {
	if err := requireOfficer(c, "no attendance recorded"); err != nil {
		return err
	}
	vs, err := AllVillages(c.Tx)
	if err != nil {
		return err
	}
	var rows []Row
	for _, v := range vs {
		if !villageFinished(c.Tx, v.ID, c.Now) {
			continue
		}
		hs, err := VillageHouseholds(c.Tx, v.ID)
		if err != nil {
			return err
		}
		for _, h := range hs {
			if HouseholdState(c.Tx, h, c.Now) != StatusNoRecord {
				continue
			}
			detail := T("household.village.label", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))
			rows = append(rows, Row{Title: T("household.list.row", "Name", HouseholdName(h), "House", h.HouseNo), Detail: &detail,
				Tap: &Action{Label: T("household.btn.open"), Data: Postback{Action: "hh.byhand", Household: h.ID, Value: do}.Encode()}})
		}
	}
	if len(rows) == 0 {
		c.Say(Text(T("household.norecord.none")))
		return nil
	}
	pages := (len(rows) + listPage - 1) / listPage
	page = min(max(page, 1), pages)
	var quick []Action
	if page < pages {
		quick = append(quick, Action{Label: T("conv.btn.next_page"), Data: Postback{Action: actNoRecord, Value: do, Page: page + 1}.Encode()})
	}
	if page > 1 {
		quick = append(quick, Action{Label: T("conv.btn.prev_page"), Data: Postback{Action: actNoRecord, Value: do, Page: page - 1}.Encode()})
	}
	title := T("household.status.short.norecord")
	c.Say(Reply{Style: StyleList, Title: &title,
		Text: T("household.norecord.text."+do, "Count", len(rows), "Page", page, "Pages", pages),
		Rows: rows[(page-1)*listPage : min(page*listPage, len(rows))], Quick: quick})
	return nil
}

func (e *Engine) actNoRecord(c *Ctx, p Postback) error {
	if p.Value != byHandComplete && p.Value != byHandDrop {
		return c.stale()
	}
	return e.noRecordList(c, p.Value, p.Page)
}
