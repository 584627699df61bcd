package flows

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Households from a list: the district office's own survey (the basic-
// needs survey, จปฐ., or its own list of target households), held for its
// public task. Each row becomes an applicant enrolled on the household's
// behalf, exactly as a sage enrols one from the chat (the same dedupe key,
// ranking and link code), with BasisOfficeSurvey instead of a consent: the
// household is shown the privacy notice and asked for consent when it
// links its LINE account with the code (askLinkConsent).

// BasisOfficeSurvey is Household.Basis for a household imported from the
// office's own survey.
const BasisOfficeSurvey = "office-survey"

// householdColumns are the columns of a household import. Income is per
// person per year as in จปฐ. extracts (income), or per household per month
// when the header says so (income_month).
var householdColumns = importColumns{
	Known: "import.hh.columns",
	Cols: []importColumn{
		{Name: "moo", Aliases: []string{"หมู่ที่", "หมู่", "village no", "village_no"}, Label: "village.q.moo.label", Required: true},
		{Name: "tambon", Aliases: []string{"ตำบล", "subdistrict", "sub-district"}, Label: "village.q.tambon.label"},
		{Name: "house_no", Aliases: []string{"บ้านเลขที่", "เลขที่", "house no", "house"}, Label: "household.label.house", Required: true},
		{Name: "head_name", Aliases: []string{"ชื่อหัวหน้าครัวเรือน", "หัวหน้าครัวเรือน", "ชื่อ-สกุล", "ชื่อ-นามสกุล", "head", "head name"}, Label: "household.label.head", Required: true},
		{Name: "members", Aliases: []string{"จำนวนสมาชิก", "สมาชิก", "จำนวนคน"}, Label: "household.label.members", Required: true},
		{Name: "income", Aliases: []string{"รายได้", "รายได้ต่อคนต่อปี", "รายได้เฉลี่ยต่อคนต่อปี", "income_year"}, Label: "import.hh.col.income"},
		{Name: "income_month", Aliases: []string{"รายได้ต่อเดือน", "รายได้ครัวเรือนต่อเดือน", "รายได้ต่อเดือนต่อครัวเรือน", "monthly income"}, Label: "import.hh.col.income_month"},
		{Name: "phone", Aliases: []string{"โทรศัพท์", "เบอร์โทร", "เบอร์โทรศัพท์", "tel"}, Label: "household.label.phone"},
		{Name: "occupation_interest", Aliases: []string{"อาชีพที่สนใจ", "สนใจ", "interest"}, Label: "household.label.interest"},
		{Name: "occupation", Aliases: []string{"อาชีพหลัก", "อาชีพปัจจุบัน"}, Label: "household.label.occupation"},
	},
}

// ImportHouseholds adds the households of a list to the current round's
// villages as applicants enrolled on their behalf by by (an officer's LINE
// id, or "cli"), each with a link code that works until the round ends.
// A household already enrolled (the same village, house number and head's
// name, however typed) is updated, or left as it is when nothing changed.
// One bad row means nothing is imported (*ImportError). It returns the
// new households' link codes, for the officer to hand on.
func (e *Engine) ImportHouseholds(tx Tx, r io.Reader, now time.Time, by string) (ImportReport, []ImportedCode, error) {
	return e.importHouseholds(tx, r, now, by, false)
}

// ImportedCode is a household's new link code, for the officer to hand on.
type ImportedCode struct {
	Village  Village
	HouseNo  string
	HeadName string
	Code     string
	Until    time.Time
}

