package linefake

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

const sdkToken = "test-channel-token"

// sdkClients builds the bot's two SDK clients against one fake URL, as the
// bot will.
func sdkClients(t *testing.T, opts ...Option) (*Server, *messaging_api.MessagingApiAPI, *messaging_api.MessagingApiBlobAPI) {
	t.Helper()
	s, url := start(t, append([]Option{WithAccessToken(sdkToken)}, opts...)...)
	api, err := messaging_api.NewMessagingApiAPI(sdkToken, messaging_api.WithEndpoint(url))
	if err != nil {
		t.Fatal(err)
	}
	blob, err := messaging_api.NewMessagingApiBlobAPI(sdkToken, messaging_api.WithBlobEndpoint(url))
	if err != nil {
		t.Fatal(err)
	}
	return s, api, blob
}

func sdkQuickReply(withType bool) *messaging_api.QuickReply {
	item := func(a messaging_api.ActionInterface) messaging_api.QuickReplyItem {
		it := messaging_api.QuickReplyItem{Action: a}
		if withType {
			it.Type = "action"
		}
		return it
	}
	return &messaging_api.QuickReply{Items: []messaging_api.QuickReplyItem{
		item(&messaging_api.PostbackAction{Label: "Yes", Data: "answer=yes", DisplayText: "Yes"}),
		item(&messaging_api.MessageAction{Label: "No", Text: "No"}),
		item(&messaging_api.DatetimePickerAction{Label: "Pick a day", Data: "pick", Mode: messaging_api.DatetimePickerActionMODE_DATE}),
		item(&messaging_api.LocationAction{Label: "Location"}),
	}}
}

func TestSDKReplyQuickReply(t *testing.T) {
	s, api, _ := sdkClients(t)

	t.Run("item with Type action is accepted", func(t *testing.T) {
		_, err := api.ReplyMessage(&messaging_api.ReplyMessageRequest{
			ReplyToken: s.IssueReplyTokenFor("Ualice"),
			Messages:   []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "Choose", QuickReply: sdkQuickReply(true)}},
		})
		if err != nil {
			logRejections(t, s)
			t.Fatalf("ReplyMessage: %v", err)
		}
	})
	t.Run("item without Type is rejected", func(t *testing.T) {
		res, _, err := api.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{
			ReplyToken: s.IssueReplyTokenFor("Ualice"),
			Messages:   []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "Choose", QuickReply: sdkQuickReply(false)}},
		})
		if err == nil || res.StatusCode != http.StatusBadRequest {
			t.Fatalf("err = %v, want a 400", err)
		}
		if !strings.Contains(err.Error(), "messages[0].quickReply.items[0].type") {
			t.Errorf("error %q does not name the item type", err)
		}
	})
	if got := s.Texts("Ualice"); !slices.Equal(got, []string{"Choose"}) {
		t.Errorf("Texts = %q", got)
	}
}

