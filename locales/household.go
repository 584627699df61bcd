package locales

import "strings"

// nameTitles are the titles people may type before a name, longest first
// so that นางสาว is not read as นาง + สาว…
var nameTitles = []string{"นางสาว", "น.ส.", "นาง", "นาย", "mrs.", "mrs", "mr.", "mr", "ms.", "ms"}

// StripTitle removes a leading title (นาย, นาง, นางสาว, Mr, Mrs, Ms) from a
// name, so that "นายสมชาย ใจดี" and "สมชาย ใจดี" are the same person. A
// name that is only a title is left as it is.
func StripTitle(s string) string {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, t := range nameTitles {
		if strings.HasPrefix(lower, t) && len(s) > len(t) {
			return strings.TrimSpace(s[len(t):])
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
