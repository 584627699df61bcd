package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/locales"
)

// Sheet layout.
const (
	maxSheetName = 31 // Excel's limit, in characters
	minColWidth  = 6
	maxColWidth  = 60
	// xlsxFont has Thai glyphs on every Windows and Mac; Excel's default
	// (Calibri / Aptos) has none and falls back unevenly.
	xlsxFont = "Tahoma"
	// headLinePt is a line of the header's text, with room for Thai marks
	// above and below, in points.
	headLinePt = 16
)

// WriteXLSX writes the report as one workbook, a sheet per table, ready
// to print and hand on: a title block (project, office, round, when the
// data was read), the header bold with a filter and frozen with the title
// block (and the village column on a wide sheet), columns as wide as
// their contents (within limits), numbers as numbers, dates as date cells
// in the Buddhist Era for Thai, a totals row where columns add up, the
// table's notes under it, and a page setup (print.go). The document
// properties name the office and the time the report was made.
func (r *Report) WriteXLSX(w io.Writer) (err error) {
	cat := r.cat
	if cat == nil {
		if cat, err = locales.Load(); err != nil {
			return fmt.Errorf("report: xlsx: %w", err)
		}
	}
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	st, err := newStyles(f, r.cat, r.Lang)
	if err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	office := officeName(cat, r.Lang, r.Office)
	page := pageNumbers(cat, r.Lang)
	totalLabel := cat.MustText(r.Lang, "report.print.total", nil)
	names := map[string]bool{}
	for i, t := range r.Tables {
		name := sheetName(t.Title, i, names)
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return fmt.Errorf("report: xlsx: sheet %s: %w", t.Name, err)
		}
		p := newPrintTitle(cat, r.Lang, r.Office, t.Title, r.RoundName, r.At)
		if err := writeSheet(f, name, t, st, p, page, totalLabel); err != nil {
			return fmt.Errorf("report: xlsx: sheet %s: %w", t.Name, err)
		}
	}
	title := cat.MustText(r.Lang, "report.file.base", nil)
	if err := setDocProps(f, r.Lang, title, office, r.RoundName, r.At); err != nil {
		return fmt.Errorf("report: xlsx: properties: %w", err)
	}
	// Excel recomputes the totals on opening, so a filtered table's totals
	// count what is shown.
	full := true
	if err := f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &full}); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: xlsx: write: %w", err)
	}
	return nil
}

// styles are the workbook's cell styles.
type styles struct {
	title, line, head, wrap, date, dateTime, totalLabel, total int
}

func newStyles(f *excelize.File, cat *locales.Catalog, lang locales.Lang) (styles, error) {
	var st styles
	if err := f.SetDefaultFont(xlsxFont); err != nil {
		return st, err
	}
	dateFmt, dateTimeFmt, _ := dateFormats(cat, lang)
	top := []excelize.Border{{Type: "top", Color: "#000000", Style: 1}, {Type: "bottom", Color: "#000000", Style: 6}}
	for _, s := range []struct {
		dst   *int
		style excelize.Style
	}{
		{&st.title, excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Family: xlsxFont}}},
		{&st.line, excelize.Style{Font: &excelize.Font{Size: 11, Family: xlsxFont}}},
		{&st.head, excelize.Style{
			Font:      &excelize.Font{Bold: true, Family: xlsxFont},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E2EFDA"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
			Border:    []excelize.Border{{Type: "bottom", Color: "#000000", Style: 1}},
		}},
		{&st.wrap, excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.date, excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.dateTime, excelize.Style{CustomNumFmt: &dateTimeFmt, Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&st.totalLabel, excelize.Style{Font: &excelize.Font{Bold: true, Family: xlsxFont}, Border: top}},
		{&st.total, excelize.Style{Font: &excelize.Font{Bold: true, Family: xlsxFont}, Border: top, NumFmt: 3}}, // #,##0
	} {
		id, err := f.NewStyle(&s.style)
		if err != nil {
			return st, err
		}
		*s.dst = id
	}
	return st, nil
}

