package stories

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
)

// TestQuickShare checks `/extramile @someone what they did`: the same
// shoutout, DMs and confirmation as the modal, without opening it.
func TestQuickShare(t *testing.T) {
	t.Parallel()
	h := start(t)
	ack := h.Command(apptest.Alice, apptest.General, "<@UBOB|bob> <@UCAROL|carol> "+storyText)
	if p := apptest.AckPayload(t, ack); p != nil {
		t.Fatalf("quick share answered %v, want a plain ack", p)
	}
	if n := len(h.Slack.Views()); n != 0 {
		t.Errorf("views opened: got %d, want 0", n)
	}
	stories := h.Export().Stories
	if len(stories) != 1 {
		t.Fatalf("stories kept before the ack: got %d, want 1", len(stories))
	}
	s := stories[0]
	if s.Text != storyText || strings.Join(s.Recognized, ",") != "UBOB,UCAROL" || s.Channel != apptest.General {
		t.Errorf("story: %+v", s)
	}
	h.Eventually("the confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	text := apptest.Text(so[0])
	for _, want := range []string{"Thank you", "<@UBOB>", "<@UCAROL>", "Noticed the customer's import", "Shared by <@UALICE>"} {
		if !strings.Contains(text, want) {
			t.Errorf("shoutout lacks %q:\n%s", want, text)
		}
	}
	for _, u := range []string{apptest.Bob, apptest.Carol} {
		if n := len(thanks(h, u)); n != 1 {
			t.Errorf("thank-you DMs to %s: got %d, want 1", u, n)
		}
	}
}

// TestQuickShareErrors checks quick share refuses what the modal refuses,
// ephemerally, with a clear reason, and keeps nothing.
func TestQuickShareErrors(t *testing.T) {
	t.Parallel()
	h := start(t)
	tests := []struct {
		name, text, says string
	}{
		{"nobody named", "<!here> " + storyText, "@someone"}, // not a mention: explain how to quick share
		{"only a mention", "<@UBOB|bob>", "blank"},
		{"too short", "<@UBOB|bob> thanks!", "at least"},
		{"whitespace", "<@UBOB|bob>      ", "blank"},
		{"a bot", "<@UAPPBOT|otherbot> " + storyText, "app"},
		{"a deactivated user", "<@UGONE|gone> " + storyText, "deactivated"},
		{"too many people", "<@U0000001> <@U0000002> <@U0000003> <@U0000004> <@U0000005> <@U0000006> <@U0000007> <@U0000008> <@U0000009> <@U0000010> <@U0000011> " + storyText, "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ack := h.Command(apptest.Alice, apptest.General, tt.text)
			p := apptest.AckPayload(t, ack)
			if p == nil || p["response_type"] != "ephemeral" {
				t.Fatalf("ack: got %v, want an ephemeral reply", p)
			}
			if text := ackText(t, ack); !strings.Contains(strings.ToLower(text), tt.says) {
				t.Errorf("reply: got %q, want it to say %q", text, tt.says)
			}
		})
	}
	if n := len(h.Export().Stories); n != 0 {
		t.Errorf("stories kept: got %d, want 0", n)
	}
	if n := len(h.Slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("posts: got %d, want 0", n)
	}
}
