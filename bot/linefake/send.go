package linefake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
)

// MaxMulticastRecipients is the most user ids one multicast may target.
const MaxMulticastRecipients = 500

type replyRequest struct {
	ReplyToken           string            `json:"replyToken"`
	Messages             []json.RawMessage `json:"messages"`
	NotificationDisabled *bool             `json:"notificationDisabled"`
}

type pushRequest struct {
	To                     string            `json:"to"`
	Messages               []json.RawMessage `json:"messages"`
	NotificationDisabled   *bool             `json:"notificationDisabled"`
	CustomAggregationUnits []string          `json:"customAggregationUnits"`
}

type multicastRequest struct {
	To                     []string          `json:"to"`
	Messages               []json.RawMessage `json:"messages"`
	NotificationDisabled   *bool             `json:"notificationDisabled"`
	CustomAggregationUnits []string          `json:"customAggregationUnits"`
}

type sentMessage struct {
	ID         string `json:"id"`
	QuoteToken string `json:"quoteToken,omitempty"`
}

type sentMessages struct {
	SentMessages []sentMessage `json:"sentMessages"`
}

// decodeJSON decodes a request body, turning decode errors into LINE-style
// 400 answers.
func decodeJSON(body []byte, v any) (answer, bool) {
	err := json.Unmarshal(body, v)
	if err == nil {
		return answer{}, true
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fail(http.StatusBadRequest, "The request body has 1 error(s)",
			detail{Message: "wrong JSON type: want " + typeErr.Type.String(), Property: typeErr.Field}), false
	}
	return fail(http.StatusBadRequest, "The request body could not be parsed as JSON"), false
}

func isUserID(id string) bool { return strings.HasPrefix(id, "U") && len(id) > 1 }
func isGroupID(id string) bool {
	return (strings.HasPrefix(id, "C") || strings.HasPrefix(id, "R")) && len(id) > 1
}

var aggregationUnitRE = regexp.MustCompile(`^[a-zA-Z0-9_]{1,30}$`)

func validateAggregationUnits(v *verrs, units []string) {
	if len(units) > 1 {
		v.add("customAggregationUnits", "Size must be between 0 and 1")
	}
	for i, u := range units {
		if !aggregationUnitRE.MatchString(u) {
			v.add(fmt.Sprintf("customAggregationUnits[%d]", i), "must match ^[a-zA-Z0-9_]{1,30}$")
		}
	}
}

// retryKey reads X-Line-Retry-Key. An absent or empty header means none (the
// SDK always sends the header, empty when no key is given).
func retryKey(r *http.Request) (string, answer, bool) {
	key := r.Header.Get("X-Line-Retry-Key")
	if key == "" {
		return "", answer{}, true
	}
	if !uuidRE.MatchString(key) {
		return "", fail(http.StatusBadRequest, "The value for the 'X-Line-Retry-Key' header is invalid"), false
	}
	return strings.ToLower(key), answer{}, true
}

func (s *Server) handleReply(c *call) answer {
	var req replyRequest
	if a, okay := decodeJSON(c.body, &req); !okay {
		return a
	}
	var v verrs
	if req.ReplyToken == "" {
		v.add("replyToken", "must be specified")
	}
	validateMessages(&v, req.Messages)
	if v.failed() {
		return v.answer()
	}
	return s.deliver(c, delivery{kind: KindReply, replyToken: req.ReplyToken, messages: req.Messages})
}

func (s *Server) handlePush(c *call) answer {
	key, a, okay := retryKey(c.r)
	if !okay {
		return a
	}
	var req pushRequest
	if a, okay := decodeJSON(c.body, &req); !okay {
		return a
	}
	var v verrs
	switch {
	case req.To == "":
		v.add("to", "must be specified")
	case !isUserID(req.To) && !isGroupID(req.To):
		v.add("to", "must be a user, group or room id")
	}
	validateMessages(&v, req.Messages)
	validateAggregationUnits(&v, req.CustomAggregationUnits)
	if v.failed() {
		return v.answer()
	}
	return s.deliver(c, delivery{kind: KindPush, to: []string{req.To}, retryKey: key, messages: req.Messages})
}

func (s *Server) handleMulticast(c *call) answer {
	key, a, okay := retryKey(c.r)
	if !okay {
		return a
	}
	var req multicastRequest
	if a, okay := decodeJSON(c.body, &req); !okay {
		return a
	}
	var v verrs
	if n := len(req.To); n < 1 || n > MaxMulticastRecipients {
		v.add("to", "Size must be between 1 and %d", MaxMulticastRecipients)
	}
	for i, id := range req.To {
		if !isUserID(id) {
			v.add(fmt.Sprintf("to[%d]", i), "must be a user id (multicast cannot target groups or rooms)")
		}
	}
	validateMessages(&v, req.Messages)
	validateAggregationUnits(&v, req.CustomAggregationUnits)
	if v.failed() {
		return v.answer()
	}
	return s.deliver(c, delivery{kind: KindMulticast, to: req.To, retryKey: key, messages: req.Messages})
}

type delivery struct {
	kind       string
	to         []string
	replyToken string
	retryKey   string
	messages   []json.RawMessage
}

