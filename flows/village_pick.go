package flows

import (
	"slices"
	"strings"

	"github.com/sammachip/sammachip/locales"
)

// Choosing a village. Every form that asks for one (a sage's home village,
// a household's village, a village for a lead) uses villageQuestion, so a
// village is taken the same way everywhere: a button per village of the
// current round, each naming its ตำบล, or typed as "หมู่ 5", "ม.5 ต.หนองแวง",
// "5" or the village's name. A หมู่ number that two ตำบล share is asked
// back (villageWhich) with just those villages as buttons, never guessed.
// The answer is villageValue(id).

// villageQuestion asks for a village of the current round.
func villageQuestion(field string, ask, help, label Msg) Question {
	return Question{
		Field: field, Ask: ask, Help: help, Label: label,
		Choices: villageChoices,
		Parse:   parseVillage,
		Which:   villageWhich(villageChoices),
		Show:    showVillage,
	}
}

func villageChoices(c *Ctx, _ Answers) ([]Choice, error) {
	vs, err := ListVillages(c.Tx)
	if err != nil {
		return nil, err
	}
	return pickChoices(vs), nil
}

// pickChoices are a button per village, each naming its ตำบล.
func pickChoices(vs []Village) []Choice {
	out := make([]Choice, 0, len(vs))
	for _, v := range vs {
		out = append(out, Choice{Value: villageValue(v.ID), Label: T("village.btn.pick", "Moo", v.Moo, "Name", pickerNameArg(v))})
	}
	return out
}

// ResolveVillage finds the current round's villages that typed text names:
// a number with or without its ตำบล, a village's name, or both as its
// button reads ("ม.1 บ้านหัวหนอง ต.โนนทอง"). One match is the answer;
// several mean the text is ambiguous (a หมู่ number in two ตำบล).
func ResolveVillage(tx Tx, text string) ([]Village, error) {
	if moo, tambon, ok := locales.ParsePlace(text); ok {
		return FindVillages(tx, moo, tambon)
	}
	vs, err := ListVillages(tx)
	if err != nil {
		return nil, err
	}
	if full := slices.DeleteFunc(slices.Clone(vs), func(v Village) bool { return !namedInFull(v, text) }); len(full) > 0 {
		return full, nil
	}
	typed := locales.MatchCommand(text)
	if len([]rune(typed)) < 3 {
		return nil, nil
	}
	var out []Village
	for _, v := range vs {
		name := locales.MatchCommand(v.Name)
		if name == "" {
			continue
		}
		if typed == name || strings.HasSuffix(typed, name) || strings.HasSuffix(name, typed) {
			out = append(out, v)
		}
	}
	return out, nil
}

// namedInFull reports whether text names v by its name with its number,
// its ตำบล or both around it, as buttons and cards name it: "ม.1
// บ้านหัวหนอง ต.โนนทอง", "หมู่ 1 บ้านหัวหนอง", "บ้านหัวหนอง ต.โนนทอง".
func namedInFull(v Village, text string) bool {
	i := strings.Index(text, v.Name)
	if v.Name == "" || i < 0 {
		return false
	}
	rest := strings.TrimSpace(text[:i] + " " + text[i+len(v.Name):])
	if moo, tambon, ok := locales.ParsePlace(rest); ok {
		return v.SamePlace(moo, tambon)
	}
	for _, mark := range tambonPrefixes {
		if len(rest) > len(mark) && strings.EqualFold(rest[:len(mark)], mark) {
			return TambonKey(rest) == TambonKey(v.Tambon)
		}
	}
	return false
}

