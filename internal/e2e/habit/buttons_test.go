package habit

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/storage"
)

// TestNudgeButtons: "Not this week" replaces the nudge through its
// response_url; "Half-step check-in" opens the private modal, whose answer
// is kept for the person alone: exported only when asked for.
func TestNudgeButtons(t *testing.T) {
	t.Parallel()
	at := utc(9, 12, 0)
	h, clk := newHabit(t, "0 0 * * MON", at.Add(-10*time.Minute))
	h.Start()
	fire(t, h, clk, bot.JobNudge, at, 1)
	dms := h.Posts(apptest.Carol)
	if len(dms) != 1 {
		t.Fatalf("Carol's DMs: %d, want the nudge", len(dms))
	}
	nudge := dms[0]
	week := strconv.Itoa(scheduler.WeekIndex(at, nil))

	before := len(h.Slack.Calls("response_url"))
	h.Interact(h.Slack.BlockActionsPayload(apptest.Carol, nudge.Channel, nudge.TS,
		[]map[string]any{slackfake.ButtonAction(compose.ActionNudgeSkip, "nudge", week)}))
	h.Eventually("the nudge replaced", func() bool {
		calls := h.Slack.Calls("response_url")
		return len(calls) > before && strings.Contains(string(calls[len(calls)-1].Body), "No problem")
	})

	views := len(h.Slack.Views())
	h.Interact(h.Slack.BlockActionsPayload(apptest.Carol, nudge.Channel, nudge.TS,
		[]map[string]any{slackfake.ButtonAction(compose.ActionCheckin, "nudge", week)}))
	h.Eventually("the check-in modal", func() bool { return len(h.Slack.Views()) > views })
	v := h.Slack.Views()[len(h.Slack.Views())-1]
	if v.CallbackID != compose.CallbackCheckin || v.UserID != apptest.Carol {
		t.Fatalf("opened %q for %s, want the check-in for Carol", v.CallbackID, v.UserID)
	}
	p, err := h.Slack.ViewSubmissionFor(v.ID, map[string]map[string]any{
		compose.BlockCheckin: {compose.ActionCheckinIn: slackfake.TextValue("Could have called them back the same day.")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("check-in acked with %v, want a plain ack", ack)
	}
	if e := h.Export(); len(e.Checkins) != 0 {
		t.Errorf("a default export has check-ins: %+v", e.Checkins)
	}
	db, err := storage.OpenReadOnly(h.Ctx(), h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := db.ExportWith(h.Ctx(), storage.ExportOptions{IncludePrivateCheckins: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Checkins) != 1 || e.Checkins[0].User != apptest.Carol || e.Checkins[0].Text != "Could have called them back the same day." {
		t.Errorf("check-ins = %+v", e.Checkins)
	}
	for _, m := range h.Posts(apptest.General) {
		if strings.Contains(apptest.Text(m), "called them back") {
			t.Errorf("a check-in was posted in a channel: %q", apptest.Text(m))
		}
	}
}
