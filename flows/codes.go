package flows

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Codes people type (officer codes, team invite codes, household link
// codes) are short secrets: without a limit, anyone could try them all.
// Every attempt goes through this file, whichever claimer recognises it:
//
//   - a user who types CodeLimits.PerUser wrong codes within UserWindow
//     must wait UserCoolOff, and every code they type meanwhile is refused,
//     right ones too (otherwise the limit would be no limit);
//   - when everyone together types CodeLimits.Global wrong codes within
//     GlobalWindow, every code attempt is refused for GlobalCoolOff, so a
//     guesser with many accounts gains little from them.
//
// The counts are kept in the code attempts stores (Tx.CodeAttempts for
// each user, Tx.CodeAttemptsAll for everyone), written in the transaction of
// the event that caused them, so a restart forgets nothing. A right code
// does not clear a user's count: a guesser holding one real code (an
// invite they already used) could otherwise reset it at will.

// CodeKind is the kind of a code typed, for the metrics.
type CodeKind string

// Code kinds. CodeUnknown is a code-shaped text that matched no code.
const (
	CodeOfficer CodeKind = "officer"
	CodeInvite  CodeKind = "invite"
	CodeLink    CodeKind = "link"
	CodeUnknown CodeKind = "unknown"
)

// CodeResult is what became of a code attempt.
type CodeResult string

// Code attempt results. A used or cancelled code counts as wrong; so does
// an expired one, though the metrics tell it apart.
const (
	CodeOK      CodeResult = "ok"
	CodeWrong   CodeResult = "wrong"
	CodeLimited CodeResult = "limited"
	CodeExpired CodeResult = "expired"
)

// CodeAttempt is one code typed and its result, reported in the Outcome
// for the metrics. It holds neither the code nor who typed it.
type CodeAttempt struct {
	Kind   CodeKind
	Result CodeResult
}

// CodeLimits bound wrong code attempts. Zero fields take the defaults.
type CodeLimits struct {
	// PerUser wrong codes within UserWindow start a cool-off of
	// UserCoolOff for that user. Defaults: 5 per 10 minutes, 10 minutes.
	PerUser     int
	UserWindow  time.Duration
	UserCoolOff time.Duration
	// Global wrong codes from everyone within GlobalWindow refuse every
	// code attempt for GlobalCoolOff. Defaults: 100 per minute, 1 minute.
	Global        int
	GlobalWindow  time.Duration
	GlobalCoolOff time.Duration
}

func (l *CodeLimits) defaults() {
	if l.PerUser <= 0 {
		l.PerUser = 5
	}
	if l.UserWindow <= 0 {
		l.UserWindow = 10 * time.Minute
	}
	if l.UserCoolOff <= 0 {
		l.UserCoolOff = 10 * time.Minute
	}
	if l.Global <= 0 {
		l.Global = 100
	}
	if l.GlobalWindow <= 0 {
		l.GlobalWindow = time.Minute
	}
	if l.GlobalCoolOff <= 0 {
		l.GlobalCoolOff = time.Minute
	}
}

// CodeUserAttempts is a user's recent wrong codes, by codeUserKey.
type CodeUserAttempts struct {
	// Wrong are the times of wrong codes within the window, oldest first.
	Wrong []time.Time `json:"wrong,omitempty"`
	// Until ends the user's cool-off.
	Until time.Time `json:"until,omitzero"`
}

// CodeGlobalAttempts counts everyone's wrong codes (Tx.CodeAttemptsAll).
type CodeGlobalAttempts struct {
	Start time.Time `json:"start,omitzero"` // of the current window
	Wrong int       `json:"wrong"`          // in the current window
	Until time.Time `json:"until,omitzero"` // ends the global cool-off
}

// codeUserKey keys a user's attempts by a pseudonym of their LINE id: the
// record is only timestamps, and it need not be found to delete a person.
func codeUserKey(userID string) string {
	sum := sha256.Sum256([]byte("sammachip:code:" + userID))
	return hex.EncodeToString(sum[:10])
}

// minutesLeft is the wait until until, in whole minutes rounded up.
func minutesLeft(now, until time.Time) int {
	return int((until.Sub(now) + time.Minute - 1) / time.Minute)
}

// countCode reports an attempt in the outcome, for the metrics.
func (c *Ctx) countCode(kind CodeKind, result CodeResult) {
	c.Out.Codes = append(c.Out.Codes, CodeAttempt{Kind: kind, Result: result})
}

// admitCode says whether the user may try a code of kind now. When not, it
// has told them how long to wait and counted the attempt: the caller
// stops, without looking at the code any further.
func (c *Ctx) admitCode(kind CodeKind) (bool, error) {
	u, _, err := c.Tx.CodeAttempts().Get(codeUserKey(c.In.UserID))
	if err != nil {
		return false, err
	}
	if c.Now.Before(u.Until) {
		c.countCode(kind, CodeLimited)
		c.Say(Text(T("code.limit.user", "Minutes", minutesLeft(c.Now, u.Until))))
		return false, nil
	}
	g, _, err := c.Tx.CodeAttemptsAll().Get()
	if err != nil {
		return false, err
	}
	if c.Now.Before(g.Until) {
		c.countCode(kind, CodeLimited)
		c.Say(Text(T("code.limit.global", "Minutes", minutesLeft(c.Now, g.Until))))
		return false, nil
	}
	return true, nil
}

// codeOK counts a right code.
func (c *Ctx) codeOK(kind CodeKind) { c.countCode(kind, CodeOK) }

// codeFailed counts a wrong (or expired) code against the user and
// everyone, and returns what to answer: refusal, or, when this attempt
// starts the user's cool-off, nil after saying so.
func (c *Ctx) codeFailed(kind CodeKind, result CodeResult, refusal error) error {
	c.countCode(kind, result)
	lim := c.eng.cfg.CodeLimits
	if err := c.countGlobalWrong(lim); err != nil {
		return err
	}
	key := codeUserKey(c.In.UserID)
	u, _, err := c.Tx.CodeAttempts().Get(key)
	if err != nil {
		return err
	}
	recent := u.Wrong[:0]
	for _, at := range u.Wrong {
		if c.Now.Sub(at) < lim.UserWindow {
			recent = append(recent, at)
		}
	}
	u.Wrong = append(recent, c.Now)
	coolOff := len(u.Wrong) >= lim.PerUser
	if coolOff {
		u.Wrong, u.Until = nil, c.Now.Add(lim.UserCoolOff)
	}
	if err := c.Tx.CodeAttempts().Put(key, u); err != nil {
		return err
	}
	if coolOff {
		c.Say(Text(T("code.limit.user", "Minutes", minutesLeft(c.Now, u.Until))))
		return nil
	}
	return refusal
}

// errUsedLinkCode marks the refusal of a used link code, said with who
// to ask (usedLinkCode).
var errUsedLinkCode = Conflict("redeem code", "household.link.used")

// usedLinkCode answers a household's link code typed after the household
// was linked with it: used, and who to ask for a new one, the sage who
// enrolled the household by name (not "an officer": a sage gave it). It
// counts as a wrong code. It reports false when the code was never a
// link code.
func (c *Ctx) usedLinkCode() (bool, error) {
	code, ok := NormalizeCode(c.In.Text)
	if !ok {
		return false, nil
	}
	var h Household
	found := false
	if err := c.Tx.Households().Each(func(_ string, x Household) error {
		if !found && x.LinkedWith == code {
			h, found = x, true
		}
		return nil
	}); err != nil || !found {
		return false, err
	}
	if ok, err := c.admitCode(CodeLink); !ok || err != nil {
		return true, err
	}
	msg := T("household.link.used_ask")
	if h.UserID == c.In.UserID {
		msg = T("household.link.has_line", "Name", locales.FirstName(h.HeadName))
	} else if h.EnrolledBy != "" {
		if s, ok, err := GetSage(c.Tx, h.EnrolledBy); err != nil {
			return true, err
		} else if ok {
			msg = T("household.link.used_ask_sage", "Name", locales.FirstName(s.Name))
		}
	}
	if err := c.codeFailed(CodeLink, CodeWrong, errUsedLinkCode); err != errUsedLinkCode {
		return true, err // the wrong-code limit was reached: said
	}
	c.Say(Text(msg))
	return true, nil
}

// countGlobalWrong adds one to everyone's wrong codes, starting the global
// cool-off at the limit. A new window also clears out the users' records
// that no longer hold anything (at most once a window).
func (c *Ctx) countGlobalWrong(lim CodeLimits) error {
	g, _, err := c.Tx.CodeAttemptsAll().Get()
	if err != nil {
		return err
	}
	if g.Start.IsZero() || c.Now.Sub(g.Start) >= lim.GlobalWindow {
		if err := pruneCodeAttempts(c.Tx, c.Now, lim); err != nil {
			return err
		}
		g.Start, g.Wrong = c.Now, 0
	}
	g.Wrong++
	if g.Wrong >= lim.Global {
		g.Until, g.Start, g.Wrong = c.Now.Add(lim.GlobalCoolOff), time.Time{}, 0
	}
	return c.Tx.CodeAttemptsAll().Put(g)
}

// pruneCodeAttempts deletes the users' records with no cool-off and no
// wrong code left within the window. The keys are collected first and
// deleted after the listing.
func pruneCodeAttempts(tx Tx, now time.Time, lim CodeLimits) error {
	var stale []string
	err := tx.CodeAttempts().Each(func(key string, u CodeUserAttempts) error {
		if !now.Before(u.Until) && (len(u.Wrong) == 0 || now.Sub(u.Wrong[len(u.Wrong)-1]) >= lim.UserWindow) {
			stale = append(stale, key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, key := range stale {
		if err := tx.CodeAttempts().Delete(key); err != nil {
			return err
		}
	}
	return nil
}

// wrongCode answers code-shaped text that no claimer knew: a mistyped or
// made-up code.
func (c *Ctx) wrongCode() error {
	if c.In.UserID == "" {
		return Invalid("redeem code", "officer.code.unknown") // no one to count it against
	}
	if ok, err := c.usedLinkCode(); ok || err != nil {
		return err
	}
	if ok, err := c.admitCode(CodeUnknown); !ok || err != nil {
		return err
	}
	return c.codeFailed(CodeUnknown, CodeWrong, Invalid("redeem code", "officer.code.unknown"))
}
