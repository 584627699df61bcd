package flows

import "testing"

func TestDecodeRecord(t *testing.T) {
	tests := []struct {
		bucket, raw string
		ok          bool
	}{
		{BucketHouseholds, `{"id":"h1","moo":3,"headName":"มาลี","applied":"2026-11-20T10:00:00+07:00"}`, true},
		{BucketHouseholds, `{"id":"h1","moo":q}`, false},
		{BucketHouseholds, `{"id":"h1","moo":"3"}`, false},
		{BucketHouseholds, `{"id":"h1","applied":"2026-1q-20T10:00:00+07:00"}`, false},
		{BucketHouseholdVillages, `"h1"`, true},
		{BucketHouseholdVillages, `3`, false},
		{BucketCounters, `{"n":4}`, true},
		{BucketCounters, `{"limited":true,"limit":300,"used":12,"at":"2026-11-20T10:00:00Z"}`, true},
		{BucketCounters, `{"n":"4"}`, false},
		{BucketInbox, `{"anything":"the edge's type"}`, true},
		{BucketInbox, `{"cut`, false},
		{"a bucket of a later schema", `[1,2]`, true},
	}
	for _, tt := range tests {
		if err := DecodeRecord(tt.bucket, []byte(tt.raw)); (err == nil) != tt.ok {
			t.Errorf("DecodeRecord(%s, %s): got %v, want ok %v", tt.bucket, tt.raw, err, tt.ok)
		}
	}
}

func TestEveryBucketHasARecordType(t *testing.T) {
	for _, b := range Buckets {
		if _, ok := recordTypes[b]; !ok {
			t.Errorf("bucket %s is not in recordTypes: say what its records decode as (nil for the edge's)", b)
		}
	}
}
