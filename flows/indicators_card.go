package flows

import (
	"math"
	"strconv"
	"strings"

	"github.com/sammachip/sammachip/locales"
)

// Officers see the indicators (indicators.go) in the chat by typing
// ตัวชี้วัด / indicators, in a 1:1 chat or the officers' group: a reply,
// which is free. The card shows the district's figures, then one row per
// village with a bar for its practising households against the 85% mark
// and ✓ / ✗ against both targets; a chip turns it into one row per
// occupation type. "ตัวชี้วัด 2569" shows an earlier round.

const (
	actIndicators    = "ind"     // v=round id, p=page (from 0)
	actIndicatorsOcc = "ind.occ" // v=round id, p=page (from 0)
	// indicatorsPerPage is how many villages one card shows: the district
	// write-up's 13 fit one card, and MaxBars bounds it.
	indicatorsPerPage = 15
)

// Marks beside a figure: its target met, or not.
const (
	markMet    = "✓"
	markNotMet = "✗"
)

func (e *Engine) registerIndicators() {
	e.RegisterCommand(Command{Key: "indicator.cmd", InGroup: true, In1to1: true, Run: func(c *Ctx) error {
		return e.showIndicators(c, 0, 0, false)
	}})
	e.RegisterCommand(Command{InGroup: true, In1to1: true, Claim: e.claimIndicatorsRound})
	e.RegisterAction(actIndicators, func(c *Ctx, p Postback) error { return e.showIndicators(c, atoi(p.Value), p.Page, false) })
	e.RegisterAction(actIndicatorsOcc, func(c *Ctx, p Postback) error { return e.showIndicators(c, atoi(p.Value), p.Page, true) })
}

// claimIndicatorsRound reads "ตัวชี้วัด 2569" / "indicators 2570": the
// indicators of the round so named.
func (e *Engine) claimIndicatorsRound(c *Ctx) (bool, error) {
	typed := locales.MatchCommand(c.In.Text)
	for _, lang := range locales.Langs() {
		word, err := e.cfg.Catalog.Text(lang, "indicator.cmd", nil)
		if err != nil {
			continue
		}
		name, ok := strings.CutPrefix(typed, locales.MatchCommand(word)+" ")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		if err := requireOfficer(c, "indicators"); err != nil {
			return true, err
		}
		r, found, err := FindRound(c.Tx, name)
		if err != nil {
			return true, err
		}
		if !found {
			c.Say(Text(T("indicator.err.round", "Name", strings.TrimSpace(name))))
			return true, nil
		}
		return true, e.showIndicators(c, r.ID, 0, false)
	}
	return false, nil
}

// showIndicators answers with round roundID's indicators (0: the current
// round), one page of villages, or of occupation types with byOcc.
func (e *Engine) showIndicators(c *Ctx, roundID, page int, byOcc bool) error {
	if err := requireOfficer(c, "indicators"); err != nil {
		return err
	}
	r, err := CurrentRound(c.Tx)
	if err != nil {
		return err
	}
	if roundID != 0 && roundID != r.ID {
		found, ok, err := GetRound(c.Tx, roundID)
		if err != nil {
			return err
		}
		if !ok {
			return c.stale()
		}
		r = found
	}
	ind, err := RoundIndicators(c.Tx, r, c.Now)
	if err != nil {
		return err
	}
	if len(ind.Villages) == 0 {
		c.Say(Text(T("indicator.none", "Round", RoundName(r).Ref())))
		return nil
	}
	c.Say(IndicatorsCard(ind, page, byOcc))
	return nil
}

