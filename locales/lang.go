package locales

import "strings"

// Lang is a language the bot speaks. The zero value means Thai, the default.
type Lang string

// The languages the catalogs are written in.
const (
	Thai    Lang = "th"
	English Lang = "en"
)

// Langs returns the supported languages, the default (Thai) first; for
// example to offer one button per language.
func Langs() []Lang { return []Lang{Thai, English} }

// ParseLang maps a language tag such as a LINE profile's language ("th",
// "th-TH", "en-US") or a typed language name ("English", "อังกฤษ") to a
// supported language. Anything it does not recognise is Thai, the default:
// a LINE profile language is only a first guess, and the user can change it.
func ParseLang(s string) Lang {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "en", "eng", "english", "อังกฤษ", "ภาษาอังกฤษ":
		return English
	}
	return Thai
}

// norm resolves the zero Lang to Thai; other values are returned unchanged.
func (l Lang) norm() Lang {
	if l == "" {
		return Thai
	}
	return l
}
