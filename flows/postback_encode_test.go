package flows

import (
	"math/rand/v2"
	"net/url"
	"strconv"
	"testing"
)

// valuesEncode is how Postback.Encode wrote data before it built the
// string itself: buttons already sent must keep working, and the same
// button must keep the same data (a second tap is recognised by it).
func valuesEncode(p Postback) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	num := func(k string, n int64) {
		if n != 0 {
			v.Set(k, strconv.FormatInt(n, 10))
		}
	}
	flag := func(k string, b bool) {
		if b {
			v.Set(k, "1")
		}
	}
	set(pbMenu, p.Menu)
	set(pbAction, p.Action)
	set(pbItem, p.Item)
	set(pbForm, p.Form)
	set(pbQuestion, p.Question)
	set(pbToken, p.Token)
	set(pbCmd, p.Cmd)
	set(pbValue, p.Value)
	num(pbVillage, int64(p.Village))
	num(pbDay, int64(p.Day))
	num(pbRev, int64(p.Rev))
	set(pbHousehold, p.Household)
	num(pbSage, int64(p.Sage))
	set(pbOldLead, p.OldLead)
	set(pbCode, p.Code)
	num(pbPage, int64(p.Page))
	num(pbAfter, int64(p.After))
	set(pbReason, p.Reason)
	set(pbFix, p.Fix)
	set(pbSig, p.Sig)
	flag(pbYes, p.Yes)
	flag(pbPending, p.Pending)
	return v.Encode()
}

// TestPostbackEncodeOrder checks Encode against url.Values.Encode for
// postbacks with every field set, none, and random ones, values with
// characters that need escaping included.
func TestPostbackEncodeOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "", "x", "att.r", "misc", "a b&c=d", "หมู่ 5", "100%", "U0123456789abcdef", "1/2?+;"}
	str := func() string { return words[rng.IntN(len(words))] }
	num := func() int { return []int{0, 0, 1, 7, 42, 2026}[rng.IntN(6)] }
	all := Postback{Menu: "m", Action: "a", Item: "i", Form: "f", Question: "q", Token: "t", Cmd: "c", Value: "v w",
		Village: 1, Day: 2, Rev: 3, Household: "H1", Sage: 4, OldLead: "U1", Code: "C&D", Page: 5, After: 6,
		Reason: "misc", Fix: "fix", Sig: "s", Yes: true, Pending: true}
	cases := []Postback{{}, all}
	for range 2000 {
		cases = append(cases, Postback{Menu: str(), Action: str(), Item: str(), Form: str(), Question: str(), Token: str(),
			Cmd: str(), Value: str(), Village: num(), Day: num(), Rev: num(), Household: str(), Sage: uint64(num()),
			OldLead: str(), Code: str(), Page: num(), After: uint64(num()), Reason: str(), Fix: str(), Sig: str(),
			Yes: rng.IntN(2) == 0, Pending: rng.IntN(2) == 0})
	}
	for _, p := range cases {
		if got, want := p.Encode(), valuesEncode(p); got != want {
			t.Fatalf("Encode(%+v) = %q, want %q", p, got, want)
		}
	}
}
