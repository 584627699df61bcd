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

// wasSelected reports whether h took part in its village's week: selected,
// or completed / dropped as an officer (or an erasure) stored it. These
// are the households a week's counts are over.
func wasSelected(h Household) bool {
	switch h.Status {
	case StatusSelected, StatusCompleted, StatusDropped:
		return true
	}
	return false
}

// stateWord is a state's short word, the one every list, card and export
// uses for it (household.status.short.*).
func stateWord(h Household, state HouseholdStatus) Msg {
	return T("household.status.short."+string(state), "Pos", h.WaitPos)
}

// staffStateText is the line under a household's name on its card, as an
// officer or a sage reads it (the household reads household.status.*,
// written to it): what the state is and, for the officer, what is theirs
// to do about it.
func staffStateText(tx Tx, h Household, state HouseholdStatus, officer bool) Msg {
	switch {
	case state == StatusCompleted && !attended(tx, h):
		return T("household.card.completed_confirmed")
	case state == StatusNoRecord && officer:
		return T("household.card.norecord_officer")
	}
	if state == StatusApplicant && !h.Interested {
		return T("household.card.not_interested")
	}
	return T("household.card."+string(state), "Pos", h.WaitPos)
}

// endDecision is how an officer may still say h's week ended: "complete"
// and "drop" for a household with no attendance recorded; a decision
// already stored may be turned the other way (a tap on the wrong button),
// except that a household with a mark has completed by the rule.
func endDecision(tx Tx, h Household, now time.Time, do string) bool {
	if !villageFinished(tx, h.Village, now) {
		return false
	}
	switch HouseholdState(tx, h, now) {
	case StatusNoRecord:
		return do == byHandComplete || do == byHandDrop
	case StatusDropped:
		return do == byHandComplete
	case StatusCompleted:
		return do == byHandDrop && h.Status == StatusCompleted && !attended(tx, h)
	}
	return false
}

// What an officer does by hand (the reason form's ansDo).
const (
	byHandSelect   = "select"
	byHandRemove   = "remove"
	byHandComplete = "complete"
	byHandDrop     = "drop"
)

// byHandTo is the status an officer's change by hand leads to.
func byHandTo(do string) HouseholdStatus {
	switch do {
	case byHandSelect:
		return StatusSelected
	case byHandRemove:
		return StatusWithdrawn
	case byHandComplete:
		return StatusCompleted
	}
	return StatusDropped
}

// byHandKey is key's version for the change a reason form is for
// (key + ".complete"), or key + ".change" for a change it does not know.
func byHandKey(key string, a Answers) Msg {
	switch do := a[ansDo]; do {
	case byHandSelect, byHandRemove, byHandComplete, byHandDrop:
		return T(key + "." + do)
	}
	return T(key + ".change")
}
