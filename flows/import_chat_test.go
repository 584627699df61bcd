package flows_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Files sent in the chat, at the level of the rules: what the preview
// says each file will do, village by village, and what the officer is
// told to do next. (The whole path through LINE's webhook and data
// endpoint is cmd/sammachip/e2e_chat_import_test.go.)

const icOfficer = "Uic00000000000000000000000000001"

// icText renders an outcome's replies in Thai, one line each for a
// card's title, text and "label: value" fields.
func icText(out flows.Outcome) string {
	th := func(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }
	var b strings.Builder
	for _, rep := range out.Replies {
		if rep.Title != nil {
			b.WriteString(th(*rep.Title) + "\n")
		}
		b.WriteString(th(rep.Text) + "\n")
		for _, f := range rep.Fields {
			b.WriteString(th(f.Label) + ": " + th(f.Value) + "\n")
		}
	}
	return b.String()
}

// icQuick is the labels of an outcome's last quick-reply chips.
func icQuick(out flows.Outcome) []string {
	var labels []string
	for _, rep := range out.Replies {
		if len(rep.Quick) == 0 {
			continue
		}
		labels = labels[:0]
		for _, a := range rep.Quick {
			labels = append(labels, catalog.MustText(locales.Thai, a.Label.Key, a.Label.Args))
		}
	}
	return labels
}

// icButton is the data of the button labelled label.
func icButton(t *testing.T, out flows.Outcome, label string) string {
	t.Helper()
	for _, rep := range out.Replies {
		for _, a := range rep.Buttons {
			if catalog.MustText(locales.Thai, a.Label.Key, a.Label.Args) == label {
				return a.Data
			}
		}
	}
	t.Fatalf("no button %q in:\n%s", label, icText(out))
	return ""
}

func (r *rig) icFile(name, content string) flows.Outcome {
	r.t.Helper()
	return r.handle(icOfficer, flows.Input{Kind: flows.InputFile,
		File: &flows.FileIn{MessageID: "1", Name: name, Size: int64(len(content)), Data: []byte(content)}})
}

