package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/storage"
)

// Job names, as the scheduler and the run ledger know them.
const (
	JobPrompt  = "prompt"
	JobRoundup = "roundup"
	JobDigest  = "digest"
	JobKudosDM = "kudos_dm"
)

// digestTopN is how many most-recognized people a digest names.
const digestTopN = 5

// PromptJob posts the weekly prompt in every channel that gets scheduled posts.
func (b *Bot) PromptJob(ctx context.Context, scheduledAt time.Time) error {
	week := scheduler.WeekIndex(scheduledAt, b.loc)
	return b.fanOut(ctx, JobPrompt, scheduledAt, func(ctx context.Context, channel string) (compose.Message, error) {
		last, err := b.store.Stories(ctx, storage.StoryFilter{From: scheduledAt.AddDate(0, 0, -7), To: scheduledAt, Scope: channel})
		if err != nil {
			return compose.Message{}, err
		}
		return compose.Prompt(week, len(last)), nil
	})
}

// RoundupJob thanks everyone recognized since the channel's last roundup.
func (b *Bot) RoundupJob(ctx context.Context, scheduledAt time.Time) error {
	return b.fanOut(ctx, JobRoundup, scheduledAt, func(ctx context.Context, channel string) (compose.Message, error) {
		since, err := b.store.LastRun(ctx, JobRoundup, channel)
		if err != nil {
			return compose.Message{}, err
		}
		if weekAgo := scheduledAt.AddDate(0, 0, -7); since.IsZero() || since.Before(weekAgo.AddDate(0, 0, -7)) {
			since = weekAgo // first roundup, or the last one was long ago: one week
		}
		stories, err := b.store.Stories(ctx, storage.StoryFilter{From: since, To: scheduledAt, Scope: channel})
		if err != nil {
			return compose.Message{}, err
		}
		return compose.Roundup(stories, since, b.loc), nil
	})
}

// DigestJob posts the digest of the calendar month before scheduledAt.
func (b *Bot) DigestJob(ctx context.Context, scheduledAt time.Time) error {
	from, to := scheduler.PreviousMonth(scheduledAt, b.loc)
	prevFrom, _ := scheduler.PreviousMonth(from, b.loc)
	return b.fanOut(ctx, JobDigest, scheduledAt, func(ctx context.Context, channel string) (compose.Message, error) {
		d, err := b.store.Digest(ctx, storageDigestQuery(from, to, prevFrom, channel))
		if err != nil {
			return compose.Message{}, err
		}
		return compose.Digest(d, b.loc), nil
	})
}

// KudosDMJob sends each person who received kudos in the day before
// scheduledAt one summary DM, unless they asked for quiet.
func (b *Bot) KudosDMJob(ctx context.Context, scheduledAt time.Time) error {
	from := scheduledAt.Add(-24 * time.Hour)
	receivers, err := b.store.KudosReceivers(ctx, from, scheduledAt)
	if err != nil {
		return err
	}
	var errs []error
	for _, user := range receivers {
		if quiet, err := b.store.Quiet(ctx, user); err != nil || quiet {
			continue
		}
		claimed, err := b.store.ClaimRun(ctx, JobKudosDM, user, scheduledAt)
		if err != nil || !claimed {
			continue
		}
		kudos, err := b.store.KudosReceived(ctx, user, from, scheduledAt)
		if err == nil && len(kudos) > 0 {
			_, err = b.post(ctx, user, compose.KudosSummaryDM(kudos))
		}
		if ferr := b.store.FinishRun(ctx, JobKudosDM, user, scheduledAt, err); ferr != nil {
			errs = append(errs, ferr)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("kudos summary for %s: %w", user, err))
		}
		b.sleep(ctx, b.pace)
	}
	return errors.Join(errs...)
}

func storageDigestQuery(from, to, prevFrom time.Time, scope string) storage.DigestQuery {
	return storage.DigestQuery{From: from, To: to, PrevFrom: prevFrom, Scope: scope, TopN: digestTopN}
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
// (job, channel, scheduledAt) thanks to the run ledger. A failing channel is
// logged, its admins told once, and skipped; the others still get their post.
func (b *Bot) fanOut(ctx context.Context, job string, scheduledAt time.Time, build func(context.Context, string) (compose.Message, error)) error {
	log := b.log.With("job", job, "scheduled_at", scheduledAt)
	channels, err := b.channels(ctx)
	if err != nil {
		return err
	}
	if len(channels) == 0 {
		log.Info("no channel gets scheduled posts: set EXTRAMILE_CHANNEL or run /extramile subscribe in a channel")
		return nil
	}
	var errs []error
	posted := 0
	for _, ch := range channels {
		claimed, err := b.store.ClaimRun(ctx, job, ch, scheduledAt)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !claimed {
			log.Debug("already posted (or being posted) for this run", "channel", ch)
			continue
		}
		if posted > 0 {
			b.sleep(ctx, b.pace)
		}
		posted++
		msg, err := build(ctx, ch)
		if err == nil {
			err = b.postInChannel(ctx, ch, msg)
		}
		if ferr := b.store.FinishRun(ctx, job, ch, scheduledAt, err); ferr != nil {
			errs = append(errs, ferr)
		}
		switch {
		case err == nil:
			log.Info("posted", "channel", ch)
		case undeliverableReason(err) != "":
			log.Warn("channel cannot take scheduled posts; skipped", "channel", ch, "error", err)
			b.tellAdminsOnce(ctx, ch, slackCode(err))
		default:
			errs = append(errs, fmt.Errorf("%s in %s: %w", job, ch, err))
		}
	}
	return errors.Join(errs...)
}

// postInChannel posts, joining a public channel first when needed.
func (b *Bot) postInChannel(ctx context.Context, channel string, m compose.Message) error {
	_, err := b.post(ctx, channel, m)
	if slackCode(err) != "not_in_channel" {
		return err
	}
	if _, _, _, jerr := b.api.JoinConversationContext(ctx, channel); jerr != nil {
		return slackErr("conversations.join", jerr)
	}
	_, err = b.post(ctx, channel, m)
	return err
}

// tellAdminsOnce DMs the EXTRAMILE_ADMINS once about a channel that cannot
// take scheduled posts.
func (b *Bot) tellAdminsOnce(ctx context.Context, channel, code string) {
	msg := compose.ChannelProblem(channel, code)
	for admin := range b.admins {
		b.dmOnce(ctx, fmt.Sprintf("channel-problem:%s:%s:%s", channel, code, admin), admin, msg)
	}
}

// sleep waits d or until ctx is done.
func (b *Bot) sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
