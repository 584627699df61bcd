package flows

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sammachip/sammachip/locales"
)

// Imports read a table that officers keep in a spreadsheet (CSV in any
// encoding Thai offices produce, or an .xlsx workbook: import_decode.go),
// sent to the command line or in the chat (import_chat.go): a header
// row naming the columns (in any order, English or Thai names), then one
// row per record. Every row is checked before anything is written: one bad
// row means nothing is imported, and every problem is reported with its
// line number (the header is line 1). Importing the same file twice
// changes nothing the second time.

// MaxImportSize bounds an imported file.
const MaxImportSize = 8 << 20

// ImportReport says what an import changed.
type ImportReport struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	// The names of what was added, updated and left as it was (village
	// imports name each village with its ตำบล).
	AddedNames     []locales.Ref `json:"addedNames,omitempty"`
	UpdatedNames   []locales.Ref `json:"updatedNames,omitempty"`
	UnchangedNames []locales.Ref `json:"unchangedNames,omitempty"`
	// InUse names what an update changes that people have already met (a
	// village with a team, households or days): an import changes them
	// only when told to (--update, นำเข้าและแก้ไข).
	InUse []locales.Ref `json:"inUse,omitempty"`
}

// Msg is the report for people: "N added, M updated, K unchanged", with
// what each was when the import names them.
func (r ImportReport) Msg() Msg {
	if r.AddedNames == nil && r.UpdatedNames == nil && r.UnchangedNames == nil {
		return T("import.report", "Added", r.Added, "Updated", r.Updated, "Unchanged", r.Unchanged)
	}
	list := func(names []locales.Ref) any {
		if len(names) == 0 {
			return T("import.none").Ref()
		}
		return names
	}
	return T("import.report_named", "Added", r.Added, "Updated", r.Updated, "Unchanged", r.Unchanged,
		"AddedList", list(r.AddedNames), "UpdatedList", list(r.UpdatedNames), "UnchangedList", list(r.UnchangedNames))
}

// LineError is one problem of an imported file.
type LineError struct {
	// Line is the file's line number, counted from 1 (the header). It is 0
	// for a problem of the whole file.
	Line int `json:"line"`
	// Problem says what is wrong and how to fix it.
	Problem Msg `json:"problem"`
}

// Msg is the problem with its line number, for people.
func (l LineError) Msg() Msg {
	if l.Line <= 0 {
		return l.Problem
	}
	return T("import.line", "Line", l.Line, "Problem", l.Problem.Ref())
}

// ImportError is the error of an import that found problems; nothing was
// imported. Lines is in line order.
type ImportError struct {
	Lines []LineError
}

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import: %d problem(s), nothing imported", len(e.Lines))
	for i, l := range e.Lines {
		if i == 10 {
			fmt.Fprintf(&b, "; …")
			break
		}
		fmt.Fprintf(&b, "; line %d: %s", l.Line, l.Problem.Key)
	}
	return b.String()
}

// importColumn is a column an import understands.
type importColumn struct {
	Name    string
	Aliases []string // header texts that name it, compared after locales.MatchCommand
	// Label, when set, is the catalog key of its name for people; the
	// first alias stands in otherwise.
	Label    string
	Required bool
}

// importColumns are the columns of one kind of import.
type importColumns struct {
	Cols []importColumn
	// Known, when set, is the catalog key listing the columns for hints;
	// otherwise the list is built from the names and first aliases.
	Known string
}

// importRow is one data row by column name.
type importRow struct {
	Line   int
	Values map[string]string
}

