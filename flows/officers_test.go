package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

const (
	otOfficer  = "Uofficer0000000000000000000000001"
	otNewbie   = "Unewbie00000000000000000000000002"
	otVillager = "Uvillager000000000000000000000003"
	otGroupID  = "Cgroup0000000000000000000000000001"
)

// otIssue makes an officer code at the bot's clock, as the CLI does.
func (r *rig) otIssue() flows.OfficerCode {
	r.t.Helper()
	var oc flows.OfficerCode
	if err := r.db.Update(func(tx flows.Tx) error {
		var err error
		oc, err = r.eng.IssueOfficerCode(tx, r.now, flows.CodeByCLI)
		return err
	}); err != nil {
		r.t.Fatalf("IssueOfficerCode: %v", err)
	}
	return oc
}

func TestOfficerCodeRedeem(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the bot and returns what the newbie types.
		setup       func(b *rig) string
		wantKey     string
		wantOfficer bool
		wantUsedBy  string // of code OTCODE01, when one was made
	}{
		{
			name:        "valid, typed as issued",
			setup:       func(b *rig) string { return b.otIssue().Code },
			wantKey:     "officer.code.welcome",
			wantOfficer: true,
			wantUsedBy:  otNewbie,
		},
		{
			name:        "valid, lower case with spaces, dash and a polite particle",
			setup:       func(b *rig) string { b.otIssue(); return "  otco-de01 ค่ะ" },
			wantKey:     "officer.code.welcome",
			wantOfficer: true,
			wantUsedBy:  otNewbie,
		},
		{
			name: "valid a second before it expires",
			setup: func(b *rig) string {
				oc := b.otIssue()
				b.now = b.now.Add(flows.OfficerCodeTTL - time.Second)
				return oc.Code
			},
			wantKey:     "officer.code.welcome",
			wantOfficer: true,
			wantUsedBy:  otNewbie,
		},
		{
			name: "expired after 24 hours",
			setup: func(b *rig) string {
				oc := b.otIssue()
				b.now = b.now.Add(flows.OfficerCodeTTL)
				return oc.Code
			},
			wantKey: "officer.code.expired",
		},
		{
			name: "used by someone else",
			setup: func(b *rig) string {
				oc := b.otIssue()
				b.say(otVillager, oc.Code)
				return oc.Code
			},
			wantKey:    "officer.code.used",
			wantUsedBy: otVillager,
		},
		{
			name: "unknown",
			setup: func(b *rig) string {
				b.otIssue()
				return "ZZZZ9999"
			},
			wantKey: "officer.code.unknown",
		},
		{
			name: "already an officer keeps the code unused",
			setup: func(b *rig) string {
				b.officer(otNewbie, "สมศรี ใจดี")
				return b.otIssue().Code
			},
			wantKey:     "officer.code.already_officer",
			wantOfficer: true,
		},
		{
			name:    "a word of code length without digits is no code",
			setup:   func(b *rig) string { b.otIssue(); return "schedule" },
			wantKey: "core.menu.prompt",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			typed := tt.setup(b)
			before := b.getUser(otNewbie)
			out := b.say(otNewbie, typed)
			otWant(t, out, tt.wantKey)
			u := b.getUser(otNewbie)
			if u.Officer != tt.wantOfficer {
				t.Errorf("officer = %v, want %v (answer %v)", u.Officer, tt.wantOfficer, otKeys(out))
			}
			if tt.wantOfficer && !before.Officer && !u.OfficerSince.Equal(b.now.Add(-time.Second)) {
				t.Errorf("officer since %v, want the time of the message %v", u.OfficerSince, b.now.Add(-time.Second))
			}
			if oc, ok := get(b, flows.Tx.OfficerCodes, "OTCODE01"); ok && oc.UsedBy != tt.wantUsedBy {
				t.Errorf("code used by %q, want %q", oc.UsedBy, tt.wantUsedBy)
			}
		})
	}
}

func TestOfficerCodeIsSingleUse(t *testing.T) {
	b := newRig(t, otOpts)
	oc := b.otIssue()
	if out := b.say(otNewbie, oc.Code); !otHas(out, "officer.code.welcome") {
		t.Fatalf("first use: got %v, want welcome", otKeys(out))
	}
	b.say(otNewbie, "ยกเลิก") // leave the name form
	if out := b.say(otVillager, oc.Code); !otHas(out, "officer.code.used") {
		t.Errorf("second use: got %v, want officer.code.used", otKeys(out))
	}
	if b.getUser(otVillager).Officer {
		t.Error("second user became an officer with a used code")
	}
}

