// Package app wires Extra Mile together: config → storage → Slack client →
// bot → scheduler, with the metrics hooks and the health listener, and
// nothing else. cmd/extramile runs it; the end-to-end tests run the very
// same Main against a fake Slack.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/health"
	"github.com/extramile/extramile/internal/metrics"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
	"github.com/extramile/extramile/storage"
)

// Main is the program: it wires config → storage → Slack client → bot →
// scheduler, and nothing else. Tests run the very same Main.
type Main struct {
	Config *config.Config
	Logger *slog.Logger

	// Test hooks: extra options for the Slack clients, and a change to the
	// Socket Mode adapter before it runs (e.g. a short SilenceLimit).
	SlackOptions  []slack.Option
	SocketOptions []socketmode.Option
	TuneAdapter   func(*slackapp.Adapter)
	// ChannelPace spaces listing and joining channels; zero fields take
	// Slack's rate tiers (test hook: tests make it fast).
	ChannelPace bot.ChannelPace
	// HTTPListener, when set, serves the health and metrics endpoints
	// instead of a listener on Config.HTTPAddr (tests pass 127.0.0.1:0).
	// Run closes it.
	HTTPListener net.Listener
	// Clock is the program's time (default the system clock): when jobs
	// fire and catch up, the times stored, the days kudos count for, the
	// socket's activity and /readyz. Tests pass a clock.Fake.
	Clock clock.Clock
	// Observer hears what became of reactions, scheduled runs and posts,
	// and unreadable envelopes (test hook).
	Observer Observer
	// ResponseURLTimeout bounds the bot's replies through a response_url
	// (default 5 s; test hook: tests make it short).
	ResponseURLTimeout time.Duration
	// NudgeEvery, when set, replaces bot.NudgeEvery, the cadence of the
	// weekly nudge and follow-up jobs (test hook: a cadence that never fires during a test, which
	// then runs the job with Scheduler's RunNow at the times it chooses).
	NudgeEvery string
	// Scheduler, when set, is given the program's scheduler once its jobs
	// are added (test hook: RunNow runs a job for a chosen firing time and
	// returns what the job returned).
	Scheduler func(*scheduler.Scheduler)
	// UsersListAbove is bot.Options.UsersListAbove: when the nudge job
	// lists the workspace with users.list rather than asking users.info
	// about each person (test hook: 0 is the default).
	UsersListAbove int

	db *storage.DB
}

// currentSchedule answers scheduler.Options.Current from the settings in
// the database, for the four jobs whose schedules admins may change in
// Slack: another process may have changed one.
// The zone read is also given to followZone, so the bot's digests and weeks
// use the zone the firing runs in.
func currentSchedule(settings *bot.Settings, followZone func(*time.Location)) func(context.Context, string) (scheduler.Plan, bool) {
	return func(ctx context.Context, job string) (scheduler.Plan, bool) {
		switch job {
		case bot.JobPrompt, bot.JobRoundup, bot.JobDigest, bot.JobKudosDM:
		default:
			return scheduler.Plan{}, false
		}
		spec, loc, since, err := settings.ScheduleNow(ctx, job)
		if err != nil {
			return scheduler.Plan{}, false
		}
		followZone(loc)
		return scheduler.Plan{Spec: spec, Location: loc, Since: since}, true
	}
}

// NewMain returns a Main that logs to logOut.
func NewMain(cfg *config.Config, logOut io.Writer) *Main {
	return &Main{Config: cfg, Logger: cfg.Logger(logOut)}
}

