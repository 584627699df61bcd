package sim_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/bot/sim"
)

// manualTime is a base clock the test moves by hand.
type manualTime struct {
	mu sync.Mutex
	t  time.Time
}

func (m *manualTime) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

func (m *manualTime) Add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = m.t.Add(d)
}

var bangkok = time.FixedZone("ICT", 7*3600)

func TestClock(t *testing.T) {
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, bangkok)
	jumpTo := time.Date(2026, 3, 16, 7, 30, 0, 0, bangkok)
	tests := []struct {
		name string
		do   func(c *sim.Clock, base *manualTime)
		want time.Time
		// shifted is what Shifted reports afterwards.
		shifted bool
	}{
		{"follows its base until set", func(_ *sim.Clock, b *manualTime) { b.Add(time.Minute) }, start.Add(time.Minute), false},
		{"jumps to the set time", func(c *sim.Clock, _ *manualTime) { c.Set(jumpTo) }, jumpTo, true},
		{"keeps flowing after a jump", func(c *sim.Clock, b *manualTime) { c.Set(jumpTo); b.Add(90 * time.Second) }, jumpTo.Add(90 * time.Second), true},
		{"can jump back in time", func(c *sim.Clock, _ *manualTime) { c.Set(start.Add(-48 * time.Hour)) }, start.Add(-48 * time.Hour), true},
		{"reset returns to the base", func(c *sim.Clock, b *manualTime) { c.Set(jumpTo); b.Add(time.Hour); c.Reset() }, start.Add(time.Hour), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := &manualTime{t: start}
			c := sim.NewClock(base.Now)
			tt.do(c, base)
			if got := c.Now(); !got.Equal(tt.want) {
				t.Errorf("Now() = %v, want %v", got, tt.want)
			}
			if got := c.Shifted(); got != tt.shifted {
				t.Errorf("Shifted() = %v, want %v", got, tt.shifted)
			}
		})
	}
}

func TestClockOnJump(t *testing.T) {
	base := &manualTime{t: time.Date(2026, 3, 10, 9, 0, 0, 0, bangkok)}
	c := sim.NewClock(base.Now)
	var got []string
	c.OnJump(func(at time.Time) { got = append(got, "first "+at.Format("02 15:04")) })
	remove := c.OnJump(func(at time.Time) { got = append(got, "second "+at.Format("02 15:04")) })

	c.Set(time.Date(2026, 3, 16, 7, 30, 0, 0, bangkok))
	remove()
	c.Reset()

	want := []string{"first 16 07:30", "second 16 07:30", "first 10 09:00"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("listeners saw %q, want %q", got, want)
	}
}

// echoBot is a stand-in for the bot: it checks the webhook signature like
// the real one, and answers every event with a reply through the fake LINE
// API, so the simulator's round trip can be tested without the domain.
type echoBot struct {
	t      *testing.T
	secret string
	api    string

	mu     sync.Mutex
	events []map[string]any
	status int // answer with this instead of 200 when set
}

func (b *echoBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("X-Line-Signature") != linefake.Sign(b.secret, body) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	var env struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	b.mu.Lock()
	b.events = append(b.events, env.Events...)
	status := b.status
	b.mu.Unlock()
	if status != 0 {
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(http.StatusOK)
	for _, e := range env.Events {
		tok, _ := e["replyToken"].(string)
		if tok == "" {
			continue
		}
		text := "got " + e["type"].(string)
		if m, ok := e["message"].(map[string]any); ok && m["type"] == "file" {
			text = fmt.Sprintf("file %v, %.0f bytes: %s", m["fileName"], m["fileSize"], b.content(m["id"].(string)))
		} else if ok {
			text = "echo: " + m["text"].(string)
		}
		if pb, ok := e["postback"].(map[string]any); ok {
			text = "postback: " + pb["data"].(string)
			if p, ok := pb["params"].(map[string]any); ok {
				text += fmt.Sprint(" ", p)
			}
		}
		msg := map[string]any{"type": "text", "text": text, "quickReply": map[string]any{"items": []any{
			map[string]any{"type": "action", "action": map[string]any{"type": "postback", "label": "Yes", "data": "a=yes", "displayText": "Yes"}},
		}}}
		if b.post("/v2/bot/message/reply", map[string]any{"replyToken": tok, "messages": []any{msg}}) != http.StatusOK {
			b.t.Errorf("reply to %s was refused", e["type"])
		}
	}
}

// content fetches a message's content as the bot does, from LINE's data
// endpoint: its text, or the status when there is none.
func (b *echoBot) content(id string) string {
	req, _ := http.NewRequest(http.MethodGet, b.api+"/v2/bot/message/"+id+"/content", nil)
	req.Header.Set("Authorization", "Bearer token")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Sprint("status ", res.StatusCode)
	}
	data, _ := io.ReadAll(res.Body)
	return fmt.Sprintf("%q", data)
}

