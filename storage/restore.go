package storage

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Restoring replaces the database with a backup. A backup may come from
// anywhere (a USB stick, a file copied half-way, another program's file),
// so nothing is replaced until the file has been checked, and the old
// database is kept beside the new one.

var (
	// ErrNotDatabase means a file is not a Sammachip database: not a bbolt
	// file at all, or a bbolt file without Sammachip's meta bucket.
	ErrNotDatabase = errors.New("storage: not a Sammachip database file")
	// ErrDamaged means a file is a bbolt file whose contents fail the
	// consistency check or that is shorter than its own header says (a
	// copy that stopped half-way).
	ErrDamaged = errors.New("storage: the database file is damaged")
	// ErrNewerSchema means a file was written by a newer build of the
	// program, whose schema this build cannot read.
	ErrNewerSchema = errors.New("storage: the database file is from a newer version of the program")
)

// restoreLockTimeout is how long Restore waits for another process to
// release the database it replaces unless told otherwise, as Open's
// default.
const restoreLockTimeout = time.Second

// checkLockTimeout is how long CheckFile waits for a writer of the file to
// let it go.
const checkLockTimeout = time.Second

// Info describes a database file that CheckFile found sound.
type Info struct {
	// Path is the file checked.
	Path string
	// Size is its size in bytes.
	Size int64
	// SchemaVersion is the schema version stored in it (≤ SchemaVersion).
	SchemaVersion uint64
	// Buckets lists the file's top-level buckets, by name, with the number
	// of records in each.
	Buckets []BucketInfo
}

// BucketInfo is one bucket of a checked file.
type BucketInfo struct {
	Name    string
	Records int
}

// Households, Sages and Villages count the file's records of each.
func (i Info) Households() int { return i.Records(bucketHouseholds) }
func (i Info) Sages() int      { return i.Records(bucketSages) }
func (i Info) Villages() int   { return i.Records(bucketVillages) }

// Records is the number of records in bucket name (0 when the file has no
// such bucket).
func (i Info) Records(name string) int {
	for _, b := range i.Buckets {
		if b.Name == name {
			return b.Records
		}
	}
	return 0
}

// CheckFile checks that the file at path is a sound Sammachip database
// this build can read, without changing it: it is opened read-only
// (waiting at most a second for a writer holding it, then ErrLocked), must
// be a bbolt file as long as its header says (else ErrNotDatabase or
// ErrDamaged), every page must be readable and the file must pass bbolt's
// consistency check (else ErrDamaged), and it must hold Sammachip's meta
// bucket (else ErrNotDatabase) with a schema version no newer than
// SchemaVersion (else ErrNewerSchema). Then a copy of it, made beside it
// and removed after, is migrated to SchemaVersion as Open would (else
// ErrDamaged), and every record of the copy must pass the record checks (records.go)
// (else a *RecordError, which is ErrBadRecord). It reports the records per
// bucket of the file as it is, so that a person can see the backup is the
// one they meant.
func CheckFile(path string, opt Options) (Info, error) {
	info, err := checkFile(path)
	if err == nil {
		err = checkCopy(path, opt)
	}
	if err != nil {
		return Info{}, fmt.Errorf("storage: check %s: %w", path, err)
	}
	return info, nil
}

func checkFile(path string) (info Info, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Info{}, err
	}
	if !fi.Mode().IsRegular() {
		return Info{}, fmt.Errorf("%w: not a regular file", ErrNotDatabase)
	}
	if fi.Size() == 0 {
		return Info{}, fmt.Errorf("%w: the file is empty", ErrNotDatabase)
	}
	info = Info{Path: path, Size: fi.Size()}

	// A damaged file can make bbolt panic on a page it does not expect, or
	// fault on a page past the end of the file: either is the file's
	// fault, so it becomes an error here rather than a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			info, err = Info{}, fmt.Errorf("%w: %v", ErrDamaged, r)
		}
	}()

	b, err := bolt.Open(path, 0, &bolt.Options{ReadOnly: true, Timeout: checkLockTimeout})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return Info{}, ErrLocked
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return Info{}, err
	case err != nil:
		return Info{}, fmt.Errorf("%w: %v", ErrNotDatabase, err)
	}
	defer b.Close()

	err = b.View(func(tx *bolt.Tx) error {
		// Pages past the end of the file would fault when read: a file cut
		// short is refused before any of them is touched.
		if tx.Size() > fi.Size() {
			return fmt.Errorf("%w: the file has %d bytes, its header says %d (an incomplete copy?)", ErrDamaged, fi.Size(), tx.Size())
		}
		// Read every record first, here, where a bad page becomes an
		// error: bbolt's own checker walks the pages in goroutines of its
		// own, where a bad page would crash the whole program.
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			n, err := readAll(b)
			info.Buckets = append(info.Buckets, BucketInfo{Name: string(name), Records: n})
			return err
		})
		if err != nil {
			return fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		var problems []string
		for perr := range tx.Check() {
			if len(problems) < 5 {
				problems = append(problems, perr.Error())
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("%w: %s", ErrDamaged, strings.Join(problems, "; "))
		}
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("%w: no %s bucket", ErrNotDatabase, bucketMeta)
		}
		info.SchemaVersion = readVersion(meta)
		if info.SchemaVersion > SchemaVersion {
			return fmt.Errorf("%w: schema version %d, this program reads up to %d: use a newer build", ErrNewerSchema, info.SchemaVersion, SchemaVersion)
		}
		return nil
	})
	if err != nil {
		return Info{}, err
	}
	slices.SortFunc(info.Buckets, func(a, b BucketInfo) int { return strings.Compare(a.Name, b.Name) })
	return info, nil
}

