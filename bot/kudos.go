package bot

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
)

// reactionAdded handles reaction_added: kudos given, when the reaction is
// a kudos emoji (handleReaction).
func (b *Bot) reactionAdded(ctx context.Context, ev slackapp.Event, e *slackevents.ReactionAddedEvent) {
	b.handleReaction(ctx, ev, reaction{Added: true, User: e.User, Name: e.Reaction, ItemUser: e.ItemUser,
		ItemType: e.Item.Type, Channel: e.Item.Channel, TS: e.Item.Timestamp, EventTS: e.EventTimestamp})
}

// reactionRemoved handles reaction_removed: kudos taken back.
func (b *Bot) reactionRemoved(ctx context.Context, ev slackapp.Event, e *slackevents.ReactionRemovedEvent) {
	b.handleReaction(ctx, ev, reaction{Added: false, User: e.User, Name: e.Reaction, ItemUser: e.ItemUser,
		ItemType: e.Item.Type, Channel: e.Item.Channel, TS: e.Item.Timestamp, EventTS: e.EventTimestamp})
}

// slackbotUser is Slackbot, whom users.info does not call a bot.
const slackbotUser = "USLACKBOT"

// reactionHandled is the message of the one log line every reaction event
// ends with, whatever became of it (its outcome attribute says what; the
// same ReactionOutcome goes to Options.OnReaction).
const reactionHandled = "reaction handled"

// reaction is the part of reaction_added/removed that kudos need.
type reaction struct {
	Added                                                bool
	User, Name, ItemUser, ItemType, Channel, TS, EventTS string
}

func (r reaction) kind() string {
	if r.Added {
		return "reaction_added"
	}
	return "reaction_removed"
}

// key names the kudos that r gives or takes back: one per giver, message
// and base emoji.
func (r reaction) key() string {
	return r.User + ":" + r.Channel + ":" + r.TS + ":" + baseEmoji(r.Name)
}

// baseEmoji strips a skin tone: "raised_hands::skin-tone-3" → "raised_hands".
func baseEmoji(name string) string {
	base, _, _ := strings.Cut(name, "::")
	return base
}

// countsAsKudos reports whether r's emoji gives kudos: one of the kudos
// emoji now, or, for a reaction taken back, one kept as kudos when it was
// given (the admins may have changed the kudos emoji since).
func (b *Bot) countsAsKudos(ctx context.Context, log *slog.Logger, r reaction) bool {
	if slices.Contains(b.conf.KudosEmoji(ctx), baseEmoji(r.Name)) {
		return true
	}
	if r.Added || r.ItemType != "message" || r.User == "" || r.Channel == "" || r.TS == "" {
		return false
	}
	given, err := b.store.KudosGiven(ctx, r.User, r.Channel, r.TS, baseEmoji(r.Name))
	if err != nil {
		log.Warn("could not tell whether a reaction taken back was kudos", "error", err)
	}
	return given
}

// handleReaction turns a reaction event into kudos given or taken back,
// exactly once per reaction, logs one line saying what it did and reports
// it to Options.OnReaction.
func (b *Bot) handleReaction(ctx context.Context, ev slackapp.Event, r reaction) {
	log := b.log.With("event_id", ev.ID, "retry_attempt", ev.RetryAttempt, "event", r.kind(), "giver", r.User,
		"channel", r.Channel, "ts", r.TS, "reaction", r.Name)
	o := ReactionOutcome{EventID: ev.ID, RetryAttempt: ev.RetryAttempt, Kind: r.kind(), Giver: r.User,
		Channel: r.Channel, TS: r.TS, Reaction: r.Name}
	defer func() { b.observeReaction(o) }()
	if !b.countsAsKudos(ctx, log, r) || r.ItemType != "message" || r.User == "" || r.Channel == "" || r.TS == "" {
		o.Result = ReactionNotKudos
		log.Debug(reactionHandled, "outcome", string(o.Result))
		return
	}
	var attrs []any
	o.Result, attrs = b.kudosReaction(ctx, log, ev, r)
	for i := 0; i+1 < len(attrs); i += 2 { // the attributes the outcome carries too
		switch v := attrs[i+1].(type) {
		case string:
			if attrs[i] == "reason" {
				o.Reason = v
			}
		case error:
			if attrs[i] == "error" {
				o.Err = v
			}
		}
	}
	level := slog.LevelDebug
	switch o.Result {
	case ReactionGiven, ReactionTakenBack, ReactionLimitReached:
		level = slog.LevelInfo
	case ReactionFailed:
		level = slog.LevelError
	}
	log.Log(ctx, level, reactionHandled, append([]any{"outcome", string(o.Result)}, attrs...)...)
}

