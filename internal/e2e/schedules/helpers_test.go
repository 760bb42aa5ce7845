// Package schedules tests the scheduled jobs end to end: the weekly prompt
// and its button, the weekly roundup, the monthly digest, the daily kudos DM,
// subscriptions and settings, and exactly-once delivery across restarts,
// retries, catch-ups and a second process on the same database.
package schedules

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/storage"
)

// monday is where the fake clocks of these tests start unless a test says
// otherwise: Monday 4 March 2024, 09:00 UTC, an hour before "0 10 * * MON".
// The harness's other schedules fire on 1 January only: never near it, and
// too long ago to catch up.
var monday = time.Date(2024, time.March, 4, 9, 0, 0, 0, time.UTC)

// onClock returns a harness (not started) whose program runs on a fake
// clock reading now (apptest.Harness.FakeClock): jobs fire when the test
// moves the clock to them.
func onClock(t *testing.T, now time.Time, opts ...func(*config.Config)) (*apptest.Harness, *clock.Fake) {
	t.Helper()
	h := apptest.New(t, opts...)
	return h, h.FakeClock(now)
}

// jobsDone waits until the scheduler has finished n runs of job (scheduled
// or caught up), which proves the job's posts, if any, were made, and fails
// the test if one of them did not end well.
func jobsDone(h *apptest.Harness, job string, n int) []scheduler.Run {
	h.T.Helper()
	runs := h.WaitJobRuns(job, n)
	for _, r := range runs {
		if r.Err != nil {
			h.T.Fatalf("run of %s for %s (%s): %v", r.Job, r.ScheduledAt, r.Trigger, r.Err)
		}
	}
	return runs
}

// runsFor waits until each of jobs has finished a run for the firing at
// (scheduled or caught up, ending as it may).
func runsFor(h *apptest.Harness, at time.Time, jobs ...string) {
	h.T.Helper()
	for _, job := range jobs {
		h.WaitRuns(1, fmt.Sprintf("a run of %s for %s", job, at), func(r scheduler.Run) bool {
			return r.Job == job && r.ScheduledAt.Equal(at)
		})
	}
}

// catchups returns the catch-up runs of job heard so far.
func catchups(h *apptest.Harness, job string) []scheduler.Run {
	var out []scheduler.Run
	for _, r := range h.JobRuns(job) {
		if r.Trigger == scheduler.TriggerCatchup {
			out = append(out, r)
		}
	}
	return out
}

// checkPostedOnce checks that the scheduled posts the bots reported made
// account for the posts in Slack, each for a distinct (job, channel,
// firing).
func checkPostedOnce(t *testing.T, outcomes []bot.PostOutcome, posts int) {
	t.Helper()
	seen := map[string]int{}
	made := 0
	for _, o := range outcomes {
		if o.Err != nil {
			continue
		}
		made++
		key := o.Job + " " + o.Channel + " " + o.ScheduledAt.Format(time.RFC3339)
		seen[key]++
		if seen[key] == 2 {
			t.Errorf("posted twice: %s", key)
		}
	}
	if made != posts {
		t.Errorf("%d posts reported made, %d posts in Slack: want them equal", made, posts)
	}
	if made == 0 {
		t.Error("no post reported")
	}
}

// Kinds of scheduled post, told apart by their words.
const (
	kindPrompt  = "prompt"
	kindRoundup = "roundup"
	kindDigest  = "digest"
)

// kindOf tells which job posted m, or "".
func kindOf(m slackfake.Message) string {
	text := apptest.Text(m)
	switch {
	case strings.Contains(text, "in extra miles"):
		return kindDigest
	case strings.Contains(text, "thank-yous") || strings.Contains(text, "No stories this week yet"):
		return kindRoundup
	case hasButton(m, compose.ActionShareStory) &&
		(strings.Contains(text, "Last week this channel wrote down") || strings.Contains(text, "Nothing was written down here last week")):
		return kindPrompt
	}
	return ""
}

