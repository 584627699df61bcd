package flows

import (
	"slices"
	"strconv"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// The sage registry (ทะเบียนปราชญ์ชุมชน): a LINE user registers as a community
// sage through a form that asks for consent first; the registration waits
// as pending until an officer approves or rejects it from a card. Officers
// ask for the pending list and the registry as replies (free); the sage is
// told the outcome with one push.

// SageStatus is where a registration stands.
type SageStatus string

// Registration statuses. A rejected sage who edits their record is pending
// again (a resubmission).
const (
	SagePending  SageStatus = "pending"
	SageApproved SageStatus = "approved"
	SageRejected SageStatus = "rejected"
)

// Expertise categories a sage chooses from, stored in Sage.Category.
const (
	CategoryFarming    = "farming"
	CategoryFood       = "food" // food processing and OTOP
	CategoryHandicraft = "handicraft"
	CategoryTourism    = "tourism" // community tourism
	CategoryServices   = "services"
	CategoryOther      = "other"
)

// SageCategories returns the expertise categories in the order they are
// offered. Each has the label key "sage.cat.<category>.label".
func SageCategories() []string {
	return []string{CategoryFarming, CategoryFood, CategoryHandicraft, CategoryTourism, CategoryServices, CategoryOther}
}

// SageNoticeVersion names the PDPA notice (catalog key sage.consent) a sage
// agreed to; it is stored with each consent. Change it whenever the
// notice's text changes in meaning, so that an edit asks for consent again.
const SageNoticeVersion = "sage-2026-1"

// Decision is an officer's decision on a registration. It is made once:
// later taps are told who decided and when.
type Decision struct {
	Approved bool      `json:"approved"`
	By       string    `json:"by"` // the officer's LINE user id
	At       time.Time `json:"at"`
}

// Sage is one community sage in the registry. There is at most one per LINE
// user, stored under the LINE user id; ID is the registry number people
// see and buttons carry.
type Sage struct {
	ID     uint64 `json:"id"`
	UserID string `json:"userId"`
	Name   string `json:"name"`
	Phone  string `json:"phone"` // national form, digits only (locales.ParsePhone)
	// Moo and Tambon are the sage's home village (หมู่ and ตำบล): a
	// place of the district, not of a round.
	Moo      int    `json:"moo"`
	Tambon   string `json:"tambon,omitempty"`
	Category string `json:"category"`
	Skill    string `json:"skill"`
	Years    int    `json:"years"`

	Status   SageStatus `json:"status"`
	Decision *Decision  `json:"decision,omitempty"`
	// Rev grows with every change of the record; review cards carry it so
	// that a tap on a card older than the record is recognised.
	Rev int `json:"rev"`

	// ConsentAt and ConsentVersion record the PDPA consent given before the
	// data was collected.
	ConsentAt      time.Time `json:"consentAt"`
	ConsentVersion string    `json:"consentVersion"`

	// TeamVillage is the village whose team the sage is on, 0 for none. A
	// village's lead (Village.LeadSageID) is on that village's team.
	TeamVillage int       `json:"teamVillage,omitempty"`
	TeamSince   time.Time `json:"teamSince,omitzero"`
	// LeadSeen is what the sage, as a village's lead, last saw of it
	// (lead_news.go); nil until they first look.
	LeadSeen *LeadSeen `json:"leadSeen,omitempty"`

	Registered time.Time `json:"registered"`
	Updated    time.Time `json:"updated"`
}

// GetSage reads the sage record of a LINE user.
func GetSage(tx Tx, userID string) (Sage, bool, error) {
	if userID == "" {
		return Sage{}, false, nil
	}
	return tx.Sages().Get(userID)
}

// GetSageByID reads the sage with registry number id.
func GetSageByID(tx Tx, id uint64) (Sage, bool, error) {
	return tx.Sages().ByNumber(id)
}

// ListSages returns every sage in the registry, in registry-number order.
func ListSages(tx Tx) ([]Sage, error) {
	var out []Sage
	err := tx.Sages().Each(func(_ string, s Sage) error {
		out = append(out, s)
		return nil
	})
	return out, err
}

// PendingSages returns the registrations waiting for an officer, oldest
// first (for the pending list and the daily summary).
func PendingSages(tx Tx) ([]Sage, error) {
	all, err := ListSages(tx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(s Sage) bool { return s.Status != SagePending }), nil
}

func putSage(tx Tx, s Sage) error { return tx.Sages().Put(s.UserID, s) }

func deleteSage(tx Tx, s Sage) error { return tx.Sages().Delete(s.UserID) }

// Names of this file's form, actions and postback parameters.
const (
	formSage = "sage.register"

	actSageEdit     = "sage.edit"
	actSagePending  = "sage.pending"
	actSageDecide   = "sage.decide"
	actSageRegistry = "sage.registry"

	decideApprove = "approve"
	decideReject  = "reject"
)

// Limits of the replies: LINE takes five messages per reply.
const (
	pendingPerReply = 4  // review cards, then one line with the count
	registryPerPage = 15 // rows on one registry card
	maxYears        = 80
	maxSkillRunes   = 200
)

func (e *Engine) registerSages() {
	e.RegisterForm(e.sageForm())
	e.RegisterMenu("sage", e.sageEntry)
	e.RegisterCommand(Command{Key: "sage.cmd.register", In1to1: true, Run: e.sageEntry})
	e.RegisterAction(actSageEdit, func(c *Ctx, _ Postback) error { return e.editSage(c) })

	e.RegisterCommand(Command{Key: "sage.cmd.pending", In1to1: true, InGroup: true, Run: func(c *Ctx) error {
		return e.pendingList(c, 0)
	}})
	e.RegisterAction(actSagePending, func(c *Ctx, p Postback) error {
		return e.pendingList(c, p.After)
	})
	e.RegisterAction(actSageDecide, e.decideSage)

	e.RegisterCommand(Command{Key: "sage.cmd.registry", In1to1: true, Run: func(c *Ctx) error {
		return e.registry(c, 1)
	}})
	e.RegisterAction(actSageRegistry, func(c *Ctx, p Postback) error {
		if c.In.InGroup() {
			return c.stale()
		}
		return e.registry(c, p.Page)
	})

	e.RegisterMyData(MyDataSection{Name: "sage", Show: e.showMySage, Erase: e.eraseSage})
}

// officerOnlyErr refuses, with the registry's words, anyone who is not an
// officer (permissions.go).
func officerOnlyErr(c *Ctx, op string) error {
	return officerOnlyKey(c, op, "sage.refuse.officers_only")
}

// actionButton is a button outside any form that runs p's action; the
// chat shows its label as the user's words.
func actionButton(labelKey string, p Postback) Action {
	label := T(labelKey)
	return Action{Label: label, Data: p.Encode(), Say: &label}
}

// ---- registration form ----

func (e *Engine) sageForm() *Form {
	consent := T("sage.consent")
	return &Form{
		Name:           formSage,
		Title:          T("sage.form.title"),
		Consent:        &consent,
		ConsentVersion: SageNoticeVersion,
		Questions: []Question{
			{
				Field: "name", Ask: T("sage.name.ask"), Help: T("sage.name.help"), Label: T("sage.name.label"),
				Parse: nameParser("sage.name.hint"),
			},
			{
				Field: "phone", Ask: T("sage.phone.ask"), Help: T("sage.phone.help"), Label: T("sage.phone.label"),
				Parse: func(_ *Ctx, _ Answers, s string) (string, *Msg) {
					v, ok := locales.ParsePhone(s)
					if !ok {
						return "", hint("sage.phone.hint")
					}
					return v, nil
				},
				Show: func(_ *Ctx, v string) Msg { return Raw(locales.FormatPhone(v)) },
			},
			villageQuestion("village", T("sage.moo.ask"), T("sage.moo.help"), T("sage.moo.label")),
			{
				Field: "category", Ask: T("sage.category.ask"), Help: T("sage.category.help"), Label: T("sage.category.label"),
				Choices: func(*Ctx, Answers) ([]Choice, error) {
					var out []Choice
					for _, cat := range SageCategories() {
						out = append(out, Choice{Value: cat, Label: categoryMsg(cat)})
					}
					return out, nil
				},
				Show: func(_ *Ctx, v string) Msg { return categoryMsg(v) },
			},
			{
				Field: "skill", Ask: T("sage.skill.ask"), Help: T("sage.skill.help"), Label: T("sage.skill.label"),
				Parse: func(_ *Ctx, _ Answers, s string) (string, *Msg) {
					v, ok := locales.NormalizeText(s, maxSkillRunes)
					if !ok {
						return "", hint("sage.skill.hint")
					}
					return v, nil
				},
			},
			{
				Field: "years", Ask: T("sage.years.ask"), Help: T("sage.years.help"), Label: T("sage.years.label"),
				Parse: func(_ *Ctx, _ Answers, s string) (string, *Msg) {
					// "20", "ยี่สิบปี", "ประมาณยี่สิบปี" (locales.ParseCount).
					n, ok := locales.ParseCount(s)
					if !ok || n < 0 || n > maxYears {
						return "", hint("sage.years.hint")
					}
					return strconv.Itoa(n), nil
				},
				Show: func(_ *Ctx, v string) Msg {
					n, _ := strconv.Atoi(v)
					return T("sage.years.show", "Count", locales.Number(n))
				},
			},
		},
		Begin: e.beginSageForm,
		Save:  e.saveSage,
	}
}

func hint(key string) *Msg {
	m := T(key)
	return &m
}

func categoryMsg(cat string) Msg {
	if !slices.Contains(SageCategories(), cat) {
		cat = CategoryOther
	}
	return T("sage.cat." + cat + ".label")
}

// beginSageForm refuses when there are no villages yet, and fills in the
// stored record when the user already registered (an edit). Consent given
// to the current notice is kept; a changed notice is asked again.
func (e *Engine) beginSageForm(c *Ctx, a Answers) error {
	vs, err := ListVillages(c.Tx)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		return Invalid("register sage", "sage.no_villages")
	}
	s, ok, err := GetSage(c.Tx, c.In.UserID)
	if err != nil || !ok {
		return err
	}
	a["name"], a["phone"] = s.Name, s.Phone
	if v, ok := placeVillage(c.Tx, s.Moo, s.Tambon); ok && v.Round == currentRoundID(c.Tx) {
		a["village"] = villageValue(v.ID)
	}
	a["category"], a["skill"], a["years"] = s.Category, s.Skill, strconv.Itoa(s.Years)
	if s.ConsentVersion == SageNoticeVersion && !s.ConsentAt.IsZero() {
		a["consent_at"] = s.ConsentAt.UTC().Format(time.RFC3339)
		a["consent_version"] = s.ConsentVersion
	}
	return nil
}

