package flows

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Officers are the district's community development officers. A person
// becomes one by sending a single-use officer code (made with
// `sammachip officer-code`, or by another officer in the chat) in a 1:1
// chat; officers then bind their LINE group as the officers' group, manage
// villages, approve sages and so on.

// OfficerCodeTTL is how long an officer code can be redeemed after it is made.
const OfficerCodeTTL = 24 * time.Hour

// CodeLength is the number of characters of a code people type.
const CodeLength = 8

// codeAlphabet has no look-alikes (no 0/O, 1/I/L), so a code read aloud or
// copied by hand comes out right.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// CodeByCLI is the OfficerCode.CreatedBy of codes made on the command line.
const CodeByCLI = "cli"

// OfficerCode is a single-use code that makes whoever sends it in a 1:1
// chat an officer. It is stored under its code; it is never logged.
type OfficerCode struct {
	Code string `json:"code"`
	// CreatedBy is the LINE user id of the officer who made it, or CodeByCLI.
	CreatedBy string    `json:"createdBy"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires"`
	// UsedBy is the LINE user id that redeemed it; empty while unused.
	UsedBy string    `json:"usedBy,omitempty"`
	UsedAt time.Time `json:"usedAt,omitzero"`
}

// Form, action and command names of this file.
const (
	formOfficerName = "officer.name"

	actOfficerCode = "officer_code"
	actOfficerName = "officer_name"
)

func (e *Engine) registerOfficers() {
	e.RegisterForm(&Form{
		Name:  formOfficerName,
		Title: T("officer.name.title"),
		Questions: []Question{{
			Field: "name",
			Ask:   T("officer.name.ask"),
			Help:  T("officer.name.help"),
			Label: T("officer.name.label"),
			Parse: nameParser("officer.name.hint"),
		}},
		Begin: func(c *Ctx, _ Answers) error { return officerOnly(c, "officer name") },
		Save:  e.saveOfficerName,
	})
	e.RegisterCommand(Command{Key: "officer.cmd.code", In1to1: true, Run: e.newOfficerCode})
	e.RegisterCommand(Command{Key: "officer.cmd.menu", In1to1: true, Run: e.officerMenu})
	e.RegisterCommand(Command{Key: "officer.cmd.bind", In1to1: true, InGroup: true, Run: e.bindGroup})
	e.RegisterCommand(Command{Key: "officer.cmd.unbind", In1to1: true, InGroup: true, Run: e.unbindGroup})
	// Code-shaped text that no claim knows is answered as an unknown code
	// by Engine.command (see looksLikeCode).
	e.RegisterCommand(Command{In1to1: true, Claim: e.claimOfficerCode})
	e.RegisterAction(actOfficerCode, func(c *Ctx, _ Postback) error { return e.newOfficerCode(c) })
	e.RegisterAction(actOfficerName, func(c *Ctx, _ Postback) error {
		if c.In.InGroup() {
			return c.stale()
		}
		return c.StartForm(formOfficerName, nil)
	})
}

// randomCode is the default Config.NewCode: CodeLength characters from
// codeAlphabet read from crypto/rand, with at least one digit and one
// letter (a code-shaped word without digits is not taken for a code).
func randomCode() string {
	const n = byte(len(codeAlphabet))
	limit := 256 - 256%int(n) // reject bytes that would bias the choice
	for {
		out := make([]byte, 0, CodeLength)
		var buf [32]byte
		for len(out) < CodeLength {
			_, _ = rand.Read(buf[:]) // never fails (crypto/rand's contract)
			for _, b := range buf {
				if int(b) < limit && len(out) < CodeLength {
					out = append(out, codeAlphabet[b%n])
				}
			}
		}
		s := string(out)
		if strings.ContainsAny(s, "23456789") && strings.ContainsAny(s, "ABCDEFGHJKMNPQRSTUVWXYZ") {
			return s
		}
	}
}

// NormalizeCode reads a typed code forgivingly: any case, spaces, dashes
// and a polite particle around it, Thai digits. It returns the code in
// capitals and reports whether the text has the shape of a code
// (CodeLength letters and digits); whether such a code exists is for the
// codeWords are the words people type before a code ("รหัส ABCD2345"),
// longest first.
var codeWords = []string{"รหัสเชื่อมไลน์", "รหัสเจ้าหน้าที่", "รหัสเข้าทีม", "รหัสชวน", "รหัส", "code"}

// caller to look up.
func NormalizeCode(s string) (string, bool) {
	s = locales.MatchCommand(s)
	if code, ok := codeOf(s); ok {
		return code, true
	}
	// "รหัส 7DM5RYD8 ค่ะ": the word for code before it (issue 14).
	for _, p := range codeWords {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return codeOf(strings.TrimLeft(rest, " :"))
		}
	}
	return "", false
}

