package flows

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestConversationClone checks that a clone shares nothing with its
// original (the event's conversation memo hands clones out), and that
// Conversation and the types it holds have the fields clone knows: a new
// field must be added to clone if it holds a map, slice or pointer.
func TestConversationClone(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{
		reflect.TypeFor[Conversation](): 12,
		reflect.TypeFor[Finished]():     2,
		reflect.TypeFor[Offer]():        3,
		reflect.TypeFor[Offered]():      2,
	} {
		if got := typ.NumField(); got != fields {
			t.Errorf("%s has %d fields, clone knows %d: update Conversation.clone and this test", typ.Name(), got, fields)
		}
	}
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	full := func() Conversation {
		return Conversation{Form: "f", Step: "s", Answers: map[string]string{"a": "1"}, History: []string{"x"}, Tries: 1, Editing: true,
			Started: at, Updated: at, Seq: 2, Done: &Finished{Token: "t", Key: "k"},
			Offer: &Offer{Buttons: []Offered{{Labels: []string{"l"}, Data: "d"}}, Other: "o", At: at},
			Left:  &Conversation{Form: "g", Answers: map[string]string{"b": "2"}, History: []string{"y"}, Done: &Finished{Key: "k2"}}}
	}
	orig := full()
	before, _ := json.Marshal(orig)
	c := orig.clone()
	if !reflect.DeepEqual(c, orig) {
		t.Fatalf("clone %+v differs from %+v", c, orig)
	}
	c.Answers["a"] = "changed"
	c.History[0] = "changed"
	c.Done.Key = "changed"
	c.Offer.Buttons[0].Labels[0] = "changed"
	c.Offer.Buttons[0].Data = "changed"
	c.Offer.Other = "changed"
	c.Left.Answers["b"] = "changed"
	c.Left.History[0] = "changed"
	c.Left.Done.Key = "changed"
	if after, _ := json.Marshal(orig); string(after) != string(before) {
		t.Errorf("changing a clone changed its original:\n%s\nwas\n%s", after, before)
	}
}

// memTable is a conversations table in memory, counting reads.
type memTable struct {
	recs  map[string]Conversation
	reads int
}

func (m *memTable) Get(k string) (Conversation, bool, error) {
	m.reads++
	c, ok := m.recs[k]
	return c.clone(), ok, nil
}
func (m *memTable) Put(k string, c Conversation) error { m.recs[k] = c.clone(); return nil }
func (m *memTable) Delete(k string) error              { delete(m.recs, k); return nil }
func (m *memTable) Each(fn func(string, Conversation) error) error {
	for k, c := range m.recs {
		if err := fn(k, c); err != nil {
			return err
		}
	}
	return nil
}

// TestUserIsAValue checks that a User holds nothing shared (a copy of
// the struct is a deep copy), as the event's memory of users assumes: a
// field that is a map, slice or pointer needs a clone there.
func TestUserIsAValue(t *testing.T) {
	typ := reflect.TypeFor[User]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		switch f.Type.Kind() {
		case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Interface, reflect.Chan, reflect.Func:
			t.Errorf("User.%s is a %s: give eventTx's users a clone that copies it", f.Name, f.Type.Kind())
		case reflect.Struct:
			if f.Type != reflect.TypeFor[time.Time]() {
				t.Errorf("User.%s is a struct %s: check that it holds no references", f.Name, f.Type)
			}
		}
	}
}

// TestConvMemo checks that the memo reads a record once and then answers
// what the store holds: after a write, a delete, and a change made by a
// caller to the record it got.
func TestConvMemo(t *testing.T) {
	store := &memTable{recs: map[string]Conversation{"U1": {Form: "f", Answers: map[string]string{"a": "1"}}}}
	m := newMemo(store, Conversation.clone)
	get := func(k string) (Conversation, bool) {
		t.Helper()
		c, ok, err := m.Get(k)
		if err != nil {
			t.Fatal(err)
		}
		return c, ok
	}
	c, _ := get("U1")
	c.Answers["a"] = "changed by a caller, not saved"
	if again, _ := get("U1"); again.Answers["a"] != "1" {
		t.Errorf("second read got answer %q, want the stored 1", again.Answers["a"])
	}
	if store.reads != 1 {
		t.Errorf("%d reads of the store, want 1", store.reads)
	}
	if err := m.Put("U1", Conversation{Form: "g"}); err != nil {
		t.Fatal(err)
	}
	if c, _ := get("U1"); c.Form != "g" {
		t.Errorf("after Put got form %q, want g", c.Form)
	}
	if err := m.Delete("U1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := get("U1"); ok {
		t.Error("after Delete the record is still there")
	}
	if _, ok := get("U2"); ok {
		t.Error("a missing record was found")
	}
	if store.reads != 2 {
		t.Errorf("%d reads of the store, want 2 (U1 once, U2 once)", store.reads)
	}
}
