// Package clock is the program's one source of time: the system clock in
// production, and a fake that tests move by hand (Fake), so that schedules,
// catch-ups, stored times and readiness all follow the same clock and a test
// can make a week pass in a millisecond.
//
// Only decisions read it (when a job fires, what day a kudos counts for, how
// long the socket was silent). Waits that are about the real world (pacing
// posts to Slack's rate limits, retry back-offs, lease renewals, shutdown
// budgets) keep real time.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time and waits for it.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// At returns a channel that receives the time once this clock reads t
	// or later (at once if it does already). A wait for a moment, rather
	// than for a duration, cannot be made late by the clock moving between
	// reading it and starting the wait.
	At(t time.Time) <-chan time.Time
}

// System returns the machine's clock (time.Now, and timers for At).
func System() Clock { return system{} }

type system struct{}

func (system) Now() time.Time                  { return time.Now() }
func (system) At(t time.Time) <-chan time.Time { return time.After(time.Until(t)) }

// Fake is a Clock that moves only when told (Advance, Set). Its zero value
// is not usable: create it with NewFake. It is safe for concurrent use.
type Fake struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

// waiter is a pending At.
type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewFake returns a fake clock reading t.
func NewFake(t time.Time) *Fake {
	return &Fake{now: t}
}

// Now implements Clock.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// At implements Clock: the channel receives once Advance or Set has moved
// the clock to t or later.
func (f *Fake) At(t time.Time) <-chan time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	ch := make(chan time.Time, 1)
	if !t.After(f.now) {
		ch <- f.now
		return ch
	}
	f.waiters = append(f.waiters, waiter{at: t, ch: ch})
	return ch
}

// After returns a channel that receives once the clock has moved d past
// now (for tests' own waits; At is the Clock's).
func (f *Fake) After(d time.Duration) <-chan time.Time { return f.At(f.Now().Add(d)) }

// Advance moves the clock forward by d and wakes the waits that are due.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.set(f.now.Add(d))
}

// Set moves the clock to t (forward or back) and wakes the waits that are
// due at t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.set(t)
}

// set moves the clock; the caller holds f.mu.
func (f *Fake) set(t time.Time) {
	f.now = t
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if w.at.After(t) {
			kept = append(kept, w)
			continue
		}
		w.ch <- t // buffered, never received before: does not block
	}
	clear(f.waiters[len(kept):])
	f.waiters = kept
}
