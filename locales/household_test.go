package locales

import "testing"

func TestStripTitle(t *testing.T) {
	for in, want := range map[string]string{
		"นายสมชาย ใจดี": "สมชาย ใจดี", "นาย สมชาย": "สมชาย", "นางสาวสมศรี มีสุข": "สมศรี มีสุข", "น.ส. สมศรี": "สมศรี",
		"น.ส.สมศรี": "สมศรี", "นางมาลี แก้วใส": "มาลี แก้วใส", "Mr. Smith": "Smith", "Mr.Smith": "Smith", "mr smith": "smith",
		"สมชาย": "สมชาย", "นาย": "นาย",
		// Names that start like a title keep it.
		"Mrinal Sen": "Mrinal Sen", "Mrs Mrinal Sen": "Mrinal Sen", "Msafiri Juma": "Msafiri Juma",
		"นางนวล": "นางนวล", "นายหนึ่ง": "นายหนึ่ง", "นาย นายหนึ่ง": "นายหนึ่ง", "นางนวล ศรีสุข": "นวล ศรีสุข",
	} {
		if got := StripTitle(in); got != want {
			t.Errorf("StripTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseHouseNo(t *testing.T) {
	for in, want := range map[string]string{"12": "12", " 45/3 ": "45/3", "๑๒/๓": "12/3", "บ้านเลขที่ 7": "7", "เลขที่ 9-1": "9-1"} {
		if got, ok := ParseHouseNo(in); !ok || got != want {
			t.Errorf("ParseHouseNo(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "บ้านริมน้ำ", "/12", "12a", "1234567890123456"} {
		if got, ok := ParseHouseNo(in); ok {
			t.Errorf("ParseHouseNo(%q) = %q, want refused", in, got)
		}
	}
}

func TestFirstName(t *testing.T) {
	for in, want := range map[string]string{"นางมาลัย ใจงาม": "มาลัย", "สมชาย ใจดี": "สมชาย", "Mr. John Smith": "John", "มาลี": "มาลี",
		"Mrinal Sen": "Mrinal", "นางนวล": "นางนวล", "นาง มาลี": "มาลี"} {
		if got := FirstName(in); got != want {
			t.Errorf("FirstName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseIntThaiMultipliers(t *testing.T) {
	for in, want := range map[string]int64{"5 พัน": 5000, "5พันบาท": 5000, "๒ หมื่น": 20000, "1 แสน": 100000, "5,500": 5500} {
		if got, ok := ParseInt(in); !ok || got != want {
			t.Errorf("ParseInt(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"พัน", "ห้าพัน"} {
		if got, ok := ParseInt(in); ok {
			t.Errorf("ParseInt(%q) = %d, want refused", in, got)
		}
	}
}
