package stories

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// Channels some tests add to the cast.
const (
	announce = "CANNOUNCE" // announcement-only; the bot is a member
	threads  = "CTHREADS"  // thread-only; the bot is a member
	groupDM  = "CMPIMABC"  // a group DM of Alice, Bob and Carol
)

// pendingShoutouts returns the stories whose shoutout a start would resume.
func pendingShoutouts(t *testing.T, h *apptest.Harness) []*extramile.Story {
	t.Helper()
	ctx := h.Ctx()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	pending, err := db.PendingShoutouts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return pending
}

// postsTo counts the chat.postMessage calls to channel, answered or not.
func postsTo(h *apptest.Harness, channel string) int {
	n := 0
	for _, c := range h.Slack.Calls("chat.postMessage") {
		if c.Params.Get("channel") == channel {
			n++
		}
	}
	return n
}

// TestEveryRefusalTakesTheUndeliverablePath shares a story where Slack
// refuses the shoutout for good, each way it can (Slack's chat.postMessage
// and conversations.join errors, https://docs.slack.dev/reference/methods/chat.postMessage
// and …/conversations.join), and once with an error code the bot does not
// know: the author gets a DM saying why, with the story; the people are
// thanked all the same; nothing is posted in the channel; and the story is
// not pending (a restart does not try it again). The unknown code is tried
// three times, then taken as final.
func TestEveryRefusalTakesTheUndeliverablePath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, channel string
		fault         func(*slackfake.Server)
		says          string
		tries         int // posts of the shoutout
	}{
		{"announcement-only", announce, nil, "announcement-only", 1},
		{"thread-only", threads, nil, "threads only", 1},
		{"message limit", apptest.General, func(s *slackfake.Server) { s.FailNext("chat.postMessage", 1, "message_limit_exceeded") }, "message limit", 1},
		{"team access", apptest.General, func(s *slackfake.Server) { s.FailNext("chat.postMessage", 1, "team_access_not_granted") }, "didn't let me post", 1},
		{"join: too many members", apptest.Random, func(s *slackfake.Server) { s.FailNext("conversations.join", 1, "too_many_members") }, "didn't let me join", 1},
		{"join: limited access", apptest.Random, func(s *slackfake.Server) { s.FailNext("conversations.join", 1, "channel_is_limited_access") }, "didn't let me join", 1},
		{"an unknown code", apptest.General, func(s *slackfake.Server) { s.FailNext("chat.postMessage", 3, "brand_new_refusal") }, "didn't let me post", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := apptest.New(t)
			h.Slack.AddChannel(slackfake.Channel{ID: announce, Name: "announcements", BotIsMember: true, ReadOnly: true})
			h.Slack.AddChannel(slackfake.Channel{ID: threads, Name: "threads", BotIsMember: true, ThreadOnly: true})
			h.Start()
			if tt.fault != nil {
				tt.fault(h.Slack)
			}
			v := openModal(t, h, apptest.Alice, apptest.General)
			f := goodForm()
			f.Channel = tt.channel
			if p := submit(t, h, v.ID, f); p != nil {
				t.Fatalf("submission answered %v, want a plain ack", p)
			}
			h.Eventually("the DM to the author and Bob's thank-you", func() bool {
				return len(h.Posts(apptest.Alice)) == 1 && len(thanks(h, apptest.Bob)) == 1
			})
			dm := apptest.Text(h.Posts(apptest.Alice)[0])
			for _, want := range []string{tt.says, "nothing is lost", storyText} {
				if !strings.Contains(dm, want) {
					t.Errorf("the author's DM lacks %q:\n%s", want, dm)
				}
			}
			if n := len(shoutouts(h, tt.channel)); n != 0 {
				t.Errorf("shoutouts in %s: got %d, want 0", tt.channel, n)
			}
			if n := postsTo(h, tt.channel); n != tt.tries {
				t.Errorf("posts of the shoutout: got %d, want %d", n, tt.tries)
			}
			if p := pendingShoutouts(t, h); len(p) != 0 {
				t.Errorf("pending shoutouts: %d, want none (a restart would try it again)", len(p))
			}
			if n := len(confirmations(h, apptest.Alice)); n != 0 {
				t.Errorf("confirmations: got %d, want none (nothing was posted)", n)
			}
		})
	}
}

