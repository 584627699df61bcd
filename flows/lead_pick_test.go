package flows_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// With more than ten approved sages the lead picker shows ten, says so,
// and part of a name typed narrows it to those who hold it; each button
// names the sage's village and expertise.
func TestLeadPickerFiltersByPartOfAName(t *testing.T) {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 20, "ทำน้ำพริก")
	r.officer("Uofficer", "")
	names := []string{"สมชาย ใจดี", "สมศรี มีสุข", "สมพร แก้วใส", "มาลี ทองดี", "นางบุญมา ศรีสุข", "ประยูร ชาวนา",
		"วันดี ขยัน", "สุดา รักถิ่น", "ทองใบ ทองคำ", "เพ็ญ ศรีงาม", "อำไพ นาดี", "จันทร์ เพ็ญ"}
	cats := []string{flows.CategoryFarming, flows.CategoryFood, flows.CategoryHandicraft}
	for i, n := range names {
		r.putSage(flows.Sage{ID: uint64(i + 1), UserID: fmt.Sprintf("Us%d", i+1), Name: n, Moo: 5 + i%3, Tambon: "ทดสอบ",
			Category: cats[i%3], Status: flows.SageApproved})
	}
	start := func() flows.Outcome {
		r.say("Uofficer", "ตั้งปราชญ์สัมมาชีพ")
		return r.say("Uofficer", "หมู่ 5")
	}
	out := start()
	if got := replyKeys(out); len(got) != 1 || got[0] != "team.lead.ask_sage_type" {
		t.Fatalf("said %q, want the sage question saying a name can be typed", got)
	}
	if n := len(out.Replies[0].Buttons); n != 10 {
		t.Errorf("%d sages shown, want 10", n)
	}
	seen := userSees(out)
	for _, want := range []string{"แสดง 10 จาก 12 คน", "[สมชาย ใจดี · ม.5 ต.ทดสอบ · เกษตร]", "[มาลี ทองดี · ม.5 ต.ทดสอบ · เกษตร]"} {
		if !strings.Contains(seen, want) {
			t.Errorf("the picker lacks %q:\n%s", want, seen)
		}
	}

	// "สม" is in three names: just those, as buttons.
	out = r.say("Uofficer", "สม")
	wantSaid(t, out, "team.lead.found")
	seen = userSees(out)
	if got := strings.Count(seen, "["); got != 3 || !strings.Contains(seen, "[สมพร แก้วใส · ม.7 ต.ทดสอบ · หัตถกรรม]") {
		t.Errorf("narrowed to:\n%s\nwant สมชาย, สมศรี and สมพร", seen)
	}
	out = r.tap("Uofficer", thButton(t, out, "สมพร แก้วใส · ม.7 ต.ทดสอบ · หัตถกรรม"))
	wantSaid(t, out, "conv.confirm.title")
	r.tap("Uofficer", button(t, out, "conv.btn.cancel"))

	// One sage holds the text: chosen at once. The 12th sage (not among
	// the ten shown) is found too.
	start()
	wantSaid(t, r.say("Uofficer", "จันทร์"), "conv.confirm.title")
	r.say("Uofficer", "ยกเลิก")
	start()
	wantSaid(t, r.say("Uofficer", "ไม่มีชื่อนี้"), "hint:team.lead.sage_hint", "team.lead.ask_sage_type")
}

// A sage's years are read as people say them ("ประมาณยี่สิบปี"), as
// counts are everywhere (locales.ParseCount).
func TestSageYearsInWords(t *testing.T) {
	for in, want := range map[string]int{"ประมาณยี่สิบปี": 20, "ยี่สิบห้า": 25, "๑๒ ปีค่ะ": 12} {
		t.Run(in, func(t *testing.T) {
			r := newRig(t, stOpts)
			r.user("Uyears")
			a := stDefault
			a.years = in
			if s := r.register("Uyears", a); s.Years != want {
				t.Errorf("years %d, want %d", s.Years, want)
			}
		})
	}
}
