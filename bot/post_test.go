package bot

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestClassifyCode: every error code the bot may get from the calls that
// post, join and look, as Slack's method pages list them
// (https://docs.slack.dev/reference/methods/chat.postMessage,
// …/conversations.join, …/conversations.history, …/views.open), means one
// thing; a code no page lists is unknown (a refusal after a few tries).
func TestClassifyCode(t *testing.T) {
	tests := []struct {
		code   string
		kind   failure
		reason string
	}{
		// 429 (HTTP) and chat.postMessage's HTTP 200 "rate_limited": nothing was done.
		{"ratelimited", failRateLimited, ""},
		{"rate_limited", failRateLimited, ""},
		// "It's possible some aspect of the operation succeeded before the error was raised."
		{"fatal_error", failAmbiguous, ""},
		{"internal_error", failAmbiguous, ""},
		{"service_unavailable", failAmbiguous, ""},
		{"request_timeout", failAmbiguous, ""},
		{"team_added_to_org", failRetry, ""},
		// Channel refusals, each with what the author and the admins are told.
		{"not_in_channel", failRefused, compose.ReasonPrivate},
		{"method_not_supported_for_channel_type", failRefused, compose.ReasonPrivate},
		{"channel_not_found", failRefused, compose.ReasonNotFound},
		{"is_archived", failRefused, compose.ReasonArchived},
		{"channel_is_archived", failRefused, compose.ReasonArchived},
		{"restricted_action_read_only_channel", failRefused, compose.ReasonReadOnly},
		{"restricted_action_thread_only_channel", failRefused, compose.ReasonThreadOnly},
		{"message_limit_exceeded", failRefused, compose.ReasonLimit},
		{"too_many_members", failRefused, compose.ReasonCannotJoin},
		{"channel_is_limited_access", failRefused, compose.ReasonCannotJoin},
		{"team_access_not_granted", failRefused, compose.ReasonOther},
		{"restricted_action", failRefused, compose.ReasonOther},
		{"ekm_access_denied", failRefused, compose.ReasonOther},
		{"missing_scope", failRefused, compose.ReasonOther},
		{"no_permission", failRefused, compose.ReasonOther},
		{"invalid_auth", failRefused, compose.ReasonOther},
		{"token_revoked", failRefused, compose.ReasonOther},
		{"invalid_blocks", failRefused, compose.ReasonOther},
		{"msg_too_long", failRefused, compose.ReasonOther},
		{"invalid_metadata_format", failRefused, compose.ReasonOther},
		{"metadata_too_large", failRefused, compose.ReasonOther},
		{"user_not_found", failRefused, compose.ReasonOther},
		{"cannot_dm_bot", failRefused, compose.ReasonOther},
		{"expired_trigger_id", failRefused, compose.ReasonOther},
		{"exchanged_trigger_id", failRefused, compose.ReasonOther},
		{"invalid_trigger_id", failRefused, compose.ReasonOther},
		// Codes no page lists.
		{"brand_new_refusal", failUnknown, compose.ReasonOther},
		{"", failUnknown, compose.ReasonOther},
	}
	for _, tt := range tests {
		kind, reason := classifyCode(tt.code)
		if kind != tt.kind || reason != tt.reason {
			t.Errorf("classifyCode(%q): got %v %q, want %v %q", tt.code, kind, reason, tt.kind, tt.reason)
		}
	}
	// Every refusal has a reason; no code is in two tables.
	for code, reason := range refusalCodes {
		if reason == "" || ambiguousCodes[code] || rateLimitCodes[code] || retryCodes[code] {
			t.Errorf("refusal %q: reason %q, or also in another table", code, reason)
		}
	}
}