// readImport reads a CSV file or a workbook with a header row into rows
// by column name. It accepts UTF-8 with or without a byte-order mark,
// Windows-874, UTF-16 and .xlsx (normalizeImport), and a comma, semicolon
// or tab between fields (whatever the header row uses). Blank rows are
// skipped. Problems of the file or its header come back as LineErrors.
func readImport(r io.Reader, cols importColumns) ([]importRow, []LineError, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("flows: import: read: %w", err)
	}
	if len(data) > MaxImportSize {
		return nil, []LineError{{Problem: T("import.err.too_big", "MiB", MaxImportSize>>20)}}, nil
	}
	data, bad := normalizeImport(data) // import_decode.go
	if bad != nil {
		return nil, []LineError{*bad}, nil
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, []LineError{{Line: 1, Problem: T("import.err.empty")}}, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = guessComma(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err != nil {
		return nil, []LineError{csvProblem(err, 1)}, nil
	}
	headerLine := 1
	index, problems := matchHeader(header, cols, 1)
	// A title above the table, as office sheets have ("รายชื่อครัวเรือน
	// ปี 2570" in A1, perhaps a blank row): the header is the first row
	// after it that names the columns.
	for i := 0; len(problems) > 0 && titleRow(header) && i < maxTitleRows; i++ {
		rec, err := cr.Read()
		if err != nil {
			break
		}
		if blank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		idx, p := matchHeader(rec, cols, line)
		if len(p) == 0 || !titleRow(rec) {
			// The header, or the row meant as one: its problems are
			// the file's.
			header, index, problems, headerLine = rec, idx, p, line
			break
		}
	}
	if len(problems) > 0 {
		return nil, problems, nil
	}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The rest of the file cannot be read reliably after a quoting
			// mistake: report it and stop.
			line, _ := cr.FieldPos(0)
			problems = append(problems, csvProblem(err, line))
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) > len(header) && !blank(rec[len(header):]) {
			problems = append(problems, LineError{Line: line, Problem: T("import.err.fields", "Count", len(rec), "Want", len(header))})
			continue
		}
		row := importRow{Line: line, Values: map[string]string{}}
		for name, i := range index {
			if i < len(rec) {
				row.Values[name] = strings.TrimSpace(rec[i])
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 && len(problems) == 0 {
		problems = append(problems, LineError{Line: headerLine + 1, Problem: T("import.err.no_rows")})
	}
	return rows, problems, nil
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// guessComma picks the separator the header row uses.
func guessComma(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	switch {
	case bytes.Contains(first, []byte(",")):
		return ','
	case bytes.Contains(first, []byte("\t")):
		return '\t'
	case bytes.Contains(first, []byte(";")):
		return ';'
	}
	return ','
}

func csvProblem(err error, line int) LineError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.StartLine
	}
	return LineError{Line: line, Problem: T("import.err.syntax")}
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// maxTitleRows is how many rows (a title, a blank row) a file may have
// above its header row.
const maxTitleRows = 5

// titleRow reports whether a row holds at most one value, as a title (or
// a blank row) does, and so cannot be a header row.
func titleRow(rec []string) bool {
	n := 0
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			n++
		}
	}
	return n <= 1
}

// matchHeader finds each column in the header row. Unknown or repeated
// columns and missing required ones are problems of its line.
func matchHeader(header []string, cols importColumns, line int) (map[string]int, []LineError) {
	index := map[string]int{}
	var problems []LineError
	var known any = columnNames(cols.Cols)
	if cols.Known != "" {
		known = T(cols.Known).Ref()
	}
	for i, h := range header {
		typed := locales.MatchCommand(h)
		if typed == "" {
			continue // an empty column, e.g. a trailing comma
		}
		col := findColumn(typed, cols.Cols)
		switch {
		case col == "":
			problems = append(problems, LineError{Line: line, Problem: T("import.err.unknown_column", "Column", strings.TrimSpace(h), "Known", known)})
		case hasIndex(index, col):
			problems = append(problems, LineError{Line: line, Problem: T("import.err.duplicate_column", "Column", strings.TrimSpace(h))})
		default:
			index[col] = i
		}
	}
	for _, c := range cols.Cols {
		if _, ok := index[c.Name]; !ok && c.Required {
			var label any = c.Aliases[0]
			if c.Label != "" {
				label = T(c.Label).Ref()
			}
			problems = append(problems, LineError{Line: line, Problem: T("import.err.missing_column",
				"Column", label, "Name", c.Name, "Known", known)})
		}
	}
	return index, problems
}

func hasIndex(index map[string]int, col string) bool {
	_, ok := index[col]
	return ok
}

