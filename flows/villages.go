package flows

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/sammachip/sammachip/locales"
)

// Villages are set by officers: added and edited from the chat (the forms
// below) or in bulk with `sammachip import villages` (import.go). Both use
// the same rules for each field.

// Village field limits.
const (
	// MaxCapacity is the most target households one village may train.
	MaxCapacity = 200
	// maxVillageText bounds a village, sub-district or occupation name.
	maxVillageText = 80
	// villagesPerPage is how many villages one list message shows (three
	// bubbles of ten buttons, well inside LINE's Flex size limit).
	villagesPerPage = 30
)

// Form and action names of this file.
const (
	formVillageAdd  = "village.add"
	formVillageEdit = "village.edit"

	actVillages    = "villages"     // p=page
	actVillage     = "village"      // m=moo: the village's card
	actVillageAdd  = "village_add"  //
	actVillageEdit = "village_edit" // m=moo
)

func (e *Engine) registerVillages() {
	e.RegisterForm(&Form{
		Name:      formVillageAdd,
		Title:     T("village.add.title"),
		Questions: villageQuestions(true),
		Begin:     func(c *Ctx, _ Answers) error { return officerOnly(c, "add village") },
		Save:      saveNewVillage,
		DoneKey:   "village.saved.again",
	})
	e.RegisterForm(&Form{
		Name:      formVillageEdit,
		Title:     T("village.edit.title"),
		Questions: villageQuestions(false),
		Begin: func(c *Ctx, a Answers) error {
			if err := officerOnly(c, "edit village"); err != nil {
				return err
			}
			if _, ok, err := GetVillage(c.Tx, villageID(a[ansVillage])); err != nil || !ok {
				if err != nil {
					return err
				}
				return NotFound("edit village", "village.err.not_found")
			}
			return nil
		},
		Save:    saveVillageEdit,
		DoneKey: "village.saved.again",
	})
	e.RegisterCommand(Command{Key: "village.cmd.list", In1to1: true, Run: func(c *Ctx) error { return listVillages(c, 0) }})
	e.RegisterAction(actVillages, func(c *Ctx, p Postback) error {
		return listVillages(c, p.Page)
	})
	e.RegisterAction(actVillage, villageCard)
	e.RegisterAction(actVillageAdd, func(c *Ctx, _ Postback) error {
		if c.In.InGroup() {
			return c.stale()
		}
		return c.StartForm(formVillageAdd, nil)
	})
	e.RegisterAction(actVillageEdit, editVillage)
}

// villageQuestions are the village forms' questions. The number is asked
// only when adding: it identifies the village, so it cannot change.
func villageQuestions(withMoo bool) []Question {
	var qs []Question
	if withMoo {
		qs = append(qs, Question{
			Field: "moo",
			Ask:   T("village.q.moo.ask"),
			Help:  T("village.q.moo.help"),
			Label: T("village.q.moo.label"),
			Parse: func(c *Ctx, _ Answers, text string) (string, *Msg) {
				moo, ok := locales.ParseMoo(text)
				if !ok {
					h := T("village.hint.moo")
					return "", &h
				}
				return strconv.Itoa(moo), nil
			},
			Show: func(_ *Ctx, v string) Msg { return T("village.show.moo", "Moo", v) },
		})
	}
	name := Question{
		Field: "name",
		Ask:   T("village.q.name.ask"),
		Help:  T("village.q.name.help"),
		Label: T("village.q.name.label"),
		Parse: villageTextParser(ParseVillageName, "village.hint.name"),
	}
	if !withMoo {
		// The number is no question when editing: show it with the name.
		name.Show = func(c *Ctx, v string) Msg {
			if c.conv == nil {
				return Raw(v)
			}
			return T("village.name_full", "Moo", c.conv.Answers["moo"], "Name", v)
		}
	}
	return append(qs, name,
		Question{
			Field: "tambon",
			Ask:   T("village.q.tambon.ask"),
			Help:  T("village.q.tambon.help"),
			Label: T("village.q.tambon.label"),
			// The ตำบล and the number identify the village: a pair that
			// another village of the round has is refused here.
			Parse: func(c *Ctx, a Answers, text string) (string, *Msg) {
				t, ok := ParseTambon(text)
				if !ok {
					h := T("village.hint.tambon", "Max", maxVillageText)
					return "", &h
				}
				moo := atoi(a["moo"])
				same, err := FindVillages(c.Tx, moo, t)
				if err != nil {
					h := T("village.hint.tambon", "Max", maxVillageText)
					return "", &h
				}
				for _, v := range same {
					if v.ID != villageID(a[ansVillage]) {
						h := T("village.hint.place_taken", "Moo", moo, "Tambon", t)
						return "", &h
					}
				}
				return t, nil
			},
		},
		Question{
			Field: "occupation",
			Ask:   T("village.q.occupation.ask"),
			Help:  T("village.q.occupation.help"),
			Label: T("village.q.occupation.label"),
			Parse: villageTextParser(ParseOccupation, "village.hint.occupation"),
		},
		Question{
			Field: "capacity",
			Ask:   T("village.q.capacity.ask", "Count", DefaultCapacity),
			Help:  T("village.q.capacity.help", "Count", DefaultCapacity, "Max", MaxCapacity),
			Label: T("village.q.capacity.label"),
			Choices: func(*Ctx, Answers) ([]Choice, error) {
				return []Choice{{Value: strconv.Itoa(DefaultCapacity), Label: T("village.btn.capacity_default", "Count", DefaultCapacity)}}, nil
			},
			Parse: func(_ *Ctx, _ Answers, text string) (string, *Msg) {
				n, ok := ParseCapacity(text)
				if !ok || strings.TrimSpace(text) == "" {
					h := T("village.hint.capacity", "Max", MaxCapacity)
					return "", &h
				}
				return strconv.Itoa(n), nil
			},
			Show: func(_ *Ctx, v string) Msg { return T("village.show.capacity", "Count", v) },
		},
	)
}

