package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// The paper trail finance asks for, as one print-ready workbook: for each
// village-day a blank sign-in sheet (ใบลงชื่อเข้าร่วมกิจกรรม) the
// households sign on paper, and a speakers' sheet the team signs for
// their fees; for each village whose week has begun, the attendance
// record (who came on which day, and who recorded it).
//
// Every sheet prints on A4 portrait, one page wide, with its title block
// and column headers repeated on every page, in TH SarabunPSK 16 pt as
// Thai government forms are (Excel falls back to another font where it is
// missing). Dates in headings are Thai prose in the Buddhist Era; the
// record's day columns carry real dates shown in the Buddhist Era.

// Kinds of printed sheets.
const (
	SheetSignin   = "signin"   // blank sign-in sheet of a village-day
	SheetSpeakers = "speakers" // the team's sheet of a village-day
	SheetRecord   = "record"   // a village's attendance record
)

// Print setup of the forms.
const (
	formFont     = "TH SarabunPSK"
	formSize     = 16
	formTitle    = 18
	signRowPt    = 28 // a row a hand can sign in (1 cm), in points
	rowPt        = 24 // a line of 16 pt text
	signinSpare  = 5  // blank rows for substitutes on a sign-in sheet
	speakerSpare = 2  // blank rows for a guest speaker
	// onePageRows is the most table rows a sign-in or speakers' sheet
	// may have and still be shrunk onto one page (to about three
	// quarters): finance files one signed page per village-day. Longer
	// ones print on as many pages as they need, at full size.
	onePageRows = 30
	// thaiCharWidth is the width of a 16 pt character in Excel's column
	// units (the default font's digit width), on the wide side: Excel
	// and LibreOffice fall back to wider Thai fonts where TH SarabunPSK
	// is missing, and a cell that wraps must get the height it needs.
	thaiCharWidth = 1.5
)

// ErrNoSheets is BuildSignin's answer when nothing asked for has a
// date yet (no programme day of the chosen villages is set).
var ErrNoSheets = errors.New("report: no programme day is set for these sign-in sheets")

// SigninOptions say which sheets to make.
type SigninOptions struct {
	// Lang is the language of the forms; Thai when empty.
	Lang    locales.Lang
	Catalog *locales.Catalog
	// Office is the district office (flows.Config.Office), named under
	// each form's title.
	Office flows.Office
	// Now is when the workbook is made; its location is the programme's
	// time zone.
	Now time.Time
	// Round is the round (its id); 0 is the current round.
	Round int
	// Village narrows to one village (its id), Day to one programme day
	// (1–5, which leaves out the villages' records); 0 is every one.
	Village int
	Day     int
}

// Signin is the printed forms of one round.
type Signin struct {
	Lang      locales.Lang
	At        time.Time
	RoundName string
	Sheets    []Form
	cat       *locales.Catalog
}

// Form is one printed sheet.
type Form struct {
	Kind    string // SheetSignin, SheetSpeakers or SheetRecord
	Village flows.Village
	Day     int // 0 for a record
	// Name is the sheet's name (≤ 31 characters, unique in the workbook).
	Name string
	// Title and Lines are the title block; Header the column headers,
	// one or two rows (a nil cell in the second row merges with the
	// cell above). They repeat at the top of every printed page.
	Title  string
	Lines  []string
	Header [][]any
	Widths []float64
	// Rows hold string, int64, float64, date (a day shown in the Buddhist
	// Era) or nil (an empty cell, e.g. for a signature).
	Rows [][]any
	// Total, when set, is a bold last row.
	Total []any
	// Notes are lines under the table (a legend); Sign is the certifying
	// signature block under them, on the right.
	Notes []string
	Sign  []string
	// RowHeight is the least height of the table's rows, in points; a
	// row whose text wraps gets a line more for each line it needs.
	RowHeight float64
	// OnePage shrinks the sheet to print on one page.
	OnePage bool
	// Center says which columns are centred.
	Center []bool
}

// date is a calendar day written as a real date cell.
type date time.Time

