package linefake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

const key1 = "123e4567-e89b-12d3-a456-426614174000"

func TestReplyTokens(t *testing.T) {
	clock := newClock()
	s, url := start(t, WithClock(clock.Now))
	reply := func(tok string) result {
		return doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text("hi")}})
	}

	t.Run("issued token works once", func(t *testing.T) {
		tok := s.IssueReplyTokenFor("Ualice")
		if res := reply(tok); res.status != http.StatusOK {
			t.Fatalf("first reply: status = %d, want 200; %s", res.status, res.body)
		}
		res := reply(tok)
		if res.status != http.StatusBadRequest || res.errBody(t).Message != "Invalid reply token" {
			t.Fatalf("reused token: got %d %s, want 400 Invalid reply token", res.status, res.body)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		res := reply("0123456789abcdef0123456789abcdef")
		if res.status != http.StatusBadRequest || res.errBody(t).Message != "Invalid reply token" {
			t.Fatalf("got %d %s, want 400 Invalid reply token", res.status, res.body)
		}
	})
	t.Run("missing token", func(t *testing.T) {
		if res := reply(""); res.status != http.StatusBadRequest {
			t.Fatalf("status = %d, want 400", res.status)
		}
	})
	t.Run("token valid for one minute", func(t *testing.T) {
		tok := s.IssueReplyToken()
		clock.Advance(ReplyTokenTTL)
		if res := reply(tok); res.status != http.StatusOK {
			t.Fatalf("at exactly 1 minute: status = %d, want 200", res.status)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		tok := s.IssueReplyToken()
		clock.Advance(ReplyTokenTTL + time.Second)
		res := reply(tok)
		if res.status != http.StatusBadRequest || res.errBody(t).Message != "Invalid reply token" {
			t.Fatalf("got %d %s, want 400 Invalid reply token", res.status, res.body)
		}
	})
	t.Run("invalid message does not use the token", func(t *testing.T) {
		tok := s.IssueReplyToken()
		res := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text("")}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("status = %d, want 400", res.status)
		}
		if res := reply(tok); res.status != http.StatusOK {
			t.Fatalf("retry with a valid message: status = %d, want 200", res.status)
		}
	})
	t.Run("reply answer has sentMessages", func(t *testing.T) {
		res := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": s.IssueReplyToken(), "messages": manyTexts(3)})
		var got sentMessages
		if err := json.Unmarshal(res.body, &got); err != nil || len(got.SentMessages) != 3 || got.SentMessages[0].ID == "" {
			t.Fatalf("body %s: want 3 sent messages with ids (err %v)", res.body, err)
		}
	})
	if got := s.Texts("Ualice"); !slices.Equal(got, []string{"hi"}) {
		t.Errorf("Texts(Ualice) = %q, want [hi]", got)
	}
}

func TestPushAndMulticastTargets(t *testing.T) {
	s, url := start(t)
	ids := func(n int, prefix string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%032x", prefix, i)
		}
		return out
	}
	multicast := func(to []string) result {
		return doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": to, "messages": []any{text("hi")}})
	}
	tests := []struct {
		name string
		do   func() result
		want int
	}{
		{"push to user", func() result { return push(t, url, "Ualice", text("x")) }, 200},
		{"push to group", func() result { return push(t, url, "Cgroup", text("x")) }, 200},
		{"push to room", func() result { return push(t, url, "Rroom", text("x")) }, 200},
		{"push without to", func() result { return push(t, url, "", text("x")) }, 400},
		{"push to a non-id", func() result { return push(t, url, "alice", text("x")) }, 400},
		{"multicast 500", func() result { return multicast(ids(500, "U")) }, 200},
		{"multicast 501", func() result { return multicast(ids(501, "U")) }, 400},
		{"multicast none", func() result { return multicast([]string{}) }, 400},
		{"multicast to a group", func() result { return multicast([]string{"Ualice", "Cgroup"}) }, 400},
		{"multicast to a room", func() result { return multicast([]string{"Rroom"}) }, 400},
		{"aggregation unit ok", func() result {
			return doReq(t, "POST", url+"/v2/bot/message/push", m{"to": "U1", "messages": []any{text("x")}, "customAggregationUnits": []string{"daily_report"}})
		}, 200},
		{"aggregation unit bad", func() result {
			return doReq(t, "POST", url+"/v2/bot/message/push", m{"to": "U1", "messages": []any{text("x")}, "customAggregationUnits": []string{"daily report"}})
		}, 400},
		{"wrong JSON type", func() result {
			return doReq(t, "POST", url+"/v2/bot/message/push", m{"to": 5, "messages": []any{text("x")}})
		}, 400},
		{"broken JSON", func() result { return doReq(t, "POST", url+"/v2/bot/message/push", []byte(`{"to":`)) }, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if res := tt.do(); res.status != tt.want {
				t.Errorf("status = %d, want %d; body %s", res.status, tt.want, res.body)
			}
		})
	}
	mc := s.Sent(KindMulticast)
	if len(mc) != 1 || len(mc[0].To) != 500 {
		t.Errorf("multicasts recorded: %d, want 1 with 500 recipients", len(mc))
	}
}

