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
	"github.com/extramile/extramile/storage"
)

// monthly fires on the 1st of every month at 10:00.
const monthly = "0 10 1 * *"

// may1 is 1 May 2024 at hh:mm in loc.
func may1(hh, mm int, loc *time.Location) time.Time {
	return time.Date(2024, time.May, 1, hh, mm, 0, 0, loc)
}

// lastMonth is a moment in the middle of the calendar month before now's, in loc.
func lastMonth(now time.Time, loc *time.Location) time.Time {
	y, m, _ := now.In(loc).Date()
	return time.Date(y, m-1, 15, 12, 0, 0, 0, loc)
}

// TestDigestOfLastMonth: the monthly digest covers the previous calendar
// month in the configured zone: its stories, people, sharers, the story with
// the most kudos and the most recognized people; a private channel's story
// counts only in that channel's digest; stories of this month wait for next
// month's digest.
func TestDigestOfLastMonth(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	h, clk := onClock(t, may1(9, 59, berlin), func(c *config.Config) {
		c.Timezone.Location = berlin
		c.DigestSchedule = monthly
	})
	then := lastMonth(clk.Now(), berlin)
	var best *extramile.Story
	seed(h, then, func(ctx context.Context, db *storage.DB) {
		if _, err := db.Subscribe(ctx, apptest.Team, apptest.Admin); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*extramile.Story{
			{Author: apptest.Alice, Recognized: []string{apptest.Bob}, Text: "rebuilt the release pipeline", Way: extramile.WayMakeItRight},
			{Author: apptest.Carol, Recognized: []string{apptest.Bob, apptest.Admin}, Text: "onboarded three customers in a day", Audience: extramile.AudienceCustomer, Way: extramile.WayAboveAndBeyond},
			{Author: apptest.Alice, Recognized: []string{apptest.Bob}, Text: "stayed to help the night shift", Way: extramile.WayAboveAndBeyond},
			{Author: apptest.Bob, Recognized: []string{apptest.Carol}, Text: "said a real thank you to the team", Way: extramile.WaySayThankYou},
		} {
			s.Channel = apptest.General
			seedStory(ctx, t, db, s)
		}
		best = seedStory(ctx, t, db, &extramile.Story{Author: apptest.Carol, Recognized: []string{apptest.Alice}, Channel: apptest.General,
			Text: "found the bug nobody could find", Way: extramile.WayNoticeNeed})
		for _, giver := range []string{apptest.Bob, apptest.Admin, apptest.Owner} {
			if _, err := db.AddKudos(ctx, extramile.KudosGift{Giver: giver, Receivers: best.Recognized, Channel: best.Channel,
				MessageTS: best.ShoutoutTS, Emoji: "clap", StoryID: best.ID}); err != nil {
				t.Fatal(err)
			}
		}
		// A private channel's story, and one from the month before last.
		seedStory(ctx, t, db, &extramile.Story{Author: apptest.Bob, Recognized: []string{apptest.Owner}, Channel: apptest.Team, Private: true,
			Text: "secret project rescue at dawn"})
	})
	seed(h, then.AddDate(0, -1, 0), func(ctx context.Context, db *storage.DB) {
		seedStory(ctx, t, db, &extramile.Story{Author: apptest.Alice, Recognized: []string{apptest.Carol}, Channel: apptest.General, Text: "an older story from before"})
	})
	h.Start()
	share(h, apptest.Alice, apptest.General, "this month story, not last month", apptest.Carol)
	clk.Set(may1(10, 0, berlin))
	jobsDone(h, bot.JobDigest, 1)

	general := postsOf(h, apptest.General, kindDigest)
	if len(general) != 1 {
		t.Fatalf("got %d digests in General, want 1; post errors: %v", len(general), callErrors(h, "chat.postMessage"))
	}
	text := apptest.Text(general[0])
	month := then.Month().String()
	for _, want := range []string{
		"Your " + month + " in extra miles",
		"*Stories*\n5 (+4 vs " + then.AddDate(0, -1, 0).Month().String() + ")",
		"*People recognized*\n4", // Bob, Admin, Carol and Alice; not the owner (private)
		"*People who shared*\n3",
		"*For a customer*\n1", "*For a co-worker*\n4",
		"found the bug nobody could find", "3 kudos", "<@" + apptest.Alice + ">", best.Permalink + "|",
		"<@" + apptest.Bob + ">", "Go above and beyond",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("General's digest lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "secret project") || mentions(general[0], apptest.Owner) || strings.Contains(text, "this month story, not last month") {
		t.Errorf("General's digest shows a private or a this-month story:\n%s", text)
	}
	team := postsOf(h, apptest.Team, kindDigest)
	if len(team) != 1 || !mentions(team[0], apptest.Owner) {
		t.Errorf("Team's digests: got %d, want 1 naming the owner:\n%s", len(team), texts(team))
	}
}

// TestEmptyMonthDigest: a month with no stories still gets its digest,
// written as a nudge with the share button.
func TestEmptyMonthDigest(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, may1(9, 59, time.UTC), func(c *config.Config) { c.DigestSchedule = monthly })
	h.Start()
	clk.Set(may1(10, 0, time.UTC))
	jobsDone(h, bot.JobDigest, 1)
	d := waitPostsOf(h, apptest.General, kindDigest, 1)[0]
	text := apptest.Text(d)
	if !strings.Contains(text, "No stories were written down in") || !hasButton(d, "share_story") {
		t.Errorf("the empty digest is not a nudge with a button:\n%s", text)
	}
}

