package flows_test

import (
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// TestStartRoundFromChat: an officer starts next year's round from the
// chat, sees what it will do before confirming, and the rounds list shows
// both; the first round's villages stay, and new villages go to the new
// round beside them, even with the same ตำบล and หมู่.
func TestStartRoundFromChat(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	if _, err := b.otImport("moo,name,tambon,occupation,capacity\n1,บ้านโนนสูง,หนองแวง,ทำน้ำพริก,20\n"); err != nil {
		t.Fatal(err)
	}
	out := b.say(otOfficer, "เริ่มรอบใหม่")
	otWant(t, out, "round.q.name.ask")
	out = b.tap(otOfficer, buttonKey(t, out, "round.name.fiscal_year"))
	otWant(t, out, "conv.confirm.title")
	if got := otRender(out); !strings.Contains(got, "ปีงบประมาณ 2571 (ต่อจาก ปีงบประมาณ 2570)") || !strings.Contains(got, "รอบเดิม 1 หมู่บ้าน เก็บไว้ครบ") {
		t.Errorf("summary card %q does not say what starting the round does", got)
	}
	otWant(t, b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm")), "round.chat.started")

	out = b.say(otOfficer, "รอบโครงการ")
	if got := otRender(out); !strings.Contains(got, "ปีงบประมาณ 2570: 1 หมู่บ้าน\n") || !strings.Contains(got, "ปีงบประมาณ 2571: 0 หมู่บ้าน · รอบปัจจุบัน") {
		t.Errorf("rounds list %q, want both rounds, the new one current", got)
	}
	if len(b.villages()) != 0 {
		t.Errorf("the new round has villages before any was added: %+v", b.villages())
	}
	if _, err := b.otImport("moo,name,tambon,occupation,capacity\n1,บ้านโนนสูง,หนองแวง,สานตะกร้า,20\n"); err != nil {
		t.Fatalf("the same place in the new round: %v", err)
	}
	var all []flows.Village
	_ = b.db.View(func(tx flows.Tx) error {
		var err error
		all, err = flows.AllVillages(tx)
		return err
	})
	if len(all) != 2 || all[0].Round == all[1].Round || all[0].Occupation != "ทำน้ำพริก" {
		t.Errorf("villages %+v, want หมู่ 1 in each round, the first unchanged", all)
	}

	// A villager cannot start a round.
	b.user("Uvillager")
	otWant(t, b.say("Uvillager", "เริ่มรอบใหม่"), "officer.err.not_officer")
}
