package compose

import (
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// maxTop is how many people a leaderboard shows.
const maxTop = 10

// periodName says a period ("week", "month", "all") in words.
func periodName(period string) string {
	switch period {
	case "week":
		return "this week"
	case "month":
		return "this month"
	}
	return "of all time"
}

// Top is the leaderboard for a period ("week", "month" or "all"; anything
// else reads as "all"): the first 10 tallies as given, with medals for the
// first three, and each person's stories and kudos. People with nothing are
// left out; an empty board invites the first story.
func Top(period string, tallies []extramile.Tally) Message {
	title := "Most recognized " + periodName(period)
	lines := tallyLines(tallies, maxTop)
	if len(lines) == 0 {
		when := " "
		if period == "week" || period == "month" {
			when = " " + periodName(period) + " "
		}
		text := "*" + title + "*\nNo one has been recognized" + when + "yet. " +
			"Who went the extra mile for you? Your story could be the first."
		return Message{
			Text:   fallback(title + ": no stories yet"),
			Blocks: []slack.Block{section(text), shareActions()},
		}
	}
	return Message{
		Text: fallback(title),
		Blocks: []slack.Block{
			section(":trophy: *" + title + "*\n" + strings.Join(lines, "\n")),
			contextBlock("Every story counts, not only the ones at the top. Who should be on this list? Share their story with `/extramile`."),
		},
	}
}

// tallyLines renders up to n tallies that have anything, one line each.
func tallyLines(tallies []extramile.Tally, n int) []string {
	medals := []string{":first_place_medal:", ":second_place_medal:", ":third_place_medal:"}
	var lines []string
	for _, t := range tallies {
		if len(lines) == n {
			break
		}
		if t.Total() <= 0 || t.Stories < 0 || t.Kudos < 0 {
			continue
		}
		rank := fmt.Sprintf("%d.", len(lines)+1)
		if len(lines) < len(medals) {
			rank = medals[len(lines)]
		}
		var counts []string
		if t.Stories > 0 {
			counts = append(counts, plural(t.Stories, "story", "stories"))
		}
		if t.Kudos > 0 {
			counts = append(counts, plural(t.Kudos, "kudos", "kudos"))
		}
		lines = append(lines, rank+" "+Mention(t.User)+": "+strings.Join(counts, ", "))
	}
	return lines
}
