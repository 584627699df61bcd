package flows_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

func TestSageRegistrationHappyPath(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Usage1"
	consentTime := r.now.Add(10 * time.Second) // the second input: the tap on agree
	out := r.toSummary(u, stAnswers{name: "  นายสมชาย   ใจดี ", phone: "๐๘๑ ๒๓๔ ๕๖๗๘", moo: "ม.๕", skill: "ทำปุ๋ยหมัก", years: "๑๒ ปี"})
	cards := stCards(out, "sage.form.title")
	if len(cards) != 1 {
		t.Fatalf("got %d summary cards, want 1", len(cards))
	}
	summary := cards[0]
	for _, tt := range []struct{ field, want string }{
		{"sage.name.label", "นายสมชาย ใจดี"},
		{"sage.phone.label", "081-234-5678"},
		{"sage.moo.label", "village.name_full(Moo=5,Name=บ้านโนนสูง)"},
		{"sage.category.label", "sage.cat.farming.label"},
		{"sage.skill.label", "ทำปุ๋ยหมัก"},
		{"sage.years.label", "sage.years.show(Count=12)"},
	} {
		if got := stField(t, summary, tt.field); got != tt.want {
			t.Errorf("summary %s: got %q, want %q", tt.field, got, tt.want)
		}
	}
	if got := stPushes(out, "registration"); len(got) != 0 {
		t.Errorf("got %d group pushes before saving, want 0", len(got))
	}
	out = r.tap(u, buttonKey(t, out, "conv.btn.confirm"))
	saved := stMsg(t, out, "sage.saved.new")
	if got := saved.Args["Name"]; got != "สมชาย" {
		t.Errorf("addressed as %q, want the first name without title %q", got, "สมชาย")
	}
	if len(out.Pushes) != 0 {
		t.Errorf("got %d pushes with group notifications off, want 0", len(out.Pushes))
	}
	s := r.mustSage(u)
	want := flows.Sage{ID: 1, UserID: u, Name: "นายสมชาย ใจดี", Phone: "0812345678", Moo: 5, Category: flows.CategoryFarming,
		Skill: "ทำปุ๋ยหมัก", Years: 12, Status: flows.SagePending, ConsentVersion: flows.SageNoticeVersion}
	got := s
	got.ConsentAt, got.Registered, got.Updated, got.Rev = time.Time{}, time.Time{}, time.Time{}, 0
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("stored\n got %+v\nwant %+v", got, want)
	}
	if !s.ConsentAt.Equal(consentTime) {
		t.Errorf("consent time: got %v, want %v", s.ConsentAt, consentTime)
	}
}

func TestSageRegistrationInvalidAnswersReasked(t *testing.T) {
	tests := []struct {
		name    string
		step    int // answers given before the bad one (name, phone, moo, category, skill)
		bad     string
		hint    string
		good    string
		nextKey string
	}{
		{"name with digits", 0, "สมชาย 123", "sage.name.hint", "สมชาย ใจดี", "sage.phone.ask"},
		{"name a title only", 0, "นาย", "sage.name.hint", "สมชาย ใจดี", "sage.phone.ask"},
		{"phone too short", 1, "08123", "sage.phone.hint", "0812345678", "sage.moo.ask"},
		{"phone not Thai", 1, "1234567890", "sage.phone.hint", "+66 81 234 5678", "sage.moo.ask"},
		{"phone letters", 1, "โทรมาได้เลย", "sage.phone.hint", "02-123-4567", "sage.moo.ask"},
		{"unknown village", 2, "หมู่ 9", "village.hint.pick", "๓", "sage.category.ask"},
		{"village nonsense", 2, "ไม่รู้", "village.hint.pick", "บ้านหนองบัว", "sage.category.ask"},
		{"category typed wrong", 3, "ทำนา", "conv.hint.tap_button", "เกษตร", "sage.skill.ask"},
		{"years letters", 5, "abc", "sage.years.hint", "10", "conv.confirm.title"},
		{"years negative", 5, "-1", "sage.years.hint", "0", "conv.confirm.title"},
		{"years too many", 5, "200", "sage.years.hint", "๘๐", "conv.confirm.title"},
	}
	answers := []string{"สมชาย ใจดี", "0812345678", "5", "เกษตร", "ทอผ้า"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, stOpts)
			const u = "Uinvalid"
			out := r.tap(u, "menu=sage")
			r.tap(u, buttonKey(t, out, "conv.btn.agree"))
			for _, a := range answers[:tt.step] {
				r.say(u, a)
			}
			out = r.say(u, tt.bad)
			hint := stMsg(t, out, "conv.invalid_retry_hint")
			ref, ok := hint.Args["Hint"].(locales.Ref)
			if !ok || ref.Key != tt.hint {
				t.Fatalf("got hint %+v, want %s", hint.Args["Hint"], tt.hint)
			}
			if tt.hint == "village.hint.pick" {
				// The question's buttons come with the hint: one per village.
				var picks int
				for _, a := range actions(out) {
					if a.Label.Key == "village.btn.pick" {
						picks++
					}
				}
				if picks != 2 {
					t.Errorf("%d village buttons with the hint, want 2", picks)
				}
			}
			stWant(t, r.say(u, tt.good), tt.nextKey)
		})
	}
}

