package stories

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// TestNotInChannelJoinsAndPosts shares in a public channel the bot is not in:
// it joins and posts the shoutout once.
func TestNotInChannelJoinsAndPosts(t *testing.T) {
	t.Parallel()
	h := start(t)
	f := goodForm()
	f.Channel = apptest.Random
	s := share(t, h, apptest.Alice, apptest.Random, f)
	if got := len(shoutouts(h, apptest.Random)); got != 1 {
		t.Fatalf("shoutouts in #random: got %d, want 1", got)
	}
	joins := h.Slack.Calls("conversations.join")
	if len(joins) != 1 || joins[0].Params.Get("channel") != apptest.Random {
		t.Errorf("conversations.join: got %d calls, want 1 for #random", len(joins))
	}
	if s.Private || s.Permalink == "" {
		t.Errorf("story: private=%v permalink=%q, want a public story with its link", s.Private, s.Permalink)
	}
	if n := len(thanks(h, apptest.Bob)); n != 1 {
		t.Errorf("thank-you DMs: got %d, want 1", n)
	}
}

// TestUndeliverableChannelKeepsTheStory shares in a private channel the bot
// was not invited to and in an archived one: the story is kept, nothing is
// posted there, and the author gets a DM saying what to do, with the story.
func TestUndeliverableChannelKeepsTheStory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, channel string
		private       bool
		says          string
	}{
		{"private", apptest.Secret, true, "/invite"},
		{"archived", apptest.Archived, false, "archived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := start(t)
			v := openModal(t, h, apptest.Alice, apptest.General)
			f := goodForm()
			f.Channel = tt.channel
			if p := submit(t, h, v.ID, f); p != nil {
				t.Fatalf("submission answered %v, want a plain ack", p)
			}
			h.Eventually("a DM to the author", func() bool { return len(h.Posts(apptest.Alice)) > 0 })
			dm := apptest.Text(h.Posts(apptest.Alice)[0])
			for _, want := range []string{tt.says, "nothing is lost", "Noticed the customer's import failing"} {
				if !strings.Contains(dm, want) {
					t.Errorf("DM lacks %q:\n%s", want, dm)
				}
			}
			stories := h.Export().Stories
			if len(stories) != 1 || stories[0].Text != storyText {
				t.Fatalf("stories: got %+v, want the story kept", stories)
			}
			if stories[0].Private != tt.private {
				t.Errorf("private: got %v, want %v", stories[0].Private, tt.private)
			}
			if n := len(h.Posts(tt.channel)); n != 0 {
				t.Errorf("posts in %s: got %d, want 0", tt.channel, n)
			}
			// A second, valid share proves the first is done; still one DM.
			share(t, h, apptest.Alice, apptest.General, goodForm())
			if n := len(h.Posts(apptest.Alice)); n != 1 {
				t.Errorf("DMs to the author: got %d, want 1", n)
			}
		})
	}
}

// TestRateLimitedShoutoutPostsOnce answers the shoutout with a 429, then lets
// it through: exactly one shoutout, each person thanked once.
func TestRateLimitedShoutoutPostsOnce(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Slack.RateLimitNext("chat.postMessage", 1, 0)
	h.Slack.RateLimitNext("chat.getPermalink", 1, 0)
	share(t, h, apptest.Alice, apptest.General, goodForm())
	if n := h.Slack.RateLimited("chat.postMessage"); n != 1 {
		t.Errorf("429s on chat.postMessage: got %d, want 1", n)
	}
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1", n)
	}
	if n := len(thanks(h, apptest.Bob)); n != 1 {
		t.Errorf("thank-you DMs: got %d, want 1", n)
	}
	if s := h.Export().Stories[0]; s.Permalink == "" {
		t.Error("no permalink after a 429 on chat.getPermalink")
	}
}

