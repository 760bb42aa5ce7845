package extramile_test

import (
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestMonthWeeks(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	day := func(y int, m time.Month, d int, loc *time.Location) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	tests := []struct {
		name     string
		from, to time.Time
		loc      *time.Location
		starts   []int // the day of month each week starts on
		lastTo   time.Time
	}{
		{"a 30-day month", day(2026, 11, 1, time.UTC), day(2026, 12, 1, time.UTC), time.UTC, []int{1, 8, 15, 22, 29}, day(2026, 12, 1, time.UTC)},
		{"a 28-day February has four weeks", day(2026, 2, 1, time.UTC), day(2026, 3, 1, time.UTC), nil, []int{1, 8, 15, 22}, day(2026, 3, 1, time.UTC)},
		{"a leap February's day 29", day(2028, 2, 1, time.UTC), day(2028, 3, 1, time.UTC), time.UTC, []int{1, 8, 15, 22, 29}, day(2028, 3, 1, time.UTC)},
		{"weeks across a DST change start at midnight", day(2026, 10, 1, berlin), day(2026, 11, 1, berlin), berlin, []int{1, 8, 15, 22, 29}, day(2026, 11, 1, berlin)},
		{"an empty period", day(2026, 10, 1, berlin), day(2026, 10, 1, berlin), berlin, nil, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			weeks := extramile.MonthWeeks(tc.from, tc.to, tc.loc)
			if len(weeks) != len(tc.starts) {
				t.Fatalf("got %d weeks, want %d: %v", len(weeks), len(tc.starts), weeks)
			}
			loc := tc.loc
			if loc == nil {
				loc = time.UTC
			}
			for i, w := range weeks {
				if got := w.From.In(loc); got.Day() != tc.starts[i] || got.Hour() != 0 || got.Minute() != 0 {
					t.Errorf("week %d starts %v, want day %d at midnight", i+1, got, tc.starts[i])
				}
				if i > 0 && !weeks[i-1].To.Equal(w.From) {
					t.Errorf("week %d starts %v, the week before ends %v", i+1, w.From, weeks[i-1].To)
				}
				if w.Stories != 0 {
					t.Errorf("week %d has %d stories, want 0", i+1, w.Stories)
				}
			}
			if len(weeks) > 0 {
				if !weeks[0].From.Equal(tc.from) || !weeks[len(weeks)-1].To.Equal(tc.lastTo) {
					t.Errorf("weeks cover [%v, %v), want [%v, %v)", weeks[0].From, weeks[len(weeks)-1].To, tc.from, tc.lastTo)
				}
			}
		})
	}
}
