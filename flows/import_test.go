package flows_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// otImport runs ImportVillages in one transaction, as the admin route does.
func (r *rig) otImport(csv string) (flows.ImportReport, error) {
	r.t.Helper()
	var rep flows.ImportReport
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		rep, err = flows.ImportVillages(tx, strings.NewReader(csv), r.now, "Uofficer", false)
		return err
	})
	return rep, err
}

// otProblem is a line and the key of its problem.
type otProblem struct {
	Line int
	Key  string
}

func otProblems(t *testing.T, err error) []otProblem {
	t.Helper()
	var ie *flows.ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v, want an *ImportError", err)
	}
	var out []otProblem
	for _, l := range ie.Lines {
		out = append(out, otProblem{l.Line, l.Problem.Key})
		// Every problem renders for people, in both languages.
		for _, lang := range []string{"th", "en"} {
			m := l.Msg()
			if _, err := catalog.Text(locales.Lang(lang), m.Key, m.Args); err != nil {
				t.Errorf("problem %+v does not render in %s: %v", l, lang, err)
			}
		}
	}
	return out
}

func TestImportVillagesGood(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want []flows.Village // Moo, Name, Tambon, Occupation, Capacity
	}{
		{
			name: "English headers",
			csv:  "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\n7,บ้านหนองบัว,หนองบัว,สานตะกร้า,15\n",
			want: []flows.Village{{Moo: 5, Name: "บ้านโนนสูง", Tambon: "โนนสูง", Occupation: "ทำน้ำพริก", Capacity: 20},
				{Moo: 7, Name: "บ้านหนองบัว", Tambon: "หนองบัว", Occupation: "สานตะกร้า", Capacity: 15}},
		},
		{
			name: "BOM, Thai headers in another order, Thai digits, หมู่ 5, empty capacity, CRLF",
			csv: "\uFEFFชื่อหมู่บ้าน,หมู่ที่,อาชีพ,ตำบล,จำนวนครัวเรือน\r\n" +
				"บ้านโนนสูง,หมู่ ๕,ทำน้ำพริก,ต.โนนสูง,\r\n" +
				"\"บ้านหนองบัว, ใต้\",ม.๑๒,สานตะกร้า,ตำบลหนองบัว,๒๕\r\n",
			want: []flows.Village{{Moo: 5, Name: "บ้านโนนสูง", Tambon: "โนนสูง", Occupation: "ทำน้ำพริก", Capacity: 20},
				{Moo: 12, Name: "บ้านหนองบัว, ใต้", Tambon: "หนองบัว", Occupation: "สานตะกร้า", Capacity: 25}},
		},
		{
			name: "no capacity column, blank lines and an empty trailing column",
			csv:  "Moo,Name,Tambon,Occupation,\n\n3,บ้านนา,นาดี,เลี้ยงไก่,\n,,,,\n",
			want: []flows.Village{{Moo: 3, Name: "บ้านนา", Tambon: "นาดี", Occupation: "เลี้ยงไก่", Capacity: 20}},
		},
		{
			name: "semicolons",
			csv:  "moo;name;tambon;occupation;capacity\n1;บ้านนา;นาดี;เลี้ยงไก่;10\n",
			want: []flows.Village{{Moo: 1, Name: "บ้านนา", Tambon: "นาดี", Occupation: "เลี้ยงไก่", Capacity: 10}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			rep, err := b.otImport(tt.csv)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if want := tally(flows.ImportReport{Added: len(tt.want)}); counts(rep) != want {
				t.Errorf("report %+v, want %+v", rep, want)
			}
			got := b.villages()
			if len(got) != len(tt.want) {
				t.Fatalf("stored %d villages, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Moo != w.Moo || g.Name != w.Name || g.Tambon != w.Tambon || g.Occupation != w.Occupation || g.Capacity != w.Capacity {
					t.Errorf("village %d = %+v, want %+v", i, g, w)
				}
				if !g.Created.Equal(otT0) || !g.Updated.Equal(otT0) {
					t.Errorf("village %d times %v/%v, want the import's %v", i, g.Created, g.Updated, otT0)
				}
			}
		})
	}
}

