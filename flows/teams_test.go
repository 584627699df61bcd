package flows_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// stPerson is a distinct registration for user n.
func stPerson(n int, moo string) stAnswers {
	names := []string{"สมชาย ใจดี", "สมหญิง รักดี", "มานพ ขยัน", "บุญมี ศรีสุข", "ประยูร ทองดี", "วันดี มีสุข", "สายใจ ดีงาม", "ทองใบ ใจงาม"}
	return stAnswers{name: names[n%len(names)], phone: fmt.Sprintf("08123456%02d", n), moo: moo, skill: "ทอผ้า", years: strconv.Itoa(n)}
}

// lead approves user and makes them the lead of moo.
func (r *rig) lead(user string, n, moo int) flows.Sage {
	r.t.Helper()
	s := r.approved(user, stPerson(n, strconv.Itoa(moo)))
	out := r.tap(stOfficer, fmt.Sprintf("a=team.setlead&moo=%d&id=%d&old=", moo, s.ID))
	stWant(r.t, out, "team.lead.named")
	return r.mustSage(user)
}

// invite has the lead make a code and returns it.
func (r *rig) invite(lead string) string {
	r.t.Helper()
	out := r.say(lead, "ชวนสมาชิก")
	return stMsg(r.t, out, "team.invite.made").Args["Code"].(string)
}

func TestTeamLeadNamedByOfficerWithReplacementConfirmed(t *testing.T) {
	r := newRig(t, stOpts)
	first := r.approved("Ufirst", stPerson(0, "5"))
	second := r.approved("Usecond", stPerson(1, "3"))
	third := r.approved("Uthird", stPerson(2, "5"))
	r.register("Upend", stPerson(3, "5"))

	// The officer names the first lead through the form.
	out := r.say(stOfficer, "ตั้งปราชญ์สัมมาชีพ")
	stWant(t, out, "team.lead.ask_moo")
	out = r.tap(stOfficer, buttonKey(t, out, "village.btn.pick", 5))
	stWant(t, out, "team.lead.ask_sage")
	var names []string
	for _, a := range actions(out) {
		if a.Label.Key == "team.lead.sage_choice_moo" {
			names = append(names, fmt.Sprint(a.Label.Args["Name"]))
		}
	}
	if want := []string{"สมชาย ใจดี", "มานพ ขยัน", "สมหญิง รักดี"}; fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("sage choices: got %v, want approved sages, village 5 first: %v", names, want)
	}
	stWant(t, r.say(stOfficer, "4"), "conv.invalid_retry_hint") // registry no. 4 is pending
	out = r.say(stOfficer, strconv.FormatUint(first.ID, 10))
	stWant(t, out, "conv.confirm.title")
	out = r.tap(stOfficer, buttonKey(t, out, "conv.btn.confirm"))
	stWant(t, out, "team.lead.named")
	if p := stPushes(out, "lead"); len(p) != 1 || p[0].To != "Ufirst" || p[0].Replies[0].Text.Key != "team.lead.push_named" {
		t.Fatalf("pushes: got %+v, want one to the new lead", out.Pushes)
	}
	if v := r.getVillage(5); v.LeadSageID != "Ufirst" {
		t.Fatalf("village 5 lead: got %q, want Ufirst", v.LeadSageID)
	}
	if got := r.mustSage("Ufirst").TeamVillage; got != 5 {
		t.Errorf("lead's team: got %d, want 5", got)
	}

	// Naming another asks before replacing.
	stWant(t, r.say(stOfficer, "ตั้งปราชญ์สัมมาชีพ"), "team.lead.ask_moo")
	stWant(t, r.say(stOfficer, "หมู่ 5"), "team.lead.ask_sage")
	out = r.say(stOfficer, strconv.FormatUint(second.ID, 10))
	out = r.tap(stOfficer, buttonKey(t, out, "conv.btn.confirm"))
	q := stMsg(t, out, "team.lead.replace_q")
	if q.Args["Old"] != "สมชาย" || q.Args["New"] != "สมหญิง" {
		t.Errorf("question names: got %v, want old สมชาย new สมหญิง", q.Args)
	}
	if out.Replies[len(out.Replies)-1].Style != flows.StyleConfirm {
		t.Errorf("got style %v, want a yes/no confirm", out.Replies[len(out.Replies)-1].Style)
	}
	if len(out.Pushes) != 0 || r.getVillage(5).LeadSageID != "Ufirst" {
		t.Fatal("something changed before the confirmation")
	}
	replaceSecond := buttonKey(t, out, "team.btn.replace")
	stWant(t, r.tap(stOfficer, buttonKey(t, out, "team.btn.keep_lead")), "team.lead.kept")
	if got := r.getVillage(5).LeadSageID; got != "Ufirst" {
		t.Fatalf("after keep: lead %q, want Ufirst", got)
	}
	// A question about the third, asked while the first still leads.
	out = r.tap(stOfficer, fmt.Sprintf("a=team.setlead&moo=5&id=%d&old=", third.ID))
	replaceThird := buttonKey(t, out, "team.btn.replace")

	out = r.tap(stOfficer, replaceSecond)
	stWant(t, out, "team.lead.named")
	pushes := stPushes(out, "lead")
	if len(pushes) != 2 || pushes[0].To != "Usecond" || pushes[1].To != "Ufirst" || pushes[1].Replies[0].Text.Key != "team.lead.push_replaced" {
		t.Fatalf("pushes: got %+v, want the new lead told, then the old one", pushes)
	}
	if got := r.mustSage("Ufirst").TeamVillage; got != 0 {
		t.Errorf("old lead still on team %d", got)
	}
	if got := r.mustSage("Usecond").TeamVillage; got != 5 {
		t.Errorf("new lead's team: got %d, want 5", got)
	}

	// A second tap changes nothing; the stale question about the third is asked again.
	out = r.tap(stOfficer, replaceSecond)
	stWant(t, out, "team.lead.already")
	if len(out.Pushes) != 0 {
		t.Errorf("second tap pushed %d messages", len(out.Pushes))
	}
	out = r.tap(stOfficer, replaceThird)
	stWant(t, out, "team.lead.changed")
	if q := stMsg(t, out, "team.lead.replace_q"); q.Args["Old"] != "สมหญิง" {
		t.Errorf("re-asked with old lead %v, want สมหญิง", q.Args["Old"])
	}
	if got := r.getVillage(5).LeadSageID; got != "Usecond" {
		t.Errorf("stale tap changed the lead to %q", got)
	}
}

