package slackfake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// rawCall posts a form to a method with the token in the body and decodes the answer.
func rawCall(ctx context.Context, srv *Server, method, token string, params map[string]string, out any) error {
	form := url.Values{"token": {token}}
	for k, v := range params {
		form.Set(k, v)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.APIURL()+method, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

func TestPostMessageTargets(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	tests := []struct {
		channel, wantChannel, wantErr string
	}{
		{"C1", "C1", ""},
		{"#general", "C1", ""},
		{"general", "C1", ""},
		{"G1", "G1", ""},
		{"U1", "DU1", ""},
		{"DU1", "DU1", ""},
		{"C2", "", "not_in_channel"},
		{"G2", "", "channel_not_found"},
		{"C3", "", "is_archived"},
		{"C4", "", "is_archived"},
		{"CNOPE", "", "channel_not_found"},
		{"UGONE", "", "user_not_found"},
		{"UOTHERBOT", "", "cannot_dm_bot"},
	}
	for _, tc := range tests {
		t.Run(tc.channel, func(t *testing.T) {
			ch, ts, err := api.PostMessageContext(ctx, tc.channel, slack.MsgOptionText("hi", false))
			if got := slackCode(err); got != tc.wantErr || (tc.wantErr == "" && err != nil) {
				t.Fatalf("error: got %v, want %q", err, tc.wantErr)
			}
			if tc.wantErr != "" {
				return
			}
			if ch != tc.wantChannel || ts == "" {
				t.Errorf("got channel %q ts %q, want channel %q and a ts", ch, ts, tc.wantChannel)
			}
		})
	}
	calls := srv.Calls("chat.postMessage")
	if len(calls) != len(tests) {
		t.Fatalf("calls: got %d, want %d", len(calls), len(tests))
	}
	if c := calls[len(calls)-1]; c.Status != http.StatusOK || c.Error != "cannot_dm_bot" {
		t.Errorf("failed call recorded as status %d error %q, want 200 cannot_dm_bot", c.Status, c.Error)
	}
}

func TestPostMessageContent(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	section := func(text string) slack.Block {
		return slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)
	}
	many := make([]slack.Block, 51)
	for i := range many {
		many[i] = slack.NewDividerBlock()
	}
	tests := []struct {
		name    string
		opts    []slack.MsgOption
		wantErr string
		wantMsg string // a response_metadata message that must be there
	}{
		{"text and blocks", []slack.MsgOption{slack.MsgOptionText("fallback", false), slack.MsgOptionBlocks(section("*hi*"))}, "", ""},
		{"nothing", nil, "no_text", ""},
		{"51 blocks", []slack.MsgOption{slack.MsgOptionText("x", false), slack.MsgOptionBlocks(many...)}, "invalid_blocks", "no more than 50 items allowed [json-pointer:/blocks]"},
		{"long section", []slack.MsgOption{slack.MsgOptionText("x", false), slack.MsgOptionBlocks(section(strings.Repeat("a", 3001)))}, "invalid_blocks", "[json-pointer:/blocks/0/text/text]"},
		{"long text", []slack.MsgOption{slack.MsgOptionText(strings.Repeat("a", 40001), false)}, "msg_too_long", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ts, err := api.PostMessageContext(ctx, "C1", tc.opts...)
			if got := slackCode(err); got != tc.wantErr || (tc.wantErr == "" && err != nil) {
				t.Fatalf("error: got %v, want %q", err, tc.wantErr)
			}
			if tc.wantMsg != "" {
				var e slack.SlackErrorResponse
				errors.As(err, &e)
				if !strings.Contains(strings.Join(e.ResponseMetadata.Messages, "\n"), tc.wantMsg) {
					t.Errorf("messages: got %q, want one containing %q", e.ResponseMetadata.Messages, tc.wantMsg)
				}
			}
			if tc.wantErr != "" {
				return
			}
			msgs := srv.Messages("C1")
			m := msgs[len(msgs)-1]
			if m.TS != ts || m.Text != "fallback" || m.User != "UBOT" || !strings.Contains(string(m.Blocks), `"*hi*"`) {
				t.Errorf("stored message: got %+v", m)
			}
		})
	}
}

