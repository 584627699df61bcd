package flows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// seedProgramme fills a database with villages × households, every
// village running its five days in the same week (the busiest case), all
// households selected and on LINE.
func seedProgramme(b *testing.B, villages, households int) *rig {
	b.Helper()
	r := newRig(b)
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	const batch = 500 // villages per transaction, to keep each commit modest
	for v0 := 1; v0 <= villages; v0 += batch {
		r.update(func(tx flows.Tx) error {
			for moo := v0; moo < v0+batch && moo <= villages; moo++ {
				if err := flows.PutVillage(tx, &flows.Village{ID: moo, Moo: moo, Name: "บ้าน", Occupation: "ทำน้ำพริก", Capacity: households}); err != nil {
					return err
				}
				for i := 1; i <= households; i++ {
					id := fmt.Sprintf("H%05d%03d", moo, i)
					user := fmt.Sprintf("U%05d%03d", moo, i)
					if err := tx.Users().Put(user, flows.User{ID: user, Active: true}); err != nil {
						return err
					}
					h := flows.Household{ID: id, Village: moo, HouseNo: fmt.Sprint(i), HeadName: "หัวหน้า", Members: 3, Income: 3000,
						IncomeKnown: true, Interested: true, UserID: user, Status: flows.StatusSelected, DedupeKey: id}
					if err := flows.PutHousehold(tx, h); err != nil {
						return err
					}
				}
				for day := 1; day <= flows.Days; day++ {
					d := flows.ProgrammeDay{Village: moo, Day: day, Date: start.AddDate(0, 0, day-1).Format("2006-01-02"), Start: "09:00", End: "16:00", Place: "ศาลา"}
					if day == flows.StudyVisit {
						d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์", "วัด", "07:30", "หมวก"
					}
					if err := tx.Days().Put(flows.DayRef{Village: moo, Day: day}, d); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	r.update(func(tx flows.Tx) error { return r.eng.Replan(tx, start) })
	return r
}

func benchDue(b *testing.B, villages int) {
	r := seedProgramme(b, villages, 20)
	for _, tc := range []struct {
		name    string
		at      time.Time
		settled bool
	}{
		// 18:00 on the eve of day 1: every village's reminder falls due.
		{"eve-all-due", time.Date(2026, 12, 6, 18, 0, 0, 0, bangkok), false},
		// A minute mid-week with everything due so far already in the
		// ledger: what almost every tick is.
		{"idle", time.Date(2026, 12, 8, 10, 15, 0, 0, bangkok), true},
	} {
		if tc.settled {
			settle(r, tc.at)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				err := r.db.View(func(tx flows.Tx) error {
					rs, err := r.eng.Due(tx, tc.at)
					n = len(rs)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "reminders")
		})
	}
}

// BenchmarkDueDistrict measures one reminder tick for a district:
// 13 villages × 20 households × 5 days. Goal: under 10 ms.
//
//	go test -run '^$' -bench DueDistrict ./flows/
func BenchmarkDueDistrict(b *testing.B) { benchDue(b, 13) }

// BenchmarkDueNational measures one tick at national scale: about 23,600
// villages × 20 households. Goal: under 1 s and 1 GiB. Seeding takes a
// while, so it runs only when asked for by name.
//
//	go test -run '^$' -bench DueNational -benchtime 3x ./flows/
func BenchmarkDueNational(b *testing.B) {
	if testing.Short() {
		b.Skip("national scale: run without -short")
	}
	benchDue(b, 23600)
}

// settle records everything due up to at, as the running scheduler would
// have, so that a tick at at finds the ledger up to date.
func settle(r *rig, at time.Time) {
	r.t.Helper()
	for {
		n := 0
		r.update(func(tx flows.Tx) error {
			rs, err := r.eng.Due(tx, at)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if r.Kind == flows.RemindSummary || r.Kind == flows.RemindQuota {
					continue
				}
				n++
				if err := flows.RecordReminder(tx, r, flows.LedgerSent, nil, r.Recipients(), at); err != nil {
					return err
				}
			}
			return nil
		})
		if n == 0 {
			return
		}
	}
}
