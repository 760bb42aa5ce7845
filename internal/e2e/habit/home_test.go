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
	"github.com/extramile/extramile/storage"
)

// clickHome is user's click on their Home (a button or a menu option).
func clickHome(t *testing.T, h *apptest.Harness, user string, action map[string]any) {
	t.Helper()
	v, _ := h.Home(user)
	p, err := h.Slack.ViewBlockActionsPayload(v.ID, []map[string]any{action})
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("the Home's %v acked with %v, want a plain ack", action["action_id"], ack)
	}
}

// nudgePrefs reads user's nudge choices from the database.
func nudgePrefs(t *testing.T, h *apptest.Harness, user string) (off bool, until time.Time) {
	t.Helper()
	db, err := storage.OpenReadOnly(h.Ctx(), h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p, err := db.NudgePrefs(h.Ctx(), user)
	if err != nil {
		t.Fatal(err)
	}
	return p.Off, p.SnoozedUntil
}

// TestHomeShowsTheHabitAndItsControls: Carol's Home shows her streak (weeks
// in a row on the program's clock) and whether she wrote this week's story;
// its nudge controls do what `/extramile nudges off|on` and
// `/extramile snooze` do (the nudge job agrees), and the Home refreshes
// after each change, from the Home or from the command.
func TestHomeShowsTheHabitAndItsControls(t *testing.T) {
	t.Parallel()
	t0 := utc(7, 12, 0) // Monday
	h, clk := newHabit(t, "0 0 * * MON", t0.Add(-14*24*time.Hour))
	h.Start()
	h.Event(h.Slack.AppHomeOpened(apptest.Carol))
	h.WaitHome(apptest.Carol, "a newcomer's habit", "No streak yet", "*Weekly nudge:* on", compose.ActionHomeSnooze)

	// A story two weeks ago and one last week: two weeks in a row.
	h.QuickShare(apptest.Carol, apptest.General, "Drove the spare part to the customer on a Sunday.", apptest.Bob)
	fire(t, h, clk, bot.JobNudge, t0.Add(-7*24*time.Hour), 1)
	h.QuickShare(apptest.Carol, apptest.General, "Rewrote the onboarding guide after the customer got lost.", apptest.Bob)
	fire(t, h, clk, bot.JobNudge, t0, 1)
	h.Event(h.Slack.AppHomeOpened(apptest.Carol))
	h.WaitHome(apptest.Carol, "two weeks in a row, not this week yet", "2 weeks in a row", "haven't written down a story this week")
	h.QuickShare(apptest.Carol, apptest.General, "Stayed on the call until the customer's import ran.", apptest.Bob)
	h.WaitHome(apptest.Carol, "three weeks in a row, refreshed after the story", "3 weeks in a row", "You wrote down a story this week")

	// Snooze for 2 weeks from the Home's menu.
	clickHome(t, h, apptest.Carol, slackfake.StaticSelectAction(compose.ActionHomeSnooze, "home_snooze", "2w"))
	h.WaitHome(apptest.Carol, "the Home snoozed", "snoozed until", `"value":"on"`)
	if _, until := nudgePrefs(t, h, apptest.Carol); !until.Equal(t0.Add(14 * 24 * time.Hour)) {
		t.Errorf("snoozed until %s, want two weeks from the program's clock (%s)", until, t0.Add(14*24*time.Hour))
	}
	before := nudges(h, apptest.Carol)[apptest.Carol]
	fire(t, h, clk, bot.JobNudge, t0.Add(7*24*time.Hour), 1) // the next week: snoozed
	if got := nudges(h, apptest.Carol)[apptest.Carol]; got != before {
		t.Errorf("snoozed from the Home, Carol got %d nudges, want %d", got, before)
	}

	// Resume: the next firing nudges her.
	clickHome(t, h, apptest.Carol, slackfake.ButtonAction(compose.ActionHomeNudges, "home_nudges", "on"))
	h.WaitHome(apptest.Carol, "the Home resumed", "*Weekly nudge:* on")
	fire(t, h, clk, bot.JobNudge, t0.Add(7*24*time.Hour+15*time.Minute), 1)
	if got := nudges(h, apptest.Carol)[apptest.Carol]; got != before+1 {
		t.Errorf("resumed from the Home, Carol got %d nudges, want %d", got, before+1)
	}

	// Off from the Home is off for the command too; on from the command
	// refreshes the Home.
	clickHome(t, h, apptest.Carol, slackfake.ButtonAction(compose.ActionHomeNudges, "home_nudges", "off"))
	h.WaitHome(apptest.Carol, "the Home with nudges off", "*Weekly nudge:* off")
	if off, _ := nudgePrefs(t, h, apptest.Carol); !off {
		t.Error("turned off from the Home, the nudges are still on")
	}
	if got := h.Reply(apptest.Carol, apptest.General, "nudges"); !strings.Contains(got, "Weekly nudges are off") {
		t.Errorf("/extramile nudges after the Home's Turn off: %q", got)
	}
	h.Command(apptest.Carol, apptest.General, "nudges on")
	h.WaitHome(apptest.Carol, "the Home after /extramile nudges on", "*Weekly nudge:* on")
	h.Command(apptest.Carol, apptest.General, "snooze 1w")
	h.WaitHome(apptest.Carol, "the Home after /extramile snooze 1w", "snoozed until")
}

// saveCheckin submits user's half-step check-in of week, as the nudge's
// modal does.
func saveCheckin(t *testing.T, h *apptest.Harness, user string, week int, text string) {
	t.Helper()
	p := h.Slack.ViewSubmissionPayload(user, compose.CallbackCheckin, strconv.Itoa(week),
		map[string]map[string]any{compose.BlockCheckin: {compose.ActionCheckinIn: slackfake.TextValue(text)}})
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("check-in acked with %v, want a plain ack", ack)
	}
}

