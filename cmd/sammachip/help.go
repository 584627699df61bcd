package main

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/sammachip/sammachip/locales"
)

// helpColumn is the widest command syntax that still has its description
// beside it in `sammachip help`; a longer one has it on the next line.
const helpColumn = 28

// helpRow is one line of `sammachip help`: what to type, and what it does.
type helpRow struct {
	syntax string
	desc   string // may hold several lines
}

// usage prints `sammachip help` in the tools' language (cliLang): the
// descriptions come from the catalog (cli.help.*), the commands' syntax
// from cliCommands, in aligned columns.
func usage(w io.Writer, getenv func(string) string) {
	lang := cliLang(getenv)
	cat, err := locales.Load()
	if err != nil { // the embedded catalog is tested: this cannot happen in a release
		cat = nil
	}
	text := func(key, fallback string) string {
		if cat == nil {
			return fallback
		}
		s, err := cat.Text(lang, key, nil)
		if err != nil {
			return fallback
		}
		return s
	}
	fmt.Fprintln(w, text("cli.help.usage", "usage: sammachip [command]"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, text("cli.help.commands", "commands:"))
	writeHelpRows(w, []helpRow{
		{"serve", text("cli.help.serve", "start the bot (default)")},
		{"version", text("cli.help.version", "print the version")},
		{"help", text("cli.help.help", "print this help")},
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, text("cli.help.tools", "officers' tools:"))
	var rows []helpRow
	for _, c := range cliCommands {
		syntax, desc := splitUsage(c.Usage)
		rows = append(rows, helpRow{syntax, text(helpKey(c), desc)})
	}
	writeHelpRows(w, rows)
}

// helpKey is the catalog key of a command's description in help:
// cli.help. and its route, e.g. cli.help.import.villages.
func helpKey(c cliCommand) string {
	return "cli.help." + strings.NewReplacer("/", ".", "-", "_").Replace(c.Route)
}

// splitUsage splits a command's English Usage into its syntax (the first
// line, up to a run of spaces) and its description (the rest, joined).
func splitUsage(u string) (syntax, desc string) {
	lines := strings.Split(u, "\n")
	first := lines[0]
	if i := strings.Index(first, "  "); i >= 0 {
		syntax, lines[0] = first[:i], first[i:]
	} else {
		syntax, lines = first, lines[1:]
	}
	var parts []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.TrimSpace(syntax), strings.Join(parts, " ")
}

// writeHelpRows writes rows as two columns: the syntax, then its
// description starting at one column for all (helpColumn at most), each
// further line of a description under its first.
func writeHelpRows(w io.Writer, rows []helpRow) {
	col := 0
	for _, r := range rows {
		if n := displayWidth(r.syntax); n <= helpColumn {
			col = max(col, n)
		}
	}
	indent := strings.Repeat(" ", 2+col+2)
	for _, r := range rows {
		lines := strings.Split(r.desc, "\n")
		n := displayWidth(r.syntax)
		if n > col {
			fmt.Fprintln(w, "  "+r.syntax)
			for _, l := range lines {
				fmt.Fprintln(w, indent+l)
			}
			continue
		}
		fmt.Fprintln(w, "  "+r.syntax+strings.Repeat(" ", col-n+2)+lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintln(w, indent+l)
		}
	}
}

// displayWidth is how many terminal columns s takes: Thai vowel and tone
// marks written above or below a consonant (and other combining marks)
// take none; East Asian wide characters take two.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case width.LookupRune(r).Kind() == width.EastAsianWide || width.LookupRune(r).Kind() == width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
