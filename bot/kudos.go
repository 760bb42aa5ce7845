package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack/slackevents"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/storage"
)

// HandleEvent handles an Events API event after its ack. Redeliveries are
// recognized by event_id; the kudos ledger also refuses the same reaction
// twice, whatever its event_id.
func (b *Bot) HandleEvent(ctx context.Context, ev Event) {
	switch e := ev.Inner.Data.(type) {
	case *slackevents.ReactionAddedEvent:
		b.reaction(ctx, ev, reaction{User: e.User, Emoji: e.Reaction, ItemUser: e.ItemUser, ItemType: e.Item.Type, Channel: e.Item.Channel, TS: e.Item.Timestamp, EventTS: e.EventTimestamp}, true)
	case *slackevents.ReactionRemovedEvent:
		b.reaction(ctx, ev, reaction{User: e.User, Emoji: e.Reaction, ItemUser: e.ItemUser, ItemType: e.Item.Type, Channel: e.Item.Channel, TS: e.Item.Timestamp, EventTS: e.EventTimestamp}, false)
	default:
		b.log.Debug("event ignored", "type", ev.Inner.Type)
	}
}

// reaction is the part of reaction_added/removed that kudos need.
type reaction struct {
	User, Emoji, ItemUser, ItemType, Channel, TS, EventTS string
}

// baseEmoji strips a skin tone: "raised_hands::skin-tone-3" → "raised_hands".
func baseEmoji(name string) string {
	base, _, _ := strings.Cut(name, "::")
	return base
}

func (b *Bot) reaction(ctx context.Context, ev Event, r reaction, added bool) {
	emoji := baseEmoji(r.Emoji)
	if !b.kudosEmoji[emoji] || r.ItemType != "message" || r.User == "" {
		return
	}
	log := b.log.With("event_id", ev.ID, "giver", r.User, "channel", r.Channel, "ts", r.TS, "emoji", emoji, "added", added)
	if ev.ID != "" {
		first, err := b.store.Once(ctx, "event:"+ev.ID)
		if err != nil {
			log.Error("could not check the event for duplicates", "error", err)
			return
		}
		if !first {
			log.Debug("duplicate event ignored", "retry_attempt", ev.RetryAttempt)
			return
		}
	}
	if !added {
		n, err := b.store.RemoveKudos(ctx, r.User, r.Channel, r.TS, emoji)
		if err != nil {
			log.Error("kudos not taken back", "error", err)
			return
		}
		log.Debug("kudos taken back", "removed", n)
		return
	}

	gift, ok := b.kudosGift(ctx, log, r, emoji)
	if !ok {
		return
	}
	res, err := b.store.AddKudos(ctx, gift)
	switch {
	case err != nil:
		log.Error("kudos not kept", "error", err)
		if ev.ID != "" {
			_ = b.store.ForgetOnce(ctx, "event:"+ev.ID) // let a redelivery try again
		}
	case res.LimitReached:
		log.Info("daily kudos limit reached", "limit", b.dailyLimit)
		day := gift.DayStart.Format(time.DateOnly)
		if first, err := b.store.Once(ctx, fmt.Sprintf("kudos-limit:%s:%s", r.User, day)); err == nil && first {
			b.postEphemeral(ctx, r.Channel, r.User, compose.KudosLimitReached(b.dailyLimit))
		}
	case res.Duplicate:
		log.Debug("same reaction already counted")
	default:
		log.Debug("kudos given", "receivers", len(gift.Receivers))
	}
}

// kudosGift works out who receives kudos for a reaction: the message's
// author, or, on a story's shoutout, the people the story recognized. It
// says no for self-kudos, bots, messages no person wrote and the bot's
// other posts.
func (b *Bot) kudosGift(ctx context.Context, log interface{ Debug(string, ...any) }, r reaction, emoji string) (storage.KudosGift, bool) {
	g := storage.KudosGift{Giver: r.User, Channel: r.Channel, MessageTS: r.TS, Emoji: emoji, DailyMax: b.dailyLimit}
	if r.ItemUser == "" {
		log.Debug("message has no user author; no kudos")
		return g, false
	}
	giver, err := b.dir.user(ctx, r.User)
	if err == nil && (giver.IsBot || giver.Deleted) {
		log.Debug("giver is a bot; no kudos")
		return g, false
	}
	var candidates []string
	if r.ItemUser == b.botUserID {
		s, err := b.store.StoryByShoutout(ctx, r.Channel, r.TS)
		if err != nil {
			log.Debug("reaction on a bot post that is not a shoutout; no kudos")
			return g, false
		}
		g.StoryID, g.Private = s.ID, s.Private
		candidates = s.Recognized
	} else {
		candidates = []string{r.ItemUser}
		g.Private = b.isPrivate(ctx, r.Channel)
	}
	for _, c := range candidates {
		if c == r.User {
			continue // never to yourself
		}
		if u, err := b.dir.user(ctx, c); err == nil && (u.IsBot || u.Deleted) {
			continue
		}
		g.Receivers = append(g.Receivers, c)
	}
	if len(g.Receivers) == 0 {
		log.Debug("nobody to receive the kudos")
		return g, false
	}
	loc := b.loc
	if err == nil {
		loc = userLocation(giver.TZ, giver.TZOffset, b.loc)
	}
	g.DayStart, g.DayEnd = dayBounds(b.now(), loc)
	return g, true
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

// dayBounds returns the local day containing t in loc as [start, end).
func dayBounds(t time.Time, loc *time.Location) (time.Time, time.Time) {
	l := t.In(loc)
	start := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 0, 1)
}

var _ = extramile.Kudos{}
