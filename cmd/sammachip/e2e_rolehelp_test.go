package main

// Issue 14 through the signed webhook: help follows the role and names
// the office's phone (SAMMACHIP_OFFICE_PHONE), a chip's label typed does
// what the chip does, and a form left for another button says so.

import (
	"slices"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

func TestLoadConfigOfficePhone(t *testing.T) {
	for _, tt := range []struct {
		value, want string
		ok          bool
	}{
		{"", "", true},
		{"043-123456", "043123456", true},
		{"+66 81 234 5678", "0812345678", true},
		{"๐๔๓๑๒๓๔๕๖", "043123456", true},
		{"12345", "", false},
		{"call us", "", false},
	} {
		c, err := LoadConfig(env("SAMMACHIP_OFFICE_PHONE", tt.value))
		if (err == nil) != tt.ok {
			t.Errorf("%q: error %v, want ok=%v", tt.value, err, tt.ok)
			continue
		}
		if err == nil && c.EngineConfig(nil).OfficePhone != tt.want {
			t.Errorf("%q: office phone %q, want %q", tt.value, c.EngineConfig(nil).OfficePhone, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), "SAMMACHIP_OFFICE_PHONE") {
			t.Errorf("%q: error %v does not name the setting", tt.value, err)
		}
	}
}

func TestE2EHelpFollowsTheRoleAndNamesTheOffice(t *testing.T) {
	h := NewHarness(t, WithEnv("SAMMACHIP_OFFICE_PHONE", "043-123456"))
	phone := locales.FormatPhone("043123456")

	villager := h.User("U1000000000000000000000000000e001")
	villager.Follow()
	got := villager.Say("ช่วยเหลือค่ะ")
	if !got.Contains(phone) || !slices.Contains(got.Labels(), h.Text("core.menu.apply")) {
		t.Errorf("a villager's help %s (chips %q): want the office's number and the villager's menu", got, got.Labels())
	}

	officer := h.User("U1000000000000000000000000000e002")
	officer.Follow()
	rmBecomeOfficer(t, h, officer.ID())
	officer.Say("ยกเลิก") // the name can wait
	got = officer.Say("ช่วยเหลือ")
	if !got.Contains(phone) || !got.Contains(strings.SplitN(h.Text("officer.help"), "\n", 2)[0]) {
		t.Errorf("an officer's help %s: want the officer's commands and the number", got)
	}
	for _, l := range []string{h.Text("core.menu.apply"), h.Text("core.menu.sage")} {
		if slices.Contains(got.Labels(), l) {
			t.Errorf("an officer's help offers %q: %q", l, got.Labels())
		}
	}
	// The officers' menu chips, typed: "เพิ่มหมู่บ้าน" starts adding a
	// village, as its tap does, not the main menu.
	officer.Say("เมนูเจ้าหน้าที่")
	typed := officer.Say(h.Text("village.btn.add") + " ค่ะ")
	if typed.Contains(h.Text("core.menu.prompt")) {
		t.Errorf("typing the chip %q got the menu: %s", h.Text("village.btn.add"), typed)
	}
	// A rich-menu tap in the middle of that form says the form was left
	// (a typed command keeps it), and going back asks its question again.
	asked := officer.Say("5")
	left := officer.Tap(flows.ItemSummary.Data())
	if !left.Contains(strings.SplitN(h.Text("conv.left_form", "Form", "X", "Days", 7), "“", 2)[0]) {
		t.Fatalf("a menu tap mid-form got %s, want it to say the form was left", left)
	}
	back := officer.TapLabel(h.Text("conv.btn.resume"))
	if len(back.Texts) != 2 || back.Texts[1] != asked.Texts[len(asked.Texts)-1] {
		t.Errorf("going back got %s, want the question it was at: %q", back, asked.Texts[len(asked.Texts)-1])
	}
}