func TestSageRegistrationThreeWrongAnswersOfferHelp(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Utries"
	out := r.tap(u, "menu=sage")
	r.tap(u, buttonKey(t, out, "conv.btn.agree"))
	r.say(u, "1")
	r.say(u, "2")
	out = r.say(u, "3")
	stWant(t, out, "conv.too_many_tries")
	if !hasButton(out, "conv.btn.help") || !hasButton(out, "conv.btn.cancel") {
		t.Errorf("after 3 wrong answers got buttons %v, want help and cancel", actions(out))
	}
}

// stSteps are the registration steps, each with the key that asks it and
// how to answer it.
var stSteps = []struct {
	ask    string
	answer func(r *rig, u string, prev flows.Outcome) flows.Outcome
}{
	{"sage.consent", func(r *rig, u string, prev flows.Outcome) flows.Outcome {
		return r.tap(u, buttonKey(r.t, prev, "conv.btn.agree"))
	}},
	{"sage.name.ask", func(r *rig, u string, _ flows.Outcome) flows.Outcome {
		return r.say(u, "สมชาย ใจดี")
	}},
	{"sage.phone.ask", func(r *rig, u string, _ flows.Outcome) flows.Outcome { return r.say(u, "0812345678") }},
	{"sage.moo.ask", func(r *rig, u string, _ flows.Outcome) flows.Outcome { return r.say(u, "5") }},
	{"sage.category.ask", func(r *rig, u string, prev flows.Outcome) flows.Outcome {
		return r.tap(u, buttonKey(r.t, prev, "sage.cat.handicraft.label"))
	}},
	{"sage.skill.ask", func(r *rig, u string, _ flows.Outcome) flows.Outcome { return r.say(u, "จักสาน") }},
	{"sage.years.ask", func(r *rig, u string, _ flows.Outcome) flows.Outcome { return r.say(u, "30") }},
	{"conv.confirm.title", nil},
}

// reach answers the first n steps and returns the outcome asking step n.
func (r *rig) reach(u string, n int) flows.Outcome {
	r.t.Helper()
	out := r.tap(u, "menu=sage")
	for i := 0; i < n; i++ {
		stWant(r.t, out, stSteps[i].ask)
		out = stSteps[i].answer(r, u, out)
	}
	stWant(r.t, out, stSteps[n].ask)
	return out
}

func TestSageRegistrationCancelBackHelpAtEveryStep(t *testing.T) {
	for n, step := range stSteps {
		t.Run(step.ask, func(t *testing.T) {
			t.Run("help", func(t *testing.T) {
				r := newRig(t, stOpts)
				r.reach("Uhelp", n)
				out := r.say("Uhelp", "ช่วยเหลือ")
				stWant(t, out, step.ask) // asked again after the explanation
				if len(out.Replies) < 2 {
					t.Errorf("got replies %v, want an explanation before the question", replyKeys(out))
				}
			})
			t.Run("back", func(t *testing.T) {
				r := newRig(t, stOpts)
				r.reach("Uback", n)
				out := r.say("Uback", "ย้อนกลับ")
				switch {
				case n <= 1: // consent and the first question: nowhere to go back to
					stWant(t, out, "conv.back_at_start", "conv.hint.tap_button")
					stWant(t, out, step.ask)
				default:
					stWant(t, out, stSteps[n-1].ask)
				}
			})
			t.Run("cancel", func(t *testing.T) {
				r := newRig(t, stOpts)
				r.reach("Ucancel", n)
				stWant(t, r.say("Ucancel", "ยกเลิก ค่ะ"), "conv.cancelled")
				if _, ok := r.getSage("Ucancel"); ok {
					t.Error("a cancelled registration was stored")
				}
				stWant(t, r.say("Ucancel", "5"), "core.menu.prompt")
			})
		})
	}
}

