// Package habit tests the weekly habit end to end: each person's nudge at
// their own hour, exactly once per week across a restart and two processes
// on one database, and people's opt-out and snooze. The program runs on a
// fake clock (apptest.Harness.FakeClock) with the production cadence of the
// nudge job (bot.NudgeEvery); a test moves the clock to a firing and waits
// for the scheduler's report of that run, so no test waits on the wall clock.
package habit

import (
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/scheduler"
)

// More of the cast, for the nudges.
const (
	Kiri    = "UKIRI"  // Pacific/Kiritimati, UTC+14
	Baker   = "UBAKER" // Etc/GMT+12, UTC−12
	Guest   = "UGUEST" // a multi-channel guest, UTC
	Outside = "UOUT"   // a member of the workspace, not of the scheduled channels
)

// newHabit builds a harness whose General channel has the cast as members,
// with the nudge schedule spec, running on a fake clock reading t0 (the
// nudge and follow-up jobs at their production cadence, bot.NudgeEvery).
// It returns the harness and the clock; the test starts the harness.
func newHabit(t testing.TB, spec string, t0 time.Time, opts ...func(*config.Config)) (*apptest.Harness, *clock.Fake) {
	t.Helper()
	h := apptest.New(t, append([]func(*config.Config){func(c *config.Config) { c.NudgeSchedule = spec }}, opts...)...)
	for _, u := range []slackfake.User{
		{ID: Kiri, Name: "kiri", TZ: "Pacific/Kiritimati"},
		{ID: Baker, Name: "baker", TZ: "Etc/GMT+12"},
		{ID: Guest, Name: "guest", TZ: "UTC", IsRestricted: true},
		{ID: Outside, Name: "out", TZ: "UTC"},
	} {
		h.Slack.AddUser(u)
	}
	c, _ := h.Slack.Channel(apptest.General)
	c.Members = []string{apptest.Alice, apptest.Bob, apptest.Carol, Kiri, Baker, Guest,
		apptest.Deactivated, apptest.OtherBot, "USLACKBOT"}
	h.Slack.SetChannel(c)
	clk := h.FakeClock(t0)
	h.Tune = func(m *app.Main) { m.NudgeEvery = bot.NudgeEvery }
	return h, clk
}

// fire moves the clock to at (a firing of bot.NudgeEvery) and waits until
// each of the processes running has finished job's run for that firing,
// failing the test on an error.
func fire(t testing.TB, h *apptest.Harness, clk *clock.Fake, job string, at time.Time, processes int) {
	t.Helper()
	clk.Set(at)
	runs := h.WaitRuns(processes, job+" at "+at.Format(time.RFC3339), func(r scheduler.Run) bool {
		return r.Job == job && r.ScheduledAt.Equal(at) && r.Trigger == scheduler.TriggerSchedule
	})
	for _, r := range runs {
		if r.Err != nil {
			t.Fatalf("%s at %s: %v", job, at.Format(time.RFC3339), r.Err)
		}
	}
}

// nudges counts the nudges each user got (DMs from the bot).
func nudges(h *apptest.Harness, users ...string) map[string]int {
	out := map[string]int{}
	for _, u := range users {
		for _, m := range h.Posts(u) {
			if strings.Contains(apptest.Text(m), "Not this week") {
				out[u]++
			}
		}
	}
	return out
}

var everyone = []string{apptest.Alice, apptest.Bob, apptest.Carol, Kiri, Baker, Guest, Outside,
	apptest.Deactivated, apptest.OtherBot, apptest.Admin}

func want(t *testing.T, h *apptest.Harness, when string, w map[string]int) {
	t.Helper()
	got := nudges(h, everyone...)
	for _, u := range everyone {
		if got[u] != w[u] {
			t.Errorf("%s: %s got %d nudges, want %d", when, u, got[u], w[u])
		}
	}
}

func utc(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) }

