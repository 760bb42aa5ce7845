package bot

import (
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile/scheduler"
)

func TestNudgeable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		u      *slack.User
		guests bool
		want   bool
	}{
		{"member", &slack.User{ID: "U1"}, false, true},
		{"nil", nil, true, false},
		{"bot", &slack.User{ID: "U2", IsBot: true}, true, false},
		{"Slackbot", &slack.User{ID: "USLACKBOT"}, true, false},
		{"deactivated", &slack.User{ID: "U3", Deleted: true}, true, false},
		{"guest, guests off", &slack.User{ID: "U4", IsRestricted: true}, false, false},
		{"single-channel guest, guests off", &slack.User{ID: "U5", IsUltraRestricted: true}, false, false},
		{"guest, guests on", &slack.User{ID: "U4", IsRestricted: true}, true, true},
	} {
		if got := nudgeable(tc.u, tc.guests); got != tc.want {
			t.Errorf("%s: nudgeable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNudgeWeekKeyIsTheWeeksMonday(t *testing.T) {
	for _, at := range []time.Time{
		time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC),
		time.Date(2027, 1, 3, 23, 59, 0, 0, time.UTC), // a Sunday, across a year boundary
		time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		from, _ := scheduler.WeekOf(at, time.UTC)
		if got := NudgeWeekKey(scheduler.WeekIndex(at, time.UTC)); !got.Equal(from) {
			t.Errorf("NudgeWeekKey(week of %s) = %s, want %s", at, got, from)
		}
	}
}
