package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
)

// Options configure a Bot.
type Options struct {
	API        *slack.Client
	Store      Store
	Channel    string         // EXTRAMILE_CHANNEL: gets prompts, roundups and digests ("" = only subscribed channels)
	Location   *time.Location // zone of the schedules, digests and leaderboards at start
	KudosEmoji []string       // reaction names that give kudos (when Settings is nil)
	DailyLimit int            // kudos one person may give per day; 0 = no limit (when Settings is nil)
	Admins     []string       // EXTRAMILE_ADMINS
	Jobs       func() []scheduler.Entry
	Logger     *slog.Logger
	Now        func() time.Time
	// PostInterval paces scheduled posts across channels (default 250 ms,
	// about 240 posts a minute: under Slack's workspace limit for chat.postMessage).
	PostInterval time.Duration
	// ChannelPace spaces the calls that list and join channels (defaults:
	// Slack's rate tiers; see ChannelPace).
	ChannelPace ChannelPace
	Metrics     Metrics // hears the stories and kudos created (nil: nothing does)
	// PostGrace is how long a scheduled post already under way may take to
	// finish once its job's context ends (default 1.5 s; keep it under the
	// program's wait for running jobs at shutdown).
	PostGrace time.Duration

	// OnReaction and OnPost, when set, hear what became of each reaction
	// event and of each scheduled post (see outcome.go). For tests and
	// tools; they must return quickly.
	OnReaction func(ReactionOutcome)
	OnPost     func(PostOutcome)

	// ResponseURLTimeout bounds a reply through a response_url (default 5 s).
	ResponseURLTimeout time.Duration

	// Reschedule gives a job (JobPrompt…) a new spec at once
	// (scheduler.Scheduler.Reschedule); nil: schedules cannot be changed
	// in Slack.
	Reschedule func(job, spec string) error
	// SetLocation reads every schedule in a new zone at once
	// (scheduler.Scheduler.SetLocation); nil: the zone cannot be changed
	// in Slack.
	SetLocation func(*time.Location) error
	// Settings answers what each setting admins may change in Slack is
	// now, and where it comes from. Nil: the settings are Location,
	// KudosEmoji, DailyLimit and NudgeSchedule, none set in the
	// environment, kept in Store.
	Settings *Settings
	// NudgeSchedule is EXTRAMILE_NUDGE_SCHEDULE, the weekly nudge's cron
	// spec read in each person's zone; "" or "off" sends no nudges (when
	// Settings is nil).
	NudgeSchedule string
	// FollowUpAfter is EXTRAMILE_FOLLOWUP_AFTER: how long after a story for
	// a customer its author is asked what changed (0: never).
	FollowUpAfter time.Duration
	// UsersListAbove: a nudge pass lists the workspace with users.list when
	// more than this many of the people it looks up are not cached (0:
	// usersListAbove, 50; negative: never, users.info for each person).
	UsersListAbove int
}

// Bot answers Slack. Create it with New.
type Bot struct {
	api        *slack.Client
	store      Store
	channel    string
	zone       atomic.Pointer[time.Location] // the schedules' zone now (loc)
	zoneRead   atomic.Int64                  // when loc last read the setting (Unix ns)
	zoneShared bool                          // Options.Settings given: the zone is read from it again (loc)
	conf       *Settings
	admins     map[string]bool
	jobs       func() []scheduler.Entry
	log        *slog.Logger
	now        func() time.Time
	pace       time.Duration
	postGrace  time.Duration
	metrics    Metrics
	onReaction func(ReactionOutcome)
	onPost     func(PostOutcome)

	responseTimeout time.Duration // bounds a response_url post (post.go)

	botUserID  string
	botID      string   // the bot's B… ID, on its messages
	dmChannels sync.Map // user ID → the bot's DM channel with them (post.go)
	dir        *directory
	stop       <-chan struct{} // closed when the program stops (Start's context): retries end
	owner      string          // this process in shoutout and run leases (lease.go)
	posting    sync.Map        // story IDs whose shoutout is being posted (share.go)
	resolving  sync.Map        // channels whose privacy is being resolved (share.go)
	pacer      postPacer       // spaces scheduled posts across jobs (jobs_pace.go)
	tops       topCache        // leaderboards of /extramile top (topcache.go)
	charts     sync.Mutex      // one chart drawn and uploaded at a time (jobs_chart.go)

	// Where the bot is a member, and joining channels (membership.go, kudoswhere.go).
	members          membership
	channelPace      ChannelPace
	listMembersPacer postPacer // users.conversations pages
	listPacer        postPacer // conversations.list pages
	joinPacer        postPacer // conversations.join
	sweep            sweeper

	// The App Home (home.go): views.publish paced under its rate tier, and
	// the hash of each person's last Home against races.
	homePacer postPacer
	homeHash  sync.Map // user ID → hash of the Home last published

	// Settings changed in Slack (settingsmodal.go).
	reschedule  func(job, spec string) error
	setLocation func(*time.Location) error

	background sync.WaitGroup

	habit         habitState    // the weekly nudge (habit.go)
	followUpAfter time.Duration // the two-way street (followup.go)
}

