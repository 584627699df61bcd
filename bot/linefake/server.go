// Package linefake is a fake LINE Messaging API for tests and for the built-in
// simulator.
//
// A Server answers the Messaging API paths (api.line.me) and the blob paths
// (api-data.line.me) on one http.Handler, so an SDK client built with
// messaging_api.WithEndpoint and a blob client built with
// messaging_api.WithBlobEndpoint can both point at the same URL.
//
// The fake rejects what LINE would reject: message objects are checked rule by
// rule (counts, lengths in UTF-16 units, template and Flex structure, action
// labels, quick-reply items), reply tokens expire and are single use, retry
// keys are deduplicated for 24 hours, and pushes count against a monthly quota
// per recipient. A bad message therefore fails the test that sent it, and
// Rejected explains why.
//
// Every method of Server is safe for concurrent use.
package linefake

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Limits the fake enforces on every endpoint. Where LINE states a size in KB
// or MB without saying which, the stricter decimal reading is used, so
// anything the fake accepts LINE accepts too.
const (
	// MaxRequestBytes is the largest request body accepted (LINE: 2 MB).
	MaxRequestBytes = 2_000_000
	// ReplyTokenTTL is how long after issue a reply token can be used.
	ReplyTokenTTL = time.Minute
	// RetryKeyTTL is how long an accepted X-Line-Retry-Key is remembered.
	RetryKeyTTL = 24 * time.Hour
)

// Request kinds recorded in Request.Kind.
const (
	KindReply     = "reply"
	KindPush      = "push"
	KindMulticast = "multicast"
	KindProfile   = "profile"
	KindQuota     = "quota"
	KindRichMenu  = "richmenu"
)

// Request is one request the fake accepted (answered with a 2xx status).
type Request struct {
	// ID is the X-Line-Request-Id the fake answered with.
	ID string
	// At is the injected clock's time when the request arrived.
	At time.Time
	// Kind is one of the Kind constants.
	Kind string
	// To lists the chats a message went to: the push target, the multicast
	// user ids, or the chat a reply token was issued for (empty for a token
	// from IssueReplyToken). For profile requests it holds the user id.
	To []string
	// ReplyToken is the token a reply used.
	ReplyToken string
	// RetryKey is the X-Line-Retry-Key of a push or multicast, "" if none.
	RetryKey string
	// Messages are the message objects of a reply, push or multicast, as sent.
	Messages []json.RawMessage
	// Body is the raw request body (nil for GET and DELETE).
	Body []byte
}

// Rejection is one request the fake answered with a 4xx or 5xx status,
// including injected faults. Tests print these to see why a send failed.
type Rejection struct {
	At     time.Time
	Method string
	Path   string
	Status int
	Reason string
	Body   []byte
}

// String formats the rejection for test logs.
func (r Rejection) String() string {
	return fmt.Sprintf("%s %s -> %d: %s", r.Method, r.Path, r.Status, r.Reason)
}

// Option configures a Server built by New.
type Option func(*Server)

// WithClock sets the clock used for reply-token expiry, retry-key windows,
// quota months and recorded times. The default is time.Now. Injected hangs
// (HangNext, HangNextAfterAccepting) always wait in real time.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithQuota sets a monthly message quota (GET /v2/bot/message/quota answers
// type "limited"). A limit of 0, or no WithQuota at all, means no limit
// (type "none").
func WithQuota(limit int64) Option {
	return func(s *Server) { s.quota = limit }
}

// WithAccessToken makes every endpoint answer 401 unless the request carries
// "Authorization: Bearer tok".
func WithAccessToken(tok string) Option {
	return func(s *Server) { s.token = tok }
}

