package bot

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// Pacing of the bot's own retries of Slack calls that failed for a reason
// that may pass (slack-go has already retried 429s and 5xx by then): the
// first retry after retryFirst, then twice as long each time up to retryMax.
const (
	retryFirst = 500 * time.Millisecond
	retryMax   = 5 * time.Minute
	// dmAttempts bounds the tries of a DM, a permalink or a confirmation
	// (about 15 s in all): they are not worth holding a shoutout back for.
	dmAttempts = 5
	// delayedAfter is how many failed tries of a shoutout (about 30 s) go by
	// before its author hears that it is delayed.
	delayedAfter = 6
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
// however often it runs.
//
// A Slack failure that may pass (rate limits, Slack's own errors, the
// network) is retried with backoff until it works or the program stops; the
// story then stays pending and the next start resumes it. A channel that
// cannot take the shoutout (private without the bot, archived) is recorded,
// and the author gets a DM with their story and what to do. One story is
// published by one call at a time: a second call meanwhile returns at once
// with busy set.
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
	switch reason := undeliverableReason(err); {
	case err == nil:
		// Record the ts at once: the shorter the window between Slack
		// posting and the database knowing it, the less a crash can make a
		// resumed publish post the shoutout again. The permalink follows.
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
		// The program is stopping, or Slack refused for a reason retrying
		// cannot fix: the story stays pending and the next start tries again.
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
	reason string // why the channel cannot take it (see undeliverableReason), or ""
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
// story is shared, with the link; a DM when that cannot be done.
func (b *Bot) confirm(ctx context.Context, s *extramile.Story) {
	m := compose.Confirmation(s, s.Permalink)
	err := b.retry(ctx, dmAttempts, func(ctx context.Context) error {
		_, err := b.api.PostEphemeralContext(ctx, s.Channel, s.Author, msgOptions(m)...)
		return slackErr("chat.postEphemeral", err)
	})
	if err == nil {
		return
	}
	b.log.Debug("ephemeral confirmation failed; sending a DM instead", "story", s.ID, "error", err)
	if err := b.retry(ctx, dmAttempts, func(ctx context.Context) error { _, err := b.post(ctx, s.Author, m); return err }); err != nil {
		b.log.Warn("could not confirm the story to its author", "story", s.ID, "error", err)
	}
}

// postShoutoutRetrying posts the shoutout, retrying failures that may pass.
// Before each retry it checks the story is still there and still pending,
// so a story deleted meanwhile (forget-me) is never posted, and that this
// process still holds the lease on it.
func (b *Bot) postShoutoutRetrying(ctx context.Context, s *extramile.Story, lease *shoutoutLease) (string, error) {
	var ts string
	attempt := 0
	err := b.retry(ctx, 0, func(ctx context.Context) error {
		attempt++
		if lease.lost() {
			return errLeaseLost
		}
		if attempt > 1 {
			cur, err := b.store.FindStory(ctx, s.ID)
			switch {
			case extramile.ErrorCode(err) == extramile.ENOTFOUND:
				return errStoryGone
			case err != nil:
				return err
			case cur.ShoutoutTS != "":
				return errStoryGone
			}
		}
		var err error
		ts, err = b.postShoutout(ctx, s)
		if err != nil && attempt == delayedAfter {
			b.log.Warn("shoutout still not posted; telling its author", "story", s.ID, "error", err)
			b.goBackground(ctx, func(ctx context.Context) {
				b.dmOnce(ctx, keyDelayedTold(s.ID), s.Author, compose.Error(
					"Your story is saved, but Slack isn't letting me post the shoutout just now. I'll keep trying, and nothing is lost."))
			})
		}
		return err
	})
	return ts, err
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

// transient reports whether a failed Slack call may work if made again: a
// rate limit, one of Slack's own errors, a 5xx or a network failure (which
// carry no Slack error code). A stopping program is not transient.
func transient(err error) bool {
	if err == nil || errors.Is(err, errStoryGone) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var se *slackError
	if !errors.As(err, &se) {
		return false // not a Slack call: e.g. the database
	}
	switch se.Code {
	case "", "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
		return true
	}
	return false
}

// retry calls f until it succeeds, fails for a reason that will not pass,
// has been tried attempts times (0: no limit), or ctx ends or the program
// stops while it waits; it waits retryFirst, then twice as long each time up
// to retryMax, with some jitter. It returns f's last error. A call in flight
// is never cancelled by a stop: Slack may have done it already (a posted
// shoutout must be recorded, or the next start would post it again).
func (b *Bot) retry(ctx context.Context, attempts int, f func(ctx context.Context) error) error {
	delay := retryFirst
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil || !transient(err) || (attempts > 0 && attempt >= attempts) {
			return err
		}
		b.log.Debug("slack call failed; retrying", "attempt", attempt, "in", delay, "error", err)
		wait := delay + rand.N(delay/4+1) // #nosec G404 -- jitter needs no cryptographic randomness
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		case <-b.stop: // nil before Start: never ready
			t.Stop()
			return err
		}
		delay = min(delay*2, retryMax)
	}
}

// dmOnce sends a DM at most once for key, so a resumed publish does not
// thank anyone twice. Failures that may pass are retried a few times; if it
// still fails the key is released for a later try. It returns the DM's ts
// and the DM channel it went to ("" when it was not sent now).
func (b *Bot) dmOnce(ctx context.Context, key onceKey, user string, m compose.Message) (channel, ts string) {
	first, err := b.store.Once(ctx, string(key))
	if err != nil || !first {
		return "", ""
	}
	err = b.retry(ctx, dmAttempts, func(ctx context.Context) error {
		var err error
		channel, ts, err = b.postTo(ctx, user, m)
		return err
	})
	if err != nil {
		b.log.Warn("DM not sent", "user", user, "key", key, "error", err)
		if transient(err) || errors.Is(err, context.Canceled) {
			_ = b.store.ForgetOnce(context.WithoutCancel(ctx), string(key))
		}
		return "", ""
	}
	return channel, ts
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