// IndicatorsCard is the chat's card of ind: page (from 0) of its villages'
// bars, or of its occupation types' with byOcc, under the district's
// figures on the first page, with chips to page and to switch views.
func IndicatorsCard(ind *Indicators, page int, byOcc bool) Reply {
	n := len(ind.Villages)
	if byOcc {
		n = len(ind.ByOccupation)
	}
	pages := max((n+indicatorsPerPage-1)/indicatorsPerPage, 1)
	page = min(max(page, 0), pages-1)
	from, to := page*indicatorsPerPage, min((page+1)*indicatorsPerPage, n)
	date := locales.DateYear(ind.At)
	title := T("indicator.title", "Round", RoundName(ind.Round).Ref())
	text := T("indicator.text", "Date", date, "Target", PractisingTarget)
	if byOcc {
		title = T("indicator.occ.title", "Round", RoundName(ind.Round).Ref())
	}
	if pages > 1 {
		text = T("indicator.text_paged", "Date", date, "Target", PractisingTarget, "Page", page+1, "Pages", pages)
	}
	rep := Reply{Style: StyleBars, Title: &title, Text: text}
	if page == 0 {
		rep.Fields = DistrictFields(ind.District)
	}
	if byOcc {
		for _, o := range ind.ByOccupation[from:to] {
			detail := T("indicator.bar.occupation", "Villages", o.Villages, "Detail", barDetail(o.Figures).Ref())
			rep.Bars = append(rep.Bars, figureBar(Raw(o.Occupation), o.Figures, detail))
		}
	} else {
		for _, v := range ind.Villages[from:to] {
			detail := barDetail(v.Figures)
			if v.GroupsFormed > 0 {
				detail = T("indicator.bar.with_groups", "Detail", detail.Ref(), "Groups", v.GroupsFormed)
			}
			rep.Bars = append(rep.Bars, figureBar(villageRowName(v.Village, ind.Villages), v.Figures, detail))
		}
	}
	act, other, otherKey := actIndicators, actIndicatorsOcc, "indicator.btn.by_occupation"
	if byOcc {
		act, other, otherKey = actIndicatorsOcc, actIndicators, "indicator.btn.by_village"
	}
	round := strconv.Itoa(ind.Round.ID)
	if page > 0 {
		rep.Quick = append(rep.Quick, actionButton("conv.btn.prev_page", Postback{Action: act, Value: round, Page: page - 1}))
	}
	if page < pages-1 {
		rep.Quick = append(rep.Quick, actionButton("conv.btn.next_page", Postback{Action: act, Value: round, Page: page + 1}))
	}
	rep.Quick = append(rep.Quick, actionButton(otherKey, Postback{Action: other, Value: round}))
	return rep
}

// villageRowName names a village in a row: "หมู่ 5 บ้านโนนสูง", with its
// ตำบล when another village of the round has its number.
func villageRowName(v Village, all []VillageFigures) Msg {
	for _, o := range all {
		if o.ID != v.ID && o.Moo == v.Moo {
			return T("village.name_full", "Moo", v.Moo, "Name", pickerNameArg(v))
		}
	}
	return T("village.name_full", "Moo", v.Moo, "Name", v.Name)
}

// figureBar is one row of the card: the practising share as a bar against
// PractisingTarget.
func figureBar(label Msg, f Figures, detail Msg) Bar {
	b := Bar{Label: label, Value: T("indicator.dash"), Detail: &detail, Target: PractisingTarget}
	if f.PractisingPct != nil {
		b.Value = T("indicator.pct", "Pct", pct(*f.PractisingPct))
		b.Percent, b.Known = *f.PractisingPct, true
	}
	return b
}

// barDetail is the line under a bar: practising of followed-up with its
// ✓ / ✗, and the income change with its ✓ / ✗; or why there are no
// figures yet.
func barDetail(f Figures) Msg {
	switch {
	case f.Trained == 0:
		return T("indicator.bar.not_trained")
	case f.PractisingPct == nil:
		return T("indicator.bar.not_enough", "Answered", f.FollowedUp, "Trained", f.Trained)
	}
	income := T("indicator.bar.income_not_enough")
	if f.IncomeChangePct != nil {
		income = T("indicator.bar.income", "Change", signedPct(*f.IncomeChangePct), "Mark", mark(f.MeetsIncomeTarget))
	}
	return T("indicator.bar.detail", "Practising", f.Practising, "Answered", f.FollowedUp,
		"PMark", mark(f.MeetsPractisingTarget), "Income", income.Ref())
}

