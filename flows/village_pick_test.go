package flows_test

// Two villages numbered หมู่ 1, in ต.หนองแวง and ต.โนนทอง, as every real
// district has: what the officer, the lead and the sages read while a
// village is picked, a lead named and replaced, and a team filled.

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// userSees renders, in Thai, everything an outcome shows people: each
// reply's title, text, fields, buttons and chips, then each push, a line
// each.
func userSees(out flows.Outcome) string {
	var b strings.Builder
	th := func(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }
	replies := func(rs []flows.Reply) {
		for _, r := range rs {
			if r.Title != nil {
				b.WriteString(th(*r.Title) + "\n")
			}
			b.WriteString(th(r.Text) + "\n")
			for _, f := range r.Fields {
				b.WriteString(th(f.Label) + ": " + th(f.Value) + "\n")
			}
			for _, a := range r.Buttons {
				b.WriteString("[" + th(a.Label) + "]\n")
			}
			for _, a := range r.Quick {
				b.WriteString("(" + th(a.Label) + ")\n")
			}
		}
	}
	replies(out.Replies)
	for _, p := range out.Pushes {
		b.WriteString("→ " + p.To + "\n")
		replies(p.Replies)
	}
	return b.String()
}

// thButton returns the data of the last button or chip whose label reads
// label in Thai.
func thButton(t testing.TB, out flows.Outcome, label string) string {
	t.Helper()
	acts := actions(out)
	var labels []string
	for i := len(acts) - 1; i >= 0; i-- {
		l := catalog.MustText(locales.Thai, acts[i].Label.Key, acts[i].Label.Args)
		if l == label {
			return acts[i].Data
		}
		labels = append(labels, l)
	}
	t.Fatalf("no button %q; have %q", label, labels)
	return ""
}

// tpOfficer is the officer of the two-ตำบล district.
const tpOfficer = "Uofficer1"

// tpOpts set up the district: ids 1–7 are หมู่ 1–7 of ต.หนองแวง and ids
// 8–13 are หมู่ 1–6 of ต.โนนทอง, as in the demo, so that a village id
// shown as a number reads "หมู่ 8" or more, which no village has.
var tpOpts = rigOptions(withCodes("TEAM%04d"), withSeed(func(r *rig) {
	r.officer(tpOfficer, "สมศรี")
	names := []string{"บ้านโนนสูง", "บ้านหนองแวง", "บ้านดอนแดง", "บ้านโคกสว่าง", "บ้านหนองบัว", "บ้านนาคำ", "บ้านโนนรัง",
		"บ้านหัวหนอง", "บ้านสร้างแก้ว", "บ้านดงเค็ง", "บ้านโนนทอง", "บ้านนาดี", "บ้านคำบอน"}
	for i, name := range names {
		moo, tambon := i+1, "หนองแวง"
		if i >= 7 {
			moo, tambon = i-6, "โนนทอง"
		}
		r.putVillage(flows.Village{ID: i + 1, Moo: moo, Name: name, Tambon: tambon, Occupation: "ทำน้ำพริก", Capacity: flows.DefaultCapacity})
	}
}))

// tpHome is the village the journeys are about: หมู่ 1 ต.โนนทอง, id 8.
const tpHome = 8

// idAsMoo finds a หมู่ number no village of the district has (8–13 are
// ids of ต.โนนทอง), in Thai or English.
var idAsMoo = regexp.MustCompile(`(หมู่|หมู่ที่|ม\.|Moo) ?(8|9|1[0-3])\b`)

// tpCheck fails on what no reply may say: a village's id as its หมู่
// number, or a ตำบล name run into the Thai word after it.
func tpCheck(t *testing.T, seen string) {
	t.Helper()
	if m := idAsMoo.FindString(seen); m != "" {
		t.Errorf("a village id is shown as its number (%q):\n%s", m, seen)
	}
	for _, place := range []string{"ต.หนองแวง", "ต.โนนทอง"} {
		for rest := seen; ; {
			i := strings.Index(rest, place)
			if i < 0 {
				break
			}
			rest = rest[i+len(place):]
			if next := []rune(rest + " ")[0]; unicode.Is(unicode.Thai, next) {
				t.Errorf("%q runs into the word after it: %q", place, strings.SplitN(place+rest, "\n", 2)[0])
			}
		}
	}
}