// postsOf returns the bot's posts of one kind in channel.
func postsOf(h *apptest.Harness, channel, kind string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(channel) {
		if kindOf(m) == kind {
			out = append(out, m)
		}
	}
	return out
}

// waitPostsOf waits until channel has at least n posts of kind.
func waitPostsOf(h *apptest.Harness, channel, kind string, n int) []slackfake.Message {
	h.T.Helper()
	h.Eventually(fmt.Sprintf("%d %s posts in %s", n, kind, channel), func() bool { return len(postsOf(h, channel, kind)) >= n })
	return postsOf(h, channel, kind)
}

// button is a button found in a message's blocks.
type button struct {
	BlockID, ActionID, Value, URL string
}

// buttons lists the buttons of a message.
func buttons(m slackfake.Message) []button {
	var blocks []struct {
		Type     string `json:"type"`
		BlockID  string `json:"block_id"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
			URL      string `json:"url"`
		} `json:"elements"`
	}
	if json.Unmarshal(m.Blocks, &blocks) != nil {
		return nil
	}
	var out []button
	for _, b := range blocks {
		if b.Type != "actions" {
			continue
		}
		for _, e := range b.Elements {
			if e.Type == "button" {
				out = append(out, button{BlockID: b.BlockID, ActionID: e.ActionID, Value: e.Value, URL: e.URL})
			}
		}
	}
	return out
}

// hasButton reports whether m has a button with actionID.
func hasButton(m slackfake.Message, actionID string) bool {
	for _, b := range buttons(m) {
		if b.ActionID == actionID {
			return true
		}
	}
	return false
}

// share is the harness's quick share (apptest.Harness.QuickShare).
func share(h *apptest.Harness, author, channel, text string, people ...string) slackfake.Message {
	h.T.Helper()
	return h.QuickShare(author, channel, text, people...)
}

// seedTimeout bounds seeding a database. The big-month tests write a few
// hundred stories before the bot starts, one durable transaction each:
// seconds under the race detector, several times that on a loaded machine
// (apptest.Timeout, which bounds waits on the bot, ran out there).
const seedTimeout = 2 * time.Minute

// seed opens the harness's database before the bot starts, with the clock
// set to now, and hands it to f.
func seed(h *apptest.Harness, now time.Time, f func(ctx context.Context, db *storage.DB)) {
	h.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
	defer cancel()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		h.T.Fatalf("open database: %v", err)
	}
	defer db.Close()
	db.Now = func() time.Time { return now }
	f(ctx, db)
}

// seedStory keeps a story with its shoutout already posted, as the bot
// would have (so that no shoutout is pending at start).
func seedStory(ctx context.Context, tb testing.TB, db *storage.DB, s *extramile.Story) *extramile.Story {
	tb.Helper()
	if s.Audience == "" {
		s.Audience = extramile.AudienceCoworker
	}
	if err := db.CreateStory(ctx, s); err != nil {
		tb.Fatalf("seed story: %v", err)
	}
	ts := fmt.Sprintf("1700000000.%06d", s.ID)
	permalink := fmt.Sprintf("https://fake.slack.test/archives/%s/p1700000000%06d", s.Channel, s.ID)
	if err := db.SetShoutout(ctx, s.ID, ts, permalink); err != nil {
		tb.Fatalf("seed shoutout: %v", err)
	}
	s.ShoutoutTS, s.Permalink = ts, permalink
	return s
}

// texts joins the flattened text of messages, for failure output.
func texts(ms []slackfake.Message) string {
	var b strings.Builder
	for i, m := range ms {
		fmt.Fprintf(&b, "--- %d (%s %s)\n%s\n", i, m.Channel, m.TS, apptest.Text(m))
	}
	return b.String()
}

// mentions reports whether m mentions user.
func mentions(m slackfake.Message, user string) bool {
	return strings.Contains(apptest.Text(m), "<@"+user+">")
}

// fmtAny is v as JSON-ish text, for substring checks on ack payloads.
func fmtAny(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return b.String()
}
