package flows_test

// The flows tests' one rig: a real bbolt file in a temp dir, an engine, a
// clock and a code generator. Each input is handled in its own Update, as
// the worker does, and what it answers is rendered as LINE would get it.
// A file sets the rig up with options (newRig(t, hhOpts)); what is
// specific to a file (its forms, its people) lives in that file.

import (
	"fmt"
	"maps"
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

var bangkok = mustLoc("Asia/Bangkok")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// catalog is the engines' catalog, and what answers are rendered with.
var catalog = locales.MustLoad()

// rig is one test's bot: a database file, an engine and a clock.
type rig struct {
	t    testing.TB
	path string
	db   *storage.DB
	eng  *flows.Engine
	// cfg is the engine's configuration; a nil NewCode is the rig's.
	cfg flows.Config
	// now is when the next input happens and last when the last one did;
	// the clock moves step after each input.
	now, last time.Time
	step      time.Duration
	// codes are what NewCode returns next; after them it makes codeFormat
	// of the number of codes it made (made).
	codes      []string
	codeFormat string
	made       int
	engines    []func(*flows.Engine) // run on every new engine
	seeds      []func(*rig)          // run once, after the first open
}

// rigOption sets a rig up before its database is opened.
type rigOption func(*rig)

// withClock starts the clock at start; it moves step after each input.
func withClock(start time.Time, step time.Duration) rigOption {
	return func(r *rig) { r.now, r.step = start, step }
}

// withConfig changes the engine's configuration.
func withConfig(fn func(*flows.Config)) rigOption { return func(r *rig) { fn(&r.cfg) } }

// withCodes has NewCode make format of 1, 2, 3…
func withCodes(format string) rigOption { return func(r *rig) { r.codeFormat = format } }

// withEngine runs fn on every engine the rig makes (to register a form).
func withEngine(fn func(*flows.Engine)) rigOption {
	return func(r *rig) { r.engines = append(r.engines, fn) }
}

// withSeed runs fn once the database is open (to store a test's people).
func withSeed(fn func(*rig)) rigOption { return func(r *rig) { r.seeds = append(r.seeds, fn) } }

// rigOptions bundles options, for a file's set-up.
func rigOptions(opts ...rigOption) rigOption {
	return func(r *rig) {
		for _, o := range opts {
			o(r)
		}
	}
}

// newRig opens a new database in a temp dir. By default the engine is in
// Bangkok with the catalog, the clock starts on 1 December 2026 at 09:00
// and moves 10 seconds per input, and codes are CODE0001, CODE0002…
func newRig(t testing.TB, opts ...rigOption) *rig {
	t.Helper()
	r := &rig{t: t, path: filepath.Join(t.TempDir(), "bot.db"),
		cfg:  flows.Config{Location: bangkok, Catalog: catalog},
		now:  time.Date(2026, 12, 1, 9, 0, 0, 0, bangkok),
		step: 10 * time.Second, codeFormat: "CODE%04d"}
	for _, o := range opts {
		o(r)
	}
	r.open()
	t.Cleanup(func() { _ = r.db.Close() })
	for _, seed := range r.seeds {
		seed(r)
	}
	return r
}

func (r *rig) open() {
	r.t.Helper()
	db, err := storage.Open(r.path, storage.Options{})
	if err != nil {
		r.t.Fatalf("storage.Open: %v", err)
	}
	r.db = db
	r.newEngine()
}

func (r *rig) newEngine() {
	cfg := r.cfg
	if cfg.NewCode == nil {
		cfg.NewCode = r.newCode
	}
	r.eng = flows.NewEngine(cfg)
	for _, fn := range r.engines {
		fn(r.eng)
	}
}

// restart closes and reopens the database file with a new engine, as a
// redeploy does.
func (r *rig) restart() {
	r.t.Helper()
	if err := r.db.Close(); err != nil {
		r.t.Fatalf("close: %v", err)
	}
	r.open()
}

// configure changes the engine's configuration and makes a new engine
// with it, as a restart with other settings does.
func (r *rig) configure(fn func(*flows.Config)) {
	fn(&r.cfg)
	r.newEngine()
}

func (r *rig) newCode() string {
	if len(r.codes) > 0 {
		c := r.codes[0]
		r.codes = r.codes[1:]
		return c
	}
	r.made++
	return fmt.Sprintf(r.codeFormat, r.made)
}

// send handles one input at the rig's clock, in one Update, and checks
// that what it answers and pushes is something LINE accepts.
func (r *rig) send(in flows.Input) flows.Outcome {
	r.t.Helper()
	in.At = r.now
	r.last, r.now = r.now, r.now.Add(r.step)
	var out flows.Outcome
	if err := r.db.Update(func(tx flows.Tx) error {
		var err error
		out, err = r.eng.Handle(tx, in)
		return err
	}); err != nil {
		r.t.Fatalf("Handle(%+v): %v", in, err)
	}
	checkRenders(r.t, out.Lang, out.Replies)
	for _, p := range out.Pushes {
		checkRenders(r.t, p.Lang, p.Replies)
	}
	return out
}

// handle sends in from user.
func (r *rig) handle(user string, in flows.Input) flows.Outcome {
	r.t.Helper()
	in.UserID = user
	return r.send(in)
}

func (r *rig) say(user, text string) flows.Outcome {
	r.t.Helper()
	return r.handle(user, flows.Input{Kind: flows.InputText, Text: text})
}

func (r *rig) tap(user, data string) flows.Outcome {
	r.t.Helper()
	if data == "" {
		r.t.Fatal("tap: no button data (button not found?)")
	}
	return r.handle(user, flows.Input{Kind: flows.InputPostback, Data: data})
}

// inGroup is user typing text in a group chat.
func (r *rig) inGroup(group, user, text string) flows.Outcome {
	r.t.Helper()
	return r.send(flows.Input{Kind: flows.InputText, UserID: user, GroupID: group, Text: text})
}

// checkRenders fails when replies would not reach a user whole: what the
// bot's renderer refuses, more messages than one LINE request takes, too
// many quick replies, a yes/no without two answers, postback data longer
// than LINE takes, or a text that does not render in the reader's
// language (a missing key or argument).
func checkRenders(t testing.TB, lang locales.Lang, replies []flows.Reply) {
	t.Helper()
	if _, err := bot.NewRenderer(catalog).Render(lang, replies); err != nil {
		t.Fatalf("render %v: %v", replyKeys(flows.Outcome{Replies: replies}), err)
	}
	if len(replies) > 5 {
		t.Fatalf("got %d messages %v, LINE takes at most 5", len(replies), replyKeys(flows.Outcome{Replies: replies}))
	}
	check := func(m flows.Msg) {
		t.Helper()
		if m.Key == "" {
			return
		}
		if _, err := catalog.Text(lang, m.Key, m.Args); err != nil {
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

// update runs fn in one read-write transaction, failing the test on error.
func (r *rig) update(fn func(tx flows.Tx) error) {
	r.t.Helper()
	if err := r.db.Update(fn); err != nil {
		r.t.Fatal(err)
	}
}

// view runs fn in one read-only transaction, failing the test on error.
func (r *rig) view(fn func(tx flows.Tx) error) {
	r.t.Helper()
	if err := r.db.View(fn); err != nil {
		r.t.Fatal(err)
	}
}

// get reads one record of a table, e.g. get(r, flows.Tx.Users, id).
func get[K comparable, V any](r *rig, table func(flows.Tx) flows.Table[K, V], k K) (V, bool) {
	r.t.Helper()
	var v V
	var ok bool
	r.view(func(tx flows.Tx) error {
		var err error
		v, ok, err = table(tx).Get(k)
		return err
	})
	return v, ok
}

// put stores one record of a table, e.g. put(r, flows.Tx.Users, u.ID, u).
func put[K comparable, V any](r *rig, table func(flows.Tx) flows.Table[K, V], k K, v V) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error { return table(tx).Put(k, v) })
}

// Fixtures.

func (r *rig) putUser(u flows.User) { r.t.Helper(); put(r, flows.Tx.Users, u.ID, u) }

// user stores an active villager who reads Thai.
func (r *rig) user(id string) {
	r.t.Helper()
	r.putUser(flows.User{ID: id, Active: true, Lang: locales.Thai})
}

// officer stores user as an officer called name ("" = no name yet).
func (r *rig) officer(id, name string) {
	r.t.Helper()
	r.putUser(flows.User{ID: id, Lang: locales.Thai, Active: true, Officer: true, OfficerSince: r.now, Name: name})
}

func (r *rig) putGroup(g flows.Group) { r.t.Helper(); put(r, flows.Tx.Groups, g.ID, g) }

func (r *rig) putInvite(inv flows.Invite) { r.t.Helper(); put(r, flows.Tx.Invites, inv.Code, inv) }

// putVillage stores v in the current round (flows.PutVillage). Tests give
// villages ids equal to their numbers, so that data reads as the numbers
// it stands for.
func (r *rig) putVillage(v flows.Village) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error { return flows.PutVillage(tx, &v) })
}