func (b *echoBot) post(path string, v any) int {
	body, _ := json.Marshal(v)
	req, _ := http.NewRequest(http.MethodPost, b.api+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer token")
	if strings.HasSuffix(path, "/push") {
		req.Header.Set("X-Line-Retry-Key", "123e4567-e89b-42d3-a456-426614174000")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

func (b *echoBot) types() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.events {
		out = append(out, e["type"].(string))
	}
	return out
}

type rig struct {
	sim   *sim.Sim
	fake  *linefake.Server
	bot   *echoBot
	clock *sim.Clock
	page  *httptest.Server
}

const (
	officer = "U00000000000000000000000000000a01"
	farmer  = "U00000000000000000000000000000a02"
	group   = "C00000000000000000000000000000a01"
)

func newRig(t *testing.T, opened func(string) bool, maxHistory int) *rig {
	t.Helper()
	base := &manualTime{t: time.Date(2026, 3, 10, 9, 0, 0, 0, bangkok)}
	clock := sim.NewClock(base.Now)
	fake := linefake.New(linefake.WithClock(clock.Now))
	api := fake.Start()
	t.Cleanup(fake.Close)
	b := &echoBot{t: t, secret: "0123456789abcdef0123456789abcdef", api: api}
	botSrv := httptest.NewServer(b)
	t.Cleanup(botSrv.Close)
	s := sim.New(sim.Options{
		Fake:     fake,
		Webhook:  linefake.Webhook{URL: botSrv.URL + "/callback", Secret: b.secret},
		Clock:    clock,
		Location: bangkok,
		Personas: []sim.Persona{
			{ID: officer, Name: "Somsri", Lang: "th", Role: "officer"},
			{ID: farmer, Name: "Malee", Lang: "en", Role: "household"},
		},
		Groups:     []sim.Group{{ID: group, Name: "Officers", Role: "officers"}},
		Opened:     opened,
		MaxHistory: maxHistory,
	})
	s.Start()
	t.Cleanup(s.Close)
	page := httptest.NewServer(s.Handler())
	t.Cleanup(page.Close)
	return &rig{sim: s, fake: fake, bot: b, clock: clock, page: page}
}

// waitFor polls until cond holds or a second passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// shown renders a chat's history the way a reader sees it, one line each.
func shown(h []sim.Entry) []string {
	var out []string
	for _, e := range h {
		switch e.From {
		case "bot":
			var m struct{ Text string }
			_ = json.Unmarshal(e.Message, &m)
			out = append(out, "bot: "+m.Text)
		case "user":
			out = append(out, e.Persona[len(e.Persona)-3:]+": "+e.Text)
		default:
			out = append(out, "system: "+e.Note)
		}
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		chat string
		as   string
		send []sim.Send
		max  int // history per chat; 0 is the default
		want []string
	}{
		{
			name: "first open sends follow and shows the welcome",
			chat: officer, as: officer,
			want: []string{"system: follow", "bot: got follow"},
		},
		{
			name: "typed text is shown, then the answer",
			chat: farmer, as: farmer,
			send: []sim.Send{{Type: "text", Text: "สวัสดีค่ะ"}},
			want: []string{"system: follow", "bot: got follow", "a02: สวัสดีค่ะ", "bot: echo: สวัสดีค่ะ"},
		},
		{
			name: "a postback shows its display text",
			chat: farmer, as: farmer,
			send: []sim.Send{{Type: "postback", Data: "a=yes", DisplayText: "Yes"}},
			want: []string{"system: follow", "bot: got follow", "a02: Yes", "bot: postback: a=yes"},
		},
		{
			name: "a postback without display text shows nothing of the user",
			chat: farmer, as: farmer,
			send: []sim.Send{{Type: "postback", Data: "a=pick", Params: map[string]string{"date": "2026-03-16"}}},
			want: []string{"system: follow", "bot: got follow", "bot: postback: a=pick map[date:2026-03-16]"},
		},
		{
			name: "a group is joined, then members speak in it",
			chat: group, as: farmer,
			send: []sim.Send{{Type: "text", Text: "สรุป"}},
			want: []string{"system: join", "bot: got join", "a02: สรุป", "bot: echo: สรุป"},
		},
		{
			name: "history keeps the newest entries only",
			chat: officer, as: officer,
			send: []sim.Send{{Type: "text", Text: "1"}, {Type: "text", Text: "2"}},
			max:  4,
			want: []string{"a01: 1", "bot: echo: 1", "a01: 2", "bot: echo: 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, nil, tt.max)
			if err := r.sim.Open(ctx, tt.chat, tt.as); err != nil {
				t.Fatal(err)
			}
			// The bot answers the follow (or join) on its own time: wait for
			// it, as a person would, before typing.
			before := 0
			for i, w := range tt.want {
				if strings.HasPrefix(w, "bot: got ") {
					before = i + 1
					break
				}
			}
			waitFor(t, "the answer to opening the chat", func() bool { return len(shown(r.sim.History(tt.chat))) >= before })
			for _, m := range tt.send {
				m.Chat, m.As = tt.chat, tt.as
				if err := r.sim.Send(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "the bot's answers", func() bool {
				got := shown(r.sim.History(tt.chat))
				return len(got) >= len(tt.want) && got[len(got)-1] == tt.want[len(tt.want)-1]
			})
			got := shown(r.sim.History(tt.chat))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("chat shows\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestOpenSendsFollowOnce(t *testing.T) {
	tests := []struct {
		name   string
		opened func(string) bool
		opens  int
		want   []string
	}{
		{"a new user follows once", nil, 3, []string{"follow"}},
		{"a user the bot knows does not follow again", func(id string) bool { return id == officer }, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.opened, 0)
			for range tt.opens {
				if err := r.sim.Open(context.Background(), officer, officer); err != nil {
					t.Fatal(err)
				}
			}
			if got := r.bot.types(); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("bot got events %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		send sim.Send
	}{
		{"unknown persona", sim.Send{Chat: officer, As: "Unobody", Type: "text", Text: "hi"}},
		{"someone else's chat", sim.Send{Chat: officer, As: farmer, Type: "text", Text: "hi"}},
		{"empty text", sim.Send{Chat: officer, As: officer, Type: "text", Text: "  "}},
		{"postback without data", sim.Send{Chat: officer, As: officer, Type: "postback"}},
		{"postback data over 300", sim.Send{Chat: officer, As: officer, Type: "postback", Data: strings.Repeat("a", 301)}},
		{"unknown type", sim.Send{Chat: officer, As: officer, Type: "sticker"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(string) bool { return true }, 0)
			if err := r.sim.Send(ctx, tt.send); err == nil {
				t.Errorf("Send(%+v) = nil, want an error", tt.send)
			}
			if got := r.bot.types(); len(got) != 0 {
				t.Errorf("bot got events %q, want none", got)
			}
		})
	}
}

func TestWebhookFailureIsShown(t *testing.T) {
	r := newRig(t, func(string) bool { return true }, 0)
	r.bot.mu.Lock()
	r.bot.status = http.StatusInternalServerError
	r.bot.mu.Unlock()
	err := r.sim.Send(context.Background(), sim.Send{Chat: officer, As: officer, Type: "text", Text: "hi"})
	if err == nil {
		t.Fatal("Send = nil, want an error when the webhook answers 500")
	}
	got := r.sim.History(officer)
	if len(got) != 2 || got[1].Note != "webhook_failed" || !strings.Contains(got[1].Detail, "500") {
		t.Errorf("history = %+v, want the text then a webhook_failed note saying 500", got)
	}
}

func TestRejectedMessageIsShown(t *testing.T) {
	r := newRig(t, func(string) bool { return true }, 0)
	// The bot pushes a text LINE refuses (empty).
	if st := r.bot.post("/v2/bot/message/push", map[string]any{"to": farmer, "messages": []any{map[string]any{"type": "text", "text": ""}}}); st != http.StatusBadRequest {
		t.Fatalf("push of an empty text: status %d, want 400", st)
	}
	waitFor(t, "the rejection note", func() bool { return len(r.sim.History(farmer)) == 1 })
	if e := r.sim.History(farmer)[0]; e.Note != "rejected" || e.Detail == "" {
		t.Errorf("entry = %+v, want a rejected note with the reason", e)
	}
}

func TestPushArrivesInItsChat(t *testing.T) {
	r := newRig(t, nil, 0)
	r.clock.Set(time.Date(2026, 3, 16, 7, 0, 0, 0, bangkok))
	if st := r.bot.post("/v2/bot/message/push", map[string]any{"to": farmer, "messages": []any{map[string]any{"type": "text", "text": "พรุ่งนี้อบรมวันที่ 1 ค่ะ"}}}); st != http.StatusOK {
		t.Fatalf("push: status %d", st)
	}
	waitFor(t, "the push", func() bool { return len(r.sim.History(farmer)) == 1 })
	e := r.sim.History(farmer)[0]
	if e.Via != "push" || e.Day != "2026-03-16" || e.Time != "07:00" {
		t.Errorf("entry via %q on %s at %s, want push on 2026-03-16 at 07:00 (the simulated clock)", e.Via, e.Day, e.Time)
	}
	if got := r.sim.History(officer); len(got) != 0 {
		t.Errorf("officer's chat has %d entries, want 0", len(got))
	}
}

func TestAddPersona(t *testing.T) {
	tests := []struct {
		name, pname, lang string
		ok                bool
	}{
		{"thai name", "  ทองใบ  ", "th", true},
		{"english", "Anna", "en", true},
		{"empty name", " ", "th", false},
		{"name over 20", strings.Repeat("ก", 21), "th", false},
		{"unknown language", "Anna", "fr", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, nil, 0)
			p, err := r.sim.AddPersona(tt.pname, tt.lang)
			if (err == nil) != tt.ok {
				t.Fatalf("AddPersona error = %v, want ok %v", err, tt.ok)
			}
			if !tt.ok {
				if n := len(r.sim.Personas()); n != 2 {
					t.Errorf("%d personas, want 2", n)
				}
				return
			}
			res, err := http.Get(r.bot.api + "/v2/bot/profile/" + p.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var prof struct{ DisplayName, Language string }
			_ = json.NewDecoder(res.Body).Decode(&prof)
			if prof.DisplayName != strings.TrimSpace(tt.pname) || prof.Language != tt.lang {
				t.Errorf("LINE profile = %+v, want %q in %q", prof, strings.TrimSpace(tt.pname), tt.lang)
			}
			if len(p.ID) != 33 || p.ID[0] != 'U' {
				t.Errorf("id %q, want U + 32 hex digits", p.ID)
			}
		})
	}
}

func TestPage(t *testing.T) {
	r := newRig(t, nil, 0)
	tests := []struct {
		path, wantType, wantBody string
	}{
		{"/sim", "text/html", `<div id="messages"`},
		{"/sim/", "text/html", `<div id="messages"`},
		{"/sim/static/app.js", "javascript", "EventSource"},
		{"/sim/static/style.css", "text/css", "@font-face"},
		{"/sim/static/fonts/NotoSansThai-Regular.ttf", "font/ttf", ""},
		{"/sim/static/fonts/NotoSansThai-Bold.ttf", "font/ttf", ""},
		{"/sim/static/fonts/OFL.txt", "text/plain", "SIL OPEN FONT LICENSE Version 1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(r.page.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d, want 200", res.StatusCode)
			}
			if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, tt.wantType) {
				t.Errorf("Content-Type %q, want %q", ct, tt.wantType)
			}
			if !strings.Contains(string(body), tt.wantBody) {
				t.Errorf("body does not contain %q", tt.wantBody)
			}
			if strings.HasSuffix(tt.path, ".ttf") && len(body) < 10000 {
				t.Errorf("font is %d bytes, want a real font", len(body))
			}
		})
	}
}

func postJSON(t *testing.T, url string, v any) (*http.Response, []byte) {
	t.Helper()
	body, _ := json.Marshal(v)
	res, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res, out
}

func TestAPI(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		body   any
		status int
		want   string
	}{
		{"open a chat", "/sim/api/open", map[string]string{"chat": officer, "as": officer}, 200, `"note":"follow"`},
		{"open someone else's chat", "/sim/api/open", map[string]string{"chat": officer, "as": farmer}, 400, "cannot speak"},
		{"send a text", "/sim/api/send", sim.Send{Chat: farmer, As: farmer, Type: "text", Text: "hi"}, 204, ""},
		{"bad JSON", "/sim/api/send", "not an object", 400, "bad JSON"},
		{"add a persona", "/sim/api/personas", map[string]string{"name": "Anna", "lang": "en"}, 200, `"name":"Anna"`},
		{"jump the clock", "/sim/api/clock", map[string]string{"at": "2026-03-16T07:30"}, 200, `"now":"2026-03-16T07:30:00.000+07:00"`},
		{"reset the clock", "/sim/api/clock", map[string]bool{"reset": true}, 200, `"shifted":false`},
		{"a time that is not one", "/sim/api/clock", map[string]string{"at": "next monday"}, 400, "expected a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, nil, 0)
			res, body := postJSON(t, r.page.URL+tt.path, tt.body)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d (%s)", res.StatusCode, tt.status, body)
			}
			if !strings.Contains(string(body), tt.want) {
				t.Errorf("body %s, want it to contain %s", body, tt.want)
			}
		})
	}
}

