// Package report builds the district office's exports from the store: the
// sage registry with its teams, each village's households, the attendance
// matrix, the programme's progress per village, the department's
// indicators and the households' follow-ups. It writes them as one XLSX
// workbook (a sheet per table, a table's definitions as notes under it) or
// as a ZIP of one CSV file per table (UTF-8 with a byte-order mark, so
// that Excel shows Thai; without the notes, so that a program reads them
// as plain tables).
//
// Column headers and values are in the reader's language (Thai by default,
// from the report.* catalog keys). Dates are Date values: in a workbook,
// date cells shown in the Buddhist Era for Thai by their number format (so
// they sort and filter); in CSV, text as the bot writes them in chat
// ("จ. 7 ธ.ค. 2569"). Counts and money are numbers. People are named
// (officers by User.Name, sages and heads of households by name, see
// flows.WhoIs), never by LINE id.
//
// A workbook is ready to print and hand on (print.go): each sheet opens
// with a title block naming the project, the district office, the round
// and when the data was read; a totals row where columns add up; a filter
// on the header; and a page setup that fits the width of an A4 page and
// repeats the header and the village column on every page.
package report

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Format is a file format of the export.
type Format string

// Formats. CSV is written as one ZIP of a CSV file per table: an officer
// opens one file, and each table opens in Excel on its own.
const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ParseFormat reads a format name (xlsx or csv, any case).
func ParseFormat(s string) (Format, bool) {
	switch Format(strings.ToLower(strings.TrimSpace(s))) {
	case XLSX:
		return XLSX, true
	case CSV:
		return CSV, true
	}
	return "", false
}

// Ext is the file name extension of the format's file, with the dot.
func (f Format) Ext() string {
	if f == CSV {
		return ".zip"
	}
	return ".xlsx"
}

