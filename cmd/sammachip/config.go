package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Config is the program's configuration, read from the environment.
type Config struct {
	ChannelSecret string
	AccessToken   string
	APIEndpoint   string
	DataEndpoint  string
	Addr          string
	DB            string
	Location      *time.Location
	// LineTimeout bounds each call to LINE's API.
	LineTimeout time.Duration
	// RestoreWait is how long a starting server waits for a restore of its
	// database to finish (then it opens the restored file).
	RestoreWait time.Duration
	// ConversationTimeout expires a conversation left idle this long.
	ConversationTimeout time.Duration
	// Reminders says when reminders and the daily summary fall due.
	Reminders flows.ReminderConfig
	// NotifyGroupsOnRegistration pushes each new sage registration to the
	// officers' groups (off by default: a group push counts per member).
	NotifyGroupsOnRegistration bool
	// BaseURL is the bot's public address (SAMMACHIP_BASE_URL), without a
	// trailing slash: officers' report download links are made on it. A
	// real channel needs https; unset, officers are told that links are
	// not configured. The simulator defaults to its own local http address.
	BaseURL string
	// CompactAt is when the database is compacted each night (HH:MM), ""
	// for never; ReplyFallback which answers go out as a push when their
	// reply surely failed (config_upkeep.go).
	CompactAt     string
	ReplyFallback bot.ReplyFallback
	// CodeLimits bound wrong codes per user (SAMMACHIP_CODE_TRIES); the
	// limit for everyone together keeps its default. LinkCodeTTL is how
	// long a household's link code works (SAMMACHIP_LINK_CODE_DAYS).
	CodeLimits  flows.CodeLimits
	LinkCodeTTL time.Duration
	// FollowUps says when households that completed the programme are
	// followed up (SAMMACHIP_FOLLOWUP_DAYS) and the day of the sages'
	// weekly list (SAMMACHIP_FOLLOWUP_WEEKDAY).
	FollowUps flows.FollowUpConfig
	// OfficePhone is the district office's phone number, named in help
	// (SAMMACHIP_OFFICE_PHONE, optional): digits only, "" when unset.
	OfficePhone string
	// Office is the district and province the bot serves
	// (SAMMACHIP_DISTRICT, SAMMACHIP_PROVINCE), shown in the exports and
	// the daily summary's title; empty when not set.
	Office flows.Office
	// CheckInEarly is how long before a day's start "I am here" is
	// accepted (SAMMACHIP_CHECKIN_EARLY_MINUTES, default 60); nil: the
	// domain's default.
	CheckInEarly *time.Duration
}

// EngineConfig is the domain's configuration: the same for the server and
// the command-line tools.
func (c Config) EngineConfig(cat *locales.Catalog) flows.Config {
	return flows.Config{
		Location:                   c.Location,
		Catalog:                    cat,
		ConversationTimeout:        c.ConversationTimeout,
		Reminders:                  c.Reminders,
		NotifyGroupsOnRegistration: c.NotifyGroupsOnRegistration,
		CodeLimits:                 c.CodeLimits,
		LinkCodeTTL:                c.LinkCodeTTL,
		FollowUps:                  c.FollowUps,
		OfficePhone:                c.OfficePhone,
		Office:                     c.Office,
		CheckInEarly:               c.CheckInEarly,
	}
}

// Simulator reports whether the bot runs without a LINE channel.
func (c Config) Simulator() bool { return c.ChannelSecret == "" && c.AccessToken == "" }

