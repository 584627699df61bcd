package richmenu

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// Records in the RichMenus store (flows.Tx.RichMenus).
const (
	keyApplied  = "applied" // Applied
	prefixLinks = "user/"   // + LINE user id → Link
)

// Applied is what the last `richmenu apply` set up at LINE.
type Applied struct {
	// Menus are the LINE rich menu ids by menu name.
	Menus map[flows.MenuName]string `json:"menus"`
	At    time.Time                 `json:"at"`
}

// Link is the menu a user was last linked to. ID "" means none: the
// user sees the default (villagers') menu.
type Link struct {
	Menu flows.MenuName `json:"menu"`
	ID   string         `json:"id,omitempty"`
	At   time.Time      `json:"at"`
}

// Config configures a Manager.
type Config struct {
	Client  *Client
	Store   flows.Store
	Catalog *locales.Catalog
	// Now is the programme clock (records' times).
	Now func() time.Time
	Log *slog.Logger
	// RetryEvery is how often users whose link failed are tried again
	// (default 1 minute); SweepEvery how often every user is checked, to
	// catch role changes no event pointed at (default 15 minutes).
	RetryEvery time.Duration
	SweepEvery time.Duration
	// OnFailure, when set, is called once for each switch of a user's menu
	// that failed (the bot counts them in /metrics).
	OnFailure func()
}

// Manager applies the rich menus and keeps every user linked to their
// role's menu. Linking is best effort and never holds up the bot: Notice
// only queues; the calls to LINE happen on the Manager's own goroutine,
// and what fails is tried again later. All methods are safe for
// concurrent use.
type Manager struct {
	cfg Config
	// images draws the menus once: they depend on the catalog only.
	images func() (map[flows.MenuName][]byte, error)

	applyMu sync.Mutex // one apply at a time
	syncMu  sync.Mutex // one pass of linking at a time

	mu      sync.Mutex
	pending map[string]bool // users to check on the next pass
	wake    chan struct{}

	cancel context.CancelFunc
	done   chan struct{}
}

// NewManager returns a Manager; Start runs its loop.
func NewManager(cfg Config) *Manager {
	if cfg.RetryEvery <= 0 {
		cfg.RetryEvery = time.Minute
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = 15 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := &Manager{cfg: cfg, pending: map[string]bool{}, wake: make(chan struct{}, 1)}
	m.images = sync.OnceValues(func() (map[flows.MenuName][]byte, error) {
		out := map[flows.MenuName][]byte{}
		for _, mn := range Menus() {
			png, err := mn.Image(cfg.Catalog)
			if err != nil {
				return nil, err
			}
			out[mn.Name] = png
		}
		return out, nil
	})
	return m
}

// Notice is the bot's hook after an event is committed: the users whose
// role the event may have changed are checked on the next pass. It never
// blocks.
func (m *Manager) Notice(in flows.Input, out flows.Outcome) {
	ids := flows.RoleChangeCandidates(in, out)
	if len(ids) == 0 {
		return
	}
	m.mu.Lock()
	for _, id := range ids {
		m.pending[id] = true
	}
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Pending reports how many users wait to be checked.
func (m *Manager) Pending() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pending)
}

// Start runs the loop: noticed users at once, failed ones again every
// RetryEvery, everyone at start and every SweepEvery.
func (m *Manager) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.done = cancel, make(chan struct{})
	go func() {
		defer close(m.done)
		m.loop(ctx)
	}()
}

// Stop ends the loop after the pass in progress.
func (m *Manager) Stop() {
	if m.cancel == nil {
		return
	}
	m.cancel()
	<-m.done
	m.cancel = nil
}

