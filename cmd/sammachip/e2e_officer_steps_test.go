package main

// Issue 14, "fewer steps for the officer" and the lead sage's news, through
// the signed webhook against the strict fake LINE.

import (
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// officerVillage stores an officer (Uofficer) and one village with no
// schedule; it returns the village's id.
func officerVillage(t *testing.T, h *Harness) int {
	t.Helper()
	var vid int
	err := h.DB().Update(func(tx flows.Tx) error {
		if err := tx.Users().Put("Uofficer", flows.User{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี"}); err != nil {
			return err
		}
		v := flows.Village{Moo: 5, Name: "บ้านโนนสูง", Tambon: "โนนสูง", Occupation: "ทำน้ำพริก", Capacity: 20, Created: h.Now()}
		if err := flows.PutVillage(tx, &v); err != nil {
			return err
		}
		vid = v.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return vid
}

// A week set from chat: day 1 in full, then "วันที่ N วันถัดไป" and a
// confirm for each next day; day 4 asks where the visit goes once.
func TestE2EOfficerSetsAWeekInFewSteps(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok))
	vid := officerVillage(t, h)
	w := setDay1(t, h)
	officer, say, tap := w.officer, w.say, w.tap
	for day := 2; day <= flows.Days; day++ {
		got := tap(h.Text("schedule.btn.chain", "N", day))
		if day == flows.StudyVisit {
			if !got.Contains(h.Text("schedule.q.destination")) {
				t.Fatalf("day 4 said %s, want where the visit goes", got)
			}
			say("ศูนย์เรียนรู้บ้านนา")
			say("หน้าวัด")
			say("07.30")
			got = say("หมวก")
		}
		if !got.Contains(h.Text("conv.confirm.title")) {
			t.Fatalf("day %d said %s, want the summary to confirm", day, got)
		}
		tap(h.Text("conv.btn.confirm"))
	}
	if w.inputs > 20 {
		t.Errorf("a week took %d inputs, want at most 20", w.inputs)
	}
	card := flexText(officer.Last)
	for _, want := range []string{"จ. 7 ธ.ค. 69", "ศ. 11 ธ.ค. 69", "ศึกษาดูงาน", "ฝึกปฏิบัติที่บ้าน", "ศูนย์เรียนรู้บ้านนา"} {
		if !strings.Contains(card, want) {
			t.Errorf("the schedule card lacks %q: %s", want, card)
		}
	}
	if d, ok := stored(h, flows.Tx.Days, flows.DayRef{Village: vid, Day: 4}); !ok || d.Date != "2026-12-10" || d.Place != "ศูนย์เรียนรู้บ้านนา" || d.Start != "09:00" {
		t.Errorf("day 4 = %+v, want Thursday at day 1's time, its place the destination", d)
	}
}

// flexText is everything a chat received, Flex cards included, as one
// string.
func flexText(r Received) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.Write(m)
		b.WriteByte('\n')
	}
	return b.String()
}

