package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// Time budgets of the Slack calls made before an ack (Slack waits 3 s for
// it): a look-up that takes longer is given up (see where each is used for
// what that means), and views.open is useless once its trigger expires.
const (
	lookupTimeout = 800 * time.Millisecond
	openTimeout   = 2500 * time.Millisecond
)

// errStoryGone stops the retries of a shoutout whose story was deleted (or
// posted by someone else) in the meantime.
var errStoryGone = errors.New("story deleted or already posted")

// share keeps a new story and publishes it after the ack. The story is
// stored first, in one transaction: whatever happens to the Slack calls
// afterwards, nothing the user wrote is lost. When Slack cannot tell in time
// whether the channel is private, the story is kept as private with its
// privacy pending, and resolved after the ack (see resolvePrivacy).
func (b *Bot) share(ctx context.Context, s *extramile.Story) error {
	s.Private, s.PrivacyPending = b.privacy(ctx, s.Channel)
	if err := b.store.CreateStory(ctx, s); err != nil {
		return err
	}
	b.metrics.StoryCreated()
	b.log.Info("story kept", "story", s.ID, "author", s.Author, "channel", s.Channel, "recognized", len(s.Recognized), "private", s.Private, "privacy_pending", s.PrivacyPending)
	if s.PrivacyPending {
		b.goBackground(ctx, func(ctx context.Context) { b.resolvePrivacy(ctx, s.Channel) })
	}
	b.goBackground(ctx, func(ctx context.Context) { b.publish(ctx, s) })
	return nil
}

// privacy says whether a channel is private, as far as Slack can tell within
// lookupTimeout. A private channel the bot is not in answers
// channel_not_found: that is an answer (private), and a story is never shown
// more widely than its author chose. Any other failure (a 429, a timeout,
// Slack's own errors) is no answer: pending is set, and the caller keeps the
// row as private until resolvePrivacy learns the truth.
func (b *Bot) privacy(ctx context.Context, channel string) (private, pending bool) {
	if strings.HasPrefix(channel, "D") {
		return true, false // a DM: private, nothing to ask
	}
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ch, err := b.dir.channel(ctx, channel)
	switch {
	case err == nil:
		return ch.IsPrivate || ch.IsIM || ch.IsMpIM, false
	case slackCode(err) == "channel_not_found":
		return true, false
	}
	b.log.Warn("could not tell whether a channel is private; keeping it private until Slack can tell", "channel", channel, "error", err)
	return true, true
}

// resolvePrivacy asks Slack, retrying for as long as it takes (until the
// program stops), whether a channel whose privacy is pending is private, and
// records the answer for every story and kudos kept there meanwhile. One
// channel is resolved by one call at a time; what a stop interrupts is
// resolved at the next start.
func (b *Bot) resolvePrivacy(ctx context.Context, channel string) {
	if _, busy := b.resolving.LoadOrStore(channel, true); busy {
		return
	}
	defer b.resolving.Delete(channel)
	var private bool
	err := b.retry(ctx, 0, func(ctx context.Context) error {
		ch, err := b.dir.channel(ctx, channel)
		switch {
		case err == nil:
			private = ch.IsPrivate || ch.IsIM || ch.IsMpIM
			return nil
		case slackCode(err) == "channel_not_found":
			private = true
			return nil
		case slackCode(err) == "":
			return err // the network: transient
		}
		return err
	})
	if err != nil {
		b.log.Warn("privacy still unknown; tried again at the next start", "channel", channel, "error", err)
		return
	}
	n, err := b.store.ResolvePrivacy(ctx, channel, private)
	if err != nil {
		b.log.Error("could not record a channel's privacy", "channel", channel, "error", err)
		return
	}
	b.log.Info("privacy resolved", "channel", channel, "private", private, "rows", n)
}

// resumePrivacy resolves, after a restart, the channels whose privacy was
// left pending.
func (b *Bot) resumePrivacy(ctx context.Context) {
	channels, err := b.store.PrivacyPending(ctx)
	if err != nil {
		b.log.Error("could not read the channels whose privacy is pending", "error", err)
		return
	}
	for _, ch := range channels {
		b.goBackground(ctx, func(ctx context.Context) { b.resolvePrivacy(ctx, ch) })
	}
}

