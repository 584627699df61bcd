package flows

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// The demo district is what the built-in LINE simulator starts with, so
// that someone trying the bot sees a programme in progress rather than an
// empty one. It is loaded only in simulator mode, once per database file
// (the store's demo marker, Tx.DemoSeeded, says it was), and never in a real deployment.
//
// Everything is made through the same functions the chat uses (saving a
// registration, an officer's decision, naming a lead, a team invite, an
// application, the ranked selection, the schedule import, a follow-up's
// answers, an occupation group), so the demo data keeps every rule real
// data keeps. Nobody is told anything: the replies and pushes those
// functions produce are dropped. A round is part-way through its fiscal
// year: some villages' weeks are past (demo.json's negative weeks), and
// what happened since is played through at its own moments, with the
// scheduler's ticks in between (the reminder plan and ledger end up as a
// running bot leaves them), up to the moment the demo is loaded. The names
// below are sample data, not user-facing text.

// DemoPerson is someone of the demo district that the simulator can play:
// a LINE user id, a display name, the profile language and a role.
type DemoPerson struct {
	ID   string
	Name string
	Lang locales.Lang
	// Role is officer, lead_sage, team_sage, household or villager.
	Role string
}

// DemoGroup is the demo officers' LINE group. It is not bound to the bot:
// an officer types ผูกกลุ่ม in it, as in real life.
type DemoGroup struct {
	ID   string
	Name string
	// Role is "officers".
	Role string
}

// Demo LINE ids: fixed, so that the simulator's personas and the demo data
// agree across restarts.
const (
	DemoOfficerID    = "U00000000000000000000000000000d01"
	DemoLeadSageID   = "U00000000000000000000000000000d02"
	DemoTeamSageID   = "U00000000000000000000000000000d03"
	DemoHousehold1ID = "U00000000000000000000000000000d04"
	DemoHousehold2ID = "U00000000000000000000000000000d05"
	DemoVillagerID   = "U00000000000000000000000000000d06"
	DemoGroupID      = "C00000000000000000000000000000d01"
)

// DemoVillageMoo is the หมู่ number of the village of the demo's sage and
// household personas. The demo district, like a real one, has a หมู่ 1 in
// each of its ตำบล: DemoVillage says which one is theirs.
const DemoVillageMoo = 1

// DemoVillage returns the village of the demo's sage and household personas
// (หมู่ DemoVillageMoo of its ตำบล), once the demo is loaded into tx.
func DemoVillage(tx Tx) (Village, error) {
	for _, v := range demoVillages {
		if !v.Personas {
			continue
		}
		found, err := FindVillages(tx, v.Moo, v.Tambon)
		if err != nil {
			return Village{}, err
		}
		if len(found) != 1 {
			return Village{}, fmt.Errorf("flows: demo village moo %d, tambon %s: %d found, want 1", v.Moo, v.Tambon, len(found))
		}
		return found[0], nil
	}
	return Village{}, fmt.Errorf("flows: demo.json names no village for the personas")
}

// DemoPeople returns the simulator's starting personas, in the order it
// lists them.
func DemoPeople() []DemoPerson {
	return []DemoPerson{
		{ID: DemoOfficerID, Name: demoData.People["officer"], Lang: locales.Thai, Role: "officer"},
		{ID: DemoLeadSageID, Name: demoData.People["lead_sage"], Lang: locales.Thai, Role: "lead_sage"},
		{ID: DemoTeamSageID, Name: demoData.People["team_sage"], Lang: locales.Thai, Role: "team_sage"},
		{ID: DemoHousehold1ID, Name: demoData.People["household"], Lang: locales.Thai, Role: "household"},
		{ID: DemoHousehold2ID, Name: demoData.People["household2"], Lang: locales.Thai, Role: "household"},
		{ID: DemoVillagerID, Name: demoData.People["villager"], Lang: locales.Thai, Role: "villager"},
	}
}

// DemoOfficersGroup returns the demo officers' group.
func DemoOfficersGroup() DemoGroup {
	return DemoGroup{ID: DemoGroupID, Name: demoData.OfficersGroup, Role: "officers"}
}

