package bot

import (
	"time"

	"github.com/sammachip/sammachip/flows"
)

// changeNote is the transaction the domain gets: it notes whether a step
// changed the programme's data (people, groups, officer codes, rounds,
// villages, sages, invites, households, programme days, attendance,
// follow-ups, occupation groups, the
// reminder ledger and plan, the demo marker) rather than only
// bookkeeping: a form's progress and answers waiting for a tap, the
// delivery machinery (inbox, outbox, dead letters, failed sends,
// processed ids, rich menus), the counters (pushes, the quota reading,
// days' revisions), code attempts and download links. FallbackChanges
// marks an answer as mattering by it.
//
// It spells out every store of flows.Tx instead of embedding it, so that
// a store added to flows.Tx does not compile here until someone decides
// which side it is on. A store's writes are noted (Put, Delete, and
// SetCurrent or Clear where it has them); drawing a fresh id is not a
// change in itself.
type changeNote struct {
	tx      flows.Tx
	changed bool
}

var _ flows.Tx = (*changeNote)(nil)

// The programme's data: writes are noted.

func (t *changeNote) Users() flows.Table[string, flows.User] {
	return notedTable[string, flows.User]{t.tx.Users(), t}
}
func (t *changeNote) Groups() flows.Table[string, flows.Group] {
	return notedTable[string, flows.Group]{t.tx.Groups(), t}
}
func (t *changeNote) OfficerCodes() flows.Table[string, flows.OfficerCode] {
	return notedTable[string, flows.OfficerCode]{t.tx.OfficerCodes(), t}
}
func (t *changeNote) Rounds() flows.Rounds     { return notedRounds{t.tx.Rounds(), t} }
func (t *changeNote) Villages() flows.Villages { return notedVillages{t.tx.Villages(), t} }
func (t *changeNote) Sages() flows.Sages       { return notedSages{t.tx.Sages(), t} }
func (t *changeNote) Invites() flows.Table[string, flows.Invite] {
	return notedTable[string, flows.Invite]{t.tx.Invites(), t}
}
func (t *changeNote) InviteWaits() flows.Table[string, flows.InviteWait] {
	return notedTable[string, flows.InviteWait]{t.tx.InviteWaits(), t}
}
func (t *changeNote) Households() flows.Households { return notedHouseholds{t.tx.Households(), t} }
func (t *changeNote) Days() flows.ProgrammeDays    { return notedDays{t.tx.Days(), t} }
func (t *changeNote) Attendance() flows.AttendanceRecords {
	return notedAttendance{t.tx.Attendance(), t}
}
func (t *changeNote) FollowUps() flows.FollowUps { return notedFollowUps{t.tx.FollowUps(), t} }
func (t *changeNote) OccupationGroups() flows.OccupationGroups {
	return notedOccGroups{t.tx.OccupationGroups(), t}
}
func (t *changeNote) Ledger() flows.Table[string, flows.LedgerEntry] {
	return notedTable[string, flows.LedgerEntry]{t.tx.Ledger(), t}
}
func (t *changeNote) Plan() flows.Plan { return notedPlan{t.tx.Plan(), t} }
func (t *changeNote) DemoSeeded() flows.Record[time.Time] {
	return notedRecord[time.Time]{t.tx.DemoSeeded(), t}
}

// Bookkeeping: passed through unnoted.

func (t *changeNote) Conversations() flows.Table[string, flows.Conversation] {
	return t.tx.Conversations()
}
func (t *changeNote) Pending() flows.Table[string, flows.Answers] { return t.tx.Pending() }
func (t *changeNote) DayRevisions() flows.Table[flows.DayRef, flows.PushCount] {
	return t.tx.DayRevisions()
}
func (t *changeNote) PushCounts() flows.Table[string, flows.PushCount] { return t.tx.PushCounts() }
func (t *changeNote) Quota() flows.Record[flows.QuotaSnapshot]         { return t.tx.Quota() }
func (t *changeNote) CodeAttempts() flows.Table[string, flows.CodeUserAttempts] {
	return t.tx.CodeAttempts()
}
func (t *changeNote) CodeAttemptsAll() flows.Record[flows.CodeGlobalAttempts] {
	return t.tx.CodeAttemptsAll()
}
func (t *changeNote) Downloads() flows.Table[string, flows.Download] { return t.tx.Downloads() }
func (t *changeNote) Inbox() flows.Records                           { return t.tx.Inbox() }
func (t *changeNote) Outbox() flows.Records                          { return t.tx.Outbox() }
func (t *changeNote) DeadLetters() flows.Records                     { return t.tx.DeadLetters() }
func (t *changeNote) SendFailed() flows.Records                      { return t.tx.SendFailed() }
func (t *changeNote) Processed() flows.Records                       { return t.tx.Processed() }
func (t *changeNote) RichMenus() flows.Records                       { return t.tx.RichMenus() }

