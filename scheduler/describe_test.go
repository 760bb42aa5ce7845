package scheduler

import (
	"testing"
	"time"
)

func TestDescribe(t *testing.T) {
	berlin := mustLoad(t, "Europe/Berlin")
	for _, tc := range []struct {
		spec string
		want string
	}{
		{"0 10 * * MON", "every Monday at 10:00"},
		{"0 16 * * FRI", "every Friday at 16:00"},
		{"0 10 1 * *", "on the 1st of every month at 10:00"},
		{"30 9 * * *", "every day at 09:30"},
		{"0 9 * * 1-5", "every weekday at 09:00"},
		{"0 9 * * SAT,SUN", "every Saturday and Sunday at 09:00"},
		{"0 10 * * MON,WED,FRI", "every Monday, Wednesday and Friday at 10:00"},
		{"0 9,17 * * *", "every day at 09:00 and 17:00"},
		{"0 10 1,15 * *", "on the 1st and 15th of every month at 10:00"},
		{"0 8 2,3,22 * *", "on the 2nd, 3rd and 22nd of every month at 08:00"},
		{"0 8 11,12,13,31 * *", "on the 11th, 12th, 13th and 31st of every month at 08:00"},
		{"0 0 1 1 *", "every year on 1 January at 00:00"},
		{"0 * * * *", "every hour, on the hour"},
		{"15 * * * *", "every hour at 15 minutes past the hour"},
		{"*/15 * * * *", "every 15 minutes"},
		{"0 */6 * * *", "every 6 hours, on the hour"},
		{"* * * * *", "every minute"},
		{"@hourly", "every hour, on the hour"},
		{"@daily", "every day at 00:00"},
		{"@midnight", "every day at 00:00"},
		{"@weekly", "every Sunday at 00:00"},
		{"@monthly", "on the 1st of every month at 00:00"},
		{"@yearly", "every year on 1 January at 00:00"},
		{"@every 1s", "every 1s"},
		{"@every 10s", "every 10s"},
		{"@every 90s", "every 1m30s"},
		{"@every 1h30m", "every 1h30m"},
		{"@every 2h", "every 2h"},
		// Fallbacks: shapes too rare to phrase, and invalid specs.
		{"0 10 1 * MON", "on the cron schedule `0 10 1 * MON`"},
		{"0 10 * 6 *", "on the cron schedule `0 10 * 6 *`"},
		{"5,10,20 8,9 * * *", "on the cron schedule `5,10,20 8,9 * * *`"},
		{"0 10 * MON", "on the cron schedule `0 10 * MON`"},
		{" nonsense ", "on the cron schedule `nonsense`"},
	} {
		// The zone changes nothing in the words.
		for _, loc := range []*time.Location{nil, berlin} {
			if got := Describe(tc.spec, loc); got != tc.want {
				t.Errorf("Describe(%q, %v) = %q, want %q", tc.spec, loc, got, tc.want)
			}
		}
	}
}
