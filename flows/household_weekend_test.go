package flows_test

// After a village's day 5: what the officer, the sage and the household
// read of each household (its state word in lists and on cards, the
// officer's decision for "no attendance recorded"), as Thai text.
// Identifiers start with "we" (week end).

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// weTh renders a message in Thai.
func weTh(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }

// weRender is what a chat shows of replies, in Thai: titles, texts,
// fields as "label: value", list rows as "title — detail", buttons as
// [label] and quick replies as (label).
func weRender(replies []flows.Reply) string {
	var b strings.Builder
	for _, r := range replies {
		if r.Title != nil {
			b.WriteString(weTh(*r.Title) + "\n")
		}
		b.WriteString(weTh(r.Text) + "\n")
		for _, f := range r.Fields {
			b.WriteString(weTh(f.Label) + ": " + weTh(f.Value) + "\n")
		}
		for _, row := range r.Rows {
			b.WriteString(weTh(row.Title))
			if row.Detail != nil {
				b.WriteString(" — " + weTh(*row.Detail))
			}
			b.WriteString("\n")
		}
		for _, a := range r.Buttons {
			b.WriteString("[" + weTh(a.Label) + "]")
		}
		for _, a := range r.Quick {
			b.WriteString("(" + weTh(a.Label) + ")")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// weButtons are the Thai labels of the first reply's buttons.
func weButtons(out flows.Outcome) []string {
	var ls []string
	if len(out.Replies) > 0 {
		for _, a := range out.Replies[0].Buttons {
			ls = append(ls, weTh(a.Label))
		}
	}
	return ls
}

// weReads fails unless what the user read holds each of want.
func weReads(t *testing.T, who string, out flows.Outcome, want ...string) {
	t.Helper()
	got := weRender(out.Replies)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s reads:\n%s\nwant %q in it", who, got, w)
		}
	}
}

// weNotReads fails if what the user read holds any of bad.
func weNotReads(t *testing.T, who string, out flows.Outcome, bad ...string) {
	t.Helper()
	got := weRender(out.Replies)
	for _, w := range bad {
		if strings.Contains(got, w) {
			t.Errorf("%s reads:\n%s\nwant no %q in it", who, got, w)
		}
	}
}

// weTapLabel taps the button or chip whose Thai label is label.
func (r *rig) weTapLabel(user string, out flows.Outcome, label string) flows.Outcome {
	r.t.Helper()
	for _, a := range actions(out) {
		if weTh(a.Label) == label {
			return r.tap(user, a.Data)
		}
	}
	r.t.Fatalf("no button %q in:\n%s", label, weRender(out.Replies))
	return flows.Outcome{}
}

// weWeek sets up หมู่ 5 with three selected households and one on the
// waitlist, an officer, its lead sage and a team sage, and its five days
// from 2 to 6 December 2026 (09.00–16.00). H000001 (มาลี) taps "here" on
// day 1; สมชาย and ยายมา (no LINE) have no mark.
func weWeek(t *testing.T) *rig {
	r := newRig(t, hhOpts)
	r.hhVillage(5, 3, "ทำน้ำพริก")
	r.officer("Uofficer", "สมศรี ใจดี")
	r.sage("Ulead", 5, true)
	r.sage("Usage", 5, false)
	applied := r.now.Add(-48 * time.Hour)
	for _, h := range []flows.Household{
		{ID: "H000001", HeadName: "มาลี แก้วใส", HouseNo: "6", Members: 2, Income: 3000, UserID: "Umali", Status: flows.StatusSelected},
		{ID: "H000002", HeadName: "นายสมชาย บุญเรือง", HouseNo: "8", Members: 4, Income: 3500, UserID: "Usomchai", Status: flows.StatusSelected},
		{ID: "H000003", HeadName: "ยายมา ดีใจ", HouseNo: "44", Members: 2, Income: 2000, EnrolledBy: "Usage", Status: flows.StatusSelected},
		{ID: "H000004", HeadName: "สุวรรณ มีชัย", HouseNo: "36", Members: 3, EnrolledBy: "Usage", Status: flows.StatusWaitlisted, WaitPos: 1},
	} {
		h.Village, h.Occupation, h.Interested, h.Applied = 5, "รับจ้าง", true, applied
		h.IncomeKnown = h.Income > 0
		if h.UserID != "" {
			r.user(h.UserID)
		}
		r.putHousehold(h)
	}
	for day := 1; day <= flows.Days; day++ {
		r.putDay(flows.ProgrammeDay{Village: 5, Day: day,
			Date: fmt.Sprintf("2026-12-%02d", 1+day), Start: "09:00", End: "16:00", Place: "ศาลา", Rev: 1})
	}
	r.putAttendance(flows.Attendance{Village: 5, Day: 1, Household: "H000001",
		Presence: flows.PresenceHere, PresenceMark: &flows.Mark{At: time.Date(2026, 12, 2, 9, 5, 0, 0, bangkok), By: "Umali"}})
	return r
}

// TestWeekEndEveryoneReadsTheSameState: after day 5 the officer's list,
// the sages' list, the cards and the household's own status all say
// completed / "no attendance recorded" (the list no longer says "selected"),
// each card in words written for its reader, and the card offers no
// removal or selection once the week is over.
func TestWeekEndEveryoneReadsTheSameState(t *testing.T) {
	r := weWeek(t)
	listOf := func(user string) flows.Outcome {
		t.Helper()
		return r.tap(user, "a=hh.list&vil=5")
	}

	// During the week: the stored states.
	r.now = time.Date(2026, 12, 4, 10, 0, 0, 0, bangkok)
	out := listOf("Uofficer")
	weReads(t, "officer, mid-week", out, "คัดเลือก 3 · สำรอง 1 (หน้า 1/1)", "มาลี แก้วใส · บ้าน 6 — คัดเลือกแล้ว · 1,500 บาท/คน",
		"สุวรรณ มีชัย · บ้าน 36 — สำรอง 1 · ไม่ทราบรายได้")
	removeMidWeek := button(t, r.tap("Uofficer", "a=hh.card&hh=H000001"), "household.btn.remove_by_hand")

	// Friday 6 December, 17.00: day 5 ended at 16.00.
	r.now = time.Date(2026, 12, 6, 17, 0, 0, 0, bangkok)
	header := "จบหลักสูตร 1 · ไม่มีบันทึกการเข้าร่วม 2 · สำรอง 1 (หน้า 1/1)"
	rows := []string{
		"มาลี แก้วใส · บ้าน 6 — จบหลักสูตร",
		"นายสมชาย บุญเรือง · บ้าน 8 — ไม่มีบันทึกการเข้าร่วม",
		"ยายมา ดีใจ · บ้าน 44 — ไม่มีบันทึกการเข้าร่วม",
		"สุวรรณ มีชัย · บ้าน 36 — สำรอง 1",
	}
	for _, who := range []string{"Uofficer", "Ulead", "Usage"} {
		out := listOf(who)
		weReads(t, who+"'s list", out, append([]string{header}, rows...)...)
		weNotReads(t, who+"'s list", out, "คัดเลือกแล้ว", "คัดเลือก 3", "สมัคร 0", "ถอนตัว 0")
	}
	weReads(t, "the lead's list", listOf("Ulead"), "มาลี แก้วใส · บ้าน 6 — จบหลักสูตร · 1,500 บาท/คน",
		"สุวรรณ มีชัย · บ้าน 36 — สำรอง 1 · ไม่ทราบรายได้")

	// The officer's cards: words for the officer, and only what still
	// makes sense as buttons.
	completed := r.tap("Uofficer", "a=hh.card&hh=H000001")
	weReads(t, "officer, มาลี's card", completed, "🎓 จบหลักสูตรแล้ว (มีบันทึกการเข้าร่วม)")
	weNotReads(t, "officer, มาลี's card", completed, "ขอบคุณที่ร่วมโครงการ")
	if got, want := weButtons(completed), []string{"แก้การเข้าร่วม"}; !slices.Equal(got, want) {
		t.Errorf("officer, มาลี's card (completed): buttons %q, want %q", got, want)
	}
	noRecord := r.tap("Uofficer", "a=hh.card&hh=H000002")
	weReads(t, "officer, สมชาย's card", noRecord, "ยังไม่มีบันทึกการเข้าร่วม กรุณากด “ยืนยันว่าจบหลักสูตร” หรือ “ไม่จบหลักสูตร” ค่ะ")
	weNotReads(t, "officer, สมชาย's card", noRecord, "รอเจ้าหน้าที่ยืนยัน")
	if got, want := weButtons(noRecord), []string{"ยืนยันว่าจบหลักสูตร", "ไม่จบหลักสูตร", "แก้การเข้าร่วม"}; !slices.Equal(got, want) {
		t.Errorf("officer, สมชาย's card (no record): buttons %q, want %q", got, want)
	}
	for _, a := range noRecord.Replies[0].Buttons[:2] {
		if a.Say == nil || weTh(*a.Say) != weTh(a.Label) {
			t.Errorf("button %q does not say its label in the chat", weTh(a.Label))
		}
	}
	yai := r.tap("Uofficer", "a=hh.card&hh=H000003")
	if got, want := weButtons(yai), []string{"ยืนยันว่าจบหลักสูตร", "ไม่จบหลักสูตร", "แก้การเข้าร่วม", "ออกรหัสใหม่"}; !slices.Equal(got, want) {
		t.Errorf("officer, ยายมา's card (no record, no LINE): buttons %q, want %q", got, want)
	}
	waiting := r.tap("Uofficer", "a=hh.card&hh=H000004")
	weReads(t, "officer, สุวรรณ's card", waiting, "สำรอง ลำดับที่ 1")
	for _, b := range weButtons(waiting) {
		if b == "คัดเลือก" || b == "นำออก" || b == "แก้การเข้าร่วม" {
			t.Errorf("officer, waitlisted card after the week offers %q", b)
		}
	}

	// The sage reads the state and who acts, with no officer's buttons.
	sageCard := r.tap("Ulead", "a=hh.card&hh=H000002")
	weReads(t, "lead, สมชาย's card", sageCard, "ยังไม่มีบันทึกการเข้าร่วม รอเจ้าหน้าที่ยืนยันค่ะ")
	if got := weButtons(sageCard); len(got) != 0 {
		t.Errorf("lead, สมชาย's card: buttons %q, want none", got)
	}
	weReads(t, "lead, มาลี's card", r.tap("Ulead", "a=hh.card&hh=H000001"), "🎓 จบหลักสูตรแล้ว (มีบันทึกการเข้าร่วม)")

	// The household keeps its own wording.
	weReads(t, "สมชาย", r.say("Usomchai", "สถานะของฉัน"), "อบรมจบแล้ว แต่ยังไม่มีบันทึกการเข้าร่วม รอเจ้าหน้าที่ยืนยันค่ะ")
	weReads(t, "มาลี", r.say("Umali", "สถานะของฉัน"), "🎓 ผ่านการอบรมครบหลักสูตรแล้วค่ะ ขอบคุณที่ร่วมโครงการนะคะ")

	// A removal button from a card sent mid-week does nothing now.
	weReads(t, "officer, an old นำออก", r.tap("Uofficer", removeMidWeek),
		"หมู่บ้านนี้อบรมครบ 5 วันแล้วค่ะ จึงคัดเลือกหรือนำออกไม่ได้แล้ว สถานะตอนนี้: จบหลักสูตร")
	if h, _ := r.getHousehold("H000001"); h.Status != flows.StatusSelected {
		t.Errorf("มาลี is %q after an old นำออก, want still selected (completed by her mark)", h.Status)
	}
}

// TestWeekEndOfficerDecides: the officer marks a household with no
// attendance completed from its card (the confirm card says what will
// happen to whom), and another dropped by typing the button's label; the
// household is told, every list says the new word, and the week's counts
// stay whole.
func TestWeekEndOfficerDecides(t *testing.T) {
	r := weWeek(t)
	r.now = time.Date(2026, 12, 6, 17, 0, 0, 0, bangkok)
	card := r.tap("Uofficer", "a=hh.card&hh=H000002")

	out := r.weTapLabel("Uofficer", card, "ยืนยันว่าจบหลักสูตร")
	weReads(t, "officer, asked the reason", out, "กรุณาพิมพ์เหตุผลสั้น ๆ ค่ะ เช่น มาอบรมครบ แต่ไม่ได้กดมาแล้ว")
	out = r.say("Uofficer", "มาอบรมครบทุกวัน ปราชญ์ยืนยัน")
	weReads(t, "officer, the confirm card", out, "ยืนยันว่าจบหลักสูตร\n", "ครัวเรือน: นายสมชาย บุญเรือง · บ้าน 8",
		"เปลี่ยนเป็น: จบหลักสูตร", "เหตุผล: มาอบรมครบทุกวัน ปราชญ์ยืนยัน", "[ยืนยัน][แก้ไข][ยกเลิก]")
	weNotReads(t, "officer, the confirm card", out, "เหตุผลการเปลี่ยนแปลง")
	// Typed, as the chat shows a tap.
	out = r.say("Uofficer", "ยืนยัน")
	weReads(t, "officer, saved", out, "✅ บันทึกแล้วค่ะ ครัวเรือนของคุณสมชาย บุญเรือง จบหลักสูตรแล้ว")
	if len(out.Pushes) != 1 || out.Pushes[0].To != "Usomchai" {
		t.Fatalf("pushes %+v, want one to สมชาย", out.Pushes)
	}
	if got, want := weRender(out.Pushes[0].Replies), "🎓 ครัวเรือนของคุณสมชาย จบหลักสูตรแล้วค่ะ ขอบคุณที่ร่วมโครงการนะคะ"; !strings.Contains(got, want) {
		t.Errorf("สมชาย is told:\n%s\nwant %q", got, want)
	}
	h, _ := r.getHousehold("H000002")
	if last := h.History[len(h.History)-1]; h.Status != flows.StatusCompleted || last.By != "Uofficer" || last.Reason != "มาอบรมครบทุกวัน ปราชญ์ยืนยัน" {
		t.Errorf("สมชาย: status %q, last change %+v", h.Status, last)
	}

	// The card read again: decided by the officer; only turning it back
	// is offered. The old button answers that it is decided.
	out = r.tap("Uofficer", "a=hh.card&hh=H000002")
	weReads(t, "officer, สมชาย's card after", out, "🎓 จบหลักสูตรแล้ว (เจ้าหน้าที่ยืนยัน)")
	if got, want := weButtons(out), []string{"ไม่จบหลักสูตร", "แก้การเข้าร่วม"}; !slices.Equal(got, want) {
		t.Errorf("officer, สมชาย's card after: buttons %q, want %q", got, want)
	}
	weReads(t, "officer, the old button", r.weTapLabel("Uofficer", card, "ยืนยันว่าจบหลักสูตร"),
		"ครัวเรือนของคุณสมชาย บุญเรือง มีสถานะ “จบหลักสูตร” อยู่แล้วค่ะ")
	weReads(t, "สมชาย", r.say("Usomchai", "สถานะของฉัน"), "🎓 ผ่านการอบรมครบหลักสูตรแล้วค่ะ")

	// The other button's label typed: the households waiting for it.
	out = r.say("Uofficer", "ไม่จบหลักสูตร")
	weReads(t, "officer, typed ไม่จบหลักสูตร", out, "ไม่มีบันทึกการเข้าร่วม\n",
		"ยังไม่มีบันทึกการเข้าร่วม 1 ครัวเรือน กดครัวเรือนที่ไม่จบหลักสูตรค่ะ", "ยายมา ดีใจ · บ้าน 44 — หมู่ 5 บ้านทดสอบ5")
	weNotReads(t, "officer, typed ไม่จบหลักสูตร", out, "สมชาย", "มาลี")
	out = r.tap("Uofficer", out.Replies[0].Rows[0].Tap.Data)
	weReads(t, "officer, asked the reason", out, "เช่น ไม่ได้มาอบรมเลย")
	out = r.say("Uofficer", "ไม่ได้มาเลย ย้ายไปอยู่กับลูก")
	weReads(t, "officer, the confirm card", out, "ยืนยันว่าไม่จบหลักสูตร\n", "ครัวเรือน: ยายมา ดีใจ · บ้าน 44", "เปลี่ยนเป็น: ไม่จบหลักสูตร")
	out = r.tap("Uofficer", button(t, out, "conv.btn.confirm"))
	weReads(t, "officer, saved", out, "✅ บันทึกแล้วค่ะ ครัวเรือนของคุณยายมา ดีใจ ไม่จบหลักสูตร")
	weReads(t, "officer, typed again", r.say("Uofficer", "ยืนยันว่าจบหลักสูตร"), "ไม่มีครัวเรือนที่รอยืนยันการจบหลักสูตรค่ะ")
	weReads(t, "lead, ยายมา's card", r.tap("Ulead", "a=hh.card&hh=H000003"), "ไม่จบหลักสูตร (เจ้าหน้าที่ยืนยัน)")

	// Everyone's list says the decided words.
	for _, who := range []string{"Uofficer", "Ulead", "Usage"} {
		weReads(t, who+"'s list", r.tap(who, "a=hh.list&vil=5"), "จบหลักสูตร 2 · ไม่จบหลักสูตร 1 · สำรอง 1 (หน้า 1/1)",
			"นายสมชาย บุญเรือง · บ้าน 8 — จบหลักสูตร", "ยายมา ดีใจ · บ้าน 44 — ไม่จบหลักสูตร")
	}

	// The week's counts are whole: three were selected, whatever the
	// officer decided since.
	var m flows.Matrix
	r.view(func(tx flows.Tx) error {
		var err error
		m, err = flows.AttendanceMatrix(tx, 5)
		return err
	})
	if c := m.Counts(1); c.Selected != 3 || c.Present != 1 {
		t.Errorf("day 1: %d selected, %d present; want 3 and 1", c.Selected, c.Present)
	}
	if len(m.Households) != 3 {
		t.Errorf("attendance rows for %d households, want the 3 of the week", len(m.Households))
	}
	weReads(t, "officer's summary", r.say("Uofficer", "สรุป"), "คัดเลือก 3/3")

	// The decision is the officer's: a sage or a household typing the
	// label is told so, and nothing changes.
	for _, who := range []string{"Ulead", "Umali"} {
		weReads(t, who, r.say(who, "ยืนยันว่าจบหลักสูตร"), "สำหรับเจ้าหน้าที่พัฒนาชุมชนเท่านั้น")
	}
	wantSaid(t, r.tap("Ulead", "a=hh.byhand&hh=H000003&v=complete"), "household.err.officers_only")
	if h, _ := r.getHousehold("H000003"); h.Status != flows.StatusDropped {
		t.Errorf("ยายมา is %q, want still dropped", h.Status)
	}
}