// BuildSignin reads the forms from tx, in one transaction.
func BuildSignin(tx flows.Tx, o SigninOptions) (*Signin, error) {
	if o.Catalog == nil {
		return nil, errors.New("report: SigninOptions need a Catalog")
	}
	if o.Now.IsZero() {
		return nil, errors.New("report: SigninOptions.Now is not set")
	}
	b, err := newBuilder(tx, Options{Lang: o.Lang, Catalog: o.Catalog, Now: o.Now, Round: o.Round})
	if err != nil {
		return nil, err
	}
	round := b.round
	name := flows.RoundName(round)
	s := &Signin{Lang: b.lang, At: o.Now, RoundName: o.Catalog.MustText(b.lang, name.Key, name.Args), cat: o.Catalog}
	// The office heads each form once it is configured: a form handed to
	// finance does not say that a setting is missing.
	office := ""
	if o.Office != (flows.Office{}) {
		office = officeName(o.Catalog, b.lang, o.Office)
	}
	taken := map[string]bool{}
	add := func(f Form) {
		f.Name = sheetName(f.Name, len(s.Sheets), taken)
		s.Sheets = append(s.Sheets, f)
	}
	today := o.Now.In(b.loc).Format("2006-01-02")
	for _, v := range b.villages {
		if o.Village != 0 && v.ID != o.Village {
			continue
		}
		m, err := flows.AttendanceMatrix(tx, v.ID)
		if err != nil {
			return nil, fmt.Errorf("report: village %d: %w", v.ID, err)
		}
		team, err := flows.TeamMembers(tx, v.ID)
		if err != nil {
			return nil, fmt.Errorf("report: village %d: team: %w", v.ID, err)
		}
		begun := false
		for day := 1; day <= flows.Days; day++ {
			d := m.Schedule[day-1]
			if d == nil {
				continue
			}
			begun = begun || d.Date <= today
			if o.Day != 0 && day != o.Day {
				continue
			}
			add(b.signinForm(s.RoundName, office, m, *d))
			add(b.speakersForm(s.RoundName, office, v, team, *d))
		}
		if o.Day == 0 && begun {
			add(b.recordForm(s.RoundName, office, m))
		}
	}
	if len(s.Sheets) == 0 {
		return nil, ErrNoSheets
	}
	return s, nil
}

// fullVillage names a village on a form, always with its ตำบล:
// "หมู่ที่ 5 บ้านโนนสูง ตำบลหนองแวง".
func (b *builder) fullVillage(v flows.Village) string {
	tambon, ok := flows.ParseTambon(v.Tambon)
	if !ok {
		tambon = strings.TrimSpace(v.Tambon)
	}
	if tambon == "" {
		return b.text("report.signin.village_no_tambon", "Moo", v.Moo, "Name", v.Name)
	}
	return b.text("report.signin.village", "Moo", v.Moo, "Name", v.Name, "Tambon", tambon)
}

// shortVillage names a village in a sheet name: "ม.5", with its ตำบล
// when another village of the round has the same หมู่.
func (b *builder) shortVillage(v flows.Village) string {
	for _, o := range b.villages {
		if o.ID != v.ID && o.Moo == v.Moo {
			tambon, ok := flows.ParseTambon(v.Tambon)
			if !ok {
				tambon = v.Tambon
			}
			return b.text("report.signin.short_tambon", "Moo", v.Moo, "Tambon", tambon)
		}
	}
	return b.text("report.signin.short", "Moo", v.Moo)
}

// subject is what a day is about: "ถ่ายทอดองค์ความรู้ อาชีพทำน้ำพริกเผา".
func (b *builder) subject(v flows.Village, d flows.ProgrammeDay) string {
	kind := "report.day.kind.teach"
	switch d.Day {
	case flows.StudyVisit:
		kind = "report.day.kind.visit"
	case flows.HomeDay:
		kind = "report.day.kind.home"
	}
	s := b.text(kind)
	if d.Day == flows.StudyVisit && d.Destination != "" {
		s = b.text("report.signin.visit_subject", "Subject", s, "Destination", d.Destination)
	}
	if v.Occupation != "" {
		s = b.text("report.signin.subject", "Subject", s, "Occupation", v.Occupation)
	}
	return s
}

// dayLines are the title block's lines under a form's title: project and
// round, village, day and subject, date and time, place.
func (b *builder) dayLines(roundName, office string, v flows.Village, d flows.ProgrammeDay) []string {
	start, end := d.StartsAt(b.loc), d.EndsAt(b.loc)
	when := b.text("report.signin.when_undated")
	if !start.IsZero() {
		when = b.text("report.signin.when", "Date", locales.FormatDate(b.lang, start),
			"Start", locales.FormatClock(b.lang, start), "End", locales.FormatClock(b.lang, end))
	}
	return withOffice(office, []string{
		b.text("report.signin.project", "Round", roundName),
		b.fullVillage(v),
		b.text("report.signin.day", "N", d.Day, "Subject", b.subject(v, d)),
		when,
		b.text("report.signin.place", "Place", cmp.Or(strings.TrimSpace(d.Place), b.na())),
	})
}

