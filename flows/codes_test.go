package flows_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// The codes people type are limited: five wrong ones within ten minutes
// and a user must wait ten minutes, right codes refused meanwhile; a
// hundred wrong ones a minute from everyone and every code waits a minute.

const (
	cdGuesser = "Uguesser0000000000000000000000001"
	cdRight   = "RIGHT234" // the right code of each case
)

// cdWrong is the guesser's i-th wrong code.
func cdWrong(i int) string { return fmt.Sprintf("WRONG%03d", i) }

// cdLinkHousehold stores a household of village 5 without LINE whose
// link code is code, issued at issued.
func (r *rig) cdLinkHousehold(code string, issued time.Time) {
	r.t.Helper()
	r.putVillage(flows.Village{ID: 5, Moo: 5, Name: "บ้านโนนสูง", Occupation: "ทอผ้า", Capacity: 20})
	h := flows.Household{ID: "H000001", Village: 5, HouseNo: "44", HeadName: "ยายมา ดีใจ", Members: 2, DedupeKey: "005|44|ยายมาดีใจ",
		Status: flows.StatusApplicant, Applied: issued, Updated: issued, LinkCode: code, LinkCodeIssued: issued}
	r.putHousehold(h)
}

// cdCodes lists the code attempts an outcome reports for the metrics.
func cdCodes(out flows.Outcome) []string {
	var got []string
	for _, a := range out.Codes {
		got = append(got, string(a.Kind)+"/"+string(a.Result))
	}
	return got
}

func cdWantCodes(t *testing.T, out flows.Outcome, want ...string) {
	t.Helper()
	if got := cdCodes(out); !slices.Equal(got, want) {
		t.Errorf("code attempts %v, want %v (answer %v)", got, want, otKeys(out))
	}
}

// cdKinds are the ways a right code can be typed: each kind of code, and
// an invite code in the button that carries it.
var cdKinds = []struct {
	name string
	kind flows.CodeKind
	// setup stores cdRight as a code of the kind.
	setup func(b *rig)
	// try sends code as a user would; wrongKey answers a code that is
	// not there, acceptedKey the right one.
	try         func(b *rig, user, code string) flows.Outcome
	wrongKey    string
	acceptedKey string
}{
	{
		name: "officer code",
		kind: flows.CodeOfficer,
		setup: func(b *rig) {
			b.codes = []string{cdRight}
			b.otIssue()
		},
		try:         func(b *rig, user, code string) flows.Outcome { return b.say(user, code) },
		wrongKey:    "officer.code.unknown",
		acceptedKey: "officer.code.welcome",
	},
	{
		name: "team invite code",
		kind: flows.CodeInvite,
		setup: func(b *rig) {
			b.putInvite(flows.Invite{Code: cdRight, Village: 5, By: "Ulead", Created: b.now, Expires: b.now.Add(flows.InviteTTL)})
		},
		try:         func(b *rig, user, code string) flows.Outcome { return b.say(user, code) },
		wrongKey:    "officer.code.unknown",
		acceptedKey: "team.join.register_first",
	},
	{
		name: "team invite code in a button",
		kind: flows.CodeInvite,
		setup: func(b *rig) {
			b.putInvite(flows.Invite{Code: cdRight, Village: 5, By: "Ulead", Created: b.now, Expires: b.now.Add(flows.InviteTTL)})
		},
		try: func(b *rig, user, code string) flows.Outcome {
			return b.tap(user, otAction("team.join", "code", code))
		},
		wrongKey:    "team.code.unknown",
		acceptedKey: "team.join.register_first",
	},
	{
		name:        "household link code",
		kind:        flows.CodeLink,
		setup:       func(b *rig) { b.cdLinkHousehold(cdRight, b.now) },
		try:         func(b *rig, user, code string) flows.Outcome { return b.say(user, code) },
		wrongKey:    "officer.code.unknown",
		acceptedKey: "household.link.done",
	},
}