func TestTimestampsAreUniqueAndIncreasingUnderLoad(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for range 10 {
				if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	msgs := srv.Messages("C1")
	if len(msgs) != 100 {
		t.Fatalf("messages: got %d, want 100", len(msgs))
	}
	for i := 1; i < len(msgs); i++ {
		if msgs[i].TS <= msgs[i-1].TS { // same width until year 2286
			t.Fatalf("ts %d: %s not after %s", i, msgs[i].TS, msgs[i-1].TS)
		}
	}
}

func TestMessageLifecycle(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("first", false))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("second", false)); err != nil {
		t.Fatal(err)
	}
	if m := srv.Messages("C1")[0]; m.Text != "second" || !m.Edited {
		t.Errorf("after update: got %+v", m)
	}
	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: ts})
	if want := "https://fake.slack.test/archives/C1/p" + strings.Replace(ts, ".", "", 1); err != nil || link != want {
		t.Errorf("permalink: got %q %v, want %q", link, err, want)
	}
	if _, _, err := api.DeleteMessageContext(ctx, "C1", ts); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", ts, slack.MsgOptionText("third", false)); slackCode(err) != "message_not_found" {
		t.Errorf("update of a deleted message: got %v, want message_not_found", err)
	}
	if _, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: "C1", Ts: ts}); slackCode(err) != "message_not_found" {
		t.Errorf("permalink of a deleted message: got %v, want message_not_found", err)
	}

	theirs := srv.AddMessage(Message{Channel: "C1", User: "U1", Text: "mine"})
	if _, _, _, err := api.UpdateMessageContext(ctx, "C1", theirs.TS, slack.MsgOptionText("edited", false)); slackCode(err) != "cant_update_message" {
		t.Errorf("update of a user's message: got %v, want cant_update_message", err)
	}
	if _, _, err := api.DeleteMessageContext(ctx, "C1", theirs.TS); slackCode(err) != "cant_delete_message" {
		t.Errorf("delete of a user's message: got %v, want cant_delete_message", err)
	}

	ets, err := api.PostEphemeralContext(ctx, "C1", "U1", slack.MsgOptionText("psst", false))
	if err != nil || ets == "" {
		t.Fatalf("ephemeral: got %q %v", ets, err)
	}
	msgs := srv.Messages("C1")
	if m := msgs[len(msgs)-1]; !m.Ephemeral || m.EphemeralTo != "U1" || m.TS != ets {
		t.Errorf("ephemeral stored as %+v", m)
	}
	if _, err := api.PostEphemeralContext(ctx, "C1", "UNOPE", slack.MsgOptionText("x", false)); slackCode(err) != "user_not_found" {
		t.Errorf("ephemeral to an unknown user: got %v, want user_not_found", err)
	}
}

func TestReactionsFollowReactionEvents(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	_, ts, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("shoutout", false))
	if err != nil {
		t.Fatal(err)
	}
	p := srv.ReactionEvent("reaction_added", "U1", "tada", "", "C1", ts)
	if got := p["event"].(map[string]any)["item_user"]; got != "UBOT" {
		t.Errorf("item_user: got %v, want UBOT (the author)", got)
	}
	srv.ReactionEvent("reaction_added", "U2", "tada", "", "C1", ts)
	item, err := api.GetReactionsContext(ctx, slack.ItemRef{Channel: "C1", Timestamp: ts}, slack.GetReactionsParameters{})
	if err != nil {
		t.Fatal(err)
	}
	if len(item.Reactions) != 1 || item.Reactions[0].Name != "tada" || item.Reactions[0].Count != 2 {
		t.Errorf("reactions: got %+v, want tada ×2", item.Reactions)
	}
	srv.ReactionEvent("reaction_removed", "U1", "tada", "", "C1", ts)
	srv.ReactionEvent("reaction_removed", "U2", "tada", "", "C1", ts)
	if item, err = api.GetReactionsContext(ctx, slack.ItemRef{Channel: "C1", Timestamp: ts}, slack.GetReactionsParameters{}); err != nil || len(item.Reactions) != 0 {
		t.Errorf("reactions after removal: got %+v %v, want none", item.Reactions, err)
	}
	if _, err := api.GetReactionsContext(ctx, slack.ItemRef{Channel: "C1", Timestamp: "1.000001"}, slack.GetReactionsParameters{}); slackCode(err) != "message_not_found" {
		t.Errorf("unknown message: got %v, want message_not_found", err)
	}
	if a, b := srv.ReactionEvent("reaction_added", "U1", "x", "U2", "C1", "1.1")["event_id"], p["event_id"]; a == b {
		t.Errorf("event_id not fresh: %v", a)
	}
}

