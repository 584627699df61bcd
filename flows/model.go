package flows

import (
	"fmt"
	"time"
)

// Village is one village (หมู่บ้าน) in the programme. Villages are
// identified by their number (หมู่ที่), unique within one district's
// programme.
type Village struct {
	Moo        int    `json:"moo"`
	Name       string `json:"name"`
	Tambon     string `json:"tambon"`
	Occupation string `json:"occupation"`
	// Capacity is how many target households it trains (default 20).
	Capacity int `json:"capacity"`
	// LeadSageID is the village's lead livelihood sage (ปราชญ์สัมมาชีพ).
	LeadSageID string    `json:"leadSageId,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
}

// DefaultCapacity is the number of target households per village.
const DefaultCapacity = 20

// VillageKey is the store key of village moo; keys sort by number.
func VillageKey(moo int) string { return fmt.Sprintf("%03d", moo) }

// GetVillage reads a village.
func GetVillage(tx Tx, moo int) (Village, bool, error) {
	var v Village
	ok, err := tx.Get(BucketVillages, VillageKey(moo), &v)
	return v, ok, err
}

// ListVillages returns every village in number order.
func ListVillages(tx Tx) ([]Village, error) {
	var out []Village
	err := tx.Scan(BucketVillages, "", func(_ string, decode func(any) error) error {
		var v Village
		if err := decode(&v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// IsOfficer reports whether the LINE user is an officer.
func IsOfficer(tx Tx, userID string) (bool, error) {
	if userID == "" {
		return false, nil
	}
	u, ok, err := getUser(tx, userID)
	if err != nil || !ok {
		return false, err
	}
	return u.Officer, nil
}

// Forbidden is the error for an action the user may not take; the user is
// told key (a polite refusal) and nothing changes.
func Forbidden(op, key string) error { return &Error{Kind: KindForbidden, Key: key, Op: op} }

// Invalid is the error for a request that cannot be done as asked.
func Invalid(op, key string) error { return &Error{Kind: KindInvalid, Key: key, Op: op} }

// Conflict is the error for a request that clashes with what is stored.
func Conflict(op, key string) error { return &Error{Kind: KindConflict, Key: key, Op: op} }

// NotFound is the error for something that does not exist (any more).
func NotFound(op, key string) error { return &Error{Kind: KindNotFound, Key: key, Op: op} }
