package flows_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/sammachip/sammachip/flows"
)

// idVillages is one village list, as each kind of file Thai offices save.
const idVillages = "หมู่ที่,ชื่อหมู่บ้าน,ตำบล,อาชีพ\r\n๕,บ้านโนนสูง,โนนสูง,ทำน้ำพริก\r\n"

func idEncodings(t *testing.T) map[string][]byte {
	t.Helper()
	ansi, err := charmap.Windows874.NewEncoder().Bytes([]byte(idVillages))
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(idVillages, ",", "\t")))
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range [][]any{{"หมู่ที่", "ชื่อหมู่บ้าน", "ตำบล", "อาชีพ"}, {5, "บ้านโนนสูง", "โนนสูง", "ทำน้ำพริก"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(f.GetSheetName(0), cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var xlsx bytes.Buffer
	if err := f.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	return map[string][]byte{
		"UTF-8":               []byte(idVillages),
		"UTF-8 with BOM":      append([]byte("\uFEFF"), idVillages...),
		"Windows-874 (ANSI)":  ansi,
		"UTF-16 Unicode text": utf16,
		"xlsx":                xlsx.Bytes(),
	}
}

// TestImportReadsEveryEncoding: the same list imports the same from every
// kind of file, without being told which it is.
func TestImportReadsEveryEncoding(t *testing.T) {
	for name, data := range idEncodings(t) {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			var rep flows.ImportReport
			var vs []flows.Village
			r.update(func(tx flows.Tx) error {
				var err error
				if rep, err = flows.ImportVillages(tx, bytes.NewReader(data), r.now, "Uofficer", false); err != nil {
					return err
				}
				vs, err = flows.ListVillages(tx)
				return err
			})
			if rep.Added != 1 || len(vs) != 1 || vs[0].Moo != 5 || vs[0].Name != "บ้านโนนสูง" || vs[0].Tambon != "โนนสูง" {
				t.Errorf("got %+v, villages %+v; want หมู่ 5 บ้านโนนสูง ต.โนนสูง", rep, vs)
			}
		})
	}
}

// TestImportRefusesWhatIsNoTable: an old .xls, a PDF and bytes that are
// no Thai encoding are refused with a hint, not read as garbage.
func TestImportRefusesWhatIsNoTable(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		key  string
	}{
		{"xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old workbook"), "import.err.not_table"},
		{"pdf", []byte("%PDF-1.7 ..."), "import.err.not_table"},
		{"broken xlsx", []byte("PK\x03\x04 not really a zip"), "import.err.bad_xlsx"},
		{"no Thai encoding", []byte("moo,name\n5,\xDB\xDC\xFC\n"), "import.err.not_utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			err := r.db.Update(func(tx flows.Tx) error {
				_, err := flows.ImportVillages(tx, bytes.NewReader(tt.data), r.now, "Uofficer", false)
				return err
			})
			got := otProblems(t, err)
			if len(got) != 1 || got[0].Key != tt.key {
				t.Errorf("got %+v, want one %s", got, tt.key)
			}
		})
	}
}

// TestImportXLSXRowsAreExcelRows: in a workbook with a title above its
// table (in a merged cell, as office sheets have) and a blank row, a
// mistake is reported on the row Excel shows it on.
func TestImportXLSXRowsAreExcelRows(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	rows := [][]any{
		{"รายชื่อหมู่บ้านเป้าหมาย ปีงบประมาณ 2570"},
		{},
		{"หมู่ที่", "ชื่อหมู่บ้าน", "ตำบล", "อาชีพ"},
		{4, "บ้านโคกกลาง", "โนนทอง", "ทอผ้าไหม"},
		{"หมู่ห้า", "บ้านดอน", "โนนทอง", "เพาะเห็ด"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.MergeCell(sh, "A1", "D1"); err != nil {
		t.Fatal(err)
	}
	var xlsx bytes.Buffer
	if err := f.Write(&xlsx); err != nil {
		t.Fatal(err)
	}
	r := newRig(t)
	var err error
	r.view(func(tx flows.Tx) error {
		_, err = flows.ImportVillages(tx, bytes.NewReader(xlsx.Bytes()), r.now, "Uofficer", false)
		return nil
	})
	got := otProblems(t, err)
	if want := []otProblem{{5, "village.import.err.moo"}}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("problems %+v, want %+v (Excel's row 5)", got, want)
	}
}
