package flows_test

import (
	"testing"

	"github.com/sammachip/sammachip/flows"
)

func TestMyDataShowsOwnRecord(t *testing.T) {
	r := newRig(t, stOpts)
	r.register("Usage", stDefault)
	for _, in := range []flows.Input{
		{Kind: flows.InputPostback, UserID: "Usage", Data: "menu=myinfo"},
		{Kind: flows.InputText, UserID: "Usage", Text: "ข้อมูลของฉัน"},
		{Kind: flows.InputText, UserID: "Usage", Text: "My info"},
	} {
		out := r.send(in)
		cards := stCards(out, "sage.card.own_title")
		if len(cards) != 1 {
			t.Fatalf("got %v, want the sage's own card", replyKeys(out))
		}
		if got := stField(t, cards[0], "sage.phone.label"); got != "081-234-5678" {
			t.Errorf("phone: got %q, want 081-234-5678", got)
		}
		stWant(t, out, "mydata.footer")
		if !hasButton(out, "mydata.btn.delete") || !hasButton(out, "sage.btn.edit") {
			t.Errorf("got buttons %v, want delete and edit", actions(out))
		}
	}
	out := r.tap("Unobody", "menu=myinfo")
	stWant(t, out, "mydata.none")
	if hasButton(out, "mydata.btn.delete") {
		t.Error("someone without data is offered a deletion")
	}
}

func TestMyDataEditFromMyInfo(t *testing.T) {
	r := newRig(t, stOpts)
	r.register("Usage", stDefault)
	out := r.tap("Usage", buttonKey(t, r.tap("Usage", "menu=myinfo"), "sage.btn.edit"))
	stWant(t, out, "conv.confirm.title")
	out = r.tap("Usage", buttonKey(t, out, "conv.btn.edit"))
	out = r.tap("Usage", buttonKey(t, out, "sage.moo.label"))
	stWant(t, out, "sage.moo.ask")
	out = r.say("Usage", "ม.3")
	stWant(t, r.tap("Usage", buttonKey(t, out, "conv.btn.confirm")), "sage.saved.edit")
	if got := r.mustSage("Usage"); got.Moo != 3 || got.Status != flows.SagePending {
		t.Errorf("after edit got %+v, want village 3, still pending", got)
	}
}

func TestMyDataDelete(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *rig)
		check func(t *testing.T, r *rig)
	}{
		{"pending sage", func(r *rig) { r.register("Ume", stDefault) }, nil},
		{"lead sage: the village loses its lead, the codes die", func(r *rig) {
			r.lead("Ume", 0, 5)
			code := r.invite("Ume")
			r.approved("Umember", stPerson(1, "5"))
			r.say("Umember", code)
			r.invite("Ume")
		}, func(t *testing.T, r *rig) {
			if got := r.getVillage(5).LeadSageID; got != "" {
				t.Errorf("village 5 lead: got %q, want none", got)
			}
			if got := r.mustSage("Umember").TeamVillage; got != 5 {
				t.Errorf("member's team: got %d, want still 5", got)
			}
			stWant(t, r.say("Umember", "ทีมของฉัน"), "team.card.no_lead")
			r.approved("Ulate", stPerson(2, "5"))
			stWant(t, r.say("Ulate", "TEAM0002"), "team.code.used")
		}},
		{"team member: leaves the team", func(r *rig) {
			r.lead("Ulead", 0, 5)
			code := r.invite("Ulead")
			r.approved("Ume", stPerson(1, "5"))
			r.say("Ume", code)
		}, func(t *testing.T, r *rig) {
			out := r.say("Ulead", "ทีมของฉัน")
			if got := stCards(out, "team.card.title")[0].Fields; len(got) != 1 {
				t.Errorf("team rows: got %d, want the lead alone", len(got))
			}
		}},
		{"code typed before registering", func(r *rig) {
			r.lead("Ulead", 0, 5)
			r.say("Ume", r.invite("Ulead"))
		}, func(t *testing.T, r *rig) {
			out := r.toSummary("Ume", stPerson(1, "5"))
			stNot(t, r.tap("Ume", buttonKey(t, out, "conv.btn.confirm")), "sage.saved.code_kept")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, stOpts)
			tt.setup(r)
			out := r.tap("Ume", buttonKey(t, r.tap("Ume", "menu=myinfo"), "mydata.btn.delete"))
			stWant(t, out, "mydata.delete.q")
			if out.Replies[0].Style != flows.StyleConfirm {
				t.Errorf("got style %v, want a yes/no confirm", out.Replies[0].Style)
			}
			stWant(t, r.tap("Ume", buttonKey(t, out, "mydata.btn.delete_no")), "mydata.delete.kept")
			yes := buttonKey(t, out, "mydata.btn.delete_yes")
			stWant(t, r.tap("Ume", yes), "mydata.delete.done")
			if _, ok := r.getSage("Ume"); ok {
				t.Fatal("the sage record is still there")
			}
			for _, s := range r.sages() {
				if s.UserID == "Ume" {
					t.Fatal("the registry still lists the user")
				}
			}
			stWant(t, r.tap("Ume", yes), "mydata.delete.nothing")
			stWant(t, r.tap("Ume", "menu=myinfo"), "mydata.none")
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func TestMyDataDeleteKeepsOfficerButForgetsName(t *testing.T) {
	r := newRig(t, stOpts)
	out := r.say(stOfficer, "ลบข้อมูลของฉัน")
	stWant(t, r.tap(stOfficer, buttonKey(t, out, "mydata.btn.delete_yes")), "mydata.delete.done")
	if u := r.getUser(stOfficer); u.Name != "" || !u.Officer {
		t.Errorf("got %+v, want the name gone and the officer role kept", u)
	}
}

func TestMyDataDeleteOldCardTellsOfficer(t *testing.T) {
	r := newRig(t, stOpts)
	s := r.register("Ume", stDefault)
	out := r.say("Ume", "ลบข้อมูลของฉัน")
	r.tap("Ume", buttonKey(t, out, "mydata.btn.delete_yes"))
	stWant(t, r.tap(stOfficer, stDecide(s, "approve")), "sage.gone")
	if len(r.tap(stOfficer, stDecide(s, "approve")).Pushes) != 0 {
		t.Error("a deleted sage was pushed to")
	}
}

// Leaving a half-filled form for the menu discards its answers: "my info"
// then has nothing of the user's to show or delete.
// A form left for a button outside it is kept to go back to (issue 14):
// my info shows its answers as a draft, and deleting my data deletes them.
func TestLeavingAFormKeepsItsDraftToGoBackTo(t *testing.T) {
	r := newRig(t, stOpts)
	out := r.tap("Ume", "menu=sage")
	r.tap("Ume", buttonKey(r.t, out, "conv.btn.agree"))
	r.say("Ume", "สมชาย ใจดี")
	out = r.tap("Ume", "menu=myinfo")
	stWant(t, out, "conv.left_form")
	stWant(t, out, "mydata.draft")
	// Typed text is no answer to the form left.
	stWant(t, r.say("Ume", "0812345678"), "core.menu.prompt")
	r.tap("Ume", buttonKey(t, r.say("Ume", "ลบข้อมูลของฉัน"), "mydata.btn.delete_yes"))
	if c, ok := get(r, flows.Tx.Conversations, "Ume"); ok && c.Left != nil {
		t.Errorf("the draft is kept after deleting my data: %+v", c.Left)
	}
}
