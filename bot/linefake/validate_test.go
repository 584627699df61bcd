package linefake

import (
	"net/http"
	"strings"
	"testing"
)

func TestMessageValidation(t *testing.T) {
	s, url := start(t)

	rep := strings.Repeat
	thai := rep("ก", MaxTextLen)    // 1 UTF-16 unit each
	emoji := rep("😀", MaxTextLen/2) // 2 UTF-16 units each

	qrItems := func(n int) []m {
		out := make([]m, n)
		for i := range out {
			out[i] = qrItem(msgAction("choice", "choice"))
		}
		return out
	}

	tests := []struct {
		name string
		msgs []any
		// wantProp is a property the 400 answer must name; "" means the
		// messages must be accepted.
		wantProp string
	}{
		// counts
		{"one message", manyTexts(1), ""},
		{"five messages", manyTexts(5), ""},
		{"six messages", manyTexts(6), "messages"},
		{"no messages", []any{}, "messages"},

		// text
		{"text 5000 ascii", []any{text(rep("a", 5000))}, ""},
		{"text 5000 thai", []any{text(thai)}, ""},
		{"text 5000 utf16 units of emoji", []any{text(emoji)}, ""},
		{"text 5001", []any{text(rep("a", 5001))}, "messages[0].text"},
		{"text emoji over 5000 units", []any{text(emoji + "😀")}, "messages[0].text"},
		{"text empty", []any{text("")}, "messages[0].text"},
		{"text missing", []any{m{"type": "text"}}, "messages[0].text"},
		{"text not a string", []any{m{"type": "text", "text": 5}}, "messages[0].text"},
		{"text in second message", []any{text("ok"), text("")}, "messages[1].text"},

		// type
		{"unknown type", []any{m{"type": "fancy", "text": "x"}}, "messages[0].type"},
		{"missing type", []any{m{"text": "x"}}, "messages[0].type"},
		{"message not an object", []any{"hello"}, "messages[0]"},

		// quick reply
		{"quick reply 13 items", []any{withQuickReply(text("q"), qrItems(13)...)}, ""},
		{"quick reply 14 items", []any{withQuickReply(text("q"), qrItems(14)...)}, "messages[0].quickReply.items"},
		{"quick reply no items", []any{withQuickReply(text("q"))}, "messages[0].quickReply.items"},
		{"quick reply item without type", []any{withQuickReply(text("q"),
			m{"action": msgAction("yes", "yes")})}, "messages[0].quickReply.items[0].type"},
		{"quick reply item wrong type", []any{withQuickReply(text("q"),
			m{"type": "button", "action": msgAction("yes", "yes")})}, "messages[0].quickReply.items[0].type"},
		{"quick reply item without action", []any{withQuickReply(text("q"), m{"type": "action"})}, "messages[0].quickReply.items[0].action"},
		{"quick reply label 20", []any{withQuickReply(text("q"), qrItem(msgAction(rep("a", 20), "x")))}, ""},
		{"quick reply label 20 thai", []any{withQuickReply(text("q"), qrItem(msgAction(rep("ข", 20), "x")))}, ""},
		{"quick reply label 21", []any{withQuickReply(text("q"), qrItem(msgAction(rep("a", 21), "x")))}, "messages[0].quickReply.items[0].action.label"},
		{"quick reply label missing", []any{withQuickReply(text("q"), qrItem(m{"type": "message", "text": "x"}))}, "messages[0].quickReply.items[0].action.label"},
		{"quick reply camera, cameraRoll, location", []any{withQuickReply(text("q"),
			qrItem(m{"type": "camera", "label": "Camera"}),
			qrItem(m{"type": "cameraRoll", "label": "Roll"}),
			qrItem(m{"type": "location", "label": "Where"}),
			m{"type": "action", "imageUrl": "https://example.com/i.png", "action": postback("pb", "a=1")})}, ""},
		{"quick reply icon not https", []any{withQuickReply(text("q"),
			m{"type": "action", "imageUrl": "http://example.com/i.png", "action": postback("pb", "a=1")})}, "messages[0].quickReply.items[0].imageUrl"},
		{"quick reply on a sticker", []any{withQuickReply(m{"type": "sticker", "packageId": "446", "stickerId": "1988"}, qrItems(2)...)}, ""},

		// actions
		{"postback data 300", []any{withQuickReply(text("q"), qrItem(postback("pb", rep("d", 300))))}, ""},
		{"postback data 301", []any{withQuickReply(text("q"), qrItem(postback("pb", rep("d", 301))))}, "messages[0].quickReply.items[0].action.data"},
		{"postback data missing", []any{withQuickReply(text("q"), qrItem(m{"type": "postback", "label": "pb"}))}, "messages[0].quickReply.items[0].action.data"},
		{"postback displayText 301", []any{withQuickReply(text("q"), qrItem(m{"type": "postback", "label": "pb", "data": "d", "displayText": rep("t", 301)}))}, "messages[0].quickReply.items[0].action.displayText"},
		{"postback displayText and text", []any{withQuickReply(text("q"), qrItem(m{"type": "postback", "label": "pb", "data": "d", "displayText": "a", "text": "b"}))}, "messages[0].quickReply.items[0].action.text"},
		{"message action text empty", []any{withQuickReply(text("q"), qrItem(msgAction("l", "")))}, "messages[0].quickReply.items[0].action.text"},
		{"message action text 301", []any{withQuickReply(text("q"), qrItem(msgAction("l", rep("t", 301))))}, "messages[0].quickReply.items[0].action.text"},
		{"uri action ok", []any{withQuickReply(text("q"), qrItem(m{"type": "uri", "label": "web", "uri": "https://example.com"}), qrItem(m{"type": "uri", "label": "call", "uri": "tel:1669"}))}, ""},
		{"uri action missing uri", []any{withQuickReply(text("q"), qrItem(m{"type": "uri", "label": "web"}))}, "messages[0].quickReply.items[0].action.uri"},
		{"uri action bad scheme", []any{withQuickReply(text("q"), qrItem(m{"type": "uri", "label": "web", "uri": "ftp://example.com"}))}, "messages[0].quickReply.items[0].action.uri"},
		{"datetimepicker ok", []any{withQuickReply(text("q"), qrItem(m{"type": "datetimepicker", "label": "when", "data": "d", "mode": "date"}))}, ""},
		{"datetimepicker bad mode", []any{withQuickReply(text("q"), qrItem(m{"type": "datetimepicker", "label": "when", "data": "d", "mode": "week"}))}, "messages[0].quickReply.items[0].action.mode"},
		{"datetimepicker without data", []any{withQuickReply(text("q"), qrItem(m{"type": "datetimepicker", "label": "when", "mode": "date"}))}, "messages[0].quickReply.items[0].action.data"},
		{"unknown action type", []any{withQuickReply(text("q"), qrItem(m{"type": "dance", "label": "x"}))}, "messages[0].quickReply.items[0].action.type"},
		{"richmenuswitch outside rich menu", []any{withQuickReply(text("q"), qrItem(m{"type": "richmenuswitch", "label": "x", "richMenuAliasId": "a", "data": "d"}))}, "messages[0].quickReply.items[0].action.type"},
		{"clipboard ok", []any{withQuickReply(text("q"), qrItem(m{"type": "clipboard", "label": "copy", "clipboardText": "123"}))}, ""},

		// buttons template
		{"buttons ok", []any{buttons(m{"text": rep("b", 160), "actions": actions(4)})}, ""},
		{"buttons with title and image ok", []any{buttons(m{"title": rep("t", 40), "thumbnailImageUrl": "https://example.com/a.jpg", "text": rep("b", 60), "actions": actions(1)})}, ""},
		{"buttons 5 actions", []any{buttons(m{"text": "b", "actions": actions(5)})}, "messages[0].template.actions"},
		{"buttons 0 actions", []any{buttons(m{"text": "b", "actions": actions(0)})}, "messages[0].template.actions"},
		{"buttons text 161", []any{buttons(m{"text": rep("b", 161), "actions": actions(1)})}, "messages[0].template.text"},
		{"buttons text 61 with title", []any{buttons(m{"title": "T", "text": rep("b", 61), "actions": actions(1)})}, "messages[0].template.text"},
		{"buttons text 61 with image", []any{buttons(m{"thumbnailImageUrl": "https://example.com/a.jpg", "text": rep("b", 61), "actions": actions(1)})}, "messages[0].template.text"},
		{"buttons title 41", []any{buttons(m{"title": rep("t", 41), "text": "b", "actions": actions(1)})}, "messages[0].template.title"},
		{"buttons text missing", []any{buttons(m{"actions": actions(1)})}, "messages[0].template.text"},
		{"buttons action label 21", []any{buttons(m{"text": "b", "actions": []m{msgAction(rep("l", 21), "x")}})}, "messages[0].template.actions[0].label"},
		{"buttons action label missing", []any{buttons(m{"text": "b", "actions": []m{{"type": "message", "text": "x"}}})}, "messages[0].template.actions[0].label"},
		{"buttons defaultAction without label", []any{buttons(m{"text": "b", "defaultAction": m{"type": "uri", "uri": "https://example.com"}, "actions": actions(1)})}, ""},
		{"camera action in template", []any{buttons(m{"text": "b", "actions": []m{{"type": "camera", "label": "cam"}}})}, "messages[0].template.actions[0].type"},
		{"template altText 1500", []any{m{"type": "template", "altText": rep("a", 1500), "template": m{"type": "buttons", "text": "b", "actions": actions(1)}}}, ""},
		{"template altText 1501", []any{m{"type": "template", "altText": rep("a", 1501), "template": m{"type": "buttons", "text": "b", "actions": actions(1)}}}, "messages[0].altText"},
		{"template altText missing", []any{m{"type": "template", "template": m{"type": "buttons", "text": "b", "actions": actions(1)}}}, "messages[0].altText"},
		{"template unknown type", []any{m{"type": "template", "altText": "a", "template": m{"type": "list"}}}, "messages[0].template.type"},

		// confirm template
		{"confirm ok", []any{confirm(msgAction("Yes", "yes"), postback("No", "no"))}, ""},
		{"confirm 3 actions", []any{confirm(actions(3)...)}, "messages[0].template.actions"},
		{"confirm 1 action", []any{confirm(actions(1)...)}, "messages[0].template.actions"},
		{"confirm text 241", []any{m{"type": "template", "altText": "c", "template": m{"type": "confirm", "text": rep("c", 241), "actions": actions(2)}}}, "messages[0].template.text"},

		// carousel template
		{"carousel ok", []any{carousel(column(actions(3)...), column(actions(3)...))}, ""},
		{"carousel 10 columns", []any{carousel(column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...))}, ""},
		{"carousel 11 columns", []any{carousel(column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...), column(actions(1)...))}, "messages[0].template.columns"},
		{"carousel column 4 actions", []any{carousel(column(actions(4)...))}, "messages[0].template.columns[0].actions"},
		{"carousel unequal action counts", []any{carousel(column(actions(2)...), column(actions(1)...))}, "messages[0].template.columns[1].actions"},
		{"carousel title on one column only", []any{carousel(m{"title": "T", "text": "c", "actions": actions(1)}, column(actions(1)...))}, "messages[0].template.columns[1].title"},
		{"carousel column text 121", []any{carousel(m{"text": rep("c", 121), "actions": actions(1)})}, "messages[0].template.columns[0].text"},
		{"image carousel ok", []any{m{"type": "template", "altText": "ic", "template": m{"type": "image_carousel", "columns": []m{
			{"imageUrl": "https://example.com/a.jpg", "action": m{"type": "postback", "data": "d"}}}}}}, ""},
		{"image carousel label 13", []any{m{"type": "template", "altText": "ic", "template": m{"type": "image_carousel", "columns": []m{
			{"imageUrl": "https://example.com/a.jpg", "action": postback(rep("l", 13), "d")}}}}}, "messages[0].template.columns[0].action.label"},

		// flex
		{"flex bubble ok", []any{flex(m{"type": "bubble",
			"hero": m{"type": "image", "url": "https://example.com/h.jpg"},
			"body": box("vertical", textComp("hello"), m{"type": "separator"},
				box("baseline", m{"type": "icon", "url": "https://example.com/i.png"}, textComp("4.0")),
				m{"type": "text", "contents": []m{{"type": "span", "text": "a"}, {"type": "span", "text": "b"}}}),
			"footer": box("horizontal", m{"type": "button", "style": "primary", "action": postback(rep("l", 40), "d")}, m{"type": "filler"}),
		})}, ""},
		{"flex carousel 12 bubbles", []any{flex(m{"type": "carousel", "contents": bubbles(12, 10)})}, ""},
		{"flex carousel 13 bubbles", []any{flex(m{"type": "carousel", "contents": bubbles(13, 10)})}, "messages[0].contents.contents"},
		{"flex carousel empty", []any{flex(m{"type": "carousel", "contents": []m{}})}, "messages[0].contents.contents"},
		{"flex bubble over 30KB", []any{flex(bubbles(1, 31_000)[0])}, "messages[0].contents"},
		{"flex bubble just under 30KB", []any{flex(bubbles(1, 29_000)[0])}, ""},
		{"flex carousel over 50KB", []any{flex(m{"type": "carousel", "contents": bubbles(3, 20_000)})}, "messages[0].contents"},
		{"flex carousel bubble over 30KB", []any{flex(m{"type": "carousel", "contents": bubbles(1, 31_000)})}, "messages[0].contents.contents[0]"},
		{"flex altText 1501", []any{m{"type": "flex", "altText": rep("a", 1501), "contents": bubbles(1, 1)[0]}}, "messages[0].altText"},
		{"flex altText empty", []any{m{"type": "flex", "altText": "", "contents": bubbles(1, 1)[0]}}, "messages[0].altText"},
		{"flex contents missing", []any{m{"type": "flex", "altText": "a"}}, "messages[0].contents"},
		{"flex contents wrong type", []any{flex(m{"type": "box", "layout": "vertical", "contents": []m{}})}, "messages[0].contents.type"},
		{"flex button without action", []any{flex(bubble(box("vertical", m{"type": "button"})))}, "messages[0].contents.body.contents[0].action"},
		{"flex button label 41", []any{flex(bubble(box("vertical", m{"type": "button", "action": msgAction(rep("l", 41), "x")})))}, "messages[0].contents.body.contents[0].action.label"},
		{"flex button label missing", []any{flex(bubble(box("vertical", m{"type": "button", "action": m{"type": "message", "text": "x"}})))}, "messages[0].contents.body.contents[0].action.label"},
		{"flex text empty", []any{flex(bubble(box("vertical", textComp(""))))}, "messages[0].contents.body.contents[0].text"},
		{"flex text missing", []any{flex(bubble(box("vertical", m{"type": "text"})))}, "messages[0].contents.body.contents[0].text"},
		{"flex box without layout", []any{flex(bubble(m{"type": "box", "contents": []m{}}))}, "messages[0].contents.body.layout"},
		{"flex box without contents", []any{flex(bubble(m{"type": "box", "layout": "vertical"}))}, "messages[0].contents.body.contents"},
		{"flex body not a box", []any{flex(bubble(textComp("x")))}, "messages[0].contents.body.type"},
		{"flex nested error", []any{flex(bubble(box("vertical", box("horizontal", box("vertical", textComp(""))))))}, "messages[0].contents.body.contents[0].contents[0].contents[0].text"},
		{"flex icon outside baseline", []any{flex(bubble(box("vertical", m{"type": "icon", "url": "https://example.com/i.png"})))}, "messages[0].contents.body.contents[0].type"},
		{"flex unknown component", []any{flex(bubble(box("vertical", m{"type": "marquee"})))}, "messages[0].contents.body.contents[0].type"},
		{"flex image http", []any{flex(m{"type": "bubble", "hero": m{"type": "image", "url": "http://example.com/h.jpg"}})}, "messages[0].contents.hero.url"},

		// other message types
		{"sticker ok", []any{m{"type": "sticker", "packageId": "446", "stickerId": "1988"}}, ""},
		{"sticker without stickerId", []any{m{"type": "sticker", "packageId": "446"}}, "messages[0].stickerId"},
		{"image ok", []any{m{"type": "image", "originalContentUrl": "https://example.com/o.jpg", "previewImageUrl": "https://example.com/p.jpg"}}, ""},
		{"image http", []any{m{"type": "image", "originalContentUrl": "http://example.com/o.jpg", "previewImageUrl": "https://example.com/p.jpg"}}, "messages[0].originalContentUrl"},
		{"image without preview", []any{m{"type": "image", "originalContentUrl": "https://example.com/o.jpg"}}, "messages[0].previewImageUrl"},
		{"video ok", []any{m{"type": "video", "originalContentUrl": "https://example.com/o.mp4", "previewImageUrl": "https://example.com/p.jpg"}}, ""},
		{"audio ok", []any{m{"type": "audio", "originalContentUrl": "https://example.com/a.m4a", "duration": 60000}}, ""},
		{"audio without duration", []any{m{"type": "audio", "originalContentUrl": "https://example.com/a.m4a"}}, "messages[0].duration"},
		{"location ok", []any{m{"type": "location", "title": "Office", "address": "Bangkok", "latitude": 13.75, "longitude": 100.5}}, ""},
		{"location without latitude", []any{m{"type": "location", "title": "Office", "address": "Bangkok", "longitude": 100.5}}, "messages[0].latitude"},
		{"imagemap ok", []any{m{"type": "imagemap", "baseUrl": "https://example.com/map", "altText": "map", "baseSize": m{"width": 1040, "height": 1040},
			"actions": []m{{"type": "message", "text": "hi", "area": m{"x": 0, "y": 0, "width": 520, "height": 1040}}}}}, ""},
		{"sender name 21", []any{m{"type": "text", "text": "x", "sender": m{"name": rep("n", 21)}}}, "messages[0].sender.name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := push(t, url, "Uuser", tt.msgs...)
			if tt.wantProp == "" {
				if res.status != http.StatusOK {
					t.Fatalf("status = %d, want 200; body %s", res.status, res.body)
				}
				return
			}
			if res.status != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", res.status, res.body)
			}
			e := res.errBody(t)
			if !strings.HasPrefix(e.Message, "The request body has") {
				t.Errorf("message = %q, want LINE's validation message", e.Message)
			}
			var props []string
			for _, d := range e.Details {
				props = append(props, d.Property)
				if d.Property == tt.wantProp {
					return
				}
			}
			t.Errorf("details name %q, want %q; body %s", props, tt.wantProp, res.body)
		})
	}
	if n := len(s.Sent(KindPush)); n == 0 {
		t.Error("no valid message was recorded")
	}
}

// TestValidationAppliesToEveryEndpoint checks that reply and multicast use
// the same message rules as push.
func TestValidationAppliesToEveryEndpoint(t *testing.T) {
	s, url := start(t)
	bad := []any{text(strings.Repeat("a", 5001))}

	res := doReq(t, "POST", url+"/v2/bot/message/reply", m{"replyToken": s.IssueReplyToken(), "messages": bad})
	if res.status != http.StatusBadRequest {
		t.Errorf("reply: status = %d, want 400", res.status)
	}
	res = doReq(t, "POST", url+"/v2/bot/message/multicast", m{"to": []string{"U1"}, "messages": bad})
	if res.status != http.StatusBadRequest {
		t.Errorf("multicast: status = %d, want 400", res.status)
	}
	if got := len(s.Requests()); got != 0 {
		t.Errorf("recorded %d requests, want 0", got)
	}
	if got := len(s.Rejected()); got != 2 {
		t.Errorf("recorded %d rejections, want 2", got)
	}
}

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"สวัสดี", 6},
		{"😀", 2},
		{"a😀b", 4},
	}
	for _, tt := range tests {
		if got := utf16Len(tt.s); got != tt.want {
			t.Errorf("utf16Len(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}
