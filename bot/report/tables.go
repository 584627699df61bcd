package report

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// builder reads the tables of one report in one transaction.
type builder struct {
	tx       flows.Tx
	o        Options
	lang     locales.Lang
	loc      *time.Location
	villages []flows.Village
	round    flows.Round
	who      map[string]string // LINE user id → how the report names them
	matrices map[int]flows.Matrix
}

// text renders a catalog key with alternating argument names and values.
func (b *builder) text(key string, kv ...any) string {
	return b.o.Catalog.MustText(b.lang, key, flows.T(key, kv...).Args)
}

func (b *builder) headers(keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = b.text(k)
	}
	return out
}

func (b *builder) na() string { return b.text("report.na") }

func (b *builder) yesNo(v bool) string {
	if v {
		return b.text("report.yes")
	}
	return b.text("report.no")
}

// date is a day as a table value: a Date (a date cell in a workbook, its
// text "จ. 7 ธ.ค. 2569" in CSV), or "-" when there is none.
func (b *builder) date(t time.Time) any {
	if t.IsZero() {
		return b.na()
	}
	t = t.In(b.loc)
	return Date{Time: t, Text: locales.FormatDateYear(b.lang, t)}
}

// at is a date and time as a table value: a Date with its clock
// ("จ. 7 ธ.ค. 2569 18.00 น." in CSV), or "-" when there is none.
func (b *builder) at(t time.Time) any {
	if t.IsZero() {
		return b.na()
	}
	t = t.In(b.loc)
	return Date{Time: t, Clock: true, Text: b.atText(t)}
}

// atText writes a date and time inside a sentence: "จ. 7 ธ.ค. 2569 18.00 น.".
func (b *builder) atText(t time.Time) string {
	if t.IsZero() {
		return b.na()
	}
	t = t.In(b.loc)
	return b.text("report.at", "Date", locales.DateYear(t), "Time", locales.Clock(t))
}

// dayDate is a programme day's date, "-" when it is not set.
func (b *builder) dayDate(d *flows.ProgrammeDay) any {
	if d == nil {
		return b.na()
	}
	t, err := time.ParseInLocation("2006-01-02", d.Date, b.loc)
	if err != nil {
		return d.Date
	}
	return b.date(t)
}

func (b *builder) village(id int) (flows.Village, bool) {
	i := slices.IndexFunc(b.villages, func(v flows.Village) bool { return v.ID == id })
	if i < 0 {
		v, ok, err := flows.GetVillage(b.tx, id) // a village of another round
		return v, ok && err == nil
	}
	return b.villages[i], true
}

// villageName writes "หมู่ 5 บ้านโนนสูง", with its ตำบล when another
// village of the round has the same หมู่ number.
func (b *builder) villageName(id int) string {
	if id == 0 {
		return b.na()
	}
	v, ok := b.village(id)
	if !ok {
		return b.na()
	}
	return b.placeName(v)
}

func (b *builder) placeName(v flows.Village) string {
	for _, o := range b.villages {
		if o.ID != v.ID && o.Moo == v.Moo {
			return b.text("report.village_tambon", "Moo", v.Moo, "Name", v.Name, "Tambon", v.Tambon)
		}
	}
	return b.text("report.village", "Moo", v.Moo, "Name", v.Name)
}

// homeName writes a sage's home village (a place: หมู่ and ตำบล).
func (b *builder) homeName(moo int, tambon string) string {
	for _, v := range b.villages {
		if v.SamePlace(moo, tambon) {
			return b.placeName(v)
		}
	}
	if tambon != "" {
		return b.text("report.village_moo_tambon", "Moo", moo, "Tambon", tambon)
	}
	return b.text("report.village_moo", "Moo", moo)
}

// whoName names the person behind a LINE user id, never by the id.
func (b *builder) whoName(userID string) (string, error) {
	if s, ok := b.who[userID]; ok {
		return s, nil
	}
	w, err := flows.WhoIs(b.tx, userID)
	if err != nil {
		return "", err
	}
	m := w.Msg()
	s := b.text(m.Key, argPairs(m.Args)...)
	b.who[userID] = s
	return s, nil
}

