package storage_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// BenchmarkAppend measures the group commit alone: 32 concurrent callers,
// each appending one inbox-sized record and waiting for it to be durable.
func BenchmarkAppend(b *testing.B) {
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rec := map[string]any{"id": "01HZX", "type": "message", "chat": "U" + strings.Repeat("0", 32),
		"raw": json.RawMessage(`{"type":"message","text":"` + strings.Repeat("ก", 100) + `"}`)}
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Append(context.Background(), flows.BucketInbox, rec); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