func TestSageConsentDeclinedStoresNothing(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Udecline"
	out := r.tap(u, "menu=sage")
	stWant(t, out, "sage.consent")
	if out.Replies[0].Style != flows.StyleConfirm {
		t.Errorf("consent style: got %v, want a yes/no confirm", out.Replies[0].Style)
	}
	stWant(t, r.tap(u, buttonKey(t, out, "conv.btn.disagree")), "conv.consent_declined")
	if _, ok := r.getSage(u); ok {
		t.Error("got a sage record after consent was declined")
	}
	stWant(t, r.say(u, "สมชาย ใจดี"), "core.menu.prompt")
}

func TestSageRegistrationExpires(t *testing.T) {
	tests := []struct {
		idle    time.Duration
		wantKey string
	}{
		{29 * time.Minute, "sage.phone.ask"},
		{31 * time.Minute, "conv.expired_resume"},
	}
	for _, tt := range tests {
		t.Run(tt.idle.String(), func(t *testing.T) {
			r := newRig(t, stOpts)
			const u = "Uidle"
			r.reach(u, 1)
			r.now = r.now.Add(tt.idle)
			stWant(t, r.say(u, "สมชาย ใจดี"), tt.wantKey)
			if tt.wantKey == "conv.expired_resume" {
				stWant(t, r.say(u, "0812345678"), "core.menu.prompt") // told once, then back to normal
			}
		})
	}
}

func TestSageRegistrationSurvivesRestart(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Urestart"
	r.reach(u, 3)
	r.restart()
	out := r.say(u, "หมู่ที่ ๕")
	stWant(t, out, "sage.category.ask")
	r.restart()
	out = r.tap(u, buttonKey(t, out, "sage.cat.tourism.label"))
	stWant(t, out, "sage.skill.ask")
	r.say(u, "นำเที่ยวชุมชน")
	out = r.say(u, "5")
	r.restart()
	stWant(t, r.tap(u, buttonKey(t, out, "conv.btn.confirm")), "sage.saved.new")
	s := r.mustSage(u)
	if s.Phone != "0812345678" || s.Moo != 5 || s.Category != flows.CategoryTourism || s.Years != 5 {
		t.Errorf("got %+v, want the answers given across restarts", s)
	}
}

func TestSageConfirmDoubleTapSavesOnce(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Udouble"
	out := r.toSummary(u, stDefault)
	confirm := buttonKey(t, out, "conv.btn.confirm")
	stWant(t, r.tap(u, confirm), "sage.saved.new")
	stWant(t, r.tap(u, confirm), "conv.already_saved")
	if got := len(r.sages()); got != 1 {
		t.Errorf("got %d registry entries, want 1", got)
	}
	// The next registration gets number 2: the double tap used no number.
	if s := r.register("Uother", stDefault); s.ID != 2 {
		t.Errorf("next registry number: got %d, want 2", s.ID)
	}
}

func TestSageRegisteringAgainOffersEdit(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Uagain"
	first := r.approved(u, stDefault)
	for _, in := range []flows.Input{
		{Kind: flows.InputPostback, UserID: u, Data: "menu=sage"},
		{Kind: flows.InputText, UserID: u, Text: "ลงทะเบียนปราชญ์"},
	} {
		out := r.send(in)
		stWant(t, out, "sage.already_registered")
		if len(stCards(out, "sage.card.own_title")) != 1 {
			t.Fatalf("got %v, want the sage's own card", replyKeys(out))
		}
		edit := buttonKey(t, out, "sage.btn.edit")
		// The edit opens the form at its summary, prefilled, without asking consent again.
		out = r.tap(u, edit)
		cards := stCards(out, "sage.form.title")
		if len(cards) != 1 {
			t.Fatalf("got %v, want the prefilled summary card", replyKeys(out))
		}
		if got := stField(t, cards[0], "sage.phone.label"); got != "081-234-5678" {
			t.Errorf("prefilled phone: got %q, want %q", got, "081-234-5678")
		}
		stWant(t, r.say(u, "ยกเลิก"), "conv.cancelled")
	}
	out := r.tap(u, buttonKey(t, r.tap(u, "a=sage.edit"), "conv.btn.edit"))
	out = r.tap(u, buttonKey(t, out, "sage.phone.label"))
	stWant(t, out, "sage.phone.ask")
	out = r.say(u, "09 8765 4321")
	stWant(t, out, "conv.confirm.title")
	stWant(t, r.tap(u, buttonKey(t, out, "conv.btn.confirm")), "sage.saved.edit")
	s := r.mustSage(u)
	if s.Phone != "0987654321" || s.ID != first.ID || s.Status != flows.SageApproved || len(r.sages()) != 1 {
		t.Errorf("after edit got %+v (%d records), want the same approved record with the new phone", s, len(r.sages()))
	}
}