func TestRateLimitNextWithoutRetries(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	srv.RateLimitNext("chat.postMessage", 1, 7)
	_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("got %v, want a RateLimitedError with RetryAfter 7s", err)
	}
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatalf("second call: %v", err)
	}
	assertStatuses(t, srv.Calls("chat.postMessage"), 429, 200)
	if c := srv.Calls("chat.postMessage")[0]; c.Error != "ratelimited" {
		t.Errorf("429 recorded with error %q, want ratelimited", c.Error)
	}
	if got := srv.RateLimited("chat.postMessage"); got != 1 {
		t.Errorf("RateLimited: got %d, want 1", got)
	}
}

func TestRateLimitNextWithSlackGoRetries(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv, slack.OptionRetryConfig(slack.RetryConfig{MaxRetries: 2}))
	ctx := testCtx(t)
	srv.RateLimitNext("chat.postMessage", 1, 0) // slack-go waits its 1 s minimum
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, srv.Calls("chat.postMessage"), 429, 200)
	if got := len(srv.Messages("C1")); got != 1 {
		t.Errorf("messages: got %d, want 1 (the retry posts once)", got)
	}
}

func TestServerErrorNext(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	srv.ServerErrorNext("chat.postMessage", 1, http.StatusServiceUnavailable)
	_, _, err := newAPI(srv).PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false))
	var sc slack.StatusCodeError
	if !errors.As(err, &sc) || sc.Code != http.StatusServiceUnavailable {
		t.Fatalf("got %v, want StatusCodeError 503", err)
	}

	cfg := slack.RetryConfig{MaxRetries: 2, BackoffInitial: time.Millisecond, BackoffMax: 5 * time.Millisecond}
	cfg.Handlers = []slack.RetryHandler{slack.NewServerErrorRetryHandler(cfg)}
	srv.ServerErrorNext("chat.postMessage", 2, http.StatusInternalServerError)
	if _, _, err := newAPI(srv, slack.OptionRetryConfig(cfg)).PostMessageContext(ctx, "C1", slack.MsgOptionText("x", false)); err != nil {
		t.Fatal(err)
	}
	assertStatuses(t, srv.Calls("chat.postMessage"), 503, 500, 500, 200)
}

func TestFailNextQueuesInOrder(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	srv.FailNext("users.info", 2, "internal_error")
	srv.RateLimitNext("users.info", 1, 1)
	srv.FailNext("users.info", 0, "ignored")
	var errs []string
	for range 4 {
		_, err := api.GetUserInfoContext(ctx, "U1")
		var rl *slack.RateLimitedError
		switch {
		case errors.As(err, &rl):
			errs = append(errs, "429")
		case err != nil:
			errs = append(errs, slackCode(err))
		default:
			errs = append(errs, "ok")
		}
	}
	if got, want := strings.Join(errs, " "), "internal_error internal_error 429 ok"; got != want {
		t.Errorf("answers: got %s, want %s", got, want)
	}
}

func TestSustainedRateLimit(t *testing.T) {
	clock := newFakeClock()
	srv := withDirectory(New(t, WithClock(clock.Now)))
	srv.AddChannel(Channel{ID: "C9", Name: "nine", BotIsMember: true})
	api := newAPI(srv)
	ctx := testCtx(t)
	post := func(ch string) error {
		_, _, err := api.PostMessageContext(ctx, ch, slack.MsgOptionText("x", false))
		return err
	}
	retryAfter := func(err error) time.Duration {
		var rl *slack.RateLimitedError
		if !errors.As(err, &rl) {
			t.Fatalf("got %v, want a RateLimitedError", err)
		}
		return rl.RetryAfter
	}

	srv.SetRateLimit("chat.postMessage", 1, 2)
	for i := range 2 {
		if err := post("C1"); err != nil {
			t.Fatalf("burst call %d: %v", i, err)
		}
	}
	if got := retryAfter(post("C1")); got != time.Second {
		t.Errorf("Retry-After: got %v, want 1s", got)
	}
	if err := post("C9"); err != nil {
		t.Errorf("another channel has its own bucket: %v", err)
	}
	clock.Advance(time.Second)
	if err := post("C1"); err != nil {
		t.Errorf("after 1 s: %v", err)
	}

	srv.SetRateLimit("chat.postMessage", 0.25, 1) // one call per 4 s
	if err := post("C1"); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Second)
	if got := retryAfter(post("C1")); got != 3*time.Second {
		t.Errorf("honest Retry-After: got %v, want 3s", got)
	}
	srv.SetRateLimit("chat.postMessage", 0, 0)
	if err := post("C1"); err != nil {
		t.Errorf("limit removed: %v", err)
	}
	if got := srv.RateLimited("chat.postMessage"); got != 2 {
		t.Errorf("RateLimited: got %d, want 2", got)
	}
	if got := srv.RateLimited(""); got != 2 {
		t.Errorf("RateLimited(all): got %d, want 2", got)
	}
}

