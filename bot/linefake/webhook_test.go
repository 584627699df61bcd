package linefake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"
)

func TestSignDocumentedVector(t *testing.T) {
	const (
		secret = "8c570fa6dd201bb328f1c1eac23a96d8"
		body   = `{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}`
		want   = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs="
	)
	if got := Sign(secret, []byte(body)); got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
	// The verification payload Webhook builds is byte-for-byte LINE's.
	payload, err := Webhook{Secret: secret}.Payload()
	if err != nil {
		t.Fatal(err)
	}
	if string(payload) != body {
		t.Errorf("Payload() = %s, want %s", payload, body)
	}
}

var ulidRE = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

func TestULID(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	seen := map[string]bool{}
	for range 10000 {
		id := newULID(ts)
		if !ulidRE.MatchString(id) {
			t.Fatalf("ULID %q is not 26 Crockford base32 characters", id)
		}
		if seen[id] {
			t.Fatalf("duplicate ULID %q", id)
		}
		seen[id] = true
	}
	// The first 10 characters encode the time, so later ids sort later.
	a, b := newULID(ts), newULID(ts.Add(time.Millisecond))
	if a[:10] >= b[:10] {
		t.Errorf("time prefix %q !< %q", a[:10], b[:10])
	}
	// The ULID spec's example: time 1469918176385 encodes as 01ARYZ6S41.
	if got := newULID(time.UnixMilli(1469918176385))[:10]; got != "01ARYZ6S41" {
		t.Errorf("time prefix = %q, want 01ARYZ6S41", got)
	}
}

// sdkReceiver is a webhook endpoint that parses with the SDK, as the bot does.
func sdkReceiver(t *testing.T, secret string) (string, <-chan *webhook.CallbackRequest, <-chan error) {
	t.Helper()
	got := make(chan *webhook.CallbackRequest, 10)
	errs := make(chan error, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/json" {
			errs <- errors.New("content type " + r.Header.Get("Content-Type"))
		}
		cb, err := webhook.ParseRequest(secret, r)
		if err != nil {
			errs <- err
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got <- cb
	}))
	t.Cleanup(srv.Close)
	return srv.URL, got, errs
}

func receive(t *testing.T, got <-chan *webhook.CallbackRequest, errs <-chan error) *webhook.CallbackRequest {
	t.Helper()
	select {
	case cb := <-got:
		return cb
	case err := <-errs:
		t.Fatalf("SDK rejected the webhook: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook received")
	}
	return nil
}

