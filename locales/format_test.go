package locales

import (
	"math"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Bangkok on machines without a zoneinfo database
)

func bangkok(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestFormatDates(t *testing.T) {
	bkk := bangkok(t)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, bkk) }
	tests := []struct {
		name                     string
		t                        time.Time
		long, short, medium      string
		longEN, shortEN, clockTH string
		clockEN                  string
	}{
		{"Monday 7 Dec 2026 18:00", at(2026, 12, 7, 18, 0),
			"วันจันทร์ที่ 7 ธันวาคม 2569", "จ. 7 ธ.ค. 69", "จ. 7 ธ.ค. 2569",
			"Monday 7 December 2026", "Mon 7 Dec 2026", "18.00 น.", "18:00"},
		{"last minute of 2026", at(2026, 12, 31, 23, 59),
			"วันพฤหัสบดีที่ 31 ธันวาคม 2569", "พฤ. 31 ธ.ค. 69", "พฤ. 31 ธ.ค. 2569",
			"Thursday 31 December 2026", "Thu 31 Dec 2026", "23.59 น.", "23:59"},
		{"midnight, new year 2027", at(2027, 1, 1, 0, 0),
			"วันศุกร์ที่ 1 มกราคม 2570", "ศ. 1 ม.ค. 70", "ศ. 1 ม.ค. 2570",
			"Friday 1 January 2027", "Fri 1 Jan 2027", "00.00 น.", "00:00"},
		{"morning, two-digit day", at(2027, 2, 14, 9, 5),
			"วันอาทิตย์ที่ 14 กุมภาพันธ์ 2570", "อา. 14 ก.พ. 70", "อา. 14 ก.พ. 2570",
			"Sunday 14 February 2027", "Sun 14 Feb 2027", "09.05 น.", "09:05"},
		{"Tuesday", at(2027, 3, 2, 12, 30), "วันอังคารที่ 2 มีนาคม 2570", "อ. 2 มี.ค. 70", "อ. 2 มี.ค. 2570",
			"Tuesday 2 March 2027", "Tue 2 Mar 2027", "12.30 น.", "12:30"},
		{"Wednesday", at(2027, 4, 7, 7, 0), "วันพุธที่ 7 เมษายน 2570", "พ. 7 เม.ย. 70", "พ. 7 เม.ย. 2570",
			"Wednesday 7 April 2027", "Wed 7 Apr 2027", "07.00 น.", "07:00"},
		{"Saturday", at(2027, 5, 1, 7, 0), "วันเสาร์ที่ 1 พฤษภาคม 2570", "ส. 1 พ.ค. 70", "ส. 1 พ.ค. 2570",
			"Saturday 1 May 2027", "Sat 1 May 2027", "07.00 น.", "07:00"},
		{"century: BE 2600", at(2057, 6, 1, 7, 0), "วันศุกร์ที่ 1 มิถุนายน 2600", "ศ. 1 มิ.ย. 00", "ศ. 1 มิ.ย. 2600",
			"Friday 1 June 2057", "Fri 1 Jun 2057", "07.00 น.", "07:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range []struct{ name, got, want string }{
				{"FormatDate th", FormatDate(Thai, tt.t), tt.long},
				{"FormatShortDate th", FormatShortDate(Thai, tt.t), tt.short},
				{"FormatDateYear th", FormatDateYear(Thai, tt.t), tt.medium},
				{"FormatClock th", FormatClock(Thai, tt.t), tt.clockTH},
				{"FormatDate en", FormatDate(English, tt.t), tt.longEN},
				{"FormatShortDate en", FormatShortDate(English, tt.t), tt.shortEN},
				{"FormatDateYear en", FormatDateYear(English, tt.t), tt.shortEN},
				{"FormatClock en", FormatClock(English, tt.t), tt.clockEN},
			} {
				if c.got != c.want {
					t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestFormatMonthsAll(t *testing.T) {
	want := []string{"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."}
	wantLong := []string{"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
		"กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"}
	for i := range 12 {
		d := time.Date(2026, time.Month(i+1), 15, 0, 0, 0, 0, time.UTC)
		if got := thaiMonthsShort[d.Month()-1]; got != want[i] {
			t.Errorf("month %d: got %q, want %q", i+1, got, want[i])
		}
		if got := thaiMonths[d.Month()-1]; got != wantLong[i] {
			t.Errorf("month %d: got %q, want %q", i+1, got, wantLong[i])
		}
	}
}

// TestFormatUsesTimesLocation: the same instant is a different day in
// Bangkok and in UTC; formatting follows the time's own location.
func TestFormatUsesTimesLocation(t *testing.T) {
	utc := time.Date(2026, 12, 31, 17, 30, 0, 0, time.UTC) // 00:30 on 1 Jan 2027 in Bangkok
	if got, want := FormatDateYear(Thai, utc), "พฤ. 31 ธ.ค. 2569"; got != want {
		t.Errorf("UTC: got %q, want %q", got, want)
	}
	if got, want := FormatDateYear(Thai, utc.In(bangkok(t))), "ศ. 1 ม.ค. 2570"; got != want {
		t.Errorf("Bangkok: got %q, want %q", got, want)
	}
	if got, want := FormatClock(Thai, utc.In(bangkok(t))), "00.30 น."; got != want {
		t.Errorf("Bangkok clock: got %q, want %q", got, want)
	}
}

func TestFormatNumbers(t *testing.T) {
	tests := []struct {
		n      int64
		num    string
		th, en string
	}{
		{0, "0", "0 บาท", "0 baht"},
		{7, "7", "7 บาท", "7 baht"},
		{999, "999", "999 บาท", "999 baht"},
		{1000, "1,000", "1,000 บาท", "1,000 baht"},
		{1500, "1,500", "1,500 บาท", "1,500 baht"},
		{123456, "123,456", "123,456 บาท", "123,456 baht"},
		{1234567, "1,234,567", "1,234,567 บาท", "1,234,567 baht"},
		{-1500, "-1,500", "-1,500 บาท", "-1,500 baht"},
		{-100, "-100", "-100 บาท", "-100 baht"},
		{math.MaxInt64, "9,223,372,036,854,775,807", "9,223,372,036,854,775,807 บาท", "9,223,372,036,854,775,807 baht"},
		{math.MinInt64, "-9,223,372,036,854,775,808", "-9,223,372,036,854,775,808 บาท", "-9,223,372,036,854,775,808 baht"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.n); got != tt.num {
			t.Errorf("FormatNumber(%d): got %q, want %q", tt.n, got, tt.num)
		}
		if got := FormatBaht(Thai, tt.n); got != tt.th {
			t.Errorf("FormatBaht(th, %d): got %q, want %q", tt.n, got, tt.th)
		}
		if got := FormatBaht(English, tt.n); got != tt.en {
			t.Errorf("FormatBaht(en, %d): got %q, want %q", tt.n, got, tt.en)
		}
	}
}
