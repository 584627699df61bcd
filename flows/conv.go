package flows

import (
	"cmp"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sammachip/sammachip/locales"
)

// Conversation is a user's place in a form, saved after every step as the
// step's name plus the answers so far, so that a restart between two
// messages changes nothing for the user.
type Conversation struct {
	Form    string            `json:"form"`
	Step    string            `json:"step"`
	Answers map[string]string `json:"answers"`
	// History lists the steps answered, for back.
	History []string `json:"history,omitempty"`
	// Tries counts wrong answers to the current step.
	Tries int `json:"tries,omitempty"`
	// Editing is set while one field is changed from the summary: the
	// answer leads back to the summary.
	Editing bool      `json:"editing,omitempty"`
	Started time.Time `json:"started"`
	Updated time.Time `json:"updated"`
	// Seq grows with every question asked; buttons carry it (see Token) so
	// a tap on an older message is recognised.
	Seq int `json:"seq"`
	// Done, when set, marks a finished conversation kept only so that a
	// second tap on its last buttons gets the right answer.
	Done *Finished `json:"done,omitempty"`
	// Offer is what the latest answer offered to tap, so that its labels
	// also work typed (offer.go). A user with no form in progress has a
	// closed record (Done set) holding just this.
	Offer *Offer `json:"offer,omitempty"`
	// Left is a form the user left unfinished (for a button outside it,
	// or by waiting too long), kept so that they may go back to it
	// (conv_resume.go); at most AnswersKept.
	Left *Conversation `json:"left,omitempty"`
}

// Finished remembers how a conversation ended.
type Finished struct {
	Token string `json:"token"`
	Key   string `json:"key"` // what to say to a late tap on its buttons
}

// Token identifies the question now on screen: the conversation (its start)
// and the question's number in it.
func (c *Conversation) Token() string {
	return c.id() + "." + strconv.Itoa(c.Seq)
}

func (c *Conversation) id() string { return strconv.FormatInt(c.Started.UnixMilli(), 36) }

// sameConversation reports whether a button's token belongs to this
// conversation (any of its questions): a button from an earlier, abandoned
// form must not answer or cancel the one open now.
func (c *Conversation) sameConversation(token string) bool {
	id, _, _ := strings.Cut(token, ".")
	return id == c.id()
}

// Answers are a form's answers by field name.
type Answers map[string]string

// Choice is one button of a question: the value it stands for and its label.
type Choice struct {
	Value string
	Label Msg
}

// Question is one step of a form.
type Question struct {
	// Field names the answer in Answers.
	Field string
	// Ask is the question; Help explains it (shown on "help", then the
	// question is asked again); Label names the field on the summary card.
	Ask   Msg
	Help  Msg
	Label Msg
	// Choices, when set, offers buttons; a tap answers with the choice's
	// value, and a typed answer matching a label or value counts too.
	Choices func(c *Ctx, a Answers) ([]Choice, error)
	// Parse reads a typed answer. It returns the value to keep, or a hint
	// saying what is expected. With Choices, Parse reads what matched no
	// choice (e.g. a village typed as "ม.5").
	Parse func(c *Ctx, a Answers, text string) (string, *Msg)
	// Picker asks with LINE's date-time picker ("date", "time",
	// "datetime"); the picked value goes through Parse like typed text.
	Picker string
	// Prompt, when set, builds the question from the answers so far (e.g.
	// naming the village's occupation); it replaces Ask.
	Prompt func(c *Ctx, a Answers) Msg
	// Show renders a value for the summary card; the raw value by default.
	Show func(c *Ctx, value string) Msg
	// When skips the question when it returns false.
	When func(a Answers) bool
	// Which, when set, looks again at typed text that Parse refused: when
	// the text fits several answers (a หมู่ number that two ตำบล share),
	// it returns a question naming them and just those as choices (taken
	// from Choices: a tap is checked against those). They are asked back
	// as buttons: a question, not a wrong answer (no "not right" hint, no
	// try counted). No choices: Parse's hint stands.
	Which func(c *Ctx, a Answers, text string) (Msg, []Choice)
}

