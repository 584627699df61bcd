package flows_test

// Issue 14, what the bot says: no false statements ("told on LINE" when
// nobody has LINE, "waiting for selection" to a household that is not
// interested, "ask an officer" for a code a sage gave, "keep it for
// someone else" for a spent code), "ยังชวนได้อีก 0 คน", the same refusal
// word for word twice, and a form dropped without a word.

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// thText renders m in Thai.
func thText(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }

func TestSelectionSaysTrulyWhoWasToldOnLINE(t *testing.T) {
	for _, tt := range []struct {
		name   string
		linked int // of the three households, how many have LINE
		told   string
	}{
		{"nobody has LINE", 0, "household.select.told.none_officer"},
		{"one has LINE", 1, "household.select.told.some_officer"},
		{"all have LINE", 3, "household.select.told.all"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, hhOpts)
			r.hhVillage(5, 3, "ทำน้ำพริก")
			r.officer("Uofficer", "")
			for i := range 3 {
				h := flows.Household{ID: "H" + strconv.Itoa(i), Village: 5, HouseNo: strconv.Itoa(10 + i), HeadName: "ยาย คนที่" + strconv.Itoa(i),
					Members: 2, Income: int64(1000 * (i + 1)), IncomeKnown: true, Interested: true, Status: flows.StatusApplicant,
					DedupeKey: "k" + strconv.Itoa(i), Applied: r.now}
				if i < tt.linked {
					h.UserID = "Uhh" + strconv.Itoa(i)
					r.user(h.UserID)
				}
				r.putHousehold(h)
			}
			out := r.say("Uofficer", "คัดเลือกครัวเรือน")
			var moo5 string
			for _, b := range out.Replies[0].Buttons {
				if v, _ := url.ParseQuery(b.Data); v.Get("vil") == "5" {
					moo5 = b.Data
				}
			}
			out = r.tap("Uofficer", button(t, r.tap("Uofficer", moo5), "household.btn.save_selection"))
			wantSaid(t, out, "household.select.saved")
			told := refMsg(out.Replies[0].Text.Args["Told"])
			if told.Key != tt.told {
				t.Errorf("said %s, want %s", told.Key, tt.told)
			}
			if len(out.Pushes) != tt.linked {
				t.Errorf("%d pushes, want one per household with LINE (%d)", len(out.Pushes), tt.linked)
			}
			text := thText(out.Replies[0].Text)
			if tt.linked < 3 && (strings.Contains(text, "แจ้งผลทางไลน์ให้ทุก") || !strings.Contains(text, "ปราชญ์")) {
				t.Errorf("with %d of 3 on LINE the officer reads %q: want who was not told and that the sage tells them", tt.linked, text)
			}
		})
	}
}

func TestNotInterestedIsNotWaitingForSelection(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 10, "ทำน้ำพริก")
	r.user("Uno")
	r.apply("Uno", "สมใจ ไม่เอา", "9", 5, 3, "3000", false)
	out := r.say("Uno", "สถานะของฉัน")
	var status flows.Msg
	for _, rep := range out.Replies {
		if rep.Title != nil && rep.Title.Key == "household.status.title" {
			status = rep.Text
		}
	}
	if status.Key != "household.status.not_interested" || strings.Contains(thText(status), "รอการคัดเลือก") {
		t.Errorf("a household that answered ไม่สนใจ reads %s %q", status.Key, thText(status))
	}
	// The officer's list says so too.
	r.officer("Uofficer", "")
	var card flows.Msg
	r.view(func(tx flows.Tx) error {
		h, _, err := flows.HouseholdOfUser(tx, "Uno")
		card = flows.T("household.card." + string(h.Status))
		return err
	})
	if thText(card) == thText(flows.T("household.card.not_interested")) {
		t.Fatal("test is wrong: the two texts are the same")
	}
}

