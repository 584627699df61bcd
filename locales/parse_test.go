package locales

import (
	"strings"
	"testing"
)

func TestNormalizeDigits(t *testing.T) {
	tests := map[string]string{
		"๐๑๒๓๔๕๖๗๘๙": "0123456789",
		"０１２３４５６７８９": "0123456789",
		"หมู่ที่ ๕":  "หมู่ที่ 5",
		"abc 123":    "abc 123",
		"":           "",
	}
	for in, want := range tests {
		if got := NormalizeDigits(in); got != want {
			t.Errorf("NormalizeDigits(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"5", 5, true},
		{"  42 ", 42, true},
		{"๑๕๐๐", 1500, true},
		{"1,500", 1500, true},
		{"๑,๕๐๐", 1500, true},
		{"1 500", 1500, true},
		{"1,500,000", 1500000, true},
		{"1500 บาท", 1500, true},
		{"1500บาท", 1500, true},
		{"1,500 บาทค่ะ", 1500, true},
		{"1500 Baht", 1500, true},
		{"฿1,500", 1500, true},
		{"1,500.00", 1500, true},
		{"4 คน", 4, true},
		{"4คนครับ", 4, true},
		{"4 people", 4, true},
		{"62 ปี", 62, true},
		{"62 years", 62, true},
		{"007", 7, true},
		{"0", 0, true},
		{"-5", -5, true},
		{"-1,500 บาท", -1500, true},
		{"９", 9, true},
		{"\u200b12", 12, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"99999999999999999999999", 0, false},
		{"", 0, false},
		{"   ", 0, false},
		{"บาท", 0, false},
		{"-", 0, false},
		{"+5", 0, false},
		{"--5", 0, false},
		{"5-", 0, false},
		{"1.5", 0, false},
		{"1,5", 0, false},
		{"15,00", 0, false},
		{"1,5000", 0, false},
		{"1500,", 0, false},
		{",500", 0, false},
		{"1,,500", 0, false},
		{"1.500", 0, false},
		{"½", 0, false},
		{"abc", 0, false},
		{"12abc", 0, false},
		{"five", 0, false},
		{"1500 dollars", 0, false},
		{"1e3", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseInt(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseInt(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseMoo(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"5", 5, true},
		{"๕", 5, true},
		{"05", 5, true},
		{"หมู่ 5", 5, true},
		{"หมู่ที่ 5", 5, true},
		{"หมู่ที่ ๕", 5, true},
		{"หมู่ที่๕", 5, true},
		{"หมู่5", 5, true},
		{"หมู่ ที่ 5", 5, true},
		{"ม.5", 5, true},
		{"ม. 5", 5, true},
		{"ม 5", 5, true},
		{"ม.๑๒", 12, true},
		{"moo 5", 5, true},
		{"Moo5", 5, true},
		{"MOO. 5", 5, true},
		{"หมู่บ้านที่ 7", 7, true},
		{"หมู่ 5 ค่ะ", 5, true},
		{"หมู 5", 5, true},                 // tone mark forgotten
		{"ห\u0e21\u0e48\u0e39 5", 5, true}, // tone mark typed before the vowel
		{" 99 ", 99, true},
		{"1", 1, true},
		{"0", 0, false},
		{"00", 0, false},
		{"100", 0, false},
		{"-5", 0, false},
		{"", 0, false},
		{"หมู่", 0, false},
		{"หมู่ที่", 0, false},
		{"หมู่ 5 บ้านโนนสูง", 0, false},
		{"5 6", 0, false},
		{"5.5", 0, false},
		{"บ้านโนนสูง", 0, false},
		{"abc", 0, false},
		{"ม.ก", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseMoo(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMoo(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParsePhone(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"0812345678", "0812345678", true},
		{"081-234-5678", "0812345678", true},
		{"081 234 5678", "0812345678", true},
		{"081.234.5678", "0812345678", true},
		{"(081) 234-5678", "0812345678", true},
		{"๐๘๑๒๓๔๕๖๗๘", "0812345678", true},
		{"๐๘๑-๒๓๔-๕๖๗๘", "0812345678", true},
		{"0612345678", "0612345678", true},
		{"0912345678", "0912345678", true},
		{"+66812345678", "0812345678", true},
		{"+66 81 234 5678", "0812345678", true},
		{"+66-81-234-5678", "0812345678", true},
		{"+66 (0)81 234 5678", "0812345678", true},
		{"66812345678", "0812345678", true},
		{"0066812345678", "0812345678", true},
		{"021234567", "021234567", true},
		{"02-123-4567", "021234567", true},
		{"+6621234567", "021234567", true},
		{"053-123-456", "053123456", true},
		{"053123456", "053123456", true},
		{"074 123 456", "074123456", true},
		{"0812345678 ค่ะ", "0812345678", true},
		{"081–234–5678", "0812345678", true}, // en dashes
		{"081234567", "", false},             // 9-digit mobile
		{"08123456789", "", false},           // 11 digits
		{"011234567", "", false},             // landline starting 01
		{"012345678", "", false},             // landline starting 01
		{"081234567a", "", false},
		{"08l2345678", "", false},
		{"abc", "", false},
		{"", "", false},
		{"+", "", false},
		{"+66", "", false},
		{"0712345678", "", false}, // 10 digits starting 07
		{"0212345678", "", false}, // 10 digits starting 02
		{"081+2345678", "", false},
		{"+1 415 555 0100", "", false},
		{"1234567890", "", false},
	}
	for _, tt := range tests {
		got, ok := ParsePhone(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	tests := map[string]string{
		"0812345678":   "081-234-5678",
		"0612345678":   "061-234-5678",
		"021234567":    "02-123-4567",
		"053123456":    "053-123-456",
		"+66812345678": "081-234-5678", // normalised first
		"12345":        "12345",        // not a phone: unchanged
		"":             "",
	}
	for in, want := range tests {
		if got := FormatPhone(in); got != want {
			t.Errorf("FormatPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"สมชาย ใจดี", "สมชาย ใจดี", true},
		{"  สมชาย   ใจดี  ", "สมชาย ใจดี", true},
		{"นายสมชาย ใจดี", "นายสมชาย ใจดี", true},
		{"นาย สมชาย ใจดี", "นาย สมชาย ใจดี", true},
		{"นางสาวสมหญิง ดีใจ", "นางสาวสมหญิง ดีใจ", true},
		{"นาง สมศรี", "นาง สมศรี", true},
		{"Mr John Smith", "Mr John Smith", true},
		{"Mrs. Jane\tSmith", "Mrs. Jane Smith", true},
		{"Ms Ann", "Ms Ann", true},
		{"สม\u200bชาย", "สมชาย", true},
		{"\ufeffสมชาย\u200d", "สมชาย", true},
		{"สมชาย\nใจดี", "สมชาย ใจดี", true},
		{"ก", "", false},
		{"ab", "ab", true},
		{"", "", false},
		{"   ", "", false},
		{"\u200b\u200b", "", false},
		{"นาย", "", false},
		{"นางสาว", "", false},
		{"Mr.", "", false},
		{"0812345678", "", false},
		{"สมชาย 2", "", false},
		{"สมชาย ๒", "", false},
		{"!!", "", false},
		{strings.Repeat("ก", 100), strings.Repeat("ก", 100), true},
		{strings.Repeat("ก", 101), "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeName(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
		ok   bool
	}{
		{"  ทอผ้า   ย้อมคราม ", 20, "ทอผ้า ย้อมคราม", true},
		{"line1\n\nline2", 20, "line1 line2", true},
		{"ab\u200bc", 3, "abc", true},
		{"👨\u200d👩\u200d👧", 5, "👨\u200d👩\u200d👧", true},
		{"abcd", 3, "", false},
		{"", 3, "", false},
		{" \u200b ", 3, "", false},
		{"a", 0, "", false},
	}
	for _, tt := range tests {
		got, ok := NormalizeText(tt.in, tt.max)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeText(%q, %d) = %q, %v; want %q, %v", tt.in, tt.max, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMatchCommand(t *testing.T) {
	tests := map[string]string{
		"ยกเลิก":              "ยกเลิก",
		"ยกเลิก ค่ะ":          "ยกเลิก",
		"ยกเลิกค่ะ":           "ยกเลิก",
		"ยกเลิก ครับ":         "ยกเลิก",
		"ยกเลิกคะ":            "ยกเลิก",
		"ยกเลิกจ้า":           "ยกเลิก",
		"ยกเลิก นะคะ":         "ยกเลิก",
		"ยกเลิกนะครับ":        "ยกเลิก",
		"ยกเลิก ค่ะ 🙏":        "ยกเลิก",
		"ยกเลิก!!":            "ยกเลิก",
		" Cancel ":            "cancel",
		"CANCEL.":             "cancel",
		"main   Menu":         "main menu",
		"ย้อน กลับ":           "ย้อนกลับ",
		"\u200bเมนู\u200b":    "เมนู",
		"ผูก กลุ่ม ค่ะ":       "ผูกกลุ่ม",
		"หมู่ ๕":              "หมู่ 5",
		"ค่ะ":                 "ค่ะ",
		"":                    "",
		"   ":                 "",
		"ห\u0e21\u0e48\u0e39": "หมู่",              // tone mark before vowel: canonical order
		"วันที่ 2–5 ต่อกัน":   "วันที่ 2-5 ต่อกัน", // a label's en dash is the hyphen typed
	}
	for in, want := range tests {
		if got := MatchCommand(in); got != want {
			t.Errorf("MatchCommand(%q) = %q, want %q", in, got, want)
		}
	}
}
