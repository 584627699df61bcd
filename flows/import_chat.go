package flows

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Files in, through the chat: an officer sends a .csv or .xlsx file in
// their 1:1 chat; the edge fetches it (WantsFile says whether to) and the
// bot tells what the file is from its header row, previews the import
// ("จะเพิ่ม 12 · แก้ไข 1 · ไม่เปลี่ยน 0") with the same code as the
// command line run without writing, and keeps the file (as UTF-8 CSV, in
// the pending store, ImportPendingTTL) until the officer taps นำเข้า or
// ยกเลิก. The import confirmed is the file previewed: when the database
// changed meanwhile so that the counts differ, the new preview is shown
// and asked again. A file with problems gets its problem lines and no
// import button. The file holds personal data (a household list): it is
// never logged, and its pending copy is deleted when imported, cancelled,
// replaced by another file or expired (PruneImports), and by a person's
// deletion (Tx.ForgetCopies covers the pending store).

// ImportPendingTTL is how long a previewed file waits for its officer.
const ImportPendingTTL = time.Hour

// The kinds of file the chat imports.
const (
	importVillagesKind   = "villages"
	importScheduleKind   = "schedule"
	importHouseholdsKind = "households"
)

// Actions of the preview's buttons.
const (
	actImportOK     = "imp.ok"
	actImportCancel = "imp.no"
)

// maxShownProblems is how many problem lines one answer lists.
const maxShownProblems = 15

// pendingImportKey is where an officer's previewed file waits in the
// pending store (beside households' answers, under another key).
func pendingImportKey(userID string) string { return "import:" + userID }

// Fields of a pending import.
const (
	piKind    = "kind"
	piCSV     = "csv"
	piExpires = "expires"
	piSig     = "sig"
	piInUse   = "inuse"
	piCounts  = "counts"
)

func (e *Engine) registerImportChat() {
	e.RegisterAction(actImportOK, e.actImportOK)
	e.RegisterAction(actImportCancel, func(c *Ctx, p Postback) error { return e.cancelImport(c, p.Sig) })
	e.RegisterCommand(Command{Key: "import.chat.btn.import", In1to1: true, Run: func(c *Ctx) error {
		return e.confirmImport(c, "", false)
	}})
	e.RegisterCommand(Command{Key: "import.chat.btn.import_update", In1to1: true, Run: func(c *Ctx) error {
		return e.confirmImport(c, "", true)
	}})
	// ยกเลิก typed while a file waits cancels it; otherwise it is no
	// claim of this file.
	e.RegisterCommand(Command{In1to1: true, Claim: func(c *Ctx) (bool, error) {
		if !c.typedIs("core.cmd.cancel") {
			return false, nil
		}
		_, ok, err := c.Tx.Pending().Get(pendingImportKey(c.In.UserID))
		if err != nil || !ok {
			return false, err
		}
		return true, e.cancelImport(c, "")
	}})
}

// importExt is the type of a file by its name: "csv", "xlsx", or "".
func importExt(name string) string {
	switch strings.ToLower(path.Ext(strings.TrimSpace(name))) {
	case ".csv", ".txt":
		return "csv"
	case ".xlsx":
		return "xlsx"
	}
	return ""
}

// WantsFile reports whether the edge should fetch a file message's
// content: a file of a type the bot imports, within the size limit, sent
// by an officer in their 1:1 chat. Anything else is answered without it
// (a non-officer's file is never fetched).
func WantsFile(tx Tx, in Input) (bool, error) {
	if in.Kind != InputFile || in.File == nil || in.InGroup() || in.UserID == "" {
		return false, nil
	}
	if importExt(in.File.Name) == "" || in.File.Size > MaxImportSize {
		return false, nil
	}
	return IsOfficer(tx, in.UserID)
}