// LoadConfig reads and checks the configuration. Every bad value is
// reported, each with what is wrong and what is expected.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		ChannelSecret: get("LINE_CHANNEL_SECRET", ""),
		AccessToken:   get("LINE_CHANNEL_ACCESS_TOKEN", ""),
		APIEndpoint:   get("LINE_API_ENDPOINT", "https://api.line.me"),
		DataEndpoint:  get("LINE_DATA_ENDPOINT", "https://api-data.line.me"),
		Addr:          get("SAMMACHIP_ADDR", ""),
		DB:            get("SAMMACHIP_DB", ""),
	}
	if c.Addr == "" {
		// The simulator's page lets anyone act as any user: by default
		// only this machine reaches it.
		c.Addr = ":8080"
		if c.Simulator() {
			c.Addr = "127.0.0.1:8080"
		}
	}
	var errs []error
	switch {
	case c.ChannelSecret != "" && c.AccessToken == "":
		errs = append(errs, errors.New("LINE_CHANNEL_ACCESS_TOKEN is not set, but LINE_CHANNEL_SECRET is: set both for a real LINE channel, or neither for the simulator"))
	case c.ChannelSecret == "" && c.AccessToken != "":
		errs = append(errs, errors.New("LINE_CHANNEL_SECRET is not set, but LINE_CHANNEL_ACCESS_TOKEN is: set both for a real LINE channel, or neither for the simulator"))
	}
	if c.ChannelSecret != "" {
		if b, err := hex.DecodeString(c.ChannelSecret); err != nil || len(b) != 16 {
			errs = append(errs, errors.New("LINE_CHANNEL_SECRET: expected the 32 hexadecimal characters shown in the LINE Developers console (Basic settings → Channel secret)"))
		}
	}
	for _, e := range []struct{ name, val string }{{"LINE_API_ENDPOINT", c.APIEndpoint}, {"LINE_DATA_ENDPOINT", c.DataEndpoint}} {
		u, err := url.Parse(e.val)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q: expected an absolute http(s) URL such as https://api.line.me", e.name, e.val))
		}
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("SAMMACHIP_ADDR=%q: expected host:port, e.g. :8080 or 127.0.0.1:8080", c.Addr))
	}
	tz := get("SAMMACHIP_TZ", "Asia/Bangkok")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		errs = append(errs, fmt.Errorf("SAMMACHIP_TZ=%q: not a known time zone; expected a name such as Asia/Bangkok", tz))
	}
	c.Location = loc
	if v := get("SAMMACHIP_CONVERSATION_TIMEOUT", "30m"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 24*time.Hour {
			errs = append(errs, fmt.Errorf("SAMMACHIP_CONVERSATION_TIMEOUT=%q: expected a duration from 1m to 24h, e.g. 30m", v))
		}
		c.ConversationTimeout = d
	}
	if v := get("SAMMACHIP_LINE_TIMEOUT", "10s"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 100*time.Millisecond || d > 2*time.Minute {
			errs = append(errs, fmt.Errorf("SAMMACHIP_LINE_TIMEOUT=%q: expected a duration from 100ms to 2m, e.g. 10s", v))
		}
		c.LineTimeout = d
	}
	if v := get("SAMMACHIP_RESTORE_WAIT", "2m"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second || d > time.Hour {
			errs = append(errs, fmt.Errorf("SAMMACHIP_RESTORE_WAIT=%q: expected a duration from 1s to 1h, e.g. 2m", v))
		}
		c.RestoreWait = d
	}
	if v := get("SAMMACHIP_CODE_TRIES", "5/10m"); v != "" {
		n, window, ok := strings.Cut(v, "/")
		tries, err := strconv.Atoi(strings.TrimSpace(n))
		d, derr := time.ParseDuration(strings.TrimSpace(window))
		if !ok || err != nil || derr != nil || tries < 1 || tries > 100 || d < time.Minute || d > 24*time.Hour {
			errs = append(errs, fmt.Errorf("SAMMACHIP_CODE_TRIES=%q: expected wrong codes per time, from 1 to 100 per 1m to 24h, e.g. 5/10m (then the user waits that long)", v))
		}
		c.CodeLimits.PerUser, c.CodeLimits.UserWindow, c.CodeLimits.UserCoolOff = tries, d, d
	}
	if v := get("SAMMACHIP_LINK_CODE_DAYS", "30"); v != "" {
		days, err := strconv.Atoi(v)
		if err != nil || days < 1 || days > 366 {
			errs = append(errs, fmt.Errorf("SAMMACHIP_LINK_CODE_DAYS=%q: expected whole days from 1 to 366, e.g. 30", v))
		}
		c.LinkCodeTTL = time.Duration(days) * 24 * time.Hour
	}
	if v := get("SAMMACHIP_FOLLOWUP_DAYS", "30,90"); v != "" {
		days, ok := parseFollowUpDays(v)
		if !ok {
			errs = append(errs, fmt.Errorf("SAMMACHIP_FOLLOWUP_DAYS=%q: expected days after a village's day 5, from 1 to 730, separated by commas, at most 6 and none twice, e.g. 30,90", v))
		}
		c.FollowUps.Days = days
	}
	if v := get("SAMMACHIP_FOLLOWUP_WEEKDAY", "mon"); v != "" {
		day, ok := parseWeekday(v)
		if !ok {
			errs = append(errs, fmt.Errorf("SAMMACHIP_FOLLOWUP_WEEKDAY=%q: expected a day of the week, e.g. mon, monday or จันทร์", v))
		}
		c.FollowUps.SageWeekday = &day
	}
	if v := get("SAMMACHIP_OFFICE_PHONE", ""); v != "" {
		phone, ok := locales.ParsePhone(v)
		if !ok {
			errs = append(errs, fmt.Errorf("SAMMACHIP_OFFICE_PHONE=%q: expected a Thai phone number, e.g. 043-123456 or 081-234-5678, or unset", v))
		}
		c.OfficePhone = phone
	}
	if v := get("SAMMACHIP_CHECKIN_EARLY_MINUTES", "60"); v != "" {
		m, err := strconv.Atoi(locales.NormalizeDigits(v))
		if err != nil || m < 0 || m > 240 {
			errs = append(errs, fmt.Errorf("SAMMACHIP_CHECKIN_EARLY_MINUTES=%q: expected whole minutes from 0 to 240 before a day's start, when \"I am here\" opens, e.g. 60", v))
		}
		early := time.Duration(m) * time.Minute
		c.CheckInEarly = &early
	}
	clock := func(name, def string, dst *string) {
		v := get(name, def)
		if _, err := time.Parse("15:04", v); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: expected a time of day as HH:MM, e.g. %s", name, v, def))
		}
		*dst = v
	}
	rc := &c.Reminders
	clock("SAMMACHIP_REMIND_EVENING", "18:00", &rc.EveningBefore)
	clock("SAMMACHIP_REMIND_HEADCOUNT", "18:00", &rc.Headcount)
	clock("SAMMACHIP_SUMMARY_AT", "18:30", &rc.Summary)
	switch v := get("SAMMACHIP_REMIND_MORNING", "off"); v {
	case "off", "":
		rc.Morning = "07:00"
	default:
		rc.MorningOn = true
		clock("SAMMACHIP_REMIND_MORNING", "07:00", &rc.Morning)
	}
	quiet := get("SAMMACHIP_QUIET_HOURS", "21:00-07:00")
	if from, to, ok := strings.Cut(quiet, "-"); ok {
		_, err1 := time.Parse("15:04", from)
		_, err2 := time.Parse("15:04", to)
		if err1 != nil || err2 != nil {
			ok = false
		}
		rc.QuietStart, rc.QuietEnd = from, to
		if !ok {
			errs = append(errs, fmt.Errorf("SAMMACHIP_QUIET_HOURS=%q: expected HH:MM-HH:MM, e.g. 21:00-07:00", quiet))
		}
	} else {
		errs = append(errs, fmt.Errorf("SAMMACHIP_QUIET_HOURS=%q: expected HH:MM-HH:MM, e.g. 21:00-07:00", quiet))
	}
	switch v := strings.ToLower(get("SAMMACHIP_NOTIFY_GROUPS_ON_REGISTRATION", "false")); v {
	case "true", "1", "yes", "on":
		c.NotifyGroupsOnRegistration = true
	case "false", "0", "no", "off":
	default:
		errs = append(errs, fmt.Errorf("SAMMACHIP_NOTIFY_GROUPS_ON_REGISTRATION=%q: expected true or false", v))
	}
	if v := get("SAMMACHIP_BASE_URL", ""); v != "" {
		u, err := url.Parse(v)
		switch {
		case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
			errs = append(errs, fmt.Errorf("SAMMACHIP_BASE_URL=%q: expected the bot's public address as an absolute URL such as https://sammachip.example.go.th", v))
		case u.Scheme != "https" && !c.Simulator():
			errs = append(errs, fmt.Errorf("SAMMACHIP_BASE_URL=%q: expected an https address: LINE opens links, and officers download personal data, only over HTTPS", v))
		default:
			c.BaseURL = strings.TrimRight(v, "/")
		}
	}
	for _, e := range []struct {
		name, prefix string
		dst          *string
	}{{"SAMMACHIP_DISTRICT", "อำเภอ", &c.Office.District}, {"SAMMACHIP_PROVINCE", "จังหวัด", &c.Office.Province}} {
		v, err := parsePlaceName(getenv(e.name), e.prefix)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", e.name, getenv(e.name), err))
		}
		*e.dst = v
	}
	errs = append(errs, c.loadUpkeep(get)...)
	if c.DB == "" {
		// The simulator keeps its demo data apart from a real channel's.
		c.DB = "sammachip.db"
		if c.Simulator() {
			c.DB = "sammachip-sim.db"
		}
	}
	if len(errs) > 0 {
		var b strings.Builder
		b.WriteString("bad configuration:")
		for _, e := range errs {
			b.WriteString("\n  - " + e.Error())
		}
		return c, errors.New(b.String())
	}
	return c, nil
}

