package main

import (
	"fmt"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// bangkok is the programme's zone (the bot runs with SAMMACHIP_TZ set to it).
var bangkok = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}()

// householdUser is the LINE user id of household i (1-based) of village
// moo: "U" and 32 hex digits, never equal to a load user's (userID), whose
// first eight digits are zero.
func householdUser(moo, i int) string { return fmt.Sprintf("U%08x%024x", moo, i) }

// seedProgramme writes villages × households into a new database file
// before the bot starts, through the domain's own stores (as
// flows/reminders_bench_test.go's seedProgramme): every village runs its
// five days from day1 on, every household is selected and on LINE (an
// active user who talks Thai). It returns how long it took.
func seedProgramme(path string, villages, households int, day1 time.Time, progress func(done int)) (time.Duration, error) {
	t0 := time.Now()
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		return 0, err
	}
	const batch = 250 // villages per transaction: each commit stays modest
	for v0 := 1; v0 <= villages; v0 += batch {
		err := db.Update(func(tx flows.Tx) error {
			for moo := v0; moo < v0+batch && moo <= villages; moo++ {
				if err := seedVillage(tx, moo, households, day1); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			_ = db.Close()
			return 0, fmt.Errorf("seed villages from %d: %w", v0, err)
		}
		if progress != nil {
			progress(min(v0+batch-1, villages))
		}
	}
	if err := db.Close(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

func seedVillage(tx flows.Tx, moo, households int, day1 time.Time) error {
	if err := flows.PutVillage(tx, &flows.Village{ID: moo, Moo: moo, Name: fmt.Sprintf("บ้านทดสอบ %d", moo), Occupation: "ทำน้ำพริก", Capacity: households}); err != nil {
		return err
	}
	for i := 1; i <= households; i++ {
		id := fmt.Sprintf("H%05d%03d", moo, i)
		user := householdUser(moo, i)
		if err := tx.Users().Put(user, flows.User{ID: user, Lang: "th", Active: true}); err != nil {
			return err
		}
		h := flows.Household{ID: id, Village: moo, HouseNo: fmt.Sprint(i), HeadName: fmt.Sprintf("หัวหน้า %d", i), Members: 3, Income: 3000,
			IncomeKnown: true, Interested: true, UserID: user, Status: flows.StatusSelected, DedupeKey: id}
		if err := flows.PutHousehold(tx, h); err != nil {
			return err
		}
	}
	for day := 1; day <= flows.Days; day++ {
		d := flows.ProgrammeDay{Village: moo, Day: day, Date: day1.AddDate(0, 0, day-1).Format("2006-01-02"),
			Start: "09:00", End: "16:00", Place: "ศาลาประชาคม"}
		if day == flows.StudyVisit {
			d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์เรียนรู้", "วัด", "07:30", "หมวก"
		}
		if err := tx.Days().Put(flows.DayRef{Village: moo, Day: day}, d); err != nil {
			return err
		}
	}
	return nil
}

// ledgerReport is what the database says after a run about the evening
// reminders of day 1 (the ones a burst or faults run makes due).
type ledgerReport struct {
	entries    map[int]flows.LedgerEntry // by village
	sendFailed int                       // pushes given up (kept for the officers' view)
	outbox     int                       // records still waiting to be sent
	inbox      int
	dead       int
}

// readLedger opens the database read-only (the bot must be stopped) and
// reads the day-1 evening reminders' ledger entries and what is left over.
func readLedger(path string) (ledgerReport, error) {
	rep := ledgerReport{entries: map[int]flows.LedgerEntry{}}
	db, err := storage.Open(path, storage.Options{ReadOnly: true, LockTimeout: 10 * time.Second})
	if err != nil {
		return rep, err
	}
	defer db.Close()
	rep.inbox = db.InboxWaiting() // the inbox log's events not done
	err = db.View(func(tx flows.Tx) error {
		if err := tx.Ledger().Each(func(_ string, le flows.LedgerEntry) error {
			if le.Kind == flows.RemindEvening && le.Day == 1 {
				rep.entries[le.Village] = le
			}
			return nil
		}); err != nil {
			return err
		}
		count := func(r flows.Records, n *int) error {
			return r.Each("", func(string, func(any) error) error { *n++; return nil })
		}
		if err := count(tx.SendFailed(), &rep.sendFailed); err != nil {
			return err
		}
		if err := count(tx.Outbox(), &rep.outbox); err != nil {
			return err
		}
		if err := count(tx.Inbox(), &rep.inbox); err != nil {
			return err
		}
		return count(tx.DeadLetters(), &rep.dead)
	})
	return rep, err
}
