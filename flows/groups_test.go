package flows_test

// Tests of recording occupation groups (flows/groups.go). Identifiers
// start with "gr".

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// grT0 is a month after หมู่ 5's week (7–11 December 2026).
var grT0 = time.Date(2027, 1, 20, 10, 0, 0, 0, bangkok)

const (
	grOfficer = "Ugrofficer"
	grLead    = "Ugrlead"
	grMember  = "Ugrmember"
	grLead7   = "Ugrlead7"
	grVillage = "Ugrvillager"
)

// grOpts: หมู่ 5 บ้านโนนสูง finished its week; three of its selected
// households attended (trained), one has no mark, one only applied. หมู่ 7
// has not had its week. An officer, หมู่ 5's lead and a member of its
// team, หมู่ 7's lead and a villager.
var grOpts = rigOptions(withClock(grT0, time.Second), withSeed(func(r *rig) {
	r.putVillage(flows.Village{ID: 5, Moo: 5, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Occupation: "ทำน้ำพริก", Capacity: 20, Created: grT0.AddDate(0, -3, 0)})
	r.putVillage(flows.Village{ID: 7, Moo: 7, Name: "บ้านหนองบัว", Tambon: "หนองแวง", Occupation: "สานตะกร้า", Capacity: 20, Created: grT0.AddDate(0, -3, 0)})
	for day := 1; day <= flows.Days; day++ {
		r.putDay(flows.ProgrammeDay{Village: 5, Day: day, Date: fmt.Sprintf("2026-12-%02d", 6+day), Start: "09:00", End: "16:00", Place: "ศาลา"})
	}
	r.putDay(flows.ProgrammeDay{Village: 7, Day: 5, Date: "2027-03-05", Start: "09:00", End: "16:00", Place: "ศาลา"})
	names := []string{"มาลี แก้วใส", "สมชาย ใจดี", "บุญมา ศรีสุข", "ทองใบ มีสุข", "จันทร์ ดีงาม"}
	for i, name := range names {
		h := flows.Household{ID: fmt.Sprintf("H%02d", i+1), Village: 5, HouseNo: fmt.Sprint(10 + i), HeadName: name,
			Members: 3, Status: flows.StatusSelected, Interested: true, Income: 3000, IncomeKnown: true}
		if i == 4 {
			h.Status = flows.StatusApplicant
		}
		r.putHousehold(h)
		if i < 3 {
			r.putAttendance(flows.Attendance{Village: 5, Day: 1, Household: h.ID, Presence: flows.PresenceHere,
				PresenceMark: &flows.Mark{At: time.Date(2026, 12, 7, 9, 0, 0, 0, bangkok), By: grLead}})
		}
	}
	r.officer(grOfficer, "สมศรี ใจดี")
	r.sage(grLead, 5, true)
	r.sage(grMember, 5, false)
	r.sage(grLead7, 7, true)
	r.user(grVillage)
}))

// grGroups lists the stored groups.
func (r *rig) grGroups() []flows.OccupationGroup {
	r.t.Helper()
	var gs []flows.OccupationGroup
	r.view(func(tx flows.Tx) error {
		return tx.OccupationGroups().Each(func(_ int, g flows.OccupationGroup) error {
			gs = append(gs, g)
			return nil
		})
	})
	return gs
}

