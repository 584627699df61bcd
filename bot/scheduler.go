package bot

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
	"github.com/robfig/cron/v3"

	"github.com/sammachip/sammachip/flows"
)

// maxMulticast is LINE's limit of recipients per multicast call.
const maxMulticast = 500

// Planner says what is due at a moment: the domain's reminder planning.
type Planner interface {
	Due(tx flows.Tx, now time.Time) ([]flows.Reminder, error)
	// Replan rebuilds the index of pending reminders from the schedule.
	Replan(tx flows.Tx, now time.Time) error
}

// Scheduler ticks every minute (robfig/cron, in the programme's zone,
// recovering from panics). Each tick asks the planner what is due, queues
// the pushes in the outbox and records the reminder in the ledger in one
// transaction: a reminder is sent once, across restarts and retries.
type Scheduler struct {
	store   Store
	planner Planner
	render  *Renderer
	sender  *Sender
	api     *messaging_api.MessagingApiAPI
	metrics *Metrics
	log     *slog.Logger
	now     func() time.Time
	loc     *time.Location

	mu      sync.Mutex // one tick at a time
	planned bool       // the plan was rebuilt since this process started
	daily   []*dailyJob
	cron    *cron.Cron
	bg      sync.WaitGroup
}

// dailyJob is housekeeping run once a day by the minute tick.
type dailyJob struct {
	name         string
	hour, minute int
	fn           func(ctx context.Context) error
	last         time.Time // when it last ran (in this process)
}

// dailyWindow is how late after its time a daily job may still run, for
// a tick that came late or a process that started after the time.
const dailyWindow = time.Hour

// Daily has the minute tick run fn once a day at the time of day at
// (HH:MM in the programme's zone), or within the hour after it when no
// tick came at that minute (a restart, a long tick). Like reminders, it
// runs from the tick on the injected clock, so tests and the simulator see
// it happen. A failing fn is logged and tried again the next day. Call
// Daily before Start.
func (sc *Scheduler) Daily(name, at string, fn func(ctx context.Context) error) error {
	t, err := time.Parse("15:04", at)
	if err != nil {
		return fmt.Errorf("bot: daily %s at %q: expected HH:MM", name, at)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.daily = append(sc.daily, &dailyJob{name: name, hour: t.Hour(), minute: t.Minute(), fn: fn})
	return nil
}

// runDaily runs the daily jobs due at now; the caller holds mu, so a job
// never runs twice at once. It returns the names of the jobs it ran.
func (sc *Scheduler) runDaily(ctx context.Context, now time.Time) []string {
	var ran []string
	local := now.In(sc.loc)
	for _, j := range sc.daily {
		at := time.Date(local.Year(), local.Month(), local.Day(), j.hour, j.minute, 0, 0, sc.loc)
		if now.Before(at) || !now.Before(at.Add(dailyWindow)) || !j.last.Before(at) {
			continue
		}
		j.last = now
		ran = append(ran, j.name)
		if err := sc.runJob(ctx, j); err != nil {
			sc.log.Error("scheduler: daily job failed", "job", j.name, "err", err)
		}
	}
	return ran
}

// runJob runs one job, a panic becoming its error: housekeeping must not
// stop the reminders.
func (sc *Scheduler) runJob(ctx context.Context, j *dailyJob) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.fn(ctx)
}

// Scheduler returns the server's scheduler, built on first use with p.
func (s *Server) Scheduler(p Planner) *Scheduler {
	if s.scheduler == nil {
		s.scheduler = &Scheduler{store: s.store, planner: p, render: s.worker.render, sender: s.sender, api: s.api,
			metrics: s.metrics, log: s.log, now: s.now, loc: s.cfg.Location}
	}
	return s.scheduler
}

// cronLogger lets cron report through slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// Start rebuilds the plan (reminder times may have changed since the last
// run), then ticks every minute and refreshes the quota reading every hour.
func (sc *Scheduler) Start() error {
	sc.mu.Lock()
	err := sc.replan()
	sc.mu.Unlock()
	if err != nil {
		return err
	}
	logger := cronLogger{sc.log}
	sc.cron = cron.New(cron.WithLocation(sc.loc), cron.WithLogger(logger), cron.WithChain(cron.Recover(logger)))
	if _, err := sc.cron.AddFunc("* * * * *", func() { sc.tickLogged() }); err != nil {
		return err
	}
	if _, err := sc.cron.AddFunc("7 * * * *", func() { sc.refreshQuotaLogged() }); err != nil {
		return err
	}
	sc.cron.Start()
	sc.bg.Add(1)
	go func() { defer sc.bg.Done(); sc.refreshQuotaLogged() }()
	return nil
}

// Stop stops ticking and waits for a tick in progress.
func (sc *Scheduler) Stop() {
	if sc.cron != nil {
		<-sc.cron.Stop().Done()
	}
	sc.bg.Wait() // the first quota reading, if still under way
}

