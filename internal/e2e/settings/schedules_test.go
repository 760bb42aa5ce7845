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
	"github.com/extramile/extramile/scheduler"
)

// monday9 is a Monday, an hour before the prompt these tests set (Mondays
// at 10:00): in winter, so New York is UTC-5 and Berlin UTC+1.
var monday9 = time.Date(2024, time.March, 4, 9, 0, 0, 0, time.UTC)

// startOnClock starts a harness on a fake clock reading monday9, with the
// prompt set in Slack to Mondays at 10:00.
func startOnClock(t *testing.T) (*apptest.Harness, *clock.Fake) {
	t.Helper()
	h := apptest.New(t)
	clk := h.FakeClock(monday9)
	h.Start()
	change(t, h, text(compose.ScheduleBlock(bot.JobPrompt), "0 10 * * MON"))
	return h, clk
}

// runAt moves the clock to at and waits for the nth run of the prompt,
// which must be for at, done.
func runAt(t *testing.T, h *apptest.Harness, clk *clock.Fake, at time.Time, n int) {
	t.Helper()
	clk.Set(at)
	if r := h.WaitJobRuns(bot.JobPrompt, n)[n-1]; !r.ScheduledAt.Equal(at) || r.Err != nil {
		t.Fatalf("run %d of the prompt: %+v, want one for %s, done", n, r, at)
	}
}

// wantPrompts checks the prompts posted in channel, each exactly once.
func wantPrompts(t *testing.T, h *apptest.Harness, channel string, want ...time.Time) {
	t.Helper()
	got := promptFirings(t, h, channel)
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("prompts in %s for %v, want exactly %v", channel, got, want)
	}
}

// TestChannelsChangedInSlack: channels added in the modal pass the checks
// of /extramile subscribe (a public channel is joined; a private one the
// bot is not in and an archived one are refused on the channels' input,
// and nothing changes); the next prompt goes to each channel once, and a
// channel removed gets no more.
func TestChannelsChangedInSlack(t *testing.T) {
	t.Parallel()
	h, clk := startOnClock(t)
	for _, refused := range []string{apptest.Secret, apptest.Archived} {
		errs := errorsOf(submit(t, h, readModal(t, h, apptest.Admin), merge(channels(apptest.Team, refused), text(block(bot.SettingKudosDailyLimit), "4"))))
		if len(errs) != 1 || errs[compose.BlockChannels] == nil {
			t.Errorf("adding %s: errors %v, want one on the channels", refused, errs)
		}
	}
	m := readModal(t, h, apptest.Admin)
	if got := m.Inputs[compose.BlockChannels].Conversations; len(got) != 0 || m.Inputs[block(bot.SettingKudosDailyLimit)].Value != "0" {
		t.Fatalf("a refused form changed something: channels %v, limit %q", got, m.Inputs[block(bot.SettingKudosDailyLimit)].Value)
	}
	// EXTRAMILE_CHANNEL chosen too is left as it is: it always gets the posts.
	if ack := submit(t, h, m, channels(apptest.Team, apptest.Random, apptest.General)); ack != nil {
		t.Fatalf("submission answered %v", ack)
	}
	h.Eventually("the bot joined the public channel added", func() bool {
		for _, c := range h.Slack.Calls("conversations.join") {
			if c.Params.Get("channel") == apptest.Random {
				return true
			}
		}
		return false
	})
	if got := readModal(t, h, apptest.Admin).Inputs[compose.BlockChannels].Conversations; !slices.Equal(got, []string{apptest.Random, apptest.Team}) && !slices.Equal(got, []string{apptest.Team, apptest.Random}) {
		t.Errorf("channels shown %v, want Team and Random", got)
	}
	ten := monday9.Add(time.Hour)
	runAt(t, h, clk, ten, 1)
	for _, ch := range []string{apptest.General, apptest.Team, apptest.Random} {
		wantPrompts(t, h, ch, ten)
	}

	change(t, h, channels(apptest.Random))
	runAt(t, h, clk, ten.AddDate(0, 0, 7), 2)
	wantPrompts(t, h, apptest.Team, ten)
	wantPrompts(t, h, apptest.Random, ten, ten.AddDate(0, 0, 7))
	wantPrompts(t, h, apptest.General, ten, ten.AddDate(0, 0, 7))
}

