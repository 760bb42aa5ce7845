package scheduler

import (
	"testing"
	"time"
)

func TestMonths(t *testing.T) {
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	tokyo := mustLoad(t, "Asia/Tokyo")
	santiago := mustLoad(t, "America/Santiago") // DST changes at midnight
	for _, tc := range []struct {
		name               string
		t                  time.Time
		loc                *time.Location
		monthFrom, monthTo time.Time
		prevFrom, prevTo   time.Time
	}{{
		name: "January in UTC (nil zone)", t: time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC), loc: nil,
		monthFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), monthTo: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC),
		prevFrom: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC), prevTo: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}, {
		name: "already January in Tokyo while December in UTC", t: time.Date(2024, 12, 31, 20, 0, 0, 0, time.UTC), loc: tokyo,
		monthFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, tokyo), monthTo: time.Date(2025, 2, 1, 0, 0, 0, 0, tokyo),
		prevFrom: time.Date(2024, 12, 1, 0, 0, 0, 0, tokyo), prevTo: time.Date(2025, 1, 1, 0, 0, 0, 0, tokyo),
	}, {
		name: "still December in New York while January in UTC", t: time.Date(2025, 1, 1, 3, 0, 0, 0, time.UTC), loc: ny,
		monthFrom: time.Date(2024, 12, 1, 0, 0, 0, 0, ny), monthTo: time.Date(2025, 1, 1, 0, 0, 0, 0, ny),
		prevFrom: time.Date(2024, 11, 1, 0, 0, 0, 0, ny), prevTo: time.Date(2024, 12, 1, 0, 0, 0, 0, ny),
	}, {
		name: "April in Berlin spans the March DST change", t: time.Date(2025, 4, 1, 0, 30, 0, 0, berlin), loc: berlin,
		monthFrom: time.Date(2025, 3, 31, 22, 0, 0, 0, time.UTC), monthTo: time.Date(2025, 4, 30, 22, 0, 0, 0, time.UTC),
		prevFrom: time.Date(2025, 2, 28, 23, 0, 0, 0, time.UTC), prevTo: time.Date(2025, 3, 31, 22, 0, 0, 0, time.UTC),
	}, {
		// Chile springs forward at 00:00 on 7 September 2025: 7 September
		// begins at 01:00. Not a month start, so check with a mid-month t.
		name: "September in Santiago", t: time.Date(2025, 9, 20, 12, 0, 0, 0, santiago), loc: santiago,
		monthFrom: time.Date(2025, 9, 1, 4, 0, 0, 0, time.UTC), monthTo: time.Date(2025, 10, 1, 3, 0, 0, 0, time.UTC),
		prevFrom: time.Date(2025, 8, 1, 4, 0, 0, 0, time.UTC), prevTo: time.Date(2025, 9, 1, 4, 0, 0, 0, time.UTC),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := MonthOf(tc.t, tc.loc)
			if !from.Equal(tc.monthFrom) || !to.Equal(tc.monthTo) {
				t.Errorf("MonthOf = [%s, %s), want [%s, %s)", from, to, tc.monthFrom, tc.monthTo)
			}
			if from.After(tc.t) || !to.After(tc.t) {
				t.Errorf("MonthOf = [%s, %s) does not contain %s", from, to, tc.t)
			}
			from, to = PreviousMonth(tc.t, tc.loc)
			if !from.Equal(tc.prevFrom) || !to.Equal(tc.prevTo) {
				t.Errorf("PreviousMonth = [%s, %s), want [%s, %s)", from, to, tc.prevFrom, tc.prevTo)
			}
		})
	}
}

func TestStartOfDayInGap(t *testing.T) {
	// Santiago skips 00:00–00:59 on 7 September 2025: the day starts at 01:00.
	santiago := mustLoad(t, "America/Santiago")
	got := startOfDay(2025, time.September, 7, santiago)
	if want := time.Date(2025, 9, 7, 4, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("startOfDay(2025-09-07, Santiago) = %s, want %s", got, want.In(santiago))
	}
}