// fileIn answers a file sent in a chat.
func (e *Engine) fileIn(c *Ctx) error {
	if c.In.InGroup() || c.In.UserID == "" {
		return nil // a group's files are its own business
	}
	f := c.In.File
	if f == nil {
		return e.nonText(c)
	}
	officer, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	switch {
	case !officer:
		c.Say(Text(T("import.chat.officers_only"), e.mainMenu(c)...))
		return nil
	case importExt(f.Name) == "":
		c.Say(Text(T("import.chat.wrong_type", "Name", f.Name)))
		return nil
	case f.Size > MaxImportSize || len(f.Data) > MaxImportSize:
		c.Say(Text(T("import.chat.too_big", "MiB", MaxImportSize>>20)))
		return nil
	case f.Failed || f.Data == nil:
		c.Say(Text(T("import.chat.fetch_failed")))
		return nil
	}
	if SniffImport(f.Data) != FileXLSX && importExt(f.Name) == "xlsx" || SniffImport(f.Data) == FileOther {
		c.Say(Text(T("import.chat.wrong_type", "Name", f.Name)))
		return nil
	}
	text, bad := normalizeImport(f.Data)
	if bad != nil {
		return e.sayProblems(c, []LineError{*bad})
	}
	kind, problems := detectImport(text)
	if kind == "" {
		if problems != nil {
			return e.sayProblems(c, problems)
		}
		c.Say(Text(T("import.chat.unknown")))
		return nil
	}
	// A new file replaces one waiting.
	if err := c.Tx.Pending().Delete(pendingImportKey(c.In.UserID)); err != nil {
		return err
	}
	return e.preview(c, kind, text)
}

// detectImport tells a file's kind from its header row: the kind whose
// columns it has. When none fits, the kind it comes closest to (at least
// two of its columns) gets its header's problems; otherwise it is unknown.
func detectImport(text []byte) (string, []LineError) {
	kinds := []struct {
		name string
		cols importColumns
	}{{importHouseholdsKind, householdColumns}, {importScheduleKind, scheduleColumns}, {importVillagesKind, villageColumns}}
	best, bestN := -1, 1
	var bestProblems []LineError
	for i, k := range kinds {
		_, problems, err := readImport(bytes.NewReader(text), k.cols)
		if err != nil {
			continue
		}
		if !headerProblem(problems) {
			return k.name, nil
		}
		if n := matchedColumns(text, k.cols); n > bestN {
			best, bestN, bestProblems = i, n, problems
		}
	}
	if best < 0 {
		return "", nil
	}
	return "", bestProblems
}

// headerProblem reports whether problems include one of the header row
// (line 1, the columns of a header below a title, or the whole file).
func headerProblem(problems []LineError) bool {
	for _, p := range problems {
		switch p.Problem.Key {
		case "import.err.unknown_column", "import.err.duplicate_column", "import.err.missing_column":
			return true
		}
		if p.Line <= 1 {
			return true
		}
	}
	return false
}

// matchedColumns counts the header's columns that cols knows: the most
// of the first rows' (a title may sit above the header).
func matchedColumns(text []byte, cols importColumns) int {
	best := 0
	for i, line := range bytes.SplitN(text, []byte("\n"), maxTitleRows+2) {
		if i > maxTitleRows {
			break
		}
		n := 0
		for _, h := range strings.FieldsFunc(string(line), func(r rune) bool { return r == ',' || r == ';' || r == '\t' }) {
			if findColumn(locales.MatchCommand(strings.Trim(h, "\" \r")), cols.Cols) != "" {
				n++
			}
		}
		best = max(best, n)
	}
	return best
}

// runImport runs kind's import on text, or with dry set only says what
// it would do (the preview).
func (e *Engine) runImport(c *Ctx, kind string, text []byte, update, dry bool) (ImportReport, []ImportedCode, error) {
	r := bytes.NewReader(text)
	switch kind {
	case importVillagesKind:
		rep, err := importVillages(c.Tx, r, c.Now, c.In.UserID, update, dry)
		return rep, nil, err
	case importScheduleKind:
		rep, err := e.importSchedule(c.Tx, r, c.Now, c.In.UserID, false, dry)
		return rep, nil, err
	case importHouseholdsKind:
		return e.importHouseholds(c.Tx, r, c.Now, c.In.UserID, dry)
	}
	return ImportReport{}, nil, errors.New("flows: import: unknown kind " + kind)
}