func assertStatuses(t *testing.T, calls []Call, want ...int) {
	t.Helper()
	var got []int
	for _, c := range calls {
		got = append(got, c.Status)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses: got %v, want %v", got, want)
	}
}

func TestCallsRecordFormAndJSONBodies(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	if _, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hello", false)); err != nil {
		t.Fatal(err)
	}
	trigger := srv.IssueTriggerID("U1")
	if _, err := api.OpenViewContext(ctx, trigger, modal("Story", 1)); err != nil {
		t.Fatal(err)
	}

	post := srv.Calls("chat.postMessage")[0]
	if post.Params.Get("text") != "hello" || post.Params.Get("channel") != "C1" || post.Params.Get("token") != "xoxb-test" || !bytes.Contains(post.Body, []byte("text=hello")) {
		t.Errorf("form call: params %v body %s", post.Params, post.Body)
	}
	open := srv.Calls("views.open")[0]
	if open.Params.Get("trigger_id") != trigger {
		t.Errorf("JSON string field: got %q, want %q", open.Params.Get("trigger_id"), trigger)
	}
	var view map[string]any
	if err := json.Unmarshal([]byte(open.Params.Get("view")), &view); err != nil || view["callback_id"] != "story" {
		t.Errorf("JSON object field as JSON text: got %q (%v)", open.Params.Get("view"), err)
	}
	if !strings.HasPrefix(open.URL, srv.APIURL()+"views.open") || open.At.IsZero() {
		t.Errorf("URL %q At %v", open.URL, open.At)
	}
	if got := len(srv.Calls("")); got != 2 {
		t.Errorf("all calls: got %d, want 2", got)
	}

	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if calls, err := srv.WaitCalls(short, "chat.postMessage", 2); !errors.Is(err, context.DeadlineExceeded) || len(calls) != 1 {
		t.Errorf("WaitCalls for a call never made: got %d calls, %v", len(calls), err)
	}
	go func() { _, _, _ = api.PostMessageContext(ctx, "C1", slack.MsgOptionText("again", false)) }()
	if calls, err := srv.WaitCalls(ctx, "chat.postMessage", 2); err != nil || calls[1].Params.Get("text") != "again" {
		t.Errorf("WaitCalls: got %v, %v", calls, err)
	}
}

func TestTokens(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	for _, tc := range []struct{ token, want string }{
		{"xoxb-test", ""},
		{"xoxb-wrong", "invalid_auth"},
		{"", "invalid_auth"},
		{"xapp-test", "not_allowed_token_type"},
	} {
		var got struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		}
		if err := rawCall(ctx, srv, "auth.test", tc.token, nil, &got); err != nil {
			t.Fatal(err)
		}
		if got.Error != tc.want || got.OK != (tc.want == "") {
			t.Errorf("token %q: got %+v, want %q", tc.token, got, tc.want)
		}
	}

	// JSON body with a Bearer token
	body := `{"channel":"C1","text":"json"}`
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.APIURL()+"chat.postMessage", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Authorization", "Bearer xoxb-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if msgs := srv.Messages("C1"); len(msgs) != 1 || msgs[0].Text != "json" {
		t.Errorf("JSON post: got %+v", msgs)
	}
}

