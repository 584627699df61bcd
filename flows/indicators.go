package flows

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// The department's indicators for สัมมาชีพชุมชน, per village, per
// occupation type and for the district, for one round. The definitions
// (README, "Indicators", and the notes of the report's indicators sheet
// say the same):
//   - trained: the round's households that completed the programme
//     (HouseholdState is StatusCompleted);
//   - followed_up: trained households with at least one answered
//     follow-up; the latest answer counts;
//   - practising: followed-up households whose latest answer is ทำเป็น
//     ประจำ or ทำบ้าง; practising_pct = practising / followed_up × 100;
//   - income_before_avg: the mean monthly household income at enrolment,
//     income_after_avg: the mean at the latest follow-up, both over the
//     practising households that gave both figures (income_counted);
//     income_change_pct = (after − before) / before × 100;
//   - occupation_income_avg: the mean income from the occupation at the
//     latest follow-up, over the practising households that gave it
//     (occupation_income_counted);
//   - meets_practising_target: practising_pct ≥ 85; meets_income_target:
//     income_change_pct ≥ 3;
//   - the district's groups_target_met: villages with an occupation group
//     are at least 10% of the round's villages.
//
// A figure computed over fewer than half of the trained households of its
// village, occupation type or district is not given (nil: "not enough
// answers yet"), and neither is the target it decides; the counts always
// are. Percentages are rounded to one decimal and baht to whole baht, and
// the targets are checked on the figures as rounded, so that what is shown
// and its ✓ / ✗ always agree.

// The department's targets, in percent.
const (
	// PractisingTarget is the share of followed-up households practising.
	PractisingTarget = 85
	// IncomeTarget is the rise of practising households' mean income.
	IncomeTarget = 3
	// GroupsTarget is the share of a round's villages with an occupation
	// group.
	GroupsTarget = 10
)

// Figures are the indicators of a set of trained households. A nil figure
// is one there are not enough answers for yet.
type Figures struct {
	Trained                 int      `json:"trained"`
	FollowedUp              int      `json:"followed_up"`
	Practising              int      `json:"practising"`
	PractisingPct           *float64 `json:"practising_pct"`
	IncomeCounted           int      `json:"income_counted"`
	IncomeBeforeAvg         *float64 `json:"income_before_avg"`
	IncomeAfterAvg          *float64 `json:"income_after_avg"`
	IncomeChangePct         *float64 `json:"income_change_pct"`
	OccupationIncomeCounted int      `json:"occupation_income_counted"`
	OccupationIncomeAvg     *float64 `json:"occupation_income_avg"`
	MeetsPractisingTarget   *bool    `json:"meets_practising_target"`
	MeetsIncomeTarget       *bool    `json:"meets_income_target"`
}

// VillageFigures are one village's indicators.
type VillageFigures struct {
	Village    Village `json:"-"`
	ID         int     `json:"id"`
	Moo        int     `json:"moo"`
	Name       string  `json:"name"`
	Tambon     string  `json:"tambon"`
	Occupation string  `json:"occupation"`
	Figures
	// GroupsFormed counts the village's occupation groups of the round;
	// Groups names them.
	GroupsFormed int      `json:"groups_formed"`
	Groups       []string `json:"groups"`

	// What the officers' card says of a village without figures (not in
	// the JSON): the dates of its five days ("2006-01-02", "" for a day
	// not set), whether its week has begun and whether it has ended; and,
	// while none of its follow-ups has fallen due yet, the date of the
	// first (Engine.firstFollowUps fills it in; zero otherwise).
	Week          [Days]string `json:"-"`
	Started       bool         `json:"-"`
	Finished      bool         `json:"-"`
	FirstFollowUp time.Time    `json:"-"`
}

// OccupationFigures are the indicators of the villages trained in one
// occupation.
type OccupationFigures struct {
	Occupation string `json:"occupation"`
	Villages   int    `json:"villages"`
	Figures
}

// DistrictFigures are the district's indicators: its figures over every
// trained household of the round, and its villages' counts.
type DistrictFigures struct {
	Figures
	// Villages is the number of the round's villages.
	Villages int `json:"villages"`
	// VillagesMeetingIncomeTarget counts villages whose practising
	// households' mean income rose at least IncomeTarget percent, and
	// VillagesMeetingIncomeTargetPct is their share of the round's
	// villages.
	VillagesMeetingIncomeTarget    int      `json:"villages_meeting_income_target"`
	VillagesMeetingIncomeTargetPct *float64 `json:"villages_meeting_income_target_pct"`
	// GroupsFormed counts the round's occupation groups; VillagesWithGroup
	// the villages with at least one; GroupsTargetMet is whether those are
	// at least GroupsTarget percent of the round's villages.
	GroupsFormed      int  `json:"groups_formed"`
	VillagesWithGroup int  `json:"villages_with_group"`
	GroupsTargetMet   bool `json:"groups_target_met"`
}

