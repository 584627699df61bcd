package linefake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultDestination is the bot user id Webhook puts in "destination" when
// Webhook.Destination is empty.
const DefaultDestination = "U8e742f61d673b39c7fff3cecb7536ef0"

// Sign returns the X-Line-Signature LINE sends with body: the base64 of
// HMAC-SHA256 keyed with the channel secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Webhook plays the LINE platform calling the bot's webhook URL.
type Webhook struct {
	// URL is the bot's webhook endpoint.
	URL string
	// Secret is the channel secret used to sign bodies.
	Secret string
	// Client sends the requests; nil means http.DefaultClient.
	Client *http.Client
	// Destination is the bot's user id in the envelope; "" means
	// DefaultDestination.
	Destination string
}

// Payload returns the JSON body LINE would send for these events:
// {"destination": ..., "events": [...]}. No events gives "events": [], the
// body LINE uses to verify a webhook URL.
func (w Webhook) Payload(events ...Event) ([]byte, error) {
	dest := w.Destination
	if dest == "" {
		dest = DefaultDestination
	}
	if events == nil {
		events = []Event{}
	}
	body, err := json.Marshal(struct {
		Destination string  `json:"destination"`
		Events      []Event `json:"events"`
	}{dest, events})
	if err != nil {
		return nil, fmt.Errorf("linefake: encode webhook payload: %w", err)
	}
	return body, nil
}

// Post signs the events' payload and POSTs it to w.URL. The caller closes
// the response body.
func (w Webhook) Post(ctx context.Context, events ...Event) (*http.Response, error) {
	body, err := w.Payload(events...)
	if err != nil {
		return nil, err
	}
	return w.PostRaw(ctx, body)
}

// PostRaw signs body with w.Secret and POSTs it to w.URL with
// Content-Type: application/json and X-Line-Signature. The caller closes the
// response body. To send a bad signature, set a different Secret.
func (w Webhook) PostRaw(ctx context.Context, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("linefake: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Line-Signature", Sign(w.Secret, body))
	req.Header.Set("User-Agent", "LineBotWebhook/2.0")
	c := w.Client
	if c == nil {
		c = http.DefaultClient
	}
	return c.Do(req)
}

// Source is an event's "source" object. Build it with User, Group or Room.
type Source struct {
	Type    string `json:"type"`
	UserID  string `json:"userId,omitempty"`
	GroupID string `json:"groupId,omitempty"`
	RoomID  string `json:"roomId,omitempty"`
}

// User is a one-to-one chat with userID.
func User(userID string) Source { return Source{Type: "user", UserID: userID} }

// Group is a group chat; userID may be "" (LINE leaves userId out for users
// who have not agreed to its terms, and for join/leave events).
func Group(groupID, userID string) Source {
	return Source{Type: "group", GroupID: groupID, UserID: userID}
}

// Room is a multi-person chat; userID may be "".
func Room(roomID, userID string) Source { return Source{Type: "room", RoomID: roomID, UserID: userID} }

// ChatID is the id a reply or push to this chat goes to: the group or room
// id, else the user id.
func (s Source) ChatID() string {
	switch {
	case s.GroupID != "":
		return s.GroupID
	case s.RoomID != "":
		return s.RoomID
	default:
		return s.UserID
	}
}

// chatSource returns a group source for a "C..." id and a room source for an
// "R..." id, with no user.
func chatSource(chatID string) Source {
	if strings.HasPrefix(chatID, "R") {
		return Room(chatID, "")
	}
	return Group(chatID, "")
}

// Event is one webhook event object, in LINE's JSON shape. It is a map so
// that tests can add, change or drop any field; the builders give each
// event fresh nested values.
type Event map[string]any

// ID returns the webhookEventId, or "" if there is none.
func (e Event) ID() string { s, _ := e["webhookEventId"].(string); return s }

// ReplyToken returns the reply token, or "" for events that carry none.
func (e Event) ReplyToken() string { s, _ := e["replyToken"].(string); return s }

// Type returns the event type.
func (e Event) Type() string { s, _ := e["type"].(string); return s }

// Redeliver returns a copy of e as LINE redelivers it: same webhookEventId
// and reply token, deliveryContext.isRedelivery true. The copy is shallow
// except for deliveryContext.
func Redeliver(e Event) Event {
	c := maps.Clone(e)
	c["deliveryContext"] = map[string]any{"isRedelivery": true}
	return c
}

// WithoutID returns a shallow copy of e without webhookEventId, as older
// payloads and some SDK fixtures are.
func WithoutID(e Event) Event {
	c := maps.Clone(e)
	delete(c, "webhookEventId")
	return c
}

// Events builds webhook events. Built with a Server (Server.Events), it
// registers every reply token with that server for the event's chat, valid
// for ReplyTokenTTL from the server clock's now, so replies to the event are
// accepted and show up in Server.Texts. The zero value (Events{}) makes
// tokens no server knows, for webhook tests without a fake API.
type Events struct {
	Server *Server
}

// Events returns an event builder whose reply tokens s accepts.
func (s *Server) Events() Events { return Events{Server: s} }

func (f Events) token(chatID string) string {
	if f.Server != nil {
		return f.Server.IssueReplyTokenFor(chatID)
	}
	return randomHex(16)
}

func (f Events) base(typ string, src Source, ts time.Time) Event {
	if ts.IsZero() {
		ts = time.Now()
	}
	return Event{
		"type":            typ,
		"source":          src,
		"timestamp":       ts.UnixMilli(),
		"mode":            "active",
		"webhookEventId":  newULID(ts),
		"deliveryContext": map[string]any{"isRedelivery": false},
	}
}