func TestSpentOfficerCodeTypedByAnOfficer(t *testing.T) {
	r := newRig(t)
	issue := func() string {
		var code string
		r.update(func(tx flows.Tx) error {
			oc, err := r.eng.IssueOfficerCode(tx, r.now, flows.CodeByCLI)
			code = oc.Code
			return err
		})
		return code
	}
	r.officer("Uold", "สมศรี ใจดี")
	mine := issue()
	r.user("Unew")
	r.say("Unew", mine)
	r.say("Unew", "ยกเลิก") // the name can wait
	wantSaid(t, r.say("Unew", mine), "officer.code.already_used_yours")
	wantSaid(t, r.say("Uold", "รหัส "+mine+" ค่ะ"), "officer.code.spent_officer")
	unused := issue()
	wantSaid(t, r.say("Uold", unused), "officer.code.already_officer")
	r.now = r.now.Add(25 * time.Hour)
	wantSaid(t, r.say("Uold", unused), "officer.code.spent_officer")
	for _, k := range []string{"officer.code.already_used_yours", "officer.code.spent_officer"} {
		if s := thText(flows.T(k)); strings.Contains(s, "เก็บไว้ให้คนอื่น") {
			t.Errorf("%s says %q: nothing to keep", k, s)
		}
	}
}

func TestSecondWrongAnswerIsSaidDifferently(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 10, "ทำนา")
	r.user("Uh")
	out := r.say("Uh", "สมัครครัวเรือน")
	r.tap("Uh", button(t, out, "conv.btn.agree"))
	r.say("Uh", "สมศรี มีสุข")
	r.say("Uh", "12")
	r.say("Uh", "หมู่ 5")
	first := r.say("Uh", "หลายคน").Replies[0].Text
	second := r.say("Uh", "เยอะ").Replies[0].Text
	if first.Key == second.Key || thText(first) == thText(second) {
		t.Errorf("the second wrong answer is told %q again", thText(second))
	}
	if !strings.Contains(thText(second), "ช่วยเหลือ") {
		t.Errorf("the second try %q does not point to help", thText(second))
	}
}

func TestLastInviteDoesNotSayZeroLeft(t *testing.T) {
	r := newRig(t, stOpts)
	r.lead("Ulead", 0, 5)
	var last flows.Msg
	for range 4 {
		last = stMsg(t, r.say("Ulead", "ชวนสมาชิก"), "team.invite.made")
	}
	if s := thText(last); strings.Contains(s, "อีก 0 คน") {
		t.Errorf("the last invite says %q", s)
	}
}

// An outside button in the middle of a form says the form was left and
// offers to go back; going back asks the question it was at, with the
// answers kept.
func TestLeavingAFormSaysSoAndGoesBack(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 10, "ทำนา")
	r.user("Uh")
	out := r.say("Uh", "สมัครครัวเรือน")
	r.tap("Uh", button(t, out, "conv.btn.agree"))
	r.say("Uh", "สมศรี มีสุข")
	asked := keys(r.say("Uh", "12")) // the village question
	out = r.tap("Uh", flows.ItemSchedule.Data())
	if got := keys(out); len(got) < 2 || got[0] != "conv.left_form" {
		t.Fatalf("a menu tap mid-form said %q, want it to say the form was left first", got)
	}
	out = r.tap("Uh", buttonKey(t, out, "conv.btn.resume"))
	if got := keys(out); len(got) != 2 || got[0] != "conv.resumed" || got[1] != asked[len(asked)-1] {
		t.Fatalf("going back said %q, want conv.resumed and %q", got, asked[len(asked)-1])
	}
	r.say("Uh", "หมู่ 5")
	r.say("Uh", "4")
	r.say("Uh", "ทำนา")
	r.say("Uh", "5000")
	r.say("Uh", "สนใจ")
	out = r.say("Uh", "081-234-5678")
	r.tap("Uh", button(t, out, "conv.btn.confirm"))
	if h := r.householdOf("Uh"); h.HeadName != "สมศรี มีสุข" || h.HouseNo != "12" {
		t.Errorf("saved %+v, want the answers given before leaving", h)
	}
}