// Form is a conversation that asks questions, shows a summary card with
// confirm / edit / cancel, and then saves.
type Form struct {
	Name  string
	Title Msg
	// TitleFor, when set, builds the summary card's title from the answers
	// (e.g. naming the village and the day being set); it replaces Title.
	TitleFor func(c *Ctx, a Answers) Msg
	// Intro, when set, is the summary card's text instead of "check before
	// saving": what confirming will do (e.g. what starting a round keeps
	// and changes), in short lines.
	Intro func(c *Ctx, a Answers) Msg
	// Facts, when set, are fields shown on the summary card above the
	// answers: what the form is about (the household an officer changes
	// and what it becomes), neither asked nor offered for editing.
	Facts func(c *Ctx, a Answers) []Field
	// Consent, when set, is a PDPA notice asked (yes / no) before any
	// question; the time and ConsentVersion of the yes are kept in the
	// answers as "consent_at" and "consent_version".
	Consent        *Msg
	ConsentVersion string
	Questions      []Question
	// Begin runs when the form starts: it may refuse (return an *Error
	// with a Key) or fill in answers (editing an existing record).
	Begin func(c *Ctx, a Answers) error
	// Save stores the answers and says what happened. A returned *Error
	// with a Key is shown to the user and the summary stays open.
	Save func(c *Ctx, a Answers) error
	// DoneKey is said to a second tap on the summary's confirm button.
	DoneKey string
}

// RedoPrefix starts a choice value that sends the user back to another
// question: RedoPrefix+"date" clears the date and asks it again.
const RedoPrefix = "_redo:"

// ErrEnd is returned by a Form's Save that has said its last words without
// saving (e.g. it found the record already exists and offered an update):
// the conversation closes quietly.
var ErrEnd = errors.New("flows: conversation ended by the form")

// Step names that are not questions.
const (
	stepConsent = "_consent"
	stepSummary = "_summary"
)

// Conversation commands carried by buttons.
const (
	cmdCancel  = "cancel"
	cmdBack    = "back"
	cmdHelp    = "help"
	cmdConfirm = "confirm"
	cmdEdit    = "edit"
	cmdEditOne = "editf"
	cmdYes     = "yes"
	cmdNo      = "no"
	cmdLang    = "lang"
)

// maxTries is how many wrong answers in a row before help or cancel is offered.
const maxTries = 3

func (q *Question) active(a Answers) bool { return q.When == nil || q.When(a) }

func (f *Form) question(field string) *Question {
	for i := range f.Questions {
		if f.Questions[i].Field == field {
			return &f.Questions[i]
		}
	}
	return nil
}

// next returns the first active question after field ("" = from the
// start) that has no answer yet, or the summary.
func (f *Form) next(a Answers, after string) string {
	started := after == ""
	for _, q := range f.Questions {
		if !started {
			started = q.Field == after
			continue
		}
		if q.active(a) {
			return q.Field
		}
	}
	return stepSummary
}

func convKey(userID string) string { return userID }

func loadConv(tx Tx, userID string) (*Conversation, error) {
	c, ok, err := tx.Conversations().Get(convKey(userID))
	if err != nil || !ok {
		return nil, err
	}
	return &c, nil
}

func saveConv(tx Tx, userID string, c *Conversation) error {
	return tx.Conversations().Put(convKey(userID), *c)
}

// StartForm begins form name for the user, replacing any conversation in
// progress.
func (c *Ctx) StartForm(name string, prefill Answers) error {
	f := c.eng.forms[name]
	if f == nil {
		return errors.New("flows: unknown form " + name)
	}
	a := Answers{}
	for k, v := range prefill {
		a[k] = v
	}
	if f.Begin != nil {
		if err := f.Begin(c, a); err != nil {
			return err
		}
	}
	conv := &Conversation{Form: name, Answers: a, Started: c.Now, Updated: c.Now}
	if c.conv != nil && c.conv.Done != nil {
		conv.Left = c.conv.Left // a form left before stays to go back to
	}
	// Prefilled answers (an update) go straight to the first question
	// without one, or to the summary.
	conv.Step = cmp.Or(f.nextUnanswered(a), stepSummary)
	if f.Consent != nil && a["consent_at"] == "" {
		conv.Step = stepConsent
	}
	c.conv = conv
	return c.ask(f)
}

