package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sammachip/sammachip/locales"
)

// Occupation groups (กลุ่มอาชีพ) formed in a village along the programme's
// lines. An officer, or the village's lead sage, records one from the chat
// (กลุ่มอาชีพ, or the village card's button): its name, its occupation (the
// village's by default), its members picked from the village's households
// that completed the programme (typed as numbers, "1,3,5", or ทั้งหมด),
// and the date it was formed. The village card shows them and the
// indicators count them (indicators.go).

const (
	formGroup   = "group.add"
	actGroupAdd = "group_add" // vil=village id (from the village card)
	// ansGroupLead marks a form opened by a lead sage: their village is
	// fixed, so the village question is not asked.
	ansGroupLead = "_lead"
	// membersAll is the answer "every trained household of the village",
	// read when the group is saved.
	membersAll = "all"
	// maxGroupName bounds a group's name.
	maxGroupName = 80
	// groupDateYears is how far back a formed date may go.
	groupDateYears = 3
)

func (e *Engine) registerGroups() {
	e.RegisterForm(&Form{
		Name:  formGroup,
		Title: T("group.form.title"),
		TitleFor: func(c *Ctx, a Answers) Msg {
			return T("group.form.title_for", "Village", villageMsg(c.Tx, villageID(a[ansVillage])).Ref())
		},
		Begin: beginGroup,
		Questions: []Question{
			{
				Field: ansVillage, Ask: T("group.q.village.ask"), Help: T("group.q.village.help"), Label: T("group.q.village.label"),
				When:    func(a Answers) bool { return a[ansGroupLead] == "" },
				Choices: groupVillageChoices, Which: villageWhich(groupVillageChoices),
				Parse: func(c *Ctx, a Answers, text string) (string, *Msg) {
					v, h := parseVillage(c, a, text)
					if h != nil {
						return "", h
					}
					return v, checkTrained(c, villageID(v))
				},
				Show: showVillage,
			},
			{
				Field: "name", Ask: T("group.q.name.ask"), Help: T("group.q.name.help"), Label: T("group.q.name.label"),
				Parse: parseGroupName,
			},
			{
				Field: "occupation", Ask: T("group.q.occupation.ask"), Help: T("group.q.occupation.help"), Label: T("group.q.occupation.label"),
				Prompt: func(c *Ctx, a Answers) Msg {
					v, _, _ := GetVillage(c.Tx, villageID(a[ansVillage]))
					return T("group.q.occupation.ask_village", "Occupation", v.Occupation)
				},
				Choices: func(c *Ctx, a Answers) ([]Choice, error) {
					v, ok, err := GetVillage(c.Tx, villageID(a[ansVillage]))
					if err != nil || !ok || v.Occupation == "" {
						return nil, err
					}
					return []Choice{{Value: v.Occupation, Label: T("group.btn.occupation", "Occupation", v.Occupation)}}, nil
				},
				Parse: villageTextParser(ParseOccupation, "village.hint.occupation"),
			},
			{
				Field: "members", Ask: T("group.q.members.ask"), Help: T("group.q.members.help"), Label: T("group.q.members.label"),
				Prompt: membersPrompt,
				Choices: func(*Ctx, Answers) ([]Choice, error) {
					return []Choice{{Value: membersAll, Label: T("group.btn.all")}}, nil
				},
				Parse: parseMembers,
				Show:  showMembers,
			},
			{
				Field: "formed", Ask: T("group.q.formed.ask"), Help: T("group.q.formed.help"), Label: T("group.q.formed.label"),
				Picker: "date",
				Parse:  parseFormedDate,
				Show: func(c *Ctx, v string) Msg {
					t, _ := time.ParseInLocation("2006-01-02", v, c.Location())
					return T("attendance.value.date", "Date", locales.Date(t))
				},
			},
		},
		Save:    saveGroup,
		DoneKey: "group.saved.again",
	})
	e.RegisterCommand(Command{Key: "group.cmd", In1to1: true, Run: func(c *Ctx) error { return startGroup(c, 0) }})
	e.RegisterAction(actGroupAdd, func(c *Ctx, p Postback) error { return startGroup(c, p.Village) })
}

