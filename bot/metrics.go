package bot

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the bot's Prometheus metrics, on a registry of their own so
// that tests can build several bots in one process.
type Metrics struct {
	Registry *prometheus.Registry

	EventsReceived     prometheus.Counter
	EventsProcessed    prometheus.Counter
	EventsDeduplicated prometheus.Counter
	EventsFailed       prometheus.Counter
	EventsMalformed    prometheus.Counter
	EventsRetried      prometheus.Counter
	WebhookRejected    *prometheus.CounterVec
	WebhookLatency     prometheus.Histogram
	InboxDepth         prometheus.Gauge
	OutboxDepth        prometheus.Gauge
	Sends              *prometheus.CounterVec
	PushRecipients     prometheus.Counter
	ReplyFallbacks     prometheus.Counter
	RepliesLost        prometheus.Counter
	// CodeAttempts counts the codes people typed by kind (officer,
	// invite, link, unknown) and result (ok, wrong, limited, expired);
	// never a code or who typed it.
	CodeAttempts *prometheus.CounterVec

	// What an operator watches in the evening (see deploy/README.md).

	// Reminders counts reminders recorded by the scheduler, by result:
	// queued (their pushes are in the outbox), skipped (their moment
	// passed while the bot was down), nothing (a summary with nothing to
	// report).
	Reminders *prometheus.CounterVec
	// PushQuotaUsed and PushQuotaLimit are this month's pushes as LINE
	// counts them and the plan's limit (0: no limit), read every hour.
	PushQuotaUsed  prometheus.Gauge
	PushQuotaLimit prometheus.Gauge
	// SchedulerLastTick is when the last scheduler tick ended (Unix
	// seconds, programme clock); SchedulerTickSeconds how long it took.
	SchedulerLastTick    prometheus.Gauge
	SchedulerTickSeconds prometheus.Gauge
	// RichMenuFailures counts switches of a user's rich menu that failed
	// (each is tried again later).
	RichMenuFailures prometheus.Counter
	// OutboxOldestAge is the age of the oldest message waiting in the
	// outbox (0 when it is empty), as of the sender's last look (at least
	// once a minute).
	OutboxOldestAge prometheus.Gauge
}

// NewMetrics creates and registers the metrics.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		Registry: r,
		EventsReceived: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_events_received_total", Help: "Webhook events acknowledged and stored in the inbox.",
		}),
		EventsProcessed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_events_processed_total", Help: "Events handled and committed.",
		}),
		EventsDeduplicated: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_events_deduplicated_total", Help: "Events dropped because their webhookEventId was already processed.",
		}),
		EventsFailed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_events_failed_total", Help: "Events moved to the dead letters after repeated failures.",
		}),
		EventsMalformed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_events_malformed_total", Help: "Events skipped because they could not be decoded.",
		}),
		EventsRetried: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_events_retried_total", Help: "Failed attempts at handling an event that will be tried again.",
		}),
		WebhookRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sammachip_webhook_rejected_total", Help: "Webhook requests refused, by reason.",
		}, []string{"reason"}),
		WebhookLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "sammachip_webhook_latency_seconds",
			Help:    "Time from receiving a webhook request to acknowledging it.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .025, .05, .1, .25, .5, 1, 2},
		}),
		InboxDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_inbox_depth", Help: "Events waiting in the durable inbox.",
		}),
		OutboxDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_outbox_depth", Help: "Messages waiting to be sent.",
		}),
		Sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sammachip_sends_total", Help: "Calls to LINE's send APIs, by kind and outcome.",
		}, []string{"kind", "status"}),
		PushRecipients: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_push_recipients_total", Help: "Recipients of accepted pushes and multicasts (what LINE counts against the quota).",
		}),
		ReplyFallbacks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_reply_fallback_pushes_total", Help: "Replies that surely did not arrive, sent as a (paid) push instead because the answer matters.",
		}),
		RepliesLost: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_replies_lost_total", Help: "Replies given up without a push: LINE refused them or their token died, and they did not matter or may have been delivered.",
		}),
		CodeAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sammachip_code_attempts_total", Help: "Codes typed (officer, invite, household link), by kind and result: ok, wrong, limited (refused during a cool-off), expired.",
		}, []string{"kind", "result"}),
		Reminders: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sammachip_reminders_total", Help: "Reminders the scheduler recorded, by result: queued (pushes in the outbox), skipped (their moment passed while the bot was down), nothing (a summary with nothing to report).",
		}, []string{"result"}),
		PushQuotaUsed: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_push_quota_used", Help: "Pushes LINE counted this month (read from LINE every hour).",
		}),
		PushQuotaLimit: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_push_quota_limit", Help: "The LINE plan's monthly push limit; 0 means no limit.",
		}),
		SchedulerLastTick: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_scheduler_last_tick_timestamp_seconds", Help: "When the last scheduler tick ended (Unix time); ticks come every minute.",
		}),
		SchedulerTickSeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_scheduler_last_tick_duration_seconds", Help: "How long the last scheduler tick took.",
		}),
		RichMenuFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sammachip_richmenu_sync_failures_total", Help: "Switches of a user's rich menu that failed (tried again later).",
		}),
		OutboxOldestAge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sammachip_outbox_oldest_age_seconds", Help: "Age of the oldest message waiting in the outbox; 0 when empty.",
		}),
	}
	for _, result := range []string{"queued", "skipped", "nothing"} {
		m.Reminders.WithLabelValues(result) // present at 0 from the start
	}
	r.MustRegister(m.Reminders, m.PushQuotaUsed, m.PushQuotaLimit, m.SchedulerLastTick, m.SchedulerTickSeconds,
		m.RichMenuFailures, m.OutboxOldestAge)
	r.MustRegister(m.EventsReceived, m.EventsProcessed, m.EventsDeduplicated, m.EventsFailed,
		m.EventsMalformed, m.EventsRetried, m.WebhookRejected, m.WebhookLatency, m.InboxDepth,
		m.OutboxDepth, m.Sends, m.PushRecipients, m.ReplyFallbacks, m.RepliesLost, m.CodeAttempts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
