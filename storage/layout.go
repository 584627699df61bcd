package storage

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The database's layout: one bbolt bucket per kind of record, values in
// JSON. Nothing outside this package names a bucket or builds a key; the
// domain asks for its records through flows.Tx (stores.go).
const (
	// The delivery machinery (package bot owns the record types).
	bucketInbox      = "inbox"      // an event received, by fixed-width sequence
	bucketOutbox     = "outbox"     // a message to send, by fixed-width sequence
	bucketProcessed  = "processed"  // webhookEventId → when processed (dedupe, kept ≥ 7 days)
	bucketDeadLetter = "deadletter" // an event that kept failing, by its inbox key
	bucketSendFailed = "sendfailed" // a message LINE never accepted, by its outbox key
	bucketRichMenus  = "richmenus"  // the rich menus applied and each user's link

	// Counters: pushes per month ("push/2006-01"), each day's last
	// revision ("dayrev/" + day key) and the quota reading ("quota").
	bucketCounters = "counters"

	bucketUsers         = "users"         // flows.User by LINE user id
	bucketGroups        = "groups"        // flows.Group by LINE group id
	bucketConversations = "conversations" // flows.Conversation by LINE user id
	bucketOfficerCodes  = "officercodes"  // flows.OfficerCode by its code
	bucketPending       = "pending"       // flows.Answers by "hh/" + LINE user id (or "import:"/"link:" + id, flows/import_chat.go)
	bucketRounds        = "rounds"        // flows.Round by roundKey; "current" → the current round's id
	bucketVillages      = "villages"      // flows.Village by villageKey (its id)
	bucketSages         = "sages"         // flows.Sage by LINE user id
	bucketSageIDs       = "sageids"       // index: registry number (seqKey) → LINE user id
	bucketInvites       = "invites"       // flows.Invite by its code
	bucketInviteWaits   = "invitewaits"   // flows.InviteWait by LINE user id
	// Households by id, and their indexes: by dedupe key, by the head's
	// LINE user id, by link code, and by village (villageKey/id → id).
	bucketHouseholds        = "households"
	bucketHouseholdKeys     = "householdkeys"
	bucketHouseholdUsers    = "householdusers"
	bucketLinkCodes         = "linkcodes"
	bucketHouseholdVillages = "householdvillages"
	bucketDays              = "days"         // flows.ProgrammeDay by dayKey
	bucketAttendance        = "attendance"   // flows.Attendance by attendanceKey
	bucketReminders         = "reminders"    // flows.LedgerEntry by reminder key
	bucketPlan              = "plan"         // flows.PlanEntry by planKey (due time, then reminder)
	bucketDemo              = "demo"         // "seeded" → when the simulator loaded the demo district
	bucketDownloads         = "downloads"    // flows.Download by the token's hash
	bucketCodeAttempts      = "codeattempts" // "global" and "u/" + pseudonym → attempts
	bucketFollowUps         = "followups"    // flows.FollowUp by household id + "/" + its number (%03d)
	bucketOccGroups         = "occgroups"    // flows.OccupationGroup by id (%06d)
)

// buckets is every bucket; Open creates the missing ones.
var buckets = []string{
	bucketInbox, bucketOutbox, bucketProcessed, bucketDeadLetter, bucketSendFailed, bucketCounters,
	bucketUsers, bucketGroups, bucketConversations, bucketVillages,
	bucketOfficerCodes,
	bucketSages, bucketSageIDs, bucketInvites, bucketInviteWaits,
	bucketHouseholds, bucketHouseholdKeys, bucketHouseholdUsers, bucketLinkCodes, bucketPending, bucketHouseholdVillages,
	bucketDays, bucketAttendance, bucketReminders, bucketPlan,
	bucketDemo,
	bucketRichMenus,
	bucketDownloads,
	bucketRounds,
	bucketCodeAttempts,
	bucketFollowUps,
	bucketOccGroups,
}

// Keys. Numbers are written fixed-width so that keys sort as numbers.

// seqKey is a sequence number's key (queues, the sage registry).
func seqKey(n uint64) string { return fmt.Sprintf("%020d", n) }

func villageKey(id int) string { return fmt.Sprintf("%03d", id) }

func roundKey(id int) string { return fmt.Sprintf("r/%06d", id) }

const (
	roundPrefix     = "r/"
	keyCurrentRound = "current"
	keyQuota        = "quota"
	keyDemoSeeded   = "seeded"
	keyCodeGlobal   = "global"
	codeUserPrefix  = "u/"
	pendingPrefix   = "hh/"
	pushPrefix      = "push/"
	dayRevPrefix    = "dayrev/"
)

func followUpKey(household string, n int) string { return fmt.Sprintf("%s/%03d", household, n) }

func occGroupKey(id int) string { return fmt.Sprintf("%06d", id) }

func dayKey(vid, day int) string { return fmt.Sprintf("%03d/%d", vid, day) }

func attendanceKey(vid, day int, household string) string {
	return fmt.Sprintf("%03d/%d/%s", vid, day, household)
}

// householdVillageKey is the village index's key of a household.
func householdVillageKey(vid int, id string) string { return villageKey(vid) + "/" + id }

// planKey sorts by due time (UTC, to the minute), then by reminder.
func planKey(due time.Time, key string) string {
	return due.UTC().Format("20060102T1504") + "/" + key
}

// parseInt reads a fixed-width number key.
func parseInt(s string) (int, error) { return strconv.Atoi(s) }

// parseDayKey reads "vvv/d" back.
func parseDayKey(s string) (vid, day int, err error) {
	v, d, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, fmt.Errorf("day key %q", s)
	}
	if vid, err = strconv.Atoi(v); err != nil {
		return 0, 0, err
	}
	day, err = strconv.Atoi(d)
	return vid, day, err
}