func TestUnknownMethodAndOverride(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	var got map[string]any
	if err := rawCall(ctx, srv, "nope.never", "xoxb-test", nil, &got); err != nil {
		t.Fatal(err)
	}
	if got["error"] != "unknown_method" {
		t.Errorf("unknown method: got %v", got)
	}

	api := newAPI(srv)
	srv.Handle("users.info", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "user": map[string]any{"id": r.PostForm.Get("user"), "name": "overridden"}})
	})
	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil || u.Name != "overridden" {
		t.Errorf("override: got %+v %v", u, err)
	}
	srv.FailNext("users.info", 1, "fatal_error")
	if _, err := api.GetUserInfoContext(ctx, "U1"); slackCode(err) != "fatal_error" {
		t.Errorf("fault before override: got %v", err)
	}
	srv.Handle("users.info", nil)
	if u, err = api.GetUserInfoContext(ctx, "U1"); err != nil || u.Name != "alice" {
		t.Errorf("restored: got %+v %v", u, err)
	}
	if got := len(srv.Calls("users.info")); got != 3 {
		t.Errorf("calls recorded: got %d, want 3", got)
	}
}

func TestDirectoryMethods(t *testing.T) {
	clock := newFakeClock() // 2024-03-01: Paris is on winter time
	srv := withDirectory(New(t, WithClock(clock.Now), WithBotScopes(append(DefaultBotScopes(), "team:read", "im:read")...)))
	api := newAPI(srv)
	ctx := testCtx(t)

	auth, err := api.AuthTestContext(ctx)
	if err != nil || auth.UserID != "UBOT" || auth.BotID != "B0001" || auth.TeamID != "T0001" {
		t.Errorf("auth.test: got %+v %v", auth, err)
	}
	team, err := api.GetTeamInfoContext(ctx)
	if err != nil || team.ID != "T0001" {
		t.Errorf("team.info: got %+v %v", team, err)
	}

	u, err := api.GetUserInfoContext(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "alice" || u.RealName != "Alice Liddell" || u.TZ != "Europe/Paris" || u.TZOffset != 3600 || !u.IsAdmin || u.IsOwner || u.IsBot || u.Deleted {
		t.Errorf("users.info U1: got %+v", u)
	}
	if u, err := api.GetUserInfoContext(ctx, "U2"); err != nil || u.TZ != "UTC" || u.Profile.DisplayName != "bob" {
		t.Errorf("users.info U2: got %+v %v", u, err)
	}
	if u, err := api.GetUserInfoContext(ctx, "UGONE"); err != nil || !u.Deleted {
		t.Errorf("deleted user: got %+v %v", u, err)
	}
	if u, err := api.GetUserInfoContext(ctx, "UBOT"); err != nil || !u.IsBot {
		t.Errorf("bot user: got %+v %v", u, err)
	}
	if _, err := api.GetUserInfoContext(ctx, "UNOPE"); slackCode(err) != "user_not_found" {
		t.Errorf("unknown user: got %v", err)
	}
	if us, err := api.GetUsersInfoContext(ctx, "U1", "U2"); err != nil || len(*us) != 2 {
		t.Errorf("users.info users=: got %v %v", us, err)
	}
	if us, err := api.GetUsersContext(ctx, slack.GetUsersOptionLimit(2)); err != nil || len(us) != 6 {
		t.Errorf("users.list, paginated: got %d %v, want 6 (4 + bot + slackbot)", len(us), err)
	}

	info := func(id string) (*slack.Channel, error) {
		return api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: id})
	}
	if c, err := info("C2"); err != nil || c.Name != "random" || c.IsMember || c.IsPrivate {
		t.Errorf("public channel: got %+v %v", c, err)
	}
	if c, err := info("G1"); err != nil || !c.IsPrivate || !c.IsMember {
		t.Errorf("private channel: got %+v %v", c, err)
	}
	if c, err := info("C3"); err != nil || !c.IsArchived {
		t.Errorf("archived channel: got %+v %v", c, err)
	}
	if _, err := info("G2"); slackCode(err) != "channel_not_found" {
		t.Errorf("private channel the bot is not in: got %v", err)
	}
	if c, err := info("DU1"); err != nil || !c.IsIM || c.User != "U1" {
		t.Errorf("DM: got %+v %v", c, err)
	}

	chans, _, err := api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Types: []string{"public_channel", "private_channel"}, ExcludeArchived: true})
	var names []string
	for _, c := range chans {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	if err != nil || strings.Join(names, ",") != "general,random,secret" {
		t.Errorf("conversations.list: got %v %v", names, err)
	}
}