// parseVillage reads a typed village that names one village of the
// current round. Text that fits several is a hint here; a question with
// villageWhich asks it back instead. Text that fits none gets a hint.
func parseVillage(c *Ctx, _ Answers, text string) (string, *Msg) {
	vs, err := ListVillages(c.Tx)
	if err != nil || len(vs) == 0 {
		return "", hint("sage.no_villages")
	}
	found, err := ResolveVillage(c.Tx, text)
	if err != nil || len(found) == 0 {
		return "", hint("village.hint.pick")
	}
	if len(found) > 1 {
		if slices.ContainsFunc(found, func(v Village) bool { return v.Moo != found[0].Moo }) {
			return "", hint("village.hint.pick")
		}
		m := T("village.hint.which_tambon", "Moo", found[0].Moo, "Tambons", tambonList(found).Ref())
		return "", &m
	}
	return villageValue(found[0].ID), nil
}

// villageWhich is the Question.Which of a village question whose buttons
// are choices: typed text that fits several of those villages ("หมู่ 1"
// when ต.หนองแวง and ต.โนนทอง both have one) is asked back, naming their
// ตำบล, with just those villages as buttons.
func villageWhich(choices func(*Ctx, Answers) ([]Choice, error)) func(*Ctx, Answers, string) (Msg, []Choice) {
	return func(c *Ctx, a Answers, text string) (Msg, []Choice) {
		found, err := ResolveVillage(c.Tx, text)
		if err != nil || len(found) < 2 {
			return Msg{}, nil
		}
		offered, err := choices(c, a)
		if err != nil {
			return Msg{}, nil
		}
		found = slices.DeleteFunc(found, func(v Village) bool {
			return !slices.ContainsFunc(offered, func(ch Choice) bool { return ch.Value == villageValue(v.ID) })
		})
		if len(found) < 2 {
			return Msg{}, nil
		}
		ask := T("village.ask.which")
		if !slices.ContainsFunc(found, func(v Village) bool { return v.Moo != found[0].Moo }) {
			ask = T("village.ask.which_tambon", "Moo", found[0].Moo, "Tambons", tambonList(found).Ref())
		}
		return ask, pickChoices(found)
	}
}

// tambonList names the villages' ตำบล as a sentence does: "ต.หนองแวง และ
// ต.โนนทอง".
func tambonList(vs []Village) Msg {
	places := make([]Msg, 0, len(vs))
	for _, v := range vs {
		places = append(places, T("village.tambon", "Tambon", v.Tambon))
	}
	return listMsg(places)
}

// listMsg joins messages as a sentence does: "ก และ ข", "ก ข และ ค".
func listMsg(items []Msg) Msg {
	if len(items) == 0 {
		return Raw("")
	}
	acc := items[0]
	for i, m := range items[1:] {
		key := "village.names.more"
		if i == len(items)-2 {
			key = "village.names.last"
		}
		acc = T(key, "List", acc.Ref(), "Item", m.Ref())
	}
	return acc
}

// showVillage renders a village answer as "หมู่ 5 บ้านโนนสูง" (with its
// ตำบล when its number is shared).
func showVillage(c *Ctx, value string) Msg { return villageMsg(c.Tx, villageID(value)) }

// villageMsg names village id.
func villageMsg(tx Tx, id int) Msg {
	v, ok, err := GetVillage(tx, id)
	if err != nil || !ok {
		return T("village.unknown")
	}
	return VillageName(tx, v)
}

// placeVillage returns the current round's village at a place (a sage's
// home), or, when the current round has none there, the latest earlier
// one.
func placeVillage(tx Tx, moo int, tambon string) (Village, bool) {
	all, err := AllVillages(tx)
	if err != nil {
		return Village{}, false
	}
	cur, _ := CurrentRound(tx)
	var best Village
	found := false
	for _, v := range all {
		if !v.SamePlace(moo, tambon) || v.Round > cur.ID {
			continue
		}
		if !found || v.Round > best.Round {
			best, found = v, true
		}
	}
	return best, found
}

// placeMsg names a place (a sage's home village).
func placeMsg(tx Tx, moo int, tambon string) Msg {
	if v, ok := placeVillage(tx, moo, tambon); ok {
		return VillageName(tx, v)
	}
	if tambon == "" {
		return T("sage.village.moo", "Moo", moo)
	}
	return T("village.place", "Moo", moo, "Tambon", tambon)
}