func findColumn(typed string, cols []importColumn) string {
	for _, c := range cols {
		if typed == locales.MatchCommand(c.Name) {
			return c.Name
		}
		for _, a := range c.Aliases {
			if typed == locales.MatchCommand(a) {
				return c.Name
			}
		}
	}
	return ""
}

// columnNames lists the columns for a hint: "moo (หมู่ที่), name (…)".
func columnNames(cols []importColumn) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name + " (" + c.Aliases[0] + ")"
	}
	return strings.Join(names, ", ")
}

// villageColumns are the columns of a village import: English names or
// the Thai headers officers' spreadsheets use.
var villageColumns = importColumns{
	Known: "village.import.columns",
	Cols: []importColumn{
		{Name: "moo", Aliases: []string{"หมู่ที่", "หมู่", "village no", "village_no", "no"}, Label: "village.q.moo.label", Required: true},
		{Name: "name", Aliases: []string{"ชื่อหมู่บ้าน", "หมู่บ้าน", "village", "village name", "village_name"}, Label: "village.q.name.label", Required: true},
		{Name: "tambon", Aliases: []string{"ตำบล", "subdistrict", "sub-district"}, Label: "village.q.tambon.label", Required: true},
		{Name: "occupation", Aliases: []string{"อาชีพ", "อาชีพที่สอน", "อาชีพที่อบรม"}, Label: "village.q.occupation.label", Required: true},
		{Name: "capacity", Aliases: []string{"จำนวนครัวเรือน", "ครัวเรือน", "households"}, Label: "village.q.capacity.label"},
	},
}

// ImportVillages adds and updates the current round's villages from a CSV
// file with the columns moo, name, tambon, occupation and capacity (or the
// Thai headers หมู่ที่, ชื่อหมู่บ้าน, ตำบล, อาชีพ, จำนวนครัวเรือน), in any
// order; capacity may be left out or empty (DefaultCapacity). Numbers may be
// written with Thai digits, the village number as "หมู่ 5".
//
// A row is matched to a village by ตำบล and หมู่ together: หมู่ 1 of another
// ตำบล is another village, added beside it. A row that would change a
// village already in use (it has a team, households or days) is refused
// with its line number unless update is set: nothing is overwritten
// silently. A village that is not in use is updated (its lead kept).
//
// When any row is bad, ImportVillages writes nothing and returns an
// *ImportError listing every problem by line. Other errors are the
// reader's or the store's.
func ImportVillages(tx Tx, r io.Reader, now time.Time, by string, update bool) (ImportReport, error) {
	return importVillages(tx, r, now, by, update, false)
}

