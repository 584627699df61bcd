package flows

import (
	"strings"

	"github.com/sammachip/sammachip/locales"
)

// Choosing a village. Every form that asks for one (a sage's home village,
// a household's village, a village for a lead) uses villageQuestion, so a
// village is taken the same way everywhere: a button per village of the
// current round, each naming its ตำบล, or typed as "หมู่ 5", "ม.5 ต.หนองแวง",
// "5" or the village's name. A หมู่ number that two ตำบล share is asked
// back with buttons, never guessed. The answer is villageValue(id).

// villageQuestion asks for a village of the current round.
func villageQuestion(field string, ask, help, label Msg) Question {
	return Question{
		Field: field, Ask: ask, Help: help, Label: label,
		Choices: villageChoices,
		Parse:   parseVillage,
		Show:    showVillage,
	}
}

func villageChoices(c *Ctx, _ Answers) ([]Choice, error) {
	vs, err := ListVillages(c.Tx)
	if err != nil {
		return nil, err
	}
	out := make([]Choice, 0, len(vs))
	for _, v := range vs {
		out = append(out, Choice{Value: villageValue(v.ID), Label: T("village.btn.pick", "Moo", v.Moo, "Name", pickerNameArg(v))})
	}
	return out, nil
}

// ResolveVillage finds the current round's villages that typed text names:
// a number with or without its ตำบล, or a village's name. One match is the
// answer; several mean the text is ambiguous (a หมู่ number in two ตำบล).
func ResolveVillage(tx Tx, text string) ([]Village, error) {
	if moo, tambon, ok := locales.ParsePlace(text); ok {
		return FindVillages(tx, moo, tambon)
	}
	vs, err := ListVillages(tx)
	if err != nil {
		return nil, err
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

// parseVillage reads a typed village. Two matches are asked back (the
// question's buttons name every village with its ตำบล); none gets a hint.
func parseVillage(c *Ctx, _ Answers, text string) (string, *Msg) {
	vs, err := ListVillages(c.Tx)
	if err != nil || len(vs) == 0 {
		return "", hint("sage.no_villages")
	}
	found, err := ResolveVillage(c.Tx, text)
	if err != nil {
		return "", hint("village.hint.pick")
	}
	switch len(found) {
	case 1:
		return villageValue(found[0].ID), nil
	case 0:
		return "", hint("village.hint.pick")
	}
	names := make([]string, 0, len(found))
	for _, v := range found {
		names = append(names, v.Tambon)
	}
	m := T("village.hint.which_tambon", "Moo", found[0].Moo, "Tambons", strings.Join(names, ", "))
	return "", &m
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
