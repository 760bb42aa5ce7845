package schedules

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// TestRefusedScheduledPostsTellTheAdminsOnce: subscribed channels where
// Slack refuses the bot's posts (announcement-only:
// restricted_action_read_only_channel; thread-only:
// restricted_action_thread_only_channel) are skipped, and each admin is
// told once why, also when the next start tries them again; a post
// answered "rate_limited" (HTTP 200) is retried like a 429 and made once.
func TestRefusedScheduledPostsTellTheAdminsOnce(t *testing.T) {
	t.Parallel()
	now := monday.Add(2 * time.Hour) // 11:00: the prompt missed 10:00
	h, _ := onClock(t, now, func(c *config.Config) {
		c.PromptSchedule, c.Catchup = "0 10 * * *", 6*time.Hour
	})
	h.Slack.AddChannel(slackfake.Channel{ID: "CANNOUNCE", Name: "announcements", BotIsMember: true, ReadOnly: true})
	h.Slack.AddChannel(slackfake.Channel{ID: "CTHREADS", Name: "threads", BotIsMember: true, ThreadOnly: true})
	seed(h, now, func(ctx context.Context, db *storage.DB) {
		for _, ch := range []string{"CANNOUNCE", "CTHREADS"} {
			if _, err := db.Subscribe(ctx, ch, apptest.Admin); err != nil {
				t.Fatal(err)
			}
		}
	})
	h.Slack.FailNext("chat.postMessage", 1, "rate_limited") // the first post: #general's (EXTRAMILE_CHANNEL comes first)
	h.Start()
	jobsDone(h, bot.JobPrompt, 1)
	check := func() {
		t.Helper()
		checkKinds(t, h, apptest.General, map[string]int{kindPrompt: 1})
		dms := h.Posts(apptest.Admin)
		if len(dms) != 2 {
			t.Fatalf("the admin got %d DMs, want 2 (one per refusing channel):\n%s", len(dms), texts(dms))
		}
		all := texts(dms)
		for _, want := range []string{"<#CANNOUNCE> is announcement-only", "<#CTHREADS> takes replies in threads only"} {
			if !strings.Contains(all, want) {
				t.Errorf("the admin's DMs lack %q:\n%s", want, all)
			}
		}
	}
	check()
	if n := len(h.Slack.Calls("conversations.history")); n != 0 {
		t.Errorf("looks in the history: got %d, want none (a rate limit or a refusal posts nothing)", n)
	}

	h.Restart() // the refused posts are tried again (after a look), and refused again
	jobsDone(h, bot.JobPrompt, 2)
	check()
}
