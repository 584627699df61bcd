package bot_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
)

// replyTexts are the texts of the replies LINE accepted for chat, in order.
func replyTexts(t *testing.T, r *rig, chat string) []string {
	t.Helper()
	var texts []string
	for _, q := range repliesTo(r, chat) {
		for _, raw := range q.Messages {
			var m struct{ Text string }
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			texts = append(texts, m.Text)
		}
	}
	return texts
}

// Through the signed webhook: a user who types five wrong codes is told
// to wait ten minutes, and the sixth is refused; another user is not held
// back. The attempts are counted by kind and result, and neither the
// metrics nor the stored counts name the user or the codes.
func TestWrongCodesThroughTheWebhook(t *testing.T) {
	r := newRig(t, bot.Config{}, nil)
	a, b := linefake.User("U0000000000000000000000000000000a"), linefake.User("U0000000000000000000000000000000b")
	ev := r.fake.Events()
	for i := 1; i <= 6; i++ {
		r.clock.Advance(time.Second)
		r.post(t, ev.TextEvent(a, fmt.Sprintf("WRONG%03d", i), r.clock.Now()))
		r.step(t)
	}
	r.clock.Advance(time.Second)
	r.post(t, ev.TextEvent(b, "WRONG999", r.clock.Now()))
	r.step(t)

	gotA, gotB := replyTexts(t, r, a.UserID), replyTexts(t, r, b.UserID)
	if len(gotA) != 6 || len(gotB) != 1 {
		t.Fatalf("got %d replies to a and %d to b, want 6 and 1", len(gotA), len(gotB))
	}
	for i, text := range gotA {
		limited := strings.Contains(text, "รอ 10 นาที")
		if want := i >= 4; limited != want {
			t.Errorf("reply %d to a: %q; cool-off %v, want %v", i+1, text, limited, want)
		}
	}
	if !strings.Contains(gotB[0], "ไม่พบรหัสนี้") {
		t.Errorf("reply to b: %q, want no such code (b typed one wrong code)", gotB[0])
	}
	for _, m := range []struct {
		labels []string
		want   float64
	}{
		{[]string{"kind=unknown", "result=wrong"}, 6},
		{[]string{"kind=unknown", "result=limited"}, 1},
	} {
		if got := r.metric(t, "sammachip_code_attempts_total", m.labels...); got != m.want {
			t.Errorf("sammachip_code_attempts_total%v = %v, want %v", m.labels, got, m.want)
		}
	}
	if got := r.fake.Sent(linefake.KindPush); len(got) != 0 {
		t.Errorf("got %d pushes, want none", len(got))
	}
	err := r.db.View(func(tx flows.Tx) error {
		return tx.CodeAttempts().Each(func(key string, _ flows.CodeUserAttempts) error {
			if strings.Contains(key, a.UserID) || strings.Contains(key, b.UserID) || strings.Contains(key, "WRONG") {
				t.Errorf("stored key %q names a user or a code", key)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
}