// withOffice puts the office's line (when there is one) under the
// project's.
func withOffice(office string, lines []string) []string {
	if office == "" {
		return lines
	}
	return slices.Insert(lines, 1, office)
}

// signinForm is a village-day's blank sign-in sheet: one row per selected
// household (and those since marked completed or dropped), then a few
// blank rows for substitutes. Nothing is written in the signature column.
func (b *builder) signinForm(roundName, office string, m flows.Matrix, d flows.ProgrammeDay) Form {
	v := m.Village
	f := Form{
		Kind: SheetSignin, Village: v, Day: d.Day,
		Name:  b.text("report.signin.sheet.signin", "Village", b.shortVillage(v), "N", d.Day),
		Title: b.text("report.signin.title.signin"),
		Lines: b.dayLines(roundName, office, v, d),
		Header: [][]any{{b.text("report.signin.col.no"), b.text("report.signin.col.head"),
			b.text("report.signin.col.house_no"), b.text("report.signin.col.signature"), b.text("report.signin.col.note")}},
		Widths:    []float64{7, 30, 13, 34, 12},
		Center:    []bool{true, false, true, false, false},
		RowHeight: signRowPt,
	}
	n := 0
	for _, h := range m.Households {
		if !inWeek(h) {
			continue
		}
		n++
		f.Rows = append(f.Rows, []any{int64(n), b.headName(h), h.HouseNo, nil, nil})
	}
	for range signinSpare {
		n++
		f.Rows = append(f.Rows, []any{int64(n), nil, nil, nil, nil})
	}
	f.Sign = b.certify()
	f.OnePage = len(f.Rows) <= onePageRows
	return f
}

// speakersForm is a village-day's speakers' sheet: the team, lead first,
// with the day's topic and hours for finance, and a signature column.
func (b *builder) speakersForm(roundName, office string, v flows.Village, team []flows.Sage, d flows.ProgrammeDay) Form {
	f := Form{
		Kind: SheetSpeakers, Village: v, Day: d.Day,
		Name:  b.text("report.signin.sheet.speakers", "Village", b.shortVillage(v), "N", d.Day),
		Title: b.text("report.signin.title.speakers"),
		Lines: b.dayLines(roundName, office, v, d),
		Header: [][]any{{b.text("report.signin.col.no"), b.text("report.signin.col.speaker"), b.text("report.signin.col.role"),
			b.text("report.signin.col.topic"), b.text("report.signin.col.hours"), b.text("report.signin.col.signature")}},
		Widths:    []float64{7, 24, 20, 26, 10, 26},
		Center:    []bool{true, false, false, false, true, false},
		RowHeight: signRowPt,
	}
	var hours any
	if start, end := d.StartsAt(b.loc), d.EndsAt(b.loc); !start.IsZero() && end.After(start) {
		hours = end.Sub(start).Hours()
	}
	topic := b.subject(v, d)
	n := 0
	for _, s := range team {
		n++
		role := b.text("report.signin.role.team")
		if s.UserID == v.LeadSageID {
			role = b.text("report.signin.role.lead")
		}
		f.Rows = append(f.Rows, []any{int64(n), s.Name, role, topic, hours, nil})
	}
	for range speakerSpare {
		n++
		f.Rows = append(f.Rows, []any{int64(n), nil, nil, nil, nil, nil})
	}
	f.Sign = b.certify()
	f.OnePage = len(f.Rows) <= onePageRows
	return f
}

