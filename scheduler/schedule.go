package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is the set of firing times of a cron spec in a time zone. Both
// methods are pure functions of their argument, so every process computes
// the same firings. Firing times are whole seconds, returned in the zone the
// spec is read in.
type Schedule interface {
	// Next returns the first firing strictly after t, or the zero time if
	// there is none within five years.
	Next(t time.Time) time.Time
	// Prev returns the latest firing at or before t, or the zero time if
	// there is none within about a year (372 days) before t.
	Prev(t time.Time) time.Time
}

// prevWindow is how far back Prev looks for a firing.
const prevWindow = 372 * 24 * time.Hour

// specHelp says what a valid spec looks like; every parse error ends with it.
const specHelp = `want 5 fields "minute hour day-of-month month day-of-week" ` +
	`(e.g. "0 10 * * MON") or a descriptor (@hourly, @daily, @weekly, @monthly, @yearly, @every 10m)`

// specParser reads standard 5-field specs and descriptors. It is immutable
// configuration, not a dependency.
var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// neverRef is where Parse starts looking for a first firing to reject specs
// that never fire (such as "0 0 30 2 *"). Any satisfiable day and month
// combination, 29 February included, occurs within cron's five-year horizon
// from here.
var neverRef = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Parse reads a 5-field cron spec ("0 10 * * MON": minute, hour, day of
// month, month, day of week) or a descriptor (@hourly, @daily, @midnight,
// @weekly, @monthly, @yearly, @annually, @every D) as a DST-safe Schedule in
// loc (nil means UTC).
//
// Wall-clock specs fire at their wall time in loc; a wall time that does not
// exist (spring-forward gap) fires once at the first instant after the gap,
// and a wall time that occurs twice (fall-back) fires once, at its first
// occurrence. "@every D" fires at the multiples of D since the Unix epoch,
// whatever the zone; D must be a whole number of seconds, at least 1s. Zone
// prefixes (CRON_TZ=, TZ=) are rejected: the zone is loc. Errors name the
// spec and say what a valid spec looks like.
func Parse(spec string, loc *time.Location) (Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	s := strings.TrimSpace(spec)
	if s == "" {
		return nil, fmt.Errorf("empty cron spec: %s", specHelp)
	}
	if strings.HasPrefix(s, "CRON_TZ=") || strings.HasPrefix(s, "TZ=") {
		return nil, fmt.Errorf("cron spec %q: zone prefixes are not supported, the zone is the scheduler's location: %s", spec, specHelp)
	}
	cs, err := specParser.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("cron spec %q: %w: %s", spec, err, specHelp)
	}
	switch v := cs.(type) {
	case cron.ConstantDelaySchedule:
		// cron rounds the delay silently; refuse what it would change.
		d, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(s, "@every")))
		if err != nil || d != v.Delay {
			return nil, fmt.Errorf("cron spec %q: @every wants a whole number of seconds, at least 1s (e.g. @every 10s, @every 1h30m)", spec)
		}
		return everySchedule{every: v.Delay, loc: loc}, nil
	case *cron.SpecSchedule:
		wall := *v
		wall.Location = time.UTC // wall times are computed as naive UTC times
		if wall.Next(neverRef).IsZero() {
			return nil, fmt.Errorf("cron spec %q never fires: %s", spec, specHelp)
		}
		return &wallSchedule{spec: &wall, loc: loc}, nil
	default:
		return nil, fmt.Errorf("cron spec %q: unexpected schedule type %T", spec, cs)
	}
}

// everySchedule fires at the multiples of every since the Unix epoch.
type everySchedule struct {
	every time.Duration
	loc   *time.Location
}

// Next returns the first multiple of s.every strictly after t.
func (s everySchedule) Next(t time.Time) time.Time {
	k := floorDiv(t.UnixNano(), int64(s.every))
	return time.Unix(0, (k+1)*int64(s.every)).In(s.loc)
}

// Prev returns the last multiple of s.every at or before t.
func (s everySchedule) Prev(t time.Time) time.Time {
	k := floorDiv(t.UnixNano(), int64(s.every))
	return time.Unix(0, k*int64(s.every)).In(s.loc)
}

// floorDiv is a / b rounded towards minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// wallSchedule fires at the wall times matched by spec, read in loc.
//
// spec is evaluated in UTC, which has no DST, so it enumerates naive wall
// times; resolveWall maps each to an instant. That map never decreases
// (times in a gap all map to the gap's end, the second pass of a repeated
// hour is never a target), so the firings are its image and Next is the
// first image after t.
type wallSchedule struct {
	spec *cron.SpecSchedule
	loc  *time.Location
}

// maxSkips bounds how many wall times Next steps over inside a repeated
// fall-back interval (at most a couple of hours of minutes).
const maxSkips = 10000

// Next returns the first firing strictly after t.
func (s *wallSchedule) Next(t time.Time) time.Time {
	// The wall reading of t maps to t or, in the second pass of a repeated
	// hour, to before t; so only later wall times can map after t.
	w := wallClock(t.In(s.loc))
	for range maxSkips {
		w = s.spec.Next(w)
		if w.IsZero() {
			return time.Time{}
		}
		if at := resolveWall(w, s.loc); at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// Prev returns the latest firing at or before t, found by bisecting on the
// argument of Next (which never decreases): it looks for the largest whole
// second lo with Next(lo) <= t. Firings are whole seconds, so Next(lo) is then
// the answer.
func (s *wallSchedule) Prev(t time.Time) time.Time {
	hi := t.Unix() // Next(hi) > t always holds
	if t.Nanosecond() > 0 {
		hi++
	}
	lo := hi - int64(prevWindow/time.Second)
	atOrBefore := func(sec int64) bool {
		n := s.Next(time.Unix(sec, 0))
		return !n.IsZero() && !n.After(t)
	}
	if !atOrBefore(lo) {
		return time.Time{}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if atOrBefore(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return s.Next(time.Unix(lo, 0))
}

// wallClock returns t's wall-clock reading, to the second, as a naive UTC time.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}

// resolveWall returns the instant at which the naive wall time w (fields
// read from a UTC time) happens in loc: the only one if it is unique, the
// first if it occurs twice (fall-back), and the first instant after the gap
// if it does not exist (spring-forward).
func resolveWall(w time.Time, loc *time.Location) time.Time {
	const day = 24 * 60 * 60
	n := w.Unix()
	// The offsets in force around w: a day either side spans any transition
	// that can affect it (offsets are within ±14h).
	var offsets []int
	maxOff := 0
	for i, probe := range []int64{n - day, n, n + day} {
		_, off := time.Unix(probe, 0).In(loc).Zone()
		if i == 0 || off > maxOff {
			maxOff = off
		}
		offsets = append(offsets, off)
	}
	var best int64
	found := false
	for _, off := range offsets {
		at := n - int64(off)
		if _, got := time.Unix(at, 0).In(loc).Zone(); got != off {
			continue // w does not happen under this offset
		}
		if !found || at < best {
			best, found = at, true
		}
	}
	if found {
		return time.Unix(best, 0).In(loc)
	}
	// In a gap: the earliest candidate instant lies before the transition,
	// whose instant is the end of that zone period.
	_, end := time.Unix(n-int64(maxOff), 0).In(loc).ZoneBounds()
	if end.IsZero() {
		return time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
	}
	return end.In(loc)
}
