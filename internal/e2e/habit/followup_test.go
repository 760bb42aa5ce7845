package habit

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

const customerStory = "Noticed the customer's import failing at 2am, fixed it, and wrote them a how-to so it never happens again."

// shareForCustomer shares a story for a customer about Bob in General, as
// Alice, through the modal, and returns its ID and its shoutout.
func shareForCustomer(t *testing.T, h *apptest.Harness) (int64, slackfake.Message) {
	t.Helper()
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "")); p != nil {
		t.Fatalf("/extramile answered %v, want the modal", p)
	}
	views := h.Slack.Views()
	v := views[len(views)-1]
	p, err := h.Slack.ViewSubmissionFor(v.ID, map[string]map[string]any{
		compose.BlockWho:      {compose.ActionWho: slackfake.UsersValue(apptest.Bob)},
		compose.BlockWhat:     {compose.ActionWhat: slackfake.TextValue(customerStory)},
		compose.BlockAudience: {compose.ActionAudience: slackfake.RadioValue(string(extramile.AudienceCustomer))},
		compose.BlockWay:      {compose.ActionWay: slackfake.SelectValue("")},
		compose.BlockChannel:  {compose.ActionChannel: slackfake.ConversationValue(apptest.General)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := apptest.AckPayload(t, h.Interact(p)); p != nil {
		t.Fatalf("submission answered %v", p)
	}
	var id int64
	h.Eventually("the shoutout recorded", func() bool {
		st := h.Export().Stories
		if len(st) == 1 && st[0].Permalink != "" {
			id = st[0].ID
			return true
		}
		return false
	})
	posts := h.Posts(apptest.General)
	return id, posts[len(posts)-1]
}

// followUpDMs are the follow-up questions user got.
func followUpDMs(h *apptest.Harness, user string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(user) {
		if strings.Contains(apptest.Text(m), "What changed because of it?") {
			out = append(out, m)
		}
	}
	return out
}

// threadReplies are the bot's replies in the thread of the message ts in channel.
func threadReplies(h *apptest.Harness, channel, ts string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(channel) {
		if m.ThreadTS == ts && m.TS != ts {
			out = append(out, m)
		}
	}
	return out
}

// TestFollowUpPostsOnceInTheThread: EXTRAMILE_FOLLOWUP_AFTER after a story
// for a customer (dated by the program's clock), its author is asked once,
// whatever the firings of the follow-up job in two processes on one
// database; the answer is posted once as a reply under the shoutout, kept
// and exported; a second answer is refused.
func TestFollowUpPostsOnceInTheThread(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h, clk := newHabit(t, "0 15 * * THU", t0, func(c *config.Config) { c.FollowUpAfter = 336 * time.Hour })
	h.Start()
	h.StartAnother()
	id, shoutout := shareForCustomer(t, h)
	if got := h.Export().Stories[0].CreatedAt; !got.Equal(t0) {
		t.Fatalf("story dated %s, want the program's clock, %s", got, t0)
	}

	fire(t, h, clk, bot.JobFollowUp, t0.Add(13*24*time.Hour), 2)
	if n := len(followUpDMs(h, apptest.Alice)); n != 0 {
		t.Fatalf("asked after 13 days: %d DMs, want 0", n)
	}
	fire(t, h, clk, bot.JobFollowUp, t0.Add(14*24*time.Hour), 2)
	fire(t, h, clk, bot.JobFollowUp, t0.Add(14*24*time.Hour+15*time.Minute), 2)
	fire(t, h, clk, bot.JobFollowUp, t0.Add(16*24*time.Hour), 2)
	dms := followUpDMs(h, apptest.Alice)
	if len(dms) != 1 {
		t.Fatalf("follow-up DMs to the author: got %d, want 1", len(dms))
	}

	// Answer: the button opens the modal; the submission posts in the thread.
	before := len(h.Slack.Views())
	h.Interact(h.Slack.BlockActionsPayload(apptest.Alice, dms[0].Channel, dms[0].TS,
		[]map[string]any{slackfake.ButtonAction(compose.ActionFollowUpAnswer, "followup", strconv.FormatInt(id, 10))}))
	h.Eventually("the follow-up modal", func() bool { return len(h.Slack.Views()) > before })
	v := h.Slack.Views()[len(h.Slack.Views())-1]
	if v.CallbackID != compose.CallbackFollowUp {
		t.Fatalf("opened %q, want the follow-up modal", v.CallbackID)
	}
	answer := map[string]map[string]any{compose.BlockFollowUp: {compose.ActionFollowUpIn: slackfake.TextValue("They renewed for two years.")}}
	p, err := h.Slack.ViewSubmissionFor(v.ID, answer)
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("answer acked with %v, want a plain ack", ack)
	}
	h.Eventually("the reply under the shoutout", func() bool { return len(threadReplies(h, apptest.General, shoutout.TS)) == 1 })

	// A second answer (another tab, a double click) is refused and posts nothing.
	again := h.Slack.ViewSubmissionPayload(apptest.Alice, compose.CallbackFollowUp, strconv.FormatInt(id, 10), answer)
	if ack := apptest.AckPayload(t, h.Interact(again)); ack == nil || ack["response_action"] != "errors" {
		t.Errorf("second answer acked with %v, want errors", ack)
	}
	replies := threadReplies(h, apptest.General, shoutout.TS)
	if len(replies) != 1 || !strings.Contains(apptest.Text(replies[0]), "They renewed for two years.") {
		t.Fatalf("thread replies: %+v, want one with the answer", replies)
	}
	if got := h.Export().Stories[0].FollowUp; got != "They renewed for two years." {
		t.Errorf("exported follow_up = %q", got)
	}
}
