package flows

import (
	"errors"
	"time"
)

// Store is the durable state the domain reads and writes. Every change that
// one event causes happens inside one Update, so it is committed whole or not
// at all. The bbolt adapter in package storage implements it.
type Store interface {
	// View runs fn in a read-only transaction.
	View(fn func(Tx) error) error
	// Update runs fn in a read-write transaction and commits it when fn
	// returns nil. fn must not do I/O outside the transaction: it may be
	// retried.
	Update(fn func(Tx) error) error
}

// Tx is one transaction: the stores the programme needs, each reading and
// writing inside it. Package storage owns how and where each is kept (its
// buckets, key encodings and indexes); here is only what the domain asks
// of them.
type Tx interface {
	// People and groups.
	Users() Table[string, User]                 // by LINE user id
	Groups() Table[string, Group]               // by LINE group id
	Conversations() Table[string, Conversation] // a form in progress, by LINE user id
	OfficerCodes() Table[string, OfficerCode]   // by the code
	// Pending holds answers waiting for a user's next tap (an update
	// offered instead of a duplicate enrolment), by LINE user id.
	Pending() Table[string, Answers]

	// The programme.
	Rounds() Rounds
	Villages() Villages
	Sages() Sages
	Invites() Table[string, Invite]         // team invites, by code
	InviteWaits() Table[string, InviteWait] // a code typed before approval, by LINE user id
	Households() Households
	Days() ProgrammeDays
	// DayRevisions keeps each day's last revision, so that a day deleted
	// and set again never reuses a revision its reminders were sent under.
	DayRevisions() Table[DayRef, PushCount]
	Attendance() AttendanceRecords
	// After the five days: households' follow-ups and the occupation
	// groups villages form (followups.go).
	FollowUps() FollowUps
	OccupationGroups() OccupationGroups

	// Reminders and counts.
	Ledger() Table[string, LedgerEntry] // reminders sent, by ReminderKey
	Plan() Plan
	PushCounts() Table[string, PushCount] // pushed recipients, by month ("2006-01")
	Quota() Record[QuotaSnapshot]
	CodeAttempts() Table[string, CodeUserAttempts] // by a pseudonym of the LINE id
	CodeAttemptsAll() Record[CodeGlobalAttempts]
	Downloads() Table[string, Download] // by DownloadKey (the token's hash)
	DemoSeeded() Record[time.Time]      // when the simulator loaded the demo district

	// The delivery machinery's records, whose types belong to the edge
	// (package bot): the inbox of events, the outbox of messages, the
	// events that kept failing and the messages LINE never accepted, the
	// events already processed, and the rich menus applied.
	Inbox() Records
	Outbox() Records
	DeadLetters() Records
	SendFailed() Records
	Processed() Records
	RichMenus() Records

	// ForgetCopies removes every copy of what people said or were told
	// (forms in progress, answers waiting, queued and failed messages,
	// events that kept failing) that contains one of traces: a person's
	// deletion reaches the copies, not only the records.
	ForgetCopies(traces [][]byte) error
	// Skip is how a listing meets a record it cannot decode: it reports
	// it (to the log, without its key) and returns nil, so the listing
	// goes on without it; any other error is returned as it is. Skipped
	// counts the records this transaction left out so.
	Skip(err error) error
	Skipped() int
}

// Table is one kind of record, by key.
type Table[K comparable, V any] interface {
	// Get reads the record at k and reports whether there is one. A record
	// that cannot be decoded is an *UnreadableError.
	Get(k K) (V, bool, error)
	Put(k K, v V) error
	// Delete removes k; deleting a missing key is not an error.
	Delete(k K) error
	// Each calls fn for every record in key order. A record that cannot
	// be decoded is skipped and reported (Tx.Skipped), so one damaged
	// record never hides the others. Returning ErrStop ends it early.
	Each(fn func(k K, v V) error) error
}

// Record is a single record (a setting, a marker).
type Record[V any] interface {
	Get() (V, bool, error)
	Put(v V) error
}

// Records holds values of a type that another package owns, by string key.
type Records interface {
	Get(key string, v any) (bool, error)
	Put(key string, v any) error
	Delete(key string) error
	// Each calls fn for every record whose key starts with prefix, in key
	// order; decode is valid only during fn. ErrStop ends it early.
	Each(prefix string, fn func(key string, decode func(v any) error) error) error
	// After calls fn for every record whose key sorts after key, in key
	// order ("" for all): a reader that keeps what it has read need only
	// read what is new.
	After(key string, fn func(key string, decode func(v any) error) error) error
	// NextKey returns a fresh key that sorts after every key it gave before.
	NextKey() (string, error)
}

// Rounds are the programme's rounds, by id.
type Rounds interface {
	Table[int, Round]
	// Current is the current round's id (false before the first round).
	Current() (int, bool, error)
	SetCurrent(id int) error
}

// Villages are the villages of every round, by id.
type Villages interface {
	Table[int, Village]
	// NextID returns an id no village had before.
	NextID() (int, error)
}

// Sages is the registry of sages, by LINE user id; Each lists them in
// registry-number order.
type Sages interface {
	Table[string, Sage]
	// ByNumber finds a sage by registry number; NextNumber gives a number
	// no sage had before.
	ByNumber(n uint64) (Sage, bool, error)
	NextNumber() (uint64, error)
}

// Households are the households that applied, by id. Put keeps the
// indexes (by village, by DedupeKey, by head's LINE id, by LinkCode) in
// step with the record; Delete removes them.
type Households interface {
	Table[string, Household]
	// NextID returns an id no household had before.
	NextID() (string, error)
	ByDedupeKey(key string) (Household, bool, error)
	ByUser(userID string) (Household, bool, error)
	ByLinkCode(code string) (Household, bool, error)
	// InVillage lists the village's households in id order; its cost is
	// the village's size, not the district's.
	InVillage(vid int, fn func(Household) error) error
}

// DayRef names a village's programme day (1–5).
type DayRef struct{ Village, Day int }

// ProgrammeDays are the villages' programme days.
type ProgrammeDays interface {
	Table[DayRef, ProgrammeDay]
	// InVillage lists the village's days in day order.
	InVillage(vid int, fn func(ProgrammeDay) error) error
}

// AttendanceRef names one household's record for a day.
type AttendanceRef struct {
	Village, Day int
	Household    string
}

// AttendanceRecords are the households' records of each day.
type AttendanceRecords interface {
	Table[AttendanceRef, Attendance]
	// OfDay lists a village's records of one day; OfVillage of every day.
	OfDay(vid, day int, fn func(Attendance) error) error
	OfVillage(vid int, fn func(Attendance) error) error
}

// FollowUps are households' follow-ups, by household and number.
type FollowUps interface {
	Table[FollowUpRef, FollowUp]
	// OfHousehold lists a household's follow-ups in number order.
	OfHousehold(id string, fn func(FollowUp) error) error
}

// OccupationGroups are the occupation groups formed, by id.
type OccupationGroups interface {
	Table[int, OccupationGroup]
	// NextID returns an id no group had before.
	NextID() (int, error)
}

// Plan is the reminders waiting to be sent, by due time.
type Plan interface {
	Put(e PlanEntry) error
	Get(due time.Time, key string) (PlanEntry, bool, error)
	Delete(due time.Time, key string) error
	// Until lists the entries due at or before t (to the minute), earliest
	// first; Each lists them all. Clear empties the plan.
	Until(t time.Time, fn func(PlanEntry) error) error
	Each(fn func(PlanEntry) error) error
	Clear() error
}

// ErrStop ends a listing early; the listing then returns nil.
var ErrStop = errors.New("stop scan")
