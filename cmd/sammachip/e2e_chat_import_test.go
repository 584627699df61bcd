package main

// Files in, through the chat (flows/import_chat.go): an officer sends a
// village list, a household list and a schedule as LINE file messages;
// the bot fetches each from the fake LINE's data endpoint, previews it and
// imports it only when the officer says so.

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/sammachip/sammachip/flows"
)

const (
	ciOfficer  = "Uc1000000000000000000000000000001"
	ciVillager = "Uc1000000000000000000000000000002"
	ciHead     = "Uc1000000000000000000000000000003"
)

// ciVillagesCSV is a village list as Excel saves "CSV UTF-8": with a
// byte-order mark, Thai headers and a Thai digit.
const ciVillagesCSV = "\uFEFFหมู่ที่,ชื่อหมู่บ้าน,ตำบล,อาชีพ,จำนวนครัวเรือน\r\n๕,บ้านโนนสูง,โนนสูง,ทำน้ำพริก,20\r\n7,บ้านหนองบัว,หนองบัว,สานตะกร้า,\r\n"

// ciHouseholdsCSV is a household list as a จปฐ. extract: income per
// person per year.
const ciHouseholdsCSV = "หมู่ที่,ตำบล,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก,รายได้,โทรศัพท์,อาชีพที่สนใจ\r\n" +
	"5,โนนสูง,12,นายสมชาย ใจดี,4,24000,081-234-5678,ทำน้ำพริก\r\n" +
	"5,โนนสูง,๔๕/๓,นางมาลี ศรีสุข,3,18000,,ทำน้ำพริก\r\n" +
	"7,หนองบัว,8,นายบุญมี มีสุข,2,30000,,ไม่สนใจ\r\n"

// windows874 encodes s as Excel's Thai "ANSI" CSV.
func windows874(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows874.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode Windows-874: %v", err)
	}
	return b
}

