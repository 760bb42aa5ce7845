package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
)

// Job names, as the scheduler and the run ledger know them.
const (
	JobPrompt  = "prompt"
	JobRoundup = "roundup"
	JobDigest  = "digest"
	JobKudosDM = "kudos_dm"
)

// roundupKudosLookup is how many of the period's most recognized people the
// roundup looks at to name who received the most kudos.
const roundupKudosLookup = 50

// digestTopN is how many most-recognized people a digest names.
const digestTopN = 5

// runLeaseTTL is how long a claimed scheduled post is leased to the process
// making it: a process that died leaves it to the next start after that (at
// once on the same host, where the bot can tell the process is gone). One
// post takes seconds (runAttempts tries, slack-go's 429 waits included).
const runLeaseTTL = 10 * time.Minute

// PromptJob posts the weekly prompt in every channel that gets scheduled posts.
func (b *Bot) PromptJob(ctx context.Context, scheduledAt time.Time) error {
	return b.fanOut(ctx, JobPrompt, scheduledAt, func(ctx context.Context, channel string) (compose.Message, error) {
		last, err := b.store.Stories(ctx, extramile.StoryFilter{From: scheduledAt.AddDate(0, 0, -7), To: scheduledAt, Visibility: extramile.SeenIn(channel)})
		if err != nil {
			return compose.Message{}, err
		}
		n := 0 // the prompt says "this channel wrote down…": count its own stories
		for _, s := range last {
			if s.Channel == channel {
				n++
			}
		}
		return promptFor(scheduledAt, b.loc(), n), nil
	})
}

// promptFor is the prompt of the firing at scheduledAt: its wording follows
// the week (in loc), so two consecutive weeks never read the same, across
// year boundaries too. lastWeek is the channel's story count of the 7 days
// before.
func promptFor(scheduledAt time.Time, loc *time.Location, lastWeek int) compose.Message {
	return compose.Prompt(scheduler.WeekIndex(scheduledAt, loc), lastWeek)
}

// RoundupJob thanks everyone recognized since the channel's last roundup.
func (b *Bot) RoundupJob(ctx context.Context, scheduledAt time.Time) error {
	return b.fanOut(ctx, JobRoundup, scheduledAt, func(ctx context.Context, channel string) (compose.Message, error) {
		last, err := b.store.LastRun(ctx, JobRoundup, extramile.ChannelRun(channel))
		if err != nil {
			return compose.Message{}, err
		}
		since := roundupSince(last, scheduledAt) // rules.go
		stories, err := b.store.Stories(ctx, extramile.StoryFilter{From: since, To: scheduledAt, Visibility: extramile.SeenIn(channel)})
		if err != nil {
			return compose.Message{}, err
		}
		// Kudos of the same period; Top counts public channels only, so a
		// private channel's kudos never show in another channel's roundup.
		tallies, err := b.store.Top(ctx, since, scheduledAt, roundupKudosLookup)
		if err != nil {
			return compose.Message{}, err
		}
		return compose.RoundupWithKudos(stories, tallies, since, b.loc()), nil
	})
}

// DigestJob posts the digest of the calendar month before scheduledAt, and
// its chart in the digest's thread (jobs_chart.go).
func (b *Bot) DigestJob(ctx context.Context, scheduledAt time.Time) error {
	from, to := scheduler.PreviousMonth(scheduledAt, b.loc())
	prevFrom, _ := scheduler.PreviousMonth(from, b.loc())
	digests := map[string]*extramile.Digest{} // by channel, for its chart
	streaks := map[string]int{}               // by person, shared by the channels' digests
	return b.fanOutThen(ctx, JobDigest, scheduledAt, func(ctx context.Context, channel string) (compose.Message, error) {
		q := digestQuery(from, to, prevFrom, channel)
		q.Location = b.loc() // weeks, for the chart
		d, err := b.store.Digest(ctx, q)
		if err != nil {
			return compose.Message{}, err
		}
		d.Streaks = b.longestStreaks(ctx, from, to, to.Add(-time.Nanosecond), channel, streaks) // habit.go
		digests[channel] = d
		return compose.Digest(d, b.loc()), nil
	}, func(ctx context.Context, channel, ts string) {
		d := digests[channel]
		b.goBackground(ctx, func(ctx context.Context) { b.digestChart(ctx, scheduledAt, channel, ts, d) })
	})
}

