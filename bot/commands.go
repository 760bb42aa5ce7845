package bot

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
)

// minePageSize is how many stories one page of /extramile mine shows.
const minePageSize = 5

// HandleCommand answers /extramile; what it returns is the ack's payload.
func (b *Bot) HandleCommand(ctx context.Context, cmd slack.SlashCommand) any {
	sub, rest := splitCommand(cmd.Text)
	log := b.log.With("user", cmd.UserID, "channel", cmd.ChannelID, "subcommand", sub)
	reply := func(m compose.Message) any { return b.ephemeral(ctx, cmd.ChannelID, cmd.UserID, m) }
	fail := func(err error) any {
		log.Error("command failed", "error", err)
		return reply(compose.Error(extramile.ErrorMessage(err)))
	}

	switch {
	case sub == "":
		if err := b.openStoryModal(ctx, cmd.TriggerID, cmd.ChannelID, cmd.UserID, nil); err != nil {
			return reply(compose.Error(extramile.ErrorMessage(err)))
		}
		return nil
	case strings.HasPrefix(sub, "<@"):
		return b.quickShare(ctx, cmd)
	}
	switch sub {
	case "help":
		return reply(compose.Help())
	case "mine":
		stories, total, err := b.store.StoriesFor(ctx, cmd.UserID, 0, minePageSize)
		if err != nil {
			return fail(err)
		}
		return reply(compose.Mine(cmd.UserID, stories, total, 0, minePageSize))
	case "top":
		period := strings.ToLower(strings.TrimSpace(rest))
		if period == "" {
			period = "month"
		}
		from, ok := b.periodStart(period)
		if !ok {
			return reply(compose.Error("Use `/extramile top week`, `/extramile top month` or `/extramile top all`."))
		}
		tallies, err := b.tops.get(ctx, period, b.now(), func(ctx context.Context) ([]extramile.Tally, error) {
			return b.store.Top(ctx, from, time.Time{}, 10)
		})
		if err != nil {
			return fail(err)
		}
		return reply(compose.Top(period, tallies))
	case "digest":
		from, to := scheduler.MonthOf(b.now(), b.loc)
		prevFrom, _ := scheduler.PreviousMonth(from, b.loc)
		d, err := b.store.Digest(ctx, storageDigestQuery(from, to, prevFrom, cmd.ChannelID))
		if err != nil {
			return fail(err)
		}
		return reply(compose.DigestPreview(d, b.loc))
	case "settings":
		return reply(b.settings(ctx, cmd.UserID))
	case "subscribe", "unsubscribe":
		return reply(b.subscription(ctx, sub, cmd))
	case "quiet":
		quiet, err := b.store.Quiet(ctx, cmd.UserID)
		if err == nil {
			err = b.store.SetQuiet(ctx, cmd.UserID, !quiet)
		}
		if err != nil {
			return fail(err)
		}
		return reply(compose.QuietChanged(!quiet))
	case "forget-me", "forgetme", "forget":
		stories, kudos, err := b.store.CountSubmitted(ctx, cmd.UserID)
		if err != nil {
			return fail(err)
		}
		return reply(compose.ForgetMeConfirm(stories, kudos))
	}
	return reply(b.unknownCommand(sub, rest, cmd.Text))
}

// unknownCommand answers a first word that is no subcommand: help with a
// "did you mean" when it is close to one, or, when it starts what reads like
// a story (a few more words), how to share one in one line, with the text
// given back to copy.
func (b *Bot) unknownCommand(sub, rest, text string) compose.Message {
	shown := compose.FromSlack(sub)
	suggestion := compose.Suggest(shown, compose.Subcommands)
	if len(strings.Fields(rest)) >= 2 && (suggestion == "" || len(strings.Fields(rest)) >= 3) {
		return compose.QuickShareHowTo(compose.FromSlack(text))
	}
	return compose.UnknownCommand(shown, suggestion)
}

// splitCommand returns the first word (lowercased unless it is a mention)
// and the rest of the text.
func splitCommand(text string) (sub, rest string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return "", ""
	}
	i := strings.IndexAny(text, " \t\n")
	if i < 0 {
		i = len(text)
	}
	sub, rest = text[:i], strings.TrimSpace(text[i:])
	if !strings.HasPrefix(sub, "<@") {
		sub = strings.ToLower(sub)
	}
	return sub, rest
}

// periodStart maps a leaderboard period to its start (zero for all time).
func (b *Bot) periodStart(period string) (time.Time, bool) {
	now := b.now()
	switch period {
	case "week":
		return now.AddDate(0, 0, -7), true
	case "month":
		return now.AddDate(0, -1, 0), true
	case "all":
		return time.Time{}, true
	}
	return time.Time{}, false
}

