package locales

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"5", "๑๕๐๐", "1,500", "1 500", "1500 บาท", "-5", "1.5", "+5", "",
		"9223372036854775807", "-9223372036854775808", "฿1,500.00", "4 คนค่ะ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseInt(s)
		if !ok {
			if n != 0 {
				t.Fatalf("ParseInt(%q) = %d, false; want 0 when rejected", s, n)
			}
			return
		}
		for _, back := range []string{
			strconv.FormatInt(n, 10), FormatNumber(n), FormatBaht(Thai, n), FormatBaht(English, n),
			" " + FormatNumber(n) + " ",
		} {
			if m, ok := ParseInt(back); !ok || m != n {
				t.Fatalf("ParseInt(%q) = %d (from %q) but ParseInt(%q) = %d, %v", s, n, s, back, m, ok)
			}
		}
	})
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0812345678", "081-234-5678", "+66 81 234 5678", "๐๘๑๒๓๔๕๖๗๘",
		"02-123-4567", "053-123-456", "081234567", "011234567", "abc", "+66 (0)81 234 5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := ParsePhone(s)
		formatted := FormatPhone(s) // must not panic on any input
		if !ok {
			if p != "" {
				t.Fatalf("ParsePhone(%q) = %q, false; want \"\" when rejected", s, p)
			}
			return
		}
		if len(p) != 9 && len(p) != 10 || p[0] != '0' {
			t.Fatalf("ParsePhone(%q) = %q: not a national number", s, p)
		}
		if formatted != FormatPhone(p) {
			t.Fatalf("FormatPhone(%q) = %q, FormatPhone(%q) = %q", s, formatted, p, FormatPhone(p))
		}
		for _, back := range []string{p, FormatPhone(p), "+66" + p[1:], "+66 " + FormatPhone(p)[1:]} {
			if q, ok := ParsePhone(back); !ok || q != p {
				t.Fatalf("ParsePhone(%q) = %q but ParsePhone(%q) = %q, %v", s, p, back, q, ok)
			}
		}
	})
}

func FuzzParseMoo(f *testing.F) {
	for _, s := range []string{"5", "๕", "หมู่ 5", "หมู่ที่ ๕", "ม.5", "ม. 5", "ม 5", "moo 5", "Moo5",
		"หมู่5", "0", "100", "หมู่ 5 บ้านโนนสูง"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseMoo(s)
		if !ok {
			if n != 0 {
				t.Fatalf("ParseMoo(%q) = %d, false; want 0 when rejected", s, n)
			}
			return
		}
		if n < 1 || n > 99 {
			t.Fatalf("ParseMoo(%q) = %d: out of range", s, n)
		}
		for _, back := range []string{strconv.Itoa(n), "หมู่ " + strconv.Itoa(n), "ม." + strconv.Itoa(n)} {
			if m, ok := ParseMoo(back); !ok || m != n {
				t.Fatalf("ParseMoo(%q) = %d but ParseMoo(%q) = %d, %v", s, n, back, m, ok)
			}
		}
	})
}

func FuzzMatchCommand(f *testing.F) {
	for _, s := range []string{"ยกเลิก ค่ะ", " Cancel ", "ย้อน กลับ", "ผูก กลุ่ม ค่ะ 🙏", "หมู่ ๕", "ค่ะ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := MatchCommand(s)
		if again := MatchCommand(m); again != m {
			t.Fatalf("MatchCommand not idempotent: %q -> %q -> %q", s, m, again)
		}
		if !utf8.ValidString(m) || m != strings.TrimSpace(m) {
			t.Fatalf("MatchCommand(%q) = %q", s, m)
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"นาย สมชาย  ใจดี", "Mr John", "\u200bสมชาย", "นาย", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := NormalizeName(s)
		if !ok {
			return
		}
		if again, ok := NormalizeName(n); !ok || again != n {
			t.Fatalf("NormalizeName not idempotent: %q -> %q -> %q, %v", s, n, again, ok)
		}
		if c := utf8.RuneCountInString(n); c < 2 || c > 100 {
			t.Fatalf("NormalizeName(%q) = %q: %d runes", s, n, c)
		}
	})
}
