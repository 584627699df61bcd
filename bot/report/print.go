package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Shared print and title-block helpers for the workbooks the district
// office prints and hands on (this report, and any other sheet of the
// package): what the province asks of a report on paper is the same for
// every sheet.

// Title block: the rows above a sheet's table.
const (
	titleRow  = 1 // the project and the sheet: "รายงานสัมมาชีพชุมชน: ครัวเรือน"
	officeRow = 2 // the district office: "สำนักงานพัฒนาชุมชนอำเภอ… จังหวัด…"
	roundRow  = 3 // the round and when the data was read
	headerRow = 5 // the table's header; row 4 is left empty
	firstRow  = headerRow + 1
	a4Paper   = 9   // the OOXML paper size code of A4
	wideChars = 100 // a table wider than this (in characters) prints landscape
)

// dateFormats are the Excel number formats of a date, of a date and time,
// and of a short date (a day's column) in lang, from the catalog
// (report.format.*). The Thai ones use [$-107041E], the legacy locale code
// every Excel since 2007 reads (LibreOffice too): 01 Western digits, 07 the
// Thai Buddhist calendar, 041E Thai, so the year shows as 2569 and the
// month as ธ.ค. while the cell stays a date that sorts and filters.
func dateFormats(cat *locales.Catalog, lang locales.Lang) (date, dateTime, short string) {
	return cat.MustText(lang, "report.format.date", nil), cat.MustText(lang, "report.format.datetime", nil),
		cat.MustText(lang, "report.format.date_short", nil)
}

// excelEpoch is day 0 of Excel's 1900 date system (as Excel counts it,
// with its 29 February 1900).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// excelSerial is t's wall-clock date and time as an Excel date serial
// number: whole days since the epoch, the time of day as the fraction. A
// date without a clock is a whole number.
func excelSerial(t time.Time, clock bool) float64 {
	y, m, d := t.Date()
	days := float64(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(excelEpoch).Hours() / 24)
	if !clock {
		return days
	}
	return days + float64(t.Hour()*3600+t.Minute()*60+t.Second())/86400
}

// printTitle is what a printed sheet says about itself: the title block's
// lines (also used in the page header and the document properties).
type printTitle struct {
	Title  string // "รายงานสัมมาชีพชุมชน: ครัวเรือน"
	Office string // "สำนักงานพัฒนาชุมชนอำเภอเมืองขอนแก่น จังหวัดขอนแก่น"
	Round  string // "ปีงบประมาณ 2570 · ข้อมูล ณ วันพฤหัสบดีที่ 3 ธันวาคม 2569 เวลา 14.38 น."
}

// officeName names the district office in lang from the configured
// district and province; an office not configured says so.
func officeName(cat *locales.Catalog, lang locales.Lang, o flows.Office) string {
	switch {
	case o.District != "" && o.Province != "":
		return cat.MustText(lang, "report.print.office", map[string]any{"District": o.District, "Province": o.Province})
	case o.District != "":
		return cat.MustText(lang, "report.print.office_district", map[string]any{"District": o.District})
	case o.Province != "":
		return cat.MustText(lang, "report.print.office_province", map[string]any{"Province": o.Province})
	}
	return cat.MustText(lang, "report.print.office_unset", nil)
}

// newPrintTitle makes a sheet's title block: sheet is the sheet's title,
// round the round's name, at when the data was read.
func newPrintTitle(cat *locales.Catalog, lang locales.Lang, o flows.Office, sheet, round string, at time.Time) printTitle {
	return printTitle{
		Title:  cat.MustText(lang, "report.print.title", map[string]any{"Sheet": sheet}),
		Office: officeName(cat, lang, o),
		Round: cat.MustText(lang, "report.print.round", map[string]any{
			"Round": round, "Date": locales.FormatDate(lang, at), "Time": locales.FormatClock(lang, at)}),
	}
}

// writeTitleBlock writes the title block's three lines into column A of
// rows 1–3, each reading across the empty cells beside it.
func writeTitleBlock(f *excelize.File, sheet string, p printTitle, titleStyle, lineStyle int) error {
	for _, l := range []struct {
		row   int
		text  string
		style int
	}{{titleRow, p.Title, titleStyle}, {officeRow, p.Office, lineStyle}, {roundRow, p.Round, lineStyle}} {
		cell, err := excelize.CoordinatesToCellName(1, l.row)
		if err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, cell, l.text); err != nil {
			return err
		}
		if err := f.SetCellStyle(sheet, cell, cell, l.style); err != nil {
			return err
		}
	}
	return nil
}

// pageSetup makes a sheet print as the province expects: A4, landscape
// when wide, fitted to one page wide (as many pages down as it needs),
// narrow margins, the header row (and keyCols columns on the left, when
// there are any) repeated on every page, the office and the sheet in the
// page header and "page N of M" in the footer. cols is the table's width
// in columns, wide whether it needs landscape.
func pageSetup(f *excelize.File, sheet string, cols, keyCols int, wide bool, p printTitle, pageText string) error {
	size, fitW, fitH := a4Paper, 1, 0 // one page wide, as many down as needed
	orientation := "portrait"
	if wide {
		orientation = "landscape"
	}
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &size, Orientation: &orientation, FitToWidth: &fitW, FitToHeight: &fitH,
	}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	side, topBottom, edge := 0.4, 0.6, 0.3 // inches
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &side, Right: &side, Top: &topBottom, Bottom: &topBottom, Header: &edge, Footer: &edge,
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + headerFooterText(p.Office) + "&R" + headerFooterText(p.Title),
		OddFooter: "&L" + headerFooterText(p.Round) + "&R" + pageText,
	}); err != nil {
		return err
	}
	titles := fmt.Sprintf("%s!$%d:$%d", quoteSheet(sheet), headerRow, headerRow)
	if keyCols > 0 {
		last, err := excelize.ColumnNumberToName(min(keyCols, cols))
		if err != nil {
			return err
		}
		titles = fmt.Sprintf("%s!$A:$%s,%s!$%d:$%d", quoteSheet(sheet), last, quoteSheet(sheet), headerRow, headerRow)
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: titles, Scope: sheet})
}

// pageNumbers is the footer's "page N of M" in lang, with Excel's codes
// for the page number (&P) and the number of pages (&N).
func pageNumbers(cat *locales.Catalog, lang locales.Lang) string {
	return cat.MustText(lang, "report.print.page", map[string]any{"Page": "&P", "Pages": "&N"})
}

// headerFooterText escapes text for a page header or footer, where &
// starts a code, and keeps it within Excel's 255 characters for all three
// parts together.
func headerFooterText(s string) string {
	s = strings.ReplaceAll(s, "&", "&&")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:80])
	}
	return s
}

// quoteSheet quotes a sheet name for a formula or a defined name.
func quoteSheet(name string) string { return "'" + strings.ReplaceAll(name, "'", "''") + "'" }

// setDocProps names the office as the workbook's author and company, the
// report and the round as its title and subject, and at as when it was
// made: without them the file says it was written by "xuri" in 2006.
func setDocProps(f *excelize.File, lang locales.Lang, title, office, subject string, at time.Time) error {
	stamp := at.UTC().Format(time.RFC3339)
	language := "th-TH"
	if lang == locales.English {
		language = "en-GB"
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: title, Subject: subject, Creator: office, LastModifiedBy: office,
		Created: stamp, Modified: stamp, Language: language,
	}); err != nil {
		return err
	}
	return f.SetAppProps(&excelize.AppProperties{Application: "Sammachip", Company: office})
}