// Server is the fake LINE Messaging API. Build it with New, then either mount
// it as an http.Handler or call Start for a loopback URL. The zero value is
// not usable.
type Server struct {
	now   func() time.Time
	token string

	mu           sync.Mutex
	quota        int64
	replyTokens  map[string]*replyToken
	retryKeys    map[string]acceptedKey
	requests     []Request
	rejections   []Rejection
	usage        map[int]int64 // by year*12+month of the injected clock
	profiles     map[string]profile
	groupMembers map[string]int
	faults       []fault
	failWhen     func(kind string, at time.Time) int
	subs         map[*subscriber]struct{}
	menus        map[string]*richMenu
	menuOrder    []string
	aliases      map[string]string
	defaultMenu  string
	userMenus    map[string]string
	contents     map[string][]byte // message content by message id (content.go)
	contentAsked map[string]int
	ts           *httptest.Server
	// loadSt holds rate limits and random faults (load.go), made on first
	// use under loadOnce.
	loadOnce sync.Once
	loadSt   *loadState

	closeOnce sync.Once
	done      chan struct{}
}

type replyToken struct {
	chat   string
	issued time.Time
	used   bool
}

type acceptedKey struct {
	requestID string
	at        time.Time
}

type profile struct {
	displayName string
	language    string
}

// New returns a fake with no profiles, no rich menus and no quota limit.
func New(opts ...Option) *Server {
	s := &Server{
		now:          time.Now,
		replyTokens:  map[string]*replyToken{},
		retryKeys:    map[string]acceptedKey{},
		usage:        map[int]int64{},
		profiles:     map[string]profile{},
		groupMembers: map[string]int{},
		subs:         map[*subscriber]struct{}{},
		menus:        map[string]*richMenu{},
		aliases:      map[string]string{},
		userMenus:    map[string]string{},
		done:         make(chan struct{}),
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Start serves the fake on a loopback httptest.Server and returns its base
// URL (no trailing slash), for messaging_api.WithEndpoint and
// WithBlobEndpoint. Calling Start again returns the same URL.
func (s *Server) Start() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ts == nil {
		s.ts = httptest.NewServer(s)
	}
	return s.ts.URL
}

// Close aborts injected hangs, closes every Subscribe channel and stops the
// server started by Start. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.done) })
	s.mu.Lock()
	ts := s.ts
	subs := s.subs
	s.subs = map[*subscriber]struct{}{}
	s.mu.Unlock()
	for sub := range subs {
		sub.stop()
	}
	if ts != nil {
		ts.Close()
	}
}

// SetQuota changes the monthly limit set by WithQuota (0 = no limit).
func (s *Server) SetQuota(limit int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quota = limit
}

// Usage returns the messages counted against the quota in the injected
// clock's current calendar month, as GET /v2/bot/message/quota/consumption
// reports it.
func (s *Server) Usage() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.usage[monthOf(s.now())]
}

// SetProfile registers a user for GET /v2/bot/profile/{userId} and the group
// member profile endpoint. An empty language is left out of the answer, as
// LINE does for users who have not agreed to its privacy policy.
func (s *Server) SetProfile(userID, displayName, language string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.profiles[userID] = profile{displayName: displayName, language: language}
}

// SetGroupMembers sets how many members a group (or room) id has, which is
// what one push to it counts against the quota. Unknown groups count 1.
func (s *Server) SetGroupMembers(groupID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groupMembers[groupID] = n
}

// IssueReplyToken registers a reply token that belongs to no chat: replies
// with it are accepted but appear in no Texts result. It is valid for
// ReplyTokenTTL of the injected clock and can be used once.
func (s *Server) IssueReplyToken() string { return s.IssueReplyTokenFor("") }

// IssueReplyTokenFor registers a reply token for a chat (a user, group or
// room id); a reply with it is recorded with To = [chatID]. It is valid for
// ReplyTokenTTL of the injected clock and can be used once.
func (s *Server) IssueReplyTokenFor(chatID string) string {
	tok := randomHex(16)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replyTokens[tok] = &replyToken{chat: chatID, issued: s.now()}
	return tok
}

// Requests returns a copy of every accepted request, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.clone()
	}
	return out
}

// Sent returns a copy of the accepted requests of one kind (KindReply,
// KindPush, ...), oldest first.
func (s *Server) Sent(kind string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Kind == kind {
			out = append(out, r.clone())
		}
	}
	return out
}

// Rejected returns a copy of every rejected request, oldest first.
func (s *Server) Rejected() []Rejection {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Rejection, len(s.rejections))
	for i, r := range s.rejections {
		r.Body = bytes.Clone(r.Body)
		out[i] = r
	}
	return out
}

