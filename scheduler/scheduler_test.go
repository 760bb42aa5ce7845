package scheduler

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a job body that records the firings it was run for.
type recorder struct {
	mu    sync.Mutex
	calls []time.Time
}

func (r *recorder) run(_ context.Context, at time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, at)
	return nil
}

func (r *recorder) got() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.calls...)
}

// stop stops s within 5s or fails the test.
func stop(tb testing.TB, s *Scheduler) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Stop(ctx); err != nil {
		tb.Fatalf("Stop: %v", err)
	}
}

// firstMonday10 is the first Monday 10:00 of 2099 in loc. Tests that start
// the real runner use fake clocks this far ahead: the runner never does a
// firing before its start's Now, so it stays quiet during the test.
func firstMonday10(tb testing.TB, loc *time.Location) time.Time {
	return mustParse(tb, "0 10 * * MON", loc).Next(time.Date(2099, 1, 1, 0, 0, 0, 0, loc))
}

func TestCatchup(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	p := firstMonday10(t, berlin)
	for _, tc := range []struct {
		name    string
		now     time.Time
		catchup time.Duration
		want    []time.Time // catch-up runs of "prompt"
		missed  bool        // the prompt's firing p is reported missed
	}{
		{name: "inside the window", now: p.Add(30 * time.Minute), catchup: time.Hour, want: []time.Time{p}},
		{name: "exactly at the firing", now: p, catchup: time.Hour, want: []time.Time{p}},
		{name: "at the edge of the window", now: p.Add(time.Hour), catchup: time.Hour, want: []time.Time{p}},
		{name: "outside the window", now: p.Add(time.Hour + time.Second), catchup: time.Hour, missed: true},
		{name: "no catch-up", now: p.Add(time.Minute), catchup: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newOutcomes()
			s := New(o.options(Options{Location: berlin, Catchup: tc.catchup, Clock: fixed(tc.now)}))
			var prompt, digest recorder
			if err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: prompt.run}); err != nil {
				t.Fatal(err)
			}
			// The digest's latest firing (1 January) is days old: never caught up.
			if err := s.Add(Job{Name: "digest", Spec: "0 10 1 * *", Run: digest.run}); err != nil {
				t.Fatal(err)
			}
			s.Start(context.Background())
			stop(t, s) // waits for the catch-ups

			if got := prompt.got(); !equalTimes(got, tc.want) {
				t.Errorf("prompt runs = %s, want %s", fmtTimes(got), fmtTimes(tc.want))
			}
			if got := digest.got(); len(got) != 0 {
				t.Errorf("digest runs = %s, want none", fmtTimes(got))
			}
			// Each catch-up is heard as one, for its firing.
			var caughtUp []time.Time
			for _, r := range o.runsOf("") {
				if r.Trigger != TriggerCatchup || r.Job != "prompt" || r.Err != nil {
					t.Errorf("run heard: %+v, want only the prompt's catch-ups, done", r)
					continue
				}
				caughtUp = append(caughtUp, r.ScheduledAt)
			}
			if !equalTimes(caughtUp, tc.want) {
				t.Errorf("catch-ups heard = %s, want %s", fmtTimes(caughtUp), fmtTimes(tc.want))
			}
			var missed []Missed
			if tc.missed {
				missed = append(missed, Missed{Job: "prompt", ScheduledAt: p, Age: tc.now.Sub(p), Catchup: tc.catchup})
			}
			if got := o.missedOf("prompt"); !equalMissed(got, missed) {
				t.Errorf("prompt's missed firings = %+v, want %+v", got, missed)
			}
			// With a catch-up window, the digest's old firing is told as
			// missed; without one, nothing is.
			if got := o.missedOf("digest"); (tc.catchup > 0) != (len(got) == 1) || len(got) > 1 {
				t.Errorf("digest's missed firings = %+v, want one when catching up (catchup %v)", got, tc.catchup)
			} else if len(got) == 1 && (got[0].Age <= tc.catchup || got[0].Catchup != tc.catchup) {
				t.Errorf("digest's missed firing %+v: want older than the window %v", got[0], tc.catchup)
			}
		})
	}
}

// equalMissed reports whether a and b hold the same missed firings in order.
func equalMissed(a, b []Missed) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Job != b[i].Job || !a[i].ScheduledAt.Equal(b[i].ScheduledAt) || a[i].Age != b[i].Age || a[i].Catchup != b[i].Catchup {
			return false
		}
	}
	return true
}