func TestImportVillagesBad(t *testing.T) {
	const header = "moo,name,tambon,occupation,capacity\n"
	const good = "1,บ้านนา,นาดี,เลี้ยงไก่,20\n"
	tests := []struct {
		name string
		csv  string
		want []otProblem
	}{
		{"missing column", "moo,name,occupation\n1,บ้านนา,เลี้ยงไก่\n",
			[]otProblem{{1, "import.err.missing_column"}}},
		{"unknown column", "moo,name,tambon,occupation,capcity\n" + good,
			[]otProblem{{1, "import.err.unknown_column"}}},
		{"column twice", "moo,name,tambon,occupation,หมู่ที่\n" + good,
			[]otProblem{{1, "import.err.duplicate_column"}}},
		{"bad capacity", header + good + "2,บ้านไร่,นาดี,ทอผ้า,ยี่สิบ\n",
			[]otProblem{{3, "village.import.err.capacity"}}},
		{"capacity too big", header + good + "2,บ้านไร่,นาดี,ทอผ้า,500\n",
			[]otProblem{{3, "village.import.err.capacity"}}},
		{"bad number", header + "หมู่ห้า,บ้านไร่,นาดี,ทอผ้า,20\n" + good,
			[]otProblem{{2, "village.import.err.moo"}}},
		{"duplicate number", header + good + "2,บ้านไร่,นาดี,ทอผ้า,20\nหมู่ 1,บ้านซ้ำ,นาดี,ทอผ้า,20\n",
			[]otProblem{{4, "village.import.err.duplicate"}}},
		{"every problem of every row", header +
			"0,,นาดี,เลี้ยงไก่,20\n" +
			good +
			"3,บ้านไร่,,,abc\n",
			[]otProblem{{2, "village.import.err.moo"}, {2, "village.import.err.name"},
				{4, "village.import.err.tambon"}, {4, "village.import.err.occupation"}, {4, "village.import.err.capacity"}}},
		{"missing fields count as empty", header + "2,บ้านไร่\n",
			[]otProblem{{2, "village.import.err.tambon"}, {2, "village.import.err.occupation"}}},
		{"too many fields", header + "2,บ้านไร่,นาดี,ทอผ้า,20,extra\n",
			[]otProblem{{2, "import.err.fields"}}},
		{"line numbers count a quoted line break", header + "1,\"บ้าน\nนา\",นาดี,เลี้ยงไก่,20\n2,บ้านไร่,นาดี,ทอผ้า,0\n",
			[]otProblem{{4, "village.import.err.capacity"}}},
		{"unbalanced quote", header + good + "2,\"บ้านไร่,นาดี,ทอผ้า,20\n",
			[]otProblem{{3, "import.err.syntax"}}},
		{"empty file", "", []otProblem{{1, "import.err.empty"}}},
		{"header only", header, []otProblem{{2, "import.err.no_rows"}}},
		{"not UTF-8 (Windows Thai)", header + good + "2,\xba\xe9\xd2\xb9,a,b,20\n",
			[]otProblem{{3, "import.err.not_utf8"}}},
		{"a title above a wrong header: the header's row", "รายชื่อหมู่บ้าน ปี 2570,,,,\n,,,,\nmoo,name,tambon,occupation,capcity\n" + good,
			[]otProblem{{3, "import.err.unknown_column"}}},
		{"a title above a good header: rows by their row", "รายชื่อหมู่บ้าน ปี 2570,,,,\n,,,,\n" + header + good + "2,บ้านไร่,นาดี,ทอผ้า,ยี่สิบ\n",
			[]otProblem{{5, "village.import.err.capacity"}}},
		{"a title above a header only", "รายชื่อหมู่บ้าน\n" + header, []otProblem{{3, "import.err.no_rows"}}},
		{"a title and nothing else", "รายชื่อหมู่บ้าน ปี 2570,,,,\n", []otProblem{{1, "import.err.unknown_column"},
			{1, "import.err.missing_column"}, {1, "import.err.missing_column"}, {1, "import.err.missing_column"}, {1, "import.err.missing_column"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newRig(t, otOpts)
			rep, err := b.otImport(tt.csv)
			if got := otProblems(t, err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems %v, want %v", got, tt.want)
			}
			if counts(rep) != tally(flows.ImportReport{}) {
				t.Errorf("report %+v after a failed import, want zero", rep)
			}
			if vs := b.villages(); len(vs) != 0 {
				t.Errorf("%d villages imported from a bad file, want none (all or nothing)", len(vs))
			}
		})
	}
}

// TestImportTitleAboveHeader: an office sheet's title (and a blank row)
// above the header row is skipped, the way a person reads the sheet.
func TestImportTitleAboveHeader(t *testing.T) {
	b := newRig(t, otOpts)
	rep, err := b.otImport("\uFEFFรายชื่อหมู่บ้านเป้าหมาย ปีงบประมาณ 2570,,,,\r\n,,,,\r\n" +
		"หมู่ที่,ชื่อหมู่บ้าน,ตำบล,อาชีพ,จำนวนครัวเรือน\r\n4,บ้านโคกกลาง,โนนทอง,ทอผ้าไหม,20\r\n")
	if err != nil || counts(rep) != [3]int{1, 0, 0} {
		t.Fatalf("import with a title: %+v, %v; want one village added", rep, err)
	}
	if vs := b.villages(); len(vs) != 1 || vs[0].Name != "บ้านโคกกลาง" {
		t.Errorf("villages %+v, want บ้านโคกกลาง", vs)
	}
}

func TestImportVillagesTwice(t *testing.T) {
	b := newRig(t, otOpts)
	const file = "moo,name,tambon,occupation,capacity\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\n7,บ้านหนองบัว,หนองบัว,สานตะกร้า,15\n"
	if rep, err := b.otImport(file); err != nil || counts(rep) != tally(flows.ImportReport{Added: 2}) {
		t.Fatalf("first import: %+v, %v", rep, err)
	}
	// A lead sage is named meanwhile; re-imports must keep it.
	v5, _ := b.villageByMoo(5)
	v5.LeadSageID = "Usage"
	b.putVillage(v5)
	before := b.villages()

	b.now = otT0.Add(time.Hour)
	rep, err := b.otImport(file)
	if err != nil || counts(rep) != tally(flows.ImportReport{Unchanged: 2}) {
		t.Fatalf("same file again: %+v, %v; want 2 unchanged", rep, err)
	}
	after := b.villages()
	for i := range before {
		if !otSameVillage(before[i], after[i]) {
			t.Errorf("village changed by a repeated import: %+v → %+v", before[i], after[i])
		}
	}

	rep, err = b.otImport(strings.Replace(file, "สานตะกร้า,15", "สานตะกร้า,18", 1) + "9,บ้านใหม่,ใหม่,ทอผ้า,\n")
	if err != nil || counts(rep) != tally(flows.ImportReport{Added: 1, Updated: 1, Unchanged: 1}) {
		t.Fatalf("changed file: %+v, %v; want 1 added, 1 updated, 1 unchanged", rep, err)
	}
	v7, _ := b.villageByMoo(7)
	if v7.Capacity != 18 || !v7.Updated.Equal(b.now) || !v7.Created.Equal(otT0) {
		t.Errorf("updated village %+v, want capacity 18, updated now, created kept", v7)
	}
	if v5, _ := b.villageByMoo(5); v5.LeadSageID != "Usage" {
		t.Errorf("lead sage lost: %+v", v5)
	}
}

func TestImportReportText(t *testing.T) {
	m := flows.ImportReport{Added: 1, Updated: 2, Unchanged: 3}.Msg()
	if got, want := catalog.MustText("en", m.Key, m.Args), "Imported: 1 added, 2 updated, 3 unchanged."; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	l := flows.LineError{Line: 4, Problem: flows.T("village.import.err.duplicate", "Moo", 1, "Tambon", "หนองแวง", "Line", 2)}.Msg()
	if got, want := catalog.MustText("th", l.Key, l.Args), "แถว 4: หมู่ 1 ต.หนองแวง ซ้ำกับแถว 2"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	err := &flows.ImportError{Lines: []flows.LineError{{Line: 4, Problem: flows.T("village.import.err.duplicate")}}}
	if got := err.Error(); !strings.Contains(got, "line 4") {
		t.Errorf("Error() = %q, want the line", got)
	}
}

func TestImportVillagesLargeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("moo,name,tambon,occupation,capacity\n")
	for moo := 1; moo <= 99; moo++ {
		fmt.Fprintf(&b, "%d,บ้าน%d,นา%d,อาชีพ,%d\n", moo, moo, moo%7, 20)
	}
	bot := newRig(t, otOpts)
	rep, err := bot.otImport(b.String())
	if err != nil || rep.Added != 99 {
		t.Fatalf("got %+v, %v; want 99 added", rep, err)
	}
}

