package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// userID makes a LINE-shaped user id (U + 32 hex digits) from n.
func userID(n int) string { return fmt.Sprintf("U%032x", n) }

// groupID makes a LINE-shaped group id (C + 32 hex digits) from n.
func groupID(n int) string { return fmt.Sprintf("C%032x", n) }

// replies counts the replies LINE accepted for chat.
func replies(h *Harness, chat string) int {
	n := 0
	for _, r := range h.Fake.Sent(linefake.KindReply) {
		if slices.Contains(r.To, chat) {
			n++
		}
	}
	return n
}

func TestWebhookSignatureVector(t *testing.T) {
	h := NewHarness(t)
	// LINE.md: LINE's documented example, byte for byte.
	body := []byte(`{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}`)
	const sig = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="
	if got := linefake.Sign(testSecret, body); got != sig {
		t.Fatalf("linefake.Sign = %s, want LINE's %s", got, sig)
	}
	if got := h.PostRaw(body, "X-Line-Signature", sig); got != http.StatusOK {
		t.Errorf("got status %d, want 200", got)
	}
	if got := h.Metric("sammachip_webhook_rejected_total", `reason="signature"`); got != 0 {
		t.Errorf("got %v signature rejections, want 0", got)
	}
}

func TestWebhookRefusesBadRequests(t *testing.T) {
	h := NewHarness(t)
	u := userID(1)
	good, err := h.Webhook().Payload(h.Events().TextEvent(linefake.User(u), "เมนู", h.Now()))
	if err != nil {
		t.Fatal(err)
	}
	// A valid, signed payload of 2 MiB: only its size is wrong.
	big, err := h.Webhook().Payload(h.Events().TextEvent(linefake.User(u), strings.Repeat("ก", 700_000), h.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if len(big) < 2<<20 {
		t.Fatalf("big body is %d bytes, want ≥ 2 MiB", len(big))
	}
	otherSecret := "00000000000000000000000000000000"

	tests := []struct {
		name   string
		send   func() int
		want   int
		reason string // the rejection counted in /metrics
	}{
		{"bad signature", func() int {
			return h.PostRaw(good, "X-Line-Signature", linefake.Sign(otherSecret, good))
		}, http.StatusBadRequest, "signature"},
		{"missing signature", func() int { return h.PostRaw(good) }, http.StatusBadRequest, "signature"},
		{"signature not base64", func() int {
			return h.PostRaw(good, "X-Line-Signature", "not base64 at all!")
		}, http.StatusBadRequest, "signature"},
		{"signature of another body", func() int {
			return h.PostRaw(good, "X-Line-Signature", linefake.Sign(testSecret, []byte(`{"events":[]}`)))
		}, http.StatusBadRequest, "signature"},
		{"signed but not JSON", func() int {
			body := []byte(`{"events":[`)
			return h.PostRaw(body, "X-Line-Signature", linefake.Sign(testSecret, body))
		}, http.StatusBadRequest, "json"},
		{"2 MiB with Content-Length", func() int {
			return h.PostRaw(big, "X-Line-Signature", linefake.Sign(testSecret, big))
		}, http.StatusRequestEntityTooLarge, "too_large"},
		{"2 MiB chunked, no Content-Length", func() int {
			return postChunked(t, h.URL()+"/callback", big, linefake.Sign(testSecret, big))
		}, http.StatusRequestEntityTooLarge, "too_large"},
		{"chunked body that never ends", func() int {
			return postEndless(t, h.Main.Addr())
		}, http.StatusRequestEntityTooLarge, "too_large"},
		{"Content-Length shorter than the body", func() int {
			return postLyingLength(t, h.Main.Addr(), good, linefake.Sign(testSecret, good))
		}, http.StatusBadRequest, "signature"},
	}
	counted := map[string]float64{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.send(); got != tt.want {
				t.Errorf("got status %d, want %d", got, tt.want)
			}
			if got := h.Waiting(); got != 0 {
				t.Errorf("inbox holds %d events, want 0", got)
			}
			counted[tt.reason]++
			if got := h.Metric("sammachip_webhook_rejected_total", fmt.Sprintf("reason=%q", tt.reason)); got != counted[tt.reason] {
				t.Errorf("got %v rejections counted as %s, want %v", got, tt.reason, counted[tt.reason])
			}
		})
	}

	t.Run("no events", func(t *testing.T) {
		body := []byte(`{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}`)
		if got := h.PostRaw(body, "X-Line-Signature", linefake.Sign(testSecret, body)); got != http.StatusOK {
			t.Errorf("got status %d, want 200", got)
		}
	})
	t.Run("nothing was answered", func(t *testing.T) {
		h.Step()
		if got := len(h.SendAttempts()); got != 0 {
			t.Errorf("the bot called LINE %d times, want 0", got)
		}
		if got := h.Metric("sammachip_events_received_total", ""); got != 0 {
			t.Errorf("got %v events received, want 0", got)
		}
	})
}