// TestSharedMooIsAskedBackAsAQuestion: "หมู่ 1" typed where a village is
// asked, with หมู่ 1 in two ตำบล, is a question naming both ตำบล with just
// those two villages as buttons: no "not right", no try counted.
func TestSharedMooIsAskedBackAsAQuestion(t *testing.T) {
	r := newRig(t, tpOpts)
	r.approved("Usage", stAnswers{name: "สุวรรณ ดวงดี", phone: "0812345601", moo: "ม.1 ต.โนนทอง", skill: "ทำน้ำพริก", years: "10"})
	stWant(t, r.say(tpOfficer, "ตั้งปราชญ์สัมมาชีพ"), "team.lead.ask_moo")
	// Asked back as often as typed, it never counts as a wrong try.
	for range 4 {
		out := r.say(tpOfficer, "หมู่ 1")
		wantSaid(t, out, "village.ask.which_tambon")
		seen := userSees(out)
		if want := "หมู่ 1 มีทั้งใน ต.หนองแวง และ ต.โนนทอง ค่ะ เลือกหมู่บ้านที่ต้องการได้เลยค่ะ\n" +
			"[ม.1 บ้านโนนสูง ต.หนองแวง]\n[ม.1 บ้านหัวหนอง ต.โนนทอง]\n(ช่วยเหลือ)\n(ยกเลิก)\n"; seen != want {
			t.Fatalf("asked back:\n%s\nwant:\n%s", seen, want)
		}
		tpCheck(t, seen)
	}
	// Three wrong answers still lead to "too many tries": the ask-backs
	// did not count, and did not reset the count either.
	for i := range 3 {
		out := r.say(tpOfficer, "หมู่ 99")
		if got := otHas(out, "conv.too_many_tries"); got != (i == 2) {
			t.Fatalf("wrong answer %d: too many tries %v (%v)", i+1, got, otKeys(out))
		}
	}
	out := r.say(tpOfficer, "หมู่ 1")
	out = r.tap(tpOfficer, thButton(t, out, "ม.1 บ้านหัวหนอง ต.โนนทอง"))
	stWant(t, out, "team.lead.ask_sage")
	tpCheck(t, userSees(out))

	// Typed with its ตำบล, it is no question at all.
	stWant(t, r.say(tpOfficer, "ยกเลิก"), "conv.cancelled")
	r.say(tpOfficer, "ตั้งปราชญ์สัมมาชีพ")
	stWant(t, r.say(tpOfficer, "ม.1 ต.โนนทอง"), "team.lead.ask_sage")
}

