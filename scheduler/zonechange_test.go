package scheduler

import (
	"slices"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/clock"
)

// TestZoneChangeOnTheDayOfAFiring: a firing is a wall-clock time of a day.
// Moving west after it ran does not run it again at the same hour of the
// new zone; moving east past it before it ran runs it at once, rather than
// skipping it for the week.
func TestZoneChangeOnTheDayOfAFiring(t *testing.T) {
	t.Parallel()
	start := func(t *testing.T, spec string, at time.Time) (*Scheduler, *clock.Fake, *recorder, chan time.Time) {
		clk := clock.NewFake(at)
		s, rec, ran := startJob(t, Options{Clock: clk}, "job", spec)
		return s, clk, rec, ran
	}
	equal := func(got []time.Time, want ...time.Time) bool { return slices.EqualFunc(got, want, time.Time.Equal) }

	t.Run("west, after the firing ran", func(t *testing.T) {
		t.Parallel()
		ny := mustLoad(t, "America/New_York")
		feb1 := time.Date(2099, time.February, 1, 10, 0, 0, 0, time.UTC)
		s, clk, rec, ran := start(t, "0 10 1 * *", feb1.Add(-time.Hour)) // the monthly digest
		clk.Set(feb1)
		receive(t, ran, "the digest of February 1")
		clk.Set(feb1.Add(2 * time.Hour))
		if err := s.SetLocation(ny); err != nil {
			t.Fatal(err)
		}
		mar1 := time.Date(2099, time.March, 1, 10, 0, 0, 0, ny)
		if next := s.Entries()[0].Next; !next.Equal(mar1) {
			t.Errorf("next run %s, want March 1 (February's digest ran at 10:00 UTC)", next)
		}
		clk.Set(time.Date(2099, time.February, 1, 10, 0, 0, 0, ny)) // the same digest, 10:00 in New York
		clk.Set(mar1)
		if at := receive(t, ran, "the digest of March 1"); !at.Equal(mar1) {
			t.Fatalf("ran for %s, want %s", at, mar1)
		}
		stop(t, s)
		if got := rec.got(); !equal(got, feb1, mar1) {
			t.Errorf("runs %v, want February 1 once (10:00 UTC) and March 1", got)
		}
	})
	t.Run("east, before the firing", func(t *testing.T) {
		t.Parallel()
		tokyo := mustLoad(t, "Asia/Tokyo")
		mon10 := firstMonday10(t, time.UTC)
		s, clk, rec, ran := start(t, "0 10 * * MON", mon10.Add(-time.Hour))
		clk.Set(mon10)
		receive(t, ran, "last week's prompt")
		next := mon10.AddDate(0, 0, 7)
		clk.Set(next.Add(-time.Hour)) // Monday 09:00 UTC: 18:00 in Tokyo
		if err := s.SetLocation(tokyo); err != nil {
			t.Fatal(err)
		}
		today := time.Date(next.Year(), next.Month(), next.Day(), 10, 0, 0, 0, tokyo)
		if at := receive(t, ran, "this week's prompt, at once"); !at.Equal(today) {
			t.Fatalf("ran for %s, want this Monday's 10:00 in Tokyo %s", at, today)
		}
		clk.Set(next) // the old zone's firing: gone
		week := today.AddDate(0, 0, 7)
		clk.Set(week)
		receive(t, ran, "next week's prompt")
		stop(t, s)
		if got := rec.got(); !equal(got, mon10, today, week) {
			t.Errorf("runs %v, want %v", got, []time.Time{mon10, today, week})
		}
	})
}
