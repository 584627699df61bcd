package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// khonKaen is the office the printed reports below name.
var khonKaen = flows.Office{District: "เมืองขอนแก่น", Province: "ขอนแก่น"}

// printedWorkbook builds the district's report for office and reads its
// workbook back.
func printedWorkbook(t *testing.T, lang locales.Lang, office flows.Office) (*report.Report, *excelize.File) {
	t.Helper()
	db, _ := district(t)
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: catalog, Office: office})
	r := build(t, db, eng, lang)
	return r, readWorkbook(t, r)
}

func readWorkbook(t *testing.T, r *report.Report) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open the XLSX: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

func cellValue(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

func TestEverySheetHasATitleBlock(t *testing.T) {
	r, f := printedWorkbook(t, locales.Thai, khonKaen)
	for i, sheet := range f.GetSheetList() {
		t.Run(r.Tables[i].Name, func(t *testing.T) {
			if got, want := cellValue(t, f, sheet, "A1"), "รายงานสัมมาชีพชุมชน: "+r.Tables[i].Title; got != want {
				t.Errorf("A1 %q, want %q", got, want)
			}
			if got, want := cellValue(t, f, sheet, "A2"), "สำนักงานพัฒนาชุมชนอำเภอเมืองขอนแก่น จังหวัดขอนแก่น"; got != want {
				t.Errorf("A2 %q, want %q", got, want)
			}
			// The report is made on Saturday 12 December 2026 at 10.30.
			if got, want := cellValue(t, f, sheet, "A3"), r.RoundName+" · ข้อมูล ณ วันเสาร์ที่ 12 ธันวาคม 2569 เวลา 10.30 น."; got != want {
				t.Errorf("A3 %q, want %q", got, want)
			}
			if got := cellValue(t, f, sheet, "A5"); got != r.Tables[i].Header[0] {
				t.Errorf("A5 %q, want the header %q", got, r.Tables[i].Header[0])
			}
		})
	}
}

func TestWorkbookWithoutAnOfficeSaysSo(t *testing.T) {
	_, f := printedWorkbook(t, locales.Thai, flows.Office{})
	if got, want := cellValue(t, f, "ครัวเรือน", "A2"), "สำนักงานพัฒนาชุมชนอำเภอ (ยังไม่ได้ตั้งชื่ออำเภอและจังหวัด)"; got != want {
		t.Errorf("A2 %q, want %q", got, want)
	}
	_, f = printedWorkbook(t, locales.English, khonKaen)
	if got, want := cellValue(t, f, "Households", "A2"), "เมืองขอนแก่น District Community Development Office, ขอนแก่น Province"; got != want {
		t.Errorf("English A2 %q, want %q", got, want)
	}
}

// A date is a date cell: a serial number Excel sorts and filters, shown in
// the Buddhist Era by its number format (calendar 07, Thai 041E).
func TestDatesAreDateCellsInTheBuddhistEra(t *testing.T) {
	_, f := printedWorkbook(t, locales.Thai, khonKaen)
	const sheet = "การเข้าร่วม"
	tests := []struct {
		cell, raw, format string
	}{
		// Day 1 of หมู่ 5: Monday 7 December 2026 (2569).
		{"G6", "46363", `[$-107041E]ddd d mmm yyyy`},
		// Its answer, recorded on Sunday 6 December at 18.05.
		{"K6", "46362.753472222", `[$-107041E]ddd d mmm yyyy hh"."mm" น."`},
	}
	for _, tt := range tests {
		if typ, err := f.GetCellType(sheet, tt.cell); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
			t.Errorf("%s: type %v (%v), want a number", tt.cell, typ, err)
		}
		if got := cellValue(t, f, sheet, tt.cell); !sameCells([]string{got}, []string{tt.raw}) {
			t.Errorf("%s: stored %q, want the date serial %s", tt.cell, got, tt.raw)
		}
		id, err := f.GetCellStyle(sheet, tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.CustomNumFmt == nil || *st.CustomNumFmt != tt.format {
			t.Errorf("%s: number format %v, want %q", tt.cell, st.CustomNumFmt, tt.format)
		}
	}
	// "Not set" stays a dash, as text.
	if got := cellValue(t, f, sheet, "I6"); got != "-" {
		t.Errorf("I6 %q, want -", got)
	}
	// English reports show the Gregorian year with English names.
	_, en := printedWorkbook(t, locales.English, khonKaen)
	id, _ := en.GetCellStyle("Attendance", "G6")
	if st, err := en.GetStyle(id); err != nil || st.CustomNumFmt == nil || *st.CustomNumFmt != `[$-409]ddd d mmm yyyy` {
		t.Errorf("English date format %v (%v)", st.CustomNumFmt, err)
	}
}

func TestTotalsRowAddsUp(t *testing.T) {
	_, f := printedWorkbook(t, locales.Thai, khonKaen)
	tests := []struct {
		sheet, cell, value, formula string
	}{
		{"ความก้าวหน้า", "A8", "รวม", ""},
		{"ความก้าวหน้า", "D8", "2", "SUBTOTAL(109,D6:D7)"},  // approved sages
		{"ความก้าวหน้า", "F8", "6", "SUBTOTAL(109,F6:F7)"},  // applicants 5 + 1
		{"ความก้าวหน้า", "H8", "23", "SUBTOTAL(109,H6:H7)"}, // target 3 + 20
		{"ความก้าวหน้า", "K8", "2", "SUBTOTAL(109,K6:K7)"},  // day 1 present
		{"ความก้าวหน้า", "AC8", "1", "SUBTOTAL(109,AC6:AC7)"},
		{"ความก้าวหน้า", "I8", "", ""},                     // a date column has no total
		{"ครัวเรือน", "E13", "20", "SUBTOTAL(109,E6:E12)"}, // members
		{"ครัวเรือน", "G13", "", ""},                       // incomes do not add up
	}
	for _, tt := range tests {
		if got := cellValue(t, f, tt.sheet, tt.cell); got != tt.value {
			t.Errorf("%s!%s: %q, want %q", tt.sheet, tt.cell, got, tt.value)
		}
		if got, _ := f.GetCellFormula(tt.sheet, tt.cell); got != tt.formula {
			t.Errorf("%s!%s: formula %q, want %q", tt.sheet, tt.cell, got, tt.formula)
		}
	}
	// Sheets whose columns do not add up end with their last row.
	if rows, _ := f.GetRows("การเข้าร่วม"); len(rows) != 5+15 {
		t.Errorf("attendance: %d rows, want the title block, the header and 15 rows", len(rows))
	}
}

func TestWorkbookPrintsAsTheProvinceAsks(t *testing.T) {
	_, f := printedWorkbook(t, locales.Thai, khonKaen)
	names := map[string]excelize.DefinedName{}
	for _, d := range f.GetDefinedName() {
		names[d.Scope+"|"+d.Name] = d
	}
	tests := []struct {
		sheet, orientation, printTitles, filter string
		xSplit                                  int
	}{
		{"ความก้าวหน้า", "landscape", "'ความก้าวหน้า'!$A:$A,'ความก้าวหน้า'!$5:$5", "'ความก้าวหน้า'!$A$5:$AC$7", 1},
		{"การเข้าร่วม", "landscape", "'การเข้าร่วม'!$A:$A,'การเข้าร่วม'!$5:$5", "'การเข้าร่วม'!$A$5:$R$20", 1},
		{"ครัวเรือน", "landscape", "'ครัวเรือน'!$A:$A,'ครัวเรือน'!$5:$5", "'ครัวเรือน'!$A$5:$O$12", 1},
	}
	for _, tt := range tests {
		t.Run(tt.sheet, func(t *testing.T) {
			pl, err := f.GetPageLayout(tt.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if pl.Size == nil || *pl.Size != 9 {
				t.Errorf("paper size %v, want 9 (A4)", pl.Size)
			}
			if pl.Orientation == nil || *pl.Orientation != tt.orientation {
				t.Errorf("orientation %v, want %s", pl.Orientation, tt.orientation)
			}
			if pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
				t.Errorf("fit to %v wide × %v tall, want 1 page wide and as many tall as needed (0)", pl.FitToWidth, pl.FitToHeight)
			}
			props, err := f.GetSheetProps(tt.sheet)
			if err != nil || props.FitToPage == nil || !*props.FitToPage {
				t.Errorf("fit to page is off (%v): the fit-to-width setting would be ignored", err)
			}
			hf, err := f.GetHeaderFooter(tt.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(hf.OddFooter, "หน้า &P จาก &N") {
				t.Errorf("footer %q, want page numbers (&P of &N)", hf.OddFooter)
			}
			if !strings.Contains(hf.OddHeader, "สำนักงานพัฒนาชุมชนอำเภอเมืองขอนแก่น") {
				t.Errorf("header %q, want the office", hf.OddHeader)
			}
			if d, ok := names[tt.sheet+"|_xlnm.Print_Titles"]; !ok || d.RefersTo != tt.printTitles {
				t.Errorf("print titles %q, want %q: the header row and the village column on every page", d.RefersTo, tt.printTitles)
			}
			if d, ok := names[tt.sheet+"|_xlnm._FilterDatabase"]; !ok || d.RefersTo != tt.filter {
				t.Errorf("autofilter %q, want %q: the header and the rows, not the totals", d.RefersTo, tt.filter)
			}
			panes, err := f.GetPanes(tt.sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !panes.Freeze || panes.YSplit != 5 || panes.XSplit != tt.xSplit {
				t.Errorf("panes: freeze %v at row %d col %d, want rows 1–5 and %d column(s)", panes.Freeze, panes.YSplit, panes.XSplit, tt.xSplit)
			}
		})
	}
}

func TestDocumentPropertiesNameTheOffice(t *testing.T) {
	_, f := printedWorkbook(t, locales.Thai, khonKaen)
	const office = "สำนักงานพัฒนาชุมชนอำเภอเมืองขอนแก่น จังหวัดขอนแก่น"
	doc, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	// Made at 10.30 in Bangkok: 03.30 UTC.
	if doc.Creator != office || doc.LastModifiedBy != office || doc.Created != "2026-12-12T03:30:00Z" || doc.Modified != doc.Created {
		t.Errorf("document: by %q / %q, created %q, modified %q; want the office, at the report's time", doc.Creator, doc.LastModifiedBy, doc.Created, doc.Modified)
	}
	if doc.Title != "รายงานสัมมาชีพชุมชน" || doc.Subject == "" {
		t.Errorf("title %q, subject %q", doc.Title, doc.Subject)
	}
	app, err := f.GetAppProps()
	if err != nil {
		t.Fatal(err)
	}
	if app.Company != office {
		t.Errorf("company %q, want %q", app.Company, office)
	}
}

// The workbook must open where the office opens it: a report without
// households (a round just started) still has its title block and setup.
func TestEmptyRoundWorkbook(t *testing.T) {
	db, err := storage.Open(t.TempDir()+"/empty.db", storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: catalog, Office: khonKaen})
	f := readWorkbook(t, build(t, db, eng, locales.Thai))
	if got := cellValue(t, f, "ความก้าวหน้า", "A8"); got != "" {
		t.Errorf("progress A8 %q: an empty table has no totals row to show", got)
	}
	if got := cellValue(t, f, "ความก้าวหน้า", "A6"); got != "รวม" {
		t.Errorf("progress A6 %q, want the totals row (of nothing) under the header", got)
	}
}
