package report_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// signinDistrict is the report's district with marks from every source:
// หมู่ 5's day 1 has มาลี's roll-call absence and บัวผัน's presence as an
// officer's correction, day 2 สมชาย's own tap and มาลี's roll call, and
// day 5 สมชาย's practice (the district's, recorded before sources were
// kept, so his own).
func signinDistrict(t *testing.T) *storage.DB {
	t.Helper()
	db, _ := district(t)
	err := db.Update(func(tx flows.Tx) error {
		for _, a := range []flows.Attendance{
			{Village: 5, Day: 1, Household: "H000002", Presence: flows.PresenceAbsent,
				PresenceMark: &flows.Mark{At: at(7, 9, 5), By: "Ulead", Source: flows.SourceRollCall}},
			{Village: 5, Day: 1, Household: "H000004", Presence: flows.PresenceHere,
				PresenceMark: &flows.Mark{At: at(7, 15, 0), By: "Uofficer", Source: flows.SourceOfficer}},
			{Village: 5, Day: 2, Household: "H000001", Presence: flows.PresenceHere,
				PresenceMark: &flows.Mark{At: at(8, 8, 50), By: "Uh1", Source: flows.SourceHousehold}},
			{Village: 5, Day: 2, Household: "H000002", Presence: flows.PresenceHere,
				PresenceMark: &flows.Mark{At: at(8, 9, 5), By: "Ulead", Source: flows.SourceRollCall}},
		} {
			if err := tx.Attendance().Put(flows.AttendanceRef{Village: a.Village, Day: a.Day, Household: a.Household}, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// signinBook builds the sheets with o (its catalog and clock filled in)
// and reads the written workbook back.
func signinBook(t *testing.T, db *storage.DB, o report.SigninOptions) *excelize.File {
	t.Helper()
	o.Catalog = catalog
	if o.Now.IsZero() {
		o.Now = reportAt
	}
	var s *report.Signin
	err := db.View(func(tx flows.Tx) error {
		var err error
		s, err = report.BuildSignin(tx, o)
		return err
	})
	if err != nil {
		t.Fatalf("BuildSignin: %v", err)
	}
	var buf bytes.Buffer
	if err := s.WriteXLSX(&buf); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// formTable splits a form's sheet at its column headers: the title block's
// lines above them, the header row, and the table's rows under it up to
// the first empty row (cells padded to the header's width).
func formTable(t *testing.T, f *excelize.File, sheet string) (lines, header []string, rows [][]string, headerRow int) {
	t.Helper()
	all, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	no := catalog.MustText(locales.Thai, "report.signin.col.no", nil)
	i := slices.IndexFunc(all, func(r []string) bool { return len(r) > 0 && r[0] == no })
	if i < 0 {
		t.Fatalf("%s: no header row starting %q in %q", sheet, no, all)
	}
	for _, r := range all[:i] {
		if len(r) > 0 && r[0] != "" {
			lines = append(lines, r[0])
		}
	}
	header = all[i]
	for _, r := range all[i+1:] {
		if len(r) == 0 || strings.Join(r, "") == "" {
			break
		}
		r = append(r, make([]string, max(0, len(header)-len(r)))...)
		rows = append(rows, r)
	}
	return lines, header, rows, i + 1
}

func TestSigninPrintSetup(t *testing.T) {
	f := signinBook(t, signinDistrict(t), report.SigninOptions{})
	// หมู่ 7 has no dates: nothing of it. หมู่ 5's week has begun: its record.
	want := []string{
		"ลงชื่อ ม.5 ว.1", "วิทยากร ม.5 ว.1", "ลงชื่อ ม.5 ว.2", "วิทยากร ม.5 ว.2", "ลงชื่อ ม.5 ว.3", "วิทยากร ม.5 ว.3",
		"ลงชื่อ ม.5 ว.4", "วิทยากร ม.5 ว.4", "ลงชื่อ ม.5 ว.5", "วิทยากร ม.5 ว.5", "บันทึก ม.5",
	}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	titles := map[string]string{}
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm.Print_Titles" {
			titles[d.Scope] = d.RefersTo
		}
	}
	for _, sheet := range want {
		t.Run(sheet, func(t *testing.T) {
			pl, err := f.GetPageLayout(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if pl.Size == nil || *pl.Size != 9 {
				t.Errorf("paper size %v, want 9 (A4)", pl.Size)
			}
			if pl.Orientation == nil || *pl.Orientation != "portrait" {
				t.Errorf("orientation %v, want portrait", pl.Orientation)
			}
			// A village-day's form is one signed page for finance; the
			// record runs as many pages down as it needs.
			tall := map[bool]int{true: 0, false: 1}[strings.HasPrefix(sheet, "บันทึก")]
			if pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != tall {
				t.Errorf("fit to %v wide × %v tall, want 1 × %d", pl.FitToWidth, pl.FitToHeight, tall)
			}
			if pl.FirstPageNumber == nil || *pl.FirstPageNumber != 1 {
				t.Errorf("first page number %v, want 1 (each form numbers its own pages)", pl.FirstPageNumber)
			}
			props, err := f.GetSheetProps(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if props.FitToPage == nil || !*props.FitToPage {
				t.Error("fit to page is off: Excel ignores fit-to-width without it")
			}
			_, _, _, headerRow := formTable(t, f, sheet)
			if got, want := titles[sheet], "'"+sheet+"'!$1:$"+itoa(headerRow+map[bool]int{true: 1}[strings.HasPrefix(sheet, "บันทึก")]); got != want {
				t.Errorf("print titles %q, want %q (the title block and headers on every page)", got, want)
			}
			for _, cell := range []string{"A1", "A" + itoa(headerRow), "B" + itoa(headerRow+1)} {
				id, err := f.GetCellStyle(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				st, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				if st.Font == nil || st.Font.Family != "TH SarabunPSK" || st.Font.Size < 16 {
					t.Errorf("%s: font %+v, want TH SarabunPSK at 16 pt or more", cell, st.Font)
				}
			}
		})
	}
}

func itoa(n int) string { return strings.TrimSpace(locales.FormatNumber(int64(n))) }

func TestSigninSheet(t *testing.T) {
	f := signinBook(t, signinDistrict(t), report.SigninOptions{Office: flows.Office{District: "เมืองขอนแก่น", Province: "ขอนแก่น"}})
	sheet := "ลงชื่อ ม.5 ว.1"
	if got, _ := f.GetCellValue(sheet, "A1"); got != "ใบลงชื่อเข้าร่วมกิจกรรม" {
		t.Errorf("title %q, want ใบลงชื่อเข้าร่วมกิจกรรม", got)
	}
	lines, header, rows, headerRow := formTable(t, f, sheet)
	for _, want := range []string{
		"โครงการสัมมาชีพชุมชน ปีงบประมาณ 2570",
		"สำนักงานพัฒนาชุมชนอำเภอเมืองขอนแก่น จังหวัดขอนแก่น",
		"หมู่ที่ 5 บ้านโนนสูง ตำบลหนองแวง",
		"วันอบรมที่ 1: ถ่ายทอดองค์ความรู้ อาชีพทำน้ำพริก",
		"วันจันทร์ที่ 7 ธันวาคม 2569 เวลา 09.00 น. ถึง 16.00 น.",
		"สถานที่ ศาลาประชาคม",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("title block %q, want a line %q", lines, want)
		}
	}
	if want := []string{"ลำดับ", "ชื่อ-สกุล หัวหน้าครัวเรือน", "บ้านเลขที่", "ลายมือชื่อ", "หมายเหตุ"}; !slices.Equal(header, want) {
		t.Errorf("header %q, want %q", header, want)
	}
	// The three selected households (not the waitlisted, withdrawn or
	// applicant ones), then five blank rows for substitutes, numbered.
	var names []string
	for i, r := range rows {
		if r[0] != itoa(i+1) {
			t.Errorf("row %d: number %q, want %d", i+1, r[0], i+1)
		}
		names = append(names, r[1])
		if r[3] != "" {
			t.Errorf("row %d: signature cell %q, want it empty", i+1, r[3])
		}
	}
	if want := []string{"สมชาย บุญเรือง", "มาลี แก้วใส", "บัวผัน ศรีบุญ", "", "", "", "", ""}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	if rows[0][2] != "45/1" {
		t.Errorf("house number %q, want 45/1", rows[0][2])
	}
	if h, err := f.GetRowHeight(sheet, headerRow+1); err != nil || h < 28 {
		t.Errorf("row height %v (%v), want room to sign (≥ 28 pt)", h, err)
	}
	if w, err := f.GetColWidth(sheet, "D"); err != nil || w < 25 {
		t.Errorf("signature column width %v (%v), want a wide one", w, err)
	}
}

func TestSigninSpeakers(t *testing.T) {
	f := signinBook(t, signinDistrict(t), report.SigninOptions{})
	sheet := "วิทยากร ม.5 ว.4"
	if got, _ := f.GetCellValue(sheet, "A1"); got != "ใบลงชื่อวิทยากร" {
		t.Errorf("title %q, want ใบลงชื่อวิทยากร", got)
	}
	lines, header, rows, _ := formTable(t, f, sheet)
	if !slices.Contains(lines, "วันอบรมที่ 4: ศึกษาดูงาน ณ ศูนย์เรียนรู้ อาชีพทำน้ำพริก") {
		t.Errorf("title block %q, want day 4 with where it goes", lines)
	}
	if want := []string{"ลำดับ", "ชื่อ-สกุล วิทยากร", "บทบาท", "หัวข้อ", "จำนวนชั่วโมง", "ลายมือชื่อ"}; !slices.Equal(header, want) {
		t.Errorf("header %q, want %q", header, want)
	}
	want := [][]string{
		{"1", "ประยูร ทองดี", "ปราชญ์สัมมาชีพ (หัวหน้าทีม)", "ศึกษาดูงาน ณ ศูนย์เรียนรู้ อาชีพทำน้ำพริก", "7", ""},
		{"2", "บุญมี ศรีสุข", "ทีมวิทยากร", "ศึกษาดูงาน ณ ศูนย์เรียนรู้ อาชีพทำน้ำพริก", "7", ""},
		{"3", "", "", "", "", ""},
		{"4", "", "", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i][:6], want[i]) {
			t.Errorf("row %d: %q, want %q", i+1, rows[i], want[i])
		}
	}
}

// A cell whose text wraps gets the height of its lines, so that nothing
// printed is cut: the lead's role and the topic take two lines of the
// speakers' sheet, "จำนวนชั่วโมง" two lines of its header; a blank row
// keeps the height to sign in.
func TestSigninRowsFitTheirText(t *testing.T) {
	f := signinBook(t, signinDistrict(t), report.SigninOptions{})
	sheet := "วิทยากร ม.5 ว.4"
	_, _, _, headerRow := formTable(t, f, sheet)
	height := func(row int) float64 {
		h, err := f.GetRowHeight(sheet, row)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h := height(headerRow); h < 2*24 {
		t.Errorf("header row is %.0f pt high, want two lines (48 pt) for “จำนวนชั่วโมง”", h)
	}
	if h := height(headerRow + 1); h < 2*24 {
		t.Errorf("the lead's row is %.0f pt high, want two lines (48 pt) for the role and the topic", h)
	}
	if h := height(headerRow + 3); h < 28 || h >= 2*24 {
		t.Errorf("a blank row is %.0f pt high, want one row to sign in (28–47 pt)", h)
	}
}

func TestSigninRecord(t *testing.T) {
	f := signinBook(t, signinDistrict(t), report.SigninOptions{})
	sheet := "บันทึก ม.5"
	if got, _ := f.GetCellValue(sheet, "A1"); got != "บันทึกการเข้าร่วมกิจกรรม" {
		t.Errorf("title %q, want บันทึกการเข้าร่วมกิจกรรม", got)
	}
	lines, header, rows, headerRow := formTable(t, f, sheet)
	if slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "สำนักงาน") }) {
		t.Errorf("title block %q names an office that is not configured", lines)
	}
	if !slices.Contains(lines, "ระหว่างวันจันทร์ที่ 7 ธันวาคม 2569 ถึงวันศุกร์ที่ 11 ธันวาคม 2569") {
		t.Errorf("title block %q, want the week's dates", lines)
	}
	if want := []string{"ลำดับ", "ชื่อ-สกุล หัวหน้าครัวเรือน", "บ้านเลขที่", "วันที่ 1", "วันที่ 2", "วันที่ 3", "วันที่ 4", "วันที่ 5", "รวม (วัน)"}; !slices.Equal(header, want) {
		t.Errorf("header %q, want %q", header, want)
	}
	// Under "วันที่ 1" a real date, shown in the Buddhist Era.
	raw, err := f.GetCellValue(sheet, "D"+itoa(headerRow+1), excelize.Options{RawCellValue: true})
	if err != nil || raw != "46363" { // 7 December 2026
		t.Errorf("day 1's date cell %q (%v), want the date serial 46363", raw, err)
	}
	id, _ := f.GetCellStyle(sheet, "D"+itoa(headerRow+1))
	if st, err := f.GetStyle(id); err != nil || st.CustomNumFmt == nil || !strings.Contains(*st.CustomNumFmt, "07041E") {
		t.Errorf("day 1's date format %v (%v), want the Thai Buddhist calendar", st.CustomNumFmt, err)
	}
	want := [][]string{
		// The date row under the headers, then the households.
		{"", "", "", "", "", "", "", "", ""},
		{"1", "สมชาย บุญเรือง", "45/1", "✓ แจ้งเอง", "✓ แจ้งเอง", "-", "-", "✓ ฝึกแล้ว (แจ้งเอง)", "3"},
		{"2", "มาลี แก้วใส", "12", "ขาด", "✓ เช็คชื่อ", "-", "-", "-", "1"},
		{"3", "บัวผัน ศรีบุญ", "88", "✓ จนท.แก้ไข", "-", "-", "-", "-", "1"},
		{"", "รวมผู้เข้าร่วม (ครัวเรือน)", "", "2", "2", "0", "0", "1", "5"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %q, want %d rows", rows, len(want))
	}
	for i := 1; i < len(want); i++ {
		if !slices.Equal(rows[i][:9], want[i]) {
			t.Errorf("row %d: %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestSigninNarrowing(t *testing.T) {
	db := signinDistrict(t)
	tests := []struct {
		name string
		o    report.SigninOptions
		want []string
	}{
		{"one village and day", report.SigninOptions{Village: 5, Day: 2}, []string{"ลงชื่อ ม.5 ว.2", "วิทยากร ม.5 ว.2"}},
		{"one village", report.SigninOptions{Village: 5, Now: at(8, 7, 0)}, []string{
			"ลงชื่อ ม.5 ว.1", "วิทยากร ม.5 ว.1", "ลงชื่อ ม.5 ว.2", "วิทยากร ม.5 ว.2", "ลงชื่อ ม.5 ว.3", "วิทยากร ม.5 ว.3",
			"ลงชื่อ ม.5 ว.4", "วิทยากร ม.5 ว.4", "ลงชื่อ ม.5 ว.5", "วิทยากร ม.5 ว.5", "บันทึก ม.5"}},
		{"before the week: no record yet", report.SigninOptions{Day: 1, Now: at(6, 9, 0)}, []string{"ลงชื่อ ม.5 ว.1", "วิทยากร ม.5 ว.1"}},
		{"English", report.SigninOptions{Lang: locales.English, Day: 3}, []string{"Sign-in M5 D3", "Speakers M5 D3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := signinBook(t, db, tt.o)
			if got := f.GetSheetList(); !slices.Equal(got, tt.want) {
				t.Errorf("sheets %q, want %q", got, tt.want)
			}
		})
	}
	// A village without dates has nothing to print.
	err := db.View(func(tx flows.Tx) error {
		_, err := report.BuildSignin(tx, report.SigninOptions{Catalog: catalog, Now: reportAt, Village: 7})
		return err
	})
	if !errors.Is(err, report.ErrNoSheets) {
		t.Errorf("หมู่ 7: %v, want ErrNoSheets", err)
	}
}

// TestSigninSameMoo: two villages numbered 5 in two ตำบล get sheet names
// that tell them apart.
func TestSigninSameMoo(t *testing.T) {
	db := signinDistrict(t)
	err := db.Update(func(tx flows.Tx) error {
		v := flows.Village{Moo: 5, Name: "บ้านดอนแดง", Tambon: "ต.ดอนหัน", Created: t0}
		if err := flows.PutVillage(tx, &v); err != nil {
			return err
		}
		return tx.Days().Put(flows.DayRef{Village: v.ID, Day: 1}, flows.ProgrammeDay{Village: v.ID, Day: 1, Date: "2026-12-14", Start: "13:00", End: "16:30", Place: "วัดดอนแดง", Rev: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	f := signinBook(t, db, report.SigninOptions{Day: 1})
	want := []string{"ลงชื่อ ม.5 ดอนหัน ว.1", "วิทยากร ม.5 ดอนหัน ว.1", "ลงชื่อ ม.5 หนองแวง ว.1", "วิทยากร ม.5 หนองแวง ว.1"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	lines, _, _, _ := formTable(t, f, want[0])
	if !slices.Contains(lines, "หมู่ที่ 5 บ้านดอนแดง ตำบลดอนหัน") || !slices.Contains(lines, "วันจันทร์ที่ 14 ธันวาคม 2569 เวลา 13.00 น. ถึง 16.30 น.") {
		t.Errorf("title block %q, want the village with its ตำบล and the day's date", lines)
	}
	for _, s := range f.GetSheetList() {
		if n := len([]rune(s)); n > 31 {
			t.Errorf("sheet name %q has %d characters, Excel takes 31", s, n)
		}
	}
}