// TestTimeZoneChangedInSlack: the zone moves every schedule at once: the
// prompt at 10:00 runs at 10:00 in New York (15:00 UTC), not at 10:00 UTC;
// /extramile settings says so, and so does the program after a restart.
func TestTimeZoneChangedInSlack(t *testing.T) {
	t.Parallel()
	h, clk := startOnClock(t)
	change(t, h, text(block(bot.SettingTimezone), " America/New_York "))
	reply := h.Reply(apptest.Admin, apptest.General, "settings")
	for _, want := range []string{"every Monday at 10:00 (America/New_York); next: Mon 2024-03-04 10:00", "*Time zone:* America/New_York (changed in Slack by <@" + apptest.Admin + ">)"} {
		if !strings.Contains(reply, want) {
			t.Errorf("/extramile settings lacks %q:\n%s", want, reply)
		}
	}
	fifteen := monday9.Add(6 * time.Hour) // 10:00 in New York
	runAt(t, h, clk, fifteen, 1)
	wantPrompts(t, h, apptest.General, fifteen)

	h.Restart()
	if got := readModal(t, h, apptest.Admin).Inputs[block(bot.SettingTimezone)].Value; got != "America/New_York" {
		t.Errorf("zone after a restart %q", got)
	}
	next := time.Date(2024, time.March, 11, 14, 0, 0, 0, time.UTC) // 10:00 in New York, on summer time since the 10th
	runAt(t, h, clk, next, 2)
	wantPrompts(t, h, apptest.General, fifteen, next)
}

// TestScheduleChangeNeverDoublesOrSkipsARun: a schedule (or the zone)
// changed in Slack shortly before, at and after a due firing: every firing
// that was due is posted, each exactly once, and the next runs follow the
// new schedule.
func TestScheduleChangeNeverDoublesOrSkipsARun(t *testing.T) {
	t.Parallel()
	ten := monday9.Add(time.Hour)
	prompt := compose.ScheduleBlock(bot.JobPrompt)
	t.Run("moved later, before the firing", func(t *testing.T) {
		t.Parallel()
		h, clk := startOnClock(t)
		clk.Set(ten.Add(-time.Minute))
		change(t, h, text(prompt, "0 11 * * MON"))
		clk.Set(ten) // the old firing: nothing runs
		runAt(t, h, clk, ten.Add(time.Hour), 1)
		runAt(t, h, clk, ten.Add(7*24*time.Hour+time.Hour), 2)
		wantPrompts(t, h, apptest.General, ten.Add(time.Hour), ten.Add(7*24*time.Hour+time.Hour))
	})
	t.Run("moved earlier, before the firing", func(t *testing.T) {
		t.Parallel()
		h, clk := startOnClock(t)
		clk.Set(ten.Add(-30 * time.Minute))
		change(t, h, text(prompt, "45 9 * * MON"))
		runAt(t, h, clk, ten.Add(-15*time.Minute), 1)
		clk.Set(ten) // the old firing: nothing more runs
		runAt(t, h, clk, ten.Add(7*24*time.Hour-15*time.Minute), 2)
		wantPrompts(t, h, apptest.General, ten.Add(-15*time.Minute), ten.Add(7*24*time.Hour-15*time.Minute))
	})
	t.Run("changed at the firing", func(t *testing.T) {
		t.Parallel()
		h, clk := startOnClock(t)
		clk.Set(ten) // the runner and the change race for the firing: one of them runs it
		change(t, h, text(prompt, "0 10 * * TUE"))
		h.WaitJobRuns(bot.JobPrompt, 1)
		runAt(t, h, clk, ten.Add(24*time.Hour), 2)
		wantPrompts(t, h, apptest.General, ten, ten.Add(24*time.Hour))
		if runs := h.JobRuns(bot.JobPrompt); len(runs) != 2 {
			t.Errorf("runs %+v, want two", runs)
		}
	})
	for _, c := range []struct {
		name   string
		values map[string]map[string]any
		next   time.Time
	}{
		{"changed after the firing came, before its post", text(prompt, "0 10 * * TUE"), ten.Add(24 * time.Hour)},
		{"zone changed after the firing came, before its post", text(block(bot.SettingTimezone), "Europe/Berlin"), ten.Add(7*24*time.Hour - time.Hour)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h, clk := startOnClock(t)
			arrived, release := h.Slack.HoldNext("chat.postMessage")
			clk.Set(ten)
			select {
			case <-arrived:
			case <-time.After(apptest.Timeout):
				t.Fatal("the prompt's post never came")
			}
			change(t, h, c.values)
			release()
			if r := h.WaitJobRuns(bot.JobPrompt, 1)[0]; !r.ScheduledAt.Equal(ten) || r.Err != nil || r.Trigger != scheduler.TriggerSchedule {
				t.Fatalf("the due run: %+v", r)
			}
			runAt(t, h, clk, c.next, 2)
			wantPrompts(t, h, apptest.General, ten, c.next)
		})
	}
}

