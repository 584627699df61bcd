package locales

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NormalizeDigits replaces Thai digits (๐–๙) and full-width digits (０–９)
// with ASCII digits 0–9 and leaves everything else unchanged.
func NormalizeDigits(s string) string {
	if !strings.ContainsFunc(s, isOtherDigit) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '๐' && r <= '๙':
			return '0' + r - '๐'
		case r >= '０' && r <= '９':
			return '0' + r - '０'
		}
		return r
	}, s)
}

func isOtherDigit(r rune) bool {
	return r >= '๐' && r <= '๙' || r >= '０' && r <= '９'
}

// ParseInt reads a whole number as people type it: surrounding spaces,
// Thai digits, thousands separated by commas or spaces ("1,500", "1 500"),
// an optional ".00", an optional unit ("บาท", "฿", "baht", "คน", "people",
// "ปี", "years") and a trailing polite particle ("ค่ะ", "ครับ") are all
// accepted. A leading '-' gives a negative number, so that the caller can
// answer "must be more than 0" rather than "not a number". Fractions, other
// signs, misplaced separators, letters, empty input and values outside int64
// are rejected.
func ParseInt(s string) (int64, bool) {
	s = trimUnit(cleanAnswer(s))
	neg := false
	for _, minus := range []string{"-", "−"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			neg = true
			s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "฿"))
			break
		}
	}
	// "5 พัน", "1 หมื่น": how people say round amounts of baht.
	mult := uint64(1)
	for _, m := range thaiMultipliers {
		if rest, ok := strings.CutSuffix(s, m.word); ok && strings.TrimSpace(rest) != "" {
			s, mult = strings.TrimSpace(rest), m.times
			break
		}
	}
	u, ok := parseGrouped(s)
	if !ok {
		return 0, false
	}
	if mult > 1 {
		if u > math.MaxInt64/mult {
			return 0, false
		}
		u *= mult
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return int64(-u), true // two's complement: correct for 1<<63 too
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// moneyUnits and countUnits are the units typed after an amount of money
// and after a count of people or years, longest first where one is the end
// of another. numberUnits, both together, are the units ParseInt accepts;
// ParseAmount and ParseCount each take their own.
var (
	moneyUnits  = []string{"บาท", "บ.", "baht", "thb"}
	countUnits  = []string{"คน", "persons", "person", "people", "ปี", "years", "year", "yrs"}
	numberUnits = slices.Concat(moneyUnits, countUnits)
)

// trimUnit removes a leading or trailing "฿" and one trailing unit.
// thaiMultipliers are the words for thousand, ten thousand and hundred
// thousand that may follow a number.
var thaiMultipliers = []struct {
	word  string
	times uint64
}{{"พัน", 1_000}, {"หมื่น", 10_000}, {"แสน", 100_000}}

func trimUnit(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "฿"))
	s = strings.TrimSpace(strings.TrimSuffix(s, "฿"))
	for _, u := range numberUnits {
		if rest, ok := strings.CutSuffix(s, u); ok {
			return strings.TrimSpace(rest)
		}
	}
	return s
}

// parseGrouped parses ASCII digits, optionally grouped in threes by commas
// or single spaces, optionally followed by ".0" or ".00".
func parseGrouped(s string) (uint64, bool) {
	if whole, frac, ok := strings.Cut(s, "."); ok {
		if frac != "0" && frac != "00" {
			return 0, false
		}
		s = whole
	}
	return groupedDigits(s)
}

// groupedDigits parses ASCII digits, optionally grouped in threes by commas
// or single spaces ("1,500", "1 500"), with no decimal point.
func groupedDigits(s string) (uint64, bool) {
	s = strings.Join(strings.Fields(s), " ")
	var n uint64
	group, grouped := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d := uint64(r - '0')
			if n > (math.MaxUint64-d)/10 {
				return 0, false
			}
			n = n*10 + d
			group++
		case r == ',' || r == ' ':
			if group == 0 || group > 3 || grouped && group != 3 {
				return 0, false
			}
			group, grouped = 0, true
		default:
			return 0, false
		}
	}
	if group == 0 || grouped && group != 3 {
		return 0, false
	}
	return n, true
}

// mooPrefixes are the ways people write "village number", longest first
// where one is the start of another. "หมู" (without the tone mark) is a
// common slip.
var mooPrefixes = []string{
	"หมู่บ้านที่", "หมู่บ้าน", "หมู่ที่", "หมู่", "หมู", "ม.", "ม",
	"village no.", "village", "moo.", "moo", "mu.", "mu", "m.", "m",
}

// ParseMoo reads a village number (หมู่ที่) as people type it: "5", "๕",
// "05", "หมู่ 5", "หมู่ที่ ๕", "ม.5", "ม. 5", "ม 5", "moo 5", "Moo5", "หมู่5",
// with or without a trailing polite particle. The number must be 1–99;
// anything else, including a village name after the number, is rejected.
func ParseMoo(s string) (int, bool) {
	s = cleanAnswer(s)
	for _, p := range mooPrefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = strings.TrimSpace(rest)
			break
		}
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "ที่"))
	if s == "" || len(s) > 2 {
		return 0, false
	}
	n := 0
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	if n < 1 || n > 99 {
		return 0, false
	}
	return n, true
}

