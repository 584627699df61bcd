package flows_test

// Issue 14: every button's label also works when typed. For each answer
// of a journey through the bot (villager, household, sage, officer), each
// label that is unique within that answer (its buttons and list rows, and
// the chips under its last message, which are all LINE shows) is typed,
// in Thai with and without ค่ะ/ครับ and spaces, and in English, and must
// say what tapping it says. Each try replays the journey on a fresh rig:
// the clock, the codes and the data are the same, so the answers are too.

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// journeyStep is one input of a journey; it may use the answer before it
// (to tap one of its buttons).
type journeyStep struct {
	name string
	do   func(r *rig, prev flows.Outcome) flows.Outcome
}

type journey struct {
	name  string
	user  string
	fresh func(t *testing.T) *rig
	steps []journeyStep
	// skip are labels (catalog keys) not checked at a step, each with the
	// reason: a label whose tap and typed word are meant to differ.
	skip map[string]string
}

func sayStep(user, text string) journeyStep {
	return journeyStep{"say " + text, func(r *rig, _ flows.Outcome) flows.Outcome { return r.say(user, text) }}
}

func tapStep(user, key string) journeyStep {
	return journeyStep{"tap " + key, func(r *rig, prev flows.Outcome) flows.Outcome { return r.tap(user, buttonKey(r.t, prev, key)) }}
}

// firstStep taps the first button, or else the first list row, of the
// answer before.
func firstStep(user string) journeyStep {
	return journeyStep{"tap the first", func(r *rig, prev flows.Outcome) flows.Outcome {
		for _, rep := range prev.Replies {
			if len(rep.Buttons) > 0 {
				return r.tap(user, rep.Buttons[0].Data)
			}
			if len(rep.Rows) > 0 && rep.Rows[0].Tap != nil {
				return r.tap(user, rep.Rows[0].Tap.Data)
			}
		}
		r.t.Fatalf("nothing to tap in %q", keys(prev))
		return flows.Outcome{}
	}}
}

func dataStep(user, data string) journeyStep {
	return journeyStep{"tap " + data, func(r *rig, _ flows.Outcome) flows.Outcome { return r.tap(user, data) }}
}

// offeredLabels are the buttons of an answer a person can see: every
// message's buttons and list rows, the last message's chips. A label
// whose text two buttons with different data share is left out.
func offeredLabels(out flows.Outcome) []flows.Action {
	var acts []flows.Action
	for i, rep := range out.Replies {
		acts = append(acts, rep.Buttons...)
		for _, row := range rep.Rows {
			if row.Tap != nil {
				acts = append(acts, *row.Tap)
			}
		}
		if i == len(out.Replies)-1 {
			acts = append(acts, rep.Quick...)
		}
	}
	text := func(a flows.Action) string {
		return locales.MatchCommand(catalog.MustText(locales.Thai, a.Label.Key, a.Label.Args))
	}
	var unique []flows.Action
	for _, a := range acts {
		if a.URI != "" || a.Picker != "" || a.Data == "" {
			continue
		}
		dup := slices.ContainsFunc(acts, func(b flows.Action) bool { return b.Data != a.Data && text(b) == text(a) })
		if !dup && !slices.ContainsFunc(unique, func(b flows.Action) bool { return b.Data == a.Data }) {
			unique = append(unique, a)
		}
	}
	return unique
}

// said is what an answer says, for comparing a tap with a typed label.
func said(out flows.Outcome) []string {
	var s []string
	for _, rep := range out.Replies {
		if rep.Title != nil {
			s = append(s, msgText(*rep.Title))
		}
		s = append(s, msgText(rep.Text))
	}
	for _, p := range out.Pushes {
		s = append(s, "push to "+p.To+": "+msgText(p.Replies[0].Text))
	}
	return s
}

// clone is a new rig on a copy of r's database, at r's clock and codes:
// what one input does to it, the same input does to r.
func (r *rig) clone(t *testing.T) *rig {
	t.Helper()
	c := *r
	c.t = t
	c.path = filepath.Join(t.TempDir(), "bot.db")
	if _, err := r.db.BackupFile(c.path); err != nil {
		t.Fatal(err)
	}
	c.codes = slices.Clone(r.codes)
	c.open()
	t.Cleanup(func() { _ = c.db.Close() })
	return &c
}

