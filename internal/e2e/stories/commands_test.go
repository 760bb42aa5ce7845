package stories

import (
	"fmt"
	"strings"
	"testing"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
)

// TestHelpListsEverySubcommand checks /extramile help answers ephemerally
// with the usage of every subcommand.
func TestHelpListsEverySubcommand(t *testing.T) {
	t.Parallel()
	h := start(t)
	ack := h.Command(apptest.Alice, apptest.General, "help")
	if p := apptest.AckPayload(t, ack); p["response_type"] != "ephemeral" {
		t.Errorf("response_type: got %v, want ephemeral", p["response_type"])
	}
	text := ackText(t, ack)
	for _, sub := range append([]string{"@someone what they did", "top [week|month|all]"}, compose.Subcommands...) {
		if !strings.Contains(text, "/extramile "+sub) {
			t.Errorf("help does not explain `/extramile %s`:\n%s", sub, text)
		}
	}
}

// TestUnknownSubcommand checks a typo gets help and a "did you mean", and
// a story typed without a mention gets told how to quick share, with the
// text given back.
func TestUnknownSubcommand(t *testing.T) {
	t.Parallel()
	h := start(t)
	tests := []struct {
		text string
		want []string
		not  []string
	}{
		{"mien", []string{"Did you mean `/extramile mine`", "/extramile top"}, nil},
		{"tpo week", []string{"Did you mean `/extramile top`", "/extramile help"}, nil},
		{"forgetme!", []string{"Did you mean `/extramile forget-me`"}, nil},
		{"<!here>", []string{"I don't know `@here`"}, []string{"&lt;!here&gt;"}},
		{"bob stayed late to fix the import for the customer", []string{"start with the person", "bob stayed late to fix the import for the customer"}, []string{"Did you mean"}},
		{"<!here> Dana stayed late &amp; fixed the import", []string{"start with the person", "@here Dana stayed late &amp; fixed the import"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			ack := h.Command(apptest.Alice, apptest.General, tt.text)
			if p := apptest.AckPayload(t, ack); p["response_type"] != "ephemeral" {
				t.Errorf("response_type: got %v, want ephemeral", p["response_type"])
			}
			text := ackText(t, ack)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("reply lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("reply holds %q:\n%s", n, text)
				}
			}
		})
	}
	if n := len(h.Export().Stories); n != 0 {
		t.Errorf("stories: got %d, want 0", n)
	}
}

// TestPrivateStoriesStayOutOfTop shares one story in a private channel the
// bot is in and one in a public channel: the leaderboard shows only the
// public one, for every period, while the private one is posted where it was
// shared, DMed, and listed in `mine` for the people in it.
func TestPrivateStoriesStayOutOfTop(t *testing.T) {
	t.Parallel()
	h := start(t)
	private := goodForm()
	private.Who, private.Channel = []string{apptest.Carol}, apptest.Team
	s := share(t, h, apptest.Alice, apptest.Team, private)
	if !s.Private {
		t.Fatalf("a story in a private channel was kept as public: %+v", s)
	}
	if n := len(shoutouts(h, apptest.Team)); n != 1 {
		t.Fatalf("shoutouts in the private channel: got %d, want 1", n)
	}
	if n := len(thanks(h, apptest.Carol)); n != 1 {
		t.Errorf("thank-you DMs to Carol: got %d, want 1", n)
	}
	share(t, h, apptest.Alice, apptest.General, goodForm()) // about Bob, public
	for _, period := range []string{"", "week", "month", "all"} {
		text := ackText(t, h.Command(apptest.Bob, apptest.General, strings.TrimSpace("top "+period)))
		if !strings.Contains(text, "<@UBOB>") {
			t.Errorf("top %s lacks Bob:\n%s", period, text)
		}
		if strings.Contains(text, "<@UCAROL>") {
			t.Errorf("top %s shows Carol, recognized only in a private channel:\n%s", period, text)
		}
	}
	// Typed in the private channel itself, the leaderboard stays public too.
	if text := ackText(t, h.Command(apptest.Carol, apptest.Team, "top all")); strings.Contains(text, "<@UCAROL>") {
		t.Errorf("top in the private channel shows its private story:\n%s", text)
	}
	if text := ackText(t, h.Command(apptest.Carol, apptest.General, "mine")); !strings.Contains(text, "Noticed the customer") {
		t.Errorf("Carol's `mine` lacks the story about her:\n%s", text)
	}
	if text := ackText(t, h.Command(apptest.Alice, apptest.General, "top year")); !strings.Contains(text, "top week") {
		t.Errorf("top with an unknown period: got %q, want the right usage", text)
	}
}