// TestRateLimitedWithHTTP200IsRetried: chat.postMessage's "rate_limited"
// comes with HTTP 200, not 429 ("Application has posted too many messages"):
// the bot waits and posts again, as after a 429, and the shoutout is posted
// once, without looking for it (Slack did nothing).
func TestRateLimitedWithHTTP200IsRetried(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Slack.FailNext("chat.postMessage", 2, "rate_limited")
	share(t, h, apptest.Alice, apptest.General, goodForm())
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1", n)
	}
	if n := postsTo(h, apptest.General); n != 3 {
		t.Errorf("posts of the shoutout: got %d, want 3 (two refused, then one)", n)
	}
	if n := len(h.Slack.Calls("conversations.history")); n != 0 {
		t.Errorf("looks in the history: got %d, want 0", n)
	}
	if n := len(h.Posts(apptest.Alice)); n != 0 {
		t.Errorf("DMs to the author: got %d, want none", n)
	}
	if n := len(thanks(h, apptest.Bob)); n != 1 {
		t.Errorf("thank-you DMs: got %d, want 1", n)
	}
}

// TestDeletedChannelReadsNotFound: a story kept for a public channel that is
// deleted before its shoutout goes out. Slack answers channel_not_found, as
// for a private channel the bot is not in, but this channel was public: the
// author is told it can't be found (not to invite the bot), with no "Try
// again", and the people are thanked.
func TestDeletedChannelReadsNotFound(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Slack.AddChannel(slackfake.Channel{ID: "CDOOMED", Name: "doomed", BotIsMember: true})
	ctx := context.Background()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &extramile.Story{Author: apptest.Alice, Recognized: []string{apptest.Bob}, Text: storyText, Channel: "CDOOMED", Audience: extramile.AudienceCoworker}
	if err := db.CreateStory(ctx, s); err != nil {
		t.Fatal(err)
	}
	db.Close()
	h.Slack.DeleteChannel("CDOOMED")
	h.Start()
	h.Eventually("the DM to the author and Bob's thank-you", func() bool {
		return len(h.Posts(apptest.Alice)) == 1 && len(thanks(h, apptest.Bob)) == 1
	})
	dm := h.Posts(apptest.Alice)[0]
	text := apptest.Text(dm)
	if !strings.Contains(text, "I can't find") || strings.Contains(text, "/invite") {
		t.Errorf("the author's DM should say the channel can't be found, not to invite the bot:\n%s", text)
	}
	if strings.Contains(string(dm.Blocks), compose.ActionRetryShoutout) {
		t.Error("the DM offers Try again for a channel that is gone")
	}
	if p := pendingShoutouts(t, h); len(p) != 0 {
		t.Errorf("pending shoutouts: %d, want none", len(p))
	}
}

// TestSpentTriggerReadsAsExpired: views.open answers expired_trigger_id,
// exchanged_trigger_id (the trigger was used) or invalid_trigger_id
// (https://docs.slack.dev/reference/methods/views.open): each reads the
// same to the person, "try again", since a new command brings a new
// trigger. A command delivered twice with one trigger_id meets the real
// exchanged_trigger_id of the fake.
func TestSpentTriggerReadsAsExpired(t *testing.T) {
	t.Parallel()
	h := start(t)
	const says = "That took Slack a little too long"
	for _, code := range []string{"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"} {
		h.Slack.FailNext("views.open", 1, code)
		if text := ackText(t, h.Command(apptest.Alice, apptest.General, "")); !strings.Contains(text, says) {
			t.Errorf("%s: reply %q, want it to say %q", code, text, says)
		}
	}
	cmd := h.Slack.SlashCommand(apptest.Alice, apptest.General, "")
	if p := apptest.AckPayload(t, h.Send(slackfake.TypeSlashCommands, cmd)); p != nil {
		t.Fatalf("first delivery: %v, want the modal", p)
	}
	if text := ackText(t, h.Send(slackfake.TypeSlashCommands, cmd)); !strings.Contains(text, says) {
		t.Errorf("the same command again: reply %q, want it to say %q", text, says)
	}
	if calls := h.Slack.Calls("views.open"); calls[len(calls)-1].Error != "exchanged_trigger_id" {
		t.Errorf("the second views.open answered %q, want exchanged_trigger_id", calls[len(calls)-1].Error)
	}
}

