package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The office named by SAMMACHIP_DISTRICT and SAMMACHIP_PROVINCE heads every
// sheet of the workbook, from the CLI and from the officer's chat link.
func TestExportNamesTheOffice(t *testing.T) {
	h := NewHarness(t, WithEnv("SAMMACHIP_BASE_URL", exBaseURL),
		WithEnv("SAMMACHIP_DISTRICT", "อำเภอเมืองขอนแก่น"), WithEnv("SAMMACHIP_PROVINCE", "ขอนแก่น"))
	somsri := exOfficer(t, h)
	exProgramme(t, h)
	const office = "สำนักงานพัฒนาชุมชนอำเภอเมืองขอนแก่น จังหวัดขอนแก่น"

	out := filepath.Join(t.TempDir(), "report.xlsx")
	if res := cliRun(t, h.DBPath, nil, "export", "--out", out); res.exit != 0 {
		t.Fatalf("export: exit %d, stderr %q", res.exit, res.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := exGet(t, h, exLink(t, somsri.Say("ส่งออก")))
	if status != 200 {
		t.Fatalf("download: status %d", status)
	}
	for name, file := range map[string][]byte{"cli": data, "chat link": body} {
		f, _ := exCells(t, file)
		for _, sheet := range f.GetSheetList() {
			if got, _ := f.GetCellValue(sheet, "A2"); got != office {
				t.Errorf("%s: %s!A2 %q, want %q", name, sheet, got, office)
			}
		}
		if doc, err := f.GetDocProps(); err != nil || doc.Creator != office {
			t.Errorf("%s: the file's author %q (%v), want the office", name, doc.Creator, err)
		}
	}

	// A value that is set but says nothing stops the command with the
	// variable's name.
	res := cliRun(t, h.DBPath, map[string]string{"SAMMACHIP_PROVINCE": "  "}, "export", "--out", out)
	if res.exit != 2 || !strings.Contains(res.stderr, `SAMMACHIP_PROVINCE="  "`) {
		t.Errorf("blank province: exit %d, stderr %q; want 2 and the variable named", res.exit, res.stderr)
	}
}

// --format csv writes a ZIP: its file is named .zip whatever --out says,
// or refused when --out names another kind of file.
func TestExportCSVIsNamedZip(t *testing.T) {
	h := NewHarness(t)
	exOfficer(t, h)
	exProgramme(t, h)
	dir := t.TempDir()

	res := cliRun(t, h.DBPath, cliEnglish, "export", "--format", "csv", "--out", filepath.Join(dir, "report.csv"))
	zip := filepath.Join(dir, "report.zip")
	if res.exit != 0 || !strings.Contains(res.stderr, "writing "+zip+" instead of "+filepath.Join(dir, "report.csv")) ||
		!strings.Contains(res.stderr, "Wrote the report (CSV) to "+zip) {
		t.Fatalf("--out report.csv: exit %d, stderr %q; want it written as report.zip, and said", res.exit, res.stderr)
	}
	exCheckZip(t, zip, "Head of household")
	if _, err := os.Stat(filepath.Join(dir, "report.csv")); !os.IsNotExist(err) {
		t.Errorf("report.csv exists (%v): a ZIP named .csv opens as garbage", err)
	}

	if res := cliRun(t, h.DBPath, nil, "export", "--format", "csv", "--out", filepath.Join(dir, "plain")); res.exit != 0 {
		t.Errorf("--out plain: exit %d, stderr %q", res.exit, res.stderr)
	}
	exCheckZip(t, filepath.Join(dir, "plain.zip"), "หัวหน้าครัวเรือน")

	res = cliRun(t, h.DBPath, nil, "export", "--format", "csv", "--out", filepath.Join(dir, "report.xlsx"))
	if res.exit != 2 || !strings.Contains(res.stderr, ".zip") {
		t.Errorf("--format csv --out report.xlsx: exit %d, stderr %q; want 2, and to be told to name it .zip", res.exit, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.xlsx")); !os.IsNotExist(err) {
		t.Errorf("report.xlsx was written (%v)", err)
	}
	// The workbook keeps whatever name it is given.
	if res := cliRun(t, h.DBPath, nil, "export", "--out", filepath.Join(dir, "book.xlsx")); res.exit != 0 {
		t.Errorf("xlsx: exit %d, stderr %q", res.exit, res.stderr)
	}
}
