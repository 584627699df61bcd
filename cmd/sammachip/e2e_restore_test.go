package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
)

// Restores and backup checks, from the command line (issue 17: one changed
// byte inside a household record was restored, and broke export and
// reminders for every village).

// seedDemo loads the demo district into the harness's database.
func seedDemo(t *testing.T, h *Harness) {
	t.Helper()
	if err := h.DB().Update(func(tx flows.Tx) error {
		_, err := flows.NewEngine(flows.Config{Location: bangkok}).SeedDemo(tx, h.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// restoreLeftovers lists what a restore may leave beside the database.
func restoreLeftovers(t *testing.T, db string) []string {
	t.Helper()
	var names []string
	for _, pattern := range []string{db + ".before-restore-*", filepath.Join(filepath.Dir(db), ".restore-*")} {
		m, _ := filepath.Glob(pattern)
		names = append(names, m...)
	}
	return names
}

func TestRestoreRefusesABackupWithARecordItCannotRead(t *testing.T) {
	h := NewHarness(t)
	env := mergeEnv(map[string]string{"LINE_CHANNEL_SECRET": testSecretHex(h), "LINE_CHANNEL_ACCESS_TOKEN": testToken}, cliEnglish)
	seedDemo(t, h)
	var hh flows.Household
	if err := h.DB().View(func(tx flows.Tx) error {
		hs, err := flows.VillageHouseholds(tx, 1)
		if len(hs) > 0 {
			hh = hs[0]
		}
		return err
	}); err != nil || hh.ID == "" {
		t.Fatalf("no household in village 1 (%v)", err)
	}
	good := filepath.Join(t.TempDir(), "good.db")
	if res := cliRunEnv(t, h.DBPath, env, h.Now(), "", "backup", good); res.exit != 0 {
		t.Fatalf("backup: exit %d, stderr %q", res.exit, res.stderr)
	}
	h.Stop()

	// One byte changed inside the household's record: its village, a
	// digit, becomes a letter. The file is still a sound bbolt file.
	raw, err := json.Marshal(hh) // the bytes the store wrote
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(b, raw)
	village := bytes.Index(raw, []byte(`"village":`))
	if at < 0 || village < 0 {
		t.Fatal("the household's record is not in the backup as the store writes it")
	}
	b[at+village+len(`"village":`)] ^= 0x40
	bad := filepath.Join(t.TempDir(), "bad.db")
	if err := os.WriteFile(bad, b, 0o600); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(h.DBPath)
	if err != nil {
		t.Fatal(err)
	}

	res := cliRunEnv(t, h.DBPath, env, h.Now(), "", "restore", bad)
	if res.exit != 1 || strings.Contains(res.stdout, "Restored") {
		t.Fatalf("restore of a backup with a damaged record: exit %d, stdout %q, want a refusal", res.exit, res.stdout)
	}
	if want := "households/" + bot.HashID(hh.ID); !strings.Contains(res.stderr, want) || !strings.Contains(res.stderr, "Nothing was changed") {
		t.Errorf("stderr %q: want it to name %s and say nothing changed", res.stderr, want)
	}
	if strings.Contains(res.stderr, hh.ID) || strings.Contains(res.stderr, hh.HeadName) {
		t.Errorf("stderr %q holds the record's key or content", res.stderr)
	}
	if after, _ := os.ReadFile(h.DBPath); !bytes.Equal(after, before) {
		t.Error("the live database changed after a refused restore, want it untouched")
	}
	if l := restoreLeftovers(t, h.DBPath); len(l) > 0 {
		t.Errorf("got %v beside the database after a refused restore, want nothing", l)
	}

	// A good backup, and one from the first release (schema 1), restore.
	for _, src := range []string{good, "../../storage/testdata/schema-1.db"} {
		res := cliRunEnv(t, h.DBPath, env, h.Now(), "", "restore", src)
		if res.exit != 0 || !strings.Contains(res.stdout, "13 villages") || !strings.Contains(res.stdout, "Restored") {
			t.Errorf("restore %s: exit %d, stdout %q, stderr %q", filepath.Base(src), res.exit, res.stdout, res.stderr)
		}
	}
	h.Start()
	// The restored database works: its reminders and export read.
	for _, args := range [][]string{{"reminders", "--at", "2026-11-22 18:00"}, {"export", "--format", "csv", "--out", filepath.Join(t.TempDir(), "r.csv")}} {
		if res := cliRunEnv(t, h.DBPath, env, h.Now(), "", args...); res.exit != 0 {
			t.Errorf("%s after restoring schema 1: exit %d, stderr %q", args[0], res.exit, res.stderr)
		}
	}
}

func TestBackupRefusesACopyWithARecordItCannotRead(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, h *Harness)
		record string // as the error names it
	}{
		{"a household that is not one", func(t *testing.T, h *Harness) {
			if err := h.DB().Update(func(tx flows.Tx) error {
				return tx.Households().Put("h-odd", flows.Household{ID: "h-odd", Village: 100})
			}); err != nil {
				t.Fatal(err)
			}
			// Valid JSON, but the village is no number: the typed decode
			// (storage's, of the domain's records) refuses it.
			h.Damage(`{"id":"h-odd","village":`, `100`, `"1"`)
		}, "households/" + bot.HashID("h-odd")},
		{"a dead letter that is not an event", func(t *testing.T, h *Harness) {
			// Valid JSON, but its id is no string: the typed decode
			// (checkInboxRecord, of bot's records) refuses it.
			if err := h.DB().Update(func(tx flows.Tx) error {
				return tx.DeadLetters().Put("odd", map[string]any{"id": 3, "type": "message"})
			}); err != nil {
				t.Fatal(err)
			}
		}, "deadletter/" + bot.HashID("odd")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHarness(t)
			env := mergeEnv(map[string]string{"LINE_CHANNEL_SECRET": testSecretHex(h), "LINE_CHANNEL_ACCESS_TOKEN": testToken}, cliEnglish)
			tt.damage(t, h)
			out := filepath.Join(t.TempDir(), "nightly.db")
			res := cliRunEnv(t, h.DBPath, env, h.Now(), "", "backup", out)
			if res.exit != 1 || !strings.Contains(res.stderr, tt.record) {
				t.Errorf("backup of a database with an unreadable record: exit %d, stderr %q; want 1 naming %s", res.exit, res.stderr, tt.record)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("a backup that failed its check was kept (%v)", err)
			}
			if names, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(names) > 0 {
				t.Errorf("temporary files left beside the backup: %v", names)
			}
		})
	}
}

// bulkHouseholds stores n households with long names, so that a restore
// takes a while.
func bulkHouseholds(t *testing.T, h *Harness, n int) {
	t.Helper()
	name := strings.Repeat("ก", 400)
	if err := h.DB().Update(func(tx flows.Tx) error {
		for i := range n {
			id := fmt.Sprintf("h%06d", i)
			if err := tx.Households().Put(id, flows.Household{ID: id, Village: 1, HeadName: name}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreAndStartExcludeEachOther(t *testing.T) {
	// A negative delay starts the restore that long after the server.
	ms := time.Millisecond
	for _, delay := range []time.Duration{-100 * ms, -20 * ms, -5 * ms, 0, 5 * ms, 20 * ms, 100 * ms, 300 * ms} {
		t.Run(delay.String(), func(t *testing.T) {
			h := NewHarness(t)
			env := mergeEnv(map[string]string{"LINE_CHANNEL_SECRET": testSecretHex(h), "LINE_CHANNEL_ACCESS_TOKEN": testToken}, cliEnglish)
			put := func(moo int, name string) int {
				v := flows.Village{Moo: moo, Name: name, Tambon: "โนนสูง", Capacity: 20} // a new village: the next id
				if err := h.DB().Update(func(tx flows.Tx) error { return flows.PutVillage(tx, &v) }); err != nil {
					t.Fatal(err)
				}
				return v.ID
			}
			put(1, "บ้านก่อนสำรอง")
			bulkHouseholds(t, h, 3000)
			backup := filepath.Join(t.TempDir(), "backup.db")
			if res := cliRunEnv(t, h.DBPath, env, h.Now(), "", "backup", backup); res.exit != 0 {
				t.Fatalf("backup: exit %d, stderr %q", res.exit, res.stderr)
			}
			after := put(2, "บ้านหลังสำรอง")
			h.Stop()

			restored := make(chan cliResult, 1)
			go func() {
				time.Sleep(-delay)
				start := time.Now()
				res := cliRunEnv(t, h.DBPath, env, h.Now(), "", "restore", backup)
				t.Logf("restore took %v", time.Since(start))
				restored <- res
			}()
			time.Sleep(delay)
			h.Start() // as `sammachip serve` would, at this moment
			res := <-restored

			_, hasAfter := h.villageNamed(after)
			switch {
			case res.exit == 0 && hasAfter:
				t.Fatalf("restore reported success (%q) while the server had the old database open", res.stdout)
			case res.exit == 0:
				t.Logf("restore first; the server waited and opened the restored file")
			case !strings.Contains(res.stderr, "stop it first"):
				t.Fatalf("restore: exit %d, stderr %q; want success, or 'the server is running'", res.exit, res.stderr)
			case !hasAfter:
				t.Fatal("restore was refused, yet the server does not have the database as it was")
			default:
				t.Logf("the server first; the restore was refused")
			}

			// What the server writes now survives a restart.
			u := h.User("U" + strings.Repeat("7", 32))
			u.Follow()
			h.Restart()
			if got, ok := stored(h, flows.Tx.Users, u.ID()); !ok || !got.Active {
				t.Errorf("a user who followed after the restore is gone after a restart (got %+v)", got)
			}
			if _, still := h.villageNamed(after); still != hasAfter {
				t.Errorf("after a restart the server sees another database (the village made after the backup there: %v, before: %v)", still, hasAfter)
			}
		})
	}
}

// villageNamed reads village id; ok is whether it exists.
func (h *Harness) villageNamed(id int) (string, bool) {
	h.t.Helper()
	v, ok := stored(h, flows.Tx.Villages, id)
	return v.Name, ok
}
