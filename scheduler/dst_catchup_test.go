package scheduler

import (
	"context"
	"testing"
	"time"
)

// TestCatchupAcrossDST: a run missed around a DST change is made up once,
// for the firing the runner would have done: the first instant after a
// spring-forward gap, or the first pass of a repeated hour. Restarting in
// the second pass of the repeated hour makes up the first pass again (the
// job's ledger makes that a no-op) and never adds a second firing.
func TestCatchupAcrossDST(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name    string
		spec    string
		loc     *time.Location
		now     time.Time
		catchup time.Duration
		want    []time.Time
	}{
		{name: "Berlin spring forward: 02:30 made up as 03:00 CEST", spec: "30 2 * * *", loc: berlin,
			now: utc(2025, 3, 30, 1, 20), catchup: time.Hour, want: []time.Time{utc(2025, 3, 30, 1, 0)}},
		{name: "NY spring forward: 02:30 made up as 03:00 EDT", spec: "30 2 * * *", loc: ny,
			now: utc(2025, 3, 9, 7, 45), catchup: time.Hour, want: []time.Time{utc(2025, 3, 9, 7, 0)}},
		{name: "NY spring forward: outside the window", spec: "30 2 * * *", loc: ny,
			now: utc(2025, 3, 9, 8, 1), catchup: time.Hour},
		{name: "NY fall back: restart in the second 01:xx makes up the first 01:30", spec: "30 1 * * *", loc: ny,
			now: utc(2025, 11, 2, 6, 40), catchup: 2 * time.Hour, want: []time.Time{utc(2025, 11, 2, 5, 30)}},
		{name: "Berlin fall back: restart in the second 02:xx makes up the first 02:30", spec: "30 2 * * *", loc: berlin,
			now: utc(2025, 10, 26, 1, 45), catchup: 2 * time.Hour, want: []time.Time{utc(2025, 10, 26, 0, 30)}},
		{name: "Berlin fall back: the window counts real time, not wall time", spec: "30 2 * * *", loc: berlin,
			now: utc(2025, 10, 26, 1, 45), catchup: time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{Location: tc.loc, Catchup: tc.catchup, Clock: fixed(tc.now)})
			var rec recorder
			if err := s.Add(Job{Name: "prompt", Spec: tc.spec, Run: rec.run}); err != nil {
				t.Fatal(err)
			}
			s.Start(context.Background())
			stop(t, s)
			if got := rec.got(); !equalTimes(got, tc.want) {
				t.Errorf("catch-up runs = %s, want %s", fmtTimes(got), fmtTimes(tc.want))
			}
			// The runner's next firing is the next day's, not the repeated hour's.
			next := mustParse(t, tc.spec, tc.loc).Next(tc.now)
			if next.Sub(tc.now) < 20*time.Hour {
				t.Errorf("next firing after %s is %s, want the next day's", tc.now.In(tc.loc), next.In(tc.loc))
			}
		})
	}
}
