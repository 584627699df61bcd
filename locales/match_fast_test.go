package locales

import (
	"strings"
	"testing"
)

// BenchmarkMatchCommand measures normalising typed text for comparison
// with command words, once per input (flows keeps the result for the
// input's handling).
//
//	go test -run '^$' -bench MatchCommand -benchmem ./locales/
func BenchmarkMatchCommand(b *testing.B) {
	for _, s := range []string{"เมนู", "ตารางของฉัน", "จะไป ค่ะ", " Cancel! ", "ม.๕ ต.หนองแวง"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				MatchCommand(s)
			}
		})
	}
}

// TestCollapseSpaces checks the shortcut against what it stands for.
func TestCollapseSpaces(t *testing.T) {
	for _, s := range []string{"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\u00a0b", "ก ข ค", "ก\u3000ข", "a \nb", "\u2003"} {
		if got, want := collapseSpaces(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpaces(%q) = %q, want %q", s, got, want)
		}
	}
}
