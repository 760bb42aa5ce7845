package bot

import (
	"strings"
	"sync"
	"time"
)

// reactionOrderTTL is how long the order of a reaction key is remembered
// after its last event: far longer than events of one key can be handled
// out of order in one process (they are handled as they arrive, seconds
// apart at most, and Slack's redeliveries come within minutes).
const reactionOrderTTL = 30 * time.Minute

// reactionOrder keeps the kudos of each reaction key (giver, message, base
// emoji) in Slack's order of events, whatever order the bot handles them in:
// events are handled one at a time per key (acquire, release), and an event
// older than the last one applied for its key is stale, e.g. a
// reaction_removed handled before the reaction_added it undoes, or a late
// copy of an add that was removed since. It is memory only: the once-only
// ledger in the store covers redeliveries across restarts. The zero value
// is ready to use.
type reactionOrder struct {
	mu    sync.Mutex
	slots map[string]*orderSlot
	swept time.Time
}

// orderSlot is one reaction key's place in the order.
type orderSlot struct {
	key string
	mu  sync.Mutex // held by the event of the key being handled
	// last is the event_ts of the latest event applied; guarded by mu.
	last string

	// Guarded by reactionOrder.mu.
	users int       // goroutines holding or waiting for mu
	idle  time.Time // when the last user released it
}

// acquire returns key's slot, locked for the caller, waiting for any other
// event of the key being handled. Call release when done.
func (o *reactionOrder) acquire(key string, now time.Time) *orderSlot {
	o.mu.Lock()
	if o.slots == nil {
		o.slots = map[string]*orderSlot{}
	}
	if now.Sub(o.swept) > reactionOrderTTL {
		o.sweep(now)
	}
	s := o.slots[key]
	if s == nil {
		s = &orderSlot{key: key}
		o.slots[key] = s
	}
	s.users++
	o.mu.Unlock()
	s.mu.Lock()
	return s
}

// release unlocks a slot returned by acquire.
func (o *reactionOrder) release(s *orderSlot, now time.Time) {
	s.mu.Unlock()
	o.mu.Lock()
	s.users--
	s.idle = now
	o.mu.Unlock()
}

// sweep forgets the keys idle for longer than reactionOrderTTL. o.mu must
// be held.
func (o *reactionOrder) sweep(now time.Time) {
	for k, s := range o.slots {
		if s.users == 0 && now.Sub(s.idle) > reactionOrderTTL {
			delete(o.slots, k)
		}
	}
	o.swept = now
}

// size is how many keys are remembered (for tests).
func (o *reactionOrder) size() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.slots)
}

// stale reports whether an event with eventTS is not newer than the last
// event applied for the slot's key. An event without a time is never stale.
// The caller holds the slot.
func (s *orderSlot) stale(eventTS string) bool {
	return eventTS != "" && s.last != "" && compareTS(eventTS, s.last) <= 0
}

// applied records that the event with eventTS was applied. The caller
// holds the slot.
func (s *orderSlot) applied(eventTS string) {
	if eventTS != "" && (s.last == "" || compareTS(eventTS, s.last) > 0) {
		s.last = eventTS
	}
}

// compareTS compares two Slack timestamps ("1700000000.000100") as
// numbers: -1 if a is earlier than b, 0 if equal, +1 if later.
func compareTS(a, b string) int {
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	ai, bi = strings.TrimLeft(ai, "0"), strings.TrimLeft(bi, "0")
	switch {
	case len(ai) != len(bi):
		return sign(len(ai) - len(bi))
	case ai != bi:
		return strings.Compare(ai, bi)
	}
	af, bf = strings.TrimRight(af, "0"), strings.TrimRight(bf, "0")
	return strings.Compare(af, bf) // fractions without trailing zeros compare as digits
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
