package bot

import (
	"context"
	"sync"
	"time"

	"github.com/slack-go/slack"
)

// directoryTTL is how long user and channel facts are trusted before they are
// asked again (users.info and conversations.info are tier 4, but a burst of
// reactions should not become a burst of look-ups).
const directoryTTL = 10 * time.Minute

// directory caches users.info and conversations.info answers.
type directory struct {
	api *slack.Client
	now func() time.Time

	mu       sync.Mutex
	users    map[string]cached[*slack.User]
	channels map[string]cached[*slack.Channel]
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
