package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
)

// burstGoal is issue 16's goal: every reminder queued within 2 minutes of
// its due time.
const burstGoal = 2 * time.Minute

// sendsPerVillage is how many LINE calls one village's evening card takes:
// a multicast per 500 households (one household: a push).
func sendsPerVillage(households int) int { return (households + 499) / 500 }

// nextMinute is the first whole minute at or after t.
func nextMinute(t time.Time) time.Time {
	m := t.Truncate(time.Minute)
	if m.Before(t) {
		m = m.Add(time.Minute)
	}
	return m
}

// eveningPlan picks when a seeded programme's day-1 evening reminders fall
// due: the first whole minute margin from now, with day 1 the next day in
// Bangkok. It refuses a due time that would cross midnight before the run
// ends (day 1 would have begun, and the card says "tomorrow").
func eveningPlan(margin, run time.Duration) (due, day1 time.Time, err error) {
	due = nextMinute(time.Now().Add(margin)).In(bangkok)
	y, m, d := due.Date()
	day1 = time.Date(y, m, d+1, 0, 0, 0, 0, bangkok)
	if due.Add(run).After(day1) {
		return due, day1, fmt.Errorf("the reminders would fall due at %s and the run would cross midnight in Bangkok: run it after midnight there", due.Format("15:04"))
	}
	return due, day1, nil
}

// reminderEnv is the bot's environment for a run whose evening reminders
// fall due at due: no quiet hours (a run may be at any hour), no summary.
func reminderEnv(due time.Time) []string {
	return []string{
		"SAMMACHIP_REMIND_EVENING=" + due.In(bangkok).Format("15:04"),
		"SAMMACHIP_QUIET_HOURS=00:00-00:00",
	}
}