// TestDigestOfAHugeMonth: a month with hundreds of stories and people and
// long texts still gives one digest Slack accepts (bot/compose checks 5,000).
func TestDigestOfAHugeMonth(t *testing.T) {
	t.Parallel()
	now := may1(10, 1, time.UTC) // the digest of 10:00 was missed a minute ago: caught up at start
	h, _ := onClock(t, now, func(c *config.Config) {
		c.DigestSchedule, c.Catchup = monthly, time.Hour
	})
	seed(h, lastMonth(now, time.UTC), func(ctx context.Context, db *storage.DB) {
		for i := range 120 {
			var who []string
			for k := range extramile.MaxRecognized {
				who = append(who, fmt.Sprintf("UPERSON%03d", (i*7+k)%250))
			}
			seedStory(ctx, t, db, &extramile.Story{
				Author: fmt.Sprintf("UAUTHOR%03d", i%40), Channel: apptest.General, Recognized: who,
				Text: strings.Repeat("a very long story with *stars* and <!here> ", 65),
				Way:  extramile.Ways[i%len(extramile.Ways)],
			})
		}
	})
	h.Start()
	jobsDone(h, bot.JobDigest, 1)
	posts := postsOf(h, apptest.General, kindDigest)
	if len(posts) != 1 {
		t.Fatalf("got %d digests, want 1; post errors: %v", len(posts), callErrors(h, "chat.postMessage"))
	}
	if text := apptest.Text(posts[0]); !strings.Contains(text, "*Stories*\n120") || strings.Contains(text, "<!here>") {
		t.Errorf("the huge digest is wrong:\n%s", text)
	}
}

// TestDigestPreview: `/extramile digest` shows the caller the current month
// so far, privately.
func TestDigestPreview(t *testing.T) {
	t.Parallel()
	h, clk := onClock(t, monday)
	h.Start()
	share(h, apptest.Alice, apptest.General, "kept the lights on all weekend", apptest.Bob)
	p := apptest.AckPayload(t, h.Command(apptest.Carol, apptest.General, "digest"))
	if p["response_type"] != "ephemeral" {
		t.Fatalf("digest preview: %v, want an ephemeral reply", p)
	}
	raw := fmt.Sprint(p)
	month := clk.Now().UTC().Month().String()
	for _, want := range []string{"Your " + month + " in extra miles, so far", "<@" + apptest.Bob + ">"} {
		if !strings.Contains(raw, want) {
			t.Errorf("preview lacks %q: %s", want, raw)
		}
	}
	if n := len(h.Posts(apptest.General)); n != 1 { // the shoutout only
		t.Errorf("the preview posted publicly: %d posts", n)
	}
}