// TestCheckinsAreYoursAlone: /extramile checkins shows a person their own
// check-ins, newest first, five at a time; its Older button pages them;
// nobody else ever sees them (not by the command, not by a forged button),
// and someone without check-ins gets the empty state. The Home counts them.
func TestCheckinsAreYoursAlone(t *testing.T) {
	t.Parallel()
	h, _ := newHabit(t, "0 15 * * THU", utc(7, 12, 0))
	h.Start()
	for w := 100; w < 107; w++ {
		saveCheckin(t, h, apptest.Carol, w, "Carol's check-in of week "+strconv.Itoa(w)+".")
	}
	saveCheckin(t, h, apptest.Bob, 103, "Bob's own check-in.")

	got := h.Reply(apptest.Carol, apptest.General, "checkins")
	for w := 102; w < 107; w++ {
		if !strings.Contains(got, "week "+strconv.Itoa(w)+".") {
			t.Errorf("Carol's first page lacks week %d: %q", w, got)
		}
	}
	if strings.Contains(got, "week 101.") || strings.Contains(got, "Bob's") || !strings.Contains(got, "1–5 of 7") {
		t.Errorf("Carol's first page: %q", got)
	}
	if i, j := strings.Index(got, "week 106."), strings.Index(got, "week 102."); i > j {
		t.Errorf("not newest first: %q", got)
	}

	// Older: through the response_url, Carol's next page.
	older := func(user string) string {
		t.Helper()
		before := len(h.Slack.Calls("response_url"))
		h.Interact(h.Slack.BlockActionsPayload(user, apptest.General, "1700000000.000100",
			[]map[string]any{slackfake.ButtonAction(compose.ActionCheckinsPage, "checkins_older", "5")}))
		h.Eventually("the next page", func() bool { return len(h.Slack.Calls("response_url")) > before })
		return string(h.Slack.Calls("response_url")[before].Body)
	}
	if page := older(apptest.Carol); !strings.Contains(page, "week 101.") || !strings.Contains(page, "week 100.") || strings.Contains(page, "week 102.") {
		t.Errorf("Carol's second page: %s", page)
	}
	// Bob clicks the same button (forged, or someone else's): his own only.
	if page := older(apptest.Bob); strings.Contains(page, "Carol's") {
		t.Errorf("Bob's Older showed Carol's check-ins: %s", page)
	}
	if got := h.Reply(apptest.Bob, apptest.General, "checkins"); !strings.Contains(got, "Bob's own check-in.") || strings.Contains(got, "Carol's") {
		t.Errorf("Bob's check-ins: %q", got)
	}
	if got := h.Reply(apptest.Alice, apptest.General, "checkins"); !strings.Contains(got, "haven't kept a half-step check-in yet") || strings.Contains(got, "check-in of week") || strings.Contains(got, "Bob's") {
		t.Errorf("Alice's check-ins: %q", got)
	}
	for _, m := range h.Slack.Messages("") {
		if !m.Ephemeral && m.Channel != "D"+apptest.Carol && strings.Contains(apptest.Text(m), "Carol's check-in") {
			t.Errorf("a check-in was posted where others see it: %s %q", m.Channel, apptest.Text(m))
		}
	}
	h.Event(h.Slack.AppHomeOpened(apptest.Carol))
	h.WaitHome(apptest.Carol, "the Home counting the check-ins", "You kept 7 half-step check-ins")
}
