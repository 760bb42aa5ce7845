package scheduler

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// These tests use the real runner and clock with "@every 1s"; they wait on
// channels and log lines, never sleep, and take about two seconds.

// startRunner adds j to a new real-time Scheduler, starts it and stops it
// at the end of the test.
func startRunner(t *testing.T, j Job) *logBuffer {
	t.Helper()
	logger, logs := newLogger()
	s := New(Options{Logger: logger})
	if err := s.Add(j); err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	t.Cleanup(func() { stop(t, s) })
	return logs
}

func TestRunnerFiresOnWholeSeconds(t *testing.T) {
	t.Parallel()
	fired := make(chan time.Time, 10)
	startRunner(t, Job{Name: "tick", Spec: "@every 1s", Run: func(_ context.Context, at time.Time) error {
		select {
		case fired <- at:
		default:
		}
		return nil
	}})
	sched := mustParse(t, "@every 1s", nil)
	var prev time.Time
	for i := range 2 {
		at := receive(t, fired, "a firing")
		now := time.Now()
		switch {
		case at.Nanosecond() != 0:
			t.Errorf("firing %d: scheduledAt %s is not a whole second", i, at.Format(time.RFC3339Nano))
		case at.After(now) || now.Sub(at) > 5*time.Second:
			t.Errorf("firing %d: scheduledAt %s, want shortly before now (%s)", i, at.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
		case !sched.Prev(at).Equal(at):
			t.Errorf("firing %d: scheduledAt %s is not a firing of the schedule", i, at)
		case !at.After(prev):
			t.Errorf("firing %d: scheduledAt %s, want after the previous one %s", i, at, prev)
		}
		prev = at
	}
}

func TestRunnerRecoversPanics(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	after := make(chan time.Time, 10)
	logs := startRunner(t, Job{Name: "boom", Spec: "@every 1s", Run: func(_ context.Context, at time.Time) error {
		if calls.Add(1) == 1 {
			panic("first run blows up")
		}
		select {
		case after <- at:
		default:
		}
		return nil
	}})
	receive(t, after, "a firing after the panic")
	logs.waitFor(t, `msg="job panicked"`, "job=boom", "first run blows up")
}

func TestRunnerSkipsWhileRunning(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release := make(chan struct{})
	logs := startRunner(t, Job{Name: "slow", Spec: "@every 1s", Run: func(ctx context.Context, _ time.Time) error {
		if calls.Add(1) == 1 {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil
	}})
	logs.waitFor(t, "skipped run: job still running", "job=slow")
	if got := calls.Load(); got != 1 {
		t.Errorf("job started %d times while the first run was blocked, want 1", got)
	}
	close(release)
}
