package kudos

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestKudosCountOncePerReaction: a kudos reaction gives its author one
// kudos, listed by the export and counted by /extramile top, however often
// Slack delivers it: a redelivery (retry_attempt 1, same event_id), the same
// reaction under a new event_id, or another event for a reaction already
// counted.
func TestKudosCountOncePerReaction(t *testing.T) {
	t.Parallel()
	h := start(t)
	m := post(h, apptest.Bob, apptest.General, "Fixed the flaky deploy before the release")
	want := kudos{apptest.Alice, apptest.Bob, apptest.General, m.TS, "raised_hands", 0}

	p := react(h, added, apptest.Alice, "raised_hands", m)
	if got := deliver(h, p); got != bot.ReactionGiven {
		t.Errorf("first delivery: outcome %q, want kudos_given", got)
	}
	wantKudos(h, "after the reaction", want)
	if k := exportedAt(h); !k[0].CreatedAt.Equal(now) {
		t.Errorf("created_at %v, want now on the program's clock (%v)", k[0].CreatedAt, now)
	}

	deliver(h, p, slackfake.WithRetry(1, "timeout"))
	wantKudos(h, "after the redelivery (retry_attempt 1)", want)

	deliver(h, withEventID(p, "Ev0DUPLICATE1"))
	wantKudos(h, "after the same reaction under a new event_id", want)

	deliver(h, react(h, added, apptest.Alice, "raised_hands", m))
	wantKudos(h, "after another event for the counted reaction", want)

	top := command(h, apptest.Carol, apptest.General, "top")
	if !strings.Contains(top, "<@"+apptest.Bob+">: 1 kudos") {
		t.Errorf("/extramile top does not give Bob his one kudos:\n%s", top)
	}
	// A second kudos emoji is a second kudos; /extramile top sees both.
	deliver(h, react(h, added, apptest.Alice, "clap", m))
	wantKudos(h, "after a clap as well", want, kudos{apptest.Alice, apptest.Bob, apptest.General, m.TS, "clap", 0})
	if top := command(h, apptest.Carol, apptest.General, "top week"); !strings.Contains(top, "<@"+apptest.Bob+">: 2 kudos") {
		t.Errorf("/extramile top week does not give Bob his two kudos:\n%s", top)
	}
}

// TestRemovingTakesBackAndAddingAgainCountsAgain: reaction_removed takes the
// kudos back, adding the reaction again gives it again, and no late copy of
// an earlier event (under its own event_id or another) brings back a kudos
// that was taken back or counts one twice, before or after a restart.
func TestRemovingTakesBackAndAddingAgainCountsAgain(t *testing.T) {
	t.Parallel()
	h := start(t)
	m := post(h, apptest.Bob, apptest.General, "Stayed late to help the support team")
	given := kudos{apptest.Alice, apptest.Bob, apptest.General, m.TS, "raised_hands", 0}

	add1 := react(h, added, apptest.Alice, "raised_hands", m)
	deliver(h, add1)
	wantKudos(h, "after the first add", given)

	rem1 := react(h, removed, apptest.Alice, "raised_hands", m)
	deliver(h, rem1)
	wantKudos(h, "after the remove")

	deliver(h, add1, slackfake.WithRetry(1, "timeout"))
	wantKudos(h, "after a late redelivery of the first add")
	deliver(h, withEventID(add1, "Ev0LATECOPY1"))
	wantKudos(h, "after a late copy of the first add under a new event_id")

	add2 := react(h, added, apptest.Alice, "raised_hands", m)
	deliver(h, add2)
	wantKudos(h, "after adding the reaction again", given)

	deliver(h, add1, slackfake.WithRetry(2, "timeout"))
	deliver(h, withEventID(add1, "Ev0LATECOPY2"))
	deliver(h, rem1, slackfake.WithRetry(1, "timeout"))
	wantKudos(h, "after late copies of the first add and remove", given)

	rem2 := react(h, removed, apptest.Alice, "raised_hands", m)
	deliver(h, rem2)
	wantKudos(h, "after the second remove")

	h.Restart() // what the bot remembers of events must outlive it
	deliver(h, add2, slackfake.WithRetry(1, "timeout"))
	deliver(h, withEventID(add2, "Ev0LATECOPY3"))
	deliver(h, withEventID(add1, "Ev0LATECOPY4"))
	wantKudos(h, "after late copies of both adds, after a restart")

	deliver(h, react(h, added, apptest.Alice, "raised_hands", m))
	wantKudos(h, "after adding it a third time", given)
}

// TestRemoveHandledBeforeItsAdd: events can reach the bot's handlers out of
// order (they run concurrently; a redelivery comes late). A remove handled
// before the add it undoes must win: no kudos is left for a reaction that is
// gone.
func TestRemoveHandledBeforeItsAdd(t *testing.T) {
	t.Parallel()
	h := start(t)
	m := post(h, apptest.Bob, apptest.General, "Rewrote the onboarding guide")
	add := react(h, added, apptest.Alice, "raised_hands", m)
	rem := react(h, removed, apptest.Alice, "raised_hands", m)

	deliver(h, rem)
	if got := deliver(h, add, slackfake.WithRetry(1, "timeout")); got != bot.ReactionStale {
		t.Errorf("add handled after its remove: outcome %q, want stale", got)
	}
	wantKudos(h, "after the remove, then its add")

	// The same, racing: both sent at once, many times over.
	for i := range 5 {
		m := post(h, apptest.Bob, apptest.General, "Another good deed")
		add, rem := react(h, added, apptest.Carol, "clap", m), react(h, removed, apptest.Carol, "clap", m)
		addEnv, err := h.Slack.Send(h.Ctx(), slackfake.TypeEventsAPI, add)
		if err != nil {
			t.Fatal(err)
		}
		remEnv, err := h.Slack.Send(h.Ctx(), slackfake.TypeEventsAPI, rem)
		if err != nil {
			t.Fatal(err)
		}
		for _, env := range []string{addEnv, remEnv} {
			if _, err := h.Slack.WaitAck(h.Ctx(), env); err != nil {
				t.Fatalf("round %d: no ack: %v", i, err)
			}
		}
		waitHandled(h, eventID(add), 1)
		waitHandled(h, eventID(rem), 1)
	}
	wantKudos(h, "after racing adds and removes")
}
