package locales

import (
	"fmt"
	"strconv"
	"time"
)

// Argument types. A flow wraps a value in one of these when it builds a
// reply; Catalog.Text formats it in the reader's language before the
// template runs, so flows never need to know the user's language. Times are
// formatted in their own location: pass Asia/Bangkok times.
type (
	// Date renders as a long date: "วันจันทร์ที่ 7 ธันวาคม 2569",
	// "Monday 7 December 2026".
	Date time.Time
	// ShortDate renders as a short date: "จ. 7 ธ.ค. 69", "Mon 7 Dec 2026".
	ShortDate time.Time
	// DateYear renders as a medium date with the full year:
	// "จ. 7 ธ.ค. 2569", "Mon 7 Dec 2026".
	DateYear time.Time
	// Clock renders as a time of day: "18.00 น.", "18:00".
	Clock time.Time
	// Baht renders as an amount of money: "1,500 บาท", "1,500 baht".
	Baht int64
	// Number renders with thousands separators: "1,500" in both languages.
	Number int64
)

// localizer is implemented by the argument types above.
type localizer interface {
	localize(Lang) string
}

func (d Date) localize(l Lang) string      { return FormatDate(l, time.Time(d)) }
func (d ShortDate) localize(l Lang) string { return FormatShortDate(l, time.Time(d)) }
func (d DateYear) localize(l Lang) string  { return FormatDateYear(l, time.Time(d)) }
func (c Clock) localize(l Lang) string     { return FormatClock(l, time.Time(c)) }
func (b Baht) localize(l Lang) string      { return FormatBaht(l, int64(b)) }
func (n Number) localize(Lang) string      { return FormatNumber(int64(n)) }

// buddhistEra is added to the AD year to give the Thai (BE) year.
const buddhistEra = 543

var (
	thaiDays      = [7]string{"อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"}
	thaiDaysShort = [7]string{"อา.", "จ.", "อ.", "พ.", "พฤ.", "ศ.", "ส."}
	thaiMonths    = [12]string{
		"มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
		"กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
	}
	thaiMonthsShort = [12]string{
		"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
		"ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
	}
)

// FormatDate formats t as a long date in t's location:
// Thai "วันจันทร์ที่ 7 ธันวาคม 2569" (Buddhist Era), English
// "Monday 7 December 2026". Any language other than English gets Thai.
func FormatDate(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("Monday 2 January 2006")
	}
	return "วัน" + thaiDays[t.Weekday()] + "ที่ " + strconv.Itoa(t.Day()) + " " +
		thaiMonths[t.Month()-1] + " " + strconv.Itoa(t.Year()+buddhistEra)
}

// FormatShortDate formats t as a short date in t's location: Thai
// "จ. 7 ธ.ค. 69" (two-digit Buddhist Era year), English "Mon 7 Dec 2026".
func FormatShortDate(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("Mon 2 Jan 2006")
	}
	yy := ((t.Year()+buddhistEra)%100 + 100) % 100
	return fmt.Sprintf("%s %d %s %02d", thaiDaysShort[t.Weekday()], t.Day(), thaiMonthsShort[t.Month()-1], yy)
}

// FormatDateYear formats t as a medium date with the full year in t's
// location: Thai "จ. 7 ธ.ค. 2569", English "Mon 7 Dec 2026".
func FormatDateYear(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("Mon 2 Jan 2006")
	}
	return thaiDaysShort[t.Weekday()] + " " + strconv.Itoa(t.Day()) + " " +
		thaiMonthsShort[t.Month()-1] + " " + strconv.Itoa(t.Year()+buddhistEra)
}

// FormatClock formats t's time of day (24-hour, in t's location): Thai
// "18.00 น." or "09.30 น.", English "18:00" or "09:30".
func FormatClock(lang Lang, t time.Time) string {
	if lang == English {
		return t.Format("15:04")
	}
	return fmt.Sprintf("%02d.%02d น.", t.Hour(), t.Minute())
}

// FormatBaht formats an amount in whole baht: "1,500 บาท", "1,500 baht".
func FormatBaht(lang Lang, n int64) string {
	if lang == English {
		return FormatNumber(n) + " baht"
	}
	return FormatNumber(n) + " บาท"
}

// FormatNumber formats n with a comma every three digits: "1,500",
// "-1,234,567". Thai and English write numbers the same way.
func FormatNumber(n int64) string {
	u := uint64(n)
	if n < 0 {
		u = -u // two's complement: correct for math.MinInt64 too
	}
	digits := strconv.FormatUint(u, 10)
	b := make([]byte, 0, len(digits)+len(digits)/3+1)
	if n < 0 {
		b = append(b, '-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	return string(b)
}
