package flows_test

// Tests of the export command (ส่งออก / export) and the download links.
// Identifiers start with "ex" so that other features' helpers in this
// package cannot clash.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

var exBangkok = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		panic(err)
	}
	return loc
}()

// exT0 is a Monday morning in Bangkok.
var exT0 = time.Date(2026, 12, 7, 9, 0, 0, 0, exBangkok)

var exCatalog = locales.MustLoad()

const exBase = "https://sammachip.example.go.th"

type exRig struct {
	t      *testing.T
	db     *storage.DB
	eng    *flows.Engine
	now    time.Time
	tokens int
}

// exNew is a bot whose download links are made on exBase, with tokens
// tok-1, tok-2, … (deterministic, so tests can name them). urlOf nil
// leaves links unconfigured.
func exNew(t *testing.T, urlOf func(string) string) *exRig {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "export.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	r := &exRig{t: t, db: db, now: exT0}
	r.eng = flows.NewEngine(flows.Config{Location: exBangkok, Catalog: exCatalog, DownloadURL: urlOf,
		NewToken: func() string { r.tokens++; return fmt.Sprintf("tok-%d", r.tokens) }})
	r.put(flows.BucketUsers, "Uofficer", flows.User{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี ใจดี", Lang: locales.Thai})
	r.put(flows.BucketUsers, "Uvillager", flows.User{ID: "Uvillager", Active: true, Lang: locales.Thai})
	return r
}

func exLinks(token string) string { return exBase + "/download/" + token }

func (r *exRig) put(bucket, key string, v any) {
	r.t.Helper()
	if err := r.db.Update(func(tx flows.Tx) error { return tx.Put(bucket, key, v) }); err != nil {
		r.t.Fatal(err)
	}
}

func (r *exRig) handle(in flows.Input) flows.Outcome {
	r.t.Helper()
	in.At = r.now
	var out flows.Outcome
	if err := r.db.Update(func(tx flows.Tx) error {
		var err error
		out, err = r.eng.Handle(tx, in)
		return err
	}); err != nil {
		r.t.Fatalf("Handle: %v", err)
	}
	// What LINE would get must pass rendering.
	if _, err := bot.NewRenderer(exCatalog).Render(out.Lang, out.Replies); err != nil {
		r.t.Fatalf("render: %v", err)
	}
	return out
}

func (r *exRig) say(user, text string) flows.Outcome {
	return r.handle(flows.Input{Kind: flows.InputText, UserID: user, Text: text})
}

// links counts the stored download links.
func (r *exRig) links() int {
	r.t.Helper()
	n := 0
	if err := r.db.View(func(tx flows.Tx) error {
		return tx.Scan(flows.BucketDownloads, "", func(string, func(any) error) error { n++; return nil })
	}); err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *exRig) redeem(token string, at time.Time) (flows.Download, error) {
	r.t.Helper()
	var d flows.Download
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		d, err = flows.RedeemDownload(tx, token, at)
		return err
	})
	return d, err
}

func exKeys(out flows.Outcome) []string {
	var keys []string
	for _, rep := range out.Replies {
		if rep.Title != nil {
			keys = append(keys, rep.Title.Key)
		}
		keys = append(keys, rep.Text.Key)
	}
	return keys
}