// DemoOffice is the demo district's office, named in the simulator's
// summaries and exports when SAMMACHIP_DISTRICT is not set.
func DemoOffice() Office { return demoData.Office }

// demoVillage is one village of the demo district and how far along it is.
type demoVillage struct {
	Moo        int    `json:"moo"`
	Name       string `json:"name"`
	Tambon     string `json:"tambon"`
	Occupation string `json:"occupation"`
	Category   string `json:"category"` // the sages' expertise category
	// Stage: 3 = team of five and households selected; 2 = team, and
	// households have applied but are not selected yet; 1 = one sage's
	// registration waiting for an officer, households applied.
	Stage int `json:"stage"`
	// Personas marks the one village (หมู่ DemoVillageMoo) whose lead and
	// team sage and two households the simulator's personas play. Its หมู่
	// number is shared with another ตำบล's village, as in a real district.
	Personas bool `json:"personas,omitempty"`
	// Week is the week of its five days, Monday to Friday: 0 is the week
	// after the one the demo is loaded in, 1 the one after that. A
	// negative week is past: the village was set up three weeks before
	// it, and its week and what came after (Story) are played through.
	Week int `json:"week"`
	// Story is what happened after a past week.
	Story *demoStory `json:"story,omitempty"`
}

// demoStory is what a village whose week is past went through: its sages'
// roll calls, the answers to its households' first follow-up (the sages
// answer for households without LINE, as they do in the chat), and an
// occupation group.
type demoStory struct {
	// NoShow is how many selected households (the last ones) no sage ever
	// marked: "no attendance recorded", for an officer to decide.
	NoShow int `json:"noShow,omitempty"`
	// Answers are the first follow-up's answers of the village's trained
	// households, in id order: R ทำเป็นประจำ, S ทำบ้าง, N ยังไม่ได้ทำ,
	// - unanswered (households past the end too); in lower case, the
	// household's income is not known (ไม่ทราบ).
	Answers string `json:"answers"`
	// Changes are the practising households' incomes against enrolment,
	// in percent, in turn.
	Changes []int `json:"changes"`
	// Reasons are the not-practising households' reasons
	// (NotPractisingReasons), in turn.
	Reasons []string `json:"reasons"`
	// Group is an occupation group the lead sage records after the
	// follow-up, of the first Members practising households.
	Group *struct {
		Name    string `json:"name"`
		Members int    `json:"members"`
	} `json:"group,omitempty"`
}

// demoJSON holds the demo district's Thai names and places: sample data,
// kept out of the Go code like every other Thai text.
//
//go:embed demo.json
var demoJSON []byte

// demoData is demo.json, read once.
var demoData = func() (d struct {
	People        map[string]string `json:"people"`
	OfficersGroup string            `json:"officersGroup"`
	Office        Office            `json:"office"`
	Villages      []demoVillage     `json:"villages"`
	FirstNames    []string          `json:"firstNames"`
	Surnames      []string          `json:"surnames"`
	Jobs          []string          `json:"jobs"`
	Places        struct {
		Hall, VisitPlace, VisitDestination, MeetingPoint, Bring, Home string
	} `json:"places"`
}) {
	if err := json.Unmarshal(demoJSON, &d); err != nil {
		panic("flows: demo.json: " + err.Error()) // embedded and tested: cannot happen in a tested build
	}
	return d
}()

// demoVillages is the demo district: 13 villages of two sub-districts,
// each with the occupation its households will learn. As in a real
// district, each ตำบล numbers its own villages from หมู่ 1, so หมู่ 1–6 are
// in both.
var demoVillages = demoData.Villages

// demoRand is a small deterministic generator, so the demo is the same
// every time.
type demoRand uint64

func (r *demoRand) intn(n int) int {
	*r = *r*6364136223846793005 + 1442695040888963407
	return int(uint64(*r)>>33) % n
}

