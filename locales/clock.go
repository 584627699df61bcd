package locales

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// ParseTime reads a time of day as Thai speakers type it, and returns the
// "15:04" times it may mean:
//
//   - digits as ParseClock reads them: "9.00", "13:30", "0930", "9";
//   - the Thai six-hour clock: "9 โมง", "เก้าโมงเช้า", "บ่าย 3", "บ่ายโมง",
//     "บ่ายสามโมงครึ่ง", "4 โมงเย็น", "สองทุ่ม", "ตีห้า", "เที่ยง",
//     "เที่ยงคืน", with "ครึ่ง" or minutes after ("9 โมง 15", "9 โมง 15 นาที").
//
// A bare hour from 1 to 6 with "โมง" ("2 โมง") is said for the morning
// (2 โมงเช้า, 08:00) and for the afternoon (บ่าย 2 โมง, 14:00): both are
// returned, morning first, for the asker to choose. Nil means unreadable.
func ParseTime(s string) []string {
	if v, ok := ParseClock(s); ok {
		return []string{v}
	}
	t := strings.Join(strings.Fields(MatchCommand(s)), "")
	t = strings.TrimSuffix(t, "ตรง")
	for _, suf := range []string{"น.", "น"} {
		// "9 โมงครึ่ง น." but not the น of เย็น or คืน.
		if rest, ok := strings.CutSuffix(t, suf); ok && rest != "" && !strings.HasSuffix(rest, "เย็") && !strings.HasSuffix(rest, "คื") {
			t = rest
			break
		}
	}
	m := thaiTimeRe.FindStringSubmatch(t)
	if m == nil {
		return nil
	}
	pre, num, unit, mins := m[1], m[2], m[3], m[4]
	n, hasN := thaiHour(num)
	if num != "" && !hasN {
		return nil
	}
	min := 0
	switch {
	case mins == "ครึ่ง":
		min = 30
	case mins != "":
		v, err := strconv.Atoi(strings.TrimSuffix(mins, "นาที"))
		if err != nil || v > 59 {
			return nil
		}
		min = v
	}
	at := func(h int) []string { return []string{fmt.Sprintf("%02d:%02d", h, min)} }
	switch {
	case pre == "เที่ยงคืน" && !hasN && unit == "":
		return at(0)
	case (pre == "เที่ยง" || pre == "เที่ยงวัน") && !hasN && unit == "":
		return at(12)
	case pre == "ตี" && hasN && n >= 1 && n <= 5 && unit == "":
		return at(n)
	case pre == "บ่าย":
		if !hasN {
			n = 1 // บ่ายโมง
			if unit != "โมง" {
				return nil
			}
		}
		if n < 1 || n > 5 || (unit != "" && unit != "โมง") {
			return nil
		}
		return at(12 + n)
	case pre != "":
		return nil
	case unit == "ทุ่ม":
		if !hasN {
			n = 1 // ทุ่มหนึ่ง said as "ทุ่ม"
		}
		if n < 1 || n > 5 {
			return nil
		}
		return at(18 + n)
	case unit == "นาฬิกา" && hasN && n <= 23:
		return at(n)
	case !hasN:
		if unit == "โมงเช้า" {
			return at(7) // โมงเช้า: seven
		}
		return nil
	case unit == "โมงเช้า" && n >= 1 && n <= 5:
		return at(n + 6)
	case unit == "โมงเช้า" && n >= 6 && n <= 11:
		return at(n)
	case unit == "โมงเย็น" && n >= 1 && n <= 6:
		return at(n + 12)
	case unit == "โมง" && n >= 7 && n <= 12:
		return at(n)
	case unit == "โมง" && n >= 1 && n <= 6:
		morning := n + 6
		if n == 6 {
			morning = 6
		}
		return append(at(morning), at(n+12)...)
	case unit == "โมง" && n >= 13 && n <= 18:
		return at(n) // "14 โมง": the 24-hour clock said with โมง
	}
	return nil
}

// thaiTimeRe splits a typed time (spaces removed) into a prefix (บ่าย,
// ตี, เที่ยง), an hour in digits or words, a unit (โมง, ทุ่ม, …) and the
// minutes (ครึ่ง or a number).
var thaiTimeRe = regexp.MustCompile(`^(เที่ยงคืน|เที่ยงวัน|เที่ยง|บ่าย|ตี)?` +
	`([0-9]{1,2}|สิบสอง|สิบเอ็ด|สิบ|หนึ่ง|นึง|สอง|สาม|สี่|ห้า|หก|เจ็ด|แปด|เก้า)?` +
	`(โมงเช้า|โมงเย็น|โมง|ทุ่ม|นาฬิกา)?` +
	`(ครึ่ง|[0-9]{1,2}(?:นาที)?)?$`)

var thaiHourWords = map[string]int{
	"หนึ่ง": 1, "นึง": 1, "สอง": 2, "สาม": 3, "สี่": 4, "ห้า": 5, "หก": 6,
	"เจ็ด": 7, "แปด": 8, "เก้า": 9, "สิบ": 10, "สิบเอ็ด": 11, "สิบสอง": 12,
}

func thaiHour(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if n, ok := thaiHourWords[s]; ok {
		return n, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
