package bot

import (
	"context"
	"sync"
	"time"

	"github.com/extramile/extramile"
)

// topTTL is how long a leaderboard answers /extramile top before it is read
// again: the same board asked for by many people at once (after a prompt,
// in a busy channel) is read once, and a story or kudos added a moment ago
// may take this long to show. Whatever takes a story or kudos away clears
// the boards at once (see topInvalidator): a deleted story no longer counts
// anywhere.
const topTTL = 2 * time.Second

// topCache keeps the latest leaderboard of each period. Its zero value is
// ready.
type topCache struct {
	mu      sync.Mutex
	entries map[string]*topEntry
	gen     uint64 // counts forget calls: a board read across one is not kept
}

type topEntry struct {
	turn    chan struct{} // one reader of the database at a time
	tallies []extramile.Tally
	at      time.Time // when tallies were read; zero before the first read
}

// get returns the leaderboard of period, from the cache when it was read
// less than topTTL before now, else by load (one load at a time per period:
// those who ask meanwhile wait and get its answer). It gives up when ctx
// is done.
func (c *topCache) get(ctx context.Context, period string, now time.Time, load func(context.Context) ([]extramile.Tally, error)) ([]extramile.Tally, error) {
	c.mu.Lock()
	if c.entries == nil {
		c.entries = map[string]*topEntry{}
	}
	e := c.entries[period]
	if e == nil {
		e = &topEntry{turn: make(chan struct{}, 1)}
		c.entries[period] = e
	}
	c.mu.Unlock()

	select {
	case e.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-e.turn }()
	c.mu.Lock()
	fresh := !e.at.IsZero() && now.Sub(e.at) < topTTL && !now.Before(e.at)
	cached, gen := e.tallies, c.gen
	c.mu.Unlock()
	if fresh {
		return cached, nil
	}
	tallies, err := load(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		e.tallies, e.at = tallies, now
	}
	c.mu.Unlock()
	return tallies, nil
}

// forget drops every cached board.
func (c *topCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, e := range c.entries {
		e.tallies, e.at = nil, time.Time{}
	}
}

// topInvalidator is the bot's Store with the leaderboards cleared whenever
// a story or kudos is changed or taken away.
type topInvalidator struct {
	Store
	tops *topCache
}

// UpdateStory implements Store.
func (s topInvalidator) UpdateStory(ctx context.Context, st *extramile.Story) error {
	defer s.tops.forget()
	return s.Store.UpdateStory(ctx, st)
}

// DeleteStory implements Store.
func (s topInvalidator) DeleteStory(ctx context.Context, id int64) error {
	defer s.tops.forget()
	return s.Store.DeleteStory(ctx, id)
}

// ForgetUser implements Store.
func (s topInvalidator) ForgetUser(ctx context.Context, user string) (int, int, error) {
	defer s.tops.forget()
	return s.Store.ForgetUser(ctx, user)
}

// RemoveKudos implements Store.
func (s topInvalidator) RemoveKudos(ctx context.Context, t extramile.KudosTakeBack) (int, bool, error) {
	defer s.tops.forget()
	return s.Store.RemoveKudos(ctx, t)
}

// ResolvePrivacy implements Store: rows turning public count on leaderboards.
func (s topInvalidator) ResolvePrivacy(ctx context.Context, channel string, private bool) (int, error) {
	defer s.tops.forget()
	return s.Store.ResolvePrivacy(ctx, channel, private)
}