// publish posts the shoutout, thanks each recognized person by DM and
// confirms to the author. It is meant for a story whose shoutout is not
// posted yet (new, resumed after a restart, or "Try again" after a channel
// refused it); DMs and the confirmation go out once per story and person,
// however often it runs, and the shoutout once in Slack (deliver: when an
// earlier post's answer was lost, here or in a process that died, the bot
// looks for it before posting).
//
// A Slack failure that may pass (rate limits, Slack's own errors, the
// network) is retried with backoff until it works or the program stops; the
// story then stays pending and the next start resumes it. Every refusal is
// final, an unknown error code too once tried a few times: it is recorded,
// the author gets a DM with their story and what to do, and the people are
// still thanked. One story is published by one call at a time: a second
// call meanwhile returns at once with busy set.
func (b *Bot) publish(ctx context.Context, s *extramile.Story) published {
	if _, busy := b.posting.LoadOrStore(s.ID, true); busy {
		return published{busy: true}
	}
	defer b.posting.Delete(s.ID)
	log := b.log.With("story", s.ID, "channel", s.Channel)

	lease, err := b.leaseShoutout(ctx, s.ID)
	switch {
	case err != nil:
		log.Error("could not claim the shoutout; it stays pending", "error", err)
		return published{}
	case lease == nil:
		log.Info("another process is publishing this shoutout (or it is posted); leaving it alone")
		return published{busy: true}
	}
	defer lease.release(ctx)

	b.sourceLink(ctx, s)
	ts, err := b.postShoutoutRetrying(ctx, s, lease)
	switch reason := b.shoutoutRefusal(s, err); {
	case err == nil:
		// Record the ts at once: until the database knows it, a resumed
		// publish has to look for the post. The permalink follows.
		if err := b.store.SetShoutout(ctx, s.ID, ts, ""); err != nil {
			log.Error("shoutout posted but not recorded", "ts", ts, "error", err)
		}
		var permalink string
		perr := b.retry(ctx, dmAttempts, func(ctx context.Context) error {
			var err error
			permalink, err = b.api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: s.Channel, Ts: ts})
			return slackErr("chat.getPermalink", err)
		})
		if perr != nil {
			log.Warn("no permalink for the shoutout", "error", perr)
		}
		s.ShoutoutTS, s.Permalink = ts, permalink
		if permalink != "" {
			if err := b.store.SetShoutout(ctx, s.ID, ts, permalink); err != nil {
				log.Warn("shoutout recorded without its permalink", "ts", ts, "error", err)
			}
		}
		log.Info("shoutout posted", "ts", ts)
	case errors.Is(err, errStoryGone):
		log.Info("story deleted or posted while its shoutout was retried; nothing to post")
		return published{}
	case reason != "":
		log.Warn("shoutout cannot be posted in that channel; the story is kept", "reason", reason, "error", err)
		if err := b.store.SetShoutoutFailed(ctx, s.ID, fmt.Sprintf("%s: %v", reason, err)); err != nil {
			log.Error("could not record the undeliverable shoutout", "error", err)
		}
		b.dmStory(ctx, keyUndeliverableTold(s.ID), s.Author, compose.Undeliverable(s, s.Channel, reason), s.ID, extramile.MessageUndeliverable)
		b.thank(ctx, s)
		b.refreshHomes(ctx, append([]string{s.Author}, s.Recognized...)...)
		return published{reason: reason}
	default:
		// The program is stopping, the lease went to another process, or
		// the database failed: the story stays pending and the next start
		// (or the other process) tries again, looking first.
		log.Error("shoutout not posted; it stays pending and is tried again at the next start", "error", err)
		return published{}
	}

	b.thank(ctx, s)
	b.refreshHomes(ctx, append([]string{s.Author}, s.Recognized...)...)
	if s.ShoutoutTS != "" {
		if first, err := b.store.Once(ctx, string(keyConfirmed(s.ID))); err == nil && first {
			b.confirm(ctx, s)
		}
	}
	return published{posted: true}
}

// published says how a publish ended.
type published struct {
	posted bool   // the shoutout is posted
	reason string // why the channel cannot take it (see shoutoutRefusal), or ""
	busy   bool   // another publish of the story was under way
}

// thank DMs each recognized person once per story, except the author (who
// gets the confirmation instead).
func (b *Bot) thank(ctx context.Context, s *extramile.Story) {
	for _, u := range s.Recognized {
		if u == s.Author {
			continue
		}
		b.dmStory(ctx, keyThanked(s.ID, u), u, compose.ThankYouDM(s, s.Permalink), s.ID, extramile.MessageThanks)
	}
}