func (r *rig) putSage(s flows.Sage) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error { return tx.Sages().Put(s.UserID, s) })
}

// sage stores an approved sage (a user too) on village vid's team, its
// lead if lead.
func (r *rig) sage(id string, vid int, lead bool) {
	r.t.Helper()
	r.user(id)
	r.update(func(tx flows.Tx) error {
		n, err := tx.Sages().NextNumber()
		if err != nil {
			return err
		}
		s := flows.Sage{ID: n, UserID: id, Name: "ปราชญ์ " + id, Moo: vid, TeamVillage: vid, Status: flows.SageApproved}
		if err := tx.Sages().Put(id, s); err != nil {
			return err
		}
		if !lead {
			return nil
		}
		v, _, err := flows.GetVillage(tx, vid)
		if err != nil {
			return err
		}
		v.LeadSageID = id
		return flows.PutVillage(tx, &v)
	})
}

func (r *rig) putDay(d flows.ProgrammeDay) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error { return tx.Days().Put(flows.DayRef{Village: d.Village, Day: d.Day}, d) })
}

func (r *rig) putHousehold(h flows.Household) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error { return flows.PutHousehold(tx, h) })
}

func (r *rig) putAttendance(a flows.Attendance) {
	r.t.Helper()
	r.update(func(tx flows.Tx) error {
		return tx.Attendance().Put(flows.AttendanceRef{Village: a.Village, Day: a.Day, Household: a.Household}, a)
	})
}

