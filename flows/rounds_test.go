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
	otWant(t, out, "round.plan.text")
	// The card says, a short line each, what starting the round keeps and
	// what goes to the new round.
	card := userSees(out)
	for _, want := range []string{
		"จะเริ่มรอบใหม่ “ปีงบประมาณ 2571” ค่ะ\n",
		"\n• ข้อมูลของ “ปีงบประมาณ 2570” (1 หมู่บ้าน) เก็บไว้ครบ\n",
		"\n• 1 หมู่บ้านที่ยังอบรมไม่จบ อบรมและได้รับแจ้งเตือนตามเดิม\n",
		"\n• หมู่บ้านใหม่ การสมัคร และตารางอบรมจะเข้ารอบใหม่ ซึ่งยังไม่มีหมู่บ้าน ต้องเพิ่มหมู่บ้านก่อนรับสมัคร\n",
		"รอบใหม่: ปีงบประมาณ 2571\n",
	} {
		if !strings.Contains(card, want) {
			t.Errorf("the start card does not say %q:\n%s", want, card)
		}
	}
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm"))
	otWant(t, out, "round.chat.started")
	// The new round has no village: adding one is what comes next.
	if !hasButton(out, "village.btn.add") {
		t.Errorf("after the start no “add village” is offered:\n%s", userSees(out))
	}
	otWant(t, b.tap(otOfficer, buttonKey(t, out, "village.btn.add")), "village.q.moo.ask")
	b.say(otOfficer, "ยกเลิก")

	out = b.say(otOfficer, "รอบโครงการ")
	list := userSees(out)
	if !strings.Contains(list, "ปีงบประมาณ 2570: 1 หมู่บ้าน\n") || !strings.Contains(list, "ปีงบประมาณ 2571: ยังไม่มีหมู่บ้าน · รอบปัจจุบัน\n") {
		t.Errorf("rounds list %q, want both rounds, the new one current and empty", list)
	}
	if !hasButton(out, "village.btn.add") || hasButton(out, "round.btn.start") {
		t.Errorf("an empty current round offers %q, want “add village” and no other new round", list)
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

// TestRoundsChatNamesChatCommands: what the chat says about rounds names
// words to type in the chat, never a server command, and those words do
// what it says: “ส่งออก” gives the export, “รอบโครงการ” the rounds.
func TestRoundsChatNamesChatCommands(t *testing.T) {
	b := newRig(t, otOpts, withConfig(func(c *flows.Config) {
		c.DownloadURL = func(token string) string { return "https://example.test/d/" + token }
	}))
	b.officer(otOfficer, "สมศรี ใจดี")
	if _, err := b.otImport("moo,name,tambon,occupation,capacity\n1,บ้านโนนสูง,หนองแวง,ทำน้ำพริก,20\n"); err != nil {
		t.Fatal(err)
	}
	out := b.say(otOfficer, "รอบโครงการ")
	seen := userSees(out)
	if strings.Contains(seen, "sammachip") || !strings.Contains(seen, "พิมพ์ “ส่งออก”") || !strings.Contains(seen, "ผู้ดูแลระบบ") {
		t.Errorf("the rounds card says:\n%s\nwant “ส่งออก” for this round and the administrator for earlier ones, no server command", seen)
	}
	if !hasButton(out, "round.btn.start") {
		t.Errorf("a round with villages offers no new round:\n%s", seen)
	}
	otWant(t, b.say(otOfficer, "ส่งออก"), "report.link.text")

	// A name that is taken is asked again, saying what to type here.
	otWant(t, b.say(otOfficer, "เริ่มรอบใหม่"), "round.q.name.ask")
	out = b.say(otOfficer, "2570")
	otWant(t, out, "round.hint.exists")
	seen = userSees(out)
	if strings.Contains(seen, "sammachip") || !strings.Contains(seen, "“รอบโครงการ”") {
		t.Errorf("a taken name is answered:\n%s\nwant what to type in the chat, no server command", seen)
	}
	b.say(otOfficer, "ยกเลิก")
	otWant(t, b.say(otOfficer, "รอบโครงการ"), "round.chat.title")
}
