package flows_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// demoNow is a Tuesday; the demo's schedules start the Monday after.
var demoNow = time.Date(2026, 3, 10, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// demoOpts set the rig up as the demo district, seeded at demoNow.
var demoOpts = rigOptions(
	withConfig(func(c *flows.Config) { c.Location = demoNow.Location() }),
	withClock(demoNow, 0),
	withSeed(func(r *rig) {
		var loaded bool
		r.update(func(tx flows.Tx) error {
			var err error
			loaded, err = r.eng.SeedDemo(tx, demoNow)
			return err
		})
		if !loaded {
			r.t.Fatal("SeedDemo on an empty database reported nothing loaded")
		}
	}))

func TestSeedDemoOnlyOnce(t *testing.T) {
	r := newRig(t, demoOpts)
	var before, after []flows.Household
	count := func(out *[]flows.Household) {
		r.view(func(tx flows.Tx) error {
			villages, err := flows.ListVillages(tx)
			if err != nil {
				return err
			}
			for _, v := range villages {
				hs, err := flows.VillageHouseholds(tx, v.ID)
				if err != nil {
					return err
				}
				*out = append(*out, hs...)
			}
			return nil
		})
	}
	count(&before)
	if len(before) == 0 {
		t.Fatal("no households after the first SeedDemo")
	}
	r.update(func(tx flows.Tx) error {
		loaded, err := r.eng.SeedDemo(tx, demoNow.Add(24*time.Hour))
		if loaded {
			t.Errorf("second SeedDemo reported loading again")
		}
		return err
	})
	count(&after)
	if len(after) != len(before) {
		t.Errorf("%d households after a second SeedDemo, want the first's %d", len(after), len(before))
	}
}

// demoStage is how far each village of the demo district is, by ตำบล and
// หมู่: both ตำบล number their villages from หมู่ 1, as a real district's do.
var demoStage = map[string]map[int]int{
	"หนองแวง": {1: 3, 2: 3, 3: 3, 4: 3, 5: 3, 6: 3, 7: 3},
	"โนนทอง":  {1: 3, 2: 3, 3: 3, 4: 2, 5: 1, 6: 1},
}

func TestSeedDemoDistrict(t *testing.T) {
	r := newRig(t, demoOpts)
	r.view(func(tx flows.Tx) error {
		villages, err := flows.ListVillages(tx)
		if err != nil {
			return err
		}
		if len(villages) != 13 {
			t.Fatalf("%d villages, want 13", len(villages))
		}
		ids := map[int]string{}
		places := map[string]bool{}
		for _, v := range villages {
			place := fmt.Sprintf("หมู่ %d ต.%s", v.Moo, v.Tambon)
			if other, dup := ids[v.ID]; dup {
				t.Errorf("%s and %s share id %d", other, place, v.ID)
			}
			ids[v.ID] = place
			places[place] = true
		}
		// The district repeats หมู่ numbers across its ตำบล: every shared
		// หมู่ is two villages, and the simulator's users meet the ask-back.
		for moo := 1; moo <= 6; moo++ {
			for tambon := range demoStage {
				if place := fmt.Sprintf("หมู่ %d ต.%s", moo, tambon); !places[place] {
					t.Errorf("no %s: want หมู่ 1–6 in both ตำบล", place)
				}
			}
			if found, _ := flows.FindVillages(tx, moo, ""); len(found) != 2 {
				t.Errorf("หมู่ %d alone finds %d villages, want 2 (one per ตำบล)", moo, len(found))
			}
		}
		nextMonday := "2026-03-16"
		firstWeek := 0
		for _, v := range villages {
			t.Run(fmt.Sprintf("%s-%02d", v.Tambon, v.Moo), func(t *testing.T) {
				stage, ok := demoStage[v.Tambon][v.Moo]
				if !ok {
					t.Fatalf("village %+v is not in the demo district", v)
				}
				hs, err := flows.VillageHouseholds(tx, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				selected, _ := flows.SelectedHouseholds(tx, v.ID)
				switch stage {
				case 3:
					if len(selected) != flows.DefaultCapacity {
						t.Errorf("%d selected households, want %d", len(selected), flows.DefaultCapacity)
					}
					if v.LeadSageID == "" {
						t.Errorf("no lead sage")
					}
					team, _ := flows.TeamMembers(tx, v.ID)
					if len(team) != flows.TeamSize {
						t.Errorf("team of %d, want %d", len(team), flows.TeamSize)
					}
					for _, s := range team {
						if s.TeamVillage != v.ID {
							t.Errorf("team member %s on village %d, want %d", s.Name, s.TeamVillage, v.ID)
						}
					}
				case 2:
					if len(selected) != 0 || len(hs) == 0 || v.LeadSageID == "" {
						t.Errorf("%d selected of %d applicants, lead %q: want applicants waiting for selection and a lead", len(selected), len(hs), v.LeadSageID)
					}
				default:
					if v.LeadSageID != "" {
						t.Errorf("lead %q, want none yet (the registration waits for an officer)", v.LeadSageID)
					}
				}
				for _, h := range hs {
					if h.HouseNo == "" || h.HeadName == "" || h.Members < 1 || h.Consent.Version != flows.HouseholdNoticeVersion {
						t.Errorf("household %+v: want a house number, a head, members and the consent", h)
					}
					if h.Village != v.ID {
						t.Errorf("household %s in village %d, want %d", h.ID, h.Village, v.ID)
					}
				}
				s, err := flows.GetSchedule(tx, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				for i, d := range s {
					if d == nil {
						t.Fatalf("day %d not set", i+1)
					}
				}
				if s[0].Date == nextMonday {
					firstWeek++
				}
				if v.Tambon == "หนองแวง" && v.Moo <= 4 && s[0].Date != nextMonday {
					t.Errorf("day 1 on %s, want next Monday %s", s[0].Date, nextMonday)
				}
				if s[0].Date <= demoNow.Format("2006-01-02") {
					t.Errorf("day 1 on %s, want after %s", s[0].Date, demoNow.Format("2006-01-02"))
				}
				visit := s[flows.StudyVisit-1]
				if visit.Destination == "" || visit.MeetingPoint == "" || visit.Departure == "" || visit.Bring == "" {
					t.Errorf("study visit %+v: want destination, meeting point, departure and what to bring", visit)
				}
			})
		}
		if firstWeek != 4 {
			t.Errorf("%d villages start next Monday, want 4 (four villages a week)", firstWeek)
		}
		return nil
	})
}

func TestSeedDemoPersonas(t *testing.T) {
	r := newRig(t, demoOpts)
	r.view(func(tx flows.Tx) error {
		if ok, _ := flows.IsOfficer(tx, flows.DemoOfficerID); !ok {
			t.Errorf("the officer persona is not an officer")
		}
		v, err := flows.DemoVillage(tx)
		if err != nil {
			t.Fatal(err)
		}
		if v.Moo != flows.DemoVillageMoo || v.Tambon != "หนองแวง" {
			t.Errorf("the personas' village is หมู่ %d ต.%s, want หมู่ %d ต.หนองแวง", v.Moo, v.Tambon, flows.DemoVillageMoo)
		}
		if v.LeadSageID != flows.DemoLeadSageID {
			t.Errorf("village %d lead %q, want the lead sage persona", v.Moo, v.LeadSageID)
		}
		// The other ตำบล's หมู่ 1 is another village, with its own team.
		others, _ := flows.FindVillages(tx, flows.DemoVillageMoo, "")
		for _, o := range others {
			if o.ID != v.ID && (o.LeadSageID == "" || o.LeadSageID == flows.DemoLeadSageID) {
				t.Errorf("หมู่ %d ต.%s lead %q, want its own lead", o.Moo, o.Tambon, o.LeadSageID)
			}
		}
		s, ok, _ := flows.GetSage(tx, flows.DemoTeamSageID)
		if !ok || s.Status != flows.SageApproved || s.TeamVillage != v.ID {
			t.Errorf("team sage persona %+v: want approved, on village %d's team", s, v.ID)
		}
		for _, id := range []string{flows.DemoHousehold1ID, flows.DemoHousehold2ID} {
			h, ok, _ := flows.HouseholdOfUser(tx, id)
			if !ok || h.Status != flows.StatusSelected || h.Village != v.ID {
				t.Errorf("household of %s: %+v, want selected in village %d", id, h, v.ID)
			}
		}
		if h, ok, _ := flows.HouseholdOfUser(tx, flows.DemoVillagerID); ok {
			t.Errorf("the villager persona has household %s, want none (free to apply)", h.ID)
		}
		pending, _ := flows.PendingSages(tx)
		if len(pending) != 2 {
			t.Errorf("%d registrations waiting, want 2 for the officer to decide", len(pending))
		}
		return nil
	})
}
