// Package backbone tests the skeleton end to end: connecting over Socket
// Mode, acking every kind of envelope once, reconnecting, stopping cleanly,
// and stopping (not looping) when Slack refuses the tokens.
package backbone

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/slackapp"
)

// TestAcksEveryEnvelopeType sends one envelope of each kind, including ones
// nothing handles and one slack-go cannot parse, and checks each is acked
// exactly once, quickly.
func TestAcksEveryEnvelopeType(t *testing.T) {
	h := apptest.New(t)
	h.Start()
	srv := h.Slack

	tests := []struct {
		name    string
		typ     string
		payload any
	}{
		{"slash command", slackfake.TypeSlashCommands, srv.SlashCommand(apptest.Alice, apptest.General, "help")},
		{"unknown block action", slackfake.TypeInteractive, srv.BlockActionsPayload(apptest.Alice, apptest.General, "1.1", []map[string]any{slackfake.ButtonAction("nobody_handles_this", "b", "v")})},
		{"unknown view submission", slackfake.TypeInteractive, srv.ViewSubmissionPayload(apptest.Alice, "some_other_modal", "", nil)},
		{"reaction event", slackfake.TypeEventsAPI, srv.ReactionEvent("reaction_added", apptest.Alice, "tada", apptest.Bob, apptest.General, "1.2")},
		{"unknown event", slackfake.TypeEventsAPI, srv.EventCallback(map[string]any{"type": "team_rename", "name": "x"})},
		{"unparseable payload", slackfake.TypeEventsAPI, json.RawMessage(`"not an object"`)},
		{"unknown envelope type", "mystery_type", map[string]any{"x": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := h.Ctx()
			id, err := srv.Send(ctx, tt.typ, tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			ack, err := srv.WaitAck(ctx, id)
			if err != nil {
				t.Fatalf("not acked: %v", err)
			}
			if lat := ack.Received.Sub(ack.Sent); lat > time.Second {
				t.Errorf("ack took %v; Slack allows 3 s and we aim for milliseconds", lat)
			}
		})
	}
	// Each exactly once (a second ack would show up by now: handlers are done).
	for _, a := range srv.Acks() {
		if n := srv.AckCount(a.EnvelopeID); n != 1 {
			t.Errorf("envelope %s acked %d times, want 1", a.EnvelopeID, n)
		}
	}
}

func TestHelpAnswersInTheAck(t *testing.T) {
	h := apptest.New(t)
	h.Start()
	p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "help"))
	if p["response_type"] != "ephemeral" {
		t.Errorf("response_type: got %v, want ephemeral", p["response_type"])
	}
	if text, _ := json.Marshal(p); !strings.Contains(string(text), "mine") || !strings.Contains(string(text), "top") {
		t.Errorf("help does not list the subcommands: %s", text)
	}
}

func TestReconnectsAfterDisconnect(t *testing.T) {
	for _, reason := range []string{"refresh_requested", "warning"} {
		t.Run(reason, func(t *testing.T) {
			h := apptest.New(t)
			h.Start()
			h.Slack.Disconnect(reason)
			if err := h.Slack.WaitConnected(h.Ctx(), 2); err != nil {
				t.Fatalf("no reconnect after %s: %v", reason, err)
			}
			if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "help")); p == nil {
				t.Error("no reply after reconnecting")
			}
		})
	}
}

func TestReconnectsAfterDroppedSocket(t *testing.T) {
	h := apptest.New(t)
	h.Start()
	h.Slack.DropConnections()
	if err := h.Slack.WaitConnected(h.Ctx(), 2); err != nil {
		t.Fatalf("no reconnect: %v", err)
	}
	h.Command(apptest.Alice, apptest.General, "help")
}

func TestStopsCleanlyAndKeepsTheDatabase(t *testing.T) {
	h := apptest.New(t)
	h.Start()
	h.Command(apptest.Alice, apptest.General, "subscribe") // not admin: a refusal, but a full round trip
	start := time.Now()
	if err := h.Stop(); err != nil {
		t.Fatalf("Run returned %v, want nil on shutdown", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("stop took %v, want under 10 s", d)
	}
	// The database is closed and intact: a second process can open it.
	h.Export()
	h.Start()
	h.Command(apptest.Alice, apptest.General, "help")
}

func TestStopsWhenSlackRefusesTheAppToken(t *testing.T) {
	h := apptest.New(t)
	h.Start()
	h.Slack.SetConnectionsOpenError("invalid_auth") // as after a revoked token or Socket Mode turned off
	h.Slack.Disconnect("link_disabled")
	err, exited := h.Exited()
	if !exited {
		t.Fatal("the bot kept reconnecting instead of stopping")
	}
	if !errors.Is(err, slackapp.ErrSlackRefused) {
		t.Fatalf("Run returned %v, want ErrSlackRefused", err)
	}
	// What the operator reads: cmd/extramile prints Run's error on exit.
	if msg := err.Error(); !strings.Contains(msg, "slack refused the socket mode connection") || !strings.Contains(msg, "invalid_auth") {
		t.Errorf("Run's error %q does not say clearly that Slack refused the connection, and why", msg)
	}
}

func TestRefusedBotTokenStopsBeforeServing(t *testing.T) {
	h := apptest.New(t)
	h.Slack.FailNext("auth.test", 1, "token_revoked")
	done := make(chan error, 1)
	go func() { done <- h.RunOnce() }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") {
			t.Fatalf("Run returned %v, want an error naming SLACK_BOT_TOKEN", err)
		}
	case <-time.After(apptest.Timeout):
		t.Fatal("Run did not stop")
	}
}
