package main

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/flows"
)

// LINE ids of the export tests' people.
const (
	exOfficerID  = "U0e0000000000000000000000000000a1"
	exVillagerID = "U0e0000000000000000000000000000b2"
	exSageID     = "U0e0000000000000000000000000000c3"
	exHeadID     = "U0e0000000000000000000000000000d4"
)

const exBaseURL = "https://sammachip.example.go.th"

// exOfficer makes an officer the way a district does: a code from the
// CLI, typed in the chat, then the officer's name.
func exOfficer(t *testing.T, h *Harness) *Persona {
	t.Helper()
	res := cliRun(t, h.DBPath, nil, "officer-code")
	if res.exit != 0 {
		t.Fatalf("officer-code: exit %d, %q", res.exit, res.stderr)
	}
	somsri := h.User(exOfficerID)
	somsri.Follow()
	somsri.Say(strings.TrimSpace(res.stdout))
	somsri.Say("สมศรี ใจดี")
	somsri.TapLabel("ยืนยัน")
	return somsri
}

// exProgramme loads villages with the CLI and puts a lead sage approved by
// the officer, a selected household whose head has LINE, its first day and
// the sage's roll-call mark.
func exProgramme(t *testing.T, h *Harness) {
	t.Helper()
	if res := cliRun(t, h.DBPath, nil, "import", "villages", cliWriteFile(t, "villages.csv", cliVillages)); res.exit != 0 {
		t.Fatalf("import villages: exit %d, %q", res.exit, res.stderr)
	}
	now := h.Now()
	vid := h.VillageID(5) // ids come in import order: not 5
	err := h.DB().Update(func(tx flows.Tx) error {
		v, ok, err := flows.GetVillage(tx, vid)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("village %d (หมู่ 5) not stored", vid)
		}
		v.LeadSageID = exSageID
		for _, put := range []func() error{
			func() error { return tx.Villages().Put(vid, v) },
			func() error { return tx.Users().Put(exSageID, flows.User{ID: exSageID, Active: true}) },
			func() error {
				return tx.Sages().Put(exSageID, flows.Sage{ID: 1, UserID: exSageID, Name: "ประยูร ทองดี", Phone: "0812345678", Moo: 5, Tambon: "โนนสูง",
					Category: flows.CategoryFood, Skill: "ทำน้ำพริกเผา", Years: 16, Status: flows.SageApproved,
					Decision: &flows.Decision{Approved: true, By: exOfficerID, At: now}, TeamVillage: vid, TeamSince: now, Registered: now})
			},
			func() error { return tx.Users().Put(exHeadID, flows.User{ID: exHeadID, Active: true}) },
			func() error {
				return tx.Days().Put(flows.DayRef{Village: vid, Day: 1}, flows.ProgrammeDay{Village: vid, Day: 1, Date: now.Format("2006-01-02"), Start: "09:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 1})
			},
			func() error {
				return tx.Attendance().Put(flows.AttendanceRef{Village: vid, Day: 1, Household: "H000001"}, flows.Attendance{Village: vid, Day: 1, Household: "H000001",
					Presence: flows.PresenceHere, PresenceMark: &flows.Mark{At: now, By: exSageID}})
			},
		} {
			if err := put(); err != nil {
				return err
			}
		}
		return flows.PutHousehold(tx, flows.Household{ID: "H000001", Village: vid, HouseNo: "45/1", HeadName: "มาลี แก้วใส", Members: 3,
			Occupation: "ทำนา", Income: 4500, IncomeKnown: true, Interested: true, UserID: exHeadID,
			Status: flows.StatusSelected, Applied: now, DedupeKey: "H000001"})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exLink finds the download button (a LINE uri action) in what a chat got.
func exLink(t *testing.T, got Received) string {
	t.Helper()
	var found []string
	var walk func(x any)
	walk = func(x any) {
		switch v := x.(type) {
		case map[string]any:
			if v["type"] == "uri" {
				if u, ok := v["uri"].(string); ok {
					found = append(found, u)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	for _, m := range got.Messages {
		var v any
		if err := json.Unmarshal(m, &v); err != nil {
			t.Fatal(err)
		}
		walk(v)
	}
	if len(found) != 1 {
		t.Fatalf("got %d link buttons %q in %s, want one", len(found), found, got)
	}
	return found[0]
}

// exGet downloads a link from the bot itself: the public address is the
// reverse proxy's, which forwards to the bot.
func exGet(t *testing.T, h *Harness, link string) (int, http.Header, []byte) {
	t.Helper()
	path, ok := strings.CutPrefix(link, exBaseURL)
	if !ok {
		t.Fatalf("link %q is not on %s", link, exBaseURL)
	}
	res, err := http.Get(h.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, body
}

// exCells reads every cell of every sheet.
func exCells(t *testing.T, data []byte) (*excelize.File, []string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an XLSX file: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	var cells []string
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			cells = append(cells, r...)
		}
	}
	return f, cells
}

func TestExportLinkEndToEnd(t *testing.T) {
	h := NewHarness(t, WithEnv("SAMMACHIP_BASE_URL", exBaseURL+"/"))
	somsri := exOfficer(t, h)
	exProgramme(t, h)

	// Anyone else is refused, and gets no link.
	villager := h.User(exVillagerID)
	villager.Follow()
	got := villager.Say("ส่งออก")
	if !got.Contains(h.Text("report.err.officers_only")) || slices.ContainsFunc(got.Buttons, func(b Button) bool { return b.Type == "uri" }) {
		t.Errorf("villager got %s (buttons %q), want the refusal and no link", got, got.Labels())
	}
	if got := h.User(exSageID).Say("export"); !got.Contains(h.Text("report.err.officers_only")) {
		t.Errorf("sage got %s, want the refusal", got)
	}

	// The officer gets a card whose button (a uri action LINE accepts)
	// downloads the XLSX once.
	got = somsri.Say("ส่งออก")
	if !got.Contains(h.Text("report.link.title")) {
		t.Fatalf("officer got %s, want the link card", got)
	}
	if _, ok := got.Button(h.Text("report.btn.download")); !ok {
		t.Errorf("buttons %q, want %q", got.Labels(), h.Text("report.btn.download"))
	}
	link := exLink(t, got)
	h.Advance(2 * time.Minute)
	status, header, body := exGet(t, h, link)
	if status != http.StatusOK {
		t.Fatalf("download: status %d, want 200: %s", status, body)
	}
	if cd := header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q, want an attachment with a Thai file name", cd)
	}
	f, cells := exCells(t, body)
	if got, want := f.GetSheetList(), []string{"ทะเบียนปราชญ์", "ครัวเรือน", "การเข้าร่วม", "ความก้าวหน้า", "ตัวชี้วัด", "การติดตามผล"}; !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	for _, want := range []string{"ประยูร ทองดี", "สมศรี ใจดี (เจ้าหน้าที่)", "มาลี แก้วใส", "4500", "1500", "ประยูร ทองดี (ปราชญ์)", "หมู่ 7 บ้านหนองบัว"} {
		if !slices.Contains(cells, want) {
			t.Errorf("no cell %q in the report", want)
		}
	}
	for _, id := range []string{exOfficerID, exSageID, exHeadID, exVillagerID} {
		if slices.ContainsFunc(cells, func(c string) bool { return strings.Contains(c, id) }) {
			t.Errorf("the report shows LINE id %s", id)
		}
	}
	if status, _, _ := exGet(t, h, link); status != http.StatusGone {
		t.Errorf("second download: status %d, want 410", status)
	}

	// A new link, unused for 15 minutes, is dead.
	link2 := exLink(t, somsri.Say("export"))
	if link2 == link {
		t.Fatal("the second link is the first one again")
	}
	h.Advance(15 * time.Minute)
	if status, _, _ := exGet(t, h, link2); status != http.StatusGone {
		t.Errorf("download after 15 minutes: status %d, want 410", status)
	}
	if status, _, _ := exGet(t, h, exBaseURL+"/download/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); status != http.StatusNotFound {
		t.Errorf("unknown link: status %d, want 404", status)
	}
}

func TestExportLinkNotConfigured(t *testing.T) {
	h := NewHarness(t) // a real channel without SAMMACHIP_BASE_URL
	somsri := exOfficer(t, h)
	got := somsri.Say("ส่งออก")
	if !got.Contains(h.Text("report.link.not_configured")) || slices.ContainsFunc(got.Buttons, func(b Button) bool { return b.Type == "uri" }) {
		t.Errorf("got %s, want links not configured, and no link", got)
	}
	if n := countStored(h, flows.Tx.Downloads); n != 0 {
		t.Errorf("%d links stored, want none", n)
	}
}

func TestExportCLI(t *testing.T) {
	h := NewHarness(t)
	exOfficer(t, h)
	exProgramme(t, h)
	dir := t.TempDir()

	// Through the running server: it holds the database, so only the admin
	// socket can have answered.
	out := filepath.Join(dir, "report.xlsx")
	res := cliRun(t, h.DBPath, nil, "export", "--out", out)
	if res.exit != 0 {
		t.Fatalf("export: exit %d, stderr %q", res.exit, res.stderr)
	}
	for _, want := range []string{"บันทึกรายงาน (XLSX) ไว้ที่ " + out + " แล้วค่ะ", "ครัวเรือน: 1 แถว", "การเข้าร่วม: 5 แถว", "ความก้าวหน้า: 2 แถว"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr %q, want %q", res.stderr, want)
		}
	}
	exCheckXLSX(t, out)

	csvOut := filepath.Join(dir, "report.zip")
	res = cliRun(t, h.DBPath, cliEnglish, "export", "--format", "csv", "--out", csvOut)
	if res.exit != 0 || !strings.Contains(res.stderr, "Wrote the report (CSV) to "+csvOut) {
		t.Fatalf("export csv: exit %d, stderr %q", res.exit, res.stderr)
	}
	exCheckZip(t, csvOut, "Head of household")
	enOut := filepath.Join(dir, "en.xlsx")
	if res := cliRun(t, h.DBPath, nil, "export", "--lang", "en", "--out", enOut); res.exit != 0 || !strings.Contains(res.stderr, "Wrote the report (XLSX)") {
		t.Fatalf("export --lang en: exit %d, stderr %q", res.exit, res.stderr)
	}
	data, err := os.ReadFile(enOut)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := exCells(t, data); !slices.Equal(f.GetSheetList(), []string{"Sage registry", "Households", "Attendance", "Progress", "Indicators", "Follow-ups"}) {
		t.Errorf("--lang en: sheets %q, want English ones", f.GetSheetList())
	}

	// Without a server the CLI opens the database itself.
	h.Stop()
	now := h.Now()
	out2 := filepath.Join(dir, "direct.xlsx")
	if res := cliRunEnv(t, h.DBPath, nil, now, "", "export", "--out", out2); res.exit != 0 {
		t.Fatalf("direct export: exit %d, stderr %q", res.exit, res.stderr)
	}
	exCheckXLSX(t, out2)
	csv2 := filepath.Join(dir, "direct.zip")
	if res := cliRunEnv(t, h.DBPath, nil, now, "", "export", "-format=csv", "-out="+csv2); res.exit != 0 {
		t.Fatalf("direct csv export: exit %d, stderr %q", res.exit, res.stderr)
	}
	exCheckZip(t, csv2, "หัวหน้าครัวเรือน")
	h.Start()

	// Mistakes are told, nothing is written.
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no --out", []string{"export"}, "export needs --out FILE"},
		{"unknown format", []string{"export", "--format", "pdf", "--out", filepath.Join(dir, "x")}, "ไม่รู้จักรูปแบบ “pdf” ค่ะ"},
		{"stray argument", []string{"export", "--out", filepath.Join(dir, "x"), "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"export", "--output", filepath.Join(dir, "x")}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := cliRun(t, h.DBPath, nil, tt.args...)
			if res.exit != 2 || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", res.exit, res.stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "x")); !os.IsNotExist(err) {
				t.Errorf("a file was written: %v", err)
			}
		})
	}
}

// exCheckXLSX opens an exported workbook: six sheets, the records, mode
// 0600 (it holds personal data), no temporary file left beside it.
func exCheckXLSX(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v (%v), want 0600", path, fi.Mode().Perm(), err)
	}
	f, cells := exCells(t, data)
	if n := len(f.GetSheetList()); n != 6 {
		t.Errorf("%s: %d sheets, want 6", path, n)
	}
	for _, want := range []string{"ประยูร ทองดี", "มาลี แก้วใส", "หมู่ 5 บ้านโนนสูง", "ประยูร ทองดี (ปราชญ์)"} {
		if !slices.Contains(cells, want) {
			t.Errorf("%s: no cell %q", path, want)
		}
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}

// exCheckZip opens an exported ZIP: six CSV files with a BOM, the
// households' one holding the household under the head's column.
func exCheckZip(t *testing.T, path, headHeader string) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer zr.Close()
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		rest, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF"))
		if !ok {
			t.Errorf("%s: no BOM", zf.Name)
		}
		recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		if zf.Name == "2-households.csv" {
			if recs[0][3] != headHeader {
				t.Errorf("households header %q, want %q in column 4", recs[0], headHeader)
			}
			if len(recs) != 2 || recs[1][3] != "มาลี แก้วใส" {
				t.Errorf("households %q, want the one household", recs)
			}
		}
	}
	if want := []string{"1-sages.csv", "2-households.csv", "3-attendance.csv", "4-progress.csv", "5-indicators.csv", "6-followups.csv"}; !slices.Equal(names, want) {
		t.Errorf("files %q, want %q", names, want)
	}
}

func TestBaseURLConfig(t *testing.T) {
	real := []string{"LINE_CHANNEL_SECRET", goodSecret, "LINE_CHANNEL_ACCESS_TOKEN", "token"}
	tests := []struct {
		name    string
		env     []string
		want    string
		wantErr string
	}{
		{"real, unset", real, "", ""},
		{"real, https", append(real, "SAMMACHIP_BASE_URL", "https://bot.example.go.th/"), "https://bot.example.go.th", ""},
		{"real, https with a path", append(real, "SAMMACHIP_BASE_URL", "https://example.go.th/sammachip"), "https://example.go.th/sammachip", ""},
		{"real, http", append(real, "SAMMACHIP_BASE_URL", "http://bot.example.go.th"), "", "expected an https address"},
		{"real, not absolute", append(real, "SAMMACHIP_BASE_URL", "bot.example.go.th"), "", `SAMMACHIP_BASE_URL="bot.example.go.th"`},
		{"real, with a query", append(real, "SAMMACHIP_BASE_URL", "https://bot.example.go.th/?x=1"), "", "absolute URL"},
		{"simulator, http", []string{"SAMMACHIP_BASE_URL", "http://192.168.1.10:8080"}, "http://192.168.1.10:8080", ""},
		{"simulator, unset", nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(env(tt.env...))
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("got error %v", err)
			case cfg.BaseURL != tt.want:
				t.Errorf("BaseURL %q, want %q", cfg.BaseURL, tt.want)
			}
		})
	}
}

func TestDownloadURLDefaultsToTheSimulatorsAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"simulator", Config{}, "http://127.0.0.1:" + strconv.Itoa(port) + "/download/tok?openExternalBrowser=1"},
		{"simulator with an address", Config{BaseURL: "http://192.168.1.10:8080"}, "http://192.168.1.10:8080/download/tok?openExternalBrowser=1"},
		{"real with an address", Config{ChannelSecret: goodSecret, AccessToken: "t", BaseURL: exBaseURL}, exBaseURL + "/download/tok?openExternalBrowser=1"},
		{"real without one", Config{ChannelSecret: goodSecret, AccessToken: "t"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Main{Config: tt.cfg, listener: ln}
			if got := m.downloadURL("tok"); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
