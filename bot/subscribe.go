package bot

import (
	"context"
	"strings"

	"github.com/extramile/extramile/bot/compose"
)

// reach is what the bot can tell, before an ack, of whether it could post
// in the conversation a command names or was typed in.
type reach int

const (
	reachable   reach = iota // it can post there, as far as Slack told in time
	reachMpIM                // a group DM: no app can be added to one
	reachHidden              // a private channel the bot is not in (or one it cannot see)
	reachArchived
	reachUnknown // Slack did not say (a refusal of the look-up itself, or no answer in time)
)

// reachOf looks channel up (conversations.info, within lookupTimeout). A
// group DM is told by its name, "mpdm-…" (channelName: the channel_name
// of the command typed there, or ""), since looking one up needs mpim:read,
// which the bot does not ask for. err is the look-up's failure behind
// reachUnknown.
func (b *Bot) reachOf(ctx context.Context, channel, channelName string) (reach, error) {
	if strings.HasPrefix(channelName, "mpdm-") {
		return reachMpIM, nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ch, err := b.dir.channel(ctx, channel)
	switch {
	case err == nil && ch.IsMpIM:
		return reachMpIM, nil
	case err == nil && ch.IsArchived:
		return reachArchived, nil
	case err == nil:
		return reachable, nil
	case slackCode(err) == "channel_not_found":
		return reachHidden, nil
	}
	return reachUnknown, err
}

// quickShareReach answers a quick share typed where the bot could not post
// its shoutout (a group DM, a private channel the bot is not in) before
// anything is kept: ok is false, and m says why and gives the text back.
// When Slack cannot tell in time, the share goes ahead: the shoutout's own
// refusal, if any, reaches the author with the story (Undeliverable).
func (b *Bot) quickShareReach(ctx context.Context, channel, channelName, typed string) (m compose.Message, ok bool) {
	r, err := b.reachOf(ctx, channel, channelName)
	switch r {
	case reachMpIM:
		return compose.QuickShareProblem("A quick share posts its shoutout where you type it, and I can't post in a group DM: no app can be added to one. "+
			"Run it in a channel, or type `/extramile` on its own to pick one.", typed), false
	case reachHidden:
		return compose.QuickShareProblem("I can't post here: this is a private channel I'm not in. "+
			"Invite me with `/invite @Extra Mile`, then share it again, or type `/extramile` on its own to pick another channel.", typed), false
	case reachArchived:
		return compose.QuickShareProblem("This channel is archived, so nothing can be posted in it. Type `/extramile` on its own to pick another channel.", typed), false
	case reachUnknown:
		b.log.Debug("could not tell whether a quick share's channel takes posts; sharing anyway", "channel", channel, "error", err)
	}
	return compose.Message{}, true
}

// subscriptionGuard answers `/extramile subscribe` and `unsubscribe` (sub)
// where nothing may change: the configured channel (EXTRAMILE_CHANNEL)
// always gets the scheduled posts, and a subscription needs a channel the
// bot can post in: not a group DM, nor a private channel it is not in, nor
// an archived one; when Slack cannot tell, nothing is subscribed either.
// channelName is the command's channel_name when channel is the one it was
// typed in, else "". ok is false when the command may go ahead.
func (b *Bot) subscriptionGuard(ctx context.Context, sub, channel, channelName string) (m compose.Message, ok bool) {
	if b.channel != "" && channel == b.channel {
		return compose.ConfiguredChannel(channel, sub), true
	}
	if sub != "subscribe" {
		return compose.Message{}, false
	}
	switch r, err := b.reachOf(ctx, channel, channelName); r {
	case reachMpIM:
		return compose.Error("A group DM can't get the weekly prompts, roundups and digests: no app can be added to one. " +
			"Run `/extramile subscribe` in a channel instead. Nothing changed."), true
	case reachHidden:
		return compose.InviteFirst(), true
	case reachArchived:
		return compose.Error("This channel is archived, so nothing can be posted in it. Nothing changed."), true
	case reachUnknown:
		b.log.Warn("could not tell whether a channel takes posts; not subscribing it", "channel", channel, "error", err)
		if _, final := refusal(err); final {
			return compose.Error("Slack didn't let me look this channel up (" + slackCode(err) + "), so I can't tell whether I could post there. Nothing changed."), true
		}
		return compose.Error("Slack didn't tell me in time whether I can post in this channel, so nothing changed. Please try again in a moment."), true
	}
	return compose.Message{}, false
}
