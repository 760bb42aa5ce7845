package compose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestGoldenKudosWhere(t *testing.T) {
	base := SettingsView{
		Zone:       "Europe/Berlin",
		Jobs:       []JobInfo{{Name: "Weekly prompt", Description: "every Monday at 10:00", Next: time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}},
		KudosEmoji: []string{"raised_hands"},
	}
	everywhere := base
	everywhere.IsAdmin = true
	everywhere.KudosEverywhere = true
	everywhere.KudosWhereBy, everywhere.KudosWhereAt = "U0ADMIN01", time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	everywhere.KudosChannelsKnown = true
	for i := range 45 {
		everywhere.KudosChannels = append(everywhere.KudosChannels, fmt.Sprintf("C0CHAN%04d", i))
	}
	unknown := base
	none := base
	none.KudosChannelsKnown = true

	for _, c := range []struct {
		name string
		m    Message
	}{
		{"settings_kudos_everywhere", Settings(everywhere)},
		{"settings_kudos_unknown", Settings(unknown)},
		{"settings_kudos_nowhere", Settings(none)},
		{"kudos_where_everywhere", KudosWhereChanged(true, true)},
		{"kudos_where_everywhere_already", KudosWhereChanged(true, false)},
		{"kudos_where_invited", KudosWhereChanged(false, true)},
		{"kudos_where_invited_already", KudosWhereChanged(false, false)},
		{"kudos_where_usage", KudosWhereUsage()},
		{"subscribed_joined", SubscribedJoined("C0WINS0001", true)},
		{"subscribed_joined_already", SubscribedJoined("C0WINS0001", false)},
	} {
		t.Run(c.name, func(t *testing.T) {
			mustCheck(t, c.name, c.m)
			golden(t, c.name, c.m)
		})
	}
}

func TestSettingsSayWhereKudosCount(t *testing.T) {
	v := SettingsView{Zone: "UTC", KudosChannelsKnown: true, KudosChannels: []string{"C0GENERAL1", "<!here>"}}
	got := allText(t, Settings(v))
	for _, want := range []string{"the channels I'm invited to", "/invite @Extra Mile", "I'm in <#C0GENERAL1> and &lt;!here&gt;."} {
		if !strings.Contains(got, want) {
			t.Errorf("settings lack %q:\n%s", want, got)
		}
	}
	v.KudosEverywhere = true
	v.KudosWhereBy, v.KudosWhereAt = "U0ADMIN01", time.Date(2026, 11, 23, 23, 30, 0, 0, time.UTC)
	v.Zone = "Europe/Berlin"
	got = allText(t, Settings(v))
	for _, want := range []string{"every public channel", "Chosen by <@U0ADMIN01> on 2026-11-24"} {
		if !strings.Contains(got, want) {
			t.Errorf("settings lack %q:\n%s", want, got)
		}
	}
}

// allText is every text of m's blocks, one per line, as Slack gets it (not
// JSON-escaped).
func allText(t *testing.T, m Message) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m.Blocks); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if s, ok := x["text"].(string); ok {
				out.WriteString(s + "\n")
			}
			for _, v := range x {
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	walk(v)
	return out.String()
}
