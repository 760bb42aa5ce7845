package scheduler

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// starBit is set by cron's parser in a field written as "*" or "?"
// (unexported in cron as starBit; it decides AND or OR between the
// day-of-month and day-of-week fields).
const starBit = 1 << 63

// Describe puts spec in words for people: "every Monday at 10:00", "on the
// 1st of every month at 10:00", "every day at 09:30", "every 10s", "every
// hour, on the hour". Times are wall times in loc (nil means UTC); nothing
// about the zone is appended, callers add it. Specs it cannot put simply,
// and invalid specs, read "on the cron schedule `spec`".
func Describe(spec string, loc *time.Location) string {
	fallback := fmt.Sprintf("on the cron schedule `%s`", strings.TrimSpace(spec))
	sched, err := Parse(spec, loc)
	if err != nil {
		return fallback
	}
	switch s := sched.(type) {
	case everySchedule:
		return "every " + shortDuration(s.every)
	case *wallSchedule:
		if words, ok := describeSpec(s.spec); ok {
			return words
		}
	}
	return fallback
}

// describeSpec puts the common shapes of a spec in words.
func describeSpec(s *cron.SpecSchedule) (string, bool) {
	var (
		secs   = setBits(s.Second, 0, 59)
		mins   = setBits(s.Minute, 0, 59)
		hours  = setBits(s.Hour, 0, 23)
		doms   = setBits(s.Dom, 1, 31)
		months = setBits(s.Month, 1, 12)
		dows   = setBits(s.Dow, 0, 6)
	)
	if len(secs) != 1 || secs[0] != 0 {
		return "", false
	}
	days, ok := describeDays(s, doms, months, dows)
	if !ok {
		return "", false
	}
	everyDay := days == "every day"
	switch {
	case len(mins) == 60 && len(hours) == 24 && everyDay:
		return "every minute", true
	case len(hours) == 24 && everyDay && len(mins) == 1 && mins[0] == 0:
		return "every hour, on the hour", true
	case len(hours) == 24 && everyDay && len(mins) == 1:
		return fmt.Sprintf("every hour at %d minutes past the hour", mins[0]), true
	case len(hours) == 24 && everyDay && isStep(mins, 60):
		return fmt.Sprintf("every %d minutes", mins[1]), true
	case len(mins) == 1 && mins[0] == 0 && everyDay && isStep(hours, 24):
		return fmt.Sprintf("every %d hours, on the hour", hours[1]), true
	case len(mins)*len(hours) <= 4:
		var times []string
		for _, h := range hours {
			for _, m := range mins {
				times = append(times, fmt.Sprintf("%02d:%02d", h, m))
			}
		}
		return days + " at " + joinWords(times), true
	}
	return "", false
}

// describeDays puts the day fields in words: "every day", "every Monday",
// "every weekday", "on the 1st of every month", "every year on 1 January".
func describeDays(s *cron.SpecSchedule, doms, months, dows []int) (string, bool) {
	domAll, dowAll, monthAll := len(doms) == 31, len(dows) == 7, len(months) == 12
	// cron ANDs the two day fields if either is "*", and ORs them otherwise.
	and := s.Dom&starBit != 0 || s.Dow&starBit != 0
	switch {
	case !and && !domAll && !dowAll:
		return "", false // "the 1st or a Monday": too rare to phrase
	case !monthAll:
		if and && dowAll && len(doms) == 1 && len(months) == 1 {
			return fmt.Sprintf("every year on %d %s", doms[0], time.Month(months[0])), true
		}
		return "", false
	case domAll && dowAll, !and:
		return "every day", true
	case domAll:
		return "every " + weekdays(dows), true
	default:
		ords := make([]string, len(doms))
		for i, d := range doms {
			ords[i] = ordinal(d)
		}
		return "on the " + joinWords(ords) + " of every month", true
	}
}

// weekdays names a set of days of the week, Monday first.
func weekdays(dows []int) string {
	if fmt.Sprint(dows) == "[1 2 3 4 5]" {
		return "weekday"
	}
	var names []string
	for i := 1; i <= 7; i++ {
		for _, d := range dows {
			if d == i%7 {
				names = append(names, time.Weekday(d).String())
			}
		}
	}
	return joinWords(names)
}

// setBits lists the values in [lo, hi] whose bit is set.
func setBits(bits uint64, lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		if bits&(1<<uint(i)) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// isStep reports whether vals is 0, k, 2k, … for some k > 1 dividing n.
func isStep(vals []int, n int) bool {
	if len(vals) < 2 || vals[0] != 0 {
		return false
	}
	k := vals[1]
	if k < 2 || n%k != 0 || len(vals) != n/k {
		return false
	}
	for i, v := range vals {
		if v != i*k {
			return false
		}
	}
	return true
}

// ordinal writes 1 as "1st", 2 as "2nd", 11 as "11th", 23 as "23rd".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// joinWords joins ["a", "b", "c"] as "a, b and c".
func joinWords(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// shortDuration writes d without zero units: 10s, 1m30s, 2h, 1h30m.
func shortDuration(d time.Duration) string {
	var b strings.Builder
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m := d % time.Hour / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if s := d % time.Minute / time.Second; s > 0 || b.Len() == 0 {
		fmt.Fprintf(&b, "%ds", s)
	}
	return b.String()
}
