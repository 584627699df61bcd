package flows

import (
	"strconv"
	"strings"
)

// Rounds from the officer's chat: "รอบโครงการ" lists them; "เริ่มรอบใหม่"
// asks the new round's name (a button offers next fiscal year), says what
// starting it will do on the summary card, and starts it only on confirm.
// The new round's village list starts empty: after the start, and while
// the current round has no village, the button offered is "add village".

const (
	formRoundStart = "round.start"
	actRoundStart  = "round.start"
)

func (e *Engine) registerRounds() {
	e.RegisterCommand(Command{Key: "round.cmd.list", In1to1: true, Run: listRoundsChat})
	e.RegisterForm(&Form{
		Name:  formRoundStart,
		Title: T("round.form.title"),
		Intro: roundPlanText,
		Questions: []Question{{
			Field: "name",
			Ask:   T("round.q.name.ask"),
			Help:  T("round.q.name.help"),
			Label: T("round.q.name.label"),
			Choices: func(c *Ctx, _ Answers) ([]Choice, error) {
				next := strconv.Itoa(FiscalYear(c.Now) + 1)
				if cur, err := CurrentRound(c.Tx); err == nil && cur.FiscalYear == FiscalYear(c.Now)+1 {
					next = strconv.Itoa(cur.FiscalYear + 1)
				}
				fy, _ := strconv.Atoi(next)
				return []Choice{{Value: next, Label: RoundName(Round{FiscalYear: fy})}}, nil
			},
			Parse: func(c *Ctx, _ Answers, text string) (string, *Msg) {
				if _, err := PlanRound(c.Tx, text, c.Now); err != nil {
					var key string
					if fe, ok := err.(*Error); ok {
						key = fe.Key
					}
					switch key {
					case "":
						key = "round.err.name"
					case "round.err.exists":
						key = "round.hint.exists" // says what to type in the chat
					}
					return "", hint(key)
				}
				return strings.TrimSpace(text), nil
			},
			Show: func(c *Ctx, v string) Msg {
				p, err := PlanRound(c.Tx, v, c.Now)
				if err != nil {
					return Raw(v)
				}
				return RoundName(p.To)
			},
		}},
		Begin: func(c *Ctx, _ Answers) error { return officerOnly(c, "start round") },
		Save: func(c *Ctx, a Answers) error {
			if err := officerOnly(c, "start round"); err != nil {
				return err
			}
			r, err := StartRound(c.Tx, a["name"], c.Now, c.In.UserID)
			if err != nil {
				return err
			}
			c.Say(Text(T("round.chat.started", "Name", RoundName(r).Ref()),
				actionButton("village.btn.add", Postback{Action: actVillageAdd})))
			return nil
		},
		DoneKey: "round.chat.already",
	})
	start := func(c *Ctx) error {
		if err := officerOnly(c, "start round"); err != nil {
			return err
		}
		return c.StartForm(formRoundStart, nil)
	}
	e.RegisterCommand(Command{Key: "round.cmd.start", In1to1: true, Run: start})
	e.RegisterAction(actRoundStart, func(c *Ctx, _ Postback) error {
		if c.In.InGroup() {
			return c.stale()
		}
		return start(c)
	})
}

// roundPlanText is the start-round card's text: what starting the round
// keeps and what changes, a short line each.
func roundPlanText(c *Ctx, a Answers) Msg {
	p, err := PlanRound(c.Tx, a["name"], c.Now)
	if err != nil {
		return T("conv.confirm.title")
	}
	running := T("round.plan.running", "Running", p.Running)
	if p.Running == 0 {
		running = T("round.plan.none_running")
	}
	return T("round.plan.text", "To", RoundName(p.To).Ref(), "From", RoundName(p.From).Ref(),
		"Villages", p.Villages, "RunningLine", running.Ref())
}

// listRoundsChat answers "รอบโครงการ" for an officer: every round, the
// current one marked, as a reply. It offers a new round; while the
// current round has no village yet, adding one instead.
func listRoundsChat(c *Ctx) error {
	if err := officerOnly(c, "list rounds"); err != nil {
		return err
	}
	rounds, err := ListRounds(c.Tx)
	if err != nil {
		return err
	}
	cur, err := CurrentRound(c.Tx)
	if err != nil {
		return err
	}
	if len(rounds) == 0 {
		c.Say(Text(T("round.list.empty")))
		return nil
	}
	var fields []Field
	next := actionButton("round.btn.start", Postback{Action: actRoundStart})
	for _, r := range rounds {
		vs, err := RoundVillages(c.Tx, r.ID)
		if err != nil {
			return err
		}
		key := "round.chat.row"
		if r.ID == cur.ID {
			key = "round.chat.row_current"
			if len(vs) == 0 {
				key = "round.chat.row_current_empty"
				next = actionButton("village.btn.add", Postback{Action: actVillageAdd})
			}
		}
		fields = append(fields, Field{Label: RoundName(r), Value: T(key, "Villages", len(vs))})
	}
	title := T("round.chat.title")
	c.Say(Reply{Style: StyleCard, Title: &title, Text: T("round.chat.text"), Fields: fields,
		Buttons: []Action{next}})
	return nil
}
