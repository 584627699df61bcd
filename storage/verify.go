package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// A file can be sound to bbolt and still poison the program: one changed
// byte inside a record leaves every page in place, and the first export or
// reminder tick that decodes the record fails. So a backup's check and a
// restore also migrate a private copy of the file to this build's schema,
// exactly as Open would, and decode every record of it as the program
// will (records.go, Options.CheckInboxRecord …).

// ErrBadRecord means a file holds a record this build cannot read. The
// error is a *RecordError naming the record.
var ErrBadRecord = errors.New("storage: the database file holds a record this program cannot read")

// RecordError names a record that failed its check: its bucket and a hash
// of its key, never the key itself (keys are often LINE ids). KeyHash is
// HashKey's pseudonym: the one the logs give the same id.
type RecordError struct {
	Bucket  string
	KeyHash string
	// Count is how many records of the file failed, this one included.
	Count int
	// Err is the decoder's error. Its text may quote the record, so Error
	// shows only what kind of error it is.
	Err error
}

func (e *RecordError) Error() string {
	s := fmt.Sprintf("record %s/%s cannot be read: %s", e.Bucket, e.KeyHash, reason(e.Err))
	if e.Count > 1 {
		s += fmt.Sprintf(" (and %d more records)", e.Count-1)
	}
	return s
}

// Unwrap makes a RecordError both ErrBadRecord and its cause.
func (e *RecordError) Unwrap() []error { return []error{ErrBadRecord, e.Err} }

var errNotUTF8 = errors.New("not valid UTF-8 text")

// reason says what is wrong with a record without quoting it.
func reason(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tm *time.ParseError
	switch {
	case errors.Is(err, errNotUTF8):
		return err.Error()
	case errors.As(err, &syntax):
		return fmt.Sprintf("not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %s.%s holds a JSON %s, the program reads %s", typ.Struct, typ.Field, typ.Value, typ.Type)
	case errors.As(err, &tm):
		return "a time that does not parse"
	}
	return "it does not decode"
}

// migrateAndRead opens the file at path (a private copy: it is migrated in
// place), and checks every record of every bucket but meta with check. A
// failing record makes a *RecordError; a migration that fails makes the
// file ErrDamaged.
func migrateAndRead(path string, opt Options) error {
	// A private copy: no copy of it is kept before migrating.
	db, err := openFile(path, Options{}, false)
	if err != nil {
		if errors.Is(err, ErrLocked) {
			return err
		}
		return fmt.Errorf("%w: it cannot be brought to schema %d: %v", ErrDamaged, SchemaVersion, err)
	}
	var first *RecordError
	count := 0
	err = db.bolt.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if bytes.Equal(name, bucketMeta) {
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					return nil // a nested bucket (the program makes none), read by checkFile
				}
				err := errNotUTF8 // the store writes JSON from Go strings: always UTF-8
				if utf8.Valid(v) {
					err = checkRecord(opt, string(name), string(k), v)
				}
				if err != nil {
					count++
					if first == nil {
						first = &RecordError{Bucket: string(name), KeyHash: HashKey(string(k)), Err: err}
					}
				}
				return nil
			})
		})
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if first != nil {
		first.Count = count
		return first
	}
	return nil
}

// checkCopy copies the file at path beside it, checks the copy (see
// migrateAndRead) and removes it.
func checkCopy(path string, opt Options) error {
	tmp, err := copyBeside(path, path, ".check-*", nil)
	if err != nil {
		return fmt.Errorf("copy it to check it: %w", err)
	}
	defer os.Remove(tmp)
	return migrateAndRead(tmp, opt)
}
