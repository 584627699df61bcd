package flows

import (
	"slices"
	"time"
)

// Issue 14: a form is never dropped without a word. A form left for a
// button outside it, or expired after Config.ConversationTimeout, is kept
// (Conversation.Left) so that one tap on "ทำต่อ" goes on where the user
// was. Its answers are personal data: they are kept for AnswersKept at
// most, then deleted (ForgetOldAnswers, daily, and at the next message).

// AnswersKept is how long the answers of a form left unfinished are kept.
const AnswersKept = 7 * 24 * time.Hour

// actResume goes back to the form the user left.
const actResume = "resume"

// isResume reports whether postback data is the resume button.
func isResume(data string) bool {
	p, _ := ParsePostback(data)
	return p.Action == actResume && p.Token == ""
}

// paused is the conversation as kept for going back to it: only a form
// with answers is worth going back to.
func (c *Conversation) paused() *Conversation {
	if c == nil || c.Done != nil || c.Form == "" {
		return nil
	}
	if len(c.Answers) == 0 && c.Step != stepConsent && len(c.History) == 0 {
		return nil
	}
	p := *c
	p.Left, p.Offer = nil, nil
	return &p
}

// resumeButton goes back to the form left (postback outside any form, so
// that it works whatever is on screen).
func resumeButton() Action {
	label := T("conv.btn.resume")
	return Action{Label: label, Data: Postback{Action: actResume}.Encode(), Say: &label}
}

// formTitle names the form a conversation is in, for "you left …".
func (e *Engine) formTitle(conv *Conversation) Msg {
	if f := e.forms[conv.Form]; f != nil && f.Title.Key != "" {
		return f.Title
	}
	return T("conv.form.generic")
}

// sayLeft tells the user that the form conv was left for the button just
// tapped, with a button to go back, above what the button answered (at
// index before). With no room left in the answer (LINE takes five
// messages), the note goes without a message of its own: the rest stands.
func (e *Engine) sayLeft(c *Ctx, conv *Conversation, before int) error {
	if conv.paused() == nil || len(c.Out.Replies) >= 5 {
		return nil
	}
	note := Text(T("conv.left_form", "Form", e.formTitle(conv).Ref(), "Days", int(AnswersKept/(24*time.Hour))))
	note.Buttons = []Action{resumeButton()}
	c.Out.Replies = slices.Insert(c.Out.Replies, before, note)
	return nil
}

func (e *Engine) registerResume() {
	e.RegisterAction(actResume, e.resume)
}

// resume restores the form the user left and asks its question again; the
// answers given so far stand. From another form in progress, that one is
// kept in turn; a form that timed out (and was not yet told so) is itself
// the one to go on with.
func (e *Engine) resume(c *Ctx, _ Postback) error {
	if c.In.InGroup() {
		return c.stale()
	}
	conv, err := loadConv(c.Tx, c.In.UserID)
	if err != nil {
		return err
	}
	var from, current *Conversation
	switch {
	case conv == nil:
	case conv.Done != nil:
		from = conv.Left
	case c.Now.Sub(conv.Updated) > e.cfg.ConversationTimeout:
		from = conv
	default:
		from, current = conv.Left, conv.paused()
	}
	if from == nil || c.Now.Sub(from.Updated) > AnswersKept || e.forms[from.Form] == nil {
		c.Say(Text(T("conv.resume.gone"), e.mainMenu(c)...))
		return nil
	}
	back := *from
	back.Left, back.Offer, back.Done, back.Tries = current, nil, nil, 0
	c.conv = &back
	c.Say(Text(T("conv.resumed", "Form", e.formTitle(&back).Ref())))
	return c.ask(e.forms[back.Form])
}

// ForgetOldAnswers deletes what conversations keep past AnswersKept: a
// form's answers (in progress or left) and the bookkeeping of finished
// ones. It returns how many records it changed. Run daily; it is also
// what keeps the conversation store from growing with every user.
func (e *Engine) ForgetOldAnswers(tx Tx, now time.Time) (int, error) {
	type change struct {
		key  string
		conv *Conversation // nil: delete
	}
	var changes []change
	if err := tx.Conversations().Each(func(k string, c Conversation) error {
		switch {
		case now.Sub(c.Updated) > AnswersKept:
			changes = append(changes, change{key: k})
		case c.Left != nil && now.Sub(c.Left.Updated) > AnswersKept:
			c.Left = nil
			changes = append(changes, change{key: k, conv: &c})
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, ch := range changes {
		var err error
		if ch.conv == nil {
			err = tx.Conversations().Delete(ch.key)
		} else {
			err = tx.Conversations().Put(ch.key, *ch.conv)
		}
		if err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}
