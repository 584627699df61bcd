package flows

import (
	"time"

	"github.com/sammachip/sammachip/locales"
)

// User is a LINE user the bot has met.
type User struct {
	ID   string       `json:"id"`
	Lang locales.Lang `json:"lang"`
	// Active is false once the user blocked (unfollowed) the bot: nothing is
	// pushed to an inactive user.
	Active       bool      `json:"active"`
	FollowedAt   time.Time `json:"followedAt,omitzero"`
	UnfollowedAt time.Time `json:"unfollowedAt,omitzero"`
	// LangChosen is true when the user picked the language themselves; the
	// profile's language no longer overrides it.
	LangChosen bool `json:"langChosen,omitempty"`
	// Officer is set when the user redeemed an officer code.
	Officer      bool      `json:"officer,omitempty"`
	OfficerSince time.Time `json:"officerSince,omitzero"`
	// Name is how the bot names the user to others (an officer's name on
	// decisions they made); empty until the user gives it.
	Name string `json:"name,omitempty"`
}

// Group is a LINE group or room the bot is in.
type Group struct {
	ID       string    `json:"id"`
	JoinedAt time.Time `json:"joinedAt"`
	// Gone is true once the bot left or was removed.
	Gone   bool      `json:"gone"`
	LeftAt time.Time `json:"leftAt,omitzero"`
	// Bound is true for an officers' group: an officer typed ผูกกลุ่ม /
	// bind in it, so it receives approvals and the daily summary. The bot
	// leaving the group unbinds it.
	Bound   bool      `json:"bound,omitempty"`
	BoundBy string    `json:"boundBy,omitempty"` // the officer's LINE user id
	BoundAt time.Time `json:"boundAt,omitzero"`
}

func getUser(tx Tx, id string) (User, bool, error) {
	u, ok, err := tx.Users().Get(id)
	return u, ok, err
}

// userLang returns the language to talk to a user in: the stored one, or the
// profile's first guess, or Thai.
func userLang(tx Tx, in Input) (locales.Lang, error) {
	if in.UserID == "" {
		return locales.Thai, nil
	}
	u, ok, err := getUser(tx, in.UserID)
	if err != nil {
		return locales.Thai, err
	}
	if ok && u.Lang != "" {
		return u.Lang, nil
	}
	if in.ProfileLang != "" {
		return locales.ParseLang(in.ProfileLang), nil
	}
	return locales.Thai, nil
}

// DisplayName is how an officer's tool names a LINE user or group: the
// household head's name, the sage's name, the user's own name, or, for
// someone the bot knows nothing about, a short pseudonym (never the id).
func DisplayName(tx Tx, id string) string {
	if h, ok, err := HouseholdOfUser(tx, id); err == nil && ok {
		return h.HeadName
	}
	if s, ok, err := GetSage(tx, id); err == nil && ok && s.Name != "" {
		return s.Name
	}
	if u, ok, err := getUser(tx, id); err == nil && ok && u.Name != "" {
		return u.Name
	}
	if len(id) > 6 {
		return id[:1] + "…" + id[len(id)-4:]
	}
	return id
}