// SeedDemo loads the demo district into tx, unless it was loaded before
// (then it does nothing and reports false). now is the programme time the
// demo is loaded at, and everything is placed relative to it: the upcoming
// villages' weeks start on the Monday after now's week, four a week, and
// are set up at now; the past villages' weeks (demo.json's negative weeks)
// were set up three weeks before them and are played through up to now:
// the reminders the scheduler would have recorded (nobody was on LINE, so
// each had nothing to send), the sages' roll calls, the first follow-up
// asked and answered, an occupation group. So the plan and the ledger are
// as a running bot would have left them: nothing of the past is due again.
// It reads no clock and sends nothing, so it is safe to retry.
func (e *Engine) SeedDemo(tx Tx, now time.Time) (loaded bool, err error) {
	if _, ok, err := tx.DemoSeeded().Get(); err != nil || ok {
		return false, err
	}
	now = now.In(e.cfg.Location)
	d := &demoSeeder{e: e, tx: tx, now: now, end: now, rnd: demoRand(2569), monday: demoMonday(now)}
	if err := d.run(); err != nil {
		return false, fmt.Errorf("flows: demo: %w", err)
	}
	if err := tx.DemoSeeded().Put(now); err != nil {
		return false, fmt.Errorf("flows: demo marker: %w", err)
	}
	return true, nil
}

// demoMonday is the Monday after now's week (midnight): the first
// upcoming week's day 1.
func demoMonday(now time.Time) time.Time {
	y, m, day := now.Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, now.Location())
	ahead := (8 - int(today.Weekday())) % 7
	if ahead == 0 {
		ahead = 7
	}
	return today.AddDate(0, 0, ahead)
}

// demoSetupDays is how many days before its week a past village was set
// up (its team, households, selection and schedule).
const demoSetupDays = 21

type demoSeeder struct {
	e   *Engine
	tx  Tx
	now time.Time // the moment being played
	end time.Time // when the demo is loaded: the past ends there
	rnd demoRand
	n   int // people made so far, for unique ids and names
	// monday is the first upcoming week's Monday.
	monday time.Time
	ids    map[demoPlace]int   // the villages' ids, by ตำบล and หมู่
	teams  map[int][]string    // their teams' LINE ids, lead first
	done   map[int][]Household // their trained households, once their week is over
}

// demoEvent is something done at a moment of the past.
type demoEvent struct {
	at   time.Time
	what string
	fn   func() error
}

// weekStart is the Monday (midnight) of v's week.
func (d *demoSeeder) weekStart(v demoVillage) time.Time { return d.monday.AddDate(0, 0, 7*v.Week) }

// setupAt is when v was set up: three weeks before a past week, now for
// an upcoming one.
func (d *demoSeeder) setupAt(v demoVillage) time.Time {
	if v.Week >= 0 {
		return d.end
	}
	return d.weekStart(v).AddDate(0, 0, -demoSetupDays).Add(9 * time.Hour)
}