// importVillages is ImportVillages, or with dry set what it would do
// without writing anything (a preview). With update, the villages in use
// it changes are named in the report's InUse.
func importVillages(tx Tx, r io.Reader, now time.Time, by string, update, dry bool) (ImportReport, error) {
	rows, problems, err := readImport(r, villageColumns)
	if err != nil {
		return ImportReport{}, err
	}
	round, err := CurrentRound(tx)
	if err != nil {
		return ImportReport{}, fmt.Errorf("flows: import villages: %w", err)
	}
	type row struct {
		v    Village
		line int
	}
	var villages []row
	seen := map[string]int{} // ตำบล/หมู่ → line
	for _, r := range rows {
		v, bad := villageFromRow(r)
		if len(bad) > 0 {
			problems = append(problems, bad...)
			continue
		}
		place := TambonKey(v.Tambon) + "/" + strconv.Itoa(v.Moo)
		if first, dup := seen[place]; dup {
			problems = append(problems, LineError{Line: r.Line, Problem: T("village.import.err.duplicate", "Moo", v.Moo, "Tambon", v.Tambon, "Line", first)})
			continue
		}
		seen[place] = r.Line
		villages = append(villages, row{v, r.Line})
	}
	var rep ImportReport
	var writes []Village
	for _, r := range villages {
		v := r.v
		same, err := FindVillages(tx, v.Moo, v.Tambon)
		if err != nil {
			return ImportReport{}, fmt.Errorf("flows: import villages: %w", err)
		}
		if len(same) == 0 {
			v.Round, v.Created, v.Updated = round.ID, now, now
			rep.Added++
			rep.AddedNames = append(rep.AddedNames, importName(v))
			writes = append(writes, v)
			continue
		}
		old := same[0]
		if old.Name == v.Name && old.Occupation == v.Occupation && old.Capacity == v.Capacity {
			rep.Unchanged++
			rep.UnchangedNames = append(rep.UnchangedNames, importName(old))
			continue
		}
		used, err := villageInUse(tx, old.ID)
		if err != nil {
			return ImportReport{}, fmt.Errorf("flows: import villages: %w", err)
		}
		if used && !update {
			problems = append(problems, LineError{Line: r.line, Problem: T("village.import.err.in_use",
				"Village", T("village.import.name", "Moo", old.Moo, "Name", old.Name, "Tambon", old.Tambon).Ref(), "New", v.Name)})
			continue
		}
		if used {
			rep.InUse = append(rep.InUse, T("import.chat.in_use_item", "Village", importName(old), "New", v.Name).Ref())
		}
		old.Name, old.Occupation, old.Capacity = v.Name, v.Occupation, v.Capacity
		old.Updated = now
		rep.Updated++
		rep.UpdatedNames = append(rep.UpdatedNames, importName(old))
		writes = append(writes, old)
	}
	if len(problems) > 0 {
		return ImportReport{}, &ImportError{Lines: problems}
	}
	if dry {
		return rep, nil
	}
	if len(writes) > 0 {
		if _, err := ensureRound(tx, now, by); err != nil {
			return ImportReport{}, fmt.Errorf("flows: import villages: %w", err)
		}
	}
	for _, v := range writes {
		if err := PutVillage(tx, &v); err != nil {
			return ImportReport{}, fmt.Errorf("flows: import villages: %w", err)
		}
	}
	return rep, nil
}

// importName names a village in an import's report.
func importName(v Village) locales.Ref {
	return T("village.import.name", "Moo", v.Moo, "Name", v.Name, "Tambon", v.Tambon).Ref()
}

// villageInUse reports whether a village has a team, households or days:
// then a change of its name or occupation is not a correction of a typo
// but a change people have already met.
func villageInUse(tx Tx, id int) (bool, error) {
	v, _, err := GetVillage(tx, id)
	if err != nil {
		return false, err
	}
	if v.LeadSageID != "" || len(v.Team) > 0 {
		return true, nil
	}
	if hs, err := VillageHouseholds(tx, id); err != nil || len(hs) > 0 {
		return len(hs) > 0, err
	}
	s, err := GetSchedule(tx, id)
	if err != nil {
		return false, err
	}
	for _, d := range s {
		if d != nil {
			return true, nil
		}
	}
	team, err := TeamMembers(tx, id)
	return len(team) > 0, err
}

// villageFromRow checks one row with the same rules as the chat's forms.
func villageFromRow(row importRow) (Village, []LineError) {
	var v Village
	var bad []LineError
	problem := func(m Msg) { bad = append(bad, LineError{Line: row.Line, Problem: m}) }
	val := row.Values
	if vid, ok := locales.ParseMoo(val["moo"]); ok {
		v.Moo = vid
	} else {
		problem(T("village.import.err.moo", "Value", val["moo"]))
	}
	var ok bool
	if v.Name, ok = ParseVillageName(val["name"]); !ok {
		problem(T("village.import.err.name", "Max", maxVillageText))
	}
	if v.Tambon, ok = ParseTambon(val["tambon"]); !ok {
		problem(T("village.import.err.tambon", "Max", maxVillageText))
	}
	if v.Occupation, ok = ParseOccupation(val["occupation"]); !ok {
		problem(T("village.import.err.occupation", "Max", maxVillageText))
	}
	if v.Capacity, ok = ParseCapacity(val["capacity"]); !ok {
		problem(T("village.import.err.capacity", "Value", val["capacity"], "Max", MaxCapacity))
	}
	return v, bad
}
