package flows

import (
	"slices"
	"strings"

	"github.com/sammachip/sammachip/locales"
)

// Role is what a LINE user is in the programme, as far as the rich menu
// shown to them goes. Each role sees the menu of the actions it uses most.
type Role string

// Roles, by precedence: a user who is several things gets the first that
// applies (an officer who is also a sage sees the officer's menu).
const (
	RoleOfficer   Role = "officer"   // redeemed an officer code
	RoleSage      Role = "sage"      // an approved sage of the registry
	RoleHousehold Role = "household" // head of a household that applied and has not withdrawn
	RoleVillager  Role = "villager"  // everyone else
)

// MenuName names one of the rich menus, one per role: a household's
// (its schedule, I am here, its status) no longer offers to apply.
type MenuName string

// The rich menus.
const (
	MenuVillager  MenuName = "villager"
	MenuHousehold MenuName = "household"
	MenuSage      MenuName = "sage"
	MenuOfficer   MenuName = "officer"
)

// Menus lists the rich menus; the villager's, shown by default, first.
func Menus() []MenuName { return []MenuName{MenuVillager, MenuHousehold, MenuSage, MenuOfficer} }

// Menu is the rich menu a user of role r sees.
func (r Role) Menu() MenuName {
	switch r {
	case RoleOfficer:
		return MenuOfficer
	case RoleSage:
		return MenuSage
	case RoleHousehold:
		return MenuHousehold
	}
	return MenuVillager
}

// RoleOf returns the user's role: officer > sage (approved) > household
// (any status but withdrawn) > villager. A user the bot does not know is
// a villager.
func RoleOf(tx Tx, userID string) (Role, error) {
	if userID == "" {
		return RoleVillager, nil
	}
	if officer, err := IsOfficer(tx, userID); err != nil {
		return "", err
	} else if officer {
		return RoleOfficer, nil
	}
	if s, err := SageRoleOf(tx, userID); err != nil {
		return "", err
	} else if s.Approved {
		return RoleSage, nil
	}
	h, ok, err := HouseholdOfUser(tx, userID)
	if err != nil {
		return "", err
	}
	if ok && h.Status != StatusWithdrawn {
		return RoleHousehold, nil
	}
	return RoleVillager, nil
}

// RoleChangeCandidates lists the users whose role an input may have
// changed, for the edge to check their rich menu after the input is
// committed: the sender (an officer code redeemed, a household applied or
// linked, their data deleted) and everyone it pushed to (a sage approved,
// a household withdrawn by an officer: those changes reach the user they
// change with a push). Push targets may include group ids; the caller
// skips ids that are no known user. A change that reaches nobody is
// caught by the edge's periodic check.
func RoleChangeCandidates(in Input, out Outcome) []string {
	var ids []string
	if in.UserID != "" {
		ids = append(ids, in.UserID)
	}
	for _, p := range out.Pushes {
		if p.To != "" && p.To != in.GroupID && !slices.Contains(ids, p.To) {
			ids = append(ids, p.To)
		}
	}
	return ids
}

// MenuItem is one cell of a rich menu: what tapping it does, in the
// domain's words. The edge draws it and sends Data() as the postback.
type MenuItem string

// Rich menu items.
const (
	ItemApply       MenuItem = "apply"       // apply as a household, or see the application
	ItemStatus      MenuItem = "status"      // a household's application and where it stands
	ItemSchedule    MenuItem = "schedule"    // my village's five days
	ItemHere        MenuItem = "here"        // I am here, for today's day of my household
	ItemMyInfo      MenuItem = "myinfo"      // see and delete my data
	ItemHelp        MenuItem = "help"        //
	ItemLanguage    MenuItem = "language"    //
	ItemRollCall    MenuItem = "rollcall"    // a sage's or officer's roll call
	ItemTeam        MenuItem = "team"        // my village team
	ItemEnrol       MenuItem = "enrol"       // enrol a household on its behalf
	ItemSummary     MenuItem = "summary"     // the officers' summary
	ItemPending     MenuItem = "pending"     // sage registrations waiting for approval
	ItemSetSchedule MenuItem = "setschedule" // see and set the villages' schedules
	ItemSelect      MenuItem = "select"      // select a village's households
	ItemExport      MenuItem = "export"      // download the reports
)

// MenuItems lists every item the engine understands.
func MenuItems() []MenuItem {
	return []MenuItem{ItemApply, ItemStatus, ItemSchedule, ItemHere, ItemMyInfo, ItemHelp, ItemLanguage,
		ItemRollCall, ItemTeam, ItemEnrol, ItemSummary, ItemPending, ItemSetSchedule, ItemSelect, ItemExport}
}