// ContentType is the media type of the format's file.
func (f Format) ContentType() string {
	if f == CSV {
		return "application/zip"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Table names, in the order of the sheets. They name the CSV files.
const (
	TableSages      = "sages"
	TableHouseholds = "households"
	TableAttendance = "attendance"
	TableProgress   = "progress"
	TableIndicators = "indicators" // indicators.go
	TableFollowUps  = "followups"  // indicators.go
)

// Table is one exported table.
type Table struct {
	// Name is the table's stable name (TableSages…), used for file names.
	Name string
	// Title is the sheet's name in the reader's language (≤ 31 characters).
	Title  string
	Header []string
	// Rows hold string, int64, float64 and Date values, one per header
	// column: a number is written as a number, a Date as a date, a string
	// as text.
	Rows [][]any
	// Totals are the columns (0-based) that add up: a workbook ends the
	// table with a totals row summing them; CSV files leave it out.
	Totals []int
	// KeyCols is how many columns on the left name a row (the village,
	// the household): a wide sheet keeps them in view when scrolled and
	// prints them on every page.
	KeyCols int
	// Notes are lines written under the table in a workbook (what its
	// figures mean); CSV files leave them out.
	Notes []string
}

// Report is every table of one export, read in one transaction.
type Report struct {
	Lang locales.Lang
	// At is when the report was made, in the programme's time zone.
	At time.Time
	// Round is the round of the programme the report is of; RoundName
	// names it in the report's language.
	Round     flows.Round
	RoundName string
	// Office is the district and province the report is of
	// (flows.Config.Office); empty parts when not configured.
	Office flows.Office
	Tables []Table
	// cat writes the workbook's title blocks and page headers.
	cat *locales.Catalog
}

// Date is a date, or a date and time (Clock), as a table value, in the
// programme's time zone. Text is how CSV files and sentences write it, in
// the report's language.
type Date struct {
	Time  time.Time
	Clock bool
	Text  string
}

// String is the date's text.
func (d Date) String() string { return d.Text }

// Table returns the table called name, or nil.
func (r *Report) Table(name string) *Table {
	for i := range r.Tables {
		if r.Tables[i].Name == name {
			return &r.Tables[i]
		}
	}
	return nil
}

// Options say how to build a report.
type Options struct {
	// Lang is the language of headers and values; Thai when empty.
	Lang    locales.Lang
	Catalog *locales.Catalog
	// Engine gives the enrolment figures (Engine.Digest), so the progress
	// table agrees with the officers' daily summary.
	Engine *flows.Engine
	// Now is when the report is made; its location is the programme's
	// time zone, in which every date and time is written.
	Now time.Time
	// Round is the round reported on (its id); 0 is the current round.
	Round int
}

// Build reads every table from tx. Run it in one transaction so that the
// tables agree with each other.
func Build(tx flows.Tx, o Options) (*Report, error) {
	if o.Catalog == nil || o.Engine == nil {
		return nil, errors.New("report: Options need a Catalog and an Engine")
	}
	if o.Now.IsZero() {
		return nil, errors.New("report: Options.Now is not set")
	}
	b, err := newBuilder(tx, o)
	if err != nil {
		return nil, err
	}
	round := b.round
	r := &Report{Lang: b.lang, At: o.Now, Round: round, Office: o.Engine.Office(), cat: o.Catalog}
	name := flows.RoundName(round)
	r.RoundName = o.Catalog.MustText(b.lang, name.Key, name.Args)
	for _, build := range []func() (Table, error){b.sages, b.households, b.attendance, b.progress, b.indicators, b.followUps} {
		t, err := build()
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		r.Tables = append(r.Tables, t)
	}
	return r, nil
}

// Write writes the report in format f.
func (r *Report) Write(w io.Writer, f Format) error {
	if f == CSV {
		return r.WriteCSVZip(w)
	}
	return r.WriteXLSX(w)
}

// FileName is the report's file name in format f: ascii for clients that
// take only ASCII ("sammachip-report-2026-12-07-0915.xlsx"), local in the
// report's language ("รายงานสัมมาชีพชุมชน-2569-12-07-0915.xlsx", Buddhist
// Era year for Thai). base is the catalog's report.file.base text.
func (r *Report) FileName(base string, f Format) (ascii, local string) {
	t := r.At
	stamp := func(year int) string {
		return fmt.Sprintf("%04d-%02d-%02d-%02d%02d", year, t.Month(), t.Day(), t.Hour(), t.Minute())
	}
	ascii = "sammachip-report-" + stamp(t.Year()) + f.Ext()
	year := t.Year()
	if r.Lang != locales.English {
		year += 543
	}
	local = strings.Map(safeFileRune, base) + "-" + stamp(year) + f.Ext()
	return ascii, local
}

// safeFileRune drops characters that file systems or headers refuse.
func safeFileRune(r rune) rune {
	switch {
	case r < 0x20, r == 0x7f, strings.ContainsRune(`\/:*?"<>|`, r):
		return -1
	}
	return r
}

// newBuilder reads the round the report is of (o.Round, or the current
// one) and its villages.
func newBuilder(tx flows.Tx, o Options) (*builder, error) {
	b := &builder{tx: tx, o: o, lang: cmp.Or(o.Lang, locales.Thai), loc: o.Now.Location(),
		who: map[string]string{}, matrices: map[int]flows.Matrix{}}
	round, err := flows.CurrentRound(tx)
	if err != nil {
		return nil, fmt.Errorf("report: round: %w", err)
	}
	if o.Round != 0 && o.Round != round.ID {
		r, ok, err := flows.GetRound(tx, o.Round)
		if err != nil || !ok {
			return nil, fmt.Errorf("report: round %d: not found (%v)", o.Round, err)
		}
		round = r
	}
	if b.villages, err = flows.RoundVillages(tx, round.ID); err != nil {
		return nil, fmt.Errorf("report: villages: %w", err)
	}
	b.round = round
	return b, nil
}
