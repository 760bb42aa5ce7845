// Package settings tests the admins' settings modal end to end: a schedule
// changed in Slack takes effect at once and is kept, a schedule the
// environment sets is shown and never changed, invalid input is answered
// on its field, and someone who is not an admin changes nothing, even with
// a forged payload.
package settings

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// The schedule every test harness starts with (apptest: once a year).
const never = "0 0 1 1 *"

// modal is the part of the settings modal the tests read.
type modal struct {
	Blocks []struct {
		Type    string `json:"type"`
		BlockID string `json:"block_id"`
		Element struct {
			InitialValue string `json:"initial_value"`
		} `json:"element"`
	} `json:"blocks"`
}

// openSettings runs `/extramile settings edit` as user and returns the
// settings modal it opened, with its schedule inputs (job → initial spec).
func openSettings(t *testing.T, h *apptest.Harness, user string) (slackfake.View, map[string]string) {
	t.Helper()
	before := len(h.Slack.Views())
	if p := apptest.AckPayload(t, h.Command(user, apptest.General, "settings edit")); p != nil {
		t.Fatalf("ack %v, want a plain ack (the modal opens)", p)
	}
	views := h.Slack.Views()
	if len(views) != before+1 {
		t.Fatalf("no modal opened")
	}
	v := views[len(views)-1]
	if v.CallbackID != compose.CallbackSettings {
		t.Fatalf("opened %q, want the settings modal", v.CallbackID)
	}
	var m modal
	if err := json.Unmarshal(v.JSON, &m); err != nil {
		t.Fatal(err)
	}
	inputs := map[string]string{}
	for _, job := range []string{bot.JobPrompt, bot.JobRoundup, bot.JobDigest, bot.JobKudosDM} {
		for _, b := range m.Blocks {
			if b.Type == "input" && b.BlockID == compose.ScheduleBlock(job) {
				inputs[job] = b.Element.InitialValue
			}
		}
	}
	return v, inputs
}

func scheduleValues(specs map[string]string) map[string]map[string]any {
	v := map[string]map[string]any{}
	for job, spec := range specs {
		v[compose.ScheduleBlock(job)] = map[string]any{compose.ActionScheduleSpec: slackfake.TextValue(spec)}
	}
	return v
}

// TestAdminChangesAScheduleInSlack: the change takes effect at once (the
// modal opened again shows it, and so does /extramile settings' plan) and
// outlives a restart.
func TestAdminChangesAScheduleInSlack(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	v, inputs := openSettings(t, h, apptest.Admin)
	if len(inputs) != 4 || inputs[bot.JobPrompt] != never {
		t.Fatalf("schedule inputs %v, want the four jobs at %q", inputs, never)
	}
	p, err := h.Slack.ViewSubmissionFor(v.ID, scheduleValues(map[string]string{bot.JobPrompt: "0 9 * * TUE", bot.JobRoundup: never}))
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("submission answered %v, want a plain ack", ack)
	}
	if _, inputs = openSettings(t, h, apptest.Admin); inputs[bot.JobPrompt] != "0 9 * * TUE" || inputs[bot.JobRoundup] != never {
		t.Errorf("after the change: %v", inputs)
	}

	h.Restart()
	if _, inputs = openSettings(t, h, apptest.Admin); inputs[bot.JobPrompt] != "0 9 * * TUE" {
		t.Errorf("after a restart: %v", inputs)
	}
}

// TestInvalidScheduleAnsweredOnItsField: nothing changes.
func TestInvalidScheduleAnsweredOnItsField(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	v, _ := openSettings(t, h, apptest.Admin)
	p, err := h.Slack.ViewSubmissionFor(v.ID, scheduleValues(map[string]string{bot.JobPrompt: "0 9 * * TUE", bot.JobDigest: "every tuesday"}))
	if err != nil {
		t.Fatal(err)
	}
	ack := apptest.AckPayload(t, h.Interact(p))
	errs, _ := ack["errors"].(map[string]any)
	if ack["response_action"] != "errors" || len(errs) != 1 || errs[compose.ScheduleBlock(bot.JobDigest)] == nil {
		t.Fatalf("ack %v, want errors on the digest's schedule only", ack)
	}
	if _, inputs := openSettings(t, h, apptest.Admin); inputs[bot.JobPrompt] != never {
		t.Errorf("a valid field of a refused form was saved: %v", inputs)
	}
}

// TestForgedSettingsSubmissionChangesNothing: Alice is not an admin. She
// cannot open the modal, and a view_submission she forges is refused.
func TestForgedSettingsSubmissionChangesNothing(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	before := len(h.Slack.Views())
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "settings edit")); p == nil {
		t.Error("no answer to a non-admin opening the settings")
	}
	if len(h.Slack.Views()) != before {
		t.Error("a modal opened for a non-admin")
	}
	forged := h.Slack.ViewSubmissionPayload(apptest.Alice, compose.CallbackSettings, "", scheduleValues(map[string]string{bot.JobPrompt: "* * * * *"}))
	ack := apptest.AckPayload(t, h.Interact(forged))
	if ack["response_action"] != "errors" {
		t.Errorf("forged submission answered %v, want errors", ack)
	}
	if _, inputs := openSettings(t, h, apptest.Admin); inputs[bot.JobPrompt] != never {
		t.Errorf("a forged submission changed the schedule: %v", inputs)
	}
}

