package app

import (
	"testing"
	"time"
)

// TestTimingsFitTogether checks the relations the program's durations rely
// on, so that tuning one cannot silently break another.
func TestTimingsFitTogether(t *testing.T) {
	tm := newTimings()
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"the ack budget leaves the ack time to reach Slack within its 3 s", tm.ackBudget > 0 && tm.ackBudget < slackAckLimit},
		{"a waiting writer is promoted before its ack budget runs out", tm.promoteBefore > 0 && tm.promoteBefore < tm.ackBudget},
		{"a promoted writer has waited a while first (not promoted on arrival)", tm.ackBudget-tm.promoteBefore >= 500*time.Millisecond},
		{"the drain outlasts a handler's ack budget", tm.drain > tm.ackBudget},
		{"a scheduled post's grace ends within the wait for scheduled jobs", tm.postGrace > 0 && tm.postGrace < tm.schedulerStop},
		{"the shutdown waits together stay under the stop budget", tm.drain+tm.schedulerStop+tm.background < stopBudget},
		{"every shutdown wait is positive", tm.drain > 0 && tm.schedulerStop > 0 && tm.background > 0},
	} {
		if !c.ok {
			t.Errorf("%s: %+v", c.what, tm)
		}
	}
}

// TestTimingsValues pins the values the relations produce today, so that a
// change to them is a deliberate one.
func TestTimingsValues(t *testing.T) {
	got := newTimings()
	want := timings{
		ackBudget:     2500 * time.Millisecond,
		promoteBefore: 1500 * time.Millisecond,
		drain:         4 * time.Second,
		schedulerStop: 2 * time.Second,
		background:    3 * time.Second,
		postGrace:     1500 * time.Millisecond,
	}
	if got != want {
		t.Errorf("newTimings() = %+v, want %+v", got, want)
	}
}
