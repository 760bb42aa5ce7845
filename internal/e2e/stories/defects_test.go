package stories

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// buttonValue returns the value of the button actionID in m, or fails.
func buttonValue(t *testing.T, m slackfake.Message, actionID string) string {
	t.Helper()
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatalf("blocks of %q: %v", m.Text, err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == actionID {
				return e.Value
			}
		}
	}
	t.Fatalf("no %s button in %q", actionID, m.Text)
	return ""
}

// askToDelete picks "Delete story" in the shoutout's menu as user and returns
// the confirmation the bot showed.
func askToDelete(t *testing.T, h *apptest.Harness, user string, so slackfake.Message, id int64) slackfake.Message {
	t.Helper()
	before := len(h.Ephemerals(user))
	menu(h, user, so, compose.MenuDelete, id)
	h.Eventually("the delete confirmation", func() bool { return len(h.Ephemerals(user)) > before })
	return h.Ephemerals(user)[before]
}

// clickAndWait clicks a button of an ephemeral message as user and returns
// the ephemeral answer (or the response_url one) that follows.
func clickAndWait(t *testing.T, h *apptest.Harness, user, channel, actionID, value string) string {
	t.Helper()
	eph, resp := len(h.Ephemerals(user)), len(h.Slack.Calls("response_url"))
	click(h, user, channel, actionID, value)
	h.Eventually("an answer to the click", func() bool {
		return len(h.Ephemerals(user)) > eph || len(h.Slack.Calls("response_url")) > resp
	})
	if len(h.Ephemerals(user)) > eph {
		return apptest.Text(h.Ephemerals(user)[eph])
	}
	return responseText(responses(t, h)[resp])
}

// TestLeftoverDeleteButtonDeletesNothing: Alice asks twice to delete her
// story, confirms one, shares a new story, then presses the other leftover
// "Delete" button: it says the story is gone and deletes nothing (story IDs
// used to be reused, so it deleted the new story). A confirmation shown
// before an edit deletes nothing either.
func TestLeftoverDeleteButtonDeletesNothing(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	first := askToDelete(t, h, apptest.Alice, so, s.ID)
	second := askToDelete(t, h, apptest.Alice, so, s.ID)
	clickAndWait(t, h, apptest.Alice, apptest.General, compose.ActionDeleteConfirm, buttonValue(t, first, compose.ActionDeleteConfirm))
	if n := len(h.Export().Stories); n != 0 {
		t.Fatalf("stories after the delete: %d, want 0", n)
	}
	newer := share(t, h, apptest.Alice, apptest.General, goodForm())
	if newer.ID == s.ID {
		t.Errorf("the new story got the deleted story's ID %d", s.ID)
	}
	answer := clickAndWait(t, h, apptest.Alice, apptest.General, compose.ActionDeleteConfirm, buttonValue(t, second, compose.ActionDeleteConfirm))
	if !strings.Contains(answer, "no longer exists") {
		t.Errorf("the leftover button answered %q, want that the story no longer exists", answer)
	}
	if got := h.Export().Stories; len(got) != 1 || got[0].ID != newer.ID {
		t.Fatalf("after the leftover button: %+v, want the new story kept", got)
	}

	// Asked to delete, then edited: the old confirmation deletes nothing.
	all := shoutouts(h, apptest.General)
	so2 := all[len(all)-1]
	stale := askToDelete(t, h, apptest.Alice, so2, newer.ID)
	f := goodForm()
	f.What = "Edited after asking to delete: the customer's import is fixed and documented."
	if p := editAs2(t, h, so2, newer.ID, f); p != nil {
		t.Fatalf("edit: %v", p)
	}
	answer = clickAndWait(t, h, apptest.Alice, apptest.General, compose.ActionDeleteConfirm, buttonValue(t, stale, compose.ActionDeleteConfirm))
	if !strings.Contains(answer, "changed since you asked to delete it") {
		t.Errorf("a confirmation from before the edit answered %q", answer)
	}
	if n := len(h.Export().Stories); n != 1 {
		t.Errorf("stories: %d, want 1 (nothing deleted)", n)
	}
}

// editAs2 edits a story from its shoutout's menu as Alice without checking
// what the modal was prefilled with.
func editAs2(t *testing.T, h *apptest.Harness, so slackfake.Message, id int64, f form) map[string]any {
	t.Helper()
	before := len(h.Slack.Views())
	menu(h, apptest.Alice, so, compose.MenuEdit, id)
	views := h.Slack.Views()
	if len(views) != before+1 {
		t.Fatalf("views: got %d, want %d (the edit modal)", len(views), before+1)
	}
	f.noChan = true
	return submit(t, h, views[len(views)-1].ID, f)
}

