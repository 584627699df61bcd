package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/sim"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// The simulator and real data (issue 17: SAMMACHIP_SIMULATOR=1 with a real
// SAMMACHIP_DB loaded the demo district into it, and a demo officer anyone
// on /sim could act as).

// runErr builds Main from env as main does and runs it; it returns Run's
// error (nil: it ran, and is closed again).
func runErr(t *testing.T, env map[string]string) error {
	t.Helper()
	env = mergeEnv(env, map[string]string{"SAMMACHIP_ADDR": "127.0.0.1:0"})
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	err = m.Run(context.Background())
	if cerr := m.Close(); cerr != nil {
		t.Errorf("Close: %v", cerr)
	}
	return err
}

// dbContents counts what a database file holds.
func dbContents(t *testing.T, path string) (villages, users, households int, demo bool) {
	t.Helper()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_ = db.View(func(tx flows.Tx) error {
		villages, users, households = countIn(tx, flows.Tx.Villages), countIn(tx, flows.Tx.Users), countIn(tx, flows.Tx.Households)
		_, demo, _ = tx.DemoSeeded().Get()
		return nil
	})
	return
}

func TestSimulatorNeverTouchesARealDatabase(t *testing.T) {
	// A real database: an officer imported two villages; no server runs.
	db := cliNewDB(t)
	if res := cliRunEnv(t, db, cliEnglish, time.Now(), cliVillages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import: exit %d, stderr %q", res.exit, res.stderr)
	}

	// `sammachip serve` with the LINE variables missing, with and without
	// SAMMACHIP_SIMULATOR=1.
	for _, env := range []map[string]string{{}, {"SAMMACHIP_SIMULATOR": "1"}} {
		done := make(chan cliResult, 1)
		go func() {
			done <- cliRun(t, db, mergeEnv(env, map[string]string{"SAMMACHIP_ADDR": "127.0.0.1:0"}), "serve")
		}()
		select {
		case res := <-done:
			if res.exit == 0 || !strings.Contains(res.stderr, db) || !strings.Contains(res.stderr, "LINE_CHANNEL_SECRET") {
				t.Errorf("serve %v: exit %d, stderr %q; want a refusal naming the database and the LINE variables", env, res.exit, res.stderr)
			}
			if env["SAMMACHIP_SIMULATOR"] == "1" && !strings.Contains(res.stderr, "did not make") {
				t.Errorf("serve with SAMMACHIP_SIMULATOR=1: stderr %q, want it to say the data is not the simulator's", res.stderr)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("serve %v started the simulator on a real database", env)
		}
	}
	// Main built with the configuration, as tests and main do.
	if err := runErr(t, map[string]string{"SAMMACHIP_DB": db}); err == nil || !strings.Contains(err.Error(), "did not make") {
		t.Errorf("simulator on a real database: Run returned %v, want a refusal", err)
	}
	if v, u, hh, demo := dbContents(t, db); v != 2 || u != 0 || hh != 0 || demo {
		t.Errorf("the real database now holds %d villages, %d users, %d households, demo %v; want its 2 villages only", v, u, hh, demo)
	}
}

func TestSimulatorTakesOnlyAnEmptyDatabaseAndARealChannelNeverServesIt(t *testing.T) {
	db := cliNewDB(t) // empty, as a first start leaves it
	sim := map[string]string{"SAMMACHIP_DB": db, "SAMMACHIP_SIMULATOR": "1"}
	if err := runErr(t, sim); err != nil {
		t.Fatalf("simulator on an empty database: %v", err)
	}
	if v, _, hh, demo := dbContents(t, db); v < 13 || hh == 0 || !demo {
		t.Fatalf("after the simulator's first start: %d villages, %d households, demo %v; want the demo district", v, hh, demo)
	}
	if err := runErr(t, sim); err != nil {
		t.Errorf("simulator on its own database again: %v", err)
	}
	realEnv := mergeEnv(sim, map[string]string{"LINE_CHANNEL_SECRET": testSecret, "LINE_CHANNEL_ACCESS_TOKEN": testToken,
		"LINE_API_ENDPOINT": "http://127.0.0.1:9"}) // never called
	if err := runErr(t, realEnv); err == nil || !strings.Contains(err.Error(), "made by the simulator") {
		t.Errorf("a real channel on the simulator's database: Run returned %v, want a refusal", err)
	}
}

// TestSimulatorDemoIndicators is issue 12's "done when": `sammachip
// indicators --format json` on the simulator's freshly loaded demo
// database lists all 13 villages, with real percentages where answers
// exist (the villages whose weeks ended months ago and whose first
// follow-up was answered), "not enough answers yet" (null beside the
// counts) where fewer than half of the trained households answered, and
// nothing yet for the upcoming villages.
func TestSimulatorDemoIndicators(t *testing.T) {
	db := filepath.Join(simDir(t), "sim.db")
	env := map[string]string{"SAMMACHIP_DB": db, "SAMMACHIP_ADDR": "127.0.0.1:0"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Now = func() time.Time { return simStart }
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("simulator on a new database: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	res := cliRunEnv(t, db, nil, simStart.Add(time.Minute), "", "indicators", "--format", "json")
	if res.exit != 0 {
		t.Fatalf("indicators: exit %d, stderr %q", res.exit, res.stderr)
	}
	type figures struct {
		Trained               int      `json:"trained"`
		FollowedUp            int      `json:"followed_up"`
		Practising            int      `json:"practising"`
		PractisingPct         *float64 `json:"practising_pct"`
		IncomeBeforeAvg       *float64 `json:"income_before_avg"`
		IncomeAfterAvg        *float64 `json:"income_after_avg"`
		IncomeChangePct       *float64 `json:"income_change_pct"`
		MeetsPractisingTarget *bool    `json:"meets_practising_target"`
		MeetsIncomeTarget     *bool    `json:"meets_income_target"`
	}
	var out struct {
		District struct {
			figures
			Villages        int  `json:"villages"`
			GroupsFormed    int  `json:"groups_formed"`
			GroupsTargetMet bool `json:"groups_target_met"`
		} `json:"district"`
		Villages []struct {
			figures
			Moo    int    `json:"moo"`
			Tambon string `json:"tambon"`
		} `json:"villages"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatalf("indicators JSON: %v\n%s", err, res.stdout)
	}
	if len(out.Villages) != 13 || out.District.Villages != 13 {
		t.Fatalf("%d villages (district: %d), want the demo district's 13:\n%s", len(out.Villages), out.District.Villages, res.stdout)
	}
	var figured, tooFew, upcoming int
	for _, v := range out.Villages {
		f := v.figures
		given := f.PractisingPct != nil && f.IncomeChangePct != nil && f.MeetsPractisingTarget != nil && f.MeetsIncomeTarget != nil
		switch {
		case f.FollowedUp > 0 && 2*f.FollowedUp >= f.Trained:
			figured++
			if !given || *f.PractisingPct != math.Round(float64(f.Practising)*1000/float64(f.FollowedUp))/10 {
				t.Errorf("หมู่ %d ต.%s: %d of %d trained answered, practising %v, income change %v; want real percentages",
					v.Moo, v.Tambon, f.FollowedUp, f.Trained, f.PractisingPct, f.IncomeChangePct)
			}
		case f.Trained > 0:
			tooFew++
			if f.PractisingPct != nil || f.IncomeChangePct != nil || f.MeetsPractisingTarget != nil {
				t.Errorf("หมู่ %d ต.%s: %d of %d trained answered, yet practising %v, income change %v: want null (not enough answers yet)",
					v.Moo, v.Tambon, f.FollowedUp, f.Trained, f.PractisingPct, f.IncomeChangePct)
			}
		default:
			upcoming++
		}
	}
	if figured < 3 || tooFew < 2 || upcoming != 8 {
		t.Errorf("%d villages with figures, %d with too few answers, %d not trained yet; want at least 3 and 2, and the 8 upcoming:\n%s",
			figured, tooFew, upcoming, res.stdout)
	}
	d := out.District
	if d.PractisingPct == nil || d.IncomeChangePct == nil || d.GroupsFormed == 0 || !d.GroupsTargetMet {
		t.Errorf("district %+v: want real figures and its occupation groups", d)
	}
}

// The simulator names its demo district's office where a real one names
// SAMMACHIP_DISTRICT's: the summary's title (and the exports).
func TestSimulatorSummaryNamesTheDemoOffice(t *testing.T) {
	db := filepath.Join(simDir(t), "sim.db")
	env := map[string]string{"SAMMACHIP_DB": db, "SAMMACHIP_ADDR": "127.0.0.1:0"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Now = func() time.Time { return simStart }
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("simulator on a new database: %v", err)
	}
	defer func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	}()
	s := m.Simulator()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Open(ctx, flows.DemoOfficerID, flows.DemoOfficerID); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ctx, sim.Send{Chat: flows.DemoOfficerID, As: flows.DemoOfficerID, Type: "text", Text: "สรุป"}); err != nil {
		t.Fatal(err)
	}
	want := " · อ." + flows.DemoOffice().District
	for ctx.Err() == nil {
		for _, e := range s.History(flows.DemoOfficerID) {
			if e.From == "bot" && strings.Contains(string(e.Message), want) {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the officer's สรุป in the simulator never said %q", want)
}