// importHouseholds is ImportHouseholds, or with dry set what it would do
// without writing anything. It returns the link codes it issued.
func (e *Engine) importHouseholds(tx Tx, r io.Reader, now time.Time, by string, dry bool) (ImportReport, []ImportedCode, error) {
	rows, problems, err := readImport(r, householdColumns)
	if err != nil {
		return ImportReport{}, nil, err
	}
	if len(rows) > 0 && hasValue(rows, "income") && hasValue(rows, "income_month") {
		problems = append(problems, LineError{Line: 1, Problem: T("import.hh.err.two_incomes")})
	}
	type parsed struct {
		line int
		h    Household
	}
	var list []parsed
	seen := map[string]int{}
	villages := map[int]Village{}
	for _, row := range rows {
		h, v, bad, err := householdFromRow(tx, row, now)
		if err != nil {
			return ImportReport{}, nil, err
		}
		if len(bad) > 0 {
			problems = append(problems, bad...)
			continue
		}
		if first, dup := seen[h.DedupeKey]; dup {
			problems = append(problems, LineError{Line: row.Line, Problem: T("import.hh.err.duplicate", "Line", first)})
			continue
		}
		seen[h.DedupeKey] = row.Line
		villages[v.ID] = v
		list = append(list, parsed{row.Line, h})
	}
	if len(problems) > 0 {
		sortLines(problems)
		return ImportReport{}, nil, &ImportError{Lines: problems}
	}
	until := roundEnds(tx, now)
	var rep ImportReport
	var codes []ImportedCode
	for _, p := range list {
		h := p.h
		name := T("import.hh.name", "Name", h.HeadName, "House", h.HouseNo, "Moo", villages[h.Village].Moo).Ref()
		old, found, err := tx.Households().ByDedupeKey(h.DedupeKey)
		if err != nil {
			return ImportReport{}, nil, fmt.Errorf("flows: import households: %w", err)
		}
		if found {
			if old.Members == h.Members && old.Income == h.Income && old.IncomeKnown == h.IncomeKnown &&
				old.Interested == h.Interested && (h.Phone == "" || old.Phone == h.Phone) && (h.Occupation == "" || old.Occupation == h.Occupation) {
				rep.Unchanged++
				rep.UnchangedNames = append(rep.UnchangedNames, name)
				continue
			}
			rep.Updated++
			rep.UpdatedNames = append(rep.UpdatedNames, name)
			if dry {
				continue
			}
			old.Members, old.Income, old.IncomeKnown, old.Interested = h.Members, h.Income, h.IncomeKnown, h.Interested
			if h.Phone != "" {
				old.Phone = h.Phone
			}
			if h.Occupation != "" {
				old.Occupation = h.Occupation
			}
			old.Updated = now
			if err := PutHousehold(tx, old); err != nil {
				return ImportReport{}, nil, fmt.Errorf("flows: import households: %w", err)
			}
			continue
		}
		rep.Added++
		rep.AddedNames = append(rep.AddedNames, name)
		if dry {
			continue
		}
		id, err := tx.Households().NextID()
		if err != nil {
			return ImportReport{}, nil, fmt.Errorf("flows: import households: %w", err)
		}
		code, err := e.newLinkCode(tx)
		if err != nil {
			return ImportReport{}, nil, err
		}
		h.ID, h.Status, h.Applied, h.Updated = id, StatusApplicant, now, now
		h.EnrolledBy, h.Basis = by, BasisOfficeSurvey
		h.LinkCode, h.LinkCodeIssued, h.LinkCodeUntil = code, now, until
		if err := PutHousehold(tx, h); err != nil {
			return ImportReport{}, nil, fmt.Errorf("flows: import households: %w", err)
		}
		codes = append(codes, ImportedCode{Village: villages[h.Village], HouseNo: h.HouseNo, HeadName: h.HeadName, Code: code, Until: until})
	}
	return rep, codes, nil
}

func hasValue(rows []importRow, col string) bool {
	for _, r := range rows {
		if r.Values[col] != "" {
			return true
		}
	}
	return false
}

// roundEnds is when the current round ends: the end of its fiscal year
// (30 September), in the programme's time zone.
func roundEnds(tx Tx, now time.Time) time.Time {
	fy := FiscalYear(now)
	if r, err := CurrentRound(tx); err == nil && r.FiscalYear > fy {
		fy = r.FiscalYear
	}
	return time.Date(fy-543, time.October, 1, 0, 0, 0, 0, now.Location())
}

// noInterest are the words that say a household does not want to learn
// the village's occupation; anything else (or nothing) says it does.
var noInterest = []string{"ไม่", "ไม่สนใจ", "no", "n", "-", "0", "false"}

