package flows

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Village is one village (หมู่บ้าน) taking part in one round of the
// programme. A village is identified in the district by its sub-district
// and number (ตำบล + หมู่): every district repeats หมู่ numbers across its
// ตำบล, so the number alone names nothing. Inside the program a village is
// its ID, unique across rounds: households, days, attendance, teams and
// reminders all hang off it, so a later round's village with the same
// ตำบล and หมู่ is another record and this round's stays as it was.
type Village struct {
	ID    int `json:"id"`
	Round int `json:"round"`
	// Moo is the village number (หมู่ที่), Tambon its sub-district: together
	// unique within a round.
	Moo        int    `json:"moo"`
	Name       string `json:"name"`
	Tambon     string `json:"tambon"`
	Occupation string `json:"occupation"`
	// Capacity is how many target households it trains (default 20).
	Capacity int `json:"capacity"`
	// LeadSageID is the village's lead livelihood sage (ปราชญ์สัมมาชีพ).
	LeadSageID string `json:"leadSageId,omitempty"`
	// Team is the village's team of sages as it was when its round ended,
	// lead first (LINE user ids); while the round is current the team is
	// read from the sages' TeamVillage.
	Team    []string  `json:"team,omitempty"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// DefaultCapacity is the number of target households per village.
const DefaultCapacity = 20

// SamePlace reports whether v is the place หมู่ moo, ตำบล tambon (names
// compared as people type them). An unknown ตำบล ("") matches any: a
// record made before villages had one names its หมู่ alone.
func (v Village) SamePlace(moo int, tambon string) bool {
	return v.Moo == moo && (tambon == "" || TambonKey(v.Tambon) == TambonKey(tambon))
}

// TambonKey is a sub-district's name as compared: without "ต."/"ตำบล",
// spaces and case, so "ต.หนองแวง" and "หนองแวง " are one ตำบล.
func TambonKey(s string) string {
	t, ok := ParseTambon(s)
	if !ok {
		t = strings.TrimSpace(s)
	}
	return strings.ToLower(strings.Join(strings.Fields(t), ""))
}

// GetVillage reads a village by id.
func GetVillage(tx Tx, id int) (Village, bool, error) {
	if id <= 0 {
		return Village{}, false, nil
	}
	return tx.Villages().Get(id)
}

// AllVillages returns the villages of every round, by ตำบล and หมู่.
func AllVillages(tx Tx) ([]Village, error) {
	var out []Village
	err := tx.Villages().Each(func(_ int, v Village) error {
		out = append(out, v)
		return nil
	})
	sortVillages(out)
	return out, err
}

// RoundVillages returns the villages of round, by ตำบล and หมู่.
func RoundVillages(tx Tx, round int) ([]Village, error) {
	all, err := AllVillages(tx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, v := range all {
		if v.Round == round {
			out = append(out, v)
		}
	}
	return out, nil
}

// ListVillages returns the villages of the current round, by ตำบล and
// หมู่: the ones new applications, selection and schedules go to.
func ListVillages(tx Tx) ([]Village, error) {
	r, err := CurrentRound(tx)
	if err != nil {
		return nil, err
	}
	return RoundVillages(tx, r.ID)
}

func sortVillages(vs []Village) {
	// TambonKey normalises text: once per ตำบล as written, not once per
	// comparison (a district has a handful).
	keys := map[string]string{}
	key := func(tambon string) string {
		k, ok := keys[tambon]
		if !ok {
			k = TambonKey(tambon)
			keys[tambon] = k
		}
		return k
	}
	slices.SortStableFunc(vs, func(a, b Village) int {
		return cmp.Or(cmp.Compare(a.Round, b.Round), cmp.Compare(key(a.Tambon), key(b.Tambon)), cmp.Compare(a.Moo, b.Moo), cmp.Compare(a.ID, b.ID))
	})
}

// FindVillages returns the current round's villages numbered moo, in any
// ตำบล when tambon is "", else in that ตำบล only.
func FindVillages(tx Tx, moo int, tambon string) ([]Village, error) {
	vs, err := ListVillages(tx)
	if err != nil {
		return nil, err
	}
	var out []Village
	for _, v := range vs {
		if v.Moo == moo && (tambon == "" || TambonKey(v.Tambon) == TambonKey(tambon)) {
			out = append(out, v)
		}
	}
	return out, nil
}

// PutVillage stores a village: a new one (ID 0) gets the next id, and one
// of no round (Round 0) goes to the current round (started, named after
// the fiscal year the village was made in, when the database has none).
func PutVillage(tx Tx, v *Village) error {
	if v.Round == 0 && !v.Created.IsZero() {
		// The first village of a new database starts its first round.
		if _, err := ensureRound(tx, v.Created, ""); err != nil {
			return err
		}
	}
	if v.Round == 0 {
		r, err := CurrentRound(tx)
		if err != nil {
			return err
		}
		v.Round = r.ID
	}
	if v.ID == 0 {
		for {
			n, err := tx.Villages().NextID()
			if err != nil {
				return err
			}
			// A database migrated from numbers-as-keys holds ids the
			// sequence has not counted: skip them.
			if _, taken, err := GetVillage(tx, n); err != nil {
				return err
			} else if !taken {
				v.ID = n
				break
			}
		}
	}
	return tx.Villages().Put(v.ID, *v)
}

// villageValue is a village as a form's answer or a choice's value: "v"
// and its id, so that a typed "5" (หมู่ 5) never matches village id 5.
func villageValue(id int) string { return "v" + strconv.Itoa(id) }

// villageID reads a form answer naming a village: "v12", or a bare id
// (answers saved before ids had the prefix; the migration made ids equal
// to the old numbers).
func villageID(s string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(s, "v"))
	if err != nil || n < 0 {
		return 0
	}
	return n
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