// The lead-sage picker names each sage's village and expertise; with more
// than ten sages, part of a name typed narrows it.
func TestE2ELeadPickerShowsEnoughToChoose(t *testing.T) {
	h := NewHarness(t)
	vid := officerVillage(t, h)
	names := []string{"สมชาย ใจดี", "สมศรี มีสุข", "สมพร แก้วใส", "มาลี ทองดี", "บุญมา ศรีสุข", "ประยูร ชาวนา",
		"วันดี ขยัน", "สุดา รักถิ่น", "ทองใบ ทองคำ", "เพ็ญ ศรีงาม", "อำไพ นาดี", "จันทร์ เพ็ญ"}
	err := h.DB().Update(func(tx flows.Tx) error {
		for i, n := range names {
			id := userID(100 + i)
			s := flows.Sage{ID: uint64(i + 1), UserID: id, Name: n, Moo: 5, Tambon: "โนนสูง", Category: flows.CategoryFood, Status: flows.SageApproved}
			if err := tx.Sages().Put(id, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	officer := h.User("Uofficer")
	officer.Say(h.Text("team.cmd.lead"))
	got := officer.TapLabel("ม.5 บ้านโนนสูง ต.โนนสูง")
	if !got.Contains("แสดง 10 จาก 12 คน") || len(got.Buttons) < 10 {
		t.Fatalf("the picker said %s with %q, want 10 sages and a word on typing a name", got, got.Labels())
	}
	if _, ok := got.Button("สมชาย ใจดี · ม.5 ต.โนนสูง · อาหาร"); !ok {
		t.Errorf("no button with village and expertise: %q", got.Labels())
	}
	got = officer.Say("สม")
	var sages []string
	for _, l := range got.Labels() {
		if strings.Contains(l, " · ม.5") {
			sages = append(sages, l)
		}
	}
	if len(sages) != 3 {
		t.Fatalf("typing สม gave %q, want สมชาย, สมศรี and สมพร", sages)
	}
	officer.TapLabel("สมพร แก้วใส · ม.5 ต.โนนสูง · อาหาร")
	officer.TapLabel(h.Text("conv.btn.confirm"))
	if v, _ := stored(h, flows.Tx.Villages, vid); v.LeadSageID != userID(102) {
		t.Errorf("lead %q, want สมพร", v.LeadSageID)
	}
}

// The lead sage hears what changed since they last looked: in the evening
// brief they get anyway (still one push), and when they open their team
// (a reply); once.
func TestE2ELeadHearsWhatChanged(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 6, 16, 0, 0, 0, bangkok))
	vid := noticeVillage(t, h, time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok))
	lead := h.User("Unlead")
	if got := lead.Say(h.Text("team.cmd.myteam")); got.Contains(h.Text("team.news.title")) {
		t.Errorf("news on the first look: %s", got)
	}
	h.Advance(time.Hour)
	err := h.DB().Update(func(tx flows.Tx) error {
		if err := tx.Users().Put("Unmalee", flows.User{ID: "Unmalee", Active: true}); err != nil {
			return err
		}
		s := flows.Sage{ID: 9, UserID: "Unmalee", Name: "นางมาลี ทองดี", Moo: 5, Tambon: "โนนสูง", TeamVillage: vid, TeamSince: h.Now(), Status: flows.SageApproved}
		if err := tx.Sages().Put("Unmalee", s); err != nil {
			return err
		}
		hh, _, err := flows.GetHousehold(tx, "H02")
		if err != nil {
			return err
		}
		hh.Status = flows.StatusWithdrawn
		hh.History = append(hh.History, flows.StatusChange{At: h.Now(), By: "Unh2", From: flows.StatusSelected, To: flows.StatusWithdrawn})
		return flows.PutHousehold(tx, hh)
	})
	if err != nil {
		t.Fatal(err)
	}
	from := len(h.Fake.Requests())
	tickUntil(t, h, time.Date(2026, 12, 6, 20, 0, 0, 0, bangkok))
	pushes := pushesTo(h, "Unlead", from)
	if len(pushes) != 1 {
		t.Fatalf("the lead got %d pushes in the evening, want 1", len(pushes))
	}
	if brief := flexText(pushes[0]); !strings.Contains(brief, "มาลี") || !strings.Contains(brief, "หัวหน้า Unh2") || !strings.Contains(brief, h.Text("team.news.brief_label")) {
		t.Errorf("the lead's brief lacks the news: %s", brief)
	}
	if other := pushesTo(h, "Unsage", from); len(other) != 1 || strings.Contains(flexText(other[0]), h.Text("team.news.brief_label")) {
		t.Errorf("the other sage got %d pushes, want 1 without the lead's news", len(other))
	}
	h.Clock.Set(time.Date(2026, 12, 7, 7, 30, 0, 0, bangkok))
	from = len(h.Fake.Requests())
	got := lead.Say(h.Text("team.cmd.myteam"))
	if !got.Contains(h.Text("team.news.title")) || !strings.Contains(flexText(got), "มาลี") {
		t.Errorf("opening the team said %s, want what changed", got)
	}
	if again := lead.Say(h.Text("team.cmd.myteam")); again.Contains(h.Text("team.news.title")) {
		t.Errorf("the same news twice: %s", again)
	}
	if p := pushesTo(h, "Unlead", from); len(p) != 0 {
		t.Errorf("news pushed: %d", len(p))
	}
}

// Times as people say them, and an income that needs a second look,
// through the webhook.
func TestE2ESpokenTimesAndImplausibleIncome(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok))
	officerVillage(t, h)
	officer := h.User("Uofficer")
	officer.Say(h.Text("schedule.cmd.set"))
	officer.TapLabel("หมู่ 5 บ้านโนนสูง ต.โนนสูง")
	officer.TapLabel(h.Text("schedule.btn.set_day", "N", 1))
	b, _ := officer.Last.Button(h.Text("conv.btn.pick_date"))
	officer.Pick(b.Data, map[string]string{"date": "2026-12-07"})
	got := officer.Say("2 โมง")
	if _, ok := got.Button("14.00 น."); !ok {
		t.Fatalf("2 โมง said %s with %q, want 08.00 น. or 14.00 น. asked", got, got.Labels())
	}
	if got = officer.TapLabel("08.00 น."); !got.Contains(h.Text("schedule.q.end")) {
		t.Fatalf("after the tap: %s", got)
	}
	officer.Say("บ่ายสามโมงครึ่ง")
	officer.Say("ศาลา")
	officer.TapLabel(h.Text("conv.btn.confirm"))
	if !strings.Contains(flexText(officer.Last), "08.00–15.30") && !strings.Contains(flexText(officer.Last), "8.00 น.–15.30 น.") && !strings.Contains(flexText(officer.Last), "08.00 น.–15.30 น.") {
		t.Errorf("the schedule card: %s", flexText(officer.Last))
	}

	u := h.User("Uapplicant")
	u.Follow()
	u.Say(h.Text("household.cmd.apply"))
	u.TapLabel(h.Text("conv.btn.agree"))
	for _, a := range []string{"สมศรี ใจดี", "7", "ม.5", "สี่คน", "รับจ้าง"} {
		u.Say(a)
	}
	if _, ok := u.Last.Button(h.Text("household.income.unknown")); !ok {
		t.Errorf("no ไม่ทราบ for a self-applicant: %q", u.Last.Labels())
	}
	if got := u.Say("500000"); !got.Contains("500,000 บาท") {
		t.Errorf("500000 said %s, want it asked back", got)
	}
	if got := u.TapLabel(h.Text("household.income.confirm")); got.Contains("500,000") {
		t.Errorf("after yes: %s", got)
	}
}