// householdFromRow checks one row with the chat's rules and finds its
// village.
func householdFromRow(tx Tx, row importRow, now time.Time) (Household, Village, []LineError, error) {
	var h Household
	var bad []LineError
	problem := func(m Msg) { bad = append(bad, LineError{Line: row.Line, Problem: m}) }
	val := row.Values
	moo, ok := locales.ParseMoo(val["moo"])
	switch {
	case strings.TrimSpace(val["moo"]) == "":
		problem(T("import.hh.err.moo_empty"))
		return h, Village{}, bad, nil
	case !ok:
		problem(T("village.import.err.moo", "Value", val["moo"]))
		return h, Village{}, bad, nil
	}
	tambon := strings.TrimSpace(val["tambon"])
	found, err := FindVillages(tx, moo, tambon)
	if err != nil {
		return h, Village{}, nil, err
	}
	var v Village
	switch {
	case len(found) == 0 && tambon != "":
		problem(T("import.hh.err.no_village_tambon", "Moo", moo, "Tambon", tambon))
	case len(found) == 0:
		problem(T("import.hh.err.no_village", "Moo", moo))
	case len(found) > 1:
		problem(T("schedule.import.which_tambon", "Moo", moo))
	default:
		v = found[0]
		h.Village = v.ID
		if villageFinished(tx, v.ID, now) {
			problem(T("import.hh.err.closed", "Moo", v.Moo))
		}
	}
	if h.HouseNo, ok = locales.ParseHouseNo(val["house_no"]); !ok {
		if strings.TrimSpace(val["house_no"]) == "" {
			problem(T("import.hh.err.house_empty"))
		} else {
			problem(T("import.hh.err.house", "Value", val["house_no"]))
		}
	}
	if h.HeadName, ok = locales.NormalizeName(val["head_name"]); !ok {
		problem(T("import.hh.err.head", "Max", locales.MaxNameRunes))
	}
	n, ok := locales.ParseInt(val["members"])
	if strings.TrimSpace(val["members"]) == "" {
		problem(T("import.hh.err.members_empty", "Max", maxMembers))
	} else if !ok || n < 1 || n > maxMembers {
		problem(T("import.hh.err.members", "Value", val["members"], "Max", maxMembers))
	} else {
		h.Members = int(n)
	}
	if s := val["income_month"]; s != "" {
		if a, ok := locales.ParseAmount(s); ok && a.Baht() <= maxIncome {
			h.Income, h.IncomeKnown = a.Baht(), true
		} else {
			problem(T("import.hh.err.income", "Value", s))
		}
	} else if s := val["income"]; s != "" {
		// Per person per year (จปฐ.): the household's month is
		// income × members ÷ 12.
		if a, ok := locales.ParseAmount(s); ok && h.Members > 0 {
			month := int64(math.Round(float64(a.Baht()) * float64(h.Members) / 12))
			if month <= maxIncome {
				h.Income, h.IncomeKnown = month, true
			} else {
				problem(T("import.hh.err.income", "Value", s))
			}
		} else if !ok {
			problem(T("import.hh.err.income", "Value", s))
		}
	}
	if s := strings.TrimSpace(val["phone"]); s != "" && s != phoneNone {
		if h.Phone, ok = locales.ParsePhone(s); !ok {
			problem(T("import.hh.err.phone", "Value", s))
		}
	}
	if s := strings.TrimSpace(val["occupation"]); s != "" {
		if h.Occupation, ok = locales.NormalizeText(s, 100); !ok {
			problem(T("household.hint.occupation", "Max", 100))
		}
	}
	h.Interested = true
	for _, w := range noInterest {
		if strings.EqualFold(strings.TrimSpace(val["occupation_interest"]), w) {
			h.Interested = false
		}
	}
	if len(bad) == 0 {
		h.DedupeKey = dedupeKey(h.Village, h.HouseNo, h.HeadName)
	}
	return h, v, bad, nil
}

// sortLines orders problems by line, keeping each line's in order.
func sortLines(p []LineError) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].Line < p[j-1].Line; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// The household's consent when it links LINE (claimLinkCode sends a
// household imported from a list here first): the notice with ยินยอม /
// ไม่ยินยอม, the household's id and the code typed waiting in the pending
// store until the tap (or ImportPendingTTL; PruneImports).

// actLinkConsent is the notice's buttons (Value yes or no).
const actLinkConsent = "hh.linkconsent"