// Readers.

func (r *rig) getUser(id string) flows.User {
	r.t.Helper()
	u, _ := get(r, flows.Tx.Users, id)
	return u
}

func (r *rig) getGroup(id string) flows.Group {
	r.t.Helper()
	g, _ := get(r, flows.Tx.Groups, id)
	return g
}

// getSage reads user's sage record.
func (r *rig) getSage(user string) (flows.Sage, bool) {
	r.t.Helper()
	var s flows.Sage
	var ok bool
	r.view(func(tx flows.Tx) error {
		var err error
		s, ok, err = flows.GetSage(tx, user)
		return err
	})
	return s, ok
}

func (r *rig) mustSage(user string) flows.Sage {
	r.t.Helper()
	s, ok := r.getSage(user)
	if !ok {
		r.t.Fatalf("no sage record for %s", user)
	}
	return s
}

// sages lists the registry.
func (r *rig) sages() []flows.Sage {
	r.t.Helper()
	var all []flows.Sage
	r.view(func(tx flows.Tx) error {
		var err error
		all, err = flows.ListSages(tx)
		return err
	})
	return all
}

func (r *rig) getVillage(id int) flows.Village {
	r.t.Helper()
	var v flows.Village
	r.view(func(tx flows.Tx) error {
		var err error
		v, _, err = flows.GetVillage(tx, id)
		return err
	})
	return v
}

// villages lists the current round's villages by number.
func (r *rig) villages() []flows.Village {
	r.t.Helper()
	var vs []flows.Village
	r.view(func(tx flows.Tx) error {
		var err error
		vs, err = flows.ListVillages(tx)
		return err
	})
	slices.SortStableFunc(vs, func(a, b flows.Village) int { return a.Moo - b.Moo })
	return vs
}