// preview shows what importing the file would do and keeps it waiting for
// the officer's tap.
func (e *Engine) preview(c *Ctx, kind string, text []byte) error {
	rep, _, err := e.runImport(c, kind, text, true, true)
	var ie *ImportError
	if errors.As(err, &ie) {
		return e.sayProblems(c, ie.Lines)
	}
	if err != nil {
		return err
	}
	what := T("import.chat.kind." + kind).Ref()
	counts := T("import.chat.counts", "Added", rep.Added, "Updated", rep.Updated, "Unchanged", rep.Unchanged)
	if rep.Added+rep.Updated == 0 {
		c.Say(Text(T("import.chat.nothing_new", "What", what, "Counts", counts.Ref())))
		return nil
	}
	sum := sha256.Sum256(append([]byte(kind+"\n"), text...))
	sig := hex.EncodeToString(sum[:6])
	inUse := len(rep.InUse) > 0
	pending := Answers{
		piKind: kind, piCSV: string(text), piSig: sig,
		piExpires: c.Now.Add(ImportPendingTTL).UTC().Format(time.RFC3339),
		piCounts:  countsOf(rep),
	}
	if inUse {
		pending[piInUse] = "1"
	}
	if err := c.Tx.Pending().Put(pendingImportKey(c.In.UserID), pending); err != nil {
		return err
	}
	fields, more, err := previewFields(c.Tx, kind, text, rep)
	if err != nil {
		return err
	}
	title := T("import.chat.preview_title", "What", what)
	c.Say(Reply{Style: StyleCard, Title: &title, Text: T("import.chat.preview_counts", "Counts", counts.Ref(), "More", more), Fields: fields})
	if len(rep.InUse) > 0 {
		c.Say(Text(T("import.chat.in_use", "List", rep.InUse)))
	}
	ask := T("import.chat.ask", "Until", locales.Clock(c.Now.Add(ImportPendingTTL)))
	if kind == importHouseholdsKind {
		ask = T("import.chat.ask_households", "Until", locales.Clock(c.Now.Add(ImportPendingTTL)))
	}
	okLabel := T("import.chat.btn.import")
	if inUse {
		okLabel = T("import.chat.btn.import_update")
	}
	cancel := T("core.cmd.cancel")
	c.Say(Reply{Style: StyleConfirm, Text: ask, Buttons: []Action{
		{Label: okLabel, Data: Postback{Action: actImportOK, Sig: sig, Yes: inUse}.Encode(), Say: &okLabel},
		{Label: cancel, Data: Postback{Action: actImportCancel, Sig: sig}.Encode(), Say: &cancel},
	}})
	return nil
}

// maxShownVillages is how many villages a preview lists.
const maxShownVillages = 15

