package faults

import (
	"context"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/slackapp"
)

// tuneAdapter makes the harness hand the bot's Socket Mode adapter to
// change before it runs, and returns a channel that yields the first one.
func tuneAdapter(h *apptest.Harness, change func(*slackapp.Adapter)) <-chan *slackapp.Adapter {
	got := make(chan *slackapp.Adapter, 1)
	h.Tune = func(m *app.Main) {
		m.TuneAdapter = func(a *slackapp.Adapter) {
			change(a)
			select {
			case got <- a:
			default: // a later start: the test has the first adapter
			}
		}
	}
	return got
}

// TestSilentSocketIsReplaced: a socket that goes silent without a
// disconnect (no ping, no envelope; SLACK.md) is dropped by the bot's
// watchdog once nothing has come for its silence limit, and the envelopes
// sent after are acked on the new socket. A socket that only gets pings is
// not silent. slack-go's own ping timeout (30 s by default) is far longer
// than the test, so the reconnect is the watchdog's.
func TestSilentSocketIsReplaced(t *testing.T) {
	t.Parallel()
	const (
		ping  = 20 * time.Millisecond  // the fake's ping interval
		limit = 500 * time.Millisecond // the watchdog's silence limit
	)
	h := apptest.NewWithSlack(t, []slackfake.Option{slackfake.WithPingInterval(ping)})
	adapters := tuneAdapter(h, func(a *slackapp.Adapter) { a.SilenceLimit = limit })
	h.Start()
	srv, ctx := h.Slack, waitCtx(t)
	a := <-adapters

	// Idle but pinged for twice the limit: the same socket stays.
	if err := srv.WaitPongs(ctx, srv.Pongs()+int(2*limit/ping)); err != nil {
		t.Fatal(err)
	}
	now, cancel := context.WithCancel(ctx)
	cancel() // WaitConnected with a done context only looks
	if err := srv.WaitConnected(now, 2); err == nil {
		t.Fatal("the bot replaced a socket that was pinged")
	}
	before := a.LastReceived()
	if before.IsZero() {
		t.Fatal("LastReceived is zero on an open socket")
	}

	if n := srv.GoSilent(); n != 1 {
		t.Fatalf("GoSilent silenced %d sockets, want 1", n)
	}
	if err := srv.WaitConnected(ctx, 2); err != nil {
		t.Fatalf("the bot did not replace the silent socket: %v", err)
	}
	h.Eventually("the silent socket closed", func() bool { return srv.Connections() == 1 })

	ack := h.Command(apptest.Alice, apptest.General, "help")
	if apptest.AckPayload(t, ack) == nil {
		t.Error("the command sent after the reconnect was acked without its reply")
	}
	if after := a.LastReceived(); !after.After(before) {
		t.Errorf("LastReceived did not move with the new socket: before %v, after %v", before, after)
	}
	ev := srv.ReactionEvent("reaction_added", apptest.Alice, "raised_hands", apptest.Bob, apptest.General, "1700000000.000100")
	h.Event(ev)
	h.Eventually("the kudos from the new socket", func() bool { return len(h.Export().Kudos) == 1 })
}

// TestLastReceivedFollowsSlack: LastReceived reads the program's clock when
// something arrives from Slack: the hello, then each envelope.
func TestLastReceivedFollowsSlack(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	h := apptest.New(t)
	h.Clock = clk // the program's clock, which the adapter reads
	adapters := tuneAdapter(h, func(a *slackapp.Adapter) {
		a.SilenceLimit = 24 * time.Hour // the clock jumps: keep the watchdog out of it
	})
	start := clk.Now()
	h.Start()
	a := <-adapters
	h.Eventually("LastReceived set by the connection", func() bool { return !a.LastReceived().IsZero() })
	if got := a.LastReceived(); !got.Equal(start) {
		t.Errorf("LastReceived after the hello: got %v, want %v", got, start)
	}

	later := start.Add(90 * time.Minute)
	clk.Set(later)
	h.Command(apptest.Alice, apptest.General, "help")
	if got := a.LastReceived(); !got.Equal(later) {
		t.Errorf("LastReceived after a command: got %v, want %v", got, later)
	}
}
