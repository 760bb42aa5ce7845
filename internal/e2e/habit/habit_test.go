// Package habit tests the weekly habit end to end: each person's nudge at
// their own hour, exactly once per week across a restart and two processes
// on one database, and people's opt-out and snooze. The nudge job is run by
// the scheduler's RunNow at chosen firing times (its own cadence never fires
// during a test), so no test waits on the wall clock.
package habit

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/apptest"
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

// never is a cadence that does not fire during a test (29 February, at midnight).
const never = "0 0 29 2 *"

// schedulers collects the scheduler of every process started, latest last.
type schedulers struct {
	mu  sync.Mutex
	all []*scheduler.Scheduler
}

func (s *schedulers) add(x *scheduler.Scheduler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.all = append(s.all, x)
}

func (s *schedulers) get(i int) *scheduler.Scheduler {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 {
		i += len(s.all)
	}
	return s.all[i]
}

// newHabit builds a harness whose General channel has the cast as members,
// with the nudge schedule spec, and returns it with its schedulers.
func newHabit(t *testing.T, spec string) (*apptest.Harness, *schedulers) {
	t.Helper()
	h := apptest.New(t, func(c *config.Config) { c.NudgeSchedule = spec })
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
	s := &schedulers{}
	h.Tune = func(m *app.Main) {
		m.NudgeEvery = never
		m.Scheduler = s.add
	}
	return h, s
}

// run runs the nudge job of process i (-1: the latest started) for the
// firing at at and fails the test on an error.
func run(t *testing.T, h *apptest.Harness, s *schedulers, i int, at time.Time) {
	t.Helper()
	if err := s.get(i).RunNow(h.Ctx(), bot.JobNudge, at); err != nil {
		t.Fatalf("nudge job at %s: %v", at, err)
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
// (15:00 in each person's zone, the default schedule) hour by hour: each
// member of the scheduled channel is nudged once, at their own 15:00,
// from UTC+14 to UTC−12; never bots, Slackbot, deactivated people, guests
// or people outside the channels; a restart and repeated runs change nothing.
func TestNudgesAtEachOwnHourOnceAcrossRestart(t *testing.T) {
	h, s := newHabit(t, "0 15 * * THU")
	h.Start()
	steps := []struct {
		at   time.Time
		want map[string]int
	}{
		{utc(10, 0, 59), map[string]int{}},
		{utc(10, 1, 0), map[string]int{Kiri: 1}},                  // 15:00 at UTC+14
		{utc(10, 14, 0), map[string]int{Kiri: 1, apptest.Bob: 1}}, // 15:00 CET
		{utc(10, 15, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1}},
		{utc(10, 20, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1}},          // 15:00 EST
		{utc(11, 3, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1}}, // UTC−12
		// Sunday noon UTC is already Monday at UTC+14: a new week, not due yet.
		{utc(13, 12, 0), map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1}},
	}
	for i, st := range steps {
		run(t, h, s, -1, st.at)
		run(t, h, s, -1, st.at) // a second run of the same firing sends nothing more
		want(t, h, st.at.Format(time.RFC3339), st.want)
		if i == 3 {
			h.Restart()
			run(t, h, s, -1, st.at)
			want(t, h, "after a restart", st.want)
		}
	}
	// The next week, everyone is nudged again, once.
	run(t, h, s, -1, utc(18, 3, 0))
	want(t, h, "the next week", map[string]int{Kiri: 2, apptest.Bob: 2, apptest.Carol: 2, apptest.Alice: 2, Baker: 2})
}

// TestNudgesOnceWithTwoProcesses runs the same firing in two processes on
// one database at the same time: each person is nudged once.
func TestNudgesOnceWithTwoProcesses(t *testing.T) {
	h, s := newHabit(t, "0 0 * * MON") // everyone is due from the week's first instant
	h.Start()
	h.StartAnother()
	at := utc(9, 12, 0)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.get(i).RunNow(h.Ctx(), bot.JobNudge, at)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	want(t, h, "two processes", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1})
}

// TestOptOutAndSnoozeHold: /extramile nudges off stops the nudge until
// /extramile nudges on, and /extramile snooze 2w holds it back for two weeks.
func TestOptOutAndSnoozeHold(t *testing.T) {
	h, s := newHabit(t, "0 0 * * MON")
	h.Start()
	h.Command(apptest.Alice, apptest.General, "nudges off")
	h.Command(apptest.Bob, apptest.General, "snooze 2w")
	// The snooze runs from the program's clock (now): nudge a day later,
	// then past its end.
	now := time.Now()
	run(t, h, s, -1, now.Add(24*time.Hour))
	want(t, h, "off and snoozed", map[string]int{Kiri: 1, apptest.Carol: 1, Baker: 1})

	h.Command(apptest.Alice, apptest.General, "nudges on")
	run(t, h, s, -1, now.Add(24*time.Hour))
	want(t, h, "nudges on again", map[string]int{Kiri: 1, apptest.Carol: 1, Baker: 1, apptest.Alice: 1})

	run(t, h, s, -1, now.Add(15*24*time.Hour))
	got := nudges(h, apptest.Bob)
	if got[apptest.Bob] != 1 {
		t.Errorf("after the snooze: Bob got %d nudges, want 1", got[apptest.Bob])
	}
}

// TestAdminsSkipDatesAndNudgeGuests: a skipped date holds everyone's nudge
// of that day (in their own zone), only admins may skip, and guests are
// nudged once an admin turns that on.
func TestAdminsSkipDatesAndNudgeGuests(t *testing.T) {
	h, s := newHabit(t, "0 15 * * THU")
	h.Start()
	h.Command(apptest.Alice, apptest.General, "settings habit guests on") // not an admin: nothing changes
	h.Command(apptest.Admin, apptest.General, "settings habit skip 2026-12-10")
	run(t, h, s, -1, utc(11, 12, 0)) // everyone's Thursday 15:00 has passed
	want(t, h, "a skipped Thursday", map[string]int{})

	h.Command(apptest.Admin, apptest.General, "settings habit unskip 2026-12-10")
	run(t, h, s, -1, utc(11, 12, 0))
	want(t, h, "unskipped, guests off", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1})

	h.Command(apptest.Admin, apptest.General, "settings habit guests on")
	run(t, h, s, -1, utc(11, 12, 0))
	want(t, h, "guests on", map[string]int{Kiri: 1, apptest.Bob: 1, apptest.Carol: 1, apptest.Alice: 1, Baker: 1, Guest: 1})
}
