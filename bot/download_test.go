package bot_test

import (
	"bytes"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

// dlRig is a bot serving report downloads over real HTTP, on a real bbolt
// file, with a settable clock.
type dlRig struct {
	t      *testing.T
	db     *storage.DB
	eng    *flows.Engine
	ts     *httptest.Server
	logs   *bytes.Buffer
	mu     sync.Mutex
	now    time.Time
	tokens []string
}

var dlBangkok = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		panic(err)
	}
	return loc
}()

func newDLRig(t *testing.T) *dlRig {
	t.Helper()
	r := &dlRig{t: t, logs: &bytes.Buffer{}, now: time.Date(2026, 12, 7, 9, 0, 0, 0, dlBangkok)}
	db, err := storage.Open(filepath.Join(t.TempDir(), "dl.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	r.db = db
	cat := locales.MustLoad()
	n := 0
	r.eng = flows.NewEngine(flows.Config{Location: dlBangkok, Catalog: cat,
		NewToken: func() string {
			n++
			tok := strings.Repeat("k", 40) + string(rune('a'+n))
			r.tokens = append(r.tokens, tok)
			return tok
		},
		DownloadURL: func(token string) string { return "https://sammachip.example.go.th/download/" + token },
	})
	var logMu sync.Mutex
	log := slog.New(slog.NewJSONHandler(lockedWriter{&logMu, r.logs}, nil))
	srv, err := bot.New(bot.Config{ChannelSecret: testSecret, AccessToken: "token", APIEndpoint: "http://127.0.0.1:1", Location: dlBangkok},
		db, r.eng, cat, log, r.clock)
	if err != nil {
		t.Fatal(err)
	}
	srv.MountDownloads(r.eng, cat)
	r.ts = httptest.NewServer(srv.Echo())
	t.Cleanup(r.ts.Close)
	err = db.Update(func(tx flows.Tx) error {
		for _, u := range []flows.User{
			{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี ใจดี", Lang: locales.Thai},
			{ID: "Uofficer_en", Active: true, Officer: true, Name: "Somsri", Lang: locales.English},
		} {
			if err := tx.Users().Put(u.ID, u); err != nil {
				return err
			}
		}
		return flows.PutVillage(tx, &flows.Village{ID: 5, Moo: 5, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Occupation: "ทำน้ำพริก", Capacity: 20})
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (r *dlRig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

func (r *dlRig) advance(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.now = r.now.Add(d)
}

// link has the officer type ส่งออก and returns the path of the link the
// card's button opens.
func (r *dlRig) link(officer string) string {
	r.t.Helper()
	var out flows.Outcome
	err := r.db.Update(func(tx flows.Tx) error {
		var err error
		out, err = r.eng.Handle(tx, flows.Input{Kind: flows.InputText, UserID: officer, Text: "ส่งออก", At: r.clock()})
		return err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	for _, rep := range out.Replies {
		for _, b := range rep.Buttons {
			if p, ok := strings.CutPrefix(b.URI, "https://sammachip.example.go.th"); ok {
				return p
			}
		}
	}
	r.t.Fatalf("no download button in %+v", out.Replies)
	return ""
}

type dlResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r *dlRig) get(path string) dlResponse {
	r.t.Helper()
	res, err := http.Get(r.ts.URL + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		r.t.Fatal(err)
	}
	return dlResponse{res.StatusCode, res.Header, body}
}

func TestDownloadWorksOnceThenGone(t *testing.T) {
	r := newDLRig(t)
	path := r.link("Uofficer")
	r.advance(5 * time.Minute)

	res := r.get(path)
	if res.status != http.StatusOK {
		t.Fatalf("first download: status %d, want 200: %s", res.status, res.body)
	}
	wantHeaders := map[string]string{
		"Content-Type":  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"Cache-Control": "no-store",
	}
	for k, want := range wantHeaders {
		if got := res.header.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	disp, params, err := mime.ParseMediaType(res.header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" {
		t.Fatalf("Content-Disposition %q: %v", res.header.Get("Content-Disposition"), err)
	}
	if got, want := params["filename"], "รายงานสัมมาชีพชุมชน-2569-12-07-0905.xlsx"; got != want {
		t.Errorf("file name: got %q, want %q", got, want)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatalf("the download is no XLSX: %v", err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"ทะเบียนปราชญ์", "ครัวเรือน", "การเข้าร่วม", "ความก้าวหน้า", "ตัวชี้วัด", "การติดตามผล"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets: got %q, want %q", got, want)
	}
	if v, _ := f.GetCellValue("ความก้าวหน้า", "A6"); v != "หมู่ 5 บ้านโนนสูง" { // under the title block and header
		t.Errorf("progress A6: got %q, want the village", v)
	}

	again := r.get(path)
	if again.status != http.StatusGone {
		t.Errorf("second download: status %d, want 410", again.status)
	}
	if !strings.Contains(string(again.body), "ลิงก์นี้ใช้ไปแล้วหรือหมดอายุแล้ว") || again.header.Get("Cache-Control") != "no-store" {
		t.Errorf("second download: got %q (Cache-Control %q), want the Thai used-or-expired page", again.body, again.header.Get("Cache-Control"))
	}
	for _, tok := range r.tokens {
		if strings.Contains(r.logs.String(), tok) {
			t.Errorf("a log line holds the token")
		}
	}
}

func TestDownloadExpiresAfter15Minutes(t *testing.T) {
	tests := []struct {
		after time.Duration
		want  int
	}{
		{14*time.Minute + 59*time.Second, http.StatusOK},
		{15 * time.Minute, http.StatusGone},
		{16 * time.Minute, http.StatusGone},
	}
	for _, tt := range tests {
		t.Run(tt.after.String(), func(t *testing.T) {
			r := newDLRig(t)
			path := r.link("Uofficer")
			r.advance(tt.after)
			if got := r.get(path).status; got != tt.want {
				t.Errorf("status %d, want %d", got, tt.want)
			}
		})
	}
}

func TestDownloadUnknownLink(t *testing.T) {
	r := newDLRig(t)
	path := r.link("Uofficer")
	for _, p := range []string{"/download/nothing-like-it", path + "x", "/download/" + strings.Repeat("a", 300)} {
		res := r.get(p)
		if res.status != http.StatusNotFound {
			t.Errorf("%.40s: status %d, want 404", p, res.status)
		}
		if !strings.Contains(string(res.body), "ไม่พบลิงก์นี้") {
			t.Errorf("%.40s: page %q, want the Thai not-found text", p, res.body)
		}
	}
	if got := r.get(path).status; got != http.StatusOK {
		t.Errorf("the real link after unknown ones: status %d, want 200", got)
	}
}

func TestDownloadRaceOnlyOneWins(t *testing.T) {
	r := newDLRig(t)
	path := r.link("Uofficer")
	const n = 8
	statuses := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			res, err := http.Get(r.ts.URL + path)
			if err != nil {
				t.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, res.Body)
			_ = res.Body.Close()
			statuses <- res.StatusCode
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusOK] != 1 || count[http.StatusGone] != n-1 {
		t.Errorf("statuses %v, want one 200 and %d × 410", count, n-1)
	}
}

func TestDownloadInTheOfficersLanguage(t *testing.T) {
	r := newDLRig(t)
	res := r.get(r.link("Uofficer_en"))
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	_, params, _ := mime.ParseMediaType(res.header.Get("Content-Disposition"))
	if got, want := params["filename"], "sammachip-report-2026-12-07-0900.xlsx"; got != want {
		t.Errorf("file name: got %q, want %q", got, want)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{"Sage registry", "Households", "Attendance", "Progress", "Indicators", "Follow-ups"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets: got %q, want %q", got, want)
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		ascii, local string
		want         string
	}{
		{"r.xlsx", "รายงาน 1.xlsx", `attachment; filename="r.xlsx"; filename*=UTF-8''%E0%B8%A3%E0%B8%B2%E0%B8%A2%E0%B8%87%E0%B8%B2%E0%B8%99%201.xlsx`},
		{"r.xlsx", "r.xlsx", `attachment; filename="r.xlsx"`},
		{`a"b\c.xlsx`, "", `attachment; filename="a_b_c.xlsx"`},
	}
	for _, tt := range tests {
		t.Run(tt.local, func(t *testing.T) {
			got := bot.ContentDisposition(tt.ascii, tt.local)
			if got != tt.want {
				t.Errorf("got %s\nwant %s", got, tt.want)
			}
			_, params, err := mime.ParseMediaType(got)
			if err != nil {
				t.Fatalf("not a valid header: %v", err)
			}
			if want := cmpOr(tt.local, strings.NewReplacer(`"`, "_", `\`, "_").Replace(tt.ascii)); params["filename"] != want {
				t.Errorf("a browser reads the name %q, want %q", params["filename"], want)
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
