package locales

import (
	"math"
	"strings"
	"testing"
)

// baht is n whole baht in satang, for the tables below.
func baht(n int64) Amount { return Amount(n * 100) }

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
	}{
		// Digits, grouped or not, Thai digits, decimals.
		{"4500", baht(4500)},
		{"4,500", baht(4500)},
		{"4,500.50", 450050},
		{"4,500.5", 450050},
		{"4500.05", 450005},
		{"4,500.00", baht(4500)},
		{"๔๕๐๐", baht(4500)},
		{"๔,๕๐๐.๕๐", 450050},
		{"４５００", baht(4500)},
		{"4 500", baht(4500)},
		{"0", 0},
		{"0.75", 75},
		{"1.5", 150},
		{"007", baht(7)},
		{"\u200b4500", baht(4500)},
		{"1,500,000", baht(1_500_000)},
		// Units and filler words.
		{"ประมาณ 4500 บาท", baht(4500)},
		{"ประมาณ4500บาท", baht(4500)},
		{"ราว ๆ 4500 บาทค่ะ", baht(4500)},
		{"ราวๆ4500", baht(4500)},
		{"4500บ.", baht(4500)},
		{"4500 บ.", baht(4500)},
		{"4,500.-", baht(4500)},
		{"about 4500 baht", baht(4500)},
		{"About 4,500 Baht", baht(4500)},
		{"around 4500", baht(4500)},
		{"approx. 4500 THB", baht(4500)},
		{"~4500", baht(4500)},
		{"≈ 4500", baht(4500)},
		{"฿4,500", baht(4500)},
		{"4500฿", baht(4500)},
		{"THB 4500", baht(4500)},
		{"4500 บาทถ้วน", baht(4500)},
		{"4500 โดยประมาณ", baht(4500)},
		{"about 4500.", baht(4500)},
		{"น่าจะประมาณ 4500 บาทนะคะ", baht(4500)},
		{"เดือนละ 4500", baht(4500)},
		{"ตกเดือนละ 4,500 บาท", baht(4500)},
		{"4500 บาทต่อเดือน", baht(4500)},
		{"4500/เดือน", baht(4500)},
		{"4500 baht per month", baht(4500)},
		{"รายได้ 4500 บาท ครับ", baht(4500)},
		{"ได้ 4500", baht(4500)},
		{"เกือบ 5000", baht(5000)},
		// Multipliers after digits.
		{"4.5 พัน", baht(4500)},
		{"4.5พัน", baht(4500)},
		{"1.5 หมื่น", baht(15_000)},
		{"1.5หมื่นบาท", baht(15_000)},
		{"๑.๕ หมื่น", baht(15_000)},
		{"2 แสน", baht(200_000)},
		{"1.2 ล้าน", baht(1_200_000)},
		{"1.2345 ล้าน", baht(1_234_500)},
		{"1.23456 พัน", 123456},
		{"5k", baht(5000)},
		{"5K", baht(5000)},
		{"4.5k", baht(4500)},
		{"5 thousand", baht(5000)},
		{"15 พัน", baht(15_000)},
		{"2หมื่น5พัน", baht(25_000)},
		{"2 หมื่น 5 พัน", baht(25_000)},
		{"2หมื่น5", baht(25_000)},
		{"1,000 ล้าน", baht(1_000_000_000)},
		{"1 ล้าน 500000", baht(1_500_000)},
		// Thai number words.
		{"ห้าพัน", baht(5000)},
		{"ห้าพันบาท", baht(5000)},
		{"ห้า พัน บาท ค่ะ", baht(5000)},
		{"สี่พันห้าร้อย", baht(4500)},
		{"หนึ่งหมื่นสองพัน", baht(12_000)},
		{"หมื่นสองพัน", baht(12_000)},
		{"สามพันห้า", baht(3500)},
		{"พันห้า", baht(1500)},
		{"หมื่นสอง", baht(12_000)},
		{"แสนห้า", baht(150_000)},
		{"ล้านสอง", baht(1_200_000)},
		{"ร้อยห้า", baht(150)},
		{"พันครึ่ง", baht(1500)},
		{"หมื่นครึ่ง", baht(15_000)},
		{"ล้านครึ่ง", baht(1_500_000)},
		{"ยี่สิบ", baht(20)},
		{"ยี่สิบเอ็ด", baht(21)},
		{"สิบเอ็ด", baht(11)},
		{"ร้อยเอ็ด", baht(101)},
		{"สิบ", baht(10)},
		{"ร้อย", baht(100)},
		{"พัน", baht(1000)},
		{"ล้าน", baht(1_000_000)},
		{"พันนึง", baht(1000)},
		{"หมื่นนึง", baht(10_000)},
		{"ศูนย์", 0},
		{"ห้าสิบห้า", baht(55)},
		{"เก้าพันเก้าร้อยเก้าสิบเก้า", baht(9999)},
		{"หนึ่งแสนสองหมื่นสามพันสี่ร้อยห้าสิบหก", baht(123_456)},
		{"สองล้านห้าแสน", baht(2_500_000)},
		{"สามสิบสองล้าน", baht(32_000_000)},
		{"ห้าแสนล้าน", baht(500_000_000_000)},
		{"ล้านล้าน", baht(1_000_000_000_000)},
		{"หมืนสองพัน", baht(12_000)},
		// "กว่า": the number itself.
		{"พันกว่าบาท", baht(1000)},
		{"พันกว่า", baht(1000)},
		{"ห้าพันกว่าบาทค่ะ", baht(5000)},
		{"5000 กว่าๆ", baht(5000)},
		{"5000+", baht(5000)},
		// Ranges take the middle.
		{"5000-6000", baht(5500)},
		{"5000 - 6000", baht(5500)},
		{"5,000 – 6,000 บาท", baht(5500)},
		{"5,000 บาท - 6,000 บาท", baht(5500)},
		{"5000 ถึง 6000", baht(5500)},
		{"5000ถึง6000", baht(5500)},
		{"5000 to 6000 baht", baht(5500)},
		{"5000~6000", baht(5500)},
		{"ห้าพันถึงหกพัน", baht(5500)},
		{"ห้าถึงหกพัน", baht(5500)},
		{"5-6 พัน", baht(5500)},
		{"5-6k", baht(5500)},
		{"1.5-2 หมื่น", baht(17_500)},
		{"ประมาณ 5000-6000 บาทค่ะ", baht(5500)},
		{"500-6 พัน", baht(3250)}, // 500 times พัน is past 6,000: 500 to 6,000
		{"5000-5001", 500050},
		{"0.01-0.02", 2}, // half a satang rounds up
		{"5000-5000", baht(5000)},
	}
	for _, tt := range tests {
		got, ok := ParseAmount(tt.in)
		if !ok || got != tt.want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d satang", tt.in, got, ok, tt.want)
		}
		if IsNegativeAmount(tt.in) {
			t.Errorf("IsNegativeAmount(%q) = true", tt.in)
		}
	}
}

