package flows

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Officers see the indicators (indicators.go) in the chat by typing
// ตัวชี้วัด / indicators, in a 1:1 chat or the officers' group: a reply,
// which is free. The card shows the district's figures, then one row per
// village with a bar for its practising households against the 85% mark
// and ✓ / ✗ against both targets; a chip turns it into one row per
// occupation type. "ตัวชี้วัด 2569" shows an earlier round. Villages whose
// week has not ended and that have no trained household yet get no bar:
// one line under the district's figures lists them with their dates.

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
	if err := e.firstFollowUps(c.Tx, ind); err != nil {
		return err
	}
	if len(ind.Villages) == 0 {
		c.Say(Text(T("indicator.none", "Round", RoundName(r).Ref())))
		return nil
	}
	c.Say(IndicatorsCard(ind, page, byOcc))
	return nil
}

// firstFollowUps sets FirstFollowUp in each village of ind with trained
// households and no answer while none of its follow-ups has fallen due:
// the first is still ahead by the schedule from its day 5, and none was
// asked of its households. The card then says that it is not time yet,
// not that answers are lacking.
func (e *Engine) firstFollowUps(tx Tx, ind *Indicators) error {
	fc := e.cfg.FollowUps
	for i := range ind.Villages {
		v := &ind.Villages[i]
		if v.Trained == 0 || v.FollowedUp > 0 || v.Week[Days-1] == "" {
			continue
		}
		day5, err := time.ParseInLocation("2006-01-02", v.Week[Days-1], ind.At.Location())
		if err != nil {
			continue
		}
		sched := fc.FollowUpSchedule(day5)
		if len(sched) == 0 || !ind.At.Before(clockOn(sched[0].Date, fc.At)) {
			continue
		}
		asked, err := anyFollowUpStored(tx, v.ID)
		if err != nil {
			return err
		}
		if !asked {
			v.FirstFollowUp = sched[0].Date
		}
	}
	return nil
}