// Reset forgets recorded requests, rejections and pending faults (and
// FailWhen and SetRandomFaults; rate limits stay). What LINE
// itself would remember stays: issued reply tokens, retry keys, quota usage,
// rich menus, and the configured profiles, group sizes and quota.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.rejections = nil
	s.faults = nil
	s.failWhen = nil
	s.load().resetRandom()
}

// Texts returns, in delivery order, the text of every text message and the
// altText of every template, Flex and imagemap message delivered to chatID by
// an accepted reply, push or multicast. Other message types (stickers,
// images, ...) are skipped. Replies count only when their token was issued
// for chatID (IssueReplyTokenFor or a Server's Events).
func (s *Server) Texts(chatID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.requests {
		if r.Kind != KindReply && r.Kind != KindPush && r.Kind != KindMulticast {
			continue
		}
		if !slices.Contains(r.To, chatID) {
			continue
		}
		for _, m := range r.Messages {
			var v struct {
				Type    string `json:"type"`
				Text    string `json:"text"`
				AltText string `json:"altText"`
			}
			if json.Unmarshal(m, &v) != nil {
				continue
			}
			switch v.Type {
			case "text", "textV2":
				out = append(out, v.Text)
			case "template", "flex", "imagemap":
				out = append(out, v.AltText)
			}
		}
	}
	return out
}

func (r Request) clone() Request {
	r.To = slices.Clone(r.To)
	if r.Messages != nil {
		msgs := make([]json.RawMessage, len(r.Messages))
		for i, m := range r.Messages {
			msgs[i] = bytes.Clone(m)
		}
		r.Messages = msgs
	}
	r.Body = bytes.Clone(r.Body)
	return r
}

// ---- HTTP plumbing ----

// call is one incoming request as the handlers see it.
type call struct {
	r      *http.Request
	at     time.Time
	body   []byte
	params map[string]string
}

// answer is what a handler decided; ServeHTTP writes it, possibly after an
// injected hang.
type answer struct {
	status      int
	header      http.Header
	body        any    // encoded as JSON unless raw is set
	raw         []byte // written as is with contentType
	contentType string
	reason      string // why the request was rejected (status >= 400)
	requestID   string // X-Line-Request-Id; a fresh id when empty
}

// errorBody is LINE's error answer.
type errorBody struct {
	Message string   `json:"message"`
	Details []detail `json:"details,omitempty"`
}

