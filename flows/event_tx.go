package flows

import (
	"maps"
	"slices"
)

// eventTx is the transaction as one input's handling sees it (Handle): the
// store's, with the user's records read at most once. The conversation is
// read where the input is routed (converse) and again where the answer's
// buttons are kept with it (rememberOffer); the user record where the
// language is chosen and again for the menu (RolesOf). Decoding them is a
// good part of what an event costs, so a second read is served from
// memory.
//
// The memory lives as long as the input's handling and only holds records
// of this transaction. Every write to those tables goes through it (Put,
// Delete, and ForgetCopies, which deletes records by their content), so
// what it holds is what the store holds. It hands out copies, so that a
// caller changing the record it got never changes what the next one reads.
type eventTx struct {
	Tx
	convs *memo[Conversation]
	users *memo[User]
}

func newEventTx(tx Tx) eventTx {
	return eventTx{Tx: tx,
		convs: newMemo(tx.Conversations(), Conversation.clone),
		users: newMemo(tx.Users(), func(u User) User { return u }), // a User holds no references (TestUserIsAValue)
	}
}

// Conversations implements Tx.
func (t eventTx) Conversations() Table[string, Conversation] { return t.convs }

// Users implements Tx.
func (t eventTx) Users() Table[string, User] { return t.users }

// ForgetCopies implements Tx: it may delete records behind the memory's
// back, so the memory is dropped first.
func (t eventTx) ForgetCopies(traces [][]byte) error {
	clear(t.convs.known)
	clear(t.users.known)
	return t.Tx.ForgetCopies(traces)
}

// memo is a table with the records read or written in this transaction
// kept decoded, by key (nil: known to be absent).
type memo[V any] struct {
	store Table[string, V]
	clone func(V) V
	known map[string]*V
}

func newMemo[V any](store Table[string, V], clone func(V) V) *memo[V] {
	return &memo[V]{store: store, clone: clone, known: map[string]*V{}}
}

func (m *memo[V]) Get(k string) (V, bool, error) {
	if v, ok := m.known[k]; ok {
		if v == nil {
			var zero V
			return zero, false, nil
		}
		return m.clone(*v), true, nil
	}
	v, ok, err := m.store.Get(k)
	if err != nil {
		return v, ok, err // an unreadable record is not remembered
	}
	if ok {
		kept := m.clone(v)
		m.known[k] = &kept
	} else {
		m.known[k] = nil
	}
	return v, ok, nil
}

func (m *memo[V]) Put(k string, v V) error {
	delete(m.known, k)
	if err := m.store.Put(k, v); err != nil {
		return err
	}
	kept := m.clone(v)
	m.known[k] = &kept
	return nil
}

func (m *memo[V]) Delete(k string) error {
	delete(m.known, k)
	if err := m.store.Delete(k); err != nil {
		return err
	}
	m.known[k] = nil
	return nil
}

func (m *memo[V]) Each(fn func(k string, v V) error) error {
	return m.store.Each(fn)
}

// clone is a deep copy of c: nothing the copy holds is shared with c.
// Conversation, Finished, Offer and Offered are cloned field by field; a
// test fails when one of them gains a field, to have it added here.
func (c Conversation) clone() Conversation {
	c.Answers = maps.Clone(c.Answers)
	c.History = slices.Clone(c.History)
	if c.Done != nil {
		done := *c.Done
		c.Done = &done
	}
	if c.Offer != nil {
		offer := *c.Offer
		offer.Buttons = slices.Clone(offer.Buttons)
		for i := range offer.Buttons {
			offer.Buttons[i].Labels = slices.Clone(offer.Buttons[i].Labels)
		}
		c.Offer = &offer
	}
	if c.Left != nil {
		left := c.Left.clone()
		c.Left = &left
	}
	return c
}
