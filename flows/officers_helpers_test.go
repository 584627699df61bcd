package flows_test

// Helpers for the officer, village, import, code and round tests: the
// rig's set-up (a clock that moves a second per input, codes OTCODE01,
// OTCODE02…) and readers of the abstract replies (locale keys, Thai text).
// Identifiers start with "ot" so that other features' helpers in this
// package cannot clash.

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// otT0 is a Monday morning in Bangkok.
var otT0 = time.Date(2026, 12, 7, 9, 0, 0, 0, bangkok)

// otOpts set the rig up for these tests.
var otOpts = rigOptions(withClock(otT0, time.Second), withCodes("OTCODE%02d"))

// otKeys lists the locale keys of every reply, with the keys of messages
// nested in their arguments (a hint inside "that is not right: …").
func otKeys(out flows.Outcome) []string {
	var keys []string
	var add func(key string, args map[string]any)
	add = func(key string, args map[string]any) {
		keys = append(keys, key)
		for _, a := range args {
			if r, ok := a.(locales.Ref); ok {
				add(r.Key, r.Args)
			}
		}
	}
	for _, r := range out.Replies {
		add(r.Text.Key, r.Text.Args)
		if r.Title != nil {
			add(r.Title.Key, r.Title.Args)
		}
	}
	return keys
}

// otHas reports whether the outcome said key.
func otHas(out flows.Outcome, key string) bool { return slices.Contains(otKeys(out), key) }

// otWant fails unless the outcome said every key.
func otWant(t testing.TB, out flows.Outcome, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if !otHas(out, k) {
			t.Errorf("answer has keys %v, want %q among them", otKeys(out), k)
		}
	}
}

// otRender is the outcome's text in Thai, for failure messages and for
// checks of what a user reads.
func otRender(out flows.Outcome) string {
	var b strings.Builder
	for _, r := range out.Replies {
		if r.Title != nil {
			b.WriteString(catalog.MustText(locales.Thai, r.Title.Key, r.Title.Args) + "\n")
		}
		b.WriteString(catalog.MustText(locales.Thai, r.Text.Key, r.Text.Args) + "\n")
		for _, f := range r.Fields {
			b.WriteString(catalog.MustText(locales.Thai, f.Label.Key, f.Label.Args) + ": " +
				catalog.MustText(locales.Thai, f.Value.Key, f.Value.Args) + "\n")
		}
	}
	return b.String()
}

// otAction is postback data for an action outside a form.
func otAction(name string, kv ...string) string {
	v := url.Values{"a": {name}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}
