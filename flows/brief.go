package flows

import (
	"github.com/sammachip/sammachip/locales"
)

// sageBrief tells a village's sages about tomorrow: when, where, and who
// said they will come so far.
func (e *Engine) sageBrief(c *Ctx, d ProgrammeDay, households []Household) (Reply, error) {
	recs, err := DayAttendance(c.Tx, d.Village, d.Day)
	if err != nil {
		return Reply{}, err
	}
	var will, cannot, none []string
	for _, h := range households {
		switch recs[h.ID].Intent {
		case IntentYes:
			will = append(will, h.HeadName)
		case IntentNo:
			cannot = append(cannot, h.HeadName)
		default:
			none = append(none, h.HeadName)
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
	return Reply{Style: StyleCard, Title: &title,
		Text: T("reminder.brief.text", "Time", locales.Clock(start), "Place", d.Place, "Will", len(will), "Total", len(households)),
		Fields: []Field{
			{Label: T("reminder.brief.will", "N", len(will)), Value: join(will)},
			{Label: T("reminder.brief.cannot", "N", len(cannot)), Value: join(cannot)},
			{Label: T("reminder.brief.none", "N", len(none)), Value: join(none)},
		},
		Buttons: []Action{{Label: T("reminder.brief.rollcall"), Data: Postback{Action: actRollCall, Village: d.Village, Day: d.Day}.Encode()}},
	}, nil
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
