package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/bot/sim"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// simulator is what simulator mode adds to Main: the settable programme
// clock, the channel secret made up for this run, and the chat page.
type simulator struct {
	clock  *sim.Clock
	secret string
	demo   bool // demo data was loaded by this run
	page   *sim.Sim
}

// SimClock is the programme clock in simulator mode, nil in real mode. The
// scheduler registers with its OnJump so that a jump of the clock on the
// simulator page makes it tick at once.
func (m *Main) SimClock() *sim.Clock {
	if m.sim == nil {
		return nil
	}
	return m.sim.clock
}

// Simulator is the running chat simulator, nil in real mode or before Run.
func (m *Main) Simulator() *sim.Sim {
	if m.sim == nil {
		return nil
	}
	return m.sim.page
}

// prepareSimulator runs before the bot is built, in simulator mode only. It
// refuses a database that holds records the simulator did not make
// (storage.ClaimForSimulator: a real one, perhaps), makes the settable
// clock the programme clock (over whatever Now was, so a test's clock still
// drives it), starts the fake LINE API as the bot's endpoint with a secret
// and token made up for this run, and loads the demo district into a
// database that never had it.
func (m *Main) prepareSimulator(botCfg *bot.Config) error {
	if err := m.db.ClaimForSimulator(m.Now()); errors.Is(err, storage.ErrNotSimulators) {
		return fmt.Errorf("the LINE variables are not set, so this would start the simulator, but %s holds data the "+
			"simulator did not make (is it a real database?). The simulator loads demo data and lets anyone on its page "+
			"act as any user, so it runs only on a new, empty file or one it made. Set LINE_CHANNEL_SECRET and "+
			"LINE_CHANNEL_ACCESS_TOKEN to serve this database, or point SAMMACHIP_DB at a new file (a simulator database "+
			"made by an earlier release: delete it, the simulator makes a new one)", m.Config.DB)
	} else if err != nil {
		return err
	}
	clock := sim.NewClock(m.Now)
	m.Now = clock.Now
	m.sim = &simulator{clock: clock, secret: randomHex(16)}
	m.fake = linefake.New(linefake.WithClock(clock.Now))
	url := m.fake.Start()
	botCfg.ChannelSecret, botCfg.AccessToken = m.sim.secret, randomHex(16)
	botCfg.APIEndpoint, botCfg.DataEndpoint = url, url

	// The demo is made by the domain's own functions; an engine holds no
	// state, so one just for this, with the bot's configuration (its
	// reminder times and follow-up days: the demo's past is played through
	// with them), is the same as the bot's.
	seeder := flows.NewEngine(m.Config.EngineConfig(nil))
	now := clock.Now().In(m.Config.Location)
	err := m.db.Update(func(tx flows.Tx) error {
		var err error
		m.sim.demo, err = seeder.SeedDemo(tx, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("simulator: load demo data: %w", err)
	}
	return nil
}

// startSimulator runs once the listener is open and before serving: it
// mounts the chat page at /sim (in simulator mode only: the page lets
// anyone act as any user), points it at the bot's own signed webhook, and
// logs the mode and the page's URL first.
func (m *Main) startSimulator() {
	var personas []sim.Persona
	for _, p := range flows.DemoPeople() {
		personas = append(personas, sim.Persona{ID: p.ID, Name: p.Name, Lang: string(p.Lang), Role: p.Role})
	}
	g := flows.DemoOfficersGroup()
	page := sim.New(sim.Options{
		Fake:     m.fake,
		Webhook:  linefake.Webhook{URL: "http://" + loopbackAddr(m.listener.Addr()) + "/callback", Secret: m.sim.secret},
		Clock:    m.sim.clock,
		Location: m.Config.Location,
		Personas: personas,
		Groups:   []sim.Group{{ID: g.ID, Name: g.Name, Role: g.Role}},
		Opened:   m.chatKnown,
		Log:      m.Log,
	})
	h := echo.WrapHandler(page.Handler())
	e := m.srv.Echo()
	e.Any(sim.Prefix, h)
	e.Any(sim.Prefix+"/*", h)
	// Event streams never end by themselves: close them when shutdown
	// begins, so it does not wait for the browser.
	e.Server.RegisterOnShutdown(page.Close)
	page.Start()
	m.sim.page = page

	m.Log.Info("simulator mode: no LINE channel configured, LINE is simulated in-process; open the chat page",
		"url", "http://"+displayAddr(m.listener.Addr())+sim.Prefix, "db", m.Config.DB)
	if m.sim.demo {
		m.Log.Info("simulator: demo district loaded into the database")
	}
}

// chatKnown reports whether the bot already knows a chat: a user who
// follows it or a group it is in. The simulator then sends no second
// follow or join after a restart.
func (m *Main) chatKnown(id string) bool {
	known := false
	err := m.db.View(func(tx flows.Tx) error {
		if strings.HasPrefix(id, "C") || strings.HasPrefix(id, "R") {
			g, ok, err := tx.Groups().Get(id)
			known = ok && !g.Gone
			return err
		}
		u, ok, err := tx.Users().Get(id)
		known = ok && u.Active
		return err
	})
	if err != nil {
		m.Log.Error("simulator: look up chat", "err", err)
	}
	return known
}

// loopbackAddr is where this process reaches its own listener: the
// listener's port on the loopback address when it listens on all addresses.
func loopbackAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// tickOnJump makes every jump of the simulator's clock tick the scheduler
// at once, so reminders and the summary due at the new time arrive without
// waiting for the next minute. The tick runs on the goroutine that moved
// the clock (the page's request), so it has queued its pushes before the
// page hears back. In real mode it does nothing.
func (m *Main) tickOnJump(sc *bot.Scheduler) {
	if m.sim == nil {
		return
	}
	m.sim.clock.OnJump(func(time.Time) {
		if _, err := sc.Tick(context.Background()); err != nil {
			m.Log.Error("simulator: tick after a clock jump", "err", err)
		}
	})
}
