package flows_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// otVillageSteps are the add form's questions with a good answer each.
var otVillageSteps = []struct{ field, answer string }{
	{"moo", "5"},
	{"name", "บ้านโนนสูง"},
	{"tambon", "โนนสูง"},
	{"occupation", "ทำน้ำพริก"},
	{"capacity", "20"},
}

func otAsk(field string) string  { return "village.q." + field + ".ask" }
func otHelp(field string) string { return "village.q." + field + ".help" }

// otStartAdd opens the add form as an officer and answers the first n
// questions.
func (r *rig) otStartAdd(n int) flows.Outcome {
	r.t.Helper()
	r.officer(otOfficer, "สมศรี ใจดี")
	out := r.tap(otOfficer, otAction("village_add"))
	otWant(r.t, out, otAsk("moo"))
	for _, s := range otVillageSteps[:n] {
		out = r.say(otOfficer, s.answer)
	}
	return out
}

func TestAddVillage(t *testing.T) {
	b := newRig(t, otOpts)
	out := b.otStartAdd(0)
	otWant(t, out, otAsk("moo"))
	for _, typed := range []string{"หมู่ที่ ๕", "บ้านโนนสูง", "ต.โนนสูง", "ทำน้ำพริกแกง"} {
		b.say(otOfficer, typed)
	}
	b.restart() // a redeploy between two answers changes nothing
	out = b.say(otOfficer, "๒๕ ครัวเรือน")
	otWant(t, out, "conv.confirm.title", "village.add.title")
	for _, want := range []string{"หมู่ที่: หมู่ 5", "ชื่อหมู่บ้าน: บ้านโนนสูง", "ตำบล: โนนสูง", "ครัวเรือนเป้าหมาย: 25 ครัวเรือน"} {
		if !strings.Contains(otRender(out), want) {
			t.Errorf("summary %q lacks %q", otRender(out), want)
		}
	}
	confirm := buttonKey(t, out, "conv.btn.confirm")
	out = b.tap(otOfficer, confirm)
	otWant(t, out, "village.saved.added")
	if got, want := otRender(out), "✅ เพิ่มหมู่ 5 บ้านโนนสูง เรียบร้อยแล้วค่ะ\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	v, ok := b.villageByMoo(5)
	want := flows.Village{Moo: 5, Name: "บ้านโนนสูง", Tambon: "โนนสูง", Occupation: "ทำน้ำพริกแกง", Capacity: 25}
	if !ok || v.Moo != want.Moo || v.Name != want.Name || v.Tambon != want.Tambon || v.Occupation != want.Occupation || v.Capacity != want.Capacity {
		t.Errorf("stored %+v, want %+v", v, want)
	}
	if v.Created.IsZero() || !v.Created.Equal(v.Updated) {
		t.Errorf("created %v updated %v, want both the time of saving", v.Created, v.Updated)
	}
	// A second tap on confirm saves nothing more.
	otWant(t, b.tap(otOfficer, confirm), "village.saved.again")
	if n := len(b.villages()); n != 1 {
		t.Errorf("%d villages after a double tap, want 1", n)
	}
}

func TestAddVillageDefaultCapacityButton(t *testing.T) {
	b := newRig(t, otOpts)
	out := b.otStartAdd(4)
	otWant(t, out, otAsk("capacity"))
	out = b.tap(otOfficer, buttonKey(t, out, "village.btn.capacity_default"))
	b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm"))
	if v, _ := b.villageByMoo(5); v.Capacity != flows.DefaultCapacity {
		t.Errorf("capacity %d, want %d", v.Capacity, flows.DefaultCapacity)
	}
}

func TestAddVillageInvalidAnswers(t *testing.T) {
	tests := []struct {
		step     int // index in otVillageSteps
		typed    string
		wantHint string
	}{
		{0, "abc", "village.hint.moo"},
		{0, "0", "village.hint.moo"},
		{0, "100", "village.hint.moo"},
		{0, "หมู่ 5 บ้านโนนสูง", "village.hint.moo"},
		{1, "123", "village.hint.name"},
		{1, strings.Repeat("ก", 81), "village.hint.name"},
		{2, "- -", "village.hint.tambon"},
		{2, "ตำบล", "village.hint.tambon"},
		{2, "ต.หนองแวง", "village.hint.place_taken"}, // หมู่ 5 ต.หนองแวง is stored already
		{3, strings.Repeat("อ", 81), "village.hint.occupation"},
		{4, "0", "village.hint.capacity"},
		{4, "201", "village.hint.capacity"},
		{4, "-5", "village.hint.capacity"},
		{4, "ยี่สิบ", "village.hint.capacity"},
	}
	for _, tt := range tests {
		field := otVillageSteps[tt.step].field
		t.Run(fmt.Sprintf("%s %q", field, tt.typed), func(t *testing.T) {
			b := newRig(t, otOpts)
			b.putVillage(flows.Village{ID: 3, Moo: 5, Name: "บ้านเก่า", Tambon: "หนองแวง", Capacity: 20})
			b.otStartAdd(tt.step)
			out := b.say(otOfficer, tt.typed)
			otWant(t, out, "conv.invalid_retry_hint", tt.wantHint, otAsk(field))
			// Three wrong answers in a row offer help or cancel.
			b.say(otOfficer, tt.typed)
			out = b.say(otOfficer, tt.typed)
			otWant(t, out, "conv.too_many_tries")
			// A good answer still moves on.
			out = b.say(otOfficer, otVillageSteps[tt.step].answer)
			if otHas(out, otAsk(field)) {
				t.Errorf("good answer re-asked: %v", otKeys(out))
			}
			if n := len(b.villages()); n != 1 {
				t.Errorf("%d villages stored, want only the one there before", n)
			}
		})
	}
}

