package bot

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"

	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/locales"
)

// filler sets every exported field of an SDK value, interfaces to one of
// the concrete types that may stand there (taking turns), so that a field
// the plain structs of render_json.go miss shows in the bytes. With zeros
// it makes the same shapes with every string, number and flag left empty
// (what omitempty leaves out).
type filler struct {
	n     int
	zeros bool
}

// candidates are the values an interface field is filled with, in turn.
var candidates = map[reflect.Type][]func() any{
	reflect.TypeFor[messaging_api.ActionInterface](): {
		func() any { return &messaging_api.PostbackAction{} },
		func() any { return &messaging_api.UriAction{} },
		func() any { return &messaging_api.DatetimePickerAction{} },
		func() any { return &messaging_api.MessageAction{} }, // one the renderer does not make: the SDK's own
	},
	reflect.TypeFor[messaging_api.FlexComponentInterface](): {
		func() any { return &messaging_api.FlexText{} },
		func() any { return &messaging_api.FlexButton{} },
		func() any { return &messaging_api.FlexSeparator{} },
		func() any { return &messaging_api.FlexBox{} },
		func() any { return &messaging_api.FlexFiller{} },
	},
	reflect.TypeFor[messaging_api.FlexContainerInterface](): {
		func() any { return &messaging_api.FlexBubble{} },
		func() any { return &messaging_api.FlexCarousel{} },
	},
	reflect.TypeFor[messaging_api.TemplateInterface](): {
		func() any { return &messaging_api.ConfirmTemplate{} },
		func() any { return &messaging_api.ButtonsTemplate{} },
	},
	reflect.TypeFor[messaging_api.FlexBoxBackgroundInterface](): {
		func() any { return &messaging_api.FlexBoxLinearGradient{} },
	},
}

func (f *filler) fill(v reflect.Value, depth int) {
	f.n++
	switch v.Kind() {
	case reflect.String, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64, reflect.Bool:
		if f.zeros {
			return
		}
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d <&> \"ไทย\"\n", f.n))
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.n) / 4)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		if depth > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			f.fill(v.Elem(), depth-1)
		}
	case reflect.Slice:
		if depth > 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			f.fill(v.Index(0), depth-1)
			f.fill(v.Index(1), depth-1)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth)
			}
		}
	case reflect.Interface:
		if c := candidates[v.Type()]; depth > 0 && len(c) > 0 {
			x := reflect.ValueOf(c[f.n%len(c)]())
			f.fill(x.Elem(), depth-1)
			v.Set(x)
		}
	}
}

// TestWireSameJSON checks that the plain structs of render_json.go write
// the bytes the SDK's types write: for every type the renderer makes, with
// every field set (nested as deep as a card goes), and with none.
func TestWireSameJSON(t *testing.T) {
	cases := map[string]struct {
		value func() any
		wire  func(any) any
	}{
		"text":     {func() any { return &messaging_api.TextMessage{} }, func(v any) any { return wireMessage(v.(messaging_api.MessageInterface)) }},
		"template": {func() any { return &messaging_api.TemplateMessage{} }, func(v any) any { return wireMessage(v.(messaging_api.MessageInterface)) }},
		"flex":     {func() any { return &messaging_api.FlexMessage{} }, func(v any) any { return wireMessage(v.(messaging_api.MessageInterface)) }},
		"image":    {func() any { return &messaging_api.ImageMessage{} }, func(v any) any { return wireMessage(v.(messaging_api.MessageInterface)) }},
		"box":      {func() any { return &messaging_api.FlexBox{} }, func(v any) any { return wireComponent(v.(messaging_api.FlexComponentInterface)) }},
		"bubble":   {func() any { return &messaging_api.FlexBubble{} }, func(v any) any { return wireContainer(v.(messaging_api.FlexContainerInterface)) }},
		"carousel": {func() any { return &messaging_api.FlexCarousel{} }, func(v any) any { return wireContainer(v.(messaging_api.FlexContainerInterface)) }},
		"confirm":  {func() any { return &messaging_api.ConfirmTemplate{} }, func(v any) any { return wireTemplate(v.(messaging_api.TemplateInterface)) }},
		"picker":   {func() any { return &messaging_api.DatetimePickerAction{} }, func(v any) any { return wireAction(v.(messaging_api.ActionInterface)) }},
		"uri":      {func() any { return &messaging_api.UriAction{} }, func(v any) any { return wireAction(v.(messaging_api.ActionInterface)) }},
		"quick":    {func() any { return &messaging_api.QuickReply{} }, func(v any) any { return wireQuick(v.(*messaging_api.QuickReply)) }},
	}
	for name, tc := range cases {
		for _, sh := range shapes() {
			depth, turn, zeros := sh.depth, sh.turn, sh.zeros
			// depth 0 leaves every pointer, slice and interface empty.
			sdk, ours := tc.value(), tc.value()
			(&filler{n: turn, zeros: zeros}).fill(reflect.ValueOf(sdk).Elem(), depth)
			(&filler{n: turn, zeros: zeros}).fill(reflect.ValueOf(ours).Elem(), depth)
			want, err := json.Marshal(sdk)
			if err != nil {
				t.Fatalf("%s: SDK: %v", name, err)
			}
			got, err := json.Marshal(tc.wire(ours))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if string(got) != string(want) {
				t.Fatalf("%s (depth %d, turn %d, zeros %v):\ngot  %s\nwant %s", name, depth, turn, zeros, got, want)
			}
		}
	}
}

