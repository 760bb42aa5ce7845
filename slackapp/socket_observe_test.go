package slackapp

import (
	"testing"

	"github.com/slack-go/slack/socketmode"
)

// TestFromSlack counts what came from Slack, not what slack-go made up.
func TestFromSlack(t *testing.T) {
	for _, typ := range []socketmode.EventType{socketmode.EventTypeConnecting, socketmode.EventTypeConnected,
		socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError} {
		if fromSlack(typ) {
			t.Errorf("%s counts as from Slack; slack-go makes it up", typ)
		}
	}
	for _, typ := range []socketmode.EventType{socketmode.EventTypeHello, socketmode.EventTypeSlashCommand,
		socketmode.EventTypeDisconnect, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive} {
		if !fromSlack(typ) {
			t.Errorf("%s does not count as from Slack", typ)
		}
	}
}
