package flows

import (
	"net/url"
	"strconv"
	"strings"
)

// Postback is what a button carries back to the bot (LINE's postback
// data, at most 300 bytes): one typed field per kind of thing a button can
// name, each with one name on the wire. Buttons are made with Encode and
// read with ParsePostback, which also reads the names older buttons used:
// those stay in people's chats for months.
type Postback struct {
	Menu   string // menu: a menu item
	Action string // a: a card's action
	Item   string // i: a rich menu area

	// A form's button: the form, its question, the conversation's token,
	// and a command (back, cancel, …) in place of an answer.
	Form     string // f
	Question string // q
	Token    string // t
	Cmd      string // c

	// Value is the choice the button makes: a form's answer, or an
	// action's option (approve, complete, a presence, a language, …).
	Value string // v

	Village   int    // vil: a village's id
	Day       int    // day: a programme day (1–5)
	Rev       int    // rev: the version of the record the card showed (records count from 1; 0: the card did not say)
	Household string // hh: a household's id
	Sage      uint64 // sg: a sage's registry number
	// OldLead is the lead a replacement card showed (a LINE user id), so
	// that a tap after someone else changed the lead is caught.
	OldLead string // old
	Code    string // code: an invite code
	Page    int    // p: a page of a list (from 1)
	After   uint64 // after: list sages after this registry number
	Reason  string // why: why a household cannot come
	Fix     string // fix: the attendance field an officer corrects
	Sig     string // sig: the selection a card showed
	Yes     bool   // ok: the user confirmed
	Pending bool   // pending: the answer waits in the pending store
}

// Wire names: each means one thing.
const (
	pbMenu, pbAction, pbItem                = "menu", "a", "i"
	pbForm, pbQuestion, pbToken, pbCmd      = "f", "q", "t", "c"
	pbValue, pbVillage, pbDay, pbRev        = "v", "vil", "day", "rev"
	pbHousehold, pbSage, pbOldLead, pbCode  = "hh", "sg", "old", "code"
	pbPage, pbAfter, pbReason, pbFix, pbSig = "p", "after", "why", "fix", "sig"
	pbYes, pbPending                        = "ok", "pending"
)

// Encode writes p as postback data (URL-encoded, fields in name order,
// empty ones left out): what url.Values.Encode writes, without building
// the map, since every button of every answer is encoded.
func (p Postback) Encode() string {
	var b strings.Builder
	set := func(k, s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(s))
	}
	num := func(k string, n int64) {
		if n != 0 {
			set(k, strconv.FormatInt(n, 10))
		}
	}
	flag := func(k string, on bool) {
		if on {
			set(k, "1")
		}
	}
	// In the names' sort order (TestPostbackEncodeOrder).
	set(pbAction, p.Action)
	num(pbAfter, int64(p.After))
	set(pbCmd, p.Cmd)
	set(pbCode, p.Code)
	num(pbDay, int64(p.Day))
	set(pbForm, p.Form)
	set(pbFix, p.Fix)
	set(pbHousehold, p.Household)
	set(pbItem, p.Item)
	set(pbMenu, p.Menu)
	flag(pbYes, p.Yes)
	set(pbOldLead, p.OldLead)
	num(pbPage, int64(p.Page))
	flag(pbPending, p.Pending)
	set(pbQuestion, p.Question)
	num(pbRev, int64(p.Rev))
	num(pbSage, int64(p.Sage))
	set(pbSig, p.Sig)
	set(pbToken, p.Token)
	set(pbValue, p.Value)
	num(pbVillage, int64(p.Village))
	set(pbReason, p.Reason)
	return b.String()
}

// ParsePostback reads postback data. Numbers that do not parse read as 0
// (the handlers then treat the button as stale). Older buttons named
// things differently, and still work:
//   - a village as "moo" or "m" (the migration made those ids the numbers);
//   - a household as "id" (household actions) or "h" (attendance);
//   - a sage's number as "id" (sage and team actions);
//   - "r" as the reason on a "why not" button, else as the revision;
//   - an attendance correction's field as "f" and a roll call's or a
//     by-hand change's option as "to" or "do".
func ParsePostback(data string) (Postback, error) {
	v, err := url.ParseQuery(data)
	if err != nil {
		return Postback{}, err
	}
	num := func(keys ...string) int64 {
		for _, k := range keys {
			if s := v.Get(k); s != "" {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil || n < 0 {
					return 0
				}
				return n
			}
		}
		return 0
	}
	first := func(keys ...string) string {
		for _, k := range keys {
			if s := v.Get(k); s != "" {
				return s
			}
		}
		return ""
	}
	p := Postback{
		Menu: v.Get(pbMenu), Action: v.Get(pbAction), Item: v.Get(pbItem),
		Form: v.Get(pbForm), Question: v.Get(pbQuestion), Token: v.Get(pbToken), Cmd: v.Get(pbCmd),
		Value:   first(pbValue, "to", "do"),
		Village: int(num(pbVillage, "moo", "m")),
		Day:     int(num(pbDay)),
		Rev:     int(num(pbRev)),
		OldLead: v.Get(pbOldLead), Code: v.Get(pbCode),
		Page:   int(num(pbPage)),
		After:  uint64(num(pbAfter)),
		Reason: v.Get(pbReason), Fix: v.Get(pbFix), Sig: v.Get(pbSig),
		Yes: v.Get(pbYes) == "1", Pending: v.Get(pbPending) != "",
		Household: first(pbHousehold, "h"),
		Sage:      uint64(num(pbSage)),
	}
	// The older names that meant different things on different cards.
	household := strings.HasPrefix(p.Action, "hh.")
	if id := v.Get("id"); id != "" {
		if household && p.Household == "" {
			p.Household = id
		} else if !household && p.Sage == 0 {
			p.Sage = uint64(num("id"))
		}
	}
	if r := v.Get("r"); r != "" {
		if p.Action == actReason && p.Reason == "" {
			p.Reason = r
		} else if p.Rev == 0 {
			p.Rev = int(num("r"))
		}
	}
	if p.Action == actFix && p.Token == "" && p.Fix == "" {
		// An older correction button: "f" was the field, not a form.
		p.Fix, p.Form = p.Form, ""
	}
	return p, nil
}