// TestNudgesAtEachOwnHourOnceAcrossRestart walks Thursday 10 December 2026
// (15:00 in each person's zone) firing by firing of the nudge job on the
// program's clock: each member of the scheduled channel is nudged once, at
// their own 15:00, from UTC+14 to UTC−12; never bots, Slackbot, deactivated
// people, guests or people outside the channels. Every later firing of the
// week sends them nothing more, nor does a restart whose catch-up runs the
// same firing again.
func TestNudgesAtEachOwnHourOnceAcrossRestart(t *testing.T) {
	t.Parallel()
	h, clk := newHabit(t, "0 15 * * THU", utc(10, 0, 30))
	h.Start()
	steps := []struct {
		at   time.Time
		want map[string]int
	}{
		{utc(10, 0, 45), map[string]int{}},
		{utc(10, 1, 0), map[string]int{Kiri: 1}},                  // 15:00 at UTC+14
		{utc(10, 1, 15), map[string]int{Kiri: 1}},                 // the next firing: nothing more
		{utc(10, 14, 0), map[string]int{Kiri: 1, apptest.Bob: 1}}, // 15:00 CET
		{utc(10, 15, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1}},
		{utc(10, 20, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1}},          // 15:00 EST
		{utc(11, 3, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1}}, // UTC−12
		// Sunday noon UTC is already Monday at UTC+14: a new week, not due yet.
		{utc(13, 12, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1}},
	}
	for i, st := range steps {
		fire(t, h, clk, bot.JobNudge, st.at, 1)
		want(t, h, st.at.Format(time.RFC3339), st.want)
		if i == 4 {
			// A restart with a catch-up window: the new process runs the
			// firing at 15:00 again at its start.
			h.Config.Catchup = time.Hour
			h.Restart()
			h.WaitRuns(1, "the nudge's catch-up", func(r scheduler.Run) bool {
				return r.Job == bot.JobNudge && r.Trigger == scheduler.TriggerCatchup && r.ScheduledAt.Equal(st.at)
			})
			want(t, h, "after a restart", st.want)
		}
	}
	// The next week, everyone is nudged again, once.
	fire(t, h, clk, bot.JobNudge, utc(18, 3, 0), 1)
	want(t, h, "the next week", map[string]int{Kiri: 2, apptest.Bob: 2, apptest.Carol: 2, apptest.Alice: 2, Baker: 2})
}

// TestNudgesOnceWithTwoProcesses: two processes on one database and one
// clock both run the same firing: each person is nudged once.
func TestNudgesOnceWithTwoProcesses(t *testing.T) {
	t.Parallel()
	h, clk := newHabit(t, "0 0 * * MON", utc(9, 11, 50)) // everyone is due from the week's first instant
	h.Start()
	h.StartAnother()
	fire(t, h, clk, bot.JobNudge, utc(9, 12, 0), 2)
	want(t, h, "two processes", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1})
	fire(t, h, clk, bot.JobNudge, utc(9, 12, 15), 2)
	want(t, h, "two processes, the next firing", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1})
}

// TestOptOutAndSnoozeHold: /extramile nudges off stops the nudge until
// /extramile nudges on, and /extramile snooze 2w holds it back for two
// weeks from the program's clock, and no longer.
func TestOptOutAndSnoozeHold(t *testing.T) {
	t.Parallel()
	t0 := utc(7, 12, 0) // Monday
	h, clk := newHabit(t, "0 0 * * MON", t0)
	h.Start()
	h.Command(apptest.Alice, apptest.General, "nudges off")
	h.Command(apptest.Bob, apptest.General, "snooze 2w") // until Monday 21 December, 12:00 UTC
	fire(t, h, clk, bot.JobNudge, t0.Add(24*time.Hour), 1)
	want(t, h, "off and snoozed", map[string]int{Kiri: 1, apptest.Carol: 1, Baker: 1})

	h.Command(apptest.Alice, apptest.General, "nudges on")
	fire(t, h, clk, bot.JobNudge, t0.Add(24*time.Hour+15*time.Minute), 1)
	want(t, h, "nudges on again", map[string]int{Kiri: 1, apptest.Carol: 1, Baker: 1, apptest.Alice: 1})

	// Monday 21 December at 11:45: the week is due for everyone, but Bob's
	// snooze runs until 12:00.
	fire(t, h, clk, bot.JobNudge, utc(21, 11, 45), 1)
	if got := nudges(h, apptest.Bob)[apptest.Bob]; got != 0 {
		t.Errorf("while snoozed: Bob got %d nudges, want 0", got)
	}
	fire(t, h, clk, bot.JobNudge, utc(21, 12, 0), 1)
	if got := nudges(h, apptest.Bob)[apptest.Bob]; got != 1 {
		t.Errorf("after the snooze: Bob got %d nudges, want 1", got)
	}
}

// TestAdminsSkipDatesAndNudgeGuests: a skipped date holds everyone's nudge
// of that day (in their own zone), only admins may skip, and guests are
// nudged once an admin turns that on.
func TestAdminsSkipDatesAndNudgeGuests(t *testing.T) {
	t.Parallel()
	h, clk := newHabit(t, "0 15 * * THU", utc(11, 11, 50))
	h.Start()
	h.Command(apptest.Alice, apptest.General, "settings habit guests on") // not an admin: nothing changes
	h.Command(apptest.Admin, apptest.General, "settings habit skip 2026-12-10")
	fire(t, h, clk, bot.JobNudge, utc(11, 12, 0), 1) // everyone's Thursday 15:00 has passed
	want(t, h, "a skipped Thursday", map[string]int{})

	h.Command(apptest.Admin, apptest.General, "settings habit unskip 2026-12-10")
	fire(t, h, clk, bot.JobNudge, utc(11, 12, 15), 1)
	want(t, h, "unskipped, guests off", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1})

	h.Command(apptest.Admin, apptest.General, "settings habit guests on")
	fire(t, h, clk, bot.JobNudge, utc(11, 12, 30), 1)
	want(t, h, "guests on", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1, Guest: 1})
}