func TestRetryKey(t *testing.T) {
	clock := newClock()
	s, url := start(t, WithClock(clock.Now))
	pushKey := func(key string) result {
		return doReq(t, "POST", url+"/v2/bot/message/push", m{"to": "Ualice", "messages": []any{text("once")}}, "X-Line-Retry-Key", key)
	}

	first := pushKey(key1)
	if first.status != http.StatusOK {
		t.Fatalf("first push: status = %d, want 200", first.status)
	}
	firstID := first.header.Get("X-Line-Request-Id")
	if firstID == "" {
		t.Fatal("first push: no X-Line-Request-Id")
	}

	again := pushKey(key1)
	if again.status != http.StatusConflict {
		t.Fatalf("repeated key: status = %d, want 409", again.status)
	}
	if got := again.header.Get("X-Line-Accepted-Request-Id"); got != firstID {
		t.Errorf("X-Line-Accepted-Request-Id = %q, want %q", got, firstID)
	}
	// The same key on multicast is the same key.
	res := doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": []string{"Ualice"}, "messages": []any{text("once")}}, "X-Line-Retry-Key", strings.ToUpper(key1))
	if res.status != http.StatusConflict {
		t.Errorf("same key on multicast: status = %d, want 409", res.status)
	}
	if got := s.Texts("Ualice"); !slices.Equal(got, []string{"once"}) {
		t.Errorf("Texts = %q, want the message once", got)
	}
	sent := s.Sent(KindPush)
	if len(sent) != 1 || sent[0].ID != firstID || sent[0].RetryKey != key1 {
		t.Errorf("recorded pushes = %+v, want one with id %s and the key", sent, firstID)
	}

	if res := pushKey("not-a-uuid"); res.status != http.StatusBadRequest {
		t.Errorf("non-UUID key: status = %d, want 400", res.status)
	}
	if res := pushKey(""); res.status != http.StatusOK {
		t.Errorf("empty key (the SDK's default): status = %d, want 200", res.status)
	}

	clock.Advance(RetryKeyTTL)
	if res := pushKey(key1); res.status != http.StatusOK {
		t.Errorf("key after 24h: status = %d, want 200", res.status)
	}
}

func TestRetryKeyConcurrent(t *testing.T) {
	s, url := start(t)
	var wg sync.WaitGroup
	statuses := make([]int, 20)
	for i := range statuses {
		wg.Go(func() {
			res := doReq(t, "POST", url+"/v2/bot/message/push", m{"to": "U1", "messages": []any{text("x")}}, "X-Line-Retry-Key", key1)
			statuses[i] = res.status
		})
	}
	wg.Wait()
	okCount := 0
	for _, st := range statuses {
		if st == http.StatusOK {
			okCount++
		} else if st != http.StatusConflict {
			t.Errorf("status %d, want 200 or 409", st)
		}
	}
	if okCount != 1 || len(s.Sent(KindPush)) != 1 {
		t.Errorf("accepted %d (recorded %d), want exactly 1", okCount, len(s.Sent(KindPush)))
	}
}

