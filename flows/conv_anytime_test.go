package flows_test

// Issue 14, during a form: command words help promises work any time, a
// sticker or photo gets the question again, an over-long answer is told
// how long it may be, and a choice's label typed does what its tap does.

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// convSteps reach each step of the test form (see conv_test.go) and name
// the question it asks.
var convSteps = []struct {
	name  string
	reach func(r *convRig) flows.Outcome
	ask   string
}{
	{"consent", func(r *convRig) flows.Outcome { return r.start() }, "notice"},
	{"name", func(r *convRig) flows.Outcome { return r.tap(button(r.t, r.start(), "conv.btn.agree")) }, "name?"},
	{"moo", func(r *convRig) flows.Outcome {
		r.tap(button(r.t, r.start(), "conv.btn.agree"))
		return r.say("สมศรี มีสุข")
	}, "moo?"},
	{"members", func(r *convRig) flows.Outcome {
		r.tap(button(r.t, r.start(), "conv.btn.agree"))
		r.say("สมศรี มีสุข")
		return r.say("3")
	}, "members?"},
	{"summary", func(r *convRig) flows.Outcome { return r.toSummary() }, "conv.confirm.title"},
}

// langButton is the data of the language choice's button for lang.
func langButton(t *testing.T, out flows.Outcome, lang locales.Lang) string {
	t.Helper()
	for _, a := range actions(out) {
		if v, _ := url.ParseQuery(a.Data); v.Get("v") == string(lang) {
			return a.Data
		}
	}
	t.Fatalf("no button for %s among %v", lang, keys(out))
	return ""
}

func TestLanguageMidFormAsksTheQuestionAgainInTheNewLanguage(t *testing.T) {
	for _, st := range convSteps {
		for _, typed := range []string{"ภาษา", "ภาษาค่ะ", " Language "} {
			t.Run(st.name+"/"+typed, func(t *testing.T) {
				r := newConvRig(t)
				st.reach(r)
				out := r.say(typed)
				wantSaid(t, out, "conv.lang.choose")
				out = r.tap(langButton(t, out, locales.English))
				if out.Lang != locales.English {
					t.Errorf("answered in %q after choosing English", out.Lang)
				}
				got := keys(out)
				if got[0] != "conv.lang.set" || got[len(got)-1] != st.ask {
					t.Errorf("after choosing English said %q, want conv.lang.set and %q again", got, st.ask)
				}
				if r.getUser(convUser).Lang != locales.English {
					t.Errorf("language not kept")
				}
				// The word was no answer: the form goes on from where it was.
				if st.name == "summary" {
					r.tap(button(t, out, "conv.btn.confirm"))
					if len(r.saved) != 1 || r.saved[0]["name"] != "นาย สมชาย ใจดี" {
						t.Errorf("saved %v, want the answers given before ภาษา", r.saved)
					}
				}
			})
		}
	}
}

func TestLanguageMidFormThenAnswerGoesOn(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	out := r.say("ภาษา")
	// Answering instead of choosing a language is fine; the language
	// buttons still work from the next question.
	wantSaid(t, r.say("สมศรี มีสุข"), "moo?")
	out = r.tap(langButton(t, out, locales.English))
	wantSaid(t, out, "conv.lang.set", "moo?")
	if out.Lang != locales.English {
		t.Errorf("answered in %q", out.Lang)
	}
	out = r.tap(button(t, out, "Moo 5"))
	wantSaid(t, out, "members?")
}

func TestHelpCommandsMidFormKeepTheForm(t *testing.T) {
	for _, st := range convSteps {
		t.Run(st.name+"/menu", func(t *testing.T) {
			r := newConvRig(t)
			st.reach(r)
			wantSaid(t, r.say("เมนูค่ะ"), "core.menu.prompt")
			if st.name != "members" {
				return
			}
			// Not taken as an answer: the form is where it was.
			wantSaid(t, r.say("4"), "conv.confirm.title")
		})
		t.Run(st.name+"/cancel", func(t *testing.T) {
			r := newConvRig(t)
			st.reach(r)
			wantSaid(t, r.say("ยกเลิก ครับ"), "conv.cancelled")
		})
		t.Run(st.name+"/help", func(t *testing.T) {
			r := newConvRig(t)
			st.reach(r)
			got := keys(r.say("help"))
			if len(got) < 2 || got[len(got)-1] != st.ask {
				t.Errorf("help said %q, want an explanation and %q again", got, st.ask)
			}
		})
	}
	// Another command word runs and the form stays: "ตารางของฉัน" at the
	// name question is not a name.
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	if got := keys(r.say("ตารางของฉัน")); slices.Contains(got, "moo?") || slices.Contains(got, "hint:name hint") {
		t.Errorf("a command word mid-form said %q, as if it were an answer", got)
	}
	wantSaid(t, r.say("สมศรี มีสุข"), "moo?")
}

