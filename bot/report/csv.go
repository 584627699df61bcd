package report

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// BOM is the UTF-8 byte-order mark each CSV file starts with: without it
// Excel reads a CSV file in the computer's legacy code page and shows
// Thai as garbage.
const BOM = "\uFEFF"

// CSVFileName is the name of table t's file inside the ZIP: its position
// and name, ASCII only so that every unzip tool keeps it
// ("1-sages.csv").
func CSVFileName(i int, t Table) string { return strconv.Itoa(i+1) + "-" + t.Name + ".csv" }

// WriteCSVZip writes the report as a ZIP of one CSV file per table.
func (r *Report) WriteCSVZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	for i, t := range r.Tables {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: CSVFileName(i, t), Method: zip.Deflate, Modified: r.At})
		if err != nil {
			return fmt.Errorf("report: zip: %w", err)
		}
		if err := t.WriteCSV(fw); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("report: zip: %w", err)
	}
	return nil
}

// WriteCSV writes the table as CSV: a byte-order mark, the header line,
// then the rows, with CRLF line ends as Excel writes them. Text that a
// spreadsheet would run as a formula (starting with =, +, -, @) is
// prefixed with an apostrophe; numbers are written as they are.
func (t Table) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("report: csv %s: %w", t.Name, err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(t.Header); err != nil {
		return fmt.Errorf("report: csv %s: %w", t.Name, err)
	}
	rec := make([]string, len(t.Header))
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvValue(row[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("report: csv %s: %w", t.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: csv %s: %w", t.Name, err)
	}
	return nil
}

func csvValue(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return DefuseFormula(v)
	}
	return fmt.Sprint(v)
}

// DefuseFormula keeps a spreadsheet from running text typed by a user as
// a formula (CSV injection): text starting with =, +, @, a tab or a
// carriage return, or with - and more than a plain number, gets a leading
// apostrophe, which Excel shows as text and hides.
func DefuseFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if len(s) == 1 {
			return s // the "not applicable" dash
		}
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return "'" + s
		}
	}
	return s
}
