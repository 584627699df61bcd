package flows

import (
	"encoding/json"
	"errors"
	"time"
)

// DecodeRecord decodes raw as the program reads the record of bucket at key, and
// returns the error the program would meet (nil when it reads). A restore
// uses it to refuse a file with a record that would fail an export or a
// reminder tick later. Records of buckets whose types belong to the edge
// (the inbox, the outbox, …) or are not listed need only be valid JSON
// here; the edge checks its own.
func DecodeRecord(bucket, key string, raw []byte) error {
	if newValue := recordTypes[bucket]; newValue != nil {
		return json.Unmarshal(raw, newValue(key))
	}
	if !json.Valid(raw) {
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			return err // says where
		}
		return errors.New("flows: not valid JSON")
	}
	return nil
}

// recordTypes gives each bucket the type its records are stored as (by
// key, for a bucket holding more than one type); nil for the edge's
// buckets. Every bucket of Buckets is listed (a test says so).
var recordTypes = map[string]func(key string) any{
	BucketInbox: nil, BucketOutbox: nil, BucketProcessed: nil, BucketDeadLetter: nil, BucketSendFailed: nil,
	BucketRichMenus: nil,
	// Counters hold push counts and the quota reading: one type has the
	// fields of both.
	BucketCounters: newRecord[struct {
		QuotaSnapshot
		PushCount
	}],
	BucketUsers:         newRecord[User],
	BucketGroups:        newRecord[Group],
	BucketConversations: newRecord[Conversation],
	BucketVillages:      newRecord[Village],
	// Rounds: each Round by roundKey, and the current round's id.
	BucketRounds: func(key string) any {
		if key == keyCurrentRound {
			return new(int)
		}
		return new(Round)
	},
	BucketOfficerCodes:      newRecord[OfficerCode],
	BucketSages:             newRecord[Sage],
	BucketSageIDs:           newRecord[string],
	BucketInvites:           newRecord[Invite],
	BucketInviteWaits:       newRecord[InviteWait],
	BucketHouseholds:        newRecord[Household],
	BucketHouseholdKeys:     newRecord[string],
	BucketHouseholdUsers:    newRecord[string],
	BucketLinkCodes:         newRecord[string],
	BucketPending:           newRecord[Answers],
	BucketHouseholdVillages: newRecord[string],
	BucketDays:              newRecord[ProgrammeDay],
	BucketAttendance:        newRecord[Attendance],
	BucketReminders:         newRecord[LedgerEntry],
	BucketPlan:              newRecord[planEntry],
	BucketDemo:              newRecord[time.Time],
	BucketDownloads:         newRecord[Download],
	BucketCodeAttempts:      codeRecord,
}

func newRecord[T any](string) any { return new(T) }