func TestGroupRecordedByOfficerFromTheVillageCard(t *testing.T) {
	r := newRig(t, grOpts)
	out := r.tap(grOfficer, otAction("village", "vil", "5"))
	if text := otRender(out); !strings.Contains(text, "กลุ่มอาชีพ: ยังไม่มี") {
		t.Errorf("village card %q, want no groups yet", text)
	}
	out = r.tap(grOfficer, buttonKey(t, out, "group.btn.add"))
	otWant(t, out, "group.q.name.ask")
	out = r.say(grOfficer, "กลุ่มน้ำพริกแม่บ้านโนนสูง")
	otWant(t, out, "group.q.occupation.ask_village")
	out = r.tap(grOfficer, buttonKey(t, out, "group.btn.occupation", "ทำน้ำพริก"))
	// The members: the three households that completed the week, numbered.
	otWant(t, out, "group.q.members.ask_list")
	want := "1. มาลี แก้วใส (10)\n2. สมชาย ใจดี (11)\n3. บุญมา ศรีสุข (12)"
	if text := otRender(out); !strings.Contains(text, want) {
		t.Errorf("members question %q, want the list %q", text, want)
	}
	wantSaid(t, r.say(grOfficer, "1,4"), "hint:group.hint.members", "group.q.members.ask_list")
	out = r.say(grOfficer, "๑, ๓")
	otWant(t, out, "group.q.formed.ask")
	wantSaid(t, r.say(grOfficer, "15/2/2570"), "hint:group.hint.date", "group.q.formed.ask") // in the future
	r.restart()                                                                              // a redeploy between two answers changes nothing
	out = r.say(grOfficer, "15 ม.ค. 70")
	otWant(t, out, "conv.confirm.title", "group.form.title_for")
	text := otRender(out)
	for _, want := range []string{"ชื่อกลุ่ม: กลุ่มน้ำพริกแม่บ้านโนนสูง", "อาชีพ: ทำน้ำพริก", "สมาชิก: 2 ครัวเรือน: มาลี แก้วใส, บุญมา ศรีสุข", "วันที่ตั้งกลุ่ม: วันศุกร์ที่ 15 มกราคม 2570"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary %q lacks %q", text, want)
		}
	}
	confirm := buttonKey(t, out, "conv.btn.confirm")
	out = r.tap(grOfficer, confirm)
	otWant(t, out, "group.saved.added")
	if got, want := otRender(out), "✅ บันทึก “กลุ่มน้ำพริกแม่บ้านโนนสูง” ของหมู่ 5 บ้านโนนสูง แล้วค่ะ สมาชิก 2 ครัวเรือน\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	otWant(t, r.tap(grOfficer, confirm), "group.saved.again")
	gs := r.grGroups()
	if len(gs) != 1 {
		t.Fatalf("%d groups stored, want 1", len(gs))
	}
	g := gs[0]
	if g.Village != 5 || g.Round != r.getVillage(5).Round || g.Name != "กลุ่มน้ำพริกแม่บ้านโนนสูง" || g.Occupation != "ทำน้ำพริก" ||
		!slices.Equal(g.Members, []string{"H01", "H03"}) || g.Formed != "2027-01-15" || g.By != grOfficer || g.Created.IsZero() {
		t.Errorf("stored %+v", g)
	}
	// The card shows it, and the indicators count it.
	out = r.tap(grOfficer, otAction("village", "vil", "5"))
	if text := otRender(out); !strings.Contains(text, "กลุ่มอาชีพ: 1 กลุ่ม: กลุ่มน้ำพริกแม่บ้านโนนสูง") {
		t.Errorf("village card %q, want the group", text)
	}
	var ind *flows.Indicators
	r.view(func(tx flows.Tx) error {
		cur, err := flows.CurrentRound(tx)
		if err == nil {
			ind, err = flows.RoundIndicators(tx, cur, grT0)
		}
		return err
	})
	if d := ind.District; d.GroupsFormed != 1 || d.VillagesWithGroup != 1 || !d.GroupsTargetMet {
		t.Errorf("district %+v, want 1 group in 1 of 2 villages: target met", d)
	}
}

func TestGroupRecordedByLeadSage(t *testing.T) {
	r := newRig(t, grOpts)
	out := r.say(grLead, "กลุ่มอาชีพ")
	otWant(t, out, "group.q.name.ask") // their village, without asking
	r.say(grLead, "กลุ่มแปรรูปพริก")
	out = r.say(grLead, "แปรรูปพริกแกง") // another occupation, typed
	otWant(t, out, "group.q.members.ask_list")
	out = r.say(grLead, "ทั้งหมด")
	otWant(t, out, "group.q.formed.ask")
	out = r.handle(grLead, flows.Input{Kind: flows.InputPostback, Data: button(t, out, "conv.btn.pick_date"), Params: map[string]string{"date": "2027-01-10"}})
	otWant(t, out, "conv.confirm.title")
	if text := otRender(out); strings.Contains(text, "หมู่บ้าน:") || !strings.Contains(text, "สมาชิก: 3 ครัวเรือน") {
		t.Errorf("summary %q: want no village question and the three members", text)
	}
	r.tap(grLead, buttonKey(t, out, "conv.btn.confirm"))
	gs := r.grGroups()
	if len(gs) != 1 || gs[0].Village != 5 || gs[0].Occupation != "แปรรูปพริกแกง" || len(gs[0].Members) != 3 || gs[0].Formed != "2027-01-10" {
		t.Fatalf("stored %+v", gs)
	}
	// The same name again in the village is refused.
	r.say(grLead, "กลุ่มอาชีพ")
	wantSaid(t, r.say(grLead, "กลุ่ม แปรรูปพริก"), "hint:group.hint.name_taken", "group.q.name.ask")
}

func TestGroupRefusals(t *testing.T) {
	r := newRig(t, grOpts)
	for _, who := range []string{grMember, grVillage} {
		wantSaid(t, r.say(who, "กลุ่มอาชีพ"), "group.err.not_allowed")
		wantSaid(t, r.tap(who, otAction("group_add", "vil", "5")), "group.err.not_allowed")
	}
	// A lead records for their own village only, and a village whose week
	// is not over has nobody to be a member yet.
	wantSaid(t, r.tap(grLead, otAction("group_add", "vil", "7")), "household.err.other_village")
	wantSaid(t, r.say(grLead7, "กลุ่มอาชีพ"), "group.err.no_trained")
	// An officer without a village picks one: only finished weeks are
	// offered, and a typed unfinished one is refused.
	out := r.say(grOfficer, "กลุ่มอาชีพ")
	otWant(t, out, "group.q.village.ask")
	if hasButton(out, "village.btn.pick") && len(actions(out)) > 0 {
		for _, a := range actions(out) {
			if a.Label.Key == "village.btn.pick" && fmt.Sprint(a.Label.Args["Moo"]) == "7" {
				t.Errorf("หมู่ 7 offered before its week")
			}
		}
	}
	wantSaid(t, r.say(grOfficer, "หมู่ 7"), "hint:group.err.no_trained", "group.q.village.ask")
	otWant(t, r.say(grOfficer, "หมู่ 5"), "group.q.name.ask")
	if n := len(r.grGroups()); n != 0 {
		t.Errorf("%d groups stored by refusals, want none", n)
	}
}
