package storage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// oldDatabase is a database written by the release before villages had
// ตำบล-qualified ids (schema 1): the demo district, village 1's week run
// through the chat to its end, a sage's enrolment form left open at its
// first question, and a household's tap still waiting in the inbox. It was
// made by cmd/sammachip's TestWriteOldDatabase with that release's code.
const oldDatabase = "testdata/schema-1.db"

// copyOld copies the committed old database into a temporary directory.
func copyOld(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(oldDatabase)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "sammachip.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// rawRecords reads every record of every bucket of a closed file.
func rawRecords(t *testing.T, path string) map[string]map[string][]byte {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	out := map[string]map[string][]byte{}
	err = b.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			recs := map[string][]byte{}
			out[string(name)] = recs
			return bk.ForEach(func(k, v []byte) error {
				recs[string(k)] = bytes.Clone(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func object(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	return m
}

// TestMigrateSchema1KeepsEveryRecord opens the committed old database with
// this release and checks every record of every bucket against its old
// content: the same keys, the same fields, with exactly the renames the
// new schema makes (a village is named by id, and the old ids are the old
// numbers).
func TestMigrateSchema1KeepsEveryRecord(t *testing.T) {
	path := copyOld(t)
	before := rawRecords(t, path)
	if v := before["meta"]["schema"]; len(v) != 8 || v[7] != 1 {
		t.Fatalf("the committed database is not schema 1: %v", v)
	}
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatalf("open the old database: %v", err)
	}
	if v, err := db.Version(); err != nil || v != storage.SchemaVersion {
		t.Fatalf("schema after open: %d, %v; want %d", v, err, storage.SchemaVersion)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	after := rawRecords(t, path)

	// What the new schema renames, bucket by bucket: old field → new.
	renamed := map[string]map[string]string{
		storage.BucketHouseholds: {"moo": "village"},
		storage.BucketDays:       {"moo": "village"},
		storage.BucketAttendance: {"moo": "village"},
		storage.BucketReminders:  {"moo": "village"},
		storage.BucketPlan:       {"moo": "village"},
		storage.BucketInvites:    {"moo": "village"},
		storage.BucketSages:      {"teamMoo": "teamVillage"},
	}
	tambonOf := map[float64]string{}
	for _, raw := range before[storage.BucketVillages] {
		v := object(t, raw)
		tambonOf[v["moo"].(float64)] = v["tambon"].(string)
	}
	for bucket, recs := range before {
		if bucket == "meta" {
			continue
		}
		for key, old := range recs {
			now, ok := after[bucket][key]
			if !ok {
				t.Errorf("%s/%s: gone after the migration", bucket, key)
				continue
			}
			if bytes.Equal(old, now) {
				continue
			}
			o, n := object(t, old), object(t, now)
			want := maps.Clone(o)
			for from, to := range renamed[bucket] {
				if v, ok := want[from]; ok {
					delete(want, from)
					want[to] = v
				}
			}
			switch bucket {
			case storage.BucketVillages:
				want["id"], want["round"] = o["moo"], float64(1)
			case storage.BucketSages:
				want["tambon"] = tambonOf[o["moo"].(float64)]
			case storage.BucketConversations:
				a := maps.Clone(want["answers"].(map[string]any))
				if v, ok := a["moo"]; ok {
					delete(a, "moo")
					a["village"] = "v" + v.(string)
				}
				if v, ok := a["_fixedmoo"]; ok {
					delete(a, "_fixedmoo")
					a["_fixedvillage"] = v
				}
				want["answers"] = a
			}
			if !reflect.DeepEqual(n, want) {
				t.Errorf("%s/%s:\n got %s\nwant %v", bucket, key, now, want)
			}
		}
		if len(after[bucket]) != len(recs) {
			t.Errorf("%s: %d records after, %d before", bucket, len(after[bucket]), len(recs))
		}
	}
	// The first round, named after the fiscal year the villages were made
	// in (November 2026: ปีงบประมาณ 2570).
	r := object(t, after[storage.BucketRounds]["r/000001"])
	if r["id"] != float64(1) || r["fiscalYear"] != float64(2570) {
		t.Errorf("round 1 = %v, want id 1, fiscal year 2570", r)
	}
	if string(after[storage.BucketRounds]["current"]) != "1" {
		t.Errorf("current round %q, want 1", after[storage.BucketRounds]["current"])
	}
}

// TestMigratedDatabaseReadsAsBefore reads the migrated database through
// the domain: the same 13 villages in the first round, village 1's
// households, its week's attendance and the reminders it was sent.
func TestMigratedDatabaseReadsAsBefore(t *testing.T) {
	path := copyOld(t)
	db := open(t, path)
	err := db.View(func(tx flows.Tx) error {
		vs, err := flows.ListVillages(tx)
		if err != nil {
			return err
		}
		if len(vs) != 13 {
			t.Errorf("%d villages in the current round, want 13", len(vs))
		}
		for _, v := range vs {
			if v.ID != v.Moo || v.Round != 1 || v.Tambon == "" {
				t.Errorf("village %+v: want id = its old number, round 1, its ตำบล", v)
			}
		}
		hs, err := flows.SelectedHouseholds(tx, 1)
		if err != nil {
			return err
		}
		if len(hs) != 20 {
			t.Errorf("village 1: %d selected households, want 20", len(hs))
		}
		m, err := flows.AttendanceMatrix(tx, 1)
		if err != nil {
			return err
		}
		present := 0
		for day := 1; day <= 4; day++ {
			present += m.Counts(day).Present
		}
		if present == 0 {
			t.Error("village 1's week has no one present after the migration")
		}
		team, err := flows.TeamMembers(tx, 1)
		if err != nil {
			return err
		}
		if len(team) != 5 {
			t.Errorf("village 1's team: %d sages, want 5", len(team))
		}
		var sent int
		err = storage.Raw(tx).Scan(storage.BucketReminders, "", func(_ string, decode func(any) error) error {
			var le flows.LedgerEntry
			if err := decode(&le); err != nil {
				return err
			}
			if le.Status == flows.LedgerSent && le.Village == 1 {
				sent++
			}
			return nil
		})
		if sent == 0 {
			t.Error("no reminder of village 1 is recorded as sent after the migration: they could go again")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigrationRunsOnce: opening the migrated file again changes nothing.
func TestMigrationRunsOnce(t *testing.T) {
	path := copyOld(t)
	db := open(t, path)
	_ = db.Close()
	first := rawRecords(t, path)
	db = open(t, path)
	_ = db.Close()
	if second := rawRecords(t, path); !reflect.DeepEqual(first, second) {
		for b := range first {
			if !reflect.DeepEqual(first[b], second[b]) {
				t.Errorf("bucket %s changed on the second open", b)
			}
		}
	}
}

// TestOldDatabaseBackedUpBeforeMigrating: the file as it was is kept
// beside it before the migration changes it.
func TestOldDatabaseBackedUpBeforeMigrating(t *testing.T) {
	path := copyOld(t)
	before, _ := os.ReadFile(path)
	open(t, path)
	matches, _ := filepath.Glob(path + ".before-schema-2*")
	if len(matches) != 1 {
		t.Fatalf("backups beside the database: %q, want one", matches)
	}
	got := rawRecords(t, matches[0])
	want := rawRecords(t, oldDatabase)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the backup differs from the old database (%d bytes before)", len(before))
	}
}

// TestNewerSchemaRefusedUntouched: a file from a newer release is refused
// with ErrNewerSchema and left as it was.
func TestNewerSchemaRefusedUntouched(t *testing.T) {
	path := copyOld(t)
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte{0, 0, 0, 0, 0, 0, 0, 99})
	})
	_ = b.Close()
	before := rawRecords(t, path)
	_, err = storage.Open(path, storage.Options{})
	if !errors.Is(err, storage.ErrNewerSchema) {
		t.Fatalf("open a schema-99 file: %v, want ErrNewerSchema", err)
	}
	if after := rawRecords(t, path); !reflect.DeepEqual(before, after) {
		t.Errorf("the newer file was changed: storage.Buckets %v", slices.Collect(maps.Keys(after)))
	}
}

// A database of the previous release has no follow-ups or occupation
// groups: once opened it reads as a round with trained households and
// nothing followed up yet, not as an error.
func TestMigratedDatabaseHasFollowUpStores(t *testing.T) {
	db := open(t, copyOld(t))
	err := db.View(func(tx flows.Tx) error {
		r, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		s, err := flows.GetSchedule(tx, 1)
		if err != nil {
			return err
		}
		if s[flows.Days-1] == nil {
			t.Fatal("village 1 has no day 5 in the old database")
		}
		day5, err := time.Parse("2006-01-02", s[flows.Days-1].Date)
		if err != nil {
			return err
		}
		ind, err := flows.RoundIndicators(tx, r, day5.AddDate(0, 2, 0))
		if err != nil {
			return err
		}
		if len(ind.Villages) != 13 || ind.District.Trained == 0 || ind.District.FollowedUp != 0 {
			t.Errorf("indicators of the migrated round: %d villages, %d trained, %d followed up; want 13, some, none",
				len(ind.Villages), ind.District.Trained, ind.District.FollowedUp)
		}
		groups, err := flows.VillageGroups(tx, 1)
		if err != nil || len(groups) != 0 {
			t.Errorf("village 1's groups: %v, %v; want none", groups, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
