package membership

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestKudosCountWhereTheBotIsInvited: by default kudos count in the channels
// the bot is in. A reaction in a channel it is not in never reaches it (Slack
// does not send it), so it gives nothing; once someone invites the bot
// (/invite @Extra Mile), reactions there count, public or private, and
// settings say so.
func TestKudosCountWhereTheBotIsInvited(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	waitKudosChannels(h, apptest.General, apptest.Team) // users.conversations at start

	settings := reply(h, apptest.Alice, apptest.General, "settings")
	for _, want := range []string{"Kudos count in *the channels I'm invited to*", "`/invite @Extra Mile`"} {
		if !strings.Contains(settings, want) {
			t.Errorf("settings lack %q:\n%s", want, settings)
		}
	}

	inRandom := post(h, apptest.Bob, apptest.Random, "Fixed the build for everyone")
	inSecret := post(h, apptest.Bob, apptest.Secret, "Covered the on-call night")
	h.EventNotDelivered(react(h, apptest.Alice, inRandom))
	h.EventNotDelivered(react(h, apptest.Alice, inSecret))

	h.Invite(apptest.Random, apptest.Carol)
	h.Invite(apptest.Secret, apptest.Carol)
	waitKudosChannels(h, apptest.General, apptest.Random, apptest.Secret, apptest.Team)
	h.Event(react(h, apptest.Carol, inRandom))
	h.Event(react(h, apptest.Carol, inSecret))
	waitGifts(h,
		gift{apptest.Carol, apptest.Bob, apptest.Random},
		gift{apptest.Carol, apptest.Bob, apptest.Secret},
	) // and none of Alice's, given before the bot was there
	if n := len(h.Slack.Calls("conversations.join")); n != 0 {
		t.Errorf("the bot joined %d channels by itself; by default it only goes where it is invited", n)
	}
}

// TestRemovedBotStopsCounting: when someone removes the bot from a channel
// (Slack sends it channel_left, or group_left for a private one), settings
// stop listing the channel, and reactions there no longer reach the bot.
func TestRemovedBotStopsCounting(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	h.Invite(apptest.Random, apptest.Carol)
	waitKudosChannels(h, apptest.General, apptest.Random, apptest.Team)

	h.RemoveBot(apptest.Random, apptest.Carol) // channel_left
	h.RemoveBot(apptest.Team, apptest.Carol)   // group_left
	waitKudosChannels(h, apptest.General)
	h.EventNotDelivered(react(h, apptest.Alice, post(h, apptest.Bob, apptest.Random, "Wrote the runbook")))
	h.EventNotDelivered(react(h, apptest.Alice, post(h, apptest.Bob, apptest.Team, "Answered every ticket")))

	// A restart lists the channels again: the removals hold.
	h.Restart()
	waitKudosChannels(h, apptest.General)
	if got := gifts(h); len(got) != 0 {
		t.Errorf("kudos: got %v, want none", got)
	}
}

// TestKudosEverywhere: an admin chooses "every public channel"; the bot
// joins each public channel it is not in (never a private or archived one),
// at a pace under the rate limit, then each new public channel as it is
// created, and kudos there count. Back on "invited", new channels are left
// alone. Members cannot change it.
func TestKudosEverywhere(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	addPublic(t, h, "CPROJ1", "CPROJ2", "CPROJ3")
	// Slack's tier 3, scaled down to keep the test short: the bot joins one
	// channel every 100 ms, and the fake allows 10 a second (bursts of 3, for
	// a join that went out late and the next one on time); joining all four
	// at once would be refused.
	h.ChannelPace.Join = 100 * time.Millisecond
	h.Slack.SetWorkspaceRateLimit("conversations.join", 600, 3)
	h.Start()

	if got := reply(h, apptest.Alice, apptest.General, "settings kudos everywhere"); !strings.Contains(got, "Only Extra Mile admins can choose where kudos count") {
		t.Errorf("a member chose where kudos count: %s", got)
	}
	for _, bad := range []string{"settings kudos", "settings kudos anywhere", "settings emoji clap"} {
		if got := reply(h, apptest.Admin, apptest.General, bad); !strings.Contains(got, "/extramile settings kudos everywhere") {
			t.Errorf("/extramile %s: got %s, want how to choose", bad, got)
		}
	}
	if got := reply(h, apptest.Admin, apptest.General, "settings kudos everywhere"); !strings.Contains(got, "Kudos now count in *every public channel*") {
		t.Fatalf("admin chose everywhere: %s", got)
	}
	public := []string{apptest.Random, "CPROJ1", "CPROJ2", "CPROJ3"}
	waitJoined(h, public...)
	waitKudosChannels(h, apptest.General, apptest.Random, apptest.Team, "CPROJ1", "CPROJ2", "CPROJ3")
	got := joins(h)
	for _, c := range public {
		if got[c] != 1 {
			t.Errorf("joins of %s: %d, want 1", c, got[c])
		}
	}
	if len(got) != len(public) {
		t.Errorf("joined %v; want only the public channels it was not in (not General, Secret or the archived one)", got)
	}
	if n := h.Slack.RateLimited("conversations.join"); n != 0 {
		t.Errorf("%d joins over the (scaled) rate limit; the pace should keep them under it", n)
	}
	settings := reply(h, apptest.Alice, apptest.General, "settings")
	for _, want := range []string{"Kudos count in *every public channel*", "Chosen by <@" + apptest.Admin + ">"} {
		if !strings.Contains(settings, want) {
			t.Errorf("settings lack %q:\n%s", want, settings)
		}
	}

	h.Event(react(h, apptest.Alice, post(h, apptest.Bob, apptest.Random, "Migrated the wiki")))
	h.CreateChannel(slackfake.Channel{ID: "CNEW", Name: "launch"}, apptest.Carol)
	h.Eventually("the bot in the new channel", func() bool { return member(h, "CNEW") })
	h.Event(react(h, apptest.Alice, post(h, apptest.Carol, "CNEW", "Planned the launch")))
	waitGifts(h, gift{apptest.Alice, apptest.Bob, apptest.Random}, gift{apptest.Alice, apptest.Carol, "CNEW"})
	if id, err := h.Slack.CreateChannel(h.Ctx(), slackfake.Channel{ID: "GNEW", Name: "hush", IsPrivate: true}, apptest.Carol); err != nil || id != "" {
		t.Fatalf("private channel: %q %v", id, err)
	}

	if got := reply(h, apptest.Owner, apptest.General, "settings kudos invited"); !strings.Contains(got, "Kudos now count only in *the channels I'm invited to*") {
		t.Fatalf("owner chose invited: %s", got)
	}
	h.CreateChannel(slackfake.Channel{ID: "CLATER", Name: "later"}, apptest.Carol)
	if err := h.Stop(); err != nil { // waits for the bot to finish with every event it acked
		t.Fatal(err)
	}
	if member(h, "CLATER") || member(h, "GNEW") || joins(h)["CLATER"] != 0 {
		t.Errorf("back on invited, the bot joined a new channel: joins %v", joins(h))
	}
	for _, c := range []string{apptest.Random, "CPROJ1", "CNEW"} {
		if !member(h, c) {
			t.Errorf("the bot left %s; it stays where it is", c)
		}
	}
}

