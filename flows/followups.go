package flows

import (
	"slices"
	"time"
)

// After the five days, the programme is judged by what households do next:
// the department's indicators count households still practising the
// occupation they were trained in (at least 85%) and their income (up at
// least 3%). So each household that completed the programme is followed
// up: at FollowUpConfig.Days after its village's day 5 (default 30 and 90
// days), and once in September, before the fiscal year ends.

// Practice is what a household answered about practising the occupation.
type Practice string

// Practice answers.
const (
	PracticeRegular   Practice = "regular"   // ทำเป็นประจำ
	PracticeSometimes Practice = "sometimes" // ทำบ้าง
	PracticeNot       Practice = "not"       // ยังไม่ได้ทำ
)

// Practising reports whether the answer counts as practising.
func (p Practice) Practising() bool { return p == PracticeRegular || p == PracticeSometimes }

// NotPractisingReasons are the reasons a household may give for not
// practising (catalog keys followup.reason.<reason>).
var NotPractisingReasons = []string{"no_capital", "no_time", "no_market", "no_materials", "health", "other"}

// FollowUp kinds.
const (
	FollowUpAfterDays = "days"      // FollowUp.Days after day 5
	FollowUpSeptember = "september" // before the fiscal year ends
)

// FollowUp is one follow-up of a household that completed the programme.
// It is stored when it falls due (then the household, or its village's
// sages, are asked); Answered stays zero until someone answers for it.
type FollowUp struct {
	Household string `json:"household"`
	Village   int    `json:"village"`
	Round     int    `json:"round"`
	// N numbers the household's follow-ups in due order, from 1.
	N    int    `json:"n"`
	Kind string `json:"kind"`
	// Days is the offset after day 5, for kind FollowUpAfterDays.
	Days int `json:"days,omitempty"`
	// Due is the date it falls due ("2006-01-02", programme time).
	Due   string    `json:"due"`
	Asked time.Time `json:"asked"`

	Answered   time.Time `json:"answered,omitzero"`
	AnsweredBy string    `json:"answeredBy,omitempty"`
	Practice   Practice  `json:"practice,omitempty"`
	// Reason is why not practising (one of NotPractisingReasons).
	Reason string `json:"reason,omitempty"`
	// Income is the household's income last month, in baht; Occupation-
	// Income the part of it from the occupation (asked when practising).
	Income                int64 `json:"income"`
	IncomeKnown           bool  `json:"incomeKnown"`
	OccupationIncome      int64 `json:"occupationIncome"`
	OccupationIncomeKnown bool  `json:"occupationIncomeKnown"`
}

// IsAnswered reports whether someone answered the follow-up.
func (f FollowUp) IsAnswered() bool { return !f.Answered.IsZero() }

// FollowUpRef names a household's follow-up.
type FollowUpRef struct {
	Household string
	N         int
}

// FollowUpConfig says when households are followed up.
type FollowUpConfig struct {
	// Days are the offsets after a village's day 5 (default 30 and 90).
	Days []int
	// NoSeptember leaves out the follow-up in September before the fiscal
	// year ends (on SeptemberDay, default the 1st; skipped when another
	// follow-up of the household already falls in that September).
	NoSeptember  bool
	SeptemberDay int
	// At is the time of day follow-ups are asked ("10:00"): a morning, so
	// that it never adds a second push to a household's or a sage's
	// evening of reminders.
	At string
	// SageWeekday is the day sages get their one weekly push listing the
	// households without LINE due for a follow-up (nil: Monday).
	SageWeekday *time.Weekday
	// Window is how long a follow-up waits for an answer before it counts
	// as "not followed up" (default 7 days). A later answer is still kept.
	Window time.Duration
}

func (c *FollowUpConfig) defaults() {
	if len(c.Days) == 0 {
		c.Days = []int{30, 90}
	}
	if c.SeptemberDay <= 0 || c.SeptemberDay > 30 {
		c.SeptemberDay = 1
	}
	if c.At == "" {
		c.At = "10:00"
	}
	if c.Window <= 0 {
		c.Window = 7 * 24 * time.Hour
	}
	if c.SageWeekday == nil {
		monday := time.Monday
		c.SageWeekday = &monday
	}
}

// FollowUpDue is one follow-up a household will have: its kind and date.
type FollowUpDue struct {
	N    int
	Kind string
	Days int
	Date time.Time // midnight, programme time
}

// FollowUpSchedule lists the follow-ups of a household whose village's day 5
// was on day5 (midnight, programme time), in date order and numbered from 1:
// one per offset, and one in the September that ends the fiscal year of the
// last of them, unless one of those already falls in that September.
func (c FollowUpConfig) FollowUpSchedule(day5 time.Time) []FollowUpDue {
	c.defaults()
	var out []FollowUpDue
	for _, d := range slices.Sorted(slices.Values(c.Days)) {
		if d > 0 {
			out = append(out, FollowUpDue{Kind: FollowUpAfterDays, Days: d, Date: day5.AddDate(0, 0, d)})
		}
	}
	if !c.NoSeptember {
		last := day5
		if len(out) > 0 {
			last = out[len(out)-1].Date
		}
		// The fiscal year of last ends on 30 September of FiscalYear(last)-543.
		sept := time.Date(FiscalYear(last)-543, time.September, c.SeptemberDay, 0, 0, 0, 0, day5.Location())
		inSept := slices.ContainsFunc(out, func(f FollowUpDue) bool {
			return f.Date.Year() == sept.Year() && f.Date.Month() == time.September
		})
		if !inSept && sept.After(day5) {
			out = append(out, FollowUpDue{Kind: FollowUpSeptember, Date: sept})
		}
	}
	slices.SortStableFunc(out, func(a, b FollowUpDue) int { return a.Date.Compare(b.Date) })
	for i := range out {
		out[i].N = i + 1
	}
	return out
}

// HouseholdFollowUps returns a household's stored follow-ups, in order.
func HouseholdFollowUps(tx Tx, id string) ([]FollowUp, error) {
	var out []FollowUp
	err := tx.FollowUps().OfHousehold(id, func(f FollowUp) error {
		out = append(out, f)
		return nil
	})
	return out, err
}

// LatestAnswer is the household's latest answered follow-up, if any: the
// one the indicators count.
func LatestAnswer(fs []FollowUp) (FollowUp, bool) {
	var best FollowUp
	found := false
	for _, f := range fs {
		if f.IsAnswered() && (!found || f.N > best.N) {
			best, found = f, true
		}
	}
	return best, found
}

// OccupationGroup is an occupation group (กลุ่มอาชีพ) formed in a village
// along the programme's lines: the department counts villages with one
// (at least 10% of a round's villages).
type OccupationGroup struct {
	ID         int    `json:"id"`
	Round      int    `json:"round"`
	Village    int    `json:"village"`
	Name       string `json:"name"`
	Occupation string `json:"occupation"`
	// Members are households of the round (ids).
	Members []string `json:"members"`
	// Formed is the date it was formed ("2006-01-02").
	Formed  string    `json:"formed"`
	By      string    `json:"by"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// VillageGroups returns the occupation groups of a village, by id.
func VillageGroups(tx Tx, vid int) ([]OccupationGroup, error) {
	var out []OccupationGroup
	err := tx.OccupationGroups().Each(func(_ int, g OccupationGroup) error {
		if g.Village == vid {
			out = append(out, g)
		}
		return nil
	})
	return out, err
}