// ParsePhone reads a Thai phone number and returns it in national form
// without separators ("0812345678"). Mobiles are 10 digits starting 06, 08
// or 09; landlines 9 digits starting 02–07. A "+66", "66" or "0066" prefix
// stands for the leading 0 (a "(0)" after it is allowed); dashes, spaces,
// dots and parentheses are ignored, Thai digits accepted.
func ParsePhone(s string) (string, bool) {
	s = cleanAnswer(s)
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9' || r == '+':
			b = append(b, byte(r))
		case r == '-' || r == '.' || r == '(' || r == ')' || unicode.IsSpace(r) ||
			r >= '\u2010' && r <= '\u2015': // hyphens and dashes
		default:
			return "", false
		}
	}
	d := string(b)
	for _, intl := range []string{"+66", "0066", "66"} {
		if rest, ok := strings.CutPrefix(d, intl); ok {
			d = "0" + strings.TrimPrefix(rest, "0")
			break
		}
	}
	for i := range len(d) {
		if d[i] < '0' || d[i] > '9' {
			return "", false
		}
	}
	if isMobile(d) || isLandline(d) {
		return d, true
	}
	return "", false
}

func isMobile(d string) bool {
	return len(d) == 10 && d[0] == '0' && (d[1] == '6' || d[1] == '8' || d[1] == '9')
}

func isLandline(d string) bool {
	return len(d) == 9 && d[0] == '0' && d[1] >= '2' && d[1] <= '7'
}

// FormatPhone writes a phone number the way Thais read it: mobiles
// "081-234-5678", Bangkok landlines "02-123-4567", other landlines
// "053-123-456". p should be the output of ParsePhone; other input is
// normalised with ParsePhone first and, if that fails, returned unchanged.
func FormatPhone(p string) string {
	if !isMobile(p) && !isLandline(p) {
		q, ok := ParsePhone(p)
		if !ok {
			return p
		}
		p = q
	}
	switch {
	case isMobile(p):
		return p[:3] + "-" + p[3:6] + "-" + p[6:]
	case p[1] == '2':
		return p[:2] + "-" + p[2:5] + "-" + p[5:]
	default:
		return p[:3] + "-" + p[3:6] + "-" + p[6:]
	}
}

// titleList is the one list of the titles people write before a name
// (lower case), longest first so that นางสาว is tried before นาง. A name
// that is only a title is not a name (NormalizeName); StripTitle and
// FirstName take them off.
var titleList = func() []string {
	l := []string{"นาย", "นาง", "นางสาว", "น.ส.", "น.ส", "เด็กชาย", "เด็กหญิง", "ด.ช.", "ด.ญ.",
		"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr."}
	slices.SortStableFunc(l, func(a, b string) int { return len(b) - len(a) })
	return l
}()

// titles is titleList as a set.
var titles = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range titleList {
		m[t] = true
	}
	return m
}()

// MaxNameRunes is the longest name NormalizeName accepts, in characters.
const MaxNameRunes = 100

// NormalizeName cleans a typed person's name: trims, collapses inner
// whitespace to single spaces, removes zero-width and other invisible
// characters and puts Thai marks in canonical order (NFC). A title such as
// นาย, นาง, นางสาว, Mr, Mrs or Ms is kept as typed. It reports false unless
// the result is 2–100 characters with at least one letter, no digits, and is
// more than a title alone.
func NormalizeName(s string) (string, bool) {
	s = normalizeSpaces(stripInvisible(s, false))
	if n := utf8.RuneCountInString(s); n < 2 || n > MaxNameRunes {
		return "", false
	}
	letter := false
	for _, r := range s {
		if unicode.IsDigit(r) {
			return "", false
		}
		if unicode.IsLetter(r) {
			letter = true
		}
	}
	if !letter || titles[lowerASCII(s)] {
		return "", false
	}
	return s, true
}

// NormalizeText cleans a typed free-text answer: trims, collapses all
// whitespace (newlines too) to single spaces, removes invisible characters
// (keeping the zero-width joiner inside emoji) and applies NFC. It reports
// false unless the result is 1..maxRunes characters.
func NormalizeText(s string, maxRunes int) (string, bool) {
	s = normalizeSpaces(stripInvisible(s, true))
	if n := utf8.RuneCountInString(s); n < 1 || n > maxRunes {
		return "", false
	}
	return s, true
}

// politeParticles end a polite Thai sentence; they are dropped from typed
// commands and answers. Longer ones come first.
var politeParticles = []string{
	"นะครับ", "นะคะ", "นะค่ะ", "ครับผม", "ครับ", "คับ", "ค่ะ", "ค่า", "คะ", "จ้า", "จ้ะ", "จ๊ะ", "ฮะ", "นะ",
}

