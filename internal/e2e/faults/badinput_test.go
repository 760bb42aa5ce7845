package faults

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// oddText mixes what trips naive text handling: right-to-left and
// zero-width characters, combining marks, a family emoji made of joined
// code points, mrkdwn control characters, mentions of everyone, and a
// lone surrogate's replacement character.
const oddText = "\u202eevil\u202c \u200b\u200d e\u0301\u0301\u0301 👩‍👩‍👧‍👦 <!channel> <!here|here> &lt; *_~`> \ufffd 𝕏"

// TestMalformedInputIsAnsweredNeverFatal sends malformed envelopes, unknown
// types, oversized text and odd Unicode: each gets an answer (an ack, with
// a reply where the user expects one) in time, the bot reports (and logs)
// what it could not read, and it keeps serving.
func TestMalformedInputIsAnsweredNeverFatal(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	srv := h.Slack
	huge := strings.Repeat("x", 200_000)
	tests := []struct {
		name    string
		typ     string
		payload any
		reply   bool   // a reply the user sees is expected in the ack
		says    string // the reply or a view error says this
		logged  bool   // the bot reports (and logs) the envelope it could not read
	}{
		{name: "payload not an object", typ: slackfake.TypeEventsAPI, payload: json.RawMessage(`[1,2,3]`), logged: true},
		{name: "wrong field types", typ: slackfake.TypeInteractive, payload: json.RawMessage(`{"type":"view_submission","user":42,"view":"nope"}`), logged: true},
		{name: "wrong field types in a command", typ: slackfake.TypeSlashCommands, payload: json.RawMessage(`{"command":["x"],"text":{"a":1}}`), logged: true},
		{name: "unknown envelope type", typ: "brand_new_type", payload: map[string]any{"x": 1}, logged: true},
		{name: "unknown event type", typ: slackfake.TypeEventsAPI, payload: srv.EventCallback(map[string]any{"type": "emoji_changed", "subtype": "add"})},
		{name: "unknown interaction type", typ: slackfake.TypeInteractive, payload: map[string]any{"type": "mystery", "user": map[string]any{"id": apptest.Alice}}},
		{name: "empty payload", typ: slackfake.TypeSlashCommands, payload: json.RawMessage(`{}`)},
		{name: "huge command text", typ: slackfake.TypeSlashCommands, payload: srv.SlashCommand(apptest.Alice, apptest.General, "top "+huge), reply: true},
		{name: "huge unknown subcommand", typ: slackfake.TypeSlashCommands, payload: srv.SlashCommand(apptest.Alice, apptest.General, huge), reply: true},
		{name: "huge quick share", typ: slackfake.TypeSlashCommands, payload: srv.SlashCommand(apptest.Alice, apptest.General, "<@UBOB|bob> "+huge), reply: true, says: "keep it to 3000"},
		{name: "odd unicode command", typ: slackfake.TypeSlashCommands, payload: srv.SlashCommand(apptest.Alice, apptest.General, oddText), reply: true},
		{name: "odd unicode quick share", typ: slackfake.TypeSlashCommands, payload: srv.SlashCommand(apptest.Alice, apptest.General, "<@UBOB|bob> "+oddText+" stayed late for the customer"), reply: false},
		{name: "invalid UTF-8", typ: slackfake.TypeSlashCommands, payload: []byte("{\"command\":\"/extramile\",\"text\":\"top \xff\xfe\xfd\",\"user_id\":\"UALICE\",\"channel_id\":\"CGENERAL\"}"), reply: true},
		{name: "huge story in the modal", typ: slackfake.TypeInteractive, payload: submission(srv, apptest.General, huge, apptest.Bob), says: "keep it to 3000"},
		{name: "odd unicode story", typ: slackfake.TypeInteractive, payload: submission(srv, apptest.General, "[fodd-1] "+oddText+" and they fixed it", apptest.Bob)},
		{name: "odd reaction", typ: slackfake.TypeEventsAPI, payload: srv.ReactionEvent("reaction_added", apptest.Alice, "🙌::skin-tone-9::x", apptest.Bob, apptest.General, "1.000001")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := waitCtx(t)
			id, err := srv.Send(ctx, tt.typ, tt.payload)
			if err != nil {
				t.Fatal(err)
			}
			a, err := srv.WaitAck(ctx, id)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			if lat := a.Received.Sub(a.Sent); lat >= slackAckLimit {
				t.Errorf("answered after %v, want under %v", lat, slackAckLimit)
			}
			p := apptest.AckPayload(t, a)
			if tt.reply && p == nil {
				t.Errorf("a plain ack; want a reply the user sees")
			}
			if tt.says != "" {
				if raw, _ := json.Marshal(p); !strings.Contains(string(raw), tt.says) {
					t.Errorf("answer %s; want it to say %q", raw, tt.says)
				}
			}
			if tt.logged {
				if u := h.WaitUnreadable(id); u.Err == nil {
					t.Errorf("envelope %s reported unreadable without a reason", id)
				}
			}
		})
	}
	// The odd story went through as written, and its shoutout is valid Block Kit.
	h.Eventually("the odd story's shoutout", func() bool { return tokensIn(h.Posts(apptest.General))["fodd-1"] == 1 })
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "help")); p == nil {
		t.Error("the bot stopped answering commands")
	}
	if n := len(srv.Acks()); n != len(tests)+1 {
		t.Errorf("acks: got %d, want one per envelope (%d)", n, len(tests)+1)
	}
}
