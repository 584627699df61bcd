package linefake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Message limits the fake enforces (LINE.md, "Limits"). Lengths are counted
// in UTF-16 code units, as LINE counts them: a Thai character is 1, an emoji
// outside the Basic Multilingual Plane is 2.
const (
	MaxMessages        = 5    // message objects per reply, push or multicast
	MaxTextLen         = 5000 // text message
	MaxAltTextLen      = 1500 // template and Flex altText
	MaxQuickReplyItems = 13
	MaxActionLabel     = 20 // templates, quick reply, rich menu
	MaxFlexButtonLabel = 40
	MaxPostbackData    = 300
	MaxBubbleBytes     = 30_000 // compact JSON of one Flex bubble ("30 KB", read strictly)
	MaxCarouselBytes   = 50_000 // compact JSON of a Flex carousel ("50 KB", read strictly)
	MaxCarouselBubbles = 12
)

// verrs collects validation errors as LINE's error details.
type verrs struct{ list []detail }

func (v *verrs) add(prop, format string, args ...any) {
	v.list = append(v.list, detail{Property: prop, Message: fmt.Sprintf(format, args...)})
}

func (v *verrs) failed() bool { return len(v.list) > 0 }

func (v *verrs) answer() answer {
	return fail(http.StatusBadRequest, fmt.Sprintf("The request body has %d error(s)", len(v.list)), v.list...)
}

// ---- generic JSON helpers ----

type obj = map[string]any

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func idx(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// utf16Len is the length LINE checks: UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// decodeGeneric decodes JSON into maps, slices, strings, bools and
// json.Number.
func decodeGeneric(raw []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var x any
	err := d.Decode(&x)
	return x, err
}

func compactLen(raw []byte) int {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return len(raw)
	}
	return b.Len()
}

// field returns o[key] and whether it is present and not null.
func field(o obj, key string) (any, bool) {
	x, ok := o[key]
	return x, ok && x != nil
}

func (v *verrs) asObject(x any, path string) (obj, bool) {
	o, ok := x.(map[string]any)
	if !ok {
		v.add(path, "must be an object")
	}
	return o, ok
}

func (v *verrs) object(o obj, key, path string, required bool) (obj, bool) {
	x, present := field(o, key)
	if !present {
		if required {
			v.add(join(path, key), "must be specified")
		}
		return nil, false
	}
	return v.asObject(x, join(path, key))
}

func (v *verrs) array(o obj, key, path string, required bool) ([]any, bool) {
	x, present := field(o, key)
	if !present {
		if required {
			v.add(join(path, key), "must be specified")
		}
		return nil, false
	}
	a, ok := x.([]any)
	if !ok {
		v.add(join(path, key), "must be an array")
	}
	return a, ok
}

// text checks a string field's presence and length (UTF-16 units). A
// required field must be non-empty. It returns the value and whether it is a
// non-empty string.
func (v *verrs) text(o obj, key, path string, required bool, max int) (string, bool) {
	p := join(path, key)
	x, present := field(o, key)
	if !present {
		if required {
			v.add(p, "must be specified")
		}
		return "", false
	}
	s, ok := x.(string)
	if !ok {
		v.add(p, "must be a string")
		return "", false
	}
	n := utf16Len(s)
	if required && n == 0 {
		v.add(p, "May not be empty")
		return "", false
	}
	if n > max {
		v.add(p, "Length must be between 0 and %d (got %d)", max, n)
	}
	return s, n > 0
}

// url checks a URL field: length and scheme.
func (v *verrs) url(o obj, key, path string, required bool, max int, schemes ...string) (string, bool) {
	s, set := v.text(o, key, path, required, max)
	if !set {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || !slices.Contains(schemes, strings.ToLower(u.Scheme)) || (u.Scheme == "https" && u.Host == "") {
		v.add(join(path, key), "must be a URL with scheme %s", strings.Join(schemes, "/"))
		return s, false
	}
	return s, true
}

func (v *verrs) httpsURL(o obj, key, path string, required bool) (string, bool) {
	return v.url(o, key, path, required, 2000, "https")
}

// enum checks that a string field is one of allowed.
func (v *verrs) enum(o obj, key, path string, required bool, allowed ...string) (string, bool) {
	s, set := v.text(o, key, path, required, 1000)
	if !set {
		return "", false
	}
	if !slices.Contains(allowed, s) {
		v.add(join(path, key), "must be one of %s (got %q)", strings.Join(allowed, ", "), s)
		return s, false
	}
	return s, true
}

func (v *verrs) number(o obj, key, path string, required bool) (float64, bool) {
	x, present := field(o, key)
	if !present {
		if required {
			v.add(join(path, key), "must be specified")
		}
		return 0, false
	}
	n, ok := x.(json.Number)
	if !ok {
		v.add(join(path, key), "must be a number")
		return 0, false
	}
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) {
		v.add(join(path, key), "must be a number")
		return 0, false
	}
	return f, true
}