// actRichMenu is the postback action of rich menu taps; Postback.Item
// names the item. A postback (not a typed word) so that a tap during a
// form leaves the form instead of being taken as an answer.
const actRichMenu = "rm"

// exportCommandKey is the catalog key of the officers' export command
// (flows/export.go); the menu runs it as if typed. The rich menu test
// (bot/richmenu) fails if the key changes.
const exportCommandKey = "report.cmd.export"

// Data is the item's postback data.
func (i MenuItem) Data() string {
	return Postback{Action: actRichMenu, Item: string(i)}.Encode()
}

func (e *Engine) registerRolesMenu() {
	e.RegisterAction(actRichMenu, e.richMenuTap)
	e.RegisterAction(actOfficerMenu, func(c *Ctx, _ Postback) error { return e.officerMenu(c) })
	e.registerResume() // conv_resume.go
	// A menu cell's label typed does what the tap does ("มาแล้ว",
	// "ตารางอบรม"), as do the short words people use for them ("ทีม").
	e.RegisterCommand(Command{In1to1: true, Claim: func(c *Ctx) (bool, error) {
		for _, item := range MenuItems() {
			if c.typedIs(menuLabelKey(item)) || slices.ContainsFunc(menuAliases[item], c.typedIs) {
				if item == ItemSetSchedule {
					// "ตารางอบรม" from anyone but an officer asks to see the
					// training days, not to set them.
					if officer, err := IsOfficer(c.Tx, c.In.UserID); err != nil {
						return true, err
					} else if !officer {
						item = ItemSchedule
					}
				}
				return true, e.richMenuTap(c, Postback{Action: actRichMenu, Item: string(item)})
			}
		}
		return e.typedDayAnswer(c)
	}})
}

// typedDayAnswer takes a day card's answer typed ("เข้าร่วม", "ไม่สะดวก")
// by a selected household as the answer for its next training day: the
// card usually comes as an evening push, whose buttons no answer offered
// (offer.go), and it asks about the next day. The study visit's own words
// ("ไปด้วย", "ไม่ไป") answer the study visit, whose card comes with the
// card of the day before it.
//
// "ไม่สะดวกค่ะ ไม่สบาย" (cannot, and why in the same words) records the
// reason at once: a reason chip's words (ไม่สบาย, ติดธุระ) as that reason,
// any other words as another reason.
func (e *Engine) typedDayAnswer(c *Ctx) (bool, error) {
	value, reason, visit := "", "", false
	switch {
	case c.typedIs("attendance.btn.will"):
		value = "yes"
	case c.typedIs("attendance.btn.cannot"):
		value = "no"
	case c.typedIs("attendance.btn.will_visit"):
		value, visit = "yes", true
	case c.typedIs("attendance.btn.cannot_visit"):
		value, visit = "no", true
	default:
		why, ok := e.cannotBecause(c.In.Text)
		if !ok {
			return false, nil
		}
		value, reason = "no", why
	}
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil || !ok || h.Status != StatusSelected {
		return false, err
	}
	s, err := GetSchedule(c.Tx, h.Village)
	if err != nil {
		return false, err
	}
	today := c.today()
	var next *ProgrammeDay
	for _, d := range s {
		if d != nil && d.Date > today && (next == nil || d.Date < next.Date) {
			next = d
		}
	}
	if visit {
		// The study visit's words ("ไปด้วย", "ไม่ไป") answer its card,
		// which comes with the card of the day before it.
		next = s[StudyVisit-1]
		if next != nil && next.Date <= today {
			next = nil
		}
	}
	if next == nil {
		return false, nil
	}
	if reason != "" {
		p := dayButton(actReason, *next, h.ID)
		p.Reason = reason
		return true, e.actReason(c, p)
	}
	p := dayButton(actIntent, *next, h.ID)
	p.Value = value
	return true, e.actIntent(c, p)
}

// trimLeadingParticles drops the polite words between "cannot" and its
// reason ("ไม่สะดวกค่ะ ไม่สบาย").
func trimLeadingParticles(s string) string {
	for {
		t := strings.TrimLeft(s, " ,.")
		for _, p := range []string{"ค่ะ", "คะ", "ครับ", "นะคะ", "นะ", "จ้า"} {
			if rest, ok := strings.CutPrefix(t, p); ok {
				t = rest
				break
			}
		}
		if t == s {
			return s
		}
		s = t
	}
}

