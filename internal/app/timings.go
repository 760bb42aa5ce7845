package app

import "time"

// The two hard limits every other duration of the program is derived from.
const (
	// slackAckLimit is how long Slack waits for the ack of an envelope
	// before it shows the user an error (and, for events, redelivers).
	slackAckLimit = 3 * time.Second
	// stopBudget is how long a stop (SIGTERM) may take in all: Docker's
	// default grace before SIGKILL.
	stopBudget = 10 * time.Second
)

// timings are the durations that must fit with one another, set in one
// place (newTimings) and handed to the parts that use them. timings_test
// checks how they relate.
type timings struct {
	// ackBudget bounds a command or interaction handler's work before its
	// ack (bot.Adapter.AckBudget): Slack's limit, less the ack's trip back.
	ackBudget time.Duration
	// promoteBefore: a writer waiting for the database whose context ends
	// this soon goes first (storage.DB.PromoteBefore). Handlers' contexts
	// end with the ack budget, so one that has waited about a second jumps
	// the queue in time to write and ack.
	promoteBefore time.Duration

	// The stop, in order: acks of envelopes in flight (the adapter's
	// DrainTimeout), scheduled jobs in flight, then shoutouts and DMs
	// started after acks. Together they stay under stopBudget.
	drain         time.Duration
	schedulerStop time.Duration
	background    time.Duration
	// postGrace lets a scheduled post already under way finish once its
	// job is told to stop (bot.Options.PostGrace): within the wait for
	// scheduled jobs, so the ledger records what Slack got.
	postGrace time.Duration
}

// newTimings derives the program's timings from Slack's ack limit and the
// stop budget.
func newTimings() timings {
	ack := slackAckLimit - 500*time.Millisecond // 2.5 s
	drain := ack + 1500*time.Millisecond        // 4 s: a handler's budget, then its ack reaching the socket
	sched := 2 * time.Second                    // scheduled posts are paced; one in flight finishes
	return timings{
		ackBudget:     ack,
		promoteBefore: ack - time.Second, // 1.5 s
		drain:         drain,
		schedulerStop: sched,
		background:    stopBudget - drain - sched - time.Second, // 3 s, leaving 1 s to close the database
		postGrace:     sched - 500*time.Millisecond,             // 1.5 s
	}
}
