package schedules

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/chart"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// chartNow is the program's clock in the chart tests that post a digest:
// the monthly digest's firing (1 May, 10:00) was a minute ago.
var chartNow = may1(10, 1, time.UTC)

// chartMonth seeds last month's stories (four public ones in General, one
// private one in Team, which is subscribed) and one from the month before,
// on a clock reading chartNow, with the digest's firing missed a minute ago
// so that the start catches it up. It returns the harness, not yet started.
func chartMonth(t *testing.T) *apptest.Harness {
	t.Helper()
	h, _ := onClock(t, chartNow, func(c *config.Config) {
		c.DigestSchedule, c.Catchup = monthly, time.Hour
	})
	seed(h, lastMonth(chartNow, time.UTC), func(ctx context.Context, db *storage.DB) {
		if _, err := db.Subscribe(ctx, apptest.Team, apptest.Admin); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*extramile.Story{
			{Author: apptest.Alice, Recognized: []string{apptest.Bob}, Text: "rebuilt the release pipeline", Way: extramile.WayMakeItRight},
			{Author: apptest.Carol, Recognized: []string{apptest.Bob}, Text: "onboarded three customers in a day", Way: extramile.WayAboveAndBeyond},
			{Author: apptest.Alice, Recognized: []string{apptest.Carol}, Text: "stayed to help the night shift", Way: extramile.WayAboveAndBeyond},
			{Author: apptest.Bob, Recognized: []string{apptest.Carol}, Text: "said a real thank you to the team", Way: extramile.WaySayThankYou},
		} {
			s.Channel = apptest.General
			seedStory(ctx, t, db, s)
		}
		seedStory(ctx, t, db, &extramile.Story{Author: apptest.Bob, Recognized: []string{apptest.Owner}, Channel: apptest.Team, Private: true,
			Text: "secret project rescue at dawn", Way: extramile.WayNoticeNeed})
	})
	seed(h, lastMonth(chartNow, time.UTC).AddDate(0, -1, 0), func(ctx context.Context, db *storage.DB) {
		seedStory(ctx, t, db, &extramile.Story{Author: apptest.Alice, Recognized: []string{apptest.Carol}, Channel: apptest.General,
			Text: "an older story from before", Way: extramile.WaySayThankYou})
	})
	return h
}

// wantDigestChart is the chart the digest job should upload for channel:
// drawn from the database by the same code path as `extramile chart`.
func wantDigestChart(t *testing.T, h *apptest.Harness, channel string) chart.Data {
	t.Helper()
	ctx := h.Ctx()
	db, err := storage.OpenReadOnly(ctx, h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := chart.ForMonth(ctx, db, lastMonth(chartNow, time.UTC), channel, time.UTC, chartNow)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// withoutFilesWrite takes files:write away from the bot token, as an app
// installed from a manifest without it.
func withoutFilesWrite(h *apptest.Harness) {
	h.Slack.SetBotScopes(slices.DeleteFunc(slackfake.DefaultBotScopes(), func(s string) bool { return s == "files:write" })...)
}

// chartTimeout bounds the waits for charts: drawing one takes a second or
// more under the race detector, and several seconds on a loaded machine.
const chartTimeout = 90 * time.Second

// waitCharts waits until at least n uploads are complete.
func waitCharts(t *testing.T, h *apptest.Harness, n int) []slackfake.Upload {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), chartTimeout)
	defer cancel()
	ups, err := h.Slack.WaitUploads(ctx, n)
	if err != nil {
		t.Fatalf("%v; upload errors: %v", err, callErrors(h, "files.getUploadURLExternal"))
	}
	return ups
}

