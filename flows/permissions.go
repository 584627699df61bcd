package flows

// Who may act for what, in one place. Every flow asks here:
//   - officers act for every village and household;
//   - an approved sage acts for the village whose team they are on (its
//     roll call, its households' list and enrolment); selecting households
//     is the lead's;
//   - a household is acted for by its head once linked, and, while it has
//     no LINE account of its own, by a sage of its village's team;
//   - anyone else gets a polite refusal (a locale key), and nothing changes.

// actor is the user behind an event, as far as permissions go.
type actor struct {
	UserID  string
	Officer bool
	Role    SageRole
}

// actorOf reads who is acting in c.
func actorOf(c *Ctx) (actor, error) {
	a := actor{UserID: c.In.UserID}
	var err error
	if a.Officer, err = IsOfficer(c.Tx, a.UserID); err != nil || a.Officer {
		return a, err
	}
	a.Role, err = SageRoleOf(c.Tx, a.UserID)
	return a, err
}

// onTeam reports whether the actor is an approved sage of village vid's team.
func (a actor) onTeam(vid int) bool {
	return a.Role.Approved && a.Role.Village != 0 && a.Role.Village == vid
}

// villageFor says which village the actor may act for in op: an officer
// the one asked (vid, 0 meaning "ask which"), a sage of a team their own
// (vid 0 or theirs; another village is refused). needLead restricts sages
// to the team's lead. refuseKey is said to anyone else.
func (a actor) villageFor(op string, vid int, needLead bool, refuseKey string) (int, error) {
	if a.Officer {
		return vid, nil
	}
	if !a.Role.Approved || a.Role.Village == 0 || needLead && !a.Role.Lead {
		return 0, Forbidden(op, refuseKey)
	}
	if vid != 0 && vid != a.Role.Village {
		return 0, Forbidden(op, "household.err.other_village")
	}
	return a.Role.Village, nil
}

// householdAccess says who may act for a household in a given action.
type householdAccess int

const (
	// headOrTeam: its linked head, or a sage of its village's team while it
	// has no LINE account of its own (attendance, withdrawal).
	headOrTeam householdAccess = iota
	// headTeamOrOfficer: as headOrTeam, and officers; a team sage may edit
	// a linked household's record too (updating its details).
	headTeamOrOfficer
)

// mayActFor reports whether the actor may act for household h.
func (a actor) mayActFor(h Household, access householdAccess) bool {
	if h.UserID != "" && h.UserID == a.UserID {
		return true
	}
	switch access {
	case headTeamOrOfficer:
		return a.Officer || a.onTeam(h.Village)
	default:
		return h.UserID == "" && a.onTeam(h.Village)
	}
}

// officerOnlyKey refuses, politely with key, anyone who is not an officer.
// It writes nothing, so it may come first in any step.
func officerOnlyKey(c *Ctx, op, key string) error {
	ok, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return Forbidden(op, key)
	}
	return nil
}

// officerOnly is officerOnlyKey with the officers' own refusal.
func officerOnly(c *Ctx, op string) error { return officerOnlyKey(c, op, "officer.err.not_officer") }