// TestDeleteThenShareAgain: the common "oops, delete and share again": the
// new story thanks Bob by DM and confirms to Alice again (the new story used
// to get the deleted one's ID, and with it its once-only keys).
func TestDeleteThenShareAgain(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	h.Eventually("Bob's thank-you DM", func() bool { return len(thanks(h, apptest.Bob)) == 1 })
	confirm := askToDelete(t, h, apptest.Alice, so, s.ID)
	clickAndWait(t, h, apptest.Alice, apptest.General, compose.ActionDeleteConfirm, buttonValue(t, confirm, compose.ActionDeleteConfirm))
	share(t, h, apptest.Alice, apptest.General, goodForm()) // waits for Alice's second confirmation
	// The first DM lost the deleted story's text; the second thanks Bob.
	h.Eventually("Bob's second thank-you DM", func() bool { return len(h.Posts(apptest.Bob)) == 2 && len(thanks(h, apptest.Bob)) == 1 })
	if n := len(confirmations(h, apptest.Alice)); n != 2 {
		t.Errorf("Alice's confirmations: %d, want 2", n)
	}
}

// TestDeletingAStoryRemovesItFromTheDMs: after a delete (and after
// forget-me), the story's text is gone from the thank-you DMs too.
func TestDeletingAStoryRemovesItFromTheDMs(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	h.Eventually("Bob's thank-you DM", func() bool { return len(thanks(h, apptest.Bob)) == 1 })
	dm := thanks(h, apptest.Bob)[0]
	confirm := askToDelete(t, h, apptest.Alice, so, s.ID)
	clickAndWait(t, h, apptest.Alice, apptest.General, compose.ActionDeleteConfirm, buttonValue(t, confirm, compose.ActionDeleteConfirm))
	h.Eventually("the story gone from Bob's DM", func() bool {
		m := message(t, h, apptest.Bob, dm.TS)
		return m.Edited && !strings.Contains(apptest.Text(m), "customer")
	})

	// forget-me: every story Alice shared leaves the DMs it was in.
	f := goodForm()
	f.Who = []string{apptest.Carol}
	share(t, h, apptest.Alice, apptest.General, f)
	h.Eventually("Carol's thank-you DM", func() bool { return len(thanks(h, apptest.Carol)) == 1 })
	cdm := thanks(h, apptest.Carol)[0]
	click(h, apptest.Alice, apptest.General, compose.ActionForgetConfirm, "forget_me")
	h.Eventually("the story gone from Carol's DM", func() bool {
		m := message(t, h, apptest.Carol, cdm.TS)
		return m.Edited && !strings.Contains(apptest.Text(m), "customer")
	})
}

// TestAcceptedStoryShownWhole: a story as long as the form accepts, full of
// characters that need escaping, appears complete in the shoutout and the
// thank-you DM (it used to be cut with "…").
func TestAcceptedStoryShownWhole(t *testing.T) {
	t.Parallel()
	h := start(t)
	f := goodForm()
	f.What = strings.TrimSpace(strings.Repeat("R&D <3 ", 3000/7))
	share(t, h, apptest.Alice, apptest.General, f)
	h.Eventually("Bob's thank-you DM", func() bool { return len(thanks(h, apptest.Bob)) == 1 })
	want := strings.Count(f.What, "R&D")
	for name, m := range map[string]slackfake.Message{"shoutout": shoutouts(h, apptest.General)[0], "thank-you DM": thanks(h, apptest.Bob)[0]} {
		var blocks []struct {
			Text struct{ Text string } `json:"text"`
		}
		if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
			t.Fatal(err)
		}
		var all strings.Builder // the quoted story, its sections' "> " taken off and rejoined
		for _, b := range blocks {
			for _, line := range strings.Split(b.Text.Text, "\n") {
				if q, ok := strings.CutPrefix(line, "> "); ok {
					all.WriteString(q)
				}
			}
		}
		if got := strings.Count(all.String(), "R&amp;D &lt;3"); got != want {
			t.Errorf("%s shows %d of the story's %d pieces", name, got, want)
		}
		if strings.Contains(all.String(), "…") {
			t.Errorf("%s cuts the story", name)
		}
	}
}