func TestMonthsTileTheYear(t *testing.T) {
	// Month after month, each one starts where the previous one ended and
	// contains the instants whose local date is in it.
	for _, zone := range []string{"UTC", "America/New_York", "Europe/Berlin", "America/Santiago", "Australia/Lord_Howe"} {
		loc := mustLoad(t, zone)
		from, to := MonthOf(time.Date(2024, 11, 10, 12, 0, 0, 0, loc), loc)
		for range 26 {
			nextFrom, nextTo := MonthOf(to, loc)
			pf, pt := PreviousMonth(to, loc)
			if !nextFrom.Equal(to) || !pf.Equal(from) || !pt.Equal(to) {
				t.Fatalf("%s: month [%s, %s) then MonthOf(%s) = [%s, %s), PreviousMonth = [%s, %s)", zone, from, to, to, nextFrom, nextTo, pf, pt)
			}
			if d := to.Add(-time.Nanosecond).In(loc); d.Month() != from.In(loc).Month() || from.In(loc).Day() != 1 {
				t.Fatalf("%s: month [%s, %s) is not one calendar month", zone, from, to)
			}
			from, to = nextFrom, nextTo
		}
	}
}

func TestWeekIndex(t *testing.T) {
	// Day by day over several year boundaries (2020 and 2026 have ISO week
	// 53): the index stays within an ISO week and grows by 1 into the next.
	for _, zone := range []string{"UTC", "America/New_York", "Pacific/Kiritimati"} {
		loc := mustLoad(t, zone)
		prev := time.Date(2019, 12, 1, 12, 0, 0, 0, loc)
		for d := prev.AddDate(0, 0, 1); d.Year() < 2028; d = d.AddDate(0, 0, 1) {
			py, pw := prev.ISOWeek()
			y, w := d.ISOWeek()
			gotPrev, got := WeekIndex(prev, loc), WeekIndex(d, loc)
			want := gotPrev
			if y != py || w != pw {
				want++
			}
			if got != want {
				t.Fatalf("%s: WeekIndex(%s) = %d after WeekIndex(%s) = %d, want %d", zone, d.Format("2006-01-02 Mon"), got, prev.Format("2006-01-02 Mon"), gotPrev, want)
			}
			prev = d
		}
	}
	// The zone decides the date: late Sunday in New York is Monday in UTC.
	ny := mustLoad(t, "America/New_York")
	sunday := time.Date(2026, 1, 4, 22, 0, 0, 0, ny)
	if got, want := WeekIndex(sunday, time.UTC), WeekIndex(sunday, ny)+1; got != want {
		t.Errorf("WeekIndex in UTC = %d, want %d (one more than in New York)", got, want)
	}
	if got, want := WeekIndex(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), nil), 0; got != want {
		t.Errorf("WeekIndex(1970-01-01) = %d, want %d", got, want)
	}
	if got, want := WeekIndex(time.Date(1969, 12, 28, 0, 0, 0, 0, time.UTC), nil), -1; got != want {
		t.Errorf("WeekIndex(1969-12-28, a Sunday) = %d, want %d", got, want)
	}
}

func TestWeekOf(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		t        time.Time
		loc      *time.Location
		from, to string
	}{
		{"a Wednesday", time.Date(2026, 12, 9, 15, 0, 0, 0, time.UTC), time.UTC, "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"},
		{"a Monday at midnight", time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC), time.UTC, "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"},
		{"a Sunday night", time.Date(2026, 12, 13, 23, 59, 0, 0, time.UTC), time.UTC, "2026-12-07T00:00:00Z", "2026-12-14T00:00:00Z"},
		{"Monday in UTC, still Sunday in New York", time.Date(2026, 12, 14, 3, 0, 0, 0, time.UTC), ny, "2026-12-07T00:00:00-05:00", "2026-12-14T00:00:00-05:00"},
		{"across the year", time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC, "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z"},
		{"the week DST ends", time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC), ny, "2026-11-02T00:00:00-05:00", "2026-11-09T00:00:00-05:00"},
		{"the week DST begins", time.Date(2027, 3, 12, 12, 0, 0, 0, time.UTC), ny, "2027-03-08T00:00:00-05:00", "2027-03-15T00:00:00-04:00"},
	}
	for _, tt := range tests {
		from, to := WeekOf(tt.t, tt.loc)
		if got := from.Format(time.RFC3339); got != tt.from {
			t.Errorf("%s: from %s, want %s", tt.name, got, tt.from)
		}
		if got := to.Format(time.RFC3339); got != tt.to {
			t.Errorf("%s: to %s, want %s", tt.name, got, tt.to)
		}
	}
}
