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

// Change notices end to end: an officer changes a village's schedule (in
// the chat, or by CSV through the running server), the scheduler ticks
// minute by minute, and the fake LINE shows who got what.

// noticePeople are the LINE users of noticeVillage: three households and
// the team's two sages (a fourth household has no LINE).
var noticePeople = []string{"Unh1", "Unh2", "Unh3", "Unlead", "Unsage"}

// noticeVillage seeds หมู่ 5 with its five days from first (09:00–16:00),
// an officer, and noticePeople; it returns the village's id.
func noticeVillage(t *testing.T, h *Harness, first time.Time) int {
	t.Helper()
	var vid int
	err := h.DB().Update(func(tx flows.Tx) error {
		if err := tx.Users().Put("Uofficer", flows.User{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี"}); err != nil {
			return err
		}
		v := flows.Village{Moo: 5, Name: "บ้านโนนสูง", Tambon: "โนนสูง", Occupation: "ทำน้ำพริก", Capacity: 20, LeadSageID: "Unlead", Created: h.Now()}
		if err := flows.PutVillage(tx, &v); err != nil {
			return err
		}
		vid = v.ID
		for i, id := range []string{"Unlead", "Unsage"} {
			if err := tx.Users().Put(id, flows.User{ID: id, Active: true}); err != nil {
				return err
			}
			s := flows.Sage{ID: uint64(i + 1), UserID: id, Name: "ปราชญ์ " + id, Moo: 5, Tambon: "โนนสูง", TeamVillage: vid, Status: flows.SageApproved}
			if err := tx.Sages().Put(id, s); err != nil {
				return err
			}
		}
		for i := 1; i <= 4; i++ {
			user := fmt.Sprintf("Unh%d", i)
			hh := flows.Household{ID: fmt.Sprintf("H%02d", i), Village: vid, HouseNo: fmt.Sprint(i), HeadName: "หัวหน้า " + user,
				Members: 3, Income: int64(1000 * i), IncomeKnown: true, Interested: true, UserID: user,
				Status: flows.StatusSelected, DedupeKey: user}
			if i == 4 {
				hh.UserID, hh.EnrolledBy = "", "Unlead" // no LINE: the sage enrolled them
			} else if err := tx.Users().Put(user, flows.User{ID: user, Active: true}); err != nil {
				return err
			}
			if err := flows.PutHousehold(tx, hh); err != nil {
				return err
			}
		}
		for day := 1; day <= flows.Days; day++ {
			d := flows.ProgrammeDay{Village: vid, Day: day, Date: first.AddDate(0, 0, day-1).Format("2006-01-02"),
				Start: "09:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 1}
			if day == flows.StudyVisit {
				d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์เรียนรู้", "หน้าวัด", "07:30", "หมวก"
			}
			if err := tx.Days().Put(flows.DayRef{Village: vid, Day: day}, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return vid
}

// tickUntil sets the clock to each minute from the clock's time up to and
// including until, ticking the scheduler and sending what it queued.
func tickUntil(t *testing.T, h *Harness, until time.Time) {
	t.Helper()
	now := h.Now().Truncate(time.Minute)
	for ; !now.After(until); now = now.Add(time.Minute) {
		if now.Before(h.Now()) {
			continue
		}
		h.Clock.Set(now)
		if _, err := h.Main.Scheduler().Tick(context.Background()); err != nil {
			t.Fatalf("tick at %s: %v", now, err)
		}
		h.Step()
	}
}

// pushesTo lists the push and multicast requests to user from the
// fake's request number from on, each as what it said.
func pushesTo(h *Harness, user string, from int) []Received {
	var out []Received
	reqs := h.Fake.Requests()
	for _, r := range reqs[min(from, len(reqs)):] {
		if r.Kind != linefake.KindPush && r.Kind != linefake.KindMulticast {
			continue
		}
		for _, to := range r.To {
			if to == user {
				var rec Received
				for _, m := range r.Messages {
					rec.add(r.Kind, m)
				}
				out = append(out, rec)
			}
		}
	}
	return out
}

// changeStart has the officer set day's start to hhmm in the chat form,
// and returns the officer's answer to the save.
func changeStart(t *testing.T, h *Harness, vid, day int, hhmm string) Received {
	t.Helper()
	officer := h.User("Uofficer")
	officer.Tap(fmt.Sprintf("a=sch.set&vil=%d&day=%d", vid, day))
	officer.TapLabel(h.Text("conv.btn.edit"))
	officer.TapLabel(h.Text("schedule.label.start"))
	officer.Say(hhmm)
	return officer.TapLabel(h.Text("conv.btn.confirm"))
}

// wantOneNoticeEach checks that each of noticePeople got exactly one push
// request from the fake's request number from on, saying each of want.
func wantOneNoticeEach(t *testing.T, h *Harness, from int, want ...string) {
	t.Helper()
	for _, who := range noticePeople {
		got := pushesTo(h, who, from)
		if len(got) != 1 {
			t.Errorf("%s got %d push requests, want 1: %v", who, len(got), got)
			continue
		}
		for _, w := range want {
			if !got[0].Contains(w) {
				t.Errorf("%s got %s, want %q in it", who, got[0], w)
			}
		}
	}
}

func TestE2ENoticeOfATimeOnlyChange(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	vid := noticeVillage(t, h, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	tickUntil(t, h, h.Now())
	from := len(h.Fake.Requests())
	saved := changeStart(t, h, vid, 1, "13.00")
	if !saved.Contains("5 คน") || !saved.Contains("เวลา 10.10 น.") {
		t.Errorf("the officer got %s, want that 5 people are told at 10.10 น.", saved)
	}
	tickUntil(t, h, time.Date(2026, 12, 2, 10, 9, 0, 0, bangkok))
	if got := pushesTo(h, "Unh1", from); len(got) != 0 {
		t.Errorf("pushed before the ten minutes: %v", got)
	}
	tickUntil(t, h, time.Date(2026, 12, 2, 10, 30, 0, 0, bangkok))
	wantOneNoticeEach(t, h, from, "วันอบรมที่ 1 เปลี่ยนเวลา: 09.00 น. → 13.00 น.", "เหมือนเดิม")
	if got := pushesTo(h, "Unh1", from); len(got) == 1 && got[0].Contains("ย้ายไป") {
		t.Errorf("a time-only change says the day moved: %s", got[0])
	}
	// A restart rebuilds the plan: the notice is not sent again.
	h.Restart()
	tickUntil(t, h, time.Date(2026, 12, 2, 11, 0, 0, 0, bangkok))
	wantOneNoticeEach(t, h, from)
}

func TestE2ENoticeOfAWeekMovedByCSV(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	noticeVillage(t, h, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	tickUntil(t, h, h.Now())
	from := len(h.Fake.Requests())
	csv := "moo,day,date,start,end,place,destination,meeting_point,departure,bring\n"
	for day := 1; day <= flows.Days; day++ {
		extras := ",,,,"
		if day == flows.StudyVisit {
			extras = ",ศูนย์เรียนรู้,หน้าวัด,07:30,หมวก"
		}
		csv += fmt.Sprintf("5,%d,2026-12-%02d,09:00,16:00,ศาลาประชาคม%s\n", day, 13+day, extras)
	}
	res := cliRun(t, h.DBPath, nil, "import", "schedule", cliWriteFile(t, "week.csv", csv))
	if res.exit != 0 {
		t.Fatalf("import: exit %d, stderr %q", res.exit, res.stderr)
	}
	if !strings.Contains(res.stdout, "หมู่ 5 บ้านโนนสูง: 📣") || !strings.Contains(res.stdout, "5 คน") || !strings.Contains(res.stdout, "เวลา 10.10 น.") {
		t.Errorf("the import says %q, want who is told (5 people) and when (10.10 น.)", res.stdout)
	}
	tickUntil(t, h, time.Date(2026, 12, 2, 10, 30, 0, 0, bangkok))
	wantOneNoticeEach(t, h, from, "วันอบรมที่ 1 ย้ายไป", "วันอบรมที่ 3 ย้ายไป", "วันอบรมที่ 5 ย้ายไป ศ. 18 ธ.ค. 2569")
}

func TestE2ECancelThenNewDateIsOneNotice(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	vid := noticeVillage(t, h, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	tickUntil(t, h, h.Now())
	from := len(h.Fake.Requests())
	officer := h.User("Uofficer")
	officer.Tap(fmt.Sprintf("a=sch.cancel&vil=%d&day=5", vid))
	if done := officer.TapLabel(h.Text("conv.btn.yes")); !done.Contains("5 คน") {
		t.Errorf("the officer got %s, want how many people are told", done)
	}
	if got := pushesTo(h, "Unh1", from); len(got) != 0 {
		t.Errorf("the cancellation was pushed at once: %v", got)
	}
	tickUntil(t, h, time.Date(2026, 12, 2, 10, 4, 0, 0, bangkok))
	// The cancelled day is set again from the start: date, times, place.
	officer.Tap(fmt.Sprintf("a=sch.set&vil=%d&day=5", vid))
	b, ok := officer.Last.Button(h.Text("conv.btn.pick_date"))
	if !ok {
		t.Fatalf("no date picker: %q", officer.Last.Labels())
	}
	officer.Pick(b.Data, map[string]string{"date": "2026-12-14"})
	officer.Say("09.00")
	officer.Say("16.00")
	officer.Say("ศาลาประชาคม")
	officer.TapLabel(h.Text("conv.btn.confirm"))
	tickUntil(t, h, time.Date(2026, 12, 2, 10, 30, 0, 0, bangkok))
	wantOneNoticeEach(t, h, from, "วันอบรมที่ 5 ย้ายไป จ. 14 ธ.ค. 2569")
	if got := pushesTo(h, "Unsage", from); len(got) == 1 && got[0].Contains("ยกเลิก") {
		t.Errorf("the notice still says cancelled: %s", got[0])
	}
}

func TestE2EChangeBeyondFourteenDaysWaitsForTheCard(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 2, 10, 0, 0, 0, bangkok))
	vid := noticeVillage(t, h, time.Date(2026, 12, 22, 0, 0, 0, 0, bangkok))
	tickUntil(t, h, h.Now())
	from := len(h.Fake.Requests())
	if saved := changeStart(t, h, vid, 1, "13.00"); !saved.Contains("เกิน 14 วัน") {
		t.Errorf("the officer got %s, want that nobody is told now", saved)
	}
	tickUntil(t, h, time.Date(2026, 12, 2, 11, 0, 0, 0, bangkok))
	for _, who := range noticePeople {
		if got := pushesTo(h, who, from); len(got) != 0 {
			t.Errorf("%s was pushed about a day 20 days ahead: %v", who, got)
		}
	}
	h.Clock.Set(time.Date(2026, 12, 21, 17, 58, 0, 0, bangkok))
	tickUntil(t, h, time.Date(2026, 12, 21, 18, 1, 0, 0, bangkok))
	got := pushesTo(h, "Unh1", from)
	if len(got) != 1 {
		t.Fatalf("on the evening before: %d pushes, want the card", len(got))
	}
	if raw := string(got[0].Messages[0]); !strings.Contains(raw, "13.00 น.") {
		t.Errorf("the evening card %s does not carry the new start 13.00 น.", raw)
	}
}

func TestE2ENoticeAndEveningCardInOnePush(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 6, 17, 30, 0, 0, bangkok))
	vid := noticeVillage(t, h, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	tickUntil(t, h, h.Now())
	from := len(h.Fake.Requests())
	if saved := changeStart(t, h, vid, 1, "10.00"); !saved.Contains("เวลา 18.00 น.") {
		t.Errorf("the officer got %s, want the notice at 18.00 น. with the evening card", saved)
	}
	tickUntil(t, h, time.Date(2026, 12, 6, 20, 59, 0, 0, bangkok))
	wantOneNoticeEach(t, h, from, "วันอบรมที่ 1 เปลี่ยนเวลา: 09.00 น. → 10.00 น.")
	for _, who := range noticePeople {
		if got := pushesTo(h, who, from); len(got) == 1 && len(got[0].Messages) < 2 {
			t.Errorf("%s got %s, want the notice and the evening's card (or brief) in one request", who, got[0])
		}
	}
}

// A whole district week with the headcount at 19:30 (the evening card at
// 18:00), a change in the chat at 17:30 for the next day and a CSV change
// at 19:00 after the evening's push: nobody gets more than one push
// request an evening (17:00 until quiet hours), and what was due later in
// an evening came with its earliest push.
func TestE2EDistrictWeekOnePushPerPersonPerEvening(t *testing.T) {
	h := NewHarness(t, WithEnv("SAMMACHIP_REMIND_HEADCOUNT", "19:30"))
	h.Fake.SetGroupMembers("Cofficers", 6)
	vids := district(t, h)
	ctx := context.Background()
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok) }
	for now := at(4, 0, 0); now.Before(at(12, 12, 0)); now = now.Add(5 * time.Minute) {
		h.Clock.Set(now)
		switch now {
		case at(8, 17, 30): // village 2's day 3 (the 9th) starts an hour later
			changeStart(t, h, vids[2], 3, "10.00")
		case at(9, 19, 0): // village 3's day 5 gets another place
			csv := "moo,tambon,day,date,start,end,place\n3,ทดสอบ,5,2026-12-11,09:00,16:00,วัดบ้านทดสอบ3\n"
			if res := cliRun(t, h.DBPath, nil, "import", "schedule", cliWriteFile(t, "day5.csv", csv)); res.exit != 0 {
				t.Fatalf("import: %q", res.stderr)
			}
		}
		if _, err := h.Main.Scheduler().Tick(ctx); err != nil {
			t.Fatalf("tick at %s: %v", now, err)
		}
		h.Step()
	}
	type evening struct{ to, day string }
	perEvening := map[evening]int{}
	for _, r := range h.Fake.Sent(linefake.KindPush) {
		if at := r.At.In(bangkok); at.Format("15:04") >= "17:00" {
			perEvening[evening{r.To[0], at.Format("02")}]++
		}
	}
	for _, r := range h.Fake.Sent(linefake.KindMulticast) {
		if at := r.At.In(bangkok); at.Format("15:04") >= "17:00" {
			for _, to := range r.To {
				perEvening[evening{to, at.Format("02")}]++
			}
		}
	}
	if len(perEvening) == 0 {
		t.Fatal("nothing was pushed in the evenings")
	}
	for e, n := range perEvening {
		if n > 1 {
			t.Errorf("%s got %d push requests on the evening of the %s, want at most 1", e.to, n, e.day)
		}
	}
	// The 8th: village 2's households got the change notice, day 3's card
	// and the 19:30 headcount in one request, at 18:00.
	h2 := pushesTo(h, householdUser(2, 1), 0)
	found := false
	for _, rec := range h2 {
		if rec.Contains("วันอบรมที่ 3 เปลี่ยนเวลา: 09.00 น. → 10.00 น.") {
			found = true
			if len(rec.Messages) != 3 {
				t.Errorf("the notice came in a request of %d messages %s, want 3 (notice, day-3 card, headcount)", len(rec.Messages), rec)
			}
		}
	}
	if !found {
		t.Errorf("village 2's household never heard of day 3's new time")
	}
	// Village 3 heard of day 5's new place the next morning, alone.
	h3 := pushesTo(h, householdUser(3, 1), 0)
	if !slices.ContainsFunc(h3, func(rec Received) bool {
		return rec.Contains("วันอบรมที่ 5 เปลี่ยนสถานที่: ศาลาประชาคม → วัดบ้านทดสอบ3")
	}) {
		t.Errorf("village 3's household never heard of day 5's new place: %v", h3)
	}
}
