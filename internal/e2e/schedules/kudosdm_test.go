package schedules

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// summaries returns the kudos summary DMs user got.
func summaries(h *apptest.Harness, user string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(user) {
		if strings.Contains(m.Text, "You received") {
			out = append(out, m)
		}
	}
	return out
}

// TestKudosSummaryDM: each person who received kudos gets one summary DM
// for them, whatever the number of runs that follow; someone who asked for
// quiet gets none.
func TestKudosSummaryDM(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) { c.KudosDMSchedule = "@every 1s" })
	h.Start()
	if p := apptest.AckPayload(t, h.Command(apptest.Carol, apptest.General, "quiet on")); !strings.Contains(fmtAny(p), "no more kudos DMs") {
		t.Fatalf("quiet: %v", p)
	}
	forBob := share(h, apptest.Alice, apptest.General, "took the customer call at 3am", apptest.Bob, apptest.Carol)
	for _, giver := range []string{apptest.Alice, apptest.Admin} {
		h.Event(h.Slack.ReactionEvent("reaction_added", giver, "clap", apptest.BotUser, apptest.General, forBob.TS))
	}
	h.Eventually("Bob's kudos summary", func() bool { return len(summaries(h, apptest.Bob)) > 0 })
	n := len(logLines(h, `msg="job done"`, "job="+bot.JobKudosDM+" "))
	jobsDone(h, bot.JobKudosDM, n+3) // three more runs

	got := summaries(h, apptest.Bob)
	if len(got) != 1 {
		t.Fatalf("Bob got %d kudos summaries, want 1:\n%s", len(got), texts(got))
	}
	// Both kudos in one DM, unless a run fell between the two reactions.
	if text := apptest.Text(got[0]); !mentions(got[0], apptest.Alice) && !mentions(got[0], apptest.Admin) {
		t.Errorf("the summary names no giver:\n%s", text)
	}
	if q := summaries(h, apptest.Carol); len(q) != 0 {
		t.Errorf("Carol asked for quiet but got %d summaries:\n%s", len(q), texts(q))
	}
}
