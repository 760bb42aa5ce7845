package kudos

import (
	"strings"
	"testing"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestKudosFollowAnEdit: Carol's kudos on a shoutout go to the people the
// story thanks after an edit replaced Bob by Olga, on the leaderboard too
// (they used to stay with Bob).
func TestKudosFollowAnEdit(t *testing.T) {
	t.Parallel()
	h := start(t)
	so := share(h, apptest.Alice, apptest.General, "stayed late to get the customer's import running", apptest.Bob)
	if got := deliver(h, react(h, added, apptest.Carol, "clap", so)); got != bot.ReactionGiven {
		t.Fatalf("Carol's kudos: %s", got)
	}
	id := h.Export().Stories[0].ID
	meta := compose.ModalMetadata{StoryID: id}.Encode()
	p := h.Slack.ViewSubmissionPayload(apptest.Alice, compose.CallbackStory, meta, map[string]map[string]any{
		compose.BlockWho:      {compose.ActionWho: slackfake.UsersValue(apptest.Owner)},
		compose.BlockWhat:     {compose.ActionWhat: slackfake.TextValue("Olga stayed late to get the customer's import running, not Bob.")},
		compose.BlockAudience: {compose.ActionAudience: slackfake.RadioValue(string(extramile.AudienceCustomer))},
	})
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("edit: %v", ack)
	}
	wantKudos(h, "after the edit", kudos{apptest.Carol, apptest.Owner, apptest.General, so.TS, "clap", id})
	if top := command(h, apptest.Carol, apptest.General, "top all"); !strings.Contains(top, "<@"+apptest.Owner+">") || strings.Contains(top, "<@"+apptest.Bob+">") {
		t.Errorf("leaderboard after the edit:\n%s", top)
	}
}

// TestReactionRemovedThenAddedAcrossARestart: Slack delivers a reaction's
// removal before its addition, and the process restarts in between (a
// deploy): the late addition is stale and gives no kudos, because the order
// of a kudos' events is kept in the database, not in one process's memory.
func TestReactionRemovedThenAddedAcrossARestart(t *testing.T) {
	t.Parallel()
	h := start(t)
	m := post(h, apptest.Bob, apptest.General, "I rewrote the onboarding guide after the customer call")
	add := react(h, added, apptest.Carol, "clap", m)      // earlier event_ts
	remove := react(h, removed, apptest.Carol, "clap", m) // later event_ts
	if got := deliver(h, remove); got != bot.ReactionNothingToTake {
		t.Fatalf("the removal, first: %s", got)
	}
	h.Restart()
	if got := deliver(h, add); got != bot.ReactionStale {
		t.Errorf("the addition, after the removal and a restart: %s, want stale", got)
	}
	wantKudos(h, "after both events")
}

// TestFailedChannelLookupDecidesNothing: conversations.info answers an error
// once; the kudos given in the public channel is kept as private only until
// the bot can tell, then counts as public (it used to stay private forever,
// missing from top, roundups and digests).
func TestFailedChannelLookupDecidesNothing(t *testing.T) {
	t.Parallel()
	h := start(t)
	m := post(h, apptest.Bob, apptest.General, "I rewrote the onboarding guide after the customer call")
	h.Slack.FailNext("conversations.info", 1, "internal_error")
	if got := deliver(h, react(h, added, apptest.Carol, "clap", m)); got != bot.ReactionGiven {
		t.Fatalf("kudos: %s", got)
	}
	h.Eventually("the kudos counted as public", func() bool {
		k := h.Export().Kudos
		return len(k) == 1 && !k[0].Private
	})
	if top := command(h, apptest.Carol, apptest.General, "top all"); !strings.Contains(top, "<@"+apptest.Bob+">") {
		t.Errorf("Bob is not on the leaderboard:\n%s", top)
	}
}
