package bot

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// TestChangeNoteTellsDataFromBookkeeping: writes to the programme's data
// mark a step as a change; a form's progress, the delivery machinery and
// the counters do not.
func TestChangeNoteTellsDataFromBookkeeping(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "note.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	tests := []struct {
		name    string
		write   func(flows.Tx) error
		changed bool
	}{
		{"a form's progress", func(tx flows.Tx) error { return tx.Conversations().Put("U1", flows.Conversation{}) }, false},
		{"answers waiting", func(tx flows.Tx) error { return tx.Pending().Delete("U1") }, false},
		{"a queued message", func(tx flows.Tx) error { return putOutbox(tx, OutboxRecord{Kind: SendPush, Chat: "U1"}) }, false},
		{"a processed id", func(tx flows.Tx) error { return tx.Processed().Put("e1", processedMark{}) }, false},
		{"the push count", func(tx flows.Tx) error { return tx.PushCounts().Put("2026-12", flows.PushCount{N: 1}) }, false},
		{"a day's revision", func(tx flows.Tx) error {
			return tx.DayRevisions().Put(flows.DayRef{Village: 1, Day: 1}, flows.PushCount{N: 1})
		}, false},
		{"a village id drawn", func(tx flows.Tx) error { _, err := tx.Villages().NextID(); return err }, false},
		{"a user", func(tx flows.Tx) error { return tx.Users().Put("U1", flows.User{ID: "U1"}) }, true},
		{"a group gone", func(tx flows.Tx) error { return tx.Groups().Delete("C1") }, true},
		{"a village", func(tx flows.Tx) error { return tx.Villages().Put(1, flows.Village{ID: 1, Moo: 1}) }, true},
		{"the current round", func(tx flows.Tx) error { return tx.Rounds().SetCurrent(1) }, true},
		{"a sage", func(tx flows.Tx) error { return tx.Sages().Put("U2", flows.Sage{ID: 1, UserID: "U2"}) }, true},
		{"a household", func(tx flows.Tx) error { return tx.Households().Put("H1", flows.Household{ID: "H1"}) }, true},
		{"a day", func(tx flows.Tx) error {
			return tx.Days().Put(flows.DayRef{Village: 1, Day: 1}, flows.ProgrammeDay{Village: 1, Day: 1})
		}, true},
		{"attendance", func(tx flows.Tx) error {
			return tx.Attendance().Put(flows.AttendanceRef{Village: 1, Day: 1, Household: "H1"}, flows.Attendance{})
		}, true},
		{"a follow-up answered", func(tx flows.Tx) error {
			return tx.FollowUps().Put(flows.FollowUpRef{Household: "H1", N: 1}, flows.FollowUp{Household: "H1", N: 1})
		}, true},
		{"an occupation group", func(tx flows.Tx) error {
			return tx.OccupationGroups().Put(1, flows.OccupationGroup{ID: 1})
		}, true},
		{"the plan cleared", func(tx flows.Tx) error { return tx.Plan().Clear() }, true},
		{"the ledger", func(tx flows.Tx) error { return tx.Ledger().Put("k", flows.LedgerEntry{}) }, true},
		{"the demo marker", func(tx flows.Tx) error { return tx.DemoSeeded().Put(time.Now()) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			note := &changeNote{}
			if err := db.Update(func(tx flows.Tx) error {
				note.tx = tx
				return tt.write(note)
			}); err != nil {
				t.Fatal(err)
			}
			if note.changed != tt.changed {
				t.Errorf("changed = %v, want %v", note.changed, tt.changed)
			}
		})
	}
}
