package settings

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestEverySettingIsInTheModal: the modal has an input for every setting
// the environment leaves to Slack, prefilled with the value in effect.
func TestEverySettingIsInTheModal(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) { c.Catchup = 6 * time.Hour; c.KudosDailyLimit = 3 })
	h.Start()
	m := readModal(t, h, apptest.Admin)
	want := map[string]field{
		compose.BlockChannels:                 {Type: "multi_conversations_select"},
		block(bot.SettingTimezone):            {Type: "plain_text_input", Value: "UTC"},
		compose.ScheduleBlock(bot.JobPrompt):  {Type: "plain_text_input", Value: never},
		compose.ScheduleBlock(bot.JobRoundup): {Type: "plain_text_input", Value: never},
		compose.ScheduleBlock(bot.JobDigest):  {Type: "plain_text_input", Value: never},
		compose.ScheduleBlock(bot.JobKudosDM): {Type: "plain_text_input", Value: never},
		block(bot.SettingKudosEmoji):          {Type: "plain_text_input", Value: "raised_hands,clap"},
		block(bot.SettingKudosDailyLimit):     {Type: "plain_text_input", Value: "3"},
		block("kudos.where"):                  {Type: "radio_buttons", Value: "invited"},
		block(bot.SettingNudgeSchedule):       {Type: "plain_text_input", Value: "off"},
		block(bot.SettingNudgeGuests):         {Type: "radio_buttons", Value: "off"},
		block(bot.SettingNudgeShared):         {Type: "radio_buttons", Value: "skip"},
		compose.BlockSkipDates:                {Type: "plain_text_input"},
		block(bot.SettingCatchup):             {Type: "plain_text_input", Value: "6h"},
	}
	for id, w := range want {
		got, ok := m.Inputs[id]
		if !ok || got.Type != w.Type || got.Value != w.Value {
			t.Errorf("input %s: %+v (present %v), want %+v", id, got, ok, w)
		}
	}
	if len(m.Inputs) != len(want) {
		t.Errorf("%d inputs, want %d: %v", len(m.Inputs), len(want), m.Inputs)
	}
}

// TestEnvironmentValuesAreTheOperators: the time zone, the kudos emoji and
// the daily limit are set in the environment: the modal shows them with
// their variable and no input, and a forged submission naming them changes
// nothing (the other settings of the same submission do change).
func TestEnvironmentValuesAreTheOperators(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) {
		c.FromEnv = map[string]bool{"EXTRAMILE_TIMEZONE": true, "EXTRAMILE_KUDOS_EMOJI": true, "EXTRAMILE_KUDOS_DAILY_LIMIT": true}
		c.KudosDailyLimit = 2
	})
	h.Start()
	m := readModal(t, h, apptest.Admin)
	for _, key := range []string{bot.SettingTimezone, bot.SettingKudosEmoji, bot.SettingKudosDailyLimit} {
		if _, ok := m.Inputs[block(key)]; ok {
			t.Errorf("the modal offers %s, set in the environment", key)
		}
	}
	for _, v := range []string{"EXTRAMILE_TIMEZONE", "EXTRAMILE_KUDOS_EMOJI", "EXTRAMILE_KUDOS_DAILY_LIMIT"} {
		if !strings.Contains(m.Text, "Set by `"+v+"` in the environment") {
			t.Errorf("the modal does not say %s sets a value:\n%s", v, m.Text)
		}
	}
	forged := merge(text(block(bot.SettingTimezone), "Asia/Tokyo"), text(block(bot.SettingKudosEmoji), "tada"),
		text(block(bot.SettingKudosDailyLimit), "99"), text(block(bot.SettingCatchup), "2h"))
	if ack := submit(t, h, m, forged); ack != nil {
		t.Fatalf("submission answered %v", ack)
	}
	h.Restart()
	m = readModal(t, h, apptest.Admin)
	if got := m.Inputs[block(bot.SettingCatchup)].Value; got != "2h" {
		t.Errorf("catch-up window %q, want 2h", got)
	}
	reply := h.Reply(apptest.Admin, apptest.General, "settings")
	for _, want := range []string{"*Time zone:* UTC (set by `EXTRAMILE_TIMEZONE`", "*Daily kudos limit:* 2 a day (set by `EXTRAMILE_KUDOS_DAILY_LIMIT`",
		"*Kudos emoji:* raised_hands, clap (set by `EXTRAMILE_KUDOS_EMOJI`", "*Catch-up window:* 2 hours (changed in Slack by <@" + apptest.Admin + ">)"} {
		if !strings.Contains(reply, want) {
			t.Errorf("/extramile settings lacks %q:\n%s", want, reply)
		}
	}
	// The listing speaks of the zone in force.
	if strings.Contains(reply, "Asia/Tokyo") {
		t.Errorf("a forged zone shows:\n%s", reply)
	}
}