// New returns a Bot; call Start before serving.
func New(o Options) *Bot {
	b := &Bot{
		api: o.API, store: o.Store, channel: o.Channel,
		reschedule: o.Reschedule, setLocation: o.SetLocation, conf: o.Settings,
		admins: map[string]bool{}, jobs: o.Jobs, log: o.Logger, now: o.Now, pace: o.PostInterval,
		owner: newOwnerID(), channelPace: o.ChannelPace.withDefaults(), metrics: o.Metrics,
		postGrace: o.PostGrace, onReaction: o.OnReaction, onPost: o.OnPost,
	}
	if b.metrics == nil {
		b.metrics = noMetrics{}
	}
	b.store = topInvalidator{Store: o.Store, tops: &b.tops}
	loc := o.Location
	if loc == nil {
		loc = time.UTC
	}
	b.zone.Store(loc)
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.zoneShared = b.conf != nil
	if b.conf == nil {
		nudge := o.NudgeSchedule
		if extramile.NudgesOff(nudge) {
			nudge = "off"
		}
		emoji, limit := strings.Join(o.KudosEmoji, ","), strconv.Itoa(o.DailyLimit)
		if len(o.KudosEmoji) == 0 {
			emoji = ""
		}
		env := map[string]EnvValue{
			"EXTRAMILE_TIMEZONE":          {Value: loc.String()},
			"EXTRAMILE_KUDOS_DAILY_LIMIT": {Value: limit},
			"EXTRAMILE_NUDGE_SCHEDULE":    {Value: nudge},
		}
		if emoji != "" {
			env["EXTRAMILE_KUDOS_EMOJI"] = EnvValue{Value: emoji}
		}
		b.conf = NewSettings(o.Store, env, b.log)
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.pace == 0 {
		b.pace = 250 * time.Millisecond
	}
	if b.postGrace <= 0 {
		b.postGrace = defaultPostGrace
	}
	b.responseTimeout = o.ResponseURLTimeout
	if b.responseTimeout <= 0 {
		b.responseTimeout = defaultResponseTimeout
	}
	if b.jobs == nil {
		b.jobs = func() []scheduler.Entry { return nil }
	}
	for _, a := range o.Admins {
		b.admins[a] = true
	}
	b.dir = newDirectory(o.API, b.now)
	b.followUpAfter = o.FollowUpAfter
	switch b.habit.listAbove = o.UsersListAbove; {
	case o.UsersListAbove == 0:
		b.habit.listAbove = usersListAbove
	case o.UsersListAbove < 0:
		b.habit.listAbove = math.MaxInt
	}
	return b
}

// zoneFresh is how long loc trusts the zone it holds before it reads the
// setting again: another process sharing the database may have changed it.
const zoneFresh = 30 * time.Second

// loc is the zone of the schedules, digests and leaderboards now: the
// time zone setting, changed at once when an admin changes it in Slack
// through this process, and read again every zoneFresh in case another
// process changed it (a database that cannot be read keeps the zone held).
func (b *Bot) loc() *time.Location {
	held := b.zone.Load()
	now := b.now()
	if last := b.zoneRead.Load(); !b.zoneShared || last != 0 && now.Sub(time.Unix(0, last)) < zoneFresh {
		return held
	}
	b.zoneRead.Store(now.UnixNano())
	v, err := b.conf.lookup(context.Background(), mustDef(SettingTimezone), time.UTC)
	if err != nil {
		return held
	}
	loc, err := extramile.ParseZone(v.Value)
	if err != nil || loc.String() == held.String() {
		return held
	}
	b.FollowZone(loc)
	return loc
}

// FollowZone makes loc the bot's zone at once: the program calls it when
// its scheduler learns, at a firing, that another process changed the time
// zone (scheduler.Options.Current).
func (b *Bot) FollowZone(loc *time.Location) {
	if loc == nil {
		return
	}
	if old := b.zone.Swap(loc); old.String() != loc.String() {
		b.log.Info("time zone changed by another process", "from", old.String(), "to", loc.String())
	}
}

// Start learns the bot's own user ID (auth.test), resumes the shoutouts a
// restart interrupted (but those another live process is publishing) and the
// privacy look-ups left pending, and from then on takes over the shoutouts
// of processes that died; in the background it learns the channels the bot
// is in (and, when kudos count everywhere, joins every public channel). It
// returns an error when the bot token is refused.
func (b *Bot) Start(ctx context.Context) error {
	auth, err := b.api.AuthTestContext(ctx)
	if err != nil {
		return slackErr("auth.test (check SLACK_BOT_TOKEN)", err)
	}
	b.botUserID, b.botID = auth.UserID, auth.BotID
	b.stop = ctx.Done()
	b.log.Info("signed in to Slack", "team", auth.Team, "bot_user", auth.UserID)
	b.pruneOnce(ctx)
	b.breakDeadLeases(ctx)
	pending, err := b.store.PendingShoutouts(ctx)
	if err != nil {
		return err
	}
	for _, s := range pending {
		b.log.Info("resuming a pending shoutout", "story", s.ID)
		b.goBackground(ctx, func(ctx context.Context) { b.publish(ctx, s) })
	}
	b.resumePrivacy(ctx)
	b.goBackground(ctx, b.resumeAbandoned)
	b.startMembership(ctx) // membership.go, kudoswhere.go
	return nil
}

// onceRetention is how long once-only keys (event ids, reaction meanings,
// "told already" notes) are kept. Slack redelivers events within minutes and
// a resumed shoutout is at most days old; a month is ample.
const onceRetention = 30 * 24 * time.Hour

// pruneOnce drops once-only keys older than onceRetention, so the table
// does not grow with every reaction forever.
func (b *Bot) pruneOnce(ctx context.Context) {
	n, err := b.store.PruneOnce(ctx, b.now().Add(-onceRetention))
	if err != nil {
		b.log.Warn("could not prune old once-only keys", "error", err)
		return
	}
	b.log.Debug("pruned old once-only keys", "removed", n)
}

// Wait blocks until background work (shoutouts and DMs after an ack, event
// handling) is done or ctx ends.
func (b *Bot) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { b.background.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// goBackground runs f after the current ack, tracked by Wait, with panics
// recovered. It keeps running when the caller's context ends.
func (b *Bot) goBackground(ctx context.Context, f func(ctx context.Context)) {
	b.background.Add(1)
	go func() {
		defer b.background.Done()
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("background work panicked", "panic", r)
			}
		}()
		f(context.WithoutCancel(ctx))
	}()
}

// ephemeral is the ack payload of a private reply to a slash command. A reply
// too large for a socket ack (Slack drops acks of 20 KB or more) is sent with
// chat.postEphemeral after the ack instead.
func (b *Bot) ephemeral(ctx context.Context, channel, user string, m compose.Message) any {
	payload := map[string]any{"response_type": "ephemeral", "text": m.Text}
	if len(m.Blocks) > 0 {
		payload["blocks"] = m.Blocks
	}
	if raw, err := json.Marshal(payload); err == nil && len(raw) < 16*1024 {
		return payload
	}
	b.goBackground(ctx, func(ctx context.Context) { b.postEphemeral(ctx, channel, user, m) })
	return nil
}

// isAdmin reports whether user may change settings: listed in
// EXTRAMILE_ADMINS, or a workspace admin or owner.
func (b *Bot) isAdmin(ctx context.Context, user string) bool {
	if b.admins[user] {
		return true
	}
	u, err := b.dir.user(ctx, user)
	return err == nil && (u.IsAdmin || u.IsOwner)
}
