package scheduler

import (
	"testing"
	"time"
)

func TestWeekFiring(t *testing.T) {
	minus12 := mustLoad(t, "Etc/GMT+12") // UTC−12 (the sign is POSIX's)
	plus14 := mustLoad(t, "Pacific/Kiritimati")
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	lordHowe := mustLoad(t, "Australia/Lord_Howe") // half-hour DST change
	utc := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, time.UTC) }
	const thu = "0 15 * * THU"
	for _, tc := range []struct {
		name    string
		spec    string
		loc     *time.Location
		now     time.Time
		wantAt  time.Time // zero: no firing that week
		wantDue bool
	}{{
		name: "UTC−12: Thursday 15:00 there is Friday 03:00 UTC", spec: thu, loc: minus12,
		now: utc(2025, 3, 14, 2, 59), wantAt: utc(2025, 3, 14, 3, 0), wantDue: false,
	}, {
		name: "UTC−12: due from 03:00 UTC on Friday", spec: thu, loc: minus12,
		now: utc(2025, 3, 14, 3, 0), wantAt: utc(2025, 3, 14, 3, 0), wantDue: true,
	}, {
		name: "UTC+14: Thursday 15:00 there is Thursday 01:00 UTC", spec: thu, loc: plus14,
		now: utc(2025, 3, 13, 1, 0), wantAt: utc(2025, 3, 13, 1, 0), wantDue: true,
	}, {
		name: "UTC+14: Sunday 11:00 UTC is already next Monday there, not due yet", spec: thu, loc: plus14,
		now: utc(2025, 3, 16, 11, 0), wantAt: utc(2025, 3, 20, 1, 0), wantDue: false,
	}, {
		name: "UTC−12: Monday 11:00 UTC is still last Sunday there, long due", spec: thu, loc: minus12,
		now: utc(2025, 3, 17, 11, 0), wantAt: utc(2025, 3, 14, 3, 0), wantDue: true,
	}, {
		name: "week boundary: a Monday 00:00 spec fires at the week's first instant in UTC+14", spec: "0 0 * * MON", loc: plus14,
		now: utc(2025, 3, 16, 10, 0), wantAt: utc(2025, 3, 16, 10, 0), wantDue: true,
	}, {
		name: "week boundary: a Sunday 23:59 spec fires at the week's last minute in UTC−12", spec: "59 23 * * SUN", loc: minus12,
		now: utc(2025, 3, 17, 11, 58), wantAt: utc(2025, 3, 17, 11, 59), wantDue: false,
	}, {
		name: "New York before spring-forward: 15:00 EST is 20:00 UTC", spec: thu, loc: ny,
		now: utc(2025, 3, 6, 20, 0), wantAt: utc(2025, 3, 6, 20, 0), wantDue: true,
	}, {
		name: "New York after spring-forward: 15:00 EDT is 19:00 UTC", spec: thu, loc: ny,
		now: utc(2025, 3, 13, 19, 0), wantAt: utc(2025, 3, 13, 19, 0), wantDue: true,
	}, {
		name: "New York: a time in the spring-forward gap fires when the gap ends", spec: "30 2 * * SUN", loc: ny,
		now: utc(2025, 3, 9, 12, 0), wantAt: utc(2025, 3, 9, 7, 0), wantDue: true,
	}, {
		name: "New York: a time in the repeated fall-back hour fires once, at its first pass", spec: "30 1 * * SUN", loc: ny,
		now: utc(2025, 11, 2, 6, 0), wantAt: utc(2025, 11, 2, 5, 30), wantDue: true,
	}, {
		name: "Berlin after fall-back: 15:00 CET is 14:00 UTC", spec: thu, loc: berlin,
		now: utc(2025, 10, 30, 13, 59), wantAt: utc(2025, 10, 30, 14, 0), wantDue: false,
	}, {
		name: "Berlin before fall-back: 15:00 CEST is 13:00 UTC", spec: thu, loc: berlin,
		now: utc(2025, 10, 23, 13, 0), wantAt: utc(2025, 10, 23, 13, 0), wantDue: true,
	}, {
		name: "Lord Howe half-hour DST: 15:00 +11 after the April change is +10:30", spec: thu, loc: lordHowe,
		now: utc(2025, 4, 10, 4, 30), wantAt: utc(2025, 4, 10, 4, 30), wantDue: true,
	}, {
		name: "a spec that skips this week", spec: "0 15 1 * *", loc: berlin,
		now: utc(2025, 3, 13, 12, 0), wantAt: time.Time{}, wantDue: false,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			sched, err := Parse(tc.spec, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			at, week, ok := WeekFiring(sched, tc.now, tc.loc)
			if ok != !tc.wantAt.IsZero() || !at.Equal(tc.wantAt) {
				t.Errorf("WeekFiring = %s, %v; want %s", at, ok, tc.wantAt)
			}
			if want := WeekIndex(tc.now, tc.loc); week != want {
				t.Errorf("week = %d, want %d", week, want)
			}
			w, due := DueInWeek(sched, tc.now, tc.loc)
			if due != tc.wantDue || w != week {
				t.Errorf("DueInWeek = %d, %v; want %d, %v", w, due, week, tc.wantDue)
			}
			if ok {
				if from, to := WeekOf(tc.now, tc.loc); at.Before(from) || !at.Before(to) {
					t.Errorf("firing %s outside the week [%s, %s)", at, from, to)
				}
			}
		})
	}
}

// TestWeekFiringOncePerWeek walks a year in steps of an hour in every zone
// from UTC−12 to UTC+14 and checks that each person's week has exactly one
// firing, the same one at every step of the week.
func TestWeekFiringOncePerWeek(t *testing.T) {
	zones := []string{"Etc/GMT+12", "Pacific/Pago_Pago", "America/New_York", "America/Santiago", "UTC",
		"Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Auckland", "Pacific/Kiritimati"}
	for _, name := range zones {
		loc := mustLoad(t, name)
		sched, err := Parse("0 15 * * THU", loc)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int]time.Time{}
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for now := start; now.Before(start.AddDate(1, 0, 0)); now = now.Add(time.Hour) {
			at, week, ok := WeekFiring(sched, now, loc)
			if !ok {
				t.Fatalf("%s: no firing in the week of %s", name, now)
			}
			if prev, dup := seen[week]; dup && !prev.Equal(at) {
				t.Fatalf("%s: week %d fires at %s and %s", name, week, prev, at)
			}
			seen[week] = at
			if l := at.In(loc); l.Weekday() != time.Thursday || l.Hour() != 15 || l.Minute() != 0 {
				t.Fatalf("%s: firing %s is not Thursday 15:00 there", name, l)
			}
		}
	}
}
