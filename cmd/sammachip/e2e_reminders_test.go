package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

// district seeds a whole district: 13 villages × 20 selected households
// (each head on LINE), a lead sage and one team sage per village, an
// officer and the officers' group, and five days per village from
// 7 December 2026. The villages are made in order (ids from the
// sequence); it returns each หมู่'s village id.
func district(t *testing.T, h *Harness) map[int]int {
	t.Helper()
	vids := map[int]int{}
	err := h.DB().Update(func(tx flows.Tx) error {
		if err := tx.Users().Put("Uofficer", flows.User{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี"}); err != nil {
			return err
		}
		if err := tx.Groups().Put("Cofficers", flows.Group{ID: "Cofficers", Bound: true, BoundBy: "Uofficer"}); err != nil {
			return err
		}
		sageID := uint64(0)
		for moo := 1; moo <= 13; moo++ {
			lead := fmt.Sprintf("Ulead%02d", moo)
			v := flows.Village{Moo: moo, Name: fmt.Sprintf("บ้านทดสอบ%d", moo), Tambon: "ทดสอบ", Occupation: "ทำน้ำพริก", Capacity: 20, LeadSageID: lead, Created: h.Now()}
			if err := flows.PutVillage(tx, &v); err != nil {
				return err
			}
			vid := v.ID
			vids[moo] = vid
			for _, id := range []string{lead, fmt.Sprintf("Usage%02d", moo)} {
				sageID++
				if err := tx.Users().Put(id, flows.User{ID: id, Active: true}); err != nil {
					return err
				}
				s := flows.Sage{ID: sageID, UserID: id, Name: "ปราชญ์ " + id, Moo: moo, Tambon: "ทดสอบ", TeamVillage: vid, Status: flows.SageApproved}
				if err := tx.Sages().Put(id, s); err != nil {
					return err
				}
			}
			for i := 1; i <= 20; i++ {
				user := householdUser(moo, i)
				if err := tx.Users().Put(user, flows.User{ID: user, Active: true}); err != nil {
					return err
				}
				hh := flows.Household{ID: fmt.Sprintf("H%02d%02d", moo, i), Village: vid, HouseNo: fmt.Sprint(i), HeadName: "หัวหน้า " + user,
					Members: 3, Income: int64(1000 * i), IncomeKnown: true, Interested: true, UserID: user,
					Status: flows.StatusSelected, DedupeKey: user}
				if err := flows.PutHousehold(tx, hh); err != nil {
					return err
				}
			}
			for day := 1; day <= flows.Days; day++ {
				d := flows.ProgrammeDay{Village: vid, Day: day, Date: fmt.Sprintf("2026-12-%02d", 6+day), Start: "09:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 1}
				if day == flows.StudyVisit {
					d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์เรียนรู้", "หน้าวัด", "07:30", "หมวก"
				}
				if err := tx.Days().Put(flows.DayRef{Village: vid, Day: day}, d); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return vids
}

func householdUser(moo, i int) string { return fmt.Sprintf("Uh%02d%02d", moo, i) }

// TestDistrictRunMinuteByMinute steps a whole district's programme week
// minute by minute through the real scheduler, sender and strict fake
// LINE, with a restart, two outages, a moved day, an unfollow and send
// faults, and checks what every person received.
func TestDistrictRunMinuteByMinute(t *testing.T) {
	if testing.Short() {
		t.Skip("a week minute by minute")
	}
	h := NewHarness(t, WithEnv("SAMMACHIP_LINE_TIMEOUT", "300ms"))
	// The push that timed out after LINE took it is retried with its key:
	// LINE's 409 is the proof it went once, and is expected here.
	h.AllowRejections("retry key already accepted")
	h.Fake.SetGroupMembers("Cofficers", 6)
	vids := district(t, h)
	ctx := context.Background()
	start := time.Date(2026, 12, 4, 0, 0, 0, 0, bangkok)
	end := time.Date(2026, 12, 12, 12, 0, 0, 0, bangkok)
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok) }
	outages := [][2]time.Time{
		{at(8, 17, 0), at(8, 19, 0)},   // the evening of day 2: reminders go late, still before their days
		{at(10, 17, 0), at(11, 10, 0)}, // overnight into day 5: its reminders are skipped
	}
	down := func(now time.Time) bool {
		for _, o := range outages {
			if !now.Before(o[0]) && now.Before(o[1]) {
				return true
			}
		}
		return false
	}
	unfollowed := householdUser(2, 1)
	here := []string{} // village 3 households that tapped "I am here" on day 2
	for now := start; now.Before(end); now = now.Add(time.Minute) {
		h.Clock.Set(now)
		switch now {
		case at(5, 10, 0):
			h.User(unfollowed).Unfollow()
		case at(6, 18, 0):
			h.Fake.FailNext(3, 500) // the first sends of the evening fail…
		case at(7, 18, 0):
			h.Fake.FailNext(2, 429) // …then LINE is busy…
		case at(8, 19, 0):
			h.Fake.HangNextAfterAccepting(1, time.Second) // …then a send times out after LINE took it
		case at(8, 10, 0):
			// Day 2 in village 3: fifteen heads tap "I am here" on the
			// morning's card (the village-wide buttons), the sage marks one absent.
			for i := 1; i <= 15; i++ {
				h.User(householdUser(3, i)).Tap(fmt.Sprintf("a=att.here&vil=%d&day=2&rev=1&h=", vids[3]))
				here = append(here, householdUser(3, i))
			}
			// The sage's roll call: present, then corrected to absent.
			h.User("Ulead03").Tap(fmt.Sprintf("a=rc.t&vil=%d&day=2&rev=1&h=H0316&to=present", vids[3]))
			h.User("Ulead03").Tap(fmt.Sprintf("a=rc.t&vil=%d&day=2&rev=1&h=H0316&to=absent", vids[3]))
		case at(9, 12, 0):
			h.Restart()
		case at(9, 13, 0):
			// The officer moves village 1's day 5 to the 12th.
			officer := h.User("Uofficer")
			officer.Tap(fmt.Sprintf("a=sch.set&vil=%d&day=5", vids[1]))
			officer.TapLabel(h.Text("conv.btn.edit"))
			officer.TapLabel(h.Text("attendance.label.date"))
			b, ok := officer.Last.Button(h.Text("conv.btn.pick_date"))
			if !ok {
				t.Fatalf("no date picker: %q", officer.Last.Labels())
			}
			officer.Pick(b.Data, map[string]string{"date": "2026-12-12"})
			officer.TapLabel(h.Text("conv.btn.confirm"))
		}
		if down(now) {
			continue
		}
		if _, err := h.Main.Scheduler().Tick(ctx); err != nil {
			t.Fatalf("tick at %s: %v", now, err)
		}
		h.Step()
	}

	reqs := h.Fake.Requests()
	var pushes []linefake.Request
	for _, r := range reqs {
		if r.Kind == linefake.KindPush || r.Kind == linefake.KindMulticast {
			pushes = append(pushes, r)
		}
	}

	// Nothing in quiet hours.
	for _, r := range pushes {
		if hm := r.At.In(bangkok).Format("15:04"); hm < "07:00" || hm >= "21:00" {
			t.Errorf("a %s at %s, in quiet hours", r.Kind, r.At.In(bangkok).Format("Jan 2 15:04"))
		}
	}
	// Every queued push was accepted exactly once: the ledger's retry keys
	// are the accepted ones, with no key accepted twice.
	var ledgerKeys []string
	skipped := map[string]bool{}
	if err := h.DB().View(func(tx flows.Tx) error {
		return tx.Ledger().Each(func(key string, le flows.LedgerEntry) error {
			ledgerKeys = append(ledgerKeys, le.RetryKeys...)
			if le.Status == flows.LedgerSkipped {
				skipped[key] = true
			}
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	var accepted []string
	for _, r := range pushes {
		accepted = append(accepted, strings.ToLower(r.RetryKey))
	}
	slices.Sort(accepted)
	if dup := slices.Compact(slices.Clone(accepted)); len(dup) != len(accepted) {
		t.Errorf("%d pushes accepted, only %d distinct retry keys: a duplicate send", len(accepted), len(dup))
	}
	for i := range ledgerKeys {
		ledgerKeys[i] = strings.ToLower(ledgerKeys[i])
	}
	slices.Sort(ledgerKeys)
	// Reminders due for the same people in one tick share a push (and its
	// retry key) in their ledger entries.
	ledgerKeys = slices.Compact(ledgerKeys)
	if !slices.Equal(accepted, ledgerKeys) {
		t.Errorf("accepted %d pushes, the ledger queued %d: a push was lost or sent unrecorded", len(accepted), len(ledgerKeys))
	}
	if h.Count(flows.Tx.Outbox) != 0 || h.Count(flows.Tx.SendFailed) != 0 {
		t.Errorf("outbox %d, failed sends %d: want everything sent", h.Count(flows.Tx.Outbox), h.Count(flows.Tx.SendFailed))
	}

	// What each household received: one evening card per day (the moved
	// day on its new eve; day 5 skipped elsewhere), one headcount.
	cardTitle := func(day int) string { return h.Text("attendance.card.title." + fmt.Sprint(day)) }
	got := map[string][]string{}
	for _, r := range pushes {
		for _, to := range r.To {
			var rec Received
			for _, m := range r.Messages {
				rec.add(r.Kind, m)
			}
			for _, text := range rec.Texts {
				// To the hour: a send that failed goes a minute or two later.
				got[to] = append(got[to], r.At.In(bangkok).Format("02 15")+" "+strings.SplitN(text, "\n", 2)[0])
			}
		}
	}
	for moo := 1; moo <= 13; moo++ {
		for i := 1; i <= 20; i++ {
			user := householdUser(moo, i)
			var want []string
			for day := 1; day <= 5; day++ {
				switch {
				case day == 3:
					want = append(want, "08 19 "+cardTitle(3)) // late, after the first outage
				case day == 5 && moo == 1:
					want = append(want, "11 18 "+cardTitle(5)) // moved to the 12th
				case day == 5:
					// skipped: the second outage ran past day 5's start
				default:
					want = append(want, fmt.Sprintf("%02d 18 %s", 6+day-1, cardTitle(day)))
				}
			}
			want = append(want, "08 19 "+cardTitle(4)) // the study visit's headcount, late too
			if moo == 1 {
				// The move of day 5, in its change notice ten minutes on (flows/notices.go).
				want = append(want, "09 13 "+strings.SplitN(h.Text("schedule.notice.text", "Village", h.Text("village.name_full", "Moo", 1, "Name", "บ้านทดสอบ1"), "Lines", ""), "\n", 2)[0])
			}
			slices.Sort(want)
			have := slices.Clone(got[user])
			slices.Sort(have)
			if user == unfollowed {
				for _, g := range got[user] {
					t.Errorf("%s unfollowed on the 5th but got %q", user, g)
				}
				continue
			}
			if !slices.Equal(have, want) {
				t.Errorf("%s received %q, want %q", user, have, want)
			}
		}
		// The sages get their brief each evening before a day.
		if n := len(got[fmt.Sprintf("Ulead%02d", moo)]); n != len(got[fmt.Sprintf("Usage%02d", moo)]) || n < 4 {
			t.Errorf("village %d: lead got %d briefs, team sage %d", moo, n, len(got[fmt.Sprintf("Usage%02d", moo)]))
		}
	}

	// The second outage skipped day 5's evening reminder in 12 villages,
	// and the next summary counted them once.
	nSkipped := 0
	for k := range skipped {
		if strings.HasPrefix(k, flows.RemindEvening+"/") {
			nSkipped++
		}
	}
	if nSkipped != 12 {
		t.Errorf("%d evening reminders skipped, want 12 (day 5 of villages 2–13)", nSkipped)
	}

	// The summaries: pushed to the group on days with news, with figures
	// equal to the records.
	summaries := map[string][]string{}
	for _, r := range pushes {
		if slices.Contains(r.To, "Cofficers") {
			day := r.At.In(bangkok).Format("02 15:04")
			for _, m := range r.Messages {
				summaries[day] = append(summaries[day], string(m))
			}
		}
	}
	dec8 := strings.Join(summaries["08 19:00"], "")
	wantToday := h.Text("summary.today.value", "Present", 15, "Absent", 1, "Unknown", 4, "Total", 20)
	if len(here) != 15 {
		t.Fatalf("%d taps, want 15", len(here))
	}
	if !strings.Contains(dec8, wantToday) {
		t.Errorf("the 8th's summary (after the outage, at 19:00) lacks village 3's day 2 %q; summaries at %v", wantToday, keysOf(summaries))
	}
	dec11 := strings.Join(summaries["11 18:30"], "")
	if want := h.Text("summary.count", "N", 12); !strings.Contains(dec11, h.Text("summary.skipped")) || !strings.Contains(dec11, want) {
		t.Errorf("the 11th's summary does not report 12 skipped reminders")
	}
	if _, ok := summaries["10 18:30"]; ok {
		t.Errorf("a summary went out during the outage")
	}
	if len(summaries) < 5 {
		t.Errorf("summaries at %v, want one on each programme day", keysOf(summaries))
	}
	for day, s := range summaries {
		if strings.Count(strings.Join(s, ""), `"type":"flex"`) != 2 {
			t.Errorf("summary at %s: want its two cards in one push", day)
		}
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