// TestLeadAndTeamOfASharedMooNameTheirVillage plays naming a lead for
// หมู่ 1 ต.โนนทอง (id 8), replacing it, and filling its team: every reply
// and push names the village by its number, name and ตำบล, never by its
// id, and no ตำบล runs into the next word.
func TestLeadAndTeamOfASharedMooNameTheirVillage(t *testing.T) {
	r := newRig(t, tpOpts)
	var seen strings.Builder
	see := func(out flows.Outcome) flows.Outcome {
		t.Helper()
		seen.WriteString(userSees(out))
		return out
	}
	person := func(name, phone, moo string) stAnswers {
		return stAnswers{name: name, phone: phone, moo: moo, skill: "ทำน้ำพริก", years: "10"}
	}
	register := func(user string, a stAnswers) flows.Sage {
		t.Helper()
		out := see(r.toSummary(user, a))
		see(r.tap(user, buttonKey(t, out, "conv.btn.confirm")))
		return r.mustSage(user)
	}
	approve := func(s flows.Sage) {
		t.Helper()
		stWant(t, see(r.tap(tpOfficer, stDecide(s, "approve"))), "sage.decide.approved", "sage.decide.approved_no_lead")
	}
	suwan := register("Usuwan", person("สุวรรณ ดวงดี", "0812345601", "ม.1 ต.โนนทอง"))
	approve(suwan)
	wilai := register("Uwilai", person("วิไล แสนสุข", "0812345602", "หมู่ 1 ต.โนนทอง"))
	approve(wilai)
	somchai := register("Usomchai", person("สมชาย ใจดี", "0812345603", "ม.1 ต.หนองแวง"))
	approve(somchai)

	// The lead, named through the form: the sage question names the
	// village chosen, and each sage's button their home village and
	// expertise.
	see(r.say(tpOfficer, "ตั้งปราชญ์สัมมาชีพ"))
	see(r.say(tpOfficer, "หมู่ 1"))
	out := see(r.say(tpOfficer, "ม.1 บ้านหัวหนอง ต.โนนทอง"))
	ask := userSees(out)
	if want := "เลือกปราชญ์ให้หมู่ 1 บ้านหัวหนอง ต.โนนทอง ค่ะ (ปราชญ์ของหมู่บ้านนี้อยู่ด้านบน)\n" +
		"[สุวรรณ ดวงดี · ม.1 ต.โนนทอง · เกษตร]\n[วิไล แสนสุข · ม.1 ต.โนนทอง · เกษตร]\n[สมชาย ใจดี · ม.1 ต.หนองแวง · เกษตร]\n"; !strings.HasPrefix(ask, want) {
		t.Errorf("the sage question:\n%s\nwant it to start:\n%s", ask, want)
	}
	out = see(r.tap(tpOfficer, thButton(t, out, "สุวรรณ ดวงดี · ม.1 ต.โนนทอง · เกษตร")))
	out = see(r.tap(tpOfficer, buttonKey(t, out, "conv.btn.confirm")))
	if got := userSees(out); !strings.HasPrefix(got, "✅ ตั้งคุณสุวรรณ เป็นปราชญ์สัมมาชีพของหมู่ 1 บ้านหัวหนอง ต.โนนทอง แล้ว") {
		t.Errorf("naming the lead says:\n%s", got)
	}
	if v := r.getVillage(tpHome); v.LeadSageID != "Usuwan" {
		t.Fatalf("lead of id %d: %q, want Usuwan", tpHome, v.LeadSageID)
	}
	// Named again: already there.
	see(r.tap(tpOfficer, fmt.Sprintf("a=team.setlead&moo=%d&id=%d&old=", tpHome, suwan.ID)))

	// Replacing the lead asks first, naming the village.
	see(r.say(tpOfficer, "ตั้งปราชญ์สัมมาชีพ"))
	see(r.say(tpOfficer, "ม.1 ต.โนนทอง"))
	out = see(r.say(tpOfficer, fmt.Sprint(wilai.ID)))
	out = see(r.tap(tpOfficer, buttonKey(t, out, "conv.btn.confirm")))
	q := stMsg(t, out, "team.lead.replace_q")
	if got, want := catalog.MustText(locales.Thai, q.Key, q.Args),
		"หมู่ 1 บ้านหัวหนอง ต.โนนทอง มีปราชญ์สัมมาชีพแล้ว คือคุณสุวรรณ จะเปลี่ยนเป็นคุณวิไลไหมคะ"; got != want {
		t.Errorf("replace question %q, want %q", got, want)
	}
	see(r.tap(tpOfficer, buttonKey(t, out, "team.btn.keep_lead")))

	// The lead's team: invite codes, a sage who must register first, one
	// waiting for approval, a lead of another team, a full team.
	invite := func() string {
		t.Helper()
		return stMsg(t, see(r.say("Usuwan", "ชวนสมาชิก")), "team.invite.made").Args["Code"].(string)
	}
	code := invite()
	out = see(r.say("Unew", code))
	if got := userSees(out); !strings.Contains(got, "รหัสนี้เป็นรหัสเข้าทีมหมู่ 1 บ้านหัวหนอง ต.โนนทอง ค่ะ") {
		t.Errorf("an unregistered sage reads:\n%s", got)
	}
	newSage := register("Unew", person("บุญมี ศรีสุข", "0812345604", "ม.2 ต.โนนทอง"))
	see(r.say("Unew", code)) // pending: kept for the approval
	approve(newSage)         // the approval's push reminds of the code
	see(r.say("Unew", code))
	see(r.say("Unew", code)) // already on it
	if got := r.mustSage("Unew").TeamVillage; got != tpHome {
		t.Errorf("the new member is on team %d, want %d", got, tpHome)
	}
	// The lead of หมู่ 1 ต.หนองแวง (id 1) is on that team already.
	see(r.tap(tpOfficer, fmt.Sprintf("a=team.setlead&moo=1&id=%d&old=", somchai.ID)))
	open := invite()
	see(r.say("Usomchai", open))
	for i, name := range []string{"ประยูร ทองดี", "สมหมาย ผิวขำ", "ทองคำ ทาบุตร"} {
		u := fmt.Sprintf("Umember%d", i)
		approve(register(u, person(name, fmt.Sprintf("08123457%02d", i), "ม.3 ต.โนนทอง")))
		c := r.newCode()
		r.putInvite(flows.Invite{Code: c, Village: tpHome, By: "Usuwan", Created: r.now, Expires: r.now.Add(flows.InviteTTL)})
		stWant(t, see(r.say(u, c)), "team.join.done")
	}
	// Five on the team: the code still open is refused.
	stWant(t, see(r.say("Uwilai", open)), "team.join.full")
	// The sages' cards and the registry name the team's village.
	see(r.say("Usuwan", "ทีมของฉัน"))
	see(r.say("Usuwan", "ลงทะเบียนปราชญ์"))
	reg := see(r.say(tpOfficer, "ทะเบียนปราชญ์"))
	if got := userSees(reg); !strings.Contains(got, "ปราชญ์สัมมาชีพ หมู่ 1 ต.โนนทอง") || !strings.Contains(got, "ทีม หมู่ 1 ต.โนนทอง") {
		t.Errorf("the registry does not name the teams' village:\n%s", got)
	}

	all := seen.String()
	for _, want := range []string{
		"ระบบเก็บรหัสเข้าทีมหมู่ 1 บ้านหัวหนอง ต.โนนทอง ไว้ให้แล้ว",              // pending
		"คุณเคยพิมพ์รหัสเข้าทีมหมู่ 1 บ้านหัวหนอง ต.โนนทอง ไว้ค่ะ",               // approval push
		"เข้าทีมวิทยากรหมู่ 1 บ้านหัวหนอง ต.โนนทอง แล้ว",                         // joined
		"คุณอยู่ในทีมหมู่ 1 บ้านหัวหนอง ต.โนนทอง อยู่แล้วค่ะ",                    // again
		"คุณสุวรรณ เป็นปราชญ์สัมมาชีพของหมู่ 1 บ้านหัวหนอง ต.โนนทอง อยู่แล้วค่ะ", // named twice
		"คุณอยู่ในทีมหมู่ 1 บ้านโนนสูง ต.หนองแวง อยู่แล้วค่ะ",                    // on another team
		"ขออภัยค่ะ ทีมหมู่ 1 บ้านหัวหนอง ต.โนนทอง ครบ 5 คนแล้ว",                  // full
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no reply says %q", want)
		}
	}
	tpCheck(t, all)
}