// TestMinePaging shares seven stories about Bob and pages through his
// `mine`, newest first, with the Newer and Older buttons (response_url,
// replacing the list).
func TestMinePaging(t *testing.T) {
	t.Parallel()
	h := start(t)
	for i := 1; i <= 7; i++ {
		author := []string{apptest.Alice, apptest.Carol}[i%2]
		text := fmt.Sprintf("<@UBOB|bob> Story number %d: stayed late to help the customer again.", i)
		before := len(confirmations(h, author))
		h.Command(author, apptest.General, text)
		h.Eventually("the confirmation", func() bool { return len(confirmations(h, author)) > before })
	}
	first := ackText(t, h.Command(apptest.Bob, apptest.General, "mine"))
	for _, want := range []string{"1–5 of 7", "Story number 7", "Story number 3", "Older"} {
		if !strings.Contains(first, want) {
			t.Errorf("first page lacks %q:\n%s", want, first)
		}
	}
	if strings.Contains(first, "Story number 2") || strings.Contains(first, "Newer") {
		t.Errorf("first page shows too much:\n%s", first)
	}
	if i, j := strings.Index(first, "Story number 7"), strings.Index(first, "Story number 6"); i > j {
		t.Errorf("first page is not newest first:\n%s", first)
	}

	click(h, apptest.Bob, apptest.General, compose.ActionMinePage, "5")
	h.Eventually("the older page", func() bool { return len(h.Slack.Calls("response_url")) == 1 })
	older := responses(t, h)[0]
	if older["replace_original"] != true {
		t.Errorf("the older page does not replace the list: %v", older)
	}
	text := responseText(older)
	for _, want := range []string{"6–7 of 7", "Story number 2", "Story number 1", "Newer"} {
		if !strings.Contains(text, want) {
			t.Errorf("older page lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Story number 3") || strings.Contains(text, "Older") {
		t.Errorf("older page shows too much:\n%s", text)
	}

	click(h, apptest.Bob, apptest.General, compose.ActionMinePage, "0")
	h.Eventually("the newer page", func() bool { return len(h.Slack.Calls("response_url")) == 2 })
	if text := responseText(responses(t, h)[1]); !strings.Contains(text, "1–5 of 7") || !strings.Contains(text, "Story number 7") {
		t.Errorf("newer page:\n%s", text)
	}
	// Carol sees only the four she shared (the odd ones).
	if text := ackText(t, h.Command(apptest.Carol, apptest.General, "mine")); !strings.Contains(text, "1–4 of 4") {
		t.Errorf("Carol's mine: got %q, want her 4 stories", text)
	}
}

// TestForgetMe asks for a confirmation: Cancel keeps everything; confirming
// deletes every story the user shared (and removes their shoutouts' text),
// but not the stories others shared about them.
func TestForgetMe(t *testing.T) {
	t.Parallel()
	h := start(t)
	share(t, h, apptest.Alice, apptest.General, goodForm())
	f := goodForm()
	f.Who = []string{apptest.Carol}
	share(t, h, apptest.Alice, apptest.General, f)
	about := goodForm()
	about.Who = []string{apptest.Alice}
	share(t, h, apptest.Bob, apptest.General, about) // about Alice, by Bob

	ack := h.Command(apptest.Alice, apptest.General, "forget-me")
	text := ackText(t, ack)
	if !strings.Contains(text, "2 stories") || !strings.Contains(text, "Yes, forget me") {
		t.Fatalf("forget-me asks: %q, want a confirmation counting 2 stories", text)
	}
	click(h, apptest.Alice, apptest.General, compose.ActionForgetCancel, "forget_me")
	h.Eventually("the answer to Cancel", func() bool { return len(h.Slack.Calls("response_url")) == 1 })
	if r := responses(t, h)[0]; r["replace_original"] != true || !strings.Contains(responseText(r), "Nothing was deleted") {
		t.Errorf("cancel answered %v", r)
	}
	if n := len(h.Export().Stories); n != 3 {
		t.Fatalf("stories after Cancel: got %d, want 3", n)
	}

	h.Command(apptest.Alice, apptest.General, "forget-me")
	click(h, apptest.Alice, apptest.General, compose.ActionForgetConfirm, "forget_me")
	stories := h.Export().Stories
	if len(stories) != 1 || stories[0].Author != apptest.Bob {
		t.Errorf("stories after forget-me: %+v, want only Bob's", stories)
	}
	h.Eventually("the answer to confirm", func() bool { return len(h.Slack.Calls("response_url")) == 2 })
	if r := responses(t, h)[1]; !strings.Contains(responseText(r), "deleted 2 stories") {
		t.Errorf("confirm answered %v", r)
	}
	h.Eventually("Alice's shoutouts removed", func() bool {
		n := 0
		for _, m := range h.Posts(apptest.General) {
			if strings.Contains(apptest.Text(m), "removed") {
				n++
			}
		}
		return n == 2
	})
	kept := 0
	for _, m := range h.Posts(apptest.General) {
		if strings.Contains(apptest.Text(m), "Shared by <@UBOB>") && !m.Edited {
			kept++
		}
	}
	if kept != 1 {
		t.Errorf("Bob's shoutout about Alice: got %d intact, want 1", kept)
	}
	if text := ackText(t, h.Command(apptest.Alice, apptest.General, "forget-me")); !strings.Contains(text, "nothing to forget") {
		t.Errorf("a second forget-me: got %q", text)
	}
}