// detail is one entry of errorBody.Details.
type detail struct {
	Message  string `json:"message,omitempty"`
	Property string `json:"property,omitempty"`
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func fail(status int, msg string, details ...detail) answer {
	reason := msg
	for _, d := range details {
		reason += "; " + d.Property + ": " + d.Message
	}
	return answer{status: status, body: errorBody{Message: msg, Details: details}, reason: reason}
}

func notFound(what string) answer {
	a := fail(http.StatusNotFound, "Not found")
	a.reason = what
	return a
}

type route struct {
	method  string
	segs    []string
	json    bool // body must be application/json
	sending bool // reply/push/multicast: subject to injected faults
	h       func(*Server, *call) answer
}

type routeFlag int

const (
	plain routeFlag = iota
	jsonBody
	sendingJSON
)

func mkroute(pattern string, flag routeFlag, h func(*Server, *call) answer) route {
	method, path, _ := strings.Cut(pattern, " ")
	return route{
		method:  method,
		segs:    strings.Split(strings.Trim(path, "/"), "/"),
		json:    flag != plain,
		sending: flag == sendingJSON,
		h:       h,
	}
}

// routes is matched in order; the first match wins, so literal segments
// ("list", "all", "alias") come before the {param} patterns they overlap.
var routes = []route{
	mkroute("POST /v2/bot/message/reply", sendingJSON, (*Server).handleReply),
	mkroute("POST /v2/bot/message/push", sendingJSON, (*Server).handlePush),
	mkroute("POST /v2/bot/message/multicast", sendingJSON, (*Server).handleMulticast),
	mkroute("GET /v2/bot/message/quota", plain, (*Server).handleQuota),
	mkroute("GET /v2/bot/message/quota/consumption", plain, (*Server).handleConsumption),
	mkroute("GET /v2/bot/profile/{userId}", plain, (*Server).handleProfile),
	mkroute("GET /v2/bot/group/{groupId}/member/{userId}", plain, (*Server).handleGroupMember),
	mkroute("GET /v2/bot/group/{groupId}/members/count", plain, (*Server).handleGroupMemberCount),
	mkroute("GET /v2/bot/message/{messageId}/content", plain, (*Server).handleContent), // content.go

	mkroute("POST /v2/bot/richmenu", jsonBody, (*Server).handleCreateRichMenu),
	mkroute("POST /v2/bot/richmenu/validate", jsonBody, (*Server).handleValidateRichMenu),
	mkroute("GET /v2/bot/richmenu/list", plain, (*Server).handleListRichMenus),
	mkroute("POST /v2/bot/richmenu/alias", jsonBody, (*Server).handleCreateAlias),
	mkroute("GET /v2/bot/richmenu/alias/list", plain, (*Server).handleListAliases),
	mkroute("GET /v2/bot/richmenu/alias/{aliasId}", plain, (*Server).handleGetAlias),
	mkroute("POST /v2/bot/richmenu/alias/{aliasId}", jsonBody, (*Server).handleUpdateAlias),
	mkroute("DELETE /v2/bot/richmenu/alias/{aliasId}", plain, (*Server).handleDeleteAlias),
	mkroute("GET /v2/bot/richmenu/{richMenuId}", plain, (*Server).handleGetRichMenu),
	mkroute("DELETE /v2/bot/richmenu/{richMenuId}", plain, (*Server).handleDeleteRichMenu),
	mkroute("POST /v2/bot/richmenu/{richMenuId}/content", plain, (*Server).handleUploadImage),
	mkroute("GET /v2/bot/richmenu/{richMenuId}/content", plain, (*Server).handleDownloadImage),
	mkroute("POST /v2/bot/user/all/richmenu/{richMenuId}", plain, (*Server).handleSetDefault),
	mkroute("GET /v2/bot/user/all/richmenu", plain, (*Server).handleGetDefault),
	mkroute("DELETE /v2/bot/user/all/richmenu", plain, (*Server).handleDeleteDefault),
	mkroute("POST /v2/bot/user/{userId}/richmenu/{richMenuId}", plain, (*Server).handleLinkUser),
	mkroute("GET /v2/bot/user/{userId}/richmenu", plain, (*Server).handleGetUserMenu),
	mkroute("DELETE /v2/bot/user/{userId}/richmenu", plain, (*Server).handleUnlinkUser),
}

func match(method, path string) (*route, map[string]string) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		params := map[string]string{}
		okay := true
		for j, p := range rt.segs {
			if strings.HasPrefix(p, "{") {
				if segs[j] == "" {
					okay = false
					break
				}
				params[strings.Trim(p, "{}")] = segs[j]
			} else if p != segs[j] {
				okay = false
				break
			}
		}
		if okay {
			return rt, params
		}
	}
	return nil, nil
}

// ServeHTTP answers one Messaging API or blob API request. Unknown paths
// (and known paths with another method) answer 404.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{r: r, at: s.now()}
	a, hangAfter := s.serve(c)
	if a.status >= 400 {
		s.reject(c, a)
	}
	if hangAfter > 0 && !s.sleep(r.Context(), hangAfter) {
		return // the client gave up or the fake closed: nothing to write to
	}
	s.write(w, a)
}