// TestSharedMooInThreeTambons: the ask-back names every ตำบล of the
// number as a sentence does, in Thai and in English, wherever a village
// is asked (here a sage's home village), in the buttons' order.
func TestSharedMooInThreeTambons(t *testing.T) {
	r := newRig(t, withSeed(func(r *rig) {
		for i, tambon := range []string{"หนองแวง", "โนนทอง", "นาดี"} {
			r.putVillage(flows.Village{ID: 10 + i, Moo: 1, Name: "บ้านที่" + fmt.Sprint(i+1), Tambon: tambon, Capacity: flows.DefaultCapacity})
		}
		r.putVillage(flows.Village{ID: 20, Moo: 2, Name: "บ้านสอง", Tambon: "นาดี", Capacity: flows.DefaultCapacity})
	}))
	for _, tt := range []struct {
		lang locales.Lang
		want string
	}{
		{locales.Thai, "หมู่ 1 มีทั้งใน ต.นาดี ต.หนองแวง และ ต.โนนทอง ค่ะ เลือกหมู่บ้านที่ต้องการได้เลยค่ะ"},
		{locales.English, "There is a Moo 1 in นาดี, หนองแวง and โนนทอง. Tap the village you mean."},
	} {
		user := "U" + string(tt.lang)
		r.putUser(flows.User{ID: user, Lang: tt.lang})
		out := r.tap(user, "menu=sage")
		out = r.tap(user, buttonKey(t, out, "conv.btn.agree"))
		r.say(user, "สมชาย ใจดี")
		r.say(user, "0812345678")
		out = r.say(user, "๑") // Thai digit one
		wantSaid(t, out, "village.ask.which_tambon")
		q := out.Replies[0]
		if got := catalog.MustText(tt.lang, q.Text.Key, q.Text.Args); got != tt.want {
			t.Errorf("%s: asked %q, want %q", tt.lang, got, tt.want)
		}
		if len(q.Buttons) != 3 {
			t.Errorf("%s: %d villages offered, want the three หมู่ 1", tt.lang, len(q.Buttons))
		}
		out = r.tap(user, q.Buttons[2].Data)
		wantSaid(t, out, "sage.category.ask")
	}
}
