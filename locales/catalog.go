package locales

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalog/*.toml
var catalogFS embed.FS

// catalogDir is the directory, in catalogFS, holding the catalog files.
const catalogDir = "catalog"

// ErrMissing is wrapped by the error Catalog.Text returns when a key has no
// text in the requested language.
var ErrMissing = errors.New("locales: missing message")

// maxRefDepth bounds how deeply Refs may nest, so that a Ref cycle is an
// error rather than a stack overflow.
const maxRefDepth = 8

// Ref is a template argument that is itself a catalog message, rendered in
// the same language as the message that uses it: for example a category
// name inside a sentence, or a hint inside conv.invalid_retry_hint. Any
// argument with a method Ref() Ref (such as flows.Msg) is rendered the same
// way.
type Ref struct {
	Key  string
	Args map[string]any
}

// refer is a value that stands for a catalog message, such as flows.Msg.
type refer interface {
	Ref() Ref
}

// Catalog holds the parsed messages of every language. It is immutable after
// Load, so one Catalog may be shared by any number of goroutines.
type Catalog struct {
	langs map[Lang]*langCatalog
	// each is langs in the order of Langs(), for the loops that ask every
	// language (ranging over a map costs more than the lookups inside).
	each []*langCatalog
}

type langCatalog struct {
	msgs map[string]*message
	keys []string // sorted
}

type message struct {
	key  string
	file string // catalog file that defines it, for errors and tests
	src  string
	tmpl *template.Template // nil when src has no template actions
	cmd  string             // MatchCommand(src) when tmpl is nil, for IsCommand
}

var (
	fileNameRE = regexp.MustCompile(`^([a-z0-9_]+)\.([A-Za-z_-]+)\.toml$`)
	keyRE      = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)
)

// Load parses the embedded catalog files. Its error names the file (and key)
// at fault: a TOML syntax error, a bad file name or key, a key defined twice,
// an empty text, plural forms, or a template that does not parse.
func Load() (*Catalog, error) {
	return load(catalogFS)
}

// MustLoad is Load for program start-up: it panics on error. The embedded
// catalogs are checked by this package's tests, so it cannot fail in a
// tested build.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// load reads every *.toml file in fsys's catalog directory with go-i18n.
// Rendering does not go through an i18n.Localizer: it would fall back to
// Thai when an English text is missing, and it renders a missing argument
// as "<no value>". Instead each template is parsed once here, with
// missingkey=error.
func load(fsys fs.FS) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, catalogDir)
	if err != nil {
		return nil, fmt.Errorf("locales: %w", err)
	}
	bundle := i18n.NewBundle(language.Thai)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{langs: make(map[Lang]*langCatalog)}
	for _, l := range Langs() {
		c.langs[l] = &langCatalog{msgs: make(map[string]*message)}
		c.each = append(c.each, c.langs[l])
	}
	files := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		file := path.Join(catalogDir, e.Name())
		m := fileNameRE.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("locales: %s: file name must be <feature>.<lang>.toml, for example core.th.toml", file)
		}
		lc := c.langs[Lang(m[2])]
		if lc == nil {
			return nil, fmt.Errorf("locales: %s: unsupported language %q (want one of %v)", file, m[2], Langs())
		}
		mf, err := bundle.LoadMessageFileFS(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("locales: %s: %w", file, err)
		}
		for _, im := range mf.Messages {
			msg, err := newMessage(file, im)
			if err != nil {
				return nil, fmt.Errorf("locales: %s: %w", file, err)
			}
			if prev := lc.msgs[msg.key]; prev != nil {
				return nil, fmt.Errorf("locales: %s: key %q is already defined in %s", file, msg.key, prev.file)
			}
			lc.msgs[msg.key] = msg
		}
		files++
	}
	if files == 0 {
		return nil, fmt.Errorf("locales: no catalog files in %s", catalogDir)
	}
	for _, lc := range c.langs {
		for k := range lc.msgs {
			lc.keys = append(lc.keys, k)
		}
		slices.Sort(lc.keys)
	}
	return c, nil
}

func newMessage(file string, im *i18n.Message) (*message, error) {
	if !keyRE.MatchString(im.ID) {
		return nil, fmt.Errorf("key %q: keys are lowercase dotted words such as core.welcome", im.ID)
	}
	if im.Zero != "" || im.One != "" || im.Two != "" || im.Few != "" || im.Many != "" {
		return nil, fmt.Errorf("key %q: plural forms are not supported; write one neutral text", im.ID)
	}
	if strings.TrimSpace(im.Other) == "" {
		return nil, fmt.Errorf("key %q: empty text", im.ID)
	}
	msg := &message{key: im.ID, file: file, src: im.Other}
	left, right := im.LeftDelim, im.RightDelim
	if left == "" {
		left = "{{"
	}
	if right == "" {
		right = "}}"
	}
	if strings.Contains(msg.src, left) {
		t, err := template.New(im.ID).Delims(left, right).Option("missingkey=error").Parse(msg.src)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", im.ID, err)
		}
		msg.tmpl = t
	} else {
		msg.cmd = MatchCommand(msg.src)
	}
	return msg, nil
}

// Text renders key in lang with args. Values of type Date, ShortDate,
// DateYear, Clock, Baht and Number are formatted for lang first, and a Ref
// (or a value with a Ref() Ref method) is rendered in lang; other values are
// used as they are. A bare time.Time
// is an error (wrap it in one of the date types).
//
// The error wraps ErrMissing when key has no text in lang: there is no
// fallback to the other language. A template argument that args lacks is
// also an error. The zero Lang means Thai.
func (c *Catalog) Text(lang Lang, key string, args map[string]any) (string, error) {
	return c.text(lang.norm(), key, args, 0)
}

func (c *Catalog) text(lang Lang, key string, args map[string]any, depth int) (string, error) {
	m, err := c.lookup(lang, key)
	if err != nil {
		return "", err
	}
	if m.tmpl == nil {
		return m.src, nil
	}
	data := make(map[string]any, len(args))
	for name, v := range args {
		fv, err := c.formatArg(lang, v, depth)
		if err != nil {
			return "", fmt.Errorf("locales: %q in %q: argument %s: %w", key, lang, name, err)
		}
		data[name] = fv
	}
	var b strings.Builder
	if err := m.tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("locales: %q in %q: %w", key, lang, err)
	}
	return b.String(), nil
}

func (c *Catalog) lookup(lang Lang, key string) (*message, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: %q in %q: nil Catalog", ErrMissing, key, lang)
	}
	lc := c.langs[lang]
	if lc == nil {
		return nil, fmt.Errorf("%w: %q: no catalog for language %q", ErrMissing, key, lang)
	}
	m := lc.msgs[key]
	if m == nil {
		return nil, fmt.Errorf("%w: %q in %q", ErrMissing, key, lang)
	}
	return m, nil
}

func (c *Catalog) formatArg(lang Lang, v any, depth int) (any, error) {
	switch v := v.(type) {
	case localizer:
		return v.localize(lang), nil
	case Ref:
		return c.ref(lang, v, depth)
	case *Ref:
		if v == nil {
			return nil, errors.New("nil *Ref")
		}
		return c.ref(lang, *v, depth)
	case refer:
		return c.ref(lang, v.Ref(), depth)
	case []Ref:
		// A list of messages reads as one line: "a; b; c" (the items
		// may hold commas themselves).
		parts := make([]string, len(v))
		for i, r := range v {
			s, err := c.ref(lang, r, depth)
			if err != nil {
				return nil, err
			}
			parts[i] = s
		}
		return strings.Join(parts, "; "), nil
	case time.Time, *time.Time:
		return nil, errors.New("time.Time must be wrapped in locales.Date, ShortDate, DateYear or Clock")
	}
	return v, nil
}

func (c *Catalog) ref(lang Lang, r Ref, depth int) (string, error) {
	if depth >= maxRefDepth {
		return "", fmt.Errorf("Ref %q nested more than %d deep", r.Key, maxRefDepth)
	}
	return c.text(lang, r.Key, r.Args, depth+1)
}

// MustText is Text for code paths where a missing key or argument is a
// programming error. It never panics: on error it returns "[" + key + "]",
// which the completeness tests are there to prevent from ever reaching a
// user.
func (c *Catalog) MustText(lang Lang, key string, args map[string]any) string {
	s, err := c.Text(lang, key, args)
	if err != nil {
		return "[" + key + "]"
	}
	return s
}

// Keys returns the keys defined in lang, sorted. The caller may modify the
// returned slice.
func (c *Catalog) Keys(lang Lang) []string {
	if c == nil || c.langs[lang.norm()] == nil {
		return nil
	}
	return slices.Clone(c.langs[lang.norm()].keys)
}

// IsCommand reports whether typed text s is the command word at cmdKey (for
// example core.cmd.cancel) in any language, compared after MatchCommand on
// both sides: a Thai user may type "cancel" and an English user "ยกเลิก".
// A key whose text has template arguments never matches.
func (c *Catalog) IsCommand(s, cmdKey string) bool {
	return c.IsCommandMatched(MatchCommand(s), cmdKey)
}

// IsCommandMatched is IsCommand for text already passed through
// MatchCommand: a caller comparing one typed text with many command words
// normalises it once.
func (c *Catalog) IsCommandMatched(typed, cmdKey string) bool {
	if c == nil || typed == "" {
		return false
	}
	for _, lc := range c.each {
		if m := lc.msgs[cmdKey]; m != nil && m.tmpl == nil && m.cmd == typed {
			return true
		}
	}
	return false
}

// MatchedText is MatchCommand(Text(lang, key, args)): a label as typed
// text is compared with it. A message without template arguments was
// normalised once, at Load.
func (c *Catalog) MatchedText(lang Lang, key string, args map[string]any) (string, error) {
	m, err := c.lookup(lang.norm(), key)
	if err != nil {
		return "", err
	}
	if m.tmpl == nil {
		return m.cmd, nil
	}
	text, err := c.text(lang.norm(), key, args, 0)
	if err != nil {
		return "", err
	}
	return MatchCommand(text), nil
}
