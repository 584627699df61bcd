package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/richmenu"
	"github.com/sammachip/sammachip/flows"
)

// rmOfficer is the LINE user who becomes an officer in these tests.
const rmOfficer = "U0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"

// rmApply runs `sammachip richmenu apply` and checks that it worked; it
// returns the new menus' ids by alias.
func rmApply(t *testing.T, h *Harness, env map[string]string) map[string]string {
	t.Helper()
	res := cliRun(t, h.DBPath, env, "richmenu", "apply")
	if res.exit != 0 {
		t.Fatalf("richmenu apply: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, fmt.Sprint(len(richmenu.Menus()))+" new menus set (the villagers' menu is the default)") {
		t.Errorf("stdout %q, want what was done", res.stdout)
	}
	ids := map[string]string{}
	for _, m := range richmenu.Menus() {
		id := h.Fake.RichMenuAlias(m.Alias())
		if id == "" {
			t.Fatalf("no alias %s at LINE", m.Alias())
		}
		if !strings.Contains(res.stdout, m.Alias()+"\t"+id+"\n") {
			t.Errorf("stdout %q, want the line %q", res.stdout, m.Alias()+"\t"+id)
		}
		ids[m.Alias()] = id
	}
	if got := h.Fake.DefaultRichMenu(); got != ids["sammachip-villager"] {
		t.Errorf("default menu %q, want the villagers' %q", got, ids["sammachip-villager"])
	}
	if got := h.Fake.RichMenuIDs(); len(got) != len(richmenu.Menus()) {
		t.Errorf("LINE has menus %q, want exactly the new ones", got)
	}
	return ids
}

// rmBecomeOfficer has user redeem a fresh officer code in the chat.
func rmBecomeOfficer(t *testing.T, h *Harness, user string) {
	t.Helper()
	res := cliRun(t, h.DBPath, cliEnglish, "officer-code")
	if res.exit != 0 {
		t.Fatalf("officer-code: exit %d, stderr %q", res.exit, res.stderr)
	}
	if got := h.User(user).Say(strings.TrimSpace(res.stdout)); !got.Contains(h.Text("officer.code.welcome")) {
		t.Fatalf("redeeming the code got %s, want the welcome", got)
	}
}

// TestRichMenuApplyAndRoleChange applies the menus through the running
// server's admin socket, then a user becomes an officer in the chat: the
// worker's hook queues them, and their menu switches to the officers'.
// Applying again replaces every menu and keeps the officer on theirs.
func TestRichMenuApplyAndRoleChange(t *testing.T) {
	h := NewHarness(t)
	h.User(rmOfficer).Follow()
	ids := rmApply(t, h, cliEnglish)
	if got := h.Fake.LinkedRichMenu(rmOfficer); got != "" {
		t.Errorf("a villager is linked to %q, want the default", got)
	}

	rmBecomeOfficer(t, h, rmOfficer)
	// Without loops the manager does not run on its own: step it.
	if n := h.Main.richMenus.Pending(); n == 0 {
		t.Fatal("the worker told the rich menus nothing after the event")
	}
	if _, err := h.Main.richMenus.SyncPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := h.Fake.LinkedRichMenu(rmOfficer); got != ids["sammachip-officer"] {
		t.Errorf("the new officer is linked to %q, want the officers' menu %q", got, ids["sammachip-officer"])
	}

	again := rmApply(t, h, cliEnglish)
	for alias, id := range again {
		if id == ids[alias] {
			t.Errorf("%s: same menu after applying again", alias)
		}
	}
	if got := h.Fake.LinkedRichMenu(rmOfficer); got != again["sammachip-officer"] {
		t.Errorf("after applying again the officer is linked to %q, want the new officers' menu %q", got, again["sammachip-officer"])
	}
}

// TestRichMenuSwitchesWhileServing runs the bot with its loops: nobody
// steps anything, and the officer's menu still switches shortly after the
// code is redeemed.
func TestRichMenuSwitchesWhileServing(t *testing.T) {
	h := NewHarness(t, WithLoops())
	ids := rmApply(t, h, cliEnglish)
	rmBecomeOfficer(t, h, rmOfficer)
	deadline := time.Now().Add(10 * time.Second)
	for h.Fake.LinkedRichMenu(rmOfficer) != ids["sammachip-officer"] {
		if time.Now().After(deadline) {
			t.Fatalf("the officer's menu did not switch within 10s (linked to %q)", h.Fake.LinkedRichMenu(rmOfficer))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRichMenuApplyWithoutServer: with no server running the command opens
// the database itself and talks to LINE with the channel's token; without
// a channel (simulator mode) it says what to do instead.
func TestRichMenuApplyWithoutServer(t *testing.T) {
	h := NewHarness(t)
	h.User(rmOfficer).Follow()
	rmBecomeOfficer(t, h, rmOfficer)
	h.Stop()

	res := cliRun(t, h.DBPath, cliEnglish, "richmenu", "apply")
	if res.exit != 1 || !strings.Contains(res.stderr, "LINE_CHANNEL_ACCESS_TOKEN is not set") ||
		!strings.Contains(res.stderr, "alias that loads the settings file") {
		t.Errorf("without a channel: exit %d, stderr %q, want 1, the missing token named and what to do", res.exit, res.stderr)
	}
	if got := h.Fake.RichMenuIDs(); len(got) != 0 {
		t.Errorf("menus %q made without a channel", got)
	}

	env := map[string]string{
		"LANG":                      "en_US.UTF-8",
		"LINE_CHANNEL_SECRET":       testSecret,
		"LINE_CHANNEL_ACCESS_TOKEN": testToken,
		"LINE_API_ENDPOINT":         h.lineURL,
		"LINE_DATA_ENDPOINT":        h.lineURL,
	}
	ids := rmApply(t, h, env)
	if got := h.Fake.LinkedRichMenu(rmOfficer); got != ids["sammachip-officer"] {
		t.Errorf("the officer is linked to %q, want the officers' menu %q", got, ids["sammachip-officer"])
	}
	var link richmenu.Link
	h.Start()
	if !h.Get(flows.Tx.RichMenus, "user/"+rmOfficer, &link) || link.ID != ids["sammachip-officer"] {
		t.Errorf("recorded link %+v, want the officers' menu", link)
	}
}
