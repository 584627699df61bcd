package bot_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
)

// A daily job (the nightly compaction) runs from the minute tick once a
// day at its time in the programme's zone, or late within the hour after
// it (a restart at 03:45), never twice a day; a failing one is tried again
// the next day.
func TestDailyJobRunsOnceADayAtItsTime(t *testing.T) {
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, bot.Config{Location: bangkok}, nil)
	sc := r.srv.Scheduler(flows.NewEngine(flows.Config{Location: bangkok}))
	runs := 0
	if err := sc.Daily("compact", "03:30", func(context.Context) error {
		runs++
		return errors.New("disk full")
	}); err != nil {
		t.Fatal(err)
	}
	if err := sc.Daily("bad", "3:30pm", nil); err == nil {
		t.Errorf("a daily job at 3:30pm was accepted, want HH:MM only")
	}
	steps := []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 3, 10, 3, 29, 0, 0, bangkok), false},
		{time.Date(2026, 3, 10, 3, 30, 0, 0, bangkok), true},
		{time.Date(2026, 3, 10, 3, 31, 0, 0, bangkok), false},
		{time.Date(2026, 3, 10, 20, 30, 0, 0, bangkok), false}, // 03:30 is not UTC's
		{time.Date(2026, 3, 11, 3, 45, 0, 0, bangkok), true},   // a late tick: tried again the next day
		{time.Date(2026, 3, 11, 3, 50, 0, 0, bangkok), false},
		{time.Date(2026, 3, 12, 4, 30, 0, 0, bangkok), false}, // more than an hour late
	}
	for _, s := range steps {
		r.clock.Set(s.at.UTC())
		before := runs
		res, err := sc.Tick(t.Context())
		if err != nil {
			t.Fatalf("tick at %v: %v", s.at, err)
		}
		if ran := runs > before; ran != s.want || slices.Contains(res.Daily, "compact") != s.want {
			t.Errorf("tick at %s: ran %v (reported %v), want %v", s.at.Format("Jan 2 15:04"), ran, res.Daily, s.want)
		}
	}
}

// An evening's burst larger than what Due gives at a time is queued in one
// tick, not spread over a tick a minute.
func TestTickQueuesAWholeBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 1,100 villages")
	}
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, bot.Config{Location: bangkok}, nil)
	eng := flows.NewEngine(flows.Config{Location: bangkok})
	sc := r.srv.Scheduler(eng)
	created := time.Date(2026, 3, 9, 10, 0, 0, 0, bangkok)
	const villages = 1100 // an evening reminder each: more than flows.MaxPerTick
	if err := r.db.Update(func(tx flows.Tx) error {
		for i := 1; i <= villages; i++ {
			v := flows.Village{Moo: i%20 + 1, Tambon: fmt.Sprintf("ตำบล%d", i/20), Name: "บ้าน", Occupation: "ทำขนม", Capacity: 20, Created: created}
			if err := flows.PutVillage(tx, &v); err != nil {
				return err
			}
			d := flows.ProgrammeDay{Village: v.ID, Day: 1, Date: "2026-03-11", Start: "09:00", End: "16:00", Place: "ศาลา", Rev: 1, Updated: created}
			if err := tx.Days().Put(flows.DayRef{Village: v.ID, Day: 1}, d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	r.clock.Set(time.Date(2026, 3, 10, 18, 0, 0, 0, bangkok).UTC())
	res, err := sc.Tick(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	recorded := res.Sent + res.Nothing + res.Skipped
	if recorded <= flows.MaxPerTick {
		t.Fatalf("one tick recorded %d reminders, want the whole burst (more than %d)", recorded, flows.MaxPerTick)
	}
	var left []flows.Reminder
	_ = r.db.View(func(tx flows.Tx) error {
		left, err = eng.Due(tx, r.clock.Now())
		return err
	})
	if len(left) != 0 {
		t.Errorf("%d reminders still due after the tick, want none", len(left))
	}
}
