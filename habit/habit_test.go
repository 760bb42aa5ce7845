package habit

import (
	"testing"
	"time"

	"github.com/extramile/extramile/scheduler"
)

func load(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestStreak(t *testing.T) {
	utc := time.UTC
	tokyo := load(t, "Asia/Tokyo")
	la := load(t, "America/Los_Angeles")
	// Thursday 13 March 2025, noon UTC; its week is Mon 10 – Sun 16 March.
	now := time.Date(2025, 3, 13, 12, 0, 0, 0, utc)
	week := func(offset int) time.Time { return now.AddDate(0, 0, 7*offset) } // same weekday, offset weeks
	weekOf := func(tm time.Time, loc *time.Location) int { return scheduler.WeekIndex(tm, loc) }
	excuse := func(ts ...time.Time) func(int) bool {
		set := map[int]bool{}
		for _, tm := range ts {
			set[weekOf(tm, utc)] = true
		}
		return func(w int) bool { return set[w] }
	}
	for _, tc := range []struct {
		name    string
		stories []time.Time
		loc     *time.Location
		excused func(int) bool
		want    int
	}{
		{name: "no stories", want: 0},
		{name: "this week only", stories: []time.Time{now}, want: 1},
		{name: "three weeks in a row", stories: []time.Time{week(0), week(-1), week(-2)}, want: 3},
		{name: "two stories in one week count once", stories: []time.Time{week(0), week(0).Add(-time.Hour), week(-1)}, want: 2},
		{name: "this week still open", stories: []time.Time{week(-1), week(-2)}, want: 2},
		{name: "missed last week resets", stories: []time.Time{week(-2), week(-3)}, want: 0},
		{name: "missed week in the middle", stories: []time.Time{week(0), week(-1), week(-3), week(-4)}, want: 2},
		{name: "snoozed week does not count against", stories: []time.Time{week(0), week(-2), week(-3)}, excused: excuse(week(-1)), want: 3},
		{name: "skipped weeks in a row do not count against", stories: []time.Time{week(-3)}, excused: excuse(week(-1), week(-2)), want: 1},
		{name: "an excused week with a story still counts", stories: []time.Time{week(-1)}, excused: excuse(week(-1)), want: 1},
		{name: "stories in the future are ignored", stories: []time.Time{week(1), week(-1)}, want: 1},
		{
			// Sunday 9 March 23:30 in Los Angeles is Monday 10 March 07:30 UTC:
			// the week of now in UTC, the week before in Los Angeles.
			name: "read in the person's zone (Los Angeles)", loc: la,
			stories: []time.Time{time.Date(2025, 3, 9, 23, 30, 0, 0, la)}, want: 1,
		},
		{
			name: "the same story read in UTC (person moved to UTC)", loc: utc,
			stories: []time.Time{time.Date(2025, 3, 9, 23, 30, 0, 0, la)}, want: 1,
		},
		{
			// Monday 10 March 01:00 in Tokyo is Sunday 9 March 16:00 UTC: this
			// week in Tokyo, last week in UTC; with a story two weeks ago (in
			// both zones) the streak is whole in Tokyo and the same in UTC.
			name: "zone change: a Monday-morning story in Tokyo", loc: tokyo,
			stories: []time.Time{time.Date(2025, 3, 10, 1, 0, 0, 0, tokyo), week(-1)}, want: 2,
		},
		{
			name: "zone change: the same stories read in UTC", loc: utc,
			stories: []time.Time{time.Date(2025, 3, 10, 1, 0, 0, 0, tokyo), week(-2)}, want: 2,
		},
		{
			name: "zone change: read in Tokyo, the week between is missed", loc: tokyo,
			stories: []time.Time{time.Date(2025, 3, 10, 1, 0, 0, 0, tokyo), week(-2)}, want: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Streak(tc.stories, now, tc.loc, tc.excused); got != tc.want {
				t.Errorf("Streak = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestStreakIsBounded(t *testing.T) {
	now := time.Date(2025, 3, 13, 12, 0, 0, 0, time.UTC)
	always := func(int) bool { return true }
	if got := Streak([]time.Time{now.AddDate(-30, 0, 0)}, now, nil, always); got != 0 {
		t.Errorf("Streak past the bound = %d, want 0", got)
	}
}

func TestWeeks(t *testing.T) {
	from := time.Date(2025, 3, 13, 12, 0, 0, 0, time.UTC) // Thursday
	got := Weeks(from, from.Add(14*24*time.Hour), nil)    // two weeks: three ISO weeks touched
	if len(got) != 3 || got[0] != scheduler.WeekIndex(from, nil) || got[2]-got[0] != 2 {
		t.Errorf("Weeks = %v", got)
	}
	if got := Weeks(from, from, nil); len(got) != 0 {
		t.Errorf("empty interval: Weeks = %v", got)
	}
}
