package flows

import (
	"github.com/sammachip/sammachip/locales"
)

// sageBrief tells a village's sages about tomorrow: when, where, who said
// they will come so far, and the households without LINE (📵), with house
// number and phone, since only a call or a visit reaches them. A household
// without LINE that has not answered is listed there, not under "no
// answer": it was never asked. For the study visit it gives the seats the
// bus needs, counted as the officers' summary counts them.
//
// The card fits a small phone: the three answer lists are one line of
// names each, and each household without LINE is one row (a village has
// 20 households: well inside a bubble's size).
func (e *Engine) sageBrief(c *Ctx, d ProgrammeDay, households []Household) (Reply, error) {
	recs, err := DayAttendance(c.Tx, d.Village, d.Day)
	if err != nil {
		return Reply{}, err
	}
	var will, cannot, none []string
	var offline []Field
	for _, h := range households {
		a := recs[h.ID]
		if h.Erased {
			continue // an anonymous tally: nobody to name or call
		}
		switch a.Intent {
		case IntentYes:
			will = append(will, h.HeadName)
		case IntentNo:
			cannot = append(cannot, h.HeadName)
		default:
			if h.UserID != "" {
				none = append(none, h.HeadName)
			}
		}
		if h.UserID == "" {
			offline = append(offline, offlineRow(h, a.Intent))
		}
	}
	join := func(names []string) Msg {
		if len(names) == 0 {
			return T("reminder.brief.nobody")
		}
		return Raw(joinNames(names))
	}
	start := d.StartsAt(c.Location())
	title := T("reminder.brief.title", "Day", dayMsg(c, d).Ref())
	text := T("reminder.brief.text", "Time", locales.Clock(start), "Place", d.Place, "Will", len(will), "Total", len(households))
	if len(offline) > 0 {
		text = T("reminder.brief.text_offline", "Text", text.Ref(), "Offline", len(offline))
	}
	if d.Day == StudyVisit {
		m, err := AttendanceMatrix(c.Tx, d.Village)
		if err != nil {
			return Reply{}, err
		}
		text = T("reminder.brief.text_visit", "Text", text.Ref(), "Seats", m.Counts(d.Day).Seats)
	}
	fields := []Field{{Label: T("reminder.brief.will", "N", len(will)), Value: join(will)}}
	if len(cannot) > 0 {
		fields = append(fields, Field{Label: T("reminder.brief.cannot", "N", len(cannot)), Value: join(cannot)})
	}
	if len(none) > 0 {
		fields = append(fields, Field{Label: T("reminder.brief.none", "N", len(none)), Value: join(none)})
	}
	if len(offline) > 0 {
		fields = append(fields, Field{Label: T("reminder.brief.offline", "N", len(offline)), Value: T("reminder.brief.offline_hint")})
		fields = append(fields, offline...)
	}
	return Reply{Style: StyleCard, Title: &title, Text: text, Fields: fields,
		Buttons: []Action{{Label: T("reminder.brief.rollcall"), Data: Postback{Action: actRollCall, Village: d.Village, Day: d.Day}.Encode()}},
	}, nil
}

// offlineRow is one household without LINE in the brief: its house
// number beside its head's name, phone and answer (if a sage or an officer
// recorded one).
func offlineRow(h Household, intent Intent) Field {
	house := T("reminder.brief.house", "No", h.HouseNo)
	if h.HouseNo == "" {
		house = T("reminder.brief.house_none")
	}
	// The heading above says they have no LINE; a missing phone is left
	// out rather than said twenty times.
	row := Raw(h.HeadName)
	if h.Phone != "" && h.Phone != phoneNone {
		row = T("reminder.brief.offline_row_phone", "Name", h.HeadName, "Phone", locales.FormatPhone(h.Phone))
	}
	switch intent {
	case IntentYes:
		row = T("reminder.brief.offline_row_yes", "Row", row.Ref())
	case IntentNo:
		row = T("reminder.brief.offline_row_no", "Row", row.Ref())
	}
	return Field{Label: house, Value: row}
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