// postChunked sends body with Transfer-Encoding: chunked (the client does
// not know its length).
func postChunked(t *testing.T, url string, body []byte, sig string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, io.MultiReader(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	if req.ContentLength != 0 {
		t.Fatalf("got Content-Length %d, want none (chunked)", req.ContentLength)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", sig)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode
}

// postEndless opens a raw connection and streams a chunked body without
// ever ending it: the bot must answer 413 having read only its limit.
func postEndless(t *testing.T, addr string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	head := "POST /callback HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n" +
		"X-Line-Signature: " + linefake.Sign(testSecret, nil) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		chunk := fmt.Sprintf("%x\r\n%s\r\n", 64<<10, strings.Repeat("a", 64<<10))
		for range 48 { // 3 MiB offered, never a last chunk
			select {
			case <-stop:
				return
			default:
			}
			if _, err := io.WriteString(conn, chunk); err != nil {
				return
			}
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// postLyingLength sends a Content-Length shorter than the body that
// follows it: the bot reads only what was declared, whose signature is
// then wrong.
func postLyingLength(t *testing.T, addr string, body []byte, sig string) int {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	head := fmt.Sprintf("POST /callback HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nX-Line-Signature: %s\r\nContent-Length: %d\r\n\r\n", addr, sig, len(body)/2)
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(body); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

func TestRedeliveredEventIsAnsweredOnce(t *testing.T) {
	tests := []struct {
		name string
		// deliver sends ev (and its redeliveries) in some way.
		deliver func(h *Harness, ev linefake.Event)
	}{
		{"redelivered after it was handled", func(h *Harness, ev linefake.Event) {
			h.Deliver(ev)
			h.Deliver(linefake.Redeliver(ev))
		}},
		{"redelivered before it was handled", func(h *Harness, ev linefake.Event) {
			h.Post(ev)
			h.Post(linefake.Redeliver(ev))
			h.Step()
		}},
		{"twice in one request", func(h *Harness, ev linefake.Event) {
			h.Deliver(ev, linefake.Redeliver(ev))
		}},
		{"redelivered after a restart", func(h *Harness, ev linefake.Event) {
			h.Deliver(ev)
			h.Restart()
			h.Advance(10 * time.Second)
			h.Deliver(linefake.Redeliver(ev))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHarness(t)
			u := userID(7)
			ev := h.Events().TextEvent(linefake.User(u), "เมนู", h.Now())
			tt.deliver(h, ev)
			if got := replies(h, u); got != 1 {
				t.Errorf("got %d replies, want 1", got)
			}
			if got := h.Metric("sammachip_events_deduplicated_total", ""); got != 1 {
				t.Errorf("got %v deduplicated events, want 1", got)
			}
			var mark struct{ At time.Time }
			if !h.Get(flows.Tx.Processed, ev.ID(), &mark) {
				t.Errorf("the dedupe bucket has no entry for %s", ev.ID())
			}
		})
	}
}

func TestEventsWithoutIDAreEachAnswered(t *testing.T) {
	tests := []struct {
		name     string
		requests int // the two events in one request, or in two
	}{
		{"in one request", 1},
		{"in two requests", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHarness(t)
			u := userID(8)
			a := linefake.WithoutID(h.Events().TextEvent(linefake.User(u), "เมนู", h.Now()))
			b := linefake.WithoutID(h.Events().TextEvent(linefake.User(u), "เมนู", h.Now()))
			if tt.requests == 1 {
				h.Deliver(a, b)
			} else {
				h.Deliver(a)
				h.Deliver(b)
			}
			if got := replies(h, u); got != 2 {
				t.Errorf("got %d replies, want 2", got)
			}
			// Each gets a mark of its own (the webhook gives it an id), so
			// neither is taken for the other.
			if got := h.Count(flows.Tx.Processed); got != 2 {
				t.Errorf("dedupe bucket holds %d ids, want 2 (one of its own for each event)", got)
			}
		})
	}
}

// withMessage replaces a message event's message object, keeping its id.
func withMessage(e linefake.Event, msg map[string]any) linefake.Event {
	old, _ := e["message"].(map[string]any)
	msg["id"] = old["id"]
	e["message"] = msg
	return e
}

// with returns e with extra top-level fields.
func with(e linefake.Event, fields map[string]any) linefake.Event {
	maps.Copy(e, fields)
	return e
}

func TestEveryWebhookEventType(t *testing.T) {
	h := NewHarness(t)
	ev := h.Events()
	now := h.Now()
	n := 100
	user := func() linefake.Source { n++; return linefake.User(userID(n)) }
	group := func(uid string) linefake.Source { n++; return linefake.Group(groupID(n), uid) }
	onlyText := []string{h.Text("core.only_text")}
	contentLine := map[string]any{"type": "line"}

	type row struct {
		name  string
		event linefake.Event
		want  []string // texts the chat receives, in order; nil = none
		check func(t *testing.T, e linefake.Event)
	}
	rows := []row{
		{name: "text message", event: ev.TextEvent(user(), "เมนู", now), want: []string{h.Text("core.menu.prompt")}},
		{name: "image message", event: ev.ImageEvent(user(), now), want: onlyText},
		{name: "video message", event: withMessage(ev.ImageEvent(user(), now), map[string]any{
			"type": "video", "duration": 60000, "contentProvider": contentLine, "quoteToken": "q1"}), want: onlyText},
		{name: "audio message", event: withMessage(ev.ImageEvent(user(), now), map[string]any{
			"type": "audio", "duration": 12000, "contentProvider": contentLine}), want: onlyText},
		{name: "file message", event: ev.FileEvent(user(), "รายชื่อครัวเรือน.xlsx", 20480, now), want: []string{h.Text("import.chat.officers_only")}},
		{name: "location message", event: ev.LocationEvent(user(), "ศาลาประชาคม", "หมู่ 5 ตำบลโนนสูง", 15.12, 102.11, now), want: onlyText},
		{name: "sticker message", event: ev.StickerEvent(user(), "446", "1988", now), want: onlyText},
		{name: "follow", event: ev.FollowEvent(user(), now), want: []string{h.Text("core.welcome"), h.Text("core.menu.prompt")}},
		{name: "unfollow", event: ev.UnfollowEvent(user(), now), check: func(t *testing.T, e linefake.Event) {
			id := e["source"].(linefake.Source).UserID
			u, ok := stored(h, flows.Tx.Users, id)
			if !ok {
				t.Fatalf("no user record for an unfollow")
			}
			if u.Active {
				t.Errorf("got user active after unfollow, want inactive")
			}
		}},
		{name: "join", event: ev.JoinEvent(groupID(900), now), want: []string{h.Text("core.group.greeting")}},
		{name: "leave", event: ev.LeaveEvent(groupID(901), now), check: func(t *testing.T, e linefake.Event) {
			g, ok := stored(h, flows.Tx.Groups, groupID(901))
			if !ok {
				t.Fatalf("no group record for a leave")
			}
			if !g.Gone {
				t.Errorf("got group not gone after leave, want gone")
			}
		}},
		{name: "memberJoined", event: ev.MemberJoinedEvent(groupID(902), now, userID(903), userID(904))},
		{name: "memberLeft", event: ev.MemberLeftEvent(groupID(902), now, userID(903))},
		{name: "postback", event: ev.PostbackEvent(user(), "a=nosuchaction&id=1", nil, now), want: []string{h.Text("conv.stale_button")}},
		{name: "postback with datetime params", event: ev.PostbackEvent(user(), "a=nosuchaction&pick=1",
			map[string]string{"datetime": "2026-03-17T09:00"}, now), want: []string{h.Text("conv.stale_button")}},
		{name: "beacon", event: with(ev.UnknownEvent("beacon", user(), now, nil), map[string]any{
			"replyToken": "beacon-token", "beacon": map[string]any{"hwid": "d41d8cd98f", "type": "enter"}})},
		{name: "accountLink", event: with(ev.UnknownEvent("accountLink", user(), now, nil), map[string]any{
			"replyToken": "link-token", "link": map[string]any{"result": "ok", "nonce": "xxxxxxxxxxxxxxx"}})},
		{name: "things", event: with(ev.UnknownEvent("things", user(), now, nil), map[string]any{
			"replyToken": "things-token", "things": map[string]any{"deviceId": "t2016", "type": "link"}})},
		{name: "unsend", event: with(ev.UnknownEvent("unsend", user(), now, nil), map[string]any{
			"unsend": map[string]any{"messageId": "325708"}})},
		{name: "videoPlayComplete", event: with(ev.UnknownEvent("videoPlayComplete", user(), now, nil), map[string]any{
			"replyToken": "video-token", "videoPlayComplete": map[string]any{"trackingId": "track-1"}})},
		{name: "module attached", event: withoutSource(with(ev.UnknownEvent("module", user(), now, nil), map[string]any{
			"module": map[string]any{"type": "attached", "botId": userID(905), "scopes": []string{"message:send"}}}))},
		{name: "module detached", event: withoutSource(with(ev.UnknownEvent("module", user(), now, nil), map[string]any{
			"module": map[string]any{"type": "detached", "botId": userID(905), "reason": "bot_deleted"}}))},
		{name: "activated", event: with(ev.UnknownEvent("activated", user(), now, nil), map[string]any{
			"chatControl": map[string]any{"expireAt": now.Add(time.Hour).UnixMilli()}})},
		{name: "deactivated", event: ev.UnknownEvent("deactivated", user(), now, nil)},
		{name: "botSuspended", event: withoutSource(ev.UnknownEvent("botSuspended", user(), now, nil))},
		{name: "botResumed", event: withoutSource(ev.UnknownEvent("botResumed", user(), now, nil))},
		{name: "membership", event: with(ev.UnknownEvent("membership", user(), now, nil), map[string]any{
			"replyToken": "membership-token", "membership": map[string]any{"type": "joined", "membershipId": 3189}})},
		{name: "delivery", event: withoutSource(with(ev.UnknownEvent("delivery", user(), now, nil), map[string]any{
			"delivery": map[string]any{"data": "a1b2c3"}}))},
		{name: "unknown type in a 1:1 chat", event: unknownWithToken(h, "messageEdited", user()), want: onlyText},
		{name: "unknown type in a group", event: unknownWithToken(h, "messageEdited", group(userID(906)))},
		{name: "group text without userId", event: ev.TextEvent(group(""), "สวัสดีทุกคน", now)},
		{name: "group text with userId", event: ev.TextEvent(group(userID(907)), "สวัสดีทุกคน", now)},
		{name: "group image", event: ev.ImageEvent(group(userID(908)), now)},
		{name: "room text", event: ev.TextEvent(linefake.Room("R"+strings.Repeat("a", 32), ""), "สวัสดี", now)},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			src, _ := r.event["source"].(linefake.Source)
			chat := src.ChatID()
			from := len(h.Fake.Requests())
			h.Deliver(r.event)
			if chat != "" {
				if got := h.Received(chat, from).Texts; !slices.Equal(got, r.want) {
					t.Errorf("chat got %q, want %q", got, r.want)
				}
			}
			if r.check != nil {
				r.check(t, r.event)
			}
			if got := h.Count(flows.Tx.DeadLetters); got != 0 {
				t.Errorf("dead letters hold %d events, want 0", got)
			}
		})
	}

	t.Run("all types in one request", func(t *testing.T) {
		var batch []linefake.Event
		for _, r := range rows {
			e := maps.Clone(r.event)
			e["webhookEventId"] = uuid.NewString() // new events, not redeliveries
			e["timestamp"] = h.Now().Add(time.Minute).UnixMilli()
			delete(e, "replyToken") // the tokens above are used
			batch = append(batch, e)
		}
		before := h.Metric("sammachip_events_processed_total", "")
		h.Deliver(batch...)
		if got := h.Metric("sammachip_events_processed_total", "") - before; got != float64(len(batch)) {
			t.Errorf("got %v events processed, want %d", got, len(batch))
		}
		if got := h.Count(flows.Tx.DeadLetters); got != 0 {
			t.Errorf("dead letters hold %d events, want 0", got)
		}
	})

	t.Run("the worker keeps going", func(t *testing.T) {
		got := h.User(userID(999)).Say("เมนู")
		if want := []string{h.Text("core.menu.prompt")}; !slices.Equal(got.Texts, want) {
			t.Errorf("got %q, want %q", got.Texts, want)
		}
		if got := h.Metric("sammachip_events_malformed_total", ""); got != 0 {
			t.Errorf("got %v malformed events, want 0", got)
		}
	})
}

// unknownWithToken is an event of a type the SDK does not know, with a
// reply token the fake accepts.
func unknownWithToken(h *Harness, typ string, src linefake.Source) linefake.Event {
	return h.Events().UnknownEvent(typ, src, h.Now(), map[string]any{
		"replyToken": h.Fake.IssueReplyTokenFor(src.ChatID()),
		"message":    map[string]any{"id": "325709", "type": "text", "text": "แก้ไขแล้ว"},
	})
}

// withoutSource drops the source, as module-channel events have none.
func withoutSource(e linefake.Event) linefake.Event {
	delete(e, "source")
	return e
}

func TestMalformedEventIsSkippedAndCounted(t *testing.T) {
	h := NewHarness(t)
	a, b := userID(1), userID(2)
	good1 := h.Events().TextEvent(linefake.User(a), "เมนู", h.Now())
	good2 := h.Events().TextEvent(linefake.User(b), "เมนู", h.Now())
	bad := h.Events().TextEvent(linefake.User(userID(3)), "เมนู", h.Now())
	bad["message"] = 5 // a known type with a malformed field
	noType := h.Events().TextEvent(linefake.User(userID(4)), "เมนู", h.Now())
	delete(noType, "type")
	body, err := json.Marshal(map[string]any{
		"destination": linefake.DefaultDestination,
		"events":      []any{good1, bad, 42, noType, good2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.PostRaw(body, "X-Line-Signature", linefake.Sign(testSecret, body)); got != http.StatusOK {
		t.Fatalf("got status %d, want 200", got)
	}
	h.Step()
	for _, u := range []string{a, b} {
		if got := replies(h, u); got != 1 {
			t.Errorf("good event of %s: got %d replies, want 1", u, got)
		}
	}
	if got := h.Metric("sammachip_events_malformed_total", ""); got != 3 {
		t.Errorf("got %v malformed events counted, want 3", got)
	}
	if got := h.Waiting(); got != 0 {
		t.Errorf("inbox holds %d events, want 0", got)
	}
	if got := h.Count(flows.Tx.DeadLetters); got != 0 {
		t.Errorf("dead letters hold %d events, want 0 (malformed events are dropped, not retried)", got)
	}
}

func TestAcknowledgedEventsSurviveAStop(t *testing.T) {
	h := NewHarness(t) // the worker is not running: as if the process died after the 200s
	a, b := h.User(userID(1)), h.User(userID(2))
	events := []linefake.Event{
		h.Events().FollowEvent(a.Source(), h.Now()),
		h.Events().TextEvent(b.Source(), "เมนู", h.Now()),
		h.Events().TextEvent(a.Source(), "ช่วยเหลือ", h.Now().Add(time.Second)),
	}
	if got := h.Post(events[:2]...); got != http.StatusOK {
		t.Fatalf("got status %d, want 200", got)
	}
	if got := h.Post(events[2]); got != http.StatusOK {
		t.Fatalf("got status %d, want 200", got)
	}
	h.Stop()
	if got := len(h.SendAttempts()); got != 0 {
		t.Fatalf("the bot answered %d times before it was restarted, want 0", got)
	}
	db, err := storage.Open(h.DBPath, storage.Options{LockTimeout: time.Second})
	if err != nil {
		t.Fatalf("reopen the stopped bot's database: %v", err)
	}
	inbox := db.InboxWaiting() // read back from the inbox log's files
	_ = db.View(func(tx flows.Tx) error {
		return tx.Inbox().Each("", func(string, func(any) error) error { inbox++; return nil })
	})
	_ = db.Close()
	if inbox != len(events) {
		t.Fatalf("inbox holds %d events after the stop, want %d", inbox, len(events))
	}

	// The new process drains what the old one left, with its loops running.
	h.Start(WithLoops())
	h.Step()
	if got := replies(h, a.ID()); got != 2 {
		t.Errorf("user a: got %d replies, want 2", got)
	}
	if got := replies(h, b.ID()); got != 1 {
		t.Errorf("user b: got %d replies, want 1", got)
	}
	for _, e := range events {
		var mark struct{ At time.Time }
		if !h.Get(flows.Tx.Processed, e.ID(), &mark) {
			t.Errorf("the dedupe bucket has no entry for event %s", e.ID())
		}
	}

	// Once more: nothing is handled twice, and a late redelivery is dropped.
	h.Restart(WithoutLoops())
	h.Deliver(linefake.Redeliver(events[1]))
	if got := len(h.Fake.Sent(linefake.KindReply)); got != len(events) {
		t.Errorf("got %d replies in all, want %d", got, len(events))
	}
}

func TestUserEventsAreHandledInTimestampOrder(t *testing.T) {
	t.Run("follow then unfollow, delivered backwards", func(t *testing.T) {
		h := NewHarness(t)
		u := h.User(userID(1))
		follow := h.Events().FollowEvent(u.Source(), h.Now())
		unfollow := h.Events().UnfollowEvent(u.Source(), h.Now().Add(time.Second))
		h.Post(unfollow) // separate requests, the later event first
		h.Post(follow)
		h.Step()
		got, ok := stored(h, flows.Tx.Users, u.ID())
		if !ok {
			t.Fatal("no user record")
		}
		if got.Active {
			t.Errorf("got user active, want inactive: the unfollow came last")
		}
	})
	t.Run("two texts, delivered backwards", func(t *testing.T) {
		h := NewHarness(t)
		u := h.User(userID(2))
		first := h.Events().TextEvent(u.Source(), "ช่วยเหลือ", h.Now())
		second := h.Events().TextEvent(u.Source(), "ภาษา", h.Now().Add(time.Second))
		h.Post(second)
		h.Post(first)
		h.Step()
		want := []string{h.Text("core.help"), h.Text("conv.lang.choose")}
		if got := h.Fake.Texts(u.ID()); !slices.Equal(got, want) {
			t.Errorf("got answers %q, want %q", got, want)
		}
	})
}

// queuePush stores a push the way the scheduler does.
func queuePush(t *testing.T, h *Harness, rec bot.OutboxRecord) {
	t.Helper()
	if err := h.DB().Update(func(tx flows.Tx) error { return bot.QueuePush(tx, rec) }); err != nil {
		t.Fatal(err)
	}
}

func pushTo(h *Harness, to, text string) bot.OutboxRecord {
	msg, _ := json.Marshal(map[string]string{"type": "text", "text": text})
	return bot.OutboxRecord{Kind: bot.SendPush, Chat: to, To: []string{to}, Messages: []json.RawMessage{msg},
		RetryKey: uuid.NewString(), Purpose: "test", Created: h.Now()}
}

func TestSendRetries(t *testing.T) {
	t.Run("push: 500, then accepted", func(t *testing.T) {
		h := NewHarness(t)
		u := userID(1)
		rec := pushTo(h, u, "พรุ่งนี้อบรมวันที่ 1 ค่ะ")
		h.Fake.FailNext(1, http.StatusInternalServerError)
		queuePush(t, h, rec)
		h.Step()
		if got := len(h.Fake.Sent(linefake.KindPush)); got != 0 {
			t.Fatalf("got %d pushes accepted after a 500, want 0", got)
		}
		h.Advance(5 * time.Second) // past the backoff
		h.Step()
		if got := len(h.Fake.Sent(linefake.KindPush)); got != 1 {
			t.Errorf("got %d pushes accepted, want 1", got)
		}
		var keys []string
		for _, a := range h.SendAttempts() {
			keys = append(keys, a.RetryKey)
		}
		if want := []string{rec.RetryKey, rec.RetryKey}; !slices.Equal(keys, want) {
			t.Errorf("got attempts with retry keys %q, want %q", keys, want)
		}
		if got, _ := bot.PushesThisMonth(h.DB(), h.Now()); got != 1 {
			t.Errorf("got %d pushes counted this month, want 1", got)
		}
		if got := h.Metric("sammachip_sends_total", `kind="push",status="500"`); got != 1 {
			t.Errorf("got %v push attempts answered 500 in /metrics, want 1", got)
		}
	})

	t.Run("push: 409 for a retry key LINE already accepted", func(t *testing.T) {
		h := NewHarness(t)
		u := userID(2)
		rec := pushTo(h, u, "พรุ่งนี้อบรมวันที่ 2 ค่ะ")
		// An earlier attempt reached LINE, but its answer was lost.
		if got := pushDirect(t, h, rec); got != http.StatusOK {
			t.Fatalf("direct push: got %d, want 200", got)
		}
		queuePush(t, h, rec)
		h.Step()
		h.Advance(time.Hour)
		h.Step()
		var bot409 int
		for _, a := range h.SendAttempts()[1:] {
			if a.RetryKey != rec.RetryKey {
				t.Errorf("got retry key %q, want %q", a.RetryKey, rec.RetryKey)
			}
			if a.Status == http.StatusConflict {
				bot409++
			}
		}
		if got := len(h.SendAttempts()) - 1; got != 1 || bot409 != 1 {
			t.Errorf("the bot made %d attempts (%d answered 409), want 1 answered 409", got, bot409)
		}
		if got := len(h.Fake.Sent(linefake.KindPush)); got != 1 {
			t.Errorf("got %d pushes delivered, want 1", got)
		}
		if got := h.Count(flows.Tx.Outbox) + h.Count(flows.Tx.SendFailed); got != 0 {
			t.Errorf("got %d records left in outbox or send-failed, want 0 (a 409 is sent)", got)
		}
		if got, _ := bot.PushesThisMonth(h.DB(), h.Now()); got != 1 {
			t.Errorf("got %d pushes counted, want 1", got)
		}
		h.AllowRejections("retry key already accepted")
	})

	t.Run("reply: 500, then accepted within the token's minute", func(t *testing.T) {
		h := NewHarness(t)
		u := h.User(userID(3))
		h.Fake.FailNext(1, http.StatusInternalServerError)
		if got := u.Say("เมนู"); len(got.Texts) != 0 {
			t.Fatalf("got %q before the retry, want nothing", got.Texts)
		}
		h.Advance(5 * time.Second)
		h.Step()
		if got := replies(h, u.ID()); got != 1 {
			t.Errorf("got %d replies, want 1", got)
		}
		if got := len(h.SendAttempts()); got != 2 {
			t.Errorf("got %d attempts, want 2", got)
		}
	})

	t.Run("reply: a later answer waits behind a failed one", func(t *testing.T) {
		h := NewHarness(t)
		u := h.User(userID(9))
		h.Fake.FailNext(1, http.StatusInternalServerError)
		u.Say("เมนู")
		if got := u.Say("ช่วยเหลือ"); len(got.Texts) != 0 {
			t.Fatalf("got %q while the first answer waits for its retry, want nothing yet", got.Texts)
		}
		h.Advance(5 * time.Second)
		h.Step()
		want := []string{h.Text("core.menu.prompt"), h.Text("core.help")}
		if got := h.Fake.Texts(u.ID()); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q in the order asked", got, want)
		}
	})

	t.Run("reply: 500, and the token's minute passes", func(t *testing.T) {
		h := NewHarness(t)
		u := h.User(userID(4))
		h.Fake.FailNext(1, http.StatusInternalServerError)
		u.Say("เมนู")
		h.Advance(2 * time.Minute)
		h.Step()
		if got := replies(h, u.ID()); got != 0 {
			t.Errorf("got %d replies, want 0", got)
		}
		if got := len(h.SendAttempts()); got != 1 {
			t.Errorf("got %d attempts, want 1 (a dead token is not tried)", got)
		}
		if got := h.Count(flows.Tx.Outbox); got != 0 {
			t.Errorf("outbox holds %d records, want 0", got)
		}
	})

	t.Run("pushes are counted per recipient and month", func(t *testing.T) {
		h := NewHarness(t)
		g := groupID(5)
		h.Fake.SetGroupMembers(g, 5)
		grp := pushTo(h, g, "สรุปประจำวันค่ะ")
		grp.Recipients = 5
		queuePush(t, h, grp)
		queuePush(t, h, pushTo(h, userID(6), "แจ้งเตือนค่ะ"))
		h.Step()
		march := h.Now()
		if got, _ := bot.PushesThisMonth(h.DB(), march); got != 6 {
			t.Errorf("March: got %d counted, want 6", got)
		}
		h.Clock.Set(time.Date(2026, 4, 1, 8, 0, 0, 0, bangkok))
		queuePush(t, h, pushTo(h, userID(6), "แจ้งเตือนเดือนเมษายนค่ะ"))
		h.Step()
		if got, _ := bot.PushesThisMonth(h.DB(), h.Now()); got != 1 {
			t.Errorf("April: got %d counted, want 1", got)
		}
		if got, _ := bot.PushesThisMonth(h.DB(), march); got != 6 {
			t.Errorf("March after April's push: got %d counted, want 6", got)
		}
		if got := h.Fake.Usage(); got != 1 {
			t.Errorf("the fake counted %d for April, want 1", got)
		}
	})
}

// pushDirect sends rec to the fake LINE as the bot would, bypassing it.
func pushDirect(t *testing.T, h *Harness, rec bot.OutboxRecord) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"to": rec.To[0], "messages": rec.Messages})
	req, _ := http.NewRequest(http.MethodPost, h.lineURL+"/v2/bot/message/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("X-Line-Retry-Key", rec.RetryKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	return res.StatusCode
}

func TestCloseFinishesInFlightWork(t *testing.T) {
	h := NewHarness(t, WithLoops())
	u := h.User(userID(1))
	sent, cancel := h.Fake.Subscribe()
	defer cancel()
	// LINE takes the reply, then is slow to answer: Close must wait for it.
	h.Fake.HangNextAfterAccepting(1, 300*time.Millisecond)
	if got := h.Post(h.Events().FollowEvent(u.Source(), h.Now())); got != http.StatusOK {
		t.Fatalf("got status %d, want 200", got)
	}
	timeout := time.After(20 * time.Second)
	for replied := false; !replied; {
		select {
		case r := <-sent:
			replied = r.Kind == linefake.KindReply // (the profile look-up comes first)
		case <-timeout:
			t.Fatal("the bot did not reply")
		}
	}
	h.Stop() // the reply's answer is still on its way

	db, err := storage.Open(h.DBPath, storage.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("reopen right after Close: %v", err)
	}
	defer db.Close()
	var outbox int
	inbox := db.InboxWaiting()
	_ = db.View(func(tx flows.Tx) error {
		_ = tx.Outbox().Each("", func(string, func(any) error) error { outbox++; return nil })
		return tx.Inbox().Each("", func(string, func(any) error) error { inbox++; return nil })
	})
	if outbox != 0 || inbox != 0 {
		t.Errorf("after Close: inbox %d, outbox %d records, want 0 and 0 (the reply in flight was finished and recorded)", inbox, outbox)
	}
	if got := replies(h, u.ID()); got != 1 {
		t.Errorf("got %d replies, want 1", got)
	}
}

func TestPersonaConversation(t *testing.T) {
	modes := []struct {
		name string
		opt  Option
	}{
		{"stepped", WithoutLoops()},
		{"with loops running", WithLoops()},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) { personaConversation(t, NewHarness(t, m.opt)) })
	}
}

