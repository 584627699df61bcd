package bot

import (
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// The SDK's message types encode themselves: each MarshalJSON adds the
// object's "type" and calls json.Marshal on its fields, whose own
// MarshalJSON do the same, and encoding/json checks and copies every
// nested result again. A card is seven levels deep, so a card of buttons
// was encoded about seven times over: rendering cost more than handling
// the event. The types below are the same objects as plain structs (the
// same JSON names, in the order the SDK writes them, "type" included), so
// that one json.Marshal writes the same bytes once.
// TestWireSameJSON fills every field of each type and compares the bytes
// with the SDK's; a value of a type not listed here is left to the SDK.

// wireMessage is m as plain structs for json.Marshal.
func wireMessage(m messaging_api.MessageInterface) any {
	switch m := m.(type) {
	case *messaging_api.TextMessage:
		if m == nil {
			break
		}
		return &textJSON{QuickReply: wireQuick(m.QuickReply), Sender: m.Sender, Text: m.Text, Emojis: m.Emojis, QuoteToken: m.QuoteToken, Type: "text"}
	case *messaging_api.TemplateMessage:
		if m == nil {
			break
		}
		return &templateJSON{QuickReply: wireQuick(m.QuickReply), Sender: m.Sender, AltText: m.AltText, Template: wireTemplate(m.Template), Type: "template"}
	case *messaging_api.FlexMessage:
		if m == nil {
			break
		}
		return &flexJSON{QuickReply: wireQuick(m.QuickReply), Sender: m.Sender, AltText: m.AltText, Contents: wireContainer(m.Contents), Type: "flex"}
	}
	return m
}

type textJSON struct {
	QuickReply *quickJSON            `json:"quickReply,omitempty"`
	Sender     *messaging_api.Sender `json:"sender,omitempty"`
	Text       string                `json:"text"`
	Emojis     []messaging_api.Emoji `json:"emojis,omitempty"`
	QuoteToken string                `json:"quoteToken,omitempty"`
	Type       string                `json:"type"`
}

type templateJSON struct {
	QuickReply *quickJSON            `json:"quickReply,omitempty"`
	Sender     *messaging_api.Sender `json:"sender,omitempty"`
	AltText    string                `json:"altText"`
	Template   any                   `json:"template"`
	Type       string                `json:"type"`
}

type flexJSON struct {
	QuickReply *quickJSON            `json:"quickReply,omitempty"`
	Sender     *messaging_api.Sender `json:"sender,omitempty"`
	AltText    string                `json:"altText"`
	Contents   any                   `json:"contents"`
	Type       string                `json:"type"`
}

type quickJSON struct {
	Items []quickItemJSON `json:"items,omitempty"`
}

type quickItemJSON struct {
	ImageUrl string `json:"imageUrl,omitempty"`
	Action   any    `json:"action,omitempty"`
	Type     string `json:"type,omitempty"`
}

func wireQuick(q *messaging_api.QuickReply) *quickJSON {
	if q == nil {
		return nil
	}
	out := &quickJSON{}
	if q.Items != nil {
		out.Items = make([]quickItemJSON, len(q.Items))
		for i, it := range q.Items {
			out.Items[i] = quickItemJSON{ImageUrl: it.ImageUrl, Action: wireAction(it.Action), Type: it.Type}
		}
	}
	return out
}

// wireTemplate is a template message's template.
func wireTemplate(t messaging_api.TemplateInterface) any {
	if c, ok := t.(*messaging_api.ConfirmTemplate); ok && c != nil {
		// The SDK writes the actions after the type, and [] for none.
		actions := make([]any, len(c.Actions))
		for i, a := range c.Actions {
			actions[i] = wireAction(a)
		}
		return &confirmJSON{Text: c.Text, Type: "confirm", Actions: actions}
	}
	return t
}

type confirmJSON struct {
	Text    string `json:"text"`
	Type    string `json:"type"`
	Actions []any  `json:"actions"`
}

// wireContainer is a flex message's bubble or carousel.
func wireContainer(c messaging_api.FlexContainerInterface) any {
	switch c := c.(type) {
	case *messaging_api.FlexBubble:
		if c == nil {
			break
		}
		return wireBubble(c)
	case *messaging_api.FlexCarousel:
		if c == nil {
			break
		}
		out := &carouselJSON{Type: "carousel"}
		if c.Contents != nil {
			out.Contents = make([]*bubbleJSON, len(c.Contents))
			for i := range c.Contents {
				out.Contents[i] = wireBubble(&c.Contents[i])
			}
		}
		return out
	}
	return c
}

type carouselJSON struct {
	Contents []*bubbleJSON `json:"contents"`
	Type     string        `json:"type"`
}

type bubbleJSON struct {
	Direction string                          `json:"direction,omitempty"`
	Styles    *messaging_api.FlexBubbleStyles `json:"styles,omitempty"`
	Header    *boxJSON                        `json:"header,omitempty"`
	Hero      any                             `json:"hero,omitempty"`
	Body      *boxJSON                        `json:"body,omitempty"`
	Footer    *boxJSON                        `json:"footer,omitempty"`
	Size      string                          `json:"size,omitempty"`
	Action    any                             `json:"action,omitempty"`
	Type      string                          `json:"type"`
}

func wireBubble(b *messaging_api.FlexBubble) *bubbleJSON {
	return &bubbleJSON{
		Direction: string(b.Direction), Styles: b.Styles, Header: wireBox(b.Header), Hero: wireComponent(b.Hero),
		Body: wireBox(b.Body), Footer: wireBox(b.Footer), Size: string(b.Size), Action: wireAction(b.Action), Type: "bubble",
	}
}

// wireComponent is one component of a box.
func wireComponent(c messaging_api.FlexComponentInterface) any {
	switch c := c.(type) {
	case *messaging_api.FlexBox:
		if c == nil {
			break
		}
		return wireBox(c)
	case *messaging_api.FlexText:
		if c == nil {
			break
		}
		return &textCompJSON{
			Flex: c.Flex, Text: c.Text, Size: c.Size, Align: string(c.Align), Gravity: string(c.Gravity), Color: c.Color,
			Weight: string(c.Weight), Style: string(c.Style), Decoration: string(c.Decoration), Wrap: c.Wrap,
			LineSpacing: c.LineSpacing, Margin: c.Margin, Position: string(c.Position), OffsetTop: c.OffsetTop,
			OffsetBottom: c.OffsetBottom, OffsetStart: c.OffsetStart, OffsetEnd: c.OffsetEnd, Action: wireAction(c.Action),
			MaxLines: c.MaxLines, Contents: c.Contents, AdjustMode: string(c.AdjustMode), Scaling: c.Scaling, Type: "text",
		}
	case *messaging_api.FlexButton:
		if c == nil {
			break
		}
		return &buttonJSON{
			Flex: c.Flex, Color: c.Color, Style: string(c.Style), Action: wireAction(c.Action), Gravity: string(c.Gravity),
			Margin: c.Margin, Position: string(c.Position), OffsetTop: c.OffsetTop, OffsetBottom: c.OffsetBottom,
			OffsetStart: c.OffsetStart, OffsetEnd: c.OffsetEnd, Height: string(c.Height), AdjustMode: string(c.AdjustMode),
			Scaling: c.Scaling, Type: "button",
		}
	case *messaging_api.FlexSeparator:
		if c == nil {
			break
		}
		return &separatorJSON{Margin: c.Margin, Color: c.Color, Type: "separator"}
	}
	return c
}

type boxJSON struct {
	Layout          string `json:"layout"`
	Flex            int32  `json:"flex"`
	Spacing         string `json:"spacing,omitempty"`
	Margin          string `json:"margin,omitempty"`
	Position        string `json:"position,omitempty"`
	OffsetTop       string `json:"offsetTop,omitempty"`
	OffsetBottom    string `json:"offsetBottom,omitempty"`
	OffsetStart     string `json:"offsetStart,omitempty"`
	OffsetEnd       string `json:"offsetEnd,omitempty"`
	BackgroundColor string `json:"backgroundColor,omitempty"`
	BorderColor     string `json:"borderColor,omitempty"`
	BorderWidth     string `json:"borderWidth,omitempty"`
	CornerRadius    string `json:"cornerRadius,omitempty"`
	Width           string `json:"width,omitempty"`
	MaxWidth        string `json:"maxWidth,omitempty"`
	Height          string `json:"height,omitempty"`
	MaxHeight       string `json:"maxHeight,omitempty"`
	PaddingAll      string `json:"paddingAll,omitempty"`
	PaddingTop      string `json:"paddingTop,omitempty"`
	PaddingBottom   string `json:"paddingBottom,omitempty"`
	PaddingStart    string `json:"paddingStart,omitempty"`
	PaddingEnd      string `json:"paddingEnd,omitempty"`
	Action          any    `json:"action,omitempty"`
	JustifyContent  string `json:"justifyContent,omitempty"`
	AlignItems      string `json:"alignItems,omitempty"`
	Background      any    `json:"background,omitempty"`
	Type            string `json:"type"`
	// The SDK writes the contents last, and [] for none.
	Contents []any `json:"contents"`
}

func wireBox(b *messaging_api.FlexBox) *boxJSON {
	if b == nil {
		return nil
	}
	contents := make([]any, len(b.Contents))
	for i, c := range b.Contents {
		contents[i] = wireComponent(c)
	}
	return &boxJSON{
		Layout: string(b.Layout), Flex: b.Flex, Spacing: b.Spacing, Margin: b.Margin, Position: string(b.Position),
		OffsetTop: b.OffsetTop, OffsetBottom: b.OffsetBottom, OffsetStart: b.OffsetStart, OffsetEnd: b.OffsetEnd,
		BackgroundColor: b.BackgroundColor, BorderColor: b.BorderColor, BorderWidth: b.BorderWidth,
		CornerRadius: b.CornerRadius, Width: b.Width, MaxWidth: b.MaxWidth, Height: b.Height, MaxHeight: b.MaxHeight,
		PaddingAll: b.PaddingAll, PaddingTop: b.PaddingTop, PaddingBottom: b.PaddingBottom, PaddingStart: b.PaddingStart,
		PaddingEnd: b.PaddingEnd, Action: wireAction(b.Action), JustifyContent: string(b.JustifyContent),
		AlignItems: string(b.AlignItems), Background: b.Background, Type: "box", Contents: contents,
	}
}

type textCompJSON struct {
	Flex         int32                    `json:"flex"`
	Text         string                   `json:"text,omitempty"`
	Size         string                   `json:"size,omitempty"`
	Align        string                   `json:"align,omitempty"`
	Gravity      string                   `json:"gravity,omitempty"`
	Color        string                   `json:"color,omitempty"`
	Weight       string                   `json:"weight,omitempty"`
	Style        string                   `json:"style,omitempty"`
	Decoration   string                   `json:"decoration,omitempty"`
	Wrap         bool                     `json:"wrap"`
	LineSpacing  string                   `json:"lineSpacing,omitempty"`
	Margin       string                   `json:"margin,omitempty"`
	Position     string                   `json:"position,omitempty"`
	OffsetTop    string                   `json:"offsetTop,omitempty"`
	OffsetBottom string                   `json:"offsetBottom,omitempty"`
	OffsetStart  string                   `json:"offsetStart,omitempty"`
	OffsetEnd    string                   `json:"offsetEnd,omitempty"`
	Action       any                      `json:"action,omitempty"`
	MaxLines     int32                    `json:"maxLines"`
	Contents     []messaging_api.FlexSpan `json:"contents,omitempty"`
	AdjustMode   string                   `json:"adjustMode,omitempty"`
	Scaling      bool                     `json:"scaling"`
	Type         string                   `json:"type"`
}

type buttonJSON struct {
	Flex         int32  `json:"flex"`
	Color        string `json:"color,omitempty"`
	Style        string `json:"style,omitempty"`
	Action       any    `json:"action"`
	Gravity      string `json:"gravity,omitempty"`
	Margin       string `json:"margin,omitempty"`
	Position     string `json:"position,omitempty"`
	OffsetTop    string `json:"offsetTop,omitempty"`
	OffsetBottom string `json:"offsetBottom,omitempty"`
	OffsetStart  string `json:"offsetStart,omitempty"`
	OffsetEnd    string `json:"offsetEnd,omitempty"`
	Height       string `json:"height,omitempty"`
	AdjustMode   string `json:"adjustMode,omitempty"`
	Scaling      bool   `json:"scaling"`
	Type         string `json:"type"`
}

type separatorJSON struct {
	Margin string `json:"margin,omitempty"`
	Color  string `json:"color,omitempty"`
	Type   string `json:"type"`
}

// wireAction is a button's action; nil stays nil (left out, or null where
// the SDK writes null).
func wireAction(a messaging_api.ActionInterface) any {
	switch a := a.(type) {
	case nil:
		return nil
	case *messaging_api.PostbackAction:
		if a == nil {
			break
		}
		return &postbackJSON{Label: a.Label, Data: a.Data, DisplayText: a.DisplayText, Text: a.Text,
			InputOption: string(a.InputOption), FillInText: a.FillInText, Type: "postback"}
	case *messaging_api.UriAction:
		if a == nil {
			break
		}
		return &uriJSON{Label: a.Label, Uri: a.Uri, AltUri: a.AltUri, Type: "uri"}
	case *messaging_api.DatetimePickerAction:
		if a == nil {
			break
		}
		return &pickerJSON{Label: a.Label, Data: a.Data, Mode: string(a.Mode), Initial: a.Initial, Max: a.Max, Min: a.Min, Type: "datetimepicker"}
	}
	return a
}

type postbackJSON struct {
	Label       string `json:"label,omitempty"`
	Data        string `json:"data,omitempty"`
	DisplayText string `json:"displayText,omitempty"`
	Text        string `json:"text,omitempty"`
	InputOption string `json:"inputOption,omitempty"`
	FillInText  string `json:"fillInText,omitempty"`
	Type        string `json:"type,omitempty"`
}

type uriJSON struct {
	Label  string                `json:"label,omitempty"`
	Uri    string                `json:"uri,omitempty"`
	AltUri *messaging_api.AltUri `json:"altUri,omitempty"`
	Type   string                `json:"type,omitempty"`
}

type pickerJSON struct {
	Label   string `json:"label,omitempty"`
	Data    string `json:"data,omitempty"`
	Mode    string `json:"mode,omitempty"`
	Initial string `json:"initial,omitempty"`
	Max     string `json:"max,omitempty"`
	Min     string `json:"min,omitempty"`
	Type    string `json:"type,omitempty"`
}
