package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// officer makes an officer through the CLI's code and the chat.
func (h *Harness) officer(id, name string) *Persona {
	h.t.Helper()
	res := cliRun(h.t, h.DBPath, nil, "officer-code")
	if res.exit != 0 {
		h.t.Fatalf("officer-code: exit %d, %q", res.exit, res.stderr)
	}
	o := h.User(id)
	o.Follow()
	o.Say(strings.TrimSpace(res.stdout))
	o.Say(name)
	o.TapLabel(h.Text("conv.btn.confirm"))
	return o
}

// registerSage runs the sage registration form through the chat.
func (h *Harness) registerSage(p *Persona, name, phone, moo string) Received {
	h.t.Helper()
	p.Follow()
	p.Say("ลงทะเบียนปราชญ์")
	p.TapLabel(h.Text("conv.btn.agree"))
	p.Say(name)
	p.Say(phone)
	p.Say(moo)
	p.TapLabel(h.Text("sage.cat.food.label"))
	p.Say("ทำน้ำพริกตาแดง")
	got := p.Say("๑๕")
	if !got.Contains(h.Text("conv.confirm.title")) {
		h.t.Fatalf("%s: after the last answer got %s, want the summary", name, got)
	}
	return p.TapLabel(h.Text("conv.btn.confirm"))
}

// noonSoongPicked is หมู่ 5's name on a button choosing a village: pickers
// always show the ตำบล ("หมู่ 5 บ้านโนนสูง ต.โนนสูง").
func noonSoongPicked(h *Harness) string {
	return h.Text("village.name_in_tambon", "Name", "บ้านโนนสูง", "Tambon", "โนนสูง")
}

// TestSageRegistryAndTeamEndToEnd: a sage registers, an officer approves
// and names them lead, the lead builds a team of five, and a sixth is
// refused — all through the signed webhook and the strict fake LINE.
func TestSageRegistryAndTeamEndToEnd(t *testing.T) {
	h := NewHarness(t)
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), cliVillages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %q", res.stderr)
	}
	officer := h.officer("Uofficer0000000000000000000000001", "สมศรี ใจดี")

	lead := h.User("Ulead00000000000000000000000000001")
	if got := h.registerSage(lead, "สมชาย รักถิ่น", "081-234-5678", "ม.5"); !got.Contains(strings.Split(h.Text("sage.saved.new", "Name", "สมชาย", "ID", 1), "\n")[0]) {
		t.Fatalf("registration saved: %s", got)
	}
	// A villager cannot approve.
	villager := h.User("Uvillager000000000000000000000001")
	villager.Follow()
	if got := villager.Say("รออนุมัติ"); !got.Contains(h.Text("sage.refuse.officers_only")) {
		t.Errorf("villager asking for pending got %s", got)
	}
	officer.Say("รออนุมัติ")
	got := officer.TapLabel(h.Text("sage.btn.approve"))
	if !got.Contains(h.Text("sage.decide.approved_no_lead", "Name", "สมชาย", "Village", "หมู่ 5 บ้านโนนสูง")) {
		t.Fatalf("approving got %s", got)
	}
	if pushed := h.Received(lead.ID(), 0); !pushed.Contains(strings.Split(h.Text("sage.push.approved", "Name", "สมชาย"), "\n")[0]) {
		t.Errorf("the sage was not told: %s", pushed)
	}
	officer.TapLabel(h.Text("team.btn.make_lead"))
	vid := h.VillageID(5) // the first village imported: not id 5
	if v, ok := stored(h, flows.Tx.Villages, vid); !ok || v.Moo != 5 || v.LeadSageID != lead.ID() {
		t.Fatalf("หมู่ 5 (village %d, หมู่ %d) lead %q, want %s", vid, v.Moo, v.LeadSageID, lead.ID())
	}

	// Four members, each registered, approved and joining with a code.
	for i := 1; i <= 4; i++ {
		got := lead.Say("ชวนสมาชิก")
		var code string
		_ = h.DB().View(func(tx flows.Tx) error {
			return tx.Invites().Each(func(k string, inv flows.Invite) error {
				if inv.UsedBy == "" && strings.Contains(strings.Join(got.Texts, " "), k) {
					code = k
				}
				return nil
			})
		})
		if code == "" {
			t.Fatalf("member %d: no invite code in %s", i, got)
		}
		member := h.User(fmt.Sprintf("Umember%026d", i))
		h.registerSage(member, "ปราชญ์ คนที่"+strings.Repeat("ก", i), fmt.Sprintf("08123456%02d", i), "5")
		officer.Say("รออนุมัติ")
		officer.TapLabel(h.Text("sage.btn.approve"))
		if got := member.Say(strings.ToLower(code)); len(got.Texts) == 0 {
			t.Fatalf("member %d joining got nothing", i)
		}
	}
	var team []flows.Sage
	_ = h.DB().View(func(tx flows.Tx) error {
		var err error
		team, err = flows.TeamMembers(tx, vid)
		return err
	})
	if len(team) != 5 || team[0].UserID != lead.ID() {
		t.Fatalf("team of %d (first %v), want the lead and four members", len(team), team)
	}
	// The sixth is refused.
	if got := lead.Say("ชวนสมาชิก"); !got.Contains(h.Text("team.full", "Max", 5)) {
		t.Errorf("a sixth invite got %s, want the team full", got)
	}
}

