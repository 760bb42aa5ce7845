package scheduler

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/clock"
)

// shared is what two processes' settings read from their one database: the
// prompt's spec and the zone, as Options.Current answers them.
type shared struct {
	mu   sync.Mutex
	plan Plan
}

func (s *shared) set(spec string, loc *time.Location, since time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.plan = Plan{Spec: spec, Location: loc, Since: since}
}

func (s *shared) current(_ context.Context, job string) (Plan, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.plan, job == "prompt"
}

// TestFollowsAChangeMadeByAnotherProcess: two processes plan the prompt at
// Mondays 10:00. An admin moves it through process A (to 11:00, or to 10:00
// in New York); process B, which did not hear of it, reaches the old 10:00
// firing, learns the change from Current, re-plans and does not run it; both
// run the new firing.
func TestFollowsAChangeMadeByAnotherProcess(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	for _, c := range []struct {
		name string
		spec string
		loc  *time.Location
		late bool // B wakes only after the new firing came
	}{
		{"spec", "0 11 * * MON", time.UTC, false},
		{"zone", "0 10 * * MON", ny, false},
		{"spec, B wakes late", "0 11 * * MON", time.UTC, true},
		{"zone, B wakes late", "0 10 * * MON", ny, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			mon10 := firstMonday10(t, time.UTC)
			want := mustParse(t, c.spec, c.loc).Next(mon10)
			clk := clock.NewFake(mon10.Add(-time.Hour))
			db := &shared{plan: Plan{Spec: "0 10 * * MON", Location: time.UTC}}
			a, recA, ranA := startJob(t, Options{Clock: clk, Current: db.current}, "prompt", "0 10 * * MON")
			b, recB, ranB := startJob(t, Options{Clock: clk, Current: db.current}, "prompt", "0 10 * * MON")

			// The admin's change, through A.
			db.set(c.spec, c.loc, clk.Now())
			if c.loc != time.UTC {
				if err := a.SetLocation(c.loc); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.Reschedule("prompt", c.spec); err != nil {
				t.Fatal(err)
			}

			// B's old firing comes: B re-plans instead of running it. A
			// runner that wakes late runs the new firing then.
			if c.late {
				clk.Set(want)
				receive(t, ranA, "A's run of the new firing")
				if at := receive(t, ranB, "B's late run of the new firing"); !at.Equal(want) {
					t.Fatalf("B ran %s, want the new firing %s", at, want)
				}
				stop(t, b)
				if got := recB.got(); len(got) != 1 {
					t.Errorf("B ran %v, want only the new firing", got)
				}
				return
			}
			clk.Set(mon10)
			deadline := time.After(5 * time.Second)
			for !b.Entries()[0].Next.Equal(want) {
				select {
				case <-deadline:
					t.Fatalf("B's next run %s, want %s: it did not follow the change", b.Entries()[0].Next, want)
				case <-time.After(time.Millisecond):
				}
			}
			clk.Set(want)
			receive(t, ranA, "A's run of the new firing")
			receive(t, ranB, "B's run of the new firing")
			stop(t, a)
			stop(t, b) // waits for any run B started
			for name, rec := range map[string]*recorder{"A": recA, "B": recB} {
				if got := rec.got(); !slices.EqualFunc(got, []time.Time{want}, time.Time.Equal) {
					t.Errorf("%s ran %v, want only the new firing %s", name, got, want)
				}
			}
		})
	}
}

// TestCurrentThatCannotTellKeepsThePlan: when Current cannot tell (a
// database that cannot be read), the firing runs as planned.
func TestCurrentThatCannotTellKeepsThePlan(t *testing.T) {
	t.Parallel()
	mon10 := firstMonday10(t, time.UTC)
	clk := clock.NewFake(mon10.Add(-time.Minute))
	ran := make(chan time.Time, 1)
	s := New(Options{Clock: clk, Current: func(context.Context, string) (Plan, bool) {
		return Plan{Spec: "0 11 * * MON", Location: time.UTC}, false
	}})
	if err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: func(_ context.Context, at time.Time) error { ran <- at; return nil }}); err != nil {
		t.Fatal(err)
	}
	s.Start(context.Background())
	t.Cleanup(func() { stop(t, s) })
	clk.Set(mon10)
	if at := receive(t, ran, "the planned firing"); !at.Equal(mon10) {
		t.Errorf("ran %s, want %s", at, mon10)
	}
}

// TestFollowingAChangeRunsNothingFromBeforeIt: the prompt runs on Fridays;
// on Thursday an admin moves it to Mondays through another process. At
// Friday's old firing this process learns of it and re-plans, and does not
// run this week's Monday firing: it came before the change.
func TestFollowingAChangeRunsNothingFromBeforeIt(t *testing.T) {
	t.Parallel()
	fri10 := mustParse(t, "0 10 * * FRI", time.UTC).Next(time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC))
	thursday := fri10.Add(-24 * time.Hour)
	clk := clock.NewFake(fri10.Add(-7 * 24 * time.Hour)) // started a week before
	db := &shared{plan: Plan{Spec: "0 10 * * FRI", Location: time.UTC}}
	s, rec, _ := startJob(t, Options{Clock: clk, Current: db.current}, "prompt", "0 10 * * FRI")
	clk.Set(thursday)
	db.set("0 10 * * MON", time.UTC, thursday) // through the other process
	clk.Set(fri10)
	want := mustParse(t, "0 10 * * MON", time.UTC).Next(fri10)
	deadline := time.After(5 * time.Second)
	for !s.Entries()[0].Next.Equal(want) {
		select {
		case <-deadline:
			t.Fatalf("next run %s, want %s: the change was not followed", s.Entries()[0].Next, want)
		case <-time.After(time.Millisecond):
		}
	}
	stop(t, s)
	if got := rec.got(); len(got) != 0 {
		t.Errorf("ran %v after following the change, want nothing (Monday's firing came before it)", got)
	}
}
