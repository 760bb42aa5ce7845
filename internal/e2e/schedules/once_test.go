package schedules

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
)

// missedAll makes the prompt, the roundup and the digest all miss a firing
// ago before the start, with a 6 h grace window.
func missedAll(ago time.Duration) func(*config.Config) {
	return func(c *config.Config) {
		quiet(c)
		s := missed(c, ago)
		c.PromptSchedule, c.RoundupSchedule, c.DigestSchedule = s, s, s
		c.Catchup = 6 * time.Hour
	}
}

// TestCatchupInsideTheWindow: runs missed an hour ago are made up once at
// start-up, and a restart (which decides the same catch-ups again) does not
// post them twice.
func TestCatchupInsideTheWindow(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, missedAll(time.Hour))
	h.Start()
	for _, job := range []string{bot.JobPrompt, bot.JobRoundup, bot.JobDigest} {
		jobsDone(h, job, 1)
	}
	want := map[string]int{kindPrompt: 1, kindRoundup: 1, kindDigest: 1}
	checkKinds(t, h, apptest.General, want)

	h.Restart()
	for _, job := range []string{bot.JobPrompt, bot.JobRoundup, bot.JobDigest} {
		jobsDone(h, job, 2) // the restart's catch-up ran, and found the ledger
	}
	checkKinds(t, h, apptest.General, want)
	if n := len(logLines(h, `msg="catching up"`, "job=prompt")); n != 2 {
		t.Errorf("catch-up of the prompt logged %d times, want 2 (once per start)", n)
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
// window, are skipped, and the log says so.
func TestCatchupOutsideTheWindow(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, missedAll(7*time.Hour))
	h.Start() // catch-ups are decided before the bot connects
	for _, job := range []string{bot.JobPrompt, bot.JobRoundup, bot.JobDigest} {
		if n := len(logLines(h, `msg="skipped missed run"`, "job="+job+" ", "catchup=6h0m0s")); n != 1 {
			t.Errorf("%s: %d skipped-run log lines, want 1", job, n)
		}
	}
	// A command round trip after the start: still nothing posted.
	h.Command(apptest.Alice, apptest.General, "help")
	if posts := h.Posts(apptest.General); len(posts) != 0 {
		t.Errorf("got %d posts, want none:\n%s", len(posts), texts(posts))
	}
	if n := len(logLines(h, `msg="catching up"`)); n != 0 {
		t.Errorf("%d catch-ups logged, want none", n)
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
		h := apptest.New(t, func(c *config.Config) {
			quiet(c)
			c.PromptSchedule, c.Catchup = missed(c, time.Hour), 6*time.Hour
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
	t.Run("every second", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t, func(c *config.Config) { c.PromptSchedule = "@every 1s" })
		h.Slack.RateLimitNext("chat.postMessage", 1, 1)
		h.Start()
		waitPostsOf(h, apptest.General, kindPrompt, 2)
		if err := h.Stop(); err != nil {
			t.Fatal(err)
		}
		if calls := h.Slack.Calls("chat.postMessage"); calls[0].Status != http.StatusTooManyRequests {
			t.Fatalf("the first post answered %d, want 429", calls[0].Status)
		}
		checkPostedOnce(t, h.Logs.String(), len(h.Posts(apptest.General)))
	})
}

// TestServerErrorsAreRetried: 5xx answers are retried with backoff: exactly
// one post.
func TestServerErrorsAreRetried(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) {
		quiet(c)
		c.PromptSchedule, c.Catchup = missed(c, time.Hour), 6*time.Hour
	})
	h.Slack.ServerErrorNext("chat.postMessage", 2, http.StatusServiceUnavailable)
	h.Start()
	jobsDone(h, bot.JobPrompt, 1)
	checkKinds(t, h, apptest.General, map[string]int{kindPrompt: 1})
	if calls := h.Slack.Calls("chat.postMessage"); len(calls) != 3 {
		t.Errorf("chat.postMessage calls: got %d, want 3 (two 503s, then the post)", len(calls))
	}
}

// TestFastScheduleAcrossRestart: with every job firing every second, a
// restart (whose catch-ups redo the latest firings) never posts the same
// firing twice: every post is one distinct (job, channel, firing) of the
// ledger.
func TestFastScheduleAcrossRestart(t *testing.T) {
	t.Parallel()
	h := apptest.New(t, func(c *config.Config) {
		c.PromptSchedule, c.RoundupSchedule, c.DigestSchedule = "@every 1s", "@every 1s", "@every 1s"
		c.Catchup = 6 * time.Hour
	})
	h.Start()
	for _, kind := range []string{kindPrompt, kindRoundup, kindDigest} {
		waitPostsOf(h, apptest.General, kind, 2)
	}
	h.Restart()
	n := len(h.Posts(apptest.General))
	h.Eventually("posts after the restart", func() bool { return len(h.Posts(apptest.General)) >= n+3 })
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	checkPostedOnce(t, h.Logs.String(), len(h.Posts(apptest.General)))
}

// postedLine matches the bot's log line for one scheduled post.
var postedLine = regexp.MustCompile(`msg=posted .*job=(\S+) scheduled_at=(\S+) channel=(\S+)`)

// checkPostedOnce checks that the logs account for posts scheduled posts,
// each for a distinct (job, channel, firing).
func checkPostedOnce(t *testing.T, logs string, posts int) {
	t.Helper()
	seen := map[string]int{}
	lines := 0
	for _, line := range strings.Split(logs, "\n") {
		m := postedLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		lines++
		key := m[1] + " " + m[3] + " " + m[2]
		seen[key]++
		if seen[key] == 2 {
			t.Errorf("posted twice: %s", key)
		}
	}
	if lines != posts {
		t.Errorf("%d posts logged, %d posts in Slack: want them equal", lines, posts)
	}
	if lines == 0 {
		t.Error("no post logged")
	}
}

// TestTwoProcessesOneDatabase: two bots on the same database (each with its
// own Slack connection) run the same fast schedules and catch-ups; together
// they post each firing once.
func TestTwoProcessesOneDatabase(t *testing.T) {
	t.Parallel()
	fast := func(c *config.Config) {
		c.PromptSchedule, c.RoundupSchedule, c.DigestSchedule = "@every 1s", "@every 1s", "@every 1s"
		c.Catchup = 6 * time.Hour
	}
	h1 := apptest.New(t, fast)
	h2 := apptest.New(t, fast, func(c *config.Config) { c.DBPath = h1.Config.DBPath })
	h1.Start()
	h2.Start()
	total := func() int { return len(h1.Posts(apptest.General)) + len(h2.Posts(apptest.General)) }
	h1.Eventually("a dozen posts between the two", func() bool { return total() >= 12 })
	if err := h1.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := h2.Stop(); err != nil {
		t.Fatal(err)
	}
	checkPostedOnce(t, h1.Logs.String()+"\n"+h2.Logs.String(), total())
	if len(h1.Posts(apptest.General)) == 0 || len(h2.Posts(apptest.General)) == 0 {
		t.Logf("posts: %d and %d (one process did all the work)", len(h1.Posts(apptest.General)), len(h2.Posts(apptest.General)))
	}
}