// ask saves the conversation with a fresh token and asks its current step.
func (c *Ctx) ask(f *Form) error {
	c.conv.Seq++
	return c.reask(f)
}

// reask saves the conversation and asks its current step again with the
// same token: the buttons already on screen keep working.
func (c *Ctx) reask(f *Form) error {
	conv := c.conv
	conv.Updated = c.Now
	if err := saveConv(c.Tx, c.In.UserID, conv); err != nil {
		return err
	}
	switch conv.Step {
	case stepConsent:
		c.Say(Reply{Style: StyleConfirm, Text: *f.Consent, Buttons: []Action{
			c.cmdButton("conv.btn.agree", cmdYes), c.cmdButton("conv.btn.disagree", cmdNo),
		}})
		return nil
	case stepSummary:
		return c.summary(f)
	}
	q := f.question(conv.Step)
	if q == nil {
		return errors.New("flows: form " + f.Name + " has no step " + conv.Step)
	}
	return c.askQuestion(f, q, nil)
}

func (c *Ctx) askQuestion(f *Form, q *Question, hint *Msg) error {
	conv := c.conv
	var choices []Choice
	if q.Choices != nil {
		var err error
		if choices, err = q.Choices(c, Answers(conv.Answers)); err != nil {
			return err
		}
	}
	ask := q.Ask
	if q.Prompt != nil {
		ask = q.Prompt(c, Answers(conv.Answers))
	}
	if hint != nil {
		c.Say(Text(c.retryHint(*hint)))
	}
	if q.Picker != "" {
		// Choices (e.g. "the next weekday") come before the calendar.
		acts := make([]Action, 0, len(choices)+1)
		for _, ch := range choices {
			label := ch.Label
			acts = append(acts, Action{Label: label, Data: c.answerData(f, q, ch.Value), Say: &label})
		}
		c.Say(Reply{Text: ask, Buttons: append(acts, Action{
			Label: T("conv.btn.pick_" + q.Picker), Data: c.answerData(f, q, ""), Picker: q.Picker,
		}), Quick: c.navQuick(len(conv.History) > 0)})
		return nil
	}
	c.offer(f, q, ask, choices)
	return nil
}

// offer asks ask with a button per choice and the back/help/cancel chips.
func (c *Ctx) offer(f *Form, q *Question, ask Msg, choices []Choice) {
	nav := c.navQuick(len(c.conv.History) > 0)
	if len(choices) == 0 {
		c.Say(Text(ask, nav...))
		return
	}
	acts := make([]Action, len(choices))
	chips := len(choices) <= maxChipChoices
	for i, ch := range choices {
		label := ch.Label
		acts[i] = Action{Label: label, Data: c.answerData(f, q, ch.Value), Say: &label}
		chips = chips && c.fitsChip(label)
	}
	// A few short choices fit as chips; more, or longer ones, go in a card
	// of buttons: a phone shows only three or four chips without
	// scrolling sideways, and a chip's label is cut after 20 characters.
	if chips {
		c.Say(Text(ask, append(acts, nav...)...))
		return
	}
	c.Say(Reply{Style: StyleList, Text: ask, Buttons: acts, Quick: nav})
}

// askWhich asks the current question again with just the choices a typed
// answer could mean (Question.Which). It is not a wrong answer: no hint,
// and the tries are left as they were.
func (c *Ctx) askWhich(f *Form, q *Question, ask Msg, choices []Choice) error {
	conv := c.conv
	conv.Seq++
	conv.Updated = c.Now
	if err := saveConv(c.Tx, c.In.UserID, conv); err != nil {
		return err
	}
	c.offer(f, q, ask, choices)
	return nil
}