func TestSDKMessageShapes(t *testing.T) {
	s, api, _ := sdkClients(t)
	buttons := &messaging_api.TemplateMessage{
		AltText: "Visit",
		Template: &messaging_api.ButtonsTemplate{
			Title: "Home visit",
			Text:  "Record today's visit?",
			Actions: []messaging_api.ActionInterface{
				&messaging_api.PostbackAction{Label: "Record", Data: "visit=1", DisplayText: "Record"},
				&messaging_api.UriAction{Label: "Open", Uri: "https://example.com/v/1"},
				&messaging_api.MessageAction{Label: "Later", Text: "later"},
			},
		},
	}
	confirm := &messaging_api.TemplateMessage{
		AltText: "Sure?",
		Template: &messaging_api.ConfirmTemplate{
			Text: "Sure?",
			Actions: []messaging_api.ActionInterface{
				&messaging_api.PostbackAction{Label: "Yes", Data: "yes"},
				&messaging_api.PostbackAction{Label: "No", Data: "no"},
			},
		},
	}
	bubble := &messaging_api.FlexBubble{
		Body: &messaging_api.FlexBox{
			Layout: messaging_api.FlexBoxLAYOUT_VERTICAL,
			Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexText{Text: "Summary", Weight: messaging_api.FlexTextWEIGHT_BOLD},
				&messaging_api.FlexSeparator{},
				&messaging_api.FlexBox{
					Layout: messaging_api.FlexBoxLAYOUT_HORIZONTAL,
					Contents: []messaging_api.FlexComponentInterface{
						&messaging_api.FlexText{Text: "Visits"},
						&messaging_api.FlexText{Text: "12", Align: messaging_api.FlexTextALIGN_END},
					},
				},
			},
		},
		Footer: &messaging_api.FlexBox{
			Layout: messaging_api.FlexBoxLAYOUT_VERTICAL,
			Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexButton{
					Style:  messaging_api.FlexButtonSTYLE_PRIMARY,
					Action: &messaging_api.PostbackAction{Label: "Details", Data: "details"},
				},
			},
		},
	}
	flex := &messaging_api.FlexMessage{AltText: "Summary", Contents: bubble}
	carousel := &messaging_api.FlexMessage{AltText: "Cards", Contents: &messaging_api.FlexCarousel{
		Contents: []messaging_api.FlexBubble{*bubble, *bubble},
	}}

	res, body, err := api.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{
		To:       "Cvillage",
		Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "Hello"}, buttons, confirm, flex, carousel},
	}, key1)
	if err != nil {
		logRejections(t, s)
		t.Fatalf("PushMessage: %v", err)
	}
	if len(body.SentMessages) != 5 || res.Header.Get("X-Line-Request-Id") == "" {
		t.Errorf("answer %+v, request id %q", body, res.Header.Get("X-Line-Request-Id"))
	}
	want := []string{"Hello", "Visit", "Sure?", "Summary", "Cards"}
	if got := s.Texts("Cvillage"); !slices.Equal(got, want) {
		t.Errorf("Texts = %q, want %q", got, want)
	}

	// The retry of the same push is refused with the accepted id.
	res, _, err = api.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{
		To: "Cvillage", Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "Hello"}},
	}, key1)
	if err == nil || res.StatusCode != http.StatusConflict {
		t.Fatalf("retry: err = %v, want 409", err)
	}
	if got, want := res.Header.Get("X-Line-Accepted-Request-Id"), s.Sent(KindPush)[0].ID; got != want {
		t.Errorf("accepted id = %q, want %q", got, want)
	}

	// The SDK always sends X-Line-Retry-Key; empty means none.
	if _, err := api.PushMessage(&messaging_api.PushMessageRequest{
		To: "Ualice", Messages: []messaging_api.MessageInterface{&messaging_api.StickerMessage{PackageId: "446", StickerId: "1988"}},
	}, ""); err != nil {
		t.Errorf("push without retry key: %v", err)
	}

	if _, err := api.Multicast(&messaging_api.MulticastRequest{
		To: []string{"Ualice", "Ubob"}, Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "All"}},
	}, "5f0b7c1e-9a61-4d8e-8f57-3f1a2b6c9d10"); err != nil {
		t.Errorf("Multicast: %v", err)
	}
	if _, err := api.Multicast(&messaging_api.MulticastRequest{
		To: []string{"Cvillage"}, Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "All"}},
	}, ""); err == nil {
		t.Error("multicast to a group was accepted")
	}
}

func TestSDKRejectsLimits(t *testing.T) {
	s, api, _ := sdkClients(t)
	tests := []struct {
		name string
		msgs []messaging_api.MessageInterface
	}{
		{"text 5001", []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: strings.Repeat("a", 5001)}}},
		{"six messages", slices.Repeat([]messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "x"}}, 6)},
		{"buttons 5 actions", []messaging_api.MessageInterface{&messaging_api.TemplateMessage{AltText: "a", Template: &messaging_api.ButtonsTemplate{
			Text: "b", Actions: slices.Repeat([]messaging_api.ActionInterface{&messaging_api.MessageAction{Label: "l", Text: "t"}}, 5)}}}},
		{"postback data 301", []messaging_api.MessageInterface{&messaging_api.TemplateMessage{AltText: "a", Template: &messaging_api.ConfirmTemplate{
			Text: "c", Actions: []messaging_api.ActionInterface{
				&messaging_api.PostbackAction{Label: "y", Data: strings.Repeat("d", 301)},
				&messaging_api.PostbackAction{Label: "n", Data: "n"}}}}}},
		{"flex button without label", []messaging_api.MessageInterface{&messaging_api.FlexMessage{AltText: "a", Contents: &messaging_api.FlexBubble{
			Body: &messaging_api.FlexBox{Layout: messaging_api.FlexBoxLAYOUT_VERTICAL, Contents: []messaging_api.FlexComponentInterface{
				&messaging_api.FlexButton{Action: &messaging_api.PostbackAction{Data: "d"}}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _, err := api.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{To: "Ualice", Messages: tt.msgs}, "")
			if err == nil {
				t.Fatal("accepted, want 400")
			}
			if res == nil || res.StatusCode != http.StatusBadRequest {
				t.Fatalf("err = %v, want 400", err)
			}
		})
	}
	if n := len(s.Sent(KindPush)); n != 0 {
		t.Errorf("%d pushes recorded, want 0", n)
	}
}

func TestSDKProfileAndQuota(t *testing.T) {
	s, api, _ := sdkClients(t, WithQuota(300))
	s.SetProfile("Ualice", "Alice", "th")

	p, err := api.GetProfile("Ualice")
	if err != nil || p.DisplayName != "Alice" || p.Language != "th" || p.UserId != "Ualice" {
		t.Errorf("GetProfile = %+v, %v", p, err)
	}
	gp, err := api.GetGroupMemberProfile("Cvillage", "Ualice")
	if err != nil || gp.DisplayName != "Alice" {
		t.Errorf("GetGroupMemberProfile = %+v, %v", gp, err)
	}
	if _, err := api.GetProfile("Unobody"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("unknown profile: err = %v, want 404", err)
	}
	q, err := api.GetMessageQuota()
	if err != nil || q.Type != messaging_api.QuotaType_LIMITED || q.Value != 300 {
		t.Errorf("GetMessageQuota = %+v, %v", q, err)
	}
	if _, err := api.PushMessage(&messaging_api.PushMessageRequest{To: "Ualice", Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "x"}}}, ""); err != nil {
		t.Fatal(err)
	}
	c, err := api.GetMessageQuotaConsumption()
	if err != nil || c.TotalUsage != 1 {
		t.Errorf("GetMessageQuotaConsumption = %+v, %v", c, err)
	}
}