// TestSweepResumesAfterRestart: joining every public channel goes at Slack's
// pace; a restart in the middle picks up where it stopped (the channels it
// joined are not joined again) and finishes.
func TestSweepResumesAfterRestart(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	addPublic(t, h, "CSWEEP1", "CSWEEP2", "CSWEEP3", "CSWEEP4")
	h.ChannelPace.Join = time.Hour // one join, then a long wait: the restart comes first
	h.Start()
	reply(h, apptest.Admin, apptest.General, "settings kudos everywhere")
	if _, err := h.Slack.WaitCalls(h.Ctx(), "conversations.join", 1); err != nil {
		t.Fatal(err)
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	first := h.Slack.Calls("conversations.join")
	if len(first) != 1 || first[0].Params.Get("channel") != apptest.Random {
		t.Fatalf("before the restart: joins %v, want only %s (the pace holds the rest back)", joins(h), apptest.Random)
	}

	h.ChannelPace.Join = time.Millisecond
	h.Start()
	public := []string{apptest.Random, "CSWEEP1", "CSWEEP2", "CSWEEP3", "CSWEEP4"}
	waitJoined(h, public...)
	got := joins(h)
	for _, c := range public {
		if got[c] != 1 {
			t.Errorf("joins of %s: %d, want 1", c, got[c])
		}
	}
	if len(got) != len(public) {
		t.Errorf("joined %v, want each public channel once", got)
	}
}

// TestSubscribeJoinsThePublicChannel: /extramile subscribe in (or naming) a
// public channel the bot is not in joins it (so the posts can go out and
// kudos count there) and says so; in a private one it asks for an invite
// first.
func TestSubscribeJoinsThePublicChannel(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	addPublic(t, h, "CPROJ")
	h.Start()
	if got := reply(h, apptest.Admin, apptest.Random, "subscribe"); !strings.Contains(got, "is subscribed, and I've joined it") {
		t.Errorf("subscribe in Random: %s", got)
	}
	if got := reply(h, apptest.Admin, apptest.Secret, "subscribe"); !strings.Contains(got, "/invite @Extra Mile") {
		t.Errorf("subscribe in Secret: %s", got)
	}
	if got := reply(h, apptest.Admin, apptest.General, "subscribe <#CPROJ|proj>"); !strings.Contains(got, "<#CPROJ> is subscribed, and I've joined it") {
		t.Errorf("subscribe #proj from General: %s", got)
	}
	waitKudosChannels(h, apptest.General, apptest.Random, apptest.Team, "CPROJ")
	h.Event(react(h, apptest.Alice, post(h, apptest.Bob, apptest.Random, "Ran the offsite")))
	waitGifts(h, gift{apptest.Alice, apptest.Bob, apptest.Random})
	if j := joins(h); len(j) != 2 || j[apptest.Random] != 1 || j["CPROJ"] != 1 {
		t.Errorf("joins: %v, want Random and CPROJ once each", j)
	}
}

// TestStartsWhileSlackCannotListChannels: when users.conversations fails at
// start, the bot still starts and answers, says it is still finding out
// where it is, and tries again until Slack answers.
func TestStartsWhileSlackCannotListChannels(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Slack.Handle("users.conversations", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":false,"error":"internal_error"}`))
	})
	h.Start()
	if _, err := h.Slack.WaitCalls(h.Ctx(), "users.conversations", 2); err != nil { // it tries again
		t.Fatal(err)
	}
	if got := reply(h, apptest.Alice, apptest.General, "settings"); !strings.Contains(got, "I'm still finding out which channels I'm in.") {
		t.Errorf("settings while Slack fails: %s", got)
	}
	h.Slack.Handle("users.conversations", nil)
	waitKudosChannels(h, apptest.General, apptest.Team)
}
