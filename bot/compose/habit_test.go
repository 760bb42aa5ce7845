package compose

import (
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

func TestGoldenHabit(t *testing.T) {
	until := time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		m    Message
	}{
		{"nudge_week_0_no_streak", Nudge(0, 0)},
		{"nudge_week_1_streak_1", Nudge(1, 1)},
		{"nudge_week_2916_streak_3", Nudge(2916, 3)},
		{"nudge_thanks", NudgeThanks(4)},
		{"nudge_thanks_no_streak", NudgeThanks(0)},
		{"nudge_skipped", NudgeSkipped()},
		{"nudges_off", NudgesChanged(true)},
		{"nudges_on", NudgesChanged(false)},
		{"nudges_state_on", NudgesState(extramile.NudgePrefs{}, t0, berlin)},
		{"nudges_state_off", NudgesState(extramile.NudgePrefs{Off: true}, t0, berlin)},
		{"nudges_state_snoozed", NudgesState(extramile.NudgePrefs{SnoozedUntil: until}, t0, berlin)},
		{"snoozed", Snoozed(until, berlin)},
		{"snooze_usage", SnoozeUsage("<!channel> soon")},
		{"checkin_saved", CheckinSaved()},
		{"habit_settings_usage", HabitSettingsUsage()},
		{"mine_streak", WithStreak(Mine("U0AUTHOR1", []*extramile.Story{story()}, 1, 0, 5), 3)},
		{"habit_setting_changed", HabitSettingChanged("No nudge on 2026-12-24.")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustCheck(t, tc.name, tc.m)
			golden(t, tc.name, tc.m)
		})
	}
	m := CheckinModal(2916)
	if err := CheckModal(m); err != nil {
		t.Errorf("check-in modal: %v", err)
	}
	golden(t, "checkin_modal", m)
}

func TestNudgeRotatesWithTheNineWays(t *testing.T) {
	seen := map[string]bool{}
	for w := -3; w < len(extramile.Ways)-3; w++ {
		seen[Nudge(w, 0).Text] = true
	}
	if len(seen) != len(extramile.Ways) {
		t.Errorf("nine consecutive weeks gave %d questions, want %d", len(seen), len(extramile.Ways))
	}
}

func TestParseSnooze(t *testing.T) {
	for in, want := range map[string]time.Duration{"2w": 14 * 24 * time.Hour, " 10D ": 240 * time.Hour, "12w": 84 * 24 * time.Hour} {
		if got, err := ParseSnooze(in); err != nil || got != want {
			t.Errorf("ParseSnooze(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "w", "0w", "-1w", "13w", "2m", "tomorrow", "85d"} {
		if _, err := ParseSnooze(in); err == nil {
			t.Errorf("ParseSnooze(%q): no error", in)
		}
	}
}

func TestParseCheckin(t *testing.T) {
	v := slack.View{CallbackID: CallbackCheckin, PrivateMetadata: "2916", State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		BlockCheckin: {ActionCheckinIn: {Value: "Called back a day late."}},
	}}}
	week, text, err := ParseCheckin(v)
	if err != nil || week != 2916 || text != "Called back a day late." {
		t.Errorf("ParseCheckin = %d, %q, %v", week, text, err)
	}
	for _, bad := range []slack.View{
		{CallbackID: CallbackStory, PrivateMetadata: "1"},
		{CallbackID: CallbackCheckin, PrivateMetadata: "x"},
		{CallbackID: CallbackCheckin, PrivateMetadata: "1"},
	} {
		if _, _, err := ParseCheckin(bad); err == nil {
			t.Errorf("ParseCheckin(%+v): no error", bad)
		}
	}
}

func TestGoldenFollowUp(t *testing.T) {
	pings := story()
	pings.Text = pingStory
	lessoned := story()
	lessoned.Lesson = "Ask about their working hours before planning a release."
	lessonPings := story()
	lessonPings.Lesson = pingStory + longText()
	for _, tc := range []struct {
		name string
		m    Message
	}{
		{"followup_dm", FollowUpDM(story())},
		{"followup_dm_pings", FollowUpDM(pings)},
		{"followup_reply", FollowUpReply(story(), "They renewed for two years, and asked for Maya by name.")},
		{"followup_reply_pings_long", FollowUpReply(story(), pingStory+longText())},
		{"followup_skipped", FollowUpSkipped()},
		{"followup_done", FollowUpDone(story().Permalink)},
		{"shoutout_lesson", Shoutout(lessoned, "clap")},
		{"shoutout_lesson_pings_long", Shoutout(lessonPings, "clap")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustCheck(t, tc.name, tc.m)
			golden(t, tc.name, tc.m)
		})
	}
	m := FollowUpModal(42)
	if err := CheckModal(m); err != nil {
		t.Errorf("follow-up modal: %v", err)
	}
	golden(t, "followup_modal", m)
	id, answer, err := ParseFollowUp(slack.View{CallbackID: CallbackFollowUp, PrivateMetadata: "42", State: &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
		BlockFollowUp: {ActionFollowUpIn: {Value: "They came back."}},
	}}})
	if err != nil || id != 42 || answer != "They came back." {
		t.Errorf("ParseFollowUp = %d, %q, %v", id, answer, err)
	}
	if _, _, err := ParseFollowUp(slack.View{CallbackID: CallbackFollowUp, PrivateMetadata: "-1"}); err == nil {
		t.Error("ParseFollowUp of a negative id: no error")
	}
}

func TestGoldenDigestHabit(t *testing.T) {
	d := hugeDigest()
	d.Lessons = []extramile.Lesson{
		{StoryID: 1, Author: "U0MAYA001", Text: "Ask about their working hours before planning a release."},
		{StoryID: 2, Author: "U0JONAS01", Text: pingStory},
		{StoryID: 3, Author: "U0LEA0001", Text: longText()},
		{StoryID: 4, Author: "U0SAM0001", Text: "A fourth lesson is never shown."},
	}
	d.Streaks = []extramile.StreakTally{{User: "U0MAYA001", Weeks: 7}, {User: "U0JONAS01", Weeks: 3}, {User: "U0LEA0001", Weeks: 2}, {User: "U0SAM0001", Weeks: 2}}
	d.FollowUps = 4
	m := Digest(d, berlin)
	mustCheck(t, "digest_habit", m)
	golden(t, "digest_habit", m)
	one := *d
	one.Streaks = []extramile.StreakTally{{User: "U0MAYA001", Weeks: 1}}
	one.Lessons, one.FollowUps = nil, 1
	m = Digest(&one, berlin)
	mustCheck(t, "digest_habit_small", m)
	golden(t, "digest_habit_small", m)
}
