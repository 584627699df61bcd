package storage

import (
	"context"

	"github.com/sammachip/sammachip/flows"
)

// Test-only access to the layout, for the tests (package storage_test)
// that write and read records as they lie on disk.

var Buckets = buckets

const (
	BucketAttendance    = bucketAttendance
	BucketConversations = bucketConversations
	BucketCounters      = bucketCounters
	BucketDays          = bucketDays
	BucketHouseholds    = bucketHouseholds
	BucketInbox         = bucketInbox
	BucketInvites       = bucketInvites
	BucketPlan          = bucketPlan
	BucketReminders     = bucketReminders
	BucketRounds        = bucketRounds
	BucketSages         = bucketSages
	BucketUsers         = bucketUsers
	BucketVillages      = bucketVillages
)

// RawTx is the bucket-level transaction under the stores.
type RawTx struct{ t *boltTx }

func Raw(tx flows.Tx) RawTx { return RawTx{tx.(*boltTx)} }

func (r RawTx) Get(bucket, key string, v any) (bool, error) { return r.t.get(bucket, key, v) }
func (r RawTx) Put(bucket, key string, v any) error         { return r.t.put(bucket, key, v) }
func (r RawTx) Delete(bucket, key string) error             { return r.t.delete(bucket, key) }
func (r RawTx) Scan(bucket, prefix string, fn func(string, func(any) error) error) error {
	return r.t.scan(bucket, prefix, fn)
}

// AppendTo is AppendInbox to any bucket.
func (db *DB) AppendTo(ctx context.Context, bucket string, values ...any) ([]string, error) {
	return db.appendTo(ctx, bucket, values...)
}

// SeqKey is a sequence number's key.
func SeqKey(n uint64) string { return seqKey(n) }

// SetCompactHook runs fn between Compact's copy and its catch-up, until
// the test ends.
func SetCompactHook(t interface{ Cleanup(func()) }, fn func()) {
	testHookCopied = fn
	t.Cleanup(func() { testHookCopied = nil })
}

// SetLogSegmentSize makes the inbox log start a new segment past size
// bytes, until the test ends.
func SetLogSegmentSize(t interface{ Cleanup(func()) }, size int64) {
	old := logSegmentSize
	logSegmentSize = size
	t.Cleanup(func() { logSegmentSize = old })
}
