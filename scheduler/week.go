package scheduler

import "time"

// WeekFiring returns the first firing of sched in the ISO week (Monday to
// Sunday, in loc; nil means UTC) containing t, with that week's WeekIndex.
// ok is false when sched does not fire in that week. sched must have been
// parsed in loc (Parse(spec, loc)), so that its wall times are loc's: this is
// "the week's time" of a person whose zone is loc, such as the weekly nudge
// at 15:00 on their own Thursday, DST included.
//
// The week's identity (week) is what makes per-person weekly work happen
// exactly once: the same person in the same zone gets the same week for
// every t in it, whichever process or restart computes it.
func WeekFiring(sched Schedule, t time.Time, loc *time.Location) (at time.Time, week int, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	from, to := WeekOf(t, loc)
	week = WeekIndex(t, loc)
	// Firings are whole seconds and Next is strictly after its argument:
	// starting one second early finds a firing at the very first instant.
	at = sched.Next(from.Add(-time.Second))
	if at.IsZero() || !at.Before(to) {
		return time.Time{}, week, false
	}
	return at, week, true
}

// DueInWeek reports whether the week's firing of sched (see WeekFiring) in
// the week containing now, in loc, has passed by now; it returns that week's
// index either way. A person whose week's time has not come yet, or whose
// schedule does not fire this week, is not due.
func DueInWeek(sched Schedule, now time.Time, loc *time.Location) (week int, due bool) {
	at, week, ok := WeekFiring(sched, now, loc)
	return week, ok && !at.After(now)
}
