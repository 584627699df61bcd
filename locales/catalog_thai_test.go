package locales

// Issue 14: Thai texts read as one person speaking. A space before a
// particle ("คุณทองใบ แล้ว", "ไลน์ ของโครงการ") reads as a slip, and so
// does a word said twice in a row ("การอบรมวันอบรม" comes from a template,
// see TestThaiTemplatesDoNotDoubleWords). Every catalog is checked; a text
// that truly needs it is listed in thaiSpacingAllowed with the reason.

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// thaiParticles must not follow a space: they close what comes before them.
var thaiParticles = []string{"ค่ะ", "คะ", "ครับ", "นะ", "แล้ว", "ของ"}

// thaiSpacingAllowed are keys whose space before a particle is wanted, each
// with the reason; an entry that no longer applies fails the test, so the
// list cannot grow stale.
var thaiSpacingAllowed = map[string]string{}

// thaiTextArgs are template arguments that render as a person's name:
// a space after them before a particle is a slip ("คุณทองใบ แล้ว"), as
// after any Thai word. Numbers, dates and codes keep their space ("วันที่ 5
// ค่ะ"), and so does a village: its name may end in its ตำบล
// ("ต.โนนทอง แล้ว"), which would run into the word after it.
var thaiTextArgs = []string{"{{.Name}}", "{{.Lead}}", "{{.Head}}"}

// spaceBeforeParticle finds " <particle>" after a Thai word or a Thai
// template argument. "แล้ว" and "นะ" also start clauses ("ทำต่อ แล้วกด"): for
// them only the particle that ends the phrase counts. Examples after "เช่น"
// stand apart from the sentence, and "ๆ" is followed by a space by rule.
func spaceBeforeParticle(src string) []string {
	var found []string
	for _, line := range strings.Split(src, "\n") {
		for _, p := range thaiParticles {
			for i := 0; ; {
				j := strings.Index(line[i:], " "+p)
				if j < 0 {
					break
				}
				at := i + j
				i = at + 1
				before := line[:at]
				if before == "" || strings.Contains(before, "เช่น") {
					continue
				}
				last := []rune(before)[len([]rune(before))-1]
				thaiArg := slices.ContainsFunc(thaiTextArgs, func(a string) bool { return strings.HasSuffix(before, a) })
				if !thaiArg && (!unicode.Is(unicode.Thai, last) || last == 'ๆ') {
					continue
				}
				rest := line[at+1+len(p):]
				if (p == "แล้ว" || p == "นะ") && !endsPhrase(rest) {
					continue
				}
				found = append(found, lastRunes(before, 12)+" "+p)
			}
		}
	}
	return found
}

// endsPhrase reports whether what follows a particle ends the phrase: the
// end of the text or line, a space, or another particle.
func endsPhrase(rest string) bool {
	if rest == "" || rest[0] == ' ' {
		return true
	}
	for _, p := range []string{"ค่ะ", "คะ", "ครับ", "นะ"} {
		if strings.HasPrefix(rest, p) {
			return true
		}
	}
	return false
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[len(r)-n:]
	}
	return string(r)
}

// doubledWords finds Thai written twice in a row, with or without one
// space between ("ครัวเรือน ครัวเรือน", "ค่ะค่ะ"): at each place the
// shortest repeat of three or more Thai letters, outside doubledAllowed.
func doubledWords(src string) []string {
	var found []string
	for _, line := range strings.Split(src, "\n") {
		runes := []rune(line)
		for i := 0; i < len(runes); i++ {
			for n := 3; i+2*n <= len(runes); n++ {
				a := runes[i : i+n]
				if !allThai(a) {
					break
				}
				b := runes[i+n:]
				if b[0] == ' ' {
					b = b[1:]
				}
				if len(b) >= n && string(b[:n]) == string(a) && !slices.Contains(doubledAllowed, string(a)) {
					found = append(found, string(a)+"|"+string(a))
					i += 2*n - 1
					break
				}
			}
		}
	}
	return found
}

func allThai(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Thai, r) || r == 'ๆ' {
			return false
		}
	}
	return true
}

// doubledAllowed are repeats that are Thai, not slips: "วันที่ที่ผ่านมา"
// (the date that), "นาย นาง นางสาว" (titles listed), "ถูกต้อง ต้องเป็น" and
// "ใช้ไม่ได้ ไม่ได้เปลี่ยน" (two clauses meeting).
var doubledAllowed = []string{"ที่", "นาง", "ต้อง", "ไม่ได้"}

func TestThaiCatalogSpacingAndDoubledWords(t *testing.T) {
	c := mustLoad(t)
	used := map[string]bool{}
	for _, key := range c.Keys(Thai) {
		m := c.langs[Thai].msgs[key]
		if why, ok := thaiSpacingAllowed[key]; ok {
			used[key] = true
			_ = why
			continue
		}
		for _, f := range spaceBeforeParticle(m.src) {
			t.Errorf("%s (%s): space before a particle: %q", key, m.file, f)
		}
		for _, f := range doubledWords(m.src) {
			t.Errorf("%s (%s): word written twice: %q", key, m.file, f)
		}
	}
	for key := range thaiSpacingAllowed {
		if !used[key] {
			t.Errorf("thaiSpacingAllowed lists %s, which is no Thai text", key)
		}
	}
}

func TestThaiSpacingCheckFindsTheIssueExamples(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want int
	}{
		{"ส่งรหัสให้คุณ{{.Name}} แล้วค่ะ", 1},
		{"เพิ่มเพื่อนไลน์ ของโครงการ", 1},
		{"คุณทองใบ แล้ว", 1},
		{"ขอบคุณ ค่ะ", 1},
		{"• “สรุป” ดูสรุปประจำวัน", 0},
		{"กด “ยืนยัน” แล้วรอสักครู่ค่ะ", 0},
		{"ดูข้อมูล ของครัวเรือนอื่นไม่ได้", 1},
		{"พิมพ์ชื่อ เช่น สมชาย ใจดี ค่ะ", 0},
		{"ส่งภายในวันที่ {{.Date}} ค่ะ", 0},
		{"เหตุผลสั้น ๆ ค่ะ", 0},
		{"ทำต่อ แล้วกดยืนยัน", 0},
	} {
		if got := spaceBeforeParticle(tc.src); len(got) != tc.want {
			t.Errorf("spaceBeforeParticle(%q) = %q, want %d finding(s)", tc.src, got, tc.want)
		}
	}
	for _, tc := range []struct {
		src  string
		want int
	}{
		{"การอบรมวันอบรมวันอบรมที่ 5", 1},
		{"ขอบคุณค่ะค่ะ", 1},
		{"ครัวเรือน ครัวเรือน", 1},
		{"ค่อย ๆ ทำ", 0},
		{"การอบรมวันที่ 5", 0},
	} {
		if got := doubledWords(tc.src); len(got) != tc.want {
			t.Errorf("doubledWords(%q) = %q, want %d finding(s)", tc.src, got, tc.want)
		}
	}
}