// previewFields says, one row a village, what a file that passed its dry
// run will do: the villages it adds or corrects; the households it
// brings to each village; the days of each village's schedule with their
// dates. more is how many villages are left out past maxShownVillages.
func previewFields(tx Tx, kind string, text []byte, rep ImportReport) (fields []Field, more int, err error) {
	add := func(f Field) {
		if len(fields) < maxShownVillages {
			fields = append(fields, f)
		} else {
			more++
		}
	}
	if kind == importVillagesKind {
		for _, n := range rep.AddedNames {
			add(Field{Label: T("import.chat.field.add"), Value: Msg{Key: n.Key, Args: n.Args}})
		}
		for _, n := range rep.UpdatedNames {
			add(Field{Label: T("import.chat.field.update"), Value: Msg{Key: n.Key, Args: n.Args}})
		}
		return fields, more, nil
	}
	cols := householdColumns
	if kind == importScheduleKind {
		cols = scheduleColumns
	}
	rows, _, err := readImport(bytes.NewReader(text), cols)
	if err != nil {
		return nil, 0, err
	}
	type village struct {
		v          Village
		n          int
		days       []int
		from, till string
	}
	var order []int
	byID := map[int]*village{}
	for _, row := range rows {
		moo, ok := locales.ParseMoo(row.Values["moo"])
		if !ok {
			continue
		}
		found, err := FindVillages(tx, moo, strings.TrimSpace(row.Values["tambon"]))
		if err != nil {
			return nil, 0, err
		}
		if len(found) != 1 {
			continue // the dry run refused such a file
		}
		v := byID[found[0].ID]
		if v == nil {
			v = &village{v: found[0]}
			byID[v.v.ID] = v
			order = append(order, v.v.ID)
		}
		v.n++
		if kind != importScheduleKind {
			continue
		}
		if day, err := strconv.Atoi(strings.TrimSpace(locales.NormalizeDigits(row.Values["day"]))); err == nil {
			v.days = append(v.days, day)
		}
		if date, ok := locales.ParseDate(row.Values["date"]); ok {
			if v.from == "" || date < v.from {
				v.from = date
			}
			if date > v.till {
				v.till = date
			}
		}
	}
	for _, id := range order {
		v := byID[id]
		label := T("import.chat.field.moo", "Moo", v.v.Moo)
		name := pickerNameArg(v.v)
		if kind == importHouseholdsKind {
			add(Field{Label: label, Value: T("import.chat.field.households", "Village", name, "Count", v.n)})
			continue
		}
		from, _ := time.Parse("2006-01-02", v.from)
		till, _ := time.Parse("2006-01-02", v.till)
		slices.Sort(v.days)
		key := "import.chat.field.days"
		if v.from == v.till {
			key = "import.chat.field.day"
		}
		add(Field{Label: label, Value: T(key, "Village", name, "Days", dayList(v.days),
			"From", locales.ShortDate(from), "Till", locales.ShortDate(till))})
	}
	return fields, more, nil
}

// dayList is a schedule's day numbers as people write them: "1–5" for a
// run, "1, 2, 4" otherwise.
func dayList(days []int) string {
	days = slices.Compact(days)
	if len(days) > 2 && days[len(days)-1]-days[0] == len(days)-1 {
		return strconv.Itoa(days[0]) + "–" + strconv.Itoa(days[len(days)-1])
	}
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ", ")
}

func countsOf(r ImportReport) string {
	return strconv.Itoa(r.Added) + "/" + strconv.Itoa(r.Updated) + "/" + strconv.Itoa(r.Unchanged)
}

// sayProblems lists a file's problems (the first maxShownProblems), one
// row a line, and how to send it again. There is no import button:
// nothing is imported.
func (e *Engine) sayProblems(c *Ctx, lines []LineError) error {
	shown := lines
	if len(shown) > maxShownProblems {
		shown = shown[:maxShownProblems]
	}
	fields := make([]Field, 0, len(shown))
	for _, l := range shown {
		label := T("import.chat.whole_file")
		if l.Line > 0 {
			label = T("import.chat.line_label", "Line", l.Line)
		}
		fields = append(fields, Field{Label: label, Value: l.Problem})
	}
	title := T("import.chat.problems_title")
	c.Say(Reply{Style: StyleCard, Title: &title, Text: T("import.chat.problems", "Count", len(lines), "More", len(lines)-len(shown)), Fields: fields})
	return nil
}

// loadPendingImport reads the officer's waiting file; ok is false when
// there is none or it expired (then it is deleted).
func loadPendingImport(c *Ctx) (Answers, bool, error) {
	key := pendingImportKey(c.In.UserID)
	a, ok, err := c.Tx.Pending().Get(key)
	if err != nil || !ok {
		return nil, false, err
	}
	if exp, err := time.Parse(time.RFC3339, a[piExpires]); err != nil || !c.Now.Before(exp) {
		return nil, false, c.Tx.Pending().Delete(key)
	}
	return a, true, nil
}

func (e *Engine) actImportOK(c *Ctx, p Postback) error { return e.confirmImport(c, p.Sig, p.Yes) }