// TestScheduleFromTheEnvironmentIsTheOperators: the prompt's schedule was
// set in the environment: the modal shows no input for it, and a
// submission naming it changes nothing.
func TestScheduleFromTheEnvironmentIsTheOperators(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) {
		c.FromEnv = map[string]bool{config.ScheduleVars[bot.JobPrompt]: true}
	})
	h.Start()
	v, inputs := openSettings(t, h, apptest.Admin)
	if _, ok := inputs[bot.JobPrompt]; ok || len(inputs) != 3 {
		t.Fatalf("inputs %v, want none for the prompt", inputs)
	}
	p, err := h.Slack.ViewSubmissionFor(v.ID, scheduleValues(map[string]string{bot.JobPrompt: "0 9 * * TUE"}))
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("submission answered %v", ack)
	}
	h.Restart()
	if _, inputs = openSettings(t, h, apptest.Admin); len(inputs) != 3 {
		t.Errorf("after a restart: %v", inputs)
	}
}

// TestAdminEditsSettingsFromTheHome: an admin's Home has a Settings
// section whose button opens the modal; after a change, the Home shows the
// new schedule. Alice's Home has no Settings section.
func TestAdminEditsSettingsFromTheHome(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	h.Event(h.Slack.AppHomeOpened(apptest.Alice))
	h.Event(h.Slack.AppHomeOpened(apptest.Admin))
	home := func(user string) (slackfake.View, bool) {
		for _, v := range h.Slack.Views() {
			if v.Type == "home" && v.UserID == user {
				return v, true
			}
		}
		return slackfake.View{}, false
	}
	h.Eventually("both Homes", func() bool {
		_, a := home(apptest.Alice)
		_, b := home(apptest.Admin)
		return a && b
	})
	if v, _ := home(apptest.Alice); strings.Contains(string(v.Blocks), compose.ActionOpenSettings) {
		t.Error("a member's Home offers the settings")
	}
	v, _ := home(apptest.Admin)
	if !strings.Contains(string(v.Blocks), compose.ActionOpenSettings) {
		t.Fatalf("the admin's Home has no settings button: %s", v.Blocks)
	}
	before := len(h.Slack.Views())
	p, err := h.Slack.ViewBlockActionsPayload(v.ID, []map[string]any{slackfake.ButtonAction(compose.ActionOpenSettings, "home_settings", "")})
	if err != nil {
		t.Fatal(err)
	}
	h.Interact(p)
	views := h.Slack.Views()
	if len(views) != before+1 || views[len(views)-1].CallbackID != compose.CallbackSettings {
		t.Fatal("the Home's button opened no settings modal")
	}
	sub, err := h.Slack.ViewSubmissionFor(views[len(views)-1].ID, scheduleValues(map[string]string{bot.JobDigest: "0 9 2 * *"}))
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(sub)); ack != nil {
		t.Fatalf("submission answered %v", ack)
	}
	h.Eventually("the admin's Home showing the new digest schedule", func() bool {
		v, _ := home(apptest.Admin)
		return strings.Contains(string(v.Blocks), "on the 2nd")
	})
}

// TestScheduleChangeTakesEffectWithoutARestart: the prompt never fires in a
// test (once a year); an admin sets it to Mondays at 10:00 in Slack, and the
// prompts start at its firings, in the same process. The program runs on a
// fake clock, moved to each firing.
func TestScheduleChangeTakesEffectWithoutARestart(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	monday := time.Date(2024, time.March, 4, 9, 0, 0, 0, time.UTC) // an hour before the new schedule's first firing
	clk := h.FakeClock(monday)
	h.Start()
	prompts := func() int {
		n := 0
		for _, m := range h.Posts(apptest.General) {
			if strings.Contains(apptest.Text(m), "last week") || strings.Contains(apptest.Text(m), "Last week") {
				n++
			}
		}
		return n
	}
	if n := prompts(); n != 0 {
		t.Fatalf("prompts before the change: %d", n)
	}
	v, _ := openSettings(t, h, apptest.Admin)
	p, err := h.Slack.ViewSubmissionFor(v.ID, scheduleValues(map[string]string{bot.JobPrompt: "0 10 * * MON"}))
	if err != nil {
		t.Fatal(err)
	}
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("submission answered %v", ack)
	}
	for i, at := range []time.Time{monday.Add(time.Hour), monday.Add(7*24*time.Hour + time.Hour)} {
		clk.Set(at)
		if r := h.WaitJobRuns(bot.JobPrompt, i+1)[i]; !r.ScheduledAt.Equal(at) || r.Err != nil {
			t.Fatalf("run %d of the prompt: %+v, want one for %s, done", i+1, r, at)
		}
	}
	if n := prompts(); n != 2 {
		t.Errorf("%d prompts on the new schedule after two firings, want 2", n)
	}
}
