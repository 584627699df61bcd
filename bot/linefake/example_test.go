package linefake_test

import (
	"fmt"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/sammachip/sammachip/bot/linefake"
)

// Example shows the usual wiring: the SDK client points at the fake, a
// webhook event built by the fake carries a reply token the fake accepts,
// and a message LINE would refuse is refused with the reason recorded.
func Example() {
	fake := linefake.New()
	defer fake.Close()
	url := fake.Start()
	api, _ := messaging_api.NewMessagingApiAPI("token", messaging_api.WithEndpoint(url))

	ev := fake.Events().TextEvent(linefake.User("Ualice"), "hello", time.Now())
	// A bot test would post ev to the bot with linefake.Webhook; here the
	// reply is sent directly.
	_, err := api.ReplyMessage(&messaging_api.ReplyMessageRequest{
		ReplyToken: ev.ReplyToken(),
		Messages:   []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: "Hi Alice"}},
	})
	fmt.Println("reply error:", err)

	_, err = api.PushMessage(&messaging_api.PushMessageRequest{
		To:       "Ualice",
		Messages: []messaging_api.MessageInterface{&messaging_api.TextMessage{Text: ""}},
	}, "")
	fmt.Println("empty push refused:", err != nil)

	fmt.Println(fake.Texts("Ualice"))
	for _, r := range fake.Rejected() {
		fmt.Println(r.Status, r.Reason)
	}
	// Output:
	// reply error: <nil>
	// empty push refused: true
	// [Hi Alice]
	// 400 The request body has 1 error(s); messages[0].text: May not be empty
}
