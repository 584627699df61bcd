package flows

import (
	"fmt"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Config holds the programme's settings that flows need.
type Config struct {
	// Location is the programme's time zone (Asia/Bangkok).
	Location *time.Location
	// ConversationTimeout is how long a conversation may sit idle before it
	// expires.
	ConversationTimeout time.Duration
}

// Engine turns inputs into state changes and replies. It holds no state of
// its own: everything lives in the Tx it is given, so it is safe for
// concurrent use.
type Engine struct {
	cfg Config
}

// NewEngine returns an engine with cfg, filling in defaults.
func NewEngine(cfg Config) *Engine {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.ConversationTimeout <= 0 {
		cfg.ConversationTimeout = 30 * time.Minute
	}
	return &Engine{cfg: cfg}
}

// Handle applies one input inside tx and returns what to say. An error
// means nothing in tx may be committed; the caller retries the input later.
func (e *Engine) Handle(tx Tx, in Input) (Outcome, error) {
	lang, err := userLang(tx, in)
	if err != nil {
		return Outcome{}, fmt.Errorf("flows: language: %w", err)
	}
	out := Outcome{Lang: lang}
	switch in.Kind {
	case InputFollow:
		err = e.follow(tx, in, &out)
	case InputUnfollow:
		err = e.unfollow(tx, in)
	case InputJoin:
		err = e.join(tx, in, &out)
	case InputLeave:
		err = e.leave(tx, in)
	case InputText, InputPostback:
		err = e.converse(tx, in, &out)
	default:
		if !in.InGroup() {
			out.Say(Text(T("core.only_text"), mainMenu()...))
		}
	}
	if err != nil {
		return Outcome{}, err
	}
	return out, nil
}

func (e *Engine) follow(tx Tx, in Input, out *Outcome) error {
	if in.UserID == "" {
		return nil
	}
	u, ok, err := getUser(tx, in.UserID)
	if err != nil {
		return err
	}
	if !ok {
		u = User{ID: in.UserID, Lang: out.Lang}
	}
	if !u.LangChosen && in.ProfileLang != "" {
		u.Lang = locales.ParseLang(in.ProfileLang)
		out.Lang = u.Lang
	}
	u.Active = true
	u.FollowedAt = in.At
	if err := tx.Put(BucketUsers, u.ID, u); err != nil {
		return err
	}
	out.Say(Text(T("core.welcome")), Text(T("core.menu.prompt"), mainMenu()...))
	return nil
}

func (e *Engine) unfollow(tx Tx, in Input) error {
	if in.UserID == "" {
		return nil
	}
	u, ok, err := getUser(tx, in.UserID)
	if err != nil {
		return err
	}
	if !ok {
		u = User{ID: in.UserID, Lang: locales.Thai}
	}
	u.Active = false
	u.UnfollowedAt = in.At
	return tx.Put(BucketUsers, u.ID, u)
}

func (e *Engine) join(tx Tx, in Input, out *Outcome) error {
	g := Group{ID: in.GroupID, JoinedAt: in.At}
	if err := tx.Put(BucketGroups, g.ID, g); err != nil {
		return err
	}
	out.Say(Text(T("core.group.greeting")))
	return nil
}

func (e *Engine) leave(tx Tx, in Input) error {
	var g Group
	if _, err := tx.Get(BucketGroups, in.GroupID, &g); err != nil {
		return err
	}
	g.ID = in.GroupID
	g.Gone = true
	g.LeftAt = in.At
	return tx.Put(BucketGroups, g.ID, g)
}

// converse handles typed text and taps. The conversation engine takes this
// over; until then every message gets the main menu.
func (e *Engine) converse(tx Tx, in Input, out *Outcome) error {
	if in.InGroup() {
		return nil
	}
	if in.Kind == InputPostback && in.Data != "" {
		out.Say(Text(T("core.not_ready"), mainMenu()...))
		return nil
	}
	out.Say(Text(T("core.menu.prompt"), mainMenu()...))
	return nil
}

// mainMenu is the quick-reply menu shown to someone in a 1:1 chat.
func mainMenu() []Action {
	item := func(key, data string) Action {
		label := T(key)
		return Action{Label: label, Data: data, Say: &label}
	}
	return []Action{
		item("core.menu.apply", "menu=apply"),
		item("core.menu.sage", "menu=sage"),
		item("core.menu.schedule", "menu=schedule"),
		item("core.menu.myinfo", "menu=myinfo"),
		item("core.menu.language", "menu=language"),
		item("core.menu.help", "menu=help"),
	}
}