func TestEventsParseWithSDK(t *testing.T) {
	const secret = "channel-secret"
	url, got, errs := sdkReceiver(t, secret)
	wh := Webhook{URL: url, Secret: secret}
	ev := Events{}
	ts := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

	events := []Event{
		ev.TextEvent(User("Ualice"), "สวัสดี", ts),
		ev.PostbackEvent(Group("Cg", "Ualice"), "action=visit&id=3", map[string]string{"date": "2026-03-01"}, ts),
		ev.FollowEvent(User("Ubob"), ts),
		ev.UnfollowEvent(User("Ubob"), ts),
		ev.JoinEvent("Cg", ts),
		ev.LeaveEvent("Rroom", ts),
		ev.MemberJoinedEvent("Cg", ts, "Ua", "Ub"),
		ev.MemberLeftEvent("Cg", ts, "Ua"),
		ev.StickerEvent(Group("Cg", ""), "446", "1988", ts),
		ev.ImageEvent(Room("Rroom", "Ua"), ts),
		ev.LocationEvent(User("Ua"), "Clinic", "Village 3", 13.75, 100.5, ts),
		ev.FileEvent(User("Ua"), "report.pdf", 2048, ts),
		ev.UnknownEvent("messageEdited", User("Ua"), ts, map[string]any{"edited": true}),
		WithoutID(ev.TextEvent(User("Ua"), "old payload", ts)),
	}
	res, err := wh.Post(context.Background(), events...)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cb := receive(t, got, errs)
	if cb.Destination != DefaultDestination || len(cb.Events) != len(events) {
		t.Fatalf("destination %q, %d events", cb.Destination, len(cb.Events))
	}

	msg, ok := cb.Events[0].(webhook.MessageEvent)
	if !ok {
		t.Fatalf("event 0 is %T, want webhook.MessageEvent", cb.Events[0])
	}
	if txt, ok := msg.Message.(webhook.TextMessageContent); !ok || txt.Text != "สวัสดี" || txt.Id == "" || txt.QuoteToken == "" {
		t.Errorf("text content = %#v", msg.Message)
	}
	if src, ok := msg.Source.(webhook.UserSource); !ok || src.UserId != "Ualice" {
		t.Errorf("source = %#v", msg.Source)
	}
	if msg.ReplyToken != events[0].ReplyToken() || msg.WebhookEventId != events[0].ID() || msg.Timestamp != ts.UnixMilli() {
		t.Errorf("reply token / id / timestamp differ: %+v", msg)
	}
	if msg.DeliveryContext == nil || msg.DeliveryContext.IsRedelivery || msg.Mode != webhook.EventMode_ACTIVE {
		t.Errorf("deliveryContext %+v mode %q", msg.DeliveryContext, msg.Mode)
	}

	pb, ok := cb.Events[1].(webhook.PostbackEvent)
	if !ok || pb.Postback.Data != "action=visit&id=3" || pb.Postback.Params["date"] != "2026-03-01" {
		t.Errorf("postback event = %#v", cb.Events[1])
	}
	if src, ok := pb.Source.(webhook.GroupSource); !ok || src.GroupId != "Cg" || src.UserId != "Ualice" {
		t.Errorf("postback source = %#v", pb.Source)
	}
	if f, ok := cb.Events[2].(webhook.FollowEvent); !ok || f.ReplyToken == "" || f.Follow == nil {
		t.Errorf("follow event = %#v", cb.Events[2])
	}
	if _, ok := cb.Events[3].(webhook.UnfollowEvent); !ok {
		t.Errorf("event 3 is %T", cb.Events[3])
	}
	if j, ok := cb.Events[4].(webhook.JoinEvent); !ok || j.ReplyToken == "" {
		t.Errorf("join event = %#v", cb.Events[4])
	}
	if l, ok := cb.Events[5].(webhook.LeaveEvent); !ok {
		t.Errorf("event 5 is %T", cb.Events[5])
	} else if src, ok := l.Source.(webhook.RoomSource); !ok || src.RoomId != "Rroom" {
		t.Errorf("leave source = %#v", l.Source)
	}
	if mj, ok := cb.Events[6].(webhook.MemberJoinedEvent); !ok || mj.Joined == nil || len(mj.Joined.Members) != 2 || mj.Joined.Members[1].UserId != "Ub" {
		t.Errorf("memberJoined = %#v", cb.Events[6])
	}
	if ml, ok := cb.Events[7].(webhook.MemberLeftEvent); !ok || ml.Left == nil || len(ml.Left.Members) != 1 {
		t.Errorf("memberLeft = %#v", cb.Events[7])
	}
	st := cb.Events[8].(webhook.MessageEvent)
	if c, ok := st.Message.(webhook.StickerMessageContent); !ok || c.StickerId != "1988" {
		t.Errorf("sticker = %#v", st.Message)
	}
	if src, ok := st.Source.(webhook.GroupSource); !ok || src.UserId != "" {
		t.Errorf("group source without user = %#v", st.Source)
	}
	if c, ok := cb.Events[9].(webhook.MessageEvent).Message.(webhook.ImageMessageContent); !ok || c.ContentProvider == nil || c.ContentProvider.Type != "line" {
		t.Errorf("image = %#v", cb.Events[9])
	}
	if c, ok := cb.Events[10].(webhook.MessageEvent).Message.(webhook.LocationMessageContent); !ok || c.Latitude != 13.75 || c.Title != "Clinic" {
		t.Errorf("location = %#v", cb.Events[10])
	}
	if c, ok := cb.Events[11].(webhook.MessageEvent).Message.(webhook.FileMessageContent); !ok || c.FileName != "report.pdf" || c.FileSize != 2048 {
		t.Errorf("file = %#v", cb.Events[11])
	}
	if u, ok := cb.Events[12].(webhook.UnknownEvent); !ok || u.Type != "messageEdited" {
		t.Errorf("unknown = %#v", cb.Events[12])
	}
	if old, ok := cb.Events[13].(webhook.MessageEvent); !ok || old.WebhookEventId != "" {
		t.Errorf("event without id = %#v", cb.Events[13])
	}
}

