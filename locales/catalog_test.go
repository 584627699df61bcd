package locales

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"text/template/parse"
	"time"
	"unicode/utf16"
)

// requiredKeys are keys other packages code against; removing or renaming
// one breaks them at run time, so it must break this test first.
var requiredKeys = []string{
	"core.welcome", "core.menu.prompt", "core.menu.apply", "core.menu.sage",
	"core.menu.schedule", "core.menu.help", "core.menu.language", "core.menu.myinfo",
	"core.group.greeting", "core.only_text", "core.not_ready", "core.error.internal",
	"core.unknown_command",
	"core.cmd.cancel", "core.cmd.back", "core.cmd.help", "core.cmd.menu", "core.cmd.language",
	"conv.cancelled", "conv.expired", "conv.invalid_retry_hint", "conv.too_many_tries",
	"conv.back_at_start", "conv.stale_button", "conv.confirm.title",
	"conv.btn.confirm", "conv.btn.edit", "conv.btn.cancel", "conv.btn.back", "conv.btn.help",
	"conv.btn.yes", "conv.btn.no", "conv.btn.next_page", "conv.btn.prev_page",
	"conv.saved", "conv.edit.which", "conv.page", "conv.lang.choose", "conv.lang.set",
}

// extraLabels are button labels whose keys do not follow the .btn. / .label
// naming: the main menu's buttons and the language buttons.
var extraLabels = map[string]bool{
	"core.menu.apply": true, "core.menu.sage": true, "core.menu.schedule": true,
	"core.menu.help": true, "core.menu.language": true, "core.menu.myinfo": true,
	"core.lang.th": true, "core.lang.en": true,
}

// maxLabel is LINE's limit on button labels, in UTF-16 code units.
const maxLabel = 20

func isLabel(key string) bool {
	return strings.Contains(key, ".btn.") || strings.HasSuffix(key, ".label") || extraLabels[key]
}