// slowly waits for cond like h.Eventually, for up to chartTimeout.
func slowly(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(chartTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkPNG decodes an uploaded chart and checks its size.
func checkPNG(t *testing.T, what string, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not a PNG: %v", what, err)
	}
	if got := img.Bounds().Size(); got.X != chart.Width || got.Y != chart.Height {
		t.Errorf("%s: %dx%d, want %dx%d", what, got.X, got.Y, chart.Width, chart.Height)
	}
}

// uploadTo returns the completed uploads shared in channel.
func uploadTo(h *apptest.Harness, channel string) []slackfake.Upload {
	var out []slackfake.Upload
	for _, u := range h.Slack.Uploads() {
		if u.Completed && slices.Contains(u.Channels, channel) {
			out = append(out, u)
		}
	}
	return out
}

// adminDMs returns the bot's DMs to the admin that mention text.
func adminDMs(h *apptest.Harness, text string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(apptest.Admin) {
		if strings.Contains(apptest.Text(m), text) {
			out = append(out, m)
		}
	}
	return out
}

// TestDigestChartInItsThread: after the monthly digest posts in a channel,
// its chart follows in the digest's thread: a PNG of the chart's size,
// drawn from that channel's digest (a private channel's story counts only in
// its own chart), titled and named after the month, with alt text giving
// the numbers. A restart does not upload it again.
func TestDigestChartInItsThread(t *testing.T) {
	t.Parallel()
	h := chartMonth(t)
	h.Start()
	waitCharts(t, h, 2)
	month := lastMonth(chartNow, time.UTC).Format("January 2006")
	for _, tc := range []struct {
		channel string
		stories int
	}{{apptest.General, 4}, {apptest.Team, 5}} {
		digests := postsOf(h, tc.channel, kindDigest)
		ups := uploadTo(h, tc.channel)
		if len(digests) != 1 || len(ups) != 1 {
			t.Fatalf("%s: %d digests and %d charts, want 1 each", tc.channel, len(digests), len(ups))
		}
		u := ups[0]
		if u.ThreadTS != digests[0].TS {
			t.Errorf("%s: chart in thread %q, want the digest's %q", tc.channel, u.ThreadTS, digests[0].TS)
		}
		checkPNG(t, tc.channel, u.Bytes)
		want := wantDigestChart(t, h, tc.channel)
		if want.Stories != tc.stories {
			t.Fatalf("%s: the database's digest has %d stories, want %d", tc.channel, want.Stories, tc.stories)
		}
		// The alt text says every number the picture shows (package chart
		// tests that the picture is Render of the same data).
		if u.AltText != chart.AltText(want) || !strings.Contains(u.AltText, month) {
			t.Errorf("%s: alt text %q, want %q", tc.channel, u.AltText, chart.AltText(want))
		}
		if u.Title != month+" in extra miles" || u.Filename != "extramile-"+lastMonth(chartNow, time.UTC).Format("2006-01")+".png" {
			t.Errorf("%s: title %q, file %q", tc.channel, u.Title, u.Filename)
		}
	}

	h.Restart()
	jobsDone(h, bot.JobDigest, 2) // the restart's catch-up found the ledger
	if n := len(h.Slack.Calls("files.getUploadURLExternal")); n != 2 {
		t.Errorf("%d uploads begun after a restart, want 2 (one per channel)", n)
	}
	if n := len(postsOf(h, apptest.General, kindDigest)); n != 1 {
		t.Errorf("%d digests in General after a restart, want 1", n)
	}
}

// TestDigestChartWithoutFilesWrite: an app installed without files:write
// still posts the digest, once; the chart's upload is refused once
// (missing_scope), not retried, and each admin is told once, with what to
// do. A restart changes nothing.
func TestDigestChartWithoutFilesWrite(t *testing.T) {
	t.Parallel()
	h := chartMonth(t)
	withoutFilesWrite(h)
	h.Start()
	jobsDone(h, bot.JobDigest, 1)
	slowly(t, "both charts tried, and the admin told", func() bool {
		return len(h.Slack.Calls("files.getUploadURLExternal")) >= 2 && len(adminDMs(h, "files:write")) >= 1
	})
	h.Restart()
	jobsDone(h, bot.JobDigest, 2)

	for _, ch := range []string{apptest.General, apptest.Team} {
		if n := len(postsOf(h, ch, kindDigest)); n != 1 {
			t.Errorf("%s: %d digests, want 1", ch, n)
		}
	}
	if n := len(adminDMs(h, "files:write")); n != 1 {
		t.Errorf("the admin got %d DMs about files:write, want 1:\n%s", n, texts(adminDMs(h, "files:write")))
	}
	calls := h.Slack.Calls("files.getUploadURLExternal")
	if len(calls) != 2 {
		t.Errorf("%d upload attempts, want 2 (one per channel, no retries)", len(calls))
	}
	for _, c := range calls {
		if c.Error != "missing_scope" {
			t.Errorf("an upload attempt answered %q, want missing_scope", c.Error)
		}
	}
	if n := len(h.Slack.Calls(slackfake.MethodUpload)) + len(h.Slack.Calls("files.completeUploadExternal")); n != 0 {
		t.Errorf("the upload went on after missing_scope: %d calls", n)
	}
}

// TestDigestChartUploadFails: when the upload URL answers 500 for one
// channel's chart, that digest stays posted once, the admins are told once
// (naming that channel), nothing retries it, and the other channel's digest
// and chart go out as usual.
func TestDigestChartUploadFails(t *testing.T) {
	t.Parallel()
	h := chartMonth(t)
	h.Slack.ServerErrorNext(slackfake.MethodUpload, 1, 500)
	h.Start()
	jobsDone(h, bot.JobDigest, 1)
	waitCharts(t, h, 1)
	slowly(t, "the admin told", func() bool { return len(adminDMs(h, "without its chart")) >= 1 })
	h.Restart()
	jobsDone(h, bot.JobDigest, 2)

	failed := ""
	for _, ch := range []string{apptest.General, apptest.Team} {
		if n := len(postsOf(h, ch, kindDigest)); n != 1 {
			t.Errorf("%s: %d digests, want 1", ch, n)
		}
		switch ups := uploadTo(h, ch); len(ups) {
		case 0:
			failed += ch
		case 1:
			checkPNG(t, ch+"'s chart", ups[0].Bytes)
		default:
			t.Errorf("%s has %d charts, want at most 1", ch, len(ups))
		}
	}
	if failed != apptest.General && failed != apptest.Team {
		t.Fatalf("channels without a chart: %q, want exactly one", failed)
	}
	dms := adminDMs(h, "without its chart")
	if len(dms) != 1 || !strings.Contains(apptest.Text(dms[0]), "<#"+failed+">") {
		t.Errorf("the admin got %d DMs about the chart, want 1 naming %s:\n%s", len(dms), failed, texts(dms))
	}
	if n := len(h.Slack.Calls(slackfake.MethodUpload)); n != 2 {
		t.Errorf("%d posts to upload URLs, want 2 (no retry of the failed one)", n)
	}
}

// TestDigestPreviewChartButton: "Show the chart" on `/extramile digest`
// uploads this month's chart, as the channel's digest counts it, into the
// user's DM with the bot, and says so; without files:write the user is told
// why not, and nothing is shared.
func TestDigestPreviewChartButton(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, monday)
	h.Start()
	share(h, apptest.Alice, apptest.General, "kept the lights on all weekend", apptest.Bob)
	p := apptest.AckPayload(t, h.Command(apptest.Carol, apptest.General, "digest"))
	month := clk.Now().UTC().Format(compose.ChartMonthFormat)
	raw, _ := json.Marshal(p["blocks"])
	if !slices.ContainsFunc(buttons(slackfake.Message{Blocks: raw}), func(b button) bool {
		return b.ActionID == compose.ActionDigestChart && b.Value == month
	}) {
		t.Fatalf("the preview has no chart button for %s: %s", month, fmtAny(p))
	}
	click := func() {
		h.Interact(h.Slack.BlockActionsPayload(apptest.Carol, apptest.General, "", []map[string]any{
			slackfake.ButtonAction(compose.ActionDigestChart, "share", month)}))
	}

	click()
	u := waitCharts(t, h, 1)[0]
	if !slices.Equal(u.Channels, []string{"D" + apptest.Carol}) || u.ThreadTS != "" {
		t.Errorf("chart shared in %v (thread %q), want Carol's DM", u.Channels, u.ThreadTS)
	}
	checkPNG(t, "the preview's chart", u.Bytes)
	title := clk.Now().UTC().Format("January 2006") + " in extra miles, so far"
	if u.Title != title || !strings.Contains(u.InitialComment, title) || !strings.Contains(u.AltText, title+": 1 story") {
		t.Errorf("title %q, comment %q, alt %q", u.Title, u.InitialComment, u.AltText)
	}
	slowly(t, "Carol told the chart is in her DM", func() bool {
		for _, m := range h.Ephemerals(apptest.Carol) {
			if strings.Contains(apptest.Text(m), "sent you the chart") {
				return true
			}
		}
		return false
	})

	withoutFilesWrite(h)
	click()
	slowly(t, "Carol told the chart cannot be sent", func() bool {
		for _, m := range h.Ephemerals(apptest.Carol) {
			if strings.Contains(apptest.Text(m), "files:write") {
				return true
			}
		}
		return false
	})
	if n := len(uploadTo(h, "D"+apptest.Carol)); n != 1 {
		t.Errorf("%d charts in Carol's DM, want 1", n)
	}
}
