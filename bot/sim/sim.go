// Package sim is the built-in LINE simulator: a web page, served at /sim in
// simulator mode only, that looks and behaves like LINE chats on a phone,
// so that anyone can try the bot without a LINE channel.
//
// The simulator speaks LINE's wire format, not the domain. What a persona
// types or taps becomes a webhook event, signed with the run's channel
// secret and POSTed to the bot's own /callback, exactly as LINE would send
// it; a file a persona sends is kept by the fake's data endpoint for the
// bot to fetch, as LINE keeps it, and announced by a file message event;
// what the bot sends (replies, pushes, multicasts) is picked up from the
// in-process fake LINE API (bot/linefake) and shown in the chat it went to.
// The page renders LINE's message objects itself: text, quick replies,
// buttons and confirm templates, Flex bubbles and carousels, and the
// date-time picker.
//
// History is kept in memory per chat (bounded), so a page reload shows the
// conversation again; a restart of the program starts the page afresh while
// the bot's database keeps its state.
package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sammachip/sammachip/bot/linefake"
)

// Limits on what the page may send, the same LINE puts on users and bots.
const (
	// DefaultMaxHistory is how many entries a chat keeps when
	// Options.MaxHistory is 0.
	DefaultMaxHistory = 300
	// MaxChats bounds how many chats are kept: chats of the personas and
	// groups always, others (pushes to users nobody plays) up to this many.
	MaxChats = 1000
	// MaxTextLen is the longest text a persona may send (UTF-16 units).
	MaxTextLen = 5000
	// MaxDataLen is the longest postback data (LINE: 300 characters).
	MaxDataLen = 300
	// MaxNameLen is the longest persona name (LINE display names: 20).
	MaxNameLen = 20
	// MaxFileSize is the largest file a persona may send: LINE's app
	// refuses files over 1 GB.
	MaxFileSize = 1 << 30
	// MaxFileUpload is the largest file whose content the page uploads
	// (the fake then serves it, as LINE's data endpoint would). A larger
	// file (up to MaxFileSize) is sent as its name and size only: the bot
	// refuses files that size without fetching them, and a fetch of one
	// would answer 404 as for expired content.
	MaxFileUpload = 32 << 20
	// MaxStoredFiles bounds the content of the files sent that the fake
	// keeps serving; past it the oldest go, and a fetch of one answers 404
	// as LINE does for content it no longer keeps.
	MaxStoredFiles = 128 << 20
	// MaxFileNameLen is the longest file name (UTF-16 units), as most file
	// systems allow.
	MaxFileNameLen = 255
)

// Persona is someone the page can play: a LINE user with a profile.
type Persona struct {
	// ID is the LINE user id ("U" + 32 hex digits).
	ID string `json:"id"`
	// Name is the LINE display name.
	Name string `json:"name"`
	// Lang is the profile language the fake's profile API reports ("th", "en").
	Lang string `json:"lang"`
	// Role is an identifier the page turns into a label (officer,
	// lead_sage, team_sage, household, villager); empty for added personas.
	Role string `json:"role,omitempty"`
}

// Group is a LINE group chat the bot is (or will be) in. Every persona is a
// member; the page chooses who speaks.
type Group struct {
	// ID is the LINE group id ("C" + 32 hex digits).
	ID string `json:"id"`
	// Name is the group's name shown in the page.
	Name string `json:"name"`
	// Role is an identifier the page turns into a label (officers).
	Role string `json:"role,omitempty"`
}

// Options configures a Sim.
type Options struct {
	// Fake is the in-process LINE API the bot sends to. Required.
	Fake *linefake.Server
	// Webhook is the bot's own webhook (URL and channel secret). Required.
	Webhook linefake.Webhook
	// Clock is the programme clock. Required.
	Clock *Clock
	// Location is the programme time zone the page shows times in.
	Location *time.Location
	// Personas and Groups are the chats the page starts with.
	Personas []Persona
	Groups   []Group
	// Opened reports whether the bot already knows a chat (a user who
	// follows it, a group it is in), so that a restarted simulator does not
	// send a second follow or join. Nil means no chat is known.
	Opened func(chatID string) bool
	// Log receives the simulator's own errors (never message text).
	Log *slog.Logger
	// MaxHistory is how many entries each chat keeps (default
	// DefaultMaxHistory); older ones are dropped.
	MaxHistory int
}