// KudosDMJob sends each person who received kudos since the previous run
// (a day back for the first run, at most a week back after a pause) one
// summary DM, unless they asked for quiet. The run as a whole is the run
// ledger's workspace run: its latest done run starts the next run's window,
// so each kudos is summarized once whatever the schedule. Each person's DM is
// their own person run, so a restart, a catch-up or a second process never
// sends it twice.
func (b *Bot) KudosDMJob(ctx context.Context, scheduledAt time.Time) error {
	b.pruneOnce(ctx) // daily housekeeping rides on the daily job
	last, err := b.store.LastRun(ctx, JobKudosDM, extramile.WorkspaceRun())
	if err != nil {
		return err
	}
	from, ok := kudosRunFrom(last, scheduledAt) // rules.go
	if !ok {
		return nil // this run (or a later one) is done already
	}
	claim, err := b.store.ClaimRun(ctx, JobKudosDM, extramile.WorkspaceRun(), scheduledAt, b.owner, runLeaseTTL)
	if err != nil {
		return err
	}
	marked := claim.Claimed
	// Look back the longest window: someone whose last DM was days ago
	// hears about everything since then.
	receivers, err := b.store.KudosReceivers(ctx, scheduledAt.Add(-kudosMaxWindow), scheduledAt)
	if err == nil {
		err = b.sendKudosSummaries(ctx, receivers, from, scheduledAt)
	}
	if marked {
		// A run cut short by a shutdown stays open for the catch-up at the
		// next start. One where Slack refused some DMs is over all the same
		// (they were logged): a later window must not repeat what the
		// others were told.
		runErr := ctx.Err()
		if err != nil && runErr == nil && !errors.Is(err, errSummaryFailed) {
			runErr = err
		}
		if ferr := b.store.FinishRun(context.WithoutCancel(ctx), JobKudosDM, extramile.WorkspaceRun(), scheduledAt, runErr); ferr != nil {
			err = errors.Join(err, ferr)
		}
	}
	return err
}

// errSummaryFailed marks a kudos summary DM Slack did not take.
var errSummaryFailed = errors.New("kudos summary not sent")