func TestAddVillageNavigation(t *testing.T) {
	n := len(otVillageSteps)
	for i := 0; i <= n; i++ {
		at := "summary"
		if i < n {
			at = otVillageSteps[i].field
		}
		t.Run("cancel at "+at, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.otStartAdd(i)
			otWant(t, b.say(otOfficer, "ยกเลิก"), "conv.cancelled")
			if vs := b.villages(); len(vs) != 0 {
				t.Errorf("villages %+v stored after cancel", vs)
			}
		})
		t.Run("back at "+at, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.otStartAdd(i)
			out := b.say(otOfficer, "ย้อนกลับ")
			switch i {
			case 0:
				otWant(t, out, "conv.back_at_start", otAsk("moo"))
			default:
				otWant(t, out, otAsk(otVillageSteps[i-1].field))
			}
		})
		t.Run("help at "+at, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.otStartAdd(i)
			out := b.say(otOfficer, "ช่วยเหลือ")
			if i == n {
				otWant(t, out, "conv.help.summary", "conv.confirm.title")
				return
			}
			otWant(t, out, otHelp(at), otAsk(at))
		})
	}
}

func TestAddVillageNumberTakenMeanwhile(t *testing.T) {
	b := newRig(t, otOpts)
	out := b.otStartAdd(len(otVillageSteps))
	// Another officer imports หมู่ 5 while this one looks at the summary.
	b.putVillage(flows.Village{Moo: 5, Name: "บ้านอื่น", Tambon: "โนนสูง", Capacity: 20})
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm"))
	otWant(t, out, "village.err.moo_taken", "conv.confirm.title")
	if v, _ := b.villageByMoo(5); v.Name != "บ้านอื่น" {
		t.Errorf("the other village was overwritten: %+v", v)
	}
	// Change the number from the summary and save.
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.edit"))
	out = b.tap(otOfficer, buttonKey(t, out, "village.q.moo.label"))
	otWant(t, out, otAsk("moo"))
	out = b.say(otOfficer, "6")
	otWant(t, b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm")), "village.saved.added")
	if v, ok := b.villageByMoo(6); !ok || v.Name != "บ้านโนนสูง" {
		t.Errorf("village 6 = %+v, %v; want บ้านโนนสูง", v, ok)
	}
}

// otSameVillage compares villages field by field (times with Equal: they
// come back from JSON with another *Location).
func otSameVillage(a, b flows.Village) bool {
	return a.Moo == b.Moo && a.Name == b.Name && a.Tambon == b.Tambon && a.Occupation == b.Occupation &&
		a.Capacity == b.Capacity && a.LeadSageID == b.LeadSageID && a.Created.Equal(b.Created) && a.Updated.Equal(b.Updated)
}

// otStoreVillage puts a village straight into the store.
func (r *rig) otStoreVillage(moo int, name string) flows.Village {
	r.t.Helper()
	v := flows.Village{ID: moo, Round: 1, Moo: moo, Name: name, Tambon: "โนนสูง", Occupation: "ทำน้ำพริก", Capacity: 20,
		LeadSageID: "Usage", Created: otT0.Add(-24 * time.Hour), Updated: otT0.Add(-24 * time.Hour)}
	r.putVillage(v)
	return v
}

func TestEditVillage(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	before := b.otStoreVillage(5, "บ้านโนนสูง")

	out := b.tap(otOfficer, otAction("village", "m", "5"))
	otWant(t, out, "village.name_full")
	if got := otRender(out); !strings.Contains(got, "หมู่ 5 บ้านโนนสูง") || !strings.Contains(got, "20 ครัวเรือน") {
		t.Errorf("card %q lacks the village", got)
	}
	out = b.tap(otOfficer, buttonKey(t, out, "village.btn.edit"))
	otWant(t, out, "conv.confirm.title", "village.edit.title")
	if got := otRender(out); !strings.Contains(got, "ชื่อหมู่บ้าน: หมู่ 5 บ้านโนนสูง") {
		t.Errorf("edit card %q does not show the number with the name", got)
	}
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.edit"))
	otWant(t, out, "conv.edit.which")
	for _, a := range actions(out) {
		if a.Label.Key == "village.q.moo.label" {
			t.Error("the village number is offered for editing")
		}
	}
	out = b.tap(otOfficer, buttonKey(t, out, "village.q.capacity.label"))
	otWant(t, out, otAsk("capacity"))
	out = b.say(otOfficer, "30")
	otWant(t, out, "conv.confirm.title")
	now := b.now
	otWant(t, b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm")), "village.saved.updated")

	v, _ := b.villageByMoo(5)
	if v.Capacity != 30 || v.Name != before.Name || v.LeadSageID != before.LeadSageID || !v.Created.Equal(before.Created) || !v.Updated.Equal(now) {
		t.Errorf("stored %+v, want capacity 30, the rest kept, updated at %v", v, now)
	}
}

func TestEditVillageCancelChangesNothing(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	before := b.otStoreVillage(5, "บ้านโนนสูง")
	out := b.tap(otOfficer, otAction("village_edit", "m", "5"))
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.edit"))
	b.tap(otOfficer, buttonKey(t, out, "village.q.name.label"))
	b.say(otOfficer, "บ้านใหม่")
	otWant(t, b.say(otOfficer, "ยกเลิก"), "conv.cancelled")
	if v, _ := b.villageByMoo(5); !otSameVillage(v, before) {
		t.Errorf("village %+v changed, want %+v", v, before)
	}
}

func TestEditVillageGone(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	otWant(t, b.tap(otOfficer, otAction("village_edit", "m", "9")), "village.err.not_found")
	otWant(t, b.tap(otOfficer, otAction("village", "m", "9")), "village.err.not_found")
	otWant(t, b.tap(otOfficer, otAction("village", "m", "x")), "village.err.not_found")
}

func TestVillageList(t *testing.T) {
	t.Run("empty", func(t *testing.T) {
		b := newRig(t, otOpts)
		b.officer(otOfficer, "สมศรี ใจดี")
		out := b.say(otOfficer, "หมู่บ้าน")
		otWant(t, out, "village.list.empty")
		otWant(t, b.tap(otOfficer, buttonKey(t, out, "village.btn.add")), otAsk("moo"))
	})
	t.Run("each village opens its card", func(t *testing.T) {
		b := newRig(t, otOpts)
		b.officer(otOfficer, "สมศรี ใจดี")
		b.otStoreVillage(12, "บ้านหนองบัว")
		b.otStoreVillage(3, "บ้านโนนสูง")
		out := b.say(otOfficer, "Villages")
		if len(out.Replies) != 1 || out.Replies[0].Style != flows.StyleList {
			t.Fatalf("got %v, want one list", otKeys(out))
		}
		btns := out.Replies[0].Buttons
		if len(btns) != 2 || btns[0].Label.Args["Moo"] != 3 || btns[1].Label.Args["Moo"] != 12 {
			t.Fatalf("buttons %+v, want หมู่ 3 then หมู่ 12", btns)
		}
		card := b.tap(otOfficer, btns[1].Data)
		if got := otRender(card); !strings.HasPrefix(got, "หมู่ 12 บ้านหนองบัว\n") {
			t.Errorf("card %q, want หมู่ 12's", got)
		}
	})
	t.Run("paged", func(t *testing.T) {
		b := newRig(t, otOpts)
		b.officer(otOfficer, "สมศรี ใจดี")
		for moo := 1; moo <= 35; moo++ {
			b.otStoreVillage(moo, fmt.Sprintf("บ้าน%d", moo))
		}
		out := b.say(otOfficer, "หมู่บ้าน")
		if n := len(out.Replies[0].Buttons); n != 30 {
			t.Errorf("first page has %d villages, want 30", n)
		}
		out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.next_page"))
		if n := len(out.Replies[0].Buttons); n != 5 {
			t.Errorf("second page has %d villages, want 5", n)
		}
		buttonKey(t, out, "conv.btn.prev_page")
	})
}

func TestVillagesRefusedToNonOfficers(t *testing.T) {
	inputs := []struct {
		name string
		in   flows.Input
	}{
		{"typed list", flows.Input{Kind: flows.InputText, Text: "หมู่บ้าน"}},
		{"add button", flows.Input{Kind: flows.InputPostback, Data: otAction("village_add")}},
		{"card button", flows.Input{Kind: flows.InputPostback, Data: otAction("village", "m", "5")}},
		{"edit button", flows.Input{Kind: flows.InputPostback, Data: otAction("village_edit", "m", "5")}},
		{"list button", flows.Input{Kind: flows.InputPostback, Data: otAction("villages", "p", "0")}},
	}
	for _, tt := range inputs {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			before := b.otStoreVillage(5, "บ้านโนนสูง")
			in := tt.in
			in.UserID = otVillager
			out := b.send(in)
			otWant(t, out, "officer.err.not_officer")
			if len(otKeys(out)) != 1 {
				t.Errorf("got %v, want only the refusal", otKeys(out))
			}
			// No form was opened: what they type next is no answer.
			if out := b.say(otVillager, "6"); otHas(out, otAsk("moo")) || otHas(out, "conv.invalid_retry_hint") {
				t.Errorf("a form is open after the refusal: %v", otKeys(out))
			}
			if v, _ := b.villageByMoo(5); !otSameVillage(v, before) {
				t.Errorf("village changed to %+v", v)
			}
		})
	}
}

