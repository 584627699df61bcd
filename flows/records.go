package flows

import (
	"encoding/json"
	"errors"
	"time"
)

// DecodeRecord decodes raw as the program reads a record of bucket, and
// returns the error the program would meet (nil when it reads). A restore
// uses it to refuse a file with a record that would fail an export or a
// reminder tick later. Records of buckets whose types belong to the edge
// (the inbox, the outbox, …) or are not listed need only be valid JSON
// here; the edge checks its own.
func DecodeRecord(bucket string, raw []byte) error {
	if newValue := records[bucket]; newValue != nil {
		return json.Unmarshal(raw, newValue())
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

// records gives each bucket the type its records are stored as; nil for
// the edge's buckets. Every bucket of Buckets is listed (a test says so).
var records = map[string]func() any{
	BucketInbox: nil, BucketOutbox: nil, BucketProcessed: nil, BucketDeadLetter: nil, BucketSendFailed: nil,
	BucketRichMenus: nil,
	// Counters hold push counts and the quota reading: one type has the
	// fields of both.
	BucketCounters: as[struct {
		QuotaSnapshot
		PushCount
	}],
	BucketUsers:             as[User],
	BucketGroups:            as[Group],
	BucketConversations:     as[Conversation],
	BucketVillages:          as[Village],
	BucketOfficerCodes:      as[OfficerCode],
	BucketSages:             as[Sage],
	BucketSageIDs:           as[string],
	BucketInvites:           as[Invite],
	BucketInviteWaits:       as[InviteWait],
	BucketHouseholds:        as[Household],
	BucketHouseholdKeys:     as[string],
	BucketHouseholdUsers:    as[string],
	BucketLinkCodes:         as[string],
	BucketPending:           as[Answers],
	BucketHouseholdVillages: as[string],
	BucketDays:              as[ProgrammeDay],
	BucketAttendance:        as[Attendance],
	BucketReminders:         as[LedgerEntry],
	BucketPlan:              as[planEntry],
	BucketDemo:              as[time.Time],
	BucketDownloads:         as[Download],
}

func as[T any]() any { return new(T) }
