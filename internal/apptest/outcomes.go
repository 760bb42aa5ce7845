package apptest

import (
	"fmt"
	"sync"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
)

// Outcomes records what the program reports through app.Observer, in the
// order heard, across restarts and the processes a harness starts, and lets
// a test wait for them. It is safe for concurrent use.
type Outcomes struct {
	mu         sync.Mutex
	changed    chan struct{} // closed and replaced at each record
	reactions  []bot.ReactionOutcome
	posts      []bot.PostOutcome
	runs       []scheduler.Run
	missed     []scheduler.Missed
	unreadable []slackapp.UnreadEnvelope
}

func newOutcomes() *Outcomes { return &Outcomes{changed: make(chan struct{})} }

// observer is the app.Observer that records into o.
func (o *Outcomes) observer() app.Observer {
	return app.Observer{
		Reaction:   func(r bot.ReactionOutcome) { record(o, &o.reactions, r) },
		Post:       func(p bot.PostOutcome) { record(o, &o.posts, p) },
		Run:        func(r scheduler.Run) { record(o, &o.runs, r) },
		Missed:     func(m scheduler.Missed) { record(o, &o.missed, m) },
		Unreadable: func(u slackapp.UnreadEnvelope) { record(o, &o.unreadable, u) },
	}
}

// record appends v to list and wakes the waiters.
func record[T any](o *Outcomes, list *[]T, v T) {
	o.mu.Lock()
	defer o.mu.Unlock()
	*list = append(*list, v)
	close(o.changed)
	o.changed = make(chan struct{})
}

// matching returns the elements of list that keep selects, under o.mu.
func matching[T any](o *Outcomes, list *[]T, keep func(T) bool) []T {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []T
	for _, v := range *list {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// wait waits until at least n recorded elements of list keep, and returns
// them all; it fails the test after Timeout.
func wait[T any](h *Harness, list *[]T, n int, what string, keep func(T) bool) []T {
	h.T.Helper()
	o := h.outcomes
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	for {
		o.mu.Lock()
		changed := o.changed
		o.mu.Unlock()
		if got := matching(o, list, keep); len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			got := matching(o, list, keep)
			h.T.Fatalf("timed out after %v waiting for %d %s; got %d: %+v", Timeout, n, what, len(got), got)
			return nil
		}
	}
}

// Reactions returns the outcomes of the reaction events with eventID heard
// so far: one per delivery the bot finished with.
func (h *Harness) Reactions(eventID string) []bot.ReactionOutcome {
	return matching(h.outcomes, &h.outcomes.reactions, func(r bot.ReactionOutcome) bool { return r.EventID == eventID })
}

// WaitReaction waits until the bot has finished n deliveries of the reaction
// event eventID, and returns the outcome of the nth.
func (h *Harness) WaitReaction(eventID string, n int) bot.ReactionOutcome {
	h.T.Helper()
	got := wait(h, &h.outcomes.reactions, n, fmt.Sprintf("deliveries of reaction event %s handled", eventID),
		func(r bot.ReactionOutcome) bool { return r.EventID == eventID })
	return got[n-1]
}

// JobRuns returns the runs of job the scheduler finished so far, whatever
// triggered them and whatever they returned ("" for every job).
func (h *Harness) JobRuns(job string) []scheduler.Run {
	return matching(h.outcomes, &h.outcomes.runs, func(r scheduler.Run) bool { return job == "" || r.Job == job })
}

// WaitJobRuns waits until the scheduler has finished at least n runs of job
// (scheduled, caught up or on demand; done, failed or skipped), and returns
// them all in the order they ended.
func (h *Harness) WaitJobRuns(job string, n int) []scheduler.Run {
	h.T.Helper()
	return wait(h, &h.outcomes.runs, n, "runs of "+job, func(r scheduler.Run) bool { return r.Job == job })
}

// WaitRuns waits until the scheduler has finished at least n runs that keep
// selects (what names them in a failure), and returns them all.
func (h *Harness) WaitRuns(n int, what string, keep func(scheduler.Run) bool) []scheduler.Run {
	h.T.Helper()
	return wait(h, &h.outcomes.runs, n, what, keep)
}

// MissedRuns returns the firings the scheduler found too old to catch up at
// each start.
func (h *Harness) MissedRuns() []scheduler.Missed {
	return matching(h.outcomes, &h.outcomes.missed, func(scheduler.Missed) bool { return true })
}

// ScheduledPosts returns what became of each scheduled post in a channel,
// in order.
func (h *Harness) ScheduledPosts() []bot.PostOutcome {
	return matching(h.outcomes, &h.outcomes.posts, func(bot.PostOutcome) bool { return true })
}

// WaitUnreadable waits until the adapter has reported the envelope
// envelopeID unreadable, and returns the report.
func (h *Harness) WaitUnreadable(envelopeID string) slackapp.UnreadEnvelope {
	h.T.Helper()
	return wait(h, &h.outcomes.unreadable, 1, "unreadable envelope "+envelopeID,
		func(u slackapp.UnreadEnvelope) bool { return u.ID == envelopeID })[0]
}
