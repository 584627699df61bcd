package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

const goodSecret = "8c570fa6dd201bb328f1c1eac23a96d8"

func TestLoadConfigRefusesBadValues(t *testing.T) {
	real := []string{"LINE_CHANNEL_SECRET", goodSecret, "LINE_CHANNEL_ACCESS_TOKEN", "token"}
	tests := []struct {
		name string
		env  []string
		// want are phrases the error must contain: the variable named, and
		// what is wrong with it.
		want []string
	}{
		{"secret without token", []string{"LINE_CHANNEL_SECRET", goodSecret},
			[]string{"LINE_CHANNEL_ACCESS_TOKEN is not set", "set both"}},
		{"token without secret", []string{"LINE_CHANNEL_ACCESS_TOKEN", "token"},
			[]string{"LINE_CHANNEL_SECRET is not set", "set both"}},
		{"secret not hex", append([]string{"LINE_CHANNEL_SECRET", "zz570fa6dd201bb328f1c1eac23a96d8"}, real[2:]...),
			[]string{"LINE_CHANNEL_SECRET", "32 hexadecimal"}},
		{"secret too short", append([]string{"LINE_CHANNEL_SECRET", "8c570fa6"}, real[2:]...),
			[]string{"LINE_CHANNEL_SECRET", "32 hexadecimal"}},
		{"API endpoint without scheme", append(real, "LINE_API_ENDPOINT", "api.line.me"),
			[]string{`LINE_API_ENDPOINT="api.line.me"`, "absolute http(s) URL"}},
		{"API endpoint not http", append(real, "LINE_API_ENDPOINT", "ftp://api.line.me"),
			[]string{`LINE_API_ENDPOINT="ftp://api.line.me"`}},
		{"data endpoint without host", append(real, "LINE_DATA_ENDPOINT", "https://"),
			[]string{`LINE_DATA_ENDPOINT="https://"`}},
		{"address without port", append(real, "SAMMACHIP_ADDR", "8080"),
			[]string{`SAMMACHIP_ADDR="8080"`, "host:port"}},
		{"address with empty port", append(real, "SAMMACHIP_ADDR", "127.0.0.1:"),
			[]string{`SAMMACHIP_ADDR="127.0.0.1:"`}},
		{"unknown time zone", append(real, "SAMMACHIP_TZ", "Asia/Nowhere"),
			[]string{`SAMMACHIP_TZ="Asia/Nowhere"`, "time zone"}},
		{"code tries without a time", append(real, "SAMMACHIP_CODE_TRIES", "5"),
			[]string{`SAMMACHIP_CODE_TRIES="5"`, "e.g. 5/10m"}},
		{"code tries of none", append(real, "SAMMACHIP_CODE_TRIES", "0/10m"),
			[]string{`SAMMACHIP_CODE_TRIES="0/10m"`}},
		{"link codes for a decade", append(real, "SAMMACHIP_LINK_CODE_DAYS", "3650"),
			[]string{`SAMMACHIP_LINK_CODE_DAYS="3650"`, "1 to 366"}},
		{"follow-up days not numbers", append(real, "SAMMACHIP_FOLLOWUP_DAYS", "30 90"),
			[]string{`SAMMACHIP_FOLLOWUP_DAYS="30 90"`, "e.g. 30,90"}},
		{"follow-up days twice", append(real, "SAMMACHIP_FOLLOWUP_DAYS", "30,30"),
			[]string{`SAMMACHIP_FOLLOWUP_DAYS="30,30"`, "none twice"}},
		{"follow-up after three years", append(real, "SAMMACHIP_FOLLOWUP_DAYS", "30,1095"),
			[]string{`SAMMACHIP_FOLLOWUP_DAYS="30,1095"`, "1 to 730"}},
		{"follow-up weekday unknown", append(real, "SAMMACHIP_FOLLOWUP_WEEKDAY", "someday"),
			[]string{`SAMMACHIP_FOLLOWUP_WEEKDAY="someday"`, "จันทร์"}},
		{"several at once, each named", []string{"LINE_CHANNEL_SECRET", "x", "SAMMACHIP_ADDR", "nope", "SAMMACHIP_TZ", "Mars/Olympus"},
			[]string{"LINE_CHANNEL_ACCESS_TOKEN", "LINE_CHANNEL_SECRET", "SAMMACHIP_ADDR", "SAMMACHIP_TZ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadConfig(env(tt.env...))
			if err == nil {
				t.Fatalf("got no error, want one naming %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("got error %q, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestLoadConfigDefaults(t *testing.T) {
	tests := []struct {
		name      string
		env       []string
		simulator bool
		db        string
		addr      string
		api       string
		data      string
		tz        string
	}{
		{"nothing set: simulator, on this machine only", nil, true, "sammachip-sim.db", "127.0.0.1:8080", "https://api.line.me", "https://api-data.line.me", "Asia/Bangkok"},
		{"both credentials: real mode", []string{"LINE_CHANNEL_SECRET", goodSecret, "LINE_CHANNEL_ACCESS_TOKEN", "token"},
			false, "sammachip.db", ":8080", "https://api.line.me", "https://api-data.line.me", "Asia/Bangkok"},
		{"everything set", []string{
			"LINE_CHANNEL_SECRET", goodSecret, "LINE_CHANNEL_ACCESS_TOKEN", "token",
			"LINE_API_ENDPOINT", "http://127.0.0.1:9000", "LINE_DATA_ENDPOINT", "http://127.0.0.1:9001",
			"SAMMACHIP_ADDR", "127.0.0.1:8081", "SAMMACHIP_DB", "/var/lib/sammachip/bot.db", "SAMMACHIP_TZ", "UTC",
		}, false, "/var/lib/sammachip/bot.db", "127.0.0.1:8081", "http://127.0.0.1:9000", "http://127.0.0.1:9001", "UTC"},
		{"simulator with its own DB", []string{"SAMMACHIP_DB", "demo.db"}, true, "demo.db", "127.0.0.1:8080", "https://api.line.me", "https://api-data.line.me", "Asia/Bangkok"},
		{"simulator told to listen on all addresses", []string{"SAMMACHIP_ADDR", ":8080"}, true, "sammachip-sim.db", ":8080", "https://api.line.me", "https://api-data.line.me", "Asia/Bangkok"},
		{"spaces around values are ignored", []string{"LINE_CHANNEL_SECRET", " " + goodSecret + "\n", "LINE_CHANNEL_ACCESS_TOKEN", " token ", "SAMMACHIP_ADDR", " :9090 "},
			false, "sammachip.db", ":9090", "https://api.line.me", "https://api-data.line.me", "Asia/Bangkok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(env(tt.env...))
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := c.Simulator(); got != tt.simulator {
				t.Errorf("got simulator %v, want %v", got, tt.simulator)
			}
			if c.DB != tt.db {
				t.Errorf("got DB %q, want %q", c.DB, tt.db)
			}
			if c.Addr != tt.addr {
				t.Errorf("got Addr %q, want %q", c.Addr, tt.addr)
			}
			if c.APIEndpoint != tt.api || c.DataEndpoint != tt.data {
				t.Errorf("got endpoints %q, %q, want %q, %q", c.APIEndpoint, c.DataEndpoint, tt.api, tt.data)
			}
			if c.Location == nil || c.Location.String() != tt.tz {
				t.Errorf("got time zone %v, want %s", c.Location, tt.tz)
			}
			if !tt.simulator && (c.ChannelSecret != goodSecret || c.AccessToken != "token") {
				t.Errorf("got credentials %q, %q, want them trimmed", c.ChannelSecret, c.AccessToken)
			}
		})
	}
}

func TestSimulatorRefusesANamedDatabase(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name string
		vars map[string]string
		ok   bool
	}{
		{"simulator on its own database", map[string]string{}, true},
		{"simulator on a named database", map[string]string{"SAMMACHIP_DB": "/var/lib/sammachip/sammachip.db"}, false},
		{"named database, opted in", map[string]string{"SAMMACHIP_DB": "demo.db", "SAMMACHIP_SIMULATOR": "1"}, true},
		{"real mode on a named database", map[string]string{"SAMMACHIP_DB": "x.db", "LINE_CHANNEL_SECRET": "8c570fa6dd201bb328f1c1eac23a96d8", "LINE_CHANNEL_ACCESS_TOKEN": "t"}, true},
	}
	for _, tt := range tests {
		cfg, err := LoadConfig(env(tt.vars))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if err := simulatorGuard(cfg, env(tt.vars)); (err == nil) != tt.ok {
			t.Errorf("%s: guard said %v", tt.name, err)
		}
	}
}

// The code limits and the link codes' life reach the engine, from the
// environment or their defaults.
func TestLoadConfigCodeSettings(t *testing.T) {
	tests := []struct {
		env          []string
		tries        int
		window, life time.Duration
	}{
		{nil, 5, 10 * time.Minute, 30 * 24 * time.Hour},
		{[]string{"SAMMACHIP_CODE_TRIES", "3/15m", "SAMMACHIP_LINK_CODE_DAYS", "14"}, 3, 15 * time.Minute, 14 * 24 * time.Hour},
		{[]string{"SAMMACHIP_CODE_TRIES", " 8 / 1h "}, 8, time.Hour, 30 * 24 * time.Hour},
	}
	for _, tt := range tests {
		c, err := LoadConfig(env(tt.env...))
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		ec := c.EngineConfig(nil)
		if l := ec.CodeLimits; l.PerUser != tt.tries || l.UserWindow != tt.window || l.UserCoolOff != tt.window || ec.LinkCodeTTL != tt.life {
			t.Errorf("%v: got %d per %v, cool-off %v, link codes %v; want %d per %v, link codes %v",
				tt.env, l.PerUser, l.UserWindow, l.UserCoolOff, ec.LinkCodeTTL, tt.tries, tt.window, tt.life)
		}
	}
}

// The follow-up days and the sages' weekday reach the engine, from the
// environment or their defaults (30 and 90 days, Monday).
func TestLoadConfigFollowUps(t *testing.T) {
	tests := []struct {
		env  []string
		days []int
		day  time.Weekday
	}{
		{nil, []int{30, 90}, time.Monday},
		{[]string{"SAMMACHIP_FOLLOWUP_DAYS", " 60 , 180 ", "SAMMACHIP_FOLLOWUP_WEEKDAY", "Wednesday"}, []int{60, 180}, time.Wednesday},
		{[]string{"SAMMACHIP_FOLLOWUP_DAYS", "๓๐", "SAMMACHIP_FOLLOWUP_WEEKDAY", "จันทร์"}, []int{30}, time.Monday},
		{[]string{"SAMMACHIP_FOLLOWUP_WEEKDAY", "วันศุกร์"}, []int{30, 90}, time.Friday},
		{[]string{"SAMMACHIP_FOLLOWUP_WEEKDAY", "พฤ."}, []int{30, 90}, time.Thursday},
		{[]string{"SAMMACHIP_FOLLOWUP_WEEKDAY", "อา."}, []int{30, 90}, time.Sunday},
		{[]string{"SAMMACHIP_FOLLOWUP_WEEKDAY", "TUE"}, []int{30, 90}, time.Tuesday},
	}
	for _, tt := range tests {
		c, err := LoadConfig(env(tt.env...))
		if err != nil {
			t.Fatalf("%v: %v", tt.env, err)
		}
		fc := c.EngineConfig(nil).FollowUps
		if fc.SageWeekday == nil {
			t.Fatalf("%v: no weekday set", tt.env)
		}
		if !slices.Equal(fc.Days, tt.days) || *fc.SageWeekday != tt.day {
			t.Errorf("%v: got days %v on %v, want %v on %v", tt.env, fc.Days, *fc.SageWeekday, tt.days, tt.day)
		}
	}
}

func TestLoadConfigOffice(t *testing.T) {
	tests := []struct {
		name               string
		district, province string
		wantDistrict       string
		wantProvince       string
		wantErr            []string // phrases the error must contain; none when fine
	}{
		{"unset", "", "", "", "", nil},
		{"plain names", "เมืองขอนแก่น", "ขอนแก่น", "เมืองขอนแก่น", "ขอนแก่น", nil},
		{"with prefixes and spaces", "  อำเภอ เมืองขอนแก่น ", "จ.ขอนแก่น", "เมืองขอนแก่น", "ขอนแก่น", nil},
		{"abbreviated district", "อ.บ้านไผ่", "จังหวัดขอนแก่น", "บ้านไผ่", "ขอนแก่น", nil},
		{"inner spaces collapse", "Ban  Phai", "Khon Kaen", "Ban Phai", "Khon Kaen", nil},
		{"blank", "   ", "ขอนแก่น", "", "", []string{`SAMMACHIP_DISTRICT="   "`, "blank"}},
		{"only the prefix", "", "จังหวัด", "", "", []string{`SAMMACHIP_PROVINCE="จังหวัด"`}},
		{"two lines", "เมือง\nขอนแก่น", "", "", "", []string{"SAMMACHIP_DISTRICT", "one line"}},
		{"over-long", strings.Repeat("ก", 41), "", "", "", []string{"SAMMACHIP_DISTRICT", "at most 40 characters"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadConfig(env("SAMMACHIP_DISTRICT", tt.district, "SAMMACHIP_PROVINCE", tt.province))
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, want one naming %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q, want %q in it", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Office.District != tt.wantDistrict || c.Office.Province != tt.wantProvince {
				t.Errorf("office %+v, want %q, %q", c.Office, tt.wantDistrict, tt.wantProvince)
			}
			if got := c.EngineConfig(nil).Office; got != c.Office {
				t.Errorf("engine's office %+v, want %+v: the summary and exports would not show it", got, c.Office)
			}
		})
	}
}