func TestFailNext(t *testing.T) {
	s, url := start(t)
	s.FailNext(2, http.StatusInternalServerError)
	s.FailNext(1, http.StatusTooManyRequests)
	tok := s.IssueReplyToken()

	want := []int{500, 500, 429, 200}
	for i, w := range want {
		res := push(t, url, "U1", text("x"))
		if res.status != w {
			t.Errorf("call %d: status = %d, want %d", i, res.status, w)
		}
		if w != 200 && res.errBody(t).Message == "" {
			t.Errorf("call %d: error body without message: %s", i, res.body)
		}
	}
	if n := len(s.Sent(KindPush)); n != 1 {
		t.Errorf("recorded %d pushes, want 1", n)
	}
	if n := len(s.Rejected()); n != 3 {
		t.Errorf("recorded %d rejections, want 3", n)
	}
	// Faults apply to sending calls only, and a failed reply keeps its token.
	s.FailNext(1, http.StatusInternalServerError)
	if res := doReq(t, "GET", url+"/v2/bot/message/quota", nil); res.status != 200 {
		t.Errorf("quota during a pending fault: status = %d, want 200", res.status)
	}
	res := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text("x")}})
	if res.status != 500 {
		t.Errorf("reply: status = %d, want the injected 500", res.status)
	}
	res = doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text("x")}})
	if res.status != 200 {
		t.Errorf("reply retry: status = %d, want 200 (token unused by the failure)", res.status)
	}
}

// FailWhen fails the calls its function picks, by kind and injected time:
// replies during an outage fail, pushes go through, and the outage ends on
// the clock.
func TestFailWhen(t *testing.T) {
	clk := newClock()
	s, url := start(t, WithClock(clk.Now))
	until := clk.Now().Add(40 * time.Second)
	s.FailWhen(func(kind string, at time.Time) int {
		if kind == KindReply && at.Before(until) {
			return http.StatusInternalServerError
		}
		return 0
	})
	tok := s.IssueReplyToken()
	reply := func() int {
		return doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text("x")}}).status
	}
	if got := reply(); got != 500 {
		t.Errorf("reply in the outage: status = %d, want 500", got)
	}
	if got := push(t, url, "U1", text("x")).status; got != 200 {
		t.Errorf("push in a reply outage: status = %d, want 200", got)
	}
	clk.Advance(39 * time.Second)
	if got := reply(); got != 500 {
		t.Errorf("reply at 39 s: status = %d, want 500", got)
	}
	clk.Advance(time.Second)
	if got := reply(); got != 200 {
		t.Errorf("reply at 40 s: status = %d, want 200 (the token unused by the failures)", got)
	}
	if n := len(s.Rejected()); n != 2 {
		t.Errorf("recorded %d rejections, want 2", n)
	}
}

func TestHangNext(t *testing.T) {
	s, url := start(t)
	s.HangNext(1, 5*time.Second)
	client := &http.Client{Timeout: 100 * time.Millisecond}
	body, _ := json.Marshal(m{"to": "U1", "messages": []any{text("x")}})
	req, _ := http.NewRequest("POST", url+"/v2/bot/message/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Retry-Key", key1)
	if res, err := client.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("hung call returned %d, want a client timeout", res.StatusCode)
	}
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("hung call was recorded (%d requests), want not processed", n)
	}
	// Not processed, so the retry with the same key is a first delivery.
	res := doReq(t, "POST", url+"/v2/bot/message/push", m{"to": "U1", "messages": []any{text("x")}}, "X-Line-Retry-Key", key1)
	if res.status != http.StatusOK {
		t.Fatalf("retry: status = %d, want 200", res.status)
	}
	if got := s.Texts("U1"); len(got) != 1 {
		t.Errorf("Texts = %q, want one message", got)
	}
}

