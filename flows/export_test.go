package flows_test

// Tests of the export command (ส่งออก / export) and the download links.
// Identifiers start with "ex" so that other features' helpers in this
// package cannot clash.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// exT0 is a Monday morning in Bangkok.
var exT0 = time.Date(2026, 12, 7, 9, 0, 0, 0, bangkok)

const exBase = "https://sammachip.example.go.th"

// exOpts set the rig up for the export tests: the clock stands at exT0
// unless a test moves it, download links are made by urlOf (nil leaves
// them unconfigured) with tokens tok-1, tok-2, … (deterministic, so tests
// can name them), and there are an officer and a villager.
func exOpts(urlOf func(string) string) rigOption {
	tokens := 0
	return rigOptions(withClock(exT0, 0),
		withConfig(func(c *flows.Config) {
			c.DownloadURL = urlOf
			c.NewToken = func() string { tokens++; return fmt.Sprintf("tok-%d", tokens) }
		}),
		withSeed(func(r *rig) {
			r.officer("Uofficer", "สมศรี ใจดี")
			r.user("Uvillager")
		}))
}

func exLinks(token string) string { return exBase + "/download/" + token }

// links counts the stored download links.
func (r *rig) links() int {
	r.t.Helper()
	n := 0
	r.view(func(tx flows.Tx) error {
		return tx.Downloads().Each(func(string, flows.Download) error { n++; return nil })
	})
	return n
}

func (r *rig) redeem(token string, at time.Time) (flows.Download, error) {
	r.t.Helper()
	var d flows.Download
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		d, err = flows.RedeemDownload(tx, token, at)
		return err
	})
	return d, err
}

func TestExportLinkForAnOfficer(t *testing.T) {
	for _, typed := range []string{"ส่งออก", "export", " Export ", "ส่งออกค่ะ"} {
		t.Run(typed, func(t *testing.T) {
			r := newRig(t, exOpts(exLinks))
			out := r.say("Uofficer", typed)
			if got := replyKeys(out); !slices.Equal(got, []string{"report.link.title", "report.link.text"}) {
				t.Fatalf("answer keys %q, want the link card", got)
			}
			card := out.Replies[0]
			if card.Style != flows.StyleCard || len(card.Buttons) != 2 {
				t.Fatalf("got style %v with %d buttons, want a card with the download and sign-in sheets buttons", card.Style, len(card.Buttons))
			}
			if got := card.Buttons[1].Label.Key; got != "report.btn.signin" || card.Buttons[1].URI != "" {
				t.Errorf("second button %q (uri %q), want the sign-in sheets one", got, card.Buttons[1].URI)
			}
			if got, want := card.Buttons[0].URI, exBase+"/download/tok-1"; got != want {
				t.Errorf("button opens %q, want %q", got, want)
			}
			text := catalog.MustText(locales.Thai, card.Text.Key, card.Text.Args)
			if !strings.Contains(text, "15 นาที") || !strings.Contains(text, "09.15 น.") {
				t.Errorf("card says %q, want 15 minutes, until 09.15 น.", text)
			}
			// Stored under the token's hash, never the token itself.
			if _, ok := get(r, flows.Tx.Downloads, "tok-1"); ok {
				t.Error("the token itself is a store key")
			}
			d, ok := get(r, flows.Tx.Downloads, flows.DownloadKey("tok-1"))
			if !ok {
				t.Fatal("no link stored under the token's hash")
			}
			want := flows.Download{Officer: "Uofficer", Lang: locales.Thai, Created: exT0, Expires: exT0.Add(15 * time.Minute)}
			if !d.Created.Equal(want.Created) || !d.Expires.Equal(want.Expires) || d.Officer != want.Officer || d.Lang != want.Lang || !d.UsedAt.IsZero() {
				t.Errorf("stored %+v, want %+v", d, want)
			}
		})
	}
}

