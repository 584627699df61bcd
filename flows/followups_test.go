package flows_test

import (
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

func TestFollowUpSchedule(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, bangkok) }
	type due struct {
		kind string
		date time.Time
	}
	tests := []struct {
		name string
		cfg  flows.FollowUpConfig
		day5 time.Time
		want []due
	}{
		{"defaults: 30 and 90 days, then September", flows.FollowUpConfig{}, day(2026, 11, 20),
			[]due{{"days", day(2026, 12, 20)}, {"days", day(2027, 2, 18)}, {"september", day(2027, 9, 1)}}},
		{"a late week: 90 days falls in September, no extra one", flows.FollowUpConfig{}, day(2027, 6, 10),
			[]due{{"days", day(2027, 7, 10)}, {"days", day(2027, 9, 8)}}},
		{"90 days crosses into the next fiscal year: its September", flows.FollowUpConfig{}, day(2027, 8, 1),
			[]due{{"days", day(2027, 8, 31)}, {"days", day(2027, 10, 30)}, {"september", day(2028, 9, 1)}}},
		{"other offsets, no September", flows.FollowUpConfig{Days: []int{60, 14}, NoSeptember: true}, day(2026, 11, 20),
			[]due{{"days", day(2026, 12, 4)}, {"days", day(2027, 1, 19)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cfg.FollowUpSchedule(tt.day5)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d follow-ups %v, want %d", len(got), got, len(tt.want))
			}
			for i, g := range got {
				if g.N != i+1 || g.Kind != tt.want[i].kind || !g.Date.Equal(tt.want[i].date) {
					t.Errorf("follow-up %d: got #%d %s %s, want #%d %s %s", i, g.N, g.Kind, g.Date.Format("2006-01-02"),
						i+1, tt.want[i].kind, tt.want[i].date.Format("2006-01-02"))
				}
			}
		})
	}
}
