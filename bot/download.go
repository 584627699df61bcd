package bot

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/sammachip/sammachip/bot/report"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// DownloadPath is where report downloads are served: GET
// DownloadPath + token. flows makes the links (ส่งออก / export).
const DownloadPath = "/download/"

// MountDownloads serves an officer's report download at GET
// /download/<token>: the link is checked and marked used in the same
// transaction that reads the report, so it works once (two racing
// downloads cannot both succeed) and only before it expires; the XLSX is
// made then, from the records as they are. Unknown links get 404, used,
// expired or revoked ones 410, each with a short page in the reader's
// language. Tokens are never logged. Call it before Serve.
func (s *Server) MountDownloads(eng *flows.Engine, cat *locales.Catalog) {
	d := &downloads{s: s, eng: eng, cat: cat}
	s.echo.GET(DownloadPath+":token", d.serve)
}

type downloads struct {
	s   *Server
	eng *flows.Engine
	cat *locales.Catalog
}

func (d *downloads) serve(c echo.Context) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
	now := d.s.now().In(d.s.cfg.Location)
	var (
		link   flows.Download
		rep    *report.Report
		sheets *report.Signin // a DownloadSignin link's sheets to print
	)
	err := d.s.store.Update(func(tx flows.Tx) error {
		var err error
		if link, err = flows.RedeemDownload(tx, c.Param("token"), now); err != nil {
			return err
		}
		if link.Kind == flows.DownloadSignin {
			sheets, err = report.BuildSignin(tx, report.SigninOptions{Lang: link.Lang, Catalog: d.cat, Office: d.eng.Office(), Now: now})
			return err
		}
		rep, err = report.Build(tx, report.Options{Lang: link.Lang, Catalog: d.cat, Engine: d.eng, Now: now})
		return err
	})
	switch {
	case errors.Is(err, flows.ErrDownloadUnknown):
		return d.page(c, http.StatusNotFound, locales.Thai, "report.page.unknown")
	case errors.Is(err, flows.ErrDownloadGone):
		return d.page(c, http.StatusGone, link.Lang, "report.page.gone")
	case errors.Is(err, report.ErrNoSheets): // nothing committed: the link still works
		return d.page(c, http.StatusConflict, link.Lang, "report.signin.page.none")
	case err != nil:
		// Nothing was committed: the link still works for a retry.
		d.s.log.Error("report download", "err", err)
		return d.page(c, http.StatusInternalServerError, link.Lang, "report.page.error")
	}
	var buf bytes.Buffer
	write, name := rep.WriteXLSX, func() (string, string) {
		return rep.FileName(d.text(link.Lang, "report.file.base"), report.XLSX)
	}
	if sheets != nil {
		write, name = sheets.WriteXLSX, func() (string, string) { return sheets.FileName(d.text(link.Lang, "report.signin.file.base")) }
	}
	if err := write(&buf); err != nil {
		d.s.log.Error("report download: write", "err", err, "user", HashID(link.Officer))
		return d.page(c, http.StatusInternalServerError, link.Lang, "report.page.error")
	}
	ascii, local := name()
	h.Set("Content-Disposition", ContentDisposition(ascii, local))
	d.s.log.Info("report downloaded", "user", HashID(link.Officer), "bytes", buf.Len())
	return c.Blob(http.StatusOK, report.XLSX.ContentType(), buf.Bytes())
}

func (d *downloads) text(lang locales.Lang, key string) string {
	if lang == "" {
		lang = locales.Thai
	}
	return d.cat.MustText(lang, key, nil)
}

// page answers with a small page that reads well in LINE's in-app browser.
func (d *downloads) page(c echo.Context, status int, lang locales.Lang, key string) error {
	if lang == "" {
		lang = locales.Thai
	}
	title := html.EscapeString(d.text(lang, "report.page.title"))
	body := html.EscapeString(d.text(lang, key))
	page := `<!doctype html><html lang="` + string(lang) + `"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>` + title + `</title></head>` +
		`<body style="font-family: sans-serif; font-size: 1.2rem; line-height: 1.6; margin: 2rem;">` +
		`<h1 style="font-size: 1.4rem;">` + title + `</h1><p>` + body + `</p></body></html>`
	return c.HTML(status, page)
}

// ContentDisposition is an attachment header naming the file twice: an
// ASCII name for old clients, and the local (Thai) name encoded as RFC
// 5987 / 6266 filename* for the others.
func ContentDisposition(ascii, local string) string {
	ascii = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, ascii)
	v := `attachment; filename="` + ascii + `"`
	if local != "" && local != ascii {
		v += "; filename*=UTF-8''" + rfc5987(local)
	}
	return v
}

// rfc5987 percent-encodes s as an RFC 5987 value (attr-char kept as is).
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			strings.IndexByte("!#$&+-.^_`|~", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
