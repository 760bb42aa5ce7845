package bot

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/slackapp"
)

// Slack sends a bot reactions (and messages) only from the conversations it
// is a member of, so where the bot is a member is where kudos count. The bot
// learns its channels from users.conversations at start and keeps them
// current from the events Slack sends it about itself: member_joined_channel
// (when it joins or is invited), member_left_channel, and channel_left or
// group_left (when it is removed).

// membershipPageSize is how many channels one page of users.conversations or
// conversations.list asks for (Slack recommends no more than 200).
const membershipPageSize = 200

// membershipRefresh is how often the bot lists its channels again, in case
// Slack withheld a channel_left ("It is sometimes withheld", per Slack's
// channel_left reference).
const membershipRefresh = 6 * time.Hour

// membershipRetryMax bounds the wait before listing again after
// users.conversations failed (it starts at ChannelPace.Retry and doubles).
const membershipRetryMax = 5 * time.Minute

// ChannelPace spaces the Web API calls that list and join channels, under
// Slack's rate tiers (per method and workspace): users.conversations and
// conversations.list are tier 2 (20+ a minute), conversations.join tier 3
// (50+ a minute). Zero fields take the defaults.
type ChannelPace struct {
	List time.Duration // between two pages of a listing; default 3 s
	Join time.Duration // between two joins; default 1.2 s
	// Retry is the first pause before listing or joining again after Slack
	// failed (it doubles on each failure); default 5 s.
	Retry time.Duration
}

// withDefaults fills in the zero fields.
func (p ChannelPace) withDefaults() ChannelPace {
	if p.List <= 0 {
		p.List = 3 * time.Second
	}
	if p.Join <= 0 {
		p.Join = 1200 * time.Millisecond
	}
	if p.Retry <= 0 {
		p.Retry = 5 * time.Second
	}
	return p
}

// membership is the set of channels (public and private) the bot is a member
// of, with what it knows of how it got there. Changes carry the event_ts of
// the event behind them: one older than the last change applied to the same
// channel is stale (events are handled concurrently, and may arrive out of
// order), and a listing that was under way when a change happened does not
// undo it. The zero value is ready: empty, and not loaded yet.
type membership struct {
	mu      sync.Mutex
	in      map[string]bool
	loaded  bool
	seq     int64                   // counts changes
	last    map[string]memberChange // the latest change of each channel
	joining map[string]bool         // joins under way (claimJoin)
}

// memberChange is one change of the bot's membership of a channel.
type memberChange struct {
	member bool
	ts     string // event_ts of the event behind it; "" for a join the bot made itself
	seq    int64
}

// set records that the bot joined (member) or left a channel, as of the
// event at eventTS ("" when unknown). It reports false, changing nothing,
// when a later change of the channel was applied already.
func (m *membership) set(channel string, member bool, eventTS string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last == nil {
		m.last = map[string]memberChange{}
	}
	if m.in == nil {
		m.in = map[string]bool{}
	}
	if prev, ok := m.last[channel]; ok && eventTS != "" && prev.ts != "" && extramile.CompareTS(eventTS, prev.ts) < 0 {
		return false
	}
	m.seq++
	m.last[channel] = memberChange{member: member, ts: eventTS, seq: m.seq}
	if member {
		m.in[channel] = true
	} else {
		delete(m.in, channel)
	}
	return true
}

// beginLoad marks the start of a listing; pass what it returns to finishLoad.
func (m *membership) beginLoad() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seq
}

// finishLoad replaces the set with the channels a listing found, then
// re-applies the changes recorded since the listing began (start), which
// the listing may have missed.
func (m *membership) finishLoad(start int64, channels []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in := make(map[string]bool, len(channels))
	for _, c := range channels {
		in[c] = true
	}
	for c, ch := range m.last {
		switch {
		case ch.seq <= start:
		case ch.member:
			in[c] = true
		default:
			delete(in, c)
		}
	}
	m.in, m.loaded = in, true
}

// channels returns the channels the bot is in, sorted, and whether it has
// listed them yet.
func (m *membership) channels() ([]string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.in))
	for c := range m.in {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, m.loaded
}

// has reports whether the bot is in channel, as far as it knows.
func (m *membership) has(channel string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.in[channel]
}