// TestCatchupWindowChangedInSlack: the catch-up window set in Slack decides
// at the next start whether a post missed while the bot was down is made
// up (the environment's default here, 0, would not make it up).
func TestCatchupWindowChangedInSlack(t *testing.T) {
	t.Parallel()
	h, clk := startOnClock(t)
	change(t, h, text(block(bot.SettingCatchup), "90m"))
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	ten := monday9.Add(time.Hour)
	clk.Set(ten.Add(time.Hour)) // the 10:00 prompt came while the bot was down
	h.Start()
	if r := h.WaitJobRuns(bot.JobPrompt, 1)[0]; !r.ScheduledAt.Equal(ten) || r.Trigger != scheduler.TriggerCatchup || r.Err != nil {
		t.Fatalf("run %+v, want the 10:00 prompt caught up", r)
	}
	wantPrompts(t, h, apptest.General, ten)
}

// TestSettingsSurviveARestart: every kind of setting changed in Slack is
// kept.
func TestSettingsSurviveARestart(t *testing.T) {
	t.Parallel()
	h, _ := startOnClock(t)
	change(t, h, merge(channels(apptest.Team), text(block(bot.SettingKudosEmoji), "tada"), text(block(bot.SettingKudosDailyLimit), "7"),
		choice(block(bot.SettingNudgeGuests), "on"), text(block(bot.SettingNudgeSchedule), "0 9 * * FRI"),
		text(compose.BlockSkipDates, "2024-12-24"), text(block(bot.SettingCatchup), "3h")))
	h.Restart()
	m := readModal(t, h, apptest.Admin)
	for id, want := range map[string]string{
		compose.ScheduleBlock(bot.JobPrompt): "0 10 * * MON", block(bot.SettingKudosEmoji): "tada", block(bot.SettingKudosDailyLimit): "7",
		block(bot.SettingNudgeGuests): "on", block(bot.SettingNudgeSchedule): "0 9 * * FRI", compose.BlockSkipDates: "2024-12-24",
		block(bot.SettingCatchup): "3h",
	} {
		if got := m.Inputs[id].Value; got != want {
			t.Errorf("%s after a restart: %q, want %q", id, got, want)
		}
	}
	if got := m.Inputs[compose.BlockChannels].Conversations; !slices.Equal(got, []string{apptest.Team}) {
		t.Errorf("channels after a restart: %v", got)
	}
}