func TestJoinAndOpen(t *testing.T) {
	srv := withDirectory(New(t, WithBotScopes(append(DefaultBotScopes(), "im:write")...)))
	api := newAPI(srv)
	ctx := testCtx(t)
	for _, tc := range []struct{ channel, want, warning string }{
		{"C2", "", ""},
		{"C2", "", "already_in_channel"},
		{"C4", "is_archived", ""},
		{"G1", "method_not_supported_for_channel_type", ""},
		{"G2", "channel_not_found", ""},
		{"DU1", "method_not_supported_for_channel_type", ""},
		{"CNOPE", "channel_not_found", ""},
	} {
		c, warning, _, err := api.JoinConversationContext(ctx, tc.channel)
		if got := slackCode(err); got != tc.want || warning != tc.warning {
			t.Errorf("join %s: got %v warning %q, want %q warning %q", tc.channel, err, warning, tc.want, tc.warning)
		}
		if tc.want == "" && (c == nil || !c.IsMember) {
			t.Errorf("join %s: got channel %+v, want is_member", tc.channel, c)
		}
	}
	if c, _ := srv.Channel("C2"); !c.BotIsMember {
		t.Error("BotIsMember not set by conversations.join")
	}
	if _, _, err := api.PostMessageContext(ctx, "C2", slack.MsgOptionText("now I can", false)); err != nil {
		t.Errorf("post after join: %v", err)
	}

	for _, tc := range []struct{ user, wantID, wantErr string }{
		{"U1", "DU1", ""},
		{"UGONE", "", "user_disabled"},
		{"UOTHERBOT", "", "cannot_dm_bot"},
		{"UNOPE", "", "user_not_found"},
	} {
		c, _, _, err := api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{tc.user}})
		if got := slackCode(err); got != tc.wantErr || (tc.wantErr == "" && (c == nil || c.ID != tc.wantID)) {
			t.Errorf("open %s: got %+v %v, want %q %q", tc.user, c, err, tc.wantID, tc.wantErr)
		}
	}
}

func TestResponseURL(t *testing.T) {
	srv := withDirectory(New(t))
	ctx := testCtx(t)
	responseURL := srv.SlashCommand("U1", "C1", "")["response_url"].(string)
	for i := range 5 {
		if err := slack.PostWebhookContext(ctx, responseURL, &slack.WebhookMessage{Text: fmt.Sprint("reply ", i), ReplaceOriginal: true}); err != nil {
			t.Fatalf("use %d: %v", i+1, err)
		}
	}
	var sc slack.StatusCodeError
	if err := slack.PostWebhookContext(ctx, responseURL, &slack.WebhookMessage{Text: "sixth"}); !errors.As(err, &sc) || sc.Code != http.StatusNotFound {
		t.Errorf("sixth use: got %v, want 404", err)
	}
	if err := slack.PostWebhookContext(ctx, srv.APIURL()[:len(srv.APIURL())-len("api/")]+"commands/T0001/1/nope", &slack.WebhookMessage{Text: "x"}); !errors.As(err, &sc) || sc.Code != http.StatusNotFound {
		t.Errorf("unknown response_url: got %v, want 404", err)
	}
	calls := srv.Calls("response_url")
	if len(calls) != 7 || calls[0].URL != responseURL || calls[0].Params.Get("text") != "reply 0" || calls[0].Params.Get("replace_original") != "true" {
		t.Errorf("response_url calls: got %d, first %+v", len(calls), calls[0])
	}
	if calls[5].Error != "used_url" || calls[6].Error != "expired_url" {
		t.Errorf("errors recorded: got %q %q", calls[5].Error, calls[6].Error)
	}

	srv.ServerErrorNext("response_url", 1, http.StatusInternalServerError)
	fresh := srv.BlockActionsPayload("U1", "C1", "1.2", nil)["response_url"].(string)
	if err := slack.PostWebhookContext(ctx, fresh, &slack.WebhookMessage{Text: "x"}); !errors.As(err, &sc) || sc.Code != http.StatusInternalServerError {
		t.Errorf("injected fault: got %v, want 500", err)
	}
}