func TestVillageEditSavedByFormerOfficer(t *testing.T) {
	// An officer whose rights were withdrawn mid-edit cannot save.
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	before := b.otStoreVillage(5, "บ้านโนนสูง")
	out := b.tap(otOfficer, otAction("village_edit", "m", "5"))
	b.putUser(flows.User{ID: otOfficer, Active: true})
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm"))
	otWant(t, out, "officer.err.not_officer")
	if v, _ := b.villageByMoo(5); !otSameVillage(v, before) {
		t.Errorf("village changed to %+v", v)
	}
}

func TestVillageParsers(t *testing.T) {
	capacity := []struct {
		in   string
		want int
		ok   bool
	}{
		{"20", 20, true}, {"๒๕", 25, true}, {" 25 ครัวเรือน ", 25, true}, {"30 households", 30, true},
		{"", flows.DefaultCapacity, true}, {"0", 0, false}, {"201", 0, false}, {"-1", 0, false},
		{"20.5", 0, false}, {"ยี่สิบ", 0, false},
	}
	for _, tt := range capacity {
		if got, ok := flows.ParseCapacity(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("ParseCapacity(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	tambon := []struct{ in, want string }{
		{"โนนสูง", "โนนสูง"}, {"ต.โนนสูง", "โนนสูง"}, {"ตำบล โนนสูง", "โนนสูง"}, {"Tambon Non Sung", "Non Sung"},
		{"ตำบล", ""}, {"ต.", ""}, {"  ", ""},
	}
	for _, tt := range tambon {
		if got, _ := flows.ParseTambon(tt.in); got != tt.want {
			t.Errorf("ParseTambon(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParseCapacity(f *testing.F) {
	for _, s := range []string{"20", "๒๕ ครัวเรือน", "", "-1", "1,000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := flows.ParseCapacity(s)
		if ok && (n < 1 || n > flows.MaxCapacity) {
			t.Errorf("ParseCapacity(%q) = %d, outside 1–%d", s, n, flows.MaxCapacity)
		}
	})
}

// TestAddVillageSameMooOtherTambon: หมู่ 5 of another ตำบล is another
// village, added beside the first and named with its ตำบล wherever the
// two could be confused.
func TestAddVillageSameMooOtherTambon(t *testing.T) {
	b := newRig(t, otOpts)
	b.putVillage(flows.Village{ID: 1, Moo: 5, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Capacity: 20})
	b.otStartAdd(2)
	out := b.say(otOfficer, "ต.หนองแวง")
	otWant(t, out, "village.hint.place_taken")
	b.say(otOfficer, "ตำบลโนนทอง")
	b.say(otOfficer, "ทำขนม")
	out = b.say(otOfficer, "20")
	out = b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm"))
	if got, want := otRender(out), "✅ เพิ่มหมู่ 5 บ้านโนนสูง ต.โนนทอง เรียบร้อยแล้วค่ะ\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	vs := b.villages()
	if len(vs) != 2 || vs[0].Tambon == vs[1].Tambon {
		t.Fatalf("villages %+v, want หมู่ 5 in two ตำบล", vs)
	}
	// The list names both with their ตำบล.
	var labels []string
	for _, a := range actions(b.say(otOfficer, "หมู่บ้าน")) {
		labels = append(labels, catalog.MustText(locales.Thai, a.Label.Key, a.Label.Args))
	}
	got := strings.Join(labels, "|")
	for _, want := range []string{"หมู่ 5 บ้านโนนสูง ต.หนองแวง", "หมู่ 5 บ้านโนนสูง ต.โนนทอง"} {
		if !strings.Contains(got, want) {
			t.Errorf("village list %q lacks %s", got, want)
		}
	}
}
