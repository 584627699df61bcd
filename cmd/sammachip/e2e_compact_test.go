package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// distinctPhone is a number no other record holds, to grep the file for.
const distinctPhone = "0897651234"

// applyAndDelete has a villager apply as a household, giving
// distinctPhone, and then delete their data from the chat.
func applyAndDelete(t *testing.T, h *Harness, id string) {
	t.Helper()
	villages := "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\n"
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), villages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %q", res.stderr)
	}
	p := h.User(id)
	p.Follow()
	p.TapLabel(h.Text("core.menu.apply"))
	p.TapLabel(h.Text("conv.btn.agree"))
	for _, a := range []string{"สมหมาย ใจดี", "12/1", "หมู่ ๕", "4", "รับจ้าง", "8000"} {
		p.Say(a)
	}
	p.TapLabel(h.Text("household.interest.yes"))
	p.Say(distinctPhone)
	p.TapLabel(h.Text("conv.btn.confirm"))
	p.Say(h.Text("mydata.cmd.delete"))
	if got := p.TapLabel(h.Text("mydata.btn.delete_yes")); !got.Contains(h.Text("mydata.delete.done")) {
		t.Fatalf("deleting got %s", got)
	}
}

// fileHolds reports whether the database file's bytes contain s.
func fileHolds(t *testing.T, path, s string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(raw, []byte(s))
}

// A person deletes their data; the nightly compaction at
// SAMMACHIP_COMPACT_AT rewrites the file, after which no byte of it holds
// the number they gave (before, bbolt's free pages may still hold it:
// storage's TestCompactLeavesNoDeletedBytes shows that). The bot serves on.
func TestNightlyCompactionRemovesDeletedData(t *testing.T) {
	h := NewHarness(t, WithEnv("SAMMACHIP_COMPACT_AT", "03:30"))
	applyAndDelete(t, h, userID(7))
	tick := func(at time.Time) []string {
		h.Clock.Set(at)
		res, err := h.Main.Scheduler().Tick(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return res.Daily
	}
	if ran := tick(time.Date(2026, 3, 11, 3, 29, 0, 0, bangkok)); len(ran) != 0 {
		t.Errorf("at 03:29 the tick ran %v, want nothing yet", ran)
	}
	if ran := tick(time.Date(2026, 3, 11, 3, 30, 0, 0, bangkok)); len(ran) != 1 || ran[0] != "compact" {
		t.Errorf("at 03:30 the tick ran %v, want the compaction", ran)
	}
	if fileHolds(t, h.DBPath, distinctPhone) {
		t.Errorf("the deleted phone number is still in the database file after the nightly compaction")
	}
	if !strings.Contains(h.Logs(), `"msg":"database compacted"`) {
		t.Errorf("the compaction was not logged")
	}
	if got := h.User(userID(8)).Say("เมนู"); len(got.Texts) == 0 {
		t.Errorf("after compaction the bot did not answer")
	}
}

// `sammachip compact` works through the running server's admin socket, and
// on the file itself when no server runs.
func TestCompactCommand(t *testing.T) {
	h := NewHarness(t)
	applyAndDelete(t, h, userID(7))
	res := cliRun(t, h.DBPath, nil, "compact")
	if res.exit != 0 || !strings.Contains(res.stdout, "✅") {
		t.Fatalf("compact through the server: exit %d, %q %q", res.exit, res.stdout, res.stderr)
	}
	if fileHolds(t, h.DBPath, distinctPhone) {
		t.Errorf("the deleted phone number is still in the database file after compact")
	}
	if got := h.User(userID(8)).Say("เมนู"); len(got.Texts) == 0 {
		t.Errorf("after compaction the bot did not answer")
	}
	h.Stop()
	res = cliRun(t, h.DBPath, map[string]string{"SAMMACHIP_LANG": "en"}, "compact")
	if res.exit != 0 || !strings.Contains(res.stdout, "compacted") {
		t.Errorf("compact without a server: exit %d, %q %q", res.exit, res.stdout, res.stderr)
	}
	h.Start()
}