func TestAddErrors(t *testing.T) {
	run := func(context.Context, time.Time) error { return nil }
	s := New(Options{})
	if err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: run}); err != nil {
		t.Fatalf("Add: %v", err)
	}
	for _, tc := range []struct {
		job  Job
		want []string
	}{
		{Job{Name: "", Spec: "@weekly", Run: run}, []string{"empty name"}},
		{Job{Name: "digest", Spec: "@monthly"}, []string{`"digest"`, "nil Run"}},
		{Job{Name: "roundup", Spec: "0 16 * FRI", Run: run}, []string{`job "roundup"`, `"0 16 * FRI"`, "5 fields", "@weekly"}},
		{Job{Name: "prompt", Spec: "@weekly", Run: run}, []string{`"prompt"`, "already added"}},
	} {
		err := s.Add(tc.job)
		if err == nil {
			t.Errorf("Add(%+v) = nil, want an error", tc.job)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Add(%q, %q) error = %q, want it to contain %q", tc.job.Name, tc.job.Spec, err, w)
			}
		}
	}
	s.Start(context.Background())
	defer stop(t, s)
	if err := s.Add(Job{Name: "late", Spec: "@weekly", Run: run}); err == nil || !strings.Contains(err.Error(), "already started") {
		t.Errorf("Add after Start = %v, want an already started error", err)
	}
}

func TestEntries(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	now := time.Date(2025, 12, 31, 12, 0, 0, 0, ny) // a Wednesday
	s := New(Options{Location: ny, Clock: fixed(now)})
	run := func(context.Context, time.Time) error { return nil }
	for _, j := range []Job{
		{Name: "prompt", Spec: "0 10 * * MON", Run: run},
		{Name: "roundup", Spec: "0 16 * * FRI", Run: run},
		{Name: "digest", Spec: "0 10 1 * *", Run: run},
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	want := []Entry{
		{Name: "prompt", Spec: "0 10 * * MON", Description: "every Monday at 10:00", Next: time.Date(2026, 1, 5, 10, 0, 0, 0, ny)},
		{Name: "roundup", Spec: "0 16 * * FRI", Description: "every Friday at 16:00", Next: time.Date(2026, 1, 2, 16, 0, 0, 0, ny)},
		{Name: "digest", Spec: "0 10 1 * *", Description: "on the 1st of every month at 10:00", Next: time.Date(2026, 1, 1, 10, 0, 0, 0, ny)},
	}
	got := s.Entries()
	if len(got) != len(want) {
		t.Fatalf("Entries() = %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name || g.Spec != w.Spec || g.Description != w.Description || !g.Next.Equal(w.Next) {
			t.Errorf("Entries()[%d] = %+v, want %+v", i, g, w)
		}
	}
}

func TestRunNow(t *testing.T) {
	o := newOutcomes()
	s := New(o.options(Options{}))
	errBoom := errors.New("slack said no")
	at := time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	type ctxKey struct{}

	var rec recorder
	release, started := make(chan struct{}), make(chan struct{})
	for _, j := range []Job{
		{Name: "ok", Spec: "@weekly", Run: func(ctx context.Context, at time.Time) error {
			if ctx.Value(ctxKey{}) != "caller" {
				return errors.New("job did not get the caller's context")
			}
			return rec.run(ctx, at)
		}},
		{Name: "fails", Spec: "@weekly", Run: func(context.Context, time.Time) error { return errBoom }},
		{Name: "panics", Spec: "@weekly", Run: func(context.Context, time.Time) error { panic("nil map somewhere") }},
		{Name: "blocks", Spec: "@weekly", Run: func(context.Context, time.Time) error {
			close(started)
			<-release
			return nil
		}},
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()

	if err := s.RunNow(context.WithValue(ctx, ctxKey{}, "caller"), "ok", at); err != nil {
		t.Errorf("RunNow(ok) = %v, want nil", err)
	}
	if got := rec.got(); !equalTimes(got, []time.Time{at}) {
		t.Errorf("ok runs = %s, want [%s]", fmtTimes(got), at)
	}

	if err := s.RunNow(ctx, "nope", at); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("RunNow(nope) = %v, want ErrUnknownJob", err)
	}

	if err := s.RunNow(ctx, "fails", at); !errors.Is(err, errBoom) {
		t.Errorf("RunNow(fails) = %v, want the job's error", err)
	}
	if runs := o.runsOf("fails"); len(runs) != 1 || !runs[0].ScheduledAt.Equal(at) || runs[0].Trigger != TriggerRunNow ||
		!errors.Is(runs[0].Err, errBoom) || !strings.Contains(runs[0].Err.Error(), `"fails"`) || !strings.Contains(runs[0].Err.Error(), "2025-03-03T10:00:00Z") {
		t.Errorf("runs of fails heard: %+v; want one, on demand, for %s, with the job's error naming the job and the firing", runs, at)
	}

	if err := s.RunNow(ctx, "panics", at); !errors.Is(err, ErrPanicked) || !strings.Contains(err.Error(), "nil map somewhere") {
		t.Errorf("RunNow(panics) = %v, want ErrPanicked with the panic value", err)
	}
	if runs := o.runsOf("panics"); len(runs) != 1 || !runs[0].ScheduledAt.Equal(at) || !errors.Is(runs[0].Err, ErrPanicked) ||
		!strings.Contains(runs[0].Err.Error(), `"panics"`) {
		t.Errorf("runs of panics heard: %+v; want one, with ErrPanicked naming the job", runs)
	}

	first := make(chan error, 1)
	go func() { first <- s.RunNow(ctx, "blocks", at) }()
	receive(t, started, "the blocking job to start")
	if err := s.RunNow(ctx, "blocks", at.Add(time.Hour)); !errors.Is(err, ErrStillRunning) {
		t.Errorf("RunNow while running = %v, want ErrStillRunning", err)
	}
	close(release)
	if err := receive(t, first, "the blocking job to return"); err != nil {
		t.Errorf("first RunNow(blocks) = %v, want nil", err)
	}
	var skipped int
	for _, r := range o.runsOf("blocks") {
		if errors.Is(r.Err, ErrStillRunning) {
			skipped++
			if !r.ScheduledAt.Equal(at.Add(time.Hour)) {
				t.Errorf("skipped run heard for %s, want %s", r.ScheduledAt, at.Add(time.Hour))
			}
		}
	}
	if skipped != 1 {
		t.Errorf("runs of blocks heard: %+v; want one skipped", o.runsOf("blocks"))
	}
}

func TestStopBeforeStart(t *testing.T) {
	now := firstMonday10(t, time.UTC)
	var rec recorder
	s := New(Options{Catchup: time.Hour, Clock: fixed(now)})
	if err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: rec.run}); err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	stop(t, s)
	s.Start(context.Background()) // a stopped scheduler stays stopped
	stop(t, s)
	if got := rec.got(); len(got) != 0 {
		t.Errorf("runs = %s, want none", fmtTimes(got))
	}
}

