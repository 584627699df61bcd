package main

import (
	"context"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
)

// A whole district week through the real scheduler, sender and fake LINE:
// no person (nor group) gets more than one push request an evening, though
// the evening before day 3 has both the day-3 card and the study visit's
// headcount due (they go in one request), and every evening has the sages'
// briefs and the officers' summary.
func TestDistrictWeekOnePushPerPersonPerEvening(t *testing.T) {
	h := NewHarness(t)
	h.Fake.SetGroupMembers("Cofficers", 6)
	district(t, h)
	ctx := context.Background()
	start := time.Date(2026, 12, 4, 0, 0, 0, 0, bangkok)
	end := time.Date(2026, 12, 12, 12, 0, 0, 0, bangkok)
	for now := start; now.Before(end); now = now.Add(5 * time.Minute) {
		h.Clock.Set(now)
		if _, err := h.Main.Scheduler().Tick(ctx); err != nil {
			t.Fatalf("tick at %s: %v", now, err)
		}
		h.Step()
	}
	type evening struct {
		to  string
		day string
	}
	perEvening := map[evening]int{}
	cards := 0
	for _, kind := range []string{linefake.KindPush, linefake.KindMulticast} {
		for _, r := range h.Fake.Sent(kind) {
			at := r.At.In(bangkok)
			for _, to := range r.To {
				perEvening[evening{to, at.Format("2006-01-02")}]++
			}
			cards += len(r.To)
		}
	}
	t.Logf("%d push requests, %d recipients", len(h.Fake.Sent(linefake.KindPush))+len(h.Fake.Sent(linefake.KindMulticast)), cards)
	if cards == 0 {
		t.Fatal("nothing was pushed all week")
	}
	for e, n := range perEvening {
		if n > 1 {
			t.Errorf("%s got %d push requests on %s, want at most 1", e.to, n, e.day)
		}
	}
	// The evening before day 3 (the 8th) a household got both in one request.
	for _, r := range h.Fake.Sent(linefake.KindMulticast) {
		if r.At.In(bangkok).Format("02") == "08" && len(r.To) == 20 && len(r.Messages) != 2 {
			t.Errorf("the multicast to a village's households on the 8th has %d messages, want 2 (day-3 card, headcount)", len(r.Messages))
		}
	}
}