func TestEventStream(t *testing.T) {
	r := newRig(t, func(string) bool { return true }, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.page.URL+"/sim/api/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type %q, want text/event-stream", ct)
	}
	frames := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(res.Body)
		var frame strings.Builder
		for sc.Scan() {
			if sc.Text() == "" {
				frames <- frame.String()
				frame.Reset()
				continue
			}
			frame.WriteString(sc.Text() + "\n")
		}
		close(frames)
	}()
	next := func(prefix string) string {
		t.Helper()
		for {
			select {
			case f, ok := <-frames:
				if !ok {
					t.Fatalf("stream ended before %q", prefix)
				}
				if strings.HasPrefix(f, prefix) {
					return f
				}
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %q", prefix)
			}
		}
	}
	next("retry:")

	// A push from the bot arrives without asking.
	r.bot.post("/v2/bot/message/push", map[string]any{"to": farmer, "messages": []any{map[string]any{"type": "text", "text": "แจ้งเตือนค่ะ"}}})
	if f := next("event: entry"); !strings.Contains(f, "แจ้งเตือนค่ะ") || !strings.Contains(f, `"via":"push"`) {
		t.Errorf("entry frame %q, want the push", f)
	}
	// A jump of the clock from anywhere reaches the page.
	r.clock.Set(time.Date(2026, 3, 17, 18, 0, 0, 0, bangkok))
	if f := next("event: clock"); !strings.Contains(f, `"now":"2026-03-17T18:00:00.000+07:00"`) || !strings.Contains(f, `"shifted":true`) {
		t.Errorf("clock frame %q, want 17 March 18:00, shifted", f)
	}
	// Close ends the stream, so a shutdown does not wait for the page.
	r.sim.Close()
	for range frames {
	}
}