// kudosReaction de-duplicates a kudos reaction event, by event_id and by its
// meaning (kind, giver, message, reaction and event_ts: Slack has been seen
// sending one reaction under several event_ids), and applies it. The store
// keeps the events of each kudos in Slack's order, whichever process handles
// them (an event older than the last one applied to its kudos is stale). It
// returns the result and log attributes saying why ("reason" and "error"
// also go to the ReactionOutcome).
func (b *Bot) kudosReaction(ctx context.Context, log *slog.Logger, ev slackapp.Event, r reaction) (ReactionResult, []any) {
	var taken []onceKey // once keys this event took; released if it fails
	release := func() {
		for _, k := range taken {
			if err := b.store.ForgetOnce(ctx, string(k)); err != nil {
				log.Warn("could not release a once key", "key", k, "error", err)
			}
		}
	}
	once := func(key onceKey) (bool, error) {
		first, err := b.store.Once(ctx, string(key))
		if first {
			taken = append(taken, key)
		}
		return first, err
	}

	if ev.ID != "" {
		first, err := once(keyEvent(ev.ID))
		if err != nil {
			return ReactionFailed, []any{"error", err}
		}
		if !first {
			return ReactionDuplicateEvent, nil
		}
	}
	if r.EventTS != "" {
		first, err := once(keyReaction(r))
		if err != nil {
			release()
			return ReactionFailed, []any{"error", err}
		}
		if !first {
			return ReactionDuplicate, []any{"event_ts", r.EventTS}
		}
	}

	apply := b.giveKudos
	if !r.Added {
		apply = b.takeBackKudos
	}
	outcome, attrs, err := apply(ctx, log, r)
	if err != nil {
		release() // not applied: a redelivery may try again
		return ReactionFailed, append(attrs, "error", err)
	}
	return outcome, attrs
}

// giveKudos records the kudos of a reaction_added, within the giver's daily
// limit, and tells the giver once a day when the limit refuses one.
func (b *Bot) giveKudos(ctx context.Context, log *slog.Logger, r reaction) (ReactionResult, []any, error) {
	gift, why, err := b.kudosGift(ctx, log, r)
	if err != nil {
		return ReactionFailed, nil, err
	}
	if why != "" {
		return ReactionNoKudos, []any{"reason", why}, nil
	}
	res, err := b.store.AddKudos(ctx, gift)
	switch {
	case extramile.ErrorCode(err) == extramile.ENOTFOUND:
		return ReactionNoKudos, []any{"reason", "the story was deleted"}, nil
	case err != nil:
		return ReactionFailed, nil, err
	case res.Stale:
		return ReactionStale, []any{"event_ts", r.EventTS}, nil
	case gift.PrivacyPending && res.Added > 0:
		b.goBackground(ctx, func(ctx context.Context) { b.resolvePrivacy(ctx, gift.Channel) })
	case res.LimitReached:
		b.tellLimitReached(ctx, log, r, gift.DayStart, gift.DailyMax)
		return ReactionLimitReached, []any{"limit", gift.DailyMax, "given_today", res.GivenToday}, nil
	case res.Duplicate:
		return ReactionAlreadyCounted, nil, nil
	}
	b.metrics.KudosCreated(res.Added)
	return ReactionGiven, []any{"receivers", gift.Receivers, "story", gift.StoryID, "private", gift.Private, "given_today", res.GivenToday}, nil
}

// tellLimitReached tells the giver, ephemerally and once per their day,
// that the daily limit refused their kudos.
func (b *Bot) tellLimitReached(ctx context.Context, log *slog.Logger, r reaction, day time.Time, limit int) {
	first, err := b.store.Once(ctx, string(keyKudosLimitTold(r.User, day)))
	if err != nil {
		log.Warn("could not check whether the giver was told about the limit", "error", err)
		return
	}
	if first {
		b.postEphemeral(ctx, r.Channel, r.User, compose.KudosLimitReached(limit))
	}
}