func (f Events) withReply(typ string, src Source, ts time.Time) Event {
	e := f.base(typ, src, ts)
	e["replyToken"] = f.token(src.ChatID())
	return e
}

func (f Events) message(src Source, ts time.Time, msg map[string]any) Event {
	e := f.withReply("message", src, ts)
	msg["id"] = newMessageID()
	e["message"] = msg
	return e
}

// TextEvent is a text message from src.
func (f Events) TextEvent(src Source, text string, ts time.Time) Event {
	return f.message(src, ts, map[string]any{"type": "text", "text": text, "quoteToken": randomHex(16)})
}

// StickerEvent is a sticker message from src.
func (f Events) StickerEvent(src Source, packageID, stickerID string, ts time.Time) Event {
	return f.message(src, ts, map[string]any{
		"type": "sticker", "packageId": packageID, "stickerId": stickerID,
		"stickerResourceType": "STATIC", "quoteToken": randomHex(16),
	})
}

// ImageEvent is an image message from src, stored by LINE (contentProvider
// "line").
func (f Events) ImageEvent(src Source, ts time.Time) Event {
	return f.message(src, ts, map[string]any{
		"type": "image", "contentProvider": map[string]any{"type": "line"}, "quoteToken": randomHex(16),
	})
}

// LocationEvent is a location message from src.
func (f Events) LocationEvent(src Source, title, address string, lat, lng float64, ts time.Time) Event {
	return f.message(src, ts, map[string]any{
		"type": "location", "title": title, "address": address, "latitude": lat, "longitude": lng,
	})
}

// FileEvent is a file message from src.
func (f Events) FileEvent(src Source, fileName string, fileSize int64, ts time.Time) Event {
	return f.message(src, ts, map[string]any{"type": "file", "fileName": fileName, "fileSize": fileSize})
}

// PostbackEvent is a postback from src; params (datetime picker results and
// the like) is left out when empty.
func (f Events) PostbackEvent(src Source, data string, params map[string]string, ts time.Time) Event {
	e := f.withReply("postback", src, ts)
	pb := map[string]any{"data": data}
	if len(params) > 0 {
		pb["params"] = maps.Clone(params)
	}
	e["postback"] = pb
	return e
}

// FollowEvent is src adding the bot as a friend (isUnblocked false).
func (f Events) FollowEvent(src Source, ts time.Time) Event {
	e := f.withReply("follow", src, ts)
	e["follow"] = map[string]any{"isUnblocked": false}
	return e
}

// UnfollowEvent is src blocking the bot; it has no reply token.
func (f Events) UnfollowEvent(src Source, ts time.Time) Event {
	return f.base("unfollow", src, ts)
}

// JoinEvent is the bot joining a group ("C...") or room ("R...").
func (f Events) JoinEvent(groupID string, ts time.Time) Event {
	return f.withReply("join", chatSource(groupID), ts)
}

// LeaveEvent is the bot being removed from a group or room; no reply token.
func (f Events) LeaveEvent(groupID string, ts time.Time) Event {
	return f.base("leave", chatSource(groupID), ts)
}

func members(userIDs []string) map[string]any {
	list := make([]Source, len(userIDs))
	for i, id := range userIDs {
		list[i] = User(id)
	}
	return map[string]any{"members": list}
}

// MemberJoinedEvent is users joining a group or room the bot is in.
func (f Events) MemberJoinedEvent(groupID string, ts time.Time, userIDs ...string) Event {
	e := f.withReply("memberJoined", chatSource(groupID), ts)
	e["joined"] = members(userIDs)
	return e
}

// MemberLeftEvent is users leaving a group or room; no reply token.
func (f Events) MemberLeftEvent(groupID string, ts time.Time, userIDs ...string) Event {
	e := f.base("memberLeft", chatSource(groupID), ts)
	e["left"] = members(userIDs)
	return e
}

// UnknownEvent is an event of a type the SDK does not know (it decodes to
// webhook.UnknownEvent), with extra top-level fields merged in. An empty typ
// leaves "type" out, which makes the SDK reject the whole request.
func (f Events) UnknownEvent(typ string, src Source, ts time.Time, fields map[string]any) Event {
	e := f.base(typ, src, ts)
	if typ == "" {
		delete(e, "type")
	}
	maps.Copy(e, fields)
	return e
}

// ---- ids ----

var messageIDs atomic.Int64

func init() { messageIDs.Store(int64(randomUint32()) << 20) }

// newMessageID returns a numeric message id, unique in this process.
func newMessageID() string { return strconv.FormatInt(messageIDs.Add(1), 10) }

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// newULID returns a ULID for time t: 48 bits of Unix milliseconds and 80
// random bits, 26 characters of Crockford base32.
func newULID(t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(t.UnixMilli())<<16)
	_, _ = rand.Read(b[6:])
	hi := binary.BigEndian.Uint64(b[0:8])
	lo := binary.BigEndian.Uint64(b[8:16])
	var out [26]byte
	for i := range out {
		shift := uint(125 - 5*i)
		var v uint64
		switch {
		case shift >= 64:
			v = hi >> (shift - 64)
		case shift == 0:
			v = lo
		default:
			v = lo>>shift | hi<<(64-shift)
		}
		out[i] = crockford[v&31]
	}
	return string(out[:])
}
