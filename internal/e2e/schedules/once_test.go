package schedules

import (
	"net/http"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/scheduler"
)

// daily10 fires every day at 10:00 (UTC in these tests).
const daily10 = "0 10 * * *"

// missedAll makes the prompt, the roundup and the digest all fire daily at
// 10:00, with a 6 h grace window: a start at 11:00 has missed them an hour
// ago, one at 17:00 seven hours ago.
func missedAll(c *config.Config) {
	c.PromptSchedule, c.RoundupSchedule, c.DigestSchedule = daily10, daily10, daily10
	c.Catchup = 6 * time.Hour
}

// scheduledJobs are the jobs that post in channels.
var scheduledJobs = []string{bot.JobPrompt, bot.JobRoundup, bot.JobDigest}

// TestCatchupInsideTheWindow: runs missed an hour ago are made up once at
// start-up, and a restart (which decides the same catch-ups again) does not
// post them twice.
func TestCatchupInsideTheWindow(t *testing.T) {
	t.Parallel()
	h, _ := onClock(t, monday.Add(2*time.Hour), missedAll) // 11:00: missed 10:00
	h.Start()
	for _, job := range scheduledJobs {
		jobsDone(h, job, 1)
	}
	want := map[string]int{kindPrompt: 1, kindRoundup: 1, kindDigest: 1}
	checkKinds(t, h, apptest.General, want)

	h.Restart()
	for _, job := range scheduledJobs {
		jobsDone(h, job, 2) // the restart's catch-up ran, and found the ledger
	}
	checkKinds(t, h, apptest.General, want)
	if n := len(catchups(h, bot.JobPrompt)); n != 2 {
		t.Errorf("the prompt was caught up %d times, want 2 (once per start)", n)
	}
	for _, r := range h.JobRuns("") {
		if r.Trigger != scheduler.TriggerCatchup || !r.ScheduledAt.Equal(monday.Add(time.Hour)) {
			t.Errorf("run %+v, want only catch-ups of today's 10:00", r)
		}
	}
}

// checkKinds checks how many posts of each kind channel has, and that it has
// nothing else.
func checkKinds(t *testing.T, h *apptest.Harness, channel string, want map[string]int) {
	t.Helper()
	posts := h.Posts(channel)
	got := map[string]int{}
	for _, m := range posts {
		got[kindOf(m)]++
	}
	total := 0
	for kind, n := range want {
		total += n
		if got[kind] != n {
			t.Errorf("%s posts in %s: got %d, want %d", kind, channel, got[kind], n)
		}
	}
	if len(posts) != total {
		t.Errorf("posts in %s: got %d, want %d:\n%s", channel, len(posts), total, texts(posts))
	}
}

// TestCatchupOutsideTheWindow: runs missed 7 hours ago, with a 6 h grace
// window, are skipped, and the program says so.
func TestCatchupOutsideTheWindow(t *testing.T) {
	t.Parallel()
	h, _ := onClock(t, monday.Add(8*time.Hour), missedAll) // 17:00: missed 10:00
	h.Start()                                              // catch-ups are decided before the bot connects
	for _, job := range scheduledJobs {
		var missed []scheduler.Missed
		for _, m := range h.MissedRuns() {
			if m.Job == job {
				missed = append(missed, m)
			}
		}
		if len(missed) != 1 || missed[0].Catchup != 6*time.Hour || missed[0].Age != 7*time.Hour || !missed[0].ScheduledAt.Equal(monday.Add(time.Hour)) {
			t.Errorf("%s: missed runs %+v, want today's 10:00, 7h old, with the 6h window", job, missed)
		}
	}
	// A command round trip after the start: still nothing posted.
	h.Command(apptest.Alice, apptest.General, "help")
	if posts := h.Posts(apptest.General); len(posts) != 0 {
		t.Errorf("got %d posts, want none:\n%s", len(posts), texts(posts))
	}
	if runs := h.JobRuns(""); len(runs) != 0 {
		t.Errorf("runs %+v, want none (no catch-up)", runs)
	}
}

// TestRateLimitedFirstPost: a 429 on the first post is waited out
// (Retry-After) and retried: exactly one post for that firing, whether it is
// a catch-up or a run of a fast schedule (whose next firing comes while the
// retry waits).
func TestRateLimitedFirstPost(t *testing.T) {
	t.Parallel()
	t.Run("catch-up", func(t *testing.T) {
		t.Parallel()
		h, _ := onClock(t, monday.Add(2*time.Hour), func(c *config.Config) {
			c.PromptSchedule, c.Catchup = daily10, 6*time.Hour
		})
		h.Slack.RateLimitNext("chat.postMessage", 1, 1)
		h.Start()
		jobsDone(h, bot.JobPrompt, 1)
		checkKinds(t, h, apptest.General, map[string]int{kindPrompt: 1})
		calls := h.Slack.Calls("chat.postMessage")
		if len(calls) != 2 || calls[0].Status != http.StatusTooManyRequests || calls[1].Status != http.StatusOK {
			t.Fatalf("chat.postMessage calls: got %d, want a 429 then a 200", len(calls))
		}
		if wait := calls[1].At.Sub(calls[0].At); wait < time.Second {
			t.Errorf("retried %v after the 429, want at least Retry-After (1s)", wait)
		}
	})
	t.Run("next firing during the retry", func(t *testing.T) {
		t.Parallel()
		h, clk := onClock(t, monday, func(c *config.Config) { c.PromptSchedule = "0 * * * *" })
		h.Slack.RateLimitNext("chat.postMessage", 1, 1)
		h.Start()
		first := monday.Add(time.Hour)
		clk.Set(first)
		if _, err := h.Slack.WaitCalls(h.Ctx(), "chat.postMessage", 1); err != nil {
			t.Fatalf("the first firing posted nothing: %v", err)
		}
		clk.Set(first.Add(time.Hour)) // the next firing, while the retry waits out its second
		runsFor(h, first.Add(time.Hour), bot.JobPrompt)
		runsFor(h, first, bot.JobPrompt)
		clk.Set(first.Add(2 * time.Hour))
		runsFor(h, first.Add(2*time.Hour), bot.JobPrompt)
		if n := len(postsOf(h, apptest.General, kindPrompt)); n < 2 {
			t.Errorf("%d prompts, want the first firing's and the third's at least", n)
		}
		if err := h.Stop(); err != nil {
			t.Fatal(err)
		}
		if calls := h.Slack.Calls("chat.postMessage"); calls[0].Status != http.StatusTooManyRequests {
			t.Fatalf("the first post answered %d, want 429", calls[0].Status)
		}
		checkPostedOnce(t, h.ScheduledPosts(), len(h.Posts(apptest.General)))
	})
}

