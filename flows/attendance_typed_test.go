package flows_test

import (
	"slices"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// What a household head types in a programme week, in her own words,
// after the evening card came as a push (whose buttons no answer offered):
// each does what the card's buttons would. The week is rulesWeek's: day 1
// is Monday 7 December, day 4 (the study visit) Thursday 10th, day 5
// (practice at home) Friday 11th.

// "ไม่สะดวกค่ะ ไม่สบาย" is "cannot attend" and its reason in one message.
func TestTypedCannotWithItsReason(t *testing.T) {
	r := programme(t, 3, rulesWeek)
	r.at(bkk(6, 18, 0)) // the evening before day 1
	for _, c := range []struct {
		user, text, reason string
	}{
		{"Uh1", "ไม่สะดวกค่ะ ไม่สบาย", "sick"},
		{"Uh2", "ไม่สะดวก ติดธุระครับ", "busy"},
		{"Uh3", "ไม่สะดวกค่ะ ต้องพาแม่ไปหาหมอ", "misc"},
		{"Uh3", "I cannot attend, sick", "sick"},
	} {
		wantSaid(t, r.say(c.user, c.text), "attendance.done.cannot")
		h := "H00000" + c.user[len(c.user)-1:]
		if a := r.attendance(1, h); a.Intent != flows.IntentNo || a.IntentReason != c.reason {
			t.Errorf("%q: day 1 is %q (%q), want cannot (%q)", c.text, a.Intent, a.IntentReason, c.reason)
		}
	}
	// The plain word still asks why, and any words answer.
	wantSaid(t, r.say("Uh1", "ไม่สะดวก"), "attendance.ask.reason")
	wantSaid(t, r.say("Uh1", "ต้องพาแม่ไปหาหมอค่ะ"), "attendance.done.cannot")
	if a := r.attendance(1, "H000001"); a.IntentReason != "misc" {
		t.Errorf("a reason in words recorded %q, want another reason", a.IntentReason)
	}
	// Other words that begin alike are not an answer.
	r.say("Uh2", "ไม่สะดวกรับสายค่ะ")
	if a := r.attendance(1, "H000002"); a.IntentReason != "busy" {
		t.Errorf("ไม่สะดวกรับสาย changed day 1 to %q (%q)", a.Intent, a.IntentReason)
	}
}

// "ไปสองคน" answers the study visit's headcount from the evening its card
// comes (two days ahead), before "ไปด้วย" was tapped; earlier it is not a
// headcount.
func TestTypedHeadcountBeforeTheTap(t *testing.T) {
	r := programme(t, 2, rulesWeek)
	r.at(bkk(6, 18, 0)) // four days before the study visit
	r.say("Uh1", "ไปสองคน")
	if a := r.attendance(flows.StudyVisit, "H000001"); a.Intent != flows.IntentNone || a.Seats != 0 {
		t.Errorf("four days ahead, ไปสองคน recorded %+v", a)
	}
	r.at(bkk(8, 18, 0)) // the evening before day 3: the headcount's card
	wantSaid(t, r.say("Uh1", "ไปสองคนค่ะ"), "attendance.seats.done")
	wantSaid(t, r.say("Uh2", "ไปด้วย 4 คน"), "attendance.seats.done")
	for h, want := range map[string]int{"H000001": 2, "H000002": 4} {
		if a := r.attendance(flows.StudyVisit, h); a.Intent != flows.IntentYes || a.Seats != want {
			t.Errorf("%s: %q with %d seats, want going with %d", h, a.Intent, a.Seats, want)
		}
	}
	// "0 (ไม่ไป)", the chip's label, typed after the question.
	out := r.tap("Uh2", flows.Postback{Action: "att.i", Village: 5, Day: 4, Household: "H000002", Value: "yes"}.Encode())
	wantSaid(t, out, "attendance.seats.ask")
	wantSaid(t, r.say("Uh2", "0 (ไม่ไป)"), "attendance.seats.none")
	if a := r.attendance(flows.StudyVisit, "H000002"); a.Intent != flows.IntentNo {
		t.Errorf("after 0 (ไม่ไป): %q, want not going", a.Intent)
	}
}

// On the evening before day 3 both cards come: "ไปด้วย" and "ไม่ไป" typed
// answer the study visit's card, not day 3's.
func TestTypedStudyVisitWordsAnswerItsCard(t *testing.T) {
	r := programme(t, 2, rulesWeek)
	r.at(bkk(8, 18, 0))
	wantSaid(t, r.say("Uh1", "ไม่ไปค่ะ"), "attendance.ask.reason")
	wantSaid(t, r.say("Uh1", "ติดธุระ"), "attendance.done.cannot")
	wantSaid(t, r.say("Uh2", "ไปด้วย"), "attendance.done.will_visit", "attendance.seats.ask")
	for _, h := range []string{"H000001", "H000002"} {
		if a := r.attendance(3, h); a.Intent != flows.IntentNone {
			t.Errorf("%s: day 3 is %q, want unanswered", h, a.Intent)
		}
	}
	if a := r.attendance(flows.StudyVisit, "H000001"); a.Intent != flows.IntentNo {
		t.Errorf("ไม่ไป: the study visit is %q, want not going", a.Intent)
	}
	if a := r.attendance(flows.StudyVisit, "H000002"); a.Intent != flows.IntentYes {
		t.Errorf("ไปด้วย: the study visit is %q, want going", a.Intent)
	}
}

// Day 5 is practice at home: "will attend" is not told to tap "I am here"
// at a training place.
func TestDay5WillAttendSaysPractice(t *testing.T) {
	r := programme(t, 1, rulesWeek)
	r.at(bkk(10, 18, 0))
	will := flows.Postback{Action: "att.i", Village: 5, Day: flows.HomeDay, Household: "H000001", Value: "yes"}.Encode()
	wantSaid(t, r.tap("Uh1", will), "attendance.done.will_home")
	// Days 1–4 still say "I am here" at the place.
	r.at(bkk(8, 18, 0))
	will = flows.Postback{Action: "att.i", Village: 5, Day: 3, Household: "H000001", Value: "yes"}.Encode()
	wantSaid(t, r.tap("Uh1", will), "attendance.done.will")
}

// On day 5 the menu's "I am here" chip says "ฝึกแล้ว", and records practice.
func TestDay5MenuChipSaysPractised(t *testing.T) {
	r := programme(t, 1, rulesWeek)
	label := catalog.MustText(locales.Thai, "attendance.btn.practised", nil)
	here := catalog.MustText(locales.Thai, "richmenu.item.here.label", nil)
	chips := func() []string {
		var out []string
		for _, a := range actions(r.say("Uh1", "ช่วยเหลือ")) {
			out = append(out, catalog.MustText(locales.Thai, a.Label.Key, a.Label.Args))
		}
		return out
	}
	r.at(bkk(9, 10, 0)) // day 3
	if got := chips(); !slices.Contains(got, here) || slices.Contains(got, label) {
		t.Errorf("day 3 chips %q, want %q and not %q", got, here, label)
	}
	r.at(bkk(11, 10, 0)) // day 5
	got := chips()
	if !slices.Contains(got, label) || slices.Contains(got, here) {
		t.Errorf("day 5 chips %q, want %q and not %q", got, label, here)
	}
	wantSaid(t, r.tap("Uh1", flows.ItemHere.Data()), "attendance.done.practised")
}

// "ช่วยด้วย" ("help!") is help.
func TestTypedHelpMe(t *testing.T) {
	r := programme(t, 1, rulesWeek)
	r.at(bkk(7, 10, 0))
	want := keys(r.say("Uh1", "ช่วยเหลือ"))
	for _, text := range []string{"ช่วยด้วย", "ช่วยด้วยค่ะ", "help me"} {
		if got := keys(r.say("Uh1", text)); len(got) == 0 || got[0] != want[0] {
			t.Errorf("%q said %q, want help (%q)", text, got, want)
		}
	}
}
