package bot

import (
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/slackapp"
)

// SlashCommand is the bot's one slash command, as manifest.yml declares it.
const SlashCommand = "/extramile"

// Install puts every door of the bot in r: the slash command and each of
// its subcommands, the story modal, every button and menu the bot's
// messages carry, and every event manifest.yml subscribes to. A new
// subcommand, button or event is one line here, its handler beside its
// kind of work.
//
// Commands and the modal answer before the ack and return what it carries
// (commands: a private reply, see Bot.reply); buttons and menus answer
// after a plain ack, by response_url or ephemeral message; events are
// acked before they are handled.
func (b *Bot) Install(r *slackapp.Router) {
	// /extramile (commands.go; settings: kudoswhere.go).
	sub := func(word string, h commandFunc) { r.Subcommand(SlashCommand, word, b.reply(h)) }
	r.Command(SlashCommand, b.reply(b.storyFormCommand))       // typed alone: the story modal
	r.UnknownSubcommand(SlashCommand, b.reply(b.otherCommand)) // `@someone what they did`: a quick share; other words: help
	sub("help", b.helpCommand)
	sub("mine", noArguments(b.mineCommand))
	sub("top", b.topCommand)
	sub("digest", noArguments(b.digestCommand))
	sub("settings", b.settingsCommand)
	sub("subscribe", b.subscribeCommand)
	sub("unsubscribe", b.unsubscribeCommand)
	sub("quiet", b.quietCommand)
	sub("nudges", b.nudgesCommand) // the weekly habit: habit.go
	sub("snooze", b.snoozeCommand)
	sub("checkins", noArguments(b.checkinsCommand)) // your own private check-ins
	sub("forget-me", noArguments(b.forgetMeCommand))
	sub("forgetme", noArguments(b.forgetMeCommand))
	sub("forget", noArguments(b.forgetMeCommand))

	// The story modal, to share or edit a story (interactions.go).
	r.View(compose.CallbackStory, b.submitStory)
	// The admins' settings modal (`/extramile settings edit`; settingsmodal.go).
	r.View(compose.CallbackSettings, b.submitSettings)
	// The private half-step check-in (habit.go).
	r.View(compose.CallbackCheckin, b.submitCheckin)
	// The two-way street's answer (followup.go).
	r.View(compose.CallbackFollowUp, b.submitFollowUp)

	// Buttons and menus (interactions.go).
	r.Action(compose.ActionShareStory, b.shareStoryButton)   // prompts, help, empty states
	r.Action(compose.ActionStoryMenu, b.storyMenu)           // a shoutout's ⋯: edit, delete
	r.Action(compose.ActionDeleteConfirm, b.deleteConfirmed) // under the menu's "delete"
	r.Action(compose.ActionDeleteCancel, b.deleteCancelled)
	r.Action(compose.ActionMinePage, b.minePage) // /extramile mine: newer, older
	r.Action(compose.ActionForgetConfirm, b.forgetMe)
	r.Action(compose.ActionForgetCancel, b.forgetCancelled)
	r.Action(compose.ActionRetryShoutout, b.retryShoutout)   // the DM about an undeliverable shoutout
	r.Action(compose.ActionDigestChart, b.digestChartButton) // /extramile digest: the month's chart by DM
	r.Action(compose.ActionNudgeSkip, b.nudgeSkipButton)     // the weekly nudge: habit.go
	r.Action(compose.ActionCheckin, b.checkinButton)
	r.Action(compose.ActionCheckinsPage, b.checkinsPage)           // /extramile checkins: newer, older
	r.Action(compose.ActionFollowUpAnswer, b.followUpAnswerButton) // the follow-up DM: followup.go
	r.Action(compose.ActionFollowUpSkip, b.followUpSkipButton)

	// Shortcuts, declared in manifest.yml (shortcuts.go): both open the story modal.
	r.MessageAction(compose.CallbackShareMessage, b.messageShortcut) // a message's ⋯: "Share as a story", prefilled
	r.Shortcut(compose.CallbackShareGlobal, b.shortcut)              // the ⚡ menu: "Share a story"

	// The App Home (home.go).
	r.Action(compose.ActionHomeAboutPage, b.homePage) // stories about you: newer, older
	r.Action(compose.ActionHomeSharedPage, b.homePage)
	r.Action(compose.ActionHomeQuiet, b.homeQuiet)       // kudos DMs off or on
	r.Action(compose.ActionOpenSettings, b.homeSettings) // admins: the settings modal
	r.Action(compose.ActionHomeNudges, b.homeNudges)     // the weekly nudge off or on
	r.Action(compose.ActionHomeSnooze, b.homeSnooze)     // the weekly nudge snoozed

	// Events, subscribed in manifest.yml.
	slackapp.On(r, "reaction_added", b.reactionAdded) // kudos.go
	slackapp.On(r, "reaction_removed", b.reactionRemoved)
	slackapp.On(r, "member_joined_channel", b.memberJoined) // where the bot is: membership.go
	slackapp.On(r, "member_left_channel", b.memberLeft)
	slackapp.On(r, "channel_left", b.channelLeft)
	slackapp.On(r, "group_left", b.groupLeft)
	slackapp.On(r, "channel_created", b.channelCreated) // kudoswhere.go
	slackapp.On(r, "app_home_opened", b.homeOpened)     // home.go
}