// fitsChip reports whether label, as the user reads it, fits a quick-reply
// chip (LINE cuts a longer label).
func (c *Ctx) fitsChip(label Msg) bool {
	cat := c.eng.cfg.Catalog
	if cat == nil {
		return true
	}
	text, err := cat.Text(c.Lang, label.Key, label.Args)
	if err != nil {
		return false
	}
	return len(utf16.Encode([]rune(text))) <= maxChipLabel
}

// maxChipChoices is how many choices are shown as quick-reply chips (LINE
// allows 13 chips, with the back/help/cancel ones).
const maxChipChoices = 4

// maxChipLabel is the longest quick-reply label LINE shows whole (UTF-16
// units).
const maxChipLabel = 20

func (c *Ctx) answerData(f *Form, q *Question, value string) string {
	return Postback{Form: f.Name, Question: q.Field, Token: c.conv.Token(), Value: value}.Encode()
}

// cmdData is the postback of a form's command (p.Cmd), in this
// conversation.
func (c *Ctx) cmdData(p Postback) string {
	if c.conv != nil {
		p.Token = c.conv.Token()
	}
	return p.Encode()
}

func (c *Ctx) cmdButton(labelKey, cmd string) Action {
	label := T(labelKey)
	return Action{Label: label, Data: c.cmdData(Postback{Cmd: cmd}), Say: &label}
}

// navQuick are the chips under every question: back (when there is a
// step to go back to), help and cancel.
func (c *Ctx) navQuick(canBack bool) []Action {
	var out []Action
	if canBack {
		out = append(out, c.cmdButton("conv.btn.back", cmdBack))
	}
	return append(out, c.cmdButton("conv.btn.help", cmdHelp), c.cmdButton("conv.btn.cancel", cmdCancel))
}

func (c *Ctx) summary(f *Form) error {
	a := Answers(c.conv.Answers)
	var fields []Field
	if f.Facts != nil {
		fields = f.Facts(c, a)
	}
	for i := range f.Questions {
		q := &f.Questions[i]
		if !q.active(a) {
			continue
		}
		fields = append(fields, Field{Label: q.Label, Value: c.show(q, a[q.Field])})
	}
	title := f.Title
	if f.TitleFor != nil {
		title = f.TitleFor(c, a)
	}
	text := T("conv.confirm.title")
	if f.Intro != nil {
		text = f.Intro(c, a)
	}
	c.Say(Reply{Style: StyleCard, Title: &title, Text: text, Fields: fields, Buttons: []Action{
		c.cmdButton("conv.btn.confirm", cmdConfirm),
		c.cmdButton("conv.btn.edit", cmdEdit),
		c.cmdButton("conv.btn.cancel", cmdCancel),
	}})
	return nil
}

func (c *Ctx) show(q *Question, value string) Msg {
	if q.Show != nil && value != "" {
		return q.Show(c, value)
	}
	return Raw(value)
}

// Raw is a Msg that shows text as it is (a name, a house number).
func Raw(s string) Msg { return T("conv.value", "V", s) }