// integer checks an integer field within [min, max].
func (v *verrs) integer(o obj, key, path string, required bool, min, max int64) (int64, bool) {
	f, ok := v.number(o, key, path, required)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || f < float64(min) || f > float64(max) {
		v.add(join(path, key), "must be an integer between %d and %d", min, max)
		return 0, false
	}
	return int64(f), true
}

func (v *verrs) count(path string, n, min, max int, what string) {
	if n < min || n > max {
		if min == max {
			v.add(path, "must have exactly %d %s (got %d)", min, what, n)
		} else {
			v.add(path, "Size must be between %d and %d (got %d)", min, max, n)
		}
	}
}

// ---- messages ----

// validateMessages checks the messages array of a reply, push or multicast.
func validateMessages(v *verrs, msgs []json.RawMessage) {
	v.count("messages", len(msgs), 1, MaxMessages, "messages")
	for i, raw := range msgs {
		validateMessage(v, raw, idx("messages", i))
	}
}

func validateMessage(v *verrs, raw json.RawMessage, path string) {
	x, err := decodeGeneric(raw)
	if err != nil {
		v.add(path, "must be a message object")
		return
	}
	o, ok := v.asObject(x, path)
	if !ok {
		return
	}
	typ, _ := v.text(o, "type", path, true, 100)
	switch typ {
	case "text", "textV2":
		v.text(o, "text", path, true, MaxTextLen)
	case "sticker":
		v.text(o, "packageId", path, true, 100)
		v.text(o, "stickerId", path, true, 100)
	case "image", "video":
		v.httpsURL(o, "originalContentUrl", path, true)
		v.httpsURL(o, "previewImageUrl", path, true)
		if typ == "video" {
			v.text(o, "trackingId", path, false, 100)
		}
	case "audio":
		v.httpsURL(o, "originalContentUrl", path, true)
		if d, ok := v.number(o, "duration", path, true); ok && d <= 0 {
			v.add(join(path, "duration"), "must be positive")
		}
	case "location":
		v.text(o, "title", path, true, 100)
		v.text(o, "address", path, true, 100)
		v.number(o, "latitude", path, true)
		v.number(o, "longitude", path, true)
	case "imagemap":
		validateImagemap(v, o, path)
	case "template":
		validateTemplateMessage(v, o, path)
	case "flex":
		validateFlexMessage(v, o, raw, path)
	case "coupon":
		v.text(o, "couponId", path, true, 100)
	case "":
		// already reported by text
	default:
		v.add(join(path, "type"), "unknown message type %q", typ)
	}
	if qr, ok := v.object(o, "quickReply", path, false); ok {
		validateQuickReply(v, qr, join(path, "quickReply"))
	}
	if snd, ok := v.object(o, "sender", path, false); ok {
		sp := join(path, "sender")
		v.text(snd, "name", sp, false, 20)
		v.httpsURL(snd, "iconUrl", sp, false)
	}
}

func validateQuickReply(v *verrs, qr obj, path string) {
	items, ok := v.array(qr, "items", path, true)
	if !ok {
		return
	}
	p := join(path, "items")
	v.count(p, len(items), 1, MaxQuickReplyItems, "items")
	for i, it := range items {
		ip := idx(p, i)
		io, ok := v.asObject(it, ip)
		if !ok {
			continue
		}
		// The Go SDK leaves "type" out unless QuickReplyItem.Type is set;
		// LINE rejects such an item.
		switch t, present := field(io, "type"); {
		case !present:
			v.add(join(ip, "type"), `must be specified ("action")`)
		case t != "action":
			v.add(join(ip, "type"), `must be "action"`)
		}
		v.httpsURL(io, "imageUrl", ip, false)
		if ax, has := field(io, "action"); has {
			validateAction(v, ax, join(ip, "action"), inQuickReply)
		} else {
			v.add(join(ip, "action"), "must be specified")
		}
	}
}

// ---- actions ----

// actionCtx is where an action sits; it decides the label rule and which
// action types are allowed.
type actionCtx int

const (
	inTemplate      actionCtx = iota // label required, <= 20
	inImageCarousel                  // label optional, <= 12
	inDefaultAction                  // template defaultAction: label optional, <= 20
	inQuickReply                     // label required, <= 20; camera, cameraRoll, location allowed
	inFlexButton                     // label required, <= 40
	inFlex                           // other Flex components: label optional, <= 40
	inRichMenu                       // label optional, <= 20; richmenuswitch allowed
)