func TestWebhookSignatureAndVerification(t *testing.T) {
	url, got, errs := sdkReceiver(t, "right")

	res, err := Webhook{URL: url, Secret: "wrong"}.Post(context.Background(), Events{}.TextEvent(User("U1"), "x", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	select {
	case err := <-errs:
		if !errors.Is(err, webhook.ErrInvalidSignature) {
			t.Errorf("err = %v, want ErrInvalidSignature", err)
		}
	case <-got:
		t.Fatal("SDK accepted a body signed with the wrong secret")
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook received")
	}

	// The URL verification request: no events.
	res, err = Webhook{URL: url, Secret: "right"}.Post(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cb := receive(t, got, errs); len(cb.Events) != 0 {
		t.Errorf("events = %d, want 0", len(cb.Events))
	}

	// PostRaw sends exactly the given bytes.
	res, err = Webhook{URL: url, Secret: "right"}.PostRaw(context.Background(), []byte(`{"destination":"Uabc","events":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if cb := receive(t, got, errs); cb.Destination != "Uabc" {
		t.Errorf("destination = %q", cb.Destination)
	}
}

func TestEventWithoutTypeFailsSDK(t *testing.T) {
	url, got, errs := sdkReceiver(t, "s")
	res, err := Webhook{URL: url, Secret: "s"}.Post(context.Background(), Events{}.UnknownEvent("", User("U1"), time.Now(), nil))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	select {
	case <-errs:
	case cb := <-got:
		t.Errorf("SDK accepted an event without type: %+v", cb.Events)
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook received")
	}
}

func TestRedeliverAndWithoutID(t *testing.T) {
	e := Events{}.TextEvent(User("U1"), "hi", time.Now())
	r := Redeliver(e)
	if r.ID() != e.ID() || r.ReplyToken() != e.ReplyToken() || r.ID() == "" {
		t.Errorf("redelivery changed id or token")
	}
	if dc := r["deliveryContext"].(map[string]any); dc["isRedelivery"] != true {
		t.Errorf("redelivery deliveryContext = %v", dc)
	}
	if dc := e["deliveryContext"].(map[string]any); dc["isRedelivery"] != false {
		t.Errorf("Redeliver changed the original: %v", dc)
	}
	w := WithoutID(e)
	if _, has := w["webhookEventId"]; has || e.ID() == "" {
		t.Error("WithoutID kept the id or dropped it from the original")
	}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	_ = json.Unmarshal(b, &back)
	if _, has := back["webhookEventId"]; has {
		t.Error("webhookEventId still in JSON")
	}
}

func TestEventsIDsAreUnique(t *testing.T) {
	ev := Events{}
	ts := time.Now()
	ids := map[string]bool{}
	for range 1000 {
		e := ev.TextEvent(User("U1"), "x", ts)
		if ids[e.ID()] {
			t.Fatal("duplicate webhookEventId")
		}
		ids[e.ID()] = true
	}
}

// TestServerEventsRegisterReplyTokens: a reply to a server-built event is
// accepted and shows up in Texts for that chat; a token from Events{} is not.
func TestServerEventsRegisterReplyTokens(t *testing.T) {
	clock := newClock()
	s, url := start(t, WithClock(clock.Now))
	reply := func(tok, txt string) int {
		return doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text(txt)}}).status
	}
	ev := s.Events()
	ts := clock.Now()

	if got := reply(ev.TextEvent(Group("Cg", "Ua"), "hi", ts).ReplyToken(), "to group"); got != 200 {
		t.Errorf("reply to group event: %d", got)
	}
	if got := reply(ev.FollowEvent(User("Ub"), ts).ReplyToken(), "welcome"); got != 200 {
		t.Errorf("reply to follow: %d", got)
	}
	if got := reply(ev.JoinEvent("Rroom", ts).ReplyToken(), "hello room"); got != 200 {
		t.Errorf("reply to join: %d", got)
	}
	if got := reply(Events{}.TextEvent(User("Ua"), "x", ts).ReplyToken(), "x"); got != 400 {
		t.Errorf("reply with an unregistered token: %d, want 400", got)
	}
	redelivered := Redeliver(ev.PostbackEvent(User("Uc"), "d", nil, ts))
	clock.Advance(2 * time.Minute)
	if got := reply(redelivered.ReplyToken(), "late"); got != 400 {
		t.Errorf("reply after 2 minutes: %d, want 400", got)
	}
	if ev.UnfollowEvent(User("Ub"), ts).ReplyToken() != "" || ev.LeaveEvent("Cg", ts).ReplyToken() != "" {
		t.Error("unfollow/leave events carry a reply token")
	}

	for chat, want := range map[string][]string{"Cg": {"to group"}, "Ub": {"welcome"}, "Rroom": {"hello room"}, "Ua": nil} {
		if got := s.Texts(chat); !slices.Equal(got, want) {
			t.Errorf("Texts(%s) = %q, want %q", chat, got, want)
		}
	}
}

func TestWebhookClientAndContext(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		<-block
	}))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := Webhook{URL: srv.URL, Secret: "s", Client: &http.Client{}}.Post(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want deadline exceeded", err)
	}
}
