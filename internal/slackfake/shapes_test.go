package slackfake

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/slack-go/slack"
)

// The files in testdata/shapes are payloads from Slack's documentation and SDK mocks. The fake's
// output must hold every field they hold, nested objects included (values may differ).

func loadShape(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "shapes", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// assertShape fails for every key of want missing from got.
func assertShape(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	for _, miss := range missingKeys("", normalize(got), want) {
		t.Errorf("%s: missing %s", what, miss)
	}
}

// normalize turns typed maps into map[string]any by a JSON round trip.
func normalize(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func missingKeys(at string, got, want map[string]any) []string {
	var out []string
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			out = append(out, at+"/"+k)
			continue
		}
		switch w := wv.(type) {
		case map[string]any:
			if k == "values" {
				continue // keyed by the app's block and action IDs
			}
			if g, ok := gv.(map[string]any); ok {
				out = append(out, missingKeys(at+"/"+k, g, w)...)
			}
		case []any:
			g, ok := gv.([]any)
			if ok && len(w) > 0 && len(g) > 0 {
				wm, ok1 := w[0].(map[string]any)
				gm, ok2 := g[0].(map[string]any)
				if ok1 && ok2 {
					out = append(out, missingKeys(fmt.Sprintf("%s/%s/0", at, k), gm, wm)...)
				}
			}
		}
	}
	return out
}

// homeOpened publishes a Home for U1 and returns the app_home_opened of U1
// opening it (with its view, as Slack sends once a Home was published).
func homeOpened(t *testing.T, srv *Server) map[string]any {
	t.Helper()
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{
		slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, "hi", false, false), nil, nil),
	}}}
	if _, err := newAPI(srv).PublishViewContext(testCtx(t), slack.PublishViewContextRequest{UserID: "U1", View: home}); err != nil {
		t.Fatal(err)
	}
	return srv.AppHomeOpened("U1")
}

func TestPayloadShapesMatchSlack(t *testing.T) {
	srv := withDirectory(New(t))
	post := srv.AddMessage(Message{Channel: "C1", User: "UBOT", Text: "hi"})
	tests := []struct {
		name  string
		got   map[string]any
		shape string
	}{
		{"slash command", srv.SlashCommand("U1", "C1", "hi"), "socket_slash_command_python_sdk_mock.json"},
		{"view submission", srv.ViewSubmissionPayload("U1", "cb", "", map[string]map[string]any{"b": {"a": TextValue("x")}}), "socket_view_submission_ASSEMBLED.json"},
		{"block actions", srv.BlockActionsPayload("U1", "C1", post.TS, []map[string]any{ButtonAction("a", "b", "v")}), "socket_block_actions_message_container_ASSEMBLED.json"},
		{"reaction added", srv.ReactionEvent("reaction_added", "U1", "tada", "U2", "C1", post.TS), "socket_event_reaction_added_ASSEMBLED.json"},
		{"message shortcut", srv.MessageShortcutPayload("U1", "C1", post.TS, "cb"), "interactive_message_action_ASSEMBLED.json"},
		{"global shortcut", srv.GlobalShortcutPayload("U1", "cb"), "interactive_shortcut_ASSEMBLED.json"},
		{"app home opened", homeOpened(t, srv), "socket_event_app_home_opened_ASSEMBLED.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			payload, _ := loadShape(t, tc.shape)["payload"].(map[string]any)
			assertShape(t, tc.name, tc.got, payload)
		})
	}
}

func TestEnvelopeShapeMatchesSlack(t *testing.T) {
	attempt, reason := 0, ""
	env := envelope{EnvelopeID: newUUID(), Type: TypeEventsAPI, Payload: json.RawMessage(`{}`), RetryAttempt: &attempt, RetryReason: &reason}
	want := loadShape(t, "socket_event_reaction_added_ASSEMBLED.json")
	delete(want, "payload") // compared above
	assertShape(t, "envelope", normalize(env), want)
}

func TestWebAPIShapesMatchSlack(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	var auth map[string]any
	if err := rawCall(ctx, srv, "auth.test", "xoxb-test", nil, &auth); err != nil {
		t.Fatal(err)
	}
	assertShape(t, "auth.test", auth, loadShape(t, "web_auth_test_SHAPE.json"))

	post := srv.AddMessage(Message{Channel: "C1", User: "UBOT", Text: "hi"})
	var link map[string]any
	if err := rawCall(ctx, srv, "chat.getPermalink", "xoxb-test", map[string]string{"channel": "C1", "message_ts": post.TS}, &link); err != nil {
		t.Fatal(err)
	}
	assertShape(t, "chat.getPermalink", link, loadShape(t, "web_chat_getPermalink_SHAPE.json"))
}

func TestHistoryShapeMatchesSlack(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	for range 2 {
		var posted map[string]any
		if err := rawCall(ctx, srv, "chat.postMessage", "xoxb-test", map[string]string{
			"channel": "C1", "text": "hi", "metadata": `{"event_type":"task_created","event_payload":{"id":"TK-2132"}}`,
		}, &posted); err != nil || posted["ok"] != true {
			t.Fatalf("post: %v %v", posted, err)
		}
	}
	var h map[string]any
	if err := rawCall(ctx, srv, "conversations.history", "xoxb-test", map[string]string{"channel": "C1", "limit": "1", "include_all_metadata": "true"}, &h); err != nil {
		t.Fatal(err)
	}
	assertShape(t, "conversations.history", h, loadShape(t, "web_conversations_history_docs.json"))
	msgs, _ := h["messages"].([]any)
	if len(msgs) != 1 {
		t.Fatalf("messages: %v", h["messages"])
	}
	msg, _ := msgs[0].(map[string]any)
	assertShape(t, "a message with metadata", msg, loadShape(t, "web_message_metadata_docs.json"))
}
