package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// lineIDPattern matches a LINE user, group or room id.
var lineIDPattern = regexp.MustCompile(`[UCR][0-9a-f]{32}`)

// TestNoLINEIDInLogs runs a household's application and an officer's
// work, then damages a user's record so that the bot's error paths log
// (retries, the apology, dead letters). No log line may name
// a LINE id: the harness checks the fake's ids after every test, this
// test also every LINE-shaped id.
func TestNoLINEIDInLogs(t *testing.T) {
	h := NewHarness(t)
	villages := "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\n"
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), villages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %q", res.stderr)
	}
	officer := h.officer(userID(1), "สมศรี ใจดี")
	head := h.User(userID(2))
	head.Follow()
	head.TapLabel(h.Text("core.menu.apply"))
	head.TapLabel(h.Text("conv.btn.agree"))
	for _, a := range []string{"สมหมาย ใจดี", "12/1", "หมู่ ๕", "4", "รับจ้าง", "8000"} {
		head.Say(a)
	}
	head.TapLabel(h.Text("household.interest.yes"))
	head.Say("089 876 5432")
	head.TapLabel(h.Text("conv.btn.confirm"))
	officer.Say("สรุป")

	// A user record that no longer decodes (valid JSON, but "active" is
	// no longer true or false): every event of that user fails until it
	// goes to the dead letters.
	h.Damage(`{"id":"`+head.ID()+`"`, `"active":true`, `"active":"ru"`)
	head.Say("เมนู")
	for range 8 {
		h.Advance(2 * time.Minute)
		h.Step()
	}
	if h.Count(flows.Tx.DeadLetters) != 1 {
		t.Fatalf("got %d dead letters, want the damaged user's event", h.Count(flows.Tx.DeadLetters))
	}
	logs := h.Logs()
	if !strings.Contains(logs, "storage: decode users/#"+storage.HashKey(head.ID())) {
		t.Errorf("the logs do not name the damaged record by bucket and hashed key:\n%s", logs)
	}
	if got := lineIDPattern.FindAllString(logs, -1); len(got) > 0 {
		t.Errorf("log lines name LINE ids %q", got)
	}
	// The two pseudonyms agree, so the log lines of a user's events and of
	// their record can be matched.
	if storage.HashKey(head.ID()) != bot.HashID(head.ID()) {
		t.Errorf("storage.HashKey and bot.HashID differ for one id")
	}
}