// shape is a filler's setting: nesting up to as deep as a card goes,
// each concrete type in each interface's place, leaves set and empty.
type shape struct {
	depth, turn int
	zeros       bool
}

func shapes() []shape {
	var out []shape
	for depth := range 9 {
		for turn := range 5 {
			out = append(out, shape{depth, turn, false}, shape{depth, turn, true})
		}
	}
	return out
}

// TestRenderSameJSON renders replies of every style and kind of button
// and checks each message against the SDK's own encoding of it.
func TestRenderSameJSON(t *testing.T) {
	r := NewRenderer(locales.MustLoad())
	msg := func(k string) flows.Msg { return flows.T(k) }
	say := msg("core.menu.help")
	btn := func(k, data string) flows.Action { return flows.Action{Label: msg(k), Data: data, Say: &say} }
	var many []flows.Action
	var rows []flows.Row
	for i := range 25 {
		many = append(many, btn("core.menu.apply", fmt.Sprintf("a=x&i=%d", i)))
		tap := btn("core.menu.sage", fmt.Sprintf("a=y&i=%d", i))
		rows = append(rows, flows.Row{Title: flows.Raw(fmt.Sprintf("บ้าน <%d> & \"ครัว\"", i)), Detail: &say, Tap: &tap})
	}
	title := msg("summary.cmd")
	replies := [][]flows.Reply{
		{flows.Text(msg("core.menu.prompt"), many[:6]...)},
		{flows.Text(msg("core.menu.prompt")), flows.Text(msg("core.menu.help"), many[:13]...)},
		{{Style: flows.StyleConfirm, Text: msg("mydata.delete.q"), Buttons: many[:2]}},
		{{Style: flows.StyleCard, Title: &title, Text: msg("core.menu.prompt"),
			Fields: []flows.Field{{Label: msg("core.menu.apply"), Value: flows.Raw("1")}, {Label: flows.Raw("ป้ายที่ยาวกว่าเก้าตัวอักษร"), Value: flows.Raw("")}},
			Buttons: append(many[:3:3], flows.Action{Label: msg("core.menu.help"), URI: "https://example.com/d?x=1&y=<2>"},
				flows.Action{Label: msg("core.menu.schedule"), Data: "a=p", Picker: "date", Initial: "2026-12-01", Min: "2026-11-01", Max: "2027-01-01"}),
			Quick: many[:4]}},
		{{Style: flows.StyleList, Title: &title, Text: msg("core.menu.prompt"), Buttons: many}},
		{{Style: flows.StyleList, Text: msg("core.menu.prompt"), Rows: rows, Buttons: many[:2], Quick: many[:2]}},
		{{Style: flows.StyleBars, Title: &title, Text: msg("core.menu.prompt"), Fields: []flows.Field{{Label: msg("core.menu.apply"), Value: flows.Raw("2")}},
			Bars: []flows.Bar{{Label: flows.Raw("หมู่ 1"), Value: flows.Raw("88%"), Detail: &say, Percent: 88, Known: true, Target: 85},
				{Label: flows.Raw("หมู่ 2"), Value: flows.Raw("-")}, {Label: flows.Raw("หมู่ 3"), Value: flows.Raw("10%"), Percent: 10, Known: true, Target: 85}},
			Buttons: many[:1]}},
	}
	for _, lang := range []locales.Lang{locales.Thai, locales.English} {
		for i, reps := range replies {
			got, err := r.Render(lang, reps)
			if err != nil {
				t.Fatal(err)
			}
			pieces := joinPlain(reps)
			if len(got) != len(pieces) {
				t.Fatalf("case %d: %d messages, want %d", i, len(got), len(pieces))
			}
			for j, p := range pieces {
				var quick *messaging_api.QuickReply
				if j == len(pieces)-1 && len(p.Quick) > 0 {
					quick = r.quickReply(lang, p.Quick)
				}
				m, err := r.message(lang, p, quick)
				if err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal(m)
				if err != nil {
					t.Fatal(err)
				}
				if string(got[j]) != string(want) {
					t.Errorf("case %d message %d:\ngot  %s\nwant %s", i, j, got[j], want)
				}
			}
		}
	}
}
