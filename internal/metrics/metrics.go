// Package metrics keeps Extra Mile's Prometheus metrics in a registry of its
// own and gives the rest of the program small typed hooks to feed them
// (Envelope, SlackCall, JobRun, StoryCreated, KudosCreated, DBWrite), so
// bot, scheduler and storage never import Prometheus. internal/app wires the
// hooks; internal/health serves Handler at /metrics.
package metrics

import (
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/extramile/extramile/scheduler"
)

// Namespace prefixes every metric of Extra Mile's own.
const Namespace = "extramile"

// Results of a scheduled run (label "result" of scheduled_runs_total).
const (
	RunOK       = "ok"
	RunError    = "error"    // the job returned an error
	RunSkipped  = "skipped"  // the previous run of the job had not returned yet
	RunPanicked = "panicked" // the job panicked (recovered)
)

// Envelope types counted by name (label "type"); any other is "other".
var envelopeTypes = []string{"events_api", "slash_commands", "interactive"}

// Metrics is the program's metrics registry. Its methods are safe for
// concurrent use.
type Metrics struct {
	reg        *prometheus.Registry
	envelopes  *prometheus.CounterVec
	ackSeconds *prometheus.HistogramVec
	slackCalls *prometheus.CounterVec
	jobRuns    *prometheus.CounterVec
	stories    prometheus.Counter
	kudos      prometheus.Counter
	dbWrite    prometheus.Histogram
}

// New returns a registry with every metric at zero, plus the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		envelopes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "socket", Name: "envelopes_total",
			Help: "Socket Mode envelopes acked, by envelope type (events_api, slash_commands, interactive, other).",
		}, []string{"type"}),
		ackSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "socket", Name: "ack_duration_seconds",
			Help:    "Time from taking an envelope off the socket to sending its ack, by envelope type. Slack waits 3 s.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5},
		}, []string{"type"}),
		slackCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "slack", Name: "requests_total",
			Help: "Slack Web API HTTP requests (each retry counts), by method and result: ok, a Slack error code " +
				"(ok:false), ratelimited (HTTP 429), server_error (5xx), http_error (other statuses), network_error, invalid_response.",
		}, []string{"method", "result"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "scheduler", Name: "runs_total",
			Help: "Scheduled job runs (scheduled, caught up or run now), by job and result: ok, error, skipped, panicked.",
		}, []string{"job", "result"}),
		stories: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Name: "stories_created_total",
			Help: "Stories kept (modal or quick share).",
		}),
		kudos: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Name: "kudos_created_total",
			Help: "Kudos recorded: one per person receiving a kudos reaction.",
		}),
		dbWrite: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "db", Name: "write_duration_seconds",
			Help:    "Database write transactions, from asking for the write lock to being durable on disk.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
	}
	m.reg.MustRegister(m.envelopes, m.ackSeconds, m.slackCalls, m.jobRuns, m.stories, m.kudos, m.dbWrite,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, t := range envelopeTypes {
		m.envelopes.WithLabelValues(t)
		m.ackSeconds.WithLabelValues(t)
	}
	return m
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the registry the metrics live in (for tests and extra collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Envelope counts an envelope acked after ackLatency (slackapp.Adapter.Observe).
func (m *Metrics) Envelope(envelopeType string, ackLatency time.Duration) {
	t := "other"
	for _, known := range envelopeTypes {
		if envelopeType == known {
			t = known
		}
	}
	m.envelopes.WithLabelValues(t).Inc()
	m.ackSeconds.WithLabelValues(t).Observe(ackLatency.Seconds())
}

// JobRun counts a scheduled run that returned err (the job and error of a
// scheduler.Run heard by scheduler.Options.OnRun).
func (m *Metrics) JobRun(job string, err error) {
	result := RunOK
	switch {
	case err == nil:
	case errors.Is(err, scheduler.ErrStillRunning):
		result = RunSkipped
	case errors.Is(err, scheduler.ErrPanicked):
		result = RunPanicked
	default:
		result = RunError
	}
	m.jobRuns.WithLabelValues(job, result).Inc()
}

// StoryCreated counts a story kept (bot.Metrics).
func (m *Metrics) StoryCreated() { m.stories.Inc() }

// KudosCreated counts n kudos recorded (bot.Metrics).
func (m *Metrics) KudosCreated(n int) { m.kudos.Add(float64(n)) }

// DBWrite observes a write transaction's duration (storage.DB.ObserveWrite).
func (m *Metrics) DBWrite(d time.Duration) { m.dbWrite.Observe(d.Seconds()) }

// SlackCall counts a Web API request by method and result (see
// SlackTransport, which calls it).
func (m *Metrics) SlackCall(method, result string) {
	m.slackCalls.WithLabelValues(method, result).Inc()
}

// WatchSocket exports last (slackapp.Adapter.LastReceived) as the gauge
// extramile_socket_last_received_timestamp_seconds (0 before anything came).
// Call it once.
func (m *Metrics) WatchSocket(last func() time.Time) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Namespace: Namespace, Subsystem: "socket", Name: "last_received_timestamp_seconds",
		Help: "Unix time of the last thing received from Slack over the socket, pings included (0: nothing yet).",
	}, func() float64 {
		t := last()
		if t.IsZero() {
			return 0
		}
		return float64(t.UnixNano()) / 1e9
	}))
}
