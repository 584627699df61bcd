package flows_test

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// stRig drives the engine for the sage, team and my-data tests with a real
// bbolt file, one input per transaction as the worker does. Its clock
// moves 10 seconds per input.
type stRig struct {
	t      *testing.T
	path   string
	db     *storage.DB
	eng    *flows.Engine
	now    time.Time
	codes  int
	notify bool
}

var stBangkok = func() *time.Location {
	l, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		panic(err)
	}
	return l
}()

// Users of the tests.
const (
	stOfficer  = "Uofficer1"
	stOfficer2 = "Uofficer2"
	stVillager = "Uvillager"
)

func newStRig(t *testing.T) *stRig {
	t.Helper()
	r := &stRig{t: t, path: filepath.Join(t.TempDir(), "sage.db"),
		now: time.Date(2026, 12, 1, 9, 0, 0, 0, stBangkok)}
	r.open()
	r.put(flows.BucketUsers, stOfficer, flows.User{ID: stOfficer, Active: true, Officer: true, Name: "สมศรี"})
	r.put(flows.BucketUsers, stOfficer2, flows.User{ID: stOfficer2, Active: true, Officer: true, Name: "มานะ"})
	r.village(3, "บ้านหนองบัว")
	r.village(5, "บ้านโนนสูง")
	return r
}

func (r *stRig) open() {
	r.t.Helper()
	db, err := storage.Open(r.path, storage.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	r.db = db
	r.eng = flows.NewEngine(flows.Config{Location: stBangkok, NotifyGroupsOnRegistration: r.notify, NewCode: func() string {
		r.codes++
		return fmt.Sprintf("TEAM%04d", r.codes)
	}})
	r.t.Cleanup(func() { _ = db.Close() })
}

// restart closes and reopens the database with a new engine, as a
// redeploy would.
func (r *stRig) restart() {
	r.t.Helper()
	if err := r.db.Close(); err != nil {
		r.t.Fatal(err)
	}
	r.open()
}

func (r *stRig) put(bucket, key string, v any) {
	r.t.Helper()
	if err := r.db.Update(func(tx flows.Tx) error { return tx.Put(bucket, key, v) }); err != nil {
		r.t.Fatal(err)
	}
}

func (r *stRig) village(moo int, name string) {
	r.putVillage(flows.Village{ID: moo, Moo: moo, Name: name, Capacity: flows.DefaultCapacity})
}

func (r *stRig) handle(in flows.Input) flows.Outcome {
	r.t.Helper()
	r.now = r.now.Add(10 * time.Second)
	in.At = r.now
	var out flows.Outcome
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		out, err = r.eng.Handle(tx, in)
		return err
	})
	if err != nil {
		r.t.Fatalf("Handle(%+v): %v", in, err)
	}
	stCheckRenders(r.t, out.Lang, out.Replies)
	for _, p := range out.Pushes {
		stCheckRenders(r.t, p.Lang, p.Replies)
	}
	return out
}

var stCatalog = locales.MustLoad()

// stCheckRenders fails when replies would not reach a user whole: more
// messages than one LINE request takes, too many quick replies, a yes/no
// without two answers, or a text that does not render in the reader's
// language (a missing key or argument).
func stCheckRenders(t *testing.T, lang locales.Lang, replies []flows.Reply) {
	t.Helper()
	if len(replies) > 5 {
		t.Fatalf("got %d messages %v, LINE takes at most 5", len(replies), stKeys(flows.Outcome{Replies: replies}))
	}
	check := func(m flows.Msg) {
		t.Helper()
		if m.Key == "" {
			return
		}
		if _, err := stCatalog.Text(lang, m.Key, m.Args); err != nil {
			t.Fatalf("renders wrong: %v", err)
		}
	}
	for _, rep := range replies {
		if len(rep.Quick) > 13 {
			t.Fatalf("%s: %d quick replies, LINE takes 13", rep.Text.Key, len(rep.Quick))
		}
		if rep.Style == flows.StyleConfirm && len(rep.Buttons) != 2 {
			t.Fatalf("%s: yes/no with %d buttons", rep.Text.Key, len(rep.Buttons))
		}
		check(rep.Text)
		if rep.Title != nil {
			check(*rep.Title)
		}
		for _, f := range rep.Fields {
			check(f.Label)
			check(f.Value)
		}
		for _, a := range append(slices.Clone(rep.Buttons), rep.Quick...) {
			check(a.Label)
			if len(a.Data) > 300 {
				t.Fatalf("postback data of %d bytes, LINE takes 300", len(a.Data))
			}
		}
	}
}