func TestSageRegistrationNeedsVillages(t *testing.T) {
	r := newRig(t, stOpts)
	r.update(func(tx flows.Tx) error {
		if err := tx.Villages().Delete(3); err != nil {
			return err
		}
		return tx.Villages().Delete(5)
	})
	stWant(t, r.tap("Unovillage", "menu=sage"), "sage.no_villages")
	if _, ok := r.getSage("Unovillage"); ok {
		t.Error("got a sage record without villages")
	}
}

func TestSageApprovalIsIdempotentAndTellsTheSage(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Uapprove"
	r.putUser(flows.User{ID: u, Active: true, Lang: locales.English, LangChosen: true})
	r.register(u, stDefault)

	out := r.say(stOfficer, "รออนุมัติ")
	cards := stCards(out, "sage.card.review_title")
	if len(cards) != 1 {
		t.Fatalf("pending list: got %v, want one review card", replyKeys(out))
	}
	approve := buttonKey(t, out, "sage.btn.approve")
	reject := buttonKey(t, out, "sage.btn.reject")

	out = r.tap(stOfficer, approve)
	stWant(t, out, "sage.decide.approved_no_lead")
	if got := r.mustSage(u); got.Status != flows.SageApproved || got.Decision == nil || got.Decision.By != stOfficer {
		t.Fatalf("after approval got %+v, want approved by %s", got, stOfficer)
	}
	pushes := stPushes(out, "approval")
	if len(pushes) != 1 || pushes[0].To != u || pushes[0].Lang != locales.English || pushes[0].Replies[0].Text.Key != "sage.push.approved" {
		t.Fatalf("pushes: got %+v, want one approval push to the sage in English", out.Pushes)
	}
	decidedAt := r.last

	tests := []struct {
		name, officer, data string
		who                 string
	}{
		{"second tap by the same officer", stOfficer, approve, "sage.who.you"},
		{"second officer approves", stOfficer2, approve, "sage.who.named"},
		{"second officer rejects", stOfficer2, reject, "sage.who.named"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := r.tap(tt.officer, tt.data)
			m := stMsg(t, out, "sage.decide.already")
			who := m.Args["Who"].(locales.Ref)
			if who.Key != tt.who {
				t.Errorf("who: got %s, want %s", who.Key, tt.who)
			}
			if tt.who == "sage.who.named" && who.Args["Name"] != "สมศรี" {
				t.Errorf("decided by: got %v, want สมศรี", who.Args["Name"])
			}
			if got := m.Args["Outcome"].(locales.Ref).Key; got != "sage.outcome.approved" {
				t.Errorf("outcome: got %s, want sage.outcome.approved", got)
			}
			if got := time.Time(m.Args["Date"].(locales.DateYear)); !got.Equal(decidedAt) {
				t.Errorf("decided at: got %v, want %v", got, decidedAt)
			}
			if len(out.Pushes) != 0 {
				t.Errorf("got %d pushes, want none", len(out.Pushes))
			}
			if got := r.mustSage(u); got.Status != flows.SageApproved || got.Decision.By != stOfficer {
				t.Errorf("record changed: %+v", got)
			}
		})
	}
	stWant(t, r.say(stOfficer, "pending"), "sage.pending.none")
}

