package flows

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// HouseholdStatus is where a household stands in the programme.
type HouseholdStatus string

// Household statuses.
const (
	StatusApplicant  HouseholdStatus = "applicant"
	StatusSelected   HouseholdStatus = "selected"
	StatusWaitlisted HouseholdStatus = "waitlisted"
	StatusWithdrawn  HouseholdStatus = "withdrawn"
)

// Household is a household that applied to learn its village's occupation.
type Household struct {
	ID       string `json:"id"`
	Village  int    `json:"village"`
	HouseNo  string `json:"houseNo"`
	HeadName string `json:"headName"`
	Members  int    `json:"members"`
	// Occupation is the household's main occupation now.
	Occupation string `json:"occupation"`
	// Income is the monthly household income in baht; IncomeKnown is false
	// when nobody could say (such households rank after all known ones).
	Income      int64  `json:"income"`
	IncomeKnown bool   `json:"incomeKnown"`
	Interested  bool   `json:"interested"`
	Phone       string `json:"phone,omitempty"`
	// UserID is the head's LINE account, once linked; EnrolledBy is the sage
	// who enrolled the household on its behalf, who confirms for it until
	// the head links their own account with LinkCode, issued at
	// LinkCodeIssued (see LinkCodeExpires).
	UserID         string    `json:"userId,omitempty"`
	EnrolledBy     string    `json:"enrolledBy,omitempty"`
	LinkCode       string    `json:"linkCode,omitempty"`
	LinkCodeIssued time.Time `json:"linkCodeIssued,omitzero"`
	// LinkedWith is the link code the head used, kept so that the code
	// typed again is answered as used (and who to ask for a new one)
	// rather than unknown.
	LinkedWith string          `json:"linkedWith,omitempty"`
	Status     HouseholdStatus `json:"status"`
	// WaitPos is the place on the waitlist (1 = next in line).
	WaitPos   int            `json:"waitPos,omitempty"`
	Consent   Consent        `json:"consent"`
	Applied   time.Time      `json:"applied"`
	Updated   time.Time      `json:"updated"`
	History   []StatusChange `json:"history,omitempty"`
	DedupeKey string         `json:"dedupeKey"`
	// Erased marks a household whose head deleted their data once its
	// week had begun: an anonymous tally that keeps the round's figures
	// whole, without a name, house, phone, income or LINE account.
	Erased bool `json:"erased,omitempty"`

	// LinkCodeUntil, when set, is when LinkCode stops working instead of
	// the TTL (a household imported from a list: until the round ends).
	LinkCodeUntil time.Time `json:"linkCodeUntil,omitzero"`
	// Basis, when set, is what the record is held on instead of a consent
	// (BasisOfficeSurvey: the office's own survey, for its public task);
	// Consent stays empty until the head links LINE and agrees
	// (import_households.go).
	Basis string `json:"basis,omitempty"`
}

// Consent records a PDPA consent: when, and to which notice.
type Consent struct {
	At      time.Time `json:"at"`
	Version string    `json:"version"`
}

// StatusChange is one change of a household's status, with who made it and
// why (officers' changes by hand must give a reason).
type StatusChange struct {
	At     time.Time       `json:"at"`
	By     string          `json:"by"`
	From   HouseholdStatus `json:"from"`
	To     HouseholdStatus `json:"to"`
	Reason string          `json:"reason,omitempty"`
}

// PerMember is the monthly income per household member, the figure the
// selection ranks by.
func (h Household) PerMember() int64 {
	if h.Members <= 0 {
		return h.Income
	}
	return h.Income / int64(h.Members)
}

// DefaultLinkCodeTTL is how long a household's link code works by
// default (Config.LinkCodeTTL).
const DefaultLinkCodeTTL = 30 * 24 * time.Hour

// LinkCodeExpires is when h's link code stops working, ttl after it was
// issued. A code stored before issue times were kept counts from the
// household's enrolment.
func (h Household) LinkCodeExpires(ttl time.Duration) time.Time {
	if !h.LinkCodeUntil.IsZero() {
		return h.LinkCodeUntil
	}
	if h.LinkCodeIssued.IsZero() {
		return h.Applied.Add(ttl)
	}
	return h.LinkCodeIssued.Add(ttl)
}

// HouseholdNoticeVersion is the version of the PDPA notice households agree to.
const HouseholdNoticeVersion = "household-2026-11"

// dedupeKey identifies a household regardless of how its details were
// typed: village, house number and head's name, normalised.
func dedupeKey(vid int, houseNo, head string) string {
	norm := func(s string) string {
		s = locales.StripTitle(locales.NormalizeDigits(s))
		return strings.ToLower(strings.Join(strings.Fields(s), ""))
	}
	return fmt.Sprintf("%03d|%s|%s", vid, norm(houseNo), norm(head))
}