// sageEntry is the main menu's ลงทะเบียนปราชญ์ and the typed command: the
// form for someone new, their record with an edit button for a sage.
func (e *Engine) sageEntry(c *Ctx) error {
	s, ok, err := GetSage(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok {
		return c.StartForm(formSage, nil)
	}
	c.Say(Text(T("sage.already_registered", "Name", e.firstName(s.Name))))
	card, err := e.ownSageCard(c, s)
	if err != nil {
		return err
	}
	c.Say(card)
	return nil
}

// editSage opens the registration form on the stored record, at its
// summary card, where the sage picks what to change.
func (e *Engine) editSage(c *Ctx) error {
	if c.In.InGroup() {
		return c.stale()
	}
	_, ok, err := GetSage(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok {
		c.Say(Text(T("sage.not_registered"), registerButton()))
		return nil
	}
	return c.StartForm(formSage, nil) // Begin fills in the record: it opens at the summary
}

func registerButton() Action {
	label := T("sage.btn.register")
	return Action{Label: label, Data: Postback{Menu: "sage"}.Encode(), Say: &label}
}

// saveSage stores a registration (pending) or an edit. An edit keeps the
// decision, except that a rejected sage's edit is a resubmission: pending
// again, for a fresh decision.
func (e *Engine) saveSage(c *Ctx, a Answers) error {
	s, exists, err := GetSage(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !exists {
		id, err := c.Tx.Sages().NextNumber()
		if err != nil {
			return err
		}
		s = Sage{ID: id, UserID: c.In.UserID, Status: SagePending, Registered: c.Now}
	}
	home, ok, err := GetVillage(c.Tx, villageID(a["village"]))
	if err != nil {
		return err
	} else if !ok {
		return Invalid("save sage", "sage.moo.hint_short")
	}
	years, _ := strconv.Atoi(a["years"])
	s.Name, s.Phone, s.Moo, s.Tambon = a["name"], a["phone"], home.Moo, home.Tambon
	s.Category, s.Skill, s.Years = a["category"], a["skill"], years
	if at, err := time.Parse(time.RFC3339, a["consent_at"]); err == nil {
		s.ConsentAt, s.ConsentVersion = at, a["consent_version"]
	}
	resubmitted := exists && s.Status == SageRejected
	if resubmitted {
		s.Status, s.Decision = SagePending, nil
	}
	s.Rev++
	s.Updated = c.Now
	if err := putSage(c.Tx, s); err != nil {
		return err
	}
	first := e.firstName(s.Name)
	switch {
	case !exists:
		c.Say(Text(T("sage.saved.new", "Name", first, "ID", strconv.FormatUint(s.ID, 10)), e.mainMenu(c)...))
		if w, ok, err := getInviteWait(c.Tx, s.UserID); err != nil {
			return err
		} else if ok {
			c.Say(Text(T("sage.saved.code_kept", "Code", w.Code)))
		}
	case resubmitted:
		c.Say(Text(T("sage.saved.resubmitted"), e.mainMenu(c)...))
	default:
		c.Say(Text(T("sage.saved.edit"), e.mainMenu(c)...))
	}
	if (!exists || resubmitted) && e.cfg.NotifyGroupsOnRegistration {
		return e.notifyGroups(c, s)
	}
	return nil
}

// notifyGroups pushes a review card to every officers' group. It is off by
// default (Config.NotifyGroupsOnRegistration): LINE counts a push to a
// group once per member.
func (e *Engine) notifyGroups(c *Ctx, s Sage) error {
	groups, err := OfficerGroups(c.Tx)
	if err != nil {
		return err
	}
	for _, g := range groups {
		card, err := e.reviewCard(c, s)
		if err != nil {
			return err
		}
		c.Push(Push{To: g.ID, Lang: locales.Thai, Replies: []Reply{card}, Purpose: "registration"})
	}
	return nil
}

// ---- cards ----

// sageFields are the rows of a sage's card.
func (e *Engine) sageFields(c *Ctx, s Sage) ([]Field, error) {
	team, err := teamMsg(c.Tx, s)
	if err != nil {
		return nil, err
	}
	return []Field{
		{Label: T("sage.name.label"), Value: Raw(s.Name)},
		{Label: T("sage.phone.label"), Value: Raw(locales.FormatPhone(s.Phone))},
		{Label: T("sage.moo.label"), Value: placeMsg(c.Tx, s.Moo, s.Tambon)},
		{Label: T("sage.category.label"), Value: categoryMsg(s.Category)},
		{Label: T("sage.skill.label"), Value: Raw(s.Skill)},
		{Label: T("sage.years.label"), Value: T("sage.years.show", "Count", locales.Number(s.Years))},
		{Label: T("sage.status.label"), Value: statusMsg(s.Status)},
		{Label: T("sage.team.label"), Value: team},
		{Label: T("sage.registered.label"), Value: T("sage.date", "Date", locales.DateYear(s.Registered.In(c.Location())))},
	}, nil
}

func statusMsg(st SageStatus) Msg {
	switch st {
	case SageApproved:
		return T("sage.status.approved")
	case SageRejected:
		return T("sage.status.rejected")
	}
	return T("sage.status.pending")
}

// teamMsg says which team a sage is on: none, a member, or the lead.
func teamMsg(tx Tx, s Sage) (Msg, error) {
	if s.TeamVillage == 0 {
		return T("sage.team.none"), nil
	}
	v, _, err := GetVillage(tx, s.TeamVillage)
	if err != nil {
		return Msg{}, err
	}
	if v.LeadSageID == s.UserID {
		return T("sage.team.lead", "Village", VillageShort(tx, s.TeamVillage).Ref()), nil
	}
	return T("sage.team.member", "Village", VillageShort(tx, s.TeamVillage).Ref()), nil
}

// ownSageCard is a sage's own record, with edit (and team) buttons.
func (e *Engine) ownSageCard(c *Ctx, s Sage) (Reply, error) {
	fields, err := e.sageFields(c, s)
	if err != nil {
		return Reply{}, err
	}
	title := T("sage.card.own_title")
	buttons := []Action{actionButton("sage.btn.edit", Postback{Action: actSageEdit})}
	if s.TeamVillage != 0 {
		buttons = append(buttons, actionButton("team.btn.view", Postback{Action: actTeamView}))
	}
	return Reply{Style: StyleCard, Title: &title, Text: T("sage.card.own_text"), Fields: fields, Buttons: buttons}, nil
}

// reviewCard is a pending registration for officers, with approve and
// reject buttons carrying the record's revision.
func (e *Engine) reviewCard(c *Ctx, s Sage) (Reply, error) {
	fields, err := e.sageFields(c, s)
	if err != nil {
		return Reply{}, err
	}
	title := T("sage.card.review_title", "ID", strconv.FormatUint(s.ID, 10))
	return Reply{Style: StyleCard, Title: &title, Text: T("sage.card.review_text"), Fields: fields, Buttons: []Action{
		actionButton("sage.btn.approve", Postback{Action: actSageDecide, Sage: s.ID, Value: decideApprove, Rev: s.Rev}),
		actionButton("sage.btn.reject", Postback{Action: actSageDecide, Sage: s.ID, Value: decideReject, Rev: s.Rev}),
	}}, nil
}

// ---- approvals ----

// pendingList answers an officer with the pending registrations after
// registry number after: a review card each (as many as one reply holds),
// then how many there are, with a button for the rest.
func (e *Engine) pendingList(c *Ctx, after uint64) error {
	if err := officerOnlyErr(c, "pending sages"); err != nil {
		return err
	}
	all, err := PendingSages(c.Tx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		c.Say(Text(T("sage.pending.none")))
		return nil
	}
	start := slices.IndexFunc(all, func(s Sage) bool { return s.ID > after })
	if start < 0 {
		start = 0 // everything after was decided meanwhile: start over
	}
	end := min(start+pendingPerReply, len(all))
	for _, s := range all[start:end] {
		card, err := e.reviewCard(c, s)
		if err != nil {
			return err
		}
		c.Say(card)
	}
	count := T("sage.pending.count", "Total", locales.Number(len(all)), "From", start+1, "To", end)
	if end < len(all) {
		c.Say(Text(count, actionButton("sage.btn.more", Postback{Action: actSagePending, After: all[end-1].ID})))
		return nil
	}
	c.Say(Text(count))
	return nil
}

// decideSage records an officer's approve or reject tap. The decision is
// made once: a second tap, or another officer's, is told who decided and
// when, and nothing changes. The sage is told the outcome by push.
func (e *Engine) decideSage(c *Ctx, p Postback) error {
	const op = "decide sage"
	if err := officerOnlyErr(c, op); err != nil {
		return err
	}
	d := p.Value
	if p.Sage == 0 || (d != decideApprove && d != decideReject) {
		return c.stale()
	}
	s, ok, err := GetSageByID(c.Tx, p.Sage)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound(op, "sage.gone")
	}
	first := e.firstName(s.Name)
	if s.Decision != nil {
		who := T("sage.who.you")
		if s.Decision.By != c.In.UserID {
			if who, err = e.officerName(c.Tx, s.Decision.By); err != nil {
				return err
			}
		}
		outcome := T("sage.outcome.rejected")
		if s.Decision.Approved {
			outcome = T("sage.outcome.approved")
		}
		at := s.Decision.At.In(c.Location())
		c.Say(Text(T("sage.decide.already", "Name", first, "Outcome", outcome.Ref(), "Who", who.Ref(),
			"Date", locales.DateYear(at), "Time", locales.Clock(at))))
		return nil
	}
	if p.Rev != 0 && p.Rev != s.Rev { // a stored sage's Rev is at least 1
		// The sage changed the record after this card was sent: show the current one.
		card, err := e.reviewCard(c, s)
		if err != nil {
			return err
		}
		c.Say(Text(T("sage.decide.changed")), card)
		return nil
	}
	approved := d == decideApprove
	s.Decision = &Decision{Approved: approved, By: c.In.UserID, At: c.Now}
	s.Status = SageRejected
	if approved {
		s.Status = SageApproved
	}
	s.Rev++
	s.Updated = c.Now
	if err := putSage(c.Tx, s); err != nil {
		return err
	}
	if !approved {
		c.Say(Text(T("sage.decide.rejected", "Name", first)))
		return c.pushTo(s.UserID, "approval", Text(T("sage.push.rejected", "Name", first)))
	}
	reply := Text(T("sage.decide.approved", "Name", first))
	cur, err := CurrentRound(c.Tx)
	if err != nil {
		return err
	}
	if vill, ok := placeVillage(c.Tx, s.Moo, s.Tambon); ok && vill.Round == cur.ID && vill.LeadSageID == "" {
		// A village of this round without a lead: offer this sage at once.
		reply.Text = T("sage.decide.approved_no_lead", "Name", first, "Village", VillageName(c.Tx, vill).Ref())
		label := T("team.btn.make_lead")
		reply.Buttons = []Action{{Label: label, Say: &label, Data: Postback{Action: actTeamSetLead, Village: vill.ID, Sage: s.ID, OldLead: ""}.Encode()}}
	}
	c.Say(reply)
	replies := []Reply{Text(T("sage.push.approved", "Name", first))}
	if w, ok, err := getInviteWait(c.Tx, s.UserID); err != nil {
		return err
	} else if ok {
		if inv, found, err := c.Tx.Invites().Get(w.Code); err != nil {
			return err
		} else if found && inv.Open(c.Now) {
			label := T("team.btn.join")
			replies = append(replies, Reply{Text: T("sage.push.code", "Code", inv.Code, "Village", villageMsg(c.Tx, inv.Village).Ref()), Buttons: []Action{
				{Label: label, Say: &label, Data: Postback{Action: actTeamJoin, Code: inv.Code}.Encode()},
			}})
		}
	}
	return c.pushTo(s.UserID, "approval", replies...)
}

// officerName names an officer for others: their name, or "an officer".
func (e *Engine) officerName(tx Tx, userID string) (Msg, error) {
	u, _, err := getUser(tx, userID)
	if err != nil {
		return Msg{}, err
	}
	if u.Name == "" {
		return T("sage.who.someone"), nil
	}
	return T("sage.who.named", "Name", u.Name), nil
}

// firstName is how the bot addresses a person after คุณ: the first word of
// their name without a title (locales.FirstName, the one list of titles).
func (e *Engine) firstName(name string) string { return locales.FirstName(name) }

// ---- registry ----

// registry answers an officer with one page of the registry: every sage
// with village, status, team and phone, paged registryPerPage at a time.
func (e *Engine) registry(c *Ctx, page int) error {
	if err := officerOnlyErr(c, "sage registry"); err != nil {
		return err
	}
	all, err := ListSages(c.Tx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		c.Say(Text(T("sage.registry.empty")))
		return nil
	}
	pages := (len(all) + registryPerPage - 1) / registryPerPage
	page = max(1, min(page, pages))
	var approved, pending, rejected, onTeam int
	for _, s := range all {
		switch s.Status {
		case SageApproved:
			approved++
		case SagePending:
			pending++
		default:
			rejected++
		}
		if s.TeamVillage != 0 {
			onTeam++
		}
	}
	var fields []Field
	for _, s := range all[(page-1)*registryPerPage : min(page*registryPerPage, len(all))] {
		team, err := teamMsg(c.Tx, s)
		if err != nil {
			return err
		}
		fields = append(fields, Field{
			Label: T("sage.registry.row", "ID", strconv.FormatUint(s.ID, 10), "Name", s.Name),
			Value: T("sage.registry.row_value", "Village", placeMsg(c.Tx, s.Moo, s.Tambon).Ref(), "Status", statusMsg(s.Status).Ref(),
				"Team", team.Ref(), "Phone", locales.FormatPhone(s.Phone)),
		})
	}
	title := T("sage.registry.title", "Page", page, "Pages", pages)
	var buttons []Action
	if page > 1 {
		buttons = append(buttons, actionButton("conv.btn.prev_page", Postback{Action: actSageRegistry, Page: page - 1}))
	}
	if page < pages {
		buttons = append(buttons, actionButton("conv.btn.next_page", Postback{Action: actSageRegistry, Page: page + 1}))
	}
	buttons = append(buttons, actionButton("team.btn.name_lead", Postback{Action: actTeamLeadForm}))
	if pending > 0 {
		buttons = append(buttons, actionButton("sage.btn.pending", Postback{Action: actSagePending}))
	}
	c.Say(Reply{Style: StyleCard, Title: &title, Fields: fields, Buttons: buttons,
		Text: T("sage.registry.counts", "Total", locales.Number(len(all)), "Approved", locales.Number(approved),
			"Pending", locales.Number(pending), "Rejected", locales.Number(rejected), "OnTeam", locales.Number(onTeam))})
	return nil
}

// ---- my data ----

// showMySage is the sage section of "my info": the user's own record.
func (e *Engine) showMySage(c *Ctx) ([]Reply, error) {
	s, ok, err := GetSage(c.Tx, c.In.UserID)
	if err != nil {
		return nil, err
	}
	if !ok {
		// Someone who typed a team code before registering: the code is kept.
		w, waiting, err := getInviteWait(c.Tx, c.In.UserID)
		if err != nil || !waiting {
			return nil, err
		}
		return []Reply{Text(T("sage.my.code_kept", "Code", w.Code))}, nil
	}
	card, err := e.ownSageCard(c, s)
	if err != nil {
		return nil, err
	}
	return []Reply{card}, nil
}

// erasedUser replaces a deleted user's LINE id where a record must stay
// (a used invite stays used).
const erasedUser = "erased"

// eraseSage deletes the user's sage record and everything that names them
// in the registry and teams: a lead's village loses its lead (and the open
// invites the lead made are revoked), a member leaves the team, a
// remembered invite code is forgotten.
func (e *Engine) eraseSage(c *Ctx) (bool, error) {
	me := c.In.UserID
	found := false
	if _, ok, err := getInviteWait(c.Tx, me); err != nil {
		return false, err
	} else if ok {
		if err := c.Tx.InviteWaits().Delete(me); err != nil {
			return false, err
		}
		found = true
	}
	s, ok, err := GetSage(c.Tx, me)
	if err != nil {
		return false, err
	}
	if !ok {
		return found, nil
	}
	if err := forget(c.Tx, s.Name, s.Phone); err != nil {
		return false, err
	}
	vs, err := ListVillages(c.Tx)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		if v.LeadSageID == me {
			v.LeadSageID, v.Updated = "", c.Now
			if err := c.Tx.Villages().Put(v.ID, v); err != nil {
				return false, err
			}
		}
	}
	var invites []Invite
	err = c.Tx.Invites().Each(func(_ string, inv Invite) error {
		if inv.UsedBy == me || inv.By == me {
			invites = append(invites, inv)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	for _, inv := range invites {
		if inv.By == me {
			inv.Revoked = inv.Revoked || inv.UsedBy == ""
			inv.By = erasedUser
		}
		if inv.UsedBy == me {
			inv.UsedBy = erasedUser
		}
		if err := c.Tx.Invites().Put(inv.Code, inv); err != nil {
			return false, err
		}
	}
	return true, deleteSage(c.Tx, s)
}
