package flows

import "testing"

func TestDecodeRecord(t *testing.T) {
	tests := []struct {
		bucket, key, raw string
		ok               bool
	}{
		{BucketHouseholds, "k", `{"id":"h1","village":3,"headName":"มาลี","applied":"2026-11-20T10:00:00+07:00"}`, true},
		{BucketHouseholds, "k", `{"id":"h1","village":q}`, false},
		{BucketHouseholds, "k", `{"id":"h1","village":"3"}`, false},
		{BucketHouseholds, "k", `{"id":"h1","applied":"2026-1q-20T10:00:00+07:00"}`, false},
		{BucketHouseholdVillages, "k", `"h1"`, true},
		{BucketHouseholdVillages, "k", `3`, false},
		{BucketCounters, "k", `{"n":4}`, true},
		{BucketCounters, "k", `{"limited":true,"limit":300,"used":12,"at":"2026-11-20T10:00:00Z"}`, true},
		{BucketCounters, "k", `{"n":"4"}`, false},
		{BucketInbox, "k", `{"anything":"the edge's type"}`, true},
		{BucketInbox, "k", `{"cut`, false},
		{BucketRounds, "r/000001", `{"id":1,"fiscalYear":2570,"started":"2026-10-01T09:00:00+07:00"}`, true},
		{BucketRounds, "r/000001", `{"id":"1"}`, false},
		{BucketRounds, "current", `1`, true},
		{BucketRounds, "current", `{"id":1}`, false},
		{"a bucket of a later schema", "k", `[1,2]`, true},
	}
	for _, tt := range tests {
		if err := DecodeRecord(tt.bucket, tt.key, []byte(tt.raw)); (err == nil) != tt.ok {
			t.Errorf("DecodeRecord(%s, %s, %s): got %v, want ok %v", tt.bucket, tt.key, tt.raw, err, tt.ok)
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
