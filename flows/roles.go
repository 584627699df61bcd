package flows

import "strconv"

// SageRole is what a LINE user is in the sage registry, as far as other
// features need to know: the village whose team they are on, whether they
// are approved, whether they lead that team.
type SageRole struct {
	SageID   string
	Village  int // the village of the sage's team; 0 when on no team
	Approved bool
	Lead     bool
}

// SageRoleOf returns the user's role in the sage registry; the zero role
// when the user is no sage. A sage acts for a village (enrols its
// households, takes its roll call) only as a member of its team.
func SageRoleOf(tx Tx, userID string) (SageRole, error) {
	s, ok, err := GetSage(tx, userID)
	if err != nil || !ok {
		return SageRole{}, err
	}
	r := SageRole{SageID: strconv.FormatUint(s.ID, 10), Village: s.TeamVillage, Approved: s.Status == SageApproved}
	if r.Village != 0 {
		v, _, err := GetVillage(tx, r.Village)
		if err != nil {
			return r, err
		}
		r.Lead = v.LeadSageID == userID
	}
	return r, nil
}

// Roles are everything a LINE user is in the programme, for help and the
// chips under the bot's answers: someone with two roles (an officer who is
// also a lead sage, a sage whose household was selected) sees both.
type Roles struct {
	Officer bool
	// Sage is an approved sage; Lead leads the team of Village, Team is on
	// it without leading it.
	Sage, Lead, Team bool
	Village          int
	// Household is the status of the household the user heads, "" when
	// none (or withdrawn); Interested is its answer to "do you want to
	// learn the village's occupation".
	Household  HouseholdStatus
	Interested bool
}

// RolesOf returns every role of the user.
func RolesOf(tx Tx, userID string) (Roles, error) {
	var r Roles
	if userID == "" {
		return r, nil
	}
	var err error
	if r.Officer, err = IsOfficer(tx, userID); err != nil {
		return r, err
	}
	s, err := SageRoleOf(tx, userID)
	if err != nil {
		return r, err
	}
	if s.Approved {
		r.Sage, r.Village = true, s.Village
		r.Lead, r.Team = s.Lead, s.Village != 0 && !s.Lead
	}
	h, ok, err := HouseholdOfUser(tx, userID)
	if err != nil {
		return r, err
	}
	if ok && h.Status != StatusWithdrawn && !h.Erased {
		r.Household, r.Interested = h.Status, h.Interested
	}
	return r, nil
}

// Villager reports whether the user is none of the programme's roles.
func (r Roles) Villager() bool { return !r.Officer && !r.Sage && r.Household == "" }

// helpSections are the catalog keys of the help texts for r, officer
// first: the one who does the most reads their part first.
func (r Roles) helpSections() []string {
	var keys []string
	if r.Officer {
		keys = append(keys, "officer.help")
	}
	switch {
	case r.Lead:
		keys = append(keys, "core.rolehelp.lead")
	case r.Team:
		keys = append(keys, "core.rolehelp.team")
	case r.Sage:
		keys = append(keys, "core.rolehelp.sage")
	}
	switch r.Household {
	case "":
	case StatusSelected:
		keys = append(keys, "core.rolehelp.selected")
	case StatusApplicant, StatusWaitlisted:
		if r.Interested {
			keys = append(keys, "core.rolehelp.applicant")
		} else {
			keys = append(keys, "core.rolehelp.not_interested")
		}
	default: // completed, dropped, no record: the week is over
		keys = append(keys, "core.rolehelp.trained")
	}
	return keys
}
