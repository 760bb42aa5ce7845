// Package home tests the App Home end to end: published when someone opens
// it, refreshed after a story about them, never for people who have not
// opened it. Each test runs the real program through internal/apptest
// against the fake Slack.
package home

import (
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
)

// publishes counts the successful views.publish calls for user.
func publishes(h *apptest.Harness, user string) int {
	n := 0
	for _, c := range h.Slack.Calls("views.publish") {
		if c.Params.Get("user_id") == user && c.Error == "" {
			n++
		}
	}
	return n
}

// TestHomePublishedOnOpenAndRefreshedAfterAStory: Alice opens the Home and
// sees a newcomer's welcome; Bob then shares a story about her, and her
// Home shows it, without her opening it again. Carol never opened the Home:
// nothing is published for her.
func TestHomePublishedOnOpenAndRefreshedAfterAStory(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()

	h.Event(h.Slack.AppHomeOpened(apptest.Alice))
	h.Eventually("Alice's Home", func() bool { _, ok := h.Home(apptest.Alice); return ok })
	v, _ := h.Home(apptest.Alice)
	if text := string(v.Blocks); !strings.Contains(text, "Welcome") || !strings.Contains(text, "Notice a need") {
		t.Errorf("a newcomer's Home has no welcome naming the nine ways: %s", text)
	}

	const story = "Stayed online until 2am to walk the customer through the upgrade, and wrote them a how-to."
	h.QuickShare(apptest.Bob, apptest.General, story, apptest.Alice, apptest.Carol)
	h.Eventually("Alice's Home showing the story", func() bool {
		v, _ := h.Home(apptest.Alice)
		return strings.Contains(string(v.Blocks), "walk the customer through the upgrade")
	})
	v, _ = h.Home(apptest.Alice)
	if text := string(v.Blocks); strings.Contains(text, "Welcome") || !strings.Contains(text, "Stories about you") {
		t.Errorf("Alice's refreshed Home: %s", text)
	}
	// The fake records a call once it has answered it.
	h.Eventually("two views.publish for Alice (on open, after the story)", func() bool { return publishes(h, apptest.Alice) == 2 })
	if n := len(h.Slack.Calls("views.publish")) - publishes(h, apptest.Alice); n != 0 {
		t.Errorf("views.publish for people who never opened the Home: %d, want 0", n)
	}
}

// TestHomeHashConflictRebuilds: another publish got in between (the Home's
// hash changed); the bot's publish answered hash_conflict, and it builds
// the Home again and publishes it.
func TestHomeHashConflictRebuilds(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	h.Event(h.Slack.AppHomeOpened(apptest.Alice))
	h.Eventually("Alice's Home", func() bool { return publishes(h, apptest.Alice) == 1 })

	// Someone else publishes Alice's Home (another process of the bot).
	if err := h.Slack.PublishHome(apptest.Alice, `{"type":"home","blocks":[{"type":"section","text":{"type":"mrkdwn","text":"stale"}}]}`); err != nil {
		t.Fatal(err)
	}
	h.QuickShare(apptest.Bob, apptest.General, "Noticed the import failing at night and fixed it before the customer woke up.", apptest.Alice)
	h.Eventually("Alice's Home rebuilt", func() bool {
		v, _ := h.Home(apptest.Alice)
		return strings.Contains(string(v.Blocks), "import failing at night")
	})
	conflicts := func() (n int) {
		for _, c := range h.Slack.Calls("views.publish") {
			if c.Error == "hash_conflict" {
				n++
			}
		}
		return n
	}
	h.Eventually("the hash_conflict recorded", func() bool { return conflicts() > 0 })
	if n := conflicts(); n != 1 {
		t.Errorf("hash_conflict answers: %d, want 1 (the stale hash, then a rebuild)", n)
	}
}

// TestGuestsHomeSaysTheyAreNotNudged: a guest's Home says the weekly nudge
// goes to members and offers no nudge buttons that would do nothing; once
// the admins nudge guests too, the Home is refreshed and offers them.
func TestGuestsHomeSaysTheyAreNotNudged(t *testing.T) {
	t.Parallel()
	const guest = "U0GUEST0001"
	h := apptest.New(t, func(c *config.Config) { c.NudgeSchedule = "0 15 * * THU" })
	h.Slack.AddUser(slackfake.User{ID: guest, Name: "guest", TZ: "UTC", IsRestricted: true})
	h.Start()

	h.Event(h.Slack.AppHomeOpened(guest))
	h.Eventually("the guest's Home", func() bool { _, ok := h.Home(guest); return ok })
	v, _ := h.Home(guest)
	if text := string(v.Blocks); !strings.Contains(text, "not to guests") || strings.Contains(text, compose.ActionHomeNudges) || strings.Contains(text, compose.ActionHomeSnooze) {
		t.Errorf("a guest's Home, guests not nudged: %s", text)
	}

	h.Reply(apptest.Admin, apptest.General, "settings habit guests on") // refreshes the Homes opened
	h.Eventually("the guest's Home with the nudge buttons", func() bool {
		v, _ := h.Home(guest)
		return strings.Contains(string(v.Blocks), compose.ActionHomeNudges) && !strings.Contains(string(v.Blocks), "not to guests")
	})
}

// TestHomeWeekIsThePersonsOwn: "this week" on the Home is the person's own
// week, as their streak and nudge are. Kiri (Kiritimati, UTC+14) shares a
// story on Sunday at 23:00 her time (09:00 UTC) and opens the Home two hours
// later, on her Monday: her new week has no story yet, though the
// workspace's zone (UTC) is still in the week of the story.
func TestHomeWeekIsThePersonsOwn(t *testing.T) {
	t.Parallel()
	const kiri = "U0KIRI00001"
	h := apptest.New(t)
	h.Slack.AddUser(slackfake.User{ID: kiri, Name: "kiri", TZ: "Pacific/Kiritimati", TZOffset: 14 * 3600})
	c, _ := h.Slack.Channel(apptest.General)
	c.Members = append(c.Members, kiri)
	h.Slack.SetChannel(c)
	sunday9 := time.Date(2024, time.March, 10, 9, 0, 0, 0, time.UTC)
	clk := h.FakeClock(sunday9)
	h.Start()

	h.QuickShare(kiri, apptest.General, "Called the customer back on a Sunday to make it right, then fixed the root cause.", apptest.Bob)
	clk.Set(sunday9.Add(2 * time.Hour)) // Monday 01:00 for Kiri
	h.Event(h.Slack.AppHomeOpened(kiri))
	h.Eventually("Kiri's Home", func() bool { _, ok := h.Home(kiri); return ok })
	v, _ := h.Home(kiri)
	if text := string(v.Blocks); !strings.Contains(text, "You haven't written down a story this week yet") {
		t.Errorf("Kiri's Home counts last week's story (her week) as this week's: %s", text)
	}
}
