package compose

import (
	"strings"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// ActionRetryShoutout is the "Try again" button of Undeliverable: it posts
// the kept story's shoutout once the bot can (e.g. after /invite). Its value
// is the story ID in decimal.
const ActionRetryShoutout = "retry_shoutout"

// RetryPosted replaces the Undeliverable DM once "Try again" worked: the
// story is shared, with a link to the shoutout (none when permalink is empty).
func RetryPosted(s *extramile.Story, permalink string) Message {
	where := ChannelMention(s.Channel)
	if l := link(permalink, "see it"); l != "" {
		where += " (" + l + ")"
	}
	text := "Your story about " + thanked(s.Recognized) + " is now shared in " + where + "."
	return Message{
		Text:   fallback("Posted. " + text),
		Blocks: []slack.Block{section(":white_check_mark: *Posted, thank you for writing it down!*\n" + text)},
	}
}

// RetryStillUndeliverable replaces the Undeliverable DM when "Try again" did
// not work either: the same advice, the story and the button, under a line
// saying it was just tried.
func RetryStillUndeliverable(s *extramile.Story, channelID, reason string) Message {
	m := Undeliverable(s, channelID, reason)
	m.Blocks = append([]slack.Block{contextBlock(":hourglass: I tried again just now, and it still didn't work.")}, m.Blocks...)
	return m
}

// RetryAlreadyPosted answers "Try again" on a story whose shoutout is posted.
func RetryAlreadyPosted(s *extramile.Story) Message {
	text := "This story is already shared in " + ChannelMention(s.Channel)
	if l := link(s.Permalink, "see it"); l != "" {
		text += " (" + l + ")"
	}
	return simple(":white_check_mark: " + text + ".")
}

// RetryBusy answers "Try again" while the story is being posted.
func RetryBusy() Message {
	return simple(":hourglass: I'm posting this story right now. You'll see it in a moment.")
}

// QuickShareHowTo answers a one-line share that names nobody (no @mention at
// the start): how to write it, and what they typed (Slack's escaping undone,
// see FromSlack) given back to copy, so nothing is lost.
func QuickShareHowTo(typed string) Message {
	text := ":thinking_face: To share a story in one line, start with the person: " +
		"`/extramile @someone what they did` (pick them from the list that opens when you type @). " +
		"Or type `/extramile` on its own to open the form."
	return withTyped(text, typed)
}

// QuickShareProblem is a clear ephemeral error about a one-line share (msg
// is safe to show, e.g. extramile.ErrorMessage(err)), with what they typed
// given back to copy when it is long enough to be worth it.
func QuickShareProblem(msg, typed string) Message {
	return withTyped(":warning: "+escapeMax(msg, 2000), typed)
}

// withTyped is text plus, when typed holds more than a few words, a quote of
// it to copy.
func withTyped(text, typed string) Message {
	blocks := []slack.Block{section(text)}
	if typed = strings.TrimSpace(typed); utf8Len(typed) >= extramile.MinStoryLength {
		blocks = append(blocks, contextBlock("Here is what you wrote, ready to copy:"))
		for _, c := range quoteChunks(typed, maxSectionText, 2) {
			blocks = append(blocks, section(c))
		}
	}
	return Message{Text: fallback(text), Blocks: append(blocks, shareActions())}
}