// TestFailedChannelLookupKeepsTheStoryPublic: conversations.info fails once
// while a story is shared in a public channel: the story is kept private
// only until the bot can tell, then public (it used to stay private
// forever, missing from roundups, digests and top).
func TestFailedChannelLookupKeepsTheStoryPublic(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Slack.FailNext("conversations.info", 1, "internal_error")
	// A quick share: the first look-up of the channel is the story's own
	// (the modal would look it up, and cache it, before).
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "<@"+apptest.Bob+"> "+storyText)); p != nil {
		t.Fatalf("quick share: %v", p)
	}
	h.Eventually("the story counted as public", func() bool {
		s := h.Export().Stories
		return len(s) == 1 && !s[0].Private
	})
}

// TestRollingDeployPostsTheShoutoutOnce: the shoutout of a story is under
// way in the old process (Slack is slow to answer) when a new process starts
// on the same database and resumes the pending shoutouts: the new process
// leaves the leased shoutout alone, and it is posted once (both used to post).
func TestRollingDeployPostsTheShoutoutOnce(t *testing.T) {
	t.Parallel()
	h := start(t)
	arrived, release := h.Slack.HoldNext("chat.postMessage")
	defer release()
	v := openModal(t, h, apptest.Alice, apptest.General)
	if p := submit(t, h, v.ID, goodForm()); p != nil {
		t.Fatalf("submission: %v", p)
	}
	select { // the shoutout is under way
	case <-arrived:
	case <-h.Ctx().Done():
		t.Fatal("the shoutout was never posted")
	}
	other := h.StartAnother() // resumes pending shoutouts at start
	if err := other.Stop(); err != nil {
		t.Fatal(err)
	}
	release()
	h.Eventually("the author's confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: %d, want 1", n)
	}
}

// TestSubcommandsActOnWhatTheyName: `/extramile unsubscribe #random` typed
// in #team acts on #random, not #team (it used to unsubscribe #team); words
// a subcommand does not take are refused, and nothing changes.
func TestSubcommandsActOnWhatTheyName(t *testing.T) {
	t.Parallel()
	h := start(t)
	if got := ackText(t, h.Command(apptest.Admin, apptest.Team, "subscribe")); !strings.Contains(got, "is subscribed") {
		t.Fatalf("subscribe: %q", got)
	}
	if got := ackText(t, h.Command(apptest.Admin, apptest.Team, "unsubscribe <#"+apptest.Random+"|random>")); !strings.Contains(got, "<#"+apptest.Random+"> wasn't subscribed") {
		t.Errorf("unsubscribe #random in #team: %q", got)
	}
	if got := ackText(t, h.Command(apptest.Admin, apptest.Team, "unsubscribe random please")); !strings.Contains(got, "nothing changed") {
		t.Errorf("unsubscribe with words it does not take: %q", got)
	}
	if got := ackText(t, h.Command(apptest.Admin, apptest.Team, "subscribe <#"+apptest.Random+"|random>")); !strings.Contains(got, "<#"+apptest.Random+"> is subscribed") {
		t.Errorf("subscribe #random in #team: %q", got)
	}
	settings := ackText(t, h.Command(apptest.Admin, apptest.Team, "settings"))
	for _, ch := range []string{apptest.Team, apptest.Random} {
		if !strings.Contains(settings, "<#"+ch+">") {
			t.Errorf("settings lack <#%s>: channels changed that were not named\n%s", ch, settings)
		}
	}
	if got := ackText(t, h.Command(apptest.Alice, apptest.General, "mine please")); !strings.Contains(got, "takes nothing after it") {
		t.Errorf("mine with extra words: %q", got)
	}
}

// TestQuietSaysWhatItDoes: `/extramile quiet on` twice leaves kudos DMs off
// (a toggle turned them back on), `quiet` alone says the state.
func TestQuietSaysWhatItDoes(t *testing.T) {
	t.Parallel()
	h := start(t)
	for range 2 {
		if got := ackText(t, h.Command(apptest.Bob, apptest.General, "quiet on")); !strings.Contains(got, "Quiet is on") {
			t.Errorf("quiet on: %q", got)
		}
	}
	if got := ackText(t, h.Command(apptest.Bob, apptest.General, "quiet")); !strings.Contains(got, "Quiet is on") {
		t.Errorf("quiet, after quiet on twice: %q", got)
	}
	if got := ackText(t, h.Command(apptest.Bob, apptest.General, "quiet off")); !strings.Contains(got, "Quiet is off") {
		t.Errorf("quiet off: %q", got)
	}
	if got := ackText(t, h.Command(apptest.Bob, apptest.General, "quiet maybe")); !strings.Contains(got, "quiet on") {
		t.Errorf("quiet maybe: %q", got)
	}
}
