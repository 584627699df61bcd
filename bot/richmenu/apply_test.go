package richmenu_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/bot/richmenu"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
	"github.com/sammachip/sammachip/storage"
)

var (
	bangkok = time.FixedZone("ICT", 7*3600)
	// seedAt is a Wednesday: the demo's village 1 trains from Monday 30
	// November 2026.
	seedAt = time.Date(2026, 11, 25, 10, 0, 0, 0, bangkok)
	cat    = locales.MustLoad()
)

// rig is the demo district in a real database, a strict fake LINE behind
// a proxy that notes every call in order, and a Manager between them.
type rig struct {
	t    *testing.T
	db   *storage.DB
	eng  *flows.Engine
	fake *linefake.Server
	rm   *richmenu.Manager
	now  time.Time

	mu    sync.Mutex
	calls []string // "METHOD /path" as LINE received them
	fail  int      // the next this many calls get a 500
}

func newRig(t *testing.T) *rig {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "rm.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	r := &rig{t: t, db: db, eng: flows.NewEngine(flows.Config{Location: bangkok, Catalog: cat}), now: seedAt}
	if err := db.Update(func(tx flows.Tx) error {
		_, err := r.eng.SeedDemo(tx, seedAt)
		return err
	}); err != nil {
		t.Fatalf("SeedDemo: %v", err)
	}
	r.fake = linefake.New(linefake.WithAccessToken("rm-token"))
	r.fake.Start()
	t.Cleanup(r.fake.Close)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.calls = append(r.calls, req.Method+" "+req.URL.Path)
		fail := r.fail > 0
		if fail {
			r.fail--
		}
		r.mu.Unlock()
		if fail {
			http.Error(w, `{"message":"An error occurred in the backend"}`, http.StatusInternalServerError)
			return
		}
		r.fake.ServeHTTP(w, req)
	}))
	t.Cleanup(proxy.Close)
	cl, err := richmenu.NewClient("rm-token", proxy.URL, proxy.URL, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r.rm = richmenu.NewManager(richmenu.Config{Client: cl, Store: db, Catalog: cat, Now: func() time.Time { return r.now }})
	t.Cleanup(func() {
		for _, rej := range r.fake.Rejected() {
			if !strings.HasPrefix(rej.Reason, "injected") {
				t.Errorf("LINE would have rejected: %s\n%s", rej, rej.Body)
			}
		}
	})
	return r
}

func (r *rig) apply() richmenu.Report {
	r.t.Helper()
	rep, err := r.rm.Apply(context.Background())
	if err != nil {
		r.t.Fatalf("Apply: %v", err)
	}
	return rep
}

// handle feeds one input to the engine and tells the Manager, as the
// bot's worker does after committing.
func (r *rig) handle(in flows.Input) flows.Outcome {
	r.t.Helper()
	r.now = r.now.Add(time.Minute)
	in.At = r.now
	var out flows.Outcome
	if err := r.db.Update(func(tx flows.Tx) error {
		var err error
		out, err = r.eng.Handle(tx, in)
		return err
	}); err != nil {
		r.t.Fatalf("Handle: %v", err)
	}
	r.rm.Notice(in, out)
	return out
}

func (r *rig) say(user, text string) flows.Outcome {
	return r.handle(flows.Input{Kind: flows.InputText, UserID: user, Text: text})
}

func (r *rig) tap(user, data string) flows.Outcome {
	return r.handle(flows.Input{Kind: flows.InputPostback, UserID: user, Data: data})
}

func (r *rig) syncPending() richmenu.SyncResult {
	r.t.Helper()
	res, err := r.rm.SyncPending(context.Background())
	if err != nil {
		r.t.Fatalf("SyncPending: %v", err)
	}
	return res
}

// menuOf is the menu LINE shows user, by our name for it ("" for none).
func (r *rig) menuOf(rep richmenu.Report, user string) flows.MenuName {
	id := r.fake.RichMenuOf(user)
	for name, mid := range rep.Menus {
		if mid == id {
			return name
		}
	}
	return ""
}