func pendingLinkKey(userID string) string { return "link:" + userID }

func (e *Engine) registerLinkConsent() {
	e.RegisterAction(actLinkConsent, func(c *Ctx, p Postback) error {
		return e.answerLinkConsent(c, p.Household, p.Value == "yes")
	})
	// The buttons' labels typed, while a notice waits.
	e.RegisterCommand(Command{In1to1: true, Claim: func(c *Ctx) (bool, error) {
		yes := c.typedIs("conv.btn.agree")
		if !yes && !c.typedIs("conv.btn.disagree") {
			return false, nil
		}
		a, ok, err := c.Tx.Pending().Get(pendingLinkKey(c.In.UserID))
		if err != nil || !ok {
			return false, err
		}
		return true, e.answerLinkConsent(c, a[ansID], yes)
	}})
}

// askLinkConsent shows an imported household's head the privacy notice
// and asks for consent to LINE contact before linking.
func (e *Engine) askLinkConsent(c *Ctx, h Household, code string) error {
	a := Answers{ansID: h.ID, "code": code, piExpires: c.Now.Add(ImportPendingTTL).UTC().Format(time.RFC3339)}
	if err := c.Tx.Pending().Put(pendingLinkKey(c.In.UserID), a); err != nil {
		return err
	}
	v, _, err := GetVillage(c.Tx, h.Village)
	if err != nil {
		return err
	}
	agree, disagree := T("conv.btn.agree"), T("conv.btn.disagree")
	c.Say(Text(T("import.hh.link_found", "Name", locales.StripTitle(h.HeadName), "House", h.HouseNo,
		"Village", T("household.village.label", "Moo", v.Moo, "Name", villageNameArg(c.Tx, v)).Ref())))
	c.Say(Reply{Style: StyleConfirm, Text: T("import.hh.link_notice"), Buttons: []Action{
		{Label: agree, Data: Postback{Action: actLinkConsent, Household: h.ID, Value: "yes"}.Encode(), Say: &agree},
		{Label: disagree, Data: Postback{Action: actLinkConsent, Household: h.ID, Value: "no"}.Encode(), Say: &disagree},
	}})
	return nil
}

// answerLinkConsent links the head's LINE account with the consent just
// given, if the code typed still works; a no links nothing.
func (e *Engine) answerLinkConsent(c *Ctx, id string, yes bool) error {
	const op = "link household"
	key := pendingLinkKey(c.In.UserID)
	a, ok, err := c.Tx.Pending().Get(key)
	if err != nil {
		return err
	}
	if !ok || a[ansID] != id {
		return c.stale()
	}
	if err := c.Tx.Pending().Delete(key); err != nil {
		return err
	}
	if exp, err := time.Parse(time.RFC3339, a[piExpires]); err != nil || !c.Now.Before(exp) {
		return c.stale()
	}
	if !yes {
		c.Say(Text(T("import.hh.link_declined")))
		return nil
	}
	h, ok, err := GetHousehold(c.Tx, id)
	if err != nil {
		return err
	}
	if !ok || h.Erased {
		return NotFound(op, "household.err.gone")
	}
	if h.LinkCode != a["code"] || h.UserID != "" {
		return Conflict(op, "household.link.used")
	}
	if !c.Now.Before(h.LinkCodeExpires(e.cfg.LinkCodeTTL)) {
		return Invalid(op, "household.link.expired")
	}
	if _, has, err := HouseholdOfUser(c.Tx, c.In.UserID); err != nil {
		return err
	} else if has {
		c.Say(Text(T("household.link.already_linked")))
		return nil
	}
	h.Consent = Consent{At: c.Now, Version: HouseholdNoticeVersion}
	h.LinkedWith = h.LinkCode // as claimLinkCode keeps it
	h.UserID, h.LinkCode, h.LinkCodeIssued, h.LinkCodeUntil, h.Updated = c.In.UserID, "", time.Time{}, time.Time{}, c.Now
	if err := PutHousehold(c.Tx, h); err != nil {
		return err
	}
	c.Say(Text(T("household.link.done", "Name", locales.FirstName(h.HeadName))))
	return e.showStatus(c, h)
}