func villageTextParser(parse func(string) (string, bool), hintKey string) func(*Ctx, Answers, string) (string, *Msg) {
	return func(_ *Ctx, _ Answers, text string) (string, *Msg) {
		v, ok := parse(text)
		if !ok {
			h := T(hintKey, "Max", maxVillageText)
			return "", &h
		}
		return v, nil
	}
}

// ParseVillageName cleans a typed village name ("บ้านโนนสูง"): trimmed,
// spaces collapsed, 1–80 characters with at least one letter.
func ParseVillageName(s string) (string, bool) { return parseVillageText(s) }

// ParseOccupation cleans the occupation a village will be taught, with
// the same rules as ParseVillageName.
func ParseOccupation(s string) (string, bool) { return parseVillageText(s) }

// tambonPrefixes are written before a sub-district's name; they are not
// part of it (the bot writes "ต." itself where it fits).
var tambonPrefixes = []string{"ตำบล", "ต.", "tambon", "sub-district", "subdistrict"}

// ParseTambon cleans a typed sub-district (ตำบล) name: as
// ParseVillageName, without a leading "ตำบล" or "ต.".
func ParseTambon(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, p := range tambonPrefixes {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
			break
		}
	}
	return parseVillageText(s)
}

func parseVillageText(s string) (string, bool) {
	v, ok := locales.NormalizeText(s, maxVillageText)
	if !ok || !strings.ContainsFunc(v, unicode.IsLetter) {
		return "", false
	}
	return v, true
}

// capacityUnits may follow a typed number of households.
var capacityUnits = []string{"ครัวเรือน", "ครอบครัว", "หลังคาเรือน", "households", "household", "หลัง"}

// ParseCapacity reads a number of target households, 1–MaxCapacity: Thai
// digits, spaces and a unit ("20 ครัวเรือน") are accepted. Empty text gives
// DefaultCapacity (an empty column in an import).
func ParseCapacity(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultCapacity, true
	}
	lower := strings.ToLower(locales.MatchCommand(s))
	for _, u := range capacityUnits {
		if rest, ok := strings.CutSuffix(lower, u); ok {
			s = rest
			break
		}
	}
	n, ok := locales.ParseInt(s)
	if !ok || n < 1 || n > MaxCapacity {
		return 0, false
	}
	return int(n), true
}

// VillageName is how a village is named to people: "หมู่ 5 บ้านโนนสูง".
func VillageName(tx Tx, v Village) Msg {
	return T("village.name_full", "Moo", v.Moo, "Name", villageNameArg(tx, v))
}

