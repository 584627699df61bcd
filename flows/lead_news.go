package flows

import (
	"slices"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// The lead sage's news. A village's lead is not pushed each time a sage
// joins or leaves the team or a household is selected, withdraws or is
// promoted from the waitlist: pushes cost money. Instead, what changed
// since the lead last looked is said when they open their team or their
// village's households (a reply, free), and added to the evening brief
// they get anyway. Opening either marks it seen (Sage.LeadSeen); the brief
// does not, so it says "since you last looked", which stays true.

// LeadSeen is what a lead sage last saw of their village: when, and who
// was on the team (registry numbers), so that a member who left since is
// named. Nil on a record from before it was kept: changes are then counted
// from when the lead joined the team.
type LeadSeen struct {
	At   time.Time `json:"at"`
	Team []uint64  `json:"team,omitempty"`
}

// leadNews is what changed in a village since its lead last looked: names
// of sages who joined and left the team, and of households selected,
// withdrawn and promoted from the waitlist by someone else.
type leadNews struct {
	Joined, Left                  []string
	Selected, Withdrawn, Promoted []string
	// LeftUnnamed counts members who left and deleted their data.
	LeftUnnamed int
}

func (n leadNews) empty() bool {
	return len(n.Joined)+len(n.Left)+n.LeftUnnamed+len(n.Selected)+len(n.Withdrawn)+len(n.Promoted) == 0
}

// fields are the news as card rows, one per kind of change that happened.
func (n leadNews) fields() []Field {
	var out []Field
	add := func(key string, names []string) {
		if len(names) > 0 {
			out = append(out, Field{Label: T(key, "N", len(names)), Value: Raw(joinNames(names))})
		}
	}
	add("team.news.joined", n.Joined)
	add("team.news.left", n.Left)
	if n.LeftUnnamed > 0 {
		out = append(out, Field{Label: T("team.news.left", "N", n.LeftUnnamed), Value: T("team.news.left_unnamed")})
	}
	add("team.news.selected", n.Selected)
	add("team.news.promoted", n.Promoted)
	add("team.news.withdrawn", n.Withdrawn)
	return out
}

// newsFor is what changed in lead's village vid, whose team is members,
// since lead last looked.
func newsFor(tx Tx, lead Sage, vid int, members []Sage) (leadNews, error) {
	var n leadNews
	since := lead.TeamSince
	var before []uint64
	if lead.LeadSeen != nil {
		since, before = lead.LeadSeen.At, lead.LeadSeen.Team
	}
	now := make([]uint64, 0, len(members))
	for _, m := range members {
		now = append(now, m.ID)
		if m.UserID == lead.UserID {
			continue
		}
		joined := m.TeamSince.After(since)
		if lead.LeadSeen != nil {
			joined = !slices.Contains(before, m.ID)
		}
		if joined {
			n.Joined = append(n.Joined, locales.FirstName(m.Name))
		}
	}
	for _, id := range before {
		if slices.Contains(now, id) {
			continue
		}
		if s, ok, err := GetSageByID(tx, id); err != nil {
			return n, err
		} else if ok {
			n.Left = append(n.Left, locales.FirstName(s.Name))
		} else {
			n.LeftUnnamed++ // their data was deleted: no name to give
		}
	}
	households, err := VillageHouseholds(tx, vid)
	if err != nil {
		return n, err
	}
	for _, h := range households {
		if h.Erased {
			continue
		}
		for _, ch := range h.History {
			if !ch.At.After(since) || ch.By == lead.UserID {
				continue
			}
			switch {
			case ch.To == StatusSelected && ch.From == StatusWaitlisted:
				n.Promoted = append(n.Promoted, h.HeadName)
			case ch.To == StatusSelected:
				n.Selected = append(n.Selected, h.HeadName)
			case ch.To == StatusWithdrawn:
				n.Withdrawn = append(n.Withdrawn, h.HeadName)
			}
		}
	}
	return n, nil
}

// leadOfVillage is the user's sage record when they lead village vid.
func leadOfVillage(tx Tx, userID string, vid int) (Sage, bool, error) {
	v, ok, err := GetVillage(tx, vid)
	if err != nil || !ok || v.LeadSageID == "" || v.LeadSageID != userID {
		return Sage{}, false, err
	}
	s, ok, err := GetSage(tx, userID)
	if err != nil || !ok || s.TeamVillage != vid {
		return Sage{}, false, err
	}
	return s, true, nil
}

// sayLeadNews tells the user, when they lead village vid, what changed
// since they last looked, and marks it seen. Nothing is said when nothing
// changed.
func (e *Engine) sayLeadNews(c *Ctx, vid int) error {
	lead, ok, err := leadOfVillage(c.Tx, c.In.UserID, vid)
	if err != nil || !ok {
		return err
	}
	members, err := TeamMembers(c.Tx, vid)
	if err != nil {
		return err
	}
	n, err := newsFor(c.Tx, lead, vid, members)
	if err != nil {
		return err
	}
	if !n.empty() {
		title := T("team.news.title")
		c.Say(Reply{Style: StyleCard, Title: &title, Text: T("team.news.text"), Fields: n.fields()})
	}
	seen := &LeadSeen{At: c.Now, Team: make([]uint64, 0, len(members))}
	for _, m := range members {
		seen.Team = append(seen.Team, m.ID)
	}
	lead.LeadSeen = seen
	return putSage(c.Tx, lead)
}

// leadBrief is the evening brief for village vid's lead, one of team: the
// sages' brief with what changed since the lead last looked. It reports
// false when the village has no lead on its team or nothing changed: the
// lead gets the brief as the other sages do.
func (e *Engine) leadBrief(c *Ctx, vid int, team []Sage, brief Reply) (Reply, string, bool, error) {
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil || !ok || v.LeadSageID == "" {
		return Reply{}, "", false, err
	}
	i := slices.IndexFunc(team, func(s Sage) bool { return s.UserID == v.LeadSageID })
	if i < 0 {
		return Reply{}, "", false, nil
	}
	lead := team[i]
	n, err := newsFor(c.Tx, lead, vid, team)
	if err != nil || n.empty() {
		return Reply{}, "", false, err
	}
	out := brief
	out.Fields = append(slices.Clone(brief.Fields), Field{Label: T("team.news.brief_label"), Value: T("team.news.brief_value")})
	out.Fields = append(out.Fields, n.fields()...)
	return out, lead.UserID, true, nil
}
