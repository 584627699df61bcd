package flows_test

import (
	"testing"

	"github.com/sammachip/sammachip/flows"
)

// storeVillage stores v in the current round (flows.PutVillage), failing
// the test on error. Tests give villages ids equal to their numbers, so
// that keys read as the numbers they stand for.
func storeVillage(t *testing.T, db flows.Store, v flows.Village) {
	t.Helper()
	if err := db.Update(func(tx flows.Tx) error { return flows.PutVillage(tx, &v) }); err != nil {
		t.Fatalf("store village %d: %v", v.Moo, err)
	}
}

func (r *hhRig) putVillage(v flows.Village) { r.t.Helper(); storeVillage(r.t, r.db, v) }
func (r *stRig) putVillage(v flows.Village) { r.t.Helper(); storeVillage(r.t, r.db, v) }
func (b *otBot) putVillage(v flows.Village) { b.t.Helper(); storeVillage(b.t, b.db, v) }