var uriSchemes = []string{"http", "https", "line", "tel"}

func validateAction(v *verrs, x any, path string, ctx actionCtx) {
	a, ok := v.asObject(x, path)
	if !ok {
		return
	}
	typ, _ := v.text(a, "type", path, true, 100)
	switch ctx {
	case inTemplate, inQuickReply:
		v.text(a, "label", path, true, MaxActionLabel)
	case inImageCarousel:
		v.text(a, "label", path, false, 12)
	case inDefaultAction, inRichMenu:
		v.text(a, "label", path, false, MaxActionLabel)
	case inFlexButton:
		v.text(a, "label", path, true, MaxFlexButtonLabel)
	case inFlex:
		v.text(a, "label", path, false, MaxFlexButtonLabel)
	}
	switch typ {
	case "postback":
		v.text(a, "data", path, true, MaxPostbackData)
		_, display := v.text(a, "displayText", path, false, 300)
		_, text := v.text(a, "text", path, false, 300)
		if display && text {
			v.add(join(path, "text"), "displayText and text cannot both be set")
		}
		v.enum(a, "inputOption", path, false, "closeRichMenu", "openRichMenu", "openKeyboard", "openVoice")
		v.text(a, "fillInText", path, false, 300)
	case "message":
		v.text(a, "text", path, true, 300)
	case "uri":
		v.url(a, "uri", path, true, 1000, uriSchemes...)
		if alt, ok := v.object(a, "altUri", path, false); ok {
			v.url(alt, "desktop", join(path, "altUri"), true, 1000, uriSchemes...)
		}
	case "datetimepicker":
		v.text(a, "data", path, true, MaxPostbackData)
		v.enum(a, "mode", path, true, "date", "time", "datetime")
		for _, k := range []string{"initial", "max", "min"} {
			v.text(a, k, path, false, 100)
		}
	case "camera", "cameraRoll", "location":
		if ctx != inQuickReply {
			v.add(join(path, "type"), "%s actions are allowed only in quick reply buttons", typ)
		}
	case "richmenuswitch":
		if ctx != inRichMenu {
			v.add(join(path, "type"), "richmenuswitch actions are allowed only in rich menus")
		}
		v.text(a, "richMenuAliasId", path, true, 32)
		v.text(a, "data", path, true, MaxPostbackData)
	case "clipboard":
		v.text(a, "clipboardText", path, true, 1000)
	case "":
		// already reported by text
	default:
		v.add(join(path, "type"), "invalid action type %q", typ)
	}
}

// actions checks an array of actions and returns how many there are.
func (v *verrs) actions(o obj, key, path string, min, max int, ctx actionCtx) int {
	arr, ok := v.array(o, key, path, true)
	if !ok {
		return 0
	}
	p := join(path, key)
	v.count(p, len(arr), min, max, "actions")
	for i, a := range arr {
		validateAction(v, a, idx(p, i), ctx)
	}
	return len(arr)
}

func (v *verrs) defaultAction(o obj, path string) {
	if da, ok := field(o, "defaultAction"); ok {
		validateAction(v, da, join(path, "defaultAction"), inDefaultAction)
	}
}

// ---- templates ----

func validateTemplateMessage(v *verrs, o obj, path string) {
	v.text(o, "altText", path, true, MaxAltTextLen)
	t, ok := v.object(o, "template", path, true)
	if !ok {
		return
	}
	tp := join(path, "template")
	typ, _ := v.text(t, "type", tp, true, 100)
	switch typ {
	case "buttons":
		_, thumb := v.httpsURL(t, "thumbnailImageUrl", tp, false)
		_, title := v.text(t, "title", tp, false, 40)
		limit := 160
		if thumb || title {
			limit = 60
		}
		v.text(t, "text", tp, true, limit)
		v.enum(t, "imageAspectRatio", tp, false, "rectangle", "square")
		v.enum(t, "imageSize", tp, false, "cover", "contain")
		v.defaultAction(t, tp)
		v.actions(t, "actions", tp, 1, 4, inTemplate)
	case "confirm":
		v.text(t, "text", tp, true, 240)
		v.actions(t, "actions", tp, 2, 2, inTemplate)
	case "carousel":
		validateCarouselTemplate(v, t, tp)
	case "image_carousel":
		cols, ok := v.array(t, "columns", tp, true)
		if !ok {
			return
		}
		cp := join(tp, "columns")
		v.count(cp, len(cols), 1, 10, "columns")
		for i, c := range cols {
			p := idx(cp, i)
			co, ok := v.asObject(c, p)
			if !ok {
				continue
			}
			v.httpsURL(co, "imageUrl", p, true)
			if ax, has := field(co, "action"); has {
				validateAction(v, ax, join(p, "action"), inImageCarousel)
			} else {
				v.add(join(p, "action"), "must be specified")
			}
		}
	case "":
	default:
		v.add(join(tp, "type"), "unknown template type %q", typ)
	}
}