// MatchCommand normalises typed text for comparison with command words:
// invisible characters removed, NFC, Thai and full-width digits made ASCII,
// ASCII lower-cased, surrounding spaces, punctuation and emoji trimmed,
// trailing polite particles removed (ค่ะ, ครับ, คะ, จ้า, นะคะ, นะครับ, ...),
// whitespace collapsed and spaces between Thai words removed. So
// "ยกเลิก ค่ะ" gives "ยกเลิก" and " Cancel! " gives "cancel". Applying it
// twice gives the same result as once.
func MatchCommand(s string) string {
	s = strings.ToValidUTF8(s, "")
	for range 8 {
		t := matchPass(s)
		if t == s {
			break
		}
		s = t
	}
	return s
}

func matchPass(s string) string {
	s = norm.NFC.String(stripInvisible(s, false))
	s = lowerASCII(NormalizeDigits(s))
	// Dashes as phones type them: "2-5" matches a label's "2–5".
	if strings.ContainsAny(s, labelDashes) {
		s = dashes.Replace(s)
	}
	for {
		t := trimParticles(strings.TrimFunc(s, isCommandJunk))
		if t == s {
			break
		}
		s = t
	}
	s = removeThaiSpaces(collapseSpaces(s))
	return norm.NFC.String(s)
}

// collapseSpaces is strings.Join(strings.Fields(s), " "), without copying
// s when it has no whitespace but single spaces between words (a typed
// command mostly has none).
func collapseSpaces(s string) string {
	if s == "" || strings.Contains(s, "  ") || s[0] == ' ' || s[len(s)-1] == ' ' ||
		strings.ContainsFunc(s, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) {
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}

// dashes turns the dashes of labels (en dash, em dash, minus sign) into
// the hyphen a keyboard types.
var dashes = strings.NewReplacer("\u2013", "-", "\u2014", "-", "\u2212", "-")

// labelDashes are the dashes that dashes replaces.
const labelDashes = "\u2013\u2014\u2212"

// isCommandJunk reports runes trimmed from both ends of a typed command.
func isCommandJunk(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// trimParticles removes trailing polite particles, as long as something
// is left.
func trimParticles(s string) string {
	for {
		s = strings.TrimRightFunc(s, unicode.IsSpace)
		cut := false
		for _, p := range politeParticles {
			if rest, ok := strings.CutSuffix(s, p); ok && strings.TrimSpace(rest) != "" {
				s, cut = rest, true
				break
			}
		}
		if !cut {
			return s
		}
	}
}

func isThai(r rune) bool { return r >= '\u0e01' && r <= '\u0e5b' }

// removeThaiSpaces removes single spaces that have Thai on both sides: Thai
// writes no spaces between words, but people add them while typing.
func removeThaiSpaces(s string) string {
	if !strings.Contains(s, " ") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	for i, r := range s {
		if r == ' ' && isThai(prev) {
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if isThai(next) {
				continue
			}
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// cleanAnswer prepares a typed answer for ParseInt, ParseMoo and ParsePhone.
func cleanAnswer(s string) string {
	s = norm.NFC.String(stripInvisible(strings.ToValidUTF8(s, ""), false))
	s = strings.TrimFunc(lowerASCII(NormalizeDigits(s)), unicode.IsSpace)
	return trimParticles(s)
}

// normalizeSpaces trims, collapses whitespace and applies NFC.
func normalizeSpaces(s string) string {
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// stripInvisible drops invalid UTF-8, format characters (zero-width space,
// joiners, BOM, soft hyphen, direction marks) and control characters other
// than whitespace. keepZWJ keeps the zero-width joiner that builds emoji.
func stripInvisible(s string, keepZWJ bool) string {
	s = strings.ToValidUTF8(s, "")
	invisible := func(r rune) bool {
		if r == '\u200d' && keepZWJ {
			return false
		}
		return unicode.Is(unicode.Cf, r) || unicode.IsControl(r) && !unicode.IsSpace(r)
	}
	if !strings.ContainsFunc(s, invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, s)
}

// lowerASCII lower-cases ASCII letters only.
func lowerASCII(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// tambonMarks start a sub-district's name inside a typed place.
var tambonMarks = []string{"ตำบล", "ต.", "tambon", "t."}

// ParsePlace reads a village typed with or without its sub-district:
// "5", "หมู่ 5", "ม.5 ต.หนองแวง", "หมู่ที่ 5 ตำบลหนองแวง", "moo 5 tambon Nong
// Waeng". It returns the number (1–99) and the sub-district as typed
// (trimmed, "" when none was given).
func ParsePlace(s string) (moo int, tambon string, ok bool) {
	s = strings.TrimSpace(NormalizeDigits(s))
	lower := strings.ToLower(s)
	cut := -1
	for _, m := range tambonMarks {
		if i := strings.Index(lower, m); i > 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut < 0 {
		moo, ok = ParseMoo(s)
		return moo, "", ok
	}
	moo, ok = ParseMoo(s[:cut])
	if !ok {
		return 0, "", false
	}
	rest := strings.TrimSpace(s[cut:])
	for _, m := range tambonMarks {
		if len(rest) >= len(m) && strings.EqualFold(rest[:len(m)], m) {
			rest = strings.TrimSpace(rest[len(m):])
			break
		}
	}
	rest = trimParticles(rest)
	if rest == "" {
		return 0, "", false
	}
	return moo, rest, true
}