// ciScheduleXLSX is หมู่ 5's five days as a workbook whose dates are date
// cells (shown in a Thai format) and whose times are time cells.
func ciScheduleXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := f.GetSheetName(0)
	rows := [][]any{{"หมู่ที่", "ตำบล", "วันอบรม", "วันที่", "เริ่ม", "เลิก", "สถานที่", "สถานที่ดูงาน", "จุดนัดพบ", "เวลาออกเดินทาง", "สิ่งที่ต้องเตรียม"}}
	for d := 1; d <= 5; d++ {
		row := []any{5, "โนนสูง", d, time.Date(2026, 4, 6+d, 0, 0, 0, 0, time.UTC), 9.0 / 24, 15.0 / 24, "ศาลาประชาคม", "", "", "", ""}
		if d == 4 {
			row[7], row[8], row[9], row[10] = "ศูนย์เรียนรู้บ้านหนองแวง", "หน้าวัด", 7.5/24, "หมวก"
		}
		rows = append(rows, row)
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
	for _, c := range []struct {
		col   string
		style int
	}{{"D", dates}, {"E", clock}, {"F", clock}, {"J", clock}} {
		if err := f.SetCellStyle(sh, c.col+"2", c.col+"6", c.style); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sendFile sends data as a file message that the fake LINE serves.
func (p *Persona) sendFile(name string, data []byte) Received {
	p.h.t.Helper()
	return p.Send(p.h.events.FileEventWith(p.src, name, data, p.h.Now()))
}

// anywhere reports whether s is in any message received, cards included
// (a card's rows are not in its alt text).
func anywhere(r Received, s string) bool {
	for _, m := range r.Messages {
		if bytes.Contains(m, []byte(s)) {
			return true
		}
	}
	return false
}

// all is every message received, for failure messages.
func all(r Received) string {
	var b strings.Builder
	for _, m := range r.Messages {
		b.Write(m)
		b.WriteString("\n")
	}
	return b.String()
}

func ciCount(h *Harness) (villages, households, days int) {
	h.t.Helper()
	err := h.DB().View(func(tx flows.Tx) error {
		vs, err := flows.ListVillages(tx)
		if err != nil {
			return err
		}
		villages = len(vs)
		for _, v := range vs {
			hs, err := flows.VillageHouseholds(tx, v.ID)
			if err != nil {
				return err
			}
			households += len(hs)
			s, err := flows.GetSchedule(tx, v.ID)
			if err != nil {
				return err
			}
			for _, d := range s {
				if d != nil {
					days++
				}
			}
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return
}

func pendingImports(h *Harness) int {
	h.t.Helper()
	n := 0
	err := h.DB().View(func(tx flows.Tx) error {
		return tx.Pending().Each(func(k string, _ flows.Answers) error {
			if strings.HasPrefix(k, "import:") {
				n++
			}
			return nil
		})
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestChatImportWholeDistrict: an officer sets up villages (UTF-8 CSV
// with a BOM), households (Windows-874 CSV) and a schedule (xlsx with date
// cells) by sending three files; each is previewed, nothing changes until
// นำเข้า, and a household imported from the list is asked for consent when
// it links LINE.
func TestChatImportWholeDistrict(t *testing.T) {
	h := NewHarness(t)
	officer := h.officer(ciOfficer, "สมศรี ใจดี")
	btnImport, btnCancel := h.Text("import.chat.btn.import"), h.Text("core.cmd.cancel")

	// Villages: a preview with the counts and two buttons; nothing yet.
	got := officer.sendFile("หมู่บ้าน.csv", []byte(ciVillagesCSV))
	counts := h.Text("import.chat.counts", "Added", 2, "Updated", 0, "Unchanged", 0)
	if !got.Contains(counts) || !got.Contains(h.Text("import.chat.kind.villages")) {
		t.Fatalf("villages preview: got %s, want the kind and %q", got, counts)
	}
	if _, ok := got.Button(btnImport); !ok {
		t.Fatalf("villages preview: no %q button in %q", btnImport, got.Labels())
	}
	if _, ok := got.Button(btnCancel); !ok {
		t.Fatalf("villages preview: no %q button in %q", btnCancel, got.Labels())
	}
	if v, _, _ := ciCount(h); v != 0 {
		t.Fatalf("after the preview got %d villages, want 0: nothing changes until confirmed", v)
	}
	got = officer.TapLabel(btnImport)
	if !got.Contains(h.Text("import.chat.done_counts", "Added", 2, "Updated", 0, "Unchanged", 0)) {
		t.Fatalf("villages import: got %s", got)
	}
	if v, _, _ := ciCount(h); v != 2 {
		t.Fatalf("after import got %d villages, want 2", v)
	}
	if n := pendingImports(h); n != 0 {
		t.Errorf("after import %d files wait, want 0", n)
	}
	// The same file again: nothing new, no button.
	got = officer.sendFile("หมู่บ้าน.csv", []byte(ciVillagesCSV))
	if _, ok := got.Button(btnImport); ok || !got.Contains(h.Text("import.chat.counts", "Added", 0, "Updated", 0, "Unchanged", 2)) {
		t.Errorf("same villages again: got %s (buttons %q), want nothing new and no import button", got, got.Labels())
	}

	// Households, in Excel's Thai ANSI: the preview asks to confirm the
	// office's own survey; the typed label imports.
	got = officer.sendFile("ครัวเรือน.csv", windows874(t, ciHouseholdsCSV))
	if !got.Contains(h.Text("import.chat.counts", "Added", 3, "Updated", 0, "Unchanged", 0)) || !got.Contains("สำรวจของสำนักงาน") {
		t.Fatalf("households preview: got %s", got)
	}
	if _, hh, _ := ciCount(h); hh != 0 {
		t.Fatalf("after the preview got %d households, want 0", hh)
	}
	got = officer.Say("นำเข้า")
	if !got.Contains(h.Text("import.chat.done_counts", "Added", 3, "Updated", 0, "Unchanged", 0)) {
		t.Fatalf("households import: got %s", got)
	}
	var somchai flows.Household
	err := h.DB().View(func(tx flows.Tx) error {
		hs, err := flows.VillageHouseholds(tx, h.VillageID(5))
		for _, x := range hs {
			if x.HouseNo == "12" {
				somchai = x
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case somchai.ID == "":
		t.Fatalf("no household at house 12")
	case somchai.Basis != flows.BasisOfficeSurvey || !somchai.Consent.At.IsZero():
		t.Errorf("got basis %q consent %v, want the office's survey and no consent yet", somchai.Basis, somchai.Consent)
	case somchai.Income != 8000 || !somchai.IncomeKnown:
		t.Errorf("got income %d a month, want 24,000 a person a year × 4 ÷ 12 = 8000", somchai.Income)
	case somchai.LinkCode == "" || somchai.EnrolledBy != ciOfficer || somchai.Status != flows.StatusApplicant:
		t.Errorf("got code %q by %q status %q, want a link code, enrolled by the officer, an applicant", somchai.LinkCode, somchai.EnrolledBy, somchai.Status)
	case !somchai.LinkCodeExpires(flows.DefaultLinkCodeTTL).Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, bangkok)):
		t.Errorf("got the code valid until %v, want the round's end (1 Oct 2026)", somchai.LinkCodeExpires(flows.DefaultLinkCodeTTL))
	}

	// A village now in use: a change is listed apart, with นำเข้าและแก้ไข.
	renamed := strings.Replace(ciVillagesCSV, "บ้านโนนสูง", "บ้านโนนสูงใหม่", 1)
	got = officer.sendFile("หมู่บ้าน2.csv", []byte(renamed))
	btnUpdate := h.Text("import.chat.btn.import_update")
	if _, ok := got.Button(btnUpdate); !ok || !got.Contains("บ้านโนนสูงใหม่") {
		t.Fatalf("a village in use: got %s (buttons %q), want it listed and %q", got, got.Labels(), btnUpdate)
	}
	if _, ok := got.Button(btnImport); ok {
		t.Errorf("a village in use: a plain %q button too", btnImport)
	}
	got = officer.Say("ยกเลิก")
	if !got.Contains(h.Text("import.chat.cancelled")) || pendingImports(h) != 0 {
		t.Fatalf("cancel: got %s, %d waiting", got, pendingImports(h))
	}
	if v := villageNumbered(t, h.DB(), 5); v.Name != "บ้านโนนสูง" {
		t.Errorf("after cancel the village is %q, want unchanged", v.Name)
	}

	// A list waiting to be confirmed holds personal data: a person's
	// deletion reaches it (Tx.ForgetCopies covers the pending store).
	got = officer.sendFile("เพิ่ม.csv", []byte("หมู่ที่,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก\n7,20,นางสาวจันทร์เพ็ญ แสงดี,2\n"))
	if pendingImports(h) != 1 {
		t.Fatalf("a new household's list: got %s, %d waiting", got, pendingImports(h))
	}
	if err := h.DB().Update(func(tx flows.Tx) error {
		return tx.ForgetCopies([][]byte{[]byte("จันทร์เพ็ญ แสงดี")})
	}); err != nil {
		t.Fatal(err)
	}
	if n := pendingImports(h); n != 0 {
		t.Errorf("after the person's deletion %d lists wait, want 0", n)
	}

	// The schedule as a workbook with date and time cells.
	got = officer.sendFile("ตารางอบรม.xlsx", ciScheduleXLSX(t))
	if !got.Contains(h.Text("import.chat.counts", "Added", 5, "Updated", 0, "Unchanged", 0)) {
		t.Fatalf("schedule preview: got %s", all(got))
	}
	got = officer.TapLabel(btnImport)
	if !got.Contains(h.Text("import.chat.done_counts", "Added", 5, "Updated", 0, "Unchanged", 0)) {
		t.Fatalf("schedule import: got %s", got)
	}
	err = h.DB().View(func(tx flows.Tx) error {
		d, ok, err := flows.GetDay(tx, h.VillageID(5), 4)
		if err != nil || !ok {
			t.Fatalf("day 4: %v %v", ok, err)
		}
		if d.Date != "2026-04-10" || d.Start != "09:00" || d.End != "15:00" || d.Departure != "07:30" {
			t.Errorf("day 4: got %s %s–%s departing %s, want 2026-04-10 09:00–15:00 departing 07:30", d.Date, d.Start, d.End, d.Departure)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// The head links LINE with the code: the notice and consent first; a
	// no links nothing, and the code still works.
	head := h.User(ciHead)
	head.Follow()
	got = head.Say(somchai.LinkCode)
	if !got.Contains(h.Text("import.hh.link_notice")) {
		t.Fatalf("link code of an imported household: got %s, want the notice", got)
	}
	if got = head.TapLabel(h.Text("conv.btn.disagree")); !got.Contains(h.Text("import.hh.link_declined")) {
		t.Fatalf("no to the notice: got %s", got)
	}
	if got = head.Say(somchai.LinkCode); !got.Contains(h.Text("import.hh.link_notice")) {
		t.Fatalf("the code again: got %s, want the notice", got)
	}
	if linked, _ := stored(h, flows.Tx.Households, somchai.ID); linked.UserID != "" {
		t.Fatalf("linked before the consent")
	}
	got = head.Say("ยินยอม") // the button's label typed
	if !got.Contains(h.Text("household.link.done", "Name", "สมชาย")) {
		t.Fatalf("after consent: got %s", got)
	}
	linked, _ := stored(h, flows.Tx.Households, somchai.ID)
	if linked.UserID != ciHead || linked.Consent.At.IsZero() || linked.Consent.Version != flows.HouseholdNoticeVersion {
		t.Errorf("got user %q consent %+v, want linked with the consent", linked.UserID, linked.Consent)
	}
}

// TestChatImportRefusals: a file with problems, an unknown file, another
// type, a non-officer's file, a fetch that fails, and a file left waiting.
func TestChatImportRefusals(t *testing.T) {
	h := NewHarness(t)
	officer := h.officer(ciOfficer, "สมศรี ใจดี")
	btnImport := h.Text("import.chat.btn.import")

	t.Run("problems", func(t *testing.T) {
		bad := "moo,name,tambon,occupation\n5,บ้านโนนสูง,โนนสูง,ทำน้ำพริก\nห้า,บ้านหนองบัว,หนองบัว,สานตะกร้า\n"
		got := officer.sendFile("villages.csv", []byte(bad))
		if !anywhere(got, h.Text("import.chat.line_label", "Line", 3)) || !anywhere(got, h.Text("village.import.err.moo", "Value", "ห้า")) {
			t.Errorf("got %s, want line 3's problem", all(got))
		}
		if _, ok := got.Button(btnImport); ok {
			t.Errorf("a file with problems has an import button")
		}
		if n := pendingImports(h); n != 0 {
			t.Errorf("%d files wait, want 0", n)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		got := officer.sendFile("budget.csv", []byte("รายการ,จำนวนเงิน\nค่าอาหาร,1500\n"))
		if !got.Contains(h.Text("import.chat.unknown")) {
			t.Errorf("got %s, want the unknown file's answer", got)
		}
	})
	t.Run("another type", func(t *testing.T) {
		e := h.events.FileEventWith(officer.src, "รายงาน.pdf", []byte("%PDF-1.7"), h.Now())
		got := officer.Send(e)
		if !got.Contains(h.Text("import.chat.wrong_type", "Name", "รายงาน.pdf")) {
			t.Errorf("got %s", got)
		}
		if n := h.Fake.ContentFetches(e.MessageID()); n != 0 {
			t.Errorf("a .pdf was fetched %d times, want 0", n)
		}
	})
	t.Run("not an officer", func(t *testing.T) {
		villager := h.User(ciVillager)
		villager.Follow()
		e := h.events.FileEventWith(villager.src, "ครัวเรือน.csv", []byte(ciHouseholdsCSV), h.Now())
		got := villager.Send(e)
		if !got.Contains(h.Text("import.chat.officers_only")) {
			t.Errorf("got %s", got)
		}
		if n := h.Fake.ContentFetches(e.MessageID()); n != 0 {
			t.Errorf("a non-officer's file was fetched %d times, want 0", n)
		}
	})
	t.Run("too big", func(t *testing.T) {
		got := officer.Send(h.events.FileEvent(officer.src, "big.csv", flows.MaxImportSize+1, h.Now()))
		if !got.Contains(h.Text("import.chat.too_big", "MiB", flows.MaxImportSize>>20)) {
			t.Errorf("got %s", got)
		}
	})
	t.Run("fetch fails", func(t *testing.T) {
		h.AllowRejections("no content for message")
		got := officer.Send(h.events.FileEvent(officer.src, "villages.csv", 120, h.Now()))
		if !got.Contains(h.Text("import.chat.fetch_failed")) || !strings.Contains(h.Text("import.chat.fetch_failed"), "ส่งไฟล์อีกครั้ง") {
			t.Errorf("got %s, want ส่งไฟล์อีกครั้ง", got)
		}
	})
	t.Run("expired", func(t *testing.T) {
		got := officer.sendFile("villages.csv", []byte(ciVillagesCSV))
		if _, ok := got.Button(btnImport); !ok {
			t.Fatalf("got %s, want a preview", got)
		}
		h.Advance(flows.ImportPendingTTL + time.Minute)
		if err := h.DB().Update(func(tx flows.Tx) error { _, err := flows.PruneImports(tx, h.Now()); return err }); err != nil {
			t.Fatal(err)
		}
		if n := pendingImports(h); n != 0 {
			t.Errorf("after its hour %d files wait, want 0 (it holds personal data)", n)
		}
		got = officer.TapLabel(btnImport)
		if !got.Contains(h.Text("import.chat.none_waiting")) {
			t.Errorf("a tap after expiry: got %s", got)
		}
		if v, _, _ := ciCount(h); v != 0 {
			t.Errorf("got %d villages, want 0", v)
		}
	})
}

// TestImportHouseholdsCLI: `sammachip import households FILE` imports a
// list (an xlsx here) and prints each new household's link code; a bad
// list imports nothing.
func TestImportHouseholdsCLI(t *testing.T) {
	h := NewHarness(t)
	if res := cliRunEnv(t, h.DBPath, nil, h.Now(), cliVillages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %q", res.stderr)
	}
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	for i, r := range [][]any{
		{"moo", "tambon", "house_no", "head_name", "members", "income_month", "phone", "occupation_interest"},
		{5, "โนนสูง", "12", "นายสมชาย ใจดี", 4, 6000, "0812345678", "ทำน้ำพริก"},
		{7, "หนองบัว", "3/1", "นางสาวแก้ว ดีงาม", 1, 2500, "", ""},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := cliWriteFile(t, "households.xlsx", "")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	res := cliRun(t, h.DBPath, nil, "import", "households", path)
	if res.exit != 0 {
		t.Fatalf("import households: exit %d, %q", res.exit, res.stderr)
	}
	if !strings.Contains(res.stdout, "นายสมชาย ใจดี") || strings.Count(res.stdout, h.Text("import.cli.code", "Moo", 5, "Village", "บ้านโนนสูง",
		"House", "12", "Name", "นายสมชาย ใจดี", "Code", "")) != 1 {
		t.Errorf("got %q, want each new household with its code", res.stdout)
	}
	if _, hh, _ := ciCount(h); hh != 2 {
		t.Errorf("got %d households, want 2", hh)
	}
	// Again: nothing new.
	if res := cliRun(t, h.DBPath, nil, "import", "households", path); res.exit != 0 || strings.Contains(res.stdout, "นายสมชาย ใจดี  ") {
		t.Errorf("second import: exit %d, %q", res.exit, res.stdout)
	}
	bad := cliWriteFile(t, "bad.csv", "moo,house_no,head_name,members\n5,12,นายสมหมาย ใจงาม,40\n")
	res = cliRun(t, h.DBPath, nil, "import", "households", bad)
	if res.exit == 0 || !strings.Contains(res.stderr, h.Text("import.hh.err.members", "Value", "40", "Max", 30)) {
		t.Errorf("a bad list: exit %d, %q", res.exit, res.stderr)
	}
	if _, hh, _ := ciCount(h); hh != 2 {
		t.Errorf("after a bad list got %d households, want 2", hh)
	}
}
