package flows

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Reports for the district office. The tables themselves are built by the
// edge (bot/report) from the store; this file holds the domain's part: the
// officer's export command, which hands out a single-use download link,
// the link records, and how a report names the people behind recorded LINE
// ids.
//
// A link is a random token of at least 128 bits. Only its SHA-256 is
// stored (with the officer it was made for and when it expires), so a copy
// of the database or a backup hands out no working link. It works once,
// for DownloadTTL, and only while its officer is still an officer.

// DownloadTTL is how long a download link works after it is made.
const DownloadTTL = 15 * time.Minute

// downloadKeep is how long a used or expired link's record is kept, so
// that a late tap is told "used or expired" rather than "unknown".
const downloadKeep = 24 * time.Hour

// maxTokenLen bounds a token read from a URL before it is hashed.
const maxTokenLen = 128

// Download is one report download link, stored under DownloadKey(token).
type Download struct {
	// Officer is the LINE user id of the officer the link was made for.
	Officer string `json:"officer"`
	// Lang is the language the report is written in: the officer's.
	Lang    locales.Lang `json:"lang"`
	Created time.Time    `json:"created"`
	Expires time.Time    `json:"expires"`
	// UsedAt is when the report was downloaded; zero while unused.
	UsedAt time.Time `json:"usedAt,omitzero"`
	// Kind is what the link downloads: DownloadReport (a link made before
	// kinds were kept) or DownloadSignin.
	Kind DownloadKind `json:"kind,omitempty"`
}

// DownloadKind is what a download link gives.
type DownloadKind string

// Download kinds.
const (
	DownloadReport DownloadKind = ""       // the district report (ส่งออก)
	DownloadSignin DownloadKind = "signin" // the sheets to print (ใบลงชื่อ)
)

// Errors of RedeemDownload. The edge answers ErrDownloadUnknown with 404
// and ErrDownloadGone with 410.
var (
	ErrDownloadUnknown = errors.New("flows: no such download link")
	ErrDownloadGone    = errors.New("flows: download link used, expired or revoked")
)

// DownloadKey is the store key of a link's token: its SHA-256 in hex.
func DownloadKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// randomToken is the default Config.NewToken: 32 bytes (256 bits) from
// crypto/rand, base64url without padding (43 characters).
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand's contract)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// RedeemDownload checks the link with token at now and marks it used, in
// tx: the caller builds the report in the same transaction (or after it
// commits), so two downloads racing for one link cannot both succeed.
// A link works once, before it expires, and only while the officer it was
// made for is still an officer.
func RedeemDownload(tx Tx, token string, now time.Time) (Download, error) {
	if token == "" || len(token) > maxTokenLen {
		return Download{}, ErrDownloadUnknown
	}
	key := DownloadKey(token)
	d, ok, err := tx.Downloads().Get(key)
	if err != nil {
		return Download{}, err
	}
	if !ok {
		return Download{}, ErrDownloadUnknown
	}
	if !d.UsedAt.IsZero() || !now.Before(d.Expires) {
		return d, ErrDownloadGone
	}
	officer, err := IsOfficer(tx, d.Officer)
	if err != nil {
		return d, err
	}
	if !officer {
		return d, ErrDownloadGone
	}
	d.UsedAt = now
	if err := tx.Downloads().Put(key, d); err != nil {
		return d, err
	}
	return d, nil
}

func (e *Engine) registerExport() {
	e.RegisterCommand(Command{Key: "report.cmd.export", In1to1: true, InGroup: true, Run: e.exportLink})
	e.RegisterCommand(Command{Key: signinCommandKey, In1to1: true, InGroup: true, Run: e.signinLink})
	e.RegisterAction(actSignin, func(c *Ctx, _ Postback) error { return e.signinLink(c) })
}

// actSignin is the export card's sign-in sheets button: it does what
// typing its label does.
const actSignin = "report.signin"

// signinCommandKey is the word of the officers' sign-in sheets command.
const signinCommandKey = "report.cmd.signin"

// exportLink answers ส่งออก / export: an officer in a 1:1 chat gets a card
// with a button that downloads the XLSX report, and one that asks for the
// sign-in sheets to print. In a group the link would be everyone's, so
// officers are asked to ask in private.
func (e *Engine) exportLink(c *Ctx) error {
	link, ok, err := e.newDownload(c, DownloadReport, "report.link.private_only")
	if err != nil || !ok {
		return err
	}
	title := T("report.link.title")
	signin := T("report.btn.signin")
	c.Say(Reply{
		Style: StyleCard,
		Title: &title,
		Text: T("report.link.text", "Minutes", int(DownloadTTL/time.Minute),
			"Time", locales.Clock(link.Expires.In(c.Location()))),
		Buttons: []Action{{Label: T("report.btn.download"), URI: link.URL},
			{Label: signin, Data: Postback{Action: actSignin}.Encode(), Say: &signin}},
	})
	return nil
}

// signinLink answers ใบลงชื่อ / sign-in sheets: an officer in a 1:1 chat
// gets a card with a button that downloads the round's sheets to print
// (bot/report: the sign-in and speakers' sheets of every village-day
// with a date, and each begun village's attendance record). One workbook
// rather than a choice of village and day: an officer prints at the
// office, where picking sheets in Excel is easier than tapping through
// 13 villages × 5 days on a phone; sammachip export --format signin
// narrows it to a village or a day.
func (e *Engine) signinLink(c *Ctx) error {
	if err := officerOnlyKey(c, "signin", "report.err.officers_only"); err != nil {
		return err
	}
	if !c.In.InGroup() {
		dated, err := anyDayDated(c.Tx)
		if err != nil {
			return err
		}
		if !dated {
			c.Say(Text(T("report.signin.none")))
			return nil
		}
	}
	link, ok, err := e.newDownload(c, DownloadSignin, "report.signin.link.private_only")
	if err != nil || !ok {
		return err
	}
	title := T("report.signin.link.title")
	c.Say(Reply{
		Style: StyleCard,
		Title: &title,
		Text: T("report.signin.link.text", "Minutes", int(DownloadTTL/time.Minute),
			"Time", locales.Clock(link.Expires.In(c.Location()))),
		Buttons: []Action{{Label: T("report.signin.btn.download"), URI: link.URL}},
	})
	return nil
}

