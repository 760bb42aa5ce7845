package bot

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/slackapp"
)

// Where kudos count is an admin's choice, made in Slack and kept in the
// store's settings: only in the channels the bot is invited to (the
// default), or in every public channel, which the bot then joins, new ones
// included, at Slack's pace.

// settingKudosWhere is the settings key of where kudos count.
const settingKudosWhere = "kudos.where"

// kudosWhere is where kudos count.
type kudosWhere string

// The choices of where kudos count; anything else stored reads as the default.
const (
	kudosInvited    kudosWhere = "invited"    // the channels the bot is invited to (default)
	kudosEverywhere kudosWhere = "everywhere" // every public channel, and private ones the bot is invited to
)

// sweepRetryMax bounds the wait before a sweep that Slack interrupted tries
// again (it starts at ChannelPace.Retry and doubles).
const sweepRetryMax = 10 * time.Minute

// kudosWhere reads where kudos count, with who chose it and when (zero for
// the default).
func (b *Bot) kudosWhere(ctx context.Context) (kudosWhere, extramile.Setting, error) {
	s, ok, err := b.store.SettingInfo(ctx, settingKudosWhere)
	switch {
	case err != nil:
		return kudosInvited, extramile.Setting{}, err
	case ok && kudosWhere(s.Value) == kudosEverywhere:
		return kudosEverywhere, s, nil
	case ok:
		return kudosInvited, s, nil
	}
	return kudosInvited, extramile.Setting{}, nil
}

// startMembership starts learning where the bot is a member, and, when
// kudos count everywhere, the sweep that joins every public channel: a
// restart thus picks up a sweep it interrupted.
func (b *Bot) startMembership(ctx context.Context) {
	b.goBackground(ctx, b.keepMembership)
	where, _, err := b.kudosWhere(ctx)
	switch {
	case err != nil:
		b.log.Warn("could not read where kudos count; not joining public channels until an admin chooses again", "error", err)
	case where == kudosEverywhere:
		b.startSweep(ctx)
	}
}

// describeKudosWhere fills in where kudos count for /extramile settings.
func (b *Bot) describeKudosWhere(ctx context.Context, v *compose.SettingsView) {
	where, s, err := b.kudosWhere(ctx)
	if err != nil {
		b.log.Warn("could not read where kudos count; showing the default", "error", err)
	}
	v.KudosEverywhere = where == kudosEverywhere
	v.KudosWhereBy, v.KudosWhereAt = s.UpdatedBy, s.UpdatedAt
	v.KudosChannels, v.KudosChannelsKnown = b.members.channels()
}

// changeSettings answers `/extramile settings …` with more after
// "settings": for now `kudos everywhere` or `kudos invited`, admins only.
func (b *Bot) changeSettings(ctx context.Context, user, rest string) compose.Message {
	fields := strings.Fields(strings.ToLower(rest))
	if len(fields) > 0 && fields[0] == "habit" {
		return b.habitSettings(ctx, user, fields[1:]) // habit.go
	}
	if len(fields) != 2 || fields[0] != "kudos" {
		return compose.KudosWhereUsage()
	}
	var want kudosWhere
	switch fields[1] {
	case string(kudosEverywhere):
		want = kudosEverywhere
	case string(kudosInvited):
		want = kudosInvited
	default:
		return compose.KudosWhereUsage()
	}
	if !b.isAdmin(ctx, user) {
		return compose.NotAdmin("choose where kudos count")
	}
	have, _, err := b.kudosWhere(ctx)
	if err != nil {
		b.log.Error("could not read where kudos count", "error", err)
		return compose.Error(extramile.ErrorMessage(err))
	}
	changed := have != want
	if changed {
		if err := b.store.SetSetting(ctx, settingKudosWhere, string(want), user); err != nil {
			b.log.Error("could not change where kudos count", "error", err)
			return compose.Error(extramile.ErrorMessage(err))
		}
		b.log.Info("where kudos count changed", "kudos_where", want, "by", user)
		b.refreshOpenedHomes(ctx) // every Home shows where kudos count
	}
	if want == kudosEverywhere {
		b.startSweep(ctx)
	}
	return compose.KudosWhereChanged(want == kudosEverywhere, changed)
}

// sweeper makes sure one sweep runs at a time: a sweep asked for while one
// runs makes it go round once more. The zero value is ready.
type sweeper struct {
	mu             sync.Mutex
	running, again bool
}

// start reports whether the caller should run a sweep (none was running).
func (s *sweeper) start() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running {
		s.again = true
		return false
	}
	s.running = true
	return true
}

// next reports whether the running sweep should go round again; if not, it
// is over.
func (s *sweeper) next() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.again {
		s.again = false
		return true
	}
	s.running = false
	return false
}

// stop ends the running sweep.
func (s *sweeper) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running, s.again = false, false
}

// startSweep joins every public channel the bot is not in, in the
// background, unless a sweep is running already.
func (b *Bot) startSweep(ctx context.Context) {
	if b.sweep.start() {
		b.goBackground(ctx, b.runSweeps)
	}
}

// runSweeps runs sweeps until one completes and none was asked for since,
// the program stops, or kudos no longer count everywhere; a sweep Slack
// interrupts is tried again after a growing pause.
func (b *Bot) runSweeps(ctx context.Context) {
	ctx, cancel := b.untilStop(ctx)
	defer cancel()
	retry := b.channelPace.Retry
	for {
		err := b.sweepOnce(ctx)
		switch {
		case ctx.Err() != nil:
			b.sweep.stop()
			return
		case err != nil:
			b.log.Warn("joining every public channel was interrupted; trying again", "error", err, "retry_in", retry)
			if !sleep(ctx, retry) {
				b.sweep.stop()
				return
			}
			retry = min(retry*2, sweepRetryMax)
			continue
		}
		if !b.sweep.next() {
			return
		}
	}
}

