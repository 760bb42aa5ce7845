package schedules

import (
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// weeklyPrompt fires on Mondays at 10:00 (UTC in these tests), an hour
// after monday.
const weeklyPrompt = "0 10 * * MON"

// TestPromptButtonOpensTheModal: the weekly prompt asks for stories and its
// button opens the story modal (block_actions → views.open with that
// trigger_id), set to share in the prompt's channel.
func TestPromptButtonOpensTheModal(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, monday, func(c *config.Config) { c.PromptSchedule = weeklyPrompt })
	h.Start()
	clk.Set(monday.Add(time.Hour))
	jobsDone(h, bot.JobPrompt, 1)
	prompt := waitPostsOf(h, apptest.General, kindPrompt, 1)[0]
	if text := apptest.Text(prompt); !strings.Contains(text, "Nothing was written down here last week") {
		t.Errorf("the first prompt does not give last week's count (none):\n%s", text)
	}
	var share *button
	for _, b := range buttons(prompt) {
		if b.ActionID == compose.ActionShareStory {
			share = &b
		}
	}
	if share == nil {
		t.Fatalf("no share button in the prompt:\n%s", prompt.Blocks)
	}

	click := h.Slack.BlockActionsPayload(apptest.Carol, apptest.General, prompt.TS,
		[]map[string]any{slackfake.ButtonAction(share.ActionID, share.BlockID, share.Value)})
	trigger, _ := click["trigger_id"].(string)
	if p := apptest.AckPayload(t, h.Interact(click)); p != nil {
		t.Errorf("ack payload %v, want none", p)
	}
	calls, err := h.Slack.WaitCalls(h.Ctx(), "views.open", 1)
	if err != nil {
		t.Fatalf("the button opened nothing: %v", err)
	}
	if got := calls[0].Params.Get("trigger_id"); got != trigger {
		t.Errorf("views.open trigger_id = %q, want the click's %q", got, trigger)
	}
	if calls[0].Error != "" {
		t.Fatalf("views.open failed: %s", calls[0].Error)
	}
	views := h.Slack.Views()
	if len(views) != 1 || views[0].CallbackID != compose.CallbackStory || views[0].UserID != apptest.Carol {
		t.Fatalf("views = %+v, want Carol's story modal", views)
	}
	if meta, err := compose.DecodeModalMetadata(views[0].PrivateMetadata); err != nil || meta.Channel != apptest.General {
		t.Errorf("modal metadata %q: want the shoutout to go to the prompt's channel %s", views[0].PrivateMetadata, apptest.General)
	}
}

// TestPromptCountsLastWeek: a prompt after stories were shared says how
// many stories the channel itself wrote down in the week before it.
func TestPromptCountsLastWeek(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, monday, func(c *config.Config) { c.PromptSchedule = weeklyPrompt })
	h.Start()
	h.Command(apptest.Admin, apptest.Team, "subscribe")
	ten := monday.Add(time.Hour)
	clk.Set(ten)
	jobsDone(h, bot.JobPrompt, 1)
	for _, ch := range []string{apptest.General, apptest.Team} {
		waitPostsOf(h, ch, kindPrompt, 1)
	}
	clk.Set(ten.Add(time.Hour)) // the stories come during the week
	share(h, apptest.Alice, apptest.General, "stayed late to fix the build", apptest.Bob)
	share(h, apptest.Bob, apptest.Team, "covered the weekend on-call", apptest.Carol)
	// The next prompt in each channel counts that channel's story only.
	clk.Set(ten.AddDate(0, 0, 7))
	jobsDone(h, bot.JobPrompt, 2)
	for _, ch := range []string{apptest.General, apptest.Team} {
		prompts := postsOf(h, ch, kindPrompt)
		if len(prompts) != 2 {
			t.Fatalf("%d prompts in %s after two firings, want 2:\n%s", len(prompts), ch, texts(prompts))
		}
		if text := apptest.Text(prompts[1]); !strings.Contains(text, "Last week this channel wrote down 1 story.") {
			t.Errorf("the prompt in %s after one story each in General and Team:\n%s", ch, text)
		}
	}
}