// GetHousehold reads a household by id.
func GetHousehold(tx Tx, id string) (Household, bool, error) {
	return tx.Households().Get(id)
}

// HouseholdOfUser returns the household whose head is the LINE user.
func HouseholdOfUser(tx Tx, userID string) (Household, bool, error) {
	if userID == "" {
		return Household{}, false, nil
	}
	return tx.Households().ByUser(userID)
}

// VillageHouseholds returns every household of village moo, in id order.
// It reads the village's households only (Households.InVillage), so its
// cost is the village's size, not the district's (or the country's); a
// damaged household is left out (and counted, Tx.Skipped).
func VillageHouseholds(tx Tx, vid int) ([]Household, error) {
	out := []Household{}
	err := tx.Households().InVillage(vid, func(h Household) error {
		out = append(out, h)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SelectedHouseholds returns the village's selected households in id order.
func SelectedHouseholds(tx Tx, vid int) ([]Household, error) {
	all, err := VillageHouseholds(tx, vid)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(h Household) bool { return h.Status != StatusSelected }), nil
}

// PutHousehold stores a household; the store keeps its indexes (by
// village, by dedupe key, by head's LINE id, by link code) in step. Every
// write of a household goes through it.
func PutHousehold(tx Tx, h Household) error {
	return tx.Households().Put(h.ID, h)
}

// RankApplicants orders households for selection: interested ones only,
// lowest monthly income per member first, known incomes before unknown
// ones, ties by earlier application (then id, so the order is total).
func RankApplicants(hs []Household) []Household {
	out := slices.DeleteFunc(slices.Clone(hs), func(h Household) bool {
		return !h.Interested || h.Status == StatusWithdrawn
	})
	slices.SortStableFunc(out, func(a, b Household) int {
		if a.IncomeKnown != b.IncomeKnown {
			if a.IncomeKnown {
				return -1
			}
			return 1
		}
		if a.IncomeKnown {
			// Compare income/members exactly: a.Income*b.Members vs b.Income*a.Members.
			if c := cmp.Compare(a.Income*int64(max(b.Members, 1)), b.Income*int64(max(a.Members, 1))); c != 0 {
				return c
			}
		}
		if c := a.Applied.Compare(b.Applied); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// SelectionPlan is what selecting households for a village would do.
type SelectionPlan struct {
	Moo      int
	Capacity int
	// Selected are the households that will be (or already are) selected,
	// in rank order; Waitlist the rest of the interested, in rank order.
	Selected []Household
	Waitlist []Household
}

// PlanSelection fills a village's free places from its applicants and
// waitlist, lowest income per member first. Households already selected
// keep their place (a second selection only fills places that came free).
func PlanSelection(tx Tx, vid int) (SelectionPlan, error) {
	v, ok, err := GetVillage(tx, vid)
	if err != nil {
		return SelectionPlan{}, err
	}
	if !ok {
		return SelectionPlan{}, NotFound("plan selection", "household.err.no_village")
	}
	all, err := VillageHouseholds(tx, vid)
	if err != nil {
		return SelectionPlan{}, err
	}
	capacity := cmp.Or(v.Capacity, DefaultCapacity)
	plan := SelectionPlan{Moo: vid, Capacity: capacity}
	var kept, candidates []Household
	for _, h := range all {
		switch h.Status {
		case StatusSelected:
			kept = append(kept, h)
		case StatusApplicant, StatusWaitlisted:
			candidates = append(candidates, h)
		}
	}
	ranked := RankApplicants(candidates)
	free := max(capacity-len(kept), 0)
	n := min(free, len(ranked))
	plan.Selected = append(RankApplicants(kept), ranked[:n]...)
	plan.Waitlist = ranked[n:]
	return plan, nil
}

// applySelection saves a plan: newly selected households are told, the
// waitlist gets its positions and is told them.
func applySelection(c *Ctx, plan SelectionPlan, by string) (added int, err error) {
	for _, h := range plan.Selected {
		if h.Status == StatusSelected {
			continue
		}
		if err := setStatus(c, &h, StatusSelected, by, ""); err != nil {
			return added, err
		}
		added++
	}
	for i, h := range plan.Waitlist {
		pos := i + 1
		if h.Status == StatusWaitlisted && h.WaitPos == pos {
			continue
		}
		h.WaitPos = pos
		if err := setStatus(c, &h, StatusWaitlisted, by, ""); err != nil {
			return added, err
		}
	}
	return added, nil
}

// setStatus changes a household's status, records the change, saves it
// and tells the household (when its head has linked LINE).
func setStatus(c *Ctx, h *Household, to HouseholdStatus, by, reason string) error {
	from := h.Status
	if to != StatusWaitlisted {
		h.WaitPos = 0
	}
	h.Status = to
	h.Updated = c.Now
	h.History = append(h.History, StatusChange{At: c.Now, By: by, From: from, To: to, Reason: reason})
	if err := PutHousehold(c.Tx, *h); err != nil {
		return err
	}
	if h.UserID == "" || h.UserID == c.In.UserID {
		return nil
	}
	return c.pushTo(h.UserID, "household", statusNotice(*h))
}

func statusNotice(h Household) Reply {
	switch h.Status {
	case StatusSelected:
		return Text(T("household.told.selected", "Name", locales.FirstName(h.HeadName)))
	case StatusWaitlisted:
		return Text(T("household.told.waitlisted", "Name", locales.FirstName(h.HeadName), "Pos", h.WaitPos))
	case StatusWithdrawn:
		return Text(T("household.told.withdrawn", "Name", locales.FirstName(h.HeadName)))
	case StatusCompleted:
		return Text(T("household.told.completed", "Name", locales.FirstName(h.HeadName)))
	case StatusDropped:
		return Text(T("household.told.dropped", "Name", locales.FirstName(h.HeadName)))
	}
	if !h.Interested {
		return Text(T("household.told.not_interested", "Name", locales.FirstName(h.HeadName)))
	}
	return Text(T("household.told.applicant", "Name", locales.FirstName(h.HeadName)))
}

// pushTo queues a message to a user in their own language (Thai when the
// bot has not met them); users who blocked the bot get nothing.
func (c *Ctx) pushTo(userID, purpose string, replies ...Reply) error {
	u, ok, err := getUser(c.Tx, userID)
	if err != nil {
		return err
	}
	if ok && !u.Active {
		return nil
	}
	c.Push(Push{To: userID, Lang: cmp.Or(u.Lang, locales.Thai), Replies: replies, Purpose: purpose})
	return nil
}

// renumberWaitlist gives the village's waitlist positions 1, 2, 3… in rank
// order after a change, without telling anyone.
func renumberWaitlist(tx Tx, vid int, now time.Time) error {
	all, err := VillageHouseholds(tx, vid)
	if err != nil {
		return err
	}
	var wait []Household
	for _, h := range all {
		if h.Status == StatusWaitlisted {
			wait = append(wait, h)
		}
	}
	for i, h := range RankApplicants(wait) {
		if h.WaitPos != i+1 {
			h.WaitPos = i + 1
			h.Updated = now
			if err := PutHousehold(tx, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// promoteNext selects the first household on the waitlist, if the village
// has a free place. It promotes at most one.
func promoteNext(c *Ctx, vid int, by string) (*Household, error) {
	if villageStarted(c.Tx, vid, c.Now) {
		// The week is under way: a promoted household would join it late.
		return nil, nil
	}
	v, _, err := GetVillage(c.Tx, vid)
	if err != nil {
		return nil, err
	}
	all, err := VillageHouseholds(c.Tx, vid)
	if err != nil {
		return nil, err
	}
	selected := 0
	var wait []Household
	for _, h := range all {
		switch h.Status {
		case StatusSelected:
			selected++
		case StatusWaitlisted:
			wait = append(wait, h)
		}
	}
	if selected >= cmp.Or(v.Capacity, DefaultCapacity) || len(wait) == 0 {
		return nil, nil
	}
	ranked := RankApplicants(wait)
	if len(ranked) == 0 {
		return nil, nil // nobody on the waitlist still wants the place
	}
	next := ranked[0]
	if err := setStatus(c, &next, StatusSelected, by, "promoted from the waitlist"); err != nil {
		return nil, err
	}
	if err := renumberWaitlist(c.Tx, vid, c.Now); err != nil {
		return nil, err
	}
	return &next, nil
}

// withdraw takes a household out and promotes the next on the waitlist.
func withdraw(c *Ctx, h Household, by, reason string) (*Household, error) {
	wasSelected := h.Status == StatusSelected
	if err := setStatus(c, &h, StatusWithdrawn, by, reason); err != nil {
		return nil, err
	}
	if err := renumberWaitlist(c.Tx, h.Village, c.Now); err != nil {
		return nil, err
	}
	if !wasSelected {
		return nil, nil
	}
	return promoteNext(c, h.Village, by)
}

func itoa(n int) string { return strconv.Itoa(n) }

func parseRFC3339(s string) (time.Time, error) { return time.Parse(time.RFC3339, s) }