// serve runs authentication, routing, faults and the handler. It returns the
// answer and, for HangNextAfterAccepting, how long to wait before writing it.
func (s *Server) serve(c *call) (answer, time.Duration) {
	r := c.r
	if s.token != "" && r.Header.Get("Authorization") != "Bearer "+s.token {
		a := fail(http.StatusUnauthorized, "Authentication failed. Confirm that the access token in the authorization header is valid.")
		return a, 0
	}
	rt, params := match(r.Method, r.URL.Path)
	if rt == nil {
		return notFound("no such endpoint"), 0
	}
	c.params = params

	var hangAfter time.Duration
	if rt.sending {
		kind := strings.TrimPrefix(r.URL.Path, "/v2/bot/message/")
		s.mu.Lock()
		failWhen := s.failWhen
		s.mu.Unlock()
		if failWhen != nil {
			if status := failWhen(kind, c.at); status != 0 {
				// Kept for Rejected: a test can tell which send was refused.
				c.body, _ = io.ReadAll(io.LimitReader(r.Body, MaxRequestBytes))
				a := fail(status, faultMessage(status))
				a.reason = fmt.Sprintf("injected failure (FailWhen): %d", status)
				return a, 0
			}
		}
		if f, found := s.popFault(); found {
			switch f.kind {
			case faultFail:
				_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, MaxRequestBytes))
				a := fail(f.status, faultMessage(f.status))
				a.reason = fmt.Sprintf("injected failure (FailNext): %d", f.status)
				return a, 0
			case faultHang:
				_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, MaxRequestBytes))
				s.sleep(r.Context(), f.d)
				a := fail(http.StatusInternalServerError, "Internal server error")
				a.reason = fmt.Sprintf("injected hang (HangNext %v): not processed", f.d)
				return a, 0
			case faultHangAfter:
				hangAfter = f.d
			}
		} else {
			// Rate limits and random faults (load.go) apply to calls that
			// no queued fault took.
			if a, refused := s.rateLimited(c, kind); refused {
				return a, 0
			}
			a, hang, failed := s.randomFault(c, kind)
			if failed {
				return a, 0
			}
			hangAfter = hang
		}
	}

	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(http.StatusRequestEntityTooLarge, "Request entity too large"), hangAfter
		}
		return fail(http.StatusBadRequest, "Could not read the request body"), hangAfter
	}
	c.body = body

	if rt.json {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" {
			return fail(http.StatusUnsupportedMediaType, "Content-Type must be application/json"), hangAfter
		}
	}
	return rt.h(s, c), hangAfter
}

func faultMessage(status int) string {
	if status == http.StatusTooManyRequests {
		return "The API rate limit has been exceeded. Try again later."
	}
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Injected failure"
}

func (s *Server) write(w http.ResponseWriter, a answer) {
	h := w.Header()
	for k, vs := range a.header {
		h[k] = vs
	}
	id := a.requestID
	if id == "" {
		id = newUUID()
	}
	h.Set("X-Line-Request-Id", id)
	if a.raw != nil {
		h.Set("Content-Type", a.contentType)
		w.WriteHeader(a.status)
		_, _ = w.Write(a.raw)
		return
	}
	body := a.body
	if body == nil {
		body = struct{}{}
	}
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte(`{"message":"fake: cannot encode answer"}`)
	}
	h.Set("Content-Type", "application/json")
	w.WriteHeader(a.status)
	_, _ = w.Write(b)
}