func TestParseAmountRefused(t *testing.T) {
	for _, in := range []string{
		"", " ", "บาท", "ประมาณ", "ไม่ทราบ", "ไม่รู้", "ไม่มี", "abc", "five", "12abc", "1e3", "½",
		"5000 6000", "5000, 6000", "ห้าพันหกพัน", "ห้าหก", "5 ห้า", "5000 ห้าพัน",
		"5000-", "-", "5000--6000", "5000-6000-7000", "6000-5000", "ถึง 6000",
		"ไม่ถึง 5000", "มากกว่า 5000", "ไม่เกิน 5000", "5000 หรือ 6000",
		"1.500", "4.555", "1,5", "1,5000", "15,00", ",500", "1,,500", "1500,", "1.2.3", ".", "..5",
		"1.23456789 พัน", // a fraction of a satang
		"k", "พันk", "ยี่", "ยี่ห้า", "เอ็ด", "เอ็ดพัน", "ครึ่ง", "สิบครึ่ง", "ห้าร้อยสองพัน", "พันพัน", "หมื่น 50000",
		"สองพันหนึ่ง", "พัน 5.5", "1.5 ห้า",
		"วันละ 300", "300 ต่อวัน", "1500 dollars", "4 คน", "+5",
		"92233720368547758.08", "ล้านล้านล้านล้าน", "99999999999999999999999",
		strings.Repeat("1", 200),
	} {
		if got, ok := ParseAmount(in); ok {
			t.Errorf("ParseAmount(%q) = %d, want refused", in, got)
		}
	}
}

func TestParseAmountNegative(t *testing.T) {
	for _, in := range []string{"-500", "-1,500 บาท", "−500", "ติดลบ 500", "ลบห้าร้อย", "ประมาณ -500 บาท", "-0.50"} {
		if got, ok := ParseAmount(in); ok {
			t.Errorf("ParseAmount(%q) = %d, want refused", in, got)
		}
		if !IsNegativeAmount(in) {
			t.Errorf("IsNegativeAmount(%q) = false, want true", in)
		}
	}
	for _, in := range []string{"500", "abc", "-abc", "-", "--5", "-5000-6000", "-1.500", "ไม่ทราบ"} {
		if IsNegativeAmount(in) {
			t.Errorf("IsNegativeAmount(%q) = true, want false", in)
		}
	}
	if got, ok := ParseAmount("-0"); !ok || got != 0 {
		t.Errorf("ParseAmount(%q) = %d, %v; want 0", "-0", got, ok)
	}
}