// Indicators are a round's indicators at a moment.
type Indicators struct {
	Round        Round               `json:"-"`
	At           time.Time           `json:"-"`
	District     DistrictFigures     `json:"district"`
	Villages     []VillageFigures    `json:"villages"`
	ByOccupation []OccupationFigures `json:"by_occupation"`
}

// tally adds up the households behind a set of figures.
type tally struct {
	trained, followedUp, practising int
	incomeN                         int
	before, after                   int64
	occN                            int
	occ                             int64
}

// add counts one trained household, with its latest answered follow-up
// (answered false when it has none).
func (t *tally) add(h Household, latest FollowUp, answered bool) {
	t.trained++
	if !answered {
		return
	}
	t.followedUp++
	if !latest.Practice.Practising() {
		return
	}
	t.practising++
	if h.IncomeKnown && latest.IncomeKnown {
		t.incomeN++
		t.before += h.Income
		t.after += latest.Income
	}
	if latest.OccupationIncomeKnown {
		t.occN++
		t.occ += latest.OccupationIncome
	}
}

func (t *tally) merge(o tally) {
	t.trained += o.trained
	t.followedUp += o.followedUp
	t.practising += o.practising
	t.incomeN += o.incomeN
	t.before += o.before
	t.after += o.after
	t.occN += o.occN
	t.occ += o.occ
}

// enough reports whether a figure over n households may be shown: at
// least one, and not fewer than half of the trained households.
func enough(n, trained int) bool { return n > 0 && 2*n >= trained }

// round1 rounds to one decimal; roundBaht to whole baht.
func round1(x float64) float64    { return math.Round(x*10) / 10 }
func roundBaht(x float64) float64 { return math.Round(x) }

func ptr[T any](v T) *T { return &v }

// figures computes the indicators from the tally.
func (t tally) figures() Figures {
	f := Figures{
		Trained: t.trained, FollowedUp: t.followedUp, Practising: t.practising,
		IncomeCounted: t.incomeN, OccupationIncomeCounted: t.occN,
	}
	if enough(t.followedUp, t.trained) {
		f.PractisingPct = ptr(round1(float64(t.practising) * 100 / float64(t.followedUp)))
		f.MeetsPractisingTarget = ptr(*f.PractisingPct >= PractisingTarget)
	}
	if enough(t.incomeN, t.trained) {
		n := float64(t.incomeN)
		f.IncomeBeforeAvg = ptr(roundBaht(float64(t.before) / n))
		f.IncomeAfterAvg = ptr(roundBaht(float64(t.after) / n))
		if t.before > 0 {
			// The means are over the same households: their ratio is the
			// ratio of the sums, taken before any rounding.
			f.IncomeChangePct = ptr(round1(float64(t.after-t.before) * 100 / float64(t.before)))
			f.MeetsIncomeTarget = ptr(*f.IncomeChangePct >= IncomeTarget)
		}
	}
	if enough(t.occN, t.trained) {
		f.OccupationIncomeAvg = ptr(roundBaht(float64(t.occ) / float64(t.occN)))
	}
	return f
}

// occupationKey is an occupation as compared: case and spaces ignored, so
// that "ทำน้ำพริก" and "ทำ น้ำพริก" are one occupation type.
func occupationKey(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), ""))
}