// confirm shows the author, ephemerally in the story's channel, that their
// story is shared, with the link; a DM when Slack refuses the ephemeral.
func (b *Bot) confirm(ctx context.Context, s *extramile.Story) {
	m := compose.Confirmation(s, s.Permalink)
	err := b.showEphemeral(ctx, s.Channel, s.Author, m)
	if err == nil {
		return
	}
	b.log.Debug("ephemeral confirmation failed; sending a DM instead", "story", s.ID, "error", err)
	if _, err := b.post(ctx, s.Author, m); err != nil {
		b.log.Warn("could not confirm the story to its author", "story", s.ID, "error", err)
	}
}

// postShoutoutRetrying posts the shoutout exactly once (deliver), joining a
// public channel first if the bot is not in it, and retrying failures that
// may pass. The database learns first that a post may go out, so that a
// process resuming the story after a crash looks for it before posting.
// Before each retry it checks the story is still there and still pending,
// so a story deleted meanwhile (forget-me) is never posted, and that this
// process still holds the lease on it.
func (b *Bot) postShoutoutRetrying(ctx context.Context, s *extramile.Story, lease *shoutoutLease) (string, error) {
	first, before, err := b.store.MarkShoutoutPosting(ctx, s.ID)
	switch {
	case extramile.ErrorCode(err) == extramile.ENOTFOUND:
		return "", errStoryGone
	case err != nil:
		return "", err
	}
	p := &post{to: s.Channel, msg: compose.Shoutout(s, b.conf.KudosEmoji(ctx)...), tag: shoutoutTag(s.ID), join: true}
	if before {
		// An earlier post's outcome is unknown: it may be in Slack.
		p.since, p.look = first, true
	}
	check := func(ctx context.Context, attempt int, last error) error {
		if lease.lost() {
			return errLeaseLost
		}
		cur, err := b.store.FindStory(ctx, s.ID)
		switch {
		case extramile.ErrorCode(err) == extramile.ENOTFOUND:
			return errStoryGone
		case err != nil:
			return err
		case cur.ShoutoutTS != "":
			return errStoryGone
		}
		if attempt == delayedAfter+1 {
			b.log.Warn("shoutout still not posted; telling its author", "story", s.ID, "error", last)
			b.goBackground(ctx, func(ctx context.Context) {
				b.dmOnce(ctx, keyDelayedTold(s.ID), s.Author, compose.Error(
					"Your story is saved, but Slack isn't letting me post the shoutout just now. I'll keep trying, and nothing is lost."))
			})
		}
		return nil
	}
	if lease.lost() {
		return "", errLeaseLost
	}
	d, err := b.deliver(ctx, p, 0, check)
	return d.ts, err
}

// shoutoutRefusal says why story s's channel will not take its shoutout
// (err is the last try's), or "" when err is no final refusal. A private
// channel the bot is not in and a deleted one both answer
// channel_not_found: a channel known to be public when the story was kept,
// or one the bot is in, was deleted (ReasonNotFound); otherwise it is read
// as private (the advice, invite the bot, fits both).
func (b *Bot) shoutoutRefusal(s *extramile.Story, err error) string {
	reason, ok := refusal(err)
	if !ok {
		return ""
	}
	if reason == compose.ReasonNotFound && (s.Private || s.PrivacyPending) && !b.members.has(s.Channel) {
		return compose.ReasonPrivate
	}
	return reason
}

// dmStory sends a DM that shows story storyID's text (dmOnce), and records
// it, so that deleting the story removes its text from the DM too.
func (b *Bot) dmStory(ctx context.Context, key onceKey, user string, m compose.Message, storyID int64, kind extramile.StoryMessageKind) {
	// chat.postMessage to a user ID posts in the app's DM with them; the
	// message lives in that DM channel, which chat.update needs.
	channel, ts := b.dmOnce(ctx, key, user, m)
	if ts == "" {
		return
	}
	if err := b.store.AddStoryMessage(ctx, extramile.StoryMessage{StoryID: storyID, Channel: channel, TS: ts, Kind: kind}); err != nil {
		b.log.Warn("could not record a DM showing a story", "story", storyID, "error", err)
	}
}