func TestStopWaitsForJobs(t *testing.T) {
	now := firstMonday10(t, time.UTC)
	s := New(Options{Catchup: time.Hour, Clock: fixed(now)})
	started, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	finished := false
	err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: func(context.Context, time.Time) error {
		close(started)
		<-release
		mu.Lock()
		finished = true
		mu.Unlock()
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	receive(t, started, "the catch-up to start")

	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned %v while a job was running", err)
	default:
	}
	close(release)
	if err := receive(t, stopped, "Stop to return"); err != nil {
		t.Fatalf("Stop = %v, want nil", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !finished {
		t.Error("Stop returned before the running job finished")
	}
	stop(t, s) // again: idempotent
}

func TestStopGivesUp(t *testing.T) {
	now := firstMonday10(t, time.UTC)
	s := New(Options{Catchup: time.Hour, Clock: fixed(now)})
	started, cancelled := make(chan struct{}), make(chan struct{})
	err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: func(ctx context.Context, _ time.Time) error {
		close(started)
		<-ctx.Done()
		close(cancelled)
		return ctx.Err()
	}})
	if err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	receive(t, started, "the catch-up to start")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Stop(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop(cancelled ctx) = %v, want context.Canceled", err)
	}
	receive(t, cancelled, "the job's context to be cancelled")
	stop(t, s) // the job has returned now
}

// TestOnRun hears every run attempted, with what it returned: success, the
// job's error, a recovered panic and a skipped overlapping run.
func TestOnRun(t *testing.T) {
	o := newOutcomes()
	s := New(o.options(Options{}))
	errBoom := errors.New("slack said no")
	release, started := make(chan struct{}), make(chan struct{})
	for _, j := range []Job{
		{Name: "ok", Spec: "@weekly", Run: func(context.Context, time.Time) error { return nil }},
		{Name: "fails", Spec: "@weekly", Run: func(context.Context, time.Time) error { return errBoom }},
		{Name: "panics", Spec: "@weekly", Run: func(context.Context, time.Time) error { panic("oops") }},
		{Name: "blocks", Spec: "@weekly", Run: func(context.Context, time.Time) error { close(started); <-release; return nil }},
	} {
		if err := s.Add(j); err != nil {
			t.Fatal(err)
		}
	}
	ctx, at := context.Background(), time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC)
	_ = s.RunNow(ctx, "ok", at)
	_ = s.RunNow(ctx, "fails", at)
	_ = s.RunNow(ctx, "panics", at)
	_ = s.RunNow(ctx, "nope", at) // never attempted: not heard
	done := make(chan struct{})
	go func() { _ = s.RunNow(ctx, "blocks", at); close(done) }()
	<-started
	_ = s.RunNow(ctx, "blocks", at) // skipped
	close(release)
	<-done

	runs := o.runsOf("")
	checks := []struct {
		job  string
		want func(error) bool
	}{
		{"ok", func(err error) bool { return err == nil }},
		{"fails", func(err error) bool { return errors.Is(err, errBoom) }},
		{"panics", func(err error) bool { return errors.Is(err, ErrPanicked) }},
		{"blocks", func(err error) bool { return errors.Is(err, ErrStillRunning) }},
		{"blocks", func(err error) bool { return err == nil }},
	}
	if len(runs) != len(checks) {
		t.Fatalf("runs heard: got %v, want %d", runs, len(checks))
	}
	for i, c := range checks {
		if r := runs[i]; r.Job != c.job || !c.want(r.Err) || r.Trigger != TriggerRunNow || !r.ScheduledAt.Equal(at) {
			t.Errorf("run %d: got %+v, want %s on demand for %s", i, r, c.job, at)
		}
	}
}