// recordForm is a village's attendance record: each household's days, a
// cell saying who recorded that they came (the household's own tap, the
// sage's roll call, an officer's correction; on day 5, that they
// practised), the days each came, and each day's total.
func (b *builder) recordForm(roundName, office string, m flows.Matrix) Form {
	v := m.Village
	first, last := "", ""
	for _, d := range m.Schedule {
		if d == nil {
			continue
		}
		if first == "" || d.Date < first {
			first = d.Date
		}
		last = max(last, d.Date)
	}
	period := b.text("report.signin.period", "From", b.longDate(first), "To", b.longDate(last))
	if first == last {
		period = b.text("report.signin.period_one", "Date", b.longDate(first))
	}
	f := Form{
		Kind: SheetRecord, Village: v,
		Name:  b.text("report.signin.sheet.record", "Village", b.shortVillage(v)),
		Title: b.text("report.signin.title.record"),
		Lines: withOffice(office, []string{b.text("report.signin.project", "Round", roundName), b.fullVillage(v), period}),
		Header: [][]any{
			{b.text("report.signin.col.no"), b.text("report.signin.col.head"), b.text("report.signin.col.house_no")},
			{nil, nil, nil},
		},
		Widths:    []float64{7, 26, 10},
		Center:    []bool{true, false, true},
		RowHeight: rowPt,
	}
	for day := 1; day <= flows.Days; day++ {
		f.Header[0] = append(f.Header[0], b.text("report.signin.col.day", "N", day))
		var when any = b.na()
		if d := m.Schedule[day-1]; d != nil {
			if t, err := time.ParseInLocation("2006-01-02", d.Date, time.UTC); err == nil {
				when = date(t)
			}
		}
		f.Header[1] = append(f.Header[1], when)
		f.Widths = append(f.Widths, 13)
		f.Center = append(f.Center, true)
	}
	f.Header[0] = append(f.Header[0], b.text("report.signin.col.days"))
	f.Header[1] = append(f.Header[1], nil)
	f.Widths = append(f.Widths, 9)
	f.Center = append(f.Center, true)

	totals := make([]int64, flows.Days)
	var all int64
	for i, h := range m.Households {
		row := []any{int64(i + 1), b.headName(h), h.HouseNo}
		var came int64
		for day := 1; day <= flows.Days; day++ {
			cell, ok := b.recordCell(m.Cell(h.ID, day), day)
			if ok {
				came++
				totals[day-1]++
			}
			row = append(row, cell)
		}
		all += came
		f.Rows = append(f.Rows, append(row, came))
	}
	f.Total = []any{nil, b.text("report.signin.total"), nil}
	for _, t := range totals {
		f.Total = append(f.Total, t)
	}
	f.Total = append(f.Total, all)
	f.Notes = []string{b.text("report.signin.legend")}
	f.Sign = b.certify()
	return f
}

// certify is the signature block of the officer who certifies a form.
func (b *builder) certify() []string {
	return []string{b.text("report.signin.certify"), b.text("report.signin.certify_name"), b.text("report.signin.certify_role")}
}

// recordCell writes one household-day of the record and whether it counts
// as came: present (or, on day 5, practised) with who recorded it; absent;
// or nothing recorded.
func (b *builder) recordCell(a flows.Attendance, day int) (any, bool) {
	switch {
	case day == flows.HomeDay && a.Practised:
		return b.text("report.signin.rec.practised", "Source", b.sourceText(a.PractisedMark)), true
	case a.Presence == flows.PresenceHere:
		return b.text("report.signin.rec.present", "Source", b.sourceText(a.PresenceMark)), true
	case a.Presence == flows.PresenceAbsent:
		return b.text("report.signin.rec.absent"), false
	}
	return b.na(), false
}

// sourceText says who recorded a mark, in a word. A mark from before
// sources were kept reads as the household's own.
func (b *builder) sourceText(m *flows.Mark) string {
	src := flows.SourceHousehold
	if m != nil && m.Source != "" {
		src = m.Source
	}
	switch src {
	case flows.SourceRollCall:
		return b.text("report.signin.src.rollcall")
	case flows.SourceOfficer:
		return b.text("report.signin.src.officer")
	}
	return b.text("report.signin.src.household")
}

// longDate writes a stored "2006-01-02" as a Thai long date.
func (b *builder) longDate(s string) string {
	t, err := time.ParseInLocation("2006-01-02", s, b.loc)
	if err != nil {
		return b.na()
	}
	return locales.FormatDate(b.lang, t)
}

// inWeek reports whether a household takes part in its village's week:
// selected, or since marked completed or dropped.
func inWeek(h flows.Household) bool {
	switch h.Status {
	case flows.StatusSelected, flows.StatusCompleted, flows.StatusDropped:
		return true
	}
	return false
}

