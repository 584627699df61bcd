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