// TestForgedSubmissionOfEverySettingChangesNothing: Alice is not an admin;
// a submission she forges naming every setting is refused.
func TestForgedSubmissionOfEverySettingChangesNothing(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	values := merge(channels(apptest.Random), text(block(bot.SettingTimezone), "Asia/Tokyo"), text(block(bot.SettingKudosEmoji), "tada"),
		text(block(bot.SettingKudosDailyLimit), "1"), choice(block("kudos.where"), "everywhere"), text(block(bot.SettingNudgeSchedule), "0 9 * * MON"),
		choice(block(bot.SettingNudgeGuests), "on"), text(compose.BlockSkipDates, "2099-12-24"), text(block(bot.SettingCatchup), "1h"))
	forged := h.Slack.ViewSubmissionPayload(apptest.Alice, compose.CallbackSettings, "", values)
	if errs := errorsOf(apptest.AckPayload(t, h.Interact(forged))); len(errs) == 0 {
		t.Fatal("a forged submission was not refused")
	}
	m := readModal(t, h, apptest.Admin)
	for id, want := range map[string]string{block(bot.SettingTimezone): "UTC", block(bot.SettingKudosEmoji): "raised_hands,clap",
		block(bot.SettingKudosDailyLimit): "0", block("kudos.where"): "invited", block(bot.SettingNudgeSchedule): "off",
		block(bot.SettingNudgeGuests): "off", compose.BlockSkipDates: "", block(bot.SettingCatchup): "0"} {
		if got := m.Inputs[id].Value; got != want {
			t.Errorf("%s: %q after a forged submission, want %q", id, got, want)
		}
	}
	if got := m.Inputs[compose.BlockChannels].Conversations; len(got) != 0 {
		t.Errorf("channels %v after a forged submission", got)
	}
}

// TestInvalidInputAnsweredOnItsBlock: each bad value is answered on its own
// block, and nothing of the form is kept.
func TestInvalidInputAnsweredOnItsBlock(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	for _, c := range []struct{ block, value string }{
		{block(bot.SettingTimezone), "Mars/Olympus"},
		{block(bot.SettingKudosEmoji), ":raised hands:"},
		{block(bot.SettingKudosEmoji), " , "},
		{block(bot.SettingKudosDailyLimit), "-1"},
		{block(bot.SettingKudosDailyLimit), "ten"},
		{block(bot.SettingCatchup), "six hours"},
		{block(bot.SettingCatchup), "-1h"},
		{block(bot.SettingNudgeSchedule), "thursdays"},
		{compose.BlockSkipDates, "2099-02-30"},
		{compose.BlockSkipDates, "2000-01-01"},
	} {
		values := merge(text(c.block, c.value), text(compose.ScheduleBlock(bot.JobPrompt), "0 9 * * TUE"))
		errs := errorsOf(submit(t, h, readModal(t, h, apptest.Admin), values))
		if len(errs) != 1 || errs[c.block] == nil {
			t.Errorf("%s = %q: errors %v, want one on its block", c.block, c.value, errs)
		}
	}
	if got := readModal(t, h, apptest.Admin).Inputs[compose.ScheduleBlock(bot.JobPrompt)].Value; got != never {
		t.Errorf("a valid field of a refused form was saved: %q", got)
	}
}

