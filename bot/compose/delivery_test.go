package compose

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/extramile/extramile"
)

// TestGoldenDelivery checks, against their golden files, the shoutout and
// DMs of a quick share (no audience, no way) and of a story made of pings,
// the messages about a story that could not be posted, the answers to "Try
// again", and the quick-share help.
func TestGoldenDelivery(t *testing.T) {
	posted := story()
	pending := story()
	pending.ShoutoutTS, pending.Permalink = "", ""
	quick := story() // a quick share: no audience, no way
	quick.Audience, quick.Way, quick.Recognized = "", "", []string{"U0MAYA001"}
	pings := story()
	pings.Text = pingStory
	cases := []struct {
		name string
		m    Message
	}{
		{"shoutout_quick_share", Shoutout(quick, "raised_hands")},
		{"thank_you_dm_quick_share", ThankYouDM(quick, quick.Permalink)},
		{"thank_you_dm_pings", ThankYouDM(pings, pings.Permalink)},
		{"confirmation_pings", Confirmation(pings, pings.Permalink)},
		{"retry_posted", RetryPosted(posted, posted.Permalink)},
		{"retry_still_private", RetryStillUndeliverable(pending, "C0SECRET01", ReasonPrivate)},
		{"retry_already_posted", RetryAlreadyPosted(posted)},
		{"retry_busy", RetryBusy()},
		{"undeliverable_private_no_id", Undeliverable(&extramile.Story{Author: "U0AUTHOR1", Recognized: []string{"U0MAYA001"}, Text: "Stayed late to fix the import."}, "C0SECRET01", ReasonPrivate)},
		{"quick_share_how_to", QuickShareHowTo("Dana stayed late & fixed the <!here> import for the customer")},
		{"quick_share_problem", QuickShareProblem("UAPPBOT is an app, not a person.", "<@UAPPBOT> stayed late to fix the import for the customer")},
		{"quick_share_problem_short", QuickShareProblem("Add a little more.", "<@U0MAYA001> thanks")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustCheck(t, tc.name, tc.m)
			golden(t, tc.name, tc.m)
		})
	}
}

// TestDeliveryMessagesAreSafe feeds the delivery and quick-share builders
// the worst input: nothing pings, everything stays within Slack's limits,
// and the button offers exactly what can work.
func TestDeliveryMessagesAreSafe(t *testing.T) {
	long := strings.Repeat("<!channel> & <http://x|y> ", 400)
	worst := &extramile.Story{ID: 7, Author: "<!here>", Recognized: users(extramile.MaxRecognized), Text: long, Channel: "<!everyone>", Permalink: "javascript:alert(1)"}
	msgs := map[string]Message{
		"posted":    RetryPosted(worst, worst.Permalink),
		"still":     RetryStillUndeliverable(worst, worst.Channel, ReasonOther),
		"already":   RetryAlreadyPosted(worst),
		"how to":    QuickShareHowTo(long),
		"problem":   QuickShareProblem(long, long),
		"archived":  Undeliverable(worst, "C0OLD00001", ReasonArchived),
		"not found": Undeliverable(worst, "C0GONE0001", ReasonNotFound),
	}
	for name, m := range msgs {
		mustCheck(t, name, m)
		raw, _ := json.Marshal(m)
		for _, ping := range []string{`\u003c!here`, `\u003c!channel`, `\u003c!everyone`, `\u003chttp`, "javascript:"} {
			if strings.Contains(string(raw), ping) {
				t.Errorf("%s: %s got through", name, ping)
			}
		}
	}
	for name, m := range map[string]Message{"archived": msgs["archived"], "not found": msgs["not found"]} {
		if raw, _ := json.Marshal(m); strings.Contains(string(raw), ActionRetryShoutout) {
			t.Errorf("%s offers Try again, which cannot work there", name)
		}
	}
	if raw, _ := json.Marshal(Undeliverable(worst, "C0SECRET01", ReasonPrivate)); !strings.Contains(string(raw), ActionRetryShoutout) {
		t.Error("a private channel's message offers no Try again")
	}
}
