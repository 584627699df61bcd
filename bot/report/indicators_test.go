package report_test

import (
	"bytes"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// followUpAt is when the follow-up report is made: ten days after หมู่ 5's
// first follow-ups were asked.
var followUpAt = time.Date(2027, 1, 20, 10, 0, 0, 0, bangkok)

// withFollowUps adds หมู่ 5's first follow-ups to the district: สมชาย
// answered (still practising, income up), บัวผัน never did.
func withFollowUps(t *testing.T, db *storage.DB) {
	t.Helper()
	asked := time.Date(2027, 1, 10, 10, 0, 0, 0, bangkok)
	fs := []flows.FollowUp{
		{Household: "H000001", Village: 5, Round: 1, N: 1, Kind: flows.FollowUpAfterDays, Days: 30, Due: "2027-01-10", Asked: asked,
			Answered: asked.Add(2 * time.Hour), AnsweredBy: "Uh1", Practice: flows.PracticeRegular,
			Income: 6600, IncomeKnown: true, OccupationIncome: 1200, OccupationIncomeKnown: true},
		{Household: "H000004", Village: 5, Round: 1, N: 1, Kind: flows.FollowUpAfterDays, Days: 30, Due: "2027-01-10", Asked: asked},
	}
	err := db.Update(func(tx flows.Tx) error {
		for _, f := range fs {
			if err := tx.FollowUps().Put(flows.FollowUpRef{Household: f.Household, N: f.N}, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func buildAt(t *testing.T, db *storage.DB, eng *flows.Engine, lang locales.Lang, now time.Time) *report.Report {
	t.Helper()
	var r *report.Report
	err := db.View(func(tx flows.Tx) error {
		var err error
		r, err = report.Build(tx, report.Options{Lang: lang, Catalog: catalog, Engine: eng, Now: now})
		return err
	})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return r
}

func TestIndicatorsAndFollowUpSheets(t *testing.T) {
	db, eng := district(t)
	withFollowUps(t, db)
	r := buildAt(t, db, eng, locales.Thai, followUpAt)
	const ne = "ยังมีคำตอบไม่พอ"
	ind := r.Table(report.TableIndicators)
	if ind == nil || ind.Title != "ตัวชี้วัด" {
		t.Fatalf("indicators table %+v", ind)
	}
	wantHeader := []string{"ระดับ", "ชื่อ", "อาชีพ", "หมู่บ้าน", "อบรมครบ (ครัวเรือน)", "ติดตามแล้ว (ครัวเรือน)",
		"ยังทำอาชีพ (ครัวเรือน)", "ร้อยละที่ยังทำอาชีพ", "ยังทำอาชีพ ≥ 85%", "ครัวเรือนที่มีตัวเลขรายได้",
		"รายได้ครัวเรือนเฉลี่ยตอนสมัคร (บาท/เดือน)", "รายได้ครัวเรือนเฉลี่ยล่าสุด (บาท/เดือน)", "รายได้เปลี่ยนไป (ร้อยละ)",
		"รายได้เพิ่ม ≥ 3%", "ครัวเรือนที่บอกรายได้จากอาชีพ", "รายได้จากอาชีพเฉลี่ย (บาท/เดือน)", "กลุ่มอาชีพ (กลุ่ม)",
		"หมู่บ้านที่รายได้ถึงเป้า", "หมู่บ้านที่มีกลุ่มอาชีพ", "กลุ่มอาชีพ ≥ 10% ของหมู่บ้าน"}
	if !reflect.DeepEqual(ind.Header, wantHeader) {
		t.Errorf("header:\ngot  %q\nwant %q", ind.Header, wantHeader)
	}
	// Two trained households in หมู่ 5, one answered: enough (half). หมู่ 7
	// has had no week: nothing to show yet.
	compareRows(t, ind.Rows, [][]any{
		{"อำเภอ", "ทั้งอำเภอ", na, int64(2), int64(2), int64(1), int64(1), 100.0, "ถึงเป้า", int64(1), 6000.0, 6600.0, 10.0, "ถึงเป้า",
			int64(1), 1200.0, na, int64(1), int64(0), "ไม่ถึงเป้า"},
		{"หมู่บ้าน", v5, "ทำน้ำพริก", na, int64(2), int64(1), int64(1), 100.0, "ถึงเป้า", int64(1), 6000.0, 6600.0, 10.0, "ถึงเป้า",
			int64(1), 1200.0, int64(0), na, na, na},
		{"หมู่บ้าน", v7, "สานตะกร้า", na, int64(0), int64(0), int64(0), ne, ne, int64(0), ne, ne, ne, ne,
			int64(0), ne, int64(0), na, na, na},
		{"อาชีพ", "ทำน้ำพริก", "ทำน้ำพริก", int64(1), int64(2), int64(1), int64(1), 100.0, "ถึงเป้า", int64(1), 6000.0, 6600.0, 10.0, "ถึงเป้า",
			int64(1), 1200.0, na, na, na, na},
		{"อาชีพ", "สานตะกร้า", "สานตะกร้า", int64(1), int64(0), int64(0), int64(0), ne, ne, int64(0), ne, ne, ne, ne,
			int64(0), ne, na, na, na, na},
	})
	if len(ind.Notes) < 5 || ind.Notes[0] != "หมายเหตุ: นิยามของตัวชี้วัด" {
		t.Errorf("notes %q, want the definitions", ind.Notes)
	}

	fu := r.Table(report.TableFollowUps)
	if fu == nil || fu.Title != "การติดตามผล" {
		t.Fatalf("follow-up table %+v", fu)
	}
	compareRows(t, fu.Rows, [][]any{
		{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(1), "30 วันหลังวันที่ 5", "อา. 10 ม.ค. 2570", "อา. 10 ม.ค. 2570 10.00 น.",
			"ตอบแล้ว", "อา. 10 ม.ค. 2570 12.00 น.", "สมชาย บุญเรือง (ครัวเรือน)", "ทำเป็นประจำ", na, int64(6600), int64(1200)},
		{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(1), "30 วันหลังวันที่ 5", "อา. 10 ม.ค. 2570", "อา. 10 ม.ค. 2570 10.00 น.",
			"ไม่ได้ติดตาม (ไม่มีคำตอบใน 7 วัน)", na, na, na, na, na, na},
	})

	// In the workbook: numbers as numbers, the notes under the table.
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("ตัวชี้วัด")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5+len(ind.Rows)+1+len(ind.Notes) || len(rows[5+len(ind.Rows)]) != 0 || rows[5+len(ind.Rows)+1][0] != ind.Notes[0] {
		t.Errorf("sheet rows %q: want the title block, the header, %d rows, an empty row, then the notes", rows, len(ind.Rows))
	}
	if v, _ := f.GetCellValue("ตัวชี้วัด", "H6"); v != "100" {
		t.Errorf("practising %% cell %q, want 100", v)
	}
	if typ, _ := f.GetCellType("ตัวชี้วัด", "M6"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("income change cell of type %v, want a number", typ)
	}
	if fuRows, _ := f.GetRows("การติดตามผล"); len(fuRows) < 7 || fuRows[5][1] != "H000001" {
		t.Errorf("follow-up sheet %q", fuRows)
	}
}

func TestIndicatorsSheetInEnglish(t *testing.T) {
	db, eng := district(t)
	withFollowUps(t, db)
	r := buildAt(t, db, eng, locales.English, followUpAt)
	ind, fu := r.Table(report.TableIndicators), r.Table(report.TableFollowUps)
	if ind.Title != "Indicators" || fu.Title != "Follow-ups" {
		t.Errorf("titles %q, %q", ind.Title, fu.Title)
	}
	for _, c := range []struct {
		tab  *report.Table
		row  int
		col  string
		want any
	}{
		{ind, 0, "Level", "District"},
		{ind, 2, "Still practising (%)", "not enough answers yet"},
		{ind, 0, "Groups in ≥ 10% of villages", "not met"},
		{fu, 0, "Still practising?", "regularly"},
		{fu, 1, "Status", "not followed up (no answer in 7 days)"},
	} {
		col := indexOf(c.tab.Header, c.col)
		if col < 0 {
			t.Errorf("no column %q in %q", c.col, c.tab.Header)
			continue
		}
		if got := c.tab.Rows[c.row][col]; fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s row %d %q: got %#v, want %#v", c.tab.Name, c.row+1, c.col, got, c.want)
		}
	}
}