// takeBackKudos removes the kudos of a reaction_removed, unless the giver
// still reacts to the message with another skin tone of the same emoji (the
// kudos counted once for all of them). Removing only the kudos of this giver,
// message and emoji, it never takes away one that another reaction gave.
func (b *Bot) takeBackKudos(ctx context.Context, log *slog.Logger, r reaction) (ReactionResult, []any, error) {
	if other := b.otherSkinTone(ctx, log, r); other != "" {
		return ReactionOtherSkinTone, []any{"still_reacting_with", other}, nil
	}
	n, stale, err := b.store.RemoveKudos(ctx, extramile.KudosTakeBack{Giver: r.User, Channel: r.Channel, MessageTS: r.TS, Emoji: baseEmoji(r.Name), EventTS: r.EventTS})
	switch {
	case err != nil:
		return ReactionFailed, nil, err
	case stale:
		return ReactionStale, []any{"event_ts", r.EventTS}, nil
	}
	if n == 0 {
		return ReactionNothingToTake, nil, nil
	}
	return ReactionTakenBack, []any{"removed", n}, nil
}

// otherSkinTone returns another reaction of the giver on the message with
// the same base emoji as r (another skin tone), as reactions.get sees it now,
// or "". When reactions.get fails it returns "" (the removal goes ahead).
func (b *Bot) otherSkinTone(ctx context.Context, log *slog.Logger, r reaction) string {
	item, err := b.api.GetReactionsContext(ctx, slack.NewRefToMessage(r.Channel, r.TS), slack.GetReactionsParameters{Full: true})
	if err != nil {
		log.Debug("reactions.get failed; taking the kudos back", "error", slackErr("reactions.get", err))
		return ""
	}
	base := baseEmoji(r.Name)
	for _, ir := range item.Reactions {
		if ir.Name == r.Name || baseEmoji(ir.Name) != base {
			continue
		}
		for _, u := range ir.Users {
			if u == r.User {
				return ir.Name
			}
		}
	}
	return ""
}

// kudosGift works out who receives kudos for a reaction_added: the
// message's author, or, on a story's shoutout, the people the story
// recognized. A non-empty reason says why nobody does (yourself, a bot, a
// message no person wrote, one of the bot's other posts).
func (b *Bot) kudosGift(ctx context.Context, log *slog.Logger, r reaction) (g extramile.KudosGift, reason string, err error) {
	g = extramile.KudosGift{Giver: r.User, Channel: r.Channel, MessageTS: r.TS, Emoji: baseEmoji(r.Name), EventTS: r.EventTS, DailyMax: b.conf.DailyLimit(ctx)}
	switch {
	case r.ItemUser == "":
		return g, "the message has no user author", nil
	case r.ItemUser == r.User:
		return g, "kudos to yourself", nil
	case r.User == b.botUserID || r.User == slackbotUser:
		return g, "the giver is a bot", nil
	case r.ItemUser == slackbotUser:
		return g, "the author is a bot", nil
	}
	loc := b.loc()
	giver, gerr := b.dir.user(ctx, r.User)
	switch {
	case gerr != nil:
		log.Warn("could not look up the giver; counting the kudos in the default time zone", "error", gerr)
	case giver.IsBot:
		return g, "the giver is a bot", nil
	case giver.Deleted:
		return g, "the giver is deactivated", nil
	default:
		loc = userLocation(giver.TZ, giver.TZOffset, b.loc())
	}

	var candidates []string
	if r.ItemUser == b.botUserID {
		s, err := b.store.StoryByShoutout(ctx, r.Channel, r.TS)
		switch {
		case extramile.ErrorCode(err) == extramile.ENOTFOUND:
			return g, "a post of the bot that is not a story's shoutout", nil
		case err != nil:
			return g, "", err
		}
		g.StoryID, g.Private, g.PrivacyPending = s.ID, s.Private, s.PrivacyPending
		candidates = s.Recognized
	} else {
		candidates = []string{r.ItemUser}
		g.Private, g.PrivacyPending = b.privacy(ctx, r.Channel) // giveKudos resolves a pending one
	}
	g.Receivers = kudosReceivers(r.User, candidates, b.botUserID, func(c string) bool { // rules.go
		u, err := b.dir.user(ctx, c)
		return err == nil && (u.IsBot || u.Deleted)
	})
	if len(g.Receivers) == 0 {
		if r.ItemUser == b.botUserID {
			return g, "nobody else to receive it: the story recognized only the giver or bots", nil
		}
		return g, "the author is a bot or deactivated", nil
	}
	g.DayStart, g.DayEnd = scheduler.DayOf(b.now(), loc)
	return g, "", nil
}

// userLocation is a user's Slack time zone, falling back to their offset and
// then to def.
func userLocation(tz string, offset int, def *time.Location) *time.Location {
	if tz != "" {
		if loc, err := time.LoadLocation(tz); err == nil {
			return loc
		}
	}
	if offset != 0 {
		return time.FixedZone("user", offset)
	}
	return def
}
