package habit

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
)

// TestDigestPreviewNamesTheLongestStreaks: `/extramile digest` names the
// longest streaks as they stand now, as the monthly digest does at the
// month's end: Carol shared three weeks in a row, Alice two, Bob once (no
// streak to name). Stories are dated by the program's clock.
func TestDigestPreviewNamesTheLongestStreaks(t *testing.T) {
	t.Parallel()
	h, clk := newHabit(t, "0 15 * * THU", utc(7, 12, 0)) // Monday 7 December
	h.Start()
	h.QuickShare(apptest.Carol, apptest.General, "Carol, week one: fixed the customer's export.", apptest.Bob)
	fire(t, h, clk, bot.JobNudge, utc(14, 12, 0), 1)
	h.QuickShare(apptest.Carol, apptest.General, "Carol, week two: called the customer back at once.", apptest.Bob)
	h.QuickShare(apptest.Alice, apptest.General, "Alice, week two: covered the late shift.", apptest.Bob)
	fire(t, h, clk, bot.JobNudge, utc(21, 12, 0), 1)
	h.QuickShare(apptest.Carol, apptest.General, "Carol, week three: wrote the how-to.", apptest.Bob)
	h.QuickShare(apptest.Alice, apptest.General, "Alice, week three: drove the part over.", apptest.Bob)
	h.QuickShare(apptest.Bob, apptest.General, "Bob, once: stayed to help.", apptest.Carol)

	got := h.Reply(apptest.Carol, apptest.General, "digest")
	i := strings.Index(got, "Longest streaks")
	if i < 0 {
		t.Fatalf("the preview names no streaks: %q", got)
	}
	streaks := got[i:]
	carol, alice := strings.Index(streaks, "<@"+apptest.Carol+">: 3 weeks in a row"), strings.Index(streaks, "<@"+apptest.Alice+">: 2 weeks in a row")
	if carol < 0 || alice < 0 || carol > alice {
		t.Errorf("streaks: %q; want Carol's 3 weeks, then Alice's 2", streaks)
	}
	if strings.Contains(streaks, "<@"+apptest.Bob+">: ") {
		t.Errorf("a single week named as a streak: %q", streaks)
	}
}
