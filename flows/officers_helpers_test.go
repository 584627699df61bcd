package flows_test

// Helpers for the officer, village and import tests: a real bbolt file, an
// engine with an injected clock and code generator, and readers of the
// abstract replies (locale keys, buttons). Identifiers start with "ot" so
// that other features' helpers in this package cannot clash.

import (
	"fmt"
	"net/url"
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

var otBangkok = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		panic(err)
	}
	return loc
}()

// otT0 is a Monday morning in Bangkok.
var otT0 = time.Date(2026, 12, 7, 9, 0, 0, 0, otBangkok)

var otCatalog = locales.MustLoad()

// otBot is one test's bot: a database, an engine and a clock.
type otBot struct {
	t     *testing.T
	path  string
	db    *storage.DB
	eng   *flows.Engine
	now   time.Time
	codes []string // what NewCode returns next; then OTCODE01, OTCODE02…
	made  int
}

func otNew(t *testing.T) *otBot {
	t.Helper()
	b := &otBot{t: t, path: filepath.Join(t.TempDir(), "test.db"), now: otT0}
	b.open()
	b.eng = flows.NewEngine(flows.Config{Location: otBangkok, Catalog: otCatalog, NewCode: b.newCode})
	t.Cleanup(func() {
		if b.db != nil {
			_ = b.db.Close()
		}
	})
	return b
}

func (b *otBot) open() {
	b.t.Helper()
	db, err := storage.Open(b.path, storage.Options{})
	if err != nil {
		b.t.Fatalf("storage.Open: %v", err)
	}
	b.db = db
}

// restart closes and reopens the database file, as a redeploy does.
func (b *otBot) restart() {
	b.t.Helper()
	if err := b.db.Close(); err != nil {
		b.t.Fatalf("close: %v", err)
	}
	b.open()
}

func (b *otBot) newCode() string {
	if len(b.codes) > 0 {
		c := b.codes[0]
		b.codes = b.codes[1:]
		return c
	}
	b.made++
	return fmt.Sprintf("OTCODE%02d", b.made)
}

// send handles one input at the bot's clock, which then moves a second on.
func (b *otBot) send(in flows.Input) flows.Outcome {
	b.t.Helper()
	in.At = b.now
	b.now = b.now.Add(time.Second)
	var out flows.Outcome
	err := b.db.Update(func(tx flows.Tx) error {
		var err error
		out, err = b.eng.Handle(tx, in)
		return err
	})
	if err != nil {
		b.t.Fatalf("Handle(%+v): %v", in, err)
	}
	// Every answer must be something LINE accepts once rendered.
	if _, err := bot.NewRenderer(otCatalog).Render(out.Lang, out.Replies); err != nil {
		b.t.Fatalf("render answer to %+v: %v", in, err)
	}
	return out
}

func (b *otBot) say(user, text string) flows.Outcome {
	b.t.Helper()
	return b.send(flows.Input{Kind: flows.InputText, UserID: user, Text: text})
}

func (b *otBot) tap(user, data string) flows.Outcome {
	b.t.Helper()
	if data == "" {
		b.t.Fatal("tap: no button data (button not found?)")
	}
	return b.send(flows.Input{Kind: flows.InputPostback, UserID: user, Data: data})
}

func (b *otBot) inGroup(group, user, text string) flows.Outcome {
	b.t.Helper()
	return b.send(flows.Input{Kind: flows.InputText, UserID: user, GroupID: group, Text: text})
}

// officer stores user as an officer called name ("" = no name yet).
func (b *otBot) officer(user, name string) {
	b.t.Helper()
	b.put(flows.BucketUsers, user, flows.User{ID: user, Lang: locales.Thai, Active: true, Officer: true, OfficerSince: otT0, Name: name})
}

func (b *otBot) put(bucket, key string, v any) {
	b.t.Helper()
	if err := b.db.Update(func(tx flows.Tx) error { return tx.Put(bucket, key, v) }); err != nil {
		b.t.Fatalf("put %s/%s: %v", bucket, key, err)
	}
}

