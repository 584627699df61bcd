package report_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

var bangkok = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		panic(err)
	}
	return loc
}()

var catalog = locales.MustLoad()

// t0 is when the district's data was entered: Tuesday 1 December 2026.
var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, bangkok)

// reportAt is when the report is made: after the programme's first week.
var reportAt = time.Date(2026, 12, 12, 10, 30, 0, 0, bangkok)

func at(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, bangkok)
}

// district is a small, realistic district: two villages; an officer with a
// name and one without; a lead sage and a team member in หมู่ 5, a pending
// and a rejected sage in หมู่ 7; households with a tie on income per
// member, an unknown income, one not interested, one withdrawn, one on the
// waitlist, one enrolled by a sage; หมู่ 5's five days; and marks by the
// household, the sage, an officer's correction and a user the bot no
// longer knows.
func district(t *testing.T) (*storage.DB, *flows.Engine) {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "report.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: catalog})
	err = db.Update(func(tx flows.Tx) error {
		// keep holds on to the first error: the transaction then fails.
		keep := func(e error) {
			if err == nil {
				err = e
			}
		}
		if err == nil {
			err = flows.PutVillage(tx, &flows.Village{ID: 5, Moo: 5, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Occupation: "ทำน้ำพริก", Capacity: 3, LeadSageID: "Ulead", Created: t0})
		}
		flows.PutVillage(tx, &flows.Village{ID: 7, Moo: 7, Name: "บ้านหนองบัว", Tambon: "หนองแวง", Occupation: "สานตะกร้า", Capacity: 20, Created: t0})
		keep(tx.Users().Put("Uofficer", flows.User{ID: "Uofficer", Active: true, Officer: true, Name: "สมศรี ใจดี"}))
		keep(tx.Users().Put("Uofficer2", flows.User{ID: "Uofficer2", Active: true, Officer: true}))
		sages := []flows.Sage{
			{ID: 1, UserID: "Ulead", Name: "ประยูร ทองดี", Phone: "0812345678", Moo: 5, Category: flows.CategoryFood, Skill: "ทำน้ำพริกเผา", Years: 16,
				Status: flows.SageApproved, Decision: &flows.Decision{Approved: true, By: "Uofficer", At: at(2, 10, 0)}, TeamVillage: 5, TeamSince: at(2, 10, 0), Registered: t0},
			{ID: 2, UserID: "Umember", Name: "บุญมี ศรีสุข", Phone: "0898765432", Moo: 5, Category: flows.CategoryHandicraft, Skill: "จักสาน", Years: 5,
				Status: flows.SageApproved, Decision: &flows.Decision{Approved: true, By: "Uofficer", At: at(2, 10, 5)}, TeamVillage: 5, TeamSince: at(3, 8, 0), Registered: t0},
			{ID: 3, UserID: "Upending", Name: "จันทร์เพ็ญ มีสุข", Phone: "021234567", Moo: 7, Category: flows.CategoryFarming, Skill: "ปลูกผัก", Years: 3,
				Status: flows.SagePending, Registered: at(4, 14, 0)},
			{ID: 4, UserID: "Urejected", Name: "สมปอง ดวงดี", Phone: "0611111111", Moo: 7, Category: flows.CategoryOther, Skill: "ขายของ", Years: 1,
				Status: flows.SageRejected, Decision: &flows.Decision{Approved: false, By: "Uofficer2", At: at(5, 11, 0)}, Registered: at(4, 15, 0)},
		}
		for _, s := range sages {
			keep(tx.Users().Put(s.UserID, flows.User{ID: s.UserID, Active: true}))
			keep(tx.Sages().Put(s.UserID, s))
		}
		if err != nil {
			return err
		}
		hs := []flows.Household{
			{ID: "H000001", Village: 5, HouseNo: "45/1", HeadName: "สมชาย บุญเรือง", Members: 3, Occupation: "ทำนา", Income: 6000, IncomeKnown: true,
				Interested: true, UserID: "Uh1", Status: flows.StatusSelected, Applied: at(1, 9, 0)},
			{ID: "H000002", Village: 5, HouseNo: "12", HeadName: "มาลี แก้วใส", Members: 2, Occupation: "รับจ้าง", Income: 4000, IncomeKnown: true,
				Interested: true, EnrolledBy: "Ulead", LinkCode: "LINK2345", Status: flows.StatusSelected, Applied: at(2, 9, 0)},
			{ID: "H000003", Village: 5, HouseNo: "7", HeadName: "ทองใบ พรมมา", Members: 4, Occupation: "เลี้ยงวัว",
				Interested: true, EnrolledBy: "Umember", LinkCode: "LINK3456", Status: flows.StatusWaitlisted, WaitPos: 1, Applied: at(2, 10, 0)},
			{ID: "H000004", Village: 5, HouseNo: "88", HeadName: "บัวผัน ศรีบุญ", Members: 1, Occupation: "ค้าขาย", Income: 1000, IncomeKnown: true,
				Interested: true, UserID: "Uh4", Status: flows.StatusSelected, Applied: at(3, 9, 0)},
			{ID: "H000005", Village: 5, HouseNo: "9", HeadName: "คำปุ่น ใจกว้าง", Members: 5, Occupation: "ทำไร่", Income: 500, IncomeKnown: true,
				Interested: false, UserID: "Uh5", Status: flows.StatusApplicant, Applied: at(3, 10, 0)},
			{ID: "H000006", Village: 5, HouseNo: "10", HeadName: "สุนีย์ แสนสุข", Members: 2, Occupation: "ทำนา", Income: 800, IncomeKnown: true,
				Interested: true, UserID: "Uh6", Status: flows.StatusWithdrawn, Applied: at(3, 11, 0)},
			{ID: "H000007", Village: 7, HouseNo: "3", HeadName: "วิไล คำภา", Members: 3, Occupation: "ทอผ้า", Income: 3000, IncomeKnown: true,
				Interested: true, UserID: "Uh7", Status: flows.StatusApplicant, Applied: at(4, 9, 0)},
		}
		for _, h := range hs {
			h.DedupeKey = h.ID
			if h.UserID != "" {
				keep(tx.Users().Put(h.UserID, flows.User{ID: h.UserID, Active: true}))
			}
			if err == nil {
				err = flows.PutHousehold(tx, h)
			}
		}
		for day := 1; day <= flows.Days; day++ {
			d := flows.ProgrammeDay{Village: 5, Day: day, Date: at(6+day, 0, 0).Format("2006-01-02"), Start: "09:00", End: "16:00", Place: "ศาลาประชาคม", Rev: 1}
			if day == flows.StudyVisit {
				d.Destination, d.MeetingPoint, d.Departure, d.Bring = "ศูนย์เรียนรู้", "วัด", "07:30", "หมวก"
			}
			keep(tx.Days().Put(flows.DayRef{Village: 5, Day: day}, d))
		}
		marks := []flows.Attendance{
			{Village: 5, Day: 1, Household: "H000001",
				Intent: flows.IntentYes, IntentMark: &flows.Mark{At: at(6, 18, 5), By: "Uh1"},
				Presence: flows.PresenceHere, PresenceMark: &flows.Mark{At: at(7, 9, 10), By: "Ulead"}},
			{Village: 5, Day: 1, Household: "H000002",
				Intent: flows.IntentNo, IntentReason: "sick", IntentMark: &flows.Mark{At: at(6, 19, 0), By: "Ulead"}},
			{Village: 5, Day: 1, Household: "H000004",
				Presence: flows.PresenceHere, PresenceMark: &flows.Mark{At: at(7, 15, 0), By: "Uofficer"},
				Corrections: []flows.Correction{{At: at(7, 15, 0), By: "Uofficer", Field: "presence", From: "absent", To: "present", Reason: "มาสาย ลงชื่อช้า"}}},
			{Village: 5, Day: 2, Household: "H000004",
				Intent: flows.IntentYes, IntentMark: &flows.Mark{At: at(7, 20, 0), By: "Ugone"}},
			{Village: 5, Day: 5, Household: "H000001",
				Practised: true, PractisedMark: &flows.Mark{At: at(11, 17, 0), By: "Uh1"}},
		}
		for _, a := range marks {
			keep(tx.Attendance().Put(flows.AttendanceRef{Village: a.Village, Day: a.Day, Household: a.Household}, a))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db, eng
}

func build(t *testing.T, db *storage.DB, eng *flows.Engine, lang locales.Lang) *report.Report {
	t.Helper()
	var r *report.Report
	err := db.View(func(tx flows.Tx) error {
		var err error
		r, err = report.Build(tx, report.Options{Lang: lang, Catalog: catalog, Engine: eng, Now: reportAt})
		return err
	})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return r
}

const (
	v5 = "หมู่ 5 บ้านโนนสูง"
	v7 = "หมู่ 7 บ้านหนองบัว"
	na = "-"
)

// wantThai is the district's report in Thai, table by table.
var wantThai = map[string]report.Table{
	report.TableSages: {
		Title: "ทะเบียนปราชญ์",
		Header: []string{"เลขทะเบียน", "ชื่อ-นามสกุล", "โทรศัพท์", "หมู่บ้าน", "ด้านความรู้", "ความรู้/ทักษะ", "ประสบการณ์ (ปี)", "สถานะ",
			"ผู้พิจารณา", "วันที่พิจารณา", "วันที่ลงทะเบียน", "ทีมวิทยากรของหมู่บ้าน", "ปราชญ์สัมมาชีพ (หัวหน้าทีม)"},
		Rows: [][]any{
			{int64(1), "ประยูร ทองดี", "081-234-5678", v5, "แปรรูปอาหาร/OTOP", "ทำน้ำพริกเผา", int64(16), "อนุมัติแล้ว",
				"สมศรี ใจดี (เจ้าหน้าที่)", "พ. 2 ธ.ค. 2569", "อ. 1 ธ.ค. 2569", v5, "ใช่"},
			{int64(2), "บุญมี ศรีสุข", "089-876-5432", v5, "หัตถกรรม", "จักสาน", int64(5), "อนุมัติแล้ว",
				"สมศรี ใจดี (เจ้าหน้าที่)", "พ. 2 ธ.ค. 2569", "อ. 1 ธ.ค. 2569", v5, "ไม่ใช่"},
			{int64(3), "จันทร์เพ็ญ มีสุข", "02-123-4567", v7, "เกษตร", "ปลูกผัก", int64(3), "รออนุมัติ",
				na, na, "ศ. 4 ธ.ค. 2569", na, "ไม่ใช่"},
			{int64(4), "สมปอง ดวงดี", "061-111-1111", v7, "อื่น ๆ", "ขายของ", int64(1), "ไม่อนุมัติ",
				"เจ้าหน้าที่ (ไม่ระบุชื่อ)", "ส. 5 ธ.ค. 2569", "ศ. 4 ธ.ค. 2569", na, "ไม่ใช่"},
		},
	},
	report.TableHouseholds: {
		Title: "ครัวเรือน",
		Header: []string{"หมู่บ้าน", "รหัสครัวเรือน", "บ้านเลขที่", "หัวหน้าครัวเรือน", "สมาชิกในครัวเรือน (คน)", "อาชีพปัจจุบัน",
			"รายได้ต่อเดือน (บาท)", "รายได้ต่อคนต่อเดือน (บาท)", "สนใจเรียนอาชีพ", "ลำดับตามเกณฑ์คัดเลือก", "สถานะ", "ลำดับสำรอง",
			"เชื่อมไลน์แล้ว", "วันที่สมัคร", "ผู้ลงทะเบียนแทน"},
		// Ranked first (lowest income per member; H000001 and H000002 tie
		// at 2,000 baht a member and the earlier application comes first;
		// the unknown income last), then the not interested and the
		// withdrawn.
		// The report is made after หมู่ 5's day 5: households with a mark have
		// completed; มาลี, with none, waits for an officer.
		Rows: [][]any{
			{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(1), "ค้าขาย", int64(1000), int64(1000), "ใช่", int64(1), "จบหลักสูตร", na, "ใช่", "พฤ. 3 ธ.ค. 2569", "สมัครเอง"},
			{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(3), "ทำนา", int64(6000), int64(2000), "ใช่", int64(2), "จบหลักสูตร", na, "ใช่", "อ. 1 ธ.ค. 2569", "สมัครเอง"},
			{v5, "H000002", "12", "มาลี แก้วใส", int64(2), "รับจ้าง", int64(4000), int64(2000), "ใช่", int64(3), "ไม่มีบันทึกการเข้าร่วม", na, "ไม่ใช่", "พ. 2 ธ.ค. 2569", "ประยูร ทองดี (ปราชญ์)"},
			{v5, "H000003", "7", "ทองใบ พรมมา", int64(4), "เลี้ยงวัว", "ไม่ทราบ", "ไม่ทราบ", "ใช่", int64(4), "สำรอง", int64(1), "ไม่ใช่", "พ. 2 ธ.ค. 2569", "บุญมี ศรีสุข (ปราชญ์)"},
			{v5, "H000005", "9", "คำปุ่น ใจกว้าง", int64(5), "ทำไร่", int64(500), int64(100), "ไม่ใช่", na, "สมัครแล้ว", na, "ใช่", "พฤ. 3 ธ.ค. 2569", "สมัครเอง"},
			{v5, "H000006", "10", "สุนีย์ แสนสุข", int64(2), "ทำนา", int64(800), int64(400), "ใช่", na, "ถอนตัว", na, "ใช่", "พฤ. 3 ธ.ค. 2569", "สมัครเอง"},
			{v7, "H000007", "3", "วิไล คำภา", int64(3), "ทอผ้า", int64(3000), int64(1000), "ใช่", int64(1), "สมัครแล้ว", na, "ใช่", "ศ. 4 ธ.ค. 2569", "สมัครเอง"},
		},
	},
	report.TableAttendance: {
		Title: "การเข้าร่วม",
		Header: []string{"หมู่บ้าน", "รหัสครัวเรือน", "บ้านเลขที่", "หัวหน้าครัวเรือน", "วันอบรมที่", "กิจกรรม", "วันที่",
			"ตอบว่าจะมาหรือไม่", "เหตุผลที่ไม่สะดวก", "ผู้บันทึกคำตอบ", "เวลาที่บันทึกคำตอบ",
			"การมาอบรม", "ผู้บันทึกการมา", "เวลาที่บันทึกการมา",
			"ฝึกปฏิบัติที่บ้าน", "ผู้บันทึกการฝึก", "เวลาที่บันทึกการฝึก", "การแก้ไขโดยเจ้าหน้าที่ (เหตุผล)"},
		Rows: [][]any{
			{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(1), "ถ่ายทอดองค์ความรู้", "จ. 7 ธ.ค. 2569",
				"เข้าร่วม", na, "สมชาย บุญเรือง (ครัวเรือน)", "อา. 6 ธ.ค. 2569 18.05 น.",
				"มา", "ประยูร ทองดี (ปราชญ์)", "จ. 7 ธ.ค. 2569 09.10 น.", na, na, na, na},
			{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(2), "ถ่ายทอดองค์ความรู้", "อ. 8 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(3), "ถ่ายทอดองค์ความรู้", "พ. 9 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(4), "ศึกษาดูงาน", "พฤ. 10 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000001", "45/1", "สมชาย บุญเรือง", int64(5), "ฝึกปฏิบัติที่บ้าน", "ศ. 11 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na,
				"ฝึกแล้ว", "สมชาย บุญเรือง (ครัวเรือน)", "ศ. 11 ธ.ค. 2569 17.00 น.", na},
			{v5, "H000002", "12", "มาลี แก้วใส", int64(1), "ถ่ายทอดองค์ความรู้", "จ. 7 ธ.ค. 2569",
				"ไม่สะดวก", "ไม่สบาย", "ประยูร ทองดี (ปราชญ์)", "อา. 6 ธ.ค. 2569 19.00 น.", "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000002", "12", "มาลี แก้วใส", int64(2), "ถ่ายทอดองค์ความรู้", "อ. 8 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000002", "12", "มาลี แก้วใส", int64(3), "ถ่ายทอดองค์ความรู้", "พ. 9 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000002", "12", "มาลี แก้วใส", int64(4), "ศึกษาดูงาน", "พฤ. 10 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000002", "12", "มาลี แก้วใส", int64(5), "ฝึกปฏิบัติที่บ้าน", "ศ. 11 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, "ยังไม่ฝึก", na, na, na},
			{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(1), "ถ่ายทอดองค์ความรู้", "จ. 7 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "มา", "สมศรี ใจดี (เจ้าหน้าที่)", "จ. 7 ธ.ค. 2569 15.00 น.", na, na, na,
				"จ. 7 ธ.ค. 2569 15.00 น. สมศรี ใจดี (เจ้าหน้าที่) แก้การมาจาก “ขาด” เป็น “มา” (มาสาย ลงชื่อช้า)"},
			{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(2), "ถ่ายทอดองค์ความรู้", "อ. 8 ธ.ค. 2569",
				"เข้าร่วม", na, "ไม่ทราบ", "จ. 7 ธ.ค. 2569 20.00 น.", "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(3), "ถ่ายทอดองค์ความรู้", "พ. 9 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(4), "ศึกษาดูงาน", "พฤ. 10 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, na, na, na, na},
			{v5, "H000004", "88", "บัวผัน ศรีบุญ", int64(5), "ฝึกปฏิบัติที่บ้าน", "ศ. 11 ธ.ค. 2569",
				"ยังไม่ตอบ", na, na, na, "ยังไม่เช็คชื่อ", na, na, "ยังไม่ฝึก", na, na, na},
		},
	},
	report.TableProgress: {
		Title: "ความก้าวหน้า",
		Header: []string{"หมู่บ้าน", "ตำบล", "อาชีพที่ฝึก", "ปราชญ์ที่อนุมัติ (คน)", "ทีมวิทยากร (คน)", "ครัวเรือนที่สมัคร", "คัดเลือกแล้ว", "เป้าหมาย (ครัวเรือน)",
			"วันอบรมที่ 1: วันที่", "วันอบรมที่ 1: ตอบว่าจะมา", "วันอบรมที่ 1: มา", "วันอบรมที่ 1: ขาด",
			"วันอบรมที่ 2: วันที่", "วันอบรมที่ 2: ตอบว่าจะมา", "วันอบรมที่ 2: มา", "วันอบรมที่ 2: ขาด",
			"วันอบรมที่ 3: วันที่", "วันอบรมที่ 3: ตอบว่าจะมา", "วันอบรมที่ 3: มา", "วันอบรมที่ 3: ขาด",
			"วันอบรมที่ 4: วันที่", "วันอบรมที่ 4: ตอบว่าจะมา", "วันอบรมที่ 4: มา", "วันอบรมที่ 4: ขาด",
			"วันอบรมที่ 5: วันที่", "วันอบรมที่ 5: ตอบว่าจะมา", "วันอบรมที่ 5: มา", "วันอบรมที่ 5: ขาด", "วันอบรมที่ 5: ฝึกแล้ว"},
		Rows: [][]any{
			{v5, "หนองแวง", "ทำน้ำพริก", int64(2), int64(2), int64(5), int64(3), int64(3),
				"จ. 7 ธ.ค. 2569", int64(1), int64(2), int64(0),
				"อ. 8 ธ.ค. 2569", int64(1), int64(0), int64(0),
				"พ. 9 ธ.ค. 2569", int64(0), int64(0), int64(0),
				"พฤ. 10 ธ.ค. 2569", int64(0), int64(0), int64(0),
				"ศ. 11 ธ.ค. 2569", int64(0), int64(0), int64(0), int64(1)},
			{v7, "หนองแวง", "สานตะกร้า", int64(0), int64(0), int64(1), int64(0), int64(20),
				na, na, na, na, na, na, na, na, na, na, na, na, na, na, na, na, na, na, na, na, na},
		},
	},
}

func TestBuildEqualsTheRecords(t *testing.T) {
	db, eng := district(t)
	r := build(t, db, eng, locales.Thai)
	if got := len(r.Tables); got != 6 {
		t.Fatalf("got %d tables, want 6", got)
	}
	for i, name := range []string{report.TableSages, report.TableHouseholds, report.TableAttendance, report.TableProgress} {
		t.Run(name, func(t *testing.T) {
			got, want := r.Tables[i], wantThai[name]
			if got.Name != name {
				t.Fatalf("table %d is %q, want %q", i, got.Name, name)
			}
			if got.Title != want.Title {
				t.Errorf("title: got %q, want %q", got.Title, want.Title)
			}
			if !reflect.DeepEqual(got.Header, want.Header) {
				t.Errorf("header:\ngot  %q\nwant %q", got.Header, want.Header)
			}
			compareRows(t, got.Rows, want.Rows)
		})
	}
}

func compareRows(t *testing.T, got, want [][]any) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(datesAsText(got[i]), want[i]) {
			t.Errorf("row %d:\ngot  %#v\nwant %#v", i+1, got[i], want[i])
		}
	}
}

// asText is a row as a spreadsheet shows it.
// datesAsText writes a row's dates as their text, as CSV files show them
// (and the tables above are written).
func datesAsText(row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		if d, ok := v.(report.Date); ok {
			v = d.Text
		}
		out[i] = v
	}
	return out
}

// rawText is how a workbook stores a table value: a date as Excel's
// serial number (days since 30 December 1899, the time of day as the
// fraction), a number as its digits, text as itself.
func rawText(v any) string {
	switch v := v.(type) {
	case report.Date:
		y, m, d := v.Time.Date()
		days := float64(time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Sub(time.Date(1899, 12, 30, 12, 0, 0, 0, time.UTC)) / (24 * time.Hour))
		if v.Clock {
			days += float64(v.Time.Hour()*60+v.Time.Minute()) / (24 * 60)
		}
		return strconv.FormatFloat(days, 'g', 15, 64) // Excel keeps 15 digits
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// sameCells compares a row read back with the one written: numbers to
// within a tenth of a second of a day's fraction (Excel keeps 15 digits,
// and readers round or cut the last one), anything else exactly.
func sameCells(got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g, gerr := strconv.ParseFloat(got[i], 64)
		w, werr := strconv.ParseFloat(want[i], 64)
		switch {
		case gerr == nil && werr == nil:
			if math.Abs(g-w) > 1e-6 {
				return false
			}
		case got[i] != want[i]:
			return false
		}
	}
	return true
}

func asText(row []any) []string {
	out := make([]string, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case int64:
			out[i] = strconv.FormatInt(v, 10)
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

func TestXLSXReadsBack(t *testing.T) {
	db, eng := district(t)
	r := build(t, db, eng, locales.Thai)
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open the XLSX: %v", err)
	}
	defer f.Close()
	wantSheets := []string{"ทะเบียนปราชญ์", "ครัวเรือน", "การเข้าร่วม", "ความก้าวหน้า", "ตัวชี้วัด", "การติดตามผล"}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, wantSheets) {
		t.Fatalf("sheets: got %q, want %q", got, wantSheets)
	}
	// The indicators and follow-ups sheets are checked in indicators_test.go.
	// Under the title block (rows 1–4), the header on row 5, then the rows
	// as stored: dates as date serial numbers, numbers as numbers.
	for i, sheet := range wantSheets[:4] {
		table := r.Tables[i]
		t.Run(table.Name, func(t *testing.T) {
			rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			want := wantThai[table.Name]
			totals := 0
			if len(table.Totals) > 0 {
				totals = 1
			}
			if len(rows) != 5+len(want.Rows)+totals {
				t.Fatalf("got %d rows, want 4 of title block, a header, %d rows and %d totals", len(rows), len(want.Rows), totals)
			}
			if !reflect.DeepEqual(rows[4], want.Header) {
				t.Errorf("header:\ngot  %q\nwant %q", rows[4], want.Header)
			}
			for j, row := range table.Rows {
				wantRow := make([]string, len(row))
				for k, v := range row {
					wantRow[k] = rawText(v)
				}
				if got := rows[5+j]; !sameCells(got, wantRow) {
					t.Errorf("row %d:\ngot  %q\nwant %q", j+1, got, wantRow)
				}
				if got, want := datesAsText(row), want.Rows[j]; !reflect.DeepEqual(got, want) {
					t.Errorf("row %d of the table:\ngot  %q\nwant %q", j+1, got, want)
				}
			}
			panes, err := f.GetPanes(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !panes.Freeze || panes.YSplit != 5 {
				t.Errorf("panes: got freeze %v at row %d, want the title block and header (5 rows) frozen", panes.Freeze, panes.YSplit)
			}
			for col := 1; col <= len(want.Header); col++ {
				cell, _ := excelize.CoordinatesToCellName(col, 5)
				id, err := f.GetCellStyle(sheet, cell)
				if err != nil {
					t.Fatal(err)
				}
				st, err := f.GetStyle(id)
				if err != nil {
					t.Fatal(err)
				}
				if st.Font == nil || !st.Font.Bold {
					t.Errorf("header %s is not bold", cell)
				}
				name, _ := excelize.ColumnNumberToName(col)
				w, err := f.GetColWidth(sheet, name)
				if err != nil {
					t.Fatal(err)
				}
				if w < 6 || w > 60 {
					t.Errorf("column %s is %.1f wide, want 6–60", name, w)
				}
			}
		})
	}
	// The households' headers wrap ("สมาชิกในครัวเรือน (คน)" over a column
	// of small numbers): their row is high enough to show them whole.
	if h, err := f.GetRowHeight("ครัวเรือน", 5); err != nil || h < 2*16 {
		t.Errorf("the households' header row is %.0f pt high (%v), want at least two lines (32 pt)", h, err)
	}
	// Numbers are numbers (they add up in a spreadsheet); text is text.
	typ, err := f.GetCellType("ครัวเรือน", "G6")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("ครัวเรือน", "G6"); v != "1000" || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("income cell: got %q of type %v, want the number 1000", v, typ)
	}
	if typ, _ := f.GetCellType("ครัวเรือน", "D6"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("name cell: got type %v, want text", typ)
	}
}

func TestCSVZipReadsBack(t *testing.T) {
	db, eng := district(t)
	r := build(t, db, eng, locales.Thai)
	var buf bytes.Buffer
	if err := r.WriteCSVZip(&buf); err != nil {
		t.Fatalf("WriteCSVZip: %v", err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("open the ZIP: %v", err)
	}
	wantFiles := []string{"1-sages.csv", "2-households.csv", "3-attendance.csv", "4-progress.csv", "5-indicators.csv", "6-followups.csv"}
	if len(zr.File) != len(wantFiles) {
		t.Fatalf("got %d files, want %d", len(zr.File), len(wantFiles))
	}
	for i, zf := range zr.File[:4] { // the last two: indicators_test.go
		name := r.Tables[i].Name
		t.Run(name, func(t *testing.T) {
			if zf.Name != wantFiles[i] {
				t.Errorf("file %d: got %q, want %q", i, zf.Name, wantFiles[i])
			}
			rc, err := zf.Open()
			if err != nil {
				t.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			rest, ok := bytes.CutPrefix(data, []byte("\xEF\xBB\xBF"))
			if !ok {
				t.Fatalf("%s does not start with the UTF-8 BOM: % x", zf.Name, data[:min(3, len(data))])
			}
			if !utf8.Valid(rest) {
				t.Errorf("%s is not UTF-8", zf.Name)
			}
			recs, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
			if err != nil {
				t.Fatalf("parse %s: %v", zf.Name, err)
			}
			want := wantThai[name]
			if len(recs) != len(want.Rows)+1 {
				t.Fatalf("got %d records, want a header and %d", len(recs), len(want.Rows))
			}
			if !reflect.DeepEqual(recs[0], want.Header) {
				t.Errorf("header:\ngot  %q\nwant %q", recs[0], want.Header)
			}
			for j, row := range want.Rows {
				if got := recs[j+1]; !reflect.DeepEqual(got, asText(row)) {
					t.Errorf("row %d:\ngot  %q\nwant %q", j+1, got, asText(row))
				}
			}
		})
	}
}

func TestEnglishReport(t *testing.T) {
	db, eng := district(t)
	r := build(t, db, eng, locales.English)
	wantTitles := []string{"Sage registry", "Households", "Attendance", "Progress"}
	for i, want := range wantTitles {
		if got := r.Tables[i].Title; got != want {
			t.Errorf("table %d: got title %q, want %q", i, got, want)
		}
	}
	tests := []struct {
		table string
		row   int
		col   string
		want  any
	}{
		{report.TableSages, 0, "Status", "approved"},
		{report.TableSages, 0, "Decided by", "สมศรี ใจดี (officer)"},
		{report.TableSages, 0, "Decided on", "Wed 2 Dec 2026"},
		{report.TableSages, 3, "Decided by", "an officer (no name given)"},
		{report.TableHouseholds, 3, "Monthly income (baht)", "unknown"},
		{report.TableHouseholds, 3, "Status", "waitlist"},
		{report.TableAttendance, 0, "Answer recorded at", "Sun 6 Dec 2026 18:05"},
		{report.TableAttendance, 10, "Officers' corrections (reason)",
			"Mon 7 Dec 2026 15:00 สมศรี ใจดี (officer) changed attendance from “absent” to “present” (มาสาย ลงชื่อช้า)"},
		{report.TableProgress, 0, "Day 5: practised", int64(1)},
	}
	for _, tt := range tests {
		t.Run(tt.table+"/"+tt.col, func(t *testing.T) {
			tab := r.Table(tt.table)
			col := indexOf(tab.Header, tt.col)
			if col < 0 {
				t.Fatalf("no column %q in %q", tt.col, tab.Header)
			}
			if got := datesAsText(tab.Rows[tt.row])[col]; got != tt.want {
				t.Errorf("row %d: got %#v, want %#v", tt.row+1, got, tt.want)
			}
		})
	}
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// TestDemoDistrictNamesNoLineIDs builds the report of the simulator's demo
// district (13 villages) and checks that no cell shows a LINE id or a
// catalog key that failed to render, in either language.
func TestDemoDistrictNamesNoLineIDs(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "demo.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: catalog})
	if err := db.Update(func(tx flows.Tx) error { _, err := eng.SeedDemo(tx, t0); return err }); err != nil {
		t.Fatal(err)
	}
	for _, lang := range locales.Langs() {
		t.Run(string(lang), func(t *testing.T) {
			r := build(t, db, eng, lang)
			if got := len(r.Table(report.TableProgress).Rows); got != 13 {
				t.Errorf("progress: got %d villages, want 13", got)
			}
			for _, tab := range r.Tables {
				// A follow-up is stored when it falls due: at t0 none has.
				if len(tab.Rows) == 0 && tab.Name != report.TableFollowUps {
					t.Errorf("%s: no rows", tab.Name)
				}
				for i, row := range tab.Rows {
					if len(row) != len(tab.Header) {
						t.Errorf("%s row %d: %d cells for %d columns", tab.Name, i+1, len(row), len(tab.Header))
					}
					for _, cell := range asText(row) {
						if strings.Contains(cell, "U0000") || strings.HasPrefix(cell, "[") {
							t.Errorf("%s row %d: cell %q", tab.Name, i+1, cell)
						}
					}
				}
			}
			var buf bytes.Buffer
			if err := r.WriteXLSX(&buf); err != nil {
				t.Fatalf("WriteXLSX: %v", err)
			}
		})
	}
}

func TestDefuseFormula(t *testing.T) {
	tests := []struct{ in, want string }{
		{"สมชาย", "สมชาย"},
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+66812345678", "'+66812345678"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-", "-"},
		{"-5", "-5"},
		{"-2+3", "'-2+3"},
		{"\tx", "'\tx"},
		{"", ""},
		{"081-234-5678", "081-234-5678"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := report.DefuseFormula(tt.in); got != tt.want {
				t.Errorf("DefuseFormula(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormulaTypedByAUserStaysText(t *testing.T) {
	tab := report.Table{Name: "x", Header: []string{"ชื่อ", "รายได้"}, Rows: [][]any{{"=1+1", int64(-300)}}}
	var buf bytes.Buffer
	if err := tab.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), report.BOM))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := recs[1], []string{"'=1+1", "-300"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSheetNamesFitExcel(t *testing.T) {
	long := strings.Repeat("ทะเบียนปราชญ์ชุมชน", 3) // 54 characters
	r := &report.Report{At: reportAt, Tables: []report.Table{
		{Name: "a", Title: long, Header: []string{"x"}},
		{Name: "b", Title: long, Header: []string{"x"}},
		{Name: "c", Title: "สรุป/ผล: [ร่าง]?", Header: []string{"x"}},
	}}
	var buf bytes.Buffer
	if err := r.WriteXLSX(&buf); err != nil {
		t.Fatalf("WriteXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := f.GetSheetList()
	if len(names) != 3 {
		t.Fatalf("got sheets %q, want 3", names)
	}
	if names[0] == names[1] {
		t.Errorf("two sheets are both named %q", names[0])
	}
	for _, n := range names {
		if c := utf8.RuneCountInString(n); c > 31 || strings.ContainsAny(n, `[]:*?/\`) {
			t.Errorf("sheet name %q (%d characters) is not valid in Excel", n, c)
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		lang             locales.Lang
		base             string
		format           report.Format
		wantASCII, wantL string
	}{
		{locales.Thai, "รายงานสัมมาชีพชุมชน", report.XLSX, "sammachip-report-2026-12-12-1030.xlsx", "รายงานสัมมาชีพชุมชน-2569-12-12-1030.xlsx"},
		{locales.English, "sammachip-report", report.CSV, "sammachip-report-2026-12-12-1030.zip", "sammachip-report-2026-12-12-1030.zip"},
		{locales.Thai, `a/b:c`, report.XLSX, "sammachip-report-2026-12-12-1030.xlsx", "abc-2569-12-12-1030.xlsx"},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang)+string(tt.format), func(t *testing.T) {
			r := &report.Report{Lang: tt.lang, At: reportAt}
			ascii, local := r.FileName(tt.base, tt.format)
			if ascii != tt.wantASCII || local != tt.wantL {
				t.Errorf("got %q, %q; want %q, %q", ascii, local, tt.wantASCII, tt.wantL)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want report.Format
		ok   bool
	}{{"xlsx", report.XLSX, true}, {" CSV ", report.CSV, true}, {"pdf", "", false}, {"", "", false}}
	for _, tt := range tests {
		got, ok := report.ParseFormat(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestEarlierRoundReportUnchangedByANewRound: starting next year's round,
// with a new หมู่ 5 (another village, in the new round) and its household,
// leaves the first round's report exactly as it was, and the new round's
// report holds only the new round.
func TestEarlierRoundReportUnchangedByANewRound(t *testing.T) {
	db, eng := district(t)
	before := build(t, db, eng, locales.Thai)
	if before.RoundName != "ปีงบประมาณ 2570" {
		t.Errorf("round %q, want ปีงบประมาณ 2570", before.RoundName)
	}
	err := db.Update(func(tx flows.Tx) error {
		if _, err := flows.StartRound(tx, "2571", at(12, 9, 0), "Uofficer"); err != nil {
			return err
		}
		v := flows.Village{Moo: 5, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Occupation: "สานตะกร้า", Capacity: 20}
		if err := flows.PutVillage(tx, &v); err != nil {
			return err
		}
		return flows.PutHousehold(tx, flows.Household{ID: "H000099", Village: v.ID, HouseNo: "1", HeadName: "ใหม่ ปีหน้า",
			Members: 2, Income: 3000, IncomeKnown: true, Interested: true, Status: flows.StatusApplicant, DedupeKey: "new"})
	})
	if err != nil {
		t.Fatal(err)
	}
	var first *report.Report
	err = db.View(func(tx flows.Tx) error {
		var err error
		first, err = report.Build(tx, report.Options{Lang: locales.Thai, Catalog: catalog, Engine: eng, Now: reportAt, Round: before.Round.ID})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, tb := range before.Tables {
		if tb.Name == report.TableSages {
			continue // the registry is the district's, not a round's
		}
		if !reflect.DeepEqual(tb.Rows, first.Tables[i].Rows) {
			t.Errorf("%s changed by the new round:\n got %v\nwant %v", tb.Name, first.Tables[i].Rows, tb.Rows)
		}
	}
	now := build(t, db, eng, locales.Thai)
	if now.RoundName != "ปีงบประมาณ 2571" {
		t.Errorf("current round %q, want ปีงบประมาณ 2571", now.RoundName)
	}
	if hs := now.Table(report.TableHouseholds); hs == nil || len(hs.Rows) != 1 || hs.Rows[0][3] != "ใหม่ ปีหน้า" {
		t.Errorf("the new round's households: %v, want only its one household", hs)
	}
}