// converseForm handles an input while a form is in progress. It reports
// false when the input was not for the form (a typed command outside it).
func (c *Ctx) converseForm() error {
	conv := c.conv
	f := c.eng.forms[conv.Form]
	if f == nil {
		// A form removed in a newer release: end it cleanly.
		c.conv = nil
		if err := c.Tx.Conversations().Delete(convKey(c.In.UserID)); err != nil {
			return err
		}
		c.Say(Text(T("conv.stale_button"), c.eng.mainMenu(c)...))
		return nil
	}
	if c.In.Kind == InputPostback {
		p, _ := ParsePostback(c.In.Data)
		if p.Cmd != "" {
			return c.formCommand(f, p)
		}
		if p.Form != conv.Form || p.Question != conv.Step || !conv.sameConversation(p.Token) {
			return c.stale()
		}
		if val := pickerValue(c.In.Params); val != "" {
			return c.answer(f, val, false)
		}
		return c.answer(f, p.Value, true)
	}
	text := c.In.Text
	switch {
	case c.typedIs("core.cmd.cancel"):
		return c.formCommand(f, Postback{Cmd: cmdCancel})
	case c.typedIs("core.cmd.back"):
		return c.formCommand(f, Postback{Cmd: cmdBack})
	case c.typedIs("core.cmd.help"):
		return c.formCommand(f, Postback{Cmd: cmdHelp})
	}
	switch conv.Step {
	case stepConsent:
		if c.typedIs("conv.btn.agree") {
			return c.formCommand(f, Postback{Cmd: cmdYes})
		}
		if c.typedIs("conv.btn.disagree") {
			return c.formCommand(f, Postback{Cmd: cmdNo})
		}
		if ok, err := c.commandInForm(f); ok {
			return err
		}
		return c.retry(f, nil, T("conv.hint.tap_button"))
	case stepSummary:
		if c.typedIs("conv.btn.confirm") {
			return c.formCommand(f, Postback{Cmd: cmdConfirm})
		}
		if c.typedIs("conv.btn.edit") {
			return c.formCommand(f, Postback{Cmd: cmdEdit})
		}
		if ok, err := c.commandInForm(f); ok {
			return err
		}
		return c.retry(f, nil, T("conv.hint.tap_button"))
	}
	// A button of the latest answer outside this form (a list shown by a
	// command typed mid-form), its label typed: what its tap does, which
	// leaves the form as a tap does (offer.go). The latest answer wins
	// over the older question's choices; a command word still runs.
	if !c.eng.isCommandWord(c) {
		if ok, err := c.eng.typedOutsideOffer(c); ok || err != nil {
			return err
		}
	}
	// A choice of the question wins over a command word of the same name.
	if q := f.question(conv.Step); q != nil && q.Choices != nil {
		if value, ok, err := c.typedChoice(q, Answers(conv.Answers), text); err != nil || ok {
			if err != nil {
				return err
			}
			return c.answer(f, value, true)
		}
	}
	if ok, err := c.commandInForm(f); ok {
		return err
	}
	return c.answer(f, text, false)
}

// commandInForm runs a command word typed during a form: help promises
// they work at any time. The form stays where it was (a command that
// starts another form replaces it). "ภาษา" asks for the language and then
// asks the question again in it. It reports false when the input's text
// is no command word.
func (c *Ctx) commandInForm(f *Form) (bool, error) {
	if c.typedIs("core.cmd.language") {
		c.Say(Text(T("conv.lang.choose"),
			Action{Label: T("core.lang.th"), Data: c.cmdData(Postback{Cmd: cmdLang, Value: string(locales.Thai)})},
			Action{Label: T("core.lang.en"), Data: c.cmdData(Postback{Cmd: cmdLang, Value: string(locales.English)})},
		))
		return true, nil
	}
	for _, cmd := range c.eng.commands {
		if cmd.Key == "" || !cmd.In1to1 || !c.typedIs(cmd.Key) {
			continue
		}
		// The command runs as it would outside the form; the form is
		// kept as saved, and a typed answer goes on with it.
		conv := c.conv
		c.conv = nil
		err := cmd.Run(c)
		if c.conv == nil {
			c.conv = conv
		}
		return true, err
	}
	return false, nil
}

// setFormLang changes the user's language from a form and asks the
// question again in it.
func (c *Ctx) setFormLang(f *Form, value string) error {
	if err := c.saveLang(value); err != nil {
		return err
	}
	c.Say(Text(T("conv.lang.set")))
	return c.ask(f)
}

// nonText answers a sticker, photo, location or file. During a form the
// question is asked again, with a note that the bot needs a typed answer
// or a tap; otherwise the main menu.
func (e *Engine) nonText(c *Ctx) error {
	if c.In.InGroup() {
		return nil
	}
	if c.In.UserID != "" {
		conv, err := loadConv(c.Tx, c.In.UserID)
		if err != nil {
			return err
		}
		if conv != nil && conv.Done == nil && c.Now.Sub(conv.Updated) <= e.cfg.ConversationTimeout {
			if f := e.forms[conv.Form]; f != nil {
				c.conv = conv
				c.Say(Text(T("conv.only_text")))
				return c.reask(f)
			}
		}
	}
	c.Say(Text(T("core.only_text"), e.mainMenu(c)...))
	return nil
}

