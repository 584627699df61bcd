package richmenu_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/sammachip/sammachip/bot/richmenu"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// fallThrough are the answers that mean a tap reached no flow: the
// generic "what would you like to do" menu, a stale or unknown button, a
// feature not built yet.
var fallThrough = []string{"core.menu.prompt", "conv.stale_button", "core.not_ready", "core.unknown_command", "conv.hint.tap_button"}

// TestEveryAreaReachesItsFlow taps every area of every menu, as a user of
// the role that menu is for, on a training day of the demo district, and
// checks that the engine answers with the flow the cell names rather than
// falling through. The taps of one user run in order, so later taps also
// show that a tap leaves a form an earlier one started.
func TestEveryAreaReachesItsFlow(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "areas.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	eng := flows.NewEngine(flows.Config{Location: bangkok, Catalog: cat})
	if err := db.Update(func(tx flows.Tx) error {
		_, err := eng.SeedDemo(tx, seedAt)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 9, 30, 0, 0, bangkok) // village 1, day 1

	// Who taps each menu.
	users := map[flows.MenuName][]string{
		flows.MenuVillager:  {flows.DemoVillagerID},
		flows.MenuHousehold: {flows.DemoHousehold1ID},
		flows.MenuSage:      {flows.DemoLeadSageID, flows.DemoTeamSageID},
		flows.MenuOfficer:   {flows.DemoOfficerID},
	}
	persona := map[string]string{
		flows.DemoVillagerID: "villager", flows.DemoHousehold1ID: "household",
		flows.DemoLeadSageID: "lead sage", flows.DemoTeamSageID: "team sage", flows.DemoOfficerID: "officer",
	}
	// What a few taps must say, beyond not falling through.
	want := map[string]string{
		string(flows.ItemHere) + "/" + flows.DemoHousehold1ID: "attendance.done.here",
		string(flows.ItemHere) + "/" + flows.DemoVillagerID:   "richmenu.here.no_household",
	}
	for _, m := range richmenu.Menus() {
		req, err := m.Request(cat)
		if err != nil {
			t.Fatal(err)
		}
		for _, user := range users[m.Name] {
			var role flows.Role
			_ = db.View(func(tx flows.Tx) (err error) { role, err = flows.RoleOf(tx, user); return })
			if role.Menu() != m.Name {
				t.Fatalf("%s is a %s, not a user of the %s menu", user, role, m.Name)
			}
			for i, area := range req.Areas {
				item := m.Items[i]
				t.Run(string(m.Name)+"/"+persona[user]+"/"+string(item), func(t *testing.T) {
					pb, ok := area.Action.(*messaging_api.PostbackAction)
					if !ok {
						t.Fatalf("action %T, want a postback", area.Action)
					}
					label := cat.MustText("th", richmenu.LabelKey(item), nil)
					if pb.DisplayText != label || pb.Label != label {
						t.Errorf("label %q, display text %q, want the cell's label %q for both", pb.Label, pb.DisplayText, label)
					}
					at = at.Add(time.Minute)
					var out flows.Outcome
					if err := db.Update(func(tx flows.Tx) error {
						var err error
						out, err = eng.Handle(tx, flows.Input{Kind: flows.InputPostback, UserID: user, Data: pb.Data, At: at})
						return err
					}); err != nil {
						t.Fatalf("Handle: %v", err)
					}
					if len(out.Replies) == 0 {
						t.Fatal("no answer")
					}
					first := out.Replies[0].Text.Key
					if slices.Contains(fallThrough, first) {
						t.Errorf("answer %q: the tap fell through", first)
					}
					if w, ok := want[string(item)+"/"+user]; ok && first != w {
						t.Errorf("answer %q, want %q", first, w)
					}
				})
			}
		}
	}
}
