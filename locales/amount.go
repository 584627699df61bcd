package locales

import (
	"cmp"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Amount is a sum of money in satang: 100 satang make a baht, so
// 4,500.50 baht is Amount(450050). Amounts from ParseAmount are never
// negative. As a catalog argument an Amount renders with FormatAmount.
type Amount int64

// Baht returns the amount in whole baht, rounded to the nearest baht with
// 50 satang rounding away from zero (4,500.50 gives 4501). Records that
// keep whole baht, such as a household's monthly income, store this.
func (a Amount) Baht() int64 {
	b, st := int64(a)/100, int64(a)%100
	switch {
	case st >= 50:
		b++
	case st <= -50:
		b--
	}
	return b
}

// Whole reports whether the amount is a whole number of baht.
func (a Amount) Whole() bool { return a%100 == 0 }

func (a Amount) localize(l Lang) string { return FormatAmount(l, a) }

// FormatAmount formats an amount like FormatBaht, with two decimals when
// it has satang: "4,500 บาท", "4,500.50 บาท", "0.75 baht". ParseAmount
// reads the result back as the same amount.
func FormatAmount(lang Lang, a Amount) string {
	if a.Whole() {
		return FormatBaht(lang, int64(a/100))
	}
	u := uint64(a)
	sign := ""
	if a < 0 {
		u, sign = -u, "-" // two's complement: correct for math.MinInt64 too
	}
	st := strconv.FormatUint(u%100+100, 10)[1:] // two digits
	n := sign + FormatNumber(int64(u/100)) + "." + st
	if lang == English {
		return n + " baht"
	}
	return n + " บาท"
}

// ParseAmount reads an amount of money as people type it in a chat and
// returns it in satang. It accepts:
//
//   - digits, Thai or ASCII, grouped or not, with up to two decimals:
//     "4500", "4,500", "4,500.50", "๔๕๐๐"; three decimals ("1.500") are
//     refused as ambiguous;
//   - a unit and filler words around the number: "ประมาณ 4500 บาท",
//     "ราว ๆ 4500 บาทค่ะ", "4500บ.", "4,500.-", "about 4500 baht", "~4500",
//     "฿4500", "5000 โดยประมาณ", and "a month" qualifiers (เดือนละ, ต่อเดือน,
//     "/เดือน", "per month"), since the amounts the bot asks for are monthly;
//     "per day" and other qualifiers are refused;
//   - multipliers after digits, decimals included: "4.5 พัน" (4,500),
//     "1.5 หมื่น", "2 แสน", "1.2 ล้าน", "5k", "2หมื่น5พัน";
//   - Thai number words through แสน and ล้าน: "ห้าพัน", "สี่พันห้าร้อย",
//     "หนึ่งหมื่นสองพัน", "ยี่สิบเอ็ด", "สิบ", "ร้อย" (100), "ล้าน". A digit
//     word after ร้อย, พัน, หมื่น, แสน or ล้าน that ends the number stands for
//     the next lower unit, as Thais say it: "พันห้า" 1,500, "สามพันห้า" 3,500,
//     "หมื่นสอง" 12,000, "ร้อยห้า" 150, "ล้านสอง" 1,200,000; likewise
//     "พันครึ่ง" 1,500. "พันนึง" / "พันหนึ่ง" is one thousand, "ร้อยเอ็ด" 101;
//   - "กว่า" (or "+") after the number, "a bit over": the number itself is
//     taken, so "พันกว่าบาท" is 1,000 and "5000+" is 5,000;
//   - a range, whose middle is taken (rounded half up to the satang):
//     "5000-6000", "5,000 – 6,000 บาท", "5000 ถึง 6000", "5000~6000",
//     "ห้าพันถึงหกพัน" all give 5,500. A bare first number takes the
//     multiplier of the second when that makes sense: "5-6 พัน",
//     "ห้าถึงหกพัน" are 5,000 to 6,000. A range whose first end is above its
//     second is refused.
//
// It refuses (false) anything that is not clearly one amount: words such
// as "ไม่ทราบ" or "ไม่มี" (callers offer their own "unknown"), satang
// written in words ("ห้าสิบสตางค์"; type "4,500.50"), two numbers
// without a range word ("5000 6000"), fractions of a satang, values
// beyond int64 satang, input longer than 120 characters, and negative
// amounts; IsNegativeAmount tells a negative amount from other refusals.
//
// Digits grouped by single spaces are read as one number, as ParseInt
// does: "1 500" is 1,500. Whenever ParseInt and ParseAmount both accept a
// text with a non-negative value, they agree on it.
func ParseAmount(s string) (Amount, bool) {
	a, st := readAmount(s)
	if st != numOK {
		return 0, false
	}
	return a, true
}

// IsNegativeAmount reports whether s is a negative amount of money that
// ParseAmount would read without its sign: "-500", "−1,500 บาท",
// "ติดลบ 500". ParseAmount refuses these; callers use this to say "no
// negative amounts" rather than "not a number". "-0" is not negative:
// ParseAmount reads it as 0.
func IsNegativeAmount(s string) bool {
	_, st := readAmount(s)
	return st == numNegative
}

// ParseCount reads a count of people or a number of years as people type
// it: "4", "๔ คน", "สี่คน", "ยี่สิบห้า", "ประมาณยี่สิบปี", "20 ปี",
// "20 ปีแล้ว", "4 people". The number words, multipliers, fillers and
// "กว่า" rules of ParseAmount apply, so "สิบกว่าปี" is 10. A count is one
// whole number: ranges ("4-5 คน"), fractions ("2.5"), negative numbers,
// money units and values above math.MaxInt are refused. Whenever ParseInt
// and ParseCount both accept a text with a non-negative value, they agree
// on it.
func ParseCount(s string) (int, bool) {
	r, ok := readNumber(s, countLead, countTrail, false)
	if !ok || r.neg || !r.lo.IsInt() {
		return 0, false
	}
	n := r.lo.Num()
	if !n.IsInt64() || n.Int64() > math.MaxInt {
		return 0, false
	}
	return int(n.Int64()), true
}

type numStatus int

const (
	numBad numStatus = iota
	numOK
	numNegative
)

// maxNumberRunes bounds what the number parsers read: nobody types an
// amount or a count in more, and it bounds the work done on hostile input.
const maxNumberRunes = 120

func readAmount(s string) (Amount, numStatus) {
	r, ok := readNumber(s, amountLead, amountTrail, true)
	if !ok {
		return 0, numBad
	}
	lo, ok1 := toSatang(r.lo)
	hi, ok2 := toSatang(r.hi)
	switch {
	case !ok1 || !ok2 || lo > hi:
		return 0, numBad
	case r.neg && lo > 0:
		return 0, numNegative
	}
	d := hi - lo // cannot overflow: 0 <= lo <= hi
	return Amount(lo + d/2 + d%2), numOK
}

var big100 = big.NewRat(100, 1)

// toSatang converts an amount of baht to satang if it is a whole number of
// satang that fits in an int64.
func toSatang(baht *big.Rat) (int64, bool) {
	v := new(big.Rat).Mul(baht, big100)
	if !v.IsInt() || !v.Num().IsInt64() {
		return 0, false
	}
	return v.Num().Int64(), true
}

// Words around a number. Each list is sorted longest first when the
// package loads, so that "ราวๆ" is tried before "ราว". Spaces between Thai
// words are removed before they are matched ("ราว ๆ" is "ราวๆ").
var (
	// approxLead come before an amount or a count: about, around, almost,
	// I think, it comes to, there are.
	approxLead = []string{
		"ประมาณ", "ราวๆ", "ราว", "เกือบ", "น่าจะ", "คิดว่า", "ได้", "ก็", "มี", "รวม", "ทั้งหมด",
		"about", "around", "approximately", "approx.", "approx", "roughly", "nearly", "almost", "ca.", "~", "≈",
	}
	// approxTrail come after one: a bit more than, roughly, in all; and a
	// full stop.
	approxTrail = []string{"กว่าๆ", "กว่า", "+", "โดยประมาณ", "ประมาณนี้", "ประมาณนั้น", "ทั้งหมด", "."}

	amountLead = sortLongestFirst(slices.Concat(approxLead, []string{
		"รายได้", "เดือนละ", "ตกเดือนละ", "ตก", "฿", "thb",
	}))
	amountTrail = sortLongestFirst(slices.Concat(moneyUnits, approxTrail, []string{
		"฿", "ถ้วน", ".-", "ต่อเดือน", "/เดือน", "/ด.", "per month", "a month", "/month", "/mo", "monthly",
	}))
	countLead  = sortLongestFirst(approxLead)
	countTrail = sortLongestFirst(slices.Concat(countUnits, approxTrail, []string{"ท่าน", "ขวบ", "yr", "แล้ว"}))
)

func sortLongestFirst(l []string) []string {
	slices.SortStableFunc(l, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	return l
}

// minusSigns start a negative number.
var minusSigns = []string{"-", "−", "ติดลบ", "ลบ"}

// rangeWords join the two ends of a range. A dash at the very start is a
// minus sign instead.
var rangeWords = []string{"ถึง", "to", "-", "–", "—", "−", "~"}

// numberRead is what readNumber found: a number, or a range lo–hi (lo ==
// hi for one number), in baht or units; neg when it had a minus sign.
type numberRead struct {
	lo, hi *big.Rat
	neg    bool
}

// readNumber reads one number, or a range when ranges is set, with the
// given filler words before (lead) and after (trail) it.
func readNumber(s string, lead, trail []string, ranges bool) (numberRead, bool) {
	if len(s) > 8*maxNumberRunes {
		return numberRead{}, false
	}
	s = cleanAnswer(s)
	if utf8.RuneCountInString(s) > maxNumberRunes {
		return numberRead{}, false
	}
	s = trimWords(removeThaiSpaces(strings.Join(strings.Fields(s), " ")), lead, trail)
	for _, m := range minusSigns {
		if rest, ok := strings.CutPrefix(s, m); ok {
			v, ok := readOne(rest, lead, trail)
			return numberRead{lo: v.value, hi: v.value, neg: true}, ok
		}
	}
	if ranges {
		if left, right, ok := cutRange(s); ok {
			l, ok1 := readOne(left, lead, trail)
			r, ok2 := readOne(right, lead, trail)
			if !ok1 || !ok2 {
				return numberRead{}, false
			}
			// "5-6 พัน", "ห้าถึงหกพัน": the first end takes the second's
			// multiplier when it has none and stays below the second end.
			if !l.places && r.lastPlace >= 2 {
				scaled := new(big.Rat).Mul(l.value, pow10(r.lastPlace))
				if scaled.Cmp(r.value) <= 0 {
					l.value = scaled
				}
			}
			return numberRead{lo: l.value, hi: r.value}, true
		}
	}
	v, ok := readOne(s, lead, trail)
	return numberRead{lo: v.value, hi: v.value}, ok
}

// cutRange splits s at its first range word.
func cutRange(s string) (left, right string, ok bool) {
	at, size := -1, 0
	for _, w := range rangeWords {
		if len(s) < 2 {
			break
		}
		if i := strings.Index(s[1:], w); i >= 0 && (at < 0 || i+1 < at) {
			at, size = i+1, len(w)
		}
	}
	if at < 0 {
		return "", "", false
	}
	return s[:at], s[at+size:], true
}

// trimWords removes filler words from both ends of s, as long as
// something is left.
func trimWords(s string, lead, trail []string) string {
	for {
		t := strings.TrimSpace(s)
		for _, w := range lead {
			if rest, ok := strings.CutPrefix(t, w); ok && strings.TrimSpace(rest) != "" {
				t = strings.TrimSpace(rest)
				break
			}
		}
		for _, w := range trail {
			if rest, ok := strings.CutSuffix(t, w); ok && strings.TrimSpace(rest) != "" {
				t = strings.TrimSpace(rest)
				break
			}
		}
		t = trimParticles(t)
		if t == s {
			return s
		}
		s = t
	}
}

// numKind is the kind of a token of a typed number.
type numKind int

const (
	tokDigit  numKind = iota // a digit word: ห้า
	tokLit                   // digits: 4,500.50
	tokPlace                 // a place word: สิบ ร้อย พัน หมื่น แสน ล้าน k
	tokYi                    // ยี่, only before สิบ
	tokEt                    // เอ็ด, one as the last digit: สิบเอ็ด
	tokHalf                  // ครึ่ง after a place: พันครึ่ง
	tokOneAny                // หนึ่ง / นึง: a digit, or "one" after a place: พันนึง
)

type numToken struct {
	kind   numKind
	value  *big.Rat // tokDigit, tokLit, tokOneAny
	exp    int      // tokPlace: the power of ten
	latin  bool     // tokPlace: k, thousand…, which need a number before them
	single bool     // a digit 1–9 typed as one digit, or a digit word 2–9
	frac   int      // tokLit: digits after the decimal point
}

type numWord struct {
	text string
	tok  numToken
}

// numWords are Thai number words (with common misspellings) and the
// multipliers people type after digits, longest first.
var numWords = func() []numWord {
	digit := func(t string, d int64) numWord {
		return numWord{t, numToken{kind: tokDigit, value: big.NewRat(d, 1), single: d >= 2}}
	}
	place := func(t string, exp int, latin bool) numWord {
		return numWord{t, numToken{kind: tokPlace, exp: exp, latin: latin}}
	}
	one := numToken{kind: tokOneAny, value: big.NewRat(1, 1)}
	w := []numWord{
		digit("ศูนย์", 0), {"หนึ่ง", one}, {"หนึง", one}, {"หนื่ง", one}, {"นึง", one},
		digit("สอง", 2), digit("สาม", 3), digit("สี่", 4), digit("ห้า", 5),
		digit("หก", 6), digit("เจ็ด", 7), digit("แปด", 8), digit("เก้า", 9),
		{"ยี่", numToken{kind: tokYi}}, {"เอ็ด", numToken{kind: tokEt}}, {"ครึ่ง", numToken{kind: tokHalf}},
		place("สิบ", 1, false), place("ร้อย", 2, false), place("หมืน", 4, false), place("ล้าน", 6, false),
		place("k", 3, true), place("hundred", 2, true), place("thousand", 3, true), place("million", 6, true),
	}
	for _, m := range thaiMultipliers { // พัน หมื่น แสน, as ParseInt reads them
		w = append(w, place(m.word, len(strconv.FormatUint(m.times, 10))-1, false))
	}
	slices.SortStableFunc(w, func(a, b numWord) int { return cmp.Compare(len(b.text), len(a.text)) })
	return w
}()

// tokenize splits a typed number into digits, literals and place words,
// skipping spaces. Anything else fails.
func tokenize(s string) ([]numToken, bool) {
	var toks []numToken
next:
	for s != "" {
		if s[0] == ' ' {
			s = s[1:]
			continue
		}
		if s[0] >= '0' && s[0] <= '9' {
			n := literalLen(s)
			t, ok := parseLiteral(s[:n])
			if !ok {
				return nil, false
			}
			toks, s = append(toks, t), s[n:]
			continue
		}
		for _, w := range numWords {
			if rest, ok := strings.CutPrefix(s, w.text); ok {
				toks, s = append(toks, w.tok), rest
				continue next
			}
		}
		return nil, false
	}
	return toks, len(toks) > 0
}

// literalLen is the length of the digits at the start of s, with the
// commas, single spaces and decimal points between them.
func literalLen(s string) int {
	i := 0
	for i < len(s) {
		switch {
		case s[i] >= '0' && s[i] <= '9':
			i++
		case (s[i] == ',' || s[i] == '.' || s[i] == ' ') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			i += 2
		default:
			return i
		}
	}
	return i
}

// parseLiteral reads digits grouped as parseGrouped reads them, with any
// number of decimals (up to 18).
func parseLiteral(s string) (numToken, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	n, ok := groupedDigits(whole)
	if !ok || len(frac) > 18 || strings.ContainsFunc(frac, func(r rune) bool { return r < '0' || r > '9' }) {
		return numToken{}, false
	}
	v := new(big.Rat).SetInt(new(big.Int).SetUint64(n))
	if frac != "" {
		f, _ := strconv.ParseUint(frac, 10, 64)
		v.Add(v, new(big.Rat).Quo(new(big.Rat).SetInt(new(big.Int).SetUint64(f)), pow10(len(frac))))
	}
	return numToken{kind: tokLit, value: v, frac: len(frac), single: len(s) == 1 && s != "0"}, true
}

func pow10(k int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(k)), nil))
}