// startGroup opens the group form; vid, when set, is the village it is
// for (the village card's button).
func startGroup(c *Ctx, vid int) error {
	if c.In.InGroup() {
		return c.stale()
	}
	a := Answers{}
	if vid != 0 {
		a[ansVillage] = villageValue(vid)
	}
	return c.StartForm(formGroup, a)
}

// beginGroup lets in officers (for any village) and a village's lead
// sage (for their own village); anyone else is refused, politely. A
// village given must have households that completed the programme.
func beginGroup(c *Ctx, a Answers) error {
	vid, lead, err := groupVillageFor(c, villageID(a[ansVillage]))
	if err != nil {
		return err
	}
	if lead {
		a[ansGroupLead] = "1"
	}
	if vid == 0 {
		return nil // an officer picks the village
	}
	a[ansVillage] = villageValue(vid)
	if h := checkTrained(c, vid); h != nil {
		return Invalid("add group", h.Key)
	}
	return nil
}

// groupVillageFor says which village the user may record a group for: an
// officer the one asked (0: ask), a lead sage their own village (another
// one is refused). lead reports a lead sage.
func groupVillageFor(c *Ctx, vid int) (village int, lead bool, err error) {
	const op = "add group"
	officer, err := IsOfficer(c.Tx, c.In.UserID)
	if err != nil {
		return 0, false, err
	}
	if officer {
		if vid == 0 {
			return 0, false, nil
		}
		if _, ok, err := GetVillage(c.Tx, vid); err != nil || !ok {
			if err == nil {
				err = NotFound(op, "village.err.not_found")
			}
			return 0, false, err
		}
		return vid, false, nil
	}
	v, ok, err := ledVillage(c.Tx, c.In.UserID)
	if err != nil {
		return 0, false, err
	}
	if !ok {
		return 0, false, Forbidden(op, "group.err.not_allowed")
	}
	if vid != 0 && vid != v.ID {
		return 0, false, Forbidden(op, "household.err.other_village")
	}
	return v.ID, true, nil
}

// ledVillage is the village whose lead sage the user is (an approved
// sage), the latest round's when they led several.
func ledVillage(tx Tx, userID string) (Village, bool, error) {
	if userID == "" {
		return Village{}, false, nil
	}
	s, ok, err := GetSage(tx, userID)
	if err != nil || !ok || s.Status != SageApproved {
		return Village{}, false, err
	}
	all, err := AllVillages(tx)
	if err != nil {
		return Village{}, false, err
	}
	var best Village
	found := false
	for _, v := range all {
		if v.LeadSageID == userID && (!found || v.Round > best.Round) {
			best, found = v, true
		}
	}
	return best, found, nil
}

// checkTrained is a hint when village vid has no household that
// completed the programme yet (a group's members come from those).
func checkTrained(c *Ctx, vid int) *Msg {
	hs, err := groupCandidates(c, vid)
	if err != nil || len(hs) == 0 {
		return hint("group.err.no_trained")
	}
	return nil
}

// groupCandidates are the households a group of village vid may have as
// members: those that completed the programme, less the anonymous tallies
// a deletion leaves.
func groupCandidates(c *Ctx, vid int) ([]Household, error) {
	hs, err := TrainedHouseholds(c.Tx, vid, c.Now)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(hs, func(h Household) bool { return h.Erased }), nil
}

// groupVillageChoices are the current round's villages whose week is over.
func groupVillageChoices(c *Ctx, a Answers) ([]Choice, error) {
	all, err := villageChoices(c, a)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(ch Choice) bool { return !villageFinished(c.Tx, villageID(ch.Value), c.Now) }), nil
}