// cannotBecause reads "cannot attend" followed by a reason in one message
// ("ไม่สะดวกค่ะ ไม่สบาย"): the reason's key (absenceReasons),
// "misc" for words that are none of them.
func (e *Engine) cannotBecause(text string) (string, bool) {
	typed := strings.TrimSpace(locales.NormalizeDigits(text))
	for _, lang := range []locales.Lang{locales.Thai, locales.English} {
		label, err := e.cfg.Catalog.Text(lang, "attendance.btn.cannot", nil)
		if err != nil {
			continue
		}
		rest, ok := strings.CutPrefix(strings.ToLower(typed), strings.ToLower(label))
		if !ok {
			continue
		}
		// The reason is a word apart ("ไม่สะดวก ไม่สบาย", "ไม่สะดวกค่ะ
		// ไม่สบาย"): "ไม่สะดวกรับสาย" is another sentence.
		why := trimLeadingParticles(rest)
		if why == rest || locales.MatchCommand(why) == "" {
			continue
		}
		for _, r := range absenceReasons {
			if e.isCmd(why, "attendance.reason."+r) {
				return r, true
			}
		}
		return "misc", true
	}
	return "", false
}

// menuAliases are other words for a menu cell, by catalog key: the short
// word people type, and a button's label that texts name even when the
// button is not on screen ("กด “ดูทีมของฉัน”").
var menuAliases = map[MenuItem][]string{
	ItemTeam: {"richmenu.alias.team", "team.btn.view"},
	ItemHelp: {"richmenu.alias.help"},
}

// actOfficerMenu shows the officers' list of commands (เมนูเจ้าหน้าที่).
const actOfficerMenu = "om"

// menuLabelKey is the catalog key of a menu item's label (the same key
// bot/richmenu draws).
func menuLabelKey(item MenuItem) string { return "richmenu.item." + string(item) + ".label" }

// menuChip is a chip that does what the menu cell item does.
func menuChip(item MenuItem) Action {
	label := T(menuLabelKey(item))
	return Action{Label: label, Data: item.Data(), Say: &label}
}

// roleMenu is the chips under the bot's answers (help, the fallback, after
// a cancel) for the user's roles: what each role does next. A villager
// gets the main menu; someone with two roles gets both sets, the
// officer's first, each chip once.
func (e *Engine) roleMenu(c *Ctx, r Roles) []Action {
	if r.Villager() {
		return e.villagerMenu(c)
	}
	var acts []Action
	add := func(a ...Action) {
		for _, x := range a {
			if !slices.ContainsFunc(acts, func(y Action) bool { return y.Data == x.Data || y.Label.Key == x.Label.Key }) {
				acts = append(acts, x)
			}
		}
	}
	if r.Officer {
		label := T("officer.cmd.menu")
		add(menuChip(ItemSummary), menuChip(ItemPending), menuChip(ItemSetSchedule), menuChip(ItemSelect),
			menuChip(ItemExport), Action{Label: label, Data: Postback{Action: actOfficerMenu}.Encode(), Say: &label})
	}
	if r.Sage {
		if r.Village != 0 {
			add(menuChip(ItemRollCall), menuChip(ItemTeam), menuChip(ItemEnrol), menuChip(ItemSchedule))
		} else {
			add(menuChip(ItemTeam))
		}
	}
	switch r.Household {
	case "":
	case StatusSelected:
		add(e.hereChip(c), menuChip(ItemSchedule))
	default:
		label := T("household.cmd.status")
		add(Action{Label: label, Data: Postback{Menu: "apply"}.Encode(), Say: &label}, menuChip(ItemSchedule))
	}
	common := []Action{menuChip(ItemMyInfo), menuChip(ItemLanguage), menuChip(ItemHelp)}
	if n := maxMenuChips - len(common); len(acts) > n {
		acts = acts[:n] // two roles: the first role's chips first
	}
	add(common...)
	return acts
}

// hereChip is the selected household's "I am here" chip, which on day 5
// (practice at home, where nobody arrives) says "ฝึกแล้ว": the same item,
// which records practice that day.
func (e *Engine) hereChip(c *Ctx) Action {
	chip := menuChip(ItemHere)
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil || !ok {
		return chip
	}
	if d, ok, err := GetDay(c.Tx, h.Village, HomeDay); err == nil && ok && d.Date == c.today() {
		label := T("attendance.btn.practised")
		chip.Label, chip.Say = label, &label
	}
	return chip
}

// maxMenuChips is how many chips the menu takes: LINE shows 13 under one
// message, and some answers add their own to the menu (my info's delete).
const maxMenuChips = 11