// replan rebuilds the plan of pending reminders; the caller holds mu.
func (sc *Scheduler) replan() error {
	if err := sc.store.Update(func(tx flows.Tx) error { return sc.planner.Replan(tx, sc.now()) }); err != nil {
		return fmt.Errorf("bot: plan reminders: %w", err)
	}
	sc.planned = true
	return nil
}

func (sc *Scheduler) tickLogged() {
	if _, err := sc.Tick(context.Background()); err != nil {
		sc.log.Error("scheduler: tick", "err", err)
	}
}

func (sc *Scheduler) refreshQuotaLogged() {
	if err := sc.RefreshQuota(); err != nil {
		sc.log.Warn("scheduler: read push quota", "err", err)
	}
}

// TickResult counts what a tick did.
type TickResult struct {
	Sent       int // reminders queued
	Skipped    int // reminders whose moment passed while the bot was down
	Nothing    int // summaries with nothing to report
	Pushes     int // outbox records (multicast or push calls)
	Recipients int
	Daily      []string // daily jobs run (see Daily), by name
}

// Tick queues everything due now, then runs the daily jobs due. It is safe
// to call at any time and as often as wanted: what is in the ledger is
// never queued again, and a daily job runs once a day.
func (sc *Scheduler) Tick(ctx context.Context) (TickResult, error) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	start := time.Now()
	res, err := sc.tickReminders(ctx)
	res.Daily = sc.runDaily(ctx, sc.now())
	sc.metrics.SchedulerTickSeconds.Set(time.Since(start).Seconds())
	sc.metrics.SchedulerLastTick.Set(float64(sc.now().UnixMilli()) / 1000)
	return res, err
}

// tickReminders queues the reminders due now; the caller holds mu.
func (sc *Scheduler) tickReminders(ctx context.Context) (TickResult, error) {
	var res TickResult
	if !sc.planned {
		if err := sc.replan(); err != nil {
			return res, err
		}
	}
	now := sc.now()
	start := time.Now()
	members := map[string]int{}
	// Due gives at most flows.MaxPerTick reminders at a time, earliest
	// first; queued ones leave the plan, so asking again gives the next.
	// An evening's burst is queued in one tick, in rounds, unless it
	// outlasts tickBudget: then the next tick goes on where this one
	// stopped (nothing is lost: the plan holds what is left).
	for {
		var due []flows.Reminder
		if err := sc.store.View(func(tx flows.Tx) error {
			var err error
			due, err = sc.planner.Due(tx, now)
			return err
		}); err != nil {
			return res, fmt.Errorf("bot: plan reminders: %w", err)
		}
		for _, r := range due {
			// Group sizes come from LINE, outside the transaction: a push
			// to a group counts once per member.
			for _, send := range r.Sends {
				if send.Group {
					for _, g := range send.To {
						if _, ok := members[g]; !ok {
							members[g] = sc.groupSize(g)
						}
					}
				}
			}
		}
		queued, err := sc.queueAll(ctx, due, now, members, &res)
		if res.Pushes > 0 {
			sc.sender.Notify()
		}
		if err != nil {
			return res, err
		}
		if queued == 0 || len(due) < flows.MaxPerTick || time.Since(start) > tickBudget {
			return res, nil
		}
	}
}

// tickBudget bounds how long one tick goes on queuing a burst.
const tickBudget = 45 * time.Second

// queueParallel is how many bundles of reminders are queued at once: each
// in its own transaction function, sharing commits (Store.Batch).
const queueParallel = 32

// queueAll queues reminders, many bundles at once (flows.BundleReminders:
// the reminders due for the same person go together, in one push), and
// returns how many reminders it recorded (sent, skipped or nothing to
// send), with the first error.
func (sc *Scheduler) queueAll(ctx context.Context, due []flows.Reminder, now time.Time, members map[string]int, res *TickResult) (int, error) {
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	bundles := flows.BundleReminders(due)
	next := make(chan []flows.Reminder)
	for range min(queueParallel, len(bundles)) {
		wg.Go(func() {
			for b := range next {
				var one TickResult
				err := sc.queue(b, now, members, &one)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
					done += len(b)
					res.Sent, res.Skipped, res.Nothing = res.Sent+one.Sent, res.Skipped+one.Skipped, res.Nothing+one.Nothing
					res.Pushes, res.Recipients = res.Pushes+one.Pushes, res.Recipients+one.Recipients
				}
				mu.Unlock()
			}
		})
	}
	for _, b := range bundles {
		if ctx.Err() != nil {
			break
		}
		next <- b
	}
	close(next)
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return done, firstErr
}

func (sc *Scheduler) groupSize(groupID string) int { return sc.sender.groupSize(groupID) }

