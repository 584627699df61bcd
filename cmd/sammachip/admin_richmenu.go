package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/sammachip/sammachip/bot"
	"github.com/sammachip/sammachip/bot/richmenu"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// richMenuApplyUsage is the line of `sammachip richmenu apply` in help.
const richMenuApplyUsage = "richmenu apply             draw the rich menus (villagers, sages, officers), put them\n" +
	"                             in use at LINE and switch every user to their role's menu"

// adminRichMenuApply is `sammachip richmenu apply`: it creates the three
// rich menus anew at LINE (replacing the ones in use), makes the
// villagers' the default and links every user to their role's menu. What
// it did goes to stdout (with the new menus' ids); users LINE refused, to
// stderr (the server retries them).
func adminRichMenuApply(ctx context.Context, env adminEnv, req adminRequest) (adminResult, error) {
	if env.RichMenus == nil {
		return adminResult{Stderr: env.text(req.Lang, flows.T("cli.richmenu.no_token")) + "\n", Exit: 1}, nil
	}
	rep, err := env.RichMenus.Apply(ctx)
	if ae, ok := errors.AsType[*richmenu.APIError](err); ok {
		return adminResult{Stderr: env.text(req.Lang, flows.T("richmenu.cli.failed", "Reason", ae.Error())) + "\n", Exit: 1}, nil
	}
	if err != nil {
		return adminResult{}, err
	}
	var out strings.Builder
	out.WriteString(env.text(req.Lang, flows.T("richmenu.cli.applied", "Menus", len(rep.Menus), "Linked", rep.Sync.Linked, "Deleted", rep.Deleted)) + "\n")
	for _, m := range richmenu.Menus() {
		fmt.Fprintf(&out, "%s\t%s\n", m.Alias(), rep.Menus[m.Name])
	}
	res := adminResult{Stdout: out.String()}
	if rep.Sync.Failed > 0 {
		res.Stderr = env.text(req.Lang, flows.T("richmenu.cli.link_failed", "Count", rep.Sync.Failed)) + "\n"
	}
	return res, nil
}

// newRichMenus returns the rich menu manager for a LINE channel, or nil
// without one (simulator mode with no server running: its fake LINE lives
// in the server process). log may be nil (nothing logged); onFailure, when
// not nil, is called for each failed switch of a user's menu.
func newRichMenus(token, apiEndpoint, dataEndpoint string, st flows.Store, cat *locales.Catalog, now func() time.Time, log *slog.Logger, onFailure func()) (*richmenu.Manager, error) {
	if token == "" {
		return nil, nil
	}
	cl, err := richmenu.NewClient(token, apiEndpoint, dataEndpoint, 0)
	if err != nil {
		return nil, err
	}
	return richmenu.NewManager(richmenu.Config{Client: cl, Store: st, Catalog: cat, Now: now, Log: log, OnFailure: onFailure}), nil
}

// startRichMenus builds the server's rich menu manager and hooks it to the
// worker: after each event, the users whose role it may have changed are
// switched to their role's menu, in the background and best effort.
func (m *Main) startRichMenus(botCfg bot.Config, cat *locales.Catalog, now func() time.Time) error {
	rm, err := newRichMenus(botCfg.AccessToken, botCfg.APIEndpoint, botCfg.DataEndpoint, m.db, cat, now, m.Log,
		m.srv.Metrics().RichMenuFailures.Inc)
	if err != nil || rm == nil {
		return err
	}
	m.richMenus = rm
	m.srv.Worker().AfterCommit(rm.Notice)
	if !m.NoLoops {
		rm.Start()
	}
	return nil
}

// stopRichMenus ends the manager's loop, before the database closes.
func (m *Main) stopRichMenus() {
	if m.richMenus != nil {
		m.richMenus.Stop()
		m.richMenus = nil
	}
}