// TestKudosSettingsTakeEffectAtOnce: new kudos emoji give kudos and the old
// ones no longer do, and a daily limit holds, without a restart.
func TestKudosSettingsTakeEffectAtOnce(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Clock = clock.NewFake(time.Date(2024, time.March, 4, 12, 30, 0, 0, time.UTC))
	h.Start()
	react := func(giver, emoji string) bot.ReactionResult {
		t.Helper()
		m := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, User: apptest.Bob, Text: "fixed the build"})
		p := h.Slack.ReactionEvent("reaction_added", giver, emoji, "", m.Channel, m.TS)
		id, _ := p["event_id"].(string)
		h.Event(p)
		return h.WaitReaction(id, 1).Result
	}
	if r := react(apptest.Alice, "tada"); r != bot.ReactionNotKudos {
		t.Fatalf("tada before the change: %s", r)
	}
	change(t, h, merge(text(block(bot.SettingKudosEmoji), ":TaDa:, rocket"), text(block(bot.SettingKudosDailyLimit), "2")))
	if got := readModal(t, h, apptest.Admin).Inputs[block(bot.SettingKudosEmoji)].Value; got != "tada,rocket" {
		t.Errorf("emoji shown as %q, want tada,rocket", got)
	}
	for i, c := range []struct {
		emoji string
		want  bot.ReactionResult
	}{
		{"raised_hands", bot.ReactionNotKudos},
		{"tada", bot.ReactionGiven},
		{"rocket", bot.ReactionGiven},
		{"tada", bot.ReactionLimitReached}, // a third kudos today: the limit is 2
	} {
		if r := react(apptest.Alice, c.emoji); r != c.want {
			t.Errorf("reaction %d (%s): %s, want %s", i+1, c.emoji, r, c.want)
		}
	}
	// Carol has her own two.
	if r := react(apptest.Carol, "rocket"); r != bot.ReactionGiven {
		t.Errorf("another giver: %s", r)
	}
}

// TestHabitSettingsChangedInSlack: the weekly nudge's schedule, guests,
// thank-yous and skipped dates are changed in the modal; /extramile
// settings lists each with where it comes from, and the skipped dates
// (only upcoming ones) with them; a date removed is nudged again.
func TestHabitSettingsChangedInSlack(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Clock = clock.NewFake(time.Date(2024, time.March, 4, 12, 30, 0, 0, time.UTC))
	h.Start()
	change(t, h, merge(text(block(bot.SettingNudgeSchedule), "0 16 * * WED"), choice(block(bot.SettingNudgeGuests), "on"),
		choice(block(bot.SettingNudgeShared), "thanks"), text(compose.BlockSkipDates, "2024-12-24\n2024-03-04, 2024-12-31")))
	m := readModal(t, h, apptest.Admin)
	if got := m.Inputs[compose.BlockSkipDates].Value; got != "2024-03-04\n2024-12-24\n2024-12-31" {
		t.Errorf("skipped dates shown %q", got)
	}
	if got := m.Inputs[block(bot.SettingNudgeGuests)].Value; got != "on" {
		t.Errorf("guests %q", got)
	}
	reply := h.Reply(apptest.Alice, apptest.General, "settings")
	for _, want := range []string{
		"*Weekly nudge:* every Wednesday at 16:00, in each person's own time zone (changed in Slack by <@" + apptest.Admin + ">)",
		"*Nudge guests:* Yes, guests too (changed in Slack",
		"*Who already shared this week:* A short thank-you (changed in Slack",
		"*Skipped dates (no nudge):* 2024-03-04, 2024-12-24, 2024-12-31",
	} {
		if !strings.Contains(reply, want) {
			t.Errorf("/extramile settings lacks %q:\n%s", want, reply)
		}
	}
	// A day later, today's skipped date is past: it is neither shown nor
	// removed by a submission that leaves it out.
	h.Clock.(*clock.Fake).Set(time.Date(2024, time.March, 5, 12, 0, 0, 0, time.UTC))
	m = readModal(t, h, apptest.Admin)
	if got := m.Inputs[compose.BlockSkipDates].Value; got != "2024-12-24\n2024-12-31" {
		t.Errorf("skipped dates shown the next day %q", got)
	}
	if ack := submit(t, h, m, text(compose.BlockSkipDates, "2024-12-31")); ack != nil {
		t.Fatalf("removing a date: %v", ack)
	}
	reply = h.Reply(apptest.Alice, apptest.General, "settings")
	if !strings.Contains(reply, "*Skipped dates (no nudge):* 2024-12-31") {
		t.Errorf("after removing 2024-12-24:\n%s", reply)
	}
}

