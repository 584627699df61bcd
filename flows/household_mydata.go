package flows

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

// eraseHousehold deletes the household the user heads: it leaves the
// programme first (its place goes to the next on the waitlist), then its
// record, its indexes and its attendance records are removed.
func (e *Engine) eraseHousehold(c *Ctx) (bool, error) {
	h, ok, err := HouseholdOfUser(c.Tx, c.In.UserID)
	if err != nil || !ok {
		return false, err
	}
	if h.Status != StatusWithdrawn {
		if _, err := withdraw(c, h, c.In.UserID, "deleted their data"); err != nil {
			return false, err
		}
	}
	return true, deleteHousehold(c.Tx, h)
}

// deleteHousehold removes a household and everything that points at it.
func deleteHousehold(tx Tx, h Household) error {
	for _, del := range []struct{ bucket, key string }{
		{BucketHouseholds, h.ID},
		{BucketHouseholdVillages, villageIndexPrefix(h.Village) + h.ID},
		{BucketHouseholdKeys, h.DedupeKey},
		{BucketHouseholdUsers, h.UserID},
		{BucketLinkCodes, h.LinkCode},
	} {
		if del.key == "" || del.key == villageIndexPrefix(h.Village) {
			continue
		}
		if err := tx.Delete(del.bucket, del.key); err != nil {
			return err
		}
	}
	for day := 1; day <= Days; day++ {
		if err := tx.Delete(BucketAttendance, AttendanceKey(h.Village, day, h.ID)); err != nil {
			return err
		}
	}
	return nil
}