// Entry is one line of a chat's history as the page shows it.
type Entry struct {
	// Seq orders entries across all chats.
	Seq  int64  `json:"seq"`
	Chat string `json:"chat"`
	// At is the programme time; Day ("2006-01-02") and Time ("15:04") are
	// At in the programme time zone, for the page's separators and labels.
	At   time.Time `json:"at"`
	Day  string    `json:"day"`
	Time string    `json:"time"`
	// From is "bot", "user" or "system".
	From string `json:"from"`
	// Persona is the user who spoke (From "user").
	Persona string `json:"persona,omitempty"`
	// Text is what the user typed, or a tapped button's display text.
	Text string `json:"text,omitempty"`
	// File is the file the user sent (From "user"), shown as LINE shows a
	// file message: its name and size.
	File *FileInfo `json:"file,omitempty"`
	// Message is the LINE message object the bot sent (From "bot").
	Message json.RawMessage `json:"message,omitempty"`
	// Via is how the bot sent it: reply, push or multicast.
	Via string `json:"via,omitempty"`
	// Note names a system entry: follow, join, webhook_failed, rejected.
	Note string `json:"note,omitempty"`
	// Detail explains a failure (technical English, for developers).
	Detail string `json:"detail,omitempty"`
}

// Sim is a running simulator. Build it with New, mount Handler, call Start;
// Close ends the page's event streams. Every method is safe for concurrent
// use.
type Sim struct {
	opt    Options
	client *http.Client
	hub    *hub

	mu       sync.Mutex
	seq      int64
	personas []Persona
	groups   []Group
	chats    map[string][]Entry
	opened   map[string]bool
	tokens   map[string]string // reply tokens of events we sent → chat
	files    []storedFile      // contents the fake serves, oldest first
	stored   int64             // their total size

	stopOnce    sync.Once
	done        chan struct{}
	unsubscribe func()
	removeJump  func()
	loops       sync.WaitGroup
}

// New returns a simulator for opt. It registers every persona's profile
// with the fake, so the bot's profile-language lookup works.
func New(opt Options) *Sim {
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.MaxHistory <= 0 {
		opt.MaxHistory = DefaultMaxHistory
	}
	s := &Sim{
		opt:      opt,
		client:   &http.Client{Timeout: 10 * time.Second},
		hub:      newHub(),
		personas: slices.Clone(opt.Personas),
		groups:   slices.Clone(opt.Groups),
		chats:    map[string][]Entry{},
		opened:   map[string]bool{},
		tokens:   map[string]string{},
		done:     make(chan struct{}),
	}
	if s.opt.Webhook.Client == nil {
		s.opt.Webhook.Client = s.client
	}
	for _, p := range s.personas {
		opt.Fake.SetProfile(p.ID, p.Name, p.Lang)
	}
	s.setGroupSizes()
	return s
}

// Start begins showing what the bot sends: it subscribes to the fake LINE
// API and watches for messages the fake rejects. It also tells the page
// when the clock jumps.
func (s *Sim) Start() {
	ch, cancel := s.opt.Fake.Subscribe()
	s.unsubscribe = cancel
	s.removeJump = s.opt.Clock.OnJump(func(time.Time) { s.hub.send("clock", s.clockState()) })
	s.loops.Add(2)
	go func() {
		defer s.loops.Done()
		for req := range ch {
			s.delivered(req)
		}
	}()
	go func() {
		defer s.loops.Done()
		s.watchRejections()
	}()
}

// Close ends the page's event streams (so an HTTP shutdown need not wait
// for them) and stops watching the fake. It is safe to call more than once.
func (s *Sim) Close() {
	s.stopOnce.Do(func() {
		close(s.done)
		if s.unsubscribe != nil {
			s.unsubscribe()
		}
		if s.removeJump != nil {
			s.removeJump()
		}
		s.hub.close()
	})
	s.loops.Wait()
}