// counts is a report's figures without its lists of names.
func counts(r flows.ImportReport) [3]int { return [3]int{r.Added, r.Updated, r.Unchanged} }

// tally is counts for a report written as a literal.
func tally(r flows.ImportReport) [3]int { return counts(r) }

// TestImportVillagesSameMooInTwoTambons is the overwrite seen in a real
// district: หมู่ 1 of ต.โนนทอง imported beside หมู่ 1 of ต.หนองแวง, which
// has a team, households and days. It is another village: added, and
// หมู่ 1 ต.หนองแวง is left exactly as it was.
func TestImportVillagesSameMooInTwoTambons(t *testing.T) {
	b := newRig(t, otOpts)
	if _, err := b.otImport("moo,name,tambon,occupation,capacity\n1,บ้านโนนสูง,หนองแวง,ทำน้ำพริก,20\n"); err != nil {
		t.Fatal(err)
	}
	before, _ := b.villageByMoo(1)
	before.LeadSageID = "Ulead"
	b.putVillage(before)

	rep, err := b.otImport("moo,name,tambon,occupation,capacity\n1,บ้านนาดี,โนนทอง,ทำขนม,20\n")
	if err != nil || counts(rep) != tally(flows.ImportReport{Added: 1}) {
		t.Fatalf("import หมู่ 1 ต.โนนทอง: %+v, %v; want 1 added", rep, err)
	}
	if got := catalog.MustText("th", rep.Msg().Key, rep.Msg().Args); !strings.Contains(got, "หมู่ 1 บ้านนาดี ต.โนนทอง") {
		t.Errorf("report %q does not name the added village with its ตำบล", got)
	}
	vs := b.villages()
	if len(vs) != 2 {
		t.Fatalf("%d villages, want two หมู่ 1", len(vs))
	}
	for _, v := range vs {
		if v.Tambon == "หนองแวง" && !otSameVillage(v, before) {
			t.Errorf("หมู่ 1 ต.หนองแวง changed: %+v → %+v", before, v)
		}
	}
	// The same row with the ตำบล of the village in use, renaming it: refused
	// with its line number, nothing written; with update, changed.
	rename := "moo,name,tambon,occupation,capacity\n2,บ้านใหม่,โนนทอง,ทอผ้า,20\n1,บ้านนาดี,ต.หนองแวง,ทำขนม,20\n"
	_, err = b.otImport(rename)
	if got := otProblems(t, err); len(got) != 1 || got[0] != (otProblem{Line: 3, Key: "village.import.err.in_use"}) {
		t.Fatalf("renaming a village in use: %v, want line 3 refused", err)
	}
	if len(b.villages()) != 2 {
		t.Errorf("a refused import added a village")
	}
	b.now = otT0.Add(time.Hour)
	if _, err := b.otUpdateImport(rename); err != nil {
		t.Fatalf("with update: %v", err)
	}
	for _, v := range b.villages() {
		if v.ID == before.ID && (v.Name != "บ้านนาดี" || v.LeadSageID != "Ulead") {
			t.Errorf("updated with --update: %+v, want renamed, lead kept", v)
		}
	}
}

// otUpdateImport is otImport with --update.
func (r *rig) otUpdateImport(csv string) (flows.ImportReport, error) {
	r.t.Helper()
	var rep flows.ImportReport
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		rep, err = flows.ImportVillages(tx, strings.NewReader(csv), r.now, "Uofficer", true)
		return err
	})
	return rep, err
}
