package locales

import (
	"strings"
	"unicode/utf8"
)

// StripTitle removes a leading title (นาย, นาง, นางสาว, น.ส., Mr, Mrs,
// Ms…: the one list, titles in parse.go) from a name, so that "นายสมชาย
// ใจดี", "นาย สมชาย ใจดี" and "สมชาย ใจดี" are the same person.
//
// Latin titles are words of their own ("Mr Smith", "Mr.Smith"): "Mrinal
// Sen" keeps its name. Thai titles are often written joined to the name
// (นายสมชาย), so they are also taken off the front of the first word, but
// only when a surname follows: a single word such as นางนวล or นายหนึ่ง may
// be a given name, and is left as it is. A name that is only a title is
// left as it is too.
func StripTitle(s string) string {
	s = strings.TrimSpace(s)
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return s
	}
	first := lowerASCII(fields[0])
	for _, t := range titleList {
		switch {
		case first == t && len(fields) > 1:
			// A title written apart: "นาย สมชาย", "Mr Smith".
			return strings.Join(fields[1:], " ")
		case strings.HasSuffix(t, ".") && strings.HasPrefix(first, t) && len(first) > len(t):
			// "Mr.Smith", "น.ส.สมศรี": the dot ends the title.
			return strings.Join(append([]string{fields[0][len(t):]}, fields[1:]...), " ")
		case t[0] >= utf8.RuneSelf && strings.HasPrefix(first, t) && len(fields) > 1:
			rest := fields[0][len(t):]
			if _, ok := NormalizeName(rest); ok && utf8.RuneCountInString(rest) >= 2 {
				return strings.Join(append([]string{rest}, fields[1:]...), " ")
			}
		}
	}
	return s
}

// ParseHouseNo reads a house number (บ้านเลขที่) as written on Thai houses:
// digits with "/" or "-" parts ("12", "45/3", "๑๒/๓"), with or without a
// leading บ้านเลขที่ / เลขที่ and spaces. It returns the compact form.
func ParseHouseNo(s string) (string, bool) {
	v := strings.Join(strings.Fields(NormalizeDigits(s)), "")
	v = strings.TrimPrefix(strings.TrimPrefix(v, "บ้านเลขที่"), "เลขที่")
	if v == "" || len(v) > 15 || v[0] < '0' || v[0] > '9' {
		return "", false
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r == '/' || r == '-') {
			return "", false
		}
	}
	return v, true
}

// FirstName is how the bot addresses someone (คุณ + first name): the name
// without its title, up to the first space.
func FirstName(name string) string {
	f := strings.Fields(StripTitle(name))
	if len(f) == 0 {
		return strings.TrimSpace(name)
	}
	return f[0]
}