// Personas returns the personas, in the order the page lists them.
func (s *Sim) Personas() []Persona {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.personas)
}

// History returns a copy of a chat's entries, oldest first.
func (s *Sim) History(chatID string) []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.chats[chatID])
}

// AddPersona adds a LINE user named name whose profile language is lang
// ("th" or "en") and registers the profile with the fake.
func (s *Sim) AddPersona(name, lang string) (Persona, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxNameLen {
		return Persona{}, fmt.Errorf("sim: a name of 1 to %d characters is needed", MaxNameLen)
	}
	if lang != "th" && lang != "en" {
		return Persona{}, errors.New(`sim: language must be "th" or "en"`)
	}
	p := Persona{ID: "U" + randomHex(16), Name: name, Lang: lang}
	s.opt.Fake.SetProfile(p.ID, p.Name, p.Lang)
	s.mu.Lock()
	s.personas = append(s.personas, p)
	s.mu.Unlock()
	s.setGroupSizes()
	s.hub.send("personas", s.Personas())
	return p, nil
}

// setGroupSizes tells the fake that every persona is in every group, so a
// push to a group is counted per member as LINE counts it.
func (s *Sim) setGroupSizes() {
	s.mu.Lock()
	n := len(s.personas)
	groups := slices.Clone(s.groups)
	s.mu.Unlock()
	for _, g := range groups {
		s.opt.Fake.SetGroupMembers(g.ID, n)
	}
}

func (s *Sim) persona(id string) (Persona, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.personas {
		if p.ID == id {
			return p, true
		}
	}
	return Persona{}, false
}

func (s *Sim) isGroup(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.ContainsFunc(s.groups, func(g Group) bool { return g.ID == id })
}

// source returns the webhook source of persona as speaking in chatID: its
// own 1:1 chat, or a group it is in.
func (s *Sim) source(chatID, as string) (linefake.Source, error) {
	if _, ok := s.persona(as); !ok {
		return linefake.Source{}, fmt.Errorf("sim: no persona %q", as)
	}
	switch {
	case s.isGroup(chatID):
		return linefake.Group(chatID, as), nil
	case chatID == as:
		return linefake.User(as), nil
	}
	return linefake.Source{}, fmt.Errorf("sim: persona %q cannot speak in chat %q", as, chatID)
}

// Open is a persona opening a chat. The first time, the bot gets what LINE
// sends then: a follow event for a 1:1 chat (the user adds the bot as a
// friend) or a join event for a group (the bot is invited). Later opens,
// and chats opts.Opened says the bot already knows, send nothing.
func (s *Sim) Open(ctx context.Context, chatID, as string) error {
	src, err := s.source(chatID, as)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.opened[chatID] {
		s.mu.Unlock()
		return nil
	}
	s.opened[chatID] = true
	s.mu.Unlock()
	if s.opt.Opened != nil && s.opt.Opened(chatID) {
		return nil
	}
	ev := s.opt.Fake.Events()
	now := s.opt.Clock.Now()
	var e linefake.Event
	note := "follow"
	if src.Type == "group" {
		e, note = ev.JoinEvent(chatID, now), "join"
	} else {
		e = ev.FollowEvent(src, now)
	}
	s.append(Entry{Chat: chatID, At: now, From: "system", Note: note})
	if err := s.post(ctx, chatID, e); err != nil {
		s.mu.Lock()
		s.opened[chatID] = false
		s.mu.Unlock()
		return err
	}
	return nil
}

// Send is what a persona does in a chat.
type Send struct {
	Chat string `json:"chat"`
	// As is the persona speaking.
	As string `json:"as"`
	// Type is "text" (Text is sent as a message) or "postback" (a tapped
	// button: Data, Params from a date-time picker, and DisplayText shown
	// as the user's words when set).
	Type        string            `json:"type"`
	Text        string            `json:"text,omitempty"`
	Data        string            `json:"data,omitempty"`
	Params      map[string]string `json:"params,omitempty"`
	DisplayText string            `json:"displayText,omitempty"`
}

