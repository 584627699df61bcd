package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/flows"
)

// The three files of a district's setup, as an officer's office makes
// them in Excel for a new round: ต.โนนทอง's villages as "CSV UTF-8" (with
// a byte-order mark), their households as Excel's Thai "ANSI" CSV
// (Windows-874), and the schedule as a workbook with date and time cells.
const (
	isVillagesCSV = "\uFEFFหมู่ที่,ชื่อหมู่บ้าน,ตำบล,อาชีพ,จำนวนครัวเรือน\r\n" +
		"๔,บ้านโคกกลาง,โนนทอง,ทอผ้าไหม,20\r\n" +
		"9,บ้านหนองหญ้าปล้อง,โนนทอง,เพาะเห็ด,20\r\n"
	isHouseholdsCSV = "หมู่ที่,ตำบล,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก,รายได้,โทรศัพท์,อาชีพที่สนใจ\r\n" +
		"4,โนนทอง,12,นายสมชาย ใจดี,4,24000,081-234-5678,ทอผ้าไหม\r\n" +
		"4,โนนทอง,๔๕/๓,นางมาลี ศรีสุข,3,18000,,ทอผ้าไหม\r\n" +
		"9,โนนทอง,8,นายบุญมี มีสุข,2,30000,,เพาะเห็ด\r\n"
	// isHouseholdsBadCSV is the same list before the officer fixed it: a
	// member count in words, a house without a number and a หมู่ not in
	// the village list.
	isHouseholdsBadCSV = "หมู่ที่,ตำบล,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก,รายได้,โทรศัพท์,อาชีพที่สนใจ\r\n" +
		"4,โนนทอง,12,นายสมชาย ใจดี,สี่,24000,081-234-5678,ทอผ้าไหม\r\n" +
		"4,โนนทอง,,นางมาลี ศรีสุข,3,18000,,ทอผ้าไหม\r\n" +
		"19,โนนทอง,8,นายบุญมี มีสุข,2,30000,,เพาะเห็ด\r\n"
)