// validateCarouselTemplate checks a carousel: 1-10 columns of 1-3 actions,
// every column with the same number of actions, and title and image used by
// all columns or by none.
func validateCarouselTemplate(v *verrs, t obj, tp string) {
	v.enum(t, "imageAspectRatio", tp, false, "rectangle", "square")
	v.enum(t, "imageSize", tp, false, "cover", "contain")
	cols, ok := v.array(t, "columns", tp, true)
	if !ok {
		return
	}
	cp := join(tp, "columns")
	v.count(cp, len(cols), 1, 10, "columns")
	type shape struct {
		actions      int
		thumb, title bool
	}
	var first *shape
	for i, c := range cols {
		p := idx(cp, i)
		co, ok := v.asObject(c, p)
		if !ok {
			continue
		}
		_, thumb := v.httpsURL(co, "thumbnailImageUrl", p, false)
		_, title := v.text(co, "title", p, false, 40)
		limit := 120
		if thumb || title {
			limit = 60
		}
		v.text(co, "text", p, true, limit)
		v.defaultAction(co, p)
		sh := shape{actions: v.actions(co, "actions", p, 1, 3, inTemplate), thumb: thumb, title: title}
		if first == nil {
			first = &sh
			continue
		}
		if sh.actions != first.actions {
			v.add(join(p, "actions"), "all columns must have the same number of actions (column 0 has %d, this one %d)", first.actions, sh.actions)
		}
		if sh.thumb != first.thumb {
			v.add(join(p, "thumbnailImageUrl"), "must be set on all columns or on none")
		}
		if sh.title != first.title {
			v.add(join(p, "title"), "must be set on all columns or on none")
		}
	}
}

// ---- imagemap ----

func validateImagemap(v *verrs, o obj, path string) {
	v.httpsURL(o, "baseUrl", path, true)
	v.text(o, "altText", path, true, MaxAltTextLen)
	if bs, ok := v.object(o, "baseSize", path, true); ok {
		bp := join(path, "baseSize")
		v.integer(bs, "width", bp, true, 1, 1040)
		v.integer(bs, "height", bp, true, 1, math.MaxInt32)
	}
	acts, ok := v.array(o, "actions", path, true)
	if !ok {
		return
	}
	ap := join(path, "actions")
	v.count(ap, len(acts), 0, 50, "actions")
	for i, x := range acts {
		p := idx(ap, i)
		a, ok := v.asObject(x, p)
		if !ok {
			continue
		}
		v.text(a, "label", p, false, 100)
		v.object(a, "area", p, true)
		switch typ, _ := v.text(a, "type", p, true, 100); typ {
		case "uri":
			v.url(a, "linkUri", p, true, 1000, uriSchemes...)
		case "message":
			v.text(a, "text", p, true, 400)
		case "clipboard":
			v.text(a, "clipboardText", p, true, 1000)
		case "":
		default:
			v.add(join(p, "type"), "invalid imagemap action type %q", typ)
		}
	}
}

// ---- Flex ----

var (
	blockBox      = []string{"box"}
	heroTypes     = []string{"box", "image", "video"}
	boxChildren   = []string{"box", "button", "image", "text", "icon", "separator", "filler", "spacer"}
	altContent    = []string{"image", "box"}
	bubbleSizes   = []string{"nano", "micro", "deca", "hecto", "kilo", "mega", "giga"}
	boxLayouts    = []string{"horizontal", "vertical", "baseline"}
	buttonStyles  = []string{"primary", "secondary", "link"}
	buttonHeights = []string{"sm", "md"}
)