// TestClassifyTransport: what slack-go reports when no Slack answer came,
// or an HTTP error did.
func TestClassifyTransport(t *testing.T) {
	dial := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/api/chat.postMessage", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}
	reset := &url.Error{Op: "Post", URL: "x", Err: &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}}
	tests := []struct {
		name string
		err  error
		kind failure
	}{
		{"no error", nil, failNone},
		{"not a Slack call", errors.New("database is locked"), failOther},
		{"429", slackErr("chat.postMessage", &slack.RateLimitedError{RetryAfter: time.Second}), failRateLimited},
		{"HTTP 429 status", slackErr("chat.postMessage", slack.StatusCodeError{Code: 429}), failRateLimited},
		{"500", slackErr("chat.postMessage", slack.StatusCodeError{Code: 500, Status: "500 Internal Server Error"}), failAmbiguous},
		{"503", slackErr("chat.postMessage", slack.StatusCodeError{Code: 503}), failAmbiguous},
		{"404", slackErr("response_url", slack.StatusCodeError{Code: 404}), failRefused},
		{"EOF: the connection dropped", slackErr("chat.postMessage", &url.Error{Op: "Post", URL: "x", Err: io.EOF}), failAmbiguous},
		{"unexpected EOF", slackErr("chat.postMessage", &url.Error{Op: "Post", URL: "x", Err: io.ErrUnexpectedEOF}), failAmbiguous},
		{"connection reset", slackErr("chat.postMessage", reset), failAmbiguous},
		{"timeout", slackErr("chat.postMessage", &url.Error{Op: "Post", URL: "x", Err: context.DeadlineExceeded}), failAmbiguous},
		{"connection refused", slackErr("chat.postMessage", dial), failRetry},
		{"Slack's code", slackErr("chat.postMessage", slack.SlackErrorResponse{Err: "restricted_action_read_only_channel"}), failRefused},
		{"rate_limited with HTTP 200", slackErr("chat.postMessage", slack.SlackErrorResponse{Err: "rate_limited"}), failRateLimited},
	}
	for _, tt := range tests {
		if kind, _ := classify(tt.err); kind != tt.kind {
			t.Errorf("%s: got %v, want %v", tt.name, kind, tt.kind)
		}
	}
	if _, final := refusal(slackErr("x", slack.SlackErrorResponse{Err: "brand_new_refusal"})); !final {
		t.Error("an unknown code is not a final refusal once retry gives up")
	}
}

// TestRetryHandlersSparePosts: slack-go retries 429s everywhere, and 5xx
// and dropped connections except on the calls that create a message (the
// bot looks before posting again). Against the fake Slack: each call is
// answered badly once.
func TestRetryHandlersSparePosts(t *testing.T) {
	srv := slackfake.New(t)
	srv.AddChannel(slackfake.Channel{ID: "C1", Name: "general", BotIsMember: true})
	cfg := slack.RetryConfig{MaxRetries: 3, RetryAfterDuration: time.Millisecond, BackoffInitial: time.Millisecond, BackoffMax: time.Millisecond}
	cfg.Handlers = RetryHandlers(cfg)
	api := slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()), slack.OptionRetryConfig(cfg))
	ctx := context.Background()
	post := func() error {
		_, _, err := api.PostMessageContext(ctx, "C1", slack.MsgOptionText("hi", false))
		return err
	}
	read := func() error {
		_, err := api.GetConversationInfoContext(ctx, &slack.GetConversationInfoInput{ChannelID: "C1"})
		return err
	}
	tests := []struct {
		name   string
		method string
		fault  func(method string)
		call   func() error
		calls  int // how many reached the fake
	}{
		{"429 on a post", "chat.postMessage", func(m string) { srv.RateLimitNext(m, 1, 0) }, post, 2},
		{"500 on a post", "chat.postMessage", func(m string) { srv.ServerErrorNext(m, 1, 500) }, post, 1},
		{"dropped post", "chat.postMessage", func(m string) { srv.PostThenDropNext(m, 1) }, post, 1},
		{"500 on a read", "conversations.info", func(m string) { srv.ServerErrorNext(m, 1, 500) }, read, 2},
		{"dropped read", "conversations.info", func(m string) { srv.PostThenDropNext(m, 1) }, read, 2},
	}
	for _, tt := range tests {
		before := len(srv.Calls(tt.method))
		tt.fault(tt.method)
		err := tt.call()
		if got := len(srv.Calls(tt.method)) - before; got != tt.calls {
			t.Errorf("%s: %d calls (error %v), want %d", tt.name, got, err, tt.calls)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, "https://slack.com/api/chat.postEphemeral", nil)
	if !createsMessage(req) {
		t.Error("chat.postEphemeral does not create a message")
	}
}