func TestStickerMidFormAsksTheQuestionAgain(t *testing.T) {
	sticker := flows.Input{Kind: flows.InputOther}
	for _, st := range convSteps {
		t.Run(st.name, func(t *testing.T) {
			r := newConvRig(t)
			before := st.reach(r)
			out := r.handle(sticker)
			wantSaid(t, out, "conv.only_text", st.ask)
			if st.name == "moo" {
				// The buttons of the question asked before still work.
				wantSaid(t, r.tap(button(t, before, "Moo 5")), "members?")
			}
		})
	}
	// Outside a form, and after one expired: the menu.
	r := newConvRig(t)
	wantSaid(t, r.handle(sticker), "core.only_text")
	r.tap(button(t, r.start(), "conv.btn.agree"))
	r.now = r.now.Add(time.Hour)
	wantSaid(t, r.handle(sticker), "core.only_text")
}

func TestTooLongNameSaysHowLongItMayBe(t *testing.T) {
	long := strings.Repeat("ก", locales.MaxNameRunes+1)
	r := newRig(t, stOpts)
	out := r.tap(stVillager, "menu=sage")
	r.tap(stVillager, buttonKey(t, out, "conv.btn.agree"))
	out = r.say(stVillager, long)
	wantSaid(t, out, "hint:conv.hint.name_too_long", "sage.name.ask")
	ref := out.Replies[0].Text.Args["Hint"].(locales.Ref)
	if ref.Args["Max"] != locales.MaxNameRunes {
		t.Errorf("too-long hint says %v, want %d", ref.Args["Max"], locales.MaxNameRunes)
	}
	th := catalog.MustText(locales.Thai, out.Replies[0].Text.Key, out.Replies[0].Text.Args)
	if !strings.Contains(th, "ยาวเกินไป") || !strings.Contains(th, "100") {
		t.Errorf("Thai hint %q does not say too long and 100", th)
	}
	// A name of just the limit is taken; a short bad one keeps its hint.
	wantSaid(t, r.say(stVillager, "ก1"), "hint:sage.name.hint", "sage.name.ask")
	stWant(t, r.say(stVillager, strings.Repeat("ก", locales.MaxNameRunes)), "sage.phone.ask")
}

func TestTooLongFreeTextSaysHowLongItMayBe(t *testing.T) {
	r := newRig(t, withEngine(func(e *flows.Engine) {
		e.RegisterForm(&flows.Form{
			Name: "test.text", Title: flows.Raw("Text"),
			Questions: []flows.Question{{Field: "note", Ask: flows.Raw("note?"), Label: flows.Raw("Note")}},
			Save:      func(*flows.Ctx, flows.Answers) error { return nil },
		})
		e.RegisterMenu("testtext", func(c *flows.Ctx) error { return c.StartForm("test.text", nil) })
	}))
	r.tap(convUser, "menu=testtext")
	wantSaid(t, r.say(convUser, strings.Repeat("ab ", 200)), "hint:conv.hint.text_too_long", "note?")
	wantSaid(t, r.say(convUser, " "), "hint:conv.hint.text", "note?")
}

