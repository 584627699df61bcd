package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// This file gives the domain its stores (flows.Tx) over the layout of
// layout.go: a generic table for each kind of record, and the indexes kept
// in step with the records they point at.

// table is a flows.Table over one bucket, keys encoded by key and read
// back by parse (nil when the key holds nothing Each needs: then Each
// passes the zero key).
type table[K comparable, V any] struct {
	t      *boltTx
	bucket string
	prefix string // every key of this table starts with it
	key    func(K) string
	parse  func(string) (K, error)
}

func (tb table[K, V]) Get(k K) (V, bool, error) {
	var v V
	ok, err := tb.t.get(tb.bucket, tb.prefix+tb.key(k), &v)
	return v, ok, err
}

func (tb table[K, V]) Put(k K, v V) error { return tb.t.put(tb.bucket, tb.prefix+tb.key(k), v) }

func (tb table[K, V]) Delete(k K) error { return tb.t.delete(tb.bucket, tb.prefix+tb.key(k)) }

func (tb table[K, V]) Each(fn func(K, V) error) error {
	return tb.scan(tb.prefix, fn)
}

// scan lists the records under prefix (which includes tb.prefix).
func (tb table[K, V]) scan(prefix string, fn func(K, V) error) error {
	return tb.t.scan(tb.bucket, prefix, func(key string, decode func(any) error) error {
		var k K
		if tb.parse != nil {
			var err error
			if k, err = tb.parse(strings.TrimPrefix(key, tb.prefix)); err != nil {
				return tb.t.Skip(&flows.UnreadableError{Record: recordName(tb.bucket, key), Err: err})
			}
		}
		var v V
		if err := decode(&v); err != nil {
			return tb.t.Skip(err)
		}
		return fn(k, v)
	})
}

func stringKey(s string) string            { return s }
func parseString(s string) (string, error) { return s, nil }

func stringTable[V any](t *boltTx, bucket string) table[string, V] {
	return table[string, V]{t: t, bucket: bucket, key: stringKey, parse: parseString}
}

// record is a flows.Record: one key of a bucket.
type record[V any] struct {
	t           *boltTx
	bucket, key string
}

func (r record[V]) Get() (V, bool, error) {
	var v V
	ok, err := r.t.get(r.bucket, r.key, &v)
	return v, ok, err
}

func (r record[V]) Put(v V) error { return r.t.put(r.bucket, r.key, v) }

// records is a flows.Records: a bucket of values another package owns.
type records struct {
	t      *boltTx
	bucket string
}

func (r records) Get(key string, v any) (bool, error) { return r.t.get(r.bucket, key, v) }
func (r records) Put(key string, v any) error         { return r.t.put(r.bucket, key, v) }
func (r records) Delete(key string) error             { return r.t.delete(r.bucket, key) }
func (r records) Each(prefix string, fn func(string, func(any) error) error) error {
	return r.t.scan(r.bucket, prefix, fn)
}