func writeSheet(f *excelize.File, name string, t Table, st styles, p printTitle, pageText, totalLabel string) error {
	widths := columnWidths(t)
	for i, width := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(name, col, col, width); err != nil {
			return err
		}
	}
	total := 0.0
	for _, w := range widths {
		total += w
	}
	wide := total > wideChars
	if err := writeTitleBlock(f, name, p, st.title, st.line); err != nil {
		return err
	}
	cols := max(len(t.Header), 1)
	lastCol, err := excelize.ColumnNumberToName(cols)
	if err != nil {
		return err
	}
	head := make([]any, len(t.Header))
	for i, h := range t.Header {
		head[i] = h
	}
	if err := f.SetSheetRow(name, cellName(1, headerRow), &head); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A"+strconv.Itoa(headerRow), lastCol+strconv.Itoa(headerRow), st.head); err != nil {
		return err
	}
	// The header wraps: its row gets the lines its longest header needs
	// (Excel and LibreOffice keep a row's stored height on opening, and
	// cut what does not fit).
	lines := 1
	for i, h := range t.Header {
		lines = max(lines, textLines(h, widths[i], 1))
	}
	if err := f.SetRowHeight(name, headerRow, float64(lines)*headLinePt); err != nil {
		return err
	}
	for n, row := range t.Rows {
		y := firstRow + n
		cells := make([]any, len(row))
		var styled []int // columns of this row with a style, and the style
		for i, v := range row {
			switch v := v.(type) {
			case Date:
				cells[i] = excelSerial(v.Time, v.Clock)
				style := st.date
				if v.Clock {
					style = st.dateTime
				}
				styled = append(styled, i, style)
			case string:
				cells[i] = v
				if strings.Contains(v, "\n") {
					styled = append(styled, i, st.wrap)
				}
			default:
				cells[i] = v
			}
		}
		if err := f.SetSheetRow(name, cellName(1, y), &cells); err != nil {
			return err
		}
		for k := 0; k < len(styled); k += 2 {
			c := cellName(styled[k]+1, y)
			if err := f.SetCellStyle(name, c, c, styled[k+1]); err != nil {
				return err
			}
		}
	}
	lastRow := max(firstRow+len(t.Rows)-1, headerRow)
	if err := f.AutoFilter(name, "A"+strconv.Itoa(headerRow)+":"+lastCol+strconv.Itoa(lastRow), nil); err != nil {
		return err
	}
	next := lastRow + 1
	if len(t.Totals) > 0 {
		if err := writeTotals(f, name, t, next, st, totalLabel); err != nil {
			return err
		}
		next++
	}
	// Notes go under the table after an empty row, one line a row in the
	// first column, unwrapped: each reads across the empty cells beside it.
	for i, note := range t.Notes {
		if err := f.SetCellStr(name, cellName(1, next+1+i), note); err != nil {
			return err
		}
	}
	keyCols := 0
	if wide {
		keyCols = min(t.KeyCols, cols-1)
	}
	panes := &excelize.Panes{Freeze: true, YSplit: headerRow, XSplit: keyCols,
		TopLeftCell: cellName(keyCols+1, firstRow), ActivePane: "bottomLeft"}
	if keyCols > 0 {
		panes.ActivePane = "bottomRight"
	}
	panes.Selection = []excelize.Selection{{SQRef: panes.TopLeftCell, ActiveCell: panes.TopLeftCell, Pane: panes.ActivePane}}
	if err := f.SetPanes(name, panes); err != nil {
		return err
	}
	return pageSetup(f, name, cols, keyCols, wide, p, pageText)
}