func TestSageRejectionTellsTheSageAndAnEditResubmits(t *testing.T) {
	r := newRig(t, stOpts)
	const u = "Ureject"
	s := r.register(u, stDefault)
	out := r.tap(stOfficer, stDecide(s, "reject"))
	stWant(t, out, "sage.decide.rejected")
	if p := stPushes(out, "approval"); len(p) != 1 || p[0].Replies[0].Text.Key != "sage.push.rejected" || p[0].Lang != locales.Thai {
		t.Fatalf("pushes: got %+v, want one rejection push in Thai", out.Pushes)
	}
	if got := r.mustSage(u).Status; got != flows.SageRejected {
		t.Fatalf("status: got %s, want rejected", got)
	}
	old := r.mustSage(u)
	out = r.tap(u, buttonKey(t, r.tap(u, "a=sage.edit"), "conv.btn.edit"))
	stWant(t, r.tap(u, buttonKey(t, out, "sage.skill.label")), "sage.skill.ask")
	out = r.say(u, "ทำปุ๋ยหมักชีวภาพ")
	stWant(t, r.tap(u, buttonKey(t, out, "conv.btn.confirm")), "sage.saved.resubmitted")
	if got := r.mustSage(u); got.Status != flows.SagePending || got.Decision != nil {
		t.Fatalf("after resubmission got %+v, want pending without decision", got)
	}
	// A card from before the resubmission shows the latest record instead.
	out = r.tap(stOfficer, stDecide(old, "approve"))
	stWant(t, out, "sage.decide.changed")
	if got := r.mustSage(u).Status; got != flows.SagePending {
		t.Errorf("an old card changed the status to %s", got)
	}
	stWant(t, r.tap(stOfficer, buttonKey(t, out, "sage.btn.approve")), "sage.decide.approved_no_lead")
}

func TestSagePendingListIsPaged(t *testing.T) {
	r := newRig(t, stOpts)
	for i := range 6 {
		r.register("Upage"+strconv.Itoa(i), stDefault)
	}
	out := r.say(stOfficer, "รออนุมัติ")
	if got := len(stCards(out, "sage.card.review_title")); got != 4 {
		t.Fatalf("first page: got %d cards, want 4", got)
	}
	if len(out.Replies) > 5 {
		t.Fatalf("got %d messages, LINE takes 5", len(out.Replies))
	}
	count := stMsg(t, out, "sage.pending.count")
	if count.Args["To"] != 4 {
		t.Errorf("count: got %v, want To=4", count.Args)
	}
	out = r.tap(stOfficer, buttonKey(t, out, "sage.btn.more"))
	cards := stCards(out, "sage.card.review_title")
	if len(cards) != 2 || cards[0].Title.Args["ID"] != "5" {
		t.Fatalf("second page: got %d cards (first %v), want 2 starting at no. 5", len(cards), cards[0].Title.Args)
	}
	if hasButton(out, "sage.btn.more") {
		t.Error("last page offers more")
	}
}

func TestSageGroupNotificationSetting(t *testing.T) {
	for _, notify := range []bool{false, true} {
		t.Run(strconv.FormatBool(notify), func(t *testing.T) {
			r := newRig(t, stOpts)
			r.configure(func(c *flows.Config) { c.NotifyGroupsOnRegistration = notify })
			r.putGroup(flows.Group{ID: "Cgroup", Bound: true})
			r.putGroup(flows.Group{ID: "Cgone", Bound: true, Gone: true})
			out := r.toSummary("Unotify", stDefault)
			out = r.tap("Unotify", buttonKey(t, out, "conv.btn.confirm"))
			pushes := stPushes(out, "registration")
			want := 0
			if notify {
				want = 1
			}
			if len(pushes) != want {
				t.Fatalf("got %d group pushes, want %d", len(pushes), want)
			}
			if notify {
				if pushes[0].To != "Cgroup" || len(stCards(flows.Outcome{Replies: pushes[0].Replies}, "sage.card.review_title")) != 1 {
					t.Errorf("got push %+v, want a review card to Cgroup", pushes[0])
				}
				// An officer approves from the group card; the answer goes to the group.
				data := buttonKey(t, flows.Outcome{Replies: pushes[0].Replies}, "sage.btn.approve")
				out := r.send(flows.Input{Kind: flows.InputPostback, UserID: stOfficer, GroupID: "Cgroup", Data: data})
				stWant(t, out, "sage.decide.approved_no_lead")
			}
		})
	}
}