// ForgetCopies removes copies (forms, answers waiting, queued and failed
// messages, dead letters): bookkeeping, like the stores it reaches.
func (t *changeNote) ForgetCopies(traces [][]byte) error { return t.tx.ForgetCopies(traces) }
func (t *changeNote) Skip(err error) error               { return t.tx.Skip(err) }
func (t *changeNote) Skipped() int                       { return t.tx.Skipped() }

// The noting stores: each passes everything on and marks the step changed
// before a write.

type notedTable[K comparable, V any] struct {
	flows.Table[K, V]
	n *changeNote
}

func (s notedTable[K, V]) Put(k K, v V) error { s.n.changed = true; return s.Table.Put(k, v) }
func (s notedTable[K, V]) Delete(k K) error   { s.n.changed = true; return s.Table.Delete(k) }

type notedRecord[V any] struct {
	flows.Record[V]
	n *changeNote
}

func (s notedRecord[V]) Put(v V) error { s.n.changed = true; return s.Record.Put(v) }

type notedRounds struct {
	flows.Rounds
	n *changeNote
}

func (s notedRounds) Put(id int, r flows.Round) error { s.n.changed = true; return s.Rounds.Put(id, r) }
func (s notedRounds) Delete(id int) error             { s.n.changed = true; return s.Rounds.Delete(id) }
func (s notedRounds) SetCurrent(id int) error         { s.n.changed = true; return s.Rounds.SetCurrent(id) }

type notedVillages struct {
	flows.Villages
	n *changeNote
}

func (s notedVillages) Put(id int, v flows.Village) error {
	s.n.changed = true
	return s.Villages.Put(id, v)
}
func (s notedVillages) Delete(id int) error { s.n.changed = true; return s.Villages.Delete(id) }

type notedSages struct {
	flows.Sages
	n *changeNote
}

func (s notedSages) Put(id string, sg flows.Sage) error {
	s.n.changed = true
	return s.Sages.Put(id, sg)
}
func (s notedSages) Delete(id string) error { s.n.changed = true; return s.Sages.Delete(id) }

type notedHouseholds struct {
	flows.Households
	n *changeNote
}

func (s notedHouseholds) Put(id string, hh flows.Household) error {
	s.n.changed = true
	return s.Households.Put(id, hh)
}
func (s notedHouseholds) Delete(id string) error { s.n.changed = true; return s.Households.Delete(id) }

type notedDays struct {
	flows.ProgrammeDays
	n *changeNote
}

func (s notedDays) Put(r flows.DayRef, d flows.ProgrammeDay) error {
	s.n.changed = true
	return s.ProgrammeDays.Put(r, d)
}
func (s notedDays) Delete(r flows.DayRef) error { s.n.changed = true; return s.ProgrammeDays.Delete(r) }

type notedFollowUps struct {
	flows.FollowUps
	n *changeNote
}

func (s notedFollowUps) Put(r flows.FollowUpRef, f flows.FollowUp) error {
	s.n.changed = true
	return s.FollowUps.Put(r, f)
}
func (s notedFollowUps) Delete(r flows.FollowUpRef) error {
	s.n.changed = true
	return s.FollowUps.Delete(r)
}

type notedOccGroups struct {
	flows.OccupationGroups
	n *changeNote
}

func (s notedOccGroups) Put(id int, g flows.OccupationGroup) error {
	s.n.changed = true
	return s.OccupationGroups.Put(id, g)
}
func (s notedOccGroups) Delete(id int) error {
	s.n.changed = true
	return s.OccupationGroups.Delete(id)
}

type notedAttendance struct {
	flows.AttendanceRecords
	n *changeNote
}

func (s notedAttendance) Put(r flows.AttendanceRef, a flows.Attendance) error {
	s.n.changed = true
	return s.AttendanceRecords.Put(r, a)
}
func (s notedAttendance) Delete(r flows.AttendanceRef) error {
	s.n.changed = true
	return s.AttendanceRecords.Delete(r)
}

type notedPlan struct {
	flows.Plan
	n *changeNote
}

func (s notedPlan) Put(e flows.PlanEntry) error { s.n.changed = true; return s.Plan.Put(e) }
func (s notedPlan) Delete(due time.Time, key string) error {
	s.n.changed = true
	return s.Plan.Delete(due, key)
}
func (s notedPlan) Clear() error { s.n.changed = true; return s.Plan.Clear() }