func TestFiveWrongCodesThenACoolOff(t *testing.T) {
	for _, k := range cdKinds {
		t.Run(k.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			k.setup(b)
			wrongKind := string(flows.CodeUnknown)
			if k.kind == flows.CodeInvite && k.wrongKey == "team.code.unknown" {
				wrongKind = string(flows.CodeInvite) // the button says what it holds
			}
			for i := 1; i <= 4; i++ {
				out := k.try(b, cdGuesser, cdWrong(i))
				otWant(t, out, k.wrongKey)
				cdWantCodes(t, out, wrongKind+"/wrong")
			}
			start := b.now
			out := k.try(b, cdGuesser, cdWrong(5))
			otWant(t, out, "code.limit.user")
			if otHas(out, k.wrongKey) {
				t.Errorf("fifth wrong code: answer %v, want the cool-off alone", otKeys(out))
			}
			if got := out.Replies[0].Text.Args["Minutes"]; got != 10 {
				t.Errorf("cool-off says wait %v minutes, want 10", got)
			}
			if text := otRender(out); !strings.Contains(text, "รอ 10 นาที") {
				t.Errorf("cool-off reads %q, want it to say รอ 10 นาที", text)
			}
			cdWantCodes(t, out, wrongKind+"/wrong")

			// The right code is refused too, and it is not used up.
			out = k.try(b, cdGuesser, cdRight)
			otWant(t, out, "code.limit.user")
			if otHas(out, k.acceptedKey) {
				t.Fatalf("right code during the cool-off: answer %v, want it refused", otKeys(out))
			}
			cdWantCodes(t, out, string(k.kind)+"/limited")

			// Someone else is not held back by the guesser.
			out = k.try(b, otVillager, cdWrong(99))
			otWant(t, out, k.wrongKey)

			// A restart forgets nothing.
			b.restart()
			b.now = start.Add(10*time.Minute - time.Second)
			otWant(t, k.try(b, cdGuesser, cdRight), "code.limit.user")

			b.now = start.Add(10 * time.Minute)
			out = k.try(b, cdGuesser, cdRight)
			otWant(t, out, k.acceptedKey)
			cdWantCodes(t, out, string(k.kind)+"/ok")
		})
	}
}

// Wrong codes count within ten minutes of each other; older ones are
// forgotten, and a right code between them does not clear the count.
func TestWrongCodesCountWithinTheWindow(t *testing.T) {
	tests := []struct {
		name string
		gaps []time.Duration // before each of five wrong codes
		want string          // the answer to the fifth
	}{
		{"five within ten minutes", []time.Duration{0, 2 * time.Minute, 2 * time.Minute, 2 * time.Minute, 3*time.Minute + 30*time.Second}, "code.limit.user"},
		{"the first is ten minutes old", []time.Duration{0, 2 * time.Minute, 2 * time.Minute, 2 * time.Minute, 4 * time.Minute}, "officer.code.unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			var out flows.Outcome
			for i, gap := range tt.gaps {
				b.now = b.now.Add(gap)
				if i == 2 {
					b.codes = []string{cdRight}
					b.otIssue()
					otWant(t, b.say(cdGuesser, cdRight), "officer.code.welcome")
					b.say(cdGuesser, "ยกเลิก") // leave the name form
				}
				out = b.say(cdGuesser, cdWrong(i))
			}
			otWant(t, out, tt.want)
		})
	}
}

// A hundred wrong codes a minute from everyone (ten here) and every code
// waits: the right code of someone who never typed a wrong one too.
func TestGlobalLimitOnWrongCodes(t *testing.T) {
	tests := []struct {
		name   string
		spread time.Duration // between two guessers' codes
		want   string        // the answer to the right code after them
	}{
		{"ten within a minute", time.Second, "code.limit.global"},
		{"ten over two minutes", 12 * time.Second, "officer.code.welcome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.configure(func(c *flows.Config) { c.CodeLimits = flows.CodeLimits{Global: 10} })
			b.codes = []string{cdRight}
			b.otIssue()
			for i := range 10 {
				b.now = b.now.Add(tt.spread - time.Second)
				// Two wrong codes from each of five guessers: none of them
				// near their own limit.
				out := b.say(fmt.Sprintf("Uguesser%d", i%5), cdWrong(i))
				if i < 9 {
					otWant(t, out, "officer.code.unknown")
				}
			}
			out := b.say(otNewbie, cdRight)
			otWant(t, out, tt.want)
			if tt.want != "code.limit.global" {
				return
			}
			cdWantCodes(t, out, "officer/limited")
			if b.getUser(otNewbie).Officer {
				t.Fatal("right code during the global limit made an officer")
			}
			// It lasts a minute from the tenth wrong code, then all is as before.
			b.now = b.now.Add(time.Minute - 3*time.Second)
			otWant(t, b.say(otNewbie, cdRight), "code.limit.global")
			otWant(t, b.say(otNewbie, cdRight), "officer.code.welcome")
		})
	}
}

// Every limited answer renders in both languages and names the wait.
func TestCodeLimitRendersInEnglish(t *testing.T) {
	b := newRig(t, otOpts)
	b.putUser(flows.User{ID: cdGuesser, Lang: "en", LangChosen: true, Active: true})
	var out flows.Outcome
	for i := range 5 {
		out = b.say(cdGuesser, cdWrong(i))
	}
	text := catalog.MustText("en", out.Replies[0].Text.Key, out.Replies[0].Text.Args)
	if !strings.Contains(text, "wait 10 min") {
		t.Errorf("English cool-off reads %q, want it to say wait 10 min", text)
	}
}