// TestSlackErrorsAreRetried answers the shoutout, the DM and the confirmation
// with Slack errors first: each is retried with backoff, and the shoutout is
// posted once.
func TestSlackErrorsAreRetried(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Slack.FailNext("chat.postMessage", 2, "internal_error") // the shoutout, twice
	h.Slack.ServerErrorNext("chat.postMessage", 1, 503)       // then once more
	share(t, h, apptest.Alice, apptest.General, goodForm())
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1", n)
	}
	h.Eventually("the thank-you DM", func() bool { return len(thanks(h, apptest.Bob)) == 1 })
	if n := len(h.Posts(apptest.Alice)); n != 0 {
		t.Errorf("DMs to the author: got %d, want none (the retry worked)", n)
	}

	// A thank-you DM that fails is retried too: the first post after the
	// permalink is the DM, and it fails once.
	h.Slack.Handle("chat.getPermalink", func(w http.ResponseWriter, r *http.Request) {
		h.Slack.FailNext("chat.postMessage", 1, "service_unavailable")
		h.Slack.Handle("chat.getPermalink", nil)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true,"channel":"CGENERAL","permalink":"https://fake.slack.test/archives/CGENERAL/p1"}`))
	})
	f := goodForm()
	f.Who = []string{apptest.Carol}
	share(t, h, apptest.Alice, apptest.General, f)
	h.Eventually("Carol's thank-you DM", func() bool { return len(thanks(h, apptest.Carol)) == 1 })
	failed := 0
	for _, c := range h.Slack.Calls("chat.postMessage") {
		if c.Error == "service_unavailable" && c.Params.Get("channel") == apptest.Carol {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("failed DMs to Carol: got %d, want 1 (then a retry)", failed)
	}
	if n := len(shoutouts(h, apptest.General)); n != 2 {
		t.Errorf("shoutouts: got %d, want 2", n)
	}
}

// TestRestartResumesPendingShoutout keeps a story while Slack refuses every
// post, restarts the bot, and lets Slack work again: the resumed shoutout is
// posted exactly once and each person thanked once.
func TestRestartResumesPendingShoutout(t *testing.T) {
	t.Parallel()
	h := start(t)
	var refused atomic.Int32
	h.Slack.Handle("chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		refused.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":false,"error":"internal_error"}`))
	})
	v := openModal(t, h, apptest.Alice, apptest.General)
	f := goodForm()
	f.Who = []string{apptest.Bob, apptest.Carol}
	if p := submit(t, h, v.ID, f); p != nil {
		t.Fatalf("submission answered %v", p)
	}
	h.Eventually("a refused post", func() bool { return refused.Load() > 0 })
	if n := len(h.Export().Stories); n != 1 {
		t.Fatalf("stories kept: got %d, want 1", n)
	}

	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	h.Slack.Handle("chat.postMessage", nil)
	h.Start()
	h.Eventually("the confirmation after the restart", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1", n)
	}
	for _, u := range []string{apptest.Bob, apptest.Carol} {
		if n := len(thanks(h, u)); n != 1 {
			t.Errorf("thank-you DMs to %s: got %d, want 1", u, n)
		}
	}
	if s := h.Export().Stories[0]; s.Permalink == "" {
		t.Error("the resumed shoutout was not recorded")
	}
	// A second restart has nothing left to resume.
	h.Restart()
	share(t, h, apptest.Carol, apptest.General, goodForm()) // proves the bot is done starting
	if n := len(shoutouts(h, apptest.General)); n != 2 {
		t.Errorf("shoutouts after a second restart: got %d, want 2", n)
	}
	for _, u := range []string{apptest.Carol} {
		if n := len(thanks(h, u)); n != 1 {
			t.Errorf("thank-you DMs to %s: got %d, want 1", u, n)
		}
	}
}