func TestExportRefusals(t *testing.T) {
	tests := []struct {
		name    string
		urlOf   func(string) string
		user    string
		group   string
		wantKey string
	}{
		{"villager", exLinks, "Uvillager", "", "report.err.officers_only"},
		{"stranger", exLinks, "Unever", "", "report.err.officers_only"},
		{"sage", exLinks, "Usage", "", "report.err.officers_only"},
		{"villager in a group", exLinks, "Uvillager", "Cgroup", "report.err.officers_only"},
		{"officer in a group", exLinks, "Uofficer", "Cgroup", "report.link.private_only"},
		{"links not configured", nil, "Uofficer", "", "report.link.not_configured"},
		{"no public address", func(string) string { return "" }, "Uofficer", "", "report.link.not_configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, exOpts(tt.urlOf))
			r.putSage(flows.Sage{ID: 1, UserID: "Usage", Name: "ประยูร ทองดี", Status: flows.SageApproved})
			out := r.send(flows.Input{Kind: flows.InputText, UserID: tt.user, GroupID: tt.group, Text: "ส่งออก"})
			if got := replyKeys(out); !slices.Equal(got, []string{tt.wantKey}) {
				t.Errorf("answer keys %q, want [%q]", got, tt.wantKey)
			}
			for _, rep := range out.Replies {
				for _, b := range rep.Buttons {
					if b.URI != "" {
						t.Errorf("a link was shown: %q", b.URI)
					}
				}
			}
			if n := r.links(); n != 0 {
				t.Errorf("%d links stored, want none", n)
			}
		})
	}
}

func TestDownloadLinkWorksOnceAndFor15Minutes(t *testing.T) {
	tests := []struct {
		name  string
		steps []struct {
			after time.Duration
			want  error
		}
		demote bool
	}{
		{name: "once", steps: []struct {
			after time.Duration
			want  error
		}{{time.Minute, nil}, {2 * time.Minute, flows.ErrDownloadGone}}},
		{name: "just before 15 minutes", steps: []struct {
			after time.Duration
			want  error
		}{{15*time.Minute - time.Second, nil}}},
		{name: "at 15 minutes", steps: []struct {
			after time.Duration
			want  error
		}{{15 * time.Minute, flows.ErrDownloadGone}}},
		{name: "a day later", steps: []struct {
			after time.Duration
			want  error
		}{{24 * time.Hour, flows.ErrDownloadGone}}},
		{name: "officer no more", demote: true, steps: []struct {
			after time.Duration
			want  error
		}{{time.Minute, flows.ErrDownloadGone}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, exOpts(exLinks))
			r.say("Uofficer", "ส่งออก")
			if tt.demote {
				r.putUser(flows.User{ID: "Uofficer", Active: true})
			}
			for i, s := range tt.steps {
				d, err := r.redeem("tok-1", exT0.Add(s.after))
				if !errors.Is(err, s.want) || (s.want == nil && err != nil) {
					t.Fatalf("step %d (+%v): got %v, want %v", i+1, s.after, err, s.want)
				}
				if s.want == nil && (d.Officer != "Uofficer" || d.Lang != locales.Thai) {
					t.Errorf("step %d: got link %+v, want the officer's", i+1, d)
				}
			}
		})
	}
}

func TestDownloadUnknownTokens(t *testing.T) {
	r := newRig(t, exOpts(exLinks))
	r.say("Uofficer", "ส่งออก")
	for _, token := range []string{"", "tok-2", "TOK-1", "tok-1 ", strings.Repeat("x", 500), flows.DownloadKey("tok-1")} {
		t.Run(fmt.Sprintf("%.20q", token), func(t *testing.T) {
			err := r.db.Update(func(tx flows.Tx) error {
				_, err := flows.RedeemDownload(tx, token, exT0.Add(time.Minute))
				return err
			})
			if !errors.Is(err, flows.ErrDownloadUnknown) {
				t.Errorf("got %v, want ErrDownloadUnknown", err)
			}
		})
	}
	// The real one still works: unknown tokens spent nothing.
	if _, err := r.redeem("tok-1", exT0.Add(time.Minute)); err != nil {
		t.Errorf("the officer's link: got %v, want it to work", err)
	}
}

func TestOldLinksAreForgottenAfterADay(t *testing.T) {
	r := newRig(t, exOpts(exLinks))
	r.say("Uofficer", "ส่งออก") // tok-1
	r.now = exT0.Add(2 * time.Hour)
	r.say("Uofficer", "ส่งออก") // tok-2
	if n := r.links(); n != 2 {
		t.Fatalf("%d links, want 2", n)
	}
	r.now = exT0.Add(25 * time.Hour)
	r.say("Uofficer", "ส่งออก") // tok-3; tok-1 ended more than a day ago
	if n := r.links(); n != 2 {
		t.Errorf("%d links, want 2 (the first forgotten)", n)
	}
	if _, err := r.redeem("tok-1", r.now); !errors.Is(err, flows.ErrDownloadUnknown) {
		t.Errorf("tok-1: got %v, want ErrDownloadUnknown", err)
	}
	if _, err := r.redeem("tok-2", r.now); !errors.Is(err, flows.ErrDownloadGone) {
		t.Errorf("tok-2: got %v, want ErrDownloadGone", err)
	}
}

