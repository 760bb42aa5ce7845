package scheduler

import "log/slog"

// cronLogger adapts a *slog.Logger to cron.Logger. cron's routine messages
// (start, wake, run…) go to Debug; a skipped overlapping run goes to Warn and
// a recovered panic to Error, in the same words as the scheduler's own logs.
type cronLogger struct {
	log *slog.Logger
}

// Info implements cron.Logger.
func (l cronLogger) Info(msg string, keysAndValues ...any) {
	if msg == "skip" { // from cron.SkipIfStillRunning
		l.log.Warn("skipped run: job still running", keysAndValues...)
		return
	}
	l.log.Debug("cron "+msg, keysAndValues...)
}

// Error implements cron.Logger.
func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	if msg == "panic" { // from cron.Recover
		msg = "job panicked"
	} else {
		msg = "cron " + msg
	}
	l.log.Error(msg, append(keysAndValues, keyErr, err)...)
}
