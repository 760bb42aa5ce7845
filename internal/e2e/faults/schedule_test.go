package faults

import (
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/storage"
)

// TestMissedRunHappensOnceAfterRestart kills the bot, lets a weekly prompt
// fall due while it is down, and starts it again: the prompt is posted once.
// The bot is killed again right after posting and started a third time,
// with a channel subscribed meanwhile: that channel gets the missed prompt,
// the first one does not get it twice.
func TestMissedRunHappensOnceAfterRestart(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	p := startProc(t, h, 1) // the schedules never fire: nothing is due
	p.kill()

	// While it is down, a weekly prompt falls due: "@every 168h" fires at
	// each multiple of a week since the epoch, at most 7 days ago, inside
	// the catch-up window.
	h.Config.PromptSchedule = "@every 168h"
	h.Config.Catchup = 8 * 24 * time.Hour
	p = startProc(t, h, 2)
	h.Eventually("the missed prompt", func() bool { return len(h.Posts(apptest.General)) >= 1 })
	p.kill()

	ctx := waitCtx(t)
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Subscribe(ctx, apptest.Team, apptest.Admin); err != nil {
		t.Fatal(err)
	}
	db.Close()
	p = startProc(t, h, 3)
	h.Eventually("the missed prompt in the channel subscribed meanwhile", func() bool { return len(h.Posts(apptest.Team)) >= 1 })
	p.stop()

	if n := len(h.Posts(apptest.General)); n != 1 {
		t.Errorf("prompts in #general: got %d, want 1", n)
	}
	if n := len(h.Posts(apptest.Team)); n != 1 {
		t.Errorf("prompts in #team: got %d, want 1", n)
	}
}