// get reads one stored value and reports whether it exists.
func (b *otBot) get(bucket, key string, v any) bool {
	b.t.Helper()
	var ok bool
	if err := b.db.View(func(tx flows.Tx) error {
		var err error
		ok, err = tx.Get(bucket, key, v)
		return err
	}); err != nil {
		b.t.Fatalf("get %s/%s: %v", bucket, key, err)
	}
	return ok
}

func (b *otBot) user(id string) flows.User {
	b.t.Helper()
	var u flows.User
	b.get(flows.BucketUsers, id, &u)
	return u
}

func (b *otBot) group(id string) flows.Group {
	b.t.Helper()
	var g flows.Group
	b.get(flows.BucketGroups, id, &g)
	return g
}

// villages lists the current round's villages by number.
func (b *otBot) villages() []flows.Village {
	b.t.Helper()
	var vs []flows.Village
	if err := b.db.View(func(tx flows.Tx) error {
		var err error
		vs, err = flows.ListVillages(tx)
		return err
	}); err != nil {
		b.t.Fatal(err)
	}
	slices.SortStableFunc(vs, func(a, b flows.Village) int { return a.Moo - b.Moo })
	return vs
}

// village reads the current round's village numbered moo (the tests'
// villages are in one ตำบล each).
func (b *otBot) village(moo int) (flows.Village, bool) {
	b.t.Helper()
	var found []flows.Village
	if err := b.db.View(func(tx flows.Tx) error {
		var err error
		found, err = flows.FindVillages(tx, moo, "")
		return err
	}); err != nil {
		b.t.Fatal(err)
	}
	if len(found) != 1 {
		return flows.Village{}, false
	}
	return found[0], true
}

// otKeys lists the locale keys of every reply, with the keys of messages
// nested in their arguments (a hint inside "that is not right: …").
func otKeys(out flows.Outcome) []string {
	var keys []string
	var add func(key string, args map[string]any)
	add = func(key string, args map[string]any) {
		keys = append(keys, key)
		for _, a := range args {
			if r, ok := a.(locales.Ref); ok {
				add(r.Key, r.Args)
			}
		}
	}
	for _, r := range out.Replies {
		add(r.Text.Key, r.Text.Args)
		if r.Title != nil {
			add(r.Title.Key, r.Title.Args)
		}
	}
	return keys
}

// otHas reports whether the outcome said key.
func otHas(out flows.Outcome, key string) bool { return slices.Contains(otKeys(out), key) }

// otWant fails unless the outcome said every key.
func otWant(t *testing.T, out flows.Outcome, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if !otHas(out, k) {
			t.Errorf("answer has keys %v, want %q among them", otKeys(out), k)
		}
	}
}

// otActions lists every button and chip of the outcome.
func otActions(out flows.Outcome) []flows.Action {
	var acts []flows.Action
	for _, r := range out.Replies {
		acts = append(acts, r.Buttons...)
		acts = append(acts, r.Quick...)
	}
	return acts
}

// otButton returns the data of the button or chip whose label has key.
func otButton(t *testing.T, out flows.Outcome, key string) string {
	t.Helper()
	for _, a := range otActions(out) {
		if a.Label.Key == key {
			return a.Data
		}
	}
	var labels []string
	for _, a := range otActions(out) {
		labels = append(labels, a.Label.Key)
	}
	t.Fatalf("no button %q; buttons: %v", key, labels)
	return ""
}

// otRender is the outcome's text in Thai, for failure messages and for
// checks of what a user reads.
func otRender(out flows.Outcome) string {
	var b strings.Builder
	for _, r := range out.Replies {
		if r.Title != nil {
			b.WriteString(otCatalog.MustText(locales.Thai, r.Title.Key, r.Title.Args) + "\n")
		}
		b.WriteString(otCatalog.MustText(locales.Thai, r.Text.Key, r.Text.Args) + "\n")
		for _, f := range r.Fields {
			b.WriteString(otCatalog.MustText(locales.Thai, f.Label.Key, f.Label.Args) + ": " +
				otCatalog.MustText(locales.Thai, f.Value.Key, f.Value.Args) + "\n")
		}
	}
	return b.String()
}

// otAction is postback data for an action outside a form.
func otAction(name string, kv ...string) string {
	v := url.Values{"a": {name}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}
