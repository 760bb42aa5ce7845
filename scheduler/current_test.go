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
	spec string
	loc  *time.Location
}

func (s *shared) set(spec string, loc *time.Location) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.spec, s.loc = spec, loc
}

func (s *shared) current(_ context.Context, job string) (string, *time.Location, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.spec, s.loc, job == "prompt"
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
			db := &shared{spec: "0 10 * * MON", loc: time.UTC}
			start := func() (*Scheduler, *recorder, chan time.Time) {
				var rec recorder
				ran := make(chan time.Time, 10)
				s := New(Options{Clock: clk, Current: db.current})
				if err := s.Add(Job{Name: "prompt", Spec: "0 10 * * MON", Run: func(ctx context.Context, at time.Time) error {
					_ = rec.run(ctx, at)
					ran <- at
					return nil
				}}); err != nil {
					t.Fatal(err)
				}
				s.Start(context.Background())
				t.Cleanup(func() { stop(t, s) })
				return s, &rec, ran
			}
			a, recA, ranA := start()
			b, recB, ranB := start()

			// The admin's change, through A.
			db.set(c.spec, c.loc)
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
	s := New(Options{Clock: clk, Current: func(context.Context, string) (string, *time.Location, bool) { return "0 11 * * MON", time.UTC, false }})
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