func TestSageRegistryListsEverySage(t *testing.T) {
	r := newRig(t, stOpts)
	lead := r.approved("Ulead", stDefault)
	r.register("Upending", stAnswers{name: "สมหญิง รักดี", phone: "0891112222", moo: "3", skill: "ทอผ้า", years: "3"})
	rej := r.register("Urejected", stDefault)
	r.tap(stOfficer, stDecide(rej, "reject"))
	r.tap(stOfficer, fmt.Sprintf("a=team.setlead&moo=5&id=%d&old=", lead.ID))

	out := r.say(stOfficer, "ทะเบียนปราชญ์")
	cards := stCards(out, "sage.registry.title")
	if len(cards) != 1 {
		t.Fatalf("got %v, want the registry card", replyKeys(out))
	}
	rows := cards[0].Fields
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3", len(rows))
	}
	for i, want := range []struct{ status, team string }{
		{"sage.status.approved", "sage.team.lead"},
		{"sage.status.pending", "sage.team.none"},
		{"sage.status.rejected", "sage.team.none"},
	} {
		v := rows[i].Value.Args
		if v["Status"].(locales.Ref).Key != want.status || v["Team"].(locales.Ref).Key != want.team {
			t.Errorf("row %d: got status %v team %v, want %s %s", i+1, v["Status"], v["Team"], want.status, want.team)
		}
	}
	for i := range 20 {
		r.register("Umany"+strconv.Itoa(i), stDefault)
	}
	out = r.say(stOfficer, "registry")
	card := stCards(out, "sage.registry.title")[0]
	if len(card.Fields) != 15 || card.Title.Args["Pages"] != 2 {
		t.Fatalf("first page: got %d rows of %v pages, want 15 of 2", len(card.Fields), card.Title.Args["Pages"])
	}
	out = r.tap(stOfficer, buttonKey(t, out, "conv.btn.next_page"))
	if card := stCards(out, "sage.registry.title")[0]; len(card.Fields) != 8 {
		t.Errorf("second page: got %d rows, want 8", len(card.Fields))
	}
}

func TestSageOfficerOnlyRefusals(t *testing.T) {
	r := newRig(t, stOpts)
	s := r.register("Usage", stDefault)
	r.register(stVillager, stAnswers{name: "สมหญิง รักดี", phone: "0891112222", moo: "3", skill: "ทอผ้า", years: "3"})
	tests := []struct {
		name string
		in   flows.Input
	}{
		{"pending typed", flows.Input{Kind: flows.InputText, UserID: stVillager, Text: "รออนุมัติ"}},
		{"pending page", flows.Input{Kind: flows.InputPostback, UserID: stVillager, Data: "a=sage.pending&after=0"}},
		{"registry typed", flows.Input{Kind: flows.InputText, UserID: stVillager, Text: "registry"}},
		{"registry page", flows.Input{Kind: flows.InputPostback, UserID: stVillager, Data: "a=sage.registry&p=1"}},
		{"approve tap", flows.Input{Kind: flows.InputPostback, UserID: stVillager, Data: stDecide(s, "approve")}},
		{"reject tap", flows.Input{Kind: flows.InputPostback, UserID: "Usage", Data: stDecide(s, "reject")}},
		{"approve in group without user id", flows.Input{Kind: flows.InputPostback, GroupID: "Cgroup", Data: stDecide(s, "approve")}},
		{"name lead typed", flows.Input{Kind: flows.InputText, UserID: stVillager, Text: "ตั้งปราชญ์สัมมาชีพ"}},
		{"name lead button", flows.Input{Kind: flows.InputPostback, UserID: stVillager, Data: "a=team.leadform"}},
		{"set lead tap", flows.Input{Kind: flows.InputPostback, UserID: stVillager, Data: fmt.Sprintf("a=team.setlead&moo=5&id=%d&old=", s.ID)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := r.send(tt.in)
			stWant(t, out, "sage.refuse.officers_only")
			if len(out.Pushes) != 0 {
				t.Errorf("got %d pushes, want none", len(out.Pushes))
			}
			if got := r.mustSage("Usage"); got.Status != flows.SagePending || got.Decision != nil || got.TeamVillage != 0 {
				t.Errorf("record changed: %+v", got)
			}
			if v := r.getVillage(5); v.LeadSageID != "" {
				t.Errorf("village got lead %q", v.LeadSageID)
			}
		})
	}
}