func TestDefaultTokensAre256BitsOfRandomness(t *testing.T) {
	var got []string
	r := newRig(t, withClock(exT0, 0), withConfig(func(c *flows.Config) {
		c.DownloadURL = func(token string) string { got = append(got, token); return exLinks(token) }
	}))
	r.putUser(flows.User{ID: "Uofficer", Officer: true})
	for range 2 {
		r.say("Uofficer", "ส่งออก")
	}
	if len(got) != 2 || got[0] == got[1] {
		t.Fatalf("tokens %q, want two different ones", got)
	}
	for _, tok := range got {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(b) < 16 {
			t.Errorf("token %q: %d bytes (%v), want at least 16 random bytes, URL-safe", tok, len(b), err)
		}
	}
}

func TestWhoIsNamesPeopleNotIDs(t *testing.T) {
	r := newRig(t, exOpts(exLinks))
	r.putUser(flows.User{ID: "Uofficer2", Officer: true})
	r.putSage(flows.Sage{ID: 1, UserID: "Usage", Name: "ประยูร ทองดี"})
	r.putUser(flows.User{ID: "Uhead", Active: true})
	r.putHousehold(flows.Household{ID: "H000001", Village: 5, HeadName: "มาลี แก้วใส", UserID: "Uhead", DedupeKey: "k"})
	tests := []struct {
		id   string
		want flows.Who
		th   string
		en   string
	}{
		{"Uofficer", flows.Who{Role: flows.WhoOfficer, Name: "สมศรี ใจดี"}, "สมศรี ใจดี (เจ้าหน้าที่)", "สมศรี ใจดี (officer)"},
		{"Uofficer2", flows.Who{Role: flows.WhoOfficer}, "เจ้าหน้าที่ (ไม่ระบุชื่อ)", "an officer (no name given)"},
		{"Usage", flows.Who{Role: flows.WhoSage, Name: "ประยูร ทองดี"}, "ประยูร ทองดี (ปราชญ์)", "ประยูร ทองดี (sage)"},
		{"Uhead", flows.Who{Role: flows.WhoHousehold, Name: "มาลี แก้วใส"}, "มาลี แก้วใส (ครัวเรือน)", "มาลี แก้วใส (household)"},
		{"Uvillager", flows.Who{Role: flows.WhoUnknown}, "ไม่ทราบ", "unknown"},
		{"Ugone", flows.Who{Role: flows.WhoUnknown}, "ไม่ทราบ", "unknown"},
		{"", flows.Who{Role: flows.WhoNobody}, "-", "-"},
		{flows.CodeByCLI, flows.Who{Role: flows.WhoCLI}, "คำสั่งผู้ดูแลระบบ", "admin command"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var got flows.Who
			if err := r.db.View(func(tx flows.Tx) error {
				var err error
				got, err = flows.WhoIs(tx, tt.id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("WhoIs(%q) = %+v, want %+v", tt.id, got, tt.want)
			}
			m := got.Msg()
			if th := catalog.MustText(locales.Thai, m.Key, m.Args); th != tt.th {
				t.Errorf("Thai: got %q, want %q", th, tt.th)
			}
			if en := catalog.MustText(locales.English, m.Key, m.Args); en != tt.en {
				t.Errorf("English: got %q, want %q", en, tt.en)
			}
		})
	}
}

// TestSigninLinkRefusals: ใบลงชื่อ is an officer's, in private, and only
// once a day has a date (the end-to-end test downloads it).
func TestSigninLinkRefusals(t *testing.T) {
	tests := []struct {
		name, user, group, wantKey string
	}{
		{"villager", "Uvillager", "", "report.err.officers_only"},
		{"officer in a group", "Uofficer", "Cgroup", "report.signin.link.private_only"},
		{"nothing dated yet", "Uofficer", "", "report.signin.none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, exOpts(exLinks))
			out := r.send(flows.Input{Kind: flows.InputText, UserID: tt.user, GroupID: tt.group, Text: "ใบลงชื่อ"})
			if got := replyKeys(out); !slices.Equal(got, []string{tt.wantKey}) {
				t.Errorf("answer keys %q, want %q", got, tt.wantKey)
			}
			if n := r.links(); n != 0 {
				t.Errorf("%d links stored, want none", n)
			}
		})
	}
}