// parseGroupName reads a group's name: 1–80 characters with a letter,
// not the name of another group of the village.
func parseGroupName(c *Ctx, a Answers, text string) (string, *Msg) {
	name, ok := locales.NormalizeText(text, maxGroupName)
	if !ok || !strings.ContainsFunc(name, unicode.IsLetter) {
		h := T("group.hint.name", "Max", maxGroupName)
		return "", &h
	}
	if taken, err := groupNameTaken(c.Tx, villageID(a[ansVillage]), name); err == nil && taken {
		return "", hint("group.hint.name_taken")
	}
	return name, nil
}

// groupNameTaken reports whether village vid has a group called name
// (compared as typed commands are: case, spaces and particles aside).
func groupNameTaken(tx Tx, vid int, name string) (bool, error) {
	gs, err := VillageGroups(tx, vid)
	if err != nil {
		return false, err
	}
	key := locales.MatchCommand(name)
	return slices.ContainsFunc(gs, func(g OccupationGroup) bool { return locales.MatchCommand(g.Name) == key }), nil
}

// membersPrompt asks for the members with the village's trained
// households numbered: "1. มาลี แก้วใส (12)", the house number in
// brackets.
func membersPrompt(c *Ctx, a Answers) Msg {
	hs, _ := groupCandidates(c, villageID(a[ansVillage]))
	lines := make([]string, len(hs))
	for i, h := range hs {
		lines[i] = strconv.Itoa(i+1) + ". " + h.HeadName
		if h.HouseNo != "" {
			lines[i] += " (" + h.HouseNo + ")"
		}
	}
	return T("group.q.members.ask_list", "Count", len(hs), "List", strings.Join(lines, "\n"))
}

// parseMembers reads the members as typed numbers of the list: "1,3,5",
// "1 3 5", "1-4", "๒ และ ๕". It keeps the households' ids, so that the
// answer means the same households whatever happens to the list.
func parseMembers(c *Ctx, a Answers, text string) (string, *Msg) {
	hs, err := groupCandidates(c, villageID(a[ansVillage]))
	if err != nil || len(hs) == 0 {
		return "", hint("group.err.no_trained")
	}
	nums, ok := parseNumberList(text, len(hs))
	if !ok {
		h := T("group.hint.members", "Max", len(hs))
		return "", &h
	}
	ids := make([]string, len(nums))
	for i, n := range nums {
		ids[i] = hs[n-1].ID
	}
	return strings.Join(ids, ","), nil
}

// parseNumberList reads numbers from 1 to max typed as a list ("1,3,5",
// "1 3 5", "2-4", "1/2", Thai digits, "และ" between): at least one, in
// order, each once.
func parseNumberList(text string, maxN int) ([]int, bool) {
	s := locales.NormalizeDigits(text)
	for _, sep := range []string{"และ", "and", "、", "/", ";", "+"} {
		s = strings.ReplaceAll(s, sep, ",")
	}
	// "1 - 4" is a range, not two numbers and a dash.
	for strings.Contains(s, " -") || strings.Contains(s, "- ") {
		s = strings.ReplaceAll(strings.ReplaceAll(s, " -", "-"), "- ", "-")
	}
	seen := map[int]bool{}
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		lo, hi, isRange := strings.Cut(tok, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || a < 1 || b < a || b > maxN {
			return nil, false
		}
		for n := a; n <= b; n++ {
			seen[n] = true
		}
	}
	if len(seen) == 0 {
		return nil, false
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out, true
}

// groupMembers reads a members answer: the households it names that are
// still trained households of village vid (all of them for "all").
func groupMembers(c *Ctx, vid int, answer string) ([]Household, error) {
	hs, err := groupCandidates(c, vid)
	if err != nil || answer == membersAll {
		return hs, err
	}
	ids := strings.Split(answer, ",")
	return slices.DeleteFunc(hs, func(h Household) bool { return !slices.Contains(ids, h.ID) }), nil
}

// showMembers writes the members for the summary card: how many, and
// their names.
func showMembers(c *Ctx, v string) Msg {
	vid := 0
	if c.conv != nil {
		vid = villageID(c.conv.Answers[ansVillage])
	}
	hs, _ := groupMembers(c, vid, v)
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h.HeadName
	}
	return T("group.show.members", "Count", len(hs), "Names", strings.Join(names, ", "))
}

