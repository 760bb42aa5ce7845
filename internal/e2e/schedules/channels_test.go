package schedules

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// TestFailingChannelsAreSkipped: a channel that cannot take posts (archived,
// private without the bot) is logged and skipped, the others still get
// theirs (a public channel is joined first), and the admins are told once,
// even when the next runs fail the same way.
func TestFailingChannelsAreSkipped(t *testing.T) {
	t.Parallel()
	now := monday.Add(2 * time.Hour) // 11:00: the prompt missed 10:00, the roundup 09:00
	h, _ := onClock(t, now, func(c *config.Config) {
		c.PromptSchedule, c.RoundupSchedule, c.Catchup = "0 10 * * *", "0 9 * * *", 6*time.Hour
	})
	seed(h, now, func(ctx context.Context, db *storage.DB) {
		for _, ch := range []string{apptest.Archived, apptest.Random, apptest.Secret, apptest.Team} {
			if _, err := db.Subscribe(ctx, ch, apptest.Admin); err != nil {
				t.Fatal(err)
			}
		}
	})
	h.Start()
	jobsDone(h, bot.JobPrompt, 1)
	jobsDone(h, bot.JobRoundup, 1)
	for _, ch := range []string{apptest.General, apptest.Random, apptest.Team} {
		checkKinds(t, h, ch, map[string]int{kindPrompt: 1, kindRoundup: 1})
	}
	checkProblems := func() {
		t.Helper()
		dms := h.Posts(apptest.Admin)
		if len(dms) != 2 {
			t.Fatalf("the admin got %d DMs, want 2 (one per failing channel):\n%s", len(dms), texts(dms))
		}
		all := apptest.Text(dms[0]) + apptest.Text(dms[1])
		for _, want := range []string{"<#" + apptest.Archived + ">", "is archived", "<#" + apptest.Secret + ">", "/invite @Extra Mile"} {
			if !strings.Contains(all, want) {
				t.Errorf("the admin's DMs lack %q:\n%s", want, texts(dms))
			}
		}
	}
	checkProblems()
	for _, ch := range []string{apptest.Archived, apptest.Secret} {
		if n := len(skipped(h, ch)); n != 2 {
			t.Errorf("%s: %d posts skipped as undeliverable, want 2 (prompt and roundup): %+v", ch, n, skipped(h, ch))
		}
	}
	if len(h.Posts(apptest.Owner)) != 0 {
		t.Error("the workspace owner, not in EXTRAMILE_ADMINS, was told too")
	}
	checkPaced(t, h)

	h.Restart() // the failed channels are tried again, and fail again
	jobsDone(h, bot.JobPrompt, 2)
	jobsDone(h, bot.JobRoundup, 2)
	checkProblems()
	for _, ch := range []string{apptest.General, apptest.Random, apptest.Team} {
		checkKinds(t, h, ch, map[string]int{kindPrompt: 1, kindRoundup: 1})
	}
}

// skipped returns the scheduled posts in channel skipped because it cannot
// take posts.
func skipped(h *apptest.Harness, channel string) []bot.PostOutcome {
	var out []bot.PostOutcome
	for _, o := range h.ScheduledPosts() {
		if o.Channel == channel && o.Undeliverable {
			out = append(out, o)
		}
	}
	return out
}

