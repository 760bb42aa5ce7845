package kudos

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestReactionsThatGiveNothing: never to yourself, never to or from a bot,
// nothing for messages no person wrote, for the bot's posts that are not
// shoutouts, or for other emoji. The last case
// gives a kudos, so the harness is proven to count them.
func TestReactionsThatGiveNothing(t *testing.T) {
	t.Parallel()
	h := start(t)
	const slackbot = "USLACKBOT"
	tests := []struct {
		name    string
		payload func() map[string]any
	}{
		{"yourself", func() map[string]any {
			return react(h, added, apptest.Alice, "raised_hands", post(h, apptest.Alice, apptest.General, "my own work"))
		}},
		{"yourself, skin tone", func() map[string]any {
			return react(h, added, apptest.Alice, "raised_hands::skin-tone-2", post(h, apptest.Alice, apptest.General, "my own work"))
		}},
		{"giver is another app's bot", func() map[string]any {
			return react(h, added, apptest.OtherBot, "raised_hands", post(h, apptest.Bob, apptest.General, "Bob's work"))
		}},
		{"giver is Extra Mile", func() map[string]any {
			return react(h, added, apptest.BotUser, "raised_hands", post(h, apptest.Bob, apptest.General, "Bob's work"))
		}},
		{"giver is Slackbot", func() map[string]any {
			return react(h, added, slackbot, "raised_hands", post(h, apptest.Bob, apptest.General, "Bob's work"))
		}},
		{"author is another app's bot", func() map[string]any {
			return react(h, added, apptest.Alice, "raised_hands", post(h, apptest.OtherBot, apptest.General, "Build passed"))
		}},
		{"author is Slackbot", func() map[string]any {
			return react(h, added, apptest.Alice, "raised_hands", post(h, slackbot, apptest.General, "Reminder: standup"))
		}},
		{"no user author (webhook)", func() map[string]any {
			p := react(h, added, apptest.Alice, "raised_hands", post(h, "", apptest.General, "Deploy finished"))
			if _, ok := p["event"].(map[string]any)["item_user"]; ok {
				t.Fatalf("the payload has an item_user: %v", p)
			}
			return p
		}},
		{"author is deactivated", func() map[string]any {
			return react(h, added, apptest.Alice, "raised_hands", post(h, apptest.Deactivated, apptest.General, "old work"))
		}},
		{"the bot's prompt", func() map[string]any {
			return react(h, added, apptest.Alice, "raised_hands", post(h, apptest.BotUser, apptest.General, "Who went the extra mile this week?"))
		}},
		{"not a kudos emoji", func() map[string]any {
			return react(h, added, apptest.Alice, "tada", post(h, apptest.Bob, apptest.General, "Bob's work"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.payload()
			got := deliver(h, p)
			if got == bot.ReactionGiven || got == bot.ReactionFailed {
				t.Errorf("outcome %q", got)
			}
			wantKudos(h, tt.name)
		})
	}
	m := post(h, apptest.Bob, apptest.General, "Bob's work")
	deliver(h, react(h, added, apptest.Alice, "raised_hands", m))
	wantKudos(h, "a kudos from Alice to Bob", kudos{apptest.Alice, apptest.Bob, apptest.General, m.TS, "raised_hands", 0})
}

// TestKudosOnAShoutoutGoToTheRecognized: a kudos reaction on a story's
// shoutout goes to the people the story recognized (not to the bot, which
// wrote the message, and not to the giver if they are among them); it shows
// in /extramile top, the digest and the export with the story's ID.
func TestKudosOnAShoutoutGoToTheRecognized(t *testing.T) {
	t.Parallel()
	h := start(t)
	shout := share(h, apptest.Alice, apptest.General, "Bob and Carol rebuilt the billing export over the weekend.", apptest.Bob, apptest.Carol)
	if shout.User != apptest.BotUser {
		t.Fatalf("the shoutout's author is %s, want the bot", shout.User)
	}
	stories := h.Export().Stories
	if len(stories) != 1 {
		t.Fatalf("stories: got %d, want 1", len(stories))
	}
	id := stories[0].ID

	deliver(h, react(h, added, apptest.Carol, "raised_hands", shout)) // Carol is recognized: Bob only
	deliver(h, react(h, added, apptest.Admin, "clap::skin-tone-4", shout))
	wantKudos(h, "after two kudos on the shoutout",
		kudos{apptest.Carol, apptest.Bob, apptest.General, shout.TS, "raised_hands", id},
		kudos{apptest.Admin, apptest.Bob, apptest.General, shout.TS, "clap", id},
		kudos{apptest.Admin, apptest.Carol, apptest.General, shout.TS, "clap", id},
	)

	top := command(h, apptest.Alice, apptest.General, "top")
	for _, line := range []string{"<@" + apptest.Bob + ">: 1 story, 2 kudos", "<@" + apptest.Carol + ">: 1 story, 1 kudos"} {
		if !strings.Contains(top, line) {
			t.Errorf("/extramile top lacks %q:\n%s", line, top)
		}
	}
	if strings.Contains(top, "<@"+apptest.BotUser+">") {
		t.Errorf("/extramile top lists the bot:\n%s", top)
	}
	digest := command(h, apptest.Alice, apptest.General, "digest")
	if !strings.Contains(digest, "*Kudos*\n3") || !strings.Contains(digest, "most kudos") {
		t.Errorf("the digest does not count the 3 kudos or name the most-kudosed story:\n%s", digest)
	}

	deliver(h, react(h, removed, apptest.Admin, "clap::skin-tone-4", shout))
	wantKudos(h, "after the admin took theirs back",
		kudos{apptest.Carol, apptest.Bob, apptest.General, shout.TS, "raised_hands", id})
}

// TestSkinTonesCountAsTheBaseEmoji: a skin-tone variant is the base emoji;
// the same giver's variants on one message are one kudos, kept while any of
// them stays, so removing a variant that never counted takes nothing away.
func TestSkinTonesCountAsTheBaseEmoji(t *testing.T) {
	t.Parallel()
	h := start(t)
	m := post(h, apptest.Bob, apptest.General, "Covered the on-call shift for Carol")
	one := kudos{apptest.Alice, apptest.Bob, apptest.General, m.TS, "raised_hands", 0}

	deliver(h, react(h, added, apptest.Alice, "raised_hands::skin-tone-3", m))
	wantKudos(h, "after raised_hands::skin-tone-3", one)
	deliver(h, react(h, added, apptest.Alice, "raised_hands", m))
	wantKudos(h, "after plain raised_hands as well", one)

	deliver(h, react(h, removed, apptest.Alice, "raised_hands::skin-tone-3", m))
	wantKudos(h, "after removing the skin tone (the plain one stays)", one)
	deliver(h, react(h, removed, apptest.Alice, "raised_hands", m))
	wantKudos(h, "after removing both")

	deliver(h, react(h, added, apptest.Carol, "clap::skin-tone-6", m))
	wantKudos(h, "after Carol's clap::skin-tone-6", kudos{apptest.Carol, apptest.Bob, apptest.General, m.TS, "clap", 0})
}

// TestReactionsInThreadsCount: a thread reply is a message like any other.
func TestReactionsInThreadsCount(t *testing.T) {
	t.Parallel()
	h := start(t)
	parent := post(h, apptest.Carol, apptest.General, "Anyone know why the import fails?")
	reply := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, ThreadTS: parent.TS, User: apptest.Bob, Text: "Fixed it, and wrote it up"})

	deliver(h, react(h, added, apptest.Carol, "raised_hands", reply))
	wantKudos(h, "after a kudos on the reply", kudos{apptest.Carol, apptest.Bob, apptest.General, reply.TS, "raised_hands", 0})
	deliver(h, react(h, removed, apptest.Carol, "raised_hands", reply))
	wantKudos(h, "after taking it back")
}