// TestServerErrorsAreRetried: 5xx answers are retried with backoff: exactly
// one post.
func TestServerErrorsAreRetried(t *testing.T) {
	t.Parallel()
	h, _ := onClock(t, monday.Add(2*time.Hour), func(c *config.Config) {
		c.PromptSchedule, c.Catchup = daily10, 6*time.Hour
	})
	h.Slack.ServerErrorNext("chat.postMessage", 2, http.StatusServiceUnavailable)
	h.Start()
	jobsDone(h, bot.JobPrompt, 1)
	checkKinds(t, h, apptest.General, map[string]int{kindPrompt: 1})
	if calls := h.Slack.Calls("chat.postMessage"); len(calls) != 3 {
		t.Errorf("chat.postMessage calls: got %d, want 3 (two 503s, then the post)", len(calls))
	}
}

// hourly fires at the top of every hour.
const hourly = "0 * * * *"

// allHourly makes the prompt, the roundup and the digest fire every hour,
// with a 6 h grace window.
func allHourly(c *config.Config) {
	c.PromptSchedule, c.RoundupSchedule, c.DigestSchedule = hourly, hourly, hourly
	c.Catchup = 6 * time.Hour
}

// TestFastScheduleAcrossRestart: with every job firing every hour, a
// restart right as a firing is being posted (whose catch-ups redo the
// latest firings) never posts the same firing twice, and misses none:
// every post is one distinct (job, channel, firing) of the ledger.
func TestFastScheduleAcrossRestart(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, monday.Add(30*time.Minute), allHourly) // 09:30
	h.Start()                                                   // catches up 09:00
	runsFor(h, monday, scheduledJobs...)
	clk.Set(monday.Add(time.Hour))
	runsFor(h, monday.Add(time.Hour), scheduledJobs...)
	checkKinds(t, h, apptest.General, map[string]int{kindPrompt: 2, kindRoundup: 2, kindDigest: 2})

	eleven := monday.Add(2 * time.Hour)
	clk.Set(eleven)
	h.Restart() // stops the runs of 11:00 under way (posts are paced); the catch-up redoes them
	h.WaitRuns(len(scheduledJobs), "the restart's catch-ups of 11:00", func(r scheduler.Run) bool {
		return r.Trigger == scheduler.TriggerCatchup && r.ScheduledAt.Equal(eleven)
	})
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	checkKinds(t, h, apptest.General, map[string]int{kindPrompt: 3, kindRoundup: 3, kindDigest: 3})
	checkPostedOnce(t, h.ScheduledPosts(), len(h.Posts(apptest.General)))
}

// TestTwoProcessesOneDatabase: two bots on the same database (each with its
// own Slack connection) run the same schedules and catch-ups; together they
// post each firing once.
func TestTwoProcessesOneDatabase(t *testing.T) {
	t.Parallel()
	h1, clk := onClock(t, monday.Add(30*time.Minute), allHourly) // 09:30
	h2, _ := onClock(t, monday, allHourly, func(c *config.Config) { c.DBPath = h1.Config.DBPath })
	h2.Clock = clk
	h1.Start()
	h2.Start()         // both catch up 09:00
	for i := range 4 { // 09:00 (caught up), 10:00, 11:00, 12:00
		at := monday.Add(time.Duration(i) * time.Hour)
		if i > 0 {
			clk.Set(at)
		}
		runsFor(h1, at, scheduledJobs...)
		runsFor(h2, at, scheduledJobs...)
	}
	total := func() int { return len(h1.Posts(apptest.General)) + len(h2.Posts(apptest.General)) }
	if err := h1.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := h2.Stop(); err != nil {
		t.Fatal(err)
	}
	if n := total(); n != 12 {
		t.Errorf("%d posts between the two, want 12 (3 jobs, 4 firings)", n)
	}
	checkPostedOnce(t, append(h1.ScheduledPosts(), h2.ScheduledPosts()...), total())
	if len(h1.Posts(apptest.General)) == 0 || len(h2.Posts(apptest.General)) == 0 {
		t.Logf("posts: %d and %d (one process did all the work)", len(h1.Posts(apptest.General)), len(h2.Posts(apptest.General)))
	}
}