func TestIssueOfficerCode(t *testing.T) {
	b := newRig(t, otOpts)
	first := b.otIssue()
	if first.Code != "OTCODE01" || !first.Expires.Equal(otT0.Add(24*time.Hour)) || first.CreatedBy != flows.CodeByCLI {
		t.Errorf("got %+v, want OTCODE01 made by the CLI, expiring 24 h later", first)
	}
	// NewCode repeats a code in use, then makes a lower-case one: the
	// repeat is skipped and the code is stored in capitals.
	b.codes = []string{"OTCODE01", "abcd2345"}
	if got := b.otIssue().Code; got != "ABCD2345" {
		t.Errorf("got %q, want ABCD2345", got)
	}
	b.codes = []string{"short"}
	if err := b.db.Update(func(tx flows.Tx) error {
		_, err := b.eng.IssueOfficerCode(tx, b.now, flows.CodeByCLI)
		return err
	}); err == nil {
		t.Error("a malformed code from NewCode was accepted")
	}
}

func TestDefaultNewCode(t *testing.T) {
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: catalog})
	b := newRig(t, otOpts)
	seen := map[string]bool{}
	for range 200 {
		var oc flows.OfficerCode
		if err := b.db.Update(func(tx flows.Tx) error {
			var err error
			oc, err = eng.IssueOfficerCode(tx, otT0, flows.CodeByCLI)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if seen[oc.Code] {
			t.Fatalf("code %s made twice", oc.Code)
		}
		seen[oc.Code] = true
		for _, r := range oc.Code {
			switch r {
			case '0', 'O', '1', 'I', 'L':
				t.Fatalf("code %s has the look-alike %q", oc.Code, r)
			}
		}
		if n, ok := flows.NormalizeCode(oc.Code); !ok || n != oc.Code || len(oc.Code) != flows.CodeLength {
			t.Fatalf("code %q is not a normalized %d-character code", oc.Code, flows.CodeLength)
		}
	}
}

func TestOfficerNameForm(t *testing.T) {
	// start redeems a code, which opens the name form.
	start := func(t *testing.T) *rig {
		b := newRig(t, otOpts)
		out := b.say(otNewbie, b.otIssue().Code)
		otWant(t, out, "officer.code.welcome", "officer.name.ask")
		return b
	}
	t.Run("happy path", func(t *testing.T) {
		b := start(t)
		out := b.say(otNewbie, "  นางสมศรี   ใจดี ")
		otWant(t, out, "conv.confirm.title", "officer.name.title")
		out = b.tap(otNewbie, buttonKey(t, out, "conv.btn.confirm"))
		otWant(t, out, "officer.name.saved", "officer.help")
		if got := b.getUser(otNewbie).Name; got != "นางสมศรี ใจดี" {
			t.Errorf("name %q, want นางสมศรี ใจดี", got)
		}
	})
	invalid := []struct{ name, typed string }{
		{"digits", "สมศรี 123"},
		{"a title alone", "นาง"},
		{"one letter", "ก"},
	}
	for _, tt := range invalid {
		t.Run("invalid: "+tt.name, func(t *testing.T) {
			b := start(t)
			out := b.say(otNewbie, tt.typed)
			otWant(t, out, "officer.name.hint", "officer.name.ask")
			if b.getUser(otNewbie).Name != "" {
				t.Error("a bad name was saved")
			}
		})
	}
	t.Run("help explains and asks again", func(t *testing.T) {
		b := start(t)
		otWant(t, b.say(otNewbie, "ช่วยเหลือ"), "officer.name.help", "officer.name.ask")
	})
	t.Run("back at the only question", func(t *testing.T) {
		b := start(t)
		otWant(t, b.say(otNewbie, "ย้อนกลับ"), "conv.back_at_start", "officer.name.ask")
	})
	t.Run("back from the summary", func(t *testing.T) {
		b := start(t)
		b.say(otNewbie, "สมศรี ใจดี")
		otWant(t, b.say(otNewbie, "ย้อนกลับ"), "officer.name.ask")
	})
	t.Run("cancel keeps the officer, without a name", func(t *testing.T) {
		b := start(t)
		otWant(t, b.say(otNewbie, "ยกเลิก"), "conv.cancelled")
		if u := b.getUser(otNewbie); !u.Officer || u.Name != "" {
			t.Errorf("got officer=%v name=%q, want an officer without a name", u.Officer, u.Name)
		}
	})
	t.Run("cancel at the summary", func(t *testing.T) {
		b := start(t)
		b.say(otNewbie, "สมศรี ใจดี")
		otWant(t, b.say(otNewbie, "ยกเลิก"), "conv.cancelled")
		if got := b.getUser(otNewbie).Name; got != "" {
			t.Errorf("name %q saved after cancel", got)
		}
	})
	t.Run("change the name later from the officer menu", func(t *testing.T) {
		b := newRig(t, otOpts)
		b.officer(otOfficer, "สมศรี ใจดี")
		out := b.say(otOfficer, "เมนูเจ้าหน้าที่")
		otWant(t, out, "officer.help")
		out = b.tap(otOfficer, buttonKey(t, out, "officer.btn.name"))
		otWant(t, out, "officer.name.ask")
		out = b.say(otOfficer, "สมศรี รักดี")
		b.tap(otOfficer, buttonKey(t, out, "conv.btn.confirm"))
		if got := b.getUser(otOfficer).Name; got != "สมศรี รักดี" {
			t.Errorf("name %q, want สมศรี รักดี", got)
		}
	})
	t.Run("refused to non-officers", func(t *testing.T) {
		b := newRig(t, otOpts)
		otWant(t, b.tap(otVillager, otAction("officer_name")), "officer.err.not_officer")
		otWant(t, b.say(otVillager, "เมนูเจ้าหน้าที่"), "officer.err.not_officer")
	})
}

func TestOfficerCodeCommand(t *testing.T) {
	tests := []struct {
		name      string
		user      string
		typed     string
		wantKey   string
		wantStore bool
	}{
		{"officer, Thai", otOfficer, "รหัสเจ้าหน้าที่", "officer.code.issued", true},
		{"officer, English any case", otOfficer, "Officer Code", "officer.code.issued", true},
		{"villager refused", otVillager, "รหัสเจ้าหน้าที่", "officer.err.not_officer", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.officer(otOfficer, "สมศรี ใจดี")
			out := b.say(tt.user, tt.typed)
			otWant(t, out, tt.wantKey)
			oc, stored := get(b, flows.Tx.OfficerCodes, "OTCODE01")
			if stored != tt.wantStore {
				t.Fatalf("code stored = %v, want %v", stored, tt.wantStore)
			}
			if !stored {
				return
			}
			if oc.CreatedBy != otOfficer || !oc.Expires.Equal(oc.Created.Add(flows.OfficerCodeTTL)) {
				t.Errorf("got %+v, want made by the officer, valid 24 h", oc)
			}
			// The code is its own message, easy to forward.
			if got := otRender(out); !strings.Contains(got, "\nOTCODE01\n") {
				t.Errorf("answer %q does not show the code on its own", got)
			}
			// ... and it works.
			otWant(t, b.say(otNewbie, "OTCODE01"), "officer.code.welcome")
		})
	}
	t.Run("in a group nothing is shown", func(t *testing.T) {
		b := newRig(t, otOpts)
		b.officer(otOfficer, "สมศรี ใจดี")
		out := b.inGroup(otGroupID, otOfficer, "รหัสเจ้าหน้าที่")
		if len(out.Replies) != 0 {
			t.Errorf("group got %v, want no answer", otKeys(out))
		}
		if _, ok := get(b, flows.Tx.OfficerCodes, "OTCODE01"); ok {
			t.Error("a code was made in a group")
		}
	})
}