// TestStaleModalKeepsOthersChanges: two admins open the settings; the
// first changes the zone, a channel and a skipped date; the second, whose
// modal still shows the old values, changes only the daily limit. Slack
// sends every input back, untouched ones with what they were opened with:
// only what the second admin changed is taken, and the first one's changes
// stay.
func TestStaleModalKeepsOthersChanges(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	first, second := readModal(t, h, apptest.Admin), readModal(t, h, apptest.Owner)
	if ack := submit(t, h, first, merge(text(block(bot.SettingTimezone), "Europe/Berlin"), channels(apptest.Random),
		text(compose.BlockSkipDates, "2099-12-24"))); ack != nil {
		t.Fatalf("first submission answered %v", ack)
	}
	if ack := submit(t, h, second, text(block(bot.SettingKudosDailyLimit), "4")); ack != nil {
		t.Fatalf("second submission answered %v", ack)
	}
	m := readModal(t, h, apptest.Admin)
	if got := m.Inputs[block(bot.SettingTimezone)].Value; got != "Europe/Berlin" {
		t.Errorf("zone %q after a stale modal was saved, want the first admin's Europe/Berlin", got)
	}
	if got := m.Inputs[compose.BlockChannels].Conversations; !slices.Equal(got, []string{apptest.Random}) {
		t.Errorf("channels %v after a stale modal was saved, want the first admin's [%s]", got, apptest.Random)
	}
	if got := m.Inputs[compose.BlockSkipDates].Value; got != "2099-12-24" {
		t.Errorf("skipped dates %q after a stale modal was saved, want the first admin's", got)
	}
	if got := m.Inputs[block(bot.SettingKudosDailyLimit)].Value; got != "4" {
		t.Errorf("daily limit %q, want the second admin's 4", got)
	}
}

// TestKudosTakenBackAfterTheEmojiChanged: a kudos given with raised_hands
// is taken back when its reaction is removed, though the admins have since
// made tada the kudos emoji; removing another emoji still gives nothing.
func TestKudosTakenBackAfterTheEmojiChanged(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	m := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, User: apptest.Bob, Text: "stayed late to fix the import"})
	react := func(kind, emoji string) bot.ReactionResult {
		t.Helper()
		p := h.Slack.ReactionEvent(kind, apptest.Alice, emoji, "", m.Channel, m.TS)
		id, _ := p["event_id"].(string)
		h.Event(p)
		return h.WaitReaction(id, 1).Result
	}
	if r := react("reaction_added", "raised_hands"); r != bot.ReactionGiven {
		t.Fatalf("raised_hands: %s", r)
	}
	change(t, h, text(block(bot.SettingKudosEmoji), "tada"))
	if r := react("reaction_added", "rocket"); r != bot.ReactionNotKudos {
		t.Errorf("rocket added: %s", r)
	}
	if r := react("reaction_removed", "rocket"); r != bot.ReactionNotKudos {
		t.Errorf("rocket removed: %s, want not kudos", r)
	}
	if r := react("reaction_removed", "raised_hands"); r != bot.ReactionTakenBack {
		t.Errorf("raised_hands removed after the change: %s, want the kudos taken back", r)
	}
	if n := len(h.Export().Kudos); n != 0 {
		t.Errorf("kudos kept: %d, want 0", n)
	}
}