func (r records) After(key string, fn func(string, func(any) error) error) error {
	b, err := r.t.bucket(r.bucket)
	if err != nil {
		return err
	}
	c := b.Cursor()
	k, v := c.Seek([]byte(key))
	if k != nil && string(k) == key {
		k, v = c.Next()
	}
	for ; k != nil; k, v = c.Next() {
		name, val := string(k), v
		err := fn(name, func(dst any) error {
			if err := json.Unmarshal(val, dst); err != nil {
				return &flows.UnreadableError{Record: recordName(r.bucket, name), Err: err}
			}
			return nil
		})
		if errors.Is(err, flows.ErrStop) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r records) NextKey() (string, error) {
	n, err := r.t.nextSeq(r.bucket)
	return seqKey(n), err
}

// The stores of flows.Tx.

func (t *boltTx) Users() flows.Table[string, flows.User] {
	return stringTable[flows.User](t, bucketUsers)
}
func (t *boltTx) Groups() flows.Table[string, flows.Group] {
	return stringTable[flows.Group](t, bucketGroups)
}
func (t *boltTx) Conversations() flows.Table[string, flows.Conversation] {
	return stringTable[flows.Conversation](t, bucketConversations)
}
func (t *boltTx) OfficerCodes() flows.Table[string, flows.OfficerCode] {
	return stringTable[flows.OfficerCode](t, bucketOfficerCodes)
}
func (t *boltTx) Pending() flows.Table[string, flows.Answers] {
	tb := stringTable[flows.Answers](t, bucketPending)
	tb.prefix = pendingPrefix
	return tb
}
func (t *boltTx) Invites() flows.Table[string, flows.Invite] {
	return stringTable[flows.Invite](t, bucketInvites)
}
func (t *boltTx) InviteWaits() flows.Table[string, flows.InviteWait] {
	return stringTable[flows.InviteWait](t, bucketInviteWaits)
}
func (t *boltTx) Ledger() flows.Table[string, flows.LedgerEntry] {
	return stringTable[flows.LedgerEntry](t, bucketReminders)
}
func (t *boltTx) PushCounts() flows.Table[string, flows.PushCount] {
	tb := stringTable[flows.PushCount](t, bucketCounters)
	tb.prefix = pushPrefix
	return tb
}
func (t *boltTx) Quota() flows.Record[flows.QuotaSnapshot] {
	return record[flows.QuotaSnapshot]{t, bucketCounters, keyQuota}
}
func (t *boltTx) CodeAttempts() flows.Table[string, flows.CodeUserAttempts] {
	tb := stringTable[flows.CodeUserAttempts](t, bucketCodeAttempts)
	tb.prefix = codeUserPrefix
	return tb
}
func (t *boltTx) CodeAttemptsAll() flows.Record[flows.CodeGlobalAttempts] {
	return record[flows.CodeGlobalAttempts]{t, bucketCodeAttempts, keyCodeGlobal}
}
func (t *boltTx) Downloads() flows.Table[string, flows.Download] {
	return stringTable[flows.Download](t, bucketDownloads)
}
func (t *boltTx) DemoSeeded() flows.Record[time.Time] {
	return record[time.Time]{t, bucketDemo, keyDemoSeeded}
}

func (t *boltTx) Inbox() flows.Records       { return records{t, bucketInbox} }
func (t *boltTx) Outbox() flows.Records      { return records{t, bucketOutbox} }
func (t *boltTx) DeadLetters() flows.Records { return records{t, bucketDeadLetter} }
func (t *boltTx) SendFailed() flows.Records  { return records{t, bucketSendFailed} }
func (t *boltTx) Processed() flows.Records   { return records{t, bucketProcessed} }
func (t *boltTx) RichMenus() flows.Records   { return records{t, bucketRichMenus} }

// Rounds.

type rounds struct{ table[int, flows.Round] }

func (t *boltTx) Rounds() flows.Rounds {
	return rounds{table[int, flows.Round]{t: t, bucket: bucketRounds, prefix: roundPrefix,
		key: func(id int) string { return strings.TrimPrefix(roundKey(id), roundPrefix) }, parse: parseInt}}
}

func (r rounds) Current() (int, bool, error) {
	var id int
	ok, err := r.t.get(bucketRounds, keyCurrentRound, &id)
	return id, ok, err
}

func (r rounds) SetCurrent(id int) error { return r.t.put(bucketRounds, keyCurrentRound, id) }

// Villages.

type villages struct{ table[int, flows.Village] }

func (t *boltTx) Villages() flows.Villages {
	return villages{table[int, flows.Village]{t: t, bucket: bucketVillages, key: villageKey, parse: parseInt}}
}

func (v villages) NextID() (int, error) {
	n, err := v.t.nextSeq(bucketVillages)
	return int(n), err
}

// Sages, with the index by registry number.

type sages struct{ table[string, flows.Sage] }

func (t *boltTx) Sages() flows.Sages { return sages{stringTable[flows.Sage](t, bucketSages)} }

func (s sages) Put(userID string, sg flows.Sage) error {
	if userID != sg.UserID {
		return fmt.Errorf("storage: sage %s stored under another key", HashKey(sg.UserID))
	}
	old, ok, err := s.table.Get(userID)
	if err != nil && !errors.Is(err, flows.ErrUnreadable) {
		return err
	}
	if ok && err == nil && old.ID != sg.ID {
		if err := s.t.delete(bucketSageIDs, seqKey(old.ID)); err != nil {
			return err
		}
	}
	if err := s.table.Put(userID, sg); err != nil {
		return err
	}
	return s.t.put(bucketSageIDs, seqKey(sg.ID), sg.UserID)
}

func (s sages) Delete(userID string) error {
	old, ok, err := s.table.Get(userID)
	if err != nil && !errors.Is(err, flows.ErrUnreadable) {
		return err
	}
	if ok && err == nil {
		if err := s.t.delete(bucketSageIDs, seqKey(old.ID)); err != nil {
			return err
		}
	}
	return s.table.Delete(userID)
}

func (s sages) NextNumber() (uint64, error) { return s.t.nextSeq(bucketSages) }

func (s sages) ByNumber(n uint64) (flows.Sage, bool, error) {
	var userID string
	ok, err := s.t.get(bucketSageIDs, seqKey(n), &userID)
	if err != nil || !ok {
		return flows.Sage{}, false, err
	}
	return s.table.Get(userID)
}

// Each lists the sages in registry-number order.
func (s sages) Each(fn func(string, flows.Sage) error) error {
	return s.t.scan(bucketSageIDs, "", func(_ string, decode func(any) error) error {
		var userID string
		if err := decode(&userID); err != nil {
			return s.t.Skip(err)
		}
		sg, ok, err := s.table.Get(userID)
		if err != nil {
			return s.t.Skip(err)
		}
		if !ok {
			return nil
		}
		return fn(userID, sg)
	})
}

// Households, with their indexes.

type households struct{ table[string, flows.Household] }

func (t *boltTx) Households() flows.Households {
	return households{stringTable[flows.Household](t, bucketHouseholds)}
}

// householdFormat is how a household id is made from its sequence number.
const householdFormat = "H%06d"

func (h households) NextID() (string, error) {
	n, err := h.t.nextSeq(bucketHouseholds)
	return fmt.Sprintf(householdFormat, n), err
}

// indexes lists a household's index entries (bucket, key); empty values
// have none.
func householdIndexes(hh flows.Household) [][2]string {
	out := [][2]string{{bucketHouseholdVillages, householdVillageKey(hh.Village, hh.ID)}}
	for _, e := range [][2]string{{bucketHouseholdKeys, hh.DedupeKey}, {bucketHouseholdUsers, hh.UserID}, {bucketLinkCodes, hh.LinkCode}} {
		if e[1] != "" {
			out = append(out, e)
		}
	}
	return out
}

// Put stores the household and moves its index entries with it: an entry
// the old record had and this one has not is removed (only when it still
// points at this household).
func (h households) Put(id string, hh flows.Household) error {
	if id != hh.ID {
		return fmt.Errorf("storage: household %s stored under another key", HashKey(hh.ID))
	}
	old, ok, err := h.table.Get(id)
	if err != nil && !errors.Is(err, flows.ErrUnreadable) {
		return err
	}
	if err := h.table.Put(id, hh); err != nil {
		return err
	}
	keep := householdIndexes(hh)
	if ok && err == nil {
		if err := h.unindex(old, keep); err != nil {
			return err
		}
	}
	for _, e := range keep {
		if err := h.t.put(e[0], e[1], hh.ID); err != nil {
			return err
		}
	}
	return nil
}

// unindex removes old's index entries that are not in keep and still
// point at old.
func (h households) unindex(old flows.Household, keep [][2]string) error {
	for _, e := range householdIndexes(old) {
		if containsEntry(keep, e) {
			continue
		}
		var at string
		if ok, err := h.t.get(e[0], e[1], &at); err != nil || !ok || at != old.ID {
			continue
		}
		if err := h.t.delete(e[0], e[1]); err != nil {
			return err
		}
	}
	return nil
}

func containsEntry(list [][2]string, e [2]string) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

func (h households) Delete(id string) error {
	old, ok, err := h.table.Get(id)
	if err != nil && !errors.Is(err, flows.ErrUnreadable) {
		return err
	}
	if ok && err == nil {
		if err := h.unindex(old, nil); err != nil {
			return err
		}
	}
	return h.table.Delete(id)
}

func (h households) by(bucket, key string) (flows.Household, bool, error) {
	if key == "" {
		return flows.Household{}, false, nil
	}
	var id string
	ok, err := h.t.get(bucket, key, &id)
	if err != nil || !ok {
		return flows.Household{}, false, err
	}
	return h.table.Get(id)
}

func (h households) ByDedupeKey(key string) (flows.Household, bool, error) {
	return h.by(bucketHouseholdKeys, key)
}
func (h households) ByUser(userID string) (flows.Household, bool, error) {
	return h.by(bucketHouseholdUsers, userID)
}
func (h households) ByLinkCode(code string) (flows.Household, bool, error) {
	return h.by(bucketLinkCodes, code)
}

// InVillage reads the village index: its cost is the village's size.
func (h households) InVillage(vid int, fn func(flows.Household) error) error {
	return h.t.scan(bucketHouseholdVillages, villageKey(vid)+"/", func(_ string, decode func(any) error) error {
		var id string
		if err := decode(&id); err != nil {
			return h.t.Skip(err)
		}
		hh, ok, err := h.table.Get(id)
		if err != nil {
			return h.t.Skip(err) // one damaged household fails only itself
		}
		if !ok || hh.Village != vid {
			return nil
		}
		return fn(hh)
	})
}

// Each lists the households in id order.
func (h households) Each(fn func(string, flows.Household) error) error { return h.table.Each(fn) }

// Days.

type days struct {
	table[flows.DayRef, flows.ProgrammeDay]
}

func dayRef(r flows.DayRef) string { return dayKey(r.Village, r.Day) }

func parseDayRef(s string) (flows.DayRef, error) {
	v, d, err := parseDayKey(s)
	return flows.DayRef{Village: v, Day: d}, err
}

func (t *boltTx) Days() flows.ProgrammeDays {
	return days{table[flows.DayRef, flows.ProgrammeDay]{t: t, bucket: bucketDays, key: dayRef, parse: parseDayRef}}
}

func (d days) InVillage(vid int, fn func(flows.ProgrammeDay) error) error {
	return d.scan(villageKey(vid)+"/", func(_ flows.DayRef, pd flows.ProgrammeDay) error { return fn(pd) })
}

func (t *boltTx) DayRevisions() flows.Table[flows.DayRef, flows.PushCount] {
	return table[flows.DayRef, flows.PushCount]{t: t, bucket: bucketCounters, prefix: dayRevPrefix, key: dayRef, parse: parseDayRef}
}

// Attendance.

type attendance struct {
	table[flows.AttendanceRef, flows.Attendance]
}

func (t *boltTx) Attendance() flows.AttendanceRecords {
	return attendance{table[flows.AttendanceRef, flows.Attendance]{t: t, bucket: bucketAttendance,
		key: func(r flows.AttendanceRef) string { return attendanceKey(r.Village, r.Day, r.Household) }}}
}

func (a attendance) OfDay(vid, day int, fn func(flows.Attendance) error) error {
	return a.scan(dayKey(vid, day)+"/", func(_ flows.AttendanceRef, r flows.Attendance) error { return fn(r) })
}

func (a attendance) OfVillage(vid int, fn func(flows.Attendance) error) error {
	return a.scan(villageKey(vid)+"/", func(_ flows.AttendanceRef, r flows.Attendance) error { return fn(r) })
}

// Each passes each record with its reference (read from the record).
func (a attendance) Each(fn func(flows.AttendanceRef, flows.Attendance) error) error {
	return a.scan("", func(_ flows.AttendanceRef, r flows.Attendance) error {
		return fn(flows.AttendanceRef{Village: r.Village, Day: r.Day, Household: r.Household}, r)
	})
}

// Follow-ups and occupation groups.

type followUps struct {
	table[flows.FollowUpRef, flows.FollowUp]
}

func (t *boltTx) FollowUps() flows.FollowUps {
	return followUps{table[flows.FollowUpRef, flows.FollowUp]{t: t, bucket: bucketFollowUps,
		key: func(r flows.FollowUpRef) string { return followUpKey(r.Household, r.N) }}}
}

func (f followUps) OfHousehold(id string, fn func(flows.FollowUp) error) error {
	return f.scan(id+"/", func(_ flows.FollowUpRef, fu flows.FollowUp) error { return fn(fu) })
}

// Each passes each follow-up with its reference (read from the record).
func (f followUps) Each(fn func(flows.FollowUpRef, flows.FollowUp) error) error {
	return f.scan("", func(_ flows.FollowUpRef, fu flows.FollowUp) error {
		return fn(flows.FollowUpRef{Household: fu.Household, N: fu.N}, fu)
	})
}

type occGroups struct {
	table[int, flows.OccupationGroup]
}

func (t *boltTx) OccupationGroups() flows.OccupationGroups {
	return occGroups{table[int, flows.OccupationGroup]{t: t, bucket: bucketOccGroups, key: occGroupKey, parse: parseInt}}
}

func (g occGroups) NextID() (int, error) {
	n, err := g.t.nextSeq(bucketOccGroups)
	return int(n), err
}

// Plan.

type plan struct{ t *boltTx }

func (t *boltTx) Plan() flows.Plan { return plan{t} }

func (p plan) Put(e flows.PlanEntry) error { return p.t.put(bucketPlan, planKey(e.Due, e.Key), e) }

func (p plan) Get(due time.Time, key string) (flows.PlanEntry, bool, error) {
	var e flows.PlanEntry
	ok, err := p.t.get(bucketPlan, planKey(due, key), &e)
	return e, ok, err
}

func (p plan) Delete(due time.Time, key string) error {
	return p.t.delete(bucketPlan, planKey(due, key))
}

func (p plan) Until(t time.Time, fn func(flows.PlanEntry) error) error {
	limit := planKey(t, "~") // every key due at or before t sorts below it
	return p.t.scan(bucketPlan, "", func(key string, decode func(any) error) error {
		if key > limit {
			return flows.ErrStop
		}
		var e flows.PlanEntry
		if err := decode(&e); err != nil {
			return p.t.Skip(err) // one damaged entry does not stop the others' reminders
		}
		return fn(e)
	})
}

func (p plan) Clear() error {
	b, err := p.t.bucket(bucketPlan)
	if err != nil {
		return err
	}
	var keys [][]byte
	if err := b.ForEach(func(k, _ []byte) error { keys = append(keys, bytes.Clone(k)); return nil }); err != nil {
		return err
	}
	for _, k := range keys {
		p.t.db.touched(bucketPlan, k)
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func (p plan) Each(fn func(flows.PlanEntry) error) error {
	return p.t.scan(bucketPlan, "", func(_ string, decode func(any) error) error {
		var e flows.PlanEntry
		if err := decode(&e); err != nil {
			return p.t.Skip(err)
		}
		return fn(e)
	})
}

// forgetBuckets hold copies of what people said or were told: forms in
// progress (anyone's, e.g. a sage's unfinished enrolment of a household),
// answers waiting for a tap, messages queued or never accepted by LINE,
// and events that kept failing.
var forgetBuckets = []string{bucketConversations, bucketPending, bucketOutbox, bucketSendFailed, bucketDeadLetter}

// ForgetCopies removes every record of forgetBuckets whose key or value
// holds one of traces. A queued message naming the person is dropped
// rather than sent: its words cannot be re-rendered without them. The
// file's free pages still hold the old bytes until the next compaction,
// which runs nightly.
func (t *boltTx) ForgetCopies(traces [][]byte) error {
	if len(traces) == 0 {
		return nil
	}
	for _, bucket := range forgetBuckets {
		b, err := t.bucket(bucket)
		if err != nil {
			return err
		}
		var keys [][]byte
		err = b.ForEach(func(k, v []byte) error {
			for _, n := range traces {
				if bytes.Contains(v, n) || bytes.Contains(k, n) || bytes.Contains(v, jsonEscaped(n)) {
					keys = append(keys, bytes.Clone(k))
					break
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			t.db.touched(bucket, k)
			if err := b.Delete(k); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonEscaped is how text appears inside a JSON string (Go escapes <, >
// and & among others).
func jsonEscaped(s []byte) []byte {
	raw, err := json.Marshal(string(s))
	if err != nil || len(raw) < 2 {
		return s
	}
	return raw[1 : len(raw)-1]
}

// Skipped implements flows.Tx.
func (t *boltTx) Skipped() int { return t.skipped }

// Skip implements flows.Tx.
func (t *boltTx) Skip(err error) error {
	if !errors.Is(err, flows.ErrUnreadable) {
		return err
	}
	t.skipped++
	t.db.unreadable.Add(1)
	if t.db.onUnreadable != nil {
		t.db.onUnreadable(err)
	}
	return nil
}
