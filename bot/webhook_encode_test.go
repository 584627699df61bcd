package bot

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// The record the webhook stores reads back as the record it was, whatever
// the event's spacing, as if json.Marshal had written it.
func TestInboxRecordEncodeReadsBackTheSame(t *testing.T) {
	for _, raw := range []string{
		`{"type":"message","message":{"type":"text","text":"เมนู \"ค่ะ\""}}`,
		"{ \"type\" : \"follow\",\n  \"source\": {\"userId\": \"U1\"} }",
		`{}`,
	} {
		rec := InboxRecord{EventID: "e1", Type: "message", Chat: "U1", Timestamp: 1700000000000,
			Received: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC), Raw: json.RawMessage(raw)}
		enc, err := rec.encode()
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(enc) {
			t.Fatalf("encode(%q) = %s: not JSON", raw, enc)
		}
		var got, want InboxRecord
		if err := json.Unmarshal(enc, &got); err != nil {
			t.Fatal(err)
		}
		std, _ := json.Marshal(rec)
		if err := json.Unmarshal(std, &want); err != nil {
			t.Fatal(err)
		}
		var gotRaw, wantRaw any
		_ = json.Unmarshal(got.Raw, &gotRaw)
		_ = json.Unmarshal(want.Raw, &wantRaw)
		got.Raw, want.Raw = nil, nil
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotRaw, wantRaw) {
			t.Errorf("encode(%q) reads back as %+v %v, json.Marshal's as %+v %v", raw, got, gotRaw, want, wantRaw)
		}
	}
}
