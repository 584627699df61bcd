package bot

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// LINE's limits that rendering must respect (see LINE.md). The fake LINE
// API enforces the same numbers, so a rendering bug fails a test.
const (
	maxMessages      = 5
	maxTextLen       = 5000
	maxQuickReplies  = 13
	maxLabel         = 20
	maxFlexLabel     = 40
	maxAltText       = 1500
	maxConfirmText   = 240
	maxListPerBubble = 10
	maxRowsPerBubble = 20
	maxBubbles       = 12
	maxDisplayText   = 300
	// maxSideLabel is the longest card label (UTF-16 units) shown beside
	// its value; a longer one goes above it.
	maxSideLabel = 9
)

// Renderer turns the domain's abstract replies into LINE messages in a
// reader's language.
type Renderer struct {
	cat *locales.Catalog
}

// NewRenderer returns a renderer that reads text from cat.
func NewRenderer(cat *locales.Catalog) *Renderer { return &Renderer{cat: cat} }

// Render returns at most five LINE messages as JSON, ready to store in the
// outbox. Plain texts in a row are joined so that a long answer still fits
// in one reply; quick replies go on the last message, where LINE shows them.
func (r *Renderer) Render(lang locales.Lang, replies []flows.Reply) ([]json.RawMessage, error) {
	pieces := joinPlain(replies)
	if len(pieces) > maxMessages {
		return nil, fmt.Errorf("bot: render: %d messages, LINE takes at most %d", len(pieces), maxMessages)
	}
	out := make([]json.RawMessage, 0, len(pieces))
	for i, p := range pieces {
		var quick *messaging_api.QuickReply
		if i == len(pieces)-1 && len(p.Quick) > 0 {
			quick = r.quickReply(lang, p.Quick)
		}
		msg, err := r.message(lang, p, quick)
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(wireMessage(msg)) // render_json.go
		if err != nil {
			return nil, fmt.Errorf("bot: render: encode: %w", err)
		}
		out = append(out, raw)
	}
	return out, nil
}

// joinPlain merges plain texts that have no buttons, so that several
// sentences become one message (quick replies of the last one are kept).
func joinPlain(replies []flows.Reply) []piece {
	out := make([]piece, 0, len(replies))
	for _, rep := range replies {
		n := len(out)
		if len(replies) > maxMessages && n > 0 && isPlain(out[n-1].Reply) && len(out[n-1].Quick) == 0 && isPlain(rep) {
			out[n-1].more = append(out[n-1].more, rep.Text)
			out[n-1].Quick = rep.Quick
			continue
		}
		out = append(out, piece{Reply: rep})
	}
	return out
}

// piece is one LINE message to be: a reply, plus the texts of plain
// replies joined onto it.
type piece struct {
	flows.Reply
	more []flows.Msg
}

func isPlain(r flows.Reply) bool {
	return r.Style == flows.StylePlain && len(r.Buttons) == 0 && r.Title == nil && len(r.Fields) == 0
}

func (r *Renderer) text(lang locales.Lang, m flows.Msg) string {
	if m.Key == "" {
		return ""
	}
	return r.cat.MustText(lang, m.Key, m.Args)
}

func (r *Renderer) message(lang locales.Lang, p piece, quick *messaging_api.QuickReply) (messaging_api.MessageInterface, error) {
	rep := p.Reply
	body := r.text(lang, rep.Text)
	for _, m := range p.more {
		body += "\n\n" + r.text(lang, m)
	}
	switch {
	case rep.Style == flows.StyleConfirm && len(rep.Buttons) == 2 && utf16Len(body) <= maxConfirmText:
		return &messaging_api.TemplateMessage{
			AltText:    clip(body, maxAltText),
			QuickReply: quick,
			Template: &messaging_api.ConfirmTemplate{
				Text:    body,
				Actions: []messaging_api.ActionInterface{r.action(lang, rep.Buttons[0], maxLabel), r.action(lang, rep.Buttons[1], maxLabel)},
			},
		}, nil
	case rep.Style == flows.StylePlain && len(rep.Buttons) == 0:
		return &messaging_api.TextMessage{Text: clip(body, maxTextLen), QuickReply: quick}, nil
	case rep.Style == flows.StyleList:
		return r.list(lang, rep, body, quick), nil
	case rep.Style == flows.StyleBars:
		return r.bars(lang, rep, body, quick), nil
	default:
		return r.card(lang, rep, body, quick), nil
	}
}

