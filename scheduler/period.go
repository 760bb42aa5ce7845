package scheduler

import "time"

// MonthOf returns the calendar month containing t, in loc (nil means UTC),
// as the half-open interval [from, to): from is the first instant of its
// first day and to the first instant of the next month's first day.
func MonthOf(t time.Time, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, _ := t.In(loc).Date()
	return startOfDay(y, m, 1, loc), startOfDay(y, m+1, 1, loc)
}

// PreviousMonth returns the calendar month before the one containing t, in
// loc (nil means UTC), as the half-open interval [from, to).
func PreviousMonth(t time.Time, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, _ := t.In(loc).Date()
	return startOfDay(y, m-1, 1, loc), startOfDay(y, m, 1, loc)
}

// DayOf returns the calendar day containing t, in loc (nil means UTC), as
// the half-open interval [from, to). Where midnight falls in a DST gap, the
// day starts when the gap ends. Every "the same day" in Extra Mile is this one.
func DayOf(t time.Time, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return startOfDay(y, m, d, loc), startOfDay(y, m, d+1, loc)
}

// WeekOf returns the week (Monday to Sunday) containing t, in loc (nil
// means UTC), as the half-open interval [from, to): from is the first
// instant of its Monday and to that of the next Monday.
func WeekOf(t time.Time, loc *time.Location) (from, to time.Time) {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	back := (int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()) + 6) % 7 // days since Monday
	return startOfDay(y, m, d-back, loc), startOfDay(y, m, d-back+7, loc)
}

// WeekIndex numbers the ISO weeks (Monday to Sunday, by t's date in loc; nil
// means UTC) so that consecutive weeks differ by exactly 1, across year
// boundaries too. Week 0 is the one containing 1 January 1970. Use it to
// rotate weekly wording: WeekIndex(t, loc) % n.
func WeekIndex(t time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	days := floorDiv(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix(), 24*60*60)
	// 1970-01-01 was a Thursday: shifting by 3 days puts Mondays on multiples of 7.
	return int(floorDiv(days+3, 7))
}

// startOfDay is the first instant of a date in loc (month and day are
// normalized as by time.Date). Where midnight falls in a DST gap, the day
// starts when the gap ends.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	return resolveWall(time.Date(y, m, d, 0, 0, 0, 0, time.UTC), loc)
}