// parseFollowUpDays reads SAMMACHIP_FOLLOWUP_DAYS: "30,90", spaces and
// Thai digits allowed.
func parseFollowUpDays(v string) ([]int, bool) {
	var days []int
	for _, part := range strings.Split(locales.NormalizeDigits(v), ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 || n > 730 || slices.Contains(days, n) {
			return nil, false
		}
		days = append(days, n)
	}
	return days, len(days) <= 6
}

// weekdays are the names a day of the week is written with: English, in
// full or three letters, and Thai, in full (with or without วัน) or
// abbreviated as on calendars (จ. อ. พ. พฤ. ศ. ส. อา.).
var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"อาทิตย์": time.Sunday, "จันทร์": time.Monday, "อังคาร": time.Tuesday, "พุธ": time.Wednesday,
	"พฤหัสบดี": time.Thursday, "พฤหัส": time.Thursday, "ศุกร์": time.Friday, "เสาร์": time.Saturday,
	"อา": time.Sunday, "จ": time.Monday, "อ": time.Tuesday, "พ": time.Wednesday,
	"พฤ": time.Thursday, "ศ": time.Friday, "ส": time.Saturday,
}

// parseWeekday reads SAMMACHIP_FOLLOWUP_WEEKDAY: mon, Monday, จันทร์,
// วันจันทร์, จ.
func parseWeekday(v string) (time.Weekday, bool) {
	s := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(v)), ".")
	s = strings.TrimPrefix(s, "วัน")
	if d, ok := weekdays[s]; ok {
		return d, true
	}
	for _, d := range []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday} {
		if s == strings.ToLower(d.String()) {
			return d, true
		}
	}
	return time.Monday, false
}

