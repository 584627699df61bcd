package linefake

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for WithClock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func start(t *testing.T, opts ...Option) (*Server, string) {
	t.Helper()
	s := New(opts...)
	url := s.Start()
	t.Cleanup(s.Close)
	return s, url
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r result) errBody(t *testing.T) errorBody {
	t.Helper()
	var e errorBody
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return e
}

// doReq sends one request; body may be nil, []byte or anything JSON-encodable.
// hdr is a list of key, value pairs.
func doReq(t *testing.T, method, url string, body any, hdr ...string) result {
	t.Helper()
	return doReqWith(t, http.DefaultClient, method, url, body, hdr...)
}

func doReqWith(t *testing.T, c *http.Client, method, url string, body any, hdr ...string) result {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return result{status: res.StatusCode, header: res.Header, body: b}
}

func push(t *testing.T, url, to string, msgs ...any) result {
	t.Helper()
	return doReq(t, "POST", url+"/v2/bot/message/push", map[string]any{"to": to, "messages": msgs})
}

func logRejections(t *testing.T, s *Server) {
	t.Helper()
	for _, r := range s.Rejected() {
		t.Log(r)
	}
}

// ---- message builders (plain JSON, as LINE documents it) ----

type m = map[string]any

func text(s string) m { return m{"type": "text", "text": s} }

func msgAction(label, text string) m { return m{"type": "message", "label": label, "text": text} }

func postback(label, data string) m { return m{"type": "postback", "label": label, "data": data} }

func qrItem(a m) m { return m{"type": "action", "action": a} }

func withQuickReply(msg m, items ...m) m {
	msg["quickReply"] = m{"items": items}
	return msg
}

func buttons(tmpl m) m {
	tmpl["type"] = "buttons"
	return m{"type": "template", "altText": "buttons", "template": tmpl}
}

func actions(n int) []m {
	out := make([]m, n)
	for i := range out {
		out[i] = msgAction("ok", "ok")
	}
	return out
}

func confirm(acts ...m) m {
	return m{"type": "template", "altText": "confirm", "template": m{"type": "confirm", "text": "Sure?", "actions": acts}}
}

func column(acts ...m) m { return m{"text": "column", "actions": acts} }

func carousel(cols ...m) m {
	return m{"type": "template", "altText": "carousel", "template": m{"type": "carousel", "columns": cols}}
}

func textComp(s string) m { return m{"type": "text", "text": s} }

func box(layout string, contents ...m) m {
	if contents == nil {
		contents = []m{}
	}
	return m{"type": "box", "layout": layout, "contents": contents}
}

func bubble(body m) m { return m{"type": "bubble", "body": body} }

func flex(contents m) m { return m{"type": "flex", "altText": "flex", "contents": contents} }

func bubbles(n int, textLen int) []m {
	out := make([]m, n)
	for i := range out {
		out[i] = bubble(box("vertical", textComp(strings.Repeat("x", textLen))))
	}
	return out
}

func manyTexts(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = text("hi")
	}
	return out
}
