package bot

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
)

// minePageSize is how many stories one page of /extramile mine shows.
const minePageSize = 5

// commandFunc answers a subcommand of /extramile with a private reply (see
// reply); a zero Message means a plain ack.
type commandFunc func(ctx context.Context, cmd slackapp.Command) (compose.Message, error)

// reply makes h a route's handler: its message rides in the ack, privately
// (or is posted after it when too big: ephemeral), and its error is logged
// and answered with what the user may read.
func (b *Bot) reply(h commandFunc) slackapp.CommandHandler {
	return func(ctx context.Context, cmd slackapp.Command) any {
		m, err := h(ctx, cmd)
		if err != nil {
			b.log.Error("command failed", "user", cmd.UserID, "channel", cmd.ChannelID, "subcommand", cmd.Sub, "error", err)
			m = compose.Error(extramile.ErrorMessage(err))
		}
		if m.Text == "" && len(m.Blocks) == 0 {
			return nil
		}
		return b.ephemeral(ctx, cmd.ChannelID, cmd.UserID, m)
	}
}

// noArguments makes h refuse what follows its subcommand, rather than
// ignore what it does not understand.
func noArguments(h commandFunc) commandFunc {
	return func(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
		if cmd.Args != "" {
			return compose.ExtraWords(cmd.Sub, compose.FromSlack(cmd.Args)), nil
		}
		return h(ctx, cmd)
	}
}

// storyFormCommand answers /extramile typed alone: it opens the story modal.
func (b *Bot) storyFormCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	if err := b.openStoryModal(ctx, cmd.TriggerID, cmd.ChannelID, cmd.UserID, nil); err != nil {
		return compose.Error(extramile.ErrorMessage(err)), nil
	}
	return compose.Message{}, nil
}

// otherCommand answers a first word that is no subcommand: mentions start
// a quick share (`/extramile @someone what they did`); any other word gets
// help (unknownCommand).
func (b *Bot) otherCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	if strings.HasPrefix(cmd.Sub, "<@") {
		return b.quickShare(ctx, cmd), nil
	}
	return b.unknownCommand(cmd.Sub, cmd.Args, cmd.Text), nil
}

// helpCommand answers /extramile help.
func (b *Bot) helpCommand(context.Context, slackapp.Command) (compose.Message, error) {
	return compose.Help(), nil
}

// mineCommand answers /extramile mine: the first page of the stories the
// user shared or was thanked in.
func (b *Bot) mineCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	stories, total, err := b.store.StoriesFor(ctx, cmd.UserID, 0, minePageSize)
	if err != nil {
		return compose.Message{}, err
	}
	return compose.WithStreak(compose.Mine(cmd.UserID, stories, total, 0, minePageSize), b.currentStreak(ctx, cmd.UserID)), nil
}

// topCommand answers /extramile top [week|month|all]: the leaderboard.
func (b *Bot) topCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	period := strings.ToLower(strings.TrimSpace(cmd.Args))
	if period == "" {
		period = "month"
	}
	from, ok := periodStart(period, b.now(), b.loc())
	if !ok {
		return compose.Error("Use `/extramile top week`, `/extramile top month` or `/extramile top all`."), nil
	}
	tallies, err := b.tops.get(ctx, period, b.now(), func(ctx context.Context) ([]extramile.Tally, error) {
		return b.store.Top(ctx, from, time.Time{}, 10)
	})
	if err != nil {
		return compose.Message{}, err
	}
	return compose.Top(period, tallies), nil
}

// previewStreaksBudget bounds the time `/extramile digest` spends on the
// month's longest streaks, well within the ack's.
const previewStreaksBudget = time.Second

// digestCommand answers /extramile digest: this month's digest so far,
// with the longest streaks as they stand now (as the monthly digest names
// them at the month's end).
func (b *Bot) digestCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	now := b.now()
	from, to := scheduler.MonthOf(now, b.loc())
	prevFrom, _ := scheduler.PreviousMonth(from, b.loc())
	d, err := b.store.Digest(ctx, digestQuery(from, to, prevFrom, cmd.ChannelID))
	if err != nil {
		return compose.Message{}, err
	}
	// The streaks are a bonus of the preview: they get at most
	// previewStreaksBudget of the reply's time (a streak not computed by
	// then is left out, as in the monthly digest).
	sctx, cancel := context.WithTimeout(ctx, previewStreaksBudget)
	defer cancel()
	d.Streaks = b.longestStreaks(sctx, from, to, now, cmd.ChannelID, map[string]int{}) // habit.go
	return compose.DigestPreview(d, b.loc()), nil
}