func TestSendFile(t *testing.T) {
	const csv = "moo,tambon,name\n5,นาดี,บ้านโนนสูง\n"
	tests := []struct {
		name   string
		query  string
		body   string
		status int
		// shown is the file the chat shows ("" none), bot what the bot
		// answered after fetching the content.
		shown string
		bot   string
	}{
		{"a CSV file", "chat=" + officer + "&as=" + officer + "&name=หมู่บ้าน.csv", csv, 204,
			fmt.Sprint("หมู่บ้าน.csv ", len(csv)), fmt.Sprintf("file หมู่บ้าน.csv, %d bytes: %q", len(csv), csv)},
		{"a folder in the name is dropped", "chat=" + officer + "&as=" + officer + "&name=C:%5Cdocs%5Ca.xlsx", "PK", 204,
			"a.xlsx 2", `file a.xlsx, 2 bytes: "PK"`},
		{"a file too large to upload goes as name and size", "chat=" + officer + "&as=" + officer + "&name=big.csv&size=" + fmt.Sprint(sim.MaxFileUpload+1), "", 204,
			fmt.Sprintf("big.csv %d", sim.MaxFileUpload+1), fmt.Sprintf("file big.csv, %d bytes: status 404", sim.MaxFileUpload+1)},
		{"in a group", "chat=" + group + "&as=" + farmer + "&name=a.csv", csv, 204, fmt.Sprint("a.csv ", len(csv)), ""},
		{"an empty file", "chat=" + officer + "&as=" + officer + "&name=a.csv", "", 400, "", ""},
		{"no name", "chat=" + officer + "&as=" + officer + "&name=%20", csv, 400, "", ""},
		{"a name over 255", "chat=" + officer + "&as=" + officer + "&name=" + strings.Repeat("a", 252) + ".csv", csv, 400, "", ""},
		{"size for a file small enough to upload", "chat=" + officer + "&as=" + officer + "&name=a.csv&size=100", "", 400, "", ""},
		{"over LINE's 1 GB", "chat=" + officer + "&as=" + officer + "&name=a.csv&size=" + fmt.Sprint(sim.MaxFileSize+1), "", 400, "", ""},
		{"someone else's chat", "chat=" + officer + "&as=" + farmer + "&name=a.csv", csv, 400, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(string) bool { return true }, 0)
			res, err := http.Post(r.page.URL+"/sim/api/file?"+tt.query, "application/octet-stream", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			msg, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (%s)", res.StatusCode, tt.status, msg)
			}
			if tt.status != 204 {
				if got := r.bot.types(); len(got) != 0 {
					t.Errorf("bot got events %q, want none", got)
				}
				return
			}
			chat := officer
			if strings.Contains(tt.query, group) {
				chat = group
			}
			var files []string
			for _, e := range r.sim.History(chat) {
				if e.File != nil {
					files = append(files, fmt.Sprint(e.File.Name, " ", e.File.Size))
				}
			}
			if fmt.Sprint(files) != fmt.Sprint([]string{tt.shown}) {
				t.Errorf("chat shows files %q, want %q", files, tt.shown)
			}
			if tt.bot == "" {
				return
			}
			waitFor(t, "the bot's answer", func() bool { return len(shown(r.sim.History(chat))) >= 2 })
			if got := shown(r.sim.History(chat)); got[len(got)-1] != "bot: "+tt.bot {
				t.Errorf("bot answered %q, want %q", got[len(got)-1], "bot: "+tt.bot)
			}
		})
	}
}
