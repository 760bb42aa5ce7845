package slackfake

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

func TestWorkspaceRateLimit(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	srv := New(t, WithClock(func() time.Time { return now }))
	for _, id := range []string{"C1", "C2", "C3", "C4"} {
		srv.AddChannel(Channel{ID: id, Name: id, BotIsMember: true})
	}
	srv.SetWorkspaceRateLimit("chat.postMessage", 120, 2) // 2 a second, bursts of 2
	api := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()))
	post := func(channel string) error {
		_, _, err := api.PostMessageContext(context.Background(), channel, slack.MsgOptionText("hi", false))
		return err
	}

	// The burst passes in two channels; the third channel is over the
	// workspace's limit although its own bucket is full.
	for _, ch := range []string{"C1", "C2"} {
		if err := post(ch); err != nil {
			t.Fatalf("post in %s within the burst: %v", ch, err)
		}
	}
	err := post("C3")
	rl, ok := err.(*slack.RateLimitedError)
	if !ok {
		t.Fatalf("post over the limit: got %v, want a *slack.RateLimitedError", err)
	}
	if rl.RetryAfter != time.Second {
		t.Errorf("Retry-After: got %v, want 1s", rl.RetryAfter)
	}
	if got := srv.RateLimited("chat.postMessage"); got != 1 {
		t.Errorf("RateLimited: got %d, want 1", got)
	}
	now = now.Add(500 * time.Millisecond) // one token back
	if err := post("C4"); err != nil {
		t.Fatalf("post after the refill: %v", err)
	}
	if err := post("C1"); err == nil {
		t.Fatal("second post in the same half second passed")
	}

	srv.SetWorkspaceRateLimit("chat.postMessage", 0, 0)
	if err := post("C2"); err != nil {
		t.Fatalf("post with the limit removed: %v", err)
	}
	if got := len(srv.Messages("")); got != 4 {
		t.Errorf("messages: got %d, want 4", got)
	}
}

func TestWaitAckTotal(t *testing.T) {
	srv := New(t)
	if got := srv.AckTotal(); got != 0 {
		t.Fatalf("AckTotal before any socket: got %d, want 0", got)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := srv.WaitAckTotal(short, 1); err == nil {
		t.Fatal("WaitAckTotal returned without an ack")
	}

	ctx, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	client := socketmode.New(slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-test")))
	go func() {
		for evt := range client.Events {
			if evt.Request != nil && evt.Request.EnvelopeID != "" { // not the hello
				_ = client.Ack(*evt.Request)
			}
		}
	}()
	go func() { _ = client.RunContext(ctx) }()
	if err := srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := srv.Send(ctx, TypeSlashCommands, srv.SlashCommand("UBOT", "C1", "help")); err != nil {
			t.Fatal(err)
		}
	}
	n, err := srv.WaitAckTotal(ctx, 3)
	if err != nil || n != 3 {
		t.Fatalf("WaitAckTotal(3): got %d, %v", n, err)
	}
	if got := srv.AckTotal(); got != 3 {
		t.Errorf("AckTotal: got %d, want 3", got)
	}
}
