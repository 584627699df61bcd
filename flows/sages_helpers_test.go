package flows_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// Users of the sage, team and my-data tests.
const (
	stOfficer  = "Uofficer1"
	stOfficer2 = "Uofficer2"
	stVillager = "Uvillager"
)

// stOpts set the rig up for the sage, team and my-data tests: two
// officers, villages 3 and 5, and team codes TEAM0001, TEAM0002…
var stOpts = rigOptions(withCodes("TEAM%04d"), withSeed(func(r *rig) {
	r.officer(stOfficer, "สมศรี")
	r.officer(stOfficer2, "มานะ")
	r.putVillage(flows.Village{ID: 3, Moo: 3, Name: "บ้านหนองบัว", Capacity: flows.DefaultCapacity})
	r.putVillage(flows.Village{ID: 5, Moo: 5, Name: "บ้านโนนสูง", Capacity: flows.DefaultCapacity})
}))

// stAnswers are typed answers to the registration form, in order.
type stAnswers struct{ name, phone, moo, skill, years string }

var stDefault = stAnswers{name: "นายสมชาย ใจดี", phone: "081-234-5678", moo: "หมู่ 5", skill: "ทำปุ๋ยหมัก", years: "12"}

// toSummary takes user through the registration form up to its summary.
func (r *rig) toSummary(user string, a stAnswers) flows.Outcome {
	r.t.Helper()
	out := r.tap(user, "menu=sage")
	stWant(r.t, out, "sage.consent")
	out = r.tap(user, buttonKey(r.t, out, "conv.btn.agree"))
	stWant(r.t, out, "sage.name.ask")
	stWant(r.t, r.say(user, a.name), "sage.phone.ask")
	stWant(r.t, r.say(user, a.phone), "sage.moo.ask")
	out = r.say(user, a.moo)
	stWant(r.t, out, "sage.category.ask")
	stWant(r.t, r.tap(user, buttonKey(r.t, out, "sage.cat.farming.label")), "sage.skill.ask")
	stWant(r.t, r.say(user, a.skill), "sage.years.ask")
	out = r.say(user, a.years)
	stWant(r.t, out, "conv.confirm.title")
	return out
}

// register takes user through the whole form and confirms.
func (r *rig) register(user string, a stAnswers) flows.Sage {
	r.t.Helper()
	out := r.toSummary(user, a)
	stWant(r.t, r.tap(user, buttonKey(r.t, out, "conv.btn.confirm")), "sage.saved.new")
	return r.mustSage(user)
}

// approved registers user and has the officer approve them.
func (r *rig) approved(user string, a stAnswers) flows.Sage {
	r.t.Helper()
	s := r.register(user, a)
	out := r.tap(stOfficer, stDecide(s, "approve"))
	stWant(r.t, out, "sage.decide.approved", "sage.decide.approved_no_lead")
	return r.mustSage(user)
}

func stDecide(s flows.Sage, d string) string {
	return fmt.Sprintf("a=sage.decide&id=%d&r=%d&v=%s", s.ID, s.Rev, d)
}

// stWant fails unless the outcome says at least one of keys.
func stWant(t testing.TB, out flows.Outcome, keys ...string) {
	t.Helper()
	got := replyKeys(out)
	for _, k := range keys {
		if slices.Contains(got, k) {
			return
		}
	}
	t.Fatalf("got replies %v, want one of %v", got, keys)
}

// stNot fails if the outcome says key.
func stNot(t testing.TB, out flows.Outcome, key string) {
	t.Helper()
	if slices.Contains(replyKeys(out), key) {
		t.Fatalf("got replies %v, want no %s", replyKeys(out), key)
	}
}

// stMsg returns the first reply text with key.
func stMsg(t testing.TB, out flows.Outcome, key string) flows.Msg {
	t.Helper()
	for _, rep := range out.Replies {
		if rep.Text.Key == key {
			return rep.Text
		}
	}
	t.Fatalf("got replies %v, want %s", replyKeys(out), key)
	return flows.Msg{}
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
func stField(t testing.TB, card flows.Reply, key string) string {
	t.Helper()
	for _, f := range card.Fields {
		if f.Label.Key == key {
			return msgText(f.Value)
		}
	}
	t.Fatalf("card has no field %s", key)
	return ""
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
