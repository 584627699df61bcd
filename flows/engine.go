package flows

import (
	"errors"
	"fmt"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Config holds the programme's settings that flows need.
type Config struct {
	// Location is the programme's time zone (Asia/Bangkok).
	Location *time.Location
	// ConversationTimeout is how long a conversation may sit idle before it
	// expires. Default 30 minutes.
	ConversationTimeout time.Duration
	// Catalog gives the command words users type, in every language.
	Catalog *locales.Catalog
	// NewCode makes a fresh single-use code (officer codes, invite codes):
	// 8 characters from an alphabet without look-alikes. Tests inject a
	// deterministic one; the default reads crypto/rand.
	NewCode func() string
	// NotifyGroupsOnRegistration pushes a review card to every officers'
	// group for each new sage registration. Off by default: LINE counts a
	// push to a group once per member; officers ask with รออนุมัติ instead.
	NotifyGroupsOnRegistration bool
	// Reminders says when reminders and the daily summary fall due.
	Reminders ReminderConfig
	// DownloadURL makes the address of a report download link from its
	// token (served by the edge at GET /download/<token>). Nil, or an
	// empty answer, means links are not configured: an officer asking for
	// one is told so.
	DownloadURL func(token string) string
	// NewToken makes a download link's secret token: at least 128 bits of
	// randomness, URL-safe. Tests inject a deterministic one; the default
	// reads crypto/rand.
	NewToken func() string
	// CodeLimits bound wrong code attempts, per user and for everyone
	// (flows/codes.go).
	CodeLimits CodeLimits
	// LinkCodeTTL is how long a household's link code works after it is
	// issued; a sage or officer can issue a new one from the household's
	// card. Default 30 days.
	LinkCodeTTL time.Duration
	// FollowUps says when households that completed the programme are
	// followed up (followups.go).
	FollowUps FollowUpConfig
	// OfficePhone is the district office's phone number, digits only
	// (SAMMACHIP_OFFICE_PHONE), named in help so that a villager can call
	// a person; "" leaves it out.
	OfficePhone string
	// CheckInEarly is how long before a day's start (the study visit's
	// departure) "I am here" is accepted; it is accepted until the day's
	// end (attendance_rules.go). Nil: DefaultCheckInEarly, 60 minutes.
	CheckInEarly *time.Duration
	// Office names the district office the bot serves
	// (SAMMACHIP_DISTRICT, SAMMACHIP_PROVINCE): the exports' title blocks
	// and the daily summary's title show it. Empty when not configured.
	Office Office
}

// Office is the district and province of the office the bot serves, as
// names without the อำเภอ / จังหวัด prefix ("เมืองขอนแก่น", "ขอนแก่น").
type Office struct {
	District string
	Province string
}

// Office is the district office the bot serves (Config.Office).
func (e *Engine) Office() Office { return e.cfg.Office }

// Engine turns inputs into state changes and replies. It holds no state of
// its own: everything lives in the Tx it is given, so it is safe for
// concurrent use.
type Engine struct {
	cfg      Config
	forms    map[string]*Form
	actions  map[string]ActionFunc
	menu     map[string]func(c *Ctx) error
	commands []Command
	mydata   []MyDataSection // "my info" sections, see RegisterMyData
}

// ActionFunc handles a button outside any form (approve a sage, mark
// attendance…). args is the button's postback data.
type ActionFunc func(c *Ctx, p Postback) error

// Command is a word users type outside a form, e.g. ผูกกลุ่ม / bind.
type Command struct {
	// Key is the catalog key of the word; it matches in any language.
	Key string
	// InGroup allows the command in groups; Only1to1 the other way round.
	InGroup bool
	In1to1  bool
	Run     func(c *Ctx) error
	// Claim, for a command without Key, looks at typed text that is no
	// command word (e.g. a code) and handles it if it recognises it,
	// reporting whether it did. Claims are tried after every command word,
	// in registration order.
	Claim func(c *Ctx) (bool, error)
}

// NewEngine returns an engine with cfg, filling in defaults, with every
// flow registered.
func NewEngine(cfg Config) *Engine {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.ConversationTimeout <= 0 {
		cfg.ConversationTimeout = 30 * time.Minute
	}
	if cfg.Catalog == nil {
		cfg.Catalog = locales.MustLoad()
	}
	cfg.Reminders.defaults()
	cfg.CodeLimits.defaults()
	cfg.FollowUps.defaults()
	if cfg.LinkCodeTTL <= 0 {
		cfg.LinkCodeTTL = DefaultLinkCodeTTL
	}
	if cfg.NewCode == nil {
		cfg.NewCode = randomCode
	}
	if cfg.NewToken == nil {
		cfg.NewToken = randomToken
	}
	e := &Engine{cfg: cfg, forms: map[string]*Form{}, actions: map[string]ActionFunc{}, menu: map[string]func(*Ctx) error{}}
	// Sages, teams and my info register their menu items before core
	// fills the rest with placeholders, and their code claim before the
	// officers' catch-all one.
	e.registerMyData()
	e.registerSages()
	e.registerTeams()
	e.registerCore()
	e.registerOfficers()
	e.registerVillages()
	e.registerRounds()
	e.registerHouseholds()
	e.registerHouseholdData()
	e.registerSchedule()
	e.registerAttendance()
	e.registerFollowUps()
	e.registerSummary()
	e.registerExport()
	e.registerRolesMenu()
	e.registerGroups()     // groups.go
	e.registerIndicators() // indicators_card.go
	// Files in through the chat, and the consent of households imported
	// from a list (import_chat.go, import_households.go).
	e.registerImportChat()
	e.registerLinkConsent()
	return e
}

// RegisterForm adds a form; its Name must be unique.
func (e *Engine) RegisterForm(f *Form) {
	if _, dup := e.forms[f.Name]; dup {
		panic("flows: form registered twice: " + f.Name)
	}
	e.forms[f.Name] = f
}

// RegisterAction adds a button handler for postbacks with a=name.
func (e *Engine) RegisterAction(name string, fn ActionFunc) {
	if _, dup := e.actions[name]; dup {
		panic("flows: action registered twice: " + name)
	}
	e.actions[name] = fn
}

// RegisterCommand adds a typed command.
func (e *Engine) RegisterCommand(cmd Command) { e.commands = append(e.commands, cmd) }

// RegisterMenu adds a main-menu item handler for postbacks with menu=name.
func (e *Engine) RegisterMenu(name string, fn func(c *Ctx) error) { e.menu[name] = fn }

// Ctx is what a step, action or command sees: the transaction, the input,
// the time, the reader's language and where to put replies.
type Ctx struct {
	Tx   Tx
	In   Input
	Now  time.Time
	Lang locales.Lang
	Out  *Outcome

	eng  *Engine
	conv *Conversation
	// match keeps c.In.Text normalised (typed).
	match typedText
}

// typedText is a text and its locales.MatchCommand.
type typedText struct {
	text, typed string
	done        bool
}

// Say adds replies to the answer.
func (c *Ctx) Say(r ...Reply) { c.Out.Say(r...) }

// Push queues a message to another chat.
func (c *Ctx) Push(p Push) { c.Out.Pushes = append(c.Out.Pushes, p) }

// Location is the programme's time zone.
func (c *Ctx) Location() *time.Location { return c.eng.cfg.Location }

// Handle applies one input inside tx and returns what to say. An error
// means nothing in tx may be committed; the caller retries the input later.
// User-facing refusals are not errors: they are replies.
func (e *Engine) Handle(tx Tx, in Input) (Outcome, error) {
	tx = newEventTx(tx) // event_tx.go
	lang, err := userLang(tx, in)
	if err != nil {
		return Outcome{}, fmt.Errorf("flows: language: %w", err)
	}
	if in.At.IsZero() {
		return Outcome{}, errors.New("flows: input without a time")
	}
	out := Outcome{Lang: lang}
	c := &Ctx{Tx: tx, In: in, Now: in.At.In(e.cfg.Location), Lang: lang, Out: &out, eng: e}
	switch in.Kind {
	case InputFollow:
		err = e.follow(c)
	case InputUnfollow:
		err = e.unfollow(c)
	case InputJoin:
		err = e.join(c)
	case InputLeave:
		err = e.leave(c)
	case InputText, InputPostback:
		err = e.converse(c)
	case InputFile:
		err = e.fileIn(c) // import_chat.go
	default:
		err = e.nonText(c) // conv.go
	}
	if key := userKey(err); key != "" {
		// A refusal or a clear "no": say it; nothing was written before it.
		out.Replies = append(out.Replies, Text(T(key)))
		err = nil
	}
	if err != nil {
		return Outcome{}, err
	}
	if err := e.rememberOffer(tx, in, out); err != nil { // offer.go
		return Outcome{}, err
	}
	return out, nil
}

func (e *Engine) isCmd(text, key string) bool { return e.cfg.Catalog.IsCommand(text, key) }

// typed is the input's text as locales.MatchCommand leaves it, worked out
// once per text: one input is compared with dozens of command words and
// labels, and normalising it is what such a comparison costs.
func (c *Ctx) typed() string {
	if !c.match.done || c.match.text != c.In.Text {
		c.match = typedText{text: c.In.Text, typed: locales.MatchCommand(c.In.Text), done: true}
	}
	return c.match.typed
}

// typedIs reports whether the input's text is the command word at key, in
// any language (Engine.isCmd for c.In.Text).
func (c *Ctx) typedIs(key string) bool {
	return c.eng.cfg.Catalog.IsCommandMatched(c.typed(), key)
}

// converse handles typed text and taps.
func (e *Engine) converse(c *Ctx) error {
	in := c.In
	if in.InGroup() {
		if in.Kind == InputPostback {
			return e.postbackAction(c)
		}
		return e.command(c, true)
	}
	if in.UserID == "" {
		return nil
	}
	conv, err := loadConv(c.Tx, in.UserID)
	if err != nil {
		return err
	}
	c.conv = conv
	if in.Kind == InputPostback && isResume(in.Data) {
		return e.postbackAction(c) // conv_resume.go: it keeps both forms
	}
	if conv != nil && conv.Done == nil && c.Now.Sub(conv.Updated) > e.cfg.ConversationTimeout {
		// Told once: the expired conversation is closed now. A menu tap or
		// a command still does what it says; an answer to the old form
		// only learns that the form expired.
		// The answers so far are kept (for at most AnswersKept) so that
		// the user may go on where they were.
		c.conv = &Conversation{Done: &Finished{Token: conv.Token(), Key: "conv.stale_button"}, Started: conv.Started, Updated: c.Now}
		if c.Now.Sub(conv.Updated) <= AnswersKept {
			c.conv.Left = conv.paused()
		}
		if err := saveConv(c.Tx, in.UserID, c.conv); err != nil {
			return err
		}
		expired := Text(T("conv.expired", "Minutes", int(e.cfg.ConversationTimeout/time.Minute)))
		if c.conv.Left != nil {
			expired = Text(T("conv.expired_resume", "Minutes", int(e.cfg.ConversationTimeout/time.Minute), "Form", e.formTitle(conv).Ref(), "Days", int(AnswersKept/(24*time.Hour))),
				resumeButton())
		}
		if in.Kind == InputPostback && outsideForm(in.Data) || in.Kind == InputText && e.isCommandWord(c) {
			c.Say(expired)
			if in.Kind == InputPostback {
				return e.postbackAction(c)
			}
			return e.command(c, false)
		}
		expired.Quick = append(expired.Quick, e.mainMenu(c)...)
		c.Say(expired)
		return nil
	}
	if conv != nil && conv.Done == nil {
		if in.Kind == InputPostback && outsideForm(in.Data) {
			// A menu or card button outside the form: the form is left
			// (closed, so that its old buttons say so), and the user is
			// told, with a button to go back to it: an old button must not
			// drop a form silently (issue 14).
			c.conv = &Conversation{Done: &Finished{Token: conv.Token(), Key: "conv.already_cancelled"}, Started: conv.Started, Updated: c.Now, Left: conv.paused()}
			if err := saveConv(c.Tx, in.UserID, c.conv); err != nil {
				return err
			}
			before := len(c.Out.Replies)
			err := e.postbackAction(c)
			if key := userKey(err); key != "" {
				// A refusal (the button is not for them) still left the
				// form: say both.
				c.Say(Text(T(key)))
				err = nil
			}
			if err != nil {
				return err
			}
			return e.sayLeft(c, conv, before)
		}
		return c.converseForm()
	}
	if in.Kind == InputPostback {
		return e.postbackAction(c)
	}
	return e.command(c, false)
}

// outsideForm reports whether postback data is a menu item or a card's
// action rather than an answer or a command of a form.
func outsideForm(data string) bool {
	p, _ := ParsePostback(data)
	return p.Token == "" && (p.Menu != "" || p.Action != "")
}

// isCommandWord reports whether the input's text is one of the command
// words.
func (e *Engine) isCommandWord(c *Ctx) bool {
	for _, cmd := range e.commands {
		if cmd.Key != "" && cmd.In1to1 && c.typedIs(cmd.Key) {
			return true
		}
	}
	return false
}

// postbackAction handles a tap outside a form.
func (e *Engine) postbackAction(c *Ctx) error {
	p, err := ParsePostback(c.In.Data)
	if err != nil {
		return c.stale()
	}
	switch {
	case p.Menu != "":
		fn := e.menu[p.Menu]
		if fn == nil || c.In.InGroup() {
			return c.stale()
		}
		return fn(c)
	case p.Action != "":
		fn := e.actions[p.Action]
		if fn == nil {
			return c.stale()
		}
		return fn(c, p)
	}
	if c.In.InGroup() {
		return nil
	}
	return c.stale()
}

// command handles typed text outside a form.
func (e *Engine) command(c *Ctx, group bool) error {
	for _, cmd := range e.commands {
		if (group && !cmd.InGroup) || (!group && !cmd.In1to1) {
			continue
		}
		if cmd.Key != "" && c.typedIs(cmd.Key) {
			return cmd.Run(c)
		}
	}
	if !group {
		// A label of the latest answer's buttons, typed (offer.go): what
		// is on screen wins over a claim's guess. A command word wins
		// over a button of the same label: typing a command never
		// presses a button of an older card by surprise (the typed-label
		// test finds such pairs; their labels are made distinct).
		if ok, err := e.typedOffer(c); ok || err != nil {
			return err
		}
	}
	for _, cmd := range e.commands {
		if cmd.Claim == nil || (group && !cmd.InGroup) || (!group && !cmd.In1to1) {
			continue
		}
		if ok, err := cmd.Claim(c); ok || err != nil {
			return err
		}
	}
	if !group && looksLikeCode(c.In.Text) {
		// No claim knew it: a mistyped, or made-up, code, counted
		// against the user (codes.go).
		return c.wrongCode()
	}
	if group {
		return nil // groups talk among themselves; the bot answers commands only
	}
	if c.typedIs("core.cmd.cancel") {
		c.Say(Text(T("conv.nothing_to_cancel"), e.mainMenu(c)...))
		return nil
	}
	c.Say(Text(T("core.menu.prompt"), e.mainMenu(c)...))
	return nil
}