// TestPrivateChannelKudosStayThere: a kudos in a private channel is kept
// and exported, counted in that channel's digest, and never shown in the
// public leaderboard or another channel's digest.
func TestPrivateChannelKudosStayThere(t *testing.T) {
	t.Parallel()
	h := start(t)
	secret := post(h, apptest.Bob, apptest.Team, "Quietly fixed the payroll bug")
	public := post(h, apptest.Carol, apptest.General, "Ran the retro")
	deliver(h, react(h, added, apptest.Alice, "raised_hands", secret))
	deliver(h, react(h, added, apptest.Alice, "raised_hands", public))
	wantKudos(h, "after kudos in #team and #general",
		kudos{apptest.Alice, apptest.Bob, apptest.Team, secret.TS, "raised_hands", 0},
		kudos{apptest.Alice, apptest.Carol, apptest.General, public.TS, "raised_hands", 0},
	)

	for _, ch := range []string{apptest.General, apptest.Team} {
		top := command(h, apptest.Alice, ch, "top")
		if strings.Contains(top, "<@"+apptest.Bob+">") {
			t.Errorf("/extramile top in %s shows Bob's private kudos:\n%s", ch, top)
		}
		if !strings.Contains(top, "<@"+apptest.Carol+">: 1 kudos") {
			t.Errorf("/extramile top in %s lacks Carol's public kudos:\n%s", ch, top)
		}
	}
	if d := command(h, apptest.Alice, apptest.General, "digest"); !strings.Contains(d, "1 kudos was given") {
		t.Errorf("#general's digest should count only the public kudos:\n%s", d)
	}
	if d := command(h, apptest.Alice, apptest.Team, "digest"); !strings.Contains(d, "2 kudos were given") {
		t.Errorf("#team's digest should count its own kudos too:\n%s", d)
	}
}