// run loads the district: the round and its villages, the officer, then
// the past villages' weeks in time order, then the upcoming villages.
func (d *demoSeeder) run() error {
	start := d.end
	var past, upcoming []demoVillage
	for _, v := range demoVillages {
		if v.Week < 0 {
			past = append(past, v)
			start = minTime(start, d.setupAt(v))
		} else {
			upcoming = append(upcoming, v)
		}
	}
	d.now = start
	if err := d.round(); err != nil {
		return fmt.Errorf("round: %w", err)
	}
	if err := d.villages(); err != nil {
		return fmt.Errorf("villages: %w", err)
	}
	if err := d.officer(); err != nil {
		return fmt.Errorf("officer: %w", err)
	}
	var events []demoEvent
	for _, v := range past {
		what := fmt.Sprintf("set up moo %d, tambon %s", v.Moo, v.Tambon)
		events = append(events, demoEvent{d.setupAt(v), what, func() error { return d.setUp([]demoVillage{v}) }})
		events = append(events, d.story(v)...)
	}
	slices.SortStableFunc(events, func(a, b demoEvent) int { return a.at.Compare(b.at) })
	for _, ev := range events {
		if !ev.at.Before(d.end) {
			continue // not happened yet
		}
		if err := d.tick(ev.at); err != nil {
			return err
		}
		d.now = ev.at
		if err := ev.fn(); err != nil {
			return fmt.Errorf("%s, %s: %w", ev.what, ev.at.Format("2006-01-02 15:04"), err)
		}
	}
	if err := d.tick(d.end); err != nil {
		return err
	}
	d.now = d.end
	return d.setUp(upcoming)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// round starts the district's round, named after the fiscal year of the
// moment the demo is loaded (the past villages ran earlier in it, or,
// loaded early in a fiscal year, late in the one before).
func (d *demoSeeder) round() error {
	r, err := ensureRound(d.tx, d.end, DemoOfficerID)
	if err != nil {
		return err
	}
	r.Started = d.now
	return d.tx.Rounds().Put(r.ID, r)
}

// setUp brings villages as far as their stage: sages, households, the
// selection, and the five days.
func (d *demoSeeder) setUp(vs []demoVillage) error {
	for _, v := range vs {
		if err := d.sages(v); err != nil {
			return fmt.Errorf("sages of moo %d, tambon %s: %w", v.Moo, v.Tambon, err)
		}
		if err := d.households(v); err != nil {
			return fmt.Errorf("households of moo %d, tambon %s: %w", v.Moo, v.Tambon, err)
		}
	}
	if err := d.schedules(vs); err != nil {
		return fmt.Errorf("schedules: %w", err)
	}
	return nil
}

// tick records every reminder due up to t, earliest first, as the
// scheduler would have had it been running. Nobody of the past villages
// is on LINE (their households were enrolled by their sages, and the
// sages never added the bot), so each has nothing to send: one that
// would push to someone is a mistake in the demo. One skipped (reminder
// times set so that its moment passes in quiet hours) was reported in a
// summary of the past, not the next one.
func (d *demoSeeder) tick(t time.Time) error {
	for {
		var at time.Time
		err := d.tx.Plan().Until(t, func(pe PlanEntry) error {
			if q := d.e.QuietUntil(pe.Due); !q.After(t) {
				at = q
				return ErrStop
			}
			return nil
		})
		if err != nil || at.IsZero() {
			return err
		}
		due, err := d.e.Due(d.tx, at)
		if err != nil {
			return err
		}
		recorded := 0
		for _, r := range due {
			if r.Kind == RemindSummary || r.Kind == RemindQuota {
				continue // the officers' group is not bound yet
			}
			if len(r.Sends) > 0 && !r.Skip && !r.Obsolete {
				return fmt.Errorf("reminder %s at %s would push to someone", r.Key, at.Format("2006-01-02 15:04"))
			}
			status := LedgerNothing
			if r.Skip || r.Obsolete {
				status = LedgerSkipped // an obsolete one is only taken off the plan
			}
			if err := RecordReminder(d.tx, r, status, nil, 0, at); err != nil {
				return err
			}
			if r.Skip {
				le, _, err := d.tx.Ledger().Get(r.Key)
				if err != nil {
					return err
				}
				le.Reported = true
				if err := d.tx.Ledger().Put(r.Key, le); err != nil {
					return err
				}
			}
			recorded++
		}
		if recorded == 0 {
			return fmt.Errorf("reminders due at %s: none recorded", at.Format("2006-01-02 15:04"))
		}
	}
}

// vid is the id the import gave a demo village (found by ตำบล and หมู่).
func (d *demoSeeder) vid(v demoVillage) int {
	key := demoPlace{v.Tambon, v.Moo}
	if id, ok := d.ids[key]; ok {
		return id
	}
	found, err := FindVillages(d.tx, v.Moo, v.Tambon)
	if err != nil || len(found) != 1 {
		return 0
	}
	if d.ids == nil {
		d.ids = map[demoPlace]int{}
	}
	d.ids[key] = found[0].ID
	return found[0].ID
}

// demoPlace is a demo village's ตำบล and หมู่.
type demoPlace struct {
	tambon string
	moo    int
}

// as returns a context in which userID acts, outside any conversation.
// Replies and pushes go into an outcome nobody reads.
func (d *demoSeeder) as(userID string) *Ctx {
	return &Ctx{
		Tx: d.tx, Now: d.now, Lang: locales.Thai, Out: &Outcome{}, eng: d.e,
		In: Input{Kind: InputOther, UserID: userID, At: d.now},
	}
}

// person returns a fresh sample name and LINE user id.
func (d *demoSeeder) person() (name, id string) {
	d.n++
	name = demoData.FirstNames[(d.n*7)%len(demoData.FirstNames)] + " " + demoData.Surnames[(d.n*11+d.n/len(demoData.Surnames))%len(demoData.Surnames)]
	return name, fmt.Sprintf("U%029x%03x", 0xde3, d.n)
}

func (d *demoSeeder) phone() string {
	return fmt.Sprintf("08%d%07d", 1+d.rnd.intn(9), d.rnd.intn(10_000_000))
}

// villages imports the district as an officer's spreadsheet would.
func (d *demoSeeder) villages() error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"moo", "name", "tambon", "occupation", "capacity"})
	for _, v := range demoVillages {
		_ = w.Write([]string{strconv.Itoa(v.Moo), v.Name, v.Tambon, v.Occupation, strconv.Itoa(DefaultCapacity)})
	}
	w.Flush()
	_, err := ImportVillages(d.tx, &b, d.now, DemoOfficerID, false)
	return err
}