func validateFlexMessage(v *verrs, o obj, raw json.RawMessage, path string) {
	v.text(o, "altText", path, true, MaxAltTextLen)
	c, ok := v.object(o, "contents", path, true)
	if !ok {
		return
	}
	cp := join(path, "contents")
	var outer struct {
		Contents json.RawMessage `json:"contents"`
	}
	_ = json.Unmarshal(raw, &outer)
	switch typ, _ := v.text(c, "type", cp, true, 100); typ {
	case "bubble":
		if n := compactLen(outer.Contents); n > MaxBubbleBytes {
			v.add(cp, "bubble is %d bytes of JSON; max %d", n, MaxBubbleBytes)
		}
		validateBubble(v, c, cp)
	case "carousel":
		if n := compactLen(outer.Contents); n > MaxCarouselBytes {
			v.add(cp, "carousel is %d bytes of JSON; max %d", n, MaxCarouselBytes)
		}
		var inner struct {
			Contents []json.RawMessage `json:"contents"`
		}
		_ = json.Unmarshal(outer.Contents, &inner)
		bubbles, ok := v.array(c, "contents", cp, true)
		if !ok {
			return
		}
		bp := join(cp, "contents")
		v.count(bp, len(bubbles), 1, MaxCarouselBubbles, "bubbles")
		for i, b := range bubbles {
			p := idx(bp, i)
			bo, ok := v.asObject(b, p)
			if !ok {
				continue
			}
			if t, _ := field(bo, "type"); t != "bubble" {
				v.add(join(p, "type"), `must be "bubble"`)
				continue
			}
			if i < len(inner.Contents) {
				if n := compactLen(inner.Contents[i]); n > MaxBubbleBytes {
					v.add(p, "bubble is %d bytes of JSON; max %d", n, MaxBubbleBytes)
				}
			}
			validateBubble(v, bo, p)
		}
	case "":
	default:
		v.add(join(cp, "type"), `must be "bubble" or "carousel" (got %q)`, typ)
	}
}

func validateBubble(v *verrs, b obj, path string) {
	v.enum(b, "size", path, false, bubbleSizes...)
	v.enum(b, "direction", path, false, "ltr", "rtl")
	for _, k := range []string{"header", "body", "footer"} {
		if x, ok := field(b, k); ok {
			validateComponent(v, x, join(path, k), "", blockBox)
		}
	}
	if x, ok := field(b, "hero"); ok {
		validateComponent(v, x, join(path, "hero"), "", heroTypes)
	}
	if ax, ok := field(b, "action"); ok {
		validateAction(v, ax, join(path, "action"), inFlex)
	}
}

// validateComponent checks one Flex component and its children. parent is
// the layout of the enclosing box ("" outside a box); allowed lists the
// component types permitted at this place.
func validateComponent(v *verrs, x any, path, parent string, allowed []string) {
	c, ok := v.asObject(x, path)
	if !ok {
		return
	}
	typ, _ := v.text(c, "type", path, true, 100)
	if typ == "" {
		return
	}
	if !slices.Contains(allowed, typ) {
		v.add(join(path, "type"), "component type %q is not allowed here (want %s)", typ, strings.Join(allowed, ", "))
		return
	}
	if ax, has := field(c, "action"); has && typ != "button" {
		validateAction(v, ax, join(path, "action"), inFlex)
	}
	switch typ {
	case "box":
		layout, _ := v.enum(c, "layout", path, true, boxLayouts...)
		kids, _ := v.array(c, "contents", path, true)
		for i, k := range kids {
			validateComponent(v, k, idx(join(path, "contents"), i), layout, boxChildren)
		}
	case "button":
		if ax, has := field(c, "action"); has {
			validateAction(v, ax, join(path, "action"), inFlexButton)
		} else {
			v.add(join(path, "action"), "must be specified")
		}
		v.enum(c, "style", path, false, buttonStyles...)
		v.enum(c, "height", path, false, buttonHeights...)
	case "text":
		spans, hasSpans := v.array(c, "contents", path, false)
		if hasSpans && len(spans) > 0 {
			sp := join(path, "contents")
			for i, s := range spans {
				p := idx(sp, i)
				so, ok := v.asObject(s, p)
				if !ok {
					continue
				}
				if t, _ := field(so, "type"); t != "span" {
					v.add(join(p, "type"), `must be "span"`)
				}
				v.text(so, "text", p, true, math.MaxInt)
			}
			v.text(c, "text", path, false, math.MaxInt)
		} else {
			v.text(c, "text", path, true, math.MaxInt)
		}
	case "image":
		v.httpsURL(c, "url", path, true)
	case "icon":
		if parent != "baseline" {
			v.add(join(path, "type"), "icon is allowed only in a baseline box")
		}
		v.httpsURL(c, "url", path, true)
	case "video":
		v.httpsURL(c, "url", path, true)
		v.httpsURL(c, "previewUrl", path, true)
		if alt, ok := field(c, "altContent"); ok {
			validateComponent(v, alt, join(path, "altContent"), "", altContent)
		} else {
			v.add(join(path, "altContent"), "must be specified")
		}
	case "separator", "filler", "spacer":
	}
}
