package flows_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// convRig is the rig with a test form using every kind of question the
// engine offers, and one user who fills it in.
type convRig struct {
	*rig
	saved []flows.Answers // what the form saved
}

const convUser = "Uconv"

// testForm is a form using every kind of question the engine offers.
func (r *convRig) testForm() *flows.Form {
	notice := flows.T("conv.value", "V", "notice")
	return &flows.Form{
		Name:           "test.form",
		Title:          flows.Raw("Test"),
		Consent:        &notice,
		ConsentVersion: "v1",
		Questions: []flows.Question{
			{Field: "name", Ask: flows.Raw("name?"), Help: flows.Raw("name help"), Label: flows.Raw("Name"),
				Parse: func(_ *flows.Ctx, _ flows.Answers, s string) (string, *flows.Msg) {
					v, ok := locales.NormalizeName(s)
					if !ok {
						h := flows.Raw("name hint")
						return "", &h
					}
					return v, nil
				}},
			{Field: "moo", Ask: flows.Raw("moo?"), Label: flows.Raw("Village"),
				Choices: func(*flows.Ctx, flows.Answers) ([]flows.Choice, error) {
					return []flows.Choice{{Value: "3", Label: flows.Raw("Moo 3")}, {Value: "5", Label: flows.Raw("Moo 5")}}, nil
				},
				Parse: func(_ *flows.Ctx, _ flows.Answers, s string) (string, *flows.Msg) {
					if n, ok := locales.ParseMoo(s); ok && (n == 3 || n == 5) {
						return strconv.Itoa(n), nil
					}
					h := flows.Raw("moo hint")
					return "", &h
				}},
			{Field: "members", Ask: flows.Raw("members?"), Label: flows.Raw("Members"),
				Parse: func(_ *flows.Ctx, _ flows.Answers, s string) (string, *flows.Msg) {
					n, ok := locales.ParseInt(s)
					if !ok || n < 1 || n > 30 {
						h := flows.Raw("members hint")
						return "", &h
					}
					return strconv.FormatInt(n, 10), nil
				}},
		},
		Save: func(c *flows.Ctx, a flows.Answers) error {
			r.saved = append(r.saved, a)
			c.Say(flows.Text(flows.T("conv.saved")))
			return nil
		},
	}
}

func newConvRig(t *testing.T) *convRig {
	t.Helper()
	r := &convRig{}
	r.rig = newRig(t, withEngine(func(e *flows.Engine) {
		e.RegisterForm(r.testForm())
		e.RegisterMenu("testform", func(c *flows.Ctx) error { return c.StartForm("test.form", nil) })
	}))
	return r
}

// handle, say and tap are the form user's.
func (r *convRig) handle(in flows.Input) flows.Outcome {
	r.t.Helper()
	return r.rig.handle(convUser, in)
}

func (r *convRig) say(text string) flows.Outcome {
	r.t.Helper()
	return r.rig.say(convUser, text)
}

func (r *convRig) tap(data string) flows.Outcome {
	r.t.Helper()
	return r.rig.tap(convUser, data)
}

func (r *convRig) start() flows.Outcome { return r.tap("menu=testform") }

// toSummary runs the form to its summary with good answers.
func (r *convRig) toSummary() flows.Outcome {
	r.t.Helper()
	out := r.start()
	r.tap(button(r.t, out, "conv.btn.agree"))
	out = r.say("  นาย สมชาย  ใจดี ")
	r.tap(button(r.t, out, "Moo 5"))
	return r.say("๔ คน")
}

func TestFormHappyPath(t *testing.T) {
	r := newConvRig(t)
	out := r.start()
	wantSaid(t, out, "notice")
	if out.Replies[0].Style != flows.StyleConfirm {
		t.Errorf("consent style = %v, want confirm", out.Replies[0].Style)
	}
	out = r.tap(button(t, out, "conv.btn.agree"))
	wantSaid(t, out, "name?")
	out = r.say("  นาย สมชาย  ใจดี ")
	wantSaid(t, out, "moo?")
	out = r.say("ม.5") // typed, matched by the parser
	wantSaid(t, out, "members?")
	out = r.say("๔ คน")
	wantSaid(t, out, "conv.confirm.title")
	card := out.Replies[0]
	if card.Style != flows.StyleCard || len(card.Fields) != 3 {
		t.Fatalf("summary = %+v, want a card with 3 fields", card)
	}
	if got := msgString(card.Fields[0].Value); got != "นาย สมชาย ใจดี" {
		t.Errorf("name on card = %q, want trimmed and collapsed", got)
	}
	out = r.tap(button(t, out, "conv.btn.confirm"))
	wantSaid(t, out, "conv.saved")
	if len(r.saved) != 1 {
		t.Fatalf("saved %d times, want 1", len(r.saved))
	}
	a := r.saved[0]
	if a["moo"] != "5" || a["members"] != "4" || a["consent_version"] != "v1" || a["consent_at"] == "" {
		t.Errorf("answers = %v", a)
	}
}

