package bot

import (
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"
)

// TestLastReceived counts what came from Slack, not what slack-go made up.
func TestLastReceived(t *testing.T) {
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	a := &Adapter{Now: func() time.Time { return now }}
	if got := a.LastReceived(); !got.IsZero() {
		t.Fatalf("before anything: got %v, want zero", got)
	}
	for _, typ := range []socketmode.EventType{socketmode.EventTypeConnecting, socketmode.EventTypeConnected,
		socketmode.EventTypeConnectionError, socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError} {
		a.markReceived(socketmode.Event{Type: typ})
	}
	if got := a.LastReceived(); !got.IsZero() {
		t.Errorf("after slack-go's own events: got %v, want zero", got)
	}
	for _, typ := range []socketmode.EventType{socketmode.EventTypeHello, socketmode.EventTypeSlashCommand,
		socketmode.EventTypeDisconnect, socketmode.EventTypeErrorBadMessage} {
		now = now.Add(time.Second)
		a.markReceived(socketmode.Event{Type: typ})
		if got := a.LastReceived(); !got.Equal(now) {
			t.Errorf("after %s: got %v, want %v", typ, got, now)
		}
	}
}
