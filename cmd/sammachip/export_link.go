package main

import (
	"net/url"

	"github.com/sammachip/sammachip/bot"
)

// downloadURL makes an officer's report download link from its token
// (flows.Config.DownloadURL): on SAMMACHIP_BASE_URL, or in the simulator
// on its own local address. It returns "" when no public address is
// configured: the officer is then told that links are not set up.
//
// openExternalBrowser=1 asks LINE to open the link in the phone's own
// browser, which saves files; LINE's in-app browser often cannot. The
// download route ignores the query.
//
// It reads the listener, which Run sets before any event is handled.
func (m *Main) downloadURL(token string) string {
	base := m.Config.BaseURL
	if base == "" && m.Config.Simulator() && m.listener != nil {
		base = "http://" + displayAddr(m.listener.Addr())
	}
	if base == "" {
		return ""
	}
	return base + bot.DownloadPath + url.PathEscape(token) + "?openExternalBrowser=1"
}
