package compose

import "testing"

func TestGoldenSubscription(t *testing.T) {
	for _, c := range []struct {
		name string
		m    Message
	}{
		{"configured_channel_unsubscribe", ConfiguredChannel("C0WINS0001", "unsubscribe")},
		{"configured_channel_subscribe", ConfiguredChannel("C0WINS0001", "subscribe")},
		{"invite_first", InviteFirst()},
	} {
		t.Run(c.name, func(t *testing.T) {
			mustCheck(t, c.name, c.m)
			golden(t, c.name, c.m)
		})
	}
}