// mark writes who recorded a fact and when ("-", "-" when nobody did).
func (b *builder) mark(m *flows.Mark) (by string, at any, err error) {
	if m == nil {
		return b.na(), b.na(), nil
	}
	by, err = b.whoName(m.By)
	return by, b.at(m.At), err
}

func argPairs(args map[string]any) []any {
	out := make([]any, 0, 2*len(args))
	for k, v := range args {
		out = append(out, k, v)
	}
	return out
}

func (b *builder) matrix(moo int) (flows.Matrix, error) {
	if m, ok := b.matrices[moo]; ok {
		return m, nil
	}
	m, err := flows.AttendanceMatrix(b.tx, moo)
	if err != nil {
		return m, err
	}
	b.matrices[moo] = m
	return m, nil
}

// sages is the sage registry with the teams, in registry-number order.
func (b *builder) sages() (Table, error) {
	t := Table{Name: TableSages, Title: b.text("report.sheet.sages"), Header: b.headers(
		"report.col.sage.number", "report.col.sage.name", "report.col.sage.phone", "report.col.sage.village",
		"report.col.sage.category", "report.col.sage.skill", "report.col.sage.years", "report.col.sage.status",
		"report.col.sage.decided_by", "report.col.sage.decided_at", "report.col.sage.registered",
		"report.col.sage.team", "report.col.sage.lead",
	), KeyCols: 2}
	all, err := flows.ListSages(b.tx)
	if err != nil {
		return t, err
	}
	for _, s := range all {
		var decidedBy, decidedAt any = b.na(), b.na()
		if s.Decision != nil {
			if decidedBy, err = b.whoName(s.Decision.By); err != nil {
				return t, err
			}
			decidedAt = b.date(s.Decision.At)
		}
		lead := false
		if v, ok := b.village(s.TeamVillage); ok && s.TeamVillage != 0 {
			lead = v.LeadSageID == s.UserID
		}
		category, err := b.o.Catalog.Text(b.lang, "sage.cat."+s.Category+".label", nil)
		if err != nil {
			category = s.Category
		}
		t.Rows = append(t.Rows, []any{
			int64(s.ID), s.Name, locales.FormatPhone(s.Phone), b.homeName(s.Moo, s.Tambon),
			category, s.Skill, int64(s.Years), b.text("report.sage.status." + cmp.Or(string(s.Status), "pending")),
			decidedBy, decidedAt, b.date(s.Registered),
			b.villageName(s.TeamVillage), b.yesNo(lead),
		})
	}
	return t, nil
}

// households lists each village's households: those the selection rule
// ranks first, in rank order, then the others (not interested, or
// withdrawn) in id order.
func (b *builder) households() (Table, error) {
	t := Table{Name: TableHouseholds, Title: b.text("report.sheet.households"), Header: b.headers(
		"report.col.hh.village", "report.col.hh.code", "report.col.hh.house_no", "report.col.hh.head",
		"report.col.hh.members", "report.col.hh.occupation", "report.col.hh.income", "report.col.hh.per_member",
		"report.col.hh.interested", "report.col.hh.rank", "report.col.hh.status", "report.col.hh.wait_pos",
		"report.col.hh.linked", "report.col.hh.applied", "report.col.hh.enrolled_by",
	), KeyCols: 1, Totals: []int{4}} // the members: the people the round reaches
	for _, v := range b.villages {
		all, err := flows.VillageHouseholds(b.tx, v.ID)
		if err != nil {
			return t, err
		}
		ranked := flows.RankApplicants(all)
		rank := make(map[string]int, len(ranked))
		for i, h := range ranked {
			rank[h.ID] = i + 1
		}
		rest := slices.DeleteFunc(slices.Clone(all), func(h flows.Household) bool { return rank[h.ID] > 0 })
		for _, h := range append(ranked, rest...) {
			var income, perMember any = b.text("report.unknown_income"), b.text("report.unknown_income")
			if h.IncomeKnown {
				income, perMember = h.Income, h.PerMember()
			}
			var rk, wait any = b.na(), b.na()
			if n := rank[h.ID]; n > 0 {
				rk = int64(n)
			}
			if h.Status == flows.StatusWaitlisted && h.WaitPos > 0 {
				wait = int64(h.WaitPos)
			}
			enrolledBy := b.text("report.hh.self")
			if h.EnrolledBy != "" {
				if enrolledBy, err = b.whoName(h.EnrolledBy); err != nil {
					return t, err
				}
			}
			t.Rows = append(t.Rows, []any{
				b.villageName(h.Village), h.ID, h.HouseNo, b.headName(h),
				int64(h.Members), h.Occupation, income, perMember,
				b.yesNo(h.Interested), rk, b.text("report.hh.status." + cmp.Or(string(flows.HouseholdState(b.tx, h, b.o.Now)), "applicant")), wait,
				b.yesNo(h.UserID != ""), b.date(h.Applied), enrolledBy,
			})
		}
	}
	return t, nil
}