// codeOf reads s (after locales.MatchCommand) as a code.
func codeOf(s string) (string, bool) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-':
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != CodeLength {
		return "", false
	}
	return b.String(), true
}

// maxCodeTries bounds the search for a code not yet in use.
const maxCodeTries = 10

// IssueOfficerCode makes and stores a fresh officer code, valid for
// OfficerCodeTTL from now. by is the officer's LINE user id, or CodeByCLI.
// The code comes from Config.NewCode; one already stored is never reused.
func (e *Engine) IssueOfficerCode(tx Tx, now time.Time, by string) (OfficerCode, error) {
	for range maxCodeTries {
		code, ok := NormalizeCode(e.cfg.NewCode())
		if !ok {
			return OfficerCode{}, errors.New("flows: issue officer code: Config.NewCode made a code of the wrong shape")
		}
		_, found, err := tx.OfficerCodes().Get(code)
		if err != nil {
			return OfficerCode{}, fmt.Errorf("flows: issue officer code: %w", err)
		}
		if found {
			continue
		}
		oc := OfficerCode{Code: code, CreatedBy: by, Created: now, Expires: now.Add(OfficerCodeTTL)}
		if err := tx.OfficerCodes().Put(code, oc); err != nil {
			return OfficerCode{}, fmt.Errorf("flows: issue officer code: %w", err)
		}
		return oc, nil
	}
	return OfficerCode{}, fmt.Errorf("flows: issue officer code: no unused code after %d tries", maxCodeTries)
}

// newOfficerCode answers an officer's "officer code" with a fresh code.
func (e *Engine) newOfficerCode(c *Ctx) error {
	if c.In.InGroup() {
		return c.stale() // a code is never shown to a whole group
	}
	if err := officerOnly(c, "officer code"); err != nil {
		return err
	}
	oc, err := e.IssueOfficerCode(c.Tx, c.Now, c.In.UserID)
	if err != nil {
		return err
	}
	exp := oc.Expires.In(c.Location())
	c.Say(
		Text(T("officer.code.issued", "UntilDate", locales.DateYear(exp), "UntilTime", locales.Clock(exp))),
		Text(Raw(oc.Code)),
	)
	return nil
}

// claimOfficerCode redeems an officer code typed in a 1:1 chat.
func (e *Engine) claimOfficerCode(c *Ctx) (bool, error) {
	code, ok := NormalizeCode(c.In.Text)
	if !ok || c.In.UserID == "" {
		return false, nil
	}
	oc, found, err := c.Tx.OfficerCodes().Get(code)
	if err != nil || !found {
		return err != nil, err
	}
	if ok, err := c.admitCode(CodeOfficer); !ok || err != nil {
		return true, err
	}
	return true, e.redeemOfficerCode(c, oc)
}

// looksLikeCode reports whether typed text has the shape of a code and a
// digit in it, so that the engine answers "unknown code" when no claim
// knew it. Every code Config.NewCode makes by default has a digit; a plain
// word of the same length ("schedule") is left for the main menu.
func looksLikeCode(text string) bool {
	code, ok := NormalizeCode(text)
	return ok && strings.ContainsAny(code, "0123456789")
}

// redeemOfficerCode makes the sender an officer with oc, then asks their
// name. A used or expired code, or a sender who already is an officer,
// changes nothing.
func (e *Engine) redeemOfficerCode(c *Ctx, oc OfficerCode) error {
	const op = "redeem officer code"
	u, ok, err := getUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok {
		u = User{ID: c.In.UserID, Lang: c.Lang, Active: true}
	}
	switch {
	case u.Officer && oc.UsedBy == u.ID:
		c.codeOK(CodeOfficer) // the code that made them an officer: spent
		return Conflict(op, "officer.code.already_used_yours")
	case u.Officer && oc.UsedBy == "" && c.Now.Before(oc.Expires):
		c.codeOK(CodeOfficer) // one they could hand on
		return Conflict(op, "officer.code.already_officer")
	case u.Officer:
		// Spent by someone else, or expired: nothing to keep; an officer
		// makes a new one.
		return c.codeFailed(CodeOfficer, CodeWrong, Conflict(op, "officer.code.spent_officer"))
	case oc.UsedBy != "":
		return c.codeFailed(CodeOfficer, CodeWrong, Conflict(op, "officer.code.used"))
	case !c.Now.Before(oc.Expires):
		return c.codeFailed(CodeOfficer, CodeExpired, Invalid(op, "officer.code.expired"))
	}
	c.codeOK(CodeOfficer)
	oc.UsedBy, oc.UsedAt = u.ID, c.Now
	if err := c.Tx.OfficerCodes().Put(oc.Code, oc); err != nil {
		return err
	}
	u.Officer, u.OfficerSince = true, c.Now
	if err := c.Tx.Users().Put(u.ID, u); err != nil {
		return err
	}
	c.Say(Text(T("officer.code.welcome")))
	if u.Name == "" {
		return c.StartForm(formOfficerName, nil)
	}
	return e.officerMenu(c)
}

