package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// BenchmarkSenderReplies measures the sender alone: b.N replies to 500
// chats, queued beforehand, drained into the strict fake LINE over
// loopback with a real database (each outcome a commit shared through
// Store.Batch), with the sender running as in production. Per op is one
// reply: read, sent, recorded. Run it without -race:
//
//	go test -run '^$' -bench SenderReplies -benchtime 20000x ./bot/
func BenchmarkSenderReplies(b *testing.B) {
	fake := linefake.New()
	b.Cleanup(fake.Close)
	db, err := storage.Open(filepath.Join(b.TempDir(), "bench.db"), storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	msg, _ := json.Marshal(map[string]any{"type": "text", "text": "บันทึกแล้วค่ะ วันที่ 10 มีนาคม 2569",
		"quickReply": map[string]any{"items": []map[string]any{
			{"type": "action", "action": map[string]string{"type": "message", "label": "เมนู", "text": "เมนู"}},
		}}})
	srv, err := bot.New(bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: fake.Start()},
		db, flows.NewEngine(flows.Config{}), locales.MustLoad(), slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for i := 0; i < b.N; i += 1000 {
		err := db.Update(func(tx flows.Tx) error {
			for j := i; j < min(i+1000, b.N); j++ {
				to := fmt.Sprintf("U%032x", j%500+1)
				rec := bot.OutboxRecord{Kind: bot.SendReply, Chat: to, ReplyToken: fake.IssueReplyTokenFor(to),
					Messages: []json.RawMessage{msg}, Purpose: "reply", Created: now}
				if err := bot.QueuePush(tx, rec); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(b.Context())
	done := make(chan struct{})
	b.ReportAllocs()
	b.ResetTimer()
	go func() { defer close(done); srv.Sender().Run(ctx) }()
	for empty := false; !empty; time.Sleep(2 * time.Millisecond) {
		_ = db.View(func(tx flows.Tx) error {
			empty = true
			return tx.Outbox().Each("", func(string, func(any) error) error { empty = false; return flows.ErrStop })
		})
	}
	b.StopTimer()
	cancel()
	<-done
	if n := len(fake.Sent(linefake.KindReply)); n != b.N {
		b.Fatalf("LINE accepted %d replies, want %d; rejected %v", n, b.N, fake.Rejected())
	}
}
