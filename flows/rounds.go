package flows

import (
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Round is one round of the programme (รุ่น), usually one fiscal year
// (ปีงบประมาณ, from October). Villages take part in a round; their teams,
// households, days and attendance belong to that village-in-a-round. The
// sage registry, officers and the district's places carry over.
//
// Exactly one round is current: new villages, applications, selection and
// schedules go to it. An earlier round keeps running what is already
// scheduled for it (its reminders) and stays readable.
type Round struct {
	ID int `json:"id"`
	// FiscalYear is the Buddhist-Era fiscal year the round is named after
	// when Name is empty ("ปีงบประมาณ 2570").
	FiscalYear int `json:"fiscalYear"`
	// Name is the name an officer gave, "" for the default.
	Name      string    `json:"name,omitempty"`
	Started   time.Time `json:"started"`
	StartedBy string    `json:"startedBy,omitempty"`
}

// FiscalYear is the Buddhist-Era fiscal year that t falls in: October
// starts the next one (1 Oct 2026 is in ปีงบประมาณ 2570).
func FiscalYear(t time.Time) int {
	y := t.Year() + 543
	if t.Month() >= time.October {
		y++
	}
	return y
}

// RoundName is how a round is named to people.
func RoundName(r Round) Msg {
	switch {
	case r.Name != "":
		return Raw(r.Name)
	case r.FiscalYear == 0:
		return T("round.name.number", "N", max(r.ID, 1))
	}
	return T("round.name.fiscal_year", "Year", r.FiscalYear)
}

// CurrentRound returns the current round. A database that never had one
// (new, before its first village) has round 1 of no year yet.
func CurrentRound(tx Tx) (Round, error) {
	id, ok, err := tx.Rounds().Current()
	if err != nil || !ok {
		return Round{ID: 1}, err
	}
	r, found, err := GetRound(tx, id)
	if err != nil {
		return Round{}, err
	}
	if !found {
		return Round{ID: id}, nil
	}
	return r, nil
}

// currentRoundID is the current round's id (1 when unreadable: a
// database without rounds has only the first).
func currentRoundID(tx Tx) int {
	r, err := CurrentRound(tx)
	if err != nil {
		return 1
	}
	return r.ID
}

// GetRound reads a round.
func GetRound(tx Tx, id int) (Round, bool, error) {
	return tx.Rounds().Get(id)
}

// ListRounds returns every round, oldest first.
func ListRounds(tx Tx) ([]Round, error) {
	var out []Round
	err := tx.Rounds().Each(func(_ int, r Round) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// ensureRound makes sure the current round is stored (the first village of
// a new database starts round 1, named after now's fiscal year) and
// returns it.
func ensureRound(tx Tx, now time.Time, by string) (Round, error) {
	r, err := CurrentRound(tx)
	if err != nil {
		return Round{}, err
	}
	if _, found, err := GetRound(tx, r.ID); err != nil || found {
		return r, err
	}
	r = Round{ID: r.ID, FiscalYear: FiscalYear(now), Started: now, StartedBy: by}
	if err := tx.Rounds().Put(r.ID, r); err != nil {
		return Round{}, err
	}
	return r, tx.Rounds().SetCurrent(r.ID)
}

// ParseRoundName reads the name an officer gives a new round: a year
// ("2571", "ปีงบประมาณ 2571", "ปี 71") names it after that fiscal year;
// anything else is kept as typed (1–80 characters), in now's fiscal year.
func ParseRoundName(s string, now time.Time) (fiscalYear int, name string, ok bool) {
	t, ok := locales.NormalizeText(s, maxVillageText)
	if !ok {
		return 0, "", false
	}
	digits := strings.TrimSpace(strings.TrimLeftFunc(locales.NormalizeDigits(t), func(r rune) bool { return r < '0' || r > '9' }))
	if n, err := strconv.Atoi(digits); err == nil {
		switch {
		case n >= 2500 && n < 2700:
			return n, "", true
		case n >= 60 && n < 100:
			return 2500 + n, "", true
		}
	}
	return FiscalYear(now), t, true
}

// RoundPlan says what starting a new round will do, for the confirmation
// (the CLI without --yes, the officer's chat before the tap).
type RoundPlan struct {
	From, To Round
	// Villages of the current round, and how many of them have not yet
	// finished their day 5: their reminders still go out.
	Villages, Running int
}

// PlanRound describes starting a round named name at now.
func PlanRound(tx Tx, name string, now time.Time) (RoundPlan, error) {
	cur, err := CurrentRound(tx)
	if err != nil {
		return RoundPlan{}, err
	}
	if _, found, err := GetRound(tx, cur.ID); err != nil {
		return RoundPlan{}, err
	} else if !found {
		cur.FiscalYear = FiscalYear(now)
	}
	fy, custom, ok := ParseRoundName(name, now)
	if !ok {
		return RoundPlan{}, Invalid("start round", "round.err.name")
	}
	rounds, err := ListRounds(tx)
	if err != nil {
		return RoundPlan{}, err
	}
	next := Round{ID: cur.ID + 1, FiscalYear: fy, Name: custom, Started: now}
	for _, r := range rounds {
		next.ID = max(next.ID, r.ID+1)
		if r.Name == next.Name && (next.Name != "" || r.FiscalYear == next.FiscalYear) {
			return RoundPlan{}, Conflict("start round", "round.err.exists")
		}
	}
	vs, err := RoundVillages(tx, cur.ID)
	if err != nil {
		return RoundPlan{}, err
	}
	p := RoundPlan{From: cur, To: next, Villages: len(vs)}
	for _, v := range vs {
		if !villageFinished(tx, v.ID, now) {
			p.Running++
		}
	}
	return p, nil
}

// StartRound makes a new round current. Nothing of the earlier round is
// changed: its villages, teams, households, days and attendance stay, and
// its reminders still go out. The sages on its teams are free to join a
// team of the new round.
func StartRound(tx Tx, name string, now time.Time, by string) (Round, error) {
	if _, err := ensureRound(tx, now, by); err != nil {
		return Round{}, err
	}
	p, err := PlanRound(tx, name, now)
	if err != nil {
		return Round{}, err
	}
	r := p.To
	r.StartedBy = by
	if err := tx.Rounds().Put(r.ID, r); err != nil {
		return Round{}, err
	}
	if err := tx.Rounds().SetCurrent(r.ID); err != nil {
		return Round{}, err
	}
	// Team membership is per round: a sage on last round's team keeps it
	// in that village's history (Village.Team) and is free now.
	return r, releaseTeams(tx, p.From.ID)
}

// FindRound returns the round named name ("2570", "ปีงบประมาณ 2570", or
// a custom name), for exports and summaries of an earlier round.
func FindRound(tx Tx, name string) (Round, bool, error) {
	rounds, err := ListRounds(tx)
	if err != nil {
		return Round{}, false, err
	}
	want := strings.TrimSpace(name)
	fy, _, _ := ParseRoundName(name, time.Time{})
	for _, r := range rounds {
		if strconv.Itoa(r.ID) == want || (r.Name != "" && r.Name == want) || (r.Name == "" && r.FiscalYear == fy) {
			return r, true, nil
		}
	}
	return Round{}, false, nil
}
