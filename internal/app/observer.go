package app

import (
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
)

// Observer hears what became of the program's work, as typed values: the
// end-to-end tests wait on these instead of reading the logs, whose words
// stay free to change. Every field is optional. Each is called from the
// goroutine that did the work, possibly from several at once, and must
// return quickly.
type Observer struct {
	Reaction   func(bot.ReactionOutcome)     // each reaction event, once handled
	Post       func(bot.PostOutcome)         // each scheduled post in a channel
	Run        func(scheduler.Run)           // each run of a job the scheduler attempted, at its end
	Missed     func(scheduler.Missed)        // each firing too old to catch up at start
	Unreadable func(slackapp.UnreadEnvelope) // each envelope the adapter could not read
}

// jobRun reports a scheduler run to the metrics and to the observer.
func (o Observer) jobRun(metrics func(job string, err error)) func(scheduler.Run) {
	return func(r scheduler.Run) {
		metrics(r.Job, r.Err)
		if o.Run != nil {
			o.Run(r)
		}
	}
}
