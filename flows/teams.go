package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sammachip/sammachip/locales"
)

// Village teams (ทีมวิทยากรสัมมาชีพระดับหมู่บ้าน): an officer names one lead
// sage per village (Village.LeadSageID); the lead makes single-use invite
// codes and approved sages join by typing one, up to TeamSize sages, the
// lead included. A sage is on at most one team (Sage.TeamMoo). Only the
// lead manages the team.

// TeamSize is the most sages on a village team, the lead included.
const TeamSize = 5

// InviteTTL is how long an invite code can be used after it is made. An
// unused code stops counting against the team's places when it expires.
const InviteTTL = 7 * 24 * time.Hour

// Invite is a single-use code a lead gives to a sage to join the team of
// village Moo. It is stored under its code and never logged.
type Invite struct {
	Code    string    `json:"code"`
	Village int       `json:"village"`
	By      string    `json:"by"` // the lead's LINE user id
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`
	// UsedBy is the LINE user id of the sage who joined with it.
	UsedBy  string    `json:"usedBy,omitempty"`
	UsedAt  time.Time `json:"usedAt,omitzero"`
	Revoked bool      `json:"revoked,omitempty"`
}

// Open reports whether the code can still be used at now.
func (i Invite) Open(now time.Time) bool {
	return i.UsedBy == "" && !i.Revoked && now.Before(i.Expires)
}

// InviteWait remembers a code typed by someone not yet an approved sage,
// so that the approval can remind them of it.
type InviteWait struct {
	Code string    `json:"code"`
	At   time.Time `json:"at"`
}

func getInviteWait(tx Tx, userID string) (InviteWait, bool, error) {
	w, ok, err := tx.InviteWaits().Get(userID)
	return w, ok, err
}

// TeamMembers returns the sages on village moo's team: the lead first,
// then the others in the order they joined.
func TeamMembers(tx Tx, vid int) ([]Sage, error) {
	v, _, err := GetVillage(tx, vid)
	if err != nil {
		return nil, err
	}
	all, err := ListSages(tx)
	if err != nil {
		return nil, err
	}
	if len(v.Team) > 0 {
		// A village of an earlier round: its team as it was.
		var out []Sage
		for _, id := range v.Team {
			if i := slices.IndexFunc(all, func(s Sage) bool { return s.UserID == id }); i >= 0 {
				out = append(out, all[i])
			}
		}
		return out, nil
	}
	out := slices.DeleteFunc(all, func(s Sage) bool { return s.TeamVillage != vid })
	slices.SortStableFunc(out, func(a, b Sage) int {
		if (a.UserID == v.LeadSageID) != (b.UserID == v.LeadSageID) {
			if a.UserID == v.LeadSageID {
				return -1
			}
			return 1
		}
		return a.TeamSince.Compare(b.TeamSince)
	})
	return out, nil
}

// releaseTeams ends the teams of round's villages when a new round starts:
// each village keeps its team in Village.Team, and its sages are free to
// join a team of the new round. Open invite codes of the round are revoked.
func releaseTeams(tx Tx, round int) error {
	vs, err := RoundVillages(tx, round)
	if err != nil {
		return err
	}
	for _, v := range vs {
		team, err := TeamMembers(tx, v.ID)
		if err != nil {
			return err
		}
		if len(v.Team) > 0 {
			continue
		}
		for _, s := range team {
			v.Team = append(v.Team, s.UserID)
			s.TeamVillage, s.TeamSince = 0, time.Time{}
			if err := tx.Sages().Put(s.UserID, s); err != nil {
				return err
			}
		}
		if v.Team == nil {
			v.Team = []string{}
		}
		if err := tx.Villages().Put(v.ID, v); err != nil {
			return err
		}
	}
	var revoke []Invite
	err = tx.Invites().Each(func(_ string, inv Invite) error {
		if inv.UsedBy == "" && !inv.Revoked && slices.ContainsFunc(vs, func(v Village) bool { return v.ID == inv.Village }) {
			revoke = append(revoke, inv)
		}
		return nil
	})
	for _, inv := range revoke {
		inv.Revoked = true
		if err == nil {
			err = tx.Invites().Put(inv.Code, inv)
		}
	}
	return err
}

// openInvites returns village moo's invite codes that can still be used.
func openInvites(tx Tx, vid int, now time.Time) ([]Invite, error) {
	var out []Invite
	err := tx.Invites().Each(func(_ string, inv Invite) error {
		if inv.Village == vid && inv.Open(now) {
			out = append(out, inv)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Invite) int { return a.Created.Compare(b.Created) })
	return out, err
}

// Names of this file's form, actions and postback parameters.
const (
	formLead = "team.lead"

	actTeamLeadForm = "team.leadform"
	actTeamSetLead  = "team.setlead"
	actTeamKeepLead = "team.keeplead"
	actTeamView     = "team.view"
	actTeamInvite   = "team.invite"
	actTeamRevoke   = "team.revoke"
	actTeamRemove   = "team.remove"
	actTeamKeep     = "team.keep"
	actTeamJoin     = "team.join"
)

func (e *Engine) registerTeams() {
	e.RegisterForm(e.leadForm())
	startLead := func(c *Ctx) error {
		if c.In.InGroup() {
			return c.stale()
		}
		return c.StartForm(formLead, nil)
	}
	e.RegisterCommand(Command{Key: "team.cmd.lead", In1to1: true, Run: startLead})
	e.RegisterAction(actTeamLeadForm, func(c *Ctx, _ Postback) error { return startLead(c) })
	e.RegisterAction(actTeamSetLead, e.setLeadAction)
	e.RegisterAction(actTeamKeepLead, func(c *Ctx, _ Postback) error {
		c.Say(Text(T("team.lead.kept")))
		return nil
	})

	e.RegisterCommand(Command{Key: "team.cmd.myteam", In1to1: true, Run: e.viewTeam})
	e.RegisterAction(actTeamView, func(c *Ctx, _ Postback) error { return e.viewTeam(c) })
	e.RegisterCommand(Command{Key: "team.cmd.invite", In1to1: true, Run: e.makeInvite})
	e.RegisterAction(actTeamInvite, func(c *Ctx, _ Postback) error { return e.makeInvite(c) })
	e.RegisterAction(actTeamRevoke, e.revokeInvite)
	e.RegisterAction(actTeamRemove, e.removeMember)
	e.RegisterAction(actTeamKeep, func(c *Ctx, _ Postback) error {
		c.Say(Text(T("team.remove.kept")))
		return nil
	})

	e.RegisterCommand(Command{Key: "team.cmd.join", In1to1: true, Run: func(c *Ctx) error {
		c.Say(Text(T("team.join.how")))
		return nil
	}})
	e.RegisterAction(actTeamJoin, func(c *Ctx, p Postback) error {
		if c.In.InGroup() {
			return c.stale()
		}
		code, ok := NormalizeCode(p.Code)
		var inv Invite
		found := false
		if ok {
			var err error
			if inv, found, err = c.Tx.Invites().Get(code); err != nil {
				return err
			}
		}
		// The button carries the code: a forged tap is one more guess.
		if ok, err := c.admitCode(CodeInvite); !ok || err != nil {
			return err
		}
		if !found {
			return c.codeFailed(CodeInvite, CodeWrong, NotFound("join team", "team.code.unknown"))
		}
		return e.joinTeam(c, inv)
	})
	// An invite code typed on its own. Tried before the officers' claim,
	// which answers any other code-shaped text.
	e.RegisterCommand(Command{In1to1: true, Claim: e.claimInvite})
}

// ---- naming the lead ----

func (e *Engine) leadForm() *Form {
	return &Form{
		Name:  formLead,
		Title: T("team.lead.title"),
		Questions: []Question{
			villageQuestion("village", T("team.lead.ask_moo"), T("team.lead.help_moo"), T("sage.moo.label")),
			{
				Field: "sage", Help: T("team.lead.help_sage"), Label: T("team.lead.sage_label"),
				Prompt:  askLeadSage,
				Choices: leadSageChoices,
				Parse:   parseApprovedSage,
				Which:   whichLeadSage,
				Show: func(c *Ctx, v string) Msg {
					id, _ := strconv.ParseUint(v, 10, 64)
					s, ok, err := GetSageByID(c.Tx, id)
					if err != nil || !ok {
						return Raw(v)
					}
					return T("team.sage.show", "Name", s.Name, "ID", v, "Village", placeMsg(c.Tx, s.Moo, s.Tambon).Ref())
				},
			},
		},
		Begin: func(c *Ctx, _ Answers) error {
			if err := officerOnlyErr(c, "name lead"); err != nil {
				return err
			}
			vs, err := ListVillages(c.Tx)
			if err != nil {
				return err
			}
			if len(vs) == 0 {
				return Invalid("name lead", "sage.no_villages")
			}
			sages, err := approvedSages(c.Tx, 0)
			if err != nil {
				return err
			}
			if len(sages) == 0 {
				return Invalid("name lead", "team.lead.none_approved")
			}
			return nil
		},
		Save: func(c *Ctx, a Answers) error {
			if err := officerOnlyErr(c, "name lead"); err != nil {
				return err
			}
			vid := villageID(a["village"])
			id, _ := strconv.ParseUint(a["sage"], 10, 64)
			return e.setLead(c, vid, id, "", false)
		},
		DoneKey: "team.lead.already_done",
	}
}

// askLeadSage asks for the lead of the village chosen: it names that
// village, and says whether its own sages head the list. With more
// sages than the list shows, it says that typing part of a name finds one.
func askLeadSage(c *Ctx, a Answers) Msg {
	vid := villageID(a["village"])
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil || !ok {
		return T("team.lead.ask_sage_any")
	}
	sages, err := approvedSages(c.Tx, vid)
	ask := T("team.lead.ask_sage_none_here", "Village", VillageName(c.Tx, v).Ref())
	if err == nil && len(sages) > 0 && v.SamePlace(sages[0].Moo, sages[0].Tambon) {
		ask = T("team.lead.ask_sage", "Village", VillageName(c.Tx, v).Ref())
	}
	if len(sages) > maxLeadChoices && a[ansSageFilter] == "" {
		return T("team.lead.ask_sage_type", "Ask", ask.Ref(), "Shown", maxLeadChoices, "All", len(sages))
	}
	return ask
}

// maxLeadChoices is how many sages the lead picker shows as buttons; with
// more, part of a name typed narrows the list (whichLeadSage).
const maxLeadChoices = 10

// ansSageFilter keeps what was typed to narrow the lead picker, so that
// a tap on the narrowed list is checked against it.
const ansSageFilter = "_sage_filter"

// leadSageChoices are the lead picker's buttons: the village's own sages
// first, at most maxLeadChoices, or those whose name holds the text last
// typed to narrow the list.
func leadSageChoices(c *Ctx, a Answers) ([]Choice, error) {
	sages, err := approvedSages(c.Tx, villageID(a["village"]))
	if err != nil {
		return nil, err
	}
	if f := a[ansSageFilter]; f != "" {
		sages = sagesNamed(sages, f)
	}
	out := make([]Choice, 0, min(len(sages), maxLeadChoices))
	for _, s := range sages[:min(len(sages), maxLeadChoices)] {
		out = append(out, Choice{Value: strconv.FormatUint(s.ID, 10), Label: sageChoiceLabel(s)})
	}
	return out, nil
}

// sagesNamed are the sages whose name (without นาย/นาง) holds typed, as
// locales.MatchCommand reads both.
func sagesNamed(sages []Sage, typed string) []Sage {
	var out []Sage
	for _, s := range sages {
		if strings.Contains(locales.MatchCommand(locales.StripTitle(s.Name)), typed) {
			out = append(out, s)
		}
	}
	return out
}

// whichLeadSage narrows the lead picker to the sages whose name holds the
// text typed (two letters or more): they are asked back as buttons.
func whichLeadSage(c *Ctx, a Answers, text string) (Msg, []Choice) {
	typed := locales.MatchCommand(locales.StripTitle(text))
	if utf8.RuneCountInString(typed) < 2 {
		return Msg{}, nil
	}
	sages, err := approvedSages(c.Tx, villageID(a["village"]))
	if err != nil {
		return Msg{}, nil
	}
	found := sagesNamed(sages, typed)
	if len(found) == 0 {
		return Msg{}, nil
	}
	a[ansSageFilter] = typed
	choices, err := leadSageChoices(c, a)
	if err != nil {
		return Msg{}, nil
	}
	if len(found) > maxLeadChoices {
		return T("team.lead.found_many", "N", len(found), "Shown", maxLeadChoices), choices
	}
	return T("team.lead.found", "N", len(found)), choices
}

// sageChoiceLabel is a sage's button when choosing a lead: the name, home
// village with its ตำบล and expertise ("สุวรรณ ดวงดี · ม.1 ต.โนนทอง ·
// เกษตร"), so that two sages of the same name, or of two หมู่ 1, are told
// apart, and the officer sees what each can teach.
func sageChoiceLabel(s Sage) Msg {
	name := locales.StripTitle(s.Name)
	cat := T("team.lead.no_category")
	if s.Category != "" {
		cat = T("team.lead.cat." + s.Category + ".short") // short: the button holds 40 characters
	}
	if s.Tambon == "" {
		return T("team.lead.sage_choice_moo", "Name", name, "Moo", s.Moo, "Expertise", cat.Ref())
	}
	return T("team.lead.sage_choice", "Name", name, "Moo", s.Moo, "Tambon", s.Tambon, "Expertise", cat.Ref())
}

// approvedSages lists the approved sages, those living in village vid first.
func approvedSages(tx Tx, vid int) ([]Sage, error) {
	all, err := ListSages(tx)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(all, func(s Sage) bool { return s.Status != SageApproved })
	v, _, err := GetVillage(tx, vid)
	if err != nil {
		return nil, err
	}
	home := func(s Sage) bool { return vid != 0 && v.SamePlace(s.Moo, s.Tambon) }
	slices.SortStableFunc(out, func(a, b Sage) int {
		if home(a) != home(b) {
			if home(a) {
				return -1
			}
			return 1
		}
		return 0
	})
	return out, nil
}

// parseApprovedSage reads a typed registry number or name of an approved sage.
func parseApprovedSage(c *Ctx, _ Answers, text string) (string, *Msg) {
	sages, err := approvedSages(c.Tx, 0)
	if err != nil {
		return "", hint("team.lead.sage_hint")
	}
	if n, ok := locales.ParseInt(text); ok {
		for _, s := range sages {
			if int64(s.ID) == n {
				return strconv.FormatUint(s.ID, 10), nil
			}
		}
		return "", hint("team.lead.sage_hint")
	}
	typed := locales.MatchCommand(text)
	var match []Sage
	for _, s := range sages {
		if typed != "" && locales.MatchCommand(s.Name) == typed {
			match = append(match, s)
		}
	}
	if len(match) == 0 && utf8.RuneCountInString(typed) >= 2 {
		// Part of a name: one sage holds it.
		match = sagesNamed(sages, locales.MatchCommand(locales.StripTitle(text)))
	}
	if len(match) == 1 {
		return strconv.FormatUint(match[0].ID, 10), nil
	}
	return "", hint("team.lead.sage_hint")
}

// setLeadAction is the button that names a lead: from an approval (old is
// empty: the village had none) or from the replacement question (ok=1 and
// old = the lead being replaced).
func (e *Engine) setLeadAction(c *Ctx, p Postback) error {
	if err := officerOnlyErr(c, "name lead"); err != nil {
		return err
	}
	vid := p.Village
	id := p.Sage
	if vid == 0 || id == 0 {
		return c.stale()
	}
	return e.setLead(c, vid, id, p.OldLead, p.Yes)
}

// setLead makes sage id the lead of village moo. Replacing a different
// lead needs confirmed with old naming that lead; otherwise it asks first
// (a Confirm reply). The old lead leaves the team; the new lead joins it,
// leaving any other team. Both are told by push.
func (e *Engine) setLead(c *Ctx, vid int, id uint64, old string, confirmed bool) error {
	const op = "name lead"
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound(op, "team.village_gone")
	}
	s, ok, err := GetSageByID(c.Tx, id)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound(op, "sage.gone")
	}
	if s.Status != SageApproved {
		return Conflict(op, "team.lead.not_approved")
	}
	name := e.firstName(s.Name)
	if v.LeadSageID == s.UserID {
		c.Say(Text(T("team.lead.already", "Name", name, "Village", VillageName(c.Tx, v).Ref())))
		return nil
	}
	if s.TeamVillage != 0 && s.TeamVillage != vid {
		if other, ok, err := GetVillage(c.Tx, s.TeamVillage); err != nil {
			return err
		} else if ok && other.LeadSageID == s.UserID {
			c.Say(Text(T("team.lead.leads_other", "Name", name, "Village", VillageName(c.Tx, other).Ref())))
			return nil
		}
	}
	var oldLead Sage
	hasOld := false
	if v.LeadSageID != "" {
		if oldLead, hasOld, err = GetSage(c.Tx, v.LeadSageID); err != nil {
			return err
		}
	}
	if hasOld && (!confirmed || old != v.LeadSageID) {
		if confirmed {
			c.Say(Text(T("team.lead.changed")))
		}
		c.Say(Reply{Style: StyleConfirm,
			Text: T("team.lead.replace_q", "Village", VillageName(c.Tx, v).Ref(), "Old", e.firstName(oldLead.Name), "New", name),
			Buttons: []Action{
				actionButton("team.btn.replace", Postback{Action: actTeamSetLead, Village: vid, Sage: id, OldLead: v.LeadSageID, Yes: true}),
				actionButton("team.btn.keep_lead", Postback{Action: actTeamKeepLead}),
			}})
		return nil
	}
	if hasOld {
		oldLead.TeamVillage, oldLead.TeamSince = 0, time.Time{}
		oldLead.Rev++
		oldLead.Updated = c.Now
		if err := putSage(c.Tx, oldLead); err != nil {
			return err
		}
	}
	if s.TeamVillage != vid {
		s.TeamVillage, s.TeamSince = vid, c.Now
	}
	s.Rev++
	s.Updated = c.Now
	if err := putSage(c.Tx, s); err != nil {
		return err
	}
	v.LeadSageID, v.Updated = s.UserID, c.Now
	if err := c.Tx.Villages().Put(vid, v); err != nil {
		return err
	}
	c.Say(Text(T("team.lead.named", "Name", name, "Village", VillageName(c.Tx, v).Ref())))
	if err := c.pushTo(s.UserID, "lead", Text(T("team.lead.push_named", "Name", name, "Village", villageMsg(c.Tx, vid).Ref()),
		actionButton("team.btn.view", Postback{Action: actTeamView}))); err != nil {
		return err
	}
	if hasOld {
		return c.pushTo(oldLead.UserID, "lead", Text(T("team.lead.push_replaced",
			"Name", e.firstName(oldLead.Name), "Village", villageMsg(c.Tx, vid).Ref())))
	}
	return nil
}

// ---- the lead's team ----

// leadOf returns the village the user leads and their sage record, or a
// polite refusal for anyone else.
func leadOf(c *Ctx, op string) (Village, Sage, error) {
	s, ok, err := GetSage(c.Tx, c.In.UserID)
	if err != nil {
		return Village{}, Sage{}, err
	}
	if !ok || s.TeamVillage == 0 {
		return Village{}, Sage{}, Forbidden(op, "team.refuse.lead_only")
	}
	v, ok, err := GetVillage(c.Tx, s.TeamVillage)
	if err != nil {
		return Village{}, Sage{}, err
	}
	if !ok || v.LeadSageID != s.UserID {
		return Village{}, Sage{}, Forbidden(op, "team.refuse.lead_only")
	}
	return v, s, nil
}

// viewTeam shows the user's team: the lead and members with their phones,
// and for the lead the open invite codes and the buttons to manage it.
func (e *Engine) viewTeam(c *Ctx) error {
	if c.In.InGroup() {
		return c.stale()
	}
	s, ok, err := GetSage(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok || s.TeamVillage == 0 {
		c.Say(Text(T("team.none")))
		return nil
	}
	v, _, err := GetVillage(c.Tx, s.TeamVillage)
	if err != nil {
		return err
	}
	members, err := TeamMembers(c.Tx, s.TeamVillage)
	if err != nil {
		return err
	}
	isLead := v.LeadSageID == s.UserID
	if isLead {
		// What changed since the lead last looked, before the team.
		if err := e.sayLeadNews(c, s.TeamVillage); err != nil {
			return err
		}
	}
	var fields []Field
	var buttons []Action
	for _, m := range members {
		role := T("team.role.member")
		if m.UserID == v.LeadSageID {
			role = T("team.role.lead")
		} else if isLead {
			label := T("team.btn.remove", "Name", e.firstName(m.Name))
			buttons = append(buttons, Action{Label: label, Say: &label,
				Data: Postback{Action: actTeamRemove, Sage: m.ID}.Encode()})
		}
		fields = append(fields, Field{Label: role, Value: T("team.member.row", "Name", m.Name, "Phone", locales.FormatPhone(m.Phone))})
	}
	text := T("team.card.count", "Count", locales.Number(len(members)), "Max", locales.Number(TeamSize))
	if v.LeadSageID == "" {
		text = T("team.card.no_lead", "Count", locales.Number(len(members)), "Max", locales.Number(TeamSize))
	}
	if isLead {
		invites, err := openInvites(c.Tx, s.TeamVillage, c.Now)
		if err != nil {
			return err
		}
		for _, inv := range invites {
			fields = append(fields, Field{Label: T("team.role.code"),
				Value: T("team.code.row", "Code", inv.Code, "Date", locales.DateYear(inv.Expires.In(c.Location())))})
			label := T("team.btn.revoke", "Code", inv.Code)
			buttons = append(buttons, Action{Label: label, Say: &label, Data: Postback{Action: actTeamRevoke, Code: inv.Code}.Encode()})
		}
		if len(members)+len(invites) < TeamSize {
			buttons = append([]Action{actionButton("team.btn.invite", Postback{Action: actTeamInvite})}, buttons...)
		}
	}
	title := T("team.card.title", "Village", villageMsg(c.Tx, s.TeamVillage).Ref())
	c.Say(Reply{Style: StyleCard, Title: &title, Text: text, Fields: fields, Buttons: buttons})
	return nil
}

// maxCodeAttempts bounds the search for an unused invite code.
const maxCodeAttempts = 10

// makeInvite gives the lead a new single-use code for one more member. A
// team with TeamSize sages, or with as many places promised to open
// codes, gets no more.
func (e *Engine) makeInvite(c *Ctx) error {
	const op = "make invite"
	if c.In.InGroup() {
		return c.stale()
	}
	v, s, err := leadOf(c, op)
	if err != nil {
		return err
	}
	members, err := TeamMembers(c.Tx, v.ID)
	if err != nil {
		return err
	}
	if len(members) >= TeamSize {
		c.Say(Text(T("team.full", "Max", locales.Number(TeamSize))))
		return nil
	}
	open, err := openInvites(c.Tx, v.ID, c.Now)
	if err != nil {
		return err
	}
	if len(members)+len(open) >= TeamSize {
		c.Say(Text(T("team.invite.all_promised", "Count", locales.Number(len(open))), actionButton("team.btn.view", Postback{Action: actTeamView})))
		return nil
	}
	var code string
	for range maxCodeAttempts {
		cand, ok := NormalizeCode(e.cfg.NewCode())
		if !ok {
			continue
		}
		_, found, err := c.Tx.Invites().Get(cand)
		if err != nil {
			return err
		}
		if !found {
			code = cand
			break
		}
	}
	if code == "" {
		return &Error{Kind: KindInternal, Op: op + ": no unused code"}
	}
	inv := Invite{Code: code, Village: v.ID, By: s.UserID, Created: c.Now, Expires: c.Now.Add(InviteTTL)}
	if err := c.Tx.Invites().Put(code, inv); err != nil {
		return err
	}
	places := TeamSize - len(members) - len(open) - 1
	left := T("team.invite.left", "N", locales.Number(places))
	if places <= 0 {
		left = T("team.invite.left_none") // not "ยังชวนได้อีก 0 คน"
	}
	c.Say(Text(T("team.invite.made", "Code", code, "Date", locales.DateYear(inv.Expires.In(c.Location())), "Left", left.Ref())),
		Text(T("team.invite.forward", "Code", code, "Village", VillageName(c.Tx, v).Ref())))
	return nil
}

// revokeInvite cancels an open code of the lead's team; cancelling twice
// is harmless.
func (e *Engine) revokeInvite(c *Ctx, p Postback) error {
	const op = "revoke invite"
	if c.In.InGroup() {
		return c.stale()
	}
	v, _, err := leadOf(c, op)
	if err != nil {
		return err
	}
	inv, found, err := c.Tx.Invites().Get(p.Code)
	if err != nil {
		return err
	}
	if !found || inv.Village != v.ID {
		return NotFound(op, "team.code.unknown")
	}
	switch {
	case inv.UsedBy != "":
		c.Say(Text(T("team.revoke.used", "Code", inv.Code)))
		return nil
	case !inv.Revoked:
		inv.Revoked = true
		if err := c.Tx.Invites().Put(inv.Code, inv); err != nil {
			return err
		}
	}
	c.Say(Text(T("team.revoke.done", "Code", inv.Code), actionButton("team.btn.view", Postback{Action: actTeamView})))
	return nil
}

// removeMember takes a member off the lead's team, after a yes/no question.
// A second tap finds them gone and says so.
func (e *Engine) removeMember(c *Ctx, p Postback) error {
	const op = "remove member"
	if c.In.InGroup() {
		return c.stale()
	}
	v, lead, err := leadOf(c, op)
	if err != nil {
		return err
	}
	id := p.Sage
	if id == 0 {
		return c.stale()
	}
	m, ok, err := GetSageByID(c.Tx, id)
	if err != nil {
		return err
	}
	if !ok || m.TeamVillage != v.ID {
		c.Say(Text(T("team.remove.not_member")))
		return nil
	}
	if m.UserID == lead.UserID {
		c.Say(Text(T("team.remove.self")))
		return nil
	}
	name := e.firstName(m.Name)
	if !p.Yes {
		c.Say(Reply{Style: StyleConfirm, Text: T("team.remove.q", "Name", name), Buttons: []Action{
			actionButton("team.btn.remove_yes", Postback{Action: actTeamRemove, Sage: id, Yes: true}),
			actionButton("team.btn.remove_no", Postback{Action: actTeamKeep}),
		}})
		return nil
	}
	m.TeamVillage, m.TeamSince = 0, time.Time{}
	m.Rev++
	m.Updated = c.Now
	if err := putSage(c.Tx, m); err != nil {
		return err
	}
	members, err := TeamMembers(c.Tx, v.ID)
	if err != nil {
		return err
	}
	c.Say(Text(T("team.remove.done", "Name", name, "Count", locales.Number(len(members)), "Max", locales.Number(TeamSize)),
		actionButton("team.btn.view", Postback{Action: actTeamView})))
	return nil
}

// ---- joining ----

// claimInvite takes typed text that is an existing invite code.
func (e *Engine) claimInvite(c *Ctx) (bool, error) {
	code, ok := NormalizeCode(c.In.Text)
	if !ok || c.In.UserID == "" {
		return false, nil
	}
	inv, found, err := c.Tx.Invites().Get(code)
	if err != nil || !found {
		return err != nil, err
	}
	if ok, err := c.admitCode(CodeInvite); !ok || err != nil {
		return true, err
	}
	return true, e.joinTeam(c, inv)
}

// joinTeam puts the sender on inv's team. Someone not yet an approved sage
// is told what to do first and the code is remembered for their approval;
// a used, cancelled or expired code, a sage on another team and a full
// team are refused and change nothing.
func (e *Engine) joinTeam(c *Ctx, inv Invite) error {
	const op = "join team"
	me := c.In.UserID
	s, isSage, err := GetSage(c.Tx, me)
	if err != nil {
		return err
	}
	switch {
	case inv.UsedBy == me && isSage && s.TeamVillage == inv.Village:
		c.codeOK(CodeInvite)
		c.Say(Text(T("team.join.already_here", "Village", villageMsg(c.Tx, inv.Village).Ref()), actionButton("team.btn.view", Postback{Action: actTeamView})))
		return nil
	case inv.UsedBy != "" || inv.Revoked:
		return c.codeFailed(CodeInvite, CodeWrong, Conflict(op, "team.code.used"))
	case !c.Now.Before(inv.Expires):
		return c.codeFailed(CodeInvite, CodeExpired, Invalid(op, "team.code.expired"))
	}
	c.codeOK(CodeInvite)
	if !isSage || s.Status == SagePending {
		if err := c.Tx.InviteWaits().Put(me, InviteWait{Code: inv.Code, At: c.Now}); err != nil {
			return err
		}
		if !isSage {
			c.Say(Text(T("team.join.register_first", "Village", villageMsg(c.Tx, inv.Village).Ref()), registerButton()))
			return nil
		}
		c.Say(Text(T("team.join.after_approval", "Village", villageMsg(c.Tx, inv.Village).Ref())))
		return nil
	}
	if s.Status != SageApproved {
		return Conflict(op, "team.join.not_approved")
	}
	if s.TeamVillage == inv.Village {
		c.Say(Text(T("team.join.already_here", "Village", villageMsg(c.Tx, inv.Village).Ref()), actionButton("team.btn.view", Postback{Action: actTeamView})))
		return nil
	}
	if s.TeamVillage != 0 {
		c.Say(Text(T("team.join.other_team", "Village", villageMsg(c.Tx, s.TeamVillage).Ref())))
		return nil
	}
	v, ok, err := GetVillage(c.Tx, inv.Village)
	if err != nil {
		return err
	}
	if !ok || v.LeadSageID == "" {
		return Conflict(op, "team.join.no_lead")
	}
	members, err := TeamMembers(c.Tx, inv.Village)
	if err != nil {
		return err
	}
	if len(members) >= TeamSize {
		c.Say(Text(T("team.join.full", "Village", villageMsg(c.Tx, inv.Village).Ref(), "Max", locales.Number(TeamSize))))
		return nil
	}
	s.TeamVillage, s.TeamSince = inv.Village, c.Now
	s.Rev++
	s.Updated = c.Now
	if err := putSage(c.Tx, s); err != nil {
		return err
	}
	inv.UsedBy, inv.UsedAt = me, c.Now
	if err := c.Tx.Invites().Put(inv.Code, inv); err != nil {
		return err
	}
	if err := c.Tx.InviteWaits().Delete(me); err != nil {
		return err
	}
	leadName := ""
	if lead, ok, err := GetSage(c.Tx, v.LeadSageID); err != nil {
		return err
	} else if ok {
		leadName = e.firstName(lead.Name)
	}
	c.Say(Text(T("team.join.done", "Name", e.firstName(s.Name), "Village", villageMsg(c.Tx, inv.Village).Ref(), "Lead", leadName,
		"Count", locales.Number(len(members)+1), "Max", locales.Number(TeamSize)), actionButton("team.btn.view", Postback{Action: actTeamView})))
	return nil
}