// readAll reads every key and value in b and the buckets inside it, so
// that a bad page shows here, and returns the number of records in b
// itself.
func readAll(b *bolt.Bucket) (int, error) {
	n := 0
	var sum uint32
	err := b.ForEach(func(k, v []byte) error {
		sum = crc32.Update(sum, crc32.IEEETable, k)
		if v == nil {
			if sub := b.Bucket(k); sub != nil {
				_, err := readAll(sub)
				return err
			}
		}
		sum = crc32.Update(sum, crc32.IEEETable, v)
		n++
		return nil
	})
	_ = sum
	return n, err
}

// Restore replaces the database at dst with the backup at src, and
// reports what the backup holds (as CheckFile). It changes nothing unless
// every step succeeds:
//
//   - dst's lock file (LockPath) must be free: a server holds it while it
//     runs, so a restore then fails with ErrLocked after opt.LockTimeout
//     (stop the server first); the restore holds it until it has finished,
//     so a server starting meanwhile waits, then opens the restored file;
//   - src must pass CheckFile's checks of the file as it is;
//   - src is copied next to dst and synced to disk; the copy must pass the
//     same checks (src may have changed in between), is migrated to this
//     build's schema as Open would, and every record of it must pass
//     the record checks (records.go) (else a *RecordError naming bucket and hashed key);
//   - the old dst is kept as dst.before-restore-<UTC time>, with its owner;
//   - the copy is renamed over dst in one step, so dst is never missing or
//     half-written, even if the machine stops half-way.
//
// dst may be missing (a new server restored from a backup).
func Restore(src, dst string, opt Options) (Info, error) {
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = restoreLockTimeout
	}
	info, err := restore(src, dst, opt)
	if err != nil {
		return Info{}, fmt.Errorf("storage: restore %s to %s: %w", src, dst, err)
	}
	return info, nil
}

func restore(src, dst string, opt Options) (Info, error) {
	srcInfo, err := os.Stat(src)
	if err != nil {
		return Info{}, err
	}
	dstInfo, err := os.Stat(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dstInfo = nil
	case err != nil:
		return Info{}, err
	case !dstInfo.Mode().IsRegular():
		return Info{}, errors.New("the database path is not a regular file")
	case os.SameFile(srcInfo, dstInfo):
		return Info{}, errors.New("the backup is the database file itself")
	}

	lock, err := takeLock(dst, holderRestore, true, Options{LockTimeout: opt.LockTimeout}, dstInfo)
	if err != nil {
		return Info{}, err
	}
	defer lock.release()
	// A server of an older release knows no lock file: its lock on the
	// database file itself keeps the restore out.
	unlock, err := lockFile(dst, opt.LockTimeout)
	if err != nil {
		return Info{}, err
	}
	defer unlock()

	if _, err := checkFile(src); err != nil {
		return Info{}, err
	}
	tmp, err := copyBeside(src, dst, ".restore-*", dstInfo)
	if err != nil {
		return Info{}, err
	}
	defer os.Remove(tmp) // after the rename it names nothing
	info, err := checkFile(tmp)
	if err != nil {
		return Info{}, fmt.Errorf("the copy failed its check (did the backup change while it was copied?): %w", err)
	}
	info.Path = src
	if err := migrateAndRead(tmp, opt); err != nil {
		return Info{}, err
	}
	kept := ""
	if dstInfo != nil {
		if kept, err = keepOld(dst); err != nil {
			return Info{}, err
		}
	}
	if err := os.Rename(tmp, dst); err != nil {
		if kept != "" {
			_ = os.Remove(kept) // dst is still the old database
		}
		return Info{}, err
	}
	return info, syncDir(filepath.Dir(dst))
}

// copyBeside copies src to a new temporary file named by pattern (as
// os.CreateTemp) in dst's directory (so that a rename can replace dst),
// synced to disk, with the mode and owner of the old dst when there is one.
// It returns the copy's path.
func copyBeside(src, dst, pattern string, old os.FileInfo) (path string, err error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dst), pattern)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			_ = out.Close()
			_ = os.Remove(out.Name())
		}
	}()
	mode := fs.FileMode(0o600)
	if old != nil {
		mode = old.Mode().Perm()
		// The server must still be able to open the file when a restore is
		// run by another user (root, typically): give it the old owner.
		if err := sameOwner(out, old); err != nil {
			return "", fmt.Errorf("give the restored file the owner of the database: %w", err)
		}
	}
	if err := out.Chmod(mode); err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		return "", err
	}
	if err := out.Sync(); err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	return out.Name(), nil
}

// keepOld gives the current database a second name, dst.before-restore-
// <UTC time>, so that the rename replacing dst leaves it in place. A hard
// link keeps dst in place meanwhile; where links are not possible, it is
// copied.
func keepOld(dst string) (string, error) {
	stamp := time.Now().UTC().Format("20060102T150405Z")
	for i := 1; ; i++ {
		name := dst + ".before-restore-" + stamp
		if i > 1 {
			name += fmt.Sprintf("-%d", i)
		}
		err := os.Link(dst, name)
		if err == nil {
			return name, nil
		}
		if errors.Is(err, fs.ErrExist) {
			if i >= 100 {
				return "", fmt.Errorf("keep the old database: %w", err)
			}
			continue
		}
		if err := copyFile(dst, name); err != nil {
			return "", fmt.Errorf("keep the old database: %w", err)
		}
		return name, nil
	}
}

// copyFile copies src to a new file dst (which must not exist), synced.
func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(dst)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		_ = out.Close()
		return err
	}
	return out.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	// Some file systems cannot sync a directory; the rename stands anyway.
	if errors.Is(err, fs.ErrInvalid) || errors.Is(err, errors.ErrUnsupported) {
		return nil
	}
	return err
}
