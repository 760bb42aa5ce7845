package scheduler

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// fire is what the runner calls at a firing. The firing is the latest one of
// the job's schedule at or before now: cron starts a job only once its
// firing time has come, so a late start (by milliseconds, or after the
// machine slept) still gets a firing of the schedule, never the start time.
func (s *Scheduler) fire(ctx context.Context, t *task) {
	at := t.sched.Prev(s.now())
	if at.IsZero() {
		s.log.Error("job fired with no firing time at or before now", keyJob, t.Name, keySpec, t.Spec)
		return
	}
	t.last.Store(at.UnixNano())
	_ = s.invoke(ctx, t, at) // logged by invoke
}

// invoke runs t's body for the firing at, unless a run of t is in progress.
// It recovers a panic, logs the outcome with the job name and at, and
// returns the job's error (or ErrStillRunning, ErrPanicked) wrapped.
func (s *Scheduler) invoke(ctx context.Context, t *task, at time.Time) (err error) {
	log := s.log.With(keyJob, t.Name, keyScheduledAt, at)
	if s.onRun != nil {
		defer func() { s.onRun(t.Name, err) }() // runs last: sees a recovered panic
	}
	select {
	case t.busy <- struct{}{}:
	default:
		log.Warn("skipped run: job still running")
		return fmt.Errorf("run job %q for %s: %w", t.Name, at.Format(time.RFC3339), ErrStillRunning)
	}
	defer func() { <-t.busy }()
	defer func() {
		if r := recover(); r != nil {
			log.Error("job panicked", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("run job %q for %s: %w: %v", t.Name, at.Format(time.RFC3339), ErrPanicked, r)
		}
	}()
	start := s.now()
	if err := t.Run(ctx, at); err != nil {
		log.Error("job failed", keyErr, err)
		return fmt.Errorf("run job %q for %s: %w", t.Name, at.Format(time.RFC3339), err)
	}
	log.Info("job done", "took", s.now().Sub(start))
	return nil
}
