package report

import (
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// The indicators sheet (the district, each village and each occupation
// type, as flows.RoundIndicators computes them, the same figures the chat
// and `sammachip indicators` show) and the follow-up sheet (one row per
// household per follow-up). Each carries its definitions as notes under
// the table.

// indicators is the round's indicators: a row for the district, one per
// village, one per occupation type. A figure there are not enough answers
// for is written as such, never as a number.
func (b *builder) indicators() (Table, error) {
	t := Table{Name: TableIndicators, Title: b.text("report.sheet.indicators"), Header: b.headers(
		"report.col.ind.scope", "report.col.ind.name", "report.col.ind.occupation", "report.col.ind.villages",
		"report.col.ind.trained", "report.col.ind.followed_up", "report.col.ind.practising", "report.col.ind.practising_pct",
		"report.col.ind.meets_practising", "report.col.ind.income_counted", "report.col.ind.income_before",
		"report.col.ind.income_after", "report.col.ind.income_change", "report.col.ind.meets_income",
		"report.col.ind.occupation_counted", "report.col.ind.occupation_income", "report.col.ind.groups",
		"report.col.ind.villages_income", "report.col.ind.villages_group", "report.col.ind.groups_target",
	), KeyCols: 2, Notes: b.notes("report.ind.notes", "Days", b.windowDays())}
	ind, err := flows.RoundIndicators(b.tx, b.round, b.o.Now)
	if err != nil {
		return t, err
	}
	d := ind.District
	met := b.text("report.ind.not_met")
	if d.GroupsTargetMet {
		met = b.text("report.ind.met")
	}
	t.Rows = append(t.Rows, b.figureRow(b.text("report.ind.scope.district"), b.text("report.ind.district"), b.na(),
		int64(d.Villages), d.Figures, b.na(),
		int64(d.VillagesMeetingIncomeTarget), int64(d.VillagesWithGroup), met))
	for _, v := range ind.Villages {
		t.Rows = append(t.Rows, b.figureRow(b.text("report.ind.scope.village"), b.placeName(v.Village), v.Occupation,
			b.na(), v.Figures, int64(v.GroupsFormed), b.na(), b.na(), b.na()))
	}
	for _, o := range ind.ByOccupation {
		t.Rows = append(t.Rows, b.figureRow(b.text("report.ind.scope.occupation"), o.Occupation, o.Occupation,
			int64(o.Villages), o.Figures, b.na(), b.na(), b.na(), b.na()))
	}
	return t, nil
}

// figureRow is one row of the indicators sheet.
func (b *builder) figureRow(scope, name, occupation string, villages any, f flows.Figures, groups, villagesIncome, villagesGroup, groupsTarget any) []any {
	notEnough := b.text("report.ind.not_enough")
	num := func(x *float64) any {
		if x == nil {
			return notEnough
		}
		return *x
	}
	target := func(m *bool) any {
		switch {
		case m == nil:
			return notEnough
		case *m:
			return b.text("report.ind.met")
		}
		return b.text("report.ind.not_met")
	}
	change := num(f.IncomeChangePct)
	if f.IncomeChangePct == nil && f.IncomeBeforeAvg != nil {
		change = b.na() // enough answers, but nobody earned anything before
	}
	return []any{
		scope, name, occupation, villages,
		int64(f.Trained), int64(f.FollowedUp), int64(f.Practising), num(f.PractisingPct), target(f.MeetsPractisingTarget),
		int64(f.IncomeCounted), num(f.IncomeBeforeAvg), num(f.IncomeAfterAvg), change, target(f.MeetsIncomeTarget),
		int64(f.OccupationIncomeCounted), num(f.OccupationIncomeAvg), groups,
		villagesIncome, villagesGroup, groupsTarget,
	}
}

// followUps is every stored follow-up of the round's households, a row
// each, by village, household and number.
func (b *builder) followUps() (Table, error) {
	t := Table{Name: TableFollowUps, Title: b.text("report.sheet.followups"), Header: b.headers(
		"report.col.fu.village", "report.col.fu.household", "report.col.fu.house_no", "report.col.fu.head",
		"report.col.fu.n", "report.col.fu.kind", "report.col.fu.due", "report.col.fu.asked", "report.col.fu.status",
		"report.col.fu.answered", "report.col.fu.answered_by", "report.col.fu.practice", "report.col.fu.reason",
		"report.col.fu.income", "report.col.fu.occupation_income",
	), KeyCols: 1, Notes: b.notes("report.fu.notes", "Days", b.windowDays())}
	for _, v := range b.villages {
		hs, err := flows.VillageHouseholds(b.tx, v.ID)
		if err != nil {
			return t, err
		}
		for _, h := range hs {
			fs, err := flows.HouseholdFollowUps(b.tx, h.ID)
			if err != nil {
				return t, err
			}
			for _, f := range fs {
				row, err := b.followUpRow(v, h, f)
				if err != nil {
					return t, err
				}
				t.Rows = append(t.Rows, row)
			}
		}
	}
	return t, nil
}

func (b *builder) followUpRow(v flows.Village, h flows.Household, f flows.FollowUp) ([]any, error) {
	kind := b.text("report.fu.kind.september")
	if f.Kind == flows.FollowUpAfterDays {
		kind = b.text("report.fu.kind.days", "Days", f.Days)
	}
	var due any = f.Due
	if d, err := time.ParseInLocation("2006-01-02", f.Due, b.loc); err == nil {
		due = b.date(d)
	}
	var answeredBy, practice, reason, income, occIncome any = b.na(), b.na(), b.na(), b.na(), b.na()
	if f.IsAnswered() {
		by, err := b.whoName(f.AnsweredBy)
		if err != nil {
			return nil, err
		}
		answeredBy = by
		if f.Practice != "" {
			practice = b.text("report.fu.practice." + string(f.Practice))
		}
		if f.Practice == flows.PracticeNot && f.Reason != "" {
			reason = b.followUpReason(f.Reason)
		}
		income = b.text("report.unknown_income")
		if f.IncomeKnown {
			income = f.Income
		}
		if f.Practice.Practising() {
			occIncome = b.text("report.unknown_income")
			if f.OccupationIncomeKnown {
				occIncome = f.OccupationIncome
			}
		}
	}
	return []any{
		b.villageName(v.ID), h.ID, h.HouseNo, b.headName(h),
		int64(f.N), kind, due, b.at(f.Asked), b.text("report.fu.status."+string(b.o.Engine.FollowUpStatusAt(f, b.o.Now)), "Days", b.windowDays()),
		b.at(f.Answered), answeredBy, practice, reason, income, occIncome,
	}, nil
}

// followUpReason names a reason for not practising; one the catalog does
// not know is written as stored. "other" is the catalog's "misc": go-i18n
// reserves "other" for plural forms.
func (b *builder) followUpReason(r string) string {
	key := r
	if r == "other" {
		key = "misc"
	}
	if s, err := b.o.Catalog.Text(b.lang, "report.fu.reason."+key, nil); err == nil {
		return s
	}
	return r
}

// notes are a catalog text's lines, written under a sheet's table.
func (b *builder) notes(key string, kv ...any) []string {
	return strings.Split(b.text(key, kv...), "\n")
}

// windowDays is how many days a follow-up waits for an answer.
func (b *builder) windowDays() int { return int(b.o.Engine.FollowUpWindow() / (24 * time.Hour)) }
