package faults

import (
	"fmt"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
)

// TestSlackErrorBurstsLoseAndDuplicateNothing shares stories while Slack
// answers bursts of 429 (rate limited, with Retry-After) and 500/503 on the
// calls that publish them, then one more during an outage of
// chat.postMessage: every shoutout, thank-you DM and confirmation arrives,
// and none twice. A 5xx on a post may hide a post that went out, so the bot
// (not slack-go) retries it, and looks for it in the channel's history
// before each retry.
func TestSlackErrorBurstsLoseAndDuplicateNothing(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	srv := h.Slack

	done := func(tokens []string) func() bool {
		return func() bool {
			shout, bob, carol := tokensIn(h.Posts(apptest.General)), tokensIn(h.Posts(apptest.Bob)), tokensIn(h.Posts(apptest.Carol))
			for _, tok := range tokens {
				if shout[tok] == 0 || bob[tok] == 0 || carol[tok] == 0 {
					return false
				}
			}
			return len(h.Ephemerals(apptest.Alice)) >= len(tokens)
		}
	}

	srv.RateLimitNext("chat.postMessage", 3, 1)
	srv.ServerErrorNext("chat.postMessage", 3, 500)
	srv.RateLimitNext("chat.postMessage", 2, 0)
	srv.RateLimitNext("chat.getPermalink", 2, 1)
	srv.ServerErrorNext("chat.postEphemeral", 2, 503)
	var tokens []string
	for i := range 5 {
		tok := fmt.Sprintf("fburst-%d", i)
		tokens = append(tokens, tok)
		if errs := fieldErrors(t, submitStory(h, tok, apptest.Bob, apptest.Carol)); errs != nil {
			t.Fatalf("story %s refused: %v", tok, errs)
		}
	}
	h.Eventually("every shoutout, thank-you DM and confirmation", done(tokens))

	// An outage of chat.postMessage: three 503s. The bot's own retry looks
	// for the shoutout before each new try, and posts it afterwards.
	before, looks := len(srv.Calls("chat.postMessage")), len(srv.Calls("conversations.history"))
	srv.ServerErrorNext("chat.postMessage", 3, 503)
	tok := "fburst-99"
	tokens = append(tokens, tok)
	if errs := fieldErrors(t, submitStory(h, tok, apptest.Bob, apptest.Carol)); errs != nil {
		t.Fatalf("story %s refused: %v", tok, errs)
	}
	h.Eventually("the shoutout after the outage, its DMs and confirmation", done(tokens))
	for i, c := range srv.Calls("chat.postMessage")[before:][:4] {
		if c.Params.Get("channel") != apptest.General || (i < 3) != (c.Status == 503) {
			t.Fatalf("call %d since the outage began: %s answered %d; want 3 failed tries of the shoutout, then one that works", i, c.Params.Get("channel"), c.Status)
		}
	}
	if n := len(srv.Calls("conversations.history")) - looks; n != 3 {
		t.Errorf("looks in the history during the outage: got %d, want 3 (one before each new try)", n)
	}

	// A clean stop waits for the work in flight: then nothing more can come.
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	for who, msgs := range map[string]map[string]int{
		"shoutout in #general":  tokensIn(h.Posts(apptest.General)),
		"thank-you DM to Bob":   tokensIn(h.Posts(apptest.Bob)),
		"thank-you DM to Carol": tokensIn(h.Posts(apptest.Carol)),
	} {
		for _, tok := range tokens {
			if msgs[tok] != 1 {
				t.Errorf("%s for %s: got %d, want 1", who, tok, msgs[tok])
			}
		}
	}
	if got := len(h.Ephemerals(apptest.Alice)); got != len(tokens) {
		t.Errorf("confirmations to the author: got %d, want %d", got, len(tokens))
	}
	if got := len(h.Posts(apptest.Alice)); got != 0 {
		t.Errorf("DMs to the author: got %d, want 0 (confirmations are ephemeral; no delay notice was due)", got)
	}
	if got := srv.RateLimited("chat.postMessage"); got != 5 {
		t.Errorf("429s of chat.postMessage: got %d, want the 5 injected", got)
	}
	stored := storiesByToken(h)
	for _, tok := range tokens {
		if stored[tok] != 1 {
			t.Errorf("story %s stored %d times, want 1", tok, stored[tok])
		}
	}
}
