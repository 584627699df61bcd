package flows_test

import (
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// ihImport imports a household list in one transaction, as the admin
// route does.
func (r *rig) ihImport(csv string) (flows.ImportReport, []flows.ImportedCode, error) {
	r.t.Helper()
	var rep flows.ImportReport
	var codes []flows.ImportedCode
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		rep, codes, err = r.eng.ImportHouseholds(tx, strings.NewReader(csv), r.now, "cli")
		return err
	})
	return rep, codes, err
}

func ihRig(t *testing.T) *rig {
	r := newRig(t)
	r.update(func(tx flows.Tx) error {
		_, err := flows.ImportVillages(tx, strings.NewReader("moo,name,tambon,occupation\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก\n"), r.now, "cli", false)
		return err
	})
	return r
}

// TestImportHouseholdsMatchesDuplicatesAsTheChat: a household already
// enrolled is the same household however its head's title, spaces or
// digits are written, and is updated, not added twice.
func TestImportHouseholdsMatchesDuplicatesAsTheChat(t *testing.T) {
	r := ihRig(t)
	rep, codes, err := r.ihImport("moo,house_no,head_name,members,income_month\n5,12,สมชาย ใจดี,4,6000\n")
	if err != nil || rep.Added != 1 || len(codes) != 1 {
		t.Fatalf("first import: %+v, %d codes, %v", rep, len(codes), err)
	}
	rep, codes, err = r.ihImport("หมู่ที่,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก,รายได้ต่อเดือน\nหมู่ ๕,๑๒,นายสมชาย  ใจดี,๔,๖๐๐๐\n")
	if err != nil || rep.Added != 0 || rep.Unchanged != 1 || len(codes) != 0 {
		t.Errorf("the same household written otherwise: %+v, %d codes, %v; want unchanged", rep, len(codes), err)
	}
	rep, _, err = r.ihImport("moo,house_no,head_name,members,income_month\n5,12,นายสมชาย ใจดี,5,6500\n")
	if err != nil || rep.Updated != 1 || rep.Added != 0 {
		t.Errorf("new figures: %+v, %v; want updated", rep, err)
	}
	var hs []flows.Household
	r.view(func(tx flows.Tx) error {
		var err error
		hs, err = flows.VillageHouseholds(tx, 1)
		return err
	})
	if len(hs) != 1 || hs[0].Members != 5 || hs[0].Income != 6500 {
		t.Errorf("got %+v, want one household of 5 with 6500 a month", hs)
	}
}

// TestImportHouseholdsProblems: every bad row is reported by line and
// nothing is imported.
func TestImportHouseholdsProblems(t *testing.T) {
	r := ihRig(t)
	csv := "moo,house_no,head_name,members,income,income_month,phone\n" +
		"5,12,สมชาย ใจดี,4,24000,2000,\n" +
		"9,3,มาลี ศรีสุข,2,,,\n" +
		"5,abc,บุญมี มีสุข,0,,,12345\n" +
		"5,12,นาย สมชาย ใจดี,4,,,\n"
	_, _, err := r.ihImport(csv)
	got := otProblems(t, err)
	want := []otProblem{
		{1, "import.hh.err.two_incomes"},
		{3, "import.hh.err.no_village"},
		{4, "import.hh.err.house"},
		{4, "import.hh.err.members"},
		{4, "import.hh.err.phone"},
		{5, "import.hh.err.duplicate"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	var n int
	r.view(func(tx flows.Tx) error {
		hs, err := flows.VillageHouseholds(tx, 1)
		n = len(hs)
		return err
	})
	if n != 0 {
		t.Errorf("got %d households after a refused list, want 0", n)
	}
}
