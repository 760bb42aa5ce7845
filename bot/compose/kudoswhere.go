package compose

import (
	"time"

	"github.com/slack-go/slack"
)

// inviteHint is how people add Extra Mile to a channel.
const inviteHint = "`/invite @Extra Mile`"

// kudosWhere is the part of Settings that says where kudos count: the
// choice, who made it, and the channels the bot is in now (at most
// maxSettingsItems of them named), with how to add one.
func kudosWhere(v SettingsView, loc *time.Location) string {
	var s string
	if v.KudosEverywhere {
		s = "Kudos count in *every public channel* (I join each one, and new ones as they are created), " +
			"and in the private channels I'm invited to."
	} else {
		s = "Kudos count in *the channels I'm invited to*. To count them in another channel, invite me there: " + inviteHint + "."
	}
	if v.KudosWhereBy != "" && !v.KudosWhereAt.IsZero() {
		s += " (" + changedBy("Chosen", v.KudosWhereBy, v.KudosWhereAt, loc) + ".)"
	}
	switch {
	case !v.KudosChannelsKnown:
		s += "\nI'm still finding out which channels I'm in."
	case len(v.KudosChannels) == 0:
		s += "\nI'm not in any channel yet, so no kudos count anywhere. Invite me to one: " + inviteHint + "."
	default:
		s += "\nI'm in " + channelList(v.KudosChannels) + "."
	}
	return s
}

// KudosWhereChanged answers an admin's `/extramile settings kudos
// everywhere` (everywhere true) or `… kudos invited`; changed is false when
// it already was so.
func KudosWhereChanged(everywhere, changed bool) Message {
	switch {
	case everywhere && changed:
		return Message{
			Text: fallback("Kudos now count in every public channel."),
			Blocks: []slack.Block{
				section(":white_check_mark: Kudos now count in *every public channel*. I'm joining the public channels I'm not in yet, " +
					"at Slack's pace (under a minute for the first fifty), and each new one as it's created."),
				contextBlock("Private channels still need an invite: " + inviteHint + ". `/extramile settings` shows the channels I'm in."),
			},
		}
	case everywhere:
		return simple("Kudos already count in every public channel. I'm checking that I'm in each of them; nothing else changed.")
	case changed:
		return Message{
			Text: fallback("Kudos now count only in the channels Extra Mile is invited to."),
			Blocks: []slack.Block{
				section(":white_check_mark: Kudos now count only in *the channels I'm invited to*. I no longer join new public channels by myself."),
				contextBlock("I stay in the channels I'm already in, so kudos there still count; remove me from a channel to stop them there. " +
					"To add one: " + inviteHint + " in it."),
			},
		}
	}
	return simple("Kudos already count only in the channels I'm invited to. Nothing changed.")
}

// KudosWhereUsage explains `/extramile settings kudos …` when what followed
// was not a choice it knows.
func KudosWhereUsage() Message {
	return simple("`/extramile settings` on its own shows the settings. After it I understand only where kudos count: " +
		"`/extramile settings kudos invited` (only the channels I'm invited to: the default) or " +
		"`/extramile settings kudos everywhere` (every public channel: I join them all). Nothing changed.")
}

// SubscribedJoined answers `/extramile subscribe` for a public channel the
// bot was not in and has just joined (the one it was typed in, or the one
// named); added is false when the channel was already subscribed.
func SubscribedJoined(channel string, added bool) Message {
	ch := ChannelMention(channel)
	if !added {
		return simple(ch + " was already subscribed, but I wasn't in it: I've joined it again, so its scheduled posts can go out, and kudos given in it count.")
	}
	return Message{
		Text: fallback(ch + " is subscribed to Extra Mile, and Extra Mile joined it."),
		Blocks: []slack.Block{
			section(":white_check_mark: " + ch + " is subscribed, and I've joined it so I can post there. From now on it gets the weekly prompt, " +
				"the weekly thank-you roundup and the monthly digest. `/extramile settings` shows when."),
			contextBlock("Now that I'm in it, kudos given in " + ch + " count too."),
		},
	}
}
