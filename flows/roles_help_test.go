package flows_test

// Issue 14, help for your role: help and the fallback answer follow the
// user's roles (officer, lead sage, team sage, selected household,
// applicant, villager; two roles see both), help names the office's phone
// number when it is configured, a household's free text answers the
// question it was asked, and the rich menus offer what each role does
// next.

import (
	"slices"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// helpParts lists the role sections of a help answer (core.rolehelp.roles
// holds them joined by core.rolehelp.join); a villager's help is core.help.
func helpParts(t *testing.T, m flows.Msg) []string {
	t.Helper()
	if m.Key == "core.rolehelp.with_phone" {
		m = refMsg(m.Args["Help"])
	}
	if m.Key == "core.help" {
		return []string{"core.help"}
	}
	if m.Key != "core.rolehelp.roles" {
		t.Fatalf("help said %s, want role help", m.Key)
	}
	var parts []string
	var walk func(m flows.Msg)
	walk = func(m flows.Msg) {
		if m.Key == "core.rolehelp.join" {
			walk(refMsg(m.Args["A"]))
			walk(refMsg(m.Args["B"]))
			return
		}
		parts = append(parts, m.Key)
	}
	walk(refMsg(m.Args["Parts"]))
	return parts
}

func refMsg(v any) flows.Msg {
	r := v.(locales.Ref)
	return flows.Msg{Key: r.Key, Args: r.Args}
}

// chipKeys lists the label keys of the last reply's chips.
func chipKeys(out flows.Outcome) []string {
	var ks []string
	if len(out.Replies) == 0 {
		return nil
	}
	for _, a := range out.Replies[len(out.Replies)-1].Quick {
		ks = append(ks, a.Label.Key)
	}
	return ks
}

func TestHelpFollowsTheRoles(t *testing.T) {
	officerToo := func(r *rig, user string) {
		u := r.getUser(user)
		u.ID, u.Officer = user, true
		r.putUser(u)
	}
	tests := []struct {
		name     string
		setup    func(r *rig) string
		parts    []string
		chips    []string // among the chips
		notChips []string // not among them
	}{
		{"villager", func(*rig) string { return flows.DemoVillagerID },
			[]string{"core.help"}, []string{"core.menu.apply", "core.menu.sage"}, nil},
		{"officer", func(*rig) string { return flows.DemoOfficerID },
			[]string{"officer.help"}, []string{"richmenu.item.summary.label", "richmenu.item.pending.label", "officer.cmd.menu", "richmenu.item.myinfo.label"},
			[]string{"core.menu.apply", "core.menu.sage"}},
		{"lead sage", func(*rig) string { return flows.DemoLeadSageID },
			[]string{"core.rolehelp.lead"}, []string{"richmenu.item.rollcall.label", "richmenu.item.team.label", "richmenu.item.enrol.label"},
			[]string{"core.menu.apply", "core.menu.sage"}},
		{"team sage", func(*rig) string { return flows.DemoTeamSageID },
			[]string{"core.rolehelp.team"}, []string{"richmenu.item.rollcall.label"}, []string{"core.menu.apply"}},
		{"selected household", func(*rig) string { return flows.DemoHousehold1ID },
			[]string{"core.rolehelp.selected"}, []string{"richmenu.item.here.label", "richmenu.item.schedule.label"},
			[]string{"core.menu.apply", "core.menu.sage"}},
		{"applicant", func(r *rig) string {
			r.setStatus(flows.DemoHousehold2ID, flows.StatusApplicant)
			return flows.DemoHousehold2ID
		}, []string{"core.rolehelp.applicant"}, []string{"household.cmd.status"}, []string{"core.menu.apply", "richmenu.item.here.label"}},
		{"applicant not interested", func(r *rig) string {
			h := r.householdOf(flows.DemoHousehold2ID)
			h.Status, h.Interested = flows.StatusApplicant, false
			r.update(func(tx flows.Tx) error { return tx.Households().Put(h.ID, h) })
			return flows.DemoHousehold2ID
		}, []string{"core.rolehelp.not_interested"}, []string{"household.cmd.status"}, nil},
		{"officer who leads a team", func(r *rig) string {
			officerToo(r, flows.DemoLeadSageID)
			return flows.DemoLeadSageID
		}, []string{"officer.help", "core.rolehelp.lead"},
			[]string{"richmenu.item.summary.label", "richmenu.item.rollcall.label", "richmenu.item.team.label"}, []string{"core.menu.apply"}},
		{"sage whose household was selected", func(r *rig) string {
			r.putSage(flows.Sage{ID: 9999, UserID: flows.DemoHousehold1ID, Name: "ทองใบ ใจงาม", Moo: 1, Status: flows.SageApproved})
			return flows.DemoHousehold1ID
		}, []string{"core.rolehelp.sage", "core.rolehelp.selected"}, []string{"richmenu.item.team.label", "richmenu.item.here.label"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rmOpts)
			user := tt.setup(r)
			for _, how := range []struct {
				name string
				ask  func() flows.Outcome
			}{
				{"typed", func() flows.Outcome { return r.say(user, "ช่วยเหลือค่ะ") }},
				{"menu", func() flows.Outcome { return r.tap(user, flows.ItemHelp.Data()) }},
			} {
				out := how.ask()
				if got := helpParts(t, out.Replies[len(out.Replies)-1].Text); !slices.Equal(got, tt.parts) {
					t.Errorf("%s help: parts %q, want %q", how.name, got, tt.parts)
				}
				chips := chipKeys(out)
				for _, c := range tt.chips {
					if !slices.Contains(chips, c) {
						t.Errorf("%s help: chips %q, want %s among them", how.name, chips, c)
					}
				}
				for _, c := range tt.notChips {
					if slices.Contains(chips, c) {
						t.Errorf("%s help: chips %q offer %s, which is not for this role", how.name, chips, c)
					}
				}
			}
			// The fallback answer offers the same chips.
			out := r.say(user, "สวัสดีจ้า")
			wantSaid(t, out, "core.menu.prompt")
			for _, c := range tt.notChips {
				if slices.Contains(chipKeys(out), c) {
					t.Errorf("fallback chips %q offer %s", chipKeys(out), c)
				}
			}
			// Every chip does something (no stale button, no fall-through).
			for _, a := range out.Replies[0].Quick {
				if got := keys(r.tap(user, a.Data)); len(got) == 0 || got[0] == "conv.stale_button" || got[0] == "core.not_ready" {
					t.Errorf("chip %s said %q", a.Label.Key, got)
				}
			}
		})
	}
}