// FileName is the workbook's file name: ascii for clients that take only
// ASCII ("sammachip-signin-2026-12-07-0915.xlsx"), local in its language
// (Buddhist Era year for Thai). base is the catalog's
// report.signin.file.base text.
func (s *Signin) FileName(base string) (ascii, local string) {
	t := s.At
	stamp := func(year int) string {
		return fmt.Sprintf("%04d-%02d-%02d-%02d%02d", year, t.Month(), t.Day(), t.Hour(), t.Minute())
	}
	year := t.Year()
	if s.Lang != locales.English {
		year += 543
	}
	return "sammachip-signin-" + stamp(t.Year()) + XLSX.Ext(),
		strings.Map(safeFileRune, base) + "-" + stamp(year) + XLSX.Ext()
}

// WriteXLSX writes the forms as one workbook, a sheet per form, each set
// up to print.
func (s *Signin) WriteXLSX(w io.Writer) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := f.SetDefaultFont(formFont); err != nil {
		return fmt.Errorf("report: signin: %w", err)
	}
	st, err := newFormStyles(f, s.cat, s.Lang)
	if err != nil {
		return fmt.Errorf("report: signin: %w", err)
	}
	for i, form := range s.Sheets {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), form.Name)
		} else {
			_, err = f.NewSheet(form.Name)
		}
		if err == nil {
			err = writeForm(f, form, st, s.cat.MustText(s.Lang, "report.signin.footer_page", map[string]any{"Page": "&P"}))
		}
		if err != nil {
			return fmt.Errorf("report: signin: sheet %d: %w", i+1, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: signin: write: %w", err)
	}
	return nil
}

// formStyles are the style ids of a form's cells.
type formStyles struct {
	title, line, head, headDate, body, bodyCenter, total, note, sign int
}

func newFormStyles(f *excelize.File, cat *locales.Catalog, lang locales.Lang) (formStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	font := func(bold bool, size float64) *excelize.Font {
		return &excelize.Font{Family: formFont, Size: size, Bold: bold}
	}
	align := func(h string, wrap bool) *excelize.Alignment {
		return &excelize.Alignment{Horizontal: h, Vertical: "center", WrapText: wrap}
	}
	// Short ("7 ธ.ค. 69" in Thai) to fit a day's column.
	_, _, beDateFmt := dateFormats(cat, lang)
	var st formStyles
	for _, sp := range []struct {
		id *int
		s  excelize.Style
	}{
		{&st.title, excelize.Style{Font: font(true, formTitle), Alignment: align("center", false)}},
		{&st.line, excelize.Style{Font: font(false, formSize), Alignment: align("center", true)}},
		{&st.head, excelize.Style{Font: font(true, formSize), Border: border, Alignment: align("center", true)}},
		{&st.headDate, excelize.Style{Font: font(true, formSize), Border: border, CustomNumFmt: &beDateFmt, Alignment: align("center", false)}},
		{&st.body, excelize.Style{Font: font(false, formSize), Border: border, Alignment: align("", true)}},
		{&st.bodyCenter, excelize.Style{Font: font(false, formSize), Border: border, Alignment: align("center", true)}},
		{&st.total, excelize.Style{Font: font(true, formSize), Border: border, Alignment: align("center", false)}},
		{&st.note, excelize.Style{Font: font(false, formSize), Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.sign, excelize.Style{Font: font(false, formSize), Alignment: align("right", false)}},
	} {
		id, err := f.NewStyle(&sp.s)
		if err != nil {
			return st, err
		}
		*sp.id = id
	}
	return st, nil
}

// writeForm writes one form on its sheet and sets it up to print.
func writeForm(f *excelize.File, form Form, st formStyles, pages string) error {
	sheet := form.Name
	cols := len(form.Widths)
	lastCol, err := excelize.ColumnNumberToName(cols)
	if err != nil {
		return err
	}
	for i, w := range form.Widths {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, name, name, w); err != nil {
			return err
		}
	}
	row := 1
	// The title block: each line merged across the table.
	line := func(text string, style int, height float64) error {
		a, b := fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", lastCol, row)
		if err := f.SetCellValue(sheet, a, text); err != nil {
			return err
		}
		if err := f.MergeCell(sheet, a, b); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, a, b, style); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheet, row, height); err != nil {
			return err
		}
		row++
		return nil
	}
	if err := line(form.Title, st.title, 30); err != nil {
		return err
	}
	for _, l := range form.Lines {
		if err := line(l, st.line, rowPt); err != nil {
			return err
		}
	}
	row++ // a gap before the table
	for i, hr := range form.Header {
		for c, v := range hr {
			cell, _ := excelize.CoordinatesToCellName(c+1, row)
			style := st.head
			switch v := v.(type) {
			case date:
				style = st.headDate
				if err := f.SetCellValue(sheet, cell, excelSerial(time.Time(v), false)); err != nil {
					return err
				}
			case nil:
				if i > 0 { // merges with the header cell above
					above, _ := excelize.CoordinatesToCellName(c+1, row-1)
					if err := f.MergeCell(sheet, above, cell); err != nil {
						return err
					}
				}
			default:
				if err := f.SetCellValue(sheet, cell, v); err != nil {
					return err
				}
			}
			if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
				return err
			}
		}
		if err := f.SetRowHeight(sheet, row, rowPt*max(1.2, float64(rowLines(hr, form.Widths)))); err != nil {
			return err
		}
		row++
	}
	headBottom := row - 1
	put := func(values []any, total bool) error {
		for c := range cols {
			cell, _ := excelize.CoordinatesToCellName(c+1, row)
			var v any
			if c < len(values) {
				v = values[c]
			}
			if v != nil {
				if err := f.SetCellValue(sheet, cell, v); err != nil {
					return err
				}
			}
			style := st.body
			switch {
			case total:
				style = st.total
			case c < len(form.Center) && form.Center[c]:
				style = st.bodyCenter
			}
			if err := f.SetCellStyle(sheet, cell, cell, style); err != nil {
				return err
			}
		}
		height := form.RowHeight
		if n := rowLines(values, form.Widths); n > 1 {
			height = max(height, float64(n)*rowPt)
		}
		if err := f.SetRowHeight(sheet, row, height); err != nil {
			return err
		}
		row++
		return nil
	}
	for _, r := range form.Rows {
		if err := put(r, false); err != nil {
			return err
		}
	}
	if form.Total != nil {
		if err := put(form.Total, true); err != nil {
			return err
		}
	}
	// The legend and the signature block read across the table, after
	// an empty row.
	row++
	for _, n := range form.Notes {
		if err := line(n, st.note, rowPt*2); err != nil {
			return err
		}
	}
	if len(form.Sign) > 0 {
		row++
	}
	for _, n := range form.Sign {
		if err := line(n, st.sign, rowPt*1.3); err != nil {
			return err
		}
	}
	return printSetup(f, sheet, headBottom, pages, form.OnePage)
}