// officer makes the officer persona an officer. The user has not followed
// the bot yet (inactive): the simulator's first open of their chat is the
// follow, and the welcome.
func (d *demoSeeder) officer() error {
	p := DemoPeople()[0]
	u, ok, err := getUser(d.tx, p.ID)
	if err != nil || (ok && u.Officer) {
		return err
	}
	if !ok {
		u = User{ID: p.ID, Lang: p.Lang}
	}
	u.Officer, u.OfficerSince, u.Name = true, d.now, p.Name
	return d.tx.Users().Put(u.ID, u)
}

// register saves a sage registration as the sage's own form would.
func (d *demoSeeder) register(userID, name string, v demoVillage) (Sage, error) {
	a := Answers{
		"name": name, "phone": d.phone(), "village": villageValue(d.vid(v)),
		"category": v.Category, "skill": v.Occupation, "years": strconv.Itoa(5 + d.rnd.intn(26)),
		"consent_at": d.now.UTC().Format(time.RFC3339), "consent_version": SageNoticeVersion,
	}
	if err := d.e.saveSage(d.as(userID), a); err != nil {
		return Sage{}, err
	}
	s, _, err := GetSage(d.tx, userID)
	return s, err
}

// sages registers a village's sages; an officer approves them and names
// the lead, and the lead brings the other four onto the team with invite
// codes. A stage 1 village has one registration still waiting.
func (d *demoSeeder) sages(v demoVillage) error {
	officer := d.as(DemoOfficerID)
	if v.Stage == 1 {
		name, id := d.person()
		_, err := d.register(id, name, v)
		return err
	}
	team := make([][2]string, 0, TeamSize)
	if v.Personas {
		people := DemoPeople()
		team = append(team, [2]string{people[1].Name, people[1].ID}, [2]string{people[2].Name, people[2].ID})
	}
	for len(team) < TeamSize {
		name, id := d.person()
		team = append(team, [2]string{name, id})
	}
	var ids []uint64
	for _, m := range team {
		s, err := d.register(m[1], m[0], v)
		if err != nil {
			return err
		}
		decide := Postback{Action: actSageDecide, Sage: s.ID, Value: decideApprove, Rev: s.Rev}
		if err := d.e.decideSage(officer, decide); err != nil {
			return err
		}
		ids = append(ids, s.ID)
	}
	if err := d.e.setLead(officer, d.vid(v), ids[0], "", false); err != nil {
		return err
	}
	lead := d.as(team[0][1])
	for _, m := range team[1:] {
		if err := d.e.makeInvite(lead); err != nil {
			return err
		}
		open, err := openInvites(d.tx, d.vid(v), d.now)
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return fmt.Errorf("no invite made")
		}
		if err := d.e.joinTeam(d.as(m[1]), open[len(open)-1]); err != nil {
			return err
		}
	}
	return nil
}

