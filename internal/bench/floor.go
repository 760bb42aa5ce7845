package bench

import (
	"context"
	"errors"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// RunFloor runs a bare slack-go Socket Mode app against apiURL that acks
// every envelope the moment it arrives and does nothing else: the floor
// the bot's ack latency is compared with. It returns when ctx is done.
func RunFloor(ctx context.Context, apiURL, appToken string) error {
	api := slack.New("xoxb-floor", slack.OptionAPIURL(apiURL), slack.OptionAppLevelToken(appToken))
	client := socketmode.New(api)
	go func() {
		for evt := range client.Events {
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				_ = client.Ack(*evt.Request)
			}
		}
	}()
	err := client.RunContext(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