func TestExportLinkForAnOfficer(t *testing.T) {
	for _, typed := range []string{"ส่งออก", "export", " Export ", "ส่งออกค่ะ"} {
		t.Run(typed, func(t *testing.T) {
			r := exNew(t, exLinks)
			out := r.say("Uofficer", typed)
			if got := exKeys(out); !slices.Equal(got, []string{"report.link.title", "report.link.text"}) {
				t.Fatalf("answer keys %q, want the link card", got)
			}
			card := out.Replies[0]
			if card.Style != flows.StyleCard || len(card.Buttons) != 1 {
				t.Fatalf("got style %v with %d buttons, want a card with one button", card.Style, len(card.Buttons))
			}
			if got, want := card.Buttons[0].URI, exBase+"/download/tok-1"; got != want {
				t.Errorf("button opens %q, want %q", got, want)
			}
			text := exCatalog.MustText(locales.Thai, card.Text.Key, card.Text.Args)
			if !strings.Contains(text, "15 นาที") || !strings.Contains(text, "09.15 น.") {
				t.Errorf("card says %q, want 15 minutes, until 09.15 น.", text)
			}
			// Stored under the token's hash, never the token itself.
			var d flows.Download
			if ok := getOK(t, r.db, flows.BucketDownloads, "tok-1", &d); ok {
				t.Error("the token itself is a store key")
			}
			if ok := getOK(t, r.db, flows.BucketDownloads, flows.DownloadKey("tok-1"), &d); !ok {
				t.Fatal("no link stored under the token's hash")
			}
			want := flows.Download{Officer: "Uofficer", Lang: locales.Thai, Created: exT0, Expires: exT0.Add(15 * time.Minute)}
			if !d.Created.Equal(want.Created) || !d.Expires.Equal(want.Expires) || d.Officer != want.Officer || d.Lang != want.Lang || !d.UsedAt.IsZero() {
				t.Errorf("stored %+v, want %+v", d, want)
			}
		})
	}
}

func getOK(t *testing.T, db *storage.DB, bucket, key string, v any) bool {
	t.Helper()
	var ok bool
	if err := db.View(func(tx flows.Tx) error {
		var err error
		ok, err = tx.Get(bucket, key, v)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return ok
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
			r := exNew(t, tt.urlOf)
			r.put(flows.BucketSages, "Usage", flows.Sage{ID: 1, UserID: "Usage", Name: "ประยูร ทองดี", Status: flows.SageApproved})
			out := r.handle(flows.Input{Kind: flows.InputText, UserID: tt.user, GroupID: tt.group, Text: "ส่งออก"})
			if got := exKeys(out); !slices.Equal(got, []string{tt.wantKey}) {
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
			r := exNew(t, exLinks)
			r.say("Uofficer", "ส่งออก")
			if tt.demote {
				r.put(flows.BucketUsers, "Uofficer", flows.User{ID: "Uofficer", Active: true})
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
	r := exNew(t, exLinks)
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
	r := exNew(t, exLinks)
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
	eng := flows.NewEngine(flows.Config{Location: exBangkok, Catalog: exCatalog,
		DownloadURL: func(token string) string { got = append(got, token); return exLinks(token) }})
	db, err := storage.Open(filepath.Join(t.TempDir(), "t.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for range 2 {
		err := db.Update(func(tx flows.Tx) error {
			if err := tx.Put(flows.BucketUsers, "Uofficer", flows.User{ID: "Uofficer", Officer: true}); err != nil {
				return err
			}
			_, err := eng.Handle(tx, flows.Input{Kind: flows.InputText, UserID: "Uofficer", Text: "ส่งออก", At: exT0})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
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
	r := exNew(t, exLinks)
	r.put(flows.BucketUsers, "Uofficer2", flows.User{ID: "Uofficer2", Officer: true})
	r.put(flows.BucketSages, "Usage", flows.Sage{ID: 1, UserID: "Usage", Name: "ประยูร ทองดี"})
	r.put(flows.BucketUsers, "Uhead", flows.User{ID: "Uhead", Active: true})
	err := r.db.Update(func(tx flows.Tx) error {
		return flows.PutHousehold(tx, flows.Household{ID: "H000001", Village: 5, HeadName: "มาลี แก้วใส", UserID: "Uhead", DedupeKey: "k"})
	})
	if err != nil {
		t.Fatal(err)
	}
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
			if th := exCatalog.MustText(locales.Thai, m.Key, m.Args); th != tt.th {
				t.Errorf("Thai: got %q, want %q", th, tt.th)
			}
			if en := exCatalog.MustText(locales.English, m.Key, m.Args); en != tt.en {
				t.Errorf("English: got %q, want %q", en, tt.en)
			}
		})
	}
}
