package storage

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// recordTypes gives each bucket the type its records are stored as (by
// key, for a bucket holding more than one type); nil for the delivery
// machinery's buckets, whose types belong to package bot (Options.Check*).
// Every bucket is listed (a test says so).
var recordTypes = map[string]func(key string) any{
	bucketInbox: nil, bucketOutbox: nil, bucketProcessed: nil, bucketDeadLetter: nil, bucketSendFailed: nil,
	bucketRichMenus: nil,
	// Counters hold push counts, day revisions and the quota reading: one
	// type has the fields of all.
	bucketCounters: newRecord[struct {
		flows.QuotaSnapshot
		flows.PushCount
	}],
	bucketUsers:         newRecord[flows.User],
	bucketGroups:        newRecord[flows.Group],
	bucketConversations: newRecord[flows.Conversation],
	bucketVillages:      newRecord[flows.Village],
	// Rounds: each Round by roundKey, and the current round's id.
	bucketRounds: func(key string) any {
		if key == keyCurrentRound {
			return new(int)
		}
		return new(flows.Round)
	},
	bucketOfficerCodes:      newRecord[flows.OfficerCode],
	bucketSages:             newRecord[flows.Sage],
	bucketSageIDs:           newRecord[string],
	bucketInvites:           newRecord[flows.Invite],
	bucketInviteWaits:       newRecord[flows.InviteWait],
	bucketHouseholds:        newRecord[flows.Household],
	bucketHouseholdKeys:     newRecord[string],
	bucketHouseholdUsers:    newRecord[string],
	bucketLinkCodes:         newRecord[string],
	bucketPending:           newRecord[flows.Answers],
	bucketHouseholdVillages: newRecord[string],
	bucketDays:              newRecord[flows.ProgrammeDay],
	bucketAttendance:        newRecord[flows.Attendance],
	bucketReminders:         newRecord[flows.LedgerEntry],
	bucketPlan:              newRecord[flows.PlanEntry],
	bucketDemo:              newRecord[time.Time],
	bucketDownloads:         newRecord[flows.Download],
	bucketFollowUps:         newRecord[flows.FollowUp],
	bucketOccGroups:         newRecord[flows.OccupationGroup],
	bucketCodeAttempts: func(key string) any {
		if key == keyCodeGlobal {
			return new(flows.CodeGlobalAttempts)
		}
		return new(flows.CodeUserAttempts)
	},
}

func newRecord[T any](string) any { return new(T) }

// checkRecord decodes raw as the program reads the record of bucket at
// key, and returns the error the program would meet (nil when it reads).
// A restore uses it to refuse a file with a record that would fail an
// export or a reminder tick later. The delivery machinery's records are
// checked by opt's checks (package bot's types); without them, and in a
// bucket this build does not know, a record need only be valid JSON.
func checkRecord(opt Options, bucket, key string, raw []byte) error {
	if newValue := recordTypes[bucket]; newValue != nil {
		return json.Unmarshal(raw, newValue(key))
	}
	var check func([]byte) error
	switch bucket {
	case bucketInbox, bucketDeadLetter:
		check = opt.CheckInboxRecord
	case bucketOutbox, bucketSendFailed:
		check = opt.CheckOutboxRecord
	}
	if check != nil {
		return check(raw)
	}
	return validJSON(raw)
}

// validJSON accepts any valid JSON value, and says where it is not.
func validJSON(raw []byte) error {
	if json.Valid(raw) {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	return errors.New("not valid JSON")
}
