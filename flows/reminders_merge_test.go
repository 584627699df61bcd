package flows_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

func text(s string) flows.Reply { return flows.Reply{Text: flows.Raw(s)} }

// MergeSends gives each recipient one send with every message due for
// them (chips last, at most 5, the earlier reminders' first), shares it
// between recipients whose lists are the same, and never multicasts to a
// group; BundleReminders keeps together the reminders that share anyone.
func TestMergeSends(t *testing.T) {
	chips := flows.Reply{Text: flows.Raw("card"), Quick: []flows.Action{{Label: flows.Raw("ok"), Data: "a=x"}}}
	rs := []flows.Reminder{
		{Key: "a", Sends: []flows.Send{{To: []string{"U1", "U2", "U3"}, Lang: locales.Thai, Replies: []flows.Reply{chips}, Purpose: "reminder"}}},
		{Key: "b", Sends: []flows.Send{{To: []string{"U1", "U2"}, Lang: locales.Thai, Replies: []flows.Reply{text("headcount")}}}},
		{Key: "c", Skip: true, Sends: []flows.Send{{To: []string{"U1"}, Lang: locales.Thai, Replies: []flows.Reply{text("skipped")}}}},
		{Key: "d", Sends: []flows.Send{{To: []string{"U9", "U8"}, Lang: locales.Thai, Replies: []flows.Reply{text("1"), text("2"), text("3")}}}},
		{Key: "e", Sends: []flows.Send{{To: []string{"U9"}, Lang: locales.Thai, Replies: []flows.Reply{text("4"), text("5"), text("6")}}}},
		{Key: "f", Sends: []flows.Send{{To: []string{"Cgroup"}, Group: true, Lang: locales.Thai, Replies: []flows.Reply{text("g")}}}},
	}
	got := flows.MergeSends(rs)
	texts := func(s flows.MergedSend) []string {
		var out []string
		for _, r := range s.Replies {
			out = append(out, fmt.Sprint(r.Text.Args["V"]))
		}
		return out
	}
	find := func(to string) []flows.MergedSend {
		var out []flows.MergedSend
		for _, s := range got {
			if slices.Contains(s.To, to) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, to := range []string{"U1", "U2", "U3", "U8", "U9", "Cgroup"} {
		if n := len(find(to)); n != 1 {
			t.Fatalf("%s is in %d sends, want 1: %+v", to, n, got)
		}
	}
	u1 := find("U1")[0]
	if !slices.Equal(u1.To, []string{"U1", "U2"}) || !slices.Equal(u1.Carries, []int{0, 1}) {
		t.Errorf("U1's send goes to %v carrying %v, want U1 and U2 (one multicast) carrying reminders 0 and 1", u1.To, u1.Carries)
	}
	if len(u1.Replies) != 2 || len(u1.Replies[1].Quick) == 0 {
		t.Errorf("U1's messages %q: want the headcount, then the card with its chips last", texts(u1))
	}
	if u3 := find("U3")[0]; len(u3.Replies) != 1 || !slices.Equal(u3.Carries, []int{0}) {
		t.Errorf("U3 got %d messages carrying %v, want the card alone", len(u3.Replies), u3.Carries)
	}
	// e's 3 messages would pass LINE's 5: U9 gets d's alone, as U8 does.
	if u9 := find("U9")[0]; len(u9.Replies) != 3 || !slices.Equal(u9.Carries, []int{3}) || !slices.Equal(u9.To, []string{"U8", "U9"}) {
		t.Errorf("U9's send to %v has %d messages carrying %v, want reminder d's 3, shared with U8", u9.To, len(u9.Replies), u9.Carries)
	}
	groups := 0
	for _, s := range got {
		if s.Group {
			groups++
			if !slices.Equal(s.To, []string{"Cgroup"}) {
				t.Errorf("group send to %v, want one group", s.To)
			}
		}
	}
	if groups != 1 {
		t.Errorf("%d group sends, want 1", groups)
	}

	var bundles [][]string
	for _, b := range flows.BundleReminders(rs) {
		var keys []string
		for _, r := range b {
			keys = append(keys, r.Key)
		}
		bundles = append(bundles, keys)
	}
	want := [][]string{{"a", "b"}, {"c"}, {"d", "e"}, {"f"}}
	if !slices.EqualFunc(bundles, want, slices.Equal[[]string]) {
		t.Errorf("bundles %v, want %v", bundles, want)
	}
}
