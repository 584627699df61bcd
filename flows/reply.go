package flows

import "github.com/sammachip/sammachip/locales"

// Msg is user-facing text: a locale key and its arguments. The edge renders
// it in the reader's language.
type Msg struct {
	Key  string         `json:"key"`
	Args map[string]any `json:"args,omitempty"`
}

// T builds a Msg from a key and alternating argument names and values:
// T("conv.page", "Page", 1, "Pages", 3).
func T(key string, kv ...any) Msg {
	m := Msg{Key: key}
	if len(kv) > 1 {
		m.Args = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			name, _ := kv[i].(string)
			m.Args[name] = kv[i+1]
		}
	}
	return m
}

// Ref lets a Msg be the argument of another Msg.
func (m Msg) Ref() locales.Ref { return locales.Ref{Key: m.Key, Args: m.Args} }

// Action is what a button does when tapped.
type Action struct {
	Label Msg
	// Data is the postback data sent back when tapped (at most 300 bytes).
	Data string
	// Say, when set, is shown in the chat as the user's own words on a tap
	// (a postback's display text). Typed-command buttons set it so the chat
	// reads naturally.
	Say *Msg
	// Picker, when set ("date", "time" or "datetime"), opens LINE's
	// date-time picker; the answer arrives as a postback with Data.
	Picker  string
	Initial string
	Min     string
	Max     string
	// URI, when set, makes the button open this http(s) address (LINE's
	// uri action, e.g. a report download link) instead of sending a
	// postback; Data and Say are then unused.
	URI string
}

// Style says how a reply should look. The edge picks the LINE message type
// that fits the style and LINE's limits.
type Style int

// Reply styles.
const (
	// StylePlain is text, with its buttons (if any) under it.
	StylePlain Style = iota
	// StyleConfirm is a yes/no question with exactly two buttons.
	StyleConfirm
	// StyleCard is a titled card of label/value rows with buttons, such as
	// the summary before saving.
	StyleCard
	// StyleList is a list of items, each a button; the edge pages it when it
	// is longer than one message can hold.
	StyleList
	// StyleBars is a titled card of label/value rows (Fields) followed by
	// Bars: rows each with a bar drawn to a percentage against a target
	// mark, as the indicators card draws each village's practising
	// households against 85%. The flow pages bars (at most MaxBars a
	// message); the edge draws them with boxes, no images.
	StyleBars
)

// MaxBars is how many bars one StyleBars reply may hold: twenty rows keep
// one card well inside LINE's size limit for a bubble.
const MaxBars = 20

// Bar is one row of a StyleBars reply.
type Bar struct {
	// Label names the row (a village); Value is its figure in words, shown
	// beside it ("88.2%", or a dash when there is none); Detail is a
	// smaller line under the bar.
	Label  Msg
	Value  Msg
	Detail *Msg
	// Percent fills the bar, 0–100; with Known false the bar is an empty
	// track (no figure yet).
	Percent float64
	Known   bool
	// Target, when above 0, draws a mark across the bar at that
	// percentage; a bar that reaches it is drawn in the colour of a target
	// met.
	Target float64
}

// Field is one row of a card.
type Field struct {
	Label Msg
	Value Msg
}

// Row is one item of a list: a line of text, a smaller line under it, and
// optionally what tapping the row does.
type Row struct {
	Title  Msg
	Detail *Msg
	Tap    *Action
}

// Reply is one message for a chat, in the abstract: the edge renders it.
type Reply struct {
	Style  Style
	Title  *Msg
	Text   Msg
	Fields []Field
	// Rows are the items of a StyleList reply; the edge pages them.
	Rows []Row
	// Bars are the rows of a StyleBars reply, under its Fields.
	Bars    []Bar
	Buttons []Action
	// Quick are quick-reply chips shown under the message (at most 13).
	Quick []Action
	// Other, when set on the last reply of an answer, is the postback
	// that free text typed next stands for: the reply asked a question
	// that any words answer (why one cannot attend), not only its chips.
	Other string
}

// Push is a message the bot sends on its own (not as an answer). Pushes
// cost money: LINE counts each recipient against the monthly quota.
type Push struct {
	To      string
	Lang    locales.Lang
	Replies []Reply
	// Purpose names the push for the metrics and the ledger (e.g.
	// "approval", "reminder").
	Purpose string
}

// Outcome is everything one input causes the bot to say.
type Outcome struct {
	// Lang is the language of the chat the input came from.
	Lang locales.Lang
	// Replies answer the input with its reply token (free).
	Replies []Reply
	// Pushes go to other chats.
	Pushes []Push
	// Codes are the codes typed and what became of them, for the
	// metrics: kinds and results only, never a code or who typed it.
	Codes []CodeAttempt
}

// Say appends replies to the outcome.
func (o *Outcome) Say(r ...Reply) { o.Replies = append(o.Replies, r...) }

// Text is a plain reply with optional quick replies.
func Text(m Msg, quick ...Action) Reply { return Reply{Text: m, Quick: quick} }
