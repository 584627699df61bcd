package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sammachip/sammachip/bot/linefake"
	"github.com/sammachip/sammachip/flows"
	"github.com/sammachip/sammachip/storage"
)

// faultEvent is one webhook event of a faults run and what became of it.
type faultEvent struct {
	ev       linefake.Event
	follow   bool
	user     string
	ts       time.Time
	acked    bool
	attempts int
}

// runFaults runs a paced webhook load (each user follows, then texts)
// while the fake fails a share of replies and pushes and the evening
// reminders of a seeded programme fall due, kills the bot with SIGKILL
// --kills times (the last just after the reminders fell due) and restarts
// it on the same database, then checks from the database and the fake:
// every acknowledged event committed once, every follow recorded, every
// reply delivered or counted by the bot as unanswered, no push twice, no
// reminder missing.
func runFaults(ctx context.Context, r *runner) (result, error) {
	o := r.opt
	secret, token := randomHex(16), randomHex(24)
	fake, err := r.startFake(o.fakeAddr, linefake.WithAccessToken(token), linefake.WithRateLimits(linefake.LINERateLimits))
	if err != nil {
		return result{}, err
	}
	for i := range o.users {
		fake.SetProfile(userID(i), fmt.Sprintf("ผู้ใช้ %d", i+1), "th")
	}
	obs := observe(fake.Server)
	defer obs.stop()

	dbPath := filepath.Join(r.dir, "faults.db")
	_, day1, err := eveningPlan(30*time.Second, 10*time.Minute)
	if err != nil {
		return result{}, err
	}
	if _, err := seedProgramme(dbPath, o.villages, o.households, day1, nil); err != nil {
		return result{}, err
	}
	due, day1b, err := eveningPlan(25*time.Second, 10*time.Minute)
	if err != nil || !day1b.Equal(day1) {
		return result{}, errors.Join(err, errors.New("midnight passed in Bangkok while seeding: run again"))
	}
	env := append(reminderEnv(due), "SAMMACHIP_LINE_TIMEOUT="+o.lineTimeout.String())
	b, err := r.startBot(ctx, botConfig{LINE: fake.URL, Secret: secret, Token: token, DB: dbPath, Env: env})
	if err != nil {
		return result{}, err
	}
	fake.SetRandomFaults(linefake.RandomFaults{Reply: o.faultRate, Push: o.faultRate, Hang: o.hang})
	start := time.Now()
	loadEnd := due.Add(15 * time.Second)
	if o.set["duration"] && o.duration > 0 {
		loadEnd = start.Add(o.duration)
	}
	// The last kill comes just after the reminders fell due (while they
	// are being queued and sent); the others spread before it.
	var kills []time.Time
	if o.kills > 0 {
		last := due.Add(time.Second)
		for i := 1; i < o.kills; i++ {
			kills = append(kills, start.Add(time.Duration(i)*last.Sub(start)/time.Duration(o.kills)))
		}
		kills = append(kills, last)
	}
	r.logf("faults: %d users at %d events/s until +%v; %d villages' reminders due at +%v; %.0f%% of sends fail; SIGKILL at %s",
		o.users, o.rate, loadEnd.Sub(start).Round(time.Second), o.villages, due.Sub(start).Round(time.Second), 100*o.faultRate, offsets(kills, start))

	// The bot's own count of replies it gave up or sent as a push instead,
	// summed over its lives (read just before each kill).
	var counted float64
	countReplies := func() {
		if m, err := b.metrics(); err == nil {
			counted += sumMetric(m, "sammachip_replies_lost_total") + sumMetric(m, "sammachip_reply_fallback_pushes_total")
		}
	}
	killErr := make(chan error, 1)
	go func() {
		for _, at := range kills {
			select {
			case <-time.After(time.Until(at)):
			case <-ctx.Done():
				killErr <- ctx.Err()
				return
			}
			countReplies()
			if err := b.Kill(); err != nil {
				killErr <- err
				return
			}
			r.logf("faults: +%v SIGKILL; restarting on the same database", time.Since(start).Round(100*time.Millisecond))
			if err := b.Start(ctx); err != nil {
				killErr <- fmt.Errorf("restart after SIGKILL: %w", err)
				return
			}
		}
		killErr <- nil
	}()

	events := faultLoad(ctx, r, b, fake, start, loadEnd)
	if err := <-killErr; err != nil {
		return result{}, err
	}
	r.logf("faults: load done at +%v; waiting for the bot to settle", time.Since(start).Round(time.Second))
	settled := waitSettled(ctx, b, obs, o.villages*sendsPerVillage(o.households), 3*time.Minute)
	countReplies()
	if err := b.Stop(time.Minute); err != nil {
		return result{}, fmt.Errorf("stop after the run: %w", err)
	}
	obs.stop()
	fake.SetRandomFaults(linefake.RandomFaults{})

	// Everything below reads the stopped bot's database and the fake.
	var notes []string
	if !settled {
		notes = append(notes, "the bot did not settle (inbox and outbox empty, reminders sent) within 3 minutes")
	}
	eff, err := checkEffects(dbPath, events)
	if err != nil {
		return result{}, err
	}
	notes = append(notes, eff.notes...)
	rep, err := readLedger(dbPath)
	if err != nil {
		return result{}, err
	}
	sends := obs.snapshot()
	rem := checkReminders(rep, sends, o.villages, o.households, due)
	// How many reminders the last kill found already queued (the rest were
	// queued by the restarted bot): shows the kill fell mid-burst.
	beforeKill := 0
	if len(kills) > 0 {
		for _, le := range rep.entries {
			if le.At.Before(kills[len(kills)-1]) {
				beforeKill++
			}
		}
	}
	notes = append(notes, rem.notes...)
	rp := checkReplies(fake.Server, events, sends, counted)
	notes = append(notes, rp.notes...)
	dupKeys := 0
	keyCount := map[string]int{}
	for _, s := range sends {
		if s.RetryKey != "" {
			keyCount[s.RetryKey]++
		}
	}
	for _, n := range keyCount {
		if n > 1 {
			dupKeys++
		}
	}
	if dupKeys > 0 {
		notes = append(notes, fmt.Sprintf("%d pushes accepted twice under one retry key", dupKeys))
	}
	conflicts := 0
	for _, rj := range fake.Rejected() {
		if rj.Status == http.StatusConflict {
			conflicts++
		}
	}
	fc := fake.RandomFaultCounts()
	limited := fake.RateLimited()
	line := fmt.Sprintf("users=%d events=%d acknowledged=%d never_acknowledged=%d rate=%d/s fault_rate=%.2f injected(500/429/timeout/timeout-after-delivery)=%d/%d/%d/%d rate_limited_429=%d kills=%d | effects: committed=%d/%d follows_recorded=%d/%d inbox_left=%d dead_letters=%d | replies: answered=%d/%d unanswered=%d (token expired or given up; the bot counted %.0f given up or pushed instead, some after a timeout that had delivered) | pushes: reminders_queued=%d/%d (before the last kill: %d) households_reached=%d/%d dup_retry_keys=%d retries_refused_409=%d other_pushes=%d dropped=%d",
		o.users, len(events), eff.acked, eff.unacked, o.rate, o.faultRate,
		fc[linefake.FaultServerError], fc[linefake.FaultRateLimited], fc[linefake.FaultTimeout], fc[linefake.FaultTimeoutAccepted],
		limited[linefake.KindReply]+limited[linefake.KindPush]+limited[linefake.KindMulticast], len(kills),
		eff.committed, eff.acked, eff.followsOK, eff.follows, rep.inbox, rep.dead,
		rp.answered, rp.withToken, rp.withToken-rp.answered, counted,
		rem.queued, o.villages, beforeKill, reached(rem, rep, o), o.villages*o.households, dupKeys, conflicts, rp.otherPushes, rep.sendFailed)
	return result{line: line + verdictNotes(notes), ok: len(notes) == 0}, nil
}

