package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
			if _, err := db.AppendInbox(context.Background(), rec); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCompact measures a compaction of the demo district and of a
// database 100 times its size, and what a webhook would notice: the
// longest wait of an Append (the inbox write before the 200) made every
// millisecond while it runs. Both must stay far below LINE's 2 s.
//
//	go test -run '^$' -bench Compact -benchtime 5x ./storage/
func BenchmarkCompact(b *testing.B) {
	for _, copies := range []int{1, 100} {
		b.Run(fmt.Sprintf("district×%d", copies), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench.db")
			db, err := storage.Open(path, storage.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			seedDistricts(b, db, copies)
			var sizeMB, pauseMS, worstMS float64
			b.ResetTimer()
			for range b.N {
				stop := make(chan struct{})
				worst := make(chan time.Duration)
				go func() {
					var w time.Duration
					tick := time.NewTicker(time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-stop:
							worst <- w
							return
						case <-tick.C:
						}
						t0 := time.Now()
						if _, err := db.AppendInbox(context.Background(), "tap"); err != nil {
							b.Error(err)
						}
						w = max(w, time.Since(t0))
					}
				}()
				res, err := db.Compact()
				close(stop)
				w := <-worst
				if err != nil {
					b.Fatal(err)
				}
				sizeMB = float64(res.After) / 1e6
				pauseMS += float64(res.Pause) / 1e6
				worstMS = max(worstMS, float64(w)/1e6)
			}
			b.ReportMetric(sizeMB, "MB")
			b.ReportMetric(pauseMS/float64(b.N), "pause-ms")
			b.ReportMetric(worstMS, "worst-append-ms")
		})
	}
}

// seedDistricts loads the demo district, then copies every record
// copies-1 more times under other keys.
func seedDistricts(b testing.TB, db *storage.DB, copies int) {
	b.Helper()
	eng := flows.NewEngine(flows.Config{})
	if err := db.Update(func(tx flows.Tx) error {
		_, err := eng.SeedDemo(tx, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
		return err
	}); err != nil {
		b.Fatal(err)
	}
	type record struct {
		bucket, key string
		value       json.RawMessage
	}
	var all []record
	if err := db.View(func(tx flows.Tx) error {
		for _, bucket := range storage.Buckets {
			err := storage.Raw(tx).Scan(bucket, "", func(key string, decode func(any) error) error {
				var v json.RawMessage
				if err := decode(&v); err != nil {
					return err
				}
				all = append(all, record{bucket, key, v})
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	for c := 1; c < copies; c++ {
		if err := db.Update(func(tx flows.Tx) error {
			for _, r := range all {
				if err := storage.Raw(tx).Put(r.bucket, fmt.Sprintf("%s/copy%03d", r.key, c), r.value); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