func (r *stRig) say(user, text string) flows.Outcome {
	return r.handle(flows.Input{Kind: flows.InputText, UserID: user, Text: text})
}

func (r *stRig) tap(user, data string) flows.Outcome {
	return r.handle(flows.Input{Kind: flows.InputPostback, UserID: user, Data: data})
}

// sage reads user's sage record.
func (r *stRig) sage(user string) (flows.Sage, bool) {
	r.t.Helper()
	var s flows.Sage
	var ok bool
	err := r.db.View(func(tx flows.Tx) error {
		var err error
		s, ok, err = flows.GetSage(tx, user)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return s, ok
}

func (r *stRig) mustSage(user string) flows.Sage {
	r.t.Helper()
	s, ok := r.sage(user)
	if !ok {
		r.t.Fatalf("no sage record for %s", user)
	}
	return s
}

func (r *stRig) villageRec(moo int) flows.Village {
	r.t.Helper()
	var v flows.Village
	err := r.db.View(func(tx flows.Tx) error {
		var err error
		v, _, err = flows.GetVillage(tx, moo)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return v
}

func (r *stRig) sages() []flows.Sage {
	r.t.Helper()
	var all []flows.Sage
	err := r.db.View(func(tx flows.Tx) error {
		var err error
		all, err = flows.ListSages(tx)
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return all
}

// stAnswers are typed answers to the registration form, in order.
type stAnswers struct{ name, phone, moo, skill, years string }

var stDefault = stAnswers{name: "นายสมชาย ใจดี", phone: "081-234-5678", moo: "หมู่ 5", skill: "ทำปุ๋ยหมัก", years: "12"}

// toSummary takes user through the registration form up to its summary.
func (r *stRig) toSummary(user string, a stAnswers) flows.Outcome {
	r.t.Helper()
	out := r.tap(user, "menu=sage")
	stWant(r.t, out, "sage.consent")
	out = r.tap(user, stButton(r.t, out, "conv.btn.agree"))
	stWant(r.t, out, "sage.name.ask")
	stWant(r.t, r.say(user, a.name), "sage.phone.ask")
	stWant(r.t, r.say(user, a.phone), "sage.moo.ask")
	out = r.say(user, a.moo)
	stWant(r.t, out, "sage.category.ask")
	stWant(r.t, r.tap(user, stButton(r.t, out, "sage.cat.farming.label")), "sage.skill.ask")
	stWant(r.t, r.say(user, a.skill), "sage.years.ask")
	out = r.say(user, a.years)
	stWant(r.t, out, "conv.confirm.title")
	return out
}

// register takes user through the whole form and confirms.
func (r *stRig) register(user string, a stAnswers) flows.Sage {
	r.t.Helper()
	out := r.toSummary(user, a)
	stWant(r.t, r.tap(user, stButton(r.t, out, "conv.btn.confirm")), "sage.saved.new")
	return r.mustSage(user)
}

// approved registers user and has the officer approve them.
func (r *stRig) approved(user string, a stAnswers) flows.Sage {
	r.t.Helper()
	s := r.register(user, a)
	out := r.tap(stOfficer, stDecide(s, "approve"))
	stWant(r.t, out, "sage.decide.approved", "sage.decide.approved_no_lead")
	return r.mustSage(user)
}

func stDecide(s flows.Sage, d string) string {
	return fmt.Sprintf("a=sage.decide&id=%d&r=%d&v=%s", s.ID, s.Rev, d)
}

// stKeys lists the keys of what an outcome says (titles and texts), in order.
func stKeys(out flows.Outcome) []string {
	var keys []string
	for _, rep := range out.Replies {
		if rep.Title != nil {
			keys = append(keys, rep.Title.Key)
		}
		keys = append(keys, rep.Text.Key)
	}
	return keys
}

// stWant fails unless the outcome says at least one of keys.
func stWant(t *testing.T, out flows.Outcome, keys ...string) {
	t.Helper()
	got := stKeys(out)
	for _, k := range keys {
		if slices.Contains(got, k) {
			return
		}
	}
	t.Fatalf("got replies %v, want one of %v", got, keys)
}

// stNot fails if the outcome says key.
func stNot(t *testing.T, out flows.Outcome, key string) {
	t.Helper()
	if slices.Contains(stKeys(out), key) {
		t.Fatalf("got replies %v, want no %s", stKeys(out), key)
	}
}

// stMsg returns the first reply text with key.
func stMsg(t *testing.T, out flows.Outcome, key string) flows.Msg {
	t.Helper()
	for _, rep := range out.Replies {
		if rep.Text.Key == key {
			return rep.Text
		}
	}
	t.Fatalf("got replies %v, want %s", stKeys(out), key)
	return flows.Msg{}
}

// stActions lists every button and quick reply of an outcome.
func stActions(out flows.Outcome) []flows.Action {
	var acts []flows.Action
	for _, rep := range out.Replies {
		acts = append(acts, rep.Buttons...)
		acts = append(acts, rep.Quick...)
	}
	return acts
}

// stButton returns the postback data of the last button labelled with key
// (and, when given, whose label arguments include want).
func stButton(t *testing.T, out flows.Outcome, key string, want ...any) string {
	t.Helper()
	acts := stActions(out)
	for i := len(acts) - 1; i >= 0; i-- {
		a := acts[i]
		if a.Label.Key != key {
			continue
		}
		ok := true
		for _, w := range want {
			found := false
			for _, v := range a.Label.Args {
				if fmt.Sprint(v) == fmt.Sprint(w) {
					found = true
				}
			}
			ok = ok && found
		}
		if ok {
			return a.Data
		}
	}
	var labels []string
	for _, a := range acts {
		labels = append(labels, a.Label.Key)
	}
	t.Fatalf("no button %s %v among %v", key, want, labels)
	return ""
}

// stHasButton reports whether the outcome has a button labelled key.
func stHasButton(out flows.Outcome, key string) bool {
	return slices.ContainsFunc(stActions(out), func(a flows.Action) bool { return a.Label.Key == key })
}

// stCards returns the card replies with title key.
func stCards(out flows.Outcome, titleKey string) []flows.Reply {
	var cards []flows.Reply
	for _, rep := range out.Replies {
		if rep.Style == flows.StyleCard && rep.Title != nil && rep.Title.Key == titleKey {
			cards = append(cards, rep)
		}
	}
	return cards
}

// stField returns a card's value for the field labelled key, as text.
func stField(t *testing.T, card flows.Reply, key string) string {
	t.Helper()
	for _, f := range card.Fields {
		if f.Label.Key == key {
			return stString(f.Value)
		}
	}
	t.Fatalf("card has no field %s", key)
	return ""
}

// stString renders a Msg roughly, for assertions: key(args) with nested
// messages rendered the same way.
func stString(m flows.Msg) string {
	if m.Key == "conv.value" {
		return fmt.Sprint(m.Args["V"])
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m.Args)) {
		parts = append(parts, fmt.Sprintf("%s=%v", k, m.Args[k]))
	}
	if len(parts) == 0 {
		return m.Key
	}
	return m.Key + "(" + strings.Join(parts, ",") + ")"
}

// stPushes returns the pushes of an outcome with purpose.
func stPushes(out flows.Outcome, purpose string) []flows.Push {
	var ps []flows.Push
	for _, p := range out.Pushes {
		if p.Purpose == purpose {
			ps = append(ps, p)
		}
	}
	return ps
}