func personaConversation(t *testing.T, h *Harness) {
	somchai := h.User(userID(1))

	got := somchai.Follow()
	if want := []string{h.Text("core.welcome"), h.Text("core.menu.prompt")}; !slices.Equal(got.Texts, want) {
		t.Fatalf("follow: got %q, want %q", got.Texts, want)
	}
	if len(got.Buttons) == 0 || !got.Buttons[0].Quick {
		t.Fatalf("follow: got buttons %+v, want the main menu as quick replies", got.Buttons)
	}

	got = somchai.TapLabel(h.Text("core.menu.language"))
	if want := []string{h.Text("conv.lang.choose")}; !slices.Equal(got.Texts, want) {
		t.Fatalf("language: got %q, want %q", got.Texts, want)
	}
	got = somchai.TapLabel(h.Text("core.lang.en"))
	if want := []string{h.TextIn(locales.English, "conv.lang.set")}; !slices.Equal(got.Texts, want) {
		t.Fatalf("English: got %q, want %q", got.Texts, want)
	}

	h.Restart() // the choice is stored, not held in memory
	got = somchai.Say("menu")
	if want := []string{h.TextIn(locales.English, "core.menu.prompt")}; !slices.Equal(got.Texts, want) {
		t.Errorf("after restart: got %q, want %q", got.Texts, want)
	}

	office := h.Group(groupID(2), userID(3))
	if got := office.Join(); !slices.Equal(got.Texts, []string{h.Text("core.group.greeting")}) {
		t.Errorf("join: got %q, want the greeting", got.Texts)
	}
	if got := office.Say("ประชุมพรุ่งนี้นะคะ"); len(got.Texts) != 0 {
		t.Errorf("group chatter: got %q, want no answer", got.Texts)
	}
	if got := h.Group(groupID(2), "").Say("สวัสดีค่ะ"); len(got.Texts) != 0 {
		t.Errorf("member without userId: got %q, want no answer", got.Texts)
	}
}

func TestHealthz(t *testing.T) {
	h := NewHarness(t)
	res, err := http.Get(h.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("got status %d, want 200", res.StatusCode)
	}
}