// Day 1 in full, then days 2–5 with one chip, where the visit goes and
// what to bring: about 12 inputs for the week, through the signed webhook.
func TestE2EOfficerSetsTheRestOfTheWeekInOneGo(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok))
	officerVillage(t, h)
	w := setDay1(t, h)
	officer, say, tap := w.officer, w.say, w.tap
	if got := tap(h.Text("schedule.btn.rest")); !got.Contains(h.Text("schedule.q.destination")) {
		t.Fatalf("days 2–5 said %s, want where the visit goes", got)
	}
	say("ศูนย์เรียนรู้บ้านนา")
	if got := say("หมวก"); !got.Contains(h.Text("conv.confirm.title")) {
		t.Fatalf("said %s, want the four days to confirm", got)
	}
	tap(h.Text("conv.btn.confirm"))
	if w.inputs > 12 {
		t.Errorf("a week took %d inputs, want about 12", w.inputs)
	}
	card := flexText(officer.Last)
	for _, want := range []string{"จ. 7 ธ.ค. 69", "อ. 8 ธ.ค. 69", "พฤ. 10 ธ.ค. 69", "ศ. 11 ธ.ค. 69", "ศูนย์เรียนรู้บ้านนา"} {
		if !strings.Contains(card, want) {
			t.Errorf("the schedule card lacks %q: %s", want, card)
		}
	}
}

// weekSetter is an officer setting a week from chat, counting inputs.
type weekSetter struct {
	t       *testing.T
	officer *Persona
	inputs  int
}

func (w *weekSetter) say(s string) Received { w.inputs++; return w.officer.Say(s) }

// tap taps the latest answer's button labelled label; there must be one.
func (w *weekSetter) tap(label string) Received {
	w.t.Helper()
	w.inputs++
	if _, ok := w.officer.Last.Button(label); !ok {
		w.t.Fatalf("no button %q among %q (last said %s)", label, w.officer.Last.Labels(), w.officer.Last)
	}
	return w.officer.TapLabel(label)
}

// setDay1 is the officer setting day 1 of หมู่ 5 in full from chat: on
// Monday 7 December 2026, 09.00–16.00 at the ศาลาประชาคม.
func setDay1(t *testing.T, h *Harness) *weekSetter {
	t.Helper()
	w := &weekSetter{t: t, officer: h.User("Uofficer")}
	w.say(h.Text("schedule.cmd.set"))
	w.tap("หมู่ 5 บ้านโนนสูง ต.โนนสูง")
	w.tap(h.Text("schedule.btn.set_day", "N", 1))
	b, ok := w.officer.Last.Button(h.Text("conv.btn.pick_date"))
	if !ok {
		t.Fatalf("no date picker: %q", w.officer.Last.Labels())
	}
	w.inputs++
	w.officer.Pick(b.Data, map[string]string{"date": "2026-12-07"})
	w.say("9.00")
	w.say("16.00")
	w.say("ศาลาประชาคม")
	w.tap(h.Text("conv.btn.confirm"))
	return w
}