// households has a village's households apply (the two household personas
// themselves, the others enrolled by a sage for people without LINE),
// then an officer runs the ranked selection where the team is ready: 20
// selected, lowest income per member first, the rest waitlisted.
func (d *demoSeeder) households(v demoVillage) error {
	n := 22
	if v.Personas {
		n = 24
	}
	enroller := DemoOfficerID
	if members, err := TeamMembers(d.tx, d.vid(v)); err != nil {
		return err
	} else if len(members) > 0 {
		enroller = members[0].UserID
	}
	for i := range n {
		head, _ := d.person()
		userID, onBehalf := "", true
		income := 2500 + 500*d.rnd.intn(20)
		if v.Personas && i < 2 {
			p := DemoPeople()[3+i]
			head, userID, onBehalf = p.Name, p.ID, false
			income = 3000 + 500*i // low: they are selected
		}
		a := Answers{
			"village": villageValue(d.vid(v)), "house": d.houseNo(i), "head": head,
			"members": strconv.Itoa(2 + d.rnd.intn(5)), "occupation": demoData.Jobs[d.rnd.intn(len(demoData.Jobs))],
			"income": strconv.Itoa(income), "interest": "yes", "phone": phoneNone,
			"consent_at": d.now.UTC().Format(time.RFC3339), "consent_version": HouseholdNoticeVersion,
		}
		if i%9 == 8 {
			a["income"] = incomeNone // nobody could say
		}
		c := d.as(userID)
		if onBehalf {
			c = d.as(enroller)
			c.conv = &Conversation{Form: formEnrol, Answers: a, Started: d.now, Updated: d.now}
		}
		if err := d.e.saveHousehold(c, a); err != nil {
			return err
		}
	}
	if v.Stage < 3 {
		return nil
	}
	plan, err := PlanSelection(d.tx, d.vid(v))
	if err != nil {
		return err
	}
	_, err = applySelection(d.as(DemoOfficerID), plan, DemoOfficerID)
	return err
}

func (d *demoSeeder) houseNo(i int) string {
	n := 3 + i*4 + d.rnd.intn(4)
	if d.rnd.intn(5) == 0 {
		return fmt.Sprintf("%d/%d", n, 1+d.rnd.intn(3))
	}
	return strconv.Itoa(n)
}

