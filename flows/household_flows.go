package flows

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Form names.
const (
	formApply  = "household.apply"  // a villager applies for their own household
	formEnrol  = "household.enrol"  // a sage or officer enrols a household on its behalf
	formReason = "household.reason" // an officer gives the reason for a change by hand

	actNewLinkCode = "hh.linkcode" // a card's "new link code"
	actNoRecord    = "hh.norecord" // the households with no attendance recorded, for a decision
)

// Answer fields that are not questions.
const (
	ansID           = "_id"           // the household being updated
	ansFixedVillage = "_fixedvillage" // the village is the enrolling sage's own
	ansDo           = "_do"           // what an officer does by hand: select / remove / complete / drop
)

const (
	maxIncome  = 1_000_000
	maxMembers = 30
	incomeNone = "unknown"
	phoneNone  = "-"
)

func (e *Engine) registerHouseholds() {
	e.RegisterForm(e.householdForm(formApply))
	e.RegisterForm(e.householdForm(formEnrol))
	e.RegisterForm(&Form{
		Name:  formReason,
		Title: T("household.reason.title.change"),
		// The card says what will happen ("ยืนยันว่าจบหลักสูตร"), to which
		// household, and what it becomes, above the reason.
		TitleFor: func(_ *Ctx, a Answers) Msg { return byHandKey("household.reason.title", a) },
		Facts:    byHandFacts,
		Questions: []Question{{
			Field: "reason", Label: T("household.reason.label"),
			Prompt: func(_ *Ctx, a Answers) Msg { return byHandKey("household.reason.ask", a) },
			Parse:  textParser(200, "household.hint.reason"),
		}},
		Begin: func(c *Ctx, _ Answers) error { return requireOfficer(c, "household by hand") },
		Save:  e.saveByHand,
	})
	e.RegisterMenu("apply", e.applyOrStatus)
	e.RegisterCommand(Command{Key: "household.cmd.apply", In1to1: true, Run: e.applyOrStatus})
	e.RegisterCommand(Command{Key: "household.cmd.status", In1to1: true, Run: e.applyOrStatus})
	e.RegisterCommand(Command{Key: "household.cmd.enrol", In1to1: true, Run: func(c *Ctx) error { return e.startEnrol(c) }})
	e.RegisterCommand(Command{Key: "household.cmd.select", In1to1: true, Run: func(c *Ctx) error { return e.selectStart(c, 0) }})
	e.RegisterCommand(Command{Key: "household.cmd.list", In1to1: true, Run: func(c *Ctx) error { return e.listStart(c) }})
	e.RegisterCommand(Command{In1to1: true, Claim: e.claimLinkCode})
	// The end-of-week buttons' labels typed: the households waiting for
	// that decision.
	e.RegisterCommand(Command{Key: "household.btn.mark_completed", In1to1: true, Run: func(c *Ctx) error { return e.noRecordList(c, byHandComplete, 1) }})
	e.RegisterCommand(Command{Key: "household.btn.mark_dropped", In1to1: true, Run: func(c *Ctx) error { return e.noRecordList(c, byHandDrop, 1) }})
	e.RegisterAction("hh.update", e.actUpdate)
	e.RegisterAction("hh.withdraw", e.actWithdraw)
	e.RegisterAction("hh.withdraw.yes", e.actWithdrawYes)
	e.RegisterAction("hh.withdraw.no", func(c *Ctx, _ Postback) error {
		c.Say(Text(T("household.withdraw.kept")))
		return nil
	})
	e.RegisterAction("hh.sel.village", func(c *Ctx, p Postback) error { return e.selectStart(c, p.Village) })
	e.RegisterAction("hh.sel.ok", e.actSelectConfirm)
	e.RegisterAction("hh.list", e.actList)
	e.RegisterAction("hh.card", e.actCard)
	e.RegisterAction("hh.byhand", e.actByHand)
	e.RegisterAction(actNoRecord, e.actNoRecord)
	e.RegisterAction(actNewLinkCode, e.actNewLinkCode)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// householdForm builds the apply form, or the on-behalf enrolment form
// which asks the same questions but lets the sage skip what the household
// cannot tell (income, phone).
func (e *Engine) householdForm(name string) *Form {
	onBehalf := name == formEnrol
	f := &Form{
		Name:           name,
		Title:          T("household.form.title"),
		ConsentVersion: HouseholdNoticeVersion,
		Save:           e.saveHousehold,
		DoneKey:        "household.already_saved",
	}
	notice := T("household.consent.self")
	if onBehalf {
		notice = T("household.consent.on_behalf")
		f.Begin = e.beginEnrol
	} else {
		f.Begin = e.beginApply
	}
	f.Consent = &notice
	f.Questions = []Question{
		{Field: "head", Ask: T("household.q.head"), Help: T("household.help.head"), Label: T("household.label.head"),
			Parse: nameParser("household.hint.head")},
		{Field: "house", Ask: T("household.q.house"), Help: T("household.help.house"), Label: T("household.label.house"),
			Parse: parseHouseNo},
		{Field: "village", Ask: T("household.q.moo"), Label: T("household.label.moo"),
			When:    func(a Answers) bool { return a[ansFixedVillage] == "" },
			Choices: openVillageChoices, Parse: parseOpenVillage, Which: villageWhich(openVillageChoices), Show: showVillage},
		{Field: "members", Ask: T("household.q.members"), Label: T("household.label.members"),
			Parse: intParser(1, maxMembers, "household.hint.members")},
		{Field: "occupation", Ask: T("household.q.occupation"), Label: T("household.label.occupation"),
			Parse: textParser(100, "household.hint.occupation")},
		{Field: "income", Ask: T("household.q.income"), Help: T("household.help.income"), Label: T("household.label.income"),
			Choices: incomeChoices, Parse: applyIncomeParser, Which: incomeCheck, Show: showIncome},
		{Field: "interest", Label: T("household.label.interest"),
			Prompt: func(c *Ctx, a Answers) Msg {
				v, _, _ := GetVillage(c.Tx, villageID(a["village"]))
				return T("household.q.interest", "Occupation", v.Occupation)
			},
			Choices: func(*Ctx, Answers) ([]Choice, error) {
				return []Choice{{Value: "yes", Label: T("household.interest.yes")}, {Value: "no", Label: T("household.interest.no")}}, nil
			},
			Show: func(_ *Ctx, v string) Msg { return T("household.interest." + v) }},
		{Field: "phone", Ask: T("household.q.phone"), Label: T("household.label.phone"),
			Parse: phoneParser, Show: showPhone},
	}
	if onBehalf {
		// The sage may not have a phone number for the head.
		f.Questions[7].Choices = func(*Ctx, Answers) ([]Choice, error) {
			return []Choice{{Value: phoneNone, Label: T("household.phone.none")}}, nil
		}
	}
	return f
}

// nameParser reads a person's name (locales.NormalizeName). One refused is
// told hint, or, when it is too long, how long it may be.
func nameParser(hint string) func(*Ctx, Answers, string) (string, *Msg) {
	return func(_ *Ctx, _ Answers, s string) (string, *Msg) {
		v, ok := locales.NormalizeName(s)
		if !ok {
			h := T(hint)
			if tooLong(s, locales.MaxNameRunes) {
				h = T("conv.hint.name_too_long", "Max", locales.MaxNameRunes)
			}
			return "", &h
		}
		return v, nil
	}
}

func textParser(max int, hint string) func(*Ctx, Answers, string) (string, *Msg) {
	return func(_ *Ctx, _ Answers, s string) (string, *Msg) {
		v, ok := locales.NormalizeText(s, max)
		if !ok {
			h := T(hint, "Max", max)
			return "", &h
		}
		return v, nil
	}
}

// intParser reads a count as people type it ("4", "สี่คน", "ยี่สิบห้า",
// "ประมาณยี่สิบปี": locales.ParseCount) between lo and hi.
func intParser(lo, hi int64, hint string) func(*Ctx, Answers, string) (string, *Msg) {
	return func(_ *Ctx, _ Answers, s string) (string, *Msg) {
		n, ok := locales.ParseCount(s)
		if !ok || int64(n) < lo || int64(n) > hi {
			h := T(hint, "Min", lo, "Max", hi)
			return "", &h
		}
		return strconv.Itoa(n), nil
	}
}

// parseHouseNo accepts house numbers as written on Thai houses: digits,
// with "/" or "-" parts (e.g. 12/3), Thai digits too.
func parseHouseNo(_ *Ctx, _ Answers, s string) (string, *Msg) {
	v, ok := locales.ParseHouseNo(s)
	if !ok {
		h := T("household.hint.house")
		return "", &h
	}
	return v, nil
}

// plausibleIncome is the highest monthly household income taken without
// a second look; 0 is asked about too (incomeCheck).
const plausibleIncome = 200_000

// ansIncomeCheck keeps an implausible income asked back, so that the tap
// confirming it is checked against it.
const ansIncomeCheck = "_income_check"

// incomeChoices: "ไม่ทราบ" (whoever answers may not know), and the yes to
// an implausible amount asked back.
func incomeChoices(_ *Ctx, a Answers) ([]Choice, error) {
	out := []Choice{{Value: incomeNone, Label: T("household.income.unknown")}}
	if v := a[ansIncomeCheck]; v != "" {
		out = append(out, Choice{Value: v, Label: T("household.income.confirm")})
	}
	return out, nil
}

// incomeCheck asks back an amount outside what a month's income usually
// is (0, or over plausibleIncome) instead of storing it silently: a yes
// keeps it, another amount typed replaces it.
func incomeCheck(_ *Ctx, a Answers, s string) (Msg, []Choice) {
	amt, ok := locales.ParseAmount(s)
	if !ok || amt.Baht() > maxIncome || (amt.Baht() > 0 && amt.Baht() <= plausibleIncome) {
		return Msg{}, nil
	}
	v := strconv.FormatInt(amt.Baht(), 10)
	a[ansIncomeCheck] = v
	q := T("household.q.income_check", "Baht", locales.Baht(amt.Baht()))
	if amt.Baht() == 0 {
		q = T("household.q.income_zero")
	}
	return q, []Choice{{Value: v, Label: T("household.income.confirm")}, {Value: incomeNone, Label: T("household.income.unknown")}}
}

// applyIncomeParser reads an applying household's monthly income
// (incomeParser); an amount outside what a month's income usually is, is
// refused here and asked back (incomeCheck).
func applyIncomeParser(c *Ctx, a Answers, s string) (string, *Msg) {
	if amt, ok := locales.ParseAmount(s); ok && amt.Baht() <= maxIncome && (amt.Baht() == 0 || amt.Baht() > plausibleIncome) {
		h := T("household.hint.income")
		return "", &h
	}
	v, h := incomeParser(c, a, s)
	if h == nil {
		delete(a, ansIncomeCheck)
	}
	return v, h
}

// incomeParser reads the monthly income as people type it ("ประมาณ 4500
// บาท", "ห้าพัน", "1.5 หมื่น", "5000-6000": see locales.ParseAmount) and
// keeps it in whole baht, satang rounded.
func incomeParser(_ *Ctx, _ Answers, s string) (string, *Msg) {
	amt, ok := locales.ParseAmount(s)
	switch {
	case !ok && locales.IsNegativeAmount(s):
		h := T("household.hint.income_negative")
		return "", &h
	case !ok:
		h := T("household.hint.income")
		return "", &h
	case amt.Baht() > maxIncome:
		h := T("household.hint.income_large", "Max", locales.Baht(maxIncome))
		return "", &h
	}
	return strconv.FormatInt(amt.Baht(), 10), nil
}

func showIncome(_ *Ctx, v string) Msg {
	if v == incomeNone {
		return T("household.income.unknown")
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return T("household.income.value", "Baht", locales.Baht(n))
}

func phoneParser(_ *Ctx, _ Answers, s string) (string, *Msg) {
	p, ok := locales.ParsePhone(s)
	if !ok {
		h := T("household.hint.phone")
		return "", &h
	}
	return p, nil
}

func showPhone(_ *Ctx, v string) Msg {
	if v == phoneNone || v == "" {
		return T("household.phone.none")
	}
	return Raw(locales.FormatPhone(v))
}

// answersOf turns a stored household back into form answers, for updates.
func answersOf(h Household) Answers {
	a := Answers{
		// The village stays: moving a household would bypass both villages'
		// places (an officer takes it out and enrols it again instead).
		ansID: h.ID, ansFixedVillage: "1", "head": h.HeadName, "house": h.HouseNo, "village": villageValue(h.Village),
		"members": itoa(h.Members), "occupation": h.Occupation, "interest": "no", "phone": cmp.Or(h.Phone, phoneNone),
		"consent_at": h.Consent.At.UTC().Format("2006-01-02T15:04:05Z07:00"), "consent_version": h.Consent.Version,
		"income": incomeNone,
	}
	if h.Interested {
		a["interest"] = "yes"
	}
	if h.IncomeKnown {
		a["income"] = strconv.FormatInt(h.Income, 10)
	}
	return a
}

// beginApply starts a villager's own application; one who already applied
// updates their record instead.
func (e *Engine) beginApply(c *Ctx, a Answers) error {
	if a[ansID] != "" {
		return nil
	}
	if len(mustVillages(c)) == 0 {
		return NotFound("apply", "household.err.no_villages")
	}
	return nil
}

func mustVillages(c *Ctx) []Village {
	vs, _ := ListVillages(c.Tx)
	return vs
}

func (e *Engine) beginEnrol(c *Ctx, a Answers) error {
	if a[ansID] != "" {
		return nil
	}
	officer, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if officer {
		return nil
	}
	role, err := SageRoleOf(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !role.Approved || role.Village == 0 {
		return Forbidden("enrol", "household.err.enrol_forbidden")
	}
	a["village"], a[ansFixedVillage] = villageValue(role.Village), "1"
	return nil
}

// applyOrStatus is the main menu's apply: a household that already
// applied sees its status; anyone else starts the application.
func (e *Engine) applyOrStatus(c *Ctx) error {
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok || !inCurrentRound(c.Tx, h) && (weekOver(c.Tx, h, c.Now) || h.Status == StatusWithdrawn) {
		// A household of an earlier round whose part is over may take
		// part again: a new application, its earlier record kept.
		return c.StartForm(formApply, nil)
	}
	return e.showStatus(c, h)
}

func (e *Engine) startEnrol(c *Ctx) error { return c.StartForm(formEnrol, nil) }

// showStatus shows a household its own record and what it can do.
func (e *Engine) showStatus(c *Ctx, h Household) error {
	v, _, err := GetVillage(c.Tx, h.Village)
	if err != nil {
		return err
	}
	state := HouseholdState(c.Tx, h, c.Now)
	status := T("household.status."+string(state), "Pos", h.WaitPos)
	if state == StatusApplicant && !h.Interested {
		// It answered ไม่สนใจ: it waits for no selection (issue 14).
		status = T("household.status.not_interested", "Occupation", v.Occupation)
	}
	update, withdrawLabel := T("household.btn.update"), T("household.btn.withdraw")
	buttons := []Action{{Label: update, Data: Postback{Action: "hh.update", Household: h.ID}.Encode(), Say: &update}}
	if h.Status != StatusWithdrawn && !weekOver(c.Tx, h, c.Now) {
		buttons = append(buttons, Action{Label: withdrawLabel, Data: Postback{Action: "hh.withdraw", Household: h.ID}.Encode(), Say: &withdrawLabel})
	}
	title := T("household.status.title")
	c.Say(Reply{Style: StyleCard, Title: &title, Text: status, Fields: []Field{
		{Label: T("household.label.head"), Value: Raw(h.HeadName)},
		{Label: T("household.label.house"), Value: Raw(h.HouseNo)},
		{Label: T("household.label.moo"), Value: T("household.village.label", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v))},
		{Label: T("household.label.occupation_programme"), Value: Raw(v.Occupation)},
		{Label: T("household.label.members"), Value: Raw(itoa(h.Members))},
		{Label: T("household.label.occupation"), Value: Raw(h.Occupation)},
		{Label: T("household.label.income"), Value: showIncome(c, incomeAnswer(h))},
		{Label: T("household.label.phone"), Value: showPhone(c, h.Phone)},
	}, Buttons: buttons})
	return nil
}

// saveHousehold saves an application, an on-behalf enrolment, or an update.
func (e *Engine) saveHousehold(c *Ctx, a Answers) error {
	vid := villageID(a["village"])
	if _, ok, err := GetVillage(c.Tx, vid); err != nil {
		return err
	} else if !ok {
		return NotFound("save household", "household.err.no_village")
	}
	if a[ansID] == "" && villageFinished(c.Tx, vid, c.Now) {
		return Invalid("save household", "household.err.closed")
	}
	key := dedupeKey(vid, a["house"], a["head"])
	var h Household
	if id := a[ansID]; id != "" {
		var ok bool
		var err error
		if h, ok, err = GetHousehold(c.Tx, id); err != nil {
			return err
		} else if !ok {
			return NotFound("update household", "household.err.gone")
		}
		if allowed, err := mayEditHousehold(c, h); err != nil {
			return err
		} else if !allowed {
			return Forbidden("update household", "household.err.not_yours")
		}
	}
	if existing, ok, err := c.Tx.Households().ByDedupeKey(key); err != nil {
		return err
	} else if ok && existing.ID != h.ID {
		return e.offerUpdate(c, existing.ID, a)
	}
	isNew := h.ID == ""
	if isNew {
		id, err := c.Tx.Households().NextID()
		if err != nil {
			return err
		}
		h = Household{ID: id, Status: StatusApplicant, Applied: c.Now}
		if isOnBehalf(c) {
			code, err := e.newLinkCode(c.Tx)
			if err != nil {
				return err
			}
			h.EnrolledBy = c.In.UserID
			h.LinkCode, h.LinkCodeIssued = code, c.Now
		} else {
			h.UserID = c.In.UserID
		}
		at, _ := parseRFC3339(a["consent_at"])
		h.Consent = Consent{At: at, Version: a["consent_version"]}
	}
	h.Village, h.HouseNo, h.HeadName = vid, a["house"], a["head"]
	h.Members = atoi(a["members"])
	h.Occupation = a["occupation"]
	h.IncomeKnown = a["income"] != incomeNone
	h.Income = 0
	if h.IncomeKnown {
		h.Income, _ = strconv.ParseInt(a["income"], 10, 64)
	}
	h.Interested = a["interest"] == "yes"
	leftWaitlist := !isNew && !h.Interested && h.Status == StatusWaitlisted
	if leftWaitlist {
		// No longer wants to learn the occupation: off the waitlist.
		h.Status, h.WaitPos = StatusApplicant, 0
	}
	h.Phone = strings.TrimPrefix(a["phone"], phoneNone)
	h.DedupeKey = key // the store moves its index from the old key
	h.Updated = c.Now
	if err := PutHousehold(c.Tx, h); err != nil {
		return err
	}
	if leftWaitlist {
		if err := renumberWaitlist(c.Tx, h.Village, c.Now); err != nil {
			return err
		}
	}
	switch {
	case !isNew:
		c.Say(Text(T("household.saved.updated")))
	case h.LinkCode != "":
		c.Say(Text(T("household.saved.on_behalf", "Name", locales.StripTitle(h.HeadName), "Code", h.LinkCode,
			"Date", locales.DateYear(h.LinkCodeExpires(e.cfg.LinkCodeTTL).In(c.Location())))))
	case !h.Interested:
		// Selection takes only households that want to learn the village's
		// occupation: say so now, not after the selection.
		v, _, _ := GetVillage(c.Tx, h.Village)
		c.Say(Text(T("household.saved.not_interested", "Name", locales.FirstName(h.HeadName), "Occupation", v.Occupation)))
	default:
		c.Say(Text(T("household.saved.applied", "Name", locales.FirstName(h.HeadName))))
	}
	return nil
}

// isOnBehalf reports whether the form in progress enrols someone else.
func isOnBehalf(c *Ctx) bool { return c.conv != nil && c.conv.Form == formEnrol }

// offerUpdate answers a second enrolment of the same household: whoever
// may edit it is offered an update with the new answers; anyone else is
// told it is already enrolled.
func (e *Engine) offerUpdate(c *Ctx, id string, a Answers) error {
	h, _, err := GetHousehold(c.Tx, id)
	if err != nil {
		return err
	}
	allowed, err := mayEditHousehold(c, h)
	if err != nil {
		return err
	}
	if !allowed {
		c.Say(Text(T("household.err.duplicate_other")))
		return ErrEnd
	}
	// Keep the new answers so that "update" shows them ready to confirm.
	pending := Answers{}
	for k, v := range a {
		pending[k] = v
	}
	pending[ansID] = id
	if err := c.Tx.Pending().Put(c.In.UserID, pending); err != nil {
		return err
	}
	c.Say(Reply{Text: T("household.err.duplicate", "Name", locales.StripTitle(h.HeadName)), Buttons: []Action{
		{Label: T("household.btn.update"), Data: Postback{Action: "hh.update", Household: id, Pending: true}.Encode()},
	}})
	return ErrEnd
}

// mayEditHousehold: the head (linked), a sage of its village's team, an
// officer (permissions.go).
func mayEditHousehold(c *Ctx, h Household) (bool, error) {
	a, err := actorOf(c)
	return err == nil && a.mayActFor(h, headTeamOrOfficer), err
}

func (e *Engine) actUpdate(c *Ctx, p Postback) error {
	h, ok, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("update household", "household.err.gone")
	}
	if allowed, err := mayEditHousehold(c, h); err != nil {
		return err
	} else if !allowed {
		return Forbidden("update household", "household.err.not_yours")
	}
	a := answersOf(h)
	if p.Pending {
		if pending, ok, err := c.Tx.Pending().Get(c.In.UserID); err != nil {
			return err
		} else if ok && pending[ansID] == h.ID {
			a = pending
		}
		if err := c.Tx.Pending().Delete(c.In.UserID); err != nil {
			return err
		}
	}
	form := formApply
	if h.UserID != c.In.UserID {
		form = formEnrol
	}
	return c.StartForm(form, a)
}

// actWithdraw asks a household to confirm leaving the programme.
func (e *Engine) actWithdraw(c *Ctx, p Postback) error {
	h, err := e.ownHousehold(c, p.Household)
	if err != nil {
		return err
	}
	if h.Status == StatusWithdrawn {
		c.Say(Text(T("household.already_withdrawn")))
		return nil
	}
	if weekOver(c.Tx, h, c.Now) {
		c.Say(Text(T("household.withdraw.week_over", "Status", T("household.status."+string(HouseholdState(c.Tx, h, c.Now)), "Pos", h.WaitPos).Ref())))
		return nil
	}
	c.Say(Reply{Style: StyleConfirm, Text: T("household.withdraw.confirm", "Name", locales.FirstName(h.HeadName)), Buttons: []Action{
		{Label: T("conv.btn.yes"), Data: Postback{Action: "hh.withdraw.yes", Household: h.ID}.Encode()},
		{Label: T("conv.btn.no"), Data: Postback{Action: "hh.withdraw.no", Household: h.ID}.Encode()},
	}})
	return nil
}

func (e *Engine) actWithdrawYes(c *Ctx, p Postback) error {
	h, err := e.ownHousehold(c, p.Household)
	if err != nil {
		return err
	}
	if h.Status == StatusWithdrawn {
		c.Say(Text(T("household.already_withdrawn")))
		return nil
	}
	if weekOver(c.Tx, h, c.Now) {
		c.Say(Text(T("household.withdraw.week_over", "Status", T("household.status."+string(HouseholdState(c.Tx, h, c.Now)), "Pos", h.WaitPos).Ref())))
		return nil
	}
	if _, err := withdraw(c, h, c.In.UserID, "withdrew from the chat"); err != nil {
		return err
	}
	c.Say(Text(T("household.withdrawn")))
	return nil
}

// ownHousehold loads a household the user may act for (its head, or a
// sage of its village for a household not yet linked).
func (e *Engine) ownHousehold(c *Ctx, id string) (Household, error) {
	h, ok, err := GetHousehold(c.Tx, id)
	if err != nil {
		return h, err
	}
	if !ok {
		return h, NotFound("household", "household.err.gone")
	}
	a, err := actorOf(c)
	if err != nil {
		return h, err
	}
	if a.mayActFor(h, headOrTeam) || h.UserID == "" && a.Officer {
		return h, nil
	}
	return h, Forbidden("household", "household.err.not_yours")
}

// claimLinkCode links a head's LINE account to the household a sage
// enrolled for them, when they type the code the sage gave them. A code
// works for Config.LinkCodeTTL after it was issued.
func (e *Engine) claimLinkCode(c *Ctx) (bool, error) {
	const op = "link household"
	code, ok := NormalizeCode(c.In.Text)
	if !ok {
		// Codes are CodeLength letters and digits; this reads any other
		// a NewCode of the past may have made, typed as it is.
		code = strings.ToUpper(strings.Join(strings.Fields(locales.NormalizeDigits(c.In.Text)), ""))
		if len(code) < 6 || len(code) > 10 {
			return false, nil
		}
	}
	if c.In.UserID == "" {
		return false, nil
	}
	h, found, err := c.Tx.Households().ByLinkCode(code)
	if err != nil || !found {
		return false, err
	}
	if ok, err := c.admitCode(CodeLink); !ok || err != nil {
		return true, err
	}
	if h.LinkCode != code || h.UserID != "" {
		return true, c.codeFailed(CodeLink, CodeWrong, Conflict(op, "household.link.used"))
	}
	if !c.Now.Before(h.LinkCodeExpires(e.cfg.LinkCodeTTL)) {
		return true, c.codeFailed(CodeLink, CodeExpired, Invalid(op, "household.link.expired"))
	}
	c.codeOK(CodeLink)
	if _, has, err := HouseholdOfUser(c.Tx, c.In.UserID); err != nil {
		return true, err
	} else if has {
		c.Say(Text(T("household.link.already_linked")))
		return true, nil
	}
	if h.Basis != "" && h.Consent.At.IsZero() {
		// Imported from the office's list: the notice and consent first
		// (import_households.go).
		return true, e.askLinkConsent(c, h, code)
	}
	// Clearing the code retires it: the store drops its index entry.
	h.UserID, h.LinkCode, h.LinkCodeIssued, h.Updated = c.In.UserID, "", time.Time{}, c.Now
	h.LinkedWith = code
	if err := PutHousehold(c.Tx, h); err != nil {
		return true, err
	}
	c.Say(Text(T("household.link.done", "Name", locales.FirstName(h.HeadName))))
	return true, e.showStatus(c, h)
}

// actNewLinkCode is the household card's "new code": an officer, or a
// sage of its village, issues a household without LINE a new link code,
// which replaces the old one (lost, or expired). The code is shown only in
// the 1:1 chat of whoever asked.
func (e *Engine) actNewLinkCode(c *Ctx, p Postback) error {
	const op = "new link code"
	if c.In.InGroup() {
		return c.stale()
	}
	h, ok, err := GetHousehold(c.Tx, p.Household)
	if err != nil {
		return err
	}
	if !ok || h.Erased {
		return NotFound(op, "household.err.gone")
	}
	if allowed, err := mayEditHousehold(c, h); err != nil {
		return err
	} else if !allowed {
		return Forbidden(op, "household.err.not_yours")
	}
	if h.UserID != "" {
		c.Say(Text(T("household.link.has_line", "Name", locales.StripTitle(h.HeadName))))
		return nil
	}
	code, err := e.newLinkCode(c.Tx)
	if err != nil {
		return err
	}
	// The new code replaces the old one: the store drops the old one's index entry.
	h.LinkCode, h.LinkCodeIssued, h.Updated = code, c.Now, c.Now
	if err := PutHousehold(c.Tx, h); err != nil {
		return err
	}
	c.Say(Text(T("household.link.new_code", "Name", locales.StripTitle(h.HeadName), "Code", code,
		"Date", locales.DateYear(h.LinkCodeExpires(e.cfg.LinkCodeTTL).In(c.Location())))))
	return nil
}

// newLinkCode makes a link code that no code of any kind already uses
// (a typed code must mean one thing).
func (e *Engine) newLinkCode(tx Tx) (string, error) {
	for range maxCodeTries {
		code := e.cfg.NewCode()
		taken := false
		for _, lookup := range []func() (bool, error){
			func() (bool, error) { return hasRecord(tx.Households().ByLinkCode(code)) },
			func() (bool, error) { return hasRecord(tx.OfficerCodes().Get(code)) },
			func() (bool, error) { return hasRecord(tx.Invites().Get(code)) },
		} {
			ok, err := lookup()
			if err != nil && !errors.Is(err, ErrUnreadable) {
				return "", fmt.Errorf("flows: new link code: %w", err)
			}
			taken = taken || ok || err != nil // an unreadable record may hold it
		}
		if !taken {
			return code, nil
		}
	}
	return "", fmt.Errorf("flows: new link code: no unused code after %d tries", maxCodeTries)
}

// hasRecord drops the record of a lookup, keeping whether there was one.
func hasRecord[V any](_ V, ok bool, err error) (bool, error) { return ok, err }

// linkCodeState is a household card's line about its link code.
func (e *Engine) linkCodeState(c *Ctx, h Household) Msg {
	switch exp := h.LinkCodeExpires(e.cfg.LinkCodeTTL); {
	case h.LinkCode == "":
		return T("household.link_code.none")
	case !c.Now.Before(exp):
		return T("household.link_code.expired", "Code", h.LinkCode)
	default:
		return T("household.link_code.until", "Code", h.LinkCode, "Date", locales.DateYear(exp.In(c.Location())))
	}
}

func requireOfficer(c *Ctx, op string) error {
	return officerOnlyKey(c, op, "household.err.officers_only")
}

// openVillageChoices are the villages a household can still apply to: the
// current round's, less those whose week is over.
func openVillageChoices(c *Ctx, a Answers) ([]Choice, error) {
	all, err := villageChoices(c, a)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, ch := range all {
		if !villageFinished(c.Tx, villageID(ch.Value), c.Now) {
			out = append(out, ch)
		}
	}
	return out, nil
}

// parseOpenVillage is parseVillage for an application: a village whose
// week is over is closed, and says so.
func parseOpenVillage(c *Ctx, a Answers, text string) (string, *Msg) {
	v, h := parseVillage(c, a, text)
	if h == nil && villageFinished(c.Tx, villageID(v), c.Now) {
		return "", hint("household.err.closed")
	}
	return v, h
}