func TestFormInvalidAnswersReasked(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(r *convRig) flows.Outcome
		answer  string
		hint    string
		ask     string
	}{
		{"empty name", func(r *convRig) flows.Outcome { r.start(); return r.tap(button(r.t, r.start(), "conv.btn.agree")) }, "   ", "hint:name hint", "name?"},
		{"unknown village", func(r *convRig) flows.Outcome {
			out := r.tap(button(r.t, r.start(), "conv.btn.agree"))
			_ = out
			return r.say("สมศรี")
		}, "หมู่ 9", "hint:moo hint", "moo?"},
		{"members not a number", func(r *convRig) flows.Outcome {
			r.tap(button(r.t, r.start(), "conv.btn.agree"))
			r.say("สมศรี")
			return r.say("3")
		}, "สี่", "hint:members hint", "members?"},
		{"zero members", func(r *convRig) flows.Outcome {
			r.tap(button(r.t, r.start(), "conv.btn.agree"))
			r.say("สมศรี")
			return r.say("3")
		}, "0", "hint:members hint", "members?"},
		{"text at consent", func(r *convRig) flows.Outcome { return r.start() }, "ok", "hint:conv.hint.tap_button", "notice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newConvRig(t)
			tt.prepare(r)
			out := r.say(tt.answer)
			wantSaid(t, out, tt.hint, tt.ask)
		})
	}
}

func TestFormThreeWrongAnswersOfferHelpOrCancel(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	r.say("x")        // too short: 1
	r.say("")         // 2
	out := r.say("y") // 3
	wantSaid(t, out, "hint:name hint", "conv.too_many_tries")
	button(t, out, "conv.btn.help")
	out = r.tap(button(t, out, "conv.btn.cancel"))
	wantSaid(t, out, "conv.cancelled")
}