// maxPlaceName bounds SAMMACHIP_DISTRICT and SAMMACHIP_PROVINCE, in
// characters: Thailand's longest district name is under 30.
const maxPlaceName = 40

// parsePlaceName reads SAMMACHIP_DISTRICT or SAMMACHIP_PROVINCE: a name,
// written with or without its prefix ("อำเภอเมืองขอนแก่น", "อ.เมือง
// ขอนแก่น" or "เมืองขอนแก่น"), which the reports add back. Unset is
// fine (the reports say the office is not named); set but blank, a
// line break, or over-long is a mistake worth stopping for.
func parsePlaceName(raw, prefix string) (string, error) {
	if raw == "" {
		return "", nil
	}
	v := strings.TrimSpace(raw)
	short := string([]rune(prefix)[:1]) + "." // อ. or จ.
	for _, p := range []string{prefix, short} {
		if rest, ok := strings.CutPrefix(v, p); ok {
			v = strings.TrimSpace(rest)
			break
		}
	}
	switch {
	case v == "":
		return "", errors.New("expected a name, e.g. เมืองขอนแก่น; it is blank or only the prefix (unset it to leave the office unnamed)")
	case strings.ContainsFunc(v, unicode.IsControl):
		return "", errors.New("expected a name on one line, without tabs or line breaks")
	case utf8.RuneCountInString(v) > maxPlaceName:
		return "", fmt.Errorf("expected a name of at most %d characters, without the อำเภอ/จังหวัด prefix, e.g. เมืองขอนแก่น", maxPlaceName)
	}
	return strings.Join(strings.Fields(v), " "), nil
}