func TestHangNextAfterAccepting(t *testing.T) {
	s, url := start(t)
	s.HangNextAfterAccepting(1, 5*time.Second)
	client := &http.Client{Timeout: 100 * time.Millisecond}

	body, _ := json.Marshal(m{"to": "U1", "messages": []any{text("only once")}})
	req, _ := http.NewRequest("POST", url+"/v2/bot/message/push", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Retry-Key", key1)
	start := time.Now()
	if res, err := client.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("hung call returned %d, want a client timeout", res.StatusCode)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("client waited %v", d)
	}
	sent := s.Sent(KindPush)
	if len(sent) != 1 {
		t.Fatalf("recorded %d pushes, want 1 (accepted before the hang)", len(sent))
	}

	// The client retries with the same key: LINE says it already has it.
	res := doReq(t, "POST", url+"/v2/bot/message/push", m{"to": "U1", "messages": []any{text("only once")}}, "X-Line-Retry-Key", key1)
	if res.status != http.StatusConflict {
		t.Fatalf("retry: status = %d, want 409", res.status)
	}
	if got := res.header.Get("X-Line-Accepted-Request-Id"); got != sent[0].ID {
		t.Errorf("X-Line-Accepted-Request-Id = %q, want %q", got, sent[0].ID)
	}
	if got := s.Texts("U1"); !slices.Equal(got, []string{"only once"}) {
		t.Errorf("Texts = %q, want the message once", got)
	}
}

func TestQuota(t *testing.T) {
	clock := newClock()
	s, url := start(t, WithClock(clock.Now), WithQuota(10))
	s.SetGroupMembers("Cvillage", 5)

	getJSON := func(path string, v any) {
		t.Helper()
		res := doReq(t, "GET", url+path, nil)
		if res.status != 200 {
			t.Fatalf("GET %s: status = %d", path, res.status)
		}
		if err := json.Unmarshal(res.body, v); err != nil {
			t.Fatal(err)
		}
	}
	var q struct {
		Type  string `json:"type"`
		Value int64  `json:"value"`
	}
	getJSON("/v2/bot/message/quota", &q)
	if q.Type != "limited" || q.Value != 10 {
		t.Errorf("quota = %+v, want limited 10", q)
	}

	steps := []struct {
		name      string
		do        func() result
		wantUsage int64
	}{
		{"push with 4 messages to a user counts 1", func() result { return push(t, url, "Ualice", text("a"), text("b"), text("c"), text("d")) }, 1},
		{"push to a 5-member group counts 5", func() result { return push(t, url, "Cvillage", text("a"), text("b")) }, 6},
		{"push to an unknown group counts 1", func() result { return push(t, url, "Cother", text("a")) }, 7},
		{"multicast to 2 users counts 2", func() result {
			return doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": []string{"Ua", "Ub"}, "messages": manyTexts(3)})
		}, 9},
		{"reply is free", func() result {
			return doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": s.IssueReplyToken(), "messages": manyTexts(5)})
		}, 9},
	}
	for _, st := range steps {
		if res := st.do(); res.status != 200 {
			t.Fatalf("%s: status = %d; %s", st.name, res.status, res.body)
		}
		var c struct {
			TotalUsage int64 `json:"totalUsage"`
		}
		getJSON("/v2/bot/message/quota/consumption", &c)
		if c.TotalUsage != st.wantUsage {
			t.Errorf("%s: totalUsage = %d, want %d", st.name, c.TotalUsage, st.wantUsage)
		}
	}

	res := doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": []string{"Ua", "Ub"}, "messages": manyTexts(1)})
	if res.status != http.StatusTooManyRequests || res.errBody(t).Message != "You have reached your monthly limit." {
		t.Errorf("over quota: got %d %s, want 429 monthly limit", res.status, res.body)
	}
	if res := push(t, url, "Cvillage", text("x")); res.status != http.StatusTooManyRequests {
		t.Errorf("group push over quota: status = %d, want 429", res.status)
	}
	if res := push(t, url, "Ualice", text("last")); res.status != 200 {
		t.Errorf("push that fits exactly: status = %d, want 200", res.status)
	}
	if res := push(t, url, "Ualice", text("x")); res.status != http.StatusTooManyRequests {
		t.Errorf("push at the limit: status = %d, want 429", res.status)
	}
	if got := s.Usage(); got != 10 {
		t.Errorf("Usage() = %d, want 10", got)
	}
	if res := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": s.IssueReplyToken(), "messages": manyTexts(1)}); res.status != 200 {
		t.Errorf("reply at the limit: status = %d, want 200", res.status)
	}

	clock.Advance(31 * 24 * time.Hour) // next month
	if got := s.Usage(); got != 0 {
		t.Errorf("Usage() next month = %d, want 0", got)
	}
	if res := push(t, url, "Ualice", text("x")); res.status != 200 {
		t.Errorf("push next month: status = %d, want 200", res.status)
	}
}