func (s *Server) reject(c *call, a answer) {
	reason := a.reason
	if reason == "" {
		reason = http.StatusText(a.status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejections = append(s.rejections, Rejection{
		At:     c.at,
		Method: c.r.Method,
		Path:   c.r.URL.Path,
		Status: a.status,
		Reason: reason,
		Body:   c.body,
	})
}

// record stores an accepted request and hands it to subscribers. The caller
// holds s.mu.
func (s *Server) record(r Request) {
	s.requests = append(s.requests, r)
	for sub := range s.subs {
		sub.push(r.clone())
	}
}

// sleep waits d in real time; it returns false early when ctx ends or the
// fake is closed.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// ---- faults ----

type faultKind int

const (
	faultFail faultKind = iota
	faultHang
	faultHangAfter
)

type fault struct {
	kind   faultKind
	status int
	d      time.Duration
	left   int
}

// FailNext makes the next n message-sending calls (reply, push, multicast)
// answer status with a LINE-shaped error body, without processing them: no
// token is used, no retry key is remembered, nothing is recorded as
// accepted (each appears in Rejected). Faults queue in the order they are
// added: FailNext(1, 500) then HangNext(1, d) fails one call, then hangs the
// next.
func (s *Server) FailNext(n int, status int) {
	s.addFault(fault{kind: faultFail, status: status, left: n})
}

// FailWhen makes message-sending calls fail while fn says so: for each
// reply, push or multicast, fn gets its kind (KindReply, KindPush,
// KindMulticast) and the injected clock's time, and a non-zero status
// answers the call with that status, unprocessed, as FailNext does. It is
// asked before the queued faults of FailNext and HangNext. For example,
// every reply failing for 40 seconds:
//
//	until := now.Add(40 * time.Second)
//	fake.FailWhen(func(kind string, at time.Time) int {
//		if kind == linefake.KindReply && at.Before(until) {
//			return http.StatusInternalServerError
//		}
//		return 0
//	})
//
// FailWhen(nil) ends it.
func (s *Server) FailWhen(fn func(kind string, at time.Time) int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failWhen = fn
}

// HangNext makes the next n message-sending calls wait d (real time), then
// answer 500 WITHOUT having processed the request: nothing is sent or
// recorded. The wait ends early when the client gives up or the fake is
// closed. Use it for "the request never reached LINE" timeouts.
func (s *Server) HangNext(n int, d time.Duration) {
	s.addFault(fault{kind: faultHang, d: d, left: n})
}

// HangNextAfterAccepting makes the next n message-sending calls be processed
// normally (validated, recorded, retry key remembered, quota counted) and
// only then wait d (real time) before answering. A client with a shorter
// timeout sees a failure although LINE delivered the message: its retry with
// the same X-Line-Retry-Key must get 409, and the message must not be sent
// twice.
func (s *Server) HangNextAfterAccepting(n int, d time.Duration) {
	s.addFault(fault{kind: faultHangAfter, d: d, left: n})
}

func (s *Server) addFault(f fault) {
	if f.left <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

func (s *Server) popFault() (fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return fault{}, false
	}
	f := s.faults[0]
	s.faults[0].left--
	if s.faults[0].left <= 0 {
		s.faults = s.faults[1:]
	}
	return f, true
}

// ---- subscriptions ----

// Subscribe returns a channel that receives every request accepted from now
// on, in acceptance order, and a cancel function. Delivery never blocks the
// fake and never drops a request: each subscriber has its own unbounded
// queue drained by a goroutine, so a slow reader only makes its own queue
// grow. cancel (safe to call twice) and Close close the channel; requests
// still queued at that point are discarded.
func (s *Server) Subscribe() (<-chan Request, func()) {
	sub := &subscriber{
		wake: make(chan struct{}, 1),
		quit: make(chan struct{}),
		out:  make(chan Request),
	}
	s.mu.Lock()
	closed := false
	select {
	case <-s.done:
		closed = true
	default:
		s.subs[sub] = struct{}{}
	}
	s.mu.Unlock()
	go sub.run()
	if closed {
		sub.stop()
	}
	cancel := func() {
		s.mu.Lock()
		delete(s.subs, sub)
		s.mu.Unlock()
		sub.stop()
	}
	return sub.out, cancel
}

type subscriber struct {
	mu       sync.Mutex
	queue    []Request
	wake     chan struct{}
	quit     chan struct{}
	quitOnce sync.Once
	out      chan Request
}

func (sub *subscriber) push(r Request) {
	sub.mu.Lock()
	sub.queue = append(sub.queue, r)
	sub.mu.Unlock()
	select {
	case sub.wake <- struct{}{}:
	default:
	}
}

func (sub *subscriber) stop() { sub.quitOnce.Do(func() { close(sub.quit) }) }

func (sub *subscriber) run() {
	defer close(sub.out)
	for {
		sub.mu.Lock()
		if len(sub.queue) == 0 {
			sub.mu.Unlock()
			select {
			case <-sub.wake:
				continue
			case <-sub.quit:
				return
			}
		}
		r := sub.queue[0]
		sub.queue[0] = Request{}
		sub.queue = sub.queue[1:]
		sub.mu.Unlock()
		select {
		case sub.out <- r:
		case <-sub.quit:
			return
		}
	}
}

// ---- ids ----

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func randomUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func monthOf(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 }
