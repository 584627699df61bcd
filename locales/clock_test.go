package locales

import (
	"slices"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"9.00", []string{"09:00"}},
		{"13:30", []string{"13:30"}},
		{"๙.๓๐ น.", []string{"09:30"}},
		{"9 โมง", []string{"09:00"}},
		{"9โมงค่ะ", []string{"09:00"}},
		{"เก้าโมงเช้า", []string{"09:00"}},
		{"สองโมงเช้า", []string{"08:00"}},
		{"โมงเช้า", []string{"07:00"}},
		{"9 โมงครึ่ง", []string{"09:30"}},
		{"9 โมง 15", []string{"09:15"}},
		{"9 โมง 15 นาที", []string{"09:15"}},
		{"สิบโมงตรง", []string{"10:00"}},
		{"เที่ยง", []string{"12:00"}},
		{"เที่ยงครึ่ง", []string{"12:30"}},
		{"เที่ยงคืน", []string{"00:00"}},
		{"สิบสองโมง", []string{"12:00"}},
		{"บ่าย 3", []string{"15:00"}},
		{"บ่าย 3 โมง", []string{"15:00"}},
		{"บ่ายโมง", []string{"13:00"}},
		{"บ่ายโมงครึ่ง", []string{"13:30"}},
		{"บ่ายสามโมงครึ่ง", []string{"15:30"}},
		{"บ่ายสามโมงครึ่งค่ะ", []string{"15:30"}},
		{"4 โมงเย็น", []string{"16:00"}},
		{"ห้าโมงเย็น", []string{"17:00"}},
		{"สองทุ่ม", []string{"20:00"}},
		{"2 ทุ่มครึ่ง", []string{"20:30"}},
		{"ทุ่ม", []string{"19:00"}},
		{"ตีห้า", []string{"05:00"}},
		{"14 นาฬิกา", []string{"14:00"}},
		{"14 โมง", []string{"14:00"}},
		// A bare hour said both ways: morning first.
		{"2 โมง", []string{"08:00", "14:00"}},
		{"สองโมง", []string{"08:00", "14:00"}},
		{"บ่ายโมง", []string{"13:00"}},
		{"6 โมง", []string{"06:00", "18:00"}},
		{"1 โมงครึ่ง", []string{"07:30", "13:30"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ParseTime(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("ParseTime(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseTimeRefused(t *testing.T) {
	for _, in := range []string{"", "โมง", "บ่าย", "บ่าย 9", "ตี 9", "7 ทุ่ม", "25 นาฬิกา", "9 โมง 75", "สิบห้าโมง",
		"เที่ยง 3", "ตอนเช้า", "9 โมง บ่าย", "บ่ายสามทุ่ม", "24:00", "abc"} {
		if got := ParseTime(in); got != nil {
			t.Errorf("ParseTime(%q) = %q, want refused", in, got)
		}
	}
}

// FuzzParseTime: whatever is typed, ParseTime never panics, returns at
// most two times, each a valid "15:04", two only for a bare hour (morning
// first), and agrees with ParseClock where that reads the text.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"9.00", "9 โมง", "บ่าย 3", "บ่ายสามโมงครึ่ง", "สองทุ่ม", "2 โมง", "เที่ยงคืน", "ตีห้า",
		"๙ โมง ๑๕ นาที", "4 โมงเย็น", "โมงเช้า", "14 นาฬิกา", "บ่ายโมงครึ่งค่ะ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ParseTime(s)
		if len(got) > 2 {
			t.Fatalf("ParseTime(%q) = %q: more than two", s, got)
		}
		for _, v := range got {
			if _, err := time.Parse("15:04", v); err != nil || len(v) != 5 {
				t.Fatalf("ParseTime(%q) = %q: %q is no time", s, got, v)
			}
		}
		if len(got) == 2 && got[0] >= got[1] {
			t.Fatalf("ParseTime(%q) = %q: morning not first", s, got)
		}
		if v, ok := ParseClock(s); ok && (len(got) != 1 || got[0] != v) {
			t.Fatalf("ParseTime(%q) = %q, ParseClock says %q", s, got, v)
		}
	})
}