// reached is how many households of queued villages got their reminder
// (checkReminders counts the missing ones in its notes).
func reached(c reminderCheck, rep ledgerReport, o options) int {
	n := c.queued * o.households
	for _, note := range c.notes {
		var k int
		if _, err := fmt.Sscanf(note, "%d households of queued villages never got", &k); err == nil {
			n -= k
		}
	}
	return n
}

func offsets(ts []time.Time, from time.Time) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, "+"+t.Sub(from).Round(100*time.Millisecond).String())
	}
	if len(parts) == 0 {
		return "never"
	}
	return strings.Join(parts, ", ")
}

// faultLoad sends events at --rate until end: each user's follow first,
// then texts from the users in turn. An event that is not acknowledged
// (the bot is down, or answered an error) is sent again as LINE redelivers
// it, same id and reply token, until it is acknowledged or 30 s after end.
func faultLoad(ctx context.Context, r *runner, b *bot, fake *fakeLINE, start, end time.Time) []*faultEvent {
	o := r.opt
	p := newPoster(b.URL+"/callback", b.cfg.Secret, o.senders)
	evs := fake.Events()
	work := make(chan *faultEvent, 1024)
	var wg sync.WaitGroup
	giveUp := end.Add(30 * time.Second)
	for range o.senders {
		wg.Go(func() {
			for fe := range work {
				for ctx.Err() == nil && time.Now().Before(giveUp) {
					e := fe.ev
					if fe.attempts > 0 {
						e = linefake.Redeliver(fe.ev)
					}
					fe.attempts++
					st, _, err := p.post(ctx, e)
					if err == nil && st == http.StatusOK {
						fe.acked = true
						break
					}
					time.Sleep(200 * time.Millisecond)
				}
			}
		})
	}
	var all []*faultEvent
	tick := time.NewTicker(time.Second / time.Duration(o.rate))
	defer tick.Stop()
	for n := 0; time.Now().Before(end) && ctx.Err() == nil; n++ {
		<-tick.C
		now := time.Now()
		i := n % o.users
		fe := &faultEvent{user: userID(i), ts: now}
		if n < o.users {
			fe.follow = true
			fe.ev = evs.FollowEvent(linefake.User(fe.user), now)
		} else {
			fe.ev = evs.TextEvent(linefake.User(fe.user), o.text, now)
		}
		all = append(all, fe)
		work <- fe
	}
	close(work)
	wg.Wait()
	return all
}

