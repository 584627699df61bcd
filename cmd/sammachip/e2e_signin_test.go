package main

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// The sheets to print (ใบลงชื่อ), end to end: an officer types ใบลงชื่อ in
// the 1:1 chat and downloads the workbook once through the bot's own
// HTTP server; the export card's button does the same; others are
// refused; before any day has a date there is nothing to print.
func TestSigninLinkEndToEnd(t *testing.T) {
	h := NewHarness(t, WithEnv("SAMMACHIP_BASE_URL", exBaseURL+"/"))
	somsri := exOfficer(t, h)

	// No village has a dated day yet: nothing to print, and no link.
	got := somsri.Say("ใบลงชื่อ")
	if !got.Contains(h.Text("report.signin.none")) || slices.ContainsFunc(got.Buttons, func(b Button) bool { return b.Type == "uri" }) {
		t.Errorf("before any schedule: got %s, want nothing to print and no link", got)
	}
	exProgramme(t, h)

	villager := h.User(exVillagerID)
	villager.Follow()
	if got := villager.Say("ใบลงชื่อ"); !got.Contains(h.Text("report.err.officers_only")) || slices.ContainsFunc(got.Buttons, func(b Button) bool { return b.Type == "uri" }) {
		t.Errorf("villager got %s, want the refusal and no link", got)
	}

	got = somsri.Say("ใบลงชื่อ")
	if !got.Contains(h.Text("report.signin.link.title")) {
		t.Fatalf("officer got %s, want the sign-in sheets card", got)
	}
	link := exLink(t, got)
	h.Advance(time.Minute)
	status, header, body := exGet(t, h, link)
	if status != http.StatusOK {
		t.Fatalf("download: status %d, want 200: %s", status, body)
	}
	if cd := header.Get("Content-Disposition"); !strings.Contains(cd, `filename="sammachip-signin-`) || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("Content-Disposition %q, want the sign-in sheets' file names", cd)
	}
	f, cells := exCells(t, body)
	// หมู่ 5's day 1 is today: its two sheets and, its week begun, the record.
	if got, want := f.GetSheetList(), []string{"ลงชื่อ ม.5 ว.1", "วิทยากร ม.5 ว.1", "บันทึก ม.5"}; !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	for _, want := range []string{"ใบลงชื่อเข้าร่วมกิจกรรม", "ใบลงชื่อวิทยากร", "หมู่ที่ 5 บ้านโนนสูง ตำบลโนนสูง", "มาลี แก้วใส", "45/1", "ประยูร ทองดี", "สถานที่ ศาลาประชาคม"} {
		if !slices.Contains(cells, want) {
			t.Errorf("no cell %q in the sheets", want)
		}
	}
	if !slices.ContainsFunc(cells, func(c string) bool { return strings.Contains(c, "2569") }) {
		t.Error("no Buddhist-Era date in the sheets")
	}
	for _, id := range []string{exOfficerID, exSageID, exHeadID} {
		if slices.ContainsFunc(cells, func(c string) bool { return strings.Contains(c, id) }) {
			t.Errorf("the sheets show LINE id %s", id)
		}
	}
	if status, _, _ := exGet(t, h, link); status != http.StatusGone {
		t.Errorf("second download: status %d, want 410", status)
	}

	// In English, and from the export card's button.
	if got := somsri.Say("sign-in sheets"); !got.Contains(h.Text("report.signin.link.title")) {
		t.Errorf("typed sign-in sheets: got %s, want the card", got)
	}
	card := somsri.Say("ส่งออก")
	if _, ok := card.Button("ใบลงชื่อ"); !ok {
		t.Fatalf("export card buttons %q, want ใบลงชื่อ", card.Labels())
	}
	got = somsri.TapLabel("ใบลงชื่อ")
	if status, _, body := exGet(t, h, exLink(t, got)); status != http.StatusOK {
		t.Errorf("download from the export card's button: status %d: %s", status, body)
	}
}

// TestSigninCLI: sammachip export --format signin, its narrowing flags and
// its refusals.
func TestSigninCLI(t *testing.T) {
	h := NewHarness(t)
	exOfficer(t, h)
	exProgramme(t, h)
	vid := h.VillageID(5)
	err := h.DB().Update(func(tx flows.Tx) error {
		d := flows.ProgrammeDay{Village: vid, Day: 2, Date: h.Now().AddDate(0, 0, 1).Format("2006-01-02"), Start: "09:00", End: "12:00", Place: "วัดโนนสูง", Rev: 1}
		return tx.Days().Put(flows.DayRef{Village: vid, Day: 2}, d)
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sheets := func(path string) []string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := exCells(t, data)
		return f.GetSheetList()
	}

	out := filepath.Join(dir, "signin.xlsx")
	res := cliRun(t, h.DBPath, nil, "export", "--format", "signin", "--out", out)
	if res.exit != 0 || !strings.Contains(res.stderr, "5 แผ่นงาน") {
		t.Fatalf("export --format signin: exit %d, stderr %q", res.exit, res.stderr)
	}
	if got, want := sheets(out), []string{"ลงชื่อ ม.5 ว.1", "วิทยากร ม.5 ว.1", "ลงชื่อ ม.5 ว.2", "วิทยากร ม.5 ว.2", "บันทึก ม.5"}; !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v (%v), want 0600: the sheets hold names", fi.Mode().Perm(), err)
	}

	narrow := filepath.Join(dir, "day2.xlsx")
	if res := cliRun(t, h.DBPath, nil, "export", "--format", "signin", "--village", "ต.โนนสูง/หมู่ 5", "--day", "2", "--out", narrow); res.exit != 0 {
		t.Fatalf("--village --day: exit %d, stderr %q", res.exit, res.stderr)
	}
	if got, want := sheets(narrow), []string{"ลงชื่อ ม.5 ว.2", "วิทยากร ม.5 ว.2"}; !slices.Equal(got, want) {
		t.Errorf("--village ต.โนนสูง/หมู่ 5 --day 2: sheets %q, want %q", got, want)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown village", []string{"--format", "signin", "--village", "โนนสูง/9"}, "ไม่พบหมู่บ้าน “โนนสูง/9” ในรอบนี้ค่ะ"},
		{"village of another ตำบล", []string{"--format", "signin", "--village", "หนองบัว/5"}, "ไม่พบหมู่บ้าน “หนองบัว/5”"},
		{"unknown day", []string{"--format", "signin", "--day", "6"}, "ไม่รู้จักวันอบรม “6” ค่ะ"},
		{"a day without a date", []string{"--format", "signin", "--village", "หนองบัว/7", "--day", "1"}, "ยังไม่มีวันอบรมที่กำหนดวันแล้ว"},
		{"narrowing the report", []string{"--day", "1"}, "--village และ --day ใช้ได้กับ --format signin เท่านั้นค่ะ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := filepath.Join(dir, "x.xlsx")
			res := cliRun(t, h.DBPath, nil, append([]string{"export", "--out", x}, tt.args...)...)
			if res.exit != 2 || !strings.Contains(res.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", res.exit, res.stderr, tt.want)
			}
			if _, err := os.Stat(x); !os.IsNotExist(err) {
				t.Errorf("a file was written: %v", err)
			}
		})
	}
	if res := cliRun(t, h.DBPath, nil, "help"); !strings.Contains(res.stdout+res.stderr, "--village TAMBON/MOO") || !strings.Contains(res.stdout+res.stderr, "--format signin") {
		t.Errorf("help does not tell of --village: %q", res.stdout+res.stderr)
	}
}
