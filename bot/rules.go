package bot

import (
	"time"

	"github.com/extramile/extramile/scheduler"
)

// The rules of the scheduled jobs and of kudos, as pure functions: they
// decide, the callers fetch and post. Each has a table test (rules_test.go).

// Roundup windows: a channel's first roundup looks back a week; after a
// long pause (the bot was down, or the schedule is monthly) a roundup
// reaches back at most roundupMaxDays.
const (
	roundupFirstDays = 7
	roundupMaxDays   = 42
)

// roundupSince is where the roundup of scheduledAt starts, given the
// scheduled time of the channel's last roundup (zero: none yet).
func roundupSince(last, scheduledAt time.Time) time.Time {
	switch earliest := scheduledAt.AddDate(0, 0, -roundupMaxDays); {
	case last.IsZero():
		return scheduledAt.AddDate(0, 0, -roundupFirstDays)
	case last.Before(earliest):
		return earliest
	}
	return last
}

// Windows of the kudos summary: the first run looks back a day, a run after
// a long pause at most a week.
const (
	kudosFirstWindow = 24 * time.Hour
	kudosMaxWindow   = 7 * 24 * time.Hour
)

// kudosRunFrom is where the kudos-summary run of scheduledAt starts, given
// the last run done (zero: none); ok is false when that run (or a later
// one) is done already.
func kudosRunFrom(last, scheduledAt time.Time) (from time.Time, ok bool) {
	switch {
	case last.IsZero():
		return scheduledAt.Add(-kudosFirstWindow), true
	case !last.Before(scheduledAt):
		return time.Time{}, false
	case last.Before(scheduledAt.Add(-kudosMaxWindow)):
		return scheduledAt.Add(-kudosMaxWindow), true
	}
	return last, true
}

// kudosSummaryFrom is where one person's summary in the run ending at to
// starts: their last summary (zero: none, then runFrom), at most
// kudosMaxWindow back. ok is false when they had one already that day (in
// loc): one a day at most, whatever the schedule.
func kudosSummaryFrom(last, runFrom, to time.Time, loc *time.Location) (from time.Time, ok bool) {
	switch {
	case last.IsZero():
		return runFrom, true
	case !last.Before(to):
		return time.Time{}, false
	}
	if lastDay, _ := scheduler.DayOf(last, loc); !lastDay.Before(dayStart(to, loc)) {
		return time.Time{}, false
	}
	if earliest := to.Add(-kudosMaxWindow); last.Before(earliest) {
		return earliest, true
	}
	return last, true
}

// dayStart is the start of the day containing t in loc.
func dayStart(t time.Time, loc *time.Location) time.Time {
	start, _ := scheduler.DayOf(t, loc)
	return start
}

// kudosReceivers is who receives a kudos from giver among candidates (the
// message's author, or the people a shoutout thanks): never the giver, the
// bot or Slackbot, nor anyone unfit says is a bot or deactivated.
func kudosReceivers(giver string, candidates []string, botUser string, unfit func(user string) bool) []string {
	var out []string
	for _, c := range candidates {
		if c == giver || c == botUser || c == slackbotUser || unfit(c) {
			continue
		}
		out = append(out, c)
	}
	return out
}