// sweepOnce lists the public channels (conversations.list, paged, archived
// ones left out) and joins each one the bot is not in, paced under Slack's
// rate tiers. It keeps no progress of its own: the listing says which
// channels the bot is in already, so a sweep cut short (a restart, an
// error) resumes where it stopped. A channel Slack will not let it join
// (too many members, limited access…) is logged and skipped; an error that
// may pass (rate limit, Slack unavailable, the network) ends the sweep with
// it, to be tried again.
func (b *Bot) sweepOnce(ctx context.Context) error {
	joined, skipped := 0, 0
	p := &slack.GetConversationsParameters{Types: []string{"public_channel"}, ExcludeArchived: true, Limit: membershipPageSize}
	for {
		if !b.listPacer.wait(ctx, b.channelPace.List) {
			return ctx.Err()
		}
		chans, next, err := b.api.GetConversationsContext(ctx, p)
		if err != nil {
			return slackErr("conversations.list", err)
		}
		for _, c := range chans {
			if c.IsMember || c.IsArchived || c.IsPrivate {
				continue
			}
			where, _, err := b.kudosWhere(ctx)
			if err != nil {
				return err
			}
			if where != kudosEverywhere {
				b.log.Info("stopped joining public channels: kudos now count only where the bot is invited", "joined", joined)
				return nil
			}
			ok, err := b.joinChannel(ctx, c.ID)
			switch code := slackCode(err); {
			case err == nil && ok:
				joined++
				b.log.Info("joined a public channel: kudos there count", "channel", c.ID)
			case err == nil:
			case code != "" && !slackapp.Transient(code):
				skipped++
				b.log.Warn("could not join a public channel; skipped", "channel", c.ID, "error", err)
			default:
				return err
			}
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	b.log.Info("the bot is in every public channel it may join", "joined", joined, "skipped", skipped)
	return nil
}

// joinChannel joins a public channel, paced with every other join. It
// reports false without calling Slack when a join of the channel is under
// way already.
func (b *Bot) joinChannel(ctx context.Context, channel string) (bool, error) {
	if !b.members.claimJoin(channel) {
		return false, nil
	}
	defer b.members.doneJoin(channel)
	if !b.joinPacer.wait(ctx, b.channelPace.Join) {
		return false, ctx.Err()
	}
	if _, _, _, err := b.api.JoinConversationContext(ctx, channel); err != nil {
		return false, slackErr("conversations.join", err)
	}
	b.members.set(channel, true, "")
	b.dir.forgetChannel(channel)
	return true, nil
}

// channelCreated handles channel_created: when kudos count everywhere, the
// bot joins the new public channel (a sweep catches it later if that fails).
func (b *Bot) channelCreated(ctx context.Context, _ slackapp.Event, e *slackevents.ChannelCreatedEvent) {
	ctx, cancel := b.untilStop(ctx)
	defer cancel()
	where, _, err := b.kudosWhere(ctx)
	switch {
	case err != nil:
		b.log.Warn("a channel was created, but where kudos count could not be read; not joining it", "channel", e.Channel.ID, "error", err)
		return
	case where != kudosEverywhere:
		b.log.Debug("a channel was created; kudos count only where the bot is invited", "channel", e.Channel.ID)
		return
	}
	ok, err := b.joinChannel(ctx, e.Channel.ID)
	switch code := slackCode(err); {
	case err == nil && ok:
		b.log.Info("joined a new public channel: kudos there count", "channel", e.Channel.ID)
	case err == nil:
	case code != "" && !slackapp.Transient(code):
		b.log.Warn("could not join a new public channel", "channel", e.Channel.ID, "error", err)
	default:
		b.log.Warn("could not join a new public channel; a sweep will try again", "channel", e.Channel.ID, "error", err)
		b.startSweep(ctx)
	}
}

// joinToSubscribe joins the public channel where an admin runs
// `/extramile subscribe`, so that its scheduled posts can go out and
// kudos in it count. joined says whether it did; when it could not, m says
// why and stop is true (nothing is subscribed). A channel it cannot look up,
// a private or archived one, or one it is in is left as it is.
func (b *Bot) joinToSubscribe(ctx context.Context, channel string) (joined bool, m compose.Message, stop bool) {
	ch, err := b.dir.channel(ctx, channel)
	if err != nil || ch.IsPrivate || ch.IsArchived || ch.IsMember {
		return false, compose.Message{}, false
	}
	if _, _, _, err := b.api.JoinConversationContext(ctx, channel); err != nil {
		err = slackErr("conversations.join", err)
		b.log.Warn("could not join the channel to subscribe it", "channel", channel, "error", err)
		msg := "I couldn't join this channel, so nothing was subscribed. Please try again in a moment."
		if code := slackCode(err); code != "" && !slackapp.Transient(code) {
			msg = "Slack didn't let me join this channel (" + code + "), so nothing was subscribed."
		}
		return false, compose.Error(msg), true
	}
	b.members.set(channel, true, "")
	b.dir.forgetChannel(channel)
	b.log.Info("joined a channel to subscribe it", "channel", channel)
	return true, compose.Message{}, false
}