// Send delivers what a persona typed or tapped to the bot as a webhook
// event, after showing it in the chat as LINE would.
func (s *Sim) Send(ctx context.Context, m Send) error {
	src, err := s.source(m.Chat, m.As)
	if err != nil {
		return err
	}
	if err := s.Open(ctx, m.Chat, m.As); err != nil {
		return err
	}
	ev := s.opt.Fake.Events()
	now := s.opt.Clock.Now()
	var e linefake.Event
	shown := ""
	switch m.Type {
	case "text":
		if strings.TrimSpace(m.Text) == "" || utf16Len(m.Text) > MaxTextLen {
			return fmt.Errorf("sim: a text of 1 to %d characters is needed", MaxTextLen)
		}
		e, shown = ev.TextEvent(src, m.Text, now), m.Text
	case "postback":
		if m.Data == "" || utf16Len(m.Data) > MaxDataLen {
			return fmt.Errorf("sim: postback data of 1 to %d characters is needed", MaxDataLen)
		}
		e, shown = ev.PostbackEvent(src, m.Data, m.Params, now), m.DisplayText
	default:
		return fmt.Errorf("sim: unknown send type %q", m.Type)
	}
	if shown != "" {
		s.append(Entry{Chat: m.Chat, At: now, From: "user", Persona: m.As, Text: shown})
	}
	return s.post(ctx, m.Chat, e)
}

// FileInfo is a file message as the chat shows it.
type FileInfo struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// SendFile delivers a file a persona sends in a chat, as LINE does: the
// content goes to the fake's data endpoint under a new message id, and the
// bot gets a file message event (id, fileName, fileSize) to fetch it by.
// data is the content; when it is nil, size is the file's size and only
// the event is sent (a file too large to upload: see MaxFileUpload).
func (s *Sim) SendFile(ctx context.Context, chat, as, name string, data []byte, size int64) error {
	src, err := s.source(chat, as)
	if err != nil {
		return err
	}
	name = fileBase(name)
	if name == "" || utf16Len(name) > MaxFileNameLen {
		return fmt.Errorf("sim: a file name of 1 to %d characters is needed", MaxFileNameLen)
	}
	if data != nil {
		size = int64(len(data))
		if size > MaxFileUpload {
			return fmt.Errorf("sim: a file over %d MB is sent without its content", MaxFileUpload>>20)
		}
	}
	if size <= 0 || size > MaxFileSize {
		return fmt.Errorf("sim: LINE sends files of 1 byte to %d GB", MaxFileSize>>30)
	}
	if err := s.Open(ctx, chat, as); err != nil {
		return err
	}
	ev := s.opt.Fake.Events()
	now := s.opt.Clock.Now()
	var e linefake.Event
	if data != nil {
		e = ev.FileEventWith(src, name, data, now)
		s.keepFile(e.MessageID(), size)
	} else {
		e = ev.FileEvent(src, name, size, now)
	}
	s.append(Entry{Chat: chat, At: now, From: "user", Persona: as, File: &FileInfo{Name: name, Size: size}})
	return s.post(ctx, chat, e)
}

// storedFile is the content of a file sent that the fake serves.
type storedFile struct {
	id   string
	size int64
}

// keepFile records a content the fake now serves, and removes the oldest
// ones past MaxStoredFiles.
func (s *Sim) keepFile(id string, size int64) {
	s.mu.Lock()
	s.files = append(s.files, storedFile{id, size})
	s.stored += size
	var drop []string
	for s.stored > MaxStoredFiles && len(s.files) > 1 {
		drop = append(drop, s.files[0].id)
		s.stored -= s.files[0].size
		s.files = s.files[1:]
	}
	s.mu.Unlock()
	for _, id := range drop {
		s.opt.Fake.PutContent(id, nil)
	}
}

// fileBase is a file name without any folder a browser or system put in
// front of it, and without control characters.
func fileBase(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	return strings.TrimSpace(name)
}