// waitSettled waits until the bot has nothing left to do: the reminders
// all accepted by the fake, and its inbox and outbox empty in two readings
// a second apart.
func waitSettled(ctx context.Context, b *bot, obs *observer, reminders int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	calm := 0
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(time.Second)
		m, err := b.metrics()
		if err != nil {
			calm = 0
			continue
		}
		n, _ := obs.pushes()
		if n >= reminders && sumMetric(m, "sammachip_inbox_depth") == 0 && sumMetric(m, "sammachip_outbox_depth") == 0 {
			calm++
			if calm >= 2 {
				return true
			}
		} else {
			calm = 0
		}
	}
	return false
}

// effectsCheck is what the database says about the acknowledged events.
type effectsCheck struct {
	acked, unacked     int
	committed          int // acknowledged events marked processed
	follows, followsOK int // acknowledged follows, and those recorded as such
	notes              []string
}

// checkEffects opens the stopped bot's database read-only: every
// acknowledged event must be marked processed (its effects, answers and
// removal from the inbox commit with that mark, and the mark keeps a
// redelivery from committing them again), and every acknowledged follow
// must have left its user active with that follow's time.
func checkEffects(path string, events []*faultEvent) (effectsCheck, error) {
	var c effectsCheck
	db, err := storage.Open(path, storage.Options{ReadOnly: true, LockTimeout: 10 * time.Second})
	if err != nil {
		return c, err
	}
	defer db.Close()
	var missing, badFollow []string
	err = db.View(func(tx flows.Tx) error {
		for _, fe := range events {
			if !fe.acked {
				c.unacked++
				continue
			}
			c.acked++
			var mark struct {
				At time.Time `json:"at"`
			}
			ok, err := tx.Processed().Get(fe.ev.ID(), &mark)
			if err != nil {
				return err
			}
			if ok {
				c.committed++
			} else {
				missing = append(missing, fe.ev.ID())
			}
			if !fe.follow {
				continue
			}
			c.follows++
			u, ok, err := tx.Users().Get(fe.user)
			if err != nil {
				return err
			}
			if ok && u.Active && u.FollowedAt.Equal(time.UnixMilli(fe.ts.UnixMilli())) {
				c.followsOK++
			} else {
				badFollow = append(badFollow, fe.user)
			}
		}
		return nil
	})
	if err != nil {
		return c, err
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		c.notes = append(c.notes, fmt.Sprintf("%d acknowledged events never committed (first: %s)", len(missing), missing[0]))
	}
	if len(badFollow) > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d acknowledged follows not recorded as that follow", len(badFollow)))
	}
	if c.unacked > 0 {
		c.notes = append(c.notes, fmt.Sprintf("%d events never acknowledged, even resent for 30 s after the load", c.unacked))
	}
	return c, nil
}

// replyCheck is what the fake says about the answers to acknowledged events.
type replyCheck struct {
	withToken   int // acknowledged events with a reply token
	answered    int // of those, a reply accepted
	otherPushes int // accepted pushes that were not reminders
	notes       []string
}

// checkReplies counts acknowledged events answered by a reply. Those
// unanswered must be no more than the bot counted as given up or sent as a
// push instead (sammachip_replies_lost_total + reply_fallback_pushes_total,
// summed over the bot's lives): a reply neither delivered nor counted was
// lost silently.
func checkReplies(fake *linefake.Server, events []*faultEvent, sends []sent, counted float64) replyCheck {
	var c replyCheck
	for _, fe := range events {
		if !fe.acked || fe.ev.ReplyToken() == "" {
			continue
		}
		c.withToken++
		if fake.ReplyTokenUsed(fe.ev.ReplyToken()) {
			c.answered++
		}
	}
	for _, s := range sends {
		// Pushes to the load's users: replies sent as a push instead.
		// (Households' reminders are checked apart.)
		if s.Kind == linefake.KindPush && isLoadUser(s.To[0]) {
			c.otherPushes++
		}
	}
	if un := c.withToken - c.answered; float64(un) > counted {
		c.notes = append(c.notes, fmt.Sprintf("%d replies neither delivered nor counted by the bot as unanswered (it counted %.0f)", un, counted))
	}
	return c
}