// queue records a bundle of reminders and their pushes in one transaction.
// The sends of the reminders still pending are merged (flows.MergeSends):
// each recipient gets one push request with all that is due for them, and
// each reminder is recorded with the retry keys of the pushes that carried
// its messages, so none is sent again.
func (sc *Scheduler) queue(bundle []flows.Reminder, now time.Time, members map[string]int, res *TickResult) error {
	var (
		pushes, recipients int
		recorded           []flows.Reminder // with what each was recorded as, below
		status             []string
	)
	err := sc.store.Batch(func(tx flows.Tx) error {
		pushes, recipients, recorded, status = 0, 0, nil, nil
		var sending []flows.Reminder
		for _, r := range bundle {
			if done, err := flows.Recorded(tx, r.Key); err != nil {
				return err
			} else if done {
				continue
			}
			if pending, err := flows.StillPlanned(tx, r); err != nil {
				return err
			} else if !pending {
				continue // moved or cancelled since Due read the plan
			}
			switch {
			case r.Skip || r.Obsolete:
				if err := flows.RecordReminder(tx, r, flows.LedgerSkipped, nil, 0, now); err != nil {
					return err
				}
				recorded, status = append(recorded, r), append(status, flows.LedgerSkipped)
			case len(r.Sends) == 0:
				if err := flows.RecordReminder(tx, r, flows.LedgerNothing, nil, 0, now); err != nil {
					return err
				}
				recorded, status = append(recorded, r), append(status, flows.LedgerNothing)
			default:
				sending = append(sending, r)
			}
		}
		keys := make([][]string, len(sending))
		reached := make([]int, len(sending))
		for _, send := range flows.MergeSends(sending) {
			msgs, err := sc.render.Render(send.Lang, send.Replies)
			if err != nil {
				return err
			}
			chat := "multicast:" + sending[send.Carries[0]].Key
			for start := 0; start < len(send.To); start += maxMulticast {
				to := send.To[start:min(start+maxMulticast, len(send.To))]
				rec := OutboxRecord{Kind: SendMulticast, Chat: chat, To: to, Messages: msgs,
					RetryKey: uuid.NewString(), Purpose: send.Purpose, Created: now}
				switch {
				case send.Group:
					rec.Kind, rec.Chat, rec.Recipients = SendPush, pushChat(to[0]), members[to[0]]
				case len(to) == 1:
					rec.Kind, rec.Chat = SendPush, pushChat(to[0])
				}
				if err := QueuePush(tx, rec); err != nil {
					return err
				}
				for _, ri := range send.Carries {
					keys[ri] = append(keys[ri], rec.RetryKey)
					reached[ri] += rec.recipients()
				}
				pushes++
				recipients += rec.recipients()
			}
		}
		for i, r := range sending {
			if err := flows.RecordReminder(tx, r, flows.LedgerSent, keys[i], reached[i], now); err != nil {
				return err
			}
			recorded, status = append(recorded, r), append(status, flows.LedgerSent)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bot: queue reminder %s: %w", bundle[0].Key, err)
	}
	for i, r := range recorded {
		switch {
		case r.Obsolete:
		case status[i] == flows.LedgerSkipped:
			res.Skipped++
			sc.metrics.Reminders.WithLabelValues("skipped").Inc()
			sc.log.Warn("scheduler: reminder skipped, its moment passed while the bot was down", "kind", r.Kind, "moo", r.Village, "day", r.Day)
		case status[i] == flows.LedgerNothing:
			res.Nothing++
			sc.metrics.Reminders.WithLabelValues("nothing").Inc()
		default:
			res.Sent++
			sc.metrics.Reminders.WithLabelValues("queued").Inc()
		}
	}
	res.Pushes += pushes
	res.Recipients += recipients
	return nil
}

// RefreshQuota reads this month's push quota and usage from LINE and keeps
// them for the summary and the quota warning.
func (sc *Scheduler) RefreshQuota() error {
	res, q, err := sc.api.GetMessageQuotaWithHttpInfo()
	if res != nil && res.Body != nil {
		_ = res.Body.Close()
	}
	if err != nil {
		return err
	}
	res, used, err := sc.api.GetMessageQuotaConsumptionWithHttpInfo()
	if res != nil && res.Body != nil {
		_ = res.Body.Close()
	}
	if err != nil {
		return err
	}
	snap := flows.QuotaSnapshot{Limited: q.Type == messaging_api.QuotaType_LIMITED, Limit: q.Value, Used: used.TotalUsage, At: sc.now()}
	sc.metrics.PushQuotaUsed.Set(float64(snap.Used))
	if snap.Limited {
		sc.metrics.PushQuotaLimit.Set(float64(snap.Limit))
	} else {
		sc.metrics.PushQuotaLimit.Set(0)
	}
	return sc.store.Update(func(tx flows.Tx) error { return flows.SaveQuota(tx, snap) })
}