// writeTotals writes the totals row at row y: the label in the first
// column, and under each column that adds up a SUBTOTAL of the rows above
// (which counts only the rows a filter shows) with its value as computed
// here, for programs that do not recompute.
func writeTotals(f *excelize.File, name string, t Table, y int, st styles, totalLabel string) error {
	label := cellName(1, y)
	if err := f.SetCellStr(name, label, totalLabel); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, label, cellName(len(t.Header), y), st.totalLabel); err != nil {
		return err
	}
	for _, col := range t.Totals {
		var sum float64
		whole := true
		for _, row := range t.Rows {
			if col >= len(row) {
				continue
			}
			switch v := row[col].(type) {
			case int64:
				sum += float64(v)
			case float64:
				sum += v
				whole = false
			}
		}
		c := cellName(col+1, y)
		if whole {
			if err := f.SetCellInt(name, c, int64(sum)); err != nil {
				return err
			}
		} else if err := f.SetCellFloat(name, c, sum, -1, 64); err != nil {
			return err
		}
		letter, err := excelize.ColumnNumberToName(col + 1)
		if err != nil {
			return err
		}
		if len(t.Rows) > 0 {
			formula := fmt.Sprintf("SUBTOTAL(109,%s%d:%s%d)", letter, firstRow, letter, firstRow+len(t.Rows)-1)
			if err := f.SetCellFormula(name, c, formula); err != nil {
				return err
			}
		}
		if err := f.SetCellStyle(name, c, c, st.total); err != nil {
			return err
		}
	}
	return nil
}

// cellName is the A1 name of the cell at col, row (both from 1); both are
// always in range here.
func cellName(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

// sheetName makes a valid, unique sheet name from a title: no characters
// Excel refuses, at most 31 characters.
func sheetName(title string, i int, taken map[string]bool) string {
	s := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || r < 0x20 {
			return ' '
		}
		return r
	}, title)
	s = strings.Trim(strings.TrimSpace(s), "'")
	if s == "" {
		s = "Sheet" + strconv.Itoa(i+1)
	}
	if utf8.RuneCountInString(s) > maxSheetName {
		s = string([]rune(s)[:maxSheetName])
	}
	for base, n := s, 2; taken[strings.ToLower(s)]; n++ {
		suffix := " " + strconv.Itoa(n)
		s = string([]rune(base)[:min(utf8.RuneCountInString(base), maxSheetName-len(suffix))]) + suffix
	}
	taken[strings.ToLower(s)] = true
	return s
}

// columnWidths sizes each column to its widest line, in characters as
// they are seen: Thai vowel and tone marks above and below a letter take
// no width of their own.
func columnWidths(t Table) []float64 {
	w := make([]float64, len(t.Header))
	see := func(i int, v any) {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case int64:
			s = strconv.FormatInt(v, 10)
		default:
			s = fmt.Sprint(v)
		}
		for line := range strings.SplitSeq(s, "\n") {
			w[i] = max(w[i], float64(displayWidth(line)))
		}
	}
	// A header wraps (its style says so): it needs its longest word, and
	// no more than a third of its length, so that a long header over a
	// column of small numbers takes three short lines, not the page.
	for i, h := range t.Header {
		words := 0
		for word := range strings.FieldsSeq(h) {
			words = max(words, displayWidth(word))
		}
		w[i] = max(w[i], float64(max(words, (displayWidth(h)+2)/3)))
	}
	for _, row := range t.Rows {
		for i, v := range row {
			if i < len(w) {
				see(i, v)
			}
		}
	}
	for i := range w {
		w[i] = min(max(w[i]+2, minColWidth), maxColWidth)
	}
	return w
}

// displayWidth is how wide s is seen, in characters: Thai marks above
// and below take no width, and a Thai letter takes a little more than a
// digit (Excel's unit) in the fonts that stand in for Tahoma, so every 10
// Thai letters count 11.
func displayWidth(s string) int {
	n, thai := 0, 0
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.Is(unicode.Thai, r):
			thai++
		default:
			n++
		}
	}
	return n + thai + thai/10
}
