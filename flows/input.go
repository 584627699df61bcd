package flows

import "time"

// InputKind says what happened in LINE.
type InputKind int

// Input kinds. Other covers images, stickers, locations and event
// types the bot does not act on.
const (
	InputOther InputKind = iota
	InputText
	InputPostback
	InputFollow
	InputUnfollow
	InputJoin
	InputLeave
	// InputFile is a file sent in a chat (File says which, and holds its
	// content when the edge fetched it).
	InputFile
)

// Input is one LINE event, reduced to what the domain needs.
type Input struct {
	Kind InputKind
	// UserID is the sender. In a group it is empty for users who have not
	// agreed to LINE's terms.
	UserID string
	// GroupID is the group or room id; empty in a 1:1 chat.
	GroupID string
	Text    string
	// Data is a postback's data; Params holds a date-time picker's answer
	// (keys date, time, datetime).
	Data   string
	Params map[string]string
	// ProfileLang is the language of the user's LINE profile when the edge
	// knows it (a first guess for the user's language).
	ProfileLang string
	// At is when the event happened, in the programme's time zone.
	At time.Time
	// File is a file message's name, size and content (InputFile).
	File *FileIn
}

// FileIn is a file sent in a chat. The edge fetches Data before the
// event's transaction, only when WantsFile says so; Failed says it tried
// and could not. Its content is never logged.
type FileIn struct {
	MessageID string
	Name      string
	Size      int64
	Data      []byte
	Failed    bool
}

// ChatID is where answers to this input go: the group, or the user.
func (in Input) ChatID() string {
	if in.GroupID != "" {
		return in.GroupID
	}
	return in.UserID
}

// InGroup reports whether the input came from a group or room.
func (in Input) InGroup() bool { return in.GroupID != "" }