// confirmImport imports the waiting file. sig, when set, is the preview
// the tap came from: a tap on an older preview is stale.
func (e *Engine) confirmImport(c *Ctx, sig string, update bool) error {
	if ok, err := IsOfficer(c.Tx, c.In.UserID); err != nil {
		return err
	} else if !ok {
		return Forbidden("import", "import.chat.officers_only")
	}
	a, ok, err := loadPendingImport(c)
	if err != nil {
		return err
	}
	if !ok {
		c.Say(Text(T("import.chat.none_waiting")))
		return nil
	}
	if sig != "" && sig != a[piSig] {
		return c.stale()
	}
	if a[piInUse] == "1" && !update {
		c.Say(Text(T("import.chat.needs_update")))
		return nil
	}
	kind, text := a[piKind], []byte(a[piCSV])
	// The database may have changed since the preview: import only what
	// was shown.
	rep, _, err := e.runImport(c, kind, text, update, true)
	var ie *ImportError
	if err == nil && countsOf(rep) != a[piCounts] || errors.As(err, &ie) {
		if err := c.Tx.Pending().Delete(pendingImportKey(c.In.UserID)); err != nil {
			return err
		}
		c.Say(Text(T("import.chat.changed")))
		return e.preview(c, kind, text)
	}
	if err != nil {
		return err
	}
	rep, codes, err := e.runImport(c, kind, text, update, false)
	if err != nil {
		return err
	}
	if err := c.Tx.Pending().Delete(pendingImportKey(c.In.UserID)); err != nil {
		return err
	}
	next, quick := importNext(kind)
	done := Text(T("import.chat.done", "What", T("import.chat.kind."+kind).Ref(),
		"Counts", T("import.chat.done_counts", "Added", rep.Added, "Updated", rep.Updated, "Unchanged", rep.Unchanged).Ref(),
		"Next", next.Ref()))
	if len(codes) == 0 {
		done.Quick = quick
	}
	c.Say(done)
	if len(codes) > 0 {
		c.Say(Text(T("import.chat.codes", "Count", len(codes), "Date", locales.DateYear(codes[0].Until.In(c.Location()).Add(-time.Minute))), quick...))
	}
	return nil
}

// importNext is what an officer does after importing a kind of file, in
// the order of a district's setup (villages, households, schedule): a
// line saying so and the chips that do it.
func importNext(kind string) (Msg, []Action) {
	list := T("village.btn.list")
	villages := Action{Label: list, Data: Postback{Action: actVillages}.Encode(), Say: &list}
	switch kind {
	case importVillagesKind:
		return T("import.chat.next.villages"), []Action{villages}
	case importHouseholdsKind:
		return T("import.chat.next.households"), []Action{menuChip(ItemSelect), villages}
	}
	return T("import.chat.next.schedule"), []Action{menuChip(ItemSetSchedule), menuChip(ItemSummary)}
}

// cancelImport drops the waiting file.
func (e *Engine) cancelImport(c *Ctx, sig string) error {
	a, ok, err := loadPendingImport(c)
	if err != nil {
		return err
	}
	if !ok {
		c.Say(Text(T("import.chat.none_waiting")))
		return nil
	}
	if sig != "" && sig != a[piSig] {
		return c.stale()
	}
	if err := c.Tx.Pending().Delete(pendingImportKey(c.In.UserID)); err != nil {
		return err
	}
	c.Say(Text(T("import.chat.cancelled")))
	return nil
}

// PruneImports deletes the files that waited longer than ImportPendingTTL
// (and the link codes typed whose notice was never answered), and reports
// how many. The edge runs it every few minutes: a household
// list nobody confirmed does not stay in the database.
func PruneImports(tx Tx, now time.Time) (int, error) {
	var old []string
	err := tx.Pending().Each(func(k string, a Answers) error {
		if !strings.HasPrefix(k, "import:") && !strings.HasPrefix(k, "link:") {
			return nil
		}
		if exp, err := time.Parse(time.RFC3339, a[piExpires]); err != nil || !now.Before(exp) {
			old = append(old, k)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range old {
		if err := tx.Pending().Delete(k); err != nil {
			return 0, err
		}
	}
	return len(old), nil
}