// schedules imports the villages' five days, Monday to Friday of each
// one's week, as an officer's spreadsheet would.
func (d *demoSeeder) schedules(vs []demoVillage) error {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"moo", "tambon", "day", "date", "start", "end", "place", "destination", "meeting_point", "departure", "bring"})
	for _, v := range vs {
		start := d.weekStart(v)
		p := demoData.Places
		hall := fmt.Sprintf(p.Hall, v.Name)
		for n := 1; n <= Days; n++ {
			date := start.AddDate(0, 0, n-1).Format("2006-01-02")
			row := []string{strconv.Itoa(v.Moo), v.Tambon, strconv.Itoa(n), date, "09:00", "16:00", hall, "", "", "", ""}
			switch n {
			case StudyVisit:
				row[4], row[5] = "08:00", "17:00"
				row[6] = fmt.Sprintf(p.VisitPlace, v.Occupation)
				row[7] = fmt.Sprintf(p.VisitDestination, v.Occupation)
				row[8] = fmt.Sprintf(p.MeetingPoint, hall)
				row[9] = "07:30"
				row[10] = p.Bring
			case Days:
				row[5] = "15:00"
				row[6] = p.Home
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	_, err := d.e.ImportSchedule(d.tx, &b, d.now, DemoOfficerID, false)
	return err
}

// story is what happened in past village v, as events: a sage's roll call
// on each of its days; after day 5, the first follow-up's answers, given
// by its team's sages (and now and then the officer) in the days after it
// is asked; and the occupation group its lead sage records.
func (d *demoSeeder) story(v demoVillage) []demoEvent {
	var out []demoEvent
	loc := d.e.cfg.Location
	week := d.weekStart(v)
	for n := 1; n <= Days; n++ {
		at := week.AddDate(0, 0, n-1).Add(9*time.Hour + 30*time.Minute)
		if n == StudyVisit {
			at = at.Add(-2 * time.Hour) // the bus leaves at 07.30
		}
		out = append(out, demoEvent{at, fmt.Sprintf("roll call of moo %d day %d", v.Moo, n), func() error { return d.rollCall(v, n) }})
	}
	if v.Story == nil {
		return out
	}
	day5 := week.AddDate(0, 0, Days-1)
	sched := d.e.cfg.FollowUps.FollowUpSchedule(day5)
	if len(sched) == 0 {
		return out
	}
	asked := d.e.QuietUntil(clockOn(sched[0].Date, d.e.cfg.FollowUps.At)).In(loc)
	for j := range len(v.Story.Answers) {
		if v.Story.Answers[j] == '-' {
			continue
		}
		// Within the week the follow-up waits for an answer: the first
		// days after it is asked, in the daytime.
		day := asked.AddDate(0, 0, 1+j%6)
		at := time.Date(day.Year(), day.Month(), day.Day(), 8+(j*3)%10, (j*17)%60, 0, 0, loc)
		out = append(out, demoEvent{at, fmt.Sprintf("follow-up answer %d of moo %d", j+1, v.Moo), func() error { return d.answer(v, j) }})
	}
	if g := v.Story.Group; g != nil {
		day := asked.AddDate(0, 0, 3)
		at := time.Date(day.Year(), day.Month(), day.Day(), 14, 0, 0, 0, loc)
		formed := day5.AddDate(0, 0, 14).Format("2006-01-02")
		out = append(out, demoEvent{at, "occupation group of moo " + strconv.Itoa(v.Moo), func() error { return d.group(v, formed) }})
	}
	return out
}

// teamIDs are the LINE ids of v's team, its lead first. A team does not
// change once set up, so it is read once.
func (d *demoSeeder) teamIDs(v demoVillage) ([]string, error) {
	vid := d.vid(v)
	if ids, ok := d.teams[vid]; ok {
		return ids, nil
	}
	team, err := TeamMembers(d.tx, vid)
	if err != nil {
		return nil, err
	}
	vil, _, err := GetVillage(d.tx, vid)
	if err != nil {
		return nil, err
	}
	ids := []string{vil.LeadSageID}
	for _, s := range team {
		if s.UserID != vil.LeadSageID {
			ids = append(ids, s.UserID)
		}
	}
	if d.teams == nil {
		d.teams = map[int][]string{}
	}
	d.teams[vid] = ids
	return ids, nil
}

// rollCall is a team sage taking day n's roll: each selected household
// marked present, or now and then absent, as the roll call's taps store
// it; the story's no-shows are never marked.
func (d *demoSeeder) rollCall(v demoVillage, n int) error {
	team, err := d.teamIDs(v)
	if err != nil {
		return err
	}
	hs, err := SelectedHouseholds(d.tx, d.vid(v))
	if err != nil {
		return err
	}
	if v.Story != nil {
		hs = hs[:max(len(hs)-v.Story.NoShow, 0)]
	}
	by := team[(n-1)%len(team)]
	for _, h := range hs {
		a, err := GetAttendance(d.tx, h.Village, n, h.ID)
		if err != nil {
			return err
		}
		// Day 5's roll call marks practice at home (attendance_rules.go).
		value := onValue(n)
		if d.rnd.intn(14) == 0 {
			value = offValue(n)
		}
		a.setDayValue(dayField(n), value, &Mark{At: d.now, By: by, Source: SourceRollCall})
		if err := putAttendance(d.tx, a); err != nil {
			return err
		}
	}
	return nil
}

// trained are v's households that completed the programme, in id order:
// read once its week is over (nothing changes them after).
func (d *demoSeeder) trained(v demoVillage) ([]Household, error) {
	vid := d.vid(v)
	if hs, ok := d.done[vid]; ok {
		return hs, nil
	}
	hs, err := TrainedHouseholds(d.tx, vid, d.now)
	if err != nil || !villageFinished(d.tx, vid, d.now) {
		return hs, err
	}
	if d.done == nil {
		d.done = map[int][]Household{}
	}
	d.done[vid] = hs
	return hs, nil
}

// answer is a team sage (every seventh time the officer) answering the
// first follow-up of v's j-th trained household, as the follow-up form
// saves it: the practice, the reason when not practising, last month's
// income and, when practising, the part from the occupation.
func (d *demoSeeder) answer(v demoVillage, j int) error {
	hs, err := d.trained(v)
	if err != nil {
		return err
	}
	if j >= len(hs) {
		return nil // fewer trained households than the story has answers
	}
	h := hs[j]
	s := v.Story
	letter := s.Answers[j]
	practice := map[byte]Practice{'r': PracticeRegular, 's': PracticeSometimes, 'n': PracticeNot}[letter|0x20]
	if practice == "" {
		return fmt.Errorf("answer %q: want R, S, N or -", letter)
	}
	// The story's changes and reasons go in turn: turn counts the answers
	// before this one of its kind (practising, or not).
	turn := 0
	for _, b := range []byte(s.Answers[:j]) {
		if b != '-' && (b|0x20 == 'n') == (practice == PracticeNot) {
			turn++
		}
	}
	before := h.Income
	if !h.IncomeKnown {
		before = 4000 + 500*int64(d.rnd.intn(9))
	}
	change := -2 + d.rnd.intn(5) // not practising: about the same
	if practice.Practising() && len(s.Changes) > 0 {
		change = s.Changes[turn%len(s.Changes)]
	}
	income := roundTo(before*int64(100+change)/100, 50)
	a := Answers{ansID: h.ID, ansFollowUpN: "1", fuPractice: string(practice), fuIncome: strconv.FormatInt(income, 10)}
	if letter >= 'a' { // lower case: the income is not known
		a[fuIncome] = incomeNone
	}
	switch {
	case practice == PracticeNot:
		a[fuReason] = "other"
		if len(s.Reasons) > 0 {
			a[fuReason] = s.Reasons[turn%len(s.Reasons)]
		}
	case turn == 7: // one in a village could not say
		a[fuOccIncome] = incomeNone
	default:
		share := int64(25)
		if practice == PracticeSometimes {
			share = 10
		}
		a[fuOccIncome] = strconv.FormatInt(max(roundTo(income*share/100, 100), 200), 10)
	}
	by := DemoOfficerID
	if j%7 != 6 {
		team, err := d.teamIDs(v)
		if err != nil {
			return err
		}
		by = team[j%len(team)]
	}
	return d.e.saveFollowUp(d.as(by), a)
}

// roundTo rounds n to the nearest multiple of step, as people say amounts.
func roundTo(n, step int64) int64 { return (n + step/2) / step * step }

// group is v's lead sage recording the occupation group the story names,
// of its first practising households, formed on formed.
func (d *demoSeeder) group(v demoVillage, formed string) error {
	g := v.Story.Group
	hs, err := d.trained(v)
	if err != nil {
		return err
	}
	var members []string
	for j, h := range hs {
		if j < len(v.Story.Answers) && strings.ContainsRune("RSrs", rune(v.Story.Answers[j])) && len(members) < g.Members {
			members = append(members, h.ID)
		}
	}
	team, err := d.teamIDs(v)
	if err != nil {
		return err
	}
	a := Answers{ansVillage: villageValue(d.vid(v)), ansGroupLead: "1", "name": g.Name, "occupation": v.Occupation,
		"members": strings.Join(members, ","), "formed": formed}
	return saveGroup(d.as(team[0]), a)
}