var messageSeq atomic.Int64

func init() { messageSeq.Store(500_000_000_000_000_000 + int64(randomUint32())) }

// deliver applies the checks that depend on state (retry key, reply token,
// quota) and records the request, all under one lock so that concurrent
// retries cannot both be accepted.
func (s *Server) deliver(c *call, d delivery) answer {
	s.mu.Lock()
	defer s.mu.Unlock()

	if d.retryKey != "" {
		if prev, seen := s.retryKeys[d.retryKey]; seen && c.at.Sub(prev.at) < RetryKeyTTL {
			a := fail(http.StatusConflict, "The retry key is already accepted")
			a.header = http.Header{"X-Line-Accepted-Request-Id": {prev.requestID}}
			a.reason = "retry key already accepted by request " + prev.requestID
			return a
		}
	}

	to := d.to
	if d.kind == KindReply {
		tok, known := s.replyTokens[d.replyToken]
		switch {
		case !known:
			return s.badToken("reply token was never issued")
		case tok.used:
			return s.badToken("reply token already used")
		case c.at.Sub(tok.issued) > ReplyTokenTTL:
			return s.badToken(fmt.Sprintf("reply token expired (issued %v before)", c.at.Sub(tok.issued)))
		}
		if tok.chat != "" {
			to = []string{tok.chat}
		}
	}

	var cost int64
	if d.kind != KindReply {
		for _, id := range d.to {
			if isGroupID(id) {
				n, known := s.groupMembers[id]
				if !known {
					n = 1
				}
				cost += int64(n)
			} else {
				cost++
			}
		}
		month := monthOf(c.at)
		if s.quota > 0 && s.usage[month]+cost > s.quota {
			a := fail(http.StatusTooManyRequests, "You have reached your monthly limit.")
			a.reason = fmt.Sprintf("monthly quota %d: used %d, this request needs %d", s.quota, s.usage[month], cost)
			return a
		}
		s.usage[month] += cost
	}

	if d.kind == KindReply {
		s.replyTokens[d.replyToken].used = true
	}
	id := newUUID()
	if d.retryKey != "" {
		s.retryKeys[d.retryKey] = acceptedKey{requestID: id, at: c.at}
	}
	s.record(Request{
		ID:         id,
		At:         c.at,
		Kind:       d.kind,
		To:         to,
		ReplyToken: d.replyToken,
		RetryKey:   d.retryKey,
		Messages:   d.messages,
		Body:       c.body,
	})

	a := ok(struct{}{})
	if d.kind != KindMulticast {
		var sm sentMessages
		for range d.messages {
			sm.SentMessages = append(sm.SentMessages, sentMessage{
				ID:         strconv.FormatInt(messageSeq.Add(1), 10),
				QuoteToken: randomHex(16),
			})
		}
		a = ok(sm)
	}
	a.requestID = id
	return a
}

func (s *Server) badToken(why string) answer {
	a := fail(http.StatusBadRequest, "Invalid reply token")
	a.reason = "Invalid reply token: " + why
	return a
}

// ---- profiles and quota ----

type profileAnswer struct {
	UserID      string `json:"userId"`
	DisplayName string `json:"displayName"`
	Language    string `json:"language,omitempty"`
	PictureURL  string `json:"pictureUrl,omitempty"`
}

func (s *Server) handleProfile(c *call) answer {
	return s.profile(c, c.params["userId"], true)
}

func (s *Server) handleGroupMember(c *call) answer {
	return s.profile(c, c.params["userId"], false)
}

// profile answers a profile lookup; group member profiles carry no language.
func (s *Server) profile(c *call, userID string, withLanguage bool) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, known := s.profiles[userID]
	if !known {
		return notFound("no profile set for " + userID)
	}
	pa := profileAnswer{UserID: userID, DisplayName: p.displayName}
	if withLanguage {
		pa.Language = p.language
	}
	return s.accepted(c, KindProfile, []string{userID}, pa)
}

// handleGroupMemberCount answers how many members a group has (what a push
// to it counts); groups nobody set count 1.
func (s *Server) handleGroupMemberCount(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.groupMembers[c.params["groupId"]]
	if !ok {
		n = 1
	}
	return s.accepted(c, KindQuota, nil, map[string]any{"count": n})
}

func (s *Server) handleQuota(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := map[string]any{"type": "none"}
	if s.quota > 0 {
		body = map[string]any{"type": "limited", "value": s.quota}
	}
	return s.accepted(c, KindQuota, nil, body)
}

func (s *Server) handleConsumption(c *call) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted(c, KindQuota, nil, map[string]int64{"totalUsage": s.usage[monthOf(c.at)]})
}

// accepted records a non-sending request and answers 200 with body. The
// caller holds s.mu.
func (s *Server) accepted(c *call, kind string, to []string, body any) answer {
	id := newUUID()
	var raw []byte
	if len(c.body) > 0 {
		raw = c.body
	}
	s.record(Request{ID: id, At: c.at, Kind: kind, To: to, Body: raw})
	a := ok(body)
	a.requestID = id
	return a
}
