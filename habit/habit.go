// Package habit holds the pure rules of Extra Mile's weekly habit: streaks
// (weeks in a row with at least one story, in the person's own zone). It
// knows no Slack and no storage; callers pass story times and the weeks that
// do not count against a person (snoozed, skipped by the admins).
package habit

import (
	"time"

	"github.com/extramile/extramile/scheduler"
)

// maxWeeks bounds how far back a streak is counted (ten years), so excused
// weeks can never make the walk unbounded.
const maxWeeks = 520

// Streak returns the number of weeks in a row, ending with the week of now,
// in which the person shared at least one story. Weeks are ISO weeks in loc
// (the person's own zone; nil means UTC), numbered by scheduler.WeekIndex.
//
// The current week counts once it has a story; until then it is still open
// and does not break the streak. A past week without a story ends the streak,
// unless excused(week) says it does not count against the person (a snoozed
// week, a date the admins skipped): an excused week neither breaks the streak
// nor adds to it, unless it has a story, which counts as usual. excused may be
// nil. Story times after now are ignored.
//
// The streak is computed from the stories each time, so there is no counter
// that can drift; a person who moves to another zone has their stories
// re-read in the new zone.
func Streak(stories []time.Time, now time.Time, loc *time.Location, excused func(week int) bool) int {
	if loc == nil {
		loc = time.UTC
	}
	shared := make(map[int]bool, len(stories))
	for _, s := range stories {
		if s.After(now) {
			continue
		}
		shared[scheduler.WeekIndex(s, loc)] = true
	}
	if len(shared) == 0 {
		return 0
	}
	current := scheduler.WeekIndex(now, loc)
	n := 0
	for w := current; w > current-maxWeeks; w-- {
		switch {
		case shared[w]:
			n++
		case w == current:
			// The week is not over yet.
		case excused != nil && excused(w):
			// Does not count against the person.
		default:
			return n
		}
	}
	return n
}

// Weeks returns the WeekIndex of every week overlapping [from, to) in loc
// (nil means UTC), for turning a snooze or a skipped date into excused weeks.
// It is empty when to is not after from, and bounded by maxWeeks.
func Weeks(from, to time.Time, loc *time.Location) []int {
	if !to.After(from) {
		return nil
	}
	first := scheduler.WeekIndex(from, loc)
	last := scheduler.WeekIndex(to.Add(-time.Nanosecond), loc)
	if last-first >= maxWeeks {
		first = last - maxWeeks + 1
	}
	weeks := make([]int, 0, last-first+1)
	for w := first; w <= last; w++ {
		weeks = append(weeks, w)
	}
	return weeks
}