func mustLoad(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestRequiredKeys(t *testing.T) {
	c := mustLoad(t)
	for _, l := range Langs() {
		keys := c.Keys(l)
		if !slices.IsSorted(keys) {
			t.Errorf("Keys(%s) not sorted", l)
		}
		for _, k := range requiredKeys {
			if _, ok := slices.BinarySearch(keys, k); !ok {
				t.Errorf("%s: required key %q missing", l, k)
			}
		}
	}
}

// TestCatalogFilesPaired checks that every feature has one file per
// language and that each pair defines the same keys.
func TestCatalogFilesPaired(t *testing.T) {
	c := mustLoad(t)
	byFile := map[string]map[string]bool{} // feature file without lang -> lang -> present
	keysIn := map[string][]string{}        // file -> keys
	for _, l := range Langs() {
		for _, m := range c.langs[l].msgs {
			keysIn[m.file] = append(keysIn[m.file], m.key)
		}
	}
	for file := range keysIn {
		m := fileNameRE.FindStringSubmatch(strings.TrimPrefix(file, catalogDir+"/"))
		if byFile[m[1]] == nil {
			byFile[m[1]] = map[string]bool{}
		}
		byFile[m[1]][m[2]] = true
	}
	for feature, langs := range byFile {
		for _, l := range Langs() {
			if !langs[string(l)] {
				t.Errorf("feature %q has no catalog/%s.%s.toml", feature, feature, l)
			}
		}
		th := keysIn[fmt.Sprintf("%s/%s.%s.toml", catalogDir, feature, Thai)]
		en := keysIn[fmt.Sprintf("%s/%s.%s.toml", catalogDir, feature, English)]
		slices.Sort(th)
		slices.Sort(en)
		if !slices.Equal(th, en) {
			t.Errorf("feature %q: th and en files define different keys:\nth only: %v\nen only: %v",
				feature, minus(th, en), minus(en, th))
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, k := range a {
		if !slices.Contains(b, k) {
			out = append(out, k)
		}
	}
	return out
}

// TestCompleteness checks every key in every language: present in all
// languages, same template arguments everywhere, renders with sample
// arguments, and button labels fit LINE's limit.
func TestCompleteness(t *testing.T) {
	c := mustLoad(t)
	all := map[string]bool{}
	for _, l := range Langs() {
		for _, k := range c.Keys(l) {
			all[k] = true
		}
	}
	for _, key := range slices.Sorted(maps.Keys(all)) {
		t.Run(key, func(t *testing.T) {
			var fieldsByLang [][]string
			for _, l := range Langs() {
				m := c.langs[l].msgs[key]
				if m == nil {
					t.Errorf("missing in %s", l)
					continue
				}
				fields := templateFields(m)
				fieldsByLang = append(fieldsByLang, fields)
				args := map[string]any{}
				for _, f := range fields {
					args[f] = sampleArg(f)
				}
				got, err := c.Text(l, key, args)
				if err != nil {
					t.Errorf("%s: Text: %v", l, err)
					continue
				}
				if strings.Contains(got, "<no value>") || strings.Contains(got, "{{") ||
					strings.TrimSpace(got) == "" {
					t.Errorf("%s: rendered %q", l, got)
				}
				if got != strings.TrimSpace(got) {
					t.Errorf("%s: rendered text has surrounding whitespace: %q", l, got)
				}
				if isLabel(key) {
					if n := len(utf16.Encode([]rune(got))); n > maxLabel {
						t.Errorf("%s: label %q is %d UTF-16 units, LINE allows %d", l, got, n, maxLabel)
					}
				}
			}
			for i := 1; i < len(fieldsByLang); i++ {
				if !slices.Equal(fieldsByLang[0], fieldsByLang[i]) {
					t.Errorf("arguments differ between languages: %v vs %v", fieldsByLang[0], fieldsByLang[i])
				}
			}
		})
	}
}

// templateFields returns the sorted names of the top-level fields (.Name)
// a message's template uses.
func templateFields(m *message) []string {
	if m.tmpl == nil {
		return nil
	}
	set := map[string]bool{}
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return
			}
			for _, c := range n.Cmds {
				walk(c)
			}
		case *parse.CommandNode:
			for _, a := range n.Args {
				walk(a)
			}
		case *parse.FieldNode:
			set[n.Ident[0]] = true
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	walk(m.tmpl.Tree.Root)
	return slices.Sorted(maps.Keys(set))
}

var sampleTime = time.Date(2026, 12, 7, 18, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// sampleArg guesses a plausible value from an argument's name. A feature
// whose template needs another kind of value (a list to range over) adds a
// case here.
func sampleArg(name string) any {
	has := func(parts ...string) bool {
		for _, p := range parts {
			if strings.Contains(name, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("Date", "Day"):
		return Date(sampleTime)
	case has("Time", "Clock"):
		return Clock(sampleTime)
	case has("Baht", "Amount", "Income", "Price", "Cost"):
		return Baht(1500)
	case has("Count", "Minutes", "Page", "Number", "Total", "Moo", "Left", "Used"):
		return Number(12)
	}
	return "X"
}

func TestText(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		lang Lang
		key  string
		args map[string]any
		want string
	}{
		{Thai, "conv.btn.confirm", nil, "ยืนยัน"},
		{English, "conv.btn.confirm", nil, "Confirm"},
		{"", "conv.btn.cancel", nil, "ยกเลิก"}, // zero Lang is Thai
		{Thai, "conv.page", map[string]any{"Page": 2, "Pages": Number(1500)}, "หน้า 2 จาก 1,500"},
		{English, "conv.page", map[string]any{"Page": 2, "Pages": 3, "Extra": "ignored"}, "Page 2 of 3"},
		{Thai, "conv.invalid_retry_hint", map[string]any{"Hint": Ref{Key: "core.cmd.cancel"}},
			"ขอโทษค่ะ ยังอ่านคำตอบนี้ไม่ได้ ยกเลิก"},
		{English, "conv.invalid_retry_hint", map[string]any{"Hint": &Ref{Key: "conv.page", Args: map[string]any{"Page": 1, "Pages": 2}}},
			"Sorry, I couldn't read that. Page 1 of 2"},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang)+"/"+tt.key, func(t *testing.T) {
			got, err := c.Text(tt.lang, tt.key, tt.args)
			if err != nil {
				t.Fatalf("Text: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// testCatalog is a small catalog with a Thai-only key and date arguments.
func testCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := load(fstest.MapFS{
		"catalog/t.th.toml": {Data: []byte(`
t.when = "{{.Day}} เวลา {{.At}} ค่าอาหาร {{.Fee}} ({{.Short}}, {{.Medium}}, {{.N}})"
t.only_th = "ไทยเท่านั้น"
t.loop = "{{.R}}"
t.plain = "ยกเลิก"
`)},
		"catalog/t.en.toml": {Data: []byte(`
t.when = "{{.Day}} at {{.At}}, food {{.Fee}} ({{.Short}}, {{.Medium}}, {{.N}})"
t.loop = "{{.R}}"
t.plain = "cancel"
`)},
		"catalog/README.md": {Data: []byte("ignored")},
	})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return c
}

func TestTextFormatsArguments(t *testing.T) {
	c := testCatalog(t)
	args := map[string]any{
		"Day": Date(sampleTime), "At": Clock(sampleTime), "Fee": Baht(1500),
		"Short": ShortDate(sampleTime), "Medium": DateYear(sampleTime), "N": Number(1234567),
	}
	for lang, want := range map[Lang]string{
		Thai:    "วันจันทร์ที่ 7 ธันวาคม 2569 เวลา 18.00 น. ค่าอาหาร 1,500 บาท (จ. 7 ธ.ค. 69, จ. 7 ธ.ค. 2569, 1,234,567)",
		English: "Monday 7 December 2026 at 18:00, food 1,500 baht (Mon 7 Dec 2026, Mon 7 Dec 2026, 1,234,567)",
	} {
		got, err := c.Text(lang, "t.when", args)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if got != want {
			t.Errorf("%s: got %q, want %q", lang, got, want)
		}
	}
}

func TestTextErrors(t *testing.T) {
	c := testCatalog(t)
	loop := map[string]any{"R": Ref{Key: "t.loop"}}
	loop["R"] = Ref{Key: "t.loop", Args: loop}
	tests := []struct {
		name    string
		lang    Lang
		key     string
		args    map[string]any
		missing bool // error must wrap ErrMissing
	}{
		{"missing key", Thai, "t.nope", nil, true},
		{"no fallback to Thai", English, "t.only_th", nil, true},
		{"unknown language", "fr", "t.plain", nil, true},
		{"missing key in Ref", Thai, "t.loop", map[string]any{"R": Ref{Key: "t.nope"}}, true},
		{"missing argument", Thai, "t.loop", nil, false},
		{"nil args", English, "t.when", nil, false},
		{"bare time.Time", Thai, "t.loop", map[string]any{"R": sampleTime}, false},
		{"Ref cycle", Thai, "t.loop", loop, false},
		{"nil *Ref", Thai, "t.loop", map[string]any{"R": (*Ref)(nil)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Text(tt.lang, tt.key, tt.args)
			if err == nil {
				t.Fatalf("got %q, nil error; want error", got)
			}
			if errors.Is(err, ErrMissing) != tt.missing {
				t.Errorf("errors.Is(%v, ErrMissing) = %v, want %v", err, !tt.missing, tt.missing)
			}
			if got != "" {
				t.Errorf("got %q with error, want \"\"", got)
			}
			if must := c.MustText(tt.lang, tt.key, tt.args); must != "["+tt.key+"]" {
				t.Errorf("MustText: got %q, want %q", must, "["+tt.key+"]")
			}
		})
	}
	var nilCat *Catalog
	if _, err := nilCat.Text(Thai, "core.welcome", nil); !errors.Is(err, ErrMissing) {
		t.Errorf("nil Catalog: got %v, want ErrMissing", err)
	}
}

func TestMustText(t *testing.T) {
	c := mustLoad(t)
	if got := c.MustText(English, "conv.btn.back", nil); got != "Back" {
		t.Errorf("got %q, want %q", got, "Back")
	}
	if got := c.MustText(English, "core.no_such_key", nil); got != "[core.no_such_key]" {
		t.Errorf("got %q, want %q", got, "[core.no_such_key]")
	}
}

func TestLoadErrors(t *testing.T) {
	good := &fstest.MapFile{Data: []byte(`x.ok = "ok"`)}
	tests := []struct {
		name string
		fs   fstest.MapFS
		want []string // substrings of the error
	}{
		{"toml syntax", fstest.MapFS{"catalog/x.th.toml": {Data: []byte(`x.a = "unterminated`)}}, []string{"catalog/x.th.toml"}},
		{"bad file name", fstest.MapFS{"catalog/x.toml": good}, []string{"catalog/x.toml", "<feature>.<lang>.toml"}},
		{"unsupported language", fstest.MapFS{"catalog/x.fr.toml": good}, []string{"catalog/x.fr.toml", `"fr"`}},
		{"upper-case key", fstest.MapFS{"catalog/x.th.toml": {Data: []byte(`X.Bad = "a"`)}}, []string{"catalog/x.th.toml", `"X.Bad"`}},
		{"undotted key", fstest.MapFS{"catalog/x.th.toml": {Data: []byte(`welcome = "a"`)}}, []string{"catalog/x.th.toml", `"welcome"`}},
		{"empty text", fstest.MapFS{"catalog/x.th.toml": {Data: []byte(`x.a = " "`)}}, []string{"catalog/x.th.toml", `"x.a"`, "empty"}},
		{"plural forms", fstest.MapFS{"catalog/x.en.toml": {Data: []byte("[x.a]\none = \"1 day\"\nother = \"{{.N}} days\"")}}, []string{"catalog/x.en.toml", "plural"}},
		{"bad template", fstest.MapFS{"catalog/x.th.toml": {Data: []byte(`x.a = "{{.A"`)}}, []string{"catalog/x.th.toml", `"x.a"`}},
		{"duplicate across files", fstest.MapFS{
			"catalog/a.th.toml": {Data: []byte(`x.a = "1"`)},
			"catalog/b.th.toml": {Data: []byte(`x.a = "2"`)},
		}, []string{"catalog/b.th.toml", "catalog/a.th.toml", `"x.a"`}},
		{"no files", fstest.MapFS{"catalog/README.md": good}, []string{"no catalog files"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(tt.fs)
			if err == nil {
				t.Fatal("got nil error, want error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestIsCommand(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		typed, key string
		want       bool
	}{
		{"ยกเลิก", "core.cmd.cancel", true},
		{"ยกเลิก ค่ะ", "core.cmd.cancel", true},
		{"ยกเลิกครับ", "core.cmd.cancel", true},
		{" Cancel ", "core.cmd.cancel", true},
		{"CANCEL!", "core.cmd.cancel", true},
		{"ย้อน กลับ", "core.cmd.back", true},
		{"back", "core.cmd.back", true},
		{"ช่วยเหลือด้วยค่ะ", "core.cmd.help", false},
		{"Help", "core.cmd.help", true},
		{"เมนู", "core.cmd.menu", true},
		{"Menu", "core.cmd.menu", true},
		{"ภาษา", "core.cmd.language", true},
		{"language", "core.cmd.language", true},
		{"ยกเลิก", "core.cmd.back", false},
		{"", "core.cmd.cancel", false},
		{"ค่ะ", "core.cmd.cancel", false},
		{"cancel", "core.cmd.nope", false},
		{"หน้า 1 จาก 2", "conv.page", false}, // templates never match
	}
	for _, tt := range tests {
		if got := c.IsCommand(tt.typed, tt.key); got != tt.want {
			t.Errorf("IsCommand(%q, %q) = %v, want %v", tt.typed, tt.key, got, tt.want)
		}
	}
}

func TestParseLang(t *testing.T) {
	tests := map[string]Lang{
		"th": Thai, "th-TH": Thai, "TH": Thai, "en": English, "en-US": English, "EN_gb": English,
		" English ": English, "อังกฤษ": English, "ja": Thai, "": Thai, "zh-Hant": Thai,
	}
	for in, want := range tests {
		if got := ParseLang(in); got != want {
			t.Errorf("ParseLang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMustLoad(t *testing.T) {
	if MustLoad() == nil {
		t.Fatal("MustLoad returned nil")
	}
}

// msgLike stands for flows.Msg, which has a Ref method.
type msgLike struct {
	key  string
	args map[string]any
}

func (m msgLike) Ref() Ref { return Ref{Key: m.key, Args: m.args} }

func TestTextRefMethod(t *testing.T) {
	c := mustLoad(t)
	hint := msgLike{key: "conv.page", args: map[string]any{"Page": 1, "Pages": Number(2000)}}
	got, err := c.Text(Thai, "conv.invalid_retry_hint", map[string]any{"Hint": hint})
	if want := "ขอโทษค่ะ ยังอ่านคำตอบนี้ไม่ได้ หน้า 1 จาก 2,000"; err != nil || got != want {
		t.Errorf("got %q, %v; want %q", got, err, want)
	}
}

// TestConcurrentText runs under -race: a Catalog is shared by all workers.
func TestConcurrentText(t *testing.T) {
	c := mustLoad(t)
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			l := Langs()[i%2]
			for range 200 {
				c.MustText(l, "conv.page", map[string]any{"Page": 1, "Pages": 2})
				c.IsCommand("ยกเลิก ค่ะ", "core.cmd.cancel")
				_ = c.Keys(l)
			}
		}()
	}
	for range 8 {
		<-done
	}
}

// A key that is also the start of another ("report.signin.page" beside
// "report.signin.page.none") makes the TOML define one name as both a text
// and a table, and the loader keeps only one of them: the other shows as
// its key. So the files' own lines are read here, not the loaded catalog.
func TestNoKeyIsAPrefixOfAnother(t *testing.T) {
	files, err := fs.Glob(catalogFS, catalogDir+"/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("catalog files: %v %v", files, err)
	}
	keyRE := regexp.MustCompile(`^([A-Za-z0-9_.]+)\s*=`)
	byLang := map[string][]string{}
	for _, f := range files {
		data, err := fs.ReadFile(catalogFS, f)
		if err != nil {
			t.Fatal(err)
		}
		lang := f[strings.LastIndex(f[:len(f)-len(".toml")], ".")+1 : len(f)-len(".toml")]
		for line := range strings.SplitSeq(string(data), "\n") {
			if m := keyRE.FindStringSubmatch(line); m != nil {
				byLang[lang] = append(byLang[lang], m[1])
			}
		}
	}
	for lang, keys := range byLang {
		slices.Sort(keys)
		for i, k := range keys {
			for _, next := range keys[i+1:] {
				if !strings.HasPrefix(next, k) {
					break
				}
				if strings.HasPrefix(next, k+".") {
					t.Errorf("%s: %q is also the start of %q", lang, k, next)
				}
			}
		}
	}
}