// Records of the limits name no one: the key is a pseudonym.
func TestCodeAttemptsKeepNoLINEID(t *testing.T) {
	b := newRig(t, otOpts)
	b.say(cdGuesser, cdWrong(1))
	var keys []string
	var everyone, byID bool
	b.view(func(tx flows.Tx) error {
		if err := tx.CodeAttempts().Each(func(k string, _ flows.CodeUserAttempts) error {
			keys = append(keys, k)
			return nil
		}); err != nil {
			return err
		}
		var err error
		if _, everyone, err = tx.CodeAttemptsAll().Get(); err != nil {
			return err
		}
		_, byID, err = tx.CodeAttempts().Get(cdGuesser)
		return err
	})
	if len(keys) != 1 || !everyone {
		t.Fatalf("code attempt records %q (everyone's: %v), want the guesser's and everyone's", keys, everyone)
	}
	for _, k := range keys {
		if strings.Contains(k, cdGuesser) || strings.Contains(k, cdWrong(1)) {
			t.Errorf("record key %q holds a LINE id or a code", k)
		}
	}
	if byID {
		t.Error("the guesser's record is found by their LINE id")
	}
}

// Household link codes work for 30 days (Config.LinkCodeTTL).
func TestLinkCodeExpires(t *testing.T) {
	tests := []struct {
		name string
		ttl  time.Duration // 0: the default
		age  time.Duration
		want string
	}{
		{"a second before 30 days", 0, 30*24*time.Hour - time.Second, "household.link.done"},
		{"after 30 days", 0, 30 * 24 * time.Hour, "household.link.expired"},
		{"a week, configured", 7 * 24 * time.Hour, 7 * 24 * time.Hour, "household.link.expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.configure(func(c *flows.Config) { c.LinkCodeTTL = tt.ttl })
			b.cdLinkHousehold(cdRight, b.now)
			b.now = b.now.Add(tt.age)
			out := b.say(otVillager, cdRight)
			otWant(t, out, tt.want)
			if tt.want == "household.link.expired" {
				cdWantCodes(t, out, "link/expired")
				if text := otRender(out); !strings.Contains(text, "หมดอายุ") || !strings.Contains(text, "ปราชญ์") {
					t.Errorf("expired answer reads %q, want it to say it expired and that a sage gives a new one", text)
				}
				if h, _ := b.getHousehold("H000001"); h.UserID != "" {
					t.Errorf("expired code linked the household to %q", h.UserID)
				}
			}
		})
	}
}

// A sage of the village (or an officer) issues a new link code from the
// household's card; it replaces the old one, which no longer works.
func TestSageIssuesANewLinkCodeFromTheCard(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.hhVillage(6, 20, "สานตะกร้า")
	r.sage("Usage5", 5, false)
	r.sage("Usage6", 6, false)
	r.officer("Uofficer", "")
	r.user("Uyai")
	out := r.enrolOnBehalf("Usage5", "ยายมา ดีใจ", "44")
	old := out.Replies[0].Text.Args["Code"].(string)
	if out.Replies[0].Text.Args["Date"] == nil {
		t.Errorf("enrolment answer %v does not say until when the code works", out.Replies[0].Text.Args)
	}
	id := r.households(5)[0].ID

	// 31 days on, the code has expired and the card says so.
	r.now = r.now.Add(31 * 24 * time.Hour)
	wantSaid(t, r.say("Uyai", old), "household.link.expired")
	card := r.tap("Usage5", "a=hh.card&id="+id)
	var field string
	for _, f := range card.Replies[0].Fields {
		if f.Label.Key == "household.label.link_code" {
			field = f.Value.Key
		}
	}
	if field != "household.link_code.expired" {
		t.Errorf("card's link code field %q, want household.link_code.expired", field)
	}

	// Who may issue one: not a sage of another village, nor a villager.
	for _, who := range []struct{ user, want string }{
		{"Usage6", "household.err.not_yours"},
		{"Uyai", "household.err.not_yours"},
	} {
		wantSaid(t, r.tap(who.user, "a=hh.linkcode&id="+id), who.want)
	}

	out = r.tap("Usage5", button(t, card, "household.btn.new_link_code"))
	wantSaid(t, out, "household.link.new_code")
	code := out.Replies[0].Text.Args["Code"].(string)
	if code == old {
		t.Fatalf("new code %q is the old one", code)
	}
	// An officer may issue one too; it replaces the sage's.
	out = r.tap("Uofficer", "a=hh.linkcode&id="+id)
	wantSaid(t, out, "household.link.new_code")
	newest := out.Replies[0].Text.Args["Code"].(string)

	wantSaid(t, r.say("Uyai", old), "officer.code.unknown")
	wantSaid(t, r.say("Uyai", code), "officer.code.unknown")
	wantSaid(t, r.say("Uyai", newest), "household.link.done", "household.status.applicant")
	if h := r.householdOf("Uyai"); h.ID != id || h.LinkCode != "" {
		t.Errorf("linked household %+v", h)
	}
	// Linked: no more codes for it, and no button.
	wantSaid(t, r.tap("Usage5", "a=hh.linkcode&id="+id), "household.link.has_line")
	for _, a := range r.tap("Usage5", "a=hh.card&id="+id).Replies[0].Buttons {
		if a.Label.Key == "household.btn.new_link_code" {
			t.Error("card of a linked household offers a new link code")
		}
	}
}
