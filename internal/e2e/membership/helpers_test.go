// Package membership tests end to end where kudos count: Slack sends the bot
// reactions only from the channels it is a member of, so the bot learns
// where it is (users.conversations at start, then member_joined_channel,
// channel_left and group_left), says so in /extramile settings, and, when an
// admin chooses "every public channel", joins them all at Slack's pace, new
// ones too, resuming after a restart. Each test runs the real program
// through internal/apptest against the fake Slack, which delivers events
// only where the bot is a member, as Slack does.
package membership

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// kudosEmoji is a reaction that gives kudos in the apptest configuration.
const kudosEmoji = "raised_hands"

// post seeds a message by author in channel, as a person wrote it.
func post(h *apptest.Harness, author, channel, text string) slackfake.Message {
	return h.Slack.AddMessage(slackfake.Message{Channel: channel, User: author, Text: text})
}

// react is giver adding the kudos emoji to m, as Slack would send it.
func react(h *apptest.Harness, giver string, m slackfake.Message) map[string]any {
	return h.Slack.ReactionEvent("reaction_added", giver, kudosEmoji, "", m.Channel, m.TS)
}

// gift is a kudos as the export lists it: who gave it to whom, where.
type gift struct{ Giver, Receiver, Channel string }

// gifts returns the kudos `extramile export` lists, sorted.
func gifts(h *apptest.Harness) []gift {
	h.T.Helper()
	var out []gift
	for _, k := range h.Export().Kudos {
		out = append(out, gift{k.Giver, k.Receiver, k.Channel})
	}
	slices.SortFunc(out, func(a, b gift) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return out
}

// waitGifts waits until the export lists exactly want (sorted as gifts sorts).
func waitGifts(h *apptest.Harness, want ...gift) {
	h.T.Helper()
	slices.SortFunc(want, func(a, b gift) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	h.Eventually(fmt.Sprintf("kudos %v in the export", want), func() bool { return slices.Equal(gifts(h), want) })
}

// reply is the harness's Reply: the ephemeral reply of `/extramile text`.
func reply(h *apptest.Harness, user, channel, text string) string {
	h.T.Helper()
	return h.Reply(user, channel, text)
}

// kudosChannels is the sentence of /extramile settings naming the channels
// the bot is in, where kudos count ("" while the bot is still finding out).
func kudosChannels(h *apptest.Harness) string {
	h.T.Helper()
	for _, line := range strings.Split(reply(h, apptest.Alice, apptest.General, "settings"), "\n") {
		if strings.HasPrefix(line, "I'm in ") || strings.HasPrefix(line, "I'm not in any channel") {
			return line
		}
	}
	return ""
}

// waitKudosChannels waits until settings name exactly the channels want
// (in ID order) as the ones where kudos count.
func waitKudosChannels(h *apptest.Harness, want ...string) {
	h.T.Helper()
	slices.Sort(want)
	var mentions []string
	for _, c := range want {
		mentions = append(mentions, "<#"+c+">")
	}
	line := "I'm in " + joinAnd(mentions) + "."
	deadline := time.Now().Add(apptest.Timeout)
	for {
		got := kudosChannels(h)
		if got == line {
			return
		}
		if time.Now().After(deadline) {
			h.T.Fatalf("settings say %q, want %q", got, line)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// joinAnd joins as the bot's messages do: "a", "a and b", "a, b and c".
func joinAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// joins counts conversations.join calls per channel.
func joins(h *apptest.Harness) map[string]int {
	out := map[string]int{}
	for _, c := range h.Slack.Calls("conversations.join") {
		out[c.Params.Get("channel")]++
	}
	return out
}

// waitJoined waits until the bot is in each of channels and the fake has
// recorded a conversations.join of each (a call is recorded once answered).
func waitJoined(h *apptest.Harness, channels ...string) {
	h.T.Helper()
	h.Eventually(fmt.Sprintf("the bot joined %v", channels), func() bool {
		j := joins(h)
		for _, c := range channels {
			if !member(h, c) || j[c] == 0 {
				return false
			}
		}
		return true
	})
}

// member reports whether the fake has the bot in channel.
func member(h *apptest.Harness, channel string) bool {
	c, _ := h.Slack.Channel(channel)
	return c.BotIsMember
}

// addPublic adds public channels the bot is not in, before the bot starts.
func addPublic(t *testing.T, h *apptest.Harness, ids ...string) {
	t.Helper()
	for _, id := range ids {
		h.Slack.AddChannel(slackfake.Channel{ID: id, Name: strings.ToLower(id)})
	}
}