func TestQuotaNoneAndSetQuota(t *testing.T) {
	s, url := start(t)
	res := doReq(t, "GET", url+"/v2/bot/message/quota", nil)
	if string(res.body) != `{"type":"none"}` {
		t.Errorf("quota body = %s, want {\"type\":\"none\"}", res.body)
	}
	push(t, url, "U1", text("x"))
	s.SetQuota(1)
	if res := push(t, url, "U1", text("x")); res.status != http.StatusTooManyRequests {
		t.Errorf("push after SetQuota(1): status = %d, want 429", res.status)
	}
	res = doReq(t, "GET", url+"/v2/bot/message/quota", nil)
	if string(res.body) != `{"type":"limited","value":1}` {
		t.Errorf("quota body = %s", res.body)
	}
	if r := s.Rejected(); len(r) != 1 || !strings.Contains(r[0].String(), "429") {
		t.Errorf("Rejected = %v", r)
	}
}

func TestProfiles(t *testing.T) {
	s, url := start(t)
	s.SetProfile("Ualice", "Alice", "th")
	s.SetProfile("Ubob", "Bob", "")

	tests := []struct {
		path, want string
		status     int
	}{
		{"/v2/bot/profile/Ualice", `{"userId":"Ualice","displayName":"Alice","language":"th"}`, 200},
		{"/v2/bot/profile/Ubob", `{"userId":"Ubob","displayName":"Bob"}`, 200},
		{"/v2/bot/profile/Unobody", `{"message":"Not found"}`, 404},
		{"/v2/bot/group/Cg/member/Ualice", `{"userId":"Ualice","displayName":"Alice"}`, 200},
		{"/v2/bot/group/Cg/member/Unobody", `{"message":"Not found"}`, 404},
	}
	for _, tt := range tests {
		res := doReq(t, "GET", url+tt.path, nil)
		if res.status != tt.status || string(res.body) != tt.want {
			t.Errorf("GET %s = %d %s, want %d %s", tt.path, res.status, res.body, tt.status, tt.want)
		}
	}
	if got := s.Sent(KindProfile); len(got) != 3 || got[0].To[0] != "Ualice" {
		t.Errorf("profile requests = %+v, want 3", got)
	}
}

func TestHTTPErrors(t *testing.T) {
	_, url := start(t, WithAccessToken("secret-token"))
	auth := []string{"Authorization", "Bearer secret-token"}
	big := bytes.Repeat([]byte("a"), MaxRequestBytes+1)

	tests := []struct {
		name   string
		method string
		path   string
		body   any
		hdr    []string
		want   int
	}{
		{"no token", "GET", "/v2/bot/message/quota", nil, nil, 401},
		{"wrong token", "GET", "/v2/bot/message/quota", nil, []string{"Authorization", "Bearer other"}, 401},
		{"right token", "GET", "/v2/bot/message/quota", nil, auth, 200},
		{"unknown path", "GET", "/v2/bot/nothing", nil, auth, 404},
		{"wrong method", "GET", "/v2/bot/message/push", nil, auth, 404},
		{"body over 2 MB", "POST", "/v2/bot/message/push", big, auth, 413},
		{"not JSON", "POST", "/v2/bot/message/push", nil, append([]string{"Content-Type", "text/plain"}, auth...), 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := doReq(t, tt.method, url+tt.path, tt.body, tt.hdr...)
			if res.status != tt.want {
				t.Fatalf("status = %d, want %d; %s", res.status, tt.want, res.body)
			}
			if res.header.Get("X-Line-Request-Id") == "" {
				t.Error("no X-Line-Request-Id")
			}
			if tt.want >= 400 && res.errBody(t).Message == "" {
				t.Errorf("error body %s has no message", res.body)
			}
		})
	}
}