func TestAmountBaht(t *testing.T) {
	for a, want := range map[Amount]int64{0: 0, 450000: 4500, 450049: 4500, 450050: 4501, 450099: 4501, -150: -2, -149: -1} {
		if got := a.Baht(); got != want {
			t.Errorf("Amount(%d).Baht() = %d, want %d", a, got, want)
		}
	}
	if !Amount(450000).Whole() || Amount(450050).Whole() {
		t.Error("Whole is wrong")
	}
}

func TestFormatAmount(t *testing.T) {
	tests := []struct {
		a      Amount
		th, en string
	}{
		{450000, "4,500 บาท", "4,500 baht"},
		{450050, "4,500.50 บาท", "4,500.50 baht"},
		{5, "0.05 บาท", "0.05 baht"},
		{0, "0 บาท", "0 baht"},
		{-150, "-1.50 บาท", "-1.50 baht"},
		{math.MaxInt64, "92,233,720,368,547,758.07 บาท", "92,233,720,368,547,758.07 baht"},
		{math.MinInt64, "-92,233,720,368,547,758.08 บาท", "-92,233,720,368,547,758.08 baht"},
	}
	for _, tt := range tests {
		if got := FormatAmount(Thai, tt.a); got != tt.th {
			t.Errorf("FormatAmount(Thai, %d) = %q, want %q", tt.a, got, tt.th)
		}
		if got := FormatAmount(English, tt.a); got != tt.en {
			t.Errorf("FormatAmount(English, %d) = %q, want %q", tt.a, got, tt.en)
		}
		if got := tt.a.localize(Thai); got != tt.th {
			t.Errorf("Amount(%d).localize(Thai) = %q, want %q", tt.a, got, tt.th)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"4", 4},
		{"สี่คน", 4},
		{"สี่ คน", 4},
		{"๔ คน", 4},
		{"4 คนค่ะ", 4},
		{"มี 4 คน", 4},
		{"4 people", 4},
		{"ยี่สิบห้า", 25},
		{"ประมาณยี่สิบปี", 20},
		{"ประมาณ ยี่สิบ ปี ครับ", 20},
		{"20 ปี", 20},
		{"20 ปีแล้ว", 20},
		{"20 years", 20},
		{"สิบกว่าปี", 10},
		{"สิบปีกว่า", 10},
		{"ยี่สิบกว่าปีแล้วค่ะ", 20},
		{"สิบ", 10},
		{"สิบเอ็ด", 11},
		{"ยี่สิบเอ็ด", 21},
		{"สามสิบห้าปี", 35},
		{"ร้อย", 100},
		{"0", 0},
		{"ศูนย์", 0},
		{"1,500", 1500},
		{"1.5 พัน", 1500},
		{"4.0", 4},
		{"เกือบ 30 ปี", 30},
		{"5 ขวบ", 5},
	}
	for _, tt := range tests {
		if got, ok := ParseCount(tt.in); !ok || got != tt.want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", tt.in, got, ok, tt.want)
		}
	}
	for _, in := range []string{
		"", "คน", "ไม่ทราบ", "abc", "-4", "ลบสี่", "2.5", "4-5 คน", "4 ถึง 5 คน", "4 5", "สี่ห้า",
		"4 บาท", "1.500", "ยี่", "เอ็ด", "9223372036854775808", "ล้านล้านล้านล้าน",
	} {
		if got, ok := ParseCount(in); ok {
			t.Errorf("ParseCount(%q) = %d, want refused", in, got)
		}
	}
}

// TestParseAgreesWithParseInt checks that the new parsers read what
// ParseInt reads the same way.
func TestParseAgreesWithParseInt(t *testing.T) {
	for _, in := range []string{"5", "๑๕๐๐", "1,500", "1 500", "1500 บาท", "฿1,500.00", "5 พัน", "๒ หมื่น", "1 แสน",
		"1,500 บาทค่ะ", "007", "0"} {
		n, ok := ParseInt(in)
		a, ok2 := ParseAmount(in)
		if !ok || !ok2 || a != Amount(n*100) {
			t.Errorf("ParseInt(%q) = %d, %v but ParseAmount = %d, %v", in, n, ok, a, ok2)
		}
	}
	for _, in := range []string{"4", "4 คน", "4คนครับ", "62 ปี", "62 years", "1 500"} {
		n, ok := ParseInt(in)
		c, ok2 := ParseCount(in)
		if !ok || !ok2 || int64(c) != n {
			t.Errorf("ParseInt(%q) = %d, %v but ParseCount = %d, %v", in, n, ok, c, ok2)
		}
	}
}
