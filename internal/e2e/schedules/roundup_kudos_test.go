package schedules

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestRoundupNamesKudos: kudos feed the roundup. A kudos given in a public
// channel is named in the next roundup ("Kudos since <the last roundup>: @bob ×1"); a kudos
// in a private channel never shows in the public channel's roundup.
func TestRoundupNamesKudos(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) { c.RoundupSchedule = "@every 1s" })
	h.Start()

	bobs := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, User: apptest.Bob, Text: "I wrote the runbook for the failover"})
	carols := h.Slack.AddMessage(slackfake.Message{Channel: apptest.Team, User: apptest.Carol, Text: "I covered the weekend shift"})
	h.Event(h.Slack.ReactionEvent("reaction_added", apptest.Alice, "raised_hands", "", bobs.Channel, bobs.TS))
	h.Event(h.Slack.ReactionEvent("reaction_added", apptest.Alice, "raised_hands", "", carols.Channel, carols.TS))
	h.Eventually("both kudos kept", func() bool { return len(h.Export().Kudos) == 2 })

	bobLine := "<@" + apptest.Bob + "> ×1"
	h.Eventually("a roundup naming Bob's kudos", func() bool {
		for _, m := range postsOf(h, apptest.General, kindRoundup) {
			if text := apptest.Text(m); strings.Contains(text, "Kudos since ") && strings.Contains(text, bobLine) {
				return true
			}
		}
		return false
	})
	// Two more roundups after that one: none may name Carol's private kudos.
	k := len(postsOf(h, apptest.General, kindRoundup))
	waitPostsOf(h, apptest.General, kindRoundup, k+2)
	for _, m := range postsOf(h, apptest.General, kindRoundup) {
		if mentions(m, apptest.Carol) {
			t.Errorf("General's roundup names a kudos given in a private channel:\n%s", apptest.Text(m))
		}
	}
}