// TestStartResumesStoryKeptBeforeACrash puts a pending story in the database,
// as a crash right after keeping it would leave it, then starts the bot.
func TestStartResumesStoryKeptBeforeACrash(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	ctx := context.Background()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &extramile.Story{Author: apptest.Alice, Recognized: []string{apptest.Bob}, Text: storyText, Channel: apptest.General, Audience: extramile.AudienceCoworker}
	if err := db.CreateStory(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	h.Start()
	h.Eventually("the confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1", n)
	}
	if n := len(thanks(h, apptest.Bob)); n != 1 {
		t.Errorf("thank-you DMs: got %d, want 1", n)
	}
	h.Restart()
	share(t, h, apptest.Carol, apptest.General, goodForm())
	if n := len(shoutouts(h, apptest.General)); n != 2 {
		t.Errorf("shoutouts: got %d, want 2 (one each)", n)
	}
	if n := len(thanks(h, apptest.Bob)); n != 2 {
		t.Errorf("thank-you DMs to Bob: got %d, want 2 (one per story)", n)
	}
}

// TestTryAgainAfterInvite shares in a private channel the bot is not in, then
// uses the DM's "Try again": refused for others, still undeliverable before
// the invite, posted once after it, and already done on a second click.
func TestTryAgainAfterInvite(t *testing.T) {
	t.Parallel()
	h := start(t)
	v := openModal(t, h, apptest.Alice, apptest.General)
	f := goodForm()
	f.Channel = apptest.Secret
	submit(t, h, v.ID, f)
	h.Eventually("the DM to the author", func() bool { return len(h.Posts(apptest.Alice)) == 1 })
	dm := h.Posts(apptest.Alice)[0]
	id := h.Export().Stories[0].ID
	if !strings.Contains(string(dm.Blocks), compose.ActionRetryShoutout) {
		t.Fatalf("the DM has no Try again button: %s", dm.Blocks)
	}
	tryAgain := func(user string) {
		t.Helper()
		p := h.Slack.BlockActionsPayload(user, dm.Channel, dm.TS, []map[string]any{
			slackfake.ButtonAction(compose.ActionRetryShoutout, "undeliverable", fmt.Sprint(id)),
		})
		if a := apptest.AckPayload(t, h.Interact(p)); a != nil {
			t.Fatalf("ack: got %v, want a plain ack", a)
		}
	}

	tryAgain(apptest.Bob)
	h.Eventually("Bob's refusal", func() bool { return len(h.Ephemerals(apptest.Bob)) == 1 })

	// answer clicks Try again as Alice and returns the answer that replaced
	// the DM. A click while the first publish is still finishing (thanking
	// Bob) is answered "posting it right now": a true answer, so click again.
	answer := func() map[string]any {
		t.Helper()
		for {
			n := len(h.Slack.Calls("response_url"))
			tryAgain(apptest.Alice)
			h.Eventually("the answer", func() bool { return len(h.Slack.Calls("response_url")) > n })
			r := responses(t, h)[n]
			if !strings.Contains(responseText(r), "posting this story right now") {
				return r
			}
		}
	}
	if r := answer(); r["replace_original"] != true || !strings.Contains(responseText(r), "still didn't work") || !strings.Contains(responseText(r), "/invite") {
		t.Errorf("before the invite: got %v", r) // not invited yet
	}

	h.Slack.SetChannel(slackfake.Channel{ID: apptest.Secret, Name: "secret", IsPrivate: true, BotIsMember: true}) // /invite @Extra Mile
	if r := answer(); !strings.Contains(responseText(r), "Posted") {
		t.Errorf("after the invite: got %v", r)
	}
	if n := len(shoutouts(h, apptest.Secret)); n != 1 {
		t.Fatalf("shoutouts in the private channel: got %d, want 1", n)
	}
	s := h.Export().Stories[0]
	if s.Permalink == "" || !s.Private {
		t.Errorf("story after posting: %+v, want it private with its link", s)
	}
	h.Eventually("the confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })

	if r := answer(); !strings.Contains(responseText(r), "already shared") {
		t.Errorf("a second try: got %v", r)
	}
	if n := len(shoutouts(h, apptest.Secret)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1", n)
	}
	if n := len(thanks(h, apptest.Bob)); n != 1 {
		t.Errorf("thank-you DMs to Bob: got %d, want 1", n)
	}
	if n := len(h.Posts(apptest.Alice)); n != 1 {
		t.Errorf("DMs to Alice: got %d, want 1", n)
	}
}
