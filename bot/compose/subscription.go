package compose

import "github.com/slack-go/slack"

// ConfiguredChannel answers `/extramile subscribe` or `/extramile
// unsubscribe` (sub) in the channel set by EXTRAMILE_CHANNEL: it always gets
// the scheduled posts, and only Extra Mile's configuration can change that.
func ConfiguredChannel(channel, sub string) Message {
	ch := ChannelMention(channel)
	if sub != "unsubscribe" {
		return simple(ch + " already gets the weekly prompt, the weekly thank-you roundup and the monthly digest: " +
			"it's Extra Mile's main channel, set by `EXTRAMILE_CHANNEL` in its configuration. Nothing changed.")
	}
	return Message{
		Text: fallback(ch + " can't be unsubscribed: it's Extra Mile's main channel (EXTRAMILE_CHANNEL)."),
		Blocks: []slack.Block{
			section(":no_entry_sign: " + ch + " can't be unsubscribed here: it's Extra Mile's main channel, " +
				"set by `EXTRAMILE_CHANNEL` in its configuration, so it always gets the scheduled posts. Nothing changed."),
			contextBlock("To stop them here, ask whoever runs Extra Mile to change `EXTRAMILE_CHANNEL` (or leave it empty) and restart it. " +
				"Channels added with `/extramile subscribe` can be unsubscribed here."),
		},
	}
}

// InviteFirst answers `/extramile subscribe` in a private channel Extra Mile
// is not in: it could not post there, so nothing was subscribed.
func InviteFirst() Message {
	return simple("I'm not in this channel yet (it's private), so I couldn't post the weekly prompt, roundup or digest here. " +
		"Invite me with `/invite @Extra Mile`, then run `/extramile subscribe` again. Nothing changed.")
}
