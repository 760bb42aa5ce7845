package faults

import (
	"fmt"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestSocketDropsUnderLoad streams reaction events among slash commands
// while the socket is sent a disconnect or dropped every 150 envelopes,
// then does what Slack does: redelivers every event whose ack never came
// (same event_id, retry_attempt raised), plus some that were acked, plus a
// few with a new event_id for the same reaction. Every reaction counts
// exactly once, the bot keeps serving, and redelivering an "added" event
// after the reaction was taken back does not bring the kudos back.
func TestSocketDropsUnderLoad(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	srv := h.Slack
	// Each phase gets its own apptest.Timeout: on a loaded 2-core machine
	// the whole test can take longer than one.
	ctx := waitCtx(t)

	const (
		n       = 160 // reaction events
		perTurn = 3   // envelopes per reaction: the reaction and two commands
		every   = 150 // a disconnect or a dropped socket every this many envelopes
		removed = 30  // reactions later taken back
	)
	givers := []string{apptest.Alice, apptest.Carol, apptest.Admin, apptest.Owner}
	type reaction struct {
		giver, ts string
		payload   map[string]any
		envelopes []string
	}
	rs := make([]*reaction, n)
	for i := range rs {
		r := &reaction{giver: givers[i%len(givers)], ts: fmt.Sprintf("1700000000.%06d", i+1)}
		r.payload = srv.ReactionEvent("reaction_added", r.giver, "raised_hands", apptest.Bob, apptest.General, r.ts)
		rs[i] = r
	}
	send := func(typ string, payload map[string]any, opts ...slackfake.EnvelopeOption) string {
		id, err := srv.Send(ctx, typ, payload, opts...)
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		return id
	}
	resend := func(r *reaction, opts ...slackfake.EnvelopeOption) {
		r.envelopes = append(r.envelopes, send(slackfake.TypeEventsAPI, r.payload, opts...))
	}
	acked := func(r *reaction) bool {
		for _, id := range r.envelopes {
			if srv.AckCount(id) > 0 {
				return true
			}
		}
		return false
	}

	sockets, sent := 1, 0
	fault := func() {
		if sent++; sent%every != 0 {
			return
		}
		if (sent/every)%2 == 1 {
			srv.Disconnect("refresh_requested")
		} else {
			srv.DropConnections()
		}
		sockets++
	}
	for _, r := range rs {
		resend(r)
		fault()
		for range perTurn - 1 {
			send(slackfake.TypeSlashCommands, srv.SlashCommand(apptest.Carol, apptest.General, "help"))
			fault()
		}
	}
	if err := srv.WaitConnected(ctx, sockets); err != nil {
		t.Fatalf("the bot did not come back after the last fault: %v", err)
	}
	// Slack redelivers what was not acked; a command answered on the
	// current socket shows the earlier acks are in.
	ctx = waitCtx(t)
	lost := 0
	for attempt := 1; ; attempt++ {
		h.Command(apptest.Alice, apptest.General, "help")
		var missing []*reaction
		for _, r := range rs {
			if !acked(r) {
				missing = append(missing, r)
			}
		}
		if attempt == 1 {
			lost = len(missing)
		}
		if len(missing) == 0 {
			break
		}
		if attempt > 5 {
			t.Fatalf("%d events still unacked after %d redeliveries", len(missing), attempt-1)
		}
		for _, r := range missing {
			resend(r, slackfake.WithRetry(attempt, "timeout"))
		}
	}
	t.Logf("%d envelopes sent over %d sockets; %d of %d events lost their ack and were redelivered", sent, sockets, lost, n)
	// Slack also redelivers some events that were acked, and has been seen
	// sending the same reaction again under a new event_id.
	for i := 0; i < n; i += 10 {
		resend(rs[i], slackfake.WithRetry(1, "timeout"))
	}
	for i := 5; i < n; i += 40 {
		again := srv.ReactionEvent("reaction_added", rs[i].giver, "raised_hands", apptest.Bob, apptest.General, rs[i].ts)
		again["event"].(map[string]any)["event_ts"] = rs[i].payload["event"].(map[string]any)["event_ts"]
		h.Event(again)
	}
	// 160 kudos under the race detector on a loaded 2-core machine can take
	// longer than one Timeout; the budget only bounds a failure.
	h.EventuallyWithin(4*apptest.Timeout, fmt.Sprintf("%d kudos", n), func() bool { return len(h.Export().Kudos) >= n })

	// Take some back, then redeliver their "added" events: only the event_id
	// ledger can drop them (the kudos rows are gone).
	for _, r := range rs[:removed] {
		h.Event(srv.ReactionEvent("reaction_removed", r.giver, "raised_hands", apptest.Bob, apptest.General, r.ts))
	}
	h.EventuallyWithin(4*apptest.Timeout, fmt.Sprintf("%d kudos after the removals", n-removed), func() bool { return len(h.Export().Kudos) == n-removed })
	ctx = waitCtx(t)
	for _, r := range rs[:removed] {
		resend(r, slackfake.WithRetry(2, "timeout"))
		if _, err := srv.WaitAck(ctx, r.envelopes[len(r.envelopes)-1]); err != nil {
			t.Fatal(err)
		}
	}
	// A clean stop waits for the handlers in flight: then count.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, k := range h.Export().Kudos {
		if k.Receiver != apptest.Bob || k.Channel != apptest.General {
			t.Errorf("unexpected kudos %+v", k)
		}
		got[k.Giver+" "+k.MessageTS]++
	}
	for i, r := range rs {
		want := 1
		if i < removed {
			want = 0
		}
		if n := got[r.giver+" "+r.ts]; n != want {
			t.Errorf("reaction %d (%s on %s) counted %d times, want %d", i, r.giver, r.ts, n, want)
		}
	}
	h.Start()
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "help")); p == nil {
		t.Error("the bot stopped answering commands")
	}
}
