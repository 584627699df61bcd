package flows

import "errors"

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

// Tx is one transaction over named buckets of JSON-encoded values. Keys sort
// as bytes, so numbers in keys are written fixed-width (see Key helpers).
type Tx interface {
	// Get decodes the value at key into v and reports whether it existed.
	Get(bucket, key string, v any) (bool, error)
	// Put encodes v as the value at key.
	Put(bucket, key string, v any) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(bucket, key string) error
	// Scan calls fn for every key that starts with prefix, in key order.
	// decode unmarshals the value; it is only valid during fn. Returning
	// ErrStop from fn ends the scan early without error.
	Scan(bucket, prefix string, fn func(key string, decode func(v any) error) error) error
	// NextSeq returns the next number of bucket's sequence (1, 2, 3…).
	NextSeq(bucket string) (uint64, error)
}

// ErrStop ends a Scan early; Scan then returns nil.
var ErrStop = errors.New("stop scan")

// Buckets names every bucket the program uses. storage creates them all
// when it opens the database.
var Buckets = []string{
	BucketInbox, BucketOutbox, BucketProcessed, BucketDeadLetter, BucketSendFailed, BucketCounters,
	BucketUsers, BucketGroups, BucketConversations, BucketVillages,
	BucketOfficerCodes,
	BucketSages, BucketSageIDs, BucketInvites, BucketInviteWaits,
	BucketHouseholds, BucketHouseholdKeys, BucketHouseholdUsers, BucketLinkCodes, BucketPending, BucketHouseholdVillages,
	BucketDays, BucketAttendance, BucketReminders, BucketPlan,
	BucketDemo,
	BucketRichMenus,
	BucketDownloads,
	BucketRounds,
	BucketCodeAttempts,
}

// Bucket names. The edge buckets (inbox, outbox, processed, dead letters,
// counters) hold the delivery machinery; the others hold the programme.
const (
	BucketInbox         = "inbox"         // InboxRecord by fixed-width sequence
	BucketOutbox        = "outbox"        // OutboxRecord by fixed-width sequence
	BucketProcessed     = "processed"     // webhookEventId → time processed (dedupe, kept ≥ 7 days)
	BucketDeadLetter    = "deadletter"    // InboxRecord that kept failing
	BucketSendFailed    = "sendfailed"    // OutboxRecord LINE never accepted
	BucketCounters      = "counters"      // named counters, e.g. pushes per month
	BucketUsers         = "users"         // User by LINE user id
	BucketGroups        = "groups"        // Group by LINE group id
	BucketConversations = "conversations" // Conversation by LINE user id
	BucketVillages      = "villages"      // Village by VillageKey (its id)
	BucketRounds        = "rounds"        // Round by roundKey; "current" → the current round's id
	BucketOfficerCodes  = "officercodes"  // OfficerCode by its code
	// Households by id; indexes by dedupe key, by the head's LINE user id,
	// and by the link code a sage hands to a head without LINE.
	BucketHouseholds     = "households"
	BucketHouseholdKeys  = "householdkeys"
	BucketHouseholdUsers = "householdusers"
	BucketLinkCodes      = "linkcodes"
	// BucketHouseholdVillages indexes households by village:
	// VillageKey/id → id.
	BucketHouseholdVillages = "householdvillages"
	// BucketPending keeps answers waiting for a user's next tap (e.g. an
	// update offered instead of a duplicate enrolment), by purpose/user.
	BucketPending     = "pending"
	BucketDays        = "days"        // ProgrammeDay by DayKey
	BucketAttendance  = "attendance"  // Attendance by AttendanceKey
	BucketReminders   = "reminders"   // LedgerEntry by reminder key
	BucketPlan        = "plan"        // pending reminders by due time (planKey)
	BucketSages       = "sages"       // Sage by LINE user id
	BucketSageIDs     = "sageids"     // registry number (SeqKey) → LINE user id
	BucketInvites     = "invites"     // team Invite by its code
	BucketInviteWaits = "invitewaits" // LINE user id → InviteWait (a code typed before approval)
	BucketDemo        = "demo"        // simulator demo data marker: "seeded" → when
	// BucketRichMenus keeps the rich menus applied (their LINE ids) and
	// which menu each user was linked to (bot/richmenu).
	BucketRichMenus = "richmenus"
	// BucketDownloads keeps report download links (Download) by
	// DownloadKey: the token's hash, never the token.
	BucketDownloads = "downloads"
	// BucketCodeAttempts counts wrong codes, per user (by a pseudonym of
	// the LINE id) and for everyone (flows/codes.go).
	BucketCodeAttempts = "codeattempts"
)

// indexValues reads an index bucket (keys → the ids they point at): the
// ids under prefix, in key order.
func indexValues(tx Tx, bucket, prefix string) ([]string, error) {
	var ids []string
	err := tx.Scan(bucket, prefix, func(_ string, decode func(any) error) error {
		var id string
		if err := decode(&id); err != nil {
			return skipUnreadable(tx, err)
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}
