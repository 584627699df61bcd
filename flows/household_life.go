package flows

import "time"

// A household's whole life: applied → selected / waitlisted (or not
// interested) → withdrawn → completed / dropped. The first steps are
// stored as they happen (setStatus, with who and when). The end of a
// village's week needs nobody to act: once its day 5 is over, a selected
// household with at least one attendance mark from any source (its own
// tap, the roll call, an officer) has completed the programme, and one
// with none is not guessed at: it waits in the officer's list as "no
// attendance recorded" until an officer marks it completed or dropped
// (stored, and then it stays). HouseholdState gives the word the
// household, its sage and the officer all see.

// Statuses at the end of a village's week.
const (
	StatusCompleted HouseholdStatus = "completed"
	StatusDropped   HouseholdStatus = "dropped"
	// StatusNoRecord is a selected household of a finished week with no
	// attendance mark: an officer decides.
	StatusNoRecord HouseholdStatus = "norecord"
)

// HouseholdState is where h stands at now: its stored status, or, for a
// selected household whose village's week is over, completed or "no
// attendance recorded".
func HouseholdState(tx Tx, h Household, now time.Time) HouseholdStatus {
	if h.Status != StatusSelected || !villageFinished(tx, h.Village, now) {
		return h.Status
	}
	if attended(tx, h) {
		return StatusCompleted
	}
	return StatusNoRecord
}

// attended reports whether h has any attendance mark: present on a day,
// or practised at home.
func attended(tx Tx, h Household) bool {
	for day := 1; day <= Days; day++ {
		a, err := GetAttendance(tx, h.Village, day, h.ID)
		if err != nil {
			continue
		}
		if a.Presence == PresenceHere || a.Practised {
			return true
		}
	}
	return false
}

// weekOver reports whether h's village has finished its week: then
// withdrawing means nothing, and applications are closed.
func weekOver(tx Tx, h Household, now time.Time) bool { return villageFinished(tx, h.Village, now) }

// inCurrentRound reports whether h's village is in the current round.
func inCurrentRound(tx Tx, h Household) bool {
	v, ok, err := GetVillage(tx, h.Village)
	return err == nil && ok && v.Round == currentRoundID(tx)
}

// HouseholdName is how a household is named in lists and cards: its head's
// name, or "data deleted" for the anonymous tally a deletion leaves.
func HouseholdName(h Household) any {
	if h.Erased {
		return T("household.erased").Ref()
	}
	return h.HeadName
}
