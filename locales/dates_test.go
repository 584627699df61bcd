package locales

import "testing"

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2026-12-07", "2026-12-07", true},
		{"7/12/2569", "2026-12-07", true},
		{"07/12/2569", "2026-12-07", true},
		{"๗/๑๒/๒๕๖๙", "2026-12-07", true},
		{"7-12-2569", "2026-12-07", true},
		{"7.12.2569", "2026-12-07", true},
		{"7/12/69", "2026-12-07", true},
		{"7/12/2026", "2026-12-07", true},
		{"7 ธ.ค. 2569", "2026-12-07", true},
		{"7 ธันวาคม 69", "2026-12-07", true},
		{"วันที่ 7 ธ.ค. 69", "2026-12-07", true},
		{"7 Dec 2026", "2026-12-07", true},
		{"31/2/2569", "", false},
		{"2026-13-01", "", false},
		{"7/12", "", false},
		{"พรุ่งนี้", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseDate(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"9:00", "09:00", true},
		{"09.00", "09:00", true},
		{"9.00 น.", "09:00", true},
		{"๑๘.๓๐ น.", "18:30", true},
		{"0900", "09:00", true},
		{"9 น.", "09:00", true},
		{"24:00", "", false},
		{"9.5", "", false},
		{"เช้า", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseClock(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseClock(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"7/12/2569", "2026-12-07", "7 ธ.ค. 69"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseDate(s)
		if !ok {
			return
		}
		again, ok2 := ParseDate(got)
		if !ok2 || again != got {
			t.Errorf("ParseDate(%q) = %q, which reads back as %q, %v", s, got, again, ok2)
		}
	})
}