// parseFormedDate reads the date a group was formed, as people type it
// ("15/1/2570", "15 ม.ค. 70", "15 ม.ค." for the latest such day not in
// the future) or as LINE's date picker gives it: not in the future, and
// not more than groupDateYears back.
func parseFormedDate(c *Ctx, _ Answers, s string) (string, *Msg) {
	today := c.today()
	d, ok := locales.ParseDate(s)
	if !ok {
		// "15 ม.ค." or "15/1": this year, or last year if that is to come.
		be := c.Now.Year() + 543
		for _, year := range []int{be, be - 1} {
			y := strconv.Itoa(year)
			if d, ok = locales.ParseDate(strings.TrimSpace(s) + "/" + y); !ok {
				d, ok = locales.ParseDate(strings.TrimSpace(s) + " " + y)
			}
			if ok && d <= today {
				break
			}
		}
	}
	oldest := c.Now.AddDate(-groupDateYears, 0, 0).Format("2006-01-02")
	if !ok || d > today || d < oldest {
		return "", hint("group.hint.date")
	}
	return d, nil
}

// saveGroup stores the group, checking again who may, and that its name
// is still free (another officer may have recorded it meanwhile).
func saveGroup(c *Ctx, a Answers) error {
	const op = "add group"
	vid, _, err := groupVillageFor(c, villageID(a[ansVillage]))
	if err != nil {
		return err
	}
	v, ok, err := GetVillage(c.Tx, vid)
	if err != nil {
		return err
	}
	if !ok {
		return NotFound(op, "village.err.not_found")
	}
	members, err := groupMembers(c, v.ID, a["members"])
	if err != nil {
		return err
	}
	if len(members) == 0 {
		return Invalid(op, "group.err.no_trained")
	}
	if taken, err := groupNameTaken(c.Tx, v.ID, a["name"]); err != nil || taken {
		if err != nil {
			return err
		}
		delete(a, "name")
		return Conflict(op, "group.err.name_taken")
	}
	id, err := c.Tx.OccupationGroups().NextID()
	if err != nil {
		return err
	}
	g := OccupationGroup{ID: id, Round: v.Round, Village: v.ID, Name: a["name"], Occupation: a["occupation"],
		Formed: a["formed"], By: c.In.UserID, Created: c.Now, Updated: c.Now}
	for _, h := range members {
		g.Members = append(g.Members, h.ID)
	}
	if err := c.Tx.OccupationGroups().Put(id, g); err != nil {
		return err
	}
	var quick []Action
	if officer, err := IsOfficer(c.Tx, c.In.UserID); err != nil {
		return err
	} else if officer {
		quick = []Action{
			actionButton("village.btn.view", Postback{Action: actVillage, Village: v.ID}),
			actionButton("group.btn.add_another", Postback{Action: actGroupAdd, Village: v.ID}),
		}
	}
	c.Say(Text(T("group.saved.added", "Name", g.Name, "Village", VillageName(c.Tx, v).Ref(), "Count", len(members)), quick...))
	return nil
}

// groupsField is the village card's row of its occupation groups: how
// many and their names.
func groupsField(tx Tx, vid int) (Field, error) {
	gs, err := VillageGroups(tx, vid)
	if err != nil {
		return Field{}, err
	}
	value := T("group.card.none")
	if len(gs) > 0 {
		names := make([]string, len(gs))
		for i, g := range gs {
			names[i] = g.Name
		}
		value = T("group.card.value", "Count", len(gs), "Names", strings.Join(names, ", "))
	}
	return Field{Label: T("group.card.label"), Value: value}, nil
}