// Run opens the database, connects to Slack and serves until ctx is done
// (then it stops taking new work, finishes what is in flight and closes the
// database) or Slack refuses the connection.
func (m *Main) Run(ctx context.Context) error {
	cfg, log := m.Config, m.Logger
	if m.HTTPListener != nil {
		defer m.HTTPListener.Close() // when Run fails before serving on it
	}
	db, err := storage.Open(ctx, cfg.DBPath)
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	m.db = db
	defer m.Close()
	clk := m.Clock
	if clk == nil {
		clk = clock.System()
	}
	now, tm, obs := clk.Now, newTimings(), m.Observer
	db.Logger = log.With("component", "storage")
	db.Now, db.PromoteBefore = now, tm.promoteBefore
	met := metrics.New()
	db.ObserveWrite = met.DBWrite

	// slack-go retries 429s, and 5xx and broken connections except on the
	// calls that create a message, where the bot looks before posting again
	// (bot.RetryHandlers).
	retry := slack.RetryConfig{MaxRetries: 4, RetryAfterDuration: 30 * time.Second, BackoffInitial: 200 * time.Millisecond, BackoffMax: 10 * time.Second, BackoffJitter: 100 * time.Millisecond}
	retry.Handlers = bot.RetryHandlers(retry)
	api := slack.New(cfg.Slack.BotToken, append([]slack.Option{
		slack.OptionAPIURL(cfg.Slack.APIURL),
		slack.OptionAppLevelToken(cfg.Slack.AppToken),
		slack.OptionHTTPClient(&http.Client{Timeout: 30 * time.Second, Transport: met.SlackTransport(slackTransport())}),
		slack.OptionRetryConfig(retry),
	}, m.SlackOptions...)...)

	// A value the operator set in the environment is theirs; the others
	// are defaults that admins may change in Slack (stored in the
	// database): settings answers which is in effect.
	settings := bot.NewSettings(db, envValues(cfg), log.With("component", "settings"))
	var b *bot.Bot // made below; the scheduler's hooks run only once it is started
	sched := scheduler.New(scheduler.Options{Location: settings.Location(ctx), Catchup: settings.Catchup(ctx), Clock: clk, Logger: log.With("component", "scheduler"),
		OnRun: obs.jobRun(met.JobRun), OnMissed: obs.Missed, Current: currentSchedule(settings, func(loc *time.Location) { b.FollowZone(loc) })})
	b = bot.New(bot.Options{
		API: api, Store: db, Channel: cfg.Channel, Location: sched.Location(), Settings: settings,
		Admins: cfg.Admins,
		Jobs:   sched.Entries, Logger: log.With("component", "bot"), Now: now, ChannelPace: m.ChannelPace, Metrics: met,
		PostGrace: tm.postGrace, OnReaction: obs.Reaction, OnPost: obs.Post,
		ResponseURLTimeout: m.ResponseURLTimeout,
		Reschedule:         sched.Reschedule, SetLocation: sched.SetLocation,
		FollowUpAfter: cfg.FollowUpAfter, UsersListAbove: m.UsersListAbove,
	})
	nudgeEvery := bot.NudgeEvery
	if m.NudgeEvery != "" {
		nudgeEvery = m.NudgeEvery
	}
	for _, j := range []scheduler.Job{
		{Name: bot.JobPrompt, Spec: settings.Schedule(ctx, bot.JobPrompt), Run: b.PromptJob},
		{Name: bot.JobRoundup, Spec: settings.Schedule(ctx, bot.JobRoundup), Run: b.RoundupJob},
		{Name: bot.JobDigest, Spec: settings.Schedule(ctx, bot.JobDigest), Run: b.DigestJob},
		{Name: bot.JobKudosDM, Spec: settings.Schedule(ctx, bot.JobKudosDM), Run: b.KudosDMJob},
		{Name: bot.JobNudge, Spec: nudgeEvery, Run: b.NudgeJob},       // each person's own time: bot/habit.go
		{Name: bot.JobFollowUp, Spec: nudgeEvery, Run: b.FollowUpJob}, // the two-way street: bot/followup.go
	} {
		if err := sched.Add(j); err != nil {
			return err
		}
	}
	if m.Scheduler != nil {
		m.Scheduler(sched)
	}
	routes := slackapp.NewRouter(log.With("component", "routes"))
	b.Install(routes)
	adapter := &slackapp.Adapter{
		Client: socketmode.New(api, append([]socketmode.Option{
			socketmode.OptionPingInterval(socketPingInterval),
		}, m.SocketOptions...)...),
		Routes:       routes,
		Logger:       log.With("component", "socket"),
		DrainTimeout: tm.drain,
		AckBudget:    tm.ackBudget,
		Observe:      met.Envelope,
		OnUnreadable: obs.Unreadable,
		Now:          now,
	}
	if m.TuneAdapter != nil {
		m.TuneAdapter(adapter)
	}
	// Everything from Slack counts, websocket pings included (the adapter
	// watches the connection's reads): a quiet workspace sends only pings.
	lastReceived := adapter.LastReceived
	met.WatchSocket(lastReceived)
	stopHTTP, err := m.serveHTTP(health.Handler(health.Options{
		Checks: []health.Check{
			health.SocketCheck(lastReceived, socketPingInterval, now),
			health.DatabaseCheck(db.CheckWrite),
		},
		Metrics: met.Handler(),
	}))
	if err != nil {
		return err
	}
	defer stopHTTP()

	// The bot's background work (retries, listing and joining channels)
	// ends with botCtx: at shutdown, or when Slack refuses the connection.
	botCtx, stopBot := context.WithCancel(ctx)
	defer stopBot()
	if err := b.Start(botCtx); err != nil {
		return err
	}

	sched.Start(ctx)
	log.Info("extramile is running", "db", cfg.DBPath, "zone", sched.Location().String(), "channel", cfg.Channel)
	runErr := adapter.Run(ctx)
	stopBot()

	log.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), tm.schedulerStop)
	if err := sched.Stop(stopCtx); err != nil {
		log.Warn("scheduled jobs still running at shutdown", "error", err)
	}
	cancel()
	waitCtx, cancel := context.WithTimeout(context.Background(), tm.background)
	if err := b.Wait(waitCtx); err != nil {
		log.Warn("background work still running at shutdown; pending shoutouts resume at the next start", "error", err)
	}
	cancel()
	if errors.Is(runErr, slackapp.ErrSlackRefused) {
		return runErr
	}
	log.Info("stopped")
	return nil
}

// envValues is, for each variable admins may change in Slack, the
// configuration's value and whether the operator set it.
func envValues(cfg *config.Config) map[string]bot.EnvValue {
	out := map[string]bot.EnvValue{}
	for _, name := range config.SlackVars {
		v, _ := cfg.Value(name)
		out[name] = bot.EnvValue{Value: v, Set: cfg.FromEnv[name]}
	}
	return out
}

// serveHTTP serves h on HTTPListener or on Config.HTTPAddr, if either is
// set, until the returned func is called (it waits for the server to stop).
func (m *Main) serveHTTP(h http.Handler) (stop func(), err error) {
	ln := m.HTTPListener
	if ln == nil && m.Config.HTTPAddr != "" {
		if ln, err = net.Listen("tcp", m.Config.HTTPAddr); err != nil {
			return nil, fmt.Errorf("listen on EXTRAMILE_HTTP_ADDR %s: %w", m.Config.HTTPAddr, err)
		}
	}
	if ln == nil {
		return func() {}, nil
	}
	log := m.Logger.With("component", "http")
	log.Info("serving /healthz, /readyz and /metrics", "addr", ln.Addr().String())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := health.Serve(ctx, ln, h, log); err != nil {
			log.Error("the health and metrics listener stopped", "error", err)
		}
	}()
	return func() { cancel(); <-done }, nil
}

// Close closes the database; it is safe to call more than once.
func (m *Main) Close() error {
	if m.db == nil {
		return nil
	}
	return m.db.Close()
}
