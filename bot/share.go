package bot

import (
	"context"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// share keeps a new story and publishes it after the ack. The story is
// stored first, in one transaction: whatever happens to the Slack calls
// afterwards, nothing the user wrote is lost.
func (b *Bot) share(ctx context.Context, s *extramile.Story) error {
	s.Private = b.isPrivate(ctx, s.Channel)
	if err := b.store.CreateStory(ctx, s); err != nil {
		return err
	}
	b.log.Info("story kept", "story", s.ID, "author", s.Author, "channel", s.Channel, "recognized", len(s.Recognized))
	b.goBackground(ctx, func(ctx context.Context) { b.publish(ctx, s) })
	return nil
}

// isPrivate reports whether a channel is private. When the bot cannot tell
// (a private channel it is not in answers channel_not_found), it says yes:
// a story is never shown more widely than its author chose.
func (b *Bot) isPrivate(ctx context.Context, channel string) bool {
	ch, err := b.dir.channel(ctx, channel)
	if err != nil {
		return true
	}
	return ch.IsPrivate || ch.IsIM || ch.IsMpIM
}

// publish posts the shoutout, thanks each recognized person by DM and
// confirms to the author. It is safe to call again for a story whose
// shoutout is still pending (after a restart): DMs are sent once per story
// and person.
func (b *Bot) publish(ctx context.Context, s *extramile.Story) {
	log := b.log.With("story", s.ID, "channel", s.Channel)
	ts, err := b.postShoutout(ctx, s)
	switch reason := undeliverableReason(err); {
	case err == nil:
		permalink, perr := b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: s.Channel, Ts: ts})
		if perr != nil {
			log.Warn("no permalink for the shoutout", "error", slackErr("chat.getPermalink", perr))
		}
		s.ShoutoutTS, s.Permalink = ts, permalink
		if err := b.store.SetShoutout(ctx, s.ID, ts, permalink); err != nil {
			log.Error("shoutout posted but not recorded", "ts", ts, "error", err)
		}
	case reason != "":
		log.Warn("shoutout cannot be posted in that channel; the story is kept", "reason", reason, "error", err)
		if err := b.store.SetShoutoutFailed(ctx, s.ID, fmt.Sprintf("%s: %v", reason, err)); err != nil {
			log.Error("could not record the undeliverable shoutout", "error", err)
		}
		b.dmOnce(ctx, fmt.Sprintf("undeliverable:%d", s.ID), s.Author, compose.Undeliverable(s, s.Channel, reason))
	default:
		// Slack failed after slack-go's retries (5xx, 429s, network): the story
		// stays pending and is published again at the next start.
		log.Error("shoutout not posted; it stays pending and is retried at the next start", "error", err)
		b.dmOnce(ctx, fmt.Sprintf("delayed:%d", s.ID), s.Author, compose.Error("Your story is saved, but Slack didn't let me post the shoutout just now. I'll try again when I restart; nothing is lost."))
		return
	}

	for _, u := range s.Recognized {
		if u == s.Author {
			continue // the author gets the confirmation instead
		}
		b.dmOnce(ctx, fmt.Sprintf("thanks:%d:%s", s.ID, u), u, compose.ThankYouDM(s, s.Permalink))
	}
	if s.ShoutoutTS != "" {
		if first, err := b.store.Once(ctx, fmt.Sprintf("confirm:%d", s.ID)); err == nil && first {
			b.postEphemeral(ctx, s.Channel, s.Author, compose.Confirmation(s, s.Permalink))
		}
	}
}

// postShoutout posts the story's shoutout, joining a public channel first if
// the bot is not in it yet.
func (b *Bot) postShoutout(ctx context.Context, s *extramile.Story) (string, error) {
	msg := compose.Shoutout(s, b.emojiList...)
	ts, err := b.post(ctx, s.Channel, msg)
	if slackCode(err) != "not_in_channel" {
		return ts, err
	}
	if _, _, _, jerr := b.api.JoinConversationContext(ctx, s.Channel); jerr != nil {
		return "", slackErr("conversations.join", jerr)
	}
	b.dir.forgetChannel(s.Channel)
	return b.post(ctx, s.Channel, msg)
}

// undeliverableReason says why a channel cannot take a shoutout, or "" when
// the error is not about the channel (and retrying later may work). A private
// channel the bot is not in answers channel_not_found, so that code is read
// as "private": the advice (invite the bot, or pick another channel) fits both.
func undeliverableReason(err error) string {
	switch slackCode(err) {
	case "not_in_channel", "method_not_supported_for_channel_type", "channel_not_found":
		return compose.ReasonPrivate
	case "is_archived", "channel_is_archived":
		return compose.ReasonArchived
	case "restricted_action", "missing_scope", "ekm_access_denied", "not_allowed_token_type", "invalid_blocks", "msg_blocks_too_long":
		return compose.ReasonOther
	}
	return ""
}

// dmOnce sends a DM at most once for key, so a resumed publish does not
// thank anyone twice. If sending fails the key is released for a later try.
func (b *Bot) dmOnce(ctx context.Context, key, user string, m compose.Message) {
	first, err := b.store.Once(ctx, "dm:"+key)
	if err != nil || !first {
		return
	}
	if _, err := b.post(ctx, user, m); err != nil {
		b.log.Warn("DM not sent", "user", user, "key", key, "error", err)
		if code := slackCode(err); code == "ratelimited" || code == "" {
			_ = b.store.ForgetOnce(ctx, "dm:"+key)
		}
	}
}
