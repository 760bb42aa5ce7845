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
	// Subcommands that take nothing after them say so, rather than ignore
	// what they do not understand.
	if rest != "" && noArguments[sub] {
		return reply(compose.ExtraWords(sub, compose.FromSlack(rest)))
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
		from, ok := periodStart(period, b.now(), b.loc)
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
		d, err := b.store.Digest(ctx, digestQuery(from, to, prevFrom, cmd.ChannelID))
		if err != nil {
			return fail(err)
		}
		return reply(compose.DigestPreview(d, b.loc))
	case "settings":
		if rest != "" {
			return reply(b.settingsCommand(ctx, cmd.UserID, rest)) // kudoswhere.go
		}
		return reply(b.settings(ctx, cmd.UserID))
	case "subscribe", "unsubscribe":
		return reply(b.subscription(ctx, sub, rest, cmd))
	case "quiet":
		switch strings.ToLower(rest) {
		case "":
			quiet, err := b.store.Quiet(ctx, cmd.UserID)
			if err != nil {
				return fail(err)
			}
			return reply(compose.QuietState(quiet))
		case "on", "off":
			quiet := strings.EqualFold(rest, "on")
			if err := b.store.SetQuiet(ctx, cmd.UserID, quiet); err != nil {
				return fail(err)
			}
			return reply(compose.QuietChanged(quiet))
		}
		return reply(compose.Error("Use `/extramile quiet on` to stop kudos DMs, `/extramile quiet off` to get them again, or `/extramile quiet` to see which it is now."))
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

// noArguments are the subcommands that take nothing after them.
// (settings takes `kudos everywhere|invited`: kudoswhere.go answers the rest.)
var noArguments = map[string]bool{"mine": true, "digest": true, "forget-me": true, "forgetme": true, "forget": true}

// periodStart maps a leaderboard period to its start (zero for all time):
// "week" is this calendar week (from Monday) and "month" this calendar
// month, in loc, as the leaderboard's title says.
func periodStart(period string, now time.Time, loc *time.Location) (time.Time, bool) {
	switch period {
	case "week":
		from, _ := scheduler.WeekOf(now, loc)
		return from, true
	case "month":
		from, _ := scheduler.MonthOf(now, loc)
		return from, true
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
		meta.StoryID, meta.Version = prefill.ID, compose.StoryVersion(prefill)
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
	v.Jobs = b.jobInfos()         // jobs_channels.go
	b.describeKudosWhere(ctx, &v) // kudoswhere.go
	channels, err := b.channels(ctx)
	if err != nil {
		return compose.Error(extramile.ErrorMessage(err))
	}
	v.Channels = channels
	return compose.Settings(v)
}

// subscription adds or removes a channel from the scheduled posts: the one
// named (`/extramile unsubscribe #kudos`), or else the one it is typed in.
// Anything else after the subcommand is refused, and nothing changes.
func (b *Bot) subscription(ctx context.Context, sub, rest string, cmd slack.SlashCommand) compose.Message {
	if !b.isAdmin(ctx, cmd.UserID) {
		return compose.NotAdmin(sub)
	}
	channel, ok := channelArgument(rest)
	switch {
	case !ok:
		return compose.Error("`/extramile " + sub + "` takes one channel, like `/extramile " + sub + " #kudos`, or nothing to mean the channel you type it in. " +
			"I didn't understand “" + compose.FromSlack(rest) + "”, so nothing changed.") // Error escapes
	case channel == "":
		channel = cmd.ChannelID
	}
	if strings.HasPrefix(channel, "D") {
		return compose.Error("Run this in the channel that should get the weekly prompts, roundups and digests, or name it: `/extramile " + sub + " #channel`.")
	}
	if m, ok := b.subscriptionGuard(ctx, sub, channel); ok { // jobs_channels.go
		return m
	}
	if sub == "subscribe" {
		joined, m, stop := b.joinToSubscribe(ctx, channel) // kudoswhere.go
		if stop {
			return m
		}
		added, err := b.store.Subscribe(ctx, channel, cmd.UserID)
		if err != nil {
			return compose.Error(extramile.ErrorMessage(err))
		}
		if joined {
			return compose.SubscribedJoined(channel, added)
		}
		return compose.Subscribed(channel, added)
	}
	removed, err := b.store.Unsubscribe(ctx, channel)
	if err != nil {
		return compose.Error(extramile.ErrorMessage(err))
	}
	return compose.Unsubscribed(channel, removed)
}

// channelMention matches one channel as Slack sends it in a slash command's
// text with should_escape on: "<#C123|name>" (or "<#C123>").
var channelMention = regexp.MustCompile(`^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$`)

// channelArgument reads the channel a subcommand names: "" for none, and ok
// false for anything that is not exactly one channel.
func channelArgument(rest string) (channel string, ok bool) {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return "", true
	}
	m := channelMention.FindStringSubmatch(rest)
	if m == nil {
		return "", false
	}
	return m[1], true
}