// RoundIndicators computes round r's indicators at now (which households
// have completed the programme depends on the date).
func RoundIndicators(tx Tx, r Round, now time.Time) (*Indicators, error) {
	villages, err := RoundVillages(tx, r.ID)
	if err != nil {
		return nil, err
	}
	groups := map[int][]OccupationGroup{}
	formed := 0
	err = tx.OccupationGroups().Each(func(_ int, g OccupationGroup) error {
		if g.Round == r.ID {
			groups[g.Village] = append(groups[g.Village], g)
			formed++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ind := &Indicators{Round: r, At: now, Villages: []VillageFigures{}, ByOccupation: []OccupationFigures{}}
	var district tally
	type occ struct {
		name     string
		villages int
		t        tally
	}
	byOcc := map[string]*occ{}
	withGroup := 0
	for _, v := range villages {
		t, err := villageTally(tx, v, now)
		if err != nil {
			return nil, err
		}
		district.merge(t)
		vf := VillageFigures{Village: v, ID: v.ID, Moo: v.Moo, Name: v.Name, Tambon: v.Tambon, Occupation: v.Occupation,
			Figures: t.figures(), Groups: []string{}}
		if err := vf.readWeek(tx, now); err != nil {
			return nil, err
		}
		for _, g := range groups[v.ID] {
			vf.Groups = append(vf.Groups, g.Name)
		}
		vf.GroupsFormed = len(vf.Groups)
		if vf.GroupsFormed > 0 {
			withGroup++
		}
		if vf.MeetsIncomeTarget != nil && *vf.MeetsIncomeTarget {
			ind.District.VillagesMeetingIncomeTarget++
		}
		ind.Villages = append(ind.Villages, vf)
		key := occupationKey(v.Occupation)
		o := byOcc[key]
		if o == nil {
			o = &occ{name: strings.TrimSpace(v.Occupation)}
			byOcc[key] = o
		}
		o.villages++
		o.t.merge(t)
	}
	for _, k := range slices.Sorted(maps.Keys(byOcc)) {
		o := byOcc[k]
		ind.ByOccupation = append(ind.ByOccupation, OccupationFigures{Occupation: o.name, Villages: o.villages, Figures: o.t.figures()})
	}
	d := &ind.District
	d.Figures = district.figures()
	d.Villages = len(villages)
	d.GroupsFormed = formed
	d.VillagesWithGroup = withGroup
	d.GroupsTargetMet = d.Villages > 0 && withGroup > 0 && withGroup*100 >= GroupsTarget*d.Villages
	if d.Villages > 0 {
		d.VillagesMeetingIncomeTargetPct = ptr(round1(float64(d.VillagesMeetingIncomeTarget) * 100 / float64(d.Villages)))
	}
	return ind, nil
}

// readWeek reads the village's days: their dates, and whether its week
// has begun and has ended at now.
func (vf *VillageFigures) readWeek(tx Tx, now time.Time) error {
	s, err := GetSchedule(tx, vf.ID)
	if err != nil {
		return err
	}
	for i, d := range s {
		if d != nil {
			vf.Week[i] = d.Date
		}
	}
	loc := now.Location()
	vf.Started = s[0] != nil && !now.Before(s[0].StartsAt(loc))
	vf.Finished = s[Days-1] != nil && !now.Before(s[Days-1].EndsAt(loc))
	return nil
}

// villageTally counts village v's trained households and their latest
// answers.
func villageTally(tx Tx, v Village, now time.Time) (tally, error) {
	var t tally
	hs, err := VillageHouseholds(tx, v.ID)
	if err != nil {
		return t, err
	}
	for _, h := range hs {
		if HouseholdState(tx, h, now) != StatusCompleted {
			continue
		}
		fs, err := HouseholdFollowUps(tx, h.ID)
		if err != nil {
			return t, err
		}
		latest, answered := LatestAnswer(fs)
		t.add(h, latest, answered)
	}
	return t, nil
}

// TrainedHouseholds returns village vid's households that completed the
// programme by now, in id order: the households an occupation group's
// members are picked from.
func TrainedHouseholds(tx Tx, vid int, now time.Time) ([]Household, error) {
	hs, err := VillageHouseholds(tx, vid)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(hs, func(h Household) bool { return HouseholdState(tx, h, now) != StatusCompleted }), nil
}

// FollowUpStatus is where a follow-up stands: answered, waiting for an
// answer, or, once its window has passed unanswered, not followed up
// (never counted as "not practising").
type FollowUpStatus string

// Follow-up statuses.
const (
	FollowUpAnswered    FollowUpStatus = "answered"
	FollowUpWaiting     FollowUpStatus = "waiting"
	FollowUpNotFollowed FollowUpStatus = "unanswered"
)

// FollowUpStatusAt says where follow-up f stands at now, with the
// engine's answer window (FollowUpConfig.Window, from when it was asked).
func (e *Engine) FollowUpStatusAt(f FollowUp, now time.Time) FollowUpStatus {
	switch {
	case f.IsAnswered():
		return FollowUpAnswered
	case now.Sub(cmp.Or(f.Asked, dueTime(f, now.Location()))) > e.cfg.FollowUps.Window:
		return FollowUpNotFollowed
	}
	return FollowUpWaiting
}

// FollowUpWindow is how long a follow-up waits for an answer before it
// counts as "not followed up".
func (e *Engine) FollowUpWindow() time.Duration { return e.cfg.FollowUps.Window }

// dueTime is midnight of f's due date (for a follow-up not asked yet).
func dueTime(f FollowUp, loc *time.Location) time.Time {
	t, err := time.ParseInLocation("2006-01-02", f.Due, loc)
	if err != nil {
		return time.Time{}
	}
	return t
}
