package flows

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
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
// application, the ranked selection, the schedule import), so the demo
// data keeps every rule real data keeps. Nobody is told anything: the
// replies and pushes those functions produce are dropped. The names below
// are sample data, not user-facing text.

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
// data is stamped with; schedules start on the Monday after now's week.
// It reads no clock and sends nothing, so it is safe to retry.
func (e *Engine) SeedDemo(tx Tx, now time.Time) (loaded bool, err error) {
	if _, ok, err := tx.DemoSeeded().Get(); err != nil || ok {
		return false, err
	}
	now = now.In(e.cfg.Location)
	d := &demoSeeder{e: e, tx: tx, now: now, rnd: demoRand(2569)}
	steps := []struct {
		what string
		fn   func() error
	}{
		{"villages", d.villages},
		{"officer", d.officer},
		{"sages", d.sages},
		{"households", d.households},
		{"schedules", d.schedules},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return false, fmt.Errorf("flows: demo %s: %w", s.what, err)
		}
	}
	if err := tx.DemoSeeded().Put(now); err != nil {
		return false, fmt.Errorf("flows: demo marker: %w", err)
	}
	return true, nil
}

type demoSeeder struct {
	e   *Engine
	tx  Tx
	now time.Time
	rnd demoRand
	n   int // people made so far, for unique ids and names
}

// vid is the id the import gave a demo village (found by ตำบล and หมู่).
func (d *demoSeeder) vid(v demoVillage) int {
	found, err := FindVillages(d.tx, v.Moo, v.Tambon)
	if err != nil || len(found) != 1 {
		return 0
	}
	return found[0].ID
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

// sages registers each village's sages; an officer approves them and names
// the lead, and the lead brings the other four onto the team with invite
// codes. The last villages have one registration still waiting.
func (d *demoSeeder) sages() error {
	officer := d.as(DemoOfficerID)
	for _, v := range demoVillages {
		if v.Stage == 1 {
			name, id := d.person()
			if _, err := d.register(id, name, v); err != nil {
				return err
			}
			continue
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
				return fmt.Errorf("village moo %d, tambon %s: no invite made", v.Moo, v.Tambon)
			}
			if err := d.e.joinTeam(d.as(m[1]), open[len(open)-1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// households has each village's households apply (the two household
// personas themselves, the others enrolled by a sage for people without
// LINE), then an officer runs the ranked selection where the team is
// ready: 20 selected, lowest income per member first, the rest waitlisted.
func (d *demoSeeder) households() error {
	for _, v := range demoVillages {
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
			continue
		}
		plan, err := PlanSelection(d.tx, d.vid(v))
		if err != nil {
			return err
		}
		if _, err := applySelection(d.as(DemoOfficerID), plan, DemoOfficerID); err != nil {
			return err
		}
	}
	return nil
}

func (d *demoSeeder) houseNo(i int) string {
	n := 3 + i*4 + d.rnd.intn(4)
	if d.rnd.intn(5) == 0 {
		return fmt.Sprintf("%d/%d", n, 1+d.rnd.intn(3))
	}
	return strconv.Itoa(n)
}

// schedules imports every village's five days, as an officer's spreadsheet
// would: Monday to Friday, four villages a week in the order demo.json
// lists them, starting next week.
func (d *demoSeeder) schedules() error {
	y, m, day := d.now.Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, d.now.Location())
	ahead := (8 - int(today.Weekday())) % 7
	if ahead == 0 {
		ahead = 7
	}
	monday := today.AddDate(0, 0, ahead)

	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"moo", "tambon", "day", "date", "start", "end", "place", "destination", "meeting_point", "departure", "bring"})
	for i, v := range demoVillages {
		start := monday.AddDate(0, 0, 7*(i/4))
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
