package scheduler

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/clock"
)

// mustLoad loads a zone or fails the test.
func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load location %q: %v", name, err)
	}
	return loc
}

// mustParse parses spec in loc or fails the test.
func mustParse(tb testing.TB, spec string, loc *time.Location) Schedule {
	tb.Helper()
	s, err := Parse(spec, loc)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", spec, err)
	}
	return s
}

// fixed is a fake clock reading t.
func fixed(t time.Time) *clock.Fake { return clock.NewFake(t) }

// outcomes records what OnRun and OnMissed hear, and signals each run.
type outcomes struct {
	mu     sync.Mutex
	runs   []Run
	missed []Missed
	ran    chan Run // every run heard, for tests that wait (buffered)
}

func newOutcomes() *outcomes { return &outcomes{ran: make(chan Run, 100)} }

// options returns Options that report to o.
func (o *outcomes) options(opts Options) Options {
	opts.OnRun = func(r Run) {
		o.mu.Lock()
		o.runs = append(o.runs, r)
		o.mu.Unlock()
		select {
		case o.ran <- r:
		default:
		}
	}
	opts.OnMissed = func(m Missed) {
		o.mu.Lock()
		defer o.mu.Unlock()
		o.missed = append(o.missed, m)
	}
	return opts
}

// runsOf returns the runs of job heard so far (every job for "").
func (o *outcomes) runsOf(job string) []Run {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Run
	for _, r := range o.runs {
		if job == "" || r.Job == job {
			out = append(out, r)
		}
	}
	return out
}

// missedOf returns the missed firings of job heard so far.
func (o *outcomes) missedOf(job string) []Missed {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Missed
	for _, m := range o.missed {
		if m.Job == job {
			out = append(out, m)
		}
	}
	return out
}

// receive waits for a value on ch, or fails the test after 5s.
func receive[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		tb.Fatalf("timed out after 5s waiting for %s", what)
		panic("unreachable")
	}
}

// startJob starts a Scheduler with opts and one job, name on spec, that
// records each run and signals it on the returned channel; the Scheduler is
// stopped at the end of the test.
func startJob(tb testing.TB, opts Options, name, spec string) (*Scheduler, *recorder, chan time.Time) {
	tb.Helper()
	rec := &recorder{}
	ran := make(chan time.Time, 10)
	s := New(opts)
	if err := s.Add(Job{Name: name, Spec: spec, Run: func(ctx context.Context, at time.Time) error {
		_ = rec.run(ctx, at)
		ran <- at
		return nil
	}}); err != nil {
		tb.Fatal(err)
	}
	s.Start(context.Background())
	tb.Cleanup(func() { stop(tb, s) })
	return s, rec, ran
}