// heading is the top of a bubble: its title (bold) and body text in
// bodySize ("" for the default), with the alt text they make.
func (r *Renderer) heading(lang locales.Lang, rep flows.Reply, body, bodySize string) ([]messaging_api.FlexComponentInterface, string) {
	var contents []messaging_api.FlexComponentInterface
	alt := body
	if rep.Title != nil {
		title := r.text(lang, *rep.Title)
		alt = title + "\n" + body
		contents = append(contents, &messaging_api.FlexText{Text: title, Weight: messaging_api.FlexTextWEIGHT_BOLD, Size: "lg", Wrap: true})
	}
	if body != "" {
		contents = append(contents, &messaging_api.FlexText{Text: body, Wrap: true, Margin: "md", Size: bodySize})
	}
	return contents, alt
}

// card renders a titled bubble: title, text, label/value rows, then the
// buttons stacked in the footer (big targets for thumbs).
func (r *Renderer) card(lang locales.Lang, rep flows.Reply, body string, quick *messaging_api.QuickReply) messaging_api.MessageInterface {
	contents, alt := r.heading(lang, rep, body, "")
	if len(rep.Fields) > 0 {
		contents = append(contents, &messaging_api.FlexSeparator{Margin: "md"}, r.fields(lang, rep.Fields))
	}
	bubble := &messaging_api.FlexBubble{
		Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: contents},
	}
	if len(rep.Buttons) > 0 {
		bubble.Footer = r.buttons(lang, rep.Buttons)
	}
	return &messaging_api.FlexMessage{AltText: clip(alt, maxAltText), Contents: bubble, QuickReply: quick}
}

// fields renders a card's label/value rows.
func (r *Renderer) fields(lang locales.Lang, fields []flows.Field) *messaging_api.FlexBox {
	rows := make([]messaging_api.FlexComponentInterface, 0, len(fields))
	for _, f := range fields {
		label, value := r.text(lang, f.Label), nonEmpty(r.text(lang, f.Value))
		if utf16Len(label) > maxSideLabel {
			// A long label beside its value breaks Thai words on a
			// phone-width card: it goes above the value instead.
			rows = append(rows, &messaging_api.FlexBox{
				Layout: messaging_api.FlexBoxLAYOUT_VERTICAL,
				Contents: []messaging_api.FlexComponentInterface{
					&messaging_api.FlexText{Text: label, Color: "#666666", Size: "xs", Wrap: true},
					&messaging_api.FlexText{Text: value, Size: "sm", Wrap: true},
				},
			})
			continue
		}
		rows = append(rows, &messaging_api.FlexBox{
			Layout:  messaging_api.FlexBoxLAYOUT_HORIZONTAL,
			Spacing: "sm",
			Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexText{Text: label, Color: "#666666", Size: "sm", Flex: 2, Wrap: true},
				&messaging_api.FlexText{Text: value, Size: "sm", Flex: 5, Wrap: true},
			},
		})
	}
	return &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Margin: "md", Spacing: "sm", Contents: rows}
}

