package compose

import (
	"github.com/slack-go/slack"
)

// ForgetMeConfirm asks, ephemerally, whether to delete the stories the person
// shared and the kudos they gave (and, always with them, their private
// half-step check-ins and nudge choices, named when checkins is set):
// "Yes, forget me" (ActionForgetConfirm, danger, with a confirm dialog) or
// "Cancel" (ActionForgetCancel); both have the value "forget_me". With
// nothing to delete it says so, without buttons.
func ForgetMeConfirm(stories, kudos int, checkins bool) Message {
	if stories <= 0 && kudos <= 0 && !checkins {
		return nothingToForget()
	}
	var parts []string // what there is to delete, and only that
	if stories > 0 {
		parts = append(parts, "the "+plural(stories, "story", "stories")+" you shared")
	}
	if kudos > 0 {
		parts = append(parts, "the "+plural(kudos, "kudos", "kudos")+" you gave")
	}
	if checkins {
		parts = append(parts, "your private half-step check-ins")
	}
	what := joinAnd(parts)
	return Message{
		Text: fallback("Forget me? This deletes " + what + "."),
		Blocks: []slack.Block{
			section("*Forget me?*\nThis deletes *" + what + "*, for good, removes those stories' text from their shoutouts and DMs, " +
				"and forgets your nudge choices. Stories other people shared about you stay theirs. It can't be undone."),
			actions("forget_me",
				button(ActionForgetConfirm, "Yes, forget me", "forget_me", slack.StyleDanger).
					WithConfirm(confirm("Forget me?", "Delete "+what+" for good? This can't be undone.", "Delete", "Keep them")),
				button(ActionForgetCancel, "Cancel", "forget_me", ""),
			),
		},
	}
}

// ForgetMeDone says what was deleted.
func ForgetMeDone(stories, kudos int) Message {
	if stories <= 0 && kudos <= 0 {
		return nothingToForget()
	}
	return simple("Done: I deleted " + plural(max(stories, 0), "story", "stories") + " and " +
		plural(max(kudos, 0), "kudos", "kudos") + ". If you ever want to share a story again, you're always welcome.")
}

// ForgetMeCancelled answers ActionForgetCancel.
func ForgetMeCancelled() Message {
	return simple(":ok_hand: Nothing was deleted. Your stories and kudos stay as they are.")
}

func nothingToForget() Message {
	return simple("There's nothing to forget: you haven't shared a story or given kudos.")
}
