package flows_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// newsCard returns the "new since you last looked" card of an outcome, if
// any.
func newsCard(out flows.Outcome) (flows.Reply, bool) {
	for _, rep := range out.Replies {
		if rep.Title != nil && rep.Title.Key == "team.news.title" {
			return rep, true
		}
	}
	return flows.Reply{}, false
}

// The lead sage hears, when opening the team or the household list and in
// the evening brief, who joined or left the team and which households were
// selected, withdrew or moved up, since they last looked; never as an
// extra push, and not what they did themselves.
func TestLeadHearsWhatChangedSinceTheyLastLooked(t *testing.T) {
	day1 := time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)
	r := programme(t, 3, day1)
	r.at(time.Date(2026, 12, 5, 10, 0, 0, 0, bangkok))
	if _, ok := newsCard(r.say("Ulead", "ทีมของฉัน")); ok {
		t.Error("news on the first look, with nothing changed")
	}

	// Then: a sage joins, a household withdraws, one moves up from the
	// waitlist (the officer), and the lead selects one themselves.
	r.at(time.Date(2026, 12, 5, 12, 0, 0, 0, bangkok))
	r.user("Umalee")
	r.putSage(flows.Sage{ID: 90, UserID: "Umalee", Name: "นางมาลี ทองดี", Moo: 5, TeamVillage: 5, TeamSince: r.now, Status: flows.SageApproved})
	h2, _ := r.getHousehold("H000002")
	h2.Status = flows.StatusWithdrawn
	h2.History = append(h2.History, flows.StatusChange{At: r.now, By: "Uh2", From: flows.StatusSelected, To: flows.StatusWithdrawn})
	r.putHousehold(h2)
	r.putHousehold(flows.Household{ID: "H000009", Village: 5, HouseNo: "9", HeadName: "บุญมา ใจงาม", Members: 2, Status: flows.StatusSelected, DedupeKey: "H9",
		History: []flows.StatusChange{{At: r.now, By: "Uofficer", From: flows.StatusWaitlisted, To: flows.StatusSelected}}})
	r.putHousehold(flows.Household{ID: "H000010", Village: 5, HouseNo: "10", HeadName: "เลือกเอง โดยปราชญ์", Members: 2, Status: flows.StatusSelected, DedupeKey: "H10",
		History: []flows.StatusChange{{At: r.now, By: "Ulead", From: flows.StatusApplicant, To: flows.StatusSelected}}})

	// The evening brief, which the sages get anyway: the lead's copy has
	// the news, the other sage's does not; one push each.
	at := day1.Add(-6 * time.Hour)
	due := r.due(at)
	briefs := map[string]flows.Reply{}
	for _, rem := range due {
		for _, s := range rem.Sends {
			for _, rep := range s.Replies {
				if rep.Title != nil && rep.Title.Key == "reminder.brief.title" {
					for _, to := range s.To {
						if _, dup := briefs[to]; dup {
							t.Errorf("two briefs for %s", to)
						}
						briefs[to] = rep
					}
					checkRenders(t, s.Lang, s.Replies)
				}
			}
		}
	}
	r.record(due, at)
	lead := fieldsOf(briefs["Ulead"])
	if lead["ถอนตัว 1 ครัวเรือน"] != "หัวหน้า ลำดับกกก" || lead["เลื่อนจากสำรอง 1 ครัวเรือน"] != "บุญมา ใจงาม" || lead["เข้าทีม 1 คน"] != "มาลี" {
		t.Errorf("the lead's brief rows %q, want who joined, withdrew and moved up", lead)
	}
	if _, ok := lead["ได้รับคัดเลือก 1 ครัวเรือน"]; ok {
		t.Errorf("the lead is told of their own selection: %q", lead)
	}
	if other, ok := briefs["Umalee"]; !ok {
		t.Error("the other sage got no brief")
	} else if _, has := fieldsOf(other)["มีอะไรใหม่"]; has {
		t.Errorf("the other sage's brief has the lead's news: %q", fieldsOf(other))
	}

	// Opening the team says it too (the brief does not mark it seen)…
	r.at(day1.Add(8 * time.Hour))
	out := r.say("Ulead", "ทีมของฉัน")
	card, ok := newsCard(out)
	if !ok {
		t.Fatalf("no news when the lead opens the team: %q", replyKeys(out))
	}
	if f := fieldsOf(card); f["เข้าทีม 1 คน"] != "มาลี" || len(f) != 3 {
		t.Errorf("news rows %q", f)
	}
	if len(out.Pushes) != 0 {
		t.Errorf("news pushed: %d pushes", len(out.Pushes))
	}
	// …once: the household list then has nothing new.
	if _, ok := newsCard(r.say("Ulead", "รายชื่อครัวเรือน")); ok {
		t.Error("the same news again after the lead looked")
	}

	// A member leaves: named on the next look, from the household list.
	m, _ := r.getSage("Umalee")
	m.TeamVillage, m.TeamSince = 0, time.Time{}
	r.putSage(m)
	out = r.say("Ulead", "รายชื่อครัวเรือน")
	card, ok = newsCard(out)
	if f := fieldsOf(card); !ok || f["ออกจากทีม 1 คน"] != "มาลี" || len(f) != 1 {
		t.Errorf("after a member left, news %v %q", ok, f)
	}
	if keys := replyKeys(out); !slices.Contains(keys, "household.list.title") && !strings.Contains(strings.Join(keys, " "), "household.list") {
		t.Errorf("the household list did not follow the news: %q", keys)
	}
	// A member of the team is not the lead: no news for them.
	if _, ok := newsCard(r.say("Uh1", "ทีมของฉัน")); ok {
		t.Error("news for someone who is not the lead")
	}
}
