package main

import (
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// TestOfficerEndToEnd goes through the signed webhook and the strict fake
// LINE: a code from the CLI makes an officer, who names themself, binds
// the officers' group, adds a village from the chat and edits it.
func TestOfficerEndToEnd(t *testing.T) {
	h := NewHarness(t)
	res := cliRun(t, h.DBPath, nil, "officer-code")
	if res.exit != 0 {
		t.Fatalf("officer-code: exit %d, %q", res.exit, res.stderr)
	}
	somsri := h.User("U0fficer00000000000000000000000a1")
	somsri.Follow()
	got := somsri.Say(strings.TrimSpace(res.stdout))
	if !got.Contains(h.Text("officer.code.welcome")) || !got.Contains(h.Text("officer.name.ask")) {
		t.Fatalf("redeeming got %s, want the welcome and the name question", got)
	}
	somsri.Say("สมศรี ใจดี")
	got = somsri.TapLabel("ยืนยัน")
	if !got.Contains(h.Text("officer.name.saved", "Name", "สมศรี ใจดี")) {
		t.Errorf("saving the name got %s", got)
	}

	// The officers' group; a villager in it cannot bind it.
	villagerInGroup := h.Group("C0ffice0000000000000000000000000b", "Uvillager0000000000000000000000c1")
	villagerInGroup.Join()
	if got := villagerInGroup.Say("ผูกกลุ่ม"); !got.Contains(h.Text("officer.err.not_officer")) {
		t.Errorf("villager binding got %s, want the refusal", got)
	}
	officerInGroup := h.Group("C0ffice0000000000000000000000000b", somsri.ID())
	if got := officerInGroup.Say("ผูกกลุ่ม"); !got.Contains(strings.Split(h.Text("officer.group.bound"), "\n")[0]) {
		t.Errorf("binding got %s", got)
	}
	if g, ok := stored(h, flows.Tx.Groups, "C0ffice0000000000000000000000000b"); !ok || !g.Bound {
		t.Errorf("group %+v, want bound", g)
	}

	// A village from the chat, then its card from the list.
	somsri.Say("หมู่บ้าน")
	somsri.TapLabel("เพิ่มหมู่บ้าน")
	for _, answer := range []string{"ม.5", "บ้านโนนสูง", "ต.โนนสูง", "ทำน้ำพริก"} {
		somsri.Say(answer)
	}
	somsri.TapLabel("20 ครัวเรือน")
	if got := somsri.TapLabel("ยืนยัน"); !got.Contains("เพิ่มหมู่ 5 บ้านโนนสูง") {
		t.Errorf("saving the village got %s", got)
	}
	somsri.Say("หมู่บ้าน")
	somsri.TapLabel("หมู่ 5 บ้านโนนสูง ต.โนนสูง")
	somsri.TapLabel("แก้ไข") // the card's Edit: the summary opens
	somsri.TapLabel("แก้ไข") // the summary's Edit: which field?
	somsri.TapLabel("ครัวเรือนเป้าหมาย")
	somsri.Say("25")
	if got := somsri.TapLabel("ยืนยัน"); !got.Contains("บันทึกการแก้ไขหมู่ 5 บ้านโนนสูง") {
		t.Errorf("saving the edit got %s", got)
	}
	if v, ok := stored(h, flows.Tx.Villages, h.VillageID(5)); !ok || v.Moo != 5 || v.Tambon != "โนนสูง" || v.Capacity != 25 {
		t.Errorf("village %+v, want หมู่ 5 ต.โนนสูง with capacity 25", v)
	}
}
