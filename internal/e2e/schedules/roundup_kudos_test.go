package schedules

import (
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestRoundupNamesKudos: kudos feed the roundup. A kudos given in a public
// channel is named in the next roundup ("Kudos since <the last roundup>: @bob ×1"); a kudos
// in a private channel never shows in the public channel's roundup.
func TestRoundupNamesKudos(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, friday, func(c *config.Config) { c.RoundupSchedule = weeklyRoundup })
	h.Start()

	bobs := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, User: apptest.Bob, Text: "I wrote the runbook for the failover"})
	carols := h.Slack.AddMessage(slackfake.Message{Channel: apptest.Team, User: apptest.Carol, Text: "I covered the weekend shift"})
	for _, m := range []slackfake.Message{bobs, carols} {
		p := h.Slack.ReactionEvent("reaction_added", apptest.Alice, "raised_hands", "", m.Channel, m.TS)
		h.Event(p)
		if got := h.WaitReaction(p["event_id"].(string), 1).Result; got != bot.ReactionGiven {
			t.Fatalf("kudos on %s's message: %s", m.User, got)
		}
	}
	if n := len(h.Export().Kudos); n != 2 {
		t.Fatalf("%d kudos kept, want 2", n)
	}

	first := friday.Add(time.Hour)
	clk.Set(first)
	jobsDone(h, bot.JobRoundup, 1)
	bobLine := "<@" + apptest.Bob + "> ×1"
	named := false
	for _, m := range postsOf(h, apptest.General, kindRoundup) {
		if text := apptest.Text(m); strings.Contains(text, "Kudos since ") && strings.Contains(text, bobLine) {
			named = true
		}
	}
	if !named {
		t.Errorf("the roundup does not name Bob's kudos:\n%s", texts(postsOf(h, apptest.General, kindRoundup)))
	}
	// Two more roundups after that one: none may name Carol's private kudos.
	for i := 1; i <= 2; i++ {
		clk.Set(first.AddDate(0, 0, 7*i))
		jobsDone(h, bot.JobRoundup, 1+i)
	}
	if n := len(postsOf(h, apptest.General, kindRoundup)); n != 3 {
		t.Errorf("%d roundups in General after three firings, want 3", n)
	}
	for _, m := range postsOf(h, apptest.General, kindRoundup) {
		if mentions(m, apptest.Carol) {
			t.Errorf("General's roundup names a kudos given in a private channel:\n%s", apptest.Text(m))
		}
	}
}
