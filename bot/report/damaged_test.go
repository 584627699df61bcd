package report_test

import (
	"encoding/json"
	"testing"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// TestDamagedRecordFailsOnlyItself: one household record that cannot be
// decoded (a changed byte, a bad restore) used to fail the whole export,
// every village's reminders and the officers' summary. Now the export and
// the summary leave that household out, say so, and carry on.
func TestDamagedRecordFailsOnlyItself(t *testing.T) {
	db, eng := district(t)
	err := db.Update(func(tx flows.Tx) error {
		return tx.Put(flows.BucketHouseholds, "H000001", json.RawMessage(`{"id":"H000001","village":"ห้า"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	r := build(t, db, eng, locales.Thai) // fails the test on error
	hs := r.Table(report.TableHouseholds)
	for _, row := range hs.Rows {
		if row[1] == "H000001" {
			t.Error("the damaged household is in the export")
		}
	}
	if len(hs.Rows) != len(wantThai[report.TableHouseholds].Rows)-1 {
		t.Errorf("%d households exported, want all but the damaged one (%d)", len(hs.Rows), len(wantThai[report.TableHouseholds].Rows)-1)
	}
	var d flows.Digest
	if err := db.View(func(tx flows.Tx) error {
		var err error
		d, err = eng.Digest(tx, reportAt)
		return err
	}); err != nil {
		t.Fatalf("the summary failed: %v", err)
	}
	if d.Unreadable == 0 {
		t.Error("the summary does not tell the officers a record was left out")
	}
	if db.UnreadableSkipped() == 0 {
		t.Error("the skipped record was not counted for the metric")
	}
}