func TestTeamLeadMustBeApproved(t *testing.T) {
	r := newRig(t, stOpts)
	s := r.register("Upending", stDefault)
	out := r.tap(stOfficer, fmt.Sprintf("a=team.setlead&moo=5&id=%d&old=", s.ID))
	stWant(t, out, "team.lead.not_approved")
	if r.getVillage(5).LeadSageID != "" {
		t.Error("a pending sage became lead")
	}
	stWant(t, r.say(stOfficer, "ตั้งปราชญ์สัมมาชีพ"), "team.lead.none_approved")
}

func TestTeamOfFiveAndTheSixthRefused(t *testing.T) {
	r := newRig(t, stOpts)
	lead := r.lead("Ulead", 0, 5)
	var codes []string
	for i := range 4 {
		out := r.say("Ulead", "ชวนสมาชิก")
		made := stMsg(t, out, "team.invite.made")
		codes = append(codes, made.Args["Code"].(string))
		left := made.Args["Left"].(locales.Ref)
		if i < 3 && (left.Key != "team.invite.left" || left.Args["N"] != locales.Number(3-i)) {
			t.Errorf("invite %d: places left %v, want %v", i+1, left, 3-i)
		}
		if i == 3 && left.Key != "team.invite.left_none" {
			t.Errorf("last invite says %v, want the last place named (not \"0 more\")", left)
		}
		stWant(t, out, "team.invite.forward")
	}
	// Every place has a code: a fifth code is refused.
	stWant(t, r.tap("Ulead", "a=team.invite"), "team.invite.all_promised")

	for i, code := range codes {
		u := "Umember" + strconv.Itoa(i)
		r.approved(u, stPerson(i+1, "3"))
		typed := code[:4] + " " + code[4:] // typed with a space, lower case
		out := r.say(u, locales.MatchCommand(typed))
		done := stMsg(t, out, "team.join.done")
		if got := done.Args["Count"]; got != locales.Number(i+2) {
			t.Errorf("member %d: team count %v, want %d", i+1, got, i+2)
		}
		if got := r.mustSage(u).TeamVillage; got != 5 {
			t.Errorf("member %d on team %d, want 5", i+1, got)
		}
	}
	stWant(t, r.say("Ulead", "ชวนสมาชิก"), "team.full")

	// A sixth, with a code that is somehow still open, is refused at joining too.
	r.putInvite(flows.Invite{Code: "EXTRA234", Village: 5, By: lead.UserID, Created: r.now, Expires: r.now.Add(flows.InviteTTL)})
	r.approved("Usixth", stPerson(6, "5"))
	stWant(t, r.say("Usixth", "EXTRA234"), "team.join.full")
	if got := r.mustSage("Usixth").TeamVillage; got != 0 {
		t.Errorf("sixth sage joined team %d", got)
	}

	out := r.say("Ulead", "ทีมของฉัน")
	card := stCards(out, "team.card.title")
	if len(card) != 1 || len(card[0].Fields) < 5 {
		t.Fatalf("team card: got %v, want 5 members", replyKeys(out))
	}
	if card[0].Fields[0].Label.Key != "team.role.lead" {
		t.Errorf("first row %s, want the lead", card[0].Fields[0].Label.Key)
	}
	if hasButton(out, "team.btn.invite") {
		t.Error("a full team offers an invite")
	}
	removes := 0
	for _, a := range actions(out) {
		if a.Label.Key == "team.btn.remove" {
			removes++
		}
	}
	if removes != 4 {
		t.Errorf("got %d remove buttons, want 4", removes)
	}
	out = r.say("Umember0", "my team")
	if len(stCards(out, "team.card.title")) != 1 || hasButton(out, "team.btn.remove") || hasButton(out, "team.btn.invite") {
		t.Errorf("member's view: got %v with buttons %v, want the card without managing buttons", replyKeys(out), actions(out))
	}
}

