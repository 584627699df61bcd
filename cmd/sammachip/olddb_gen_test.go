package main

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// TestWriteOldDatabase writes the database that storage's migration test
// opens: the demo district with village 1's week finished, made by this
// release's code through the chat. It runs only when asked:
//
//	SAMMACHIP_WRITE_OLD_DB=$PWD/storage/testdata/schema-N.db go test ./cmd/sammachip -run TestWriteOldDatabase
func TestWriteOldDatabase(t *testing.T) {
	out := os.Getenv("SAMMACHIP_WRITE_OLD_DB")
	if out == "" {
		t.Skip("set SAMMACHIP_WRITE_OLD_DB to write the committed old database")
	}
	h := NewHarness(t)
	h.Clock.Set(time.Date(2026, 11, 20, 10, 0, 0, 0, bangkok)) // a Friday: the demo's weeks start on the 23rd
	seeder := flows.NewEngine(flows.Config{Location: bangkok})
	if err := h.DB().Update(func(tx flows.Tx) error {
		_, err := seeder.SeedDemo(tx, h.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Village 1's selected households.
	var hids []string
	var users []string
	_ = h.DB().View(func(tx flows.Tx) error {
		hs, err := flows.VillageHouseholds(tx, 1)
		for _, hh := range hs {
			if hh.Status == flows.StatusSelected {
				hids = append(hids, hh.ID)
				users = append(users, hh.UserID)
			}
		}
		return err
	})
	if len(hids) == 0 {
		t.Fatal("no selected households in village 1")
	}
	for _, u := range users {
		if u != "" {
			h.User(u).Follow()
		}
	}
	lead := h.User(flows.DemoLeadSageID)
	start := h.Now()
	end := time.Date(2026, 11, 28, 12, 0, 0, 0, bangkok)
	for now := start; now.Before(end); now = now.Add(time.Minute) {
		h.Clock.Set(now)
		if now.Hour() == 9 && now.Minute() == 30 && now.Day() >= 23 && now.Day() <= 27 {
			day := now.Day() - 22
			for i, u := range users {
				if u == "" || i%3 == 2 {
					continue
				}
				if day == flows.Days {
					h.User(u).Tap(fmt.Sprintf("a=att.done&moo=1&day=%d&rev=1&h=%s", day, hids[i]))
				} else {
					h.User(u).Tap(fmt.Sprintf("a=att.here&moo=1&day=%d&rev=1&h=%s", day, hids[i]))
				}
			}
			if day < flows.Days {
				for i := range hids {
					if i%3 == 2 {
						lead.Tap(fmt.Sprintf("a=rc.t&moo=1&day=%d&rev=1&h=%s&to=present", day, hids[i]))
					}
				}
			}
		}
		if _, err := h.Main.Scheduler().Tick(t.Context()); err != nil {
			t.Fatalf("tick at %s: %v", now, err)
		}
		h.Step()
	}
	// A sage's unfinished form, and a tap waiting in the inbox.
	lead.Say("ลงทะเบียนแทน")
	h.Post(h.events.PostbackEvent(h.User(users[0]).Source(), "a=att.here&moo=1&day=5&rev=1&h="+hids[0], nil, h.Now()))
	h.Stop()
	data, err := os.ReadFile(h.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
