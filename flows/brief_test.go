package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// briefOf returns the sages' brief of village vid due at at, and records
// what was due.
func (r *rig) briefOf(at time.Time, sage string) flows.Reply {
	r.t.Helper()
	due := r.due(at)
	defer r.record(due, at)
	for _, rem := range due {
		for _, s := range rem.Sends {
			if len(s.Replies) > 0 && s.Replies[0].Title != nil && s.Replies[0].Title.Key == "reminder.brief.title" && slices.Contains(s.To, sage) {
				checkRenders(r.t, s.Lang, s.Replies)
				return s.Replies[0]
			}
		}
	}
	r.t.Fatalf("no brief for %s at %s", sage, at.Format("02 15:04"))
	return flows.Reply{}
}

// fieldsOf renders a card's rows in Thai, label → value.
func fieldsOf(rep flows.Reply) map[string]string {
	out := map[string]string{}
	for _, f := range rep.Fields {
		out[th(f.Label)] = th(f.Value)
	}
	return out
}

func TestSageBriefListsHouseholdsWithoutLine(t *testing.T) {
	r := sumWeek(t)
	// Day 1's brief: 1–7 with LINE and 9–10 (answered through the sage)
	// coming, 8 not; 9–20 have no LINE: each is listed with house number
	// and phone, marked 📵, not under "no answer".
	b := r.briefOf(sumWeekStart.Add(-6*time.Hour), "Ulead5")
	f := fieldsOf(b)
	if want := "หัวหน้า5ก1, หัวหน้า5ก2, หัวหน้า5ก3, หัวหน้า5ก4, หัวหน้า5ก5, หัวหน้า5ก6, หัวหน้า5ก7, หัวหน้า5ก9, หัวหน้า5ก10"; f["✅ จะมา (9)"] != want {
		t.Errorf("coming: %q, want %q (rows %q)", f["✅ จะมา (9)"], want, f)
	}
	if f["❌ ไม่สะดวก (1)"] != "หัวหน้า5ก8" {
		t.Errorf("not coming: %q (rows %q)", f["❌ ไม่สะดวก (1)"], f)
	}
	for label := range f {
		if strings.HasPrefix(label, "ยังไม่ตอบ") {
			t.Errorf("a 'no answer' row %q when every household with LINE answered", label)
		}
	}
	if _, ok := f["📵 ไม่มีไลน์ (12)"]; !ok {
		t.Errorf("no 📵 heading for 12 households; rows %q", f)
	}
	for label, want := range map[string]string{
		"บ้าน 9/5":  "หัวหน้า5ก9 · โทร 081-234-5609 · ✅ จะมา",
		"บ้าน 12/5": "หัวหน้า5ก12 · โทร 081-234-5612",
		"บ้าน 19/5": "หัวหน้า5ก19",
	} {
		if f[label] != want {
			t.Errorf("row %q: %q, want %q", label, f[label], want)
		}
	}
	// Day 2's brief: nobody answered; those with LINE are "no answer on
	// LINE", the others are only in the 📵 list.
	f = fieldsOf(r.briefOf(sumWeekStart.Add(18*time.Hour), "Ulead5"))
	if got := f["ยังไม่ตอบทางไลน์ (8)"]; strings.Count(got, ",") != 7 || strings.Contains(got, "หัวหน้า5ก9") {
		t.Errorf("no answer on LINE: %q, want households 1–8 only (rows %q)", got, f)
	}
	if got := f["บ้าน 9/5"]; got != "หัวหน้า5ก9 · โทร 081-234-5609" {
		t.Errorf("day 2, house 9/5: %q", got)
	}
}

// A village of 20 households without LINE: the brief is one card LINE
// takes, every household a row of its own.
func TestSageBriefFitsAPhoneForTwentyHouseholds(t *testing.T) {
	r := sumWeek(t)
	b := r.briefOf(sumWeekStart.Add(-6*time.Hour), "Ulead6")
	rows := 0
	for _, fl := range b.Fields {
		if fl.Label.Key == "reminder.brief.house" {
			rows++
		}
		if fl.Label.Key == "reminder.brief.none" {
			t.Errorf("households without LINE counted as not answering: %s", th(fl.Label))
		}
	}
	if rows != 20 {
		t.Errorf("%d household rows, want 20", rows)
	}
	msgs, err := bot.NewRenderer(catalog).Render(locales.Thai, []flows.Reply{b})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || len(msgs[0]) > 30*1024 {
		t.Errorf("%d messages, the first %d bytes: want one bubble within LINE's 30 KB", len(msgs), len(msgs[0]))
	}
}

func TestSageBriefGivesTheStudyVisitSeats(t *testing.T) {
	r := sumWeek(t)
	// Day 4 is on the 10th; its brief goes the evening before.
	b := r.briefOf(sumWeekStart.AddDate(0, 0, 2).Add(18*time.Hour), "Ulead5")
	want := "🚌 ต้องใช้ที่นั่ง 10 ที่" // 3 + 2 + 1 (not said) + 4
	if got := th(b.Text); !strings.Contains(got, want) {
		t.Errorf("study visit brief %q lacks %q", got, want)
	}
	if c := r.direct(5, flows.StudyVisit); c.seats != 10 {
		t.Errorf("records give %d seats", c.seats)
	}
	// Other days say nothing of seats.
	r2 := sumWeek(t)
	if got := th(r2.briefOf(sumWeekStart.Add(-6*time.Hour), "Ulead5").Text); strings.Contains(got, "🚌") {
		t.Errorf("day 1's brief speaks of seats: %q", got)
	}
}
