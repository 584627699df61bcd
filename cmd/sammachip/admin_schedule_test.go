package main

import (
	"strings"
	"testing"
	"time"
)

const cliSchedule = "moo,day,date,start,end,place,destination,meeting_point,departure,bring\n" +
	"5,1,7/12/2569,09:00,16:00,ศาลาประชาคม,,,,\n" +
	"5,2,8/12/2569,09:00,16:00,ศาลาประชาคม,,,,\n" +
	"5,3,9/12/2569,09:00,16:00,ศาลาประชาคม,,,,\n" +
	"5,4,10/12/2569,08:00,17:00,ศาลาประชาคม,ศูนย์เรียนรู้บ้านห้วยหิน,หน้าวัด,07:30,หมวก น้ำดื่ม\n" +
	"5,5,11/12/2569,09:00,12:00,บ้านของตนเอง,,,,\n"

func TestCLIImportScheduleAndPreviewReminders(t *testing.T) {
	db := cliNewDB(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, bangkok)
	if res := cliRunEnv(t, db, cliEnglish, now, cliVillages, "import", "villages", "-"); res.exit != 0 {
		t.Fatalf("import villages: %d %q", res.exit, res.stderr)
	}
	// A bad file: nothing imported, the line named.
	bad := strings.Replace(cliSchedule, "8/12/2569", "31/2/2569", 1)
	res := cliRunEnv(t, db, cliEnglish, now, bad, "import", "schedule", "-")
	if res.exit == 0 || !strings.Contains(res.stderr, "line 3") {
		t.Fatalf("bad schedule: exit %d, stderr %q, want a failure naming line 3", res.exit, res.stderr)
	}
	res = cliRunEnv(t, db, cliEnglish, now, cliSchedule, "import", "schedule", "-")
	if res.exit != 0 || !strings.Contains(res.stdout, "5 added") {
		t.Fatalf("import schedule: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	// The same file again changes nothing.
	if res = cliRunEnv(t, db, cliEnglish, now, cliSchedule, "import", "schedule", "-"); !strings.Contains(res.stdout, "5 unchanged") {
		t.Errorf("second import: %q", res.stdout)
	}
	// A past date needs --correction.
	past := "moo,day,date,start,end,place\n7,1,20/11/2569,09:00,16:00,วัด\n"
	if res = cliRunEnv(t, db, cliEnglish, now, past, "import", "schedule", "-"); res.exit == 0 {
		t.Errorf("a past date was imported without --correction")
	}
	if res = cliRunEnv(t, db, cliEnglish, now, past, "import", "schedule", "--correction", "-"); res.exit != 0 {
		t.Errorf("--correction: exit %d, stderr %q", res.exit, res.stderr)
	}

	res = cliRunEnv(t, db, cliEnglish, now, "", "reminders", "--at", "2026-12-06 18:00")
	// The village is named by its หมู่ (5), not by its id (1: the first imported).
	if res.exit != 0 || !strings.Contains(res.stdout, "evening reminder, Moo 5 day 1") {
		t.Errorf("reminders: exit %d, stdout %q, stderr %q", res.exit, res.stdout, res.stderr)
	}
	res = cliRunEnv(t, db, cliEnglish, now, "", "reminders", "--at", "6/12/2569 22:00")
	if !strings.Contains(res.stdout, "quiet hours") {
		t.Errorf("reminders at 22:00: %q, want quiet hours", res.stdout)
	}
	if res = cliRunEnv(t, db, cliEnglish, now, "", "reminders", "--at", "tomorrow"); res.exit != 2 {
		t.Errorf("a bad --at: exit %d, want 2", res.exit)
	}
}
