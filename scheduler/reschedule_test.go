package scheduler

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/clock"
)

// TestRescheduleRunsTheDueFiringOnceAndMovesTheNext: a change made just
// after a firing came, before the runner started it, runs that firing (once,
// even if changed again); the next run follows the new spec; a firing of the
// new spec already past is not run.
func TestRescheduleRunsTheDueFiringOnceAndMovesTheNext(t *testing.T) {
	t.Parallel()
	mon10 := firstMonday10(t, time.UTC)
	clk := clock.NewFake(mon10.Add(-time.Minute))
	s, rec, ran := startJob(t, Options{Clock: clk}, "prompt", "0 10 * * MON")

	// 10:00 came: the runner or Reschedule starts its firing, and only one
	// of them does.
	clk.Set(mon10.Add(30 * time.Second))
	if err := s.Reschedule("prompt", "0 11 * * MON"); err != nil {
		t.Fatal(err)
	}
	if at := receive(t, ran, "the due firing"); !at.Equal(mon10) {
		t.Errorf("ran for %s, want the due firing %s", at, mon10)
	}
	if next := s.Entries()[0].Next; !next.Equal(mon10.Add(time.Hour)) {
		t.Errorf("next run %s, want %s", next, mon10.Add(time.Hour))
	}

	// Changed again: 10:00 is done, and 10:00:30's "every minute" past
	// firing was never due.
	clk.Set(mon10.Add(40 * time.Second))
	if err := s.Reschedule("prompt", "* * * * *"); err != nil {
		t.Fatal(err)
	}
	if err := s.Reschedule("prompt", "0 12 * * MON"); err != nil {
		t.Fatal(err)
	}
	stop(t, s) // waits for anything started
	if got := rec.got(); len(got) != 1 {
		t.Errorf("runs %v, want exactly one (10:00)", got)
	}
	if e := s.Entries()[0]; e.Spec != "0 12 * * MON" || e.Description == "" {
		t.Errorf("entry %+v, want the last spec described", e)
	}
}

func TestRescheduleErrors(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	if err := s.Add(Job{Name: "digest", Spec: "0 10 1 * *", Run: (&recorder{}).run}); err != nil {
		t.Fatal(err)
	}
	if err := s.Reschedule("nope", "0 10 1 * *"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("unknown job: %v", err)
	}
	if err := s.Reschedule("digest", "not a spec"); err == nil {
		t.Error("an invalid spec was accepted")
	}
	if s.Entries()[0].Spec != "0 10 1 * *" {
		t.Error("an invalid spec changed the job")
	}
	// Before Start, the new spec is simply the one the runner will take.
	if err := s.Reschedule("digest", "0 9 1 * *"); err != nil || s.Entries()[0].Spec != "0 9 1 * *" {
		t.Errorf("before start: %v, %+v", err, s.Entries()[0])
	}
	stop(t, s)
	if err := s.Reschedule("digest", "0 9 1 * *"); err == nil {
		t.Error("rescheduled after Stop")
	}
}

// TestSetLocationReplansEveryJob: the zone changes at once for every job.
// A firing of the old zone that came just before the change, not started
// yet, is run once; the next runs are the new zone's; Entries speak of it.
func TestSetLocationReplansEveryJob(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	mon10 := firstMonday10(t, time.UTC)
	clk := clock.NewFake(mon10.Add(-time.Minute))
	var rec recorder
	ran := make(chan time.Time, 10)
	s := New(Options{Clock: clk})
	for _, name := range []string{"prompt", "digest"} {
		spec := map[string]string{"prompt": "0 10 * * MON", "digest": "0 10 1 * *"}[name]
		if err := s.Add(Job{Name: name, Spec: spec, Run: func(ctx context.Context, at time.Time) error {
			_ = rec.run(ctx, at)
			ran <- at
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
	}
	s.Start(context.Background())
	t.Cleanup(func() { stop(t, s) })

	// 10:00 UTC came; the zone moves to Berlin (10:00 there is 09:00 UTC
	// in winter, already past): the UTC firing runs once, and the next is
	// the Berlin one of the next Monday.
	clk.Set(mon10.Add(30 * time.Second))
	if err := s.SetLocation(berlin); err != nil {
		t.Fatal(err)
	}
	if at := receive(t, ran, "the due firing"); !at.Equal(mon10) {
		t.Errorf("ran for %s, want the due firing %s", at, mon10)
	}
	if got := s.Location(); got != berlin {
		t.Errorf("location %s, want Europe/Berlin", got)
	}
	next := s.Entries()[0].Next
	if want := time.Date(mon10.Year(), mon10.Month(), mon10.Day()+7, 10, 0, 0, 0, berlin); !next.Equal(want) {
		t.Errorf("next prompt %s, want %s", next, want)
	}
	// Set again to the same zone: nothing more runs.
	if err := s.SetLocation(berlin); err != nil {
		t.Fatal(err)
	}
	stop(t, s)
	if got := rec.got(); len(got) != 1 {
		t.Errorf("runs %v, want exactly one (10:00 UTC)", got)
	}
	if err := s.SetLocation(time.UTC); err == nil {
		t.Error("SetLocation after Stop")
	}
}
