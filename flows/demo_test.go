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
			for moo := 1; moo <= 13; moo++ {
				hs, err := flows.VillageHouseholds(tx, moo)
				if err != nil {
					return err
				}
				*out = append(*out, hs...)
			}
			return nil
		})
	}
	count(&before)
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
		nextMonday := "2026-03-16"
		for _, v := range villages {
			t.Run(fmt.Sprintf("%03d", v.Moo), func(t *testing.T) {
				hs, err := flows.VillageHouseholds(tx, v.Moo)
				if err != nil {
					t.Fatal(err)
				}
				selected, _ := flows.SelectedHouseholds(tx, v.Moo)
				switch {
				case v.Moo <= 10:
					if len(selected) != flows.DefaultCapacity {
						t.Errorf("%d selected households, want %d", len(selected), flows.DefaultCapacity)
					}
					if v.LeadSageID == "" {
						t.Errorf("no lead sage")
					}
					team, _ := flows.TeamMembers(tx, v.Moo)
					if len(team) != flows.TeamSize {
						t.Errorf("team of %d, want %d", len(team), flows.TeamSize)
					}
				case v.Moo == 11:
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
				}
				s, err := flows.GetSchedule(tx, v.Moo)
				if err != nil {
					t.Fatal(err)
				}
				for i, d := range s {
					if d == nil {
						t.Fatalf("day %d not set", i+1)
					}
				}
				if v.Moo <= 4 && s[0].Date != nextMonday {
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
		return nil
	})
}

func TestSeedDemoPersonas(t *testing.T) {
	r := newRig(t, demoOpts)
	r.view(func(tx flows.Tx) error {
		if ok, _ := flows.IsOfficer(tx, flows.DemoOfficerID); !ok {
			t.Errorf("the officer persona is not an officer")
		}
		v, _, _ := flows.GetVillage(tx, flows.DemoVillageMoo)
		if v.LeadSageID != flows.DemoLeadSageID {
			t.Errorf("village %d lead %q, want the lead sage persona", v.Moo, v.LeadSageID)
		}
		s, ok, _ := flows.GetSage(tx, flows.DemoTeamSageID)
		if !ok || s.Status != flows.SageApproved || s.TeamVillage != flows.DemoVillageMoo {
			t.Errorf("team sage persona %+v: want approved, on village %d's team", s, flows.DemoVillageMoo)
		}
		for _, id := range []string{flows.DemoHousehold1ID, flows.DemoHousehold2ID} {
			h, ok, _ := flows.HouseholdOfUser(tx, id)
			if !ok || h.Status != flows.StatusSelected || h.Village != flows.DemoVillageMoo {
				t.Errorf("household of %s: %+v, want selected in village %d", id, h, flows.DemoVillageMoo)
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
