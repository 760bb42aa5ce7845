package scheduler

import (
	"context"
	"time"
)

// startCatchups runs, in the background, each job whose latest firing at or
// before now is at most s.catchup old, once, for that firing; it logs the
// older ones as skipped and reports them to OnMissed. The runner only does
// firings after now (see runLoop), so a catch-up never duplicates the
// runner's firing. The
// goroutines are tracked by s.catchups, which Stop waits for. The caller
// holds s.mu.
//
// A firing the job already did before the restart is run again: its ledger
// makes that a no-op. If a catch-up is still running when the job's next
// firing comes, that firing is skipped like any overlapping run.
func (s *Scheduler) startCatchups(ctx context.Context, now time.Time) {
	if s.catchup <= 0 {
		return
	}
	for _, t := range s.tasks {
		p := t.sched.Prev(now)
		if p.IsZero() {
			continue
		}
		age := now.Sub(p)
		if age > s.catchup {
			s.log.Info("skipped missed run", keyJob, t.Name, keyScheduledAt, p, "age", age, "catchup", s.catchup)
			if s.onMissed != nil {
				s.onMissed(Missed{Job: t.Name, ScheduledAt: p, Age: age, Catchup: s.catchup})
			}
			continue
		}
		s.log.Info("catching up", keyJob, t.Name, keyScheduledAt, p, "age", age)
		s.catchups.Add(1)
		go func() {
			defer s.catchups.Done()
			_ = s.invoke(ctx, t, p, TriggerCatchup) // logged and reported by invoke
		}()
	}
}
