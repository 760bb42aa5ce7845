package bot

import (
	"context"
	"strings"
	"sync"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// Reasons the message shortcut gives when it cannot share a message.
const (
	refuseBotMessage = "That message was posted by an app, not a person, so there is no one to thank for it. Share a story about the people behind it with `/extramile`."
	refuseNoAuthor   = "That message has no author I can thank (it is a notice from Slack). Share a story about the people behind it with `/extramile`."
)

// shortcut answers the global shortcut (the lightning menu): it opens the
// story modal, with no channel chosen (the shortcut carries none).
func (b *Bot) shortcut(ctx context.Context, cb slack.InteractionCallback) {
	if err := b.openModal(ctx, cb.TriggerID, cb.User.ID, compose.ModalMetadata{}, nil); err != nil {
		b.goBackground(ctx, func(ctx context.Context) {
			if _, err := b.post(ctx, cb.User.ID, compose.Error(extramile.ErrorMessage(err))); err != nil {
				b.log.Warn("could not tell why the story form did not open", "user", cb.User.ID, "error", err)
			}
		})
	}
}

// messageShortcut answers "Share as an extra-mile story" on a message: the
// story modal opens with the message's author as the person recognized and
// its text as the start of the story, and the story keeps where the message
// is, so its shoutout links back. Messages from apps, and Slack's own
// notices, are refused with the reason, shown to the person only.
func (b *Bot) messageShortcut(ctx context.Context, cb slack.InteractionCallback) {
	user, channel, msg := cb.User.ID, cb.Channel.ID, cb.Message
	tell := func(text string) {
		b.goBackground(ctx, func(ctx context.Context) {
			if cb.ResponseURL != "" {
				if err := b.respond(ctx, cb.ResponseURL, false, compose.Error(text)); err == nil {
					return
				}
			}
			b.postEphemeral(ctx, channel, user, compose.Error(text))
		})
	}
	switch {
	case msg.BotID != "" || msg.SubType == slack.MsgSubTypeBotMessage:
		b.log.Info("message shortcut refused: a message from an app", "user", user, "channel", channel)
		tell(refuseBotMessage)
		return
	case msg.User == "" || !strings.ContainsRune("UW", rune(msg.User[0])) || msg.User == "USLACKBOT":
		b.log.Info("message shortcut refused: a message without a person as author", "user", user, "channel", channel)
		tell(refuseNoAuthor)
		return
	}
	ts := msg.Timestamp
	if ts == "" {
		ts = cb.MessageTs
	}
	meta := compose.ModalMetadata{SourceChannel: channel, SourceTS: ts}
	if channel != "" && !strings.HasPrefix(channel, "D") && b.mayPostIn(ctx, channel) {
		meta.Channel = channel
	}
	prefill := &extramile.Story{
		Recognized: []string{msg.User},
		Text:       compose.StoryTextFromMessage(msg.Text, extramile.MaxStoryLength, b.mentionNames(ctx, msg.Text)),
	}
	if err := b.openModal(ctx, cb.TriggerID, user, meta, prefill); err != nil {
		tell(extramile.ErrorMessage(err))
	}
}

// maxPrefillMentions bounds the users.info look-ups a message shortcut
// makes before opening the form.
const maxPrefillMentions = 10

// mentionNames finds the names of the people text mentions, for the story
// form (see compose.StoryTextFromMessage), asking Slack for all of them at
// once and waiting no longer than the trigger_id allows: a name not known
// in time leaves its mention as it is.
func (b *Bot) mentionNames(ctx context.Context, text string) map[string]string {
	ids := compose.MentionedUsers(text, maxPrefillMentions)
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout/2)
	defer cancel()
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		names = map[string]string{}
	)
	for _, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u, err := b.dir.user(ctx, id)
			if err != nil || u == nil || u.Deleted {
				return
			}
			mu.Lock()
			names[id] = displayName(u)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return names
}

// sourceLink records the permalink of the message a story was shared from,
// when Slack gives one (a few tries; a story without its link is still a
// story).
func (b *Bot) sourceLink(ctx context.Context, s *extramile.Story) {
	if s.SourceTS == "" || s.SourceLink != "" {
		return
	}
	var link string
	err := b.retry(ctx, dmAttempts, func(ctx context.Context) error {
		var err error
		link, err = b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: s.SourceChannel, Ts: s.SourceTS})
		return slackErr("chat.getPermalink", err)
	})
	if err != nil || link == "" {
		b.log.Warn("no link to the message the story was shared from", "story", s.ID, "channel", s.SourceChannel, "error", err)
		return
	}
	if err := b.store.SetSourceLink(ctx, s.ID, link); err != nil {
		b.log.Warn("could not record the link to the message the story was shared from", "story", s.ID, "error", err)
		return
	}
	s.SourceLink = link
}