// TestNoShareOrSubscriptionWhereTheBotCannotPost: a quick share or a
// subscription typed in a group DM (no app can be added to one; the
// command's channel_name is "mpdm-…") or in a private channel the bot is
// not in gets a clear answer at once, and nothing is kept or subscribed;
// when Slack will not say whether the bot can post there, nothing is
// subscribed either.
func TestNoShareOrSubscriptionWhereTheBotCannotPost(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Slack.AddChannel(slackfake.Channel{ID: groupDM, Name: "mpdm-alice--bob--carol-1", IsMpIM: true})
	h.Start()
	share := "<@UBOB|bob> " + storyText
	tests := []struct {
		name, user, channel, text string
		says                      []string
	}{
		{"quick share in a group DM", apptest.Alice, groupDM, share, []string{"group DM", "/extramile", storyText}},
		{"quick share in a private channel without the bot", apptest.Alice, apptest.Secret, share, []string{"private channel I'm not in", "/invite @Extra Mile", storyText}},
		{"subscribe in a group DM", apptest.Admin, groupDM, "subscribe", []string{"group DM", "Nothing changed"}},
		{"subscribe in a private channel without the bot", apptest.Admin, apptest.Secret, "subscribe", []string{"/invite @Extra Mile", "Nothing changed"}},
	}
	for _, tt := range tests {
		text := ackText(t, h.Command(tt.user, tt.channel, tt.text))
		for _, want := range tt.says {
			if !strings.Contains(text, want) {
				t.Errorf("%s: reply lacks %q:\n%s", tt.name, want, text)
			}
		}
	}

	// Slack refuses the look-up (a reinstall dropped groups:read).
	h.Slack.SetBotScopes("commands", "chat:write", "channels:read", "users:read")
	text := ackText(t, h.Command(apptest.Admin, apptest.Team, "subscribe"))
	if !strings.Contains(text, "missing_scope") || !strings.Contains(text, "Nothing changed") {
		t.Errorf("subscribe when the look-up is refused: reply %q", text)
	}
	h.Slack.SetBotScopes(slackfake.DefaultBotScopes()...)
	// Slack does not answer the look-up in time (its own error).
	h.Slack.FailNext("conversations.info", 1, "internal_error")
	text = ackText(t, h.Command(apptest.Admin, apptest.Random, "subscribe"))
	if !strings.Contains(text, "try again") || !strings.Contains(text, "nothing changed") {
		t.Errorf("subscribe when the look-up fails: reply %q", text)
	}

	if n := len(h.Export().Stories); n != 0 {
		t.Errorf("stories kept: %d, want 0", n)
	}
	if n := len(h.Slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("posts: %d, want 0", n)
	}
	ctx := h.Ctx()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if subs, err := db.Subscriptions(ctx); err != nil || len(subs) != 0 {
		t.Errorf("subscriptions: %v (%v), want none", subs, err)
	}
}

// TestHungResponseURLHoldsNothing: Slack never answers a response_url post
// (the "Try again" answer): the bot gives up after its timeout (here 200 ms)
// and answers with an ephemeral message instead, and stops cleanly while
// the post is still hanging.
func TestHungResponseURLHoldsNothing(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Tune = func(m *app.Main) { m.ResponseURLTimeout = 200 * time.Millisecond }
	h.Start()
	v := openModal(t, h, apptest.Alice, apptest.General)
	f := goodForm()
	f.Channel = apptest.Secret
	submit(t, h, v.ID, f)
	h.Eventually("the DM to the author", func() bool { return len(h.Posts(apptest.Alice)) == 1 })
	dm := h.Posts(apptest.Alice)[0]
	id := h.Export().Stories[0].ID

	arrived, release := h.Slack.HoldNext("response_url")
	defer release()
	p := h.Slack.BlockActionsPayload(apptest.Alice, dm.Channel, dm.TS, []map[string]any{
		slackfake.ButtonAction(compose.ActionRetryShoutout, "undeliverable", fmt.Sprint(id)),
	})
	h.Interact(p)
	<-arrived
	// The answer ("still didn't work", or "I'm posting this story right
	// now" when the click comes while the first publish is still thanking
	// people) comes as an ephemeral message instead.
	h.Eventually("the answer as an ephemeral message", func() bool { return len(h.Ephemerals(apptest.Alice)) > 0 })
	if n := len(h.Slack.Calls("response_url")); n != 0 {
		t.Errorf("response_url calls answered: %d, want none (the only one hangs)", n)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- h.Stop() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Errorf("stop: %v", err)
		}
	case <-time.After(apptest.Timeout):
		t.Fatal("the bot did not stop while a response_url post hung")
	}
}