// isScheduleXLSX is both villages' five days (from start, one village a
// week) as a workbook under a title, whose dates and times are date and
// time cells.
func isScheduleXLSX(t *testing.T, start time.Time) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	// A title and a blank row above the table, as office sheets have.
	rows := [][]any{{"ตารางอบรมสัมมาชีพชุมชน ต.โนนทอง ปีงบประมาณ 2570"}, {}, {"หมู่ที่", "ตำบล", "วันอบรม", "วันที่", "เริ่ม", "เลิก", "สถานที่", "สถานที่ดูงาน", "จุดนัดพบ", "เวลาออกเดินทาง", "สิ่งที่ต้องเตรียม"}}
	for i, moo := range []int{4, 9} {
		for d := 1; d <= 5; d++ {
			day := time.Date(start.Year(), start.Month(), start.Day()+7*i+d-1, 0, 0, 0, 0, time.UTC)
			row := []any{moo, "โนนทอง", d, day, 9.0 / 24, 15.0 / 24, "ศาลาประชาคม", "", "", "", ""}
			if d == 4 {
				row[7], row[8], row[9], row[10] = "ศูนย์เรียนรู้บ้านหนองแวง", "หน้าวัด", 7.5/24, "หมวก"
			}
			rows = append(rows, row)
		}
	}
	dateFmt := "d mmm yyyy"
	dates, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		t.Fatal(err)
	}
	clock, err := f.NewStyle(&excelize.Style{NumFmt: 20}) // h:mm
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	last := len(rows)
	for _, c := range []struct {
		col   string
		style int
	}{{"D", dates}, {"E", clock}, {"F", clock}, {"J", clock}} {
		if err := f.SetCellStyle(sh, c.col+"4", c.col+itoa(last), c.style); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// uriIn is the address of a uri action in a LINE message ("" if none).
func uriIn(msg json.RawMessage) string {
	var v any
	if json.Unmarshal(msg, &v) != nil {
		return ""
	}
	var walk func(x any) string
	walk = func(x any) string {
		switch v := x.(type) {
		case map[string]any:
			if u, ok := v["uri"].(string); ok && v["type"] == "uri" {
				return u
			}
			for _, c := range v {
				if u := walk(c); u != "" {
					return u
				}
			}
		case []any:
			for _, c := range v {
				if u := walk(c); u != "" {
					return u
				}
			}
		}
		return ""
	}
	return walk(v)
}

func itoa(n int) string {
	s, _ := excelize.CoordinatesToCellName(1, n)
	return strings.TrimPrefix(s, "A")
}

// TestSimulatorImportThreeFiles is an officer setting up a new round's
// district by sending three files with the simulator page's 📎 button, on
// a phone-sized screen: each file's preview, a household list with
// mistakes explained line by line, the imports confirmed, and the result
// in the officer's own views. To look at the screens:
//
//	SAMMACHIP_SCREENSHOTS=/tmp/ux2-shots go test -run TestSimulatorImportThreeFiles ./cmd/sammachip
func TestSimulatorImportThreeFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if chromium() == "" {
		t.Skip("no Chromium installed (looked for chromium, chromium-browser, google-chrome): " +
			"install Debian's chromium package to run the simulator's browser test")
	}
	m, _ := runMain(t, map[string]string{"SAMMACHIP_DB": filepath.Join(simDir(t), "sim.db")}, io.Discard)
	p := newPage(t, "http://"+m.Addr(), 2*time.Minute)
	p.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)))
	shots := shotDir(t)
	officer := flows.DemoOfficerID

	// The files, as the office saved them (beside the screenshots, to
	// send by hand in a simulator too).
	file := func(name string, data []byte) string {
		path := filepath.Join(shots, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	villages := file("หมู่บ้าน ต.โนนทอง.csv", []byte(isVillagesCSV))
	bad := file("ครัวเรือนเป้าหมาย.csv", windows874(t, isHouseholdsBadCSV))
	households := file("ครัวเรือนเป้าหมาย (แก้แล้ว).csv", windows874(t, isHouseholdsCSV))
	schedule := file("ตารางอบรม.xlsx", isScheduleXLSX(t, time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)))
	send := func(path string) {
		t.Helper()
		name := filepath.Base(path)
		p.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}))
		p.sees(".msg.mine .file-bubble", name)
	}

	// ask is the start of the preview's question; done the first line of
	// what the bot says when kind is imported.
	ask := func(key string) string {
		before, _, _ := strings.Cut(p.th(key, "Until", "-"), " (")
		return before
	}
	done := func(kind string) func() {
		return p.botSays(p.say1("import.chat.done", "What", p.th("import.chat.kind."+kind), "Counts", "-", "Next", "-"))
	}

	p.waitFor("the chat list", `document.querySelectorAll('#chats button').length >= 7`)

	// Only an officer's file is opened.
	p.open(flows.DemoHousehold1ID)
	refused := p.botSays(p.say("import.chat.officers_only"))
	send(villages)
	refused()

	p.open(officer)

	// A new round: its village list starts empty.
	named := p.botSays(p.say("round.q.name.ask"))
	p.typeText(p.th("round.cmd.start"))
	named()
	next := p.th("round.name.fiscal_year", "Year", 2570)
	planned := p.say1("round.plan.text", "To", next, "From", "-", "Villages", 0, "RunningLine", "-")
	confirm := p.botSays(planned)
	p.tap(next)
	confirm()
	started := p.botSays(p.th("round.chat.started", "Name", next))
	p.tap(p.th("conv.btn.confirm"))
	started()

	// 1. The villages.
	// card is the text of the bot's last card titled with kind's file.
	card := func(kind string) string {
		return p.lastBubble(p.th("import.chat.preview_title", "What", p.th("import.chat.kind."+kind)))
	}
	says := func(what, text string, want ...string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("%s does not say %q:\n%s", what, w, text)
			}
		}
	}
	preview := p.botSays(ask("import.chat.ask"))
	send(villages)
	preview()
	says("the village preview", card("villages"), "จะเพิ่ม 2 · แก้ไข 0 · ไม่เปลี่ยน 0", "หมู่ 4 บ้านโคกกลาง ต.โนนทอง", "หมู่ 9 บ้านหนองหญ้าปล้อง ต.โนนทอง")
	p.shot(shots, "1-villages-preview.png", "")
	imported := done("villages")
	p.tap(p.th("import.chat.btn.import"))
	imported()

	// 2. The households, first with mistakes, then fixed.
	problems := p.botSays(p.th("import.chat.problems_title"))
	send(bad)
	problems()
	says("the problems", p.lastBubble(p.th("import.chat.problems_title")),
		p.th("import.chat.line_label", "Line", 2), "“สี่”", p.th("import.hh.err.house_empty"), "หมู่ 19")
	p.shot(shots, "2-households-problems.png", p.th("import.chat.problems_title"))
	preview = p.botSays(ask("import.chat.ask_households"))
	send(households)
	preview()
	says("the household preview", card("households"), "จะเพิ่ม 3", "บ้านโคกกลาง ต.โนนทอง\n2 ครัวเรือน")
	p.shot(shots, "3-households-preview.png", "")
	imported = done("households")
	p.tap(p.th("import.chat.btn.import"))
	imported()

	// 3. The schedule.
	preview = p.botSays(ask("import.chat.ask"))
	send(schedule)
	preview()
	says("the schedule preview", card("schedule"), "จะเพิ่ม 10", "วันอบรม 1–5 · จ. 5 ต.ค. 69 ถึง ศ. 9 ต.ค. 69")
	p.shot(shots, "4-schedule-preview.png", "")
	imported = done("schedule")
	p.tap(p.th("import.chat.btn.import"))
	imported()
	p.shot(shots, "5-schedule-done.png", "")

	// The officer's views: the schedule, then the report.
	days := p.botSays("บ้านโคกกลาง")
	p.tap(p.th("richmenu.item.setschedule.label"))
	days()
	p.shot(shots, "6-schedules.png", "")
	link := p.botSays(p.th("report.link.title"))
	p.typeText(p.th("report.cmd.export"))
	link()
	p.shot(shots, "7-export.png", "")
	url := ""
	for _, e := range m.Simulator().History(officer) {
		if u := uriIn(e.Message); u != "" {
			url = u
		}
	}
	if url == "" {
		t.Fatal("no download link in the export card")
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	report, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("download: status %d", res.StatusCode)
	}
	if err := os.WriteFile(filepath.Join(shots, "report.xlsx"), report, 0o644); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var cells []string
	for _, sh := range wb.GetSheetList() {
		rows, _ := wb.GetRows(sh)
		for _, r := range rows {
			cells = append(cells, strings.Join(r, "|"))
		}
	}
	all := strings.Join(cells, "\n")
	for _, want := range []string{"บ้านโคกกลาง", "บ้านหนองหญ้าปล้อง", "สมชาย ใจดี", "มาลี ศรีสุข", "45/3"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report has no %q", want)
		}
	}

	if errs := p.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %q", errs)
	}
}
