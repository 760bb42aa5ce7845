package slackapp

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

func TestSplitCommand(t *testing.T) {
	tests := []struct{ text, sub, rest string }{
		{"", "", ""},
		{"  HELP ", "help", ""},
		{"top  Week", "top", "Week"},
		{"<@U1|Al> did\nthings", "<@U1|Al>", "did\nthings"},
		{"forget-me", "forget-me", ""},
	}
	for _, tt := range tests {
		sub, rest := splitCommand(tt.text)
		if sub != tt.sub || rest != tt.rest {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", tt.text, sub, rest, tt.sub, tt.rest)
		}
	}
}

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct{ raw, id, typ string }{
		{`{"envelope_id":"e1","type":"events_api","payload":{"x":`, "", ""},
		{`{"envelope_id":"e1","type":"mystery","payload":[1,2]}`, "e1", "mystery"},
		{`{"envelope_id":7,"type":"slash_commands"}`, "", "slash_commands"},
		{`[]`, "", ""},
	}
	for _, tt := range tests {
		id, typ := decodeEnvelope([]byte(tt.raw))
		if id != tt.id || typ != tt.typ {
			t.Errorf("decodeEnvelope(%s) = %q, %q; want %q, %q", tt.raw, id, typ, tt.id, tt.typ)
		}
	}
}

// FuzzDecodeEnvelope feeds arbitrary bytes to everything that decodes an
// envelope on the way in: our own envelope reader, slack-go's payload
// parsers and the router (a panic in those would stop the socket). None may
// panic. (bot's FuzzParseQuickShare fuzzes the quick share's own parser.)
func FuzzDecodeEnvelope(f *testing.F) {
	seeds := []string{
		`{"envelope_id":"e1","type":"events_api","payload":{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","user":"U1","reaction":"raised_hands","item_user":"U2","item":{"type":"message","channel":"C1","ts":"1.2"},"event_ts":"1.3"}}}`,
		`{"envelope_id":"e2","type":"slash_commands","payload":{"command":"/extramile","text":"<@U1|a> hi","user_id":"U1","channel_id":"C1","trigger_id":"t"}}`,
		`{"envelope_id":"e3","type":"interactive","payload":{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"story_modal","state":{"values":{"who":{"a":{"type":"multi_users_select","selected_users":["U2"]}}}}}}}`,
		`{"envelope_id":"e4","type":"interactive","payload":{"type":"block_actions","actions":[{"action_id":"x","type":"overflow","selected_option":{"value":"edit:1"}}]}}`,
		`{"type":"disconnect","reason":"refresh_requested"}`,
		`{"envelope_id":"e5","type":"events_api","payload":{"type":"event_callback","event":{"type":"reaction_removed","item":null}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	r := fuzzRouter()
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, raw []byte) {
		decodeEnvelope(raw)
		var env struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(raw, &env) != nil {
			return
		}
		eventID(env.Payload)
		switch env.Type {
		case "events_api":
			if ev, err := slackevents.ParseEvent(env.Payload, slackevents.OptionNoVerifyToken()); err == nil {
				r.DispatchEvent(ctx, Event{Inner: ev.InnerEvent})
			}
		case "slash_commands":
			var cmd slack.SlashCommand
			if json.Unmarshal(env.Payload, &cmd) == nil {
				splitCommand(cmd.Text)
				r.DispatchCommand(ctx, cmd)
			}
		case "interactive":
			var cb slack.InteractionCallback
			if json.Unmarshal(env.Payload, &cb) == nil {
				r.DispatchInteraction(ctx, cb)
			}
		}
	})
}

// fuzzRouter routes what the fuzz seeds carry to handlers that read it.
func fuzzRouter() *Router {
	r := NewRouter(nil)
	readCommand := func(_ context.Context, cmd Command) any { return cmd.Sub + cmd.Args }
	r.Command("/extramile", readCommand)
	r.Subcommand("/extramile", "top", readCommand)
	r.UnknownSubcommand("/extramile", readCommand)
	r.View("story_modal", func(_ context.Context, cb slack.InteractionCallback) any { return cb.View.State })
	r.Action("x", func(_ context.Context, _ slack.InteractionCallback, a *slack.BlockAction) { _ = a.SelectedOption.Value })
	On(r, "reaction_added", func(_ context.Context, _ Event, e *slackevents.ReactionAddedEvent) { _ = e.Item.Channel })
	On(r, "reaction_removed", func(_ context.Context, _ Event, e *slackevents.ReactionRemovedEvent) { _ = e.Item.Channel })
	return r
}