func (e *Engine) saveOfficerName(c *Ctx, a Answers) error {
	u, ok, err := getUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok || !u.Officer {
		return Forbidden("officer name", "officer.err.not_officer")
	}
	u.Name = a["name"]
	if err := c.Tx.Users().Put(u.ID, u); err != nil {
		return err
	}
	c.Say(Text(T("officer.name.saved", "Name", u.Name)))
	return e.officerMenu(c)
}

// officerMenu tells an officer what officers can do, with buttons for the
// common ones.
func (e *Engine) officerMenu(c *Ctx) error {
	if err := officerOnly(c, "officer menu"); err != nil {
		return err
	}
	c.Say(Text(T("officer.help"), officerQuick()...))
	return nil
}

// officerQuick are the chips under officers' answers.
func officerQuick() []Action {
	act := func(key, name string) Action {
		label := T(key)
		return Action{Label: label, Data: Postback{Action: name}.Encode(), Say: &label}
	}
	return []Action{
		act("village.btn.list", actVillages),
		act("village.btn.add", actVillageAdd),
		act("officer.btn.code", actOfficerCode),
		act("officer.btn.name", actOfficerName),
	}
}

// bindGroup makes the group an officers' group.
func (e *Engine) bindGroup(c *Ctx) error {
	const op = "bind group"
	g, err := e.groupForOfficer(c, op)
	if err != nil {
		return err
	}
	if g.Bound {
		by, err := OfficerRef(c.Tx, g.BoundBy)
		if err != nil {
			return err
		}
		c.Say(Text(T("officer.group.already_bound", "By", by.Ref(), "Date", locales.DateYear(g.BoundAt.In(c.Location())))))
		return nil
	}
	g.Bound, g.BoundBy, g.BoundAt = true, c.In.UserID, c.Now
	g.Gone, g.LeftAt = false, time.Time{} // it is talking to the bot: it is in the group
	if err := c.Tx.Groups().Put(g.ID, g); err != nil {
		return err
	}
	c.Say(Text(T("officer.group.bound")))
	return nil
}

// unbindGroup makes the group an ordinary group again.
func (e *Engine) unbindGroup(c *Ctx) error {
	const op = "unbind group"
	g, err := e.groupForOfficer(c, op)
	if err != nil {
		return err
	}
	if !g.Bound {
		c.Say(Text(T("officer.group.not_bound")))
		return nil
	}
	g.Bound, g.BoundBy, g.BoundAt = false, "", time.Time{}
	if err := c.Tx.Groups().Put(g.ID, g); err != nil {
		return err
	}
	c.Say(Text(T("officer.group.unbound")))
	return nil
}

// groupForOfficer checks that bind / unbind came from an officer in a
// group, and returns the group's record.
func (e *Engine) groupForOfficer(c *Ctx, op string) (Group, error) {
	if !c.In.InGroup() {
		return Group{}, Invalid(op, "officer.group.only_in_group")
	}
	if c.In.UserID == "" {
		return Group{}, Forbidden(op, "officer.group.unknown_sender")
	}
	if err := officerOnly(c, op); err != nil {
		return Group{}, err
	}
	g, found, err := c.Tx.Groups().Get(c.In.GroupID)
	if err != nil {
		return Group{}, err
	}
	if !found {
		// The join event was missed (e.g. the bot joined before it ran).
		g = Group{ID: c.In.GroupID, JoinedAt: c.Now}
	}
	return g, nil
}

// OfficerRef names an officer for others to read ("approved by คุณสมศรี"):
// their name, or "an officer" when they gave none. It is a Msg, so it
// renders in the reader's language; pass it as an argument with Ref().
func OfficerRef(tx Tx, userID string) (Msg, error) {
	u, _, err := getUser(tx, userID)
	if err != nil {
		return Msg{}, err
	}
	if u.Name == "" {
		return T("officer.someone"), nil
	}
	return T("officer.by_name", "Name", u.Name), nil
}

// Officers returns every officer, in LINE user id order.
func Officers(tx Tx) ([]User, error) {
	var out []User
	err := tx.Users().Each(func(_ string, u User) error {
		if u.Officer {
			out = append(out, u)
		}
		return nil
	})
	return out, err
}

// OfficerGroups returns the officers' groups the bot is still in: where
// approvals and the daily summary go.
func OfficerGroups(tx Tx) ([]Group, error) {
	var out []Group
	err := tx.Groups().Each(func(_ string, g Group) error {
		if g.Bound && !g.Gone {
			out = append(out, g)
		}
		return nil
	})
	return out, err
}