func TestTeamMemberRemoval(t *testing.T) {
	r := newRig(t, stOpts)
	r.lead("Ulead", 0, 5)
	r.approved("Umember", stPerson(1, "5"))
	stWant(t, r.say("Umember", r.invite("Ulead")), "team.join.done")

	view := r.say("Ulead", "ทีมของฉัน")
	remove := buttonKey(t, view, "team.btn.remove", "สมหญิง")
	out := r.tap("Ulead", remove)
	stWant(t, out, "team.remove.q")
	if r.mustSage("Umember").TeamVillage != 5 {
		t.Fatal("removed before the confirmation")
	}
	stWant(t, r.tap("Ulead", buttonKey(t, out, "team.btn.remove_no")), "team.remove.kept")
	if r.mustSage("Umember").TeamVillage != 5 {
		t.Fatal("removed after no")
	}
	yes := buttonKey(t, out, "team.btn.remove_yes")
	out = r.tap("Ulead", yes)
	if got := stMsg(t, out, "team.remove.done").Args["Count"]; got != locales.Number(1) {
		t.Errorf("team count after removal: got %v, want 1", got)
	}
	if r.mustSage("Umember").TeamVillage != 0 {
		t.Fatal("member still on the team")
	}
	stWant(t, r.tap("Ulead", yes), "team.remove.not_member")
	// The member is free to join another team.
	r.lead("Uother", 2, 3)
	stWant(t, r.say("Umember", r.invite("Uother")), "team.join.done")
}

func TestTeamInviteRevoked(t *testing.T) {
	r := newRig(t, stOpts)
	r.lead("Ulead", 0, 5)
	code := r.invite("Ulead")
	out := r.say("Ulead", "ทีมของฉัน")
	revoke := buttonKey(t, out, "team.btn.revoke", code)
	stWant(t, r.tap("Ulead", revoke), "team.revoke.done")
	stWant(t, r.tap("Ulead", revoke), "team.revoke.done")
	r.approved("Ulate", stPerson(1, "5"))
	stWant(t, r.say("Ulate", code), "team.code.used")
	if r.mustSage("Ulate").TeamVillage != 0 {
		t.Error("joined with a cancelled code")
	}
}

func TestTeamJoinRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *rig, code string) string // returns the user who types the code
		want  string
	}{
		{"pending sage", func(r *rig, _ string) string {
			r.register("Ujoin", stPerson(1, "5"))
			return "Ujoin"
		}, "team.join.after_approval"},
		{"rejected sage", func(r *rig, _ string) string {
			s := r.register("Ujoin", stPerson(1, "5"))
			r.tap(stOfficer, stDecide(s, "reject"))
			return "Ujoin"
		}, "team.join.not_approved"},
		{"on another team", func(r *rig, _ string) string {
			r.lead("Uother", 2, 3)
			r.approved("Ujoin", stPerson(1, "5"))
			r.say("Ujoin", r.invite("Uother"))
			return "Ujoin"
		}, "team.join.other_team"},
		{"a lead of another village", func(r *rig, _ string) string {
			r.lead("Ujoin", 2, 3)
			return "Ujoin"
		}, "team.join.other_team"},
		{"code already used", func(r *rig, code string) string {
			r.approved("Ufirst", stPerson(3, "5"))
			r.say("Ufirst", code)
			r.approved("Ujoin", stPerson(1, "5"))
			return "Ujoin"
		}, "team.code.used"},
		{"code expired", func(r *rig, _ string) string {
			r.approved("Ujoin", stPerson(1, "5"))
			r.now = r.now.Add(flows.InviteTTL)
			return "Ujoin"
		}, "team.code.expired"},
		{"the lead's own team", func(*rig, string) string { return "Ulead" }, "team.join.already_here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, stOpts)
			r.lead("Ulead", 0, 5)
			code := r.invite("Ulead")
			u := tt.setup(r, code)
			before, _ := r.getSage(u)
			stWant(t, r.say(u, code), tt.want)
			after, _ := r.getSage(u)
			if after.TeamVillage != before.TeamVillage {
				t.Errorf("team changed from %d to %d", before.TeamVillage, after.TeamVillage)
			}
		})
	}
}

func TestTeamUnregisteredSageJoinsAfterApproval(t *testing.T) {
	r := newRig(t, stOpts)
	r.lead("Ulead", 0, 5)
	code := r.invite("Ulead")
	const u = "Unew"
	out := r.say(u, code)
	stWant(t, out, "team.join.register_first")
	if _, ok := r.getSage(u); ok {
		t.Fatal("typing a code made a sage record")
	}
	out = r.tap(u, buttonKey(t, out, "sage.btn.register"))
	stWant(t, out, "sage.consent")
	out = r.toSummary(u, stPerson(1, "5"))
	out = r.tap(u, buttonKey(t, out, "conv.btn.confirm"))
	if got := stMsg(t, out, "sage.saved.code_kept").Args["Code"]; got != code {
		t.Errorf("kept code: got %v, want %s", got, code)
	}
	s := r.mustSage(u)
	out = r.tap(stOfficer, stDecide(s, "approve"))
	p := stPushes(out, "approval")
	if len(p) != 1 || len(p[0].Replies) != 2 || p[0].Replies[1].Text.Key != "sage.push.code" {
		t.Fatalf("approval push: got %+v, want the approval and the kept code", p)
	}
	join := buttonKey(t, flows.Outcome{Replies: p[0].Replies}, "team.btn.join")
	stWant(t, r.tap(u, join), "team.join.done")
	if got := r.mustSage(u).TeamVillage; got != 5 {
		t.Errorf("team: got %d, want 5", got)
	}
	stWant(t, r.tap(u, join), "team.join.already_here")
}

func TestTeamLeadOnlyRefusals(t *testing.T) {
	r := newRig(t, stOpts)
	r.lead("Ulead", 0, 5)
	code := r.invite("Ulead")
	member := r.approved("Umember", stPerson(1, "5"))
	r.say("Umember", code)
	r.approved("Uloner", stPerson(2, "3"))
	code2 := r.invite("Ulead")
	tests := []struct {
		name string
		in   flows.Input
	}{
		{"member makes a code", flows.Input{Kind: flows.InputText, UserID: "Umember", Text: "ชวนสมาชิก"}},
		{"member taps invite", flows.Input{Kind: flows.InputPostback, UserID: "Umember", Data: "a=team.invite"}},
		{"sage without team makes a code", flows.Input{Kind: flows.InputText, UserID: "Uloner", Text: "invite"}},
		{"villager makes a code", flows.Input{Kind: flows.InputText, UserID: stVillager, Text: "ชวนสมาชิก"}},
		{"officer removes a member", flows.Input{Kind: flows.InputPostback, UserID: stOfficer, Data: fmt.Sprintf("a=team.remove&id=%d&ok=1", member.ID)}},
		{"member removes a member", flows.Input{Kind: flows.InputPostback, UserID: "Umember", Data: fmt.Sprintf("a=team.remove&id=%d&ok=1", member.ID)}},
		{"member cancels a code", flows.Input{Kind: flows.InputPostback, UserID: "Umember", Data: "a=team.revoke&code=" + code2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			codesBefore := r.made
			out := r.send(tt.in)
			stWant(t, out, "team.refuse.lead_only")
			if r.made != codesBefore {
				t.Error("a code was made")
			}
			if r.mustSage("Umember").TeamVillage != 5 {
				t.Error("member was removed")
			}
		})
	}
	// The code the lead made is still good.
	stWant(t, r.say("Uloner", code2), "team.join.done")
}