// settingsCommand answers /extramile settings: what is scheduled where
// and when; with more after it, a change of where kudos count
// (changeSettings, kudoswhere.go).
func (b *Bot) settingsCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	if strings.EqualFold(cmd.Args, "edit") {
		return b.openSettings(ctx, cmd.UserID, cmd.TriggerID), nil
	}
	if cmd.Args != "" {
		return b.changeSettings(ctx, cmd.UserID, cmd.Args), nil
	}
	return b.settings(ctx, cmd.UserID), nil
}

// subscribeCommand answers /extramile subscribe [#channel].
func (b *Bot) subscribeCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	return b.subscription(ctx, "subscribe", cmd), nil
}

// unsubscribeCommand answers /extramile unsubscribe [#channel].
func (b *Bot) unsubscribeCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	return b.subscription(ctx, "unsubscribe", cmd), nil
}

// quietCommand answers /extramile quiet [on|off]: whether the user gets
// kudos DMs.
func (b *Bot) quietCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	switch strings.ToLower(cmd.Args) {
	case "":
		quiet, err := b.store.Quiet(ctx, cmd.UserID)
		if err != nil {
			return compose.Message{}, err
		}
		return compose.QuietState(quiet), nil
	case "on", "off":
		quiet := strings.EqualFold(cmd.Args, "on")
		if err := b.store.SetQuiet(ctx, cmd.UserID, quiet); err != nil {
			return compose.Message{}, err
		}
		b.refreshHomes(ctx, cmd.UserID)
		return compose.QuietChanged(quiet), nil
	}
	return compose.Error("Use `/extramile quiet on` to stop kudos DMs, `/extramile quiet off` to get them again, or `/extramile quiet` to see which it is now."), nil
}

// forgetMeCommand answers /extramile forget-me: how much would be deleted,
// with buttons to confirm (forgetMe) or cancel.
func (b *Bot) forgetMeCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	stories, kudos, err := b.store.CountSubmitted(ctx, cmd.UserID)
	if err != nil {
		return compose.Message{}, err
	}
	checkins, err := b.store.Checkins(ctx, cmd.UserID, 1)
	if err != nil {
		return compose.Message{}, err
	}
	return compose.ForgetMeConfirm(stories, kudos, len(checkins) > 0), nil
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
	return b.openModal(ctx, triggerID, user, meta, prefill)
}

// openModal opens the story modal with meta and prefill (see
// compose.StoryModal), within the trigger's life.
func (b *Bot) openModal(ctx context.Context, triggerID, user string, meta compose.ModalMetadata, prefill *extramile.Story) error {
	ctx, cancel := context.WithTimeout(ctx, openTimeout) // a trigger_id lasts 3 s: no use waiting longer
	defer cancel()
	if _, err := b.api.OpenViewContext(ctx, triggerID, compose.StoryModal(meta, prefill)); err != nil {
		err = slackErr("views.open", err)
		b.log.Error("could not open the story modal", "user", user, "error", err)
		switch slackCode(err) {
		case "expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id":
			// The trigger is spent, late or garbled: a new command or click
			// brings a fresh one.
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

// quickShare shares a story straight from the command line; it returns a
// zero Message when all went well (the confirmation follows the shoutout).
func (b *Bot) quickShare(ctx context.Context, cmd slackapp.Command) compose.Message {
	if strings.HasPrefix(cmd.ChannelID, "D") {
		return compose.Error("A quick share posts its shoutout where you type it, so run it in a channel, or use `/extramile` on its own to pick one.")
	}
	users, text := parseQuickShare(cmd.Text)
	text = compose.FromSlack(text)
	typed := compose.FromSlack(cmd.Text)
	if m, ok := b.quickShareReach(ctx, cmd.ChannelID, cmd.ChannelName, typed); !ok { // subscribe.go
		return m
	}
	problem := func(msg string) compose.Message { return compose.QuickShareProblem(msg, typed) }
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
	return compose.Message{} // the confirmation follows the shoutout
}

// settings describes what is scheduled where and when.
func (b *Bot) settings(ctx context.Context, user string) compose.Message {
	v := compose.SettingsView{Zone: b.loc().String(), KudosEmoji: b.conf.KudosEmoji(ctx), DailyLimit: b.conf.DailyLimit(ctx), IsAdmin: b.isAdmin(ctx, user)}
	v.Jobs = b.jobInfos(ctx)      // jobinfo.go
	b.describeSettings(ctx, &v)   // settingsmodal.go
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
func (b *Bot) subscription(ctx context.Context, sub string, cmd slackapp.Command) compose.Message {
	rest := cmd.Args
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
	name := ""
	if channel == cmd.ChannelID {
		name = cmd.ChannelName
	}
	if m, ok := b.subscriptionGuard(ctx, sub, channel, name); ok { // subscribe.go
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