// claimJoin reports whether the caller may join channel now: not when the
// bot is in it or another join of it is under way. Call doneJoin after.
func (m *membership) claimJoin(channel string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.in[channel] || m.joining[channel] {
		return false
	}
	if m.joining == nil {
		m.joining = map[string]bool{}
	}
	m.joining[channel] = true
	return true
}

// doneJoin ends a join claimed with claimJoin.
func (m *membership) doneJoin(channel string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.joining, channel)
}

// untilStop returns a context that ends when the program stops (Start's
// context) or cancel is called, whatever happens to ctx.
func (b *Bot) untilStop(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := b.stop
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// sleep waits d, or until ctx ends (then it reports false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// keepMembership lists the bot's channels, and again every
// membershipRefresh, until the program stops. When Slack does not answer it
// logs why and tries again with a growing pause: the bot serves meanwhile,
// and the membership events it gets still count.
func (b *Bot) keepMembership(ctx context.Context) {
	ctx, cancel := b.untilStop(ctx)
	defer cancel()
	retry := b.channelPace.Retry
	for {
		n, err := b.loadMembership(ctx)
		if ctx.Err() != nil {
			return
		}
		wait := membershipRefresh
		if err != nil {
			b.log.Warn("could not list the channels the bot is in; trying again", "error", err, "retry_in", retry)
			wait, retry = retry, min(retry*2, membershipRetryMax)
		} else {
			b.log.Info("listed the channels the bot is in: kudos count there", "channels", n)
			retry = b.channelPace.Retry
		}
		if !sleep(ctx, wait) {
			return
		}
	}
}

// loadMembership lists the public and private channels the bot is in
// (users.conversations, paged and paced) and replaces what it knew. It
// returns how many there are.
func (b *Bot) loadMembership(ctx context.Context) (int, error) {
	start := b.members.beginLoad()
	var all []string
	p := &slack.GetConversationsForUserParameters{Types: []string{"public_channel", "private_channel"}, Limit: membershipPageSize, ExcludeArchived: true}
	for {
		if !b.listMembersPacer.wait(ctx, b.channelPace.List) {
			return 0, ctx.Err()
		}
		chans, next, err := b.api.GetConversationsForUserContext(ctx, p)
		if err != nil {
			return 0, slackErr("users.conversations", err)
		}
		for _, c := range chans {
			all = append(all, c.ID)
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	b.members.finishLoad(start, all)
	return len(all), nil
}

// memberJoined handles member_joined_channel: the bot joined a channel, or
// was invited (other people's joins are none of its business).
func (b *Bot) memberJoined(_ context.Context, _ slackapp.Event, e *slackevents.MemberJoinedChannelEvent) {
	if e.User != b.botUserID {
		b.log.Debug("event ignored: someone else joined a channel", "channel", e.Channel)
		return
	}
	if b.members.set(e.Channel, true, e.EventTimestamp) {
		b.dir.forgetChannel(e.Channel)
		b.log.Info("the bot is in a channel now: kudos there count", "channel", e.Channel, "inviter", e.Inviter)
	}
}

// memberLeft handles member_left_channel for the bot itself.
func (b *Bot) memberLeft(_ context.Context, _ slackapp.Event, e *slackevents.MemberLeftChannelEvent) {
	if e.User != b.botUserID {
		b.log.Debug("event ignored: someone else left a channel", "channel", e.Channel)
		return
	}
	b.leftChannel(e.Channel, e.EventTimestamp)
}

// channelLeft handles channel_left: the bot was removed from a public
// channel.
func (b *Bot) channelLeft(_ context.Context, _ slackapp.Event, e *slackevents.ChannelLeftEvent) {
	b.leftChannel(e.Channel, e.EventTimestamp)
}

// groupLeft handles group_left: the bot was removed from a private channel.
func (b *Bot) groupLeft(_ context.Context, _ slackapp.Event, e *slackevents.GroupLeftEvent) {
	b.leftChannel(e.Channel, e.EventTimestamp)
}

// leftChannel handles the bot leaving, or being removed from, a channel
// (channel_left, group_left, member_left_channel).
func (b *Bot) leftChannel(channel, eventTS string) {
	if b.members.set(channel, false, eventTS) {
		b.dir.forgetChannel(channel)
		b.log.Info("the bot left a channel: kudos there no longer reach it", "channel", channel)
	}
}
