package schedules

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// friday is Friday 8 March 2024, 15:00 UTC, an hour before weeklyRoundup.
var friday = time.Date(2024, time.March, 8, 15, 0, 0, 0, time.UTC)

// weeklyRoundup fires on Fridays at 16:00 (UTC in these tests).
const weeklyRoundup = "0 16 * * FRI"

// TestRoundupThanksTheRightPeople: the roundup thanks, by mention, the people
// of each story shared since the last roundup, with a line of the story and
// a link to its shoutout, once; a story from a private channel appears only
// in that channel's roundup; a week without stories gets an encouraging word.
func TestRoundupThanksTheRightPeople(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, friday, func(c *config.Config) { c.RoundupSchedule = weeklyRoundup })
	h.Start()
	h.Command(apptest.Admin, apptest.Team, "subscribe")

	first := friday.Add(time.Hour)
	clk.Set(first)
	jobsDone(h, bot.JobRoundup, 1)
	empty := waitPostsOf(h, apptest.General, kindRoundup, 1)[0]
	if text := apptest.Text(empty); !strings.Contains(text, "Who was it for you?") || !hasButton(empty, "share_story") {
		t.Errorf("an empty roundup should encourage sharing, with the button:\n%s", text)
	}
	// Share during the week after it.
	clk.Set(first.Add(time.Hour))
	public := share(h, apptest.Alice, apptest.General, "answered the midnight support call", apptest.Bob, apptest.Carol)
	private := share(h, apptest.Bob, apptest.Team, "covered my on-call shift", apptest.Owner)

	thanks := func(channel, user string) []slackfake.Message {
		var out []slackfake.Message
		for _, m := range postsOf(h, channel, kindRoundup) {
			if mentions(m, user) {
				out = append(out, m)
			}
		}
		return out
	}
	clk.Set(first.AddDate(0, 0, 7))
	jobsDone(h, bot.JobRoundup, 2)
	if len(thanks(apptest.General, apptest.Bob)) == 0 || len(thanks(apptest.Team, apptest.Owner)) == 0 {
		t.Fatalf("the next roundups do not thank Bob in General and the owner in Team:\n%s", texts(append(postsOf(h, apptest.General, kindRoundup), postsOf(h, apptest.Team, kindRoundup)...)))
	}
	// Two more roundups in General: neither may repeat the thanks.
	for i := 2; i <= 3; i++ {
		clk.Set(first.AddDate(0, 0, 7*i))
		jobsDone(h, bot.JobRoundup, 1+i)
	}
	if n := len(postsOf(h, apptest.General, kindRoundup)); n != 4 {
		t.Errorf("%d roundups in General after four firings, want 4", n)
	}

	got := thanks(apptest.General, apptest.Bob)
	if len(got) != 1 {
		t.Fatalf("%d roundups in General thank Bob, want 1:\n%s", len(got), texts(got))
	}
	text := apptest.Text(got[0])
	for _, want := range []string{"<@" + apptest.Carol + ">", "answered the midnight support call", "<@" + apptest.Alice + ">", permalinkOf(h, public) + "|"} {
		if !strings.Contains(text, want) {
			t.Errorf("the roundup lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "on-call") || mentions(got[0], apptest.Owner) {
		t.Errorf("a private channel's story shows in General's roundup:\n%s", text)
	}
	if teams := thanks(apptest.Team, apptest.Owner); len(teams) != 1 || !strings.Contains(apptest.Text(teams[0]), permalinkOf(h, private)) {
		t.Errorf("Team's roundups thanking the owner: got %d, want 1 with the link:\n%s", len(teams), texts(teams))
	}
	for _, m := range postsOf(h, apptest.General, kindRoundup) {
		if mentions(m, apptest.Owner) {
			t.Errorf("a General roundup mentions the private story's person:\n%s", apptest.Text(m))
		}
	}
}

// permalinkOf is the permalink the fake gives a message.
func permalinkOf(h *apptest.Harness, m slackfake.Message) string {
	return fmt.Sprintf("https://fake.slack.test/archives/%s/p%s", m.Channel, strings.Replace(m.TS, ".", "", 1))
}

// TestRoundupOfABigWeek: a week with dozens of long stories thanking 150
// people still makes one roundup that Slack accepts, thanking everyone by
// mention (bot/compose checks 200 stories).
func TestRoundupOfABigWeek(t *testing.T) {
	t.Parallel()
	now := friday.Add(time.Hour + time.Minute) // the roundup of 16:00 was missed a minute ago: caught up at start
	h, _ := onClock(t, now, func(c *config.Config) {
		c.RoundupSchedule, c.Catchup = weeklyRoundup, time.Hour
	})
	people := make([]string, 150)
	for i := range people {
		people[i] = fmt.Sprintf("UPERSON%03d", i)
	}
	seed(h, now.Add(-2*time.Hour), func(ctx context.Context, db *storage.DB) {
		for i := range 60 {
			var who []string
			for k := range 5 {
				who = append(who, people[(i*5+k)%len(people)])
			}
			seedStory(ctx, t, db, &extramile.Story{
				Author: apptest.Alice, Channel: apptest.General, Recognized: who,
				Text: strings.Repeat(fmt.Sprintf("story %d went well beyond <!channel> & *more* ", i), 20),
				Way:  extramile.Ways[i%len(extramile.Ways)],
			})
		}
	})
	h.Start()
	jobsDone(h, bot.JobRoundup, 1)
	posts := postsOf(h, apptest.General, kindRoundup)
	if len(posts) != 1 {
		t.Fatalf("got %d roundups, want 1; chat.postMessage errors: %v", len(posts), callErrors(h, "chat.postMessage"))
	}
	text := apptest.Text(posts[0])
	for _, p := range people {
		if !strings.Contains(text, "<@"+p+">") {
			t.Errorf("the big roundup does not thank %s", p)
		}
	}
	if strings.Contains(text, "<!channel>") {
		t.Error("a story's <!channel> reached the roundup unescaped")
	}
}

// callErrors lists the errors Slack answered to method.
func callErrors(h *apptest.Harness, method string) []string {
	var out []string
	for _, c := range h.Slack.Calls(method) {
		if c.Error != "" {
			out = append(out, c.Error)
		}
	}
	return out
}