// TestSubscribeAndSettings: admins (listed or workspace owners) subscribe
// and unsubscribe channels; others are refused politely; settings say what
// is scheduled where and when, in words and in the configured zone; the
// configured channel cannot be unsubscribed, and the reply says why.
func TestSubscribeAndSettings(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	h, clk := onClock(t, monday, func(c *config.Config) {
		c.Timezone.Location = berlin
		c.PromptSchedule = "0 10 * * MON"
		c.RoundupSchedule = "0 16 * * FRI"
		c.DigestSchedule = "0 10 1 * *"
		c.KudosDMSchedule = "0 17 * * *"
	})
	h.Start()
	reply := func(user, channel, text string) string {
		t.Helper()
		p := apptest.AckPayload(t, h.Command(user, channel, text))
		if p["response_type"] != "ephemeral" {
			t.Fatalf("%s by %s: %v, want an ephemeral reply", text, user, p)
		}
		return fmtAny(p)
	}
	contains := func(what, got string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(got, w) {
				t.Errorf("%s: reply lacks %q:\n%s", what, w, got)
			}
		}
	}

	contains("member subscribes", reply(apptest.Alice, apptest.Random, "subscribe"), "Only Extra Mile admins can subscribe")
	contains("member unsubscribes", reply(apptest.Alice, apptest.Random, "unsubscribe"), "Only Extra Mile admins can unsubscribe")
	contains("admin subscribes", reply(apptest.Admin, apptest.Random, "subscribe"), "is subscribed", "I've joined it")
	if c, _ := h.Slack.Channel(apptest.Random); !c.BotIsMember {
		t.Error("subscribing public Random did not make the bot join it")
	}
	contains("owner subscribes", reply(apptest.Owner, apptest.Team, "subscribe"), "is subscribed")
	contains("admin subscribes again", reply(apptest.Admin, apptest.Random, "subscribe"), "already subscribed")

	settings := reply(apptest.Alice, apptest.General, "settings")
	next := nextMonday10(clk.Now(), berlin)
	contains("settings", settings,
		"every Monday at 10:00", "Europe/Berlin", next.Format("2006-01-02 15:04"),
		"every Friday at 16:00", "on the 1st of every month at 10:00", "every day at 17:00",
		"Prompt for stories", "Thank-you roundup", "Digest of the month before", "Kudos summary, by DM")
	contains("where settings say scheduled posts go", scheduledIn(settings), "<#"+apptest.General+">", "<#"+apptest.Random+">", "<#"+apptest.Team+">")
	contains("private channel without the bot", reply(apptest.Admin, apptest.Secret, "subscribe"), "/invite @Extra Mile", "Nothing changed")
	contains("subscribe the configured channel", reply(apptest.Admin, apptest.General, "subscribe"), "already gets", "EXTRAMILE_CHANNEL")

	contains("unsubscribe the configured channel", reply(apptest.Admin, apptest.General, "unsubscribe"), "EXTRAMILE_CHANNEL")
	contains("admin unsubscribes", reply(apptest.Admin, apptest.Random, "unsubscribe"), "unsubscribed")
	contains("admin unsubscribes again", reply(apptest.Admin, apptest.Random, "unsubscribe"), "wasn't subscribed")
	if got := scheduledIn(reply(apptest.Alice, apptest.General, "settings")); strings.Contains(got, "<#"+apptest.Random+">") ||
		strings.Contains(got, "<#"+apptest.Secret+">") || !strings.Contains(got, "<#"+apptest.General+">") {
		t.Errorf("settings after unsubscribing Random: scheduled posts go to %q", got)
	}
}

// scheduledIn is the sentence of a settings reply (as fmtAny prints it) that
// says where scheduled posts go (other parts name channels too: where kudos
// count).
func scheduledIn(settings string) string {
	_, rest, ok := strings.Cut(settings, "Scheduled posts go to ")
	if !ok {
		return ""
	}
	line, _, _ := strings.Cut(rest, `"`)
	return line
}

// nextMonday10 is the next Monday 10:00 in loc after now.
func nextMonday10(now time.Time, loc *time.Location) time.Time {
	now = now.In(loc)
	d := time.Date(now.Year(), now.Month(), now.Day(), 10, 0, 0, 0, loc)
	for d.Weekday() != time.Monday || !d.After(now) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// checkPaced checks that the posts in channels (both jobs together) were
// spaced by the bot's post interval (250 ms), bar the retry right after
// joining a channel: about 4 a second, under Slack's workspace limit for
// chat.postMessage (several hundred a minute).
func checkPaced(t *testing.T, h *apptest.Harness) {
	t.Helper()
	var calls []slackfake.Call
	for _, c := range h.Slack.Calls("chat.postMessage") {
		if ch := c.Params.Get("channel"); strings.HasPrefix(ch, "C") || strings.HasPrefix(ch, "G") {
			calls = append(calls, c)
		}
	}
	sort.Slice(calls, func(i, j int) bool { return calls[i].At.Before(calls[j].At) })
	if len(calls) < 10 {
		t.Fatalf("%d posts in channels, want 10 or more", len(calls))
	}
	// Each post waits its turn, 250 ms after the one before; the requests
	// reach Slack with some jitter, hence the margins. The retry after
	// joining a channel belongs to its post's turn: it comes as soon as the
	// join is done, however long that took (so it may land close to the next
	// turn's post, or after it), and is left out.
	var turns []slackfake.Call
	joined := map[string]bool{} // channels whose post answered not_in_channel: the next one is its retry
	for _, c := range calls {
		ch := c.Params.Get("channel")
		if joined[ch] {
			joined[ch] = false
			continue
		}
		joined[ch] = c.Error == "not_in_channel"
		turns = append(turns, c)
	}
	for i := 1; i < len(turns); i++ {
		if gap := turns[i].At.Sub(turns[i-1].At); gap < 100*time.Millisecond {
			t.Errorf("posts in %s and %s only %v apart, want about 250 ms", turns[i-1].Params.Get("channel"), turns[i].Params.Get("channel"), gap)
		}
	}
	if span, want := turns[len(turns)-1].At.Sub(turns[0].At), time.Duration(len(turns)-1)*200*time.Millisecond; span < want {
		t.Errorf("%d paced posts took %v, want at least %v", len(turns), span, want)
	}
}
