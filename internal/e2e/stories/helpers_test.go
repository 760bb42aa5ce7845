// Package stories tests sharing extra-mile stories end to end: the modal, its
// validation, the shoutout, the thank-you DMs and the confirmation, quick
// share, escaping, delivery problems, retries and restarts, editing and
// deleting, and the commands that look back at stories. Each test runs the
// real program through internal/apptest against the fake Slack.
package stories

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// A story long enough to pass validation, as a person would write it.
const storyText = "Noticed the customer's import failing at 2am, fixed it, and wrote them a how-to so it never happens again."

// start returns a running harness.
func start(t *testing.T) *apptest.Harness {
	t.Helper()
	h := apptest.New(t)
	h.Start()
	return h
}

// form is what a person fills in the story modal.
type form struct {
	Who      []string
	What     string
	Audience extramile.Audience
	Way      extramile.Way
	Channel  string // "" leaves the conversation select empty
	noChan   bool   // leave the channel block out (the edit modal has none)
}

// values turns f into view.state.values as Slack sends them.
func (f form) values() map[string]map[string]any {
	v := map[string]map[string]any{
		compose.BlockWho:      {compose.ActionWho: slackfake.UsersValue(f.Who...)},
		compose.BlockWhat:     {compose.ActionWhat: slackfake.TextValue(f.What)},
		compose.BlockAudience: {compose.ActionAudience: slackfake.RadioValue(string(f.Audience))},
		compose.BlockWay:      {compose.ActionWay: slackfake.SelectValue(string(f.Way))},
	}
	if !f.noChan {
		v[compose.BlockChannel] = map[string]any{compose.ActionChannel: slackfake.ConversationValue(f.Channel)}
	}
	return v
}

// goodForm is a valid story about Bob, for a customer, in General.
func goodForm() form {
	return form{Who: []string{apptest.Bob}, What: storyText, Audience: extramile.AudienceCustomer, Way: extramile.WayNoticeNeed, Channel: apptest.General}
}

// openModal runs `/extramile` as user in channel and returns the modal the
// bot opened for it.
func openModal(t *testing.T, h *apptest.Harness, user, channel string) slackfake.View {
	t.Helper()
	before := len(h.Slack.Views())
	if p := apptest.AckPayload(t, h.Command(user, channel, "")); p != nil {
		t.Fatalf("/extramile acked with %v, want a plain ack (the modal opens instead)", p)
	}
	views := h.Slack.Views()
	if len(views) != before+1 {
		t.Fatalf("views: got %d, want %d: no modal was opened before the ack", len(views), before+1)
	}
	v := views[len(views)-1]
	if v.UserID != user || v.CallbackID != compose.CallbackStory {
		t.Fatalf("opened view for %s with callback %q, want %s and %q", v.UserID, v.CallbackID, user, compose.CallbackStory)
	}
	return v
}

// submit submits a modal the bot opened, with f, and returns the ack payload.
func submit(t *testing.T, h *apptest.Harness, viewID string, f form) map[string]any {
	t.Helper()
	p, err := h.Slack.ViewSubmissionFor(viewID, f.values())
	if err != nil {
		t.Fatal(err)
	}
	return apptest.AckPayload(t, h.Interact(p))
}

// share opens the modal as user in channel, submits f and waits until the
// author's confirmation shows that the bot finished publishing. It returns
// the story as kept.
func share(t *testing.T, h *apptest.Harness, user, channel string, f form) extramile.ExportStory {
	t.Helper()
	before := len(confirmations(h, user))
	v := openModal(t, h, user, channel)
	if p := submit(t, h, v.ID, f); p != nil {
		t.Fatalf("submission answered %v, want a plain ack that closes the modal", p)
	}
	h.Eventually("the author's confirmation", func() bool { return len(confirmations(h, user)) > before })
	stories := h.Export().Stories
	if len(stories) == 0 {
		t.Fatal("no story kept")
	}
	return stories[len(stories)-1]
}

// confirmations returns the ephemeral "thank you for writing it down"
// messages user was shown.
func confirmations(h *apptest.Harness, user string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Ephemerals(user) {
		if strings.Contains(m.Text, "Thank you for writing it down") {
			out = append(out, m)
		}
	}
	return out
}

// ackErrors returns the response_action errors of a view_submission ack.
func ackErrors(t *testing.T, p map[string]any) map[string]string {
	t.Helper()
	if p == nil || p["response_action"] != "errors" {
		t.Fatalf("ack payload: got %v, want response_action errors", p)
	}
	raw, _ := json.Marshal(p["errors"])
	var errs map[string]string
	if err := json.Unmarshal(raw, &errs); err != nil {
		t.Fatalf("errors %s: %v", raw, err)
	}
	return errs
}

// ackText flattens an ack payload (an ephemeral reply) to its texts.
func ackText(t *testing.T, a slackfake.Ack) string {
	t.Helper()
	p := apptest.AckPayload(t, a)
	if p == nil {
		return ""
	}
	raw, _ := json.Marshal(p["blocks"])
	text, _ := p["text"].(string)
	return apptest.Text(slackfake.Message{Text: text, Blocks: raw})
}

// shoutouts returns the bot's posts in channel that are shoutouts.
func shoutouts(h *apptest.Harness, channel string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(channel) {
		if strings.Contains(m.Text, "for going the extra mile! Shared by") {
			out = append(out, m)
		}
	}
	return out
}

// thanks returns the thank-you DMs user received.
func thanks(h *apptest.Harness, user string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(user) {
		if strings.Contains(m.Text, "thanked you for going the extra mile") {
			out = append(out, m)
		}
	}
	return out
}

// responses returns the bodies posted to response_urls, decoded.
func responses(t *testing.T, h *apptest.Harness) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, c := range h.Slack.Calls("response_url") {
		var m map[string]any
		if err := json.Unmarshal(c.Body, &m); err != nil {
			t.Fatalf("response_url body %s: %v", c.Body, err)
		}
		out = append(out, m)
	}
	return out
}

// responseText flattens a response_url body.
func responseText(m map[string]any) string {
	raw, _ := json.Marshal(m["blocks"])
	text, _ := m["text"].(string)
	return apptest.Text(slackfake.Message{Text: text, Blocks: raw})
}

// menu clicks an option of a shoutout's overflow menu as user.
func menu(h *apptest.Harness, user string, shoutout slackfake.Message, verb string, storyID int64) slackfake.Ack {
	p := h.Slack.BlockActionsPayload(user, shoutout.Channel, shoutout.TS, []map[string]any{
		slackfake.OverflowAction(compose.ActionStoryMenu, "story", compose.MenuValue(verb, storyID)),
	})
	return h.Interact(p)
}

// click clicks a button in an ephemeral message in channel as user.
func click(h *apptest.Harness, user, channel, actionID, value string) slackfake.Ack {
	p := h.Slack.BlockActionsPayload(user, channel, "", []map[string]any{slackfake.ButtonAction(actionID, actionID, value)})
	return h.Interact(p)
}

// message returns the bot's message ts in channel as it is now.
func message(t *testing.T, h *apptest.Harness, channel, ts string) slackfake.Message {
	t.Helper()
	for _, m := range h.Posts(channel) {
		if m.TS == ts {
			return m
		}
	}
	t.Fatalf("no message %s in %s", ts, channel)
	return slackfake.Message{}
}