// numberValue is one number read by readOne.
type numberValue struct {
	value     *big.Rat
	places    bool // it has a place word (พัน, k…)
	lastPlace int  // the power of ten of its last token when that is a place word, else -1
}

// readOne reads one number: digits or number words, with filler words
// around it.
func readOne(s string, lead, trail []string) (numberValue, bool) {
	toks, ok := tokenize(trimWords(s, lead, trail))
	if !ok {
		return numberValue{}, false
	}
	return evalNumber(toks)
}

// evalNumber gives the value of a typed number. Thai numbers are read as
// segments of millions: within a segment each place word must be smaller
// than the one before ("สองพันห้าร้อย", not "ห้าร้อยสองพัน"), and the
// digits before a place word are its count. See ParseAmount for the
// colloquial forms.
func evalNumber(toks []numToken) (numberValue, bool) {
	total, cur := new(big.Rat), new(big.Rat)
	const noPlace = math.MaxInt
	segPlace := noPlace // the last place word's power in this segment
	var pending *numToken
	out := numberValue{lastPlace: -1}
	// below checks that a term stays below the previous place of the segment.
	below := func(term *big.Rat) bool {
		return segPlace == noPlace || term.Cmp(pow10(segPlace)) < 0
	}
	for i := range toks {
		t := &toks[i]
		var prev *numToken
		if i > 0 {
			prev = &toks[i-1]
		}
		last := i == len(toks)-1
		switch t.kind {
		case tokDigit, tokLit, tokOneAny:
			if pending != nil {
				return numberValue{}, false // two numbers in a row: "5000 6000", "ห้าหก"
			}
			if t.kind == tokLit && t.frac > 0 && !last && toks[i+1].kind != tokPlace {
				return numberValue{}, false
			}
			pending = t
		case tokYi:
			if pending != nil || last || toks[i+1].kind != tokPlace || toks[i+1].exp != 1 {
				return numberValue{}, false
			}
			pending = &numToken{kind: tokDigit, value: big.NewRat(2, 1)}
		case tokEt, tokHalf:
			if pending != nil || !last || prev == nil || prev.kind != tokPlace || prev.latin {
				return numberValue{}, false
			}
			if t.kind == tokEt {
				if !below(big.NewRat(1, 1)) {
					return numberValue{}, false
				}
				cur.Add(cur, big.NewRat(1, 1))
			} else {
				if prev.exp < 2 {
					return numberValue{}, false
				}
				cur.Add(cur, new(big.Rat).Mul(big.NewRat(5, 1), pow10(prev.exp-1)))
			}
		case tokPlace:
			out.places = true
			coef, explicit := big.NewRat(1, 1), pending != nil
			if explicit {
				coef, pending = pending.value, nil
			} else if t.latin {
				return numberValue{}, false // "k" alone
			}
			if t.exp == 6 { // ล้าน: close the segment
				if !explicit && cur.Sign() == 0 && prev != nil && prev.kind == tokPlace && prev.exp == 6 {
					total.Mul(total, pow10(6)) // ล้านล้าน
					continue
				}
				seg := new(big.Rat).Set(cur)
				switch {
				case explicit && seg.Sign() != 0 && !below(coef):
					return numberValue{}, false
				case explicit:
					seg.Add(seg, coef)
				case seg.Sign() == 0:
					seg.SetInt64(1) // "ล้าน": one million
				}
				total.Add(total, seg).Mul(total, pow10(6))
				cur.SetInt64(0)
				segPlace = 6
				continue
			}
			if segPlace != noPlace && t.exp >= segPlace {
				return numberValue{}, false
			}
			term := new(big.Rat).Mul(coef, pow10(t.exp))
			if !below(term) {
				return numberValue{}, false
			}
			cur.Add(cur, term)
			segPlace = t.exp
		}
	}
	if last := toks[len(toks)-1]; last.kind == tokPlace {
		out.lastPlace = last.exp
	}
	if pending != nil {
		var after *numToken // the place word just before the last number
		if n := len(toks); n >= 2 && toks[n-2].kind == tokPlace && !toks[n-2].latin {
			after = &toks[n-2]
		}
		switch {
		case after != nil && after.exp >= 2 && pending.single:
			// "พันห้า": the next lower unit.
			cur.Add(cur, new(big.Rat).Mul(pending.value, pow10(after.exp-1)))
		case after != nil && after.exp >= 2 && pending.kind == tokOneAny:
			// "พันนึง": one thousand, unless a count came first ("สองพันหนึ่ง").
			if len(toks) > 2 && toks[len(toks)-3].kind != tokPlace {
				return numberValue{}, false
			}
		default:
			// Decimals without a multiplier: only as the whole number, and at
			// most two ("1.500" may be a grouping or three decimals).
			if pending.kind == tokLit && pending.frac > 0 && (len(toks) > 1 || pending.frac > 2) {
				return numberValue{}, false
			}
			if !below(pending.value) {
				return numberValue{}, false // "หมื่น 50000"
			}
			cur.Add(cur, pending.value)
		}
	}
	out.value = total.Add(total, cur)
	return out, true
}