func TestBindGroup(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(b *rig)
		user      string
		group     string // "" = typed in a 1:1 chat
		typed     string
		wantKey   string
		wantBound bool
	}{
		{"officer binds", nil, otOfficer, otGroupID, "ผูกกลุ่ม", "officer.group.bound", true},
		{"officer binds in English", nil, otOfficer, otGroupID, "Bind", "officer.group.bound", true},
		{"binding twice says so", func(b *rig) { b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม") },
			otOfficer, otGroupID, "ผูกกลุ่ม", "officer.group.already_bound", true},
		{"villager refused", nil, otVillager, otGroupID, "ผูกกลุ่ม", "officer.err.not_officer", false},
		{"member without a user id refused", nil, "", otGroupID, "ผูกกลุ่ม", "officer.group.unknown_sender", false},
		{"in a 1:1 chat", nil, otOfficer, "", "ผูกกลุ่ม", "officer.group.only_in_group", false},
		{"officer unbinds", func(b *rig) { b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม") },
			otOfficer, otGroupID, "เลิกผูกกลุ่ม", "officer.group.unbound", false},
		{"unbind when not bound", nil, otOfficer, otGroupID, "unbind", "officer.group.not_bound", false},
		{"villager cannot unbind", func(b *rig) { b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม") },
			otVillager, otGroupID, "เลิกผูกกลุ่ม", "officer.err.not_officer", true},
		{"member without a user id cannot unbind", func(b *rig) { b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม") },
			"", otGroupID, "เลิกผูกกลุ่ม", "officer.group.unknown_sender", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			b.officer(otOfficer, "สมศรี ใจดี")
			b.send(flows.Input{Kind: flows.InputJoin, GroupID: otGroupID})
			if tt.setup != nil {
				tt.setup(b)
			}
			var out flows.Outcome
			if tt.group == "" {
				out = b.say(tt.user, tt.typed)
			} else {
				out = b.inGroup(tt.group, tt.user, tt.typed)
			}
			otWant(t, out, tt.wantKey)
			g := b.getGroup(otGroupID)
			if g.Bound != tt.wantBound {
				t.Errorf("bound = %v, want %v", g.Bound, tt.wantBound)
			}
			if g.Bound && g.BoundBy != otOfficer {
				t.Errorf("bound by %q, want the officer", g.BoundBy)
			}
		})
	}
}

func TestBindGroupAnswers(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม") // no join event seen: still works
	out := b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม")
	if got, want := otRender(out), "กลุ่มนี้ผูกไว้แล้วค่ะ โดยคุณสมศรี ใจดี เมื่อ จ. 7 ธ.ค. 2569\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Ordinary talk in the group gets no answer.
	if out := b.inGroup(otGroupID, otVillager, "สวัสดีค่ะ ABCD2345"); len(out.Replies) != 0 {
		t.Errorf("group chatter answered with %v", otKeys(out))
	}
}

func TestOfficerGroupsAndOfficers(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	b.officer(otNewbie, "")
	b.putUser(flows.User{ID: otVillager, Active: true})
	const other, gone = "Cother000000000000000000000000002", "Cgone0000000000000000000000000003"
	for _, g := range []string{otGroupID, other, gone} {
		b.send(flows.Input{Kind: flows.InputJoin, GroupID: g})
	}
	b.inGroup(otGroupID, otOfficer, "ผูกกลุ่ม")
	b.inGroup(gone, otOfficer, "ผูกกลุ่ม")
	b.send(flows.Input{Kind: flows.InputLeave, GroupID: gone})

	if g := b.getGroup(gone); g.Bound || !g.Gone {
		t.Errorf("left group: bound=%v gone=%v, want unbound and gone", g.Bound, g.Gone)
	}
	var groups []flows.Group
	var officers []flows.User
	if err := b.db.View(func(tx flows.Tx) error {
		var err error
		if groups, err = flows.OfficerGroups(tx); err != nil {
			return err
		}
		officers, err = flows.Officers(tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].ID != otGroupID {
		t.Errorf("officers' groups %+v, want only %s", groups, otGroupID)
	}
	if len(officers) != 2 || officers[0].ID != otNewbie || officers[1].ID != otOfficer {
		t.Errorf("officers %+v, want the two officers", officers)
	}

	// Back in the group, it must be bound again.
	b.send(flows.Input{Kind: flows.InputJoin, GroupID: gone})
	if g := b.getGroup(gone); g.Bound || g.Gone {
		t.Errorf("rejoined group: bound=%v gone=%v, want unbound, not gone", g.Bound, g.Gone)
	}
}

func TestOfficerRef(t *testing.T) {
	b := newRig(t, otOpts)
	b.officer(otOfficer, "สมศรี ใจดี")
	b.officer(otNewbie, "")
	for _, tt := range []struct{ id, want string }{{otOfficer, "คุณสมศรี ใจดี"}, {otNewbie, "เจ้าหน้าที่"}} {
		var m flows.Msg
		if err := b.db.View(func(tx flows.Tx) error {
			var err error
			m, err = flows.OfficerRef(tx, tt.id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got := catalog.MustText("th", m.Key, m.Args); got != tt.want {
			t.Errorf("OfficerRef(%s) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"ABCD2345", "ABCD2345", true},
		{" abcd 2345 ", "ABCD2345", true},
		{"abcd-2345 ค่ะ", "ABCD2345", true},
		{"ABCD๒๓๔๕", "ABCD2345", true},
		{"ABCD234", "", false},
		{"ABCD23456", "", false},
		{"ABCD_2345", "", false},
		{"สวัสดีค่ะ", "", false},
	}
	for _, tt := range tests {
		if got, ok := flows.NormalizeCode(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzNormalizeCode(f *testing.F) {
	for _, s := range []string{"ABCD2345", "abcd-2345 ค่ะ", "ยกเลิก", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, ok := flows.NormalizeCode(s)
		if !ok {
			return
		}
		if len(code) != flows.CodeLength || strings.ToUpper(code) != code {
			t.Errorf("NormalizeCode(%q) = %q: not %d capitals and digits", s, code, flows.CodeLength)
		}
		if again, ok := flows.NormalizeCode(code); !ok || again != code {
			t.Errorf("NormalizeCode is not idempotent on %q: %q", code, again)
		}
	})
}