// villageByMoo reads the current round's village numbered moo (the tests'
// villages are in one ตำบล each).
func (r *rig) villageByMoo(moo int) (flows.Village, bool) {
	r.t.Helper()
	var found []flows.Village
	r.view(func(tx flows.Tx) error {
		var err error
		found, err = flows.FindVillages(tx, moo, "")
		return err
	})
	if len(found) != 1 {
		return flows.Village{}, false
	}
	return found[0], true
}

func (r *rig) getHousehold(id string) (flows.Household, bool) {
	r.t.Helper()
	var h flows.Household
	var ok bool
	r.view(func(tx flows.Tx) error {
		var err error
		h, ok, err = flows.GetHousehold(tx, id)
		return err
	})
	return h, ok
}

// findHouseholdOf reads the household whose head is user.
func (r *rig) findHouseholdOf(user string) (flows.Household, bool) {
	r.t.Helper()
	var h flows.Household
	var ok bool
	r.view(func(tx flows.Tx) error {
		var err error
		h, ok, err = flows.HouseholdOfUser(tx, user)
		return err
	})
	return h, ok
}

// householdOf is findHouseholdOf for a user who has one.
func (r *rig) householdOf(user string) flows.Household {
	r.t.Helper()
	h, ok := r.findHouseholdOf(user)
	if !ok {
		r.t.Fatalf("no household for %s", user)
	}
	return h
}

// households lists village vid's households.
func (r *rig) households(vid int) []flows.Household {
	r.t.Helper()
	var hs []flows.Household
	r.view(func(tx flows.Tx) error {
		var err error
		hs, err = flows.VillageHouseholds(tx, vid)
		return err
	})
	return hs
}

// Outcomes.

// keys lists what an outcome said: each reply's text key, the raw value
// of conv.value texts, and "hint:" and the hint of a retry.
func keys(out flows.Outcome) []string {
	var ks []string
	for _, rep := range out.Replies {
		ks = append(ks, msgString(rep.Text))
	}
	return ks
}

func msgString(m flows.Msg) string {
	if m.Key == "conv.value" {
		return m.Args["V"].(string)
	}
	if m.Key == "conv.invalid_retry_hint" || m.Key == "conv.invalid_retry_again" {
		ref := m.Args["Hint"].(locales.Ref)
		return "hint:" + msgString(flows.Msg{Key: ref.Key, Args: ref.Args})
	}
	return m.Key
}

// wantSaid fails unless the outcome said exactly want (see keys).
func wantSaid(t testing.TB, out flows.Outcome, want ...string) {
	t.Helper()
	if got := keys(out); !slices.Equal(got, want) {
		t.Errorf("said %q, want %q", got, want)
	}
}

// replyKeys lists the keys of what an outcome says (titles and texts), in
// order.
func replyKeys(out flows.Outcome) []string {
	var ks []string
	for _, rep := range out.Replies {
		if rep.Title != nil {
			ks = append(ks, rep.Title.Key)
		}
		ks = append(ks, rep.Text.Key)
	}
	return ks
}

// actions lists every button and quick reply of an outcome.
func actions(out flows.Outcome) []flows.Action {
	var acts []flows.Action
	for _, rep := range out.Replies {
		acts = append(acts, rep.Buttons...)
		acts = append(acts, rep.Quick...)
	}
	return acts
}

// button returns the data of the first button or chip whose label reads
// label (see msgString).
func button(t testing.TB, out flows.Outcome, label string) string {
	t.Helper()
	var labels []string
	for _, a := range actions(out) {
		l := msgString(a.Label)
		if l == label {
			return a.Data
		}
		labels = append(labels, l)
	}
	t.Fatalf("no button %q; have %v", label, labels)
	return ""
}

// buttonKey returns the data of the last button or chip labelled with key
// (and, when given, whose label arguments include each of want).
func buttonKey(t testing.TB, out flows.Outcome, key string, want ...any) string {
	t.Helper()
	acts := actions(out)
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

// hasButton reports whether the outcome has a button labelled key.
func hasButton(out flows.Outcome, key string) bool {
	return slices.ContainsFunc(actions(out), func(a flows.Action) bool { return a.Label.Key == key })
}

// msgText renders a Msg roughly, for assertions: key(args) with nested
// messages rendered the same way, the value alone for conv.value.
func msgText(m flows.Msg) string {
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