// check checks the labels of every answer of j (see the file comment).
// It returns how many labels it typed.
func (j journey) check(t *testing.T) int {
	checked := 0
	r := j.fresh(t)
	var out flows.Outcome
	for _, s := range j.steps {
		out = s.do(r, out)
		for _, a := range offeredLabels(out) {
			if _, ok := j.skip[a.Label.Key]; ok {
				continue
			}
			step := fmt.Sprintf("after %q, %s", s.name, a.Label.Key)
			want := said(r.clone(t).tap(j.user, a.Data))
			thai := catalog.MustText(locales.Thai, a.Label.Key, a.Label.Args)
			en := catalog.MustText(locales.English, a.Label.Key, a.Label.Args)
			for _, typed := range []string{thai, thai + "ค่ะ", " " + thai + " ครับ", en} {
				if got := said(r.clone(t).say(j.user, typed)); !slices.Equal(got, want) {
					t.Errorf("%s: typed %q said\n  %s\nthe tap said\n  %s", step, typed, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
				}
			}
			checked++
		}
	}
	return checked
}

func TestTypedLabelsDoWhatTapsDo(t *testing.T) {
	demo := func(t *testing.T) *rig { return newRig(t, rmOpts) }
	household := func(t *testing.T) *rig {
		r := newRig(t, hhOpts)
		r.hhVillage(5, 10, "ทำนา")
		r.user("Uh")
		return r
	}
	journeys := []journey{
		{name: "villager", user: flows.DemoVillagerID, fresh: demo, steps: []journeyStep{
			sayStep(flows.DemoVillagerID, "สวัสดี"),
			sayStep(flows.DemoVillagerID, "ช่วยเหลือ"),
			dataStep(flows.DemoVillagerID, flows.ItemMyInfo.Data()),
		}},
		{name: "applicant", user: "Uh", fresh: household, steps: []journeyStep{
			sayStep("Uh", "สมัครครัวเรือน"),
			tapStep("Uh", "conv.btn.agree"),
			sayStep("Uh", "สมศรี มีสุข"),
			sayStep("Uh", "12"),
			sayStep("Uh", "หมู่ 5"),
			sayStep("Uh", "4"),
			sayStep("Uh", "ทำนา"),
			sayStep("Uh", "5000"),
			sayStep("Uh", "สนใจ"),
			sayStep("Uh", "081-234-5678"),
			tapStep("Uh", "conv.btn.confirm"),
			sayStep("Uh", "สถานะของฉัน"),
			tapStep("Uh", "household.btn.withdraw"),
		}},
		{name: "selected household", user: flows.DemoHousehold1ID, fresh: demo, steps: []journeyStep{
			sayStep(flows.DemoHousehold1ID, "ช่วยเหลือ"),
			sayStep(flows.DemoHousehold1ID, "ตารางของฉัน"),
			tapStep(flows.DemoHousehold1ID, "attendance.btn.cannot"),
		}},
		{name: "lead sage", user: flows.DemoLeadSageID, fresh: demo, steps: []journeyStep{
			sayStep(flows.DemoLeadSageID, "ช่วยเหลือ"),
			sayStep(flows.DemoLeadSageID, "ทีมของฉัน"),
		}},
		{name: "officer", user: flows.DemoOfficerID, fresh: demo, steps: []journeyStep{
			sayStep(flows.DemoOfficerID, "ช่วยเหลือ"),
			sayStep(flows.DemoOfficerID, "เมนูเจ้าหน้าที่"),
			sayStep(flows.DemoOfficerID, "หมู่บ้าน"),
			sayStep(flows.DemoOfficerID, "รายชื่อครัวเรือน"),
			firstStep(flows.DemoOfficerID),
			firstStep(flows.DemoOfficerID),
			sayStep(flows.DemoOfficerID, "รออนุมัติ"),
			sayStep(flows.DemoOfficerID, "คัดเลือกครัวเรือน"),
		}},
		{name: "officer's other lists", user: flows.DemoOfficerID, fresh: demo, steps: []journeyStep{
			sayStep(flows.DemoOfficerID, "รออนุมัติ"),
			firstStep(flows.DemoOfficerID),
			sayStep(flows.DemoOfficerID, "ตั้งปราชญ์สัมมาชีพ"),
			sayStep(flows.DemoOfficerID, "รอบโครงการ"),
			sayStep(flows.DemoOfficerID, "ทะเบียนปราชญ์"),
			sayStep(flows.DemoOfficerID, "ตั้งตาราง"),
			firstStep(flows.DemoOfficerID),
		}},
		{name: "roll call on day 1", user: flows.DemoLeadSageID, fresh: func(t *testing.T) *rig {
			r := newRig(t, rmOpts)
			r.now = rmDay1
			return r
		}, steps: []journeyStep{
			sayStep(flows.DemoLeadSageID, "เช็คชื่อ"),
			sayStep(flows.DemoLeadSageID, "ลงทะเบียนแทน"),
		}},
		{name: "sage registration", user: flows.DemoVillagerID, fresh: demo, steps: []journeyStep{
			sayStep(flows.DemoVillagerID, "ลงทะเบียนปราชญ์"),
			tapStep(flows.DemoVillagerID, "conv.btn.agree"),
			sayStep(flows.DemoVillagerID, "สมหญิง ใจงาม"),
			sayStep(flows.DemoVillagerID, "0812345678"),
			sayStep(flows.DemoVillagerID, "หมู่ 1 ต.หนองแวง"),
		}},
	}
	for _, j := range journeys {
		t.Run(j.name, func(t *testing.T) {
			if n := j.check(t); n < len(j.steps) {
				t.Errorf("typed %d labels in %d answers: the journey offers too few to be a test", n, len(j.steps))
			}
		})
	}
}