// TestHouseholdsEndToEnd: villagers apply, the lead sage enrols one on its
// behalf, the officer selects by income per member, a selected household
// withdraws and the first on the waitlist is promoted and told.
func TestHouseholdsEndToEnd(t *testing.T) {
	h := NewHarness(t)
	villages := "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,2\n"
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), villages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %q", res.stderr)
	}
	officer := h.officer("Uofficer0000000000000000000000001", "สมศรี ใจดี")
	apply := func(p *Persona, head, house, members, income string) Received {
		if got := p.Follow(); len(got.Buttons) == 0 {
			t.Fatalf("%s: follow got %s", head, got)
		}
		p.TapLabel(h.Text("core.menu.apply"))
		p.TapLabel(h.Text("conv.btn.agree"))
		for _, a := range []string{head, house, "หมู่ ๕", members, "รับจ้าง", income} {
			p.Say(a)
		}
		p.TapLabel(h.Text("household.interest.yes"))
		p.Say("089 876 5432")
		return p.TapLabel(h.Text("conv.btn.confirm"))
	}
	a := h.User("Uhouseholda000000000000000000001")
	b := h.User("Uhouseholdb000000000000000000001")
	c := h.User("Uhouseholdc000000000000000000001")
	if got := apply(a, "สมหมาย ใจดี", "12/1", "4", "8000"); !got.Contains(strings.Split(h.Text("household.saved.applied", "Name", "สมหมาย"), "\n")[0]) {
		t.Fatalf("applying got %s", got)
	}
	apply(b, "สมปอง มีสุข", "7", "2", "๓,๐๐๐") // 1,500 per member
	apply(c, "สมใจ รักดี", "33", "5", "12000") // 2,400 per member: the waitlist (capacity 2)
	// Applying again shows the status, not a second application.
	if got := a.Say("สมัครครัวเรือน"); !got.Contains(h.Text("household.status.applicant")) {
		t.Errorf("applying twice got %s", got)
	}

	officer.Say("คัดเลือกครัวเรือน")
	got := officer.TapLabel(h.Text("household.village.label", "Moo", 5, "Name", noonSoongPicked(h)))
	if !got.Contains(h.Text("household.select.title", "Moo", 5, "Name", "บ้านโนนสูง")) {
		t.Fatalf("proposal: %s", got)
	}
	officer.TapLabel(h.Text("household.btn.save_selection"))
	if told := h.Received(b.ID(), 0); !told.Contains(strings.Split(h.Text("household.told.selected", "Name", "สมปอง"), "\n")[0]) {
		t.Errorf("b (lowest per member) was not told it is selected: %s", told)
	}
	if told := h.Received(c.ID(), 0); !told.Contains(strings.Split(h.Text("household.told.waitlisted", "Name", "สมใจ", "Pos", 1), "\n")[0]) {
		t.Errorf("c (highest per member) was not told its waitlist place: %s", told)
	}
	// b withdraws: c is promoted and told, exactly once.
	from := len(h.Fake.Requests())
	b.Say("สถานะของฉัน")
	b.TapLabel(h.Text("household.btn.withdraw"))
	if got := b.TapLabel(h.Text("conv.btn.yes")); !got.Contains(h.Text("household.withdrawn")) {
		t.Fatalf("withdrawing got %s", got)
	}
	if told := h.Received(c.ID(), from); len(told.Texts) != 1 || !told.Contains(strings.Split(h.Text("household.told.selected", "Name", "สมใจ"), "\n")[0]) {
		t.Errorf("after b withdrew, c got %s, want one message: selected", told)
	}
	// A household cannot list the village's households.
	if got := a.Say("รายชื่อครัวเรือน"); !got.Contains(h.Text("household.err.list_forbidden")) {
		t.Errorf("a household listing got %s", got)
	}
}

