package stories

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// homeOf returns user's Home as the fake holds it, and whether there is one.
func homeOf(h *apptest.Harness, user string) (slackfake.View, bool) {
	for _, v := range h.Slack.Views() {
		if v.Type == "home" && v.UserID == user {
			return v, true
		}
	}
	return slackfake.View{}, false
}

// TestEditRefreshesTheHomeOfSomeoneRemoved: Bob, on a story, opened his
// Home; the author edits the story to recognize Carol instead. Bob's Home
// is published again without the story (as Carol's, who opened hers too,
// now shows it).
func TestEditRefreshesTheHomeOfSomeoneRemoved(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	h.Event(h.Slack.AppHomeOpened(apptest.Bob))
	h.Event(h.Slack.AppHomeOpened(apptest.Carol))
	h.Eventually("Bob's Home showing the story", func() bool {
		v, ok := homeOf(h, apptest.Bob)
		return ok && strings.Contains(string(v.Blocks), "Stories about you") && strings.Contains(string(v.Blocks), "2am")
	})
	h.Eventually("Carol's Home", func() bool { _, ok := homeOf(h, apptest.Carol); return ok })

	f := goodForm()
	f.Who = []string{apptest.Carol}
	if p := editAs(t, h, apptest.Alice, so, s.ID, f); p != nil {
		t.Fatalf("edit submission answered %v, want a plain ack", p)
	}
	h.Eventually("Bob's Home without the story", func() bool {
		v, _ := homeOf(h, apptest.Bob)
		return !strings.Contains(string(v.Blocks), "2am")
	})
	h.Eventually("Carol's Home with the story", func() bool {
		v, _ := homeOf(h, apptest.Carol)
		return strings.Contains(string(v.Blocks), "Stories about you") && strings.Contains(string(v.Blocks), "2am")
	})
}
