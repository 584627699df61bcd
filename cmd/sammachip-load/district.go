package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"time"
)

// The district-week scenario runs the real binary in simulator mode (no
// LINE channel: the demo district is loaded, LINE is the in-process fake,
// and the page's API at /sim/api moves the programme clock and speaks for
// the demo's people through the bot's own signed webhook). It jumps the
// clock to each evening of the district's schedule (reminders at 18:00,
// the officers' summary at 18:30) and has the household personas tap
// "I will come" on their cards.

// simPersona and simEntry are what /sim/api/state and /sim/api/history
// answer (bot/sim).
type simPersona struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

type simState struct {
	Personas []simPersona `json:"personas"`
	Groups   []simPersona `json:"groups"`
	Clock    struct {
		Now string `json:"now"`
	} `json:"clock"`
}

type simEntry struct {
	Seq     int64           `json:"seq"`
	Chat    string          `json:"chat"`
	From    string          `json:"from"`
	Message json.RawMessage `json:"message"`
	Via     string          `json:"via"`
	Note    string          `json:"note"`
	Detail  string          `json:"detail"`
	Day     string          `json:"day"`
}

// simClient speaks to the simulator page's API.
type simClient struct {
	base   string
	client *http.Client
}

func (c simClient) call(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s %s", method, path, res.Status, bytes.TrimSpace(b))
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func (c simClient) history(chat string) ([]simEntry, error) {
	var h []simEntry
	err := c.call("GET", "/sim/api/history?chat="+url.QueryEscape(chat), nil, &h)
	return h, err
}

// settle waits until none of chats gets a new entry for quiet (at most
// limit), and returns the last seq seen.
func (c simClient) settle(chats []string, quiet, limit time.Duration) (int64, error) {
	deadline := time.Now().Add(limit)
	var last int64 = -1
	stableSince := time.Now()
	for {
		var top int64
		for _, ch := range chats {
			h, err := c.history(ch)
			if err != nil {
				return 0, err
			}
			for _, e := range h {
				top = max(top, e.Seq)
			}
		}
		if top != last {
			last, stableSince = top, time.Now()
		}
		if time.Since(stableSince) >= quiet || time.Now().After(deadline) {
			return last, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// postbacks finds the postback actions in a message object: data → label.
func postbacks(msg json.RawMessage) map[string]string {
	out := map[string]string{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if t["type"] == "postback" {
				if d, ok := t["data"].(string); ok {
					label, _ := t["label"].(string)
					out[d] = label
				}
			}
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	var v any
	if json.Unmarshal(msg, &v) == nil {
		walk(v)
	}
	return out
}

// dayCard reports whether a message is a programme day's card with an "I
// will come" button, and that button's data and day.
func dayCard(msg json.RawMessage) (data, label string, day int, ok bool) {
	for d, l := range postbacks(msg) {
		q, err := url.ParseQuery(d)
		if err != nil || q.Get("a") != "att.i" || q.Get("v") != "yes" {
			continue
		}
		day, _ = strconv.Atoi(q.Get("day"))
		return d, l, day, true
	}
	return "", "", 0, false
}

func runDistrictWeek(ctx context.Context, r *runner) (result, error) {
	o := r.opt
	b, err := r.startBot(ctx, botConfig{DB: filepath.Join(r.dir, "district.db")})
	if err != nil {
		return result{}, err
	}
	c := simClient{base: b.URL, client: &http.Client{Timeout: 30 * time.Second}}
	var st simState
	if err := c.call("GET", "/sim/api/state", nil, &st); err != nil {
		return result{}, fmt.Errorf("simulator API (is this binary's simulator mode there?): %w", err)
	}
	now, err := time.Parse(time.RFC3339, st.Clock.Now)
	if err != nil {
		return result{}, fmt.Errorf("simulator clock %q: %w", st.Clock.Now, err)
	}
	var households, chats []string
	officer, lead := "", ""
	for _, p := range st.Personas {
		chats = append(chats, p.ID)
		switch p.Role {
		case "household":
			households = append(households, p.ID)
		case "officer":
			officer = p.ID
		case "lead_sage":
			lead = p.ID
		}
		if err := c.call("POST", "/sim/api/open", map[string]string{"chat": p.ID, "as": p.ID}, nil); err != nil {
			return result{}, err
		}
	}
	if len(households) == 0 || officer == "" {
		return result{}, fmt.Errorf("the simulator's personas have no household or no officer: %+v", st.Personas)
	}
	group := ""
	if len(st.Groups) > 0 {
		group = st.Groups[0].ID
		chats = append(chats, group)
		if err := c.call("POST", "/sim/api/open", map[string]string{"chat": group, "as": officer}, nil); err != nil {
			return result{}, err
		}
		// The officers' group receives the daily summary once bound.
		if err := c.call("POST", "/sim/api/send", map[string]string{"chat": group, "as": officer, "type": "text", "text": "ผูกกลุ่ม"}, nil); err != nil {
			return result{}, err
		}
	}
	if _, err := c.settle(chats, 300*time.Millisecond, 10*time.Second); err != nil {
		return result{}, err
	}

	// The demo's schedule (flows/demo.go): four villages a week, Monday to
	// Friday, from the Monday after the day it was loaded; 13 villages.
	local := now.In(bangkok)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, bangkok)
	ahead := (8 - int(today.Weekday())) % 7
	if ahead == 0 {
		ahead = 7
	}
	monday := today.AddDate(0, 0, ahead)
	last := monday.AddDate(0, 0, 7*3+4)
	rng := rand.New(rand.NewPCG(1, 2))
	t0 := time.Now()
	evenings, taps, answered := 0, 0, 0
	var tapFailures []string
	seen := map[string]int64{} // chat → last seq looked at
	for day := monday.AddDate(0, 0, -1); day.Before(last); day = day.AddDate(0, 0, 1) {
		if ctx.Err() != nil {
			return result{}, ctx.Err()
		}
		evenings++
		for _, at := range []string{"18:00", "18:30"} {
			if err := c.call("POST", "/sim/api/clock", map[string]string{"at": day.Format("2006-01-02") + "T" + at}, nil); err != nil {
				return result{}, err
			}
			if _, err := c.settle(chats, 200*time.Millisecond, 20*time.Second); err != nil {
				return result{}, err
			}
		}
		for _, hh := range households {
			h, err := c.history(hh)
			if err != nil {
				return result{}, err
			}
			for _, e := range h {
				if e.Seq <= seen[hh] {
					continue
				}
				seen[hh] = max(seen[hh], e.Seq)
				if e.From != "bot" || e.Via == "reply" {
					continue
				}
				data, label, _, ok := dayCard(e.Message)
				if !ok || rng.Float64() >= o.taps {
					continue
				}
				taps++
				before := seen[hh]
				if err := c.call("POST", "/sim/api/send", map[string]string{"chat": hh, "as": hh, "type": "postback", "data": data, "displayText": label}, nil); err != nil {
					tapFailures = append(tapFailures, err.Error())
					continue
				}
				if _, err := c.settle([]string{hh}, 200*time.Millisecond, 10*time.Second); err != nil {
					return result{}, err
				}
				after, err := c.history(hh)
				if err != nil {
					return result{}, err
				}
				got := false
				for _, a := range after {
					if a.Seq > before && a.From == "bot" && a.Via == "reply" {
						got = true
					}
					seen[hh] = max(seen[hh], a.Seq)
				}
				if got {
					answered++
				}
			}
		}
	}
	elapsed := time.Since(t0)

	// Read every chat's whole history for the checks.
	var notes []string
	cards := map[string]map[int]int{} // household → day → cards with "I will come"
	dups, problems, summaries, briefs := 0, 0, 0, 0
	for _, ch := range chats {
		h, err := c.history(ch)
		if err != nil {
			return result{}, err
		}
		hashes := map[[32]byte]int{}
		for _, e := range h {
			if e.From == "system" && (e.Note == "rejected" || e.Note == "webhook_failed") {
				problems++
				if problems <= 3 {
					notes = append(notes, fmt.Sprintf("%s in a chat: %s", e.Note, e.Detail))
				}
			}
			if e.From != "bot" || e.Via == "reply" {
				continue
			}
			hashes[sha256.Sum256(e.Message)]++
			switch ch {
			case group:
				summaries++
			case lead:
				briefs++
			}
			if _, _, d, ok := dayCard(e.Message); ok {
				if cards[ch] == nil {
					cards[ch] = map[int]int{}
				}
				cards[ch][d]++
			}
		}
		if ch == group || ch == officer {
			continue // officers' notices may repeat word for word
		}
		for _, n := range hashes {
			if n > 1 {
				dups += n - 1
			}
		}
	}
	if dups > 0 {
		notes = append(notes, fmt.Sprintf("%d pushed messages delivered twice to the same chat", dups))
	}
	cardCount := 0
	for _, hh := range households {
		for d := 1; d <= 5; d++ {
			if cards[hh][d] == 0 {
				notes = append(notes, fmt.Sprintf("household %s…: no card for day %d", hh[:5], d))
			}
			cardCount += cards[hh][d]
		}
	}
	if answered < taps {
		notes = append(notes, fmt.Sprintf("%d taps unanswered", taps-answered))
	}
	if len(tapFailures) > 0 {
		notes = append(notes, fmt.Sprintf("%d taps refused (first: %s)", len(tapFailures), tapFailures[0]))
	}
	line := fmt.Sprintf("simulator demo district: evenings=%d (%s to %s) clock_jumps=%d in %v household_personas=%d day_cards=%d taps=%d answered=%d/%d officers_group_pushes=%d lead_sage_pushes=%d duplicates=%d rejected_or_failed=%d",
		evenings, monday.AddDate(0, 0, -1).Format("2006-01-02"), last.AddDate(0, 0, -1).Format("2006-01-02"), 2*evenings,
		elapsed.Round(100*time.Millisecond), len(households), cardCount, taps, answered, taps, summaries, briefs, dups, problems)
	return result{line: line + verdictNotes(notes), ok: len(notes) == 0}, nil
}
