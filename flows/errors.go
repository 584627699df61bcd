package flows

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that the edge can answer a user without
// showing the error's text. Anything without a kind is internal.
type Kind int

// Error kinds.
const (
	KindInternal Kind = iota
	KindNotFound
	KindInvalid
	KindConflict
	KindForbidden
)

func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindInvalid:
		return "invalid"
	case KindConflict:
		return "conflict"
	case KindForbidden:
		return "forbidden"
	}
	return "internal"
}

// Error is a domain error with a kind and, for the user, a locale key.
type Error struct {
	Kind Kind
	Key  string // locale key shown to the user; empty means the generic one
	Op   string // what was being done, for logs
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Op, e.Kind, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Kind)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorKind returns the kind of err, KindInternal when it has none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// ErrUnreadable is the error (errors.Is) of a stored record this build
// cannot decode: a damaged byte, or a record from a broken restore. One
// such record fails only the work that needs it: lists skip it and report
// it (Tx.Skipped), and everything else carries on.
var ErrUnreadable = errors.New("stored record cannot be read")

// UnreadableError names an unreadable record by its bucket and a hashed
// key (keys may be LINE ids, and the error may reach a log).
type UnreadableError struct {
	Record string // "bucket/#hash"
	Err    error
}

func (e *UnreadableError) Error() string { return "storage: decode " + e.Record + ": " + e.Err.Error() }

// Unwrap gives the decoding error.
func (e *UnreadableError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrUnreadable) true.
func (e *UnreadableError) Is(target error) bool { return target == ErrUnreadable }