// list renders a list: its rows (each a tappable line with a detail line
// under it), or else its buttons, ten to a bubble, in a carousel of at most
// twelve bubbles. Longer lists are paged by the flow.
func (r *Renderer) list(lang locales.Lang, rep flows.Reply, body string, quick *messaging_api.QuickReply) messaging_api.MessageInterface {
	n := len(rep.Rows)
	if n == 0 {
		n = len(rep.Buttons)
	}
	// Rows are compact: a village's twenty households fit one bubble and
	// read top to bottom (no sideways swipe); buttons go ten to a bubble.
	per := maxListPerBubble
	if len(rep.Rows) > 0 {
		per = maxRowsPerBubble
	}
	n = min(n, per*maxBubbles)
	var bubbles []messaging_api.FlexBubble
	for start := 0; start == 0 || start < n; start += per {
		end := min(start+per, n)
		var contents []messaging_api.FlexComponentInterface
		if start == 0 {
			if rep.Title != nil {
				contents = append(contents, &messaging_api.FlexText{Text: r.text(lang, *rep.Title), Weight: messaging_api.FlexTextWEIGHT_BOLD, Size: "lg", Wrap: true})
			}
			if body != "" {
				contents = append(contents, &messaging_api.FlexText{Text: body, Wrap: true, Margin: "md", Size: "sm"})
			}
		}
		b := messaging_api.FlexBubble{}
		if len(rep.Rows) > 0 {
			for _, row := range rep.Rows[start:end] {
				contents = append(contents, r.row(lang, row))
			}
		} else {
			b.Footer = r.buttonBox(lang, rep.Buttons[start:end], false)
		}
		if len(contents) > 0 {
			b.Body = &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "sm", Contents: contents}
		}
		bubbles = append(bubbles, b)
		if end >= n {
			break
		}
	}
	if len(rep.Rows) > 0 && len(rep.Buttons) > 0 {
		bubbles[len(bubbles)-1].Footer = r.buttons(lang, rep.Buttons)
	}
	alt := body
	if rep.Title != nil {
		alt = r.text(lang, *rep.Title) + "\n" + body
	}
	var container messaging_api.FlexContainerInterface = &bubbles[0]
	if len(bubbles) > 1 {
		container = &messaging_api.FlexCarousel{Contents: bubbles}
	}
	return &messaging_api.FlexMessage{AltText: clip(alt, maxAltText), Contents: container, QuickReply: quick}
}

// Colours of a bar: its track, its fill when its target is met or not
// (or it has none), and the target's mark.
const (
	barTrack  = "#E6E6E6"
	barMet    = "#06C755"
	barBelow  = "#F0A020"
	barMark   = "#333333"
	barHeight = "10px"
)

// bars renders a StyleBars reply: one bubble with the title, the text, the
// label/value rows, then each bar as its label and figure, the bar drawn
// with boxes (the fill's width in percent, the target a thin box placed at
// its percentage) and its detail line. The flow pages bars, MaxBars at
// most; more are left out.
func (r *Renderer) bars(lang locales.Lang, rep flows.Reply, body string, quick *messaging_api.QuickReply) messaging_api.MessageInterface {
	contents, alt := r.heading(lang, rep, body, "sm")
	if len(rep.Fields) > 0 {
		contents = append(contents, &messaging_api.FlexSeparator{Margin: "md"}, r.fields(lang, rep.Fields))
	}
	if len(rep.Bars) > 0 {
		contents = append(contents, &messaging_api.FlexSeparator{Margin: "md"})
	}
	for _, b := range rep.Bars[:min(len(rep.Bars), flows.MaxBars)] {
		label, value := nonEmpty(r.text(lang, b.Label)), nonEmpty(r.text(lang, b.Value))
		alt += "\n" + label + " " + value
		row := []messaging_api.FlexComponentInterface{
			&messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_HORIZONTAL, Spacing: "sm", Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexText{Text: label, Size: "sm", Weight: messaging_api.FlexTextWEIGHT_BOLD, Flex: 5, Wrap: true},
				&messaging_api.FlexText{Text: value, Size: "sm", Flex: 2, Align: messaging_api.FlexTextALIGN_END, Wrap: true},
			}},
			bar(b),
		}
		if b.Detail != nil {
			row = append(row, &messaging_api.FlexText{Text: nonEmpty(r.text(lang, *b.Detail)), Size: "xs", Color: "#666666", Wrap: true})
		}
		contents = append(contents, &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Margin: "lg", Spacing: "xs", Contents: row})
	}
	bubble := &messaging_api.FlexBubble{
		Size: messaging_api.FlexBubbleSIZE_GIGA,
		Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: contents},
	}
	if len(rep.Buttons) > 0 {
		bubble.Footer = r.buttons(lang, rep.Buttons)
	}
	return &messaging_api.FlexMessage{AltText: clip(alt, maxAltText), Contents: bubble, QuickReply: quick}
}

