package compose

import (
	"strings"

	"github.com/slack-go/slack"
)

// Subcommands are the words /extramile understands after it, in the order
// Help lists them. Anything else is a quick share ("@someone what they did")
// or unknown.
var Subcommands = []string{"mine", "top", "digest", "settings", "subscribe", "unsubscribe", "quiet", "nudges", "snooze", "checkins", "forget-me", "help"}

// Help explains every subcommand, ephemerally, with a "Share a story" button.
func Help() Message {
	return Message{
		Text:   "How to use Extra Mile: /extramile shares a story; /extramile help lists everything.",
		Blocks: helpBlocks(),
	}
}

func helpBlocks() []slack.Block {
	return []slack.Block{
		section("*Extra Mile* helps your team notice and write down the moments when someone went the extra mile " +
			"for a customer or a co-worker. " + habitLine),
		section(strings.Join([]string{
			"*Share*",
			"• `/extramile`: share a story (opens a short form)",
			"• `/extramile @someone what they did`: share a story in one line",
			"• react to a message with the kudos emoji to give its author kudos, in the channels I'm in " +
				"(add me to one with `/invite @Extra Mile`)",
			"*Look back*",
			"• `/extramile mine`: your stories, and the stories about you",
			"• `/extramile top [week|month|all]`: who was recognized most this week, this month (the default) or ever",
			"• `/extramile digest`: this month so far",
			"• `/extramile settings`: what is posted where and when, and where kudos count",
			"*Your choices*",
			"• `/extramile quiet on` / `/extramile quiet off`: stop the daily kudos DM, or get it again (`/extramile quiet` says which it is)",
			"• `/extramile nudges off` / `/extramile nudges on`: stop your weekly nudge DM, or get it again; " +
				"`/extramile snooze 2w`: pause it (snoozed weeks don't break your streak)",
			"• `/extramile checkins`: your private half-step check-ins, newest first (only you ever see them)",
			"• `/extramile forget-me`: delete the stories you shared, the kudos you gave and your private check-ins",
			"• `/extramile help`: this list",
			"*For admins*",
			"• `/extramile subscribe [#channel]` / `/extramile unsubscribe [#channel]`: start or stop the weekly prompt, " +
				"the weekly thank-you roundup and the monthly digest in the channel named, or in this one",
			"• `/extramile settings kudos everywhere` / `/extramile settings kudos invited`: count kudos in every " +
				"public channel (I join them all), or only in the channels I'm invited to",
		}, "\n")),
		contextBlock(":footprints: " + halfStepLine),
		shareActions(),
	}
}

// UnknownCommand answers a subcommand that does not exist: "I don't know
// `sub`", a suggestion when there is one ("" for none), then the help.
func UnknownCommand(sub, suggestion string) Message {
	shown := "`" + escapeMax(strings.ReplaceAll(sub, "`", "'"), 40) + "`"
	text := ":thinking_face: I don't know " + shown + "."
	if suggestion != "" {
		text += " Did you mean `/extramile " + escapeMax(strings.ReplaceAll(suggestion, "`", "'"), 40) + "`?"
	}
	return Message{
		Text:   fallback(text),
		Blocks: append([]slack.Block{section(text), divider()}, helpBlocks()...),
	}
}

// Suggest returns the known word closest to sub: the nearest within an edit
// distance of 2 (ties go to the first in known), else the first that sub is
// a prefix of (two letters at least); "" when nothing is close. Case is ignored.
func Suggest(sub string, known []string) string {
	sub = strings.ToLower(strings.TrimSpace(sub))
	if sub == "" || len(sub) > 64 {
		return ""
	}
	best, bestD := "", 3
	for _, k := range known {
		if d := distance(sub, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best != "" {
		return best
	}
	if len([]rune(sub)) >= 2 {
		for _, k := range known {
			if strings.HasPrefix(strings.ToLower(k), sub) {
				return k
			}
		}
	}
	return ""
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
