package main

import (
	"bytes"
	"errors"
	"flag"
	"net/url"
	"strconv"
	"strings"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// `sammachip export --format signin --out FILE.xlsx [--village TAMBON/MOO]
// [--day N]` writes the sheets to print (bot/report/signin.go): a blank
// sign-in sheet and a speakers' sheet for each village-day with a date,
// and the attendance record of each village whose week has begun. The
// flags narrow it to one village and one programme day (a day leaves the
// records out). The officer's chat gives the same workbook (ใบลงชื่อ).

// signinFormat is the export format of the sheets to print.
const signinFormat = "signin"

// isSignin reports whether a typed --format names the sheets to print.
func isSignin(format string) bool {
	return strings.EqualFold(strings.TrimSpace(format), signinFormat)
}

// signinFlags adds --village and --day to the export command's flags.
func signinFlags(fs *flag.FlagSet) (village, day *string) {
	village = fs.String("village", "", "with --format signin: one village, as TAMBON/MOO (e.g. โนนสูง/5), or MOO when only one ตำบล has it")
	day = fs.String("day", "", "with --format signin: one programme day, 1-5")
	return village, day
}

// adminSignin makes the sheets to print for the request's round, village
// and day, and returns them as File with the number of sheets in Stderr.
// An unknown village or day is told (exit 2), as is a choice without a
// single dated day.
func adminSignin(env adminEnv, req adminRequest, q url.Values) (adminResult, error) {
	refuse := func(m flows.Msg) (adminResult, error) {
		return adminResult{Stderr: "sammachip: " + env.text(req.Lang, m) + "\n", Exit: 2}, nil
	}
	day := 0
	if s := strings.TrimSpace(q.Get("day")); s != "" {
		n, err := strconv.Atoi(locales.NormalizeDigits(s))
		if err != nil || n < 1 || n > flows.Days {
			return refuse(flows.T("report.signin.cli.bad_day", "Value", s))
		}
		day = n
	}
	var (
		sheets  *report.Signin
		refusal *flows.Msg
	)
	err := env.Store.View(func(tx flows.Tx) error {
		opt := report.SigninOptions{Lang: req.Lang, Catalog: env.Catalog, Office: env.Engine.Office(), Now: env.Now(), Day: day}
		round, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		if name := q.Get("round"); name != "" {
			r, ok, err := flows.FindRound(tx, name)
			if err != nil {
				return err
			}
			if !ok {
				m := flows.T("round.err.unknown", "Name", name)
				refusal = &m
				return nil
			}
			round = r
		}
		opt.Round = round.ID
		if s := strings.TrimSpace(q.Get("village")); s != "" {
			id, m, err := findSigninVillage(tx, round.ID, s)
			if err != nil {
				return err
			}
			if m != nil {
				refusal = m
				return nil
			}
			opt.Village = id
		}
		sheets, err = report.BuildSignin(tx, opt)
		if errors.Is(err, report.ErrNoSheets) {
			m := flows.T("report.signin.cli.no_days")
			refusal = &m
			return nil
		}
		return err
	})
	if err != nil {
		return adminResult{}, err
	}
	if refusal != nil {
		return refuse(*refusal)
	}
	var buf bytes.Buffer
	if err := sheets.WriteXLSX(&buf); err != nil {
		return adminResult{}, err
	}
	var b strings.Builder
	b.WriteString("  " + env.text(req.Lang, flows.T("round.label")) + ": " + sheets.RoundName + "\n")
	b.WriteString("  " + env.text(req.Lang, flows.T("report.signin.cli.sheets", "Count", locales.Number(len(sheets.Sheets)))) + "\n")
	return adminResult{File: buf.Bytes(), Stderr: b.String()}, nil
}

// findSigninVillage reads --village: "TAMBON/MOO" (โนนสูง/5, ต.โนนสูง/หมู่ 5)
// or "MOO" when only one village of the round has that หมู่. It returns
// the village's id, or what to tell the user.
func findSigninVillage(tx flows.Tx, round int, s string) (int, *flows.Msg, error) {
	tambon, mooText := "", s
	if i := strings.LastIndex(s, "/"); i >= 0 {
		tambon, mooText = strings.TrimSpace(s[:i]), s[i+1:]
	}
	unknown := flows.T("report.signin.cli.unknown_village", "Value", s)
	moo, ok := locales.ParseMoo(mooText)
	if !ok {
		return 0, &unknown, nil
	}
	vs, err := flows.RoundVillages(tx, round)
	if err != nil {
		return 0, nil, err
	}
	var found []flows.Village
	for _, v := range vs {
		if v.Moo == moo && (tambon == "" || flows.TambonKey(v.Tambon) == flows.TambonKey(tambon)) {
			found = append(found, v)
		}
	}
	switch len(found) {
	case 0:
		return 0, &unknown, nil
	case 1:
		return found[0].ID, nil, nil
	}
	m := flows.T("report.signin.cli.ambiguous_village", "Moo", moo)
	return 0, &m, nil
}
