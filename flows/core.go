package flows

import (
	"time"

	"github.com/sammachip/sammachip/locales"
)

func (e *Engine) registerCore() {
	e.RegisterCommand(Command{Key: "core.cmd.menu", In1to1: true, Run: func(c *Ctx) error {
		c.Say(Text(T("core.menu.prompt"), e.mainMenu(c)...))
		return nil
	}})
	e.RegisterCommand(Command{Key: "core.cmd.help", In1to1: true, Run: e.help})
	e.RegisterCommand(Command{Key: "core.cmd.language", In1to1: true, Run: e.chooseLanguage})
	e.RegisterMenu("help", e.help)
	e.RegisterMenu("language", e.chooseLanguage)
	e.RegisterAction("lang", e.setLanguage)
	for _, item := range []string{"apply", "sage", "schedule", "myinfo"} {
		if _, ok := e.menu[item]; !ok {
			e.RegisterMenu(item, func(c *Ctx) error {
				c.Say(Text(T("core.not_ready"), e.mainMenu(c)...))
				return nil
			})
		}
	}
}

// help follows the user's roles (roles_menu.go).
func (e *Engine) help(c *Ctx) error { return e.roleHelp(c) }

func (e *Engine) chooseLanguage(c *Ctx) error {
	c.Say(Text(T("conv.lang.choose"),
		Action{Label: T("core.lang.th"), Data: Postback{Action: "lang", Value: string(locales.Thai)}.Encode()},
		Action{Label: T("core.lang.en"), Data: Postback{Action: "lang", Value: string(locales.English)}.Encode()},
	))
	return nil
}

func (e *Engine) setLanguage(c *Ctx, p Postback) error {
	if err := c.saveLang(p.Value); err != nil {
		return err
	}
	c.Say(Text(T("conv.lang.set"), e.mainMenu(c)...))
	return nil
}

// saveLang makes the language the user chose (a button's value) theirs,
// from now on and for this answer.
func (c *Ctx) saveLang(value string) error {
	lang := locales.ParseLang(value)
	u, ok, err := getUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok {
		u = User{ID: c.In.UserID, Active: true}
	}
	u.Lang, u.LangChosen = lang, true
	if err := c.Tx.Users().Put(u.ID, u); err != nil {
		return err
	}
	c.Lang, c.Out.Lang = lang, lang
	return nil
}

func (e *Engine) follow(c *Ctx) error {
	in := c.In
	if in.UserID == "" {
		return nil
	}
	u, ok, err := getUser(c.Tx, in.UserID)
	if err != nil {
		return err
	}
	if !ok {
		u = User{ID: in.UserID, Lang: c.Lang}
	}
	if !u.LangChosen && in.ProfileLang != "" {
		u.Lang = locales.ParseLang(in.ProfileLang)
		c.Lang, c.Out.Lang = u.Lang, u.Lang
	}
	u.Active = true
	u.FollowedAt = in.At
	if err := c.Tx.Users().Put(u.ID, u); err != nil {
		return err
	}
	c.Say(Text(T("core.welcome")), Text(T("core.menu.prompt"), e.mainMenu(c)...))
	return nil
}

func (e *Engine) unfollow(c *Ctx) error {
	in := c.In
	if in.UserID == "" {
		return nil
	}
	u, ok, err := getUser(c.Tx, in.UserID)
	if err != nil {
		return err
	}
	if !ok {
		u = User{ID: in.UserID, Lang: locales.Thai}
	}
	u.Active = false
	u.UnfollowedAt = in.At
	return c.Tx.Users().Put(u.ID, u)
}

func (e *Engine) join(c *Ctx) error {
	g, _, err := c.Tx.Groups().Get(c.In.GroupID)
	if err != nil {
		return err
	}
	// A group the bot rejoins keeps its record (leaving unbound it).
	g.ID, g.JoinedAt, g.Gone, g.LeftAt = c.In.GroupID, c.In.At, false, time.Time{}
	if err := c.Tx.Groups().Put(g.ID, g); err != nil {
		return err
	}
	c.Say(Text(T("core.group.greeting")))
	return nil
}

func (e *Engine) leave(c *Ctx) error {
	g, _, err := c.Tx.Groups().Get(c.In.GroupID)
	if err != nil {
		return err
	}
	g.ID, g.Gone, g.LeftAt = c.In.GroupID, true, c.In.At
	// A group the bot was removed from is no officers' group any more: if
	// the bot is added back, an officer binds it again.
	g.Bound = false
	return c.Tx.Groups().Put(g.ID, g)
}

// mainMenu is the quick-reply menu shown in a 1:1 chat: what the user's
// roles do next (roles_menu.go), a villager's menu when unsure.
func (e *Engine) mainMenu(c *Ctx) []Action {
	r, err := RolesOf(c.Tx, c.In.UserID)
	if err != nil {
		return e.villagerMenu(c)
	}
	return e.roleMenu(c, r)
}

// villagerMenu is the main menu of someone with no role yet.
func (e *Engine) villagerMenu(c *Ctx) []Action {
	item := func(key, name string) Action {
		label := T(key)
		return Action{Label: label, Data: Postback{Menu: name}.Encode(), Say: &label}
	}
	return []Action{
		item("core.menu.apply", "apply"),
		item("core.menu.sage", "sage"),
		item("core.menu.schedule", "schedule"),
		item("core.menu.myinfo", "myinfo"),
		item("core.menu.language", "language"),
		item("core.menu.help", "help"),
	}
}
