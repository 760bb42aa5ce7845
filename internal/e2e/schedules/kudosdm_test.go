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
	h, clk := onClock(t, monday.Add(7*time.Hour+30*time.Minute), func(c *config.Config) { c.KudosDMSchedule = hourly }) // 16:30
	h.Start()
	if p := apptest.AckPayload(t, h.Command(apptest.Carol, apptest.General, "quiet on")); !strings.Contains(fmtAny(p), "no more kudos DMs") {
		t.Fatalf("quiet: %v", p)
	}
	forBob := share(h, apptest.Alice, apptest.General, "took the customer call at 3am", apptest.Bob, apptest.Carol)
	for _, giver := range []string{apptest.Alice, apptest.Admin} {
		p := h.Slack.ReactionEvent("reaction_added", giver, "clap", apptest.BotUser, apptest.General, forBob.TS)
		h.Event(p)
		if got := h.WaitReaction(p["event_id"].(string), 1).Result; got != bot.ReactionGiven {
			t.Fatalf("%s's kudos: %s", giver, got)
		}
	}
	five := monday.Add(8 * time.Hour) // 17:00
	clk.Set(five)
	jobsDone(h, bot.JobKudosDM, 1)
	if len(summaries(h, apptest.Bob)) == 0 {
		t.Fatal("no kudos summary for Bob after the run")
	}
	for i := 1; i <= 3; i++ { // three more runs, the same day
		clk.Set(five.Add(time.Duration(i) * time.Hour))
		jobsDone(h, bot.JobKudosDM, 1+i)
	}

	got := summaries(h, apptest.Bob)
	if len(got) != 1 {
		t.Fatalf("Bob got %d kudos summaries, want 1:\n%s", len(got), texts(got))
	}
	// Both kudos in one DM: no run fell between the two reactions.
	if text := apptest.Text(got[0]); !mentions(got[0], apptest.Alice) || !mentions(got[0], apptest.Admin) {
		t.Errorf("the summary does not name both givers:\n%s", text)
	}
	if q := summaries(h, apptest.Carol); len(q) != 0 {
		t.Errorf("Carol asked for quiet but got %d summaries:\n%s", len(q), texts(q))
	}
}