// anyDayDated reports whether a village of the current round has a
// programme day with a date: without one there is no sheet to print.
func anyDayDated(tx Tx) (bool, error) {
	vs, err := ListVillages(tx)
	if err != nil {
		return false, err
	}
	for _, v := range vs {
		s, err := GetSchedule(tx, v.ID)
		if err != nil {
			return false, err
		}
		for _, d := range s {
			if d != nil && d.Date != "" {
				return true, nil
			}
		}
	}
	return false, nil
}

// madeLink is a download link handed out: its address and when it ends.
type madeLink struct {
	URL     string
	Expires time.Time
}

// newDownload makes and stores a single-use link of kind for the officer
// in a 1:1 chat. It says why not and reports false when it cannot: not an
// officer (an error), a group chat (privateKey), or links not configured.
func (e *Engine) newDownload(c *Ctx, kind DownloadKind, privateKey string) (madeLink, bool, error) {
	if err := officerOnlyKey(c, "export", "report.err.officers_only"); err != nil {
		return madeLink{}, false, err
	}
	if c.In.InGroup() {
		c.Say(Text(T(privateKey)))
		return madeLink{}, false, nil
	}
	token := e.cfg.NewToken()
	link := ""
	if e.cfg.DownloadURL != nil && token != "" {
		link = e.cfg.DownloadURL(token)
	}
	if link == "" {
		c.Say(Text(T("report.link.not_configured")))
		return madeLink{}, false, nil
	}
	if err := pruneDownloads(c.Tx, c.Now); err != nil {
		return madeLink{}, false, err
	}
	d := Download{Officer: c.In.UserID, Lang: c.Lang, Created: c.Now, Expires: c.Now.Add(DownloadTTL), Kind: kind}
	if err := c.Tx.Downloads().Put(DownloadKey(token), d); err != nil {
		return madeLink{}, false, err
	}
	return madeLink{URL: link, Expires: d.Expires}, true, nil
}

// pruneDownloads forgets links that ended more than downloadKeep ago.
func pruneDownloads(tx Tx, now time.Time) error {
	var old []string
	err := tx.Downloads().Each(func(key string, d Download) error {
		end := d.Expires
		if !d.UsedAt.IsZero() && d.UsedAt.Before(end) {
			end = d.UsedAt
		}
		if now.Sub(end) > downloadKeep {
			old = append(old, key)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range old {
		if err := tx.Downloads().Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// WhoRole is what a person behind a recorded LINE id is to the programme.
type WhoRole string

// Roles a report names people by.
const (
	WhoNobody    WhoRole = ""          // nothing recorded
	WhoOfficer   WhoRole = "officer"   // a community development officer
	WhoSage      WhoRole = "sage"      // a sage in the registry
	WhoHousehold WhoRole = "household" // a household's head, for themselves
	WhoCLI       WhoRole = "cli"       // the command-line tools
	WhoUnknown   WhoRole = "unknown"   // someone the bot no longer knows
)

// Who names the person behind a recorded LINE user id (a mark's By, a
// decision's By, a household's EnrolledBy) for reports, never by the id.
type Who struct {
	Role WhoRole
	// Name is the officer's User.Name, the sage's registry name or the
	// head's name; empty when they gave none (or deleted their data).
	Name string
}

// WhoIs looks up userID: an officer first (by User.Name), then a sage (by
// registry name), then a household head (by the head's name). Anyone else
// is WhoUnknown; an empty id is WhoNobody, CodeByCLI is WhoCLI.
func WhoIs(tx Tx, userID string) (Who, error) {
	switch userID {
	case "":
		return Who{Role: WhoNobody}, nil
	case CodeByCLI:
		return Who{Role: WhoCLI}, nil
	}
	u, ok, err := getUser(tx, userID)
	if err != nil {
		return Who{}, err
	}
	if ok && u.Officer {
		return Who{Role: WhoOfficer, Name: u.Name}, nil
	}
	s, ok, err := GetSage(tx, userID)
	if err != nil {
		return Who{}, err
	}
	if ok {
		return Who{Role: WhoSage, Name: s.Name}, nil
	}
	h, ok, err := HouseholdOfUser(tx, userID)
	if err != nil {
		return Who{}, err
	}
	if ok {
		return Who{Role: WhoHousehold, Name: h.HeadName}, nil
	}
	return Who{Role: WhoUnknown}, nil
}

// Msg names the person for a reader: "สมศรี ใจดี (เจ้าหน้าที่)",
// "an officer" when the name is not known.
func (w Who) Msg() Msg {
	switch w.Role {
	case WhoNobody:
		return T("report.who.nobody")
	case WhoCLI:
		return T("report.who.cli")
	case WhoOfficer:
		if w.Name == "" {
			return T("report.who.officer_unnamed")
		}
		return T("report.who.officer", "Name", w.Name)
	case WhoSage:
		return T("report.who.sage", "Name", w.Name)
	case WhoHousehold:
		return T("report.who.household", "Name", w.Name)
	}
	return T("report.who.unknown")
}
