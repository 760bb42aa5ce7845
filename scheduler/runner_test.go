package scheduler

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/clock"
)

// startRunner adds j to a new Scheduler on the system clock, starts it and
// stops it at the end of the test.
func startRunner(t *testing.T, j Job) {
	t.Helper()
	s := New(Options{})
	if err := s.Add(j); err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	t.Cleanup(func() { stop(t, s) })
}

// TestRunnerFiresOnWholeSeconds is the one test of the runner on the system
// clock ("@every 1s", about two seconds); the others move a fake clock.
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

// startOnClock adds jobs to a new Scheduler on a fake clock reading now,
// starts it and stops it at the end of the test.
func startOnClock(t *testing.T, now time.Time, jobs ...Job) (*clock.Fake, *outcomes) {
	t.Helper()
	clk, o := fixed(now), newOutcomes()
	s := New(o.options(Options{Clock: clk}))
	for _, j := range jobs {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	s.Start(context.Background())
	t.Cleanup(func() { stop(t, s) })
	return clk, o
}

// TestRunnerFollowsTheClock: the runner fires when its clock reaches a
// firing, never before, for that firing; a clock moved past several
// firings at once makes one run, for the latest.
func TestRunnerFollowsTheClock(t *testing.T) {
	t.Parallel()
	first := firstMonday10(t, time.UTC)
	fired := make(chan time.Time, 10)
	clk, o := startOnClock(t, first.Add(-time.Minute), Job{Name: "prompt", Spec: "0 10 * * MON", Run: func(_ context.Context, at time.Time) error {
		fired <- at
		return nil
	}})
	// The runner is quiet until the clock moves.
	clk.Advance(59 * time.Second)
	if got := o.runsOf(""); len(got) != 0 {
		t.Fatalf("runs a second before the firing: %+v", got)
	}
	clk.Advance(time.Second)
	if at := receive(t, fired, "the first firing"); !at.Equal(first) {
		t.Errorf("first run for %s, want %s", at, first)
	}
	r := receive(t, o.ran, "the first run heard")
	if r.Job != "prompt" || r.Trigger != TriggerSchedule || !r.ScheduledAt.Equal(first) || r.Err != nil {
		t.Errorf("run heard: %+v, want the prompt's scheduled run for %s, done", r, first)
	}

	// Three weeks at once (a machine that slept): one late run, for the
	// latest firing.
	latest := first.AddDate(0, 0, 21)
	clk.Set(latest.Add(5 * time.Minute))
	if at := receive(t, fired, "the late firing"); !at.Equal(latest) {
		t.Errorf("late run for %s, want the latest firing %s", at, latest)
	}
	receive(t, o.ran, "the late run heard")
	clk.Set(latest.AddDate(0, 0, 7).Add(-time.Second))
	select {
	case at := <-fired:
		t.Errorf("a run for %s before the next firing", at)
	default:
	}
	clk.Advance(time.Second)
	if at := receive(t, fired, "the next firing"); !at.Equal(latest.AddDate(0, 0, 7)) {
		t.Errorf("next run for %s, want %s", at, latest.AddDate(0, 0, 7))
	}
	receive(t, o.ran, "the next run heard")
	if n := len(o.runsOf("")); n != 3 {
		t.Errorf("%d runs heard, want 3: %+v", n, o.runsOf(""))
	}
}

func TestRunnerRecoversPanics(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	after := make(chan time.Time, 10)
	now := time.Date(2025, 3, 3, 9, 59, 59, 300_000_000, time.UTC)
	clk, o := startOnClock(t, now, Job{Name: "boom", Spec: "@every 1s", Run: func(_ context.Context, at time.Time) error {
		if calls.Add(1) == 1 {
			panic("first run blows up")
		}
		select {
		case after <- at:
		default:
		}
		return nil
	}})
	clk.Advance(time.Second)
	r := receive(t, o.ran, "the first run heard")
	if !errors.Is(r.Err, ErrPanicked) || !strings.Contains(r.Err.Error(), "first run blows up") || r.Job != "boom" {
		t.Errorf("first run heard: %+v, want ErrPanicked with the panic value", r)
	}
	clk.Advance(time.Second)
	if at := receive(t, after, "a firing after the panic"); !at.Equal(now.Add(2 * time.Second).Truncate(time.Second)) {
		t.Errorf("run after the panic for %s", at)
	}
}

func TestRunnerSkipsWhileRunning(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	release, started := make(chan struct{}), make(chan struct{})
	now := time.Date(2025, 3, 3, 9, 59, 59, 500_000_000, time.UTC)
	clk, o := startOnClock(t, now, Job{Name: "slow", Spec: "@every 1s", Run: func(ctx context.Context, _ time.Time) error {
		if calls.Add(1) == 1 {
			close(started)
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return nil
	}})
	clk.Advance(time.Second)
	receive(t, started, "the first run to start (it blocks)")
	for range 2 {
		clk.Advance(time.Second)
		r := receive(t, o.ran, "a firing while the first run blocks")
		if r.Job != "slow" || r.Trigger != TriggerSchedule || !errors.Is(r.Err, ErrStillRunning) {
			t.Errorf("run heard while the first is blocked: %+v, want skipped (ErrStillRunning)", r)
		}
	}
	if got := calls.Load(); got != 1 {
		t.Errorf("job started %d times while the first run was blocked, want 1", got)
	}
	close(release)
	if r := receive(t, o.ran, "the first run"); r.Err != nil {
		t.Errorf("first run heard: %+v, want done", r)
	}
}
