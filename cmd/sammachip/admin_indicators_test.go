package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// indAt is when the indicators are read: after the villages' first
// follow-ups.
var indAt = time.Date(2027, 1, 20, 10, 0, 0, 0, bangkok)

// indDB is a known district, stored through the stores: the round of
// fiscal year 2570 with three villages. หมู่ 5 (ทำน้ำพริก) has four
// trained households, all answered (three practising, income up 5%) and
// an occupation group; หมู่ 7 (ทำน้ำพริก too) three trained, one answered,
// one unanswered: too few answers; หมู่ 2 ต.โนนสูง (สานตะกร้า) has not had
// its week. An earlier round (2569) has one village with nothing.
func indDB(t *testing.T) string {
	t.Helper()
	path := cliNewDB(t)
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	created := time.Date(2026, 10, 5, 9, 0, 0, 0, bangkok)
	err = db.Update(func(tx flows.Tx) error {
		old := flows.Village{ID: 1, Moo: 3, Name: "บ้านเก่า", Tambon: "โนนสูง", Occupation: "ทอผ้า", Capacity: 20, Round: 1}
		if err := tx.Rounds().Put(1, flows.Round{ID: 1, FiscalYear: 2569, Started: created.AddDate(-1, 0, 0)}); err != nil {
			return err
		}
		if err := tx.Rounds().Put(2, flows.Round{ID: 2, FiscalYear: 2570, Started: created}); err != nil {
			return err
		}
		if err := tx.Rounds().SetCurrent(2); err != nil {
			return err
		}
		for _, v := range []flows.Village{
			old,
			{ID: 5, Moo: 5, Name: "บ้านโนนสูง", Tambon: "หนองแวง", Occupation: "ทำน้ำพริก", Capacity: 20, Round: 2, Created: created},
			{ID: 7, Moo: 7, Name: "บ้านหนองบัว", Tambon: "หนองแวง", Occupation: "ทำน้ำพริก ", Capacity: 20, Round: 2, Created: created},
			{ID: 9, Moo: 2, Name: "บ้านโคก", Tambon: "โนนสูง", Occupation: "สานตะกร้า", Capacity: 20, Round: 2, Created: created},
		} {
			if err := flows.PutVillage(tx, &v); err != nil {
				return err
			}
		}
		type hh struct {
			vid    int
			before int64
			answer *flows.FollowUp
		}
		ans := func(p flows.Practice, income, occ int64) *flows.FollowUp {
			return &flows.FollowUp{Practice: p, Answered: indAt.AddDate(0, 0, -5), AnsweredBy: "Usage",
				Income: income, IncomeKnown: true, OccupationIncome: occ, OccupationIncomeKnown: p.Practising()}
		}
		unanswered := &flows.FollowUp{}
		hhs := []hh{
			{5, 4000, ans(flows.PracticeRegular, 4200, 1000)},
			{5, 5000, ans(flows.PracticeRegular, 5300, 1500)},
			{5, 3000, ans(flows.PracticeSometimes, 3150, 800)},
			{5, 2000, ans(flows.PracticeNot, 2000, 0)},
			{7, 4000, ans(flows.PracticeRegular, 4100, 500)},
			{7, 4000, unanswered},
			{7, 4000, nil},
		}
		for i, h := range hhs {
			id := fmt.Sprintf("H%06d", i+1)
			err := flows.PutHousehold(tx, flows.Household{ID: id, Village: h.vid, HouseNo: fmt.Sprint(i + 1), HeadName: "หัวหน้า " + id,
				Members: 3, Income: h.before, IncomeKnown: true, Interested: true, Status: flows.StatusCompleted})
			if err != nil {
				return err
			}
			if h.answer == nil {
				continue
			}
			f := *h.answer
			f.Household, f.Village, f.Round, f.N, f.Kind, f.Days = id, h.vid, 2, 1, flows.FollowUpAfterDays, 30
			f.Due, f.Asked = "2027-01-10", time.Date(2027, 1, 10, 10, 0, 0, 0, bangkok)
			if err := tx.FollowUps().Put(flows.FollowUpRef{Household: id, N: 1}, f); err != nil {
				return err
			}
		}
		// An applicant with an answer it should not have: not trained,
		// never counted.
		if err := flows.PutHousehold(tx, flows.Household{ID: "H000099", Village: 9, HeadName: "ผู้สมัคร", Status: flows.StatusApplicant}); err != nil {
			return err
		}
		return tx.OccupationGroups().Put(1, flows.OccupationGroup{ID: 1, Round: 2, Village: 5, Name: "กลุ่มน้ำพริกแม่บ้าน",
			Occupation: "ทำน้ำพริก", Members: []string{"H000001", "H000002"}, Formed: "2027-01-15"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCLIIndicatorsJSON checks `sammachip indicators --format json` on
// the known district against testdata/indicators.json (worked by hand:
// หมู่ 5's practising households earned 12,000 baht at enrolment and
// 12,650 at the follow-up, +5.4%; the district's 16,000 and 16,750,
// +4.7%; หมู่ 7's one answer of three is too few, so its figures are null
// beside their counts).
func TestCLIIndicatorsJSON(t *testing.T) {
	db := indDB(t)
	res := cliRunEnv(t, db, nil, indAt, "", "indicators", "--format", "json")
	if res.exit != 0 {
		t.Fatalf("exit %d, stderr %q", res.exit, res.stderr)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "indicators.json"))
	if err != nil {
		t.Fatal(err)
	}
	if res.stdout != string(want) {
		t.Errorf("got\n%s\nwant testdata/indicators.json:\n%s", res.stdout, want)
	}
	var got struct {
		District map[string]any   `json:"district"`
		Villages []map[string]any `json:"villages"`
		ByOcc    []map[string]any `json:"by_occupation"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	// The shape: every village of the round is listed, each with
	// every figure (null where there are not enough answers).
	keys := []string{"trained", "followed_up", "practising", "practising_pct", "income_before_avg", "income_after_avg",
		"income_change_pct", "occupation_income_avg", "meets_practising_target", "meets_income_target"}
	for _, v := range append(got.Villages, got.District) {
		for _, k := range keys {
			if _, ok := v[k]; !ok {
				t.Errorf("%v has no %q", v["name"], k)
			}
		}
	}
	for _, k := range []string{"villages", "groups_formed", "groups_target_met"} {
		if _, ok := got.District[k]; !ok {
			t.Errorf("district has no %q", k)
		}
	}
	if len(got.Villages) != 3 || len(got.ByOcc) != 2 {
		t.Errorf("%d villages and %d occupation types, want 3 and 2", len(got.Villages), len(got.ByOcc))
	}
}

func TestCLIIndicatorsText(t *testing.T) {
	db := indDB(t)
	res := cliRunEnv(t, db, cliEnglish, indAt, "", "indicators")
	if res.exit != 0 {
		t.Fatalf("exit %d, stderr %q", res.exit, res.stderr)
	}
	for _, want := range []string{
		"Indicators, fiscal year 2570, as of Wed 20 Jan 2027\n",
		"\n  Still practising: 4 of 5 households (80%) ✗ target 85%\n",
		"\n  Mean household income: 4,000 → 4,188 baht a month (+4.7%) ✓ target +3%\n",
		"\n  Occupation groups: 1 in 1 of 3 villages ✓ target 10%\n",
		"\n  Moo 5 บ้านโนนสูง: 75% · Still practising 3/4 ✗ · income +5.4% ✓ · occupation groups 1\n",
		"\n  Moo 7 บ้านหนองบัว: – · Not enough answers yet · 1 of 3 households answered\n",
		"\n  ทำน้ำพริก: 80% · 2 villages · Still practising 4/5 ✗ · income +4.7% ✓\n",
	} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
		}
	}
	// In Thai by default.
	if res := cliRunEnv(t, db, nil, indAt, "", "indicators"); !strings.Contains(res.stdout, "ยังทำอาชีพ: 4 จาก 5 ครัวเรือน (80%) ✗ เป้า 85%") {
		t.Errorf("Thai: %s", res.stdout)
	}
	// An earlier round by name; an unknown round and a bad format are
	// refused with exit 2.
	res = cliRunEnv(t, db, cliEnglish, indAt, "", "indicators", "--round", "2569", "--format", "json")
	if res.exit != 0 || !strings.Contains(res.stdout, `"name": "fiscal year 2569"`) || !strings.Contains(res.stdout, `"name": "บ้านเก่า"`) {
		t.Errorf("--round 2569: exit %d, stdout %s, stderr %q", res.exit, res.stdout, res.stderr)
	}
	for _, args := range [][]string{{"--round", "2560"}, {"--format", "xml"}, {"extra"}} {
		if res := cliRunEnv(t, db, cliEnglish, indAt, "", append([]string{"indicators"}, args...)...); res.exit != 2 || res.stderr == "" {
			t.Errorf("%v: exit %d, stderr %q, want 2 and why", args, res.exit, res.stderr)
		}
	}
}