// TestPostTagMatches: a tag finds its own metadata, as Slack returns it
// (JSON numbers included), and no other.
func TestPostTagMatches(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c1 := extramile.ChannelRun("C1")
	tag := runTag(JobPrompt, c1, at)
	if !tag.matches(tag.metadata()) {
		t.Error("a tag does not match its own metadata")
	}
	for _, other := range []postTag{runTag(JobPrompt, extramile.ChannelRun("C2"), at), runTag(JobRoundup, c1, at), runTag(JobPrompt, c1, at.Add(time.Hour)), shoutoutTag(1)} {
		if tag.matches(other.metadata()) {
			t.Errorf("%v matches %v", tag, other)
		}
	}
	// A DM's run is tagged as before subjects had kinds (key "channel"), so
	// a run taken over across an upgrade finds a post the older version made.
	dm := runTag(JobKudosDM, extramile.PersonRun("U1"), at)
	old := slack.SlackMetadata{EventType: eventRun, EventPayload: map[string]any{"job": JobKudosDM, "channel": "U1", "scheduled_at": "2026-03-02T09:00:00Z"}}
	if !dm.matches(old) {
		t.Errorf("%v does not match the metadata of an older version's post %v", dm, old)
	}
	fromJSON := slack.SlackMetadata{EventType: eventShoutout, EventPayload: map[string]any{"story_id": float64(42)}}
	if !shoutoutTag(42).matches(fromJSON) || shoutoutTag(4).matches(fromJSON) {
		t.Error("a story ID read back as a JSON number does not match as written")
	}
	if messageTag().matches(messageTag().metadata()) {
		t.Error("two replies share a tag")
	}
}

func TestSlackTS(t *testing.T) {
	if got := slackTS(time.Unix(1700000000, 123456789)); got != "1700000000.123456" {
		t.Errorf("slackTS: got %q", got)
	}
	if got := slackTS(time.Time{}); got != "0" {
		t.Errorf("slackTS(zero): got %q", got)
	}
}

// TestNotFoundTellsDeletedFromPrivate: Slack answers channel_not_found for
// a private channel the bot is not in and for a deleted one. A channel the
// bot is in, or knew as public (a public channel never hides from it), or a
// story's channel known public when it was kept, was deleted: "not found",
// not "invite me".
func TestNotFoundTellsDeletedFromPrivate(t *testing.T) {
	b := New(Options{})
	notFound := slackErr("chat.postMessage", slack.SlackErrorResponse{Err: "channel_not_found"})
	b.members.set("CMEMBER", true, "")
	b.dir.channels["CPUBLIC"] = cached[*slack.Channel]{value: &slack.Channel{GroupConversation: slack.GroupConversation{Conversation: slack.Conversation{ID: "CPUBLIC"}}}, at: time.Now()}
	for channel, want := range map[string]string{
		"CMEMBER": compose.ReasonNotFound,
		"CPUBLIC": compose.ReasonNotFound,
		"GSECRET": compose.ReasonPrivate,
	} {
		if got := b.channelRefusal(channel, notFound); got != want {
			t.Errorf("scheduled post in %s: got %q, want %q", channel, got, want)
		}
	}
	for _, tc := range []struct {
		story *extramile.Story
		want  string
	}{
		{&extramile.Story{Channel: "CGONE"}, compose.ReasonNotFound},
		{&extramile.Story{Channel: "GSECRET", Private: true}, compose.ReasonPrivate},
		{&extramile.Story{Channel: "CMEMBER", Private: true}, compose.ReasonNotFound},
		{&extramile.Story{Channel: "CPENDING", Private: true, PrivacyPending: true}, compose.ReasonPrivate},
	} {
		if got := b.shoutoutRefusal(tc.story, notFound); got != tc.want {
			t.Errorf("shoutout in %s (private %v): got %q, want %q", tc.story.Channel, tc.story.Private, got, tc.want)
		}
	}
	if got := b.channelRefusal("C1", slackErr("chat.postMessage", slack.SlackErrorResponse{Err: "internal_error"})); got != "" {
		t.Errorf("an ambiguous error read as a refusal: %q", got)
	}
}