// attendance is the matrix: village × household × day, with who recorded
// each mark and when, and the officers' corrections with their reasons.
// Households are the matrix's (selected ones, and others with records).
func (b *builder) attendance() (Table, error) {
	t := Table{Name: TableAttendance, Title: b.text("report.sheet.attendance"), Header: b.headers(
		"report.col.att.village", "report.col.att.household", "report.col.att.house_no", "report.col.att.head",
		"report.col.att.day", "report.col.att.kind", "report.col.att.date",
		"report.col.att.intent", "report.col.att.reason", "report.col.att.intent_by", "report.col.att.intent_at",
		"report.col.att.presence", "report.col.att.presence_by", "report.col.att.presence_at",
		"report.col.att.practised", "report.col.att.practised_by", "report.col.att.practised_at",
		"report.col.att.corrections",
	), KeyCols: 1}
	for _, v := range b.villages {
		m, err := b.matrix(v.ID)
		if err != nil {
			return t, err
		}
		for _, h := range m.Households {
			for day := 1; day <= flows.Days; day++ {
				a := m.Cell(h.ID, day)
				row, err := b.attendanceRow(v, h, day, m.Schedule[day-1], a)
				if err != nil {
					return t, err
				}
				t.Rows = append(t.Rows, row)
			}
		}
	}
	return t, nil
}

func (b *builder) attendanceRow(v flows.Village, h flows.Household, day int, d *flows.ProgrammeDay, a flows.Attendance) ([]any, error) {
	kind := "report.day.kind.teach"
	switch day {
	case flows.StudyVisit:
		kind = "report.day.kind.visit"
	case flows.HomeDay:
		kind = "report.day.kind.home"
	}
	intentBy, intentAt, err := b.mark(a.IntentMark)
	if err != nil {
		return nil, err
	}
	presenceBy, presenceAt, err := b.mark(a.PresenceMark)
	if err != nil {
		return nil, err
	}
	practised, practisedBy := b.na(), b.na()
	var practisedAt any = b.na()
	if day == flows.HomeDay {
		practised = b.practisedText(a.Practised)
		if practisedBy, practisedAt, err = b.mark(a.PractisedMark); err != nil {
			return nil, err
		}
	}
	reason := b.na()
	if a.Intent == flows.IntentNo && a.IntentReason != "" {
		reason = b.reasonText(a.IntentReason)
	}
	var fixes []string
	for _, c := range a.Corrections {
		who, err := b.whoName(c.By)
		if err != nil {
			return nil, err
		}
		fixes = append(fixes, b.text("report.correction", "At", b.atText(c.At), "Who", who,
			"Field", b.fieldText(c.Field), "From", b.valueText(c.Field, c.From), "To", b.valueText(c.Field, c.To),
			"Reason", cmp.Or(c.Reason, b.na())))
	}
	corrections := b.na()
	if len(fixes) > 0 {
		corrections = strings.Join(fixes, "\n")
	}
	return []any{
		b.villageName(v.ID), h.ID, h.HouseNo, b.headName(h),
		int64(day), b.text(kind), b.dayDate(d),
		b.valueText("intent", string(a.Intent)), reason, intentBy, intentAt,
		b.valueText("presence", string(a.Presence)), presenceBy, presenceAt,
		practised, practisedBy, practisedAt,
		corrections,
	}, nil
}

