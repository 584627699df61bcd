package flows_test

import (
	"slices"
	"testing"
	"time"

	"github.com/sammachip/sammachip/flows"
)

// rmBangkok is the programme's zone; rmSeedAt is a Wednesday, so the demo
// district's village 1 trains Monday 30 November to Friday 4 December.
var (
	rmBangkok = time.FixedZone("ICT", 7*3600)
	rmSeedAt  = time.Date(2026, 11, 25, 10, 0, 0, 0, rmBangkok)
	rmDay1    = time.Date(2026, 11, 30, 9, 30, 0, 0, rmBangkok)
)

// rmOpts set the rig up as the demo district, seeded at rmSeedAt.
var rmOpts = rigOptions(
	withConfig(func(c *flows.Config) { c.Location = rmBangkok }),
	withClock(rmSeedAt, 0),
	withSeed(func(r *rig) {
		r.update(func(tx flows.Tx) error {
			_, err := r.eng.SeedDemo(tx, rmSeedAt)
			return err
		})
	}))

// tapAt is user tapping data at at.
func (r *rig) tapAt(user, data string, at time.Time) flows.Outcome {
	r.t.Helper()
	r.now = at
	return r.tap(user, data)
}

// role is user's role.
func (r *rig) role(user string) flows.Role {
	r.t.Helper()
	var role flows.Role
	r.view(func(tx flows.Tx) error {
		var err error
		role, err = flows.RoleOf(tx, user)
		return err
	})
	return role
}

// setStatus gives the household of user status st.
func (r *rig) setStatus(user string, st flows.HouseholdStatus) {
	r.t.Helper()
	h := r.householdOf(user)
	h.Status = st
	r.update(func(tx flows.Tx) error { return tx.Households().Put(h.ID, h) })
}

// rmKeys lists the text keys of an outcome's replies (not the titles).
func rmKeys(out flows.Outcome) []string {
	var keys []string
	for _, r := range out.Replies {
		keys = append(keys, r.Text.Key)
	}
	return keys
}

func TestRoleOf(t *testing.T) {
	pendingSage := func(r *rig) string {
		var id string
		_ = r.db.View(func(tx flows.Tx) error {
			ps, err := flows.PendingSages(tx)
			if len(ps) > 0 {
				id = ps[0].UserID
			}
			return err
		})
		if id == "" {
			t.Fatal("the demo has no pending sage")
		}
		return id
	}
	tests := []struct {
		name  string
		setup func(r *rig) string // returns the user to ask about
		want  flows.Role
		menu  flows.MenuName
	}{
		{"officer", func(*rig) string { return flows.DemoOfficerID }, flows.RoleOfficer, flows.MenuOfficer},
		{"lead sage", func(*rig) string { return flows.DemoLeadSageID }, flows.RoleSage, flows.MenuSage},
		{"team sage", func(*rig) string { return flows.DemoTeamSageID }, flows.RoleSage, flows.MenuSage},
		{"sage waiting for approval", pendingSage, flows.RoleVillager, flows.MenuVillager},
		{"selected household", func(*rig) string { return flows.DemoHousehold1ID }, flows.RoleHousehold, flows.MenuHousehold},
		{"applicant household", func(r *rig) string {
			r.setStatus(flows.DemoHousehold2ID, flows.StatusApplicant)
			return flows.DemoHousehold2ID
		}, flows.RoleHousehold, flows.MenuHousehold},
		{"withdrawn household", func(r *rig) string {
			r.setStatus(flows.DemoHousehold2ID, flows.StatusWithdrawn)
			return flows.DemoHousehold2ID
		}, flows.RoleVillager, flows.MenuVillager},
		{"villager", func(*rig) string { return flows.DemoVillagerID }, flows.RoleVillager, flows.MenuVillager},
		{"nobody", func(*rig) string { return "" }, flows.RoleVillager, flows.MenuVillager},
		{"officer who is a sage", func(r *rig) string {
			r.update(func(tx flows.Tx) error {
				u, _, err := tx.Users().Get(flows.DemoLeadSageID)
				if err != nil {
					return err
				}
				u.ID, u.Officer = flows.DemoLeadSageID, true
				return tx.Users().Put(u.ID, u)
			})
			return flows.DemoLeadSageID
		}, flows.RoleOfficer, flows.MenuOfficer},
		{"household head who is an approved sage", func(r *rig) string {
			r.putSage(flows.Sage{ID: 9999, UserID: flows.DemoHousehold1ID, Moo: 1, Status: flows.SageApproved})
			return flows.DemoHousehold1ID
		}, flows.RoleSage, flows.MenuSage},
	}
	// The cases share one district, in order: each change touches only
	// the user it asks about, and no later case asks about that user.
	r := newRig(t, rmOpts)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user := tt.setup(r)
			got := r.role(user)
			if got != tt.want {
				t.Errorf("RoleOf = %q, want %q", got, tt.want)
			}
			if got.Menu() != tt.menu {
				t.Errorf("Menu() = %q, want %q", got.Menu(), tt.menu)
			}
		})
	}
}

