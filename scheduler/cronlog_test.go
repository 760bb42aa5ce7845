package scheduler

import (
	"errors"
	"testing"

	"github.com/robfig/cron/v3"
)

func TestCronLogger(t *testing.T) {
	logger, logs := newLogger()
	l := cronLogger{logger.With(keyJob, "prompt")}

	// What cron.SkipIfStillRunning and cron.Recover log, in our words.
	var job cron.Job
	job = cron.SkipIfStillRunning(l)(cron.FuncJob(func() { job.Run() })) // re-entered while running: skipped
	job.Run()
	cron.Recover(l)(cron.FuncJob(func() { panic(errors.New("kaboom")) })).Run()
	l.Info("wake", "now", "x") // routine: Debug, below the test logger's level
	l.Error(errors.New("bad"), "other")

	for _, want := range [][]string{
		{"level=WARN", `msg="skipped run: job still running"`, "job=prompt"},
		{"level=ERROR", `msg="job panicked"`, "job=prompt", "err=kaboom", "stack="},
		{"level=ERROR", `msg="cron other"`, "err=bad"},
	} {
		if got := logs.lines(want...); len(got) != 1 {
			t.Errorf("want one log line with %q, got %d; log:\n%s", want, len(got), logs)
		}
	}
	if got := logs.lines("wake"); len(got) != 0 {
		t.Errorf("routine cron message logged at Info: %q", got)
	}
}