// After 30 minutes the form expires: the user may go on where they were
// for 7 days; after that the answers are deleted.
func TestExpiredFormResumesAndIsForgottenAfterAWeek(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 10, "ทำนา")
	r.user("Uh")
	out := r.say("Uh", "สมัครครัวเรือน")
	r.tap("Uh", button(t, out, "conv.btn.agree"))
	asked := keys(r.say("Uh", "สมศรี มีสุข"))
	r.now = r.now.Add(2 * time.Hour)
	out = r.say("Uh", "12")
	wantSaid(t, out, "conv.expired_resume")
	if !slices.ContainsFunc(out.Replies[0].Quick, func(a flows.Action) bool { return a.Label.Key == "conv.btn.resume" }) {
		t.Fatalf("expired with chips %q, want ทำต่อ", chipKeys(out))
	}
	out = r.say("Uh", "ทำต่อค่ะ") // the chip's label typed
	if got := keys(out); len(got) != 2 || got[1] != asked[len(asked)-1] {
		t.Fatalf("ทำต่อ said %q, want the question it was at (%q)", got, asked[len(asked)-1])
	}

	// A week on, unfinished answers are gone, by the nightly sweep.
	r.now = r.now.Add(flows.AnswersKept + time.Hour)
	var n int
	r.update(func(tx flows.Tx) error {
		var err error
		n, err = r.eng.ForgetOldAnswers(tx, r.now)
		return err
	})
	if n != 1 {
		t.Errorf("forgot %d records, want 1", n)
	}
	if c, ok := get(r, flows.Tx.Conversations, "Uh"); ok {
		t.Errorf("a week on the conversation is still kept: %+v", c)
	}
	wantSaid(t, r.tap("Uh", flows.Postback{Action: "resume"}.Encode()), "conv.resume.gone")

	// A form left (not expired) is dropped from its record after a week,
	// and so is the record.
	r2 := newRig(t, hhOpts)
	r2.hhVillage(5, 10, "ทำนา")
	r2.user("Uh")
	out = r2.say("Uh", "สมัครครัวเรือน")
	r2.tap("Uh", button(t, out, "conv.btn.agree"))
	r2.say("Uh", "สมศรี มีสุข")
	r2.tap("Uh", flows.ItemHelp.Data())
	if c, _ := get(r2, flows.Tx.Conversations, "Uh"); c.Left == nil || c.Left.Answers["head"] == "" && len(c.Left.Answers) == 0 {
		t.Fatalf("the form left is not kept to go back to: %+v", c)
	}
	r2.now = r2.now.Add(flows.AnswersKept + time.Minute)
	r2.update(func(tx flows.Tx) error { _, err := r2.eng.ForgetOldAnswers(tx, r2.now); return err })
	if _, ok := get(r2, flows.Tx.Conversations, "Uh"); ok {
		t.Error("a week on, the answers of the form left are still kept")
	}
}

// The officer's removal reason, dropped by an old button: the officer is
// told, and goes back to the reason with the household still named.
func TestOldButtonDuringTheRemovalReasonOffersToGoBack(t *testing.T) {
	r := newRig(t, rmOpts)
	u := flows.DemoOfficerID
	out := r.say(u, "รายชื่อครัวเรือน")
	list := r.tap(u, out.Replies[0].Buttons[0].Data)
	card := r.tap(u, list.Replies[0].Rows[0].Tap.Data)
	reason := r.tap(u, buttonKey(t, card, "household.btn.remove_by_hand"))
	asked := keys(reason)
	out = r.tap(u, list.Replies[0].Rows[1].Tap.Data) // another household, from the older list
	if got := keys(out); len(got) == 0 || got[0] != "conv.left_form" {
		t.Fatalf("an old button during the reason said %q, want it to say the form was left", got)
	}
	back := keys(r.tap(u, buttonKey(t, out, "conv.btn.resume")))
	if len(back) != 2 || back[1] != asked[len(asked)-1] {
		t.Errorf("going back said %q, want the reason asked again (%q)", back, asked[len(asked)-1])
	}
}