func (m *Manager) loop(ctx context.Context) {
	retry := time.NewTicker(m.cfg.RetryEvery)
	defer retry.Stop()
	var swept time.Time // monotonic: when the last sweep ran
	for {
		if swept.IsZero() || time.Since(swept) >= m.cfg.SweepEvery {
			if _, err := m.SyncAll(ctx); err != nil {
				m.cfg.Log.Error("richmenu: check every user's menu", "err", err)
			}
			swept = time.Now()
		} else if _, err := m.SyncPending(ctx); err != nil {
			m.cfg.Log.Error("richmenu: check users' menus", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		case <-retry.C:
		}
	}
}

// SyncResult counts what a pass did.
type SyncResult struct {
	Linked   int // users linked or unlinked
	Failed   int // calls LINE refused or that failed; tried again later
	Unneeded int // users checked whose menu was right already
}

// SyncPending checks the users noticed since the last pass.
func (m *Manager) SyncPending(ctx context.Context) (SyncResult, error) {
	m.mu.Lock()
	ids := slices.Sorted(maps.Keys(m.pending))
	clear(m.pending)
	m.mu.Unlock()
	if len(ids) == 0 {
		return SyncResult{}, nil
	}
	return m.sync(ctx, ids)
}

// SyncAll checks every user the bot knows.
func (m *Manager) SyncAll(ctx context.Context) (SyncResult, error) {
	return m.sync(ctx, nil)
}

// change is one call to make: link user to id, or unlink when id is "".
type change struct {
	user string
	menu flows.MenuName
	id   string
}

// sync compares the users' roles with the menus recorded for them and
// links those that differ. ids nil means every known user. A user whose
// call fails is queued for the next pass.
func (m *Manager) sync(ctx context.Context, ids []string) (SyncResult, error) {
	m.syncMu.Lock()
	defer m.syncMu.Unlock()
	var res SyncResult
	var changes []change
	err := m.cfg.Store.View(func(tx flows.Tx) error {
		var ap Applied
		if ok, err := tx.RichMenus().Get(keyApplied, &ap); err != nil || !ok {
			return err // no menus applied: nothing to link
		}
		if ids == nil {
			var err error
			if ids, err = knownUsers(tx); err != nil {
				return err
			}
		}
		for _, id := range ids {
			c, needed, err := plan(tx, ap, id)
			if err != nil {
				return err
			}
			if !needed {
				res.Unneeded++
				continue
			}
			changes = append(changes, c)
		}
		return nil
	})
	if err != nil {
		m.requeue(ids)
		return res, fmt.Errorf("richmenu: read users: %w", err)
	}
	if len(changes) == 0 {
		return res, nil
	}
	var done []change
	var retry []string
	for _, c := range changes {
		if ctx.Err() != nil {
			retry = append(retry, c.user)
			continue
		}
		var err error
		if c.id == "" {
			err = m.cfg.Client.unlink(c.user)
		} else {
			err = m.cfg.Client.link(c.user, c.id)
		}
		if err != nil {
			res.Failed++
			m.cfg.Log.Warn("richmenu: switch a user's menu failed", "menu", string(c.menu), "err", err)
			if m.cfg.OnFailure != nil {
				m.cfg.OnFailure()
			}
			if retryable(err) {
				retry = append(retry, c.user)
			}
			continue
		}
		done = append(done, c)
	}
	res.Linked = len(done)
	m.requeue(retry)
	if len(done) == 0 {
		return res, nil
	}
	now := m.cfg.Now()
	err = m.cfg.Store.Update(func(tx flows.Tx) error {
		for _, c := range done {
			if err := tx.RichMenus().Put(prefixLinks+c.user, Link{Menu: c.menu, ID: c.id, At: now}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		// LINE has the links; without the records the next sweep makes
		// the same (harmless) calls again.
		return res, fmt.Errorf("richmenu: record links: %w", err)
	}
	return res, nil
}

// requeue has ids checked again on the next pass.
func (m *Manager) requeue(ids []string) {
	if len(ids) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.pending[id] = true
	}
}

// retryable says whether a failed call is worth trying again soon: LINE
// not reached, busy (429) or failing (5xx). Other refusals wait for the
// next sweep.
func retryable(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return true
	}
	return ae.Status == 0 || ae.Status == http.StatusTooManyRequests || ae.Status >= 500
}

// plan says what, if anything, a user's menu needs. Users who blocked the
// bot are left as they are: when they come back, their follow event
// brings them here again. Ids that are no user (a group a push went to)
// come out as villagers with nothing to change.
func plan(tx flows.Tx, ap Applied, userID string) (change, bool, error) {
	u, known, err := tx.Users().Get(userID)
	if err != nil {
		return change{}, false, err
	}
	if known && !u.Active && !u.UnfollowedAt.IsZero() {
		return change{}, false, nil
	}
	var have Link
	if _, err := tx.RichMenus().Get(prefixLinks+userID, &have); err != nil {
		return change{}, false, err
	}
	role, err := flows.RoleOf(tx, userID)
	if err != nil {
		return change{}, false, err
	}
	want := change{user: userID, menu: role.Menu()}
	if want.menu != flows.MenuVillager {
		// The villagers' menu is LINE's default: nobody is linked to it.
		id, ok := ap.Menus[want.menu]
		if !ok {
			return change{}, false, nil
		}
		want.id = id
	}
	if want.id == have.ID {
		return change{}, false, nil
	}
	return want, true, nil
}

// knownUsers lists, in order, every LINE user the bot knows of: those it
// met, sages and household heads (who may have followed the bot before it
// kept records), and those it linked a menu to.
func knownUsers(tx flows.Tx) ([]string, error) {
	seen := map[string]bool{}
	err := tx.Users().Each(func(id string, _ flows.User) error {
		seen[id] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Sages().Each(func(id string, _ flows.Sage) error {
		seen[id] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Households().Each(func(_ string, hh flows.Household) error {
		if hh.UserID != "" {
			seen[hh.UserID] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.RichMenus().Each(prefixLinks, func(key string, _ func(any) error) error {
		seen[strings.TrimPrefix(key, prefixLinks)] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

// Report is what an apply did.
type Report struct {
	Menus   map[flows.MenuName]string // the new menus' ids
	Sync    SyncResult                // users linked to their menus
	Deleted int                       // old menus deleted
}

// Apply creates the menus anew and makes them the ones in use: it draws
// every image first (a bad catalog text fails before any call), then for
// each menu creates it and uploads its image; then points the aliases
// (sammachip-villager, -sage, -officer) at the new menus, makes the
// villagers' the default, records the new ids, links every user to their
// role's menu, and only then deletes the old menus. Users never see a menu
// without its image, and a failure before the switch leaves the old menus
// in use (the half-made new ones are deleted).
func (m *Manager) Apply(ctx context.Context) (Report, error) {
	m.applyMu.Lock()
	defer m.applyMu.Unlock()
	type made struct {
		menu Menu
		png  []byte
		id   string
	}
	images, err := m.images()
	if err != nil {
		return Report{}, err
	}
	var all []made
	for _, mn := range Menus() {
		all = append(all, made{menu: mn, png: images[mn.Name]})
	}
	cl := m.cfg.Client
	undo := func(cause error) (Report, error) {
		for _, x := range all {
			if x.id != "" {
				if err := cl.remove(x.id); err != nil {
					m.cfg.Log.Warn("richmenu: delete a half-made menu", "err", err)
				}
			}
		}
		return Report{}, cause
	}
	for i := range all {
		if err := ctx.Err(); err != nil {
			return undo(err)
		}
		req, err := all[i].menu.Request(m.cfg.Catalog)
		if err != nil {
			return undo(err)
		}
		if all[i].id, err = cl.create(req); err != nil {
			return undo(err)
		}
		if err := cl.upload(all[i].id, all[i].png); err != nil {
			return undo(err)
		}
	}
	rep := Report{Menus: map[flows.MenuName]string{}}
	for _, x := range all {
		rep.Menus[x.menu.Name] = x.id
	}
	// The switch. From here on the new menus are (partly) in use, so a
	// failure no longer deletes them: applying again finishes the job.
	aliases, err := cl.aliases()
	if err != nil {
		return rep, err
	}
	for _, x := range all {
		_, exists := aliases[x.menu.Alias()]
		if err := cl.setAlias(x.menu.Alias(), x.id, exists); err != nil {
			return rep, err
		}
	}
	if err := cl.setDefault(rep.Menus[flows.MenuVillager]); err != nil {
		return rep, err
	}
	err = m.cfg.Store.Update(func(tx flows.Tx) error {
		return tx.RichMenus().Put(keyApplied, Applied{Menus: rep.Menus, At: m.cfg.Now()})
	})
	if err != nil {
		return rep, fmt.Errorf("richmenu: record menus: %w", err)
	}
	if rep.Sync, err = m.SyncAll(ctx); err != nil {
		return rep, err
	}
	rep.Deleted, err = m.deleteOld(rep.Menus)
	return rep, err
}

// deleteOld deletes every menu of this program (by its name) that is not
// one of keep. Menus made by other tools are left alone.
func (m *Manager) deleteOld(keep map[flows.MenuName]string) (int, error) {
	list, err := m.cfg.Client.list()
	if err != nil {
		return 0, err
	}
	current := slices.Collect(maps.Values(keep))
	n := 0
	var errs []error
	for _, x := range list {
		if !strings.HasPrefix(x.name, aliasPrefix) || slices.Contains(current, x.id) {
			continue
		}
		if err := m.cfg.Client.remove(x.id); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}