// DistrictFields are the district's figures as a card's rows (and the
// command line's text).
func DistrictFields(d DistrictFigures) []Field {
	f := d.Figures
	notEnough := func(n int) Msg { return T("indicator.value.not_enough", "N", n, "Trained", f.Trained) }
	practising := notEnough(f.FollowedUp)
	if f.PractisingPct != nil {
		practising = T("indicator.value.practising", "N", f.Practising, "Of", f.FollowedUp, "Pct", pct(*f.PractisingPct),
			"Mark", mark(f.MeetsPractisingTarget), "Target", PractisingTarget)
	}
	income := notEnough(f.IncomeCounted)
	switch {
	case f.IncomeChangePct != nil:
		income = T("indicator.value.income", "Before", baht(f.IncomeBeforeAvg), "After", baht(f.IncomeAfterAvg),
			"Change", signedPct(*f.IncomeChangePct), "Mark", mark(f.MeetsIncomeTarget), "Target", IncomeTarget)
	case f.IncomeBeforeAvg != nil:
		income = T("indicator.value.income_no_base", "Before", baht(f.IncomeBeforeAvg), "After", baht(f.IncomeAfterAvg))
	}
	occIncome := notEnough(f.OccupationIncomeCounted)
	if f.OccupationIncomeAvg != nil {
		occIncome = T("indicator.value.occupation_income", "Avg", baht(f.OccupationIncomeAvg))
	}
	groupsMark := markNotMet
	if d.GroupsTargetMet {
		groupsMark = markMet
	}
	return []Field{
		{Label: T("indicator.label.trained"), Value: T("indicator.value.households", "N", f.Trained)},
		{Label: T("indicator.label.followed"), Value: T("indicator.value.households", "N", f.FollowedUp)},
		{Label: T("indicator.label.practising"), Value: practising},
		{Label: T("indicator.label.income"), Value: income},
		{Label: T("indicator.label.occupation_income"), Value: occIncome},
		{Label: T("indicator.label.villages_income"), Value: T("indicator.value.villages", "N", d.VillagesMeetingIncomeTarget, "Villages", d.Villages)},
		{Label: T("indicator.label.groups"), Value: T("indicator.value.groups", "Groups", d.GroupsFormed, "With", d.VillagesWithGroup,
			"Villages", d.Villages, "Mark", groupsMark, "Target", GroupsTarget)},
	}
}

// IndicatorLine is one line of the indicators as text: a heading, or an
// item under it (the command line indents items).
type IndicatorLine struct {
	Msg  Msg
	Item bool
}

// IndicatorLines are ind as lines of text, for the command line: the
// title, the district's figures, then a line per village and per
// occupation type.
func IndicatorLines(ind *Indicators) []IndicatorLine {
	out := []IndicatorLine{
		{Msg: T("indicator.cli.title", "Round", RoundName(ind.Round).Ref(), "Date", locales.DateYear(ind.At))},
		{Msg: T("indicator.cli.district", "Villages", ind.District.Villages)},
	}
	item := func(m Msg) { out = append(out, IndicatorLine{Msg: m, Item: true}) }
	for _, f := range DistrictFields(ind.District) {
		item(T("indicator.cli.field", "Label", f.Label.Ref(), "Value", f.Value.Ref()))
	}
	out = append(out, IndicatorLine{Msg: T("indicator.cli.villages", "Target", PractisingTarget)})
	for _, v := range ind.Villages {
		b := figureBar(villageRowName(v.Village, ind.Villages), v.Figures, barDetail(v.Figures))
		detail := *b.Detail
		if v.GroupsFormed > 0 {
			detail = T("indicator.bar.with_groups", "Detail", detail.Ref(), "Groups", v.GroupsFormed)
		}
		item(T("indicator.cli.row", "Name", b.Label.Ref(), "Value", b.Value.Ref(), "Detail", detail.Ref()))
	}
	out = append(out, IndicatorLine{Msg: T("indicator.cli.occupations")})
	for _, o := range ind.ByOccupation {
		detail := T("indicator.bar.occupation", "Villages", o.Villages, "Detail", barDetail(o.Figures).Ref())
		b := figureBar(Raw(o.Occupation), o.Figures, detail)
		item(T("indicator.cli.row", "Name", b.Label.Ref(), "Value", b.Value.Ref(), "Detail", detail.Ref()))
	}
	return out
}

// mark is ✓ or ✗ for a target decided, "" when it is not (no figure).
func mark(met *bool) string {
	switch {
	case met == nil:
		return ""
	case *met:
		return markMet
	}
	return markNotMet
}

// pct writes a percentage as people read it: "85", "88.2".
func pct(x float64) string {
	if x == math.Trunc(x) {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}

// signedPct writes a change with its sign: "+4.2", "-1.5", "0".
func signedPct(x float64) string {
	if x > 0 {
		return "+" + pct(x)
	}
	return pct(x)
}

// baht writes a mean in whole baht with thousands separators ("4,500").
func baht(x *float64) locales.Number {
	if x == nil {
		return 0
	}
	return locales.Number(int64(math.Round(*x)))
}
