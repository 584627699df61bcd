package bot_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// The evening before day 3, when day 4 is the study visit two days later,
// a household's day-3 card and the study visit's headcount fall due at the
// same 18:00: they go in one push request (one message per recipient), the
// Thai households by one multicast, and both reminders are in the ledger
// with the retry keys of the push that carried them. The next tick sends
// nothing.
func TestCardAndHeadcountGoInOnePush(t *testing.T) {
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, bot.Config{Location: bangkok}, nil)
	eng := flows.NewEngine(flows.Config{Location: bangkok})
	sc := r.srv.Scheduler(eng)
	created := time.Date(2026, 3, 9, 10, 0, 0, 0, bangkok)
	households := []string{"Uh1", "Uh2", "Uh3"}
	var vid int
	if err := r.db.Update(func(tx flows.Tx) error {
		v := flows.Village{Moo: 4, Tambon: "ทดสอบ", Name: "บ้านทดสอบ", Occupation: "ทำขนม", Capacity: 20, Created: created}
		if err := flows.PutVillage(tx, &v); err != nil {
			return err
		}
		vid = v.ID
		for i, id := range households {
			u := flows.User{ID: id, Active: true}
			if i == 2 {
				u.Lang = locales.English
			}
			if err := tx.Users().Put(id, u); err != nil {
				return err
			}
			h := flows.Household{ID: fmt.Sprintf("H%d", i), Village: vid, HouseNo: fmt.Sprint(i + 1), HeadName: "หัวหน้า " + id,
				Members: 3, UserID: id, Status: flows.StatusSelected, DedupeKey: id}
			if err := flows.PutHousehold(tx, h); err != nil {
				return err
			}
		}
		if err := tx.Users().Put("Usage", flows.User{ID: "Usage", Active: true}); err != nil {
			return err
		}
		if err := tx.Sages().Put("Usage", flows.Sage{ID: 1, UserID: "Usage", Name: "ปราชญ์", Moo: 4, Tambon: "ทดสอบ", TeamVillage: vid, Status: flows.SageApproved}); err != nil {
			return err
		}
		for _, d := range []flows.ProgrammeDay{
			{Village: vid, Day: 3, Date: "2026-03-12", Start: "09:00", End: "16:00", Place: "ศาลา", Rev: 1, Updated: created},
			{Village: vid, Day: flows.StudyVisit, Date: "2026-03-13", Start: "09:00", End: "16:00", Place: "ศูนย์เรียนรู้", Rev: 1, Updated: created,
				Destination: "ศูนย์เรียนรู้", MeetingPoint: "หน้าวัด", Departure: "07:30"},
		} {
			if err := tx.Days().Put(flows.DayRef{Village: vid, Day: d.Day}, d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	r.clock.Set(time.Date(2026, 3, 11, 18, 0, 0, 0, bangkok).UTC())
	res, err := sc.Tick(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r.srv.Sender().Drain()
	if res.Sent != 2 {
		t.Errorf("tick sent %d reminders, want 2 (the day-3 card and the headcount)", res.Sent)
	}
	pushes := append(r.fake.Sent(linefake.KindPush), r.fake.Sent(linefake.KindMulticast)...)
	requests := map[string][]linefake.Request{}
	for _, p := range pushes {
		for _, to := range p.To {
			requests[to] = append(requests[to], p)
		}
		for i, m := range p.Messages {
			var msg struct {
				QuickReply json.RawMessage `json:"quickReply"`
			}
			if err := json.Unmarshal(m, &msg); err != nil {
				t.Fatal(err)
			}
			if len(msg.QuickReply) > 0 && i != len(p.Messages)-1 {
				t.Errorf("a %s to %v has quick replies on message %d of %d: LINE shows only the last one's", p.Kind, p.To, i+1, len(p.Messages))
			}
		}
	}
	for _, id := range households {
		got := requests[id]
		if len(got) != 1 {
			t.Errorf("%s got %d push requests, want 1", id, len(got))
			continue
		}
		if n := len(got[0].Messages); n != 2 {
			t.Errorf("%s's push has %d messages, want 2 (the day-3 card and the headcount)", id, n)
		}
	}
	if got := requests["Usage"]; len(got) != 1 || len(got[0].Messages) != 1 {
		t.Errorf("the sage got %d requests, want 1 with the brief", len(got))
	}
	if n := len(r.fake.Sent(linefake.KindMulticast)); n != 1 {
		t.Errorf("%d multicasts, want 1 (the two Thai households)", n)
	}

	accepted := map[string]bool{}
	for _, p := range pushes {
		accepted[p.RetryKey] = true
	}
	for _, key := range []string{flows.ReminderKey(flows.RemindEvening, vid, 3, 1), flows.ReminderKey(flows.RemindHeadcount, vid, flows.StudyVisit, 1)} {
		var le flows.LedgerEntry
		var ok bool
		if err := r.db.View(func(tx flows.Tx) error {
			var err error
			le, ok, err = tx.Ledger().Get(key)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if !ok || le.Status != flows.LedgerSent {
			t.Errorf("ledger %s: %+v (found %v), want sent", key, le, ok)
			continue
		}
		if len(le.RetryKeys) == 0 {
			t.Errorf("ledger %s has no retry keys", key)
		}
		for _, k := range le.RetryKeys {
			if !accepted[k] {
				t.Errorf("ledger %s: retry key %s was not sent", key, k)
			}
		}
	}

	before := len(r.fake.Requests())
	r.clock.Set(time.Date(2026, 3, 11, 18, 1, 0, 0, bangkok).UTC())
	res, err = sc.Tick(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	r.srv.Sender().Drain()
	if res.Pushes != 0 || len(r.fake.Requests()) != before {
		t.Errorf("the second tick queued %d pushes, %d requests: want nothing", res.Pushes, len(r.fake.Requests())-before)
	}
}