// TestAttendanceEndToEnd: a schedule from the CLI; a selected household
// answers on its day card, double taps, and says it is here on the day.
func TestAttendanceEndToEnd(t *testing.T) {
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok))
	villages := "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\n"
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), villages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %q", res.stderr)
	}
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), cliSchedule, "import", "schedule", "-"); res.exit != 0 {
		t.Fatalf("import schedule: %q", res.stderr)
	}
	officer := h.officer("Uofficer0000000000000000000000001", "สมศรี ใจดี")
	mali := h.User("Umali000000000000000000000000001")
	mali.Follow()
	mali.TapLabel(h.Text("core.menu.apply"))
	mali.TapLabel(h.Text("conv.btn.agree"))
	for _, a := range []string{"มาลี ดีงาม", "9", "5", "3", "ทำนา", "4500"} {
		mali.Say(a)
	}
	mali.TapLabel(h.Text("household.interest.yes"))
	mali.Say("0812345678")
	mali.TapLabel(h.Text("conv.btn.confirm"))
	officer.Say("คัดเลือกครัวเรือน")
	officer.TapLabel(h.Text("household.village.label", "Moo", 5, "Name", noonSoongPicked(h)))
	officer.TapLabel(h.Text("household.btn.save_selection"))

	got := mali.Say("ตารางของฉัน")
	if !got.Contains(h.Text("schedule.title", "Moo", 5, "Name", "บ้านโนนสูง")) || !got.Contains(h.Text("attendance.card.title.1")) {
		t.Fatalf("my schedule got %s", got)
	}
	recorded := strings.SplitN(h.Text("attendance.done.will", "Day", "|"), "|", 2)[0]
	if got := mali.TapLabel(h.Text("attendance.btn.will")); len(got.Texts) != 1 || !strings.HasPrefix(got.Texts[0], recorded) {
		t.Errorf("will attend got %s, want %q…", got, recorded)
	}
	mali.Say("ตารางของฉัน")
	already := strings.SplitN(h.Text("attendance.already.will", "Date", "|", "Time", "|"), "|", 2)[0]
	if got := mali.TapLabel(h.Text("attendance.btn.will")); len(got.Texts) != 1 || !strings.HasPrefix(got.Texts[0], already) {
		t.Errorf("second tap got %s, want %q…", got, already)
	}
	// On the day (Monday 7 December, 08:45), the card offers "I am here".
	h.Clock.Set(time.Date(2026, 12, 7, 8, 45, 0, 0, bangkok))
	mali.Say("ตารางของฉัน")
	if got := mali.TapLabel(h.Text("attendance.btn.here")); !got.Contains(h.Text("attendance.done.here", "Name", "มาลี")) {
		t.Errorf("I am here got %s", got)
	}
	ref := flows.AttendanceRef{Village: h.VillageID(5), Day: 1, Household: "H000001"}
	if a, ok := stored(h, flows.Tx.Attendance, ref); !ok || a.Intent != flows.IntentYes || a.Presence != flows.PresenceHere {
		t.Errorf("attendance record %+v, want will attend and present", a)
	}
}
