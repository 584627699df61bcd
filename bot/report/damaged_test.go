package report_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// TestDamagedRecordFailsOnlyItself: one household record that cannot be
// decoded (a changed byte, a bad restore) used to fail the whole export,
// every village's reminders and the officers' summary. Now the export and
// the summary leave that household out, say so, and carry on.
func TestDamagedRecordFailsOnlyItself(t *testing.T) {
	db, eng := district(t)
	// A changed byte in the file, as a failing disk or a bad copy leaves
	// it: household H000001's village, a digit, becomes a letter.
	db = damage(t, db, `{"id":"H000001","village":5`, `{"id":"H000001","village":u`)
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

// TestTwoVillagesSameMooInTheExport: with หมู่ 5 in two ตำบล, every sheet
// names each with its ตำบล, and each keeps its own households.
func TestTwoVillagesSameMooInTheExport(t *testing.T) {
	db, eng := district(t)
	err := db.Update(func(tx flows.Tx) error {
		v := flows.Village{Moo: 5, Name: "บ้านนาดี", Tambon: "โนนทอง", Occupation: "ทำขนม", Capacity: 20, Created: t0}
		if err := flows.PutVillage(tx, &v); err != nil {
			return err
		}
		return flows.PutHousehold(tx, flows.Household{ID: "H000050", Village: v.ID, HouseNo: "3", HeadName: "ทองดี นาดี",
			Members: 2, Income: 3000, IncomeKnown: true, Interested: true, Status: flows.StatusApplicant, DedupeKey: "nadee", Applied: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	r := build(t, db, eng, locales.Thai)
	byHead := map[string]any{}
	for _, row := range r.Table(report.TableHouseholds).Rows {
		byHead[row[3].(string)] = row[0]
	}
	if got := byHead["ทองดี นาดี"]; got != "หมู่ 5 บ้านนาดี ต.โนนทอง" {
		t.Errorf("the new village's household is under %q, want หมู่ 5 บ้านนาดี ต.โนนทอง", got)
	}
	if got := byHead["มาลี แก้วใส"]; got != "หมู่ 5 บ้านโนนสูง ต.หนองแวง" {
		t.Errorf("the first village's household is under %q, want หมู่ 5 บ้านโนนสูง ต.หนองแวง", got)
	}
	progress := r.Table(report.TableProgress)
	var names []any
	for _, row := range progress.Rows {
		names = append(names, row[0])
	}
	if len(progress.Rows) != 3 {
		t.Errorf("progress rows %v, want three villages", names)
	}
}

// damage closes db, replaces old with repl (of the same length) in the
// file, in every copy (bbolt leaves old copies in its free pages), and
// opens it again. The test fails unless old is there.
func damage(t *testing.T, db *storage.DB, old, repl string) *storage.DB {
	t.Helper()
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != len(repl) || !bytes.Contains(b, []byte(old)) {
		t.Fatalf("cannot damage %q in the file", old)
	}
	if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte(old), []byte(repl)), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}