func pickerValue(p map[string]string) string {
	for _, k := range []string{"datetime", "date", "time"} {
		if p[k] != "" {
			return p[k]
		}
	}
	return ""
}

func (c *Ctx) formCommand(f *Form, p Postback) error {
	conv, cmd := c.conv, p.Cmd
	// Cancel and a language change apply from any question of this
	// conversation; the other commands only from the latest one.
	anyStep := cmd == cmdCancel || cmd == cmdLang
	if t := p.Token; t != "" && t != conv.Token() && (!anyStep || !conv.sameConversation(t)) {
		return c.stale()
	}
	switch cmd {
	case cmdLang:
		return c.setFormLang(f, p.Value)
	case cmdCancel:
		return c.endConv(f, "conv.cancelled", true)
	case cmdHelp:
		if conv.Step == stepSummary || conv.Step == stepConsent {
			c.Say(Text(T("conv.help.summary")))
			return c.ask(f)
		}
		if q := f.question(conv.Step); q != nil && q.Help.Key != "" {
			c.Say(Text(q.Help))
		} else {
			c.Say(Text(T("conv.help.generic")))
		}
		conv.Tries = 0
		return c.ask(f)
	case cmdBack:
		if conv.Editing {
			conv.Editing = false
			conv.Step = stepSummary
			return c.ask(f)
		}
		if len(conv.History) == 0 {
			c.Say(Text(T("conv.back_at_start")))
			return c.ask(f)
		}
		conv.Step = conv.History[len(conv.History)-1]
		conv.History = conv.History[:len(conv.History)-1]
		conv.Tries = 0
		return c.ask(f)
	case cmdYes, cmdNo:
		if conv.Step != stepConsent {
			return c.stale()
		}
		if cmd == cmdNo {
			return c.endConv(f, "conv.consent_declined", true)
		}
		conv.Answers["consent_at"] = c.Now.UTC().Format(time.RFC3339)
		conv.Answers["consent_version"] = f.ConsentVersion
		conv.Step = f.next(Answers(conv.Answers), "")
		return c.ask(f)
	case cmdConfirm:
		if conv.Step != stepSummary {
			return c.stale()
		}
		token := conv.Token()
		if err := f.Save(c, Answers(conv.Answers)); err != nil {
			if errors.Is(err, ErrEnd) {
				c.conv = &Conversation{Done: &Finished{Token: token, Key: "conv.stale_button"}, Started: conv.Started, Updated: c.Now, Seq: conv.Seq}
				return saveConv(c.Tx, c.In.UserID, c.conv)
			}
			if key := userKey(err); key != "" {
				c.Say(Text(T(key)))
				// Save may have changed the answers so that a question now
				// applies (e.g. the date is past by now): ask it.
				if next := f.nextUnanswered(Answers(conv.Answers)); next != "" {
					conv.Step, conv.Editing = next, true
				}
				return c.ask(f)
			}
			return err
		}
		done := f.DoneKey
		if done == "" {
			done = "conv.already_saved"
		}
		c.conv = &Conversation{Done: &Finished{Token: token, Key: done}, Started: conv.Started, Updated: c.Now, Seq: conv.Seq}
		return saveConv(c.Tx, c.In.UserID, c.conv)
	case cmdEdit:
		if conv.Step != stepSummary {
			return c.stale()
		}
		var acts []Action
		a := Answers(conv.Answers)
		for i := range f.Questions {
			q := &f.Questions[i]
			if q.active(a) {
				acts = append(acts, Action{Label: q.Label, Data: c.cmdData(Postback{Cmd: cmdEditOne, Question: q.Field}), Say: &q.Label})
			}
		}
		c.Say(Reply{Style: StyleList, Text: T("conv.edit.which"), Buttons: acts, Quick: []Action{c.cmdButton("conv.btn.back", cmdBack)}})
		conv.Editing = true
		return saveConv(c.Tx, c.In.UserID, conv)
	case cmdEditOne:
		q := f.question(p.Question)
		if q == nil || conv.Step != stepSummary {
			return c.stale()
		}
		conv.Step = q.Field
		conv.Editing = true
		conv.Tries = 0
		return c.ask(f)
	}
	return c.stale()
}