func (b *builder) practisedText(v bool) string {
	if v {
		return b.text("report.practised.yes")
	}
	return b.text("report.practised.no")
}

// reasonText names an absence reason; a reason the catalog does not know
// is written as stored.
func (b *builder) reasonText(r string) string {
	if s, err := b.o.Catalog.Text(b.lang, "report.reason."+r, nil); err == nil {
		return s
	}
	return r
}

func (b *builder) fieldText(field string) string {
	if s, err := b.o.Catalog.Text(b.lang, "report.field."+field, nil); err == nil {
		return s
	}
	return field
}

// valueText writes a stored attendance value as people read it.
func (b *builder) valueText(field, value string) string {
	switch field {
	case "intent":
		switch flows.Intent(value) {
		case flows.IntentYes:
			return b.text("report.intent.yes")
		case flows.IntentNo:
			return b.text("report.intent.no")
		case flows.IntentNone:
			return b.text("report.intent.none")
		}
	case "presence":
		switch flows.Presence(value) {
		case flows.PresenceHere:
			return b.text("report.presence.present")
		case flows.PresenceAbsent:
			return b.text("report.presence.absent")
		case flows.PresenceUnknown:
			return b.text("report.presence.none")
		}
	case "practised":
		switch value {
		case "true", "yes":
			return b.practisedText(true)
		case "false", "no", "":
			return b.practisedText(false)
		}
	}
	return value
}

// progress is each village's enrolment (as the daily summary counts it)
// and each programme day's date and counts over the selected households.
func (b *builder) progress() (Table, error) {
	keys := []string{
		"report.col.prog.village", "report.col.prog.tambon", "report.col.prog.occupation",
		"report.col.prog.sages", "report.col.prog.team", "report.col.prog.applicants",
		"report.col.prog.selected", "report.col.prog.capacity",
	}
	// Every count adds up over the villages; the names and dates do not.
	t := Table{Name: TableProgress, Title: b.text("report.sheet.progress"), Header: b.headers(keys...),
		KeyCols: 1, Totals: []int{3, 4, 5, 6, 7}}
	for day := 1; day <= flows.Days; day++ {
		t.Header = append(t.Header, b.text("report.col.prog.day_date", "N", day))
		counts := len(t.Header)
		t.Header = append(t.Header, b.text("report.col.prog.day_will", "N", day),
			b.text("report.col.prog.day_present", "N", day), b.text("report.col.prog.day_absent", "N", day))
		if day == flows.HomeDay {
			t.Header = append(t.Header, b.text("report.col.prog.day_practised", "N", day))
		}
		for c := counts; c < len(t.Header); c++ {
			t.Totals = append(t.Totals, c)
		}
	}
	d, err := b.o.Engine.DigestRound(b.tx, b.o.Now, b.round)
	if err != nil {
		return t, err
	}
	for _, p := range d.Progress {
		v := p.Village
		row := []any{
			b.villageName(v.ID), v.Tambon, v.Occupation,
			int64(p.Sages), int64(p.Team), int64(p.Applicants),
			int64(p.Selected), int64(cmp.Or(v.Capacity, flows.DefaultCapacity)),
		}
		m, err := b.matrix(v.ID)
		if err != nil {
			return t, err
		}
		for day := 1; day <= flows.Days; day++ {
			sd := m.Schedule[day-1]
			n := 4
			if day == flows.HomeDay {
				n = 5
			}
			if sd == nil {
				for range n {
					row = append(row, b.na())
				}
				continue
			}
			c := m.Counts(day)
			row = append(row, b.dayDate(sd), int64(c.WillAttend), int64(c.Present), int64(c.Absent))
			if day == flows.HomeDay {
				row = append(row, int64(c.Practised))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}

// headName writes the head of a household, or that its data was deleted
// (the anonymous tally that keeps the round's figures whole).
func (b *builder) headName(h flows.Household) string {
	if h.Erased {
		return b.text("household.erased")
	}
	return h.HeadName
}
