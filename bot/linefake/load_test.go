package linefake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The rate limit refuses calls over a second's worth, per endpoint, with
// 429 and nothing processed, and lets calls through again as time passes.
func TestRateLimits(t *testing.T) {
	s, url := start(t, WithRateLimits(RateLimits{Push: 2, Multicast: 1}))
	clk := newClock()
	s.load().mu.Lock()
	s.load().now = clk.Now
	s.load().mu.Unlock()
	s.SetRateLimits(RateLimits{Push: 2, Multicast: 1}) // buckets full at the test clock's now

	for i, want := range []int{200, 200, 429} {
		if got := push(t, url, "U1", text("x")).status; got != want {
			t.Errorf("push %d: status = %d, want %d", i, got, want)
		}
	}
	res := push(t, url, "U1", text("x"))
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.errBody(t).Message, "rate limit") {
		t.Errorf("push over the limit: %d %s, want 429 with LINE's rate-limit message", res.status, res.body)
	}
	mc := func() int {
		return doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": []string{"U1"}, "messages": []any{text("x")}}).status
	}
	if got, again := mc(), mc(); got != 200 || again != 429 {
		t.Errorf("multicasts: %d then %d, want 200 then 429 (a bucket per endpoint)", got, again)
	}
	// Replies have no limit here.
	for range 5 {
		tok := s.IssueReplyToken()
		if got := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": tok, "messages": []any{text("x")}}).status; got != 200 {
			t.Errorf("reply without a limit: status = %d", got)
		}
	}
	if n := len(s.Sent(KindPush)); n != 2 {
		t.Errorf("recorded %d pushes, want 2 (refused ones are not processed)", n)
	}
	clk.Advance(500 * time.Millisecond) // one push's worth at 2/s
	if got := push(t, url, "U1", text("x")).status; got != 200 {
		t.Errorf("push after 0.5 s: status = %d, want 200", got)
	}
	if got := push(t, url, "U1", text("x")).status; got != 429 {
		t.Errorf("second push after 0.5 s: status = %d, want 429", got)
	}
	got := s.RateLimited()
	if got[KindPush] != 3 || got[KindMulticast] != 1 || got[KindReply] != 0 {
		t.Errorf("RateLimited = %v, want push 3, multicast 1", got)
	}
	var found bool
	for _, r := range s.Rejected() {
		found = found || strings.Contains(r.Reason, "rate limit: push over 2 requests/s")
	}
	if !found {
		t.Errorf("no rejection names the rate limit: %v", s.Rejected())
	}
	s.SetRateLimits(RateLimits{})
	for range 5 {
		if got := push(t, url, "U1", text("x")).status; got != 200 {
			t.Errorf("push with the limits removed: status = %d", got)
		}
	}
	if LINERateLimits.String() != "reply 2000/s, push 2000/s, multicast 200/s" {
		t.Errorf("LINERateLimits = %s", LINERateLimits)
	}
}

// Random faults hit about the share asked for, leave the reply token
// unused when the call was not processed, and end with Reset.
func TestRandomFaults(t *testing.T) {
	s, url := start(t)
	s.SetRandomFaults(RandomFaults{Reply: 0.5, Faults: []RandomFault{FaultServerError, FaultRateLimited}, Seed: 7})
	failed := 0
	for range 200 {
		tok := s.IssueReplyToken()
		body := m{"replyToken": tok, "messages": []any{text("x")}}
		st := doReq(t, "POST", url+"/v2/bot/message/reply", body).status
		if st == 200 {
			continue
		}
		failed++
		if st != 500 && st != 429 {
			t.Fatalf("status %d, want 500 or 429", st)
		}
		// Not processed: the token still works once the fault passes.
		for st != 200 {
			st = doReq(t, "POST", url+"/v2/bot/message/reply", body).status
		}
	}
	if failed < 70 || failed > 130 {
		t.Errorf("%d of 200 first attempts failed, want about 100", failed)
	}
	counts := s.RandomFaultCounts()
	if counts[FaultServerError] == 0 || counts[FaultRateLimited] == 0 || counts[FaultTimeout] != 0 {
		t.Errorf("counts = %v, want both picked faults and no other", counts)
	}
	// Push share 0: pushes never fail.
	for range 20 {
		if st := push(t, url, "U1", text("x")).status; st != 200 {
			t.Fatalf("push with share 0: status %d", st)
		}
	}
	s.Reset()
	if c := s.RandomFaultCounts(); len(c) != 0 {
		t.Errorf("counts after Reset = %v", c)
	}
	for range 20 {
		if st := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": s.IssueReplyToken(), "messages": []any{text("x")}}).status; st != 200 {
			t.Fatalf("reply after Reset: status %d", st)
		}
	}
}

// The two timeouts: one never reaches LINE (the retry is a first
// delivery), the other was delivered (the retry with the same key is 409).
func TestRandomTimeouts(t *testing.T) {
	client := &http.Client{Timeout: 100 * time.Millisecond}
	post := func(url, key string) (int, error) {
		body, _ := json.Marshal(m{"to": "U1", "messages": []any{text("once")}})
		req, _ := http.NewRequest("POST", url+"/v2/bot/message/push", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Line-Retry-Key", key)
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	for _, tc := range []struct {
		fault     RandomFault
		delivered int
		retry     int
	}{
		{FaultTimeout, 0, http.StatusOK},
		{FaultTimeoutAccepted, 1, http.StatusConflict},
	} {
		t.Run(string(tc.fault), func(t *testing.T) {
			s, url := start(t)
			s.SetRandomFaults(RandomFaults{Push: 1, Faults: []RandomFault{tc.fault}, Hang: 5 * time.Second})
			if st, err := post(url, key1); err == nil {
				t.Fatalf("hung call answered %d, want a client timeout", st)
			}
			if n := len(s.Sent(KindPush)); n != tc.delivered {
				t.Fatalf("recorded %d pushes after the timeout, want %d", n, tc.delivered)
			}
			s.SetRandomFaults(RandomFaults{})
			if st, err := post(url, key1); err != nil || st != tc.retry {
				t.Fatalf("retry: %d %v, want %d", st, err, tc.retry)
			}
			if got := s.Texts("U1"); len(got) != 1 {
				t.Errorf("Texts = %q, want the message once", got)
			}
		})
	}
}

func TestReplyTokenUsed(t *testing.T) {
	s, url := start(t)
	tok := s.IssueReplyToken()
	if s.ReplyTokenUsed(tok) || s.ReplyTokenUsed("never-issued") {
		t.Fatal("a token is used before any reply")
	}
	s.FailNext(1, http.StatusInternalServerError)
	body := m{"replyToken": tok, "messages": []any{text("x")}}
	if st := doReq(t, "POST", url+"/v2/bot/message/reply", body).status; st != 500 || s.ReplyTokenUsed(tok) {
		t.Fatalf("failed reply: status %d, used %v; want 500 and unused", st, s.ReplyTokenUsed(tok))
	}
	if st := doReq(t, "POST", url+"/v2/bot/message/reply", body).status; st != 200 || !s.ReplyTokenUsed(tok) {
		t.Fatalf("reply: status %d, used %v; want 200 and used", st, s.ReplyTokenUsed(tok))
	}
}
