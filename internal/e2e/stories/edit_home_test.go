package stories

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
)

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
		v, ok := h.Home(apptest.Bob)
		return ok && strings.Contains(string(v.Blocks), "Stories about you") && strings.Contains(string(v.Blocks), "2am")
	})
	h.Eventually("Carol's Home", func() bool { _, ok := h.Home(apptest.Carol); return ok })

	f := goodForm()
	f.Who = []string{apptest.Carol}
	if p := editAs(t, h, apptest.Alice, so, s.ID, f); p != nil {
		t.Fatalf("edit submission answered %v, want a plain ack", p)
	}
	h.Eventually("Bob's Home without the story", func() bool {
		v, _ := h.Home(apptest.Bob)
		return !strings.Contains(string(v.Blocks), "2am")
	})
	h.Eventually("Carol's Home with the story", func() bool {
		v, _ := h.Home(apptest.Carol)
		return strings.Contains(string(v.Blocks), "Stories about you") && strings.Contains(string(v.Blocks), "2am")
	})
}