func TestHelpNamesTheOfficePhone(t *testing.T) {
	for _, user := range []string{flows.DemoVillagerID, flows.DemoOfficerID, flows.DemoHousehold1ID} {
		r := newRig(t, rmOpts, withConfig(func(c *flows.Config) { c.OfficePhone = "043123456" }))
		out := r.say(user, "ช่วยเหลือ")
		m := out.Replies[len(out.Replies)-1].Text
		if m.Key != "core.rolehelp.with_phone" {
			t.Fatalf("%s: help said %s, want it with the office's phone", user, m.Key)
		}
		th := catalog.MustText(locales.Thai, m.Key, m.Args)
		if !strings.Contains(th, locales.FormatPhone("043123456")) || !strings.Contains(th, "โทร") {
			t.Errorf("%s: help %q does not give the number to call", user, th)
		}
	}
	// Without one, no line about calling.
	r := newRig(t, rmOpts)
	m := r.say(flows.DemoVillagerID, "ช่วยเหลือ").Replies[0].Text
	if th := catalog.MustText(locales.Thai, m.Key, m.Args); strings.Contains(th, "📞") {
		t.Errorf("help without a phone configured says %q", th)
	}
}

// A selected household asked why it cannot come types its reason instead
// of tapping a chip: the words are its answer, not the villager menu.
func TestHouseholdTypesItsReasonForNotComing(t *testing.T) {
	r := newRig(t, rmOpts)
	user := flows.DemoHousehold1ID
	card := r.say(user, "ตารางของฉัน")
	wantSaid(t, r.tap(user, buttonKey(t, card, "attendance.btn.cannot")), "attendance.ask.reason")
	out := r.say(user, "ต้องพาแม่ไปหาหมอค่ะ")
	if got := keys(out); len(got) == 0 || got[0] != "attendance.done.cannot" {
		t.Fatalf("a typed reason said %q, want it recorded as the answer", got)
	}
	// A chip's label typed is that chip.
	card = r.say(user, "ตารางของฉัน")
	r.tap(user, buttonKey(t, card, "attendance.btn.cannot"))
	if got := keys(r.say(user, "ไม่สบายค่ะ")); len(got) == 0 || !strings.HasPrefix(got[0], "attendance.") || got[0] == "attendance.ask.reason" {
		t.Errorf("the chip's label typed said %q", got)
	}
	// Later free text is no answer any more: the household's menu.
	if got := keys(r.say(user, "สวัสดีจ้า")); !slices.Equal(got, []string{"core.menu.prompt"}) {
		t.Errorf("free text after the answer said %q, want the menu", got)
	}
}

// Rich menus per role: a household is not offered to apply; sages and
// officers have their data; the officer's menu has the language.
func TestMenusOfferWhatEachRoleDoesNext(t *testing.T) {
	r := newRig(t, rmOpts)
	for user, want := range map[string]flows.MenuName{
		flows.DemoHousehold1ID: flows.MenuHousehold,
		flows.DemoVillagerID:   flows.MenuVillager,
		flows.DemoLeadSageID:   flows.MenuSage,
		flows.DemoOfficerID:    flows.MenuOfficer,
	} {
		if got := r.role(user).Menu(); got != want {
			t.Errorf("%s sees the %s menu, want %s", user, got, want)
		}
	}
	// "สถานะของฉัน", the household menu's cell, typed or tapped, shows the
	// household its status, not the application form.
	for _, out := range []flows.Outcome{r.tap(flows.DemoHousehold1ID, flows.ItemStatus.Data()), r.say(flows.DemoHousehold1ID, "สถานะของฉัน")} {
		if got := replyKeys(out); !slices.Contains(got, "household.status.title") {
			t.Errorf("status said %q, want the household's status card", got)
		}
	}
}