// rowLines is how many lines the tallest cell of a row needs, its text
// wrapped in its column.
func rowLines(values []any, widths []float64) int {
	n := 1
	for c, v := range values {
		s, ok := v.(string)
		if !ok || c >= len(widths) {
			continue
		}
		n = max(n, textLines(s, widths[c], thaiCharWidth))
	}
	return n
}

// textLines estimates the lines text takes in a column width wide (in
// Excel's units), each character charWidth wide: Thai vowel and tone
// marks above or below a letter take no width of their own, and a word
// that does not fit starts a line.
func textLines(text string, width, charWidth float64) int {
	room := width - 1 // the cell's padding
	lines, used := 1, 0.0
	for i, word := range strings.Fields(text) {
		w := 0.0
		for _, r := range word {
			if !unicode.Is(unicode.Mn, r) {
				w += charWidth
			}
		}
		if i > 0 {
			w += charWidth / 2 // the space
		}
		if used > 0 && used+w > room {
			lines++
			used = 0
			w = max(w-charWidth/2, 0)
		}
		// A word longer than the column breaks where it must.
		for w > room {
			lines++
			w -= room
		}
		used += w
	}
	return lines
}

// printSetup makes a sheet print on A4 portrait, one page wide and as many
// tall as it needs (onePage: shrunk onto one), centred, with the title
// block and column headers (rows 1 to headBottom) repeated on every page
// and the page number in the footer (pages: "หน้า &P"). Each sheet
// numbers its own pages from 1, also when the whole workbook is printed
// at once: a form's page is never "หน้า 37".
func printSetup(f *excelize.File, sheet string, headBottom int, pages string, onePage bool) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	size, portrait, wide, tall, first := a4Paper, "portrait", 1, 0, uint(1)
	if onePage {
		tall = 1
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &portrait, FitToWidth: &wide, FitToHeight: &tall, FirstPageNumber: &first,
	}); err != nil {
		return err
	}
	side, top, edge, center := 0.5, 0.6, 0.3, true
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &top, Bottom: &top, Header: &edge, Footer: &edge, Horizontally: &center,
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L" + headerFooterText(sheet) + "&R" + pages,
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("%s!$1:$%d", quoteSheet(sheet), headBottom),
		Scope:    sheet,
	})
}