func TestErrorBodyShape(t *testing.T) {
	s, url := start(t)
	res := push(t, url, "U1", text(""), m{"type": "sticker"})
	var raw map[string]any
	if err := json.Unmarshal(res.body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["message"] != "The request body has 3 error(s)" {
		t.Errorf("message = %v", raw["message"])
	}
	details, _ := raw["details"].([]any)
	if len(details) != 3 {
		t.Fatalf("details = %v, want 3", raw["details"])
	}
	d0 := details[0].(map[string]any)
	if d0["property"] != "messages[0].text" || d0["message"] == "" {
		t.Errorf("details[0] = %v", d0)
	}
	rej := s.Rejected()
	if len(rej) != 1 || rej[0].Status != 400 || !strings.Contains(rej[0].Reason, "messages[1].packageId") || len(rej[0].Body) == 0 {
		t.Errorf("Rejected = %+v", rej)
	}
}

func TestTextsSubscribeReset(t *testing.T) {
	s, url := start(t)
	ch, cancel := s.Subscribe()

	tok := s.IssueReplyTokenFor("Cgroup")
	doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{
		text("one"), m{"type": "sticker", "packageId": "1", "stickerId": "1"}, flex(bubbles(1, 3)[0]),
	}})
	push(t, url, "Cgroup", confirm(actions(2)...))
	push(t, url, "Uother", text("elsewhere"))
	doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": []string{"Uother", "Cgroup"}, "messages": []any{text("bad")}}) // rejected
	// Many more requests than anyone reads: must neither block nor drop.
	const extra = 300
	for i := range extra {
		push(t, url, "Ulater", text(fmt.Sprint(i)))
	}

	want := []string{"one", "flex", "confirm"}
	if got := s.Texts("Cgroup"); !slices.Equal(got, want) {
		t.Errorf("Texts(Cgroup) = %q, want %q", got, want)
	}

	var kinds []string
	for range 3 + extra {
		select {
		case r := <-ch:
			kinds = append(kinds, r.Kind)
		case <-time.After(5 * time.Second):
			t.Fatalf("subscription delivered %d requests, want %d", len(kinds), 3+extra)
		}
	}
	if kinds[0] != KindReply || kinds[1] != KindPush {
		t.Errorf("first kinds = %q", kinds[:2])
	}
	cancel()
	cancel()
	if _, open := <-ch; open {
		t.Error("channel still open after cancel")
	}

	s.Reset()
	if len(s.Requests()) != 0 || len(s.Rejected()) != 0 || len(s.Texts("Cgroup")) != 0 {
		t.Error("Reset left recordings")
	}
}

func TestCloseEndsSubscriptions(t *testing.T) {
	s := New()
	ch, _ := s.Subscribe()
	s.Close()
	select {
	case _, open := <-ch:
		if open {
			t.Error("received a request, want closed channel")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel not closed by Close")
	}
}

// TestMountedHandler checks the fake works as a plain http.Handler too.
func TestMountedHandler(t *testing.T) {
	s := New()
	defer s.Close()
	mux := http.NewServeMux()
	mux.Handle("/v2/", s)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v2/bot/message/push", strings.NewReader(`{"to":"U1","messages":[{"type":"text","text":"hi"}]}`))
	req.Header.Set("Content-Type", "application/json")
	mux.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("status = %d, want 200; %s", rec.Code, rec.Body)
	}
	if got := s.Texts("U1"); !slices.Equal(got, []string{"hi"}) {
		t.Errorf("Texts = %q", got)
	}
}

func TestRequestsAreCopies(t *testing.T) {
	s, url := start(t)
	push(t, url, "U1", text("hi"))
	r := s.Requests()
	r[0].To[0] = "Uchanged"
	r[0].Body[0] = 'X'
	if got := s.Requests()[0]; got.To[0] != "U1" || got.Body[0] != '{' {
		t.Error("Requests returned shared slices")
	}
}
