package flows

import ()

// "My info" (ข้อมูลของฉัน): everyone can see the personal data the bot keeps
// about them and delete it from the chat, as Thailand's PDPA asks. Each
// feature that keeps personal data adds a MyDataSection; the hub shows
// them in registration order and erases them all in one transaction.

// MyDataSection is one feature's share of a person's data in "my info".
type MyDataSection struct {
	// Name identifies the section in tests and logs.
	Name string
	// Show returns the user's data in this section as replies (usually one
	// card with the section's own buttons, e.g. edit), or none when it
	// keeps nothing about them. It must not write.
	Show func(c *Ctx) ([]Reply, error)
	// Erase deletes the user's personal data in this section, and whatever
	// points at it, and reports whether there was any. It runs inside the
	// deletion's transaction and must not refuse: the deletion is the
	// user's right.
	Erase func(c *Ctx) (bool, error)
}

// RegisterMyData adds a section to "my info". Register from the feature's
// register function, before registerCore (see NewEngine).
func (e *Engine) RegisterMyData(s MyDataSection) { e.mydata = append(e.mydata, s) }

// Names of this file's actions.
const (
	actMyDataDelete = "mydata.delete"
	actMyDataKeep   = "mydata.keep"
)

// maxSectionReplies leaves room, in LINE's five messages, for the footer.
const maxSectionReplies = 4

func (e *Engine) registerMyData() {
	e.RegisterMenu("myinfo", e.showMyData)
	e.RegisterCommand(Command{Key: "mydata.cmd.show", In1to1: true, Run: e.showMyData})
	e.RegisterCommand(Command{Key: "mydata.cmd.delete", In1to1: true, Run: func(c *Ctx) error {
		return e.deleteMyData(c, false)
	}})
	e.RegisterAction(actMyDataDelete, func(c *Ctx, p Postback) error { return e.deleteMyData(c, p.Yes) })
	e.RegisterAction(actMyDataKeep, func(c *Ctx, _ Postback) error {
		c.Say(Text(T("mydata.delete.kept"), e.mainMenu(c)...))
		return nil
	})
}

// showMyData answers with every section's view of the user, then a line
// with the delete button.
func (e *Engine) showMyData(c *Ctx) error {
	if c.In.InGroup() || c.In.UserID == "" {
		return nil
	}
	var replies []Reply
	for _, s := range e.mydata {
		r, err := s.Show(c)
		if err != nil {
			return err
		}
		replies = append(replies, r...)
	}
	if conv, err := loadConv(c.Tx, c.In.UserID); err != nil {
		return err
	} else if conv != nil && (conv.Done == nil && len(conv.Answers) > 0 || conv.Left != nil) {
		// Answers typed into a form not yet saved are personal data too,
		// and so are those of a form left to go back to (conv_resume.go).
		replies = append(replies, Text(T("mydata.draft")))
	}
	if len(replies) == 0 {
		c.Say(Text(T("mydata.none"), e.mainMenu(c)...))
		return nil
	}
	if len(replies) > maxSectionReplies {
		replies = replies[:maxSectionReplies]
	}
	c.Say(replies...)
	c.Say(Text(T("mydata.footer"), append([]Action{actionButton("mydata.btn.delete", Postback{Action: actMyDataDelete})}, e.mainMenu(c)...)...))
	return nil
}

// deleteMyData asks first; confirmed, it erases every section, the
// conversation in progress (its answers are personal data too) and the
// name the user gave. A second confirmation finds nothing left and says so.
func (e *Engine) deleteMyData(c *Ctx, confirmed bool) error {
	if c.In.InGroup() || c.In.UserID == "" {
		return nil
	}
	if !confirmed {
		c.Say(Reply{Style: StyleConfirm, Text: T("mydata.delete.q"), Buttons: []Action{
			actionButton("mydata.btn.delete_yes", Postback{Action: actMyDataDelete, Yes: true}),
			actionButton("mydata.btn.delete_no", Postback{Action: actMyDataKeep}),
		}})
		return nil
	}
	me := c.In.UserID
	erased := false
	// Copies that name the person by their LINE id go first; each section
	// forgets its own names and numbers (e.g. eraseHousehold).
	if err := forget(c.Tx, me); err != nil {
		return err
	}
	for _, s := range e.mydata {
		found, err := s.Erase(c)
		if err != nil {
			return err
		}
		erased = erased || found
	}
	if conv, err := loadConv(c.Tx, me); err != nil {
		return err
	} else if conv != nil {
		erased = erased || conv.Done == nil || conv.Left != nil
		if err := c.Tx.Conversations().Delete(me); err != nil {
			return err
		}
		c.conv = nil
	}
	if u, ok, err := getUser(c.Tx, me); err != nil {
		return err
	} else if ok && u.Name != "" {
		u.Name = ""
		if err := c.Tx.Users().Put(me, u); err != nil {
			return err
		}
		erased = true
	}
	if !erased {
		c.Say(Text(T("mydata.delete.nothing"), e.mainMenu(c)...))
		return nil
	}
	c.Say(Text(T("mydata.delete.done"), e.mainMenu(c)...))
	return nil
}

// minTrace is the shortest text taken as naming someone: a shorter one
// (a two-letter nickname) would also match records about other people.
const minTrace = 4

// forget removes every copy of what people said or were told that holds
// one of traces (a LINE id, a household id, a full name, a phone number):
// a deletion reaches the copies, not only the records (Tx.ForgetCopies).
func forget(tx Tx, traces ...string) error {
	var needles [][]byte
	for _, t := range traces {
		if len([]rune(t)) >= minTrace {
			needles = append(needles, []byte(t))
		}
	}
	return tx.ForgetCopies(needles)
}