// roles gives every user of the district the menu their role should see.
func (r *rig) roles() map[string]flows.MenuName {
	r.t.Helper()
	out := map[string]flows.MenuName{}
	if err := r.db.View(func(tx flows.Tx) error {
		var ids []string
		if err := tx.Users().Each(func(id string, _ flows.User) error {
			ids = append(ids, id)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Sages().Each(func(id string, _ flows.Sage) error {
			ids = append(ids, id)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.Households().Each(func(_ string, hh flows.Household) error {
			if hh.UserID != "" {
				ids = append(ids, hh.UserID)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, id := range ids {
			role, err := flows.RoleOf(tx, id)
			if err != nil {
				return err
			}
			out[id] = role.Menu()
		}
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
	return out
}

func (r *rig) callLog() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// TestApplyPassesTheStrictFake applies the menus to a district in progress:
// the role menus with their images, their aliases, the villagers' as the
// default, and every officer, sage and household linked to their own.
func TestApplyPassesTheStrictFake(t *testing.T) {
	r := newRig(t)
	rep := r.apply()

	if got := r.fake.RichMenuIDs(); len(got) != len(richmenu.Menus()) {
		t.Fatalf("LINE has %d rich menus, want %d", len(got), len(richmenu.Menus()))
	}
	for _, m := range richmenu.Menus() {
		id := rep.Menus[m.Name]
		if id == "" {
			t.Fatalf("%s: no menu in the report", m.Name)
		}
		data, typ, ok := r.fake.RichMenuImage(id)
		if !ok || typ != "image/png" {
			t.Errorf("%s: image %v of type %q, want a PNG", m.Name, ok, typ)
		} else if img, err := png.Decode(bytes.NewReader(data)); err != nil || img.Bounds().Dx() != richmenu.Width || img.Bounds().Dy() != richmenu.Height {
			t.Errorf("%s: uploaded image does not decode to %dx%d (%v)", m.Name, richmenu.Width, richmenu.Height, err)
		}
		if got := r.fake.RichMenuAlias(m.Alias()); got != id {
			t.Errorf("alias %s points at %q, want %q", m.Alias(), got, id)
		}
	}
	if got := r.fake.DefaultRichMenu(); got != rep.Menus[flows.MenuVillager] {
		t.Errorf("default menu %q, want the villagers' %q", got, rep.Menus[flows.MenuVillager])
	}
	uploads := 0
	for _, c := range r.callLog() {
		if strings.HasSuffix(c, "/content") && strings.HasPrefix(c, "POST ") {
			uploads++
		}
	}
	if uploads != len(richmenu.Menus()) {
		t.Errorf("%d image uploads, want one per menu", uploads)
	}

	linked := 0
	for user, want := range r.roles() {
		if got := r.menuOf(rep, user); got != want {
			t.Errorf("user %s sees the %q menu, want %q", user, got, want)
		}
		if linked := r.fake.LinkedRichMenu(user); (linked != "") != (want != flows.MenuVillager) {
			t.Errorf("user %s linked to %q: only officers, sages and households are linked, villagers see the default", user, linked)
		}
		if want != flows.MenuVillager {
			linked++
		}
	}
	if rep.Sync.Linked != linked || linked < 20 {
		t.Errorf("report says %d linked, the district has %d officers, sages and households", rep.Sync.Linked, linked)
	}
	for _, c := range []struct {
		user string
		want flows.MenuName
	}{
		{flows.DemoOfficerID, flows.MenuOfficer},
		{flows.DemoLeadSageID, flows.MenuSage},
		{flows.DemoTeamSageID, flows.MenuSage},
		{flows.DemoHousehold1ID, flows.MenuHousehold},
		{flows.DemoVillagerID, flows.MenuVillager},
	} {
		if got := r.menuOf(rep, c.user); got != c.want {
			t.Errorf("%s sees %q, want %q", c.user, got, c.want)
		}
	}
}

// TestReapplyReplacesCleanly applies twice: the second set replaces the
// first (aliases, default, every link) before the first is deleted, and a
// menu some other tool made is left alone.
func TestReapplyReplacesCleanly(t *testing.T) {
	r := newRig(t)
	first := r.apply()

	// Another tool's menu, with its image.
	api, err := messaging_api.NewMessagingApiAPI("rm-token", messaging_api.WithEndpoint(r.fake.Start()))
	if err != nil {
		t.Fatal(err)
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI("rm-token", messaging_api.WithBlobEndpoint(r.fake.Start()))
	if err != nil {
		t.Fatal(err)
	}
	other, err := api.CreateRichMenu(&messaging_api.RichMenuRequest{
		Size: &messaging_api.RichMenuSize{Width: 2500, Height: 1686}, Name: "campaign", ChatBarText: "x",
		Areas: []messaging_api.RichMenuArea{{Bounds: &messaging_api.RichMenuBounds{Width: 2500, Height: 1686}, Action: &messaging_api.PostbackAction{Data: "x"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	img, _ := richmenu.Menus()[0].Image(cat)
	if _, err := blob.SetRichMenuImage(other.RichMenuId, "image/png", bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}

	r.mu.Lock()
	r.calls = nil
	r.mu.Unlock()
	second := r.apply()

	for name, id := range second.Menus {
		if id == first.Menus[name] {
			t.Errorf("%s: the same menu id twice: not replaced", name)
		}
	}
	got := r.fake.RichMenuIDs()
	want := []string{other.RichMenuId}
	for _, m := range richmenu.Menus() {
		want = append(want, second.Menus[m.Name])
	}
	if !slices.Equal(got, want) {
		t.Errorf("LINE has menus %q, want the other tool's and the new ones %q", got, want)
	}
	if second.Deleted != len(richmenu.Menus()) {
		t.Errorf("report says %d old menus deleted, want %d", second.Deleted, len(richmenu.Menus()))
	}
	for _, m := range richmenu.Menus() {
		if got := r.fake.RichMenuAlias(m.Alias()); got != second.Menus[m.Name] {
			t.Errorf("alias %s points at %q, want the new %q", m.Alias(), got, second.Menus[m.Name])
		}
	}
	if got := r.fake.DefaultRichMenu(); got != second.Menus[flows.MenuVillager] {
		t.Errorf("default %q, want the new villagers' menu", got)
	}
	for user, want := range r.roles() {
		if got := r.menuOf(second, user); got != want {
			t.Errorf("after re-applying, %s sees %q, want %q", user, got, want)
		}
	}

	// Order: everything new is in use before anything old goes.
	calls := r.callLog()
	lastUse, firstDelete := -1, len(calls)
	for i, c := range calls {
		switch {
		case strings.HasPrefix(c, "POST /v2/bot/user/"), strings.HasPrefix(c, "POST /v2/bot/richmenu/alias"):
			lastUse = i
		case strings.HasPrefix(c, "DELETE /v2/bot/richmenu/") && !strings.Contains(c, "/alias/"):
			firstDelete = min(firstDelete, i)
		}
	}
	if lastUse < 0 || lastUse > firstDelete {
		t.Errorf("calls %q: want the new menus linked (aliases, default, users) before the old ones are deleted", calls)
	}
}

// TestRoleChangeSwitchesTheMenu follows users whose role changes after the
// menus were applied: the Manager hears of the event as the bot's worker
// tells it, and links (or unlinks) their menu.
func TestRoleChangeSwitchesTheMenu(t *testing.T) {
	r := newRig(t)
	rep := r.apply()

	// A villager redeems an officer code.
	var code string
	if err := r.db.Update(func(tx flows.Tx) error {
		oc, err := r.eng.IssueOfficerCode(tx, r.now, flows.CodeByCLI)
		code = oc.Code
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r.handle(flows.Input{Kind: flows.InputFollow, UserID: flows.DemoVillagerID})
	r.syncPending()
	if got := r.fake.LinkedRichMenu(flows.DemoVillagerID); got != "" {
		t.Fatalf("a villager who just followed is linked to %q, want the default", got)
	}
	r.say(flows.DemoVillagerID, code)
	if res := r.syncPending(); res.Linked != 1 {
		t.Errorf("after the officer code: %+v, want one user linked", res)
	}
	if got := r.menuOf(rep, flows.DemoVillagerID); got != flows.MenuOfficer {
		t.Errorf("after redeeming an officer code the user sees %q, want the officer's menu", got)
	}

	// An officer approves a sage waiting in the registry: the sage, who
	// is not the one who tapped, gets the sage menu.
	var pending flows.Sage
	if err := r.db.View(func(tx flows.Tx) error {
		ps, err := flows.PendingSages(tx)
		if len(ps) > 0 {
			pending = ps[0]
		}
		return err
	}); err != nil || pending.UserID == "" {
		t.Fatalf("no pending sage in the demo (%v)", err)
	}
	if got := r.menuOf(rep, pending.UserID); got != flows.MenuVillager {
		t.Fatalf("a pending sage sees %q before approval, want the villagers'", got)
	}
	r.tap(flows.DemoOfficerID, "a=sage.decide&id="+strconv.FormatUint(pending.ID, 10)+"&v=approve")
	r.syncPending()
	if got := r.menuOf(rep, pending.UserID); got != flows.MenuSage {
		t.Errorf("an approved sage sees %q, want the sage menu", got)
	}

	// A sage deletes their data: no sage any more, back to the default.
	r.tap(flows.DemoTeamSageID, "a=mydata.delete&ok=1")
	r.syncPending()
	if got := r.fake.LinkedRichMenu(flows.DemoTeamSageID); got != "" {
		t.Errorf("after deleting their data the sage is still linked to %q", got)
	}
	if got := r.menuOf(rep, flows.DemoTeamSageID); got != flows.MenuVillager {
		t.Errorf("after deleting their data the user sees %q, want the villagers'", got)
	}

	// Nothing else changed: a second pass makes no call.
	before := len(r.callLog())
	if res, err := r.rm.SyncAll(context.Background()); err != nil || res.Linked != 0 || res.Failed != 0 {
		t.Errorf("a sweep after the changes: %+v, %v; want nothing to do", res, err)
	}
	if after := len(r.callLog()); after != before {
		t.Errorf("a sweep with nothing to do made %d calls to LINE", after-before)
	}
}

// TestFailedLinkIsRetried: LINE failing a link does not lose it; the next
// pass links the user.
func TestFailedLinkIsRetried(t *testing.T) {
	r := newRig(t)
	rep := r.apply()
	var code string
	if err := r.db.Update(func(tx flows.Tx) error {
		oc, err := r.eng.IssueOfficerCode(tx, r.now, flows.CodeByCLI)
		code = oc.Code
		return err
	}); err != nil {
		t.Fatal(err)
	}
	r.say(flows.DemoHousehold1ID, code)

	r.mu.Lock()
	r.fail = 1
	r.mu.Unlock()
	if res := r.syncPending(); res.Failed != 1 || res.Linked != 0 {
		t.Errorf("with LINE failing: %+v, want one failure", res)
	}
	if got := r.menuOf(rep, flows.DemoHousehold1ID); got != flows.MenuHousehold {
		t.Errorf("with LINE failing the user sees %q, want still the households'", got)
	}
	if n := r.rm.Pending(); n != 1 {
		t.Errorf("%d users waiting for a retry, want 1", n)
	}
	if res := r.syncPending(); res.Linked != 1 {
		t.Errorf("retry: %+v, want one user linked", res)
	}
	if got := r.menuOf(rep, flows.DemoHousehold1ID); got != flows.MenuOfficer {
		t.Errorf("after the retry the user sees %q, want the officer's", got)
	}
}

// TestNothingLinkedBeforeApply: without menus applied, role changes make
// no calls to LINE.
func TestNothingLinkedBeforeApply(t *testing.T) {
	r := newRig(t)
	r.handle(flows.Input{Kind: flows.InputFollow, UserID: flows.DemoLeadSageID})
	if res, err := r.rm.SyncAll(context.Background()); err != nil || res != (richmenu.SyncResult{}) {
		t.Errorf("SyncAll before apply: %+v, %v; want nothing", res, err)
	}
	r.syncPending()
	if calls := r.callLog(); len(calls) != 0 {
		t.Errorf("calls to LINE before any apply: %q", calls)
	}
}

// TestNoticeNeverBlocks: the worker calls Notice after every event; with
// nobody draining the queue (LINE down, the loop busy) it still returns at
// once, and each user waits once however many events named them.
func TestNoticeNeverBlocks(t *testing.T) {
	rm := richmenu.NewManager(richmenu.Config{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 10000 {
			rm.Notice(flows.Input{UserID: "U" + strconv.Itoa(i%50)}, flows.Outcome{Pushes: []flows.Push{{To: "Ushared"}}})
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Notice blocked")
	}
	if n := rm.Pending(); n != 51 {
		t.Errorf("%d users waiting, want 51", n)
	}
}
