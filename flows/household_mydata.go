package flows

import "time"

// The household's share of "my info": its record, and erasing it (PDPA).

func (e *Engine) registerHouseholdData() {
	e.RegisterMyData(MyDataSection{
		Name: "household",
		Show: func(c *Ctx) ([]Reply, error) {
			h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
			if err != nil || !ok {
				return nil, err
			}
			sub := &Ctx{Tx: c.Tx, In: c.In, Now: c.Now, Lang: c.Lang, Out: &Outcome{}, eng: e}
			if err := e.showStatus(sub, h); err != nil {
				return nil, err
			}
			return sub.Out.Replies, nil
		},
		Erase: e.eraseHousehold,
	})
}

// eraseHousehold deletes the personal data of the household the user
// heads, and every copy the bot holds of it (forget, in mydata.go).
//
// Before its village's week begins the household simply leaves: it
// withdraws (its place goes to the next on the waitlist) and its record,
// indexes and attendance go. Once the week has begun it is part of the
// round's figures (selected, attended per day, completed): its record stays
// as an anonymous tally (Erased, no name, house, phone, income or LINE
// account) with its status and attendance, so the counts still add up;
// nobody is promoted into a week already under way.
func (e *Engine) eraseHousehold(c *Ctx) (bool, error) {
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil || !ok {
		return false, err
	}
	if err := forget(c.Tx, householdTraces(h)...); err != nil {
		return false, err
	}
	if villageStarted(c.Tx, h.Village, c.Now) && h.Status == StatusSelected {
		return true, anonymise(c.Tx, h, c.Now)
	}
	if h.Status != StatusWithdrawn {
		if _, err := withdraw(c, h, c.In.UserID, "deleted their data"); err != nil {
			return false, err
		}
	}
	return true, deleteHousehold(c.Tx, h)
}

// householdTraces are what identifies a household in other records: its
// id, its LINE account, its head's name, its phone.
func householdTraces(h Household) []string {
	return []string{h.ID, h.UserID, h.HeadName, h.Phone}
}

// anonymise keeps a household of a week under way as an anonymous tally:
// its status (completed, or what an officer decides) and its attendance
// stay, everything that says who it was goes.
func anonymise(tx Tx, h Household, now time.Time) error {
	if h.Status == StatusSelected {
		if HouseholdState(tx, h, now) == StatusCompleted {
			h.Status = StatusCompleted // fixed now: its marks stay, but who made them does not
		}
	}
	for day := 1; day <= Days; day++ {
		a, err := GetAttendance(tx, h.Village, day, h.ID)
		if err != nil {
			return err
		}
		for _, m := range []*Mark{a.IntentMark, a.PresenceMark, a.PractisedMark} {
			if m != nil && m.By == h.UserID && h.UserID != "" {
				m.By = ""
			}
		}
		if a.IntentMark != nil || a.PresenceMark != nil || a.PractisedMark != nil {
			if err := putAttendance(tx, a); err != nil {
				return err
			}
		}
	}
	erased := Household{ID: h.ID, Village: h.Village, Status: h.Status, Erased: true,
		Applied: h.Applied, Updated: now, Interested: h.Interested, EnrolledBy: h.EnrolledBy}
	for _, ch := range h.History {
		if ch.By == h.UserID {
			ch.By = ""
		}
		erased.History = append(erased.History, ch)
	}
	// The erased record has no dedupe key, LINE account or link code: the
	// store drops those index entries (the village's stays, for the counts).
	return tx.Households().Put(h.ID, erased)
}

// deleteHousehold removes a household and everything that points at it.
func deleteHousehold(tx Tx, h Household) error {
	// The store removes the household's index entries with it.
	if err := tx.Households().Delete(h.ID); err != nil {
		return err
	}
	for day := 1; day <= Days; day++ {
		if err := tx.Attendance().Delete(AttendanceRef{Village: h.Village, Day: day, Household: h.ID}); err != nil {
			return err
		}
	}
	return nil
}
