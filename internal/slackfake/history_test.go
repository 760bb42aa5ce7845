package slackfake

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/slack-go/slack"
)

// tagged is the metadata option of a post tagged n.
func tagged(n int) slack.MsgOption {
	return slack.MsgOptionMetadata(slack.SlackMetadata{EventType: "test_post", EventPayload: map[string]any{"n": fmt.Sprint(n)}})
}

func TestHistoryReturnsMetadataNewestFirstInPages(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	var stamps []string
	for i := range 5 {
		_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText(fmt.Sprint("post ", i), false), tagged(i))
		if err != nil {
			t.Fatal(err)
		}
		stamps = append(stamps, ts)
	}
	srv.AddMessage(Message{Channel: "C1", User: "U1", Text: "someone else", ThreadTS: stamps[0]}) // a reply: not listed

	// Without include_all_metadata: no metadata.
	h, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 5 || h.HasMore {
		t.Fatalf("messages: got %d (has_more %v), want 5", len(h.Messages), h.HasMore)
	}
	if h.Messages[0].Timestamp != stamps[4] || h.Messages[4].Timestamp != stamps[0] {
		t.Errorf("order: got %s … %s, want newest first", h.Messages[0].Timestamp, h.Messages[4].Timestamp)
	}
	if h.Messages[0].Metadata.EventType != "" {
		t.Errorf("metadata without include_all_metadata: %+v", h.Messages[0].Metadata)
	}

	// Pages of two, from the second post on, with metadata.
	var got []string
	p := &slack.GetConversationHistoryParameters{ChannelID: "C1", Oldest: stamps[1], Inclusive: true, Limit: 2, IncludeAllMetadata: true}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		h, err := api.GetConversationHistoryContext(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range h.Messages {
			if m.Metadata.EventType != "test_post" || m.BotID != "B0001" {
				t.Errorf("message %s: metadata %+v bot %q, want test_post from B0001", m.Timestamp, m.Metadata, m.BotID)
			}
			got = append(got, fmt.Sprint(m.Metadata.EventPayload["n"]))
		}
		if !h.HasMore {
			break
		}
		p.Cursor = h.ResponseMetaData.NextCursor
	}
	if fmt.Sprint(got) != "[4 3 2 1]" {
		t.Errorf("tags from the second post on: got %v, want [4 3 2 1]", got)
	}

	// latest is exclusive unless inclusive.
	h, err = api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1", Latest: stamps[2]})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Messages) != 2 {
		t.Errorf("before the third post: got %d messages, want 2", len(h.Messages))
	}
}

func TestHistoryRefusals(t *testing.T) {
	srv := withDirectory(New(t))
	srv.AddChannel(Channel{ID: "CMPIM", Name: "mpdm-alice--bob-1", IsMpIM: true})
	api := newAPI(srv)
	ctx := testCtx(t)
	for _, tc := range []struct{ channel, want string }{
		{"C2", "not_in_channel"},
		{"G2", "channel_not_found"},
		{"CNOPE", "channel_not_found"},
		{"CMPIM", "missing_scope"}, // mpim:history is not granted
		{"DU1", ""},
		{"G1", ""},
	} {
		_, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: tc.channel})
		if got := slackCode(err); got != tc.want {
			t.Errorf("%s: got %v, want %q", tc.channel, err, tc.want)
		}
	}
	srv.SetBotScopes("chat:write")
	if _, err := api.GetConversationHistoryContext(ctx, &slack.GetConversationHistoryParameters{ChannelID: "C1"}); slackCode(err) != "missing_scope" {
		t.Errorf("without channels:history: got %v, want missing_scope", err)
	}
}

func TestPostMetadataMustBeWellFormed(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	var answer struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	for _, meta := range []string{`{"event_type":"x"}`, `{"event_payload":{}}`, `[1]`, `nope`} {
		if err := rawCall(ctx, srv, "chat.postMessage", "xoxb-test", map[string]string{"channel": "C1", "text": "hi", "metadata": meta}, &answer); err != nil {
			t.Fatal(err)
		}
		if answer.Error != "invalid_metadata_format" {
			t.Errorf("metadata %s: got %+v, want invalid_metadata_format", meta, answer)
		}
	}
	if n := len(srv.Messages("C1")); n != 0 {
		t.Errorf("messages stored: %d, want none", n)
	}
}