// sendKudosSummaries DMs each receiver the kudos they got since their last
// summary (from, for someone who never had one), at most once per day in the
// bot's zone whatever the schedule: kudos that arrive after today's DM are
// told tomorrow.
func (b *Bot) sendKudosSummaries(ctx context.Context, receivers []string, from, to time.Time) error {
	postCtx, cancel := graceContext(ctx, b.postGrace)
	defer cancel()
	var errs []error
	for _, user := range receivers {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if quiet, err := b.store.Quiet(ctx, user); err != nil || quiet {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		userFrom, ok, err := b.kudosWindow(ctx, user, from, to)
		if err != nil || !ok {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		claim, err := b.store.ClaimRun(ctx, JobKudosDM, extramile.PersonRun(user), to, b.owner, runLeaseTTL)
		if err != nil || !claim.Claimed {
			if err != nil {
				errs = append(errs, err)
			}
			continue
		}
		kudos, err := b.store.KudosReceived(ctx, user, userFrom, to)
		if err == nil && len(kudos) > 0 {
			if _, err = b.postRun(ctx, postCtx, JobKudosDM, extramile.PersonRun(user), to, claim.PostStarted, compose.KudosSummaryDM(kudos)); err != nil && ctx.Err() == nil {
				b.log.Warn("kudos summary not sent", "user", user, "error", err)
				err = fmt.Errorf("%w to %s: %w", errSummaryFailed, user, err)
			}
		}
		if ferr := b.store.FinishRun(context.WithoutCancel(ctx), JobKudosDM, extramile.PersonRun(user), to, err); ferr != nil {
			errs = append(errs, ferr)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// kudosWindow returns where user's next summary starts (kudosSummaryFrom,
// after their last summary in the run ledger); ok is false when they already
// had a summary today.
func (b *Bot) kudosWindow(ctx context.Context, user string, from, to time.Time) (time.Time, bool, error) {
	last, err := b.store.LastRun(ctx, JobKudosDM, extramile.PersonRun(user))
	if err != nil {
		return time.Time{}, false, err
	}
	start, ok := kudosSummaryFrom(last, from, to, b.loc())
	return start, ok, nil
}

func digestQuery(from, to, prevFrom time.Time, scope string) extramile.DigestQuery {
	return extramile.DigestQuery{From: from, To: to, PrevFrom: prevFrom, Visibility: extramile.SeenIn(scope), TopN: digestTopN}
}

// channels returns the channels that get scheduled posts: EXTRAMILE_CHANNEL
// and the subscribed ones.
func (b *Bot) channels(ctx context.Context) ([]string, error) {
	subs, err := b.store.Subscriptions(ctx)
	if err != nil {
		return nil, err
	}
	if b.channel != "" && !slices.Contains(subs, b.channel) {
		subs = append([]string{b.channel}, subs...)
	}
	return subs, nil
}

// fanOut posts one job's message in every channel, exactly once per
// (job, channel, scheduledAt): the run ledger gives each post to one
// process, and a post whose answer was lost is looked for before it is
// posted again, by this process or, after a crash, by the one that takes
// the run over. A channel that refuses is logged, its admins told once, and
// skipped; the others still get their post. Posts are paced across all jobs
// (Options.PostInterval). Each channel's post is reported to Options.OnPost.
// When ctx ends (shutdown), no new channel is
// claimed, a post under way gets postGrace to finish, and a claimed post not
// made is recorded as failed, so that the catch-up at the next start makes
// it (looking first).
func (b *Bot) fanOut(ctx context.Context, job string, scheduledAt time.Time, build func(context.Context, string) (compose.Message, error)) error {
	return b.fanOutThen(ctx, job, scheduledAt, build, nil)
}

// fanOutThen is fanOut that calls then (when not nil) with each post's
// channel and ts once the run ledger records it as made: what then does
// (a digest's chart) can neither undo nor repeat the post, and must itself
// happen at most once.
func (b *Bot) fanOutThen(ctx context.Context, job string, scheduledAt time.Time, build func(context.Context, string) (compose.Message, error),
	then func(ctx context.Context, channel, ts string)) error {
	log := b.log.With("job", job, "scheduled_at", scheduledAt)
	channels, err := b.channels(ctx)
	if err != nil {
		return err
	}
	if len(channels) == 0 {
		log.Info("no channel gets scheduled posts: set EXTRAMILE_CHANNEL or run /extramile subscribe in a channel")
		return nil
	}
	postCtx, cancel := graceContext(ctx, b.postGrace)
	defer cancel()
	var errs []error
	for _, ch := range channels {
		if ctx.Err() != nil {
			errs = append(errs, fmt.Errorf("%s stopped before %s: %w", job, ch, ctx.Err()))
			break
		}
		claim, err := b.store.ClaimRun(ctx, job, extramile.ChannelRun(ch), scheduledAt, b.owner, runLeaseTTL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !claim.Claimed {
			log.Debug("already posted (or being posted) for this run", "channel", ch)
			continue
		}
		if !claim.PostStarted.IsZero() {
			log.Info("taking over a scheduled post that may be in Slack already; looking for it first", "channel", ch, "post_started", claim.PostStarted)
		}
		var ts string
		msg, err := build(ctx, ch)
		if err == nil {
			ts, err = b.postRun(ctx, postCtx, job, extramile.ChannelRun(ch), scheduledAt, claim.PostStarted, msg)
		}
		if ferr := b.store.FinishRun(context.WithoutCancel(ctx), job, extramile.ChannelRun(ch), scheduledAt, err); ferr != nil {
			errs = append(errs, ferr)
		}
		reason := b.channelRefusal(ch, err)
		undeliverable := reason != ""
		switch {
		case err == nil:
			log.Info("posted", "channel", ch)
			if then != nil {
				then(postCtx, ch, ts)
			}
		case undeliverable:
			log.Warn("channel cannot take scheduled posts; skipped", "channel", ch, "reason", reason, "error", err)
			b.tellAdminsOnce(ctx, ch, reason, slackCode(err))
		default:
			errs = append(errs, fmt.Errorf("%s in %s: %w", job, ch, err))
		}
		b.observePost(PostOutcome{Job: job, ScheduledAt: scheduledAt, Channel: ch, Err: err, Undeliverable: undeliverable})
	}
	return errors.Join(errs...)
}

// postRun makes the post of a claimed run exactly once, in its turn (the
// pacer, until ctx ends), with postCtx for the calls, and returns its ts:
// to is the run's channel (joined first when the bot is not in it) or
// person (a DM). The ledger learns first that the post may go out; lookFrom, when
// set, is when an earlier claim's post may have gone out: it is looked for
// first.
func (b *Bot) postRun(ctx, postCtx context.Context, job string, to extramile.RunSubject, scheduledAt, lookFrom time.Time, m compose.Message) (string, error) {
	if to.Kind != extramile.SubjectChannel && to.Kind != extramile.SubjectPerson {
		return "", fmt.Errorf("%s: no post can go to the %s", job, to)
	}
	if _, err := b.store.MarkRunPosting(ctx, job, to, scheduledAt); err != nil {
		return "", err
	}
	if !b.pacer.wait(ctx, b.pace) {
		return "", ctx.Err()
	}
	p := &post{to: to.ID, msg: m, tag: runTag(job, to, scheduledAt), join: to.Kind == extramile.SubjectChannel}
	if !lookFrom.IsZero() {
		p.since, p.look = lookFrom, true
	}
	d, err := b.deliver(postCtx, p, runAttempts, nil)
	return d.ts, err
}

// channelRefusal says why a channel will not take scheduled posts (err is
// the last try's), or "" when err is no final refusal. channel_not_found is
// read as a deleted channel when the bot is in it or knew it as public (a
// public channel never hides from it), else as private.
func (b *Bot) channelRefusal(channel string, err error) string {
	reason, ok := refusal(err)
	if !ok {
		return ""
	}
	if reason == compose.ReasonNotFound && !b.members.has(channel) && !b.dir.knownPublic(channel) {
		return compose.ReasonPrivate
	}
	return reason
}

// tellAdminsOnce DMs the EXTRAMILE_ADMINS once about a channel that cannot
// take scheduled posts, for one reason (code: Slack's error code).
func (b *Bot) tellAdminsOnce(ctx context.Context, channel, reason, code string) {
	msg := compose.ChannelProblem(channel, reason, code)
	for admin := range b.admins {
		b.dmOnce(ctx, keyChannelProblemTold(channel, code, admin), admin, msg)
	}
}