// openStoryModal opens the story modal at once, while the trigger_id is
// valid. Its error carries a message for the user.
func (b *Bot) openStoryModal(ctx context.Context, triggerID, channel, user string, prefill *extramile.Story) error {
	meta := compose.ModalMetadata{}
	if prefill != nil {
		meta.StoryID = prefill.ID
	} else if channel != "" && !strings.HasPrefix(channel, "D") && b.mayPostIn(ctx, channel) {
		meta.Channel = channel
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout) // a trigger_id lasts 3 s: no use waiting longer
	defer cancel()
	if _, err := b.api.OpenViewContext(ctx, triggerID, compose.StoryModal(meta, prefill)); err != nil {
		err = slackErr("views.open", err)
		b.log.Error("could not open the story modal", "user", user, "error", err)
		if slackCode(err) == "expired_trigger_id" {
			return extramile.Errorf(extramile.EBUSY, "That took Slack a little too long. Please try again and the form will open.")
		}
		return extramile.Errorf(extramile.EBUSY, "I couldn't open the story form just now. Please try again in a moment.")
	}
	return nil
}

// mayPostIn reports whether the story modal should offer channel as where
// to share: not when it is archived or private without the bot (which
// answers channel_not_found). When Slack does not answer at once it says
// yes: the person can still change it, and the trigger_id cannot wait.
func (b *Bot) mayPostIn(ctx context.Context, channel string) bool {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout/2)
	defer cancel()
	ch, err := b.dir.channel(ctx, channel)
	switch {
	case err != nil:
		return slackCode(err) != "channel_not_found"
	case ch.IsArchived:
		return false
	}
	return true
}

// leadingMentions matches the user mentions at the start of a quick share:
// "<@U123|alice> <@U456> what they did".
var leadingMentions = regexp.MustCompile(`^(?:\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>[\s,]*(?:and\s+)?)+`)
var mentionID = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)

// parseQuickShare splits "/extramile @a @b what they did" into the people
// and the story.
func parseQuickShare(text string) (users []string, story string) {
	text = strings.TrimSpace(text)
	head := leadingMentions.FindString(text)
	seen := map[string]bool{}
	for _, m := range mentionID.FindAllStringSubmatch(head, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			users = append(users, m[1])
		}
	}
	return users, strings.TrimSpace(text[len(head):])
}

// quickShare shares a story straight from the command line.
func (b *Bot) quickShare(ctx context.Context, cmd slack.SlashCommand) any {
	reply := func(m compose.Message) any { return b.ephemeral(ctx, cmd.ChannelID, cmd.UserID, m) }
	if strings.HasPrefix(cmd.ChannelID, "D") {
		return reply(compose.Error("A quick share posts its shoutout where you type it, so run it in a channel, or use `/extramile` on its own to pick one."))
	}
	users, text := parseQuickShare(cmd.Text)
	text = compose.FromSlack(text)
	typed := compose.FromSlack(cmd.Text)
	problem := func(msg string) any { return reply(compose.QuickShareProblem(msg, typed)) }
	if err := extramile.ValidateRecognized(users); err != nil {
		return problem(extramile.ErrorMessage(err) + " Try `/extramile @someone what they did`.")
	}
	if msg := b.checkPeople(ctx, users); msg != "" {
		return problem(msg)
	}
	if err := extramile.ValidateText(text); err != nil {
		return problem(extramile.ErrorMessage(err))
	}
	s := &extramile.Story{Author: cmd.UserID, Recognized: users, Text: text, Channel: cmd.ChannelID}
	if err := b.share(ctx, s); err != nil {
		b.log.Error("quick share failed", "user", cmd.UserID, "error", err)
		return problem(extramile.ErrorMessage(err))
	}
	return nil // the confirmation follows the shoutout
}

// settings describes what is scheduled where and when.
func (b *Bot) settings(ctx context.Context, user string) compose.Message {
	v := compose.SettingsView{Zone: b.loc.String(), KudosEmoji: b.emojiList, DailyLimit: b.dailyLimit, IsAdmin: b.isAdmin(ctx, user)}
	v.Jobs = b.jobInfos() // jobs_channels.go
	channels, err := b.channels(ctx)
	if err != nil {
		return compose.Error(extramile.ErrorMessage(err))
	}
	v.Channels = channels
	return compose.Settings(v)
}

// subscription adds or removes the current channel from the scheduled posts.
func (b *Bot) subscription(ctx context.Context, sub string, cmd slack.SlashCommand) compose.Message {
	if !b.isAdmin(ctx, cmd.UserID) {
		return compose.NotAdmin(sub)
	}
	if strings.HasPrefix(cmd.ChannelID, "D") {
		return compose.Error("Run this in the channel that should get the weekly prompts, roundups and digests.")
	}
	if m, ok := b.subscriptionGuard(ctx, sub, cmd.ChannelID); ok { // jobs_channels.go
		return m
	}
	if sub == "subscribe" {
		added, err := b.store.Subscribe(ctx, cmd.ChannelID, cmd.UserID)
		if err != nil {
			return compose.Error(extramile.ErrorMessage(err))
		}
		return compose.Subscribed(cmd.ChannelID, added)
	}
	removed, err := b.store.Unsubscribe(ctx, cmd.ChannelID)
	if err != nil {
		return compose.Error(extramile.ErrorMessage(err))
	}
	return compose.Unsubscribed(cmd.ChannelID, removed)
}
