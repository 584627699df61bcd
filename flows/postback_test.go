package flows_test

import (
	"testing"

	"github.com/sammachip/sammachip/flows"
)

func TestPostbackRoundTrip(t *testing.T) {
	all := flows.Postback{
		Menu: "sage", Action: "att.fix", Item: "rollcall",
		Form: "household", Question: "income", Token: "k3j9", Cmd: "back",
		Value: "ไม่ทราบ & co", Village: 12, Day: 4, Rev: 3, Household: "H000123", Sage: 42,
		OldLead: "Uabc", Code: "7DM5RYD8", Page: 2, After: 40, Reason: "sick", Fix: "here",
		Sig: "a1b2", Yes: true, Pending: true,
	}
	for name, p := range map[string]flows.Postback{"every field": all, "empty": {}, "one action": {Action: "team.view"}} {
		got, err := flows.ParsePostback(p.Encode())
		if err != nil || got != p {
			t.Errorf("%s: ParsePostback(%q) = %+v, %v; want %+v", name, p.Encode(), got, err, p)
		}
	}
	if n := len(all.Encode()); n > 300 {
		t.Errorf("a button with every field is %d bytes, LINE takes 300", n)
	}
}

// Buttons already in people's chats carry the names older releases used;
// each must still name the same thing.
func TestPostbackReadsOlderButtons(t *testing.T) {
	tests := []struct {
		data string
		want flows.Postback
	}{
		{"a=hh.sel.village&moo=5", flows.Postback{Action: "hh.sel.village", Village: 5}},
		{"a=village&m=7", flows.Postback{Action: "village", Village: 7}},
		{"a=hh.update&id=H000001&pending=1", flows.Postback{Action: "hh.update", Household: "H000001", Pending: true}},
		{"a=sage.decide&id=9&v=approve&r=2", flows.Postback{Action: "sage.decide", Sage: 9, Value: "approve", Rev: 2}},
		{"a=team.remove&id=9&ok=1", flows.Postback{Action: "team.remove", Sage: 9, Yes: true}},
		{"a=att.r&vil=3&day=2&rev=1&h=H000004&r=sick", flows.Postback{Action: "att.r", Village: 3, Day: 2, Rev: 1, Household: "H000004", Reason: "sick"}},
		{"a=rc.t&vil=3&day=2&rev=1&h=H000004&to=here", flows.Postback{Action: "rc.t", Village: 3, Day: 2, Rev: 1, Household: "H000004", Value: "here"}},
		{"a=hh.byhand&id=H000002&do=drop", flows.Postback{Action: "hh.byhand", Household: "H000002", Value: "drop"}},
		{"a=att.fix&h=H000004&day=2&f=presence&v=absent", flows.Postback{Action: "att.fix", Household: "H000004", Day: 2, Fix: "presence", Value: "absent"}},
		// A form's answer keeps f as the form.
		{"f=household&q=moo&t=x1&v=v5", flows.Postback{Form: "household", Question: "moo", Token: "x1", Value: "v5"}},
		// Numbers that are not numbers name nothing (the button is stale).
		{"a=village&vil=abc", flows.Postback{Action: "village"}},
		{"a=village&vil=-3", flows.Postback{Action: "village"}},
	}
	for _, tt := range tests {
		got, err := flows.ParsePostback(tt.data)
		if err != nil || got != tt.want {
			t.Errorf("ParsePostback(%q) = %+v, %v; want %+v", tt.data, got, err, tt.want)
		}
	}
	if _, err := flows.ParsePostback("a=%zz"); err == nil {
		t.Error("ParsePostback of broken escapes: want an error")
	}
}

func FuzzPostback(f *testing.F) {
	f.Add("a=att.fix&h=H1&day=2&f=presence&v=absent")
	f.Add("f=household&q=moo&t=x1&v=v5")
	f.Add("a=sage.decide&id=9&v=approve&r=2")
	f.Fuzz(func(t *testing.T, data string) {
		p, err := flows.ParsePostback(data)
		if err != nil {
			return
		}
		// Whatever was read encodes to data that reads back the same.
		again, err := flows.ParsePostback(p.Encode())
		if err != nil || again != p {
			t.Errorf("%q: read %+v, re-read %+v, %v", data, p, again, err)
		}
	})
}