func villageFromAnswers(v *Village, a Answers) error {
	capacity, err := strconv.Atoi(a["capacity"])
	if err != nil {
		return errors.New("flows: village form: capacity " + strconv.Quote(a["capacity"]))
	}
	v.Name, v.Tambon, v.Occupation, v.Capacity = a["name"], a["tambon"], a["occupation"], capacity
	return nil
}

func saveNewVillage(c *Ctx, a Answers) error {
	moo, err := strconv.Atoi(a["moo"])
	if err != nil {
		return errors.New("flows: village form: number " + strconv.Quote(a["moo"]))
	}
	r, err := ensureRound(c.Tx, c.Now, c.In.UserID)
	if err != nil {
		return err
	}
	if same, err := FindVillages(c.Tx, moo, a["tambon"]); err != nil || len(same) > 0 {
		if err != nil {
			return err
		}
		// Another officer added it since the tambon was checked.
		return Conflict("add village", "village.err.moo_taken")
	}
	v := Village{Round: r.ID, Moo: moo, Created: c.Now, Updated: c.Now}
	if err := villageFromAnswers(&v, a); err != nil {
		return err
	}
	if err := PutVillage(c.Tx, &v); err != nil {
		return err
	}
	c.Say(Text(T("village.saved.added", "Village", VillageName(c.Tx, v).Ref()), villageQuick(v.ID)...))
	return nil
}

func saveVillageEdit(c *Ctx, a Answers) error {
	if err := officerOnly(c, "edit village"); err != nil {
		return err
	}
	v, ok, err := GetVillage(c.Tx, villageID(a[ansVillage]))
	if err != nil {
		return err
	}
	if !ok {
		return NotFound("edit village", "village.err.not_found")
	}
	same, err := FindVillages(c.Tx, v.Moo, a["tambon"])
	if err != nil {
		return err
	}
	if slices.ContainsFunc(same, func(o Village) bool { return o.ID != v.ID && o.Round == v.Round }) {
		return Conflict("edit village", "village.err.moo_taken")
	}
	if err := villageFromAnswers(&v, a); err != nil {
		return err
	}
	v.Updated = c.Now
	if err := c.Tx.Villages().Put(v.ID, v); err != nil {
		return err
	}
	c.Say(Text(T("village.saved.updated", "Village", VillageName(c.Tx, v).Ref()), villageQuick(v.ID)...))
	return nil
}

// villageQuick are the chips after a village was saved.
func villageQuick(vid int) []Action {
	return []Action{
		actionButton("village.btn.view", Postback{Action: actVillage, Village: vid}),
		actionButton("village.btn.list", Postback{Action: actVillages}),
		actionButton("village.btn.add", Postback{Action: actVillageAdd}),
	}
}

// listVillages answers "villages": each village a button that opens its
// card, paged when there are many.
func listVillages(c *Ctx, page int) error {
	if c.In.InGroup() {
		return c.stale()
	}
	if err := officerOnly(c, "list villages"); err != nil {
		return err
	}
	vs, err := ListVillages(c.Tx)
	if err != nil {
		return err
	}
	add := actionButton("village.btn.add", Postback{Action: actVillageAdd})
	if len(vs) == 0 {
		c.Say(Text(T("village.list.empty"), add))
		return nil
	}
	pages := (len(vs) + villagesPerPage - 1) / villagesPerPage
	page = min(max(page, 0), pages-1)
	shown := vs[page*villagesPerPage : min((page+1)*villagesPerPage, len(vs))]
	buttons := make([]Action, len(shown))
	for i, v := range shown {
		label := T("village.name_full", "Moo", v.Moo, "Name", pickerNameArg(v))
		buttons[i] = Action{Label: label, Data: Postback{Action: actVillage, Village: v.ID}.Encode(), Say: &label}
	}
	quick := []Action{add}
	text := T("village.list.text", "Count", len(vs))
	if pages > 1 {
		text = T("village.list.text_paged", "Count", len(vs), "Page", page+1, "Pages", pages)
		if page > 0 {
			quick = append(quick, actionButton("conv.btn.prev_page", Postback{Action: actVillages, Page: page - 1}))
		}
		if page < pages-1 {
			quick = append(quick, actionButton("conv.btn.next_page", Postback{Action: actVillages, Page: page + 1}))
		}
	}
	title := T("village.list.title")
	c.Say(Reply{Style: StyleList, Title: &title, Text: text, Buttons: buttons, Quick: quick})
	return nil
}

