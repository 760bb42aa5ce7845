package compose

import (
	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// promptTheme is one weekly prompt's question and the line under it.
type promptTheme struct{ question, line string }

// promptThemes rotate week by week: the nine ways, then the habits.
func promptThemes() []promptTheme {
	themes := make([]promptTheme, 0, len(extramile.Ways)+3)
	for _, w := range extramile.Ways {
		themes = append(themes, promptTheme{w.Question(), "_" + w.Title() + "_: someone who " + w.Hint() + "."})
	}
	return append(themes,
		promptTheme{"Who made your week a little easier?",
			"These moments fade when nobody writes them down. " + habitLine},
		promptTheme{"Am I doing my best?",
			"That's the half-step question. Ask it of yourself this week, and look around: who is already answering it with a yes?"},
		promptTheme{"What did someone do this week that they should hear about?",
			"A story written down is a thank-you that lasts."},
	)
}

// Prompt is the weekly nudge posted in each subscribed channel. Its question
// rotates with week (any integer, such as weeks since an epoch), over the nine
// ways and the weekly-habit and half-step ideas, so two consecutive weeks
// never read the same. lastWeekCount is how many stories the channel wrote
// down the week before. A "Share a story" button opens the modal.
func Prompt(week int, lastWeekCount int) Message {
	themes := promptThemes()
	n := len(themes)
	t := themes[((week%n)+n)%n]
	var last string
	switch {
	case lastWeekCount == 1:
		last = "Last week this channel wrote down 1 story. Thank you!"
	case lastWeekCount > 1:
		last = "Last week this channel wrote down " + plural(lastWeekCount, "story", "stories") + ". Thank you!"
	default:
		last = "Nothing was written down here last week. This week is a fresh start."
	}
	return Message{
		Text: fallback(t.question + " " + themeLine),
		Blocks: []slack.Block{
			section(":footprints: *" + t.question + "*\n" + t.line + "\n" + themeLine),
			contextBlock(last),
			shareActions(),
		},
	}
}
