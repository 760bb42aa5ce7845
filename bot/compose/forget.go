package compose

import (
	"github.com/slack-go/slack"
)

// ForgetMeConfirm asks, ephemerally, whether to delete the stories and kudos
// linked to the person: "Yes, forget me" (ActionForgetConfirm, danger, with
// a confirm dialog) or "Cancel" (ActionForgetCancel); both have the value
// "forget_me". With nothing to delete it says so, without buttons.
func ForgetMeConfirm(stories, kudos int) Message {
	if stories <= 0 && kudos <= 0 {
		return nothingToForget()
	}
	what := plural(max(stories, 0), "story", "stories") + " and " + plural(max(kudos, 0), "kudos", "kudos")
	return Message{
		Text: fallback("Forget me? This deletes " + what + " linked to you."),
		Blocks: []slack.Block{
			section("*Forget me?*\nThis deletes *" + what + "* linked to you, for good. It can't be undone."),
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
	return simple("There's nothing to forget: I keep no stories or kudos linked to you.")
}