// roleHelp is ช่วยเหลือ for the user's roles: a villager's help, or the
// help of each role they have, and the office's phone number when it is
// configured, with the chips of their roles.
func (e *Engine) roleHelp(c *Ctx) error {
	r, err := RolesOf(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	help := T("core.help")
	if sections := r.helpSections(); len(sections) > 0 {
		// The roles' parts, then how to answer and change the language.
		parts := T(sections[len(sections)-1], "Village", villageRef(c, r.Village))
		for i := len(sections) - 2; i >= 0; i-- {
			parts = T("core.rolehelp.join", "A", T(sections[i], "Village", villageRef(c, r.Village)).Ref(), "B", parts.Ref())
		}
		help = T("core.rolehelp.roles", "Parts", parts.Ref())
	}
	if phone := e.cfg.OfficePhone; phone != "" {
		help = T("core.rolehelp.with_phone", "Help", help.Ref(), "Phone", locales.FormatPhone(phone))
	}
	c.Say(Text(help, e.roleMenu(c, r)...))
	return nil
}

// villageRef names the village of a sage's team ("หมู่ 5 บ้านโนนสูง"), or
// the programme's words for one when there is none.
func villageRef(c *Ctx, vid int) any {
	if vid == 0 {
		return T("core.rolehelp.your_village").Ref()
	}
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil || !ok {
		return T("core.rolehelp.your_village").Ref()
	}
	return T("household.village.label", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v)).Ref()
}

// richMenuTap runs a rich menu item. Each item does exactly what the same
// button or typed command does elsewhere, refusals included: the menu is
// only a shortcut. A sage's schedule, roll call and team are followed by a
// note of the households waiting for a follow-up answer, when any are.
func (e *Engine) richMenuTap(c *Ctx, p Postback) error {
	if c.In.InGroup() {
		return c.stale()
	}
	switch MenuItem(p.Item) {
	case ItemApply, ItemStatus:
		return e.runMenu(c, "apply")
	case ItemSchedule:
		return e.thenFollowUps(c, e.runMenu(c, "schedule"))
	case ItemMyInfo:
		return e.runMenu(c, "myinfo")
	case ItemHelp:
		return e.runMenu(c, "help")
	case ItemLanguage:
		return e.runMenu(c, "language")
	case ItemHere:
		return e.hereToday(c)
	case ItemRollCall:
		return e.thenFollowUps(c, e.actRollCall(c, Postback{}))
	case ItemTeam:
		return e.thenFollowUps(c, e.viewTeam(c))
	case ItemEnrol:
		return e.startEnrol(c)
	case ItemSummary:
		return e.summaryCommand(c)
	case ItemPending:
		return e.pendingList(c, 0)
	case ItemSetSchedule:
		return e.actScheduleVillage(c, Postback{})
	case ItemSelect:
		return e.selectStart(c, 0)
	case ItemExport:
		return e.runCommand(c, exportCommandKey)
	}
	return c.stale()
}

func (e *Engine) runMenu(c *Ctx, name string) error {
	fn := e.menu[name]
	if fn == nil {
		return c.stale()
	}
	return fn(c)
}

// runCommand runs the 1:1 command registered under key as if its word
// had been typed.
func (e *Engine) runCommand(c *Ctx, key string) error {
	for _, cmd := range e.commands {
		if cmd.Key == key && cmd.In1to1 {
			return cmd.Run(c)
		}
	}
	return c.stale()
}

// hereToday is I am here from the rich menu: it finds today's day of the
// user's household and records presence as the day card's button does.
// On a day without training it shows the next day's card instead.
func (e *Engine) hereToday(c *Ctx) error {
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	if !ok || h.Status == StatusWithdrawn {
		c.Say(Text(T("richmenu.here.no_household"), e.mainMenu(c)...))
		return nil
	}
	if h.Status != StatusSelected {
		return Invalid("here", "attendance.err.not_selected")
	}
	s, err := GetSchedule(c.Tx, h.Village)
	if err != nil {
		return err
	}
	today := c.today()
	if d := s.DayOn(today); d != nil {
		return e.actHere(c, dayButton(actHere, *d, h.ID))
	}
	var next *ProgrammeDay
	for _, d := range s {
		if d != nil && d.Date > today && (next == nil || d.Date < next.Date) {
			next = d
		}
	}
	if next == nil {
		c.Say(Text(T("richmenu.here.no_day")))
		return nil
	}
	c.Say(Text(T("richmenu.here.not_today")), DayCard(c, *next, h))
	return nil
}
