package scheduler

import (
	"context"
	"fmt"
	"runtime/debug"
	"time"
)

// runLoop is the runner of one job: it waits on the scheduler's clock for
// each firing of t after from and starts a run for it, until Stop or the
// jobs' context ends. Like robfig/cron's runner, it reads the clock when it
// wakes and fires once for the latest firing due, so a late wake (a machine
// that slept, a clock moved far ahead) makes one late run, never a burst.
// A firing's run goes in its own goroutine: a slow run does not delay the
// next firing, which invoke skips while the run is in progress.
func (s *Scheduler) runLoop(ctx context.Context, t *task, from time.Time) {
	defer s.runner.Done()
	next := t.next(from)
	for !next.IsZero() {
		select {
		case <-s.clock.At(next):
		case <-s.stopRun:
			return
		case <-t.stop: // Reschedule replaced this task
			return
		case <-ctx.Done():
			return
		}
		now := s.now()
		if now.Before(next) {
			continue // the clock was set back: wait again
		}
		select {
		case <-s.stopRun: // Stop came while the timer fired: no new run
			return
		case <-t.stop:
			return
		default:
		}
		s.runner.Add(1)
		go func() {
			defer s.runner.Done()
			s.fire(ctx, t, now)
		}()
		next = t.next(now)
	}
}

// fire runs t for the latest firing of its schedule at or before now: the
// runner wakes only once a firing's time has come, so a late wake (by
// milliseconds, or after the machine slept) still gets a firing of the
// schedule, never the wake-up time.
func (s *Scheduler) fire(ctx context.Context, t *task, now time.Time) {
	at := t.sched.Prev(now)
	if at.IsZero() {
		s.log.Error("job fired with no firing time at or before now", keyJob, t.Name, keySpec, t.Spec)
		return
	}
	if !claimFiring(t, at) {
		return // Reschedule started it already
	}
	if !t.ranWall.IsZero() && wallClock(at).Equal(t.ranWall) {
		s.log.Info("skipped a firing: it ran in the time zone before the change", keyJob, t.Name, keyScheduledAt, at)
		return
	}
	at, ok := s.stillDue(ctx, t, at, now)
	if !ok {
		return
	}
	_ = s.invoke(ctx, t, at, TriggerSchedule) // logged by invoke
}

// stillDue asks Options.Current whether t still runs on the spec and zone it
// was planned with, for its firing at (claimed by the caller, so the
// re-planning below does not run it again as a due firing of the old
// schedule). When yes, at is run. When not (another process changed them),
// it re-plans the job, or every job for a new zone, and returns the current
// plan's latest firing at or before now if that firing came after the plan
// took effect and while this runner had the job (a runner that woke late):
// the other process ran it too, and the run ledger makes the second run a
// no-op. A firing of the new plan from before the change is never run, as
// Reschedule never runs one.
func (s *Scheduler) stillDue(ctx context.Context, t *task, at, now time.Time) (time.Time, bool) {
	if s.current == nil {
		return at, true
	}
	plan, ok := s.current(ctx, t.Name)
	if !ok || plan.Location == nil {
		return at, true
	}
	s.mu.Lock()
	sameZone := plan.Location.String() == s.loc.String()
	sameSpec := plan.Spec == s.byName[t.Name].Spec
	floor := t.floor
	s.mu.Unlock()
	if sameZone && sameSpec {
		return at, true
	}
	sched, err := Parse(plan.Spec, plan.Location)
	if err != nil {
		s.log.Warn("the current schedule does not parse; keeping the planned one", keyJob, t.Name, keySpec, plan.Spec, keyErr, err)
		return at, true
	}
	s.log.Info("schedule changed by another process: re-planning", keyJob, t.Name, "from", t.Spec, "to", plan.Spec, "zone", plan.Location.String(), "since", plan.Since)
	if !sameZone {
		if err := s.SetLocation(plan.Location); err != nil {
			s.log.Warn("could not follow the new time zone", keyErr, err)
		}
	}
	if !sameSpec {
		if err := s.Reschedule(t.Name, plan.Spec); err != nil {
			s.log.Warn("could not follow the new schedule", keyJob, t.Name, keyErr, err)
		}
	}
	due := sched.Prev(now)
	return due, !due.IsZero() && due.After(floor) && due.After(plan.Since)
}

// invoke runs t's body for the firing at, unless a run of t is in progress.
// It recovers a panic, logs the outcome with the job name and at, reports
// it to OnRun, and returns the job's error (or ErrStillRunning,
// ErrPanicked) wrapped.
func (s *Scheduler) invoke(ctx context.Context, t *task, at time.Time, why Trigger) (err error) {
	log := s.log.With(keyJob, t.Name, keyScheduledAt, at)
	if s.onRun != nil {
		defer func() { s.onRun(Run{Job: t.Name, ScheduledAt: at, Trigger: why, Err: err}) }() // runs last: sees a recovered panic
	}
	select {
	case t.busy <- struct{}{}:
	default:
		log.Warn("skipped run: job still running")
		return fmt.Errorf("run job %q for %s: %w", t.Name, at.Format(time.RFC3339), ErrStillRunning)
	}
	defer func() { <-t.busy }()
	for cur := t.ran.Load(); at.UnixNano() > cur && !t.ran.CompareAndSwap(cur, at.UnixNano()); cur = t.ran.Load() {
	}
	defer func() {
		if r := recover(); r != nil {
			log.Error("job panicked", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("run job %q for %s: %w: %v", t.Name, at.Format(time.RFC3339), ErrPanicked, r)
		}
	}()
	start := time.Now()
	if err := t.Run(ctx, at); err != nil {
		log.Error("job failed", keyErr, err)
		return fmt.Errorf("run job %q for %s: %w", t.Name, at.Format(time.RFC3339), err)
	}
	log.Info("job done", "took", time.Since(start))
	return nil
}

// claimFiring records at as the latest firing of t started, and reports
// whether it was not started yet: the runner and Reschedule may both find
// the same firing due, and only one of them runs it.
func claimFiring(t *task, at time.Time) bool {
	for {
		cur := t.last.Load()
		if at.UnixNano() <= cur {
			return false
		}
		if t.last.CompareAndSwap(cur, at.UnixNano()) {
			return true
		}
	}
}