// TestScheduleChangeWithTwoProcesses: two processes share the database and
// an admin changes the prompt's schedule (or the zone) through whichever
// gets the submission. The other one learns of it at the old firing and
// posts nothing then; the new firing is posted once.
func TestScheduleChangeWithTwoProcesses(t *testing.T) {
	t.Parallel()
	ten := monday9.Add(time.Hour)
	for _, c := range []struct {
		name   string
		values map[string]map[string]any
		next   time.Time
	}{
		{"schedule", text(compose.ScheduleBlock(bot.JobPrompt), "0 11 * * MON"), ten.Add(time.Hour)},
		{"zone", text(block(bot.SettingTimezone), "America/New_York"), ten.Add(5 * time.Hour)}, // 10:00 in New York
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h, clk := startOnClock(t)
			h.StartAnother()
			change(t, h, c.values)
			clk.Set(ten) // the old firing: neither process posts it
			clk.Set(c.next)
			runs := h.WaitRuns(2, "both processes' runs of the new firing", func(r scheduler.Run) bool {
				return r.Job == bot.JobPrompt && r.ScheduledAt.Equal(c.next)
			})
			for _, r := range runs {
				if r.Err != nil {
					t.Errorf("run %+v failed", r)
				}
			}
			wantPrompts(t, h, apptest.General, c.next)
			if runs := h.JobRuns(bot.JobPrompt); len(runs) != 2 {
				t.Errorf("runs %+v, want only the two of the new firing", runs)
			}
		})
	}
}

// TestZoneChangeOnTheDayOfAPrompt: a prompt is a wall-clock time of a day.
// The zone moved west after Monday's 10:00 prompt was posted: it is not
// posted again at 10:00 in New York; moved east before it, to Tokyo, where
// 10:00 has passed: it is posted at once, not skipped for the week.
func TestZoneChangeOnTheDayOfAPrompt(t *testing.T) {
	t.Parallel()
	ten := monday9.Add(time.Hour)
	t.Run("west, after the prompt", func(t *testing.T) {
		t.Parallel()
		h, clk := startOnClock(t)
		runAt(t, h, clk, ten, 1)
		clk.Set(ten.Add(2 * time.Hour))
		change(t, h, text(block(bot.SettingTimezone), "America/New_York"))
		if reply := h.Reply(apptest.Admin, apptest.General, "settings"); !strings.Contains(reply, "(America/New_York); next: Mon 2024-03-11 10:00") {
			t.Errorf("/extramile settings does not give next Monday as the next prompt:\n%s", reply)
		}
		clk.Set(ten.Add(5 * time.Hour))                                // 10:00 in New York: the same prompt
		next := time.Date(2024, time.March, 11, 14, 0, 0, 0, time.UTC) // next Monday, 10:00 in New York (summer time)
		runAt(t, h, clk, next, 2)
		wantPrompts(t, h, apptest.General, ten, next)
	})
	t.Run("east, before the prompt", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t)
		clk := h.FakeClock(monday9.AddDate(0, 0, -7))
		h.Start()
		change(t, h, text(compose.ScheduleBlock(bot.JobPrompt), "0 10 * * MON"))
		runAt(t, h, clk, ten.AddDate(0, 0, -7), 1) // last week's: the prompt ran before
		clk.Set(monday9)                           // 18:00 in Tokyo
		change(t, h, text(block(bot.SettingTimezone), "Asia/Tokyo"))
		today := ten.Add(-9 * time.Hour) // 10:00 in Tokyo
		if r := h.WaitJobRuns(bot.JobPrompt, 2)[1]; !r.ScheduledAt.Equal(today) || r.Err != nil {
			t.Fatalf("the prompt after the change: %+v, want today's 10:00 in Tokyo", r)
		}
		clk.Set(ten) // the old zone's 10:00: nothing
		runAt(t, h, clk, today.AddDate(0, 0, 7), 3)
		wantPrompts(t, h, apptest.General, ten.AddDate(0, 0, -7), today, today.AddDate(0, 0, 7))
	})
}