func TestChannelPostingRules(t *testing.T) {
	srv := withDirectory(New(t))
	srv.AddChannel(Channel{ID: "CANN", Name: "announcements", BotIsMember: true, ReadOnly: true})
	srv.AddChannel(Channel{ID: "CTHR", Name: "threads", BotIsMember: true, ThreadOnly: true})
	srv.AddChannel(Channel{ID: "CMPIM", Name: "mpdm-alice--bob-1", IsMpIM: true})
	srv.AddChannel(Channel{ID: "CGONE", Name: "gone", BotIsMember: true})
	srv.DeleteChannel("CGONE")
	api := newAPI(srv)
	ctx := testCtx(t)
	parent := srv.AddMessage(Message{Channel: "CTHR", User: "U1", Text: "a thread"})
	for _, tc := range []struct {
		channel string
		opts    []slack.MsgOption
		want    string
	}{
		{"CANN", nil, "restricted_action_read_only_channel"},
		{"CTHR", nil, "restricted_action_thread_only_channel"},
		{"CTHR", []slack.MsgOption{slack.MsgOptionTS(parent.TS)}, ""},
		{"CMPIM", nil, "channel_not_found"},
		{"CGONE", nil, "channel_not_found"},
	} {
		_, _, err := api.PostMessageContext(ctx, tc.channel, append([]slack.MsgOption{slack.MsgOptionText("hi", false)}, tc.opts...)...)
		if got := slackCode(err); got != tc.want {
			t.Errorf("%s: got %v, want %q", tc.channel, err, tc.want)
		}
	}
	if _, _, _, err := api.JoinConversationContext(ctx, "CMPIM"); slackCode(err) != "channel_not_found" {
		t.Errorf("join a group DM: got %v, want channel_not_found", err)
	}
	if _, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "CMPIM"}); slackCode(err) != "missing_scope" {
		t.Errorf("conversations.info on a group DM without mpim:read: got %v, want missing_scope", err)
	}
	if name := srv.SlashCommand("U1", "CMPIM", "hi")["channel_name"]; name != "mpdm-alice--bob-1" {
		t.Errorf("channel_name of a command in a group DM: got %v", name)
	}
	if _, err := srv.InviteBot(ctx, "CMPIM", "U1"); err == nil {
		t.Error("inviting the bot into a group DM worked")
	}
}

func TestPostThenFailAndDropStoreTheMessage(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)

	srv.PostThenFailNext("chat.postMessage", 1, http.StatusInternalServerError)
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("one", false))
	var status slack.StatusCodeError
	if !errors.As(err, &status) || status.Code != http.StatusInternalServerError {
		t.Fatalf("post then 500: got %v, want a 500", err)
	}

	srv.PostThenDropNext("chat.postMessage", 1)
	_, _, err = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("two", false))
	if err == nil || !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("post then drop: got %v, want EOF", err)
	}

	arrived, release := srv.HoldAnswerNext("chat.postMessage")
	done := make(chan error, 1)
	go func() {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("three", false))
		done <- err
	}()
	<-arrived
	if n := len(srv.Messages("C1")); n != 3 {
		t.Errorf("messages while the answer is held: got %d, want 3", n)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("held post: %v", err)
	}

	if n := len(srv.Messages("C1")); n != 3 {
		t.Errorf("messages stored: got %d, want 3 (each call took effect)", n)
	}
	calls := srv.Calls("chat.postMessage")
	if len(calls) != 3 || calls[0].Status != 500 || calls[1].Status != 0 || calls[2].Status != 200 {
		t.Errorf("calls: %+v, want statuses 500, 0 (dropped), 200", calls)
	}
}