func TestFormCancelBackHelpAtEveryStep(t *testing.T) {
	// Reaching each step, then typing each command.
	steps := []struct {
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
	prev := map[string]string{"name": "name?", "moo": "name?", "members": "moo?", "summary": "members?"}
	for _, st := range steps {
		t.Run(st.name+"/cancel", func(t *testing.T) {
			r := newConvRig(t)
			st.reach(r)
			wantSaid(t, r.say("ยกเลิก"), "conv.cancelled")
			// Nothing is in progress any more: a new message gets the menu.
			wantSaid(t, r.say("สวัสดี"), "core.menu.prompt")
			if len(r.saved) != 0 {
				t.Errorf("saved after cancel")
			}
		})
		t.Run(st.name+"/help", func(t *testing.T) {
			r := newConvRig(t)
			st.reach(r)
			out := r.say("ช่วยเหลือ")
			got := keys(out)
			if got[len(got)-1] != st.ask {
				t.Errorf("after help said %q, want the question %q asked again last", got, st.ask)
			}
			if len(got) < 2 {
				t.Errorf("help said only %q, want an explanation first", got)
			}
		})
		t.Run(st.name+"/back", func(t *testing.T) {
			r := newConvRig(t)
			st.reach(r)
			out := r.say("back")
			got := keys(out)
			want := prev[st.name]
			if st.name == "consent" {
				want = "notice"
				if got[0] != "conv.back_at_start" {
					t.Errorf("back at the first step said %q, want conv.back_at_start first", got)
				}
			}
			if got[len(got)-1] != want {
				t.Errorf("back said %q, want %q asked", got, want)
			}
		})
	}
}

func TestFormEditOneField(t *testing.T) {
	r := newConvRig(t)
	out := r.toSummary()
	out = r.tap(button(t, out, "conv.btn.edit"))
	wantSaid(t, out, "conv.edit.which")
	out = r.tap(button(t, out, "Members"))
	wantSaid(t, out, "members?")
	out = r.say("6")
	wantSaid(t, out, "conv.confirm.title")
	r.tap(button(t, out, "conv.btn.confirm"))
	if len(r.saved) != 1 || r.saved[0]["members"] != "6" || r.saved[0]["moo"] != "5" {
		t.Fatalf("saved %v, want one record with members 6 and the rest kept", r.saved)
	}
}

func TestFormExpiresAfterIdleTimeout(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	r.now = r.now.Add(31 * time.Minute)
	out := r.say("สมศรี มีสุข")
	// Its answers (the consent) are kept: the user may go on (issue 14).
	wantSaid(t, out, "conv.expired_resume")
	if got := out.Replies[0].Text.Args["Minutes"]; got != 30 {
		t.Errorf("expired message says %v minutes, want 30", got)
	}
	// Told once: the next message is an ordinary one.
	wantSaid(t, r.say("สมศรี มีสุข"), "core.menu.prompt")
}

func TestFormSurvivesRestart(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	out := r.say("สมศรี มีสุข")
	moo5 := button(t, out, "Moo 5")
	r.restart()
	out = r.tap(moo5) // a button from before the restart still works
	wantSaid(t, out, "members?")
	r.restart()
	out = r.say("2")
	wantSaid(t, out, "conv.confirm.title")
	r.restart()
	r.tap(button(t, out, "conv.btn.confirm"))
	if len(r.saved) != 1 || r.saved[0]["name"] != "สมศรี มีสุข" {
		t.Fatalf("saved %v after restarts", r.saved)
	}
}

func TestFormDoubleTapAndStaleButtons(t *testing.T) {
	r := newConvRig(t)
	out := r.toSummary()
	confirm := button(t, out, "conv.btn.confirm")
	wantSaid(t, r.tap(confirm), "conv.saved")
	wantSaid(t, r.tap(confirm), "conv.already_saved")
	if len(r.saved) != 1 {
		t.Fatalf("saved %d times after a double tap, want 1", len(r.saved))
	}

	// A button from an earlier question, tapped after the conversation moved on.
	r2 := newConvRig(t)
	r2.tap(button(t, r2.start(), "conv.btn.agree"))
	out = r2.say("สมศรี มีสุข")
	old := button(t, out, "Moo 3")
	r2.tap(button(t, out, "Moo 5"))
	out = r2.tap(old)
	got := keys(out)
	if got[0] != "conv.stale_button_form" || got[len(got)-1] != "members?" {
		t.Errorf("stale tap said %q, want conv.stale_button then the current question", got)
	}
	// A forged or garbled postback is answered, not crashed on.
	wantSaid(t, r2.tap("%%%"), "conv.stale_button_form", "members?")
}

func TestTypedCommandsMatchEitherLanguageAndParticles(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	wantSaid(t, r.say(" Cancel "), "conv.cancelled")
	r.tap(button(t, r.start(), "conv.btn.agree"))
	wantSaid(t, r.say("ยกเลิกค่ะ"), "conv.cancelled")
	wantSaid(t, r.say("ยกเลิก"), "conv.nothing_to_cancel")
}

func TestLanguageSwitch(t *testing.T) {
	r := newConvRig(t)
	out := r.say("ภาษา")
	wantSaid(t, out, "conv.lang.choose")
	var en string
	for _, a := range out.Replies[0].Quick {
		if v, _ := url.ParseQuery(a.Data); v.Get("v") == "en" {
			en = a.Data
		}
	}
	out = r.tap(en)
	if out.Lang != locales.English {
		t.Errorf("language after choosing English = %q", out.Lang)
	}
	if got := r.say("hello").Lang; got != locales.English {
		t.Errorf("next message answered in %q, want en", got)
	}
	// The profile language does not override a choice.
	out = r.handle(flows.Input{Kind: flows.InputFollow, ProfileLang: "th"})
	if out.Lang != locales.English {
		t.Errorf("follow with a Thai profile switched a chosen English to %q", out.Lang)
	}
}

func TestProfileLanguageIsTheFirstGuess(t *testing.T) {
	r := newConvRig(t)
	out := r.handle(flows.Input{Kind: flows.InputFollow, ProfileLang: "en-US"})
	if out.Lang != locales.English {
		t.Fatalf("welcome in %q, want en from the profile", out.Lang)
	}
	wantSaid(t, out, "core.welcome", "core.menu.prompt")
	if !strings.HasPrefix(keys(r.say("hi"))[0], "core.menu") {
		t.Errorf("menu not shown")
	}
}

func TestButtonsOfAnAbandonedFormDoNotTouchTheNewOne(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	out := r.say("สมศรี มีสุข")
	oldMoo := button(t, out, "Moo 5")
	oldCancel := button(t, out, "conv.btn.cancel")
	r.now = r.now.Add(time.Second)
	// A new run of the same form, to the same question.
	r.tap(button(t, r.start(), "conv.btn.agree"))
	r.say("สมปอง ดีมาก")
	got := keys(r.tap(oldMoo))
	if got[0] != "conv.stale_button_form" {
		t.Errorf("an old form's answer button said %q, want stale", got)
	}
	if got := keys(r.tap(oldCancel)); got[0] != "conv.stale_button_form" {
		t.Errorf("an old form's cancel said %q, want stale (the new form stays open)", got)
	}
	r.say("5")
	wantSaid(t, r.say("2"), "conv.confirm.title")
}

func TestAfterExpiryAMenuTapStillWorks(t *testing.T) {
	r := newConvRig(t)
	r.tap(button(t, r.start(), "conv.btn.agree"))
	r.now = r.now.Add(2 * time.Hour)
	wantSaid(t, r.tap("menu=help"), "conv.expired_resume", "core.help")
}