// endConv closes the conversation and says key, with the main menu.
func (c *Ctx) endConv(f *Form, key string, menu bool) error {
	token := c.conv.Token()
	c.conv = &Conversation{Done: &Finished{Token: token, Key: "conv.already_cancelled"}, Started: c.conv.Started, Updated: c.Now}
	if err := saveConv(c.Tx, c.In.UserID, c.conv); err != nil {
		return err
	}
	if menu {
		c.Say(Text(T(key), c.eng.mainMenu(c)...))
	} else {
		c.Say(Text(T(key)))
	}
	return nil
}

// answer reads an answer to the current question.
func (c *Ctx) answer(f *Form, raw string, tapped bool) error {
	conv := c.conv
	q := f.question(conv.Step)
	if q == nil {
		return c.stale()
	}
	a := Answers(conv.Answers)
	value, hint, err := c.readAnswer(q, a, raw, tapped)
	if err != nil {
		return err
	}
	if hint != nil {
		if !tapped && q.Which != nil {
			if ask, choices := q.Which(c, a, raw); len(choices) > 0 {
				return c.askWhich(f, q, ask, choices)
			}
		}
		return c.retry(f, q, *hint)
	}
	if field, ok := strings.CutPrefix(value, RedoPrefix); ok && f.question(field) != nil {
		// "Choose again": the earlier answer goes and its question is
		// asked; this one is asked again after it if it still applies.
		delete(conv.Answers, field)
		delete(conv.Answers, q.Field)
		conv.Step, conv.Editing, conv.Tries = field, true, 0
		return c.ask(f)
	}
	conv.Answers[q.Field] = value
	conv.Tries = 0
	if conv.Editing {
		conv.Editing = false
		conv.Step = stepSummary
		// A changed answer may switch later questions on: ask those too.
		if next := f.nextUnanswered(a); next != "" {
			conv.Step = next
			conv.Editing = true
		}
		return c.ask(f)
	}
	conv.History = append(conv.History, q.Field)
	conv.Step = f.next(a, q.Field)
	return c.ask(f)
}

// nextUnanswered is the first active question without an answer, or "".
func (f *Form) nextUnanswered(a Answers) string {
	for _, q := range f.Questions {
		if _, ok := a[q.Field]; !ok && q.active(a) {
			return q.Field
		}
	}
	return ""
}

// typedChoice finds the choice of q that typed text names: its value, or
// its label in either language (with or without ค่ะ/ครับ and spaces).
func (c *Ctx) typedChoice(q *Question, a Answers, text string) (string, bool, error) {
	choices, err := q.Choices(c, a)
	if err != nil {
		return "", false, err
	}
	typed := locales.MatchCommand(text)
	if typed == "" {
		return "", false, nil
	}
	for _, ch := range choices {
		if typed == locales.MatchCommand(ch.Value) || c.labelIs(typed, ch.Label) {
			return ch.Value, true, nil
		}
	}
	return "", false, nil
}

// labelIs reports whether typed (after locales.MatchCommand) is label as
// rendered in any language, with its arguments (a village's name) if it
// has any.
func (c *Ctx) labelIs(typed string, label Msg) bool {
	cat := c.eng.cfg.Catalog
	if cat == nil {
		return false
	}
	for i, lang := range []locales.Lang{c.Lang, locales.Thai, locales.English} {
		if i > 0 && lang == c.Lang {
			continue // asked already
		}
		if m, err := cat.MatchedText(lang, label.Key, label.Args); err == nil && m == typed {
			return true
		}
	}
	return false
}