// runBurst seeds a national-scale programme whose day 1 is tomorrow,
// starts the bot with the evening reminders due at the next minute after
// it is up, and measures from the due time to the last reminder queued
// and to the last send the fake (enforcing LINE's rate limits) accepted.
func runBurst(ctx context.Context, r *runner) (result, error) {
	o := r.opt
	secret, token := randomHex(16), randomHex(24)
	fake, err := r.startFake(o.fakeAddr, linefake.WithAccessToken(token), linefake.WithRateLimits(linefake.LINERateLimits))
	if err != nil {
		return result{}, err
	}
	obs := observe(fake.Server)
	defer obs.stop()

	dbPath := filepath.Join(r.dir, "burst.db")
	// Seeding and starting the bot take a while at national scale (the
	// bot rebuilds the reminder plan at start); the due time leaves room.
	seedGuess := time.Duration(o.villages) * 5 * time.Millisecond
	startGuess := 20*time.Second + time.Duration(o.villages)*2*time.Millisecond
	_, day1, err := eveningPlan(seedGuess+startGuess, o.timeout)
	if err != nil {
		return result{}, err
	}
	r.logf("burst: seeding %d villages × %d households, day 1 on %s", o.villages, o.households, day1.Format("2006-01-02"))
	nextLog := time.Now().Add(10 * time.Second)
	seeded, err := seedProgramme(dbPath, o.villages, o.households, day1, func(done int) {
		if time.Now().After(nextLog) {
			r.logf("burst: seeded %d of %d villages", done, o.villages)
			nextLog = time.Now().Add(10 * time.Second)
		}
	})
	if err != nil {
		return result{}, err
	}
	due, day1b, err := eveningPlan(startGuess, o.timeout)
	if err != nil {
		return result{}, err
	}
	if !day1b.Equal(day1) {
		return result{}, errors.New("midnight passed in Bangkok while seeding: run again")
	}
	r.logf("burst: seeded in %v; reminders due at %s (Bangkok)", seeded.Round(time.Second), due.Format("15:04:05"))

	b, err := r.startBot(ctx, botConfig{LINE: fake.URL, Secret: secret, Token: token, DB: dbPath, Env: reminderEnv(due)})
	if err != nil {
		return result{}, err
	}
	ready := time.Now()
	r.logf("burst: bot up %v before the due time", due.Sub(ready).Round(time.Second))

	expected := o.villages * sendsPerVillage(o.households)
	var lastQueued time.Time
	nextLog = time.Now()
	deadline := due.Add(o.timeout)
	for {
		n, _ := obs.pushes()
		now := time.Now()
		if lastQueued.IsZero() && now.After(due) {
			// Queued so far = waiting in the outbox + already sent (a
			// record leaves the outbox when LINE accepted it).
			if m, err := b.metrics(); err == nil {
				depth := sumMetric(m, "sammachip_outbox_depth")
				ok := sumMetric(m, "sammachip_sends_total", `status="200"`) + sumMetric(m, "sammachip_sends_total", `status="409"`)
				if int(depth+ok) >= expected {
					lastQueued = now
				}
			}
		}
		if now.After(nextLog) {
			limited := fake.RateLimited()
			r.logf("burst: +%v sent %d/%d, 429s (rate limit) %d", now.Sub(due).Round(time.Second), n, expected, limited[linefake.KindMulticast]+limited[linefake.KindPush])
			nextLog = now.Add(10 * time.Second)
		}
		if n >= expected || now.After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return result{}, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	if err := b.Stop(2 * time.Minute); err != nil {
		r.logf("burst: stop: %v", err)
	}
	obs.stop()
	rep, err := readLedger(dbPath)
	if err != nil {
		return result{}, err
	}
	chk := checkReminders(rep, obs.snapshot(), o.villages, o.households, due)

	var notes []string
	notes = append(notes, chk.notes...)
	lastQ := "never"
	if !lastQueued.IsZero() {
		lastQ = "+" + lastQueued.Sub(due).Round(100*time.Millisecond).String()
		if lastQueued.Sub(due) > burstGoal {
			notes = append(notes, fmt.Sprintf("last reminder queued %s after its due time (goal: within %v)", lastQ, burstGoal))
		}
	} else {
		notes = append(notes, "not every reminder was queued")
	}
	if ready.After(due) {
		notes = append(notes, "the bot was up only after the due time: run again (the measure starts at the due time)")
	}
	limited := fake.RateLimited()
	line := fmt.Sprintf("villages=%d households=%d recipients=%d seeded_in=%v due=%s queued=%d/%d last_queued=%s ledger_last_tick=%s sent=%d/%d last_send=%s send_calls=%d rate_limited_429=%d (fake limits: %s) dropped=%d",
		o.villages, o.households, o.villages*o.households, seeded.Round(time.Second), due.Format("15:04"),
		chk.queued, o.villages, lastQ, chk.ledgerLast, chk.sentKeys, chk.keys, chk.lastSend,
		chk.calls, limited[linefake.KindMulticast]+limited[linefake.KindPush], linefake.LINERateLimits, rep.sendFailed)
	return result{line: line + verdictNotes(notes), ok: len(notes) == 0}, nil
}

// reminderCheck is what the ledger and the fake say about day 1's
// evening reminders.
type reminderCheck struct {
	queued     int    // villages whose reminder is in the ledger as sent
	keys       int    // retry keys the ledger holds for them
	sentKeys   int    // of those, accepted by the fake
	calls      int    // accepted pushes and multicasts carrying those keys
	ledgerLast string // the latest ledger time, from due
	lastSend   string // the last accepted send, from due
	notes      []string
}

// checkReminders checks that every village's reminder was queued once
// (ledger), that each of its retry keys was accepted by the fake exactly
// once, and that every household got it exactly once.
func checkReminders(rep ledgerReport, sends []sent, villages, households int, due time.Time) reminderCheck {
	var c reminderCheck
	keyVillage := map[string]int{}
	var ledgerLast time.Time
	for moo := 1; moo <= villages; moo++ {
		le, ok := rep.entries[moo]
		if !ok || le.Status != "sent" {
			continue
		}
		c.queued++
		if le.At.After(ledgerLast) {
			ledgerLast = le.At
		}
		for _, k := range le.RetryKeys {
			keyVillage[k] = moo
		}
	}
	c.keys = len(keyVillage)
	got := map[string]int{} // household user → times the reminder reached them
	perKey := map[string]int{}
	var last time.Time
	for _, s := range sends {
		moo, ok := keyVillage[s.RetryKey]
		if !ok || s.Kind == linefake.KindReply {
			continue
		}
		c.calls++
		perKey[s.RetryKey]++
		if s.At.After(last) {
			last = s.At
		}
		for _, u := range s.To {
			if strings.HasPrefix(u, fmt.Sprintf("U%08x", moo)) {
				got[u]++
			}
		}
	}
	c.sentKeys = len(perKey)
	c.ledgerLast, c.lastSend = "never", "never"
	if !ledgerLast.IsZero() {
		c.ledgerLast = "+" + ledgerLast.Sub(due).Round(100*time.Millisecond).String()
	}
	if !last.IsZero() {
		c.lastSend = "+" + last.Sub(due).Round(100*time.Millisecond).String()
	}
	if c.queued < villages {
		c.notes = append(c.notes, fmt.Sprintf("%d of %d villages' reminders not in the ledger", villages-c.queued, villages))
	}
	if c.sentKeys < c.keys {
		c.notes = append(c.notes, fmt.Sprintf("%d queued sends never accepted by LINE", c.keys-c.sentKeys))
	}
	dupKeys := 0
	for _, n := range perKey {
		if n > 1 {
			dupKeys++
		}
	}
	if dupKeys > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d retry keys accepted more than once", dupKeys))
	}
	missing, twice := 0, 0
	for moo := 1; moo <= villages; moo++ {
		if _, ok := rep.entries[moo]; !ok {
			continue // counted above
		}
		for i := 1; i <= households; i++ {
			switch n := got[householdUser(moo, i)]; {
			case n == 0:
				missing++
			case n > 1:
				twice++
			}
		}
	}
	if missing > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d households of queued villages never got their reminder", missing))
	}
	if twice > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d households got their reminder more than once", twice))
	}
	if rep.sendFailed > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d sends given up (failed sends)", rep.sendFailed))
	}
	if rep.outbox > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d records left in the outbox", rep.outbox))
	}
	return c
}