// bar draws one bar: a grey track, filled to the bar's percentage (none
// without a figure), with the target's mark across it.
func bar(b flows.Bar) *messaging_api.FlexBox {
	kids := []messaging_api.FlexComponentInterface{}
	if pct := int(math.Round(min(max(b.Percent, 0), 100))); b.Known && pct > 0 {
		colour := barBelow
		if b.Target <= 0 || b.Percent >= b.Target {
			colour = barMet
		}
		kids = append(kids, &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Width: strconv.Itoa(pct) + "%",
			Height: barHeight, BackgroundColor: colour, Contents: []messaging_api.FlexComponentInterface{}})
	}
	if b.Target > 0 && b.Target <= 100 {
		kids = append(kids, &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL,
			Position: messaging_api.FlexBoxPOSITION_ABSOLUTE, OffsetTop: "0px", OffsetStart: strconv.Itoa(int(math.Round(b.Target))) + "%",
			Width: "2px", Height: barHeight, BackgroundColor: barMark, Contents: []messaging_api.FlexComponentInterface{}})
	}
	return &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Height: barHeight, BackgroundColor: barTrack, Contents: kids}
}

// row renders one list row; a tappable row shows a chevron.
func (r *Renderer) row(lang locales.Lang, row flows.Row) messaging_api.FlexComponentInterface {
	lines := []messaging_api.FlexComponentInterface{
		&messaging_api.FlexText{Text: nonEmpty(r.text(lang, row.Title)), Weight: messaging_api.FlexTextWEIGHT_BOLD, Size: "sm", Wrap: true},
	}
	if row.Detail != nil {
		lines = append(lines, &messaging_api.FlexText{Text: nonEmpty(r.text(lang, *row.Detail)), Size: "xs", Color: "#666666", Wrap: true})
	}
	box := &messaging_api.FlexBox{
		Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Margin: "md", PaddingAll: "8px",
		BackgroundColor: "#F5F5F5", CornerRadius: "8px", Contents: lines,
	}
	if row.Tap != nil {
		box.Action = r.action(lang, *row.Tap, maxLabel)
	}
	return box
}

func (r *Renderer) buttons(lang locales.Lang, actions []flows.Action) *messaging_api.FlexBox {
	return r.buttonBox(lang, actions, true)
}

// buttonBox stacks buttons; with primary, the first stands out (a card's
// main action). A list's choices are all alike: none looks pre-selected.
func (r *Renderer) buttonBox(lang locales.Lang, actions []flows.Action, primary bool) *messaging_api.FlexBox {
	btns := make([]messaging_api.FlexComponentInterface, 0, len(actions))
	for i, a := range actions {
		style := messaging_api.FlexButtonSTYLE_SECONDARY
		if i == 0 && primary {
			style = messaging_api.FlexButtonSTYLE_PRIMARY
		}
		btns = append(btns, &messaging_api.FlexButton{
			Action: r.action(lang, a, maxFlexLabel),
			Style:  style,
			Height: messaging_api.FlexButtonHEIGHT_SM,
		})
	}
	return &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Spacing: "sm", Contents: btns}
}

func (r *Renderer) quickReply(lang locales.Lang, actions []flows.Action) *messaging_api.QuickReply {
	if len(actions) > maxQuickReplies {
		actions = actions[:maxQuickReplies]
	}
	items := make([]messaging_api.QuickReplyItem, 0, len(actions))
	for _, a := range actions {
		// The SDK does not fill in the item's type; LINE requires it.
		items = append(items, messaging_api.QuickReplyItem{Type: "action", Action: r.action(lang, a, maxLabel)})
	}
	return &messaging_api.QuickReply{Items: items}
}

func (r *Renderer) action(lang locales.Lang, a flows.Action, maxLen int) messaging_api.ActionInterface {
	label := clip(r.text(lang, a.Label), maxLen)
	if a.URI != "" {
		return &messaging_api.UriAction{Label: label, Uri: a.URI}
	}
	if a.Picker != "" {
		return &messaging_api.DatetimePickerAction{
			Label: label, Data: a.Data, Mode: messaging_api.DatetimePickerActionMODE(a.Picker),
			Initial: a.Initial, Min: a.Min, Max: a.Max,
		}
	}
	p := &messaging_api.PostbackAction{Label: label, Data: a.Data}
	if a.Say != nil {
		p.DisplayText = clip(r.text(lang, *a.Say), maxDisplayText)
	}
	return p
}

// utf16Len is the length LINE counts: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// clip shortens s to at most max UTF-16 units, ending with "…" when cut.
func clip(s string, max int) string {
	if utf16Len(s) <= max {
		return s
	}
	n := 0
	for i, r := range s {
		if n+utf16.RuneLen(r) > max-1 {
			return s[:i] + "…"
		}
		n += utf16.RuneLen(r)
	}
	return s
}

func nonEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