// anyFollowUpStored reports whether a household of village vid has been
// asked a follow-up.
func anyFollowUpStored(tx Tx, vid int) (bool, error) {
	hs, err := VillageHouseholds(tx, vid)
	if err != nil {
		return false, err
	}
	for _, h := range hs {
		fs, err := HouseholdFollowUps(tx, h.ID)
		if err != nil {
			return false, err
		}
		if len(fs) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// IndicatorsCard is the chat's card of ind: page (from 0) of its villages'
// bars, or of its occupation types' with byOcc, under the district's
// figures on the first page, with chips to page and to switch views.
// Villages (or occupation types) not trained yet have no bar: the first
// page lists them in one row under the district's figures.
func IndicatorsCard(ind *Indicators, page int, byOcc bool) Reply {
	var bars []Bar
	var waiting *Field
	if byOcc {
		bars, waiting = occupationBars(ind)
	} else {
		bars, waiting = villageBars(ind)
	}
	n := len(bars)
	pages := max((n+indicatorsPerPage-1)/indicatorsPerPage, 1)
	page = min(max(page, 0), pages-1)
	from, to := page*indicatorsPerPage, min((page+1)*indicatorsPerPage, n)
	date := locales.DateYear(ind.At)
	title := T("indicator.title", "Round", RoundName(ind.Round).Ref())
	text := T("indicator.text", "Date", date, "Target", PractisingTarget, "Rise", IncomeTarget)
	if byOcc {
		title = T("indicator.occ.title", "Round", RoundName(ind.Round).Ref())
	}
	if pages > 1 {
		text = T("indicator.text_paged", "Date", date, "Target", PractisingTarget, "Rise", IncomeTarget, "Page", page+1, "Pages", pages)
	}
	rep := Reply{Style: StyleBars, Title: &title, Text: text, Bars: bars[from:to]}
	if page == 0 {
		rep.Fields = districtFields(ind.District, true)
		if waiting != nil {
			rep.Fields = append(rep.Fields, *waiting)
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

// untrained reports whether a village is yet to be trained: its week has
// not ended and none of its households has completed the programme. (A
// village whose week ended with none completed keeps its row: its
// attendance is worth a look.)
func untrained(v VillageFigures) bool { return v.Trained == 0 && !v.Finished }

// villageBars are the card's village rows, and the row listing the
// villages not trained yet (nil when there are none).
func villageBars(ind *Indicators) ([]Bar, *Field) {
	withTambon := spansTambons(ind.Villages)
	var bars []Bar
	var waiting []VillageFigures
	for _, v := range ind.Villages {
		if untrained(v) {
			waiting = append(waiting, v)
			continue
		}
		detail := villageDetail(v)
		if v.GroupsFormed > 0 {
			detail = T("indicator.bar.with_groups", "Detail", detail.Ref(), "Groups", v.GroupsFormed)
		}
		name := villageRowName(v.Village, ind.Villages)
		if withTambon {
			name = T("village.name_full", "Moo", v.Moo, "Name", pickerNameArg(v.Village))
		}
		bars = append(bars, figureBar(name, v.Figures, detail))
	}
	if len(waiting) == 0 {
		return bars, nil
	}
	return bars, &Field{Label: T("indicator.label.untrained", "N", len(waiting)),
		Value: T("indicator.value.list", "List", untrainedList(waiting, withTambon, ind.At.Location()))}
}

// spansTambons reports whether the villages lie in more than one ตำบล:
// then the card names each village's, so that none looks left out.
func spansTambons(vs []VillageFigures) bool {
	for _, v := range vs {
		if v.Tambon != vs[0].Tambon {
			return true
		}
	}
	return false
}

// villageDetail is the line under a village's bar: barDetail, or when
// none of its follow-ups has fallen due yet, when the first will.
func villageDetail(v VillageFigures) Msg {
	if v.Trained > 0 && v.PractisingPct == nil && !v.FirstFollowUp.IsZero() {
		return T("indicator.bar.not_due", "Date", locales.ShortDate(v.FirstFollowUp))
	}
	return barDetail(v.Figures)
}

// untrainedList lists villages not trained yet for one row, those with
// the same days (and ตำบล, with withTambon) together: "หมู่ 1, 2, 3, 4
// ต.หนองแวง · อบรม 16–20 มี.ค.", earliest first, those without dates
// last.
func untrainedList(vs []VillageFigures, withTambon bool, loc *time.Location) []locales.Ref {
	type group struct {
		v    VillageFigures // the first of the group: its days
		moos []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, v := range vs {
		key := strings.Join(v.Week[:], ",") + "|" + strconv.FormatBool(v.Started)
		if withTambon {
			key += "|" + v.Tambon
		}
		g := byKey[key]
		if g == nil {
			g = &group{v: v}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.moos = append(g.moos, strconv.Itoa(v.Moo))
	}
	first := func(g *group) string {
		for _, d := range g.v.Week {
			if d != "" {
				return d
			}
		}
		return "9999" // no dates: last
	}
	slices.SortStableFunc(groups, func(a, b *group) int { return cmp.Compare(first(a), first(b)) })
	out := make([]locales.Ref, 0, len(groups))
	for _, g := range groups {
		villages := T("village.show.moo", "Moo", strings.Join(g.moos, ", "))
		if withTambon && g.v.Tambon != "" {
			villages = T("indicator.untrained.villages", "Moo", strings.Join(g.moos, ", "), "Tambon", g.v.Tambon)
		}
		dates, set := weekDates(g.v.Week, loc)
		var item Msg
		switch {
		case set == 0:
			item = T("indicator.untrained.no_dates", "Villages", villages.Ref())
		case g.v.Started:
			item = T("indicator.untrained.under_way", "Villages", villages.Ref(), "Dates", dates.Ref())
		case set < Days:
			item = T("indicator.untrained.some_dates", "Villages", villages.Ref(), "Dates", dates.Ref())
		default:
			item = T("indicator.untrained.dates", "Villages", villages.Ref(), "Dates", dates.Ref())
		}
		out = append(out, item.Ref())
	}
	return out
}

// weekDates writes a village's days in a run, "16–20 มี.ค.", "16–18,
// 25–26 มี.ค.", "30–31 มี.ค., 1–3 เม.ย.", and counts the days set: the
// card's date says the year, and these are weeks of its round. Days over
// more than two months are written from the first to the last, as short
// dates.
func weekDates(week [Days]string, loc *time.Location) (Msg, int) {
	var ds []time.Time
	for _, s := range week {
		if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
			ds = append(ds, t)
		}
	}
	slices.SortFunc(ds, func(a, b time.Time) int { return a.Compare(b) })
	ds = slices.CompactFunc(ds, func(a, b time.Time) bool { return a.Equal(b) })
	if len(ds) == 0 {
		return Msg{}, 0
	}
	// Runs of consecutive days within a month, gathered by month.
	type month struct {
		at   time.Time
		runs []string
	}
	var months []month
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j+1].Equal(ds[j].AddDate(0, 0, 1)) && ds[j+1].Month() == ds[i].Month() {
			j++
		}
		run := strconv.Itoa(ds[i].Day())
		if j > i {
			run += "–" + strconv.Itoa(ds[j].Day())
		}
		if n := len(months); n > 0 && months[n-1].at.Year() == ds[i].Year() && months[n-1].at.Month() == ds[i].Month() {
			months[n-1].runs = append(months[n-1].runs, run)
		} else {
			months = append(months, month{at: ds[i], runs: []string{run}})
		}
		i = j + 1
	}
	in := func(m month) Msg {
		return T("indicator.dates.month", "Days", strings.Join(m.runs, ", "),
			"Month", T("indicator.month."+strconv.Itoa(int(m.at.Month()))).Ref())
	}
	switch len(months) {
	case 1:
		return in(months[0]), len(ds)
	case 2:
		return T("indicator.dates.pair", "First", in(months[0]).Ref(), "Second", in(months[1]).Ref()), len(ds)
	}
	return T("indicator.dates.span", "First", locales.ShortDate(ds[0]), "Last", locales.ShortDate(ds[len(ds)-1])), len(ds)
}

// occupationBars are the card's occupation rows, and the row listing the
// occupation types none of whose villages is trained yet (nil when there
// are none).
func occupationBars(ind *Indicators) ([]Bar, *Field) {
	byOcc := map[string][]VillageFigures{}
	for _, v := range ind.Villages {
		k := occupationKey(v.Occupation)
		byOcc[k] = append(byOcc[k], v)
	}
	var bars []Bar
	var waiting []locales.Ref
	for _, o := range ind.ByOccupation {
		vs := byOcc[occupationKey(o.Occupation)]
		if len(vs) > 0 && !slices.ContainsFunc(vs, func(v VillageFigures) bool { return !untrained(v) }) {
			waiting = append(waiting, Raw(o.Occupation).Ref())
			continue
		}
		detail := barDetail(o.Figures)
		if due, ok := firstFollowUpOf(vs); ok && o.Trained > 0 && o.PractisingPct == nil {
			detail = T("indicator.bar.not_due", "Date", locales.ShortDate(due))
		}
		detail = T("indicator.bar.occupation", "Villages", o.Villages, "Detail", detail.Ref())
		bars = append(bars, figureBar(Raw(o.Occupation), o.Figures, detail))
	}
	if len(waiting) == 0 {
		return bars, nil
	}
	return bars, &Field{Label: T("indicator.label.untrained_occupations", "N", len(waiting)),
		Value: T("indicator.value.list", "List", waiting)}
}

// firstFollowUpOf is the earliest first follow-up of villages vs, when
// none of those with trained households has had one fall due.
func firstFollowUpOf(vs []VillageFigures) (time.Time, bool) {
	var first time.Time
	for _, v := range vs {
		if v.Trained == 0 {
			continue
		}
		if v.FirstFollowUp.IsZero() {
			return time.Time{}, false
		}
		if first.IsZero() || v.FirstFollowUp.Before(first) {
			first = v.FirstFollowUp
		}
	}
	return first, !first.IsZero()
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

// DistrictFields are the district's figures as the command line's text.
func DistrictFields(d DistrictFigures) []Field { return districtFields(d, false) }

// districtFields are the district's figures as rows; the card's (card)
// says whose income the mean is.
func districtFields(d DistrictFigures, card bool) []Field {
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
	incomeLabel := T("indicator.label.income")
	switch {
	case card && f.IncomeBeforeAvg != nil:
		incomeLabel = T("indicator.label.income_practising_of", "N", f.IncomeCounted)
	case card:
		incomeLabel = T("indicator.label.income_practising")
	}
	groupsMark := markNotMet
	if d.GroupsTargetMet {
		groupsMark = markMet
	}
	return []Field{
		{Label: T("indicator.label.trained"), Value: T("indicator.value.households", "N", f.Trained)},
		{Label: T("indicator.label.followed"), Value: T("indicator.value.followed", "N", f.FollowedUp, "Trained", f.Trained)},
		{Label: T("indicator.label.practising"), Value: practising},
		{Label: incomeLabel, Value: income},
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