func TestRoleChangeCandidates(t *testing.T) {
	tests := []struct {
		name string
		in   flows.Input
		out  flows.Outcome
		want []string
	}{
		{"the sender", flows.Input{UserID: "Ua"}, flows.Outcome{}, []string{"Ua"}},
		{"the sender and whom it pushed to, once each",
			flows.Input{UserID: "Ua"},
			flows.Outcome{Pushes: []flows.Push{{To: "Ub"}, {To: "Ua"}, {To: "Ub"}, {To: "Uc"}}},
			[]string{"Ua", "Ub", "Uc"}},
		{"not the group the input came from",
			flows.Input{UserID: "Ua", GroupID: "Cg"},
			flows.Outcome{Pushes: []flows.Push{{To: "Cg"}, {To: "Ub"}}},
			[]string{"Ua", "Ub"}},
		{"a group member who has not agreed to LINE's terms",
			flows.Input{GroupID: "Cg"}, flows.Outcome{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := flows.RoleChangeCandidates(tt.in, tt.out)
			if !slices.Equal(got, tt.want) {
				t.Errorf("RoleChangeCandidates = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHereFromMenu checks I am here from the rich menu, which knows no
// day: it finds today's, and records presence as the day card does.
func TestHereFromMenu(t *testing.T) {
	here := flows.ItemHere.Data()
	tests := []struct {
		name     string
		setup    func(r *rig)
		user     string
		at       time.Time
		want     []string
		card     bool // a day card follows
		recorded bool // presence on day 1 is recorded afterwards
	}{
		{"before the first day: the next day's card", nil, flows.DemoHousehold2ID, rmSeedAt,
			[]string{"richmenu.here.not_today", ""}, true, false},
		{"after the last day", nil, flows.DemoHousehold2ID, rmDay1.AddDate(0, 0, 10),
			[]string{"richmenu.here.no_day"}, false, false},
		{"on a training day", nil, flows.DemoHousehold1ID, rmDay1,
			[]string{"attendance.done.here"}, false, true},
		{"a villager with no household", nil, flows.DemoVillagerID, rmDay1,
			[]string{"richmenu.here.no_household"}, false, false},
		{"a household not selected", func(r *rig) { r.setStatus(flows.DemoHousehold2ID, flows.StatusWaitlisted) },
			flows.DemoHousehold2ID, rmDay1, []string{"attendance.err.not_selected"}, false, false},
		{"a household that withdrew", func(r *rig) { r.setStatus(flows.DemoHousehold2ID, flows.StatusWithdrawn) },
			flows.DemoHousehold2ID, rmDay1, []string{"richmenu.here.no_household"}, false, false},
	}
	// The cases share one district, in order: only the training-day case
	// records presence, for a household no other case taps for.
	r := newRig(t, rmOpts)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(r)
			}
			out := r.tapAt(tt.user, here, tt.at)
			got := rmKeys(out)
			if tt.card {
				if len(out.Replies) != 2 || out.Replies[1].Style != flows.StyleCard {
					t.Fatalf("replies %q, want a text and a day card", got)
				}
				got[1] = ""
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("replies %q, want %q", got, tt.want)
			}
			if tt.user == flows.DemoVillagerID {
				return
			}
			h := r.householdOf(tt.user)
			var a flows.Attendance
			_ = r.db.View(func(tx flows.Tx) error {
				var err error
				a, err = flows.GetAttendance(tx, h.Village, 1, h.ID)
				return err
			})
			if got := a.Presence == flows.PresenceHere; got != tt.recorded {
				t.Errorf("presence recorded = %v, want %v", got, tt.recorded)
			}
			if tt.recorded {
				again := rmKeys(r.tapAt(tt.user, here, tt.at.Add(time.Minute)))
				if !slices.Equal(again, []string{"attendance.already.here"}) {
					t.Errorf("second tap: replies %q, want [attendance.already.here]", again)
				}
			}
		})
	}
}

func TestMenuItemDataFitsAPostback(t *testing.T) {
	for _, item := range flows.MenuItems() {
		if n := len(item.Data()); n > 300 {
			t.Errorf("%s: postback data %d bytes, want at most 300", item, n)
		}
	}
}
