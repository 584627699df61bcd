package locales

import (
	"strconv"
	"strings"
	"time"
)

// thaiMonthWords maps Thai month names and abbreviations, and English
// ones, to month numbers, for dates people type.
var thaiMonthWords = map[string]time.Month{
	"มกราคม": 1, "ม.ค.": 1, "มค": 1, "กุมภาพันธ์": 2, "ก.พ.": 2, "กพ": 2, "มีนาคม": 3, "มี.ค.": 3, "มีค": 3,
	"เมษายน": 4, "เม.ย.": 4, "เมย": 4, "พฤษภาคม": 5, "พ.ค.": 5, "พค": 5, "มิถุนายน": 6, "มิ.ย.": 6, "มิย": 6,
	"กรกฎาคม": 7, "ก.ค.": 7, "กค": 7, "สิงหาคม": 8, "ส.ค.": 8, "สค": 8, "กันยายน": 9, "ก.ย.": 9, "กย": 9,
	"ตุลาคม": 10, "ต.ค.": 10, "ตค": 10, "พฤศจิกายน": 11, "พ.ย.": 11, "พย": 11, "ธันวาคม": 12, "ธ.ค.": 12, "ธค": 12,
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
	"jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// ParseDate reads a calendar date as officers type or export it:
// ISO "2026-12-07", Thai "7/12/2569" (a year above 2400 is Buddhist Era;
// two-digit years are Buddhist Era too, as Thais write them: "7/12/69"),
// "7-12-2569", "7.12.2569", "7 ธ.ค. 2569", "7 ธันวาคม 69", "7 Dec 2026".
// Thai digits are accepted. It returns the date as "2006-01-02" (in the
// Christian Era) and whether it is a real date.
func ParseDate(s string) (string, bool) {
	s = strings.TrimSpace(strings.ToLower(NormalizeDigits(s)))
	s = strings.TrimPrefix(s, "วันที่")
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Format("2006-01-02"), true
	}
	var parts []string
	if strings.ContainsAny(s, "/-") || strings.Count(s, ".") == 2 && !strings.ContainsAny(s, " ") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	} else {
		parts = strings.Fields(s)
	}
	if len(parts) != 3 {
		return "", false
	}
	day, err := strconv.Atoi(parts[0])
	if err != nil {
		return "", false
	}
	month, err := strconv.Atoi(parts[1])
	if err != nil {
		m, ok := thaiMonthWords[strings.TrimSuffix(parts[1], ",")]
		if !ok {
			m, ok = thaiMonthWords[strings.ReplaceAll(parts[1], ".", "")]
		}
		if !ok {
			return "", false
		}
		month = int(m)
	}
	year, err := strconv.Atoi(parts[2])
	if err != nil || len(parts[2]) != 2 && len(parts[2]) != 4 {
		return "", false
	}
	switch {
	case len(parts[2]) == 2:
		year += 2500 - 543 // "69" is 2569 BE
	case year > 2400:
		year -= 543
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || year < 2000 || year > 2200 {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// ParseClock reads a time of day: "9:00", "09.00", "9.00 น.", "9 น.",
// "0900", "18.30", with Thai digits. It returns "15:04" form.
func ParseClock(s string) (string, bool) {
	s = strings.TrimSpace(strings.ToLower(NormalizeDigits(s)))
	for _, suf := range []string{"น.", "น", "นาฬิกา", "hrs", "h"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suf))
	}
	var hh, mm string
	switch {
	case strings.ContainsAny(s, ":."):
		i := strings.IndexAny(s, ":.")
		hh, mm = s[:i], s[i+1:]
	case len(s) == 4:
		hh, mm = s[:2], s[2:]
	case len(s) <= 2:
		hh, mm = s, "00"
	default:
		return "", false
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || len(mm) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return "", false
	}
	return time.Date(2000, 1, 1, h, m, 0, 0, time.UTC).Format("15:04"), true
}