func TestSDKWrongToken(t *testing.T) {
	_, url := start(t, WithAccessToken("right"))
	api, err := messaging_api.NewMessagingApiAPI("wrong", messaging_api.WithEndpoint(url))
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := api.GetMessageQuotaWithHttpInfo()
	if err == nil || res.StatusCode != http.StatusUnauthorized {
		t.Errorf("err = %v, want 401", err)
	}
}

func TestSDKRichMenu(t *testing.T) {
	s, api, blob := sdkClients(t)
	req := &messaging_api.RichMenuRequest{
		Size:        &messaging_api.RichMenuSize{Width: 2500, Height: 843},
		Selected:    true,
		Name:        "main",
		ChatBarText: "Menu",
		Areas: []messaging_api.RichMenuArea{
			{Bounds: &messaging_api.RichMenuBounds{X: 0, Y: 0, Width: 1250, Height: 843}, Action: &messaging_api.PostbackAction{Data: "menu=visit"}},
			{Bounds: &messaging_api.RichMenuBounds{X: 1250, Y: 0, Width: 1250, Height: 843}, Action: &messaging_api.RichMenuSwitchAction{RichMenuAliasId: "page-2", Data: "page=2"}},
		},
	}
	if _, err := api.ValidateRichMenuObject(req); err != nil {
		t.Fatalf("ValidateRichMenuObject: %v", err)
	}
	created, err := api.CreateRichMenu(req)
	if err != nil {
		logRejections(t, s)
		t.Fatalf("CreateRichMenu: %v", err)
	}
	id := created.RichMenuId
	if _, err := api.SetDefaultRichMenu(id); err == nil {
		t.Error("SetDefaultRichMenu before the image was accepted")
	}
	if _, err := blob.SetRichMenuImage(id, "image/png", bytes.NewReader(pngImage(t, 2500, 843))); err != nil {
		t.Fatalf("SetRichMenuImage: %v", err)
	}
	if _, err := blob.SetRichMenuImage(id, "image/png", bytes.NewReader(pngImage(t, 2500, 843))); err == nil {
		t.Error("second SetRichMenuImage accepted")
	}
	if _, err := api.SetDefaultRichMenu(id); err != nil {
		t.Errorf("SetDefaultRichMenu: %v", err)
	}
	if _, err := api.LinkRichMenuIdToUser("Ualice", id); err != nil {
		t.Errorf("LinkRichMenuIdToUser: %v", err)
	}
	if got, err := api.GetRichMenuIdOfUser("Ualice"); err != nil || got.RichMenuId != id {
		t.Errorf("GetRichMenuIdOfUser = %+v, %v", got, err)
	}
	if _, err := api.CreateRichMenuAlias(&messaging_api.CreateRichMenuAliasRequest{RichMenuAliasId: "page-1", RichMenuId: id}); err != nil {
		t.Errorf("CreateRichMenuAlias: %v", err)
	}
	list, err := api.GetRichMenuList()
	if err != nil || len(list.Richmenus) != 1 || list.Richmenus[0].RichMenuId != id || len(list.Richmenus[0].Areas) != 2 {
		t.Errorf("GetRichMenuList = %+v, %v", list, err)
	}
	res, _, err := api.CreateRichMenuWithHttpInfo(&messaging_api.RichMenuRequest{
		Size: &messaging_api.RichMenuSize{Width: 2500, Height: 843}, Name: "x", ChatBarText: "Menu that is too long",
		Areas: req.Areas,
	})
	if err == nil || res.StatusCode != http.StatusBadRequest {
		t.Errorf("chat bar text 21: err = %v, want 400", err)
	}
	if _, err := api.UnlinkRichMenuIdFromUser("Ualice"); err != nil {
		t.Errorf("UnlinkRichMenuIdFromUser: %v", err)
	}
	if _, err := api.DeleteRichMenu(id); err != nil {
		t.Errorf("DeleteRichMenu: %v", err)
	}
	if s.DefaultRichMenu() != "" || len(s.RichMenuIDs()) != 0 {
		t.Error("menu still present after delete")
	}
	var nf *http.Response
	nf, _, err = api.GetRichMenuWithHttpInfo(id)
	if err == nil || nf.StatusCode != http.StatusNotFound {
		t.Errorf("GetRichMenu after delete: err = %v", errors.Unwrap(err))
	}
}
