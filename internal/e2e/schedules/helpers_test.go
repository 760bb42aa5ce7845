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
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// dailyAt is a daily cron spec firing at t's wall time, to the minute, in loc.
func dailyAt(t time.Time, loc *time.Location) string {
	w := t.In(loc)
	return fmt.Sprintf("%d %d * * *", w.Minute(), w.Hour())
}

// quiet schedules every job daily, 12 hours from now: the last firing is
// 12 h old (outside any catch-up window used here) and the next one comes
// after the test. Apply it after any zone option, before the test's own
// schedules.
func quiet(c *config.Config) {
	s := dailyAt(time.Now().Add(12*time.Hour), c.Timezone.Location)
	c.PromptSchedule, c.RoundupSchedule, c.DigestSchedule, c.KudosDMSchedule = s, s, s, s
}

// missed returns a daily spec whose latest firing was about ago (up to a
// minute more) in the config's zone.
func missed(c *config.Config, ago time.Duration) string {
	return dailyAt(time.Now().Add(-ago), c.Timezone.Location)
}

// logLines returns the bot's log lines containing all of subs.
func logLines(h *apptest.Harness, subs ...string) []string {
	var out []string
	for _, line := range strings.Split(h.Logs.String(), "\n") {
		ok := line != ""
		for _, s := range subs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// waitLogs waits until at least n log lines contain all of subs.
func waitLogs(h *apptest.Harness, n int, subs ...string) []string {
	h.T.Helper()
	h.Eventually(fmt.Sprintf("%d log lines with %q", n, subs), func() bool { return len(logLines(h, subs...)) >= n })
	return logLines(h, subs...)
}

// jobsDone waits until the scheduler has finished n runs of job (each
// logged "job done"), which proves the job's posts, if any, were made.
func jobsDone(h *apptest.Harness, job string, n int) {
	h.T.Helper()
	waitLogs(h, n, `msg="job done"`, "job="+job+" ")
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

// seed opens the harness's database before the bot starts, with the clock
// set to now, and hands it to f.
func seed(h *apptest.Harness, now time.Time, f func(ctx context.Context, db *storage.DB)) {
	h.T.Helper()
	ctx := h.Ctx()
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
