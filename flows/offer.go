package flows

import (
	"strings"
	"time"

	"github.com/sammachip/sammachip/locales"
)

// Issue 14: every button's label also works when typed. A form's choices
// and the command words are read where they are asked (conv.go); what is
// left are the buttons of cards and chips outside a form ("ดูทีมของฉัน",
// "เพิ่มหมู่บ้าน", a household's name in a list). The engine remembers
// what the latest answer to a person offered, and a label typed that names
// exactly one of those buttons does what tapping it does.

// Offer is what the latest answer to a person offered: the buttons of its
// messages and the chips under its last one (LINE shows only the last
// message's chips).
type Offer struct {
	Buttons []Offered `json:"buttons,omitempty"`
	// Other is the postback of free text typed while this is the latest
	// answer (Reply.Other): the question it asked takes any words.
	Other string    `json:"other,omitempty"`
	At    time.Time `json:"at"`
}

// Offered is one button: its label as typed text matches it (after
// locales.MatchCommand, in each language) and what a tap sends.
type Offered struct {
	Labels []string `json:"labels"`
	Data   string   `json:"data"`
}

// offerOf collects what out's replies offer to be typed.
func (e *Engine) offerOf(out Outcome, now time.Time) *Offer {
	o := &Offer{At: now}
	add := func(a Action) {
		if a.Data == "" || a.URI != "" || a.Picker != "" {
			return
		}
		var labels []string
		for _, lang := range []locales.Lang{locales.Thai, locales.English} {
			m, err := e.cfg.Catalog.MatchedText(lang, a.Label.Key, a.Label.Args)
			if err != nil {
				continue
			}
			if m != "" && !contains(labels, m) {
				labels = append(labels, m)
			}
		}
		if len(labels) > 0 {
			o.Buttons = append(o.Buttons, Offered{Labels: labels, Data: a.Data})
		}
	}
	for i, rep := range out.Replies {
		for _, a := range rep.Buttons {
			add(a)
		}
		for _, row := range rep.Rows {
			if row.Tap != nil {
				add(*row.Tap)
			}
		}
		if i == len(out.Replies)-1 {
			for _, a := range rep.Quick {
				add(a)
			}
			o.Other = rep.Other
			if o.Other == "" {
				o.Other = otherChip(rep.Quick)
			}
		}
	}
	if len(o.Buttons) == 0 && o.Other == "" {
		return nil
	}
	return o
}

// reasonMisc is the absence reason "another reason" (absenceReasons).
const reasonMisc = "misc"

// otherChip is the data of a chip that stands for "another reason"
// (attendance's อื่น ๆ when one cannot come): the question takes any words
// as that reason, so free text typed after it is that chip.
func otherChip(quick []Action) string {
	for _, a := range quick {
		// Parsing every chip of every answer costs more than the rest of
		// offerOf: only a chip whose data holds the reason's word can be
		// it (Postback.Encode writes it as it is).
		if !strings.Contains(a.Data, reasonMisc) {
			continue
		}
		if p, err := ParsePostback(a.Data); err == nil && p.Action == actReason && p.Reason == reasonMisc {
			return a.Data
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rememberOffer keeps what the answer to a 1:1 input offered with the
// user's conversation record (bookkeeping, like a form's progress), and
// what a push to another user offered with theirs (a sage just named a
// lead is pushed "ดูทีมของฉัน"). A user without a form gets a closed
// record holding only the offer; a message that offers nothing clears an
// older offer. Pushes of the scheduler (reminders) do not pass here: a
// day card's answer typed is read by typedDayAnswer instead.
func (e *Engine) rememberOffer(tx Tx, in Input, out Outcome) error {
	for _, p := range out.Pushes {
		if strings.HasPrefix(p.To, "U") && p.To != in.UserID && len(p.Replies) > 0 {
			if err := e.keepOffer(tx, p.To, e.offerOf(Outcome{Replies: p.Replies}, in.At), in.At); err != nil {
				return err
			}
		}
	}
	if in.InGroup() || in.UserID == "" || len(out.Replies) == 0 {
		return nil
	}
	return e.keepOffer(tx, in.UserID, e.offerOf(out, in.At), in.At)
}

// keepOffer stores offer (nil: none) as user's latest.
func (e *Engine) keepOffer(tx Tx, user string, offer *Offer, at time.Time) error {
	conv, err := loadConv(tx, user)
	if err != nil {
		return err
	}
	if conv == nil {
		if offer == nil {
			return nil
		}
		conv = &Conversation{Done: &Finished{Key: "conv.stale_button"}, Started: at, Updated: at}
	} else if conv.Offer == nil && offer == nil {
		return nil
	}
	conv.Offer = offer
	return saveConv(tx, user, conv)
}

// offered returns the postback of the one offered button whose label
// typed names (m is the typed text after locales.MatchCommand); "" when
// none or several do (their data differ).
func (o *Offer) offered(m string) string {
	if o == nil || m == "" {
		return ""
	}
	found := ""
	for _, b := range o.Buttons {
		if !contains(b.Labels, m) {
			continue
		}
		if found != "" && found != b.Data {
			return ""
		}
		found = b.Data
	}
	return found
}

// typedOffer runs typed text that names a button of the latest answer as
// that button's tap, or as its free-text answer (Offer.Other). It
// reports false when the text is neither.
func (e *Engine) typedOffer(c *Ctx) (bool, error) {
	if c.conv == nil || c.conv.Offer == nil || c.In.Kind != InputText {
		return false, nil
	}
	if c.Now.Sub(c.conv.Offer.At) > offerLife {
		return false, nil
	}
	data := c.conv.Offer.offered(c.typed())
	if data == "" {
		if c.conv.Offer.Other == "" || c.typed() == "" {
			return false, nil
		}
		data = c.conv.Offer.Other
	}
	in := c.In
	in.Kind, in.Data = InputPostback, data
	c.In = in
	return true, e.converse(c)
}

// typedOutsideOffer is typedOffer during a form, for the buttons of the
// latest answer that are outside the form (not its question's): their
// taps leave the form, and so does their label typed.
func (e *Engine) typedOutsideOffer(c *Ctx) (bool, error) {
	if c.conv == nil || c.conv.Offer == nil || c.In.Kind != InputText || c.Now.Sub(c.conv.Offer.At) > offerLife {
		return false, nil
	}
	data := c.conv.Offer.offered(c.typed())
	if data == "" || !outsideForm(data) {
		return false, nil
	}
	in := c.In
	in.Kind, in.Data = InputPostback, data
	c.In = in
	return true, e.converse(c)
}

// offerLife is how long the latest answer's buttons may be typed: a label
// typed the next day is more likely a new thought than an answer.
const offerLife = 12 * time.Hour