// TestChatImportPreviewSaysWhatHappens: each of a district's three files
// gets a preview that names, village by village, what importing it does,
// and after the import the next step of the setup, with its chip.
func TestChatImportPreviewSaysWhatHappens(t *testing.T) {
	r := newRig(t)
	r.officer(icOfficer, "สมศรี")
	th := func(key string, kv ...any) string {
		args := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			args[kv[i].(string)] = kv[i+1]
		}
		return catalog.MustText(locales.Thai, key, args)
	}
	importIt := func(out flows.Outcome) flows.Outcome {
		t.Helper()
		return r.tap(icOfficer, icButton(t, out, th("import.chat.btn.import")))
	}
	d := r.now.AddDate(0, 0, 7) // a Tuesday, 8 December 2026
	schedule := "หมู่ที่,ตำบล,วันอบรม,วันที่,เริ่ม,เลิก,สถานที่,สถานที่ดูงาน,จุดนัดพบ,เวลาออกเดินทาง,สิ่งที่ต้องเตรียม\n"
	for day := 1; day <= flows.Days; day++ {
		visit := ",,,"
		if day == 4 {
			visit = "ศูนย์เรียนรู้,หน้าวัด,07:30,หมวก"
		}
		schedule += fmt.Sprintf("4,โนนทอง,%d,%s,09:00,15:00,ศาลา,%s\n", day, d.AddDate(0, 0, day-1).Format("2006-01-02"), visit)
	}
	schedule += "9,โนนทอง,2," + d.AddDate(0, 0, 8).Format("2006-01-02") + ",09:00,15:00,ศาลา,,,,\n"
	tests := []struct {
		name, file, content string
		// preview and done hold lines the officer must see; chips
		// the chips under the last answer after the import.
		preview, done, chips []string
	}{
		{
			name: "villages, under a title row",
			file: "หมู่บ้าน.csv",
			content: "รายชื่อหมู่บ้าน ปีงบประมาณ 2570,,,\n" +
				"หมู่ที่,ชื่อหมู่บ้าน,ตำบล,อาชีพ\n4,บ้านโคกกลาง,โนนทอง,ทอผ้าไหม\n9,บ้านหนองหญ้าปล้อง,โนนทอง,เพาะเห็ด\n",
			preview: []string{"📄 ไฟล์รายชื่อหมู่บ้าน", "จะเพิ่ม 2 · แก้ไข 0 · ไม่เปลี่ยน 0",
				"เพิ่ม: หมู่ 4 บ้านโคกกลาง ต.โนนทอง", "เพิ่ม: หมู่ 9 บ้านหนองหญ้าปล้อง ต.โนนทอง"},
			done:  []string{th("import.chat.next.villages")},
			chips: []string{th("village.btn.list")},
		},
		{
			name: "households",
			file: "ครัวเรือน.csv",
			content: "หมู่ที่,ตำบล,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก,รายได้\n" +
				"4,โนนทอง,12,นายสมชาย ใจดี,4,24000\n4,โนนทอง,45/3,นางมาลี ศรีสุข,3,18000\n9,โนนทอง,8,นายบุญมี มีสุข,2,30000\n",
			preview: []string{"📄 ไฟล์รายชื่อครัวเรือน", "จะเพิ่ม 3 · แก้ไข 0 · ไม่เปลี่ยน 0",
				"หมู่ 4: บ้านโคกกลาง ต.โนนทอง\n2 ครัวเรือน", "หมู่ 9: บ้านหนองหญ้าปล้อง ต.โนนทอง\n1 ครัวเรือน"},
			done:  []string{th("import.chat.next.households")},
			chips: []string{th("richmenu.item.select.label"), th("village.btn.list")},
		},
		{
			name:    "schedule",
			file:    "ตาราง.csv",
			content: schedule,
			preview: []string{"📄 ไฟล์ตารางอบรม", "จะเพิ่ม 6 · แก้ไข 0 · ไม่เปลี่ยน 0",
				"หมู่ 4: บ้านโคกกลาง ต.โนนทอง\nวันอบรม 1–5 · อ. 8 ธ.ค. 69 ถึง ส. 12 ธ.ค. 69",
				"หมู่ 9: บ้านหนองหญ้าปล้อง ต.โนนทอง\nวันอบรม 2 · พ. 16 ธ.ค. 69"},
			done:  []string{th("import.chat.next.schedule")},
			chips: []string{th("richmenu.item.setschedule.label"), th("richmenu.item.summary.label")},
		},
	}
	for _, tt := range tests {
		// The steps build on each other, in a setup's order.
		preview := r.icFile(tt.file, tt.content)
		got := icText(preview)
		for _, want := range tt.preview {
			if !strings.Contains(got, want) {
				t.Errorf("%s: the preview does not say %q:\n%s", tt.name, want, got)
			}
		}
		done := importIt(preview)
		got = icText(done)
		for _, want := range tt.done {
			if !strings.Contains(got, want) {
				t.Errorf("%s: after the import the officer is not told %q:\n%s", tt.name, want, got)
			}
		}
		if chips := icQuick(done); !slices.Equal(chips, tt.chips) {
			t.Errorf("%s: chips %q after the import, want %q", tt.name, chips, tt.chips)
		}
	}
}

// TestChatImportProblemsNameExcelRows: a household list with mistakes is
// refused with each problem on its Excel row, saying what to write, an
// empty cell as missing rather than as "“” is not valid".
func TestChatImportProblemsNameExcelRows(t *testing.T) {
	r := ihRig(t)
	r.officer(icOfficer, "สมศรี")
	out := r.icFile("ครัวเรือน.csv", "รายชื่อครัวเรือนเป้าหมาย,,,,\n"+
		"หมู่ที่,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,จำนวนสมาชิก,รายได้\n"+
		"5,,นายสมชาย ใจดี,4,24000\n"+
		"5,12,นางมาลี ศรีสุข,,18000\n"+
		",8,นายบุญมี มีสุข,2,\n"+
		"19,9,นางสาย ดี,2,\n")
	got := icText(out)
	for _, want := range []string{
		"แถว 3: ไม่มีบ้านเลขที่ ใส่เลขที่บ้าน เช่น 12 หรือ 45/3",
		"แถว 4: ไม่มีจำนวนสมาชิก ใส่ตัวเลข 1 ถึง 30",
		"แถว 5: ไม่มีหมู่ที่ ใส่เลขหมู่ เช่น 5",
		"แถว 6: ไม่มีหมู่ 19 ในรอบนี้ ตรวจเลขหมู่ หรือส่งรายชื่อหมู่บ้านก่อน",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the answer does not say %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "“”") {
		t.Errorf("the answer quotes an empty cell:\n%s", got)
	}
}
