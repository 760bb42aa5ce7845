// Package scheduler decides when Extra Mile's recurring jobs run: the weekly
// prompt, the weekly roundup, the monthly digest and the daily kudos DM (the
// jobs are given to it; it names none of them).
//
// It knows cron specs, the time zone they are read in and calendar periods
// (months, ISO weeks); it knows nothing about Slack or storage. Jobs are plain
// funcs. Exactly-once delivery is left to the job bodies, which keep a run
// ledger keyed by (job, channel, scheduledAt): the scheduler's part of the
// bargain is that scheduledAt is deterministic. A firing always gets the same
// scheduledAt, whichever process, restart, catch-up or late timer computes it,
// because it is a firing time of the job's Schedule (a pure function of time),
// never the moment the job happened to start.
//
// Specs are read by github.com/robfig/cron/v3's parser into this package's
// own DST-safe Schedule values: a firing whose wall time falls in a
// spring-forward gap happens once, at the first instant after the gap, and a
// firing in a repeated fall-back hour happens once, at its first occurrence.
// The runner waits for each firing on an injected clock (Options.Clock), so
// tests move a fake clock to a firing instead of waiting for it. Panics in
// jobs are recovered and logged, a job still running is not started again,
// and runs missed while the process was down can be caught up within a grace
// window (Options.Catchup). What became of each run is reported as a typed
// value (Options.OnRun, Options.OnMissed).
package scheduler
