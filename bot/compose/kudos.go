package compose

import (
	"sort"
	"strings"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// maxKudosGivers is how many givers KudosSummaryDM names.
const maxKudosGivers = 20

// QuietChanged confirms `/extramile quiet on|off`: quiet is the new setting.
func QuietChanged(quiet bool) Message {
	if quiet {
		return simple(":zipper_mouth_face: Quiet is on: no more kudos DMs. People can still give you kudos; I just won't tell you every day. " +
			"`/extramile quiet off` turns them back on.")
	}
	return simple(":bell: Quiet is off: kudos DMs are on, once a day at most, telling you who sent you kudos. " +
		"`/extramile quiet on` turns them off.")
}

// QuietState answers `/extramile quiet` on its own: whether kudos DMs are
// off (quiet) and how to change it.
func QuietState(quiet bool) Message {
	if quiet {
		return simple(":zipper_mouth_face: Quiet is on: you get no kudos DMs. `/extramile quiet off` turns them back on.")
	}
	return simple(":bell: Quiet is off: once a day at most, I DM you who sent you kudos. `/extramile quiet on` turns that off.")
}

// ExtraWords answers a subcommand that takes nothing after it but was given
// something (as the person typed it): nothing was done.
func ExtraWords(sub, extra string) Message {
	return Error("`/extramile " + sub + "` takes nothing after it, and I didn't understand “" + extra +
		"”, so I did nothing. Try `/extramile " + sub + "` on its own, or `/extramile help`.") // Error escapes
}

// KudosSummaryDM is the one DM a day that tells a person who gave them
// kudos, grouped by giver (most first, then by first kudos), with the emoji
// they used, naming at most 20 givers, and how to turn these DMs off.
func KudosSummaryDM(received []extramile.Kudos) Message {
	type giver struct {
		id    string
		n     int
		emoji []string
	}
	var givers []*giver
	byID := map[string]*giver{}
	for _, k := range received {
		g := byID[k.Giver]
		if g == nil {
			g = &giver{id: k.Giver}
			byID[k.Giver] = g
			givers = append(givers, g)
		}
		g.n++
		if e := emojiCode(k.Emoji); e != "" && !isAmong(e, g.emoji) && len(g.emoji) < 5 {
			g.emoji = append(g.emoji, e)
		}
	}
	if len(givers) == 0 {
		return simple("No kudos today. Tomorrow is another day to go the extra mile.")
	}
	sort.SliceStable(givers, func(i, j int) bool { return givers[i].n > givers[j].n })

	var lines, names []string
	for _, g := range givers[:min(len(givers), maxKudosGivers)] {
		line := "• " + Mention(g.id) + ": " + plural(g.n, "kudos", "kudos")
		if len(g.emoji) > 0 {
			line += " " + strings.Join(g.emoji, " ")
		}
		lines = append(lines, line)
		names = append(names, Mention(g.id))
	}
	if k := len(givers) - maxKudosGivers; k > 0 {
		lines = append(lines, "• and "+plural(k, "more person", "more people"))
		names = append(names, plural(k, "more person", "more people"))
	}
	total := plural(len(received), "kudos", "kudos")
	return Message{
		Text: fallback("You received " + total + " today from " + joinAnd(names)),
		Blocks: []slack.Block{
			section(":tada: *You received " + total + " today!*\n" + strings.Join(lines, "\n")),
			contextBlock("People noticed what you did. Rather not get these DMs? `/extramile quiet` turns them off."),
		},
	}
}

// KudosLimitReached tells a person, ephemerally, that they gave all the
// kudos they can today.
func KudosLimitReached(limit int) Message {
	return simple("You've given all " + plural(max(limit, 0), "kudos", "kudos") + " you can today. Thank you for being so generous! " +
		"Tomorrow you can give more, and a story with `/extramile` is always welcome.")
}
