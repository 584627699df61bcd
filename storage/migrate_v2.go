package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sammachip/sammachip/flows"
)

// Schema 1 → 2: villages by ตำบล + หมู่, and rounds.
//
// Schema 1 keyed a village by its หมู่ number alone, and every record that
// named a village (households, days, attendance, reminders, the plan,
// invites, teams, forms in progress) carried that number as "moo". Schema
// 2 gives each village an id and a round. The migration makes each old
// village's id its old number, so every key stays as it was: reminders in
// the ledger stay sent under the same keys, and buttons already in
// people's chats ("moo=5") still name the same village. It then renames
// the field in each record ("moo" → "village"), gives each sage the ตำบล of
// their home village, moves forms in progress to the new answer names, and
// puts everything in a first round named after the fiscal year its
// villages were made in.
func migrateRounds(tx *bolt.Tx) error {
	villages := tx.Bucket([]byte(bucketVillages))
	tambonOf := map[int]string{}
	var first time.Time
	maxID := 0
	type village struct {
		key []byte
		rec map[string]any
	}
	var vs []village
	err := villages.ForEach(func(k, v []byte) error {
		rec, err := decodeMap(bucketVillages, k, v)
		if err != nil {
			return err
		}
		moo := intField(rec, "moo")
		if moo <= 0 {
			return fmt.Errorf("village %s has no number", recordName(bucketVillages, string(k)))
		}
		rec["id"], rec["round"] = moo, 1
		tambonOf[moo], _ = rec["tambon"].(string)
		if t, err := time.Parse(time.RFC3339Nano, str(rec["created"])); err == nil && !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
		maxID = max(maxID, moo)
		vs = append(vs, village{bytes.Clone(k), rec})
		return nil
	})
	if err != nil {
		return err
	}
	for _, v := range vs {
		if err := putMap(villages, v.key, v.rec); err != nil {
			return err
		}
	}
	if err := villages.SetSequence(uint64(maxID)); err != nil {
		return err
	}

	// Records that name a village by number now name it by id (the same
	// number).
	for _, name := range []string{bucketHouseholds, bucketDays, bucketAttendance,
		bucketReminders, bucketPlan, bucketInvites} {
		if err := rewrite(tx, name, func(rec map[string]any) bool { return rename(rec, "moo", "village") }); err != nil {
			return err
		}
	}
	// Sages: the team by id; the home village as a place (หมู่ + ตำบล).
	if err := rewrite(tx, bucketSages, func(rec map[string]any) bool {
		changed := rename(rec, "teamMoo", "teamVillage")
		if t := tambonOf[intField(rec, "moo")]; t != "" {
			rec["tambon"], changed = t, true
		}
		return changed
	}); err != nil {
		return err
	}
	// Forms in progress and answers waiting for a tap.
	if err := rewrite(tx, bucketConversations, migrateConversation); err != nil {
		return err
	}
	if err := rewrite(tx, bucketPending, migrateAnswers); err != nil {
		return err
	}

	// The first round: the fiscal year (from October, Buddhist Era) its
	// first village was made in.
	rounds := tx.Bucket([]byte(bucketRounds))
	if len(vs) == 0 {
		return nil // a new database: its first village starts round 1
	}
	fy := first.Year() + 543
	if first.Month() >= time.October {
		fy++
	}
	round, err := json.Marshal(flows.Round{ID: 1, FiscalYear: fy, Started: first})
	if err != nil {
		return err
	}
	if err := rounds.Put([]byte("r/000001"), round); err != nil {
		return err
	}
	return rounds.Put([]byte("current"), []byte("1"))
}

// migrateConversation moves a form in progress to schema 2's names: the
// village question's field is "village" (its value the village's id,
// which is the old number), the enrolling sage's fixed village
// "_fixedvillage", the schedule form's "_village". The village forms keep
// "moo": there it is the number being typed.
func migrateConversation(rec map[string]any) bool {
	form := str(rec["form"])
	if form == "village.add" {
		return false
	}
	if form == "village.edit" {
		a, _ := rec["answers"].(map[string]any)
		if a == nil {
			return false
		}
		a["_village"] = "v" + str(a["moo"])
		return true
	}
	answers, _ := rec["answers"].(map[string]any)
	changed := answers != nil && migrateAnswerMap(answers)
	if str(rec["step"]) == "moo" {
		rec["step"], changed = "village", true
	}
	if h, ok := rec["history"].([]any); ok {
		for i, s := range h {
			if s == "moo" {
				h[i], changed = "village", true
			}
		}
	}
	return changed
}

func migrateAnswers(rec map[string]any) bool { return migrateAnswerMap(rec) }

func migrateAnswerMap(a map[string]any) bool {
	changed := false
	if v, ok := a["moo"]; ok {
		delete(a, "moo")
		a["village"], changed = "v"+str(v), true
	}
	changed = rename(a, "_fixedmoo", "_fixedvillage") || changed
	changed = rename(a, "_moo", "_village") || changed
	return changed
}

// rewrite decodes every record of bucket as a JSON object, lets fn change
// it, and stores the changed ones. Records that are not objects (index
// entries) are left alone.
func rewrite(tx *bolt.Tx, bucket string, fn func(map[string]any) bool) error {
	b := tx.Bucket([]byte(bucket))
	type change struct {
		key []byte
		rec map[string]any
	}
	var changes []change
	err := b.ForEach(func(k, v []byte) error {
		if len(v) == 0 || v[0] != '{' {
			return nil
		}
		rec, err := decodeMap(bucket, k, v)
		if err != nil {
			return err
		}
		if fn(rec) {
			changes = append(changes, change{bytes.Clone(k), rec})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := putMap(b, c.key, c.rec); err != nil {
			return err
		}
	}
	return nil
}

func decodeMap(bucket string, k, v []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(v))
	d.UseNumber() // keep numbers exactly as they were
	var rec map[string]any
	if err := d.Decode(&rec); err != nil {
		return nil, fmt.Errorf("decode %s: %w", recordName(bucket, string(k)), err)
	}
	return rec, nil
}

func putMap(b *bolt.Bucket, k []byte, rec map[string]any) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return b.Put(k, raw)
}

// rename moves rec[from] to rec[to]; it reports whether it did.
func rename(rec map[string]any, from, to string) bool {
	v, ok := rec[from]
	if !ok {
		return false
	}
	delete(rec, from)
	rec[to] = v
	return true
}

func intField(rec map[string]any, name string) int {
	switch v := rec[name].(type) {
	case json.Number:
		n, _ := strconv.Atoi(v.String())
		return n
	case float64:
		return int(v)
	}
	return 0
}

func str(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
