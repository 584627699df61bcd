package flows_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
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

// demoWeek is each village's week, counted from the Monday after the demo
// is loaded: the personas' หมู่ 1 and three others train next week, four
// more the week after; หมู่ 5 and 6 of หนองแวง trained nine weeks before
// that, หมู่ 7 eight, โนนทอง หมู่ 2 seven (all with their first follow-up
// answered), and โนนทอง หมู่ 3 four (its first follow-up still to come).
var demoWeek = map[string]map[int]int{
	"หนองแวง": {1: 0, 2: 0, 3: 0, 4: 0, 5: -9, 6: -9, 7: -8},
	"โนนทอง":  {1: 1, 2: -7, 3: -4, 4: 1, 5: 1, 6: 1},
}

// demoNoShow is how many selected households of a past village no sage
// ever marked present or absent.
var demoNoShow = map[string]map[int]int{"หนองแวง": {7: 1}}

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
		nextMonday := time.Date(2026, 3, 16, 0, 0, 0, 0, demoNow.Location())
		inWeek := map[int]int{}
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
				week := demoWeek[v.Tambon][v.Moo]
				inWeek[week]++
				if want := nextMonday.AddDate(0, 0, 7*week).Format("2006-01-02"); s[0].Date != want {
					t.Errorf("day 1 on %s, want %s (week %d from next Monday)", s[0].Date, want, week)
				}
				trained, _ := flows.TrainedHouseholds(tx, v.ID, demoNow)
				if week >= 0 {
					// Upcoming, as an officer set it up today.
					if s[0].Date <= demoNow.Format("2006-01-02") {
						t.Errorf("day 1 on %s, want after %s", s[0].Date, demoNow.Format("2006-01-02"))
					}
					if len(trained) != 0 {
						t.Errorf("%d trained households before the week, want none", len(trained))
					}
				} else {
					// Past: set up three weeks before the week, and over.
					if end := s[flows.Days-1].EndsAt(demoNow.Location()); !end.Before(demoNow) {
						t.Errorf("day 5 ends %v, want before %v", end, demoNow)
					}
					if setUp := nextMonday.AddDate(0, 0, 7*week-21); !s[0].Updated.Equal(setUp.Add(9*time.Hour)) || !hs[0].Applied.Equal(s[0].Updated) {
						t.Errorf("schedule set %v, first application %v; want both three weeks before the week, %v", s[0].Updated, hs[0].Applied, setUp)
					}
					// Every trained household was marked by a sage of
					// the team on some day; the story's no-show never.
					if want := flows.DefaultCapacity - demoNoShow[v.Tambon][v.Moo]; len(trained) != want {
						t.Errorf("%d trained households, want %d", len(trained), want)
					}
				}
				visit := s[flows.StudyVisit-1]
				if visit.Destination == "" || visit.MeetingPoint == "" || visit.Departure == "" || visit.Bring == "" {
					t.Errorf("study visit %+v: want destination, meeting point, departure and what to bring", visit)
				}
			})
		}
		// Four upcoming villages a week; before them, four weeks that
		// ended in the past with their follow-ups, and one recently.
		if want := map[int]int{0: 4, 1: 4, -4: 1, -7: 1, -8: 1, -9: 2}; !maps.Equal(inWeek, want) {
			t.Errorf("villages by week %v, want %v", inWeek, want)
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

// demoRig is the demo district loaded at now.
func demoRig(t *testing.T, now time.Time) *rig {
	t.Helper()
	return newRig(t, rigOptions(
		withConfig(func(c *flows.Config) { c.Location = now.Location() }),
		withClock(now, 0),
		withSeed(func(r *rig) {
			r.update(func(tx flows.Tx) error {
				_, err := r.eng.SeedDemo(tx, now)
				return err
			})
		})))
}

// demoIndicators are the demo district's indicators at now.
func demoIndicators(r *rig, now time.Time) *flows.Indicators {
	r.t.Helper()
	var ind *flows.Indicators
	r.view(func(tx flows.Tx) error {
		round, err := flows.CurrentRound(tx)
		if err != nil {
			return err
		}
		ind, err = flows.RoundIndicators(tx, round, now)
		return err
	})
	return ind
}

// demoPlace names a village as the demo tests do: "หนองแวง/5".
func demoPlace(tambon string, moo int) string { return fmt.Sprintf("%s/%d", tambon, moo) }

// checkDemoIndicators checks the indicators of the demo district as
// loaded: all 13 villages; real figures for the four whose first
// follow-up was answered, of which หนองแวง หมู่ 5 meets both targets,
// หมู่ 6 is below the 85% of practising households, โนนทอง หมู่ 2 below
// the 3% of income; too few answers yet in หนองแวง หมู่ 7 (and none in
// โนนทอง หมู่ 3, whose first follow-up is still to come); nothing for the
// upcoming villages; two occupation groups, so the district meets that
// target.
func checkDemoIndicators(t *testing.T, ind *flows.Indicators) {
	t.Helper()
	if len(ind.Villages) != 13 || ind.District.Villages != 13 {
		t.Fatalf("%d villages (district %d), want the demo's 13", len(ind.Villages), ind.District.Villages)
	}
	type want struct {
		trained           int
		figures           bool // practising and income figures given
		practising, incom bool // targets met, when figures
		answered          bool // some follow-ups answered (too few when !figures)
		group             bool
	}
	wants := map[string]want{
		demoPlace("หนองแวง", 5): {trained: 20, figures: true, practising: true, incom: true, answered: true, group: true},
		demoPlace("หนองแวง", 6): {trained: 20, figures: true, practising: false, incom: true, answered: true},
		demoPlace("หนองแวง", 7): {trained: 19, answered: true},
		demoPlace("โนนทอง", 2):  {trained: 20, figures: true, practising: true, incom: false, answered: true, group: true},
		demoPlace("โนนทอง", 3):  {trained: 20},
	}
	sum := 0
	for _, v := range ind.Villages {
		place := demoPlace(v.Tambon, v.Moo)
		w := wants[place]
		f := v.Figures
		sum += f.Trained
		if f.Trained != w.trained {
			t.Errorf("%s: %d trained, want %d", place, f.Trained, w.trained)
		}
		if got := f.FollowedUp > 0; got != w.answered {
			t.Errorf("%s: %d of %d followed up, want answers %v", place, f.FollowedUp, f.Trained, w.answered)
		}
		if (v.GroupsFormed > 0) != w.group {
			t.Errorf("%s: %d occupation groups, want one %v", place, v.GroupsFormed, w.group)
		}
		if !w.figures {
			// Too few answers (or none, or nobody trained yet): no
			// percentage, and no ✓ / ✗, only the counts.
			if f.PractisingPct != nil || f.IncomeChangePct != nil || f.MeetsPractisingTarget != nil || f.MeetsIncomeTarget != nil {
				t.Errorf("%s: %+v, want no figures (%d answers of %d trained)", place, f, f.FollowedUp, f.Trained)
			}
			if w.answered && 2*f.FollowedUp >= f.Trained {
				t.Errorf("%s: %d of %d answered, want fewer than half (not enough answers yet)", place, f.FollowedUp, f.Trained)
			}
			continue
		}
		if f.PractisingPct == nil || f.IncomeChangePct == nil || f.MeetsPractisingTarget == nil || f.MeetsIncomeTarget == nil {
			t.Errorf("%s: %+v, want practising and income figures", place, f)
			continue
		}
		if 2*f.FollowedUp < f.Trained || f.FollowedUp == f.Trained {
			t.Errorf("%s: %d of %d followed up, want most but not all (some unanswered)", place, f.FollowedUp, f.Trained)
		}
		if *f.MeetsPractisingTarget != w.practising || *f.MeetsIncomeTarget != w.incom {
			t.Errorf("%s: practising %.1f%% (met %v), income %+.1f%% (met %v); want met %v and %v",
				place, *f.PractisingPct, *f.MeetsPractisingTarget, *f.IncomeChangePct, *f.MeetsIncomeTarget, w.practising, w.incom)
		}
		if *f.IncomeChangePct < -5 || *f.IncomeChangePct > 10 || *f.IncomeBeforeAvg < 2500 || *f.IncomeBeforeAvg > 12000 {
			t.Errorf("%s: income %.0f → %.0f baht a month (%+.1f%%), want a monthly household income a little up or down",
				place, *f.IncomeBeforeAvg, *f.IncomeAfterAvg, *f.IncomeChangePct)
		}
		if f.OccupationIncomeAvg == nil || *f.OccupationIncomeAvg <= 0 || *f.OccupationIncomeAvg >= *f.IncomeAfterAvg {
			t.Errorf("%s: occupation income %v of %.0f, want a part of the income", place, f.OccupationIncomeAvg, *f.IncomeAfterAvg)
		}
	}
	d := ind.District
	if d.Trained != sum || d.PractisingPct == nil || d.IncomeChangePct == nil || d.OccupationIncomeAvg == nil {
		t.Errorf("district %+v, want the villages' %d trained households and real figures", d.Figures, sum)
	}
	if d.VillagesMeetingIncomeTarget != 2 || d.GroupsFormed != 2 || d.VillagesWithGroup != 2 || !d.GroupsTargetMet {
		t.Errorf("district: %d villages meet the income target, %d groups in %d villages (target met %v); want 2, 2 in 2, met",
			d.VillagesMeetingIncomeTarget, d.GroupsFormed, d.VillagesWithGroup, d.GroupsTargetMet)
	}
}

func TestSeedDemoIndicators(t *testing.T) {
	r := newRig(t, demoOpts)
	ind := demoIndicators(r, demoNow)
	checkDemoIndicators(t, ind)

	// The answers behind them: the sages of each village's team (or the
	// officer) answered for its households without LINE, within the week
	// a follow-up waits; practising households mostly earn 3–10% more
	// than at enrolment, some less; those not practising say why; some
	// households never answered, and count as not followed up.
	var up, down, practising int
	r.view(func(tx flows.Tx) error {
		for _, v := range ind.Villages {
			if v.FollowedUp == 0 {
				continue
			}
			place := demoPlace(v.Tambon, v.Moo)
			team := map[string]bool{flows.DemoOfficerID: true}
			members, _ := flows.TeamMembers(tx, v.ID)
			for _, s := range members {
				team[s.UserID] = true
			}
			trained, _ := flows.TrainedHouseholds(tx, v.ID, demoNow)
			var reasons, unanswered int
			for _, h := range trained {
				fs, _ := flows.HouseholdFollowUps(tx, h.ID)
				if len(fs) != 1 || fs[0].N != 1 || fs[0].Asked.IsZero() {
					t.Errorf("%s, %s: follow-ups %+v, want the first one asked", place, h.ID, fs)
					continue
				}
				f := fs[0]
				switch r.eng.FollowUpStatusAt(f, demoNow) {
				case flows.FollowUpNotFollowed:
					unanswered++
					continue
				case flows.FollowUpWaiting:
					t.Errorf("%s, %s: follow-up still waiting at the demo's start, want answered or its week over", place, h.ID)
					continue
				}
				if !team[f.AnsweredBy] || f.Answered.Sub(f.Asked) >= r.eng.FollowUpWindow() || !f.Answered.Before(demoNow.Add(-24*time.Hour)) {
					t.Errorf("%s, %s: answered %v by %s (asked %v), want a team sage or the officer within the week, before yesterday",
						place, h.ID, f.Answered, f.AnsweredBy, f.Asked)
				}
				if f.Practice == flows.PracticeNot {
					if slices.Contains(flows.NotPractisingReasons, f.Reason) {
						reasons++
					}
					continue
				}
				if !h.IncomeKnown || !f.IncomeKnown {
					continue
				}
				practising++
				switch change := float64(f.Income-h.Income) * 100 / float64(h.Income); {
				case change < 0:
					down++
				case change >= 2.5 && change <= 12:
					up++
				}
			}
			if unanswered == 0 || reasons != v.FollowedUp-v.Practising {
				t.Errorf("%s: %d unanswered, %d reasons for %d not practising; want some unanswered and every reason given",
					place, unanswered, reasons, v.FollowedUp-v.Practising)
			}
		}
		return nil
	})
	if 2*up <= practising || down < 3 {
		t.Errorf("of %d practising households with both incomes, %d earn 3–10%% more, %d less; want most more and some less", practising, up, down)
	}
}

// demoFollowUpAt is when the recent village's first follow-up falls due:
// โนนทอง หมู่ 3 trained the week of 16 February 2026 (four weeks before
// the Monday after demoNow), so 30 days after its day 5, Friday the 20th,
// at 10.00: Sunday 22 March, 12 days and an hour after demoNow.
var demoFollowUpAt = time.Date(2026, 3, 22, 10, 0, 0, 0, demoNow.Location())

// planKeys lists the plan's entries as "due key".
func planKeys(r *rig) []string {
	r.t.Helper()
	var out []string
	r.view(func(tx flows.Tx) error {
		return tx.Plan().Each(func(pe flows.PlanEntry) error {
			out = append(out, pe.Due.Format(time.RFC3339)+" "+pe.Key)
			return nil
		})
	})
	return out
}

func TestSeedDemoFollowUpDueWhenTheClockMoves(t *testing.T) {
	r := newRig(t, demoOpts)
	recent := demoVillageIn(r, "โนนทอง", 3)

	// The scheduler rebuilds the plan when it starts: the ledger holds
	// everything of the past, so nothing comes back.
	before := planKeys(r)
	r.update(func(tx flows.Tx) error { return r.eng.Replan(tx, demoNow) })
	if after := planKeys(r); !slices.Equal(before, after) {
		t.Errorf("the plan changed when rebuilt at start:\nbefore %q\nafter  %q", before, after)
	}
	// Nothing is due at the start: no follow-up pushed again, nothing
	// reported skipped, no answers counted as new in the summary.
	if got := r.due(demoNow); len(got) != 0 {
		t.Errorf("due at the demo's start: %v, want nothing", kinds(got))
	}
	r.view(func(tx flows.Tx) error {
		d, err := r.eng.Digest(tx, demoNow.Add(9*time.Hour+30*time.Minute))
		if d.Skipped != 0 || d.FollowUpsAnswered != 0 {
			t.Errorf("the first summary reports %d skipped reminders and %d follow-ups answered, want none", d.Skipped, d.FollowUpsAnswered)
		}
		return err
	})

	// The clock moves on, day by day, as a scheduler would tick: the
	// upcoming villages' reminders, and no follow-up until the recent
	// village's first.
	for at := demoNow; at.Before(demoFollowUpAt); at = at.Add(time.Hour) {
		due := r.due(at)
		for _, rem := range due {
			if rem.Skip || strings.HasPrefix(rem.Kind, flows.RemindFollowUp) {
				t.Errorf("at %v: %s (skip %v), want only the upcoming weeks' reminders", at, rem.Key, rem.Skip)
			}
		}
		r.record(due, at)
	}
	r.view(func(tx flows.Tx) error {
		s, err := flows.GetSchedule(tx, recent.ID)
		if err != nil {
			return err
		}
		day5, _ := time.ParseInLocation("2006-01-02", s[flows.Days-1].Date, demoNow.Location())
		if got := day5.AddDate(0, 0, 30).Add(10 * time.Hour); !got.Equal(demoFollowUpAt) {
			t.Errorf("day 5 of โนนทอง หมู่ 3 is %s: its first follow-up is due %v, want %v", s[flows.Days-1].Date, got, demoFollowUpAt)
		}
		return err
	})
	fu := r.fuDue(demoFollowUpAt)
	if len(fu) != 1 || fu[0].Village != recent.ID || fu[0].Kind != flows.RemindFollowUp || len(fu[0].FollowUps) != flows.DefaultCapacity {
		var got []string
		for _, rem := range fu {
			got = append(got, fmt.Sprintf("%s (%d asked)", rem.Key, len(rem.FollowUps)))
		}
		t.Fatalf("due at %v: %v, want the first follow-up of โนนทอง หมู่ 3's 20 households", demoFollowUpAt, got)
	}
	for _, f := range fu[0].FollowUps {
		if f.Village != recent.ID || f.N != 1 {
			t.Errorf("follow-up %+v, want the first of a household of village %d", f, recent.ID)
		}
	}
	// Its households have no LINE: nothing is pushed, their sages get
	// the list on Monday.
	if len(fu[0].Sends) != 0 || len(fu[0].Then) != 1 || fu[0].Then[0].Kind != flows.RemindFollowUpSages {
		t.Errorf("sends %v, then %v; want no push and the sages' Monday list", fu[0].Sends, fu[0].Then)
	}
	r.record(r.due(demoFollowUpAt), demoFollowUpAt)
	if again := r.fuDue(demoFollowUpAt.Add(time.Hour)); len(again) != 0 {
		t.Errorf("an hour later: %d follow-up reminders, want none (asked once)", len(again))
	}
	// The finished villages' households were asked once, before the
	// demo's start, and not again.
	r.view(func(tx flows.Tx) error {
		return tx.FollowUps().Each(func(ref flows.FollowUpRef, f flows.FollowUp) error {
			if f.Village != recent.ID && (ref.N != 1 || !f.Asked.Before(demoNow)) {
				t.Errorf("follow-up %d of %s asked %v, want only the first, before the demo's start", ref.N, ref.Household, f.Asked)
			}
			return nil
		})
	})
}

// demoVillageIn is the demo's หมู่ moo of ต.tambon.
func demoVillageIn(r *rig, tambon string, moo int) flows.Village {
	r.t.Helper()
	var v flows.Village
	r.view(func(tx flows.Tx) error {
		found, err := flows.FindVillages(tx, moo, tambon)
		if len(found) != 1 {
			r.t.Fatalf("หมู่ %d ต.%s: %d villages", moo, tambon, len(found))
		}
		v = found[0]
		return err
	})
	return v
}

// TestSeedDemoAnyMoment loads the demo at moments across a week, at night
// and at the start of a fiscal year: it loads, every figure comes out as
// the demo intends, and nothing of the past is due at the start or
// comes back when the plan is rebuilt.
func TestSeedDemoAnyMoment(t *testing.T) {
	loc := demoNow.Location()
	moments := []time.Time{
		time.Date(2026, 12, 7, 9, 0, 0, 0, loc),    // Monday morning
		time.Date(2026, 12, 12, 9, 0, 0, 0, loc),   // Saturday
		time.Date(2026, 12, 6, 19, 30, 0, 0, loc),  // Sunday evening, after the reminders' time
		time.Date(2026, 12, 13, 23, 59, 0, 0, loc), // Sunday, in quiet hours
		time.Date(2026, 12, 14, 0, 0, 0, 0, loc),   // Monday, midnight
		time.Date(2026, 10, 1, 8, 0, 0, 0, loc),    // the first day of a fiscal year
	}
	for _, now := range moments {
		t.Run(now.Format("Mon-2006-01-02-15:04"), func(t *testing.T) {
			t.Parallel()
			r := demoRig(t, now)
			checkDemoIndicators(t, demoIndicators(r, now))
			recent := demoVillageIn(r, "โนนทอง", 3)
			past := map[int]bool{recent.ID: true}
			for _, v := range []struct {
				tambon string
				moo    int
			}{{"หนองแวง", 5}, {"หนองแวง", 6}, {"หนองแวง", 7}, {"โนนทอง", 2}} {
				past[demoVillageIn(r, v.tambon, v.moo).ID] = true
			}
			for _, rem := range r.due(now) {
				if rem.Skip || past[rem.Village] || strings.HasPrefix(rem.Kind, flows.RemindFollowUp) {
					t.Errorf("due at the start: %s (skip %v), want at most an upcoming week's reminder", rem.Key, rem.Skip)
				}
			}
			before := planKeys(r)
			r.update(func(tx flows.Tx) error { return r.eng.Replan(tx, now) })
			if after := planKeys(r); !slices.Equal(before, after) {
				t.Errorf("the plan changed when rebuilt at start:\nbefore %q\nafter  %q", before, after)
			}
			var round flows.Round
			r.view(func(tx flows.Tx) error {
				var err error
				round, err = flows.CurrentRound(tx)
				return err
			})
			if round.FiscalYear != flows.FiscalYear(now) {
				t.Errorf("round of fiscal year %d, want the start's %d", round.FiscalYear, flows.FiscalYear(now))
			}
		})
	}
}

// TestSeedDemoDeterministic loads the demo twice at the same moment: the
// same figures and the same follow-ups, answer for answer.
func TestSeedDemoDeterministic(t *testing.T) {
	dump := func() string {
		r := newRig(t, demoOpts)
		var b strings.Builder
		ind, _ := json.Marshal(demoIndicators(r, demoNow))
		b.Write(ind)
		r.view(func(tx flows.Tx) error {
			return tx.FollowUps().Each(func(_ flows.FollowUpRef, f flows.FollowUp) error {
				line, _ := json.Marshal(f)
				b.Write(line)
				return nil
			})
		})
		b.WriteString(strings.Join(planKeys(r), "\n"))
		return b.String()
	}
	if a, b := dump(), dump(); a != b {
		t.Errorf("two loads at the same moment differ:\n%s\n%s", a, b)
	}
}

// TestSeedDemoIndicatorsInChat is the officer persona typing ตัวชี้วัด on
// the simulator's first start: one card, a bar per village trained, with
// the percentages the indicators give, "not enough answers yet" where they
// give none, and for the village trained last month "not time for the
// follow-up yet" with its date; the eight villages not trained yet in one
// row with their weeks; every village named with its ตำบล (the district
// has two).
func TestSeedDemoIndicatorsInChat(t *testing.T) {
	r := newRig(t, demoOpts)
	ind := demoIndicators(r, demoNow)
	out := r.say(flows.DemoOfficerID, "ตัวชี้วัด")
	if len(out.Replies) != 1 || out.Replies[0].Style != flows.StyleBars {
		t.Fatalf("said %v, want the indicators card", replyKeys(out))
	}
	checkRenders(t, locales.Thai, out.Replies)
	card := out.Replies[0]
	th := func(m flows.Msg) string { return catalog.MustText(locales.Thai, m.Key, m.Args) }
	bars := map[string]flows.Bar{}
	for _, b := range card.Bars {
		bars[th(b.Label)] = b
	}
	trained := 0
	for _, v := range ind.Villages {
		name := fmt.Sprintf("หมู่ %d %s ต.%s", v.Moo, v.Name, v.Tambon)
		b, barred := bars[name]
		if v.Trained == 0 {
			if barred {
				t.Errorf("%s, not trained yet, has a bar %+v", name, b)
			}
			continue
		}
		trained++
		if !barred {
			t.Errorf("%s has no bar among %v", name, slices.Sorted(maps.Keys(bars)))
			continue
		}
		detail := th(*b.Detail)
		switch {
		case v.PractisingPct != nil:
			if !b.Known || b.Percent != *v.PractisingPct || !strings.HasPrefix(detail, fmt.Sprintf("ยังทำอาชีพ %d/%d ", v.Practising, v.FollowedUp)) {
				t.Errorf("%s: bar %+v %q, want %.1f%%", name, b, detail, *v.PractisingPct)
			}
		case v.Tambon == "โนนทอง" && v.Moo == 3:
			// Trained the week of 16 February: its first follow-up is
			// on Sunday 22 March (demoFollowUpAt), none asked yet.
			if b.Known || detail != "ยังไม่ถึงรอบติดตามผล · ครั้งแรก อา. 22 มี.ค. 69" {
				t.Errorf("%s: bar %+v %q, want its first follow-up's date", name, b, detail)
			}
		default:
			if b.Known || detail != fmt.Sprintf("ยังมีคำตอบไม่พอ · ตอบแล้ว %d จาก %d ครัวเรือน", v.FollowedUp, v.Trained) {
				t.Errorf("%s: bar %+v %q, want not enough answers yet", name, b, detail)
			}
		}
	}
	if len(card.Bars) != trained || trained != 5 {
		t.Errorf("%d bars, want the 5 villages trained", len(card.Bars))
	}
	text := otRender(out)
	d := ind.District
	for _, want := range []string{
		"ณ อ. 10 มี.ค. 2569 · แถบสีคือร้อยละครัวเรือนที่ยังทำอาชีพ เส้นดำคือเป้า 85% · ✓/✗ รายได้เทียบเป้า +3%\n",
		fmt.Sprintf("\nอบรมครบ: %d ครัวเรือน\n", d.Trained),
		fmt.Sprintf("\nติดตามได้: %d จาก %d ครัวเรือน\n", d.FollowedUp, d.Trained),
		fmt.Sprintf("\nยังทำอาชีพ: %d จาก %d ครัวเรือน", d.Practising, d.FollowedUp),
		fmt.Sprintf("\nรายได้เฉลี่ยของครัวเรือนที่ยังทำอาชีพ (จาก %d ครัวเรือน): %s → ", d.IncomeCounted, locales.FormatNumber(int64(*d.IncomeBeforeAvg))),
		"\nกลุ่มอาชีพ: 2 กลุ่ม ใน 2 จาก 13 หมู่บ้าน ✓",
		// The weeks of the Monday after demoNow, and the one after.
		"\nยังไม่ได้อบรม 8 หมู่บ้าน: หมู่ 1, 2, 3, 4 ต.หนองแวง · อบรม 16–20 มี.ค.; หมู่ 1, 4, 5, 6 ต.โนนทอง · อบรม 23–27 มี.ค.\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
}
