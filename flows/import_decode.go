package flows

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// The files Thai offices really produce, read without asking which they
// are: CSV saved as UTF-8 (with or without Excel's byte-order mark), as
// Excel's Thai "ANSI" (Windows-874, which TIS-620 is a subset of), as
// Excel's "Unicode text" (UTF-16 with a byte-order mark), and workbooks
// (.xlsx: the first sheet, dates in date cells written out as dates).
// Everything becomes UTF-8 CSV text, one sheet row per line, so that line
// numbers in problems are the spreadsheet's row numbers.

// ImportFileKind is the type of a file, told by its first bytes.
type ImportFileKind int

// File kinds an import reads.
const (
	FileText  ImportFileKind = iota // CSV or tab-separated text
	FileXLSX                        // an Excel workbook (a ZIP)
	FileOther                       // a ZIP that is no workbook, a PDF, an old .xls…
)

// SniffImport tells what kind of file data is from its first bytes.
func SniffImport(data []byte) ImportFileKind {
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return FileXLSX
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0")), bytes.HasPrefix(data, []byte("%PDF")):
		return FileOther // an Excel 97–2003 .xls or a PDF
	}
	return FileText
}

// maxUnzipped bounds what a workbook may unpack to (a ZIP bomb stops
// there).
const maxUnzipped = 16 * MaxImportSize

// normalizeImport turns an imported file into UTF-8 CSV text. A file it
// cannot read comes back with the problem to tell the officer.
func normalizeImport(data []byte) ([]byte, *LineError) {
	switch SniffImport(data) {
	case FileXLSX:
		return xlsxToCSV(data)
	case FileOther:
		return nil, &LineError{Problem: T("import.err.not_table")}
	}
	switch {
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, &LineError{Line: 1, Problem: T("import.err.not_utf8")}
		}
		data = out
	case !utf8.Valid(bytes.TrimPrefix(data, []byte("\uFEFF"))):
		// Excel's "CSV" on a Thai Windows: Windows-874. A byte it does not
		// define means it is neither.
		out, err := charmap.Windows874.NewDecoder().Bytes(data)
		if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
			line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
			return nil, &LineError{Line: line, Problem: T("import.err.not_utf8")}
		}
		data = out
	}
	return bytes.TrimPrefix(data, []byte("\uFEFF")), nil
}

// xlsxToCSV writes a workbook's first sheet (the active one, as Excel
// opens it) as CSV. Date and time cells are written as "2006-01-02" and
// "15:04", which the imports read, whatever the cell's display format.
func xlsxToCSV(data []byte) ([]byte, *LineError) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzipped})
	if err != nil {
		return nil, &LineError{Problem: T("import.err.bad_xlsx")}
	}
	defer f.Close()
	sheet := f.GetSheetName(f.GetActiveSheetIndex())
	if sheet == "" {
		if list := f.GetSheetList(); len(list) > 0 {
			sheet = list[0]
		}
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, &LineError{Problem: T("import.err.bad_xlsx")}
	}
	kinds := map[int]cellKind{} // style id → what its number format shows
	width := 0
	for _, r := range rows {
		width = max(width, len(r))
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for i, r := range rows {
		rec := make([]string, max(width, 1))
		for j, v := range r {
			if v != "" {
				if _, err := strconv.ParseFloat(v, 64); err == nil {
					cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
					v = excelNumber(f, sheet, cell, v, kinds)
				}
			}
			// A line break inside a cell would shift the line numbers.
			rec[j] = strings.Join(strings.Fields(v), " ")
		}
		if err := w.Write(rec); err != nil {
			return nil, &LineError{Problem: T("import.err.bad_xlsx")}
		}
	}
	w.Flush()
	return b.Bytes(), nil
}

type cellKind int

const (
	cellNumber cellKind = iota
	cellDate
	cellTime
	cellDateTime
)

// excelNumber writes a numeric cell as the imports read it: a date cell
// as its date, a time cell as its time, and a number as Excel shows it
// without separators.
func excelNumber(f *excelize.File, sheet, cell, raw string, kinds map[int]cellKind) string {
	id, err := f.GetCellStyle(sheet, cell)
	if err != nil {
		return raw
	}
	kind, ok := kinds[id]
	if !ok {
		kind = cellNumber
		if st, err := f.GetStyle(id); err == nil && st != nil {
			kind = numFmtKind(st.NumFmt, st.CustomNumFmt)
		}
		kinds[id] = kind
	}
	if kind == cellNumber {
		return raw
	}
	n, _ := strconv.ParseFloat(raw, 64)
	switch kind {
	case cellTime:
		mins := int(math.Round((n - math.Floor(n)) * 24 * 60))
		return strconv.Itoa(mins/60%24) + ":" + twoDigits(mins%60)
	}
	t, err := excelize.ExcelDateToTime(n, false)
	if err != nil {
		return raw
	}
	if kind == cellDateTime && t.Hour()+t.Minute() > 0 {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format("2006-01-02")
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// numFmtKind reads a number format: Excel's built-in date and time
// formats by id, a custom one by its letters (a quoted text or a colour
// in brackets does not count).
func numFmtKind(id int, custom *string) cellKind {
	switch {
	case id >= 14 && id <= 17, id == 30, id == 36, id >= 50 && id <= 58, id >= 71 && id <= 76:
		return cellDate
	case id >= 18 && id <= 21, id >= 45 && id <= 47:
		return cellTime
	case id == 22:
		return cellDateTime
	}
	if custom == nil {
		return cellNumber
	}
	var plain strings.Builder
	quoted, bracket := false, false
	for _, r := range strings.ToLower(*custom) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case !bracket:
			plain.WriteRune(r)
		}
	}
	s := plain.String()
	// "bbbb" is the Buddhist-Era year of Thai Excel.
	date := strings.ContainsAny(s, "dyb") || strings.Contains(s, "mmm")
	clock := strings.ContainsAny(s, "hs")
	switch {
	case date && clock:
		return cellDateTime
	case date:
		return cellDate
	case clock:
		return cellTime
	}
	return cellNumber
}