// tooLong reports whether typed text, cleaned as answers are, is longer
// than max characters.
func tooLong(s string, max int) bool {
	v, ok := locales.NormalizeText(s, math.MaxInt)
	return ok && utf8.RuneCountInString(v) > max
}

// maxTextRunes is the longest free-text answer of a question without a
// parser.
const maxTextRunes = 500

func (c *Ctx) readAnswer(q *Question, a Answers, raw string, tapped bool) (string, *Msg, error) {
	if q.Choices != nil {
		if tapped {
			choices, err := q.Choices(c, a)
			if err != nil {
				return "", nil, err
			}
			for _, ch := range choices {
				if ch.Value == raw {
					return ch.Value, nil, nil
				}
			}
		} else if v, ok, err := c.typedChoice(q, a, raw); err != nil || ok {
			return v, nil, err
		}
		if tapped || q.Parse == nil {
			h := T("conv.hint.tap_button")
			return "", &h, nil
		}
	}
	if q.Parse == nil {
		v, ok := locales.NormalizeText(raw, maxTextRunes)
		if !ok {
			if tooLong(raw, maxTextRunes) {
				h := T("conv.hint.text_too_long", "Max", maxTextRunes)
				return "", &h, nil
			}
			h := T("conv.hint.text")
			return "", &h, nil
		}
		return v, nil, nil
	}
	v, hint := q.Parse(c, a, raw)
	return v, hint, nil
}

// retry re-asks the current step with a hint; after maxTries wrong answers
// in a row it also offers help or cancel.
func (c *Ctx) retry(f *Form, q *Question, hint Msg) error {
	conv := c.conv
	conv.Tries++
	if conv.Tries >= maxTries {
		c.Say(Text(c.retryHint(hint)))
		conv.Updated = c.Now
		if err := saveConv(c.Tx, c.In.UserID, conv); err != nil {
			return err
		}
		c.Say(Text(T("conv.too_many_tries"), c.cmdButton("conv.btn.help", cmdHelp), c.cmdButton("conv.btn.cancel", cmdCancel)))
		return nil
	}
	if q == nil {
		c.Say(Text(c.retryHint(hint)))
		return c.ask(f)
	}
	conv.Seq++
	conv.Updated = c.Now
	if err := saveConv(c.Tx, c.In.UserID, conv); err != nil {
		return err
	}
	return c.askQuestion(f, q, &hint)
}

// retryHint says what a question expects after a wrong answer: kindly,
// and in other words the second time, so that the same refusal is not
// repeated word for word.
func (c *Ctx) retryHint(hint Msg) Msg {
	if c.conv != nil && c.conv.Tries == 2 {
		return T("conv.invalid_retry_again", "Hint", hint.Ref())
	}
	return T("conv.invalid_retry_hint", "Hint", hint.Ref())
}

// stale answers a tap on a button that no longer applies. A second tap on
// the last buttons of a finished conversation is told how it ended.
func (c *Ctx) stale() error {
	if c.conv != nil && c.conv.Done != nil {
		if p, _ := ParsePostback(c.In.Data); p.Token != "" && p.Token == c.conv.Done.Token {
			c.Say(Text(T(c.conv.Done.Key)))
			return nil
		}
		c.Say(Text(T("conv.stale_button"), c.eng.mainMenu(c)...))
		return nil
	}
	if c.conv != nil && c.conv.Done == nil {
		if f := c.eng.forms[c.conv.Form]; f != nil {
			// Show where the conversation really is.
			c.Say(Text(T("conv.stale_button_form")))
			return c.ask(f)
		}
	}
	if c.In.InGroup() {
		c.Say(Text(T("conv.stale_button")))
		return nil
	}
	c.Say(Text(T("conv.stale_button"), c.eng.mainMenu(c)...))
	return nil
}

// userKey returns the locale key of a user-facing error, "" otherwise.
func userKey(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != KindInternal && e.Key != "" {
		return e.Key
	}
	return ""
}
