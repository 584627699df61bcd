package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet layout.
const (
	maxSheetName = 31 // Excel's limit, in characters
	minColWidth  = 6
	maxColWidth  = 60
	// xlsxFont has Thai glyphs on every Windows and Mac; Excel's default
	// (Calibri / Aptos) has none and falls back unevenly.
	xlsxFont = "Tahoma"
)

// WriteXLSX writes the report as one workbook, a sheet per table: the
// header row bold and frozen, columns as wide as their contents (within
// limits), numbers as numbers and everything else (dates included) as
// text, and the table's notes under it.
func (r *Report) WriteXLSX(w io.Writer) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := f.SetDefaultFont(xlsxFont); err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Family: xlsxFont},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#E2EFDA"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("report: xlsx: %w", err)
	}
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
		if err := writeSheet(f, name, t, head, wrap); err != nil {
			return fmt.Errorf("report: xlsx: sheet %s: %w", t.Name, err)
		}
	}
	// The first sheet is the active one already: SetActiveSheet would
	// parse every streamed sheet back into memory.
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("report: xlsx: write: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, name string, t Table, head, wrap int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, width := range columnWidths(t) {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	cells := make([]any, len(t.Header))
	for i, h := range t.Header {
		cells[i] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return err
	}
	for n, row := range t.Rows {
		cells := make([]any, len(row))
		for i, v := range row {
			if s, ok := v.(string); ok && strings.Contains(s, "\n") {
				cells[i] = excelize.Cell{StyleID: wrap, Value: s}
				continue
			}
			cells[i] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	// Notes go under the table after an empty row, one line a row in the
	// first column, unwrapped: each reads across the empty cells beside it.
	for i, note := range t.Notes {
		cell, err := excelize.CoordinatesToCellName(1, len(t.Rows)+3+i)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, []any{note}); err != nil {
			return err
		}
	}
	return sw.Flush()
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
	for i, h := range t.Header {
		see(i, h)
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

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}