// villageOf reads the village a button names (m=moo) for an officer.
func villageOf(c *Ctx, p Postback, op string) (Village, error) {
	if err := officerOnly(c, op); err != nil {
		return Village{}, err
	}
	vil, ok, err := GetVillage(c.Tx, p.Village)
	if err != nil {
		return Village{}, err
	}
	if !ok {
		return Village{}, NotFound(op, "village.err.not_found")
	}
	return vil, nil
}

// villageCard shows one village, its occupation groups among its rows,
// with Edit and "record an occupation group" buttons.
func villageCard(c *Ctx, p Postback) error {
	if c.In.InGroup() {
		return c.stale()
	}
	vil, err := villageOf(c, p, "village card")
	if err != nil {
		return err
	}
	title := VillageName(c.Tx, vil)
	groups, err := groupsField(c.Tx, vil.ID) // groups.go
	if err != nil {
		return err
	}
	c.Say(Reply{
		Style: StyleCard,
		Title: &title,
		Fields: []Field{
			{Label: T("village.q.tambon.label"), Value: Raw(vil.Tambon)},
			{Label: T("village.q.occupation.label"), Value: Raw(vil.Occupation)},
			{Label: T("village.q.capacity.label"), Value: T("village.show.capacity", "Count", vil.Capacity)},
			groups,
		},
		Buttons: []Action{
			actionButton("village.btn.edit", Postback{Action: actVillageEdit, Village: vil.ID}),
			actionButton("group.btn.add", Postback{Action: actGroupAdd, Village: vil.ID}),
			actionButton("village.btn.list", Postback{Action: actVillages}),
		},
	})
	return nil
}

// editVillage opens the edit form at its summary card, filled with the
// village as stored: the officer changes one field at a time.
func editVillage(c *Ctx, p Postback) error {
	if c.In.InGroup() {
		return c.stale()
	}
	vil, err := villageOf(c, p, "edit village")
	if err != nil {
		return err
	}
	a := Answers{
		ansVillage:   villageValue(vil.ID),
		"moo":        strconv.Itoa(vil.Moo),
		"name":       vil.Name,
		"tambon":     vil.Tambon,
		"occupation": vil.Occupation,
		"capacity":   strconv.Itoa(vil.Capacity),
	}
	return c.StartForm(formVillageEdit, a) // all answered: it opens at the summary
}

// villageNameArg is the Name argument of a message naming v ("หมู่ 5
// {{.Name}}"): its name, with its ตำบล when another village of its round
// has the same หมู่ number, so that two หมู่ 1 are never confused.
func villageNameArg(tx Tx, v Village) any {
	vs, err := RoundVillages(tx, v.Round)
	if err != nil {
		return pickerNameArg(v)
	}
	return nameAmong(v, vs)
}

// nameAmong is villageNameArg when the round's villages are at hand.
func nameAmong(v Village, round []Village) any {
	if slices.ContainsFunc(round, func(o Village) bool { return o.ID != v.ID && o.Round == v.Round && o.Moo == v.Moo }) {
		return pickerNameArg(v)
	}
	return v.Name
}

// pickerNameArg is the Name argument of a button choosing a village: its
// name with its ตำบล, always.
func pickerNameArg(v Village) any {
	if v.Tambon == "" {
		return v.Name
	}
	return T("village.name_in_tambon", "Name", v.Name, "Tambon", v.Tambon).Ref()
}

// VillageShort names village id briefly, "หมู่ 5", with its ตำบล when
// another village of its round shares the number ("หมู่ 5 ต.หนองแวง").
func VillageShort(tx Tx, id int) Msg {
	v, ok, err := GetVillage(tx, id)
	if err != nil || !ok {
		return T("village.unknown")
	}
	if _, shared := nameAmong(v, mustRound(tx, v.Round)).(locales.Ref); shared {
		return T("village.place", "Moo", v.Moo, "Tambon", v.Tambon)
	}
	return T("village.show.moo", "Moo", v.Moo)
}

// mustRound is RoundVillages, empty on error (names only).
func mustRound(tx Tx, round int) []Village {
	vs, _ := RoundVillages(tx, round)
	return vs
}