// The evening card comes as a push, whose buttons no answer offered: its
// answer typed later ("เข้าร่วมค่ะ") is the answer for the household's
// next day, as the card's button is.
func TestDayAnswerTypedAfterAPushedCard(t *testing.T) {
	r := newRig(t, rmOpts)
	user := flows.DemoHousehold1ID
	card := r.say(user, "ตารางของฉัน")
	r.say(user, "สวัสดี") // the card is no longer the latest answer
	for _, c := range []struct{ typed, key string }{{"เข้าร่วมค่ะ", "attendance.btn.will"}, {"ไม่สะดวก", "attendance.btn.cannot"}} {
		want := said(r.clone(t).tap(user, buttonKey(t, card, c.key)))
		if got := said(r.clone(t).say(user, c.typed)); !slices.Equal(got, want) {
			t.Errorf("typed %q said %q; the card's button says %q", c.typed, got, want)
		}
	}
	// Someone with no household is not taken for one.
	if got := keys(r.say(flows.DemoVillagerID, "เข้าร่วม")); slices.ContainsFunc(got, func(k string) bool { return strings.HasPrefix(k, "attendance.") }) {
		t.Errorf("a villager typing เข้าร่วม got %q", got)
	}
}

// Cards are written for who is looking: the officer's view of a selected
// household's card neither sends them to "ตารางของฉัน" nor offers มาแล้ว.
func TestOfficersHouseholdCardIsWrittenForTheOfficer(t *testing.T) {
	r := newRig(t, rmOpts)
	r.now = rmDay1
	u := flows.DemoOfficerID
	out := r.say(u, "รายชื่อครัวเรือน")
	out = r.tap(u, out.Replies[0].Buttons[0].Data)
	out = r.tap(u, out.Replies[0].Rows[0].Tap.Data)
	for _, rep := range out.Replies {
		if s := thText(rep.Text); strings.Contains(s, "ตารางของฉัน") {
			t.Errorf("the officer's card says %q", s)
		}
	}
	for _, k := range []string{"attendance.btn.here", "attendance.btn.will", "attendance.btn.cannot"} {
		if hasButton(out, k) {
			t.Errorf("the officer's card offers %s", k)
		}
	}
}

// A menu cell's label typed does what the cell does ("มาแล้ว", "ทีม");
// "ตารางอบรม" (the officer's cell) from a villager shows the days.
func TestMenuLabelsTyped(t *testing.T) {
	r := newRig(t, rmOpts)
	r.now = rmDay1
	for _, c := range []struct {
		user, typed string
		item        flows.MenuItem
	}{
		{flows.DemoHousehold1ID, "มาแล้วค่ะ", flows.ItemHere},
		{flows.DemoLeadSageID, "ทีม", flows.ItemTeam},
		{flows.DemoLeadSageID, " ลงทะเบียนแทน ครับ", flows.ItemEnrol},
		{flows.DemoOfficerID, "ตารางอบรม", flows.ItemSetSchedule},
		{flows.DemoVillagerID, "ตารางอบรม", flows.ItemSchedule},
	} {
		want := said(r.clone(t).tap(c.user, c.item.Data()))
		if got := said(r.clone(t).say(c.user, c.typed)); !slices.Equal(got, want) {
			t.Errorf("%s typed %q: said %q, want what the %s cell says %q", c.user, c.typed, got, c.item, want)
		}
	}
}

// A button pushed to someone works typed too: the sage just named lead is
// pushed "ดูทีมของฉัน", and typing it shows the team.
func TestPushedButtonTyped(t *testing.T) {
	r := newRig(t, stOpts)
	r.lead("Ulead", 0, 5)
	// The push's chip is remembered as what the sage was last offered.
	if c, _ := get(r, flows.Tx.Conversations, "Ulead"); c.Offer == nil || len(c.Offer.Buttons) == 0 {
		t.Errorf("the pushed chip is not remembered: %+v", c.Offer)
	}
	if got := keys(r.say("Ulead", "ดูทีมของฉันค่ะ")); len(got) == 0 || got[0] == "core.menu.prompt" {
		t.Errorf("ดูทีมของฉัน typed said %q, want the team", got)
	}
	want := said(r.clone(t).say("Ulead", "ทีมของฉัน"))
	if got := said(r.clone(t).say("Ulead", "My team")); !slices.Equal(got, want) {
		t.Errorf("typed in English said %q, want %q", got, want)
	}
}
