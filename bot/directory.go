package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// directoryTTL is how long user and channel facts are trusted before they are
// asked again (users.info and conversations.info are tier 4, but a burst of
// reactions should not become a burst of look-ups).
const directoryTTL = 10 * time.Minute

// users.list, for many look-ups at once (directory.fillUsers): Slack's
// users.list is rate tier 2 (about 20 calls a minute) and pages by cursor;
// "specify a limit value under 1000. We recommend no more than 200 results at
// a time" (https://docs.slack.dev/reference/methods/users.list). users.info
// (tier 4, about 100 a minute) stays for single look-ups.
const (
	usersListPage = 200
	// usersListTries bounds the tries of one page Slack answers with
	// rate_limited (after slack-go's own retries): each waits Retry-After.
	usersListTries = 5
)

// directory caches users.info and conversations.info answers.
type directory struct {
	api *slack.Client
	now func() time.Time

	mu       sync.Mutex
	users    map[string]cached[*slack.User]
	channels map[string]cached[*slack.Channel]
}

// stale counts the users of ids whose cached profile is missing or older
// than directoryTTL.
func (d *directory) stale(ids []string) int {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, id := range ids {
		if c, ok := d.users[id]; !ok || now.Sub(c.at) >= directoryTTL {
			n++
		}
	}
	return n
}

// fillUsers caches the profile of every user of the workspace (deactivated
// people and bots included) from users.list, 200 a page, and returns how
// many it listed: for a 5,000-person workspace, 25 calls instead of 5,000
// users.info. A page Slack rate-limits is asked again after its
// Retry-After (on the real clock: it is Slack's pace), up to usersListTries
// times; the pages already read stay cached whatever happens.
//
// It reads at most maxPages pages (0: all): a pass that needs a few dozen
// people in a workspace of tens of thousands stops early and asks
// users.info about the ones the pages did not have.
func (d *directory) fillUsers(ctx context.Context, maxPages int) (int, error) {
	p := d.api.GetUsersPaginated(slack.GetUsersOptionLimit(usersListPage))
	n, tries, pages := 0, 0, 0
	for {
		if maxPages > 0 && pages >= maxPages {
			return n, nil
		}
		next, err := p.Next(ctx)
		var limited *slack.RateLimitedError
		switch {
		case p.Done(err):
			return n, nil
		case errors.As(err, &limited) && tries < usersListTries:
			tries++
			t := time.NewTimer(limited.RetryAfter)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return n, ctx.Err()
			}
			continue
		case err != nil:
			return n, slackErr("users.list", err)
		}
		tries, p = 0, next
		pages++
		at := d.now()
		d.mu.Lock()
		for i := range p.Users {
			d.users[p.Users[i].ID] = cached[*slack.User]{&p.Users[i], at}
		}
		d.mu.Unlock()
		n += len(p.Users)
	}
}

type cached[T any] struct {
	value T
	at    time.Time
}

func newDirectory(api *slack.Client, now func() time.Time) *directory {
	return &directory{api: api, now: now, users: map[string]cached[*slack.User]{}, channels: map[string]cached[*slack.Channel]{}}
}

// user returns the user's profile (deleted and bot users included).
func (d *directory) user(ctx context.Context, id string) (*slack.User, error) {
	d.mu.Lock()
	c, ok := d.users[id]
	d.mu.Unlock()
	if ok && d.now().Sub(c.at) < directoryTTL {
		return c.value, nil
	}
	u, err := d.api.GetUserInfoContext(ctx, id)
	if err != nil {
		return nil, slackErr("users.info", err)
	}
	d.mu.Lock()
	d.users[id] = cached[*slack.User]{u, d.now()}
	d.mu.Unlock()
	return u, nil
}

// channel returns what the bot can see of a conversation. A private channel
// the bot is not in answers channel_not_found.
func (d *directory) channel(ctx context.Context, id string) (*slack.Channel, error) {
	d.mu.Lock()
	c, ok := d.channels[id]
	d.mu.Unlock()
	if ok && d.now().Sub(c.at) < directoryTTL {
		return c.value, nil
	}
	ch, err := d.api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	if err != nil {
		return nil, slackErr("conversations.info", err)
	}
	d.mu.Lock()
	d.channels[id] = cached[*slack.Channel]{ch, d.now()}
	d.mu.Unlock()
	return ch, nil
}

// forgetChannel drops a cached channel (after joining it, or when it was archived).
func (d *directory) forgetChannel(id string) {
	d.mu.Lock()
	delete(d.channels, id)
	d.mu.Unlock()
}

// knownPublic reports whether conversations.info once said channel is a
// public channel (however long ago: a public channel stays visible to the
// bot, so a later channel_not_found means it was deleted).
func (d *directory) knownPublic(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	c, ok := d.channels[id]
	return ok && c.value != nil && !c.value.IsPrivate && !c.value.IsMpIM && !c.value.IsIM
}