// typedLabelsDoWhatTapsDo checks every choice of the form question that
// reach ends on: its label typed (in Thai, with ค่ะ or ครับ and spaces, and
// in English) says what tapping it says. Each try starts a fresh rig.
func typedLabelsDoWhatTapsDo(t *testing.T, fresh func(t *testing.T) *rig, user string, reach func(r *rig) flows.Outcome) {
	t.Helper()
	var choices []flows.Action
	for _, a := range actions(reach(fresh(t))) {
		if p, err := flows.ParsePostback(a.Data); err == nil && p.Form != "" && p.Question != "" && p.Cmd == "" {
			choices = append(choices, a)
		}
	}
	if len(choices) == 0 {
		t.Fatal("the question offers no choices")
	}
	said := func(out flows.Outcome) []string {
		var s []string
		for _, rep := range out.Replies {
			s = append(s, msgText(rep.Text))
		}
		return s
	}
	for _, ch := range choices {
		r := fresh(t)
		reach(r)
		want := said(r.tap(user, ch.Data))
		th := catalog.MustText(locales.Thai, ch.Label.Key, ch.Label.Args)
		en := catalog.MustText(locales.English, ch.Label.Key, ch.Label.Args)
		for _, typed := range []string{th, th + "ค่ะ", " " + th + " ครับ", en} {
			r := fresh(t)
			reach(r)
			if got := said(r.say(user, typed)); !slices.Equal(got, want) {
				t.Errorf("typed %q said %q; the tap said %q", typed, got, want)
			}
		}
	}
}

func TestTypedChoiceLabelsDoWhatTapsDo(t *testing.T) {
	t.Run("test form", func(t *testing.T) {
		typedLabelsDoWhatTapsDo(t, func(t *testing.T) *rig { return newConvRig(t).rig }, convUser, func(r *rig) flows.Outcome {
			out := r.tap(convUser, "menu=testform")
			r.tap(convUser, button(r.t, out, "conv.btn.agree"))
			return r.say(convUser, "สมศรี มีสุข")
		})
	})
	t.Run("sage category", func(t *testing.T) {
		typedLabelsDoWhatTapsDo(t, func(t *testing.T) *rig { return newRig(t, stOpts) }, stVillager, func(r *rig) flows.Outcome {
			out := r.tap(stVillager, "menu=sage")
			r.tap(stVillager, buttonKey(r.t, out, "conv.btn.agree"))
			r.say(stVillager, stDefault.name)
			r.say(stVillager, stDefault.phone)
			return r.say(stVillager, stDefault.moo)
		})
	})
	household := func(t *testing.T) *rig {
		r := newRig(t, hhOpts)
		r.hhVillage(3, 10, "ทำนา")
		r.hhVillage(5, 10, "ทำนา")
		return r
	}
	// answered types the first n answers of the application form.
	answered := func(n int) func(r *rig) flows.Outcome {
		return func(r *rig) flows.Outcome {
			out := r.say(convUser, "สมัครครัวเรือน")
			out = r.tap(convUser, button(r.t, out, "conv.btn.agree"))
			for _, a := range []string{"สมศรี มีสุข", "12", "หมู่ 5", "4", "ทำนา", "5000"}[:n] {
				out = r.say(convUser, a)
			}
			return out
		}
	}
	for name, n := range map[string]int{"household village": 2, "household interest": 6} {
		t.Run(name, func(t *testing.T) { typedLabelsDoWhatTapsDo(t, household, convUser, answered(n)) })
	}
	t.Run("sage village", func(t *testing.T) {
		typedLabelsDoWhatTapsDo(t, func(t *testing.T) *rig { return newRig(t, stOpts) }, stVillager, func(r *rig) flows.Outcome {
			out := r.tap(stVillager, "menu=sage")
			r.tap(stVillager, buttonKey(r.t, out, "conv.btn.agree"))
			r.say(stVillager, stDefault.name)
			return r.say(stVillager, stDefault.phone)
		})
	})
}

func TestTypedConsentAndSummaryLabels(t *testing.T) {
	for _, typed := range []string{"ยินยอมค่ะ", " I agree "} {
		r := newConvRig(t)
		r.start()
		wantSaid(t, r.say(typed), "name?")
	}
	for _, typed := range []string{"ไม่ยินยอม ครับ", "I don't agree"} {
		r := newConvRig(t)
		r.start()
		wantSaid(t, r.say(typed), "conv.consent_declined")
	}
	r := newConvRig(t)
	r.toSummary()
	wantSaid(t, r.say("ยืนยันค่ะ"), "conv.saved")
}