// post signs and sends one event to the bot's webhook. A failure is shown
// in the chat as well as returned.
func (s *Sim) post(ctx context.Context, chatID string, e linefake.Event) error {
	if tok := e.ReplyToken(); tok != "" {
		s.mu.Lock()
		s.tokens[tok] = chatID
		s.mu.Unlock()
	}
	res, err := s.opt.Webhook.Post(ctx, e)
	if err != nil {
		s.opt.Log.Error("sim: webhook", "err", err)
		s.append(Entry{Chat: chatID, At: s.opt.Clock.Now(), From: "system", Note: "webhook_failed", Detail: "webhook unreachable"})
		return fmt.Errorf("sim: webhook: %w", err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		detail := fmt.Sprintf("webhook answered %d", res.StatusCode)
		s.append(Entry{Chat: chatID, At: s.opt.Clock.Now(), From: "system", Note: "webhook_failed", Detail: detail})
		return errors.New("sim: " + detail)
	}
	return nil
}

// delivered records what the fake accepted from the bot.
func (s *Sim) delivered(req linefake.Request) {
	switch req.Kind {
	case linefake.KindReply, linefake.KindPush, linefake.KindMulticast:
	default:
		return
	}
	if req.Kind == linefake.KindReply {
		s.mu.Lock()
		delete(s.tokens, req.ReplyToken)
		s.mu.Unlock()
	}
	for _, to := range req.To {
		for _, m := range req.Messages {
			s.append(Entry{Chat: to, At: req.At, From: "bot", Message: m, Via: req.Kind})
		}
	}
}

// watchRejections shows, in the chat it was meant for, every message the
// fake refused (a message LINE would refuse too), so a developer sees why
// nothing arrived.
func (s *Sim) watchRejections() {
	t := time.NewTicker(300 * time.Millisecond)
	defer t.Stop()
	seen := len(s.opt.Fake.Rejected())
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		all := s.opt.Fake.Rejected()
		if len(all) < seen { // the fake was Reset
			seen = 0
		}
		for _, r := range all[seen:] {
			if chat := s.rejectedChat(r); chat != "" {
				s.append(Entry{Chat: chat, At: r.At, From: "system", Note: "rejected", Detail: r.String()})
			}
		}
		seen = len(all)
	}
}

func (s *Sim) rejectedChat(r linefake.Rejection) string {
	var body struct {
		To         json.RawMessage `json:"to"`
		ReplyToken string          `json:"replyToken"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return ""
	}
	if body.ReplyToken != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.tokens[body.ReplyToken]
	}
	var to string
	if json.Unmarshal(body.To, &to) == nil {
		return to
	}
	return ""
}

// append stores an entry in its chat's history and sends it to the pages.
func (s *Sim) append(e Entry) {
	at := e.At.In(s.opt.Location)
	e.Day, e.Time = at.Format("2006-01-02"), at.Format("15:04")
	s.mu.Lock()
	log, known := s.chats[e.Chat]
	if !known && len(s.chats) >= MaxChats && !s.playedLocked(e.Chat) {
		s.mu.Unlock()
		return
	}
	s.seq++
	e.Seq = s.seq
	log = append(log, e)
	if over := len(log) - s.opt.MaxHistory; over > 0 {
		log = slices.Delete(log, 0, over)
	}
	s.chats[e.Chat] = log
	s.mu.Unlock()
	s.hub.send("entry", e)
}

// playedLocked reports whether chatID belongs to a persona or group; the
// caller holds s.mu.
func (s *Sim) playedLocked(chatID string) bool {
	return slices.ContainsFunc(s.personas, func(p Persona) bool { return p.ID == chatID }) ||
		slices.ContainsFunc(s.groups, func(g Group) bool { return g.ID == chatID })
}

// clockInfo is the clock as the page shows it.
type clockInfo struct {
	// Now is the programme time, RFC 3339 with milliseconds.
	Now string `json:"now"`
	// Offset is the programme zone's offset from UTC at Now, in minutes.
	Offset int `json:"offset"`
	// Shifted is true when the clock has been jumped away from real time.
	Shifted bool `json:"shifted"`
}

func (s *Sim) clockState() clockInfo {
	now := s.opt.Clock.Now().In(s.opt.Location)
	_, off := now.Zone()
	return clockInfo{Now: now.Format("2006-01-02T15:04:05.000Z07:00"), Offset: off / 60, Shifted: s.opt.Clock.Shifted()}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
