package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"testing"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// storyText is a valid story carrying a token that finds it again in the
// database and in the shoutout.
func storyText(token string) string {
	return fmt.Sprintf("[%s] Stayed late to get the customer's import working before their launch.", token)
}

// tokenRE finds the tokens storyText writes.
var tokenRE = regexp.MustCompile(`\[(f[a-z]+-[0-9]+)\]`)

// submission is the view_submission of a filled-in story modal: Alice
// thanks the people named for text, to be shared in channel.
func submission(srv *slackfake.Server, channel, text string, who ...string) map[string]any {
	meta := compose.ModalMetadata{Channel: channel}.Encode()
	return srv.ViewSubmissionPayload(apptest.Alice, compose.CallbackStory, meta, map[string]map[string]any{
		compose.BlockWho:      {compose.ActionWho: slackfake.UsersValue(who...)},
		compose.BlockWhat:     {compose.ActionWhat: slackfake.TextValue(text)},
		compose.BlockAudience: {compose.ActionAudience: slackfake.RadioValue("customer")},
		compose.BlockChannel:  {compose.ActionChannel: slackfake.ConversationValue(channel)},
	})
}

// submitStory sends a story submission and returns its ack.
func submitStory(h *apptest.Harness, token string, who ...string) slackfake.Ack {
	h.T.Helper()
	if len(who) == 0 {
		who = []string{apptest.Bob}
	}
	return h.Interact(submission(h.Slack, apptest.General, storyText(token), who...))
}

// fieldErrors returns the errors of a view_submission ack answered with
// response_action "errors" (nil for a plain ack, which closes the modal).
func fieldErrors(t *testing.T, a slackfake.Ack) map[string]string {
	t.Helper()
	p := apptest.AckPayload(t, a)
	if p == nil {
		return nil
	}
	if p["response_action"] != "errors" {
		t.Fatalf("ack payload %s: want a plain ack or response_action errors", a.Payload)
	}
	out := map[string]string{}
	errs, _ := p["errors"].(map[string]any)
	for k, v := range errs {
		out[k], _ = v.(string)
	}
	return out
}

// tokensIn counts the story tokens in a set of messages.
func tokensIn(msgs []slackfake.Message) map[string]int {
	n := map[string]int{}
	for _, m := range msgs {
		for _, tok := range tokenRE.FindAllStringSubmatch(apptest.Text(m), -1) {
			n[tok[1]]++
			break // one story per message
		}
	}
	return n
}

// storiesByToken counts the stored stories by token.
func storiesByToken(h *apptest.Harness) map[string]int {
	h.T.Helper()
	n := map[string]int{}
	for _, s := range h.Export().Stories {
		if m := tokenRE.FindStringSubmatch(s.Text); m != nil {
			n[m[1]]++
		}
	}
	return n
}

// waitCtx is a context bounded by apptest.Timeout, cancelled at cleanup.
func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), apptest.Timeout)
	t.Cleanup(cancel)
	return ctx
}

// decode unmarshals raw JSON into a map, failing the test on error.
func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return m
}
