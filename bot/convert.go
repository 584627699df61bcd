package bot

import (
	"encoding/json"
	"time"

	"github.com/line/line-bot-sdk-go/v8/linebot/webhook"

	"github.com/sammachip/sammachip/flows"
)

// decoded is an event reduced to what the worker needs.
type decoded struct {
	in         flows.Input
	replyToken string
}

// toInput turns a decoded SDK event into the domain's input. Events the bot
// does not act on become flows.InputOther. The SDK decodes events as
// values, never pointers.
func toInput(ev webhook.EventInterface, loc *time.Location) decoded {
	var d decoded
	var src webhook.SourceInterface
	var ts int64
	switch e := ev.(type) {
	case webhook.MessageEvent:
		src, ts, d.replyToken = e.Source, e.Timestamp, e.ReplyToken
		switch m := e.Message.(type) {
		case webhook.TextMessageContent:
			d.in.Kind = flows.InputText
			d.in.Text = m.Text
		case webhook.FileMessageContent:
			// A file (an officer's import): its content is fetched by the
			// worker, outside the transaction, when flows.WantsFile says so.
			d.in.Kind = flows.InputFile
			d.in.File = &flows.FileIn{MessageID: m.Id, Name: m.FileName, Size: int64(m.FileSize)}
		}
	case webhook.PostbackEvent:
		src, ts, d.replyToken = e.Source, e.Timestamp, e.ReplyToken
		d.in.Kind = flows.InputPostback
		if e.Postback != nil {
			d.in.Data = e.Postback.Data
			if len(e.Postback.Params) > 0 {
				d.in.Params = e.Postback.Params
			}
		}
	case webhook.FollowEvent:
		src, ts, d.replyToken = e.Source, e.Timestamp, e.ReplyToken
		d.in.Kind = flows.InputFollow
	case webhook.UnfollowEvent:
		src, ts = e.Source, e.Timestamp
		d.in.Kind = flows.InputUnfollow
	case webhook.JoinEvent:
		src, ts, d.replyToken = e.Source, e.Timestamp, e.ReplyToken
		d.in.Kind = flows.InputJoin
	case webhook.LeaveEvent:
		src, ts = e.Source, e.Timestamp
		d.in.Kind = flows.InputLeave
	case webhook.UnknownEvent:
		// A type this SDK does not know (e.g. a newer one): read the common
		// fields ourselves so a 1:1 chat still gets a short answer.
		var head struct {
			Timestamp  int64           `json:"timestamp"`
			ReplyToken string          `json:"replyToken"`
			Source     json.RawMessage `json:"source"`
		}
		if raw, err := json.Marshal(e.Raw); err == nil && json.Unmarshal(raw, &head) == nil {
			ts, d.replyToken = head.Timestamp, head.ReplyToken
			if s, err := webhook.UnmarshalSource(head.Source); err == nil {
				src = s
			}
		}
	default:
		// Types the bot has nothing to say to (members joining or leaving a
		// group, unsent messages, beacons, things, memberships…).
		return d
	}
	switch s := src.(type) {
	case webhook.UserSource:
		d.in.UserID = s.UserId
	case webhook.GroupSource:
		d.in.GroupID, d.in.UserID = s.GroupId, s.UserId
	case webhook.RoomSource:
		d.in.GroupID, d.in.UserID = s.RoomId, s.UserId
	}
	d.in.At = time.UnixMilli(ts).In(loc)
	return d
}

// ignored reports whether an input needs no handling at all (no chat to
// answer and nothing to record).
func ignored(d decoded) bool {
	return d.in.UserID == "" && d.in.GroupID == ""
}
