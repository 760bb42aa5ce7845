package bot

// Posting policy: how the bot talks to Slack's Web API when it creates
// messages, in one place. What each Slack answer means (classify), when to
// try again (retry), how a message is posted exactly once (deliver: tagged
// with metadata, and looked for in the conversation's history before it is
// posted again after an answer that may hide a success), joining a public
// channel on not_in_channel, ephemeral replies, DMs at most once per key,
// and response_url replies with a timeout.

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// Pacing of the bot's own retries of Slack calls that failed for a reason
// that may pass: the first retry after retryFirst, then twice as long each
// time up to retryMax.
const (
	retryFirst = 500 * time.Millisecond
	retryMax   = 5 * time.Minute
	// dmAttempts bounds the tries of a DM, a permalink or a confirmation
	// (about 15 s in all): they are not worth holding a shoutout back for.
	dmAttempts = 5
	// runAttempts bounds the tries of one scheduled post (about 4 s): a
	// run that still fails is retried by the catch-up at the next start.
	runAttempts = 4
	// unknownAttempts is how many times a call answered with an error code
	// this bot does not know is tried before the refusal is taken as final.
	unknownAttempts = 3
	// delayedAfter is how many failed tries of a shoutout (about 30 s) go by
	// before its author hears that it is delayed.
	delayedAfter = 6
)

// How far the bot looks back for a post whose answer was lost: from a
// little before the first try (lookMargin: the bot's clock and Slack's may
// differ), at most lookPages pages of lookPageSize messages, newest first.
const (
	lookMargin   = 2 * time.Minute
	lookPageSize = 200
	lookPages    = 5
)

// defaultResponseTimeout bounds a post to a response_url (Slack's own
// endpoint for replies to a command or a click): a hung one must not hold a
// goroutine, or the program's stop, for ever.
const defaultResponseTimeout = 5 * time.Second

// slackError is a failed Web API call: the method and Slack's error code.
type slackError struct {
	Method string
	Code   string // Slack's error code, e.g. not_in_channel; "" for transport errors
	Err    error
}

func (e *slackError) Error() string { return fmt.Sprintf("slack %s: %v", e.Method, e.Err) }
func (e *slackError) Unwrap() error { return e.Err }

// slackErr wraps an error from slack-go with the method name and Slack's code.
func slackErr(method string, err error) error {
	if err == nil {
		return nil
	}
	se := &slackError{Method: method, Err: err}
	var resp slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	switch {
	case errors.As(err, &resp):
		se.Code = resp.Err
	case errors.As(err, &rl):
		se.Code = "ratelimited"
	}
	return se
}

// slackCode returns Slack's error code in err's chain, or "".
func slackCode(err error) string {
	var se *slackError
	if errors.As(err, &se) {
		return se.Code
	}
	var resp slack.SlackErrorResponse
	if errors.As(err, &resp) {
		return resp.Err
	}
	return ""
}

// failure is what a failed Slack call means for trying it again.
type failure int

const (
	// failNone: no error.
	failNone failure = iota
	// failOther: not a Slack call's error (the database, a stop): not retried here.
	failOther
	// failRateLimited: Slack refused the call for now and did nothing
	// (HTTP 429 "ratelimited", or HTTP 200 "rate_limited"): try again later.
	failRateLimited
	// failRetry: nothing reached Slack, or Slack says it did nothing, and
	// it may pass (the connection could not be made): try again later.
	failRetry
	// failAmbiguous: the call may have been done (Slack's own errors, a
	// 5xx, a timeout, a dropped connection): a read may be tried again, a
	// post only after looking for it.
	failAmbiguous
	// failRefused: Slack will not do it; the reason says why.
	failRefused
	// failUnknown: an error code this bot does not know: tried a few times
	// (unknownAttempts), then taken as a refusal.
	failUnknown
)

// Error codes and what they mean, from the Errors sections of Slack's
// method pages: chat.postMessage
// (https://docs.slack.dev/reference/methods/chat.postMessage),
// conversations.join (…/conversations.join), conversations.history,
// views.open, chat.postEphemeral, chat.update. fatal_error and
// internal_error read, on every page: "It's possible some aspect of the
// operation succeeded before the error was raised."
var (
	// ambiguousCodes may hide a success. request_timeout ("the POST data
	// was either missing or truncated") and service_unavailable say less,
	// but looking first costs one read and never doubles a post.
	ambiguousCodes = map[string]bool{
		"fatal_error": true, "internal_error": true, "service_unavailable": true, "request_timeout": true,
	}
	// rateLimitCodes: nothing was done; the same call works later.
	// "ratelimited" comes with HTTP 429 and Retry-After; chat.postMessage's
	// "rate_limited" ("Application has posted too many messages") with HTTP 200.
	rateLimitCodes = map[string]bool{"ratelimited": true, "rate_limited": true}
	// retryCodes: nothing was done, and it may pass ("Web API and other
	// platform operations will be intermittently unavailable until the
	// transition is complete").
	retryCodes = map[string]bool{"team_added_to_org": true}
	// refusalCodes say why Slack will not post in a conversation, as the
	// reasons an author and the admins are told (compose.Reason…).
	refusalCodes = map[string]string{
		// The bot is not in the channel, and cannot join it by itself
		// (private; or not_in_channel once a join was refused).
		"not_in_channel":                        compose.ReasonPrivate,
		"method_not_supported_for_channel_type": compose.ReasonPrivate,
		// A private channel the bot is not in, or a deleted one: the caller
		// tells which it is (see notFoundReason).
		"channel_not_found":   compose.ReasonNotFound,
		"is_archived":         compose.ReasonArchived,
		"channel_is_archived": compose.ReasonArchived,
		// Announcement-only ("Cannot post any message into a read-only
		// channel") and thread-only channels.
		"restricted_action_read_only_channel":   compose.ReasonReadOnly,
		"restricted_action_thread_only_channel": compose.ReasonThreadOnly,
		// "Members on this team are sending too many messages" (a free
		// workspace's usage limit).
		"message_limit_exceeded": compose.ReasonLimit,
		// conversations.join: "The membership in the channel has exceeded
		// our maximum member limit", and channels whose access is limited.
		"too_many_members":          compose.ReasonCannotJoin,
		"channel_is_limited_access": compose.ReasonCannotJoin,
		// Workspace or organisation policy, and the token.
		"restricted_action": compose.ReasonOther, "restricted_action_non_threadable_channel": compose.ReasonOther,
		"ekm_access_denied": compose.ReasonOther, "team_access_not_granted": compose.ReasonOther,
		"no_permission": compose.ReasonOther, "access_denied": compose.ReasonOther, "missing_scope": compose.ReasonOther,
		"not_allowed_token_type": compose.ReasonOther, "invalid_auth": compose.ReasonOther, "not_authed": compose.ReasonOther,
		"account_inactive": compose.ReasonOther, "token_revoked": compose.ReasonOther, "token_expired": compose.ReasonOther,
		"org_login_required": compose.ReasonOther, "enterprise_is_restricted": compose.ReasonOther,
		"user_is_restricted": compose.ReasonOther, "is_bot": compose.ReasonOther, "accesslimited": compose.ReasonOther,
		// The message itself (a bug of ours: the same post fails again).
		"invalid_blocks": compose.ReasonOther, "invalid_blocks_format": compose.ReasonOther,
		"msg_blocks_too_long": compose.ReasonOther, "msg_too_long": compose.ReasonOther, "no_text": compose.ReasonOther,
		"too_many_attachments": compose.ReasonOther, "invalid_arguments": compose.ReasonOther,
		"invalid_arg_name": compose.ReasonOther, "invalid_form_data": compose.ReasonOther, "invalid_json": compose.ReasonOther,
		"invalid_metadata_format": compose.ReasonOther, "invalid_metadata_schema": compose.ReasonOther,
		"metadata_too_large": compose.ReasonOther, "metadata_must_be_sent_from_app": compose.ReasonOther,
		"as_user_not_supported": compose.ReasonOther,
		// A DM's recipient.
		"user_not_found": compose.ReasonOther, "user_disabled": compose.ReasonOther,
		"cannot_dm_bot": compose.ReasonOther, "messages_tab_disabled": compose.ReasonOther,
		// Other calls: a trigger_id used, expired or wrong (views.open),
		// a message gone (chat.update), a response_url used up.
		"expired_trigger_id": compose.ReasonOther, "exchanged_trigger_id": compose.ReasonOther,
		"invalid_trigger_id": compose.ReasonOther, "message_not_found": compose.ReasonOther,
		"cant_update_message": compose.ReasonOther, "edit_window_closed": compose.ReasonOther,
		"expired_url": compose.ReasonOther, "used_url": compose.ReasonOther,
		"invalid_cursor": compose.ReasonOther, "invalid_ts_oldest": compose.ReasonOther,
		"invalid_ts_latest": compose.ReasonOther, "unknown_method": compose.ReasonOther,
	}
)

// classifyCode says what one of Slack's error codes means, and for a
// refusal why (a compose.Reason…). It is a pure function of the code.
func classifyCode(code string) (failure, string) {
	switch {
	case rateLimitCodes[code]:
		return failRateLimited, ""
	case ambiguousCodes[code]:
		return failAmbiguous, ""
	case retryCodes[code]:
		return failRetry, ""
	}
	if reason, ok := refusalCodes[code]; ok {
		return failRefused, reason
	}
	return failUnknown, compose.ReasonOther
}

// classify says what a failed Slack call means (see failure), and for a
// refusal why. Errors that are not a Slack call's (no slackError in the
// chain) are failOther.
func classify(err error) (failure, string) {
	if err == nil {
		return failNone, ""
	}
	var se *slackError
	if !errors.As(err, &se) {
		return failOther, ""
	}
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return failRateLimited, ""
	}
	var status slack.StatusCodeError
	if errors.As(err, &status) {
		switch {
		case status.Code == http.StatusTooManyRequests:
			return failRateLimited, ""
		case status.Code >= 500:
			return failAmbiguous, "" // Slack, or a proxy before it, may have done it
		}
		return failRefused, compose.ReasonOther // any other HTTP status: it will fail again
	}
	if se.Code != "" {
		return classifyCode(se.Code)
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return failRetry, "" // no connection: the request never left
	}
	// Anything else on the way (a timeout, a reset or dropped connection,
	// an answer cut short, a request cancelled in flight) may have reached
	// Slack.
	return failAmbiguous, ""
}

// refusal reports whether err is a refusal to take as final, and why: a
// refusal, or an unknown error code (once retry has tried it
// unknownAttempts times).
func refusal(err error) (string, bool) {
	switch kind, reason := classify(err); kind {
	case failRefused, failUnknown:
		return reason, true
	}
	return "", false
}

// retryable reports whether a failed call may work if made again: rate
// limits, failures that may pass, ambiguous ones (for a post: after looking
// first) and codes this bot does not know (a few times).
func retryable(err error) bool {
	switch kind, _ := classify(err); kind {
	case failRateLimited, failRetry, failAmbiguous, failUnknown:
		return !errors.Is(err, context.Canceled)
	}
	return false
}

// retry calls f until it succeeds, fails for a reason that will not pass (a
// refusal, an unknown code tried unknownAttempts times, an error that is no
// Slack call's), has been tried attempts times (0: no limit), or ctx ends or
// the program stops while it waits; it waits retryFirst, then twice as long
// each time up to retryMax, with some jitter. It returns f's last error. A
// call in flight is never cancelled by a stop: Slack may have done it
// already (a posted shoutout must be recorded, or the next start would have
// to look for it).
func (b *Bot) retry(ctx context.Context, attempts int, f func(ctx context.Context) error) error {
	delay := retryFirst
	unknown := 0
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		if err == nil || !retryable(err) || (attempts > 0 && attempt >= attempts) {
			return err
		}
		if kind, _ := classify(err); kind == failUnknown {
			if unknown++; unknown >= unknownAttempts {
				return err
			}
		}
		b.log.Debug("slack call failed; retrying", "attempt", attempt, "in", delay, "error", err)
		wait := delay + rand.N(delay/4+1) // #nosec G404 -- jitter needs no cryptographic randomness
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return err
		case <-b.stop: // nil before Start: never ready
			t.Stop()
			return err
		}
		delay = min(delay*2, retryMax)
	}
}

// RetryHandlers are the retries slack-go makes by itself, as Extra Mile
// wants them (pass them as slack.RetryConfig.Handlers): a 429 is always
// retried (Slack did nothing; it says when to come back), and so are a 5xx
// and a broken connection, except on the methods that create a message
// (createsMessage): there such an error may hide a message that went out,
// and the bot decides, after looking for it (deliver). A connection that
// could not even be made is retried everywhere.
func RetryHandlers(cfg slack.RetryConfig) []slack.RetryHandler {
	return []slack.RetryHandler{
		notForPosts{slack.NewConnectionErrorRetryHandler()},
		slack.NewRateLimitErrorRetryHandler(cfg),
		notForPosts{slack.NewServerErrorRetryHandler(cfg)},
	}
}

// notForPosts is a retry handler that passes on requests that create a
// message, unless the connection could not be made.
type notForPosts struct{ slack.RetryHandler }

// ShouldRetry implements slack.RetryHandler.
func (h notForPosts) ShouldRetry(state *slack.RetryState, req *http.Request, resp *http.Response, err error) (bool, time.Duration) {
	if createsMessage(req) {
		var op *net.OpError
		if resp != nil || !errors.As(err, &op) || op.Op != "dial" {
			return false, 0
		}
	}
	return h.RetryHandler.ShouldRetry(state, req, resp, err)
}

// createsMessage reports whether a Web API request creates a message, so
// that sending it twice may show it twice.
func createsMessage(req *http.Request) bool {
	if req == nil || req.URL == nil {
		return false
	}
	switch path.Base(req.URL.Path) {
	case "chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage", "chat.meMessage", "files.completeUploadExternal":
		return true
	}
	return false
}

// msgOptions turns a composed message into chat options. Link unfurling is
// off: shoutouts should not sprout previews of links inside stories.
func msgOptions(m compose.Message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	return opts
}

// Metadata event types of the bot's posts (chat.postMessage's metadata,
// "Using message metadata", https://docs.slack.dev/messaging/message-metadata):
// what a post is, so that it can be found again.
const (
	eventShoutout = "extramile_shoutout" // {story_id}
	eventRun      = "extramile_run"      // {job, channel, scheduled_at}
	eventDM       = "extramile_dm"       // {key}: a DM sent once per key (oncekeys.go)
	eventMessage  = "extramile_message"  // {id}: any other message (a reply), by a random ID
)

// postTag says what a post is: its metadata. Two posts with the same tag
// are the same post. Values are strings, so that they compare as they were
// written whatever JSON makes of them.
type postTag struct {
	EventType string
	Payload   map[string]string
}

// shoutoutTag is the tag of story id's shoutout.
func shoutoutTag(id int64) postTag {
	return postTag{eventShoutout, map[string]string{"story_id": strconv.FormatInt(id, 10)}}
}

// runTag is the tag of the post of a scheduled run to its subject (a
// channel, or a person for a DM). The metadata key stays "channel" for both,
// as posts made before the ledger had subject kinds were tagged: a run taken
// over across an upgrade still finds its post.
func runTag(job string, to extramile.RunSubject, scheduledAt time.Time) postTag {
	return postTag{eventRun, map[string]string{"job": job, "channel": to.ID, "scheduled_at": scheduledAt.UTC().Format(time.RFC3339Nano)}}
}

// dmTag is the tag of the DM sent once for key.
func dmTag(key onceKey) postTag { return postTag{eventDM, map[string]string{"key": string(key)}} }

// messageTag tags a message nothing else identifies (a reply) with a random
// ID: it can still be looked for by the process that posts it.
func messageTag() postTag {
	var r [8]byte
	_, _ = crand.Read(r[:])
	return postTag{eventMessage, map[string]string{"id": hex.EncodeToString(r[:])}}
}

// metadata is the tag as chat.postMessage's metadata.
func (t postTag) metadata() slack.SlackMetadata {
	payload := make(map[string]any, len(t.Payload))
	for k, v := range t.Payload {
		payload[k] = v
	}
	return slack.SlackMetadata{EventType: t.EventType, EventPayload: payload}
}

// matches reports whether a message's metadata is this tag's.
func (t postTag) matches(m slack.SlackMetadata) bool {
	if m.EventType != t.EventType {
		return false
	}
	for k, v := range t.Payload {
		if got, ok := m.EventPayload[k]; !ok || fmt.Sprint(got) != v {
			return false
		}
	}
	return true
}

// post is one message the bot posts exactly once (deliver).
type post struct {
	to   string // a channel ID, or a user ID for a DM (Slack posts in the bot's DM with them)
	msg  compose.Message
	tag  postTag
	join bool // join a public channel the bot is not in (not_in_channel), then post

	// since is when a post of this message may first have gone out (zero:
	// none yet), and look says whether to look for it before posting: an
	// earlier try's answer was lost, here or in a process that died.
	since time.Time
	look  bool
}

// delivered is where a post is: the conversation (a DM's channel ID when
// post.to was a user) and the message's ts.
type delivered struct {
	channel, ts string
	found       bool // found in the history: an earlier try had posted it
}

// deliver posts p exactly once: retried while it fails for a reason that
// may pass (attempts as retry's; before, when set, runs before every try
// but the first with the error of the try before, and may stop with its
// own error), and after an answer that may hide a success, posted again
// only if a look in the conversation's history does not find it.
func (b *Bot) deliver(ctx context.Context, p *post, attempts int, before func(ctx context.Context, attempt int, last error) error) (delivered, error) {
	var d delivered
	attempt := 0
	var last error
	err := b.retry(ctx, attempts, func(ctx context.Context) error {
		attempt++
		if before != nil && attempt > 1 {
			if err := before(ctx, attempt, last); err != nil {
				return err
			}
		}
		var err error
		d, err = b.postAttempt(ctx, p)
		last = err
		return err
	})
	return d, err
}

// postAttempt is one try of deliver: a look first when an earlier answer
// was lost, then the post (joining the channel first when needed).
func (b *Bot) postAttempt(ctx context.Context, p *post) (delivered, error) {
	if p.look {
		d, err := b.findPost(ctx, p)
		switch {
		case err == nil && d.found:
			b.log.Info("found a post whose answer was lost; not posting it again", "to", p.to, "ts", d.ts, "tag", p.tag.Payload)
			return d, nil
		case err == nil:
			p.look = false
		default:
			if _, final := refusal(err); !final {
				return delivered{}, err // the look failed for now: look again before posting
			}
			// It cannot look (a missing history scope, a conversation it
			// cannot read): post again rather than lose the post.
			b.log.Info("cannot look for a post whose answer was lost; posting it again", "to", p.to, "error", err)
			p.look = false
		}
	}
	started := b.now()
	opts := append(msgOptions(p.msg), slack.MsgOptionMetadata(p.tag.metadata()))
	channel, ts, err := b.api.PostMessageContext(ctx, p.to, opts...)
	err = slackErr("chat.postMessage", err)
	if slackCode(err) == "not_in_channel" && p.join {
		if _, _, _, jerr := b.api.JoinConversationContext(ctx, p.to); jerr != nil {
			return delivered{}, slackErr("conversations.join", jerr)
		}
		b.dir.forgetChannel(p.to)
		started = b.now()
		channel, ts, err = b.api.PostMessageContext(ctx, p.to, opts...)
		err = slackErr("chat.postMessage", err)
	}
	if kind, _ := classify(err); kind == failAmbiguous {
		p.look = true
		if p.since.IsZero() {
			p.since = started
		}
	}
	if err != nil {
		return delivered{}, err
	}
	if isUser(p.to) {
		b.dmChannels.Store(p.to, channel)
	}
	return delivered{channel: channel, ts: ts}, nil
}

// findPost looks for p in its conversation's history since p.since (less
// lookMargin): a message of the bot's with p's metadata.
func (b *Bot) findPost(ctx context.Context, p *post) (delivered, error) {
	channel := p.to
	if isUser(p.to) {
		ch, err := b.dmChannel(ctx, p.to)
		if err != nil {
			return delivered{}, err
		}
		channel = ch
	}
	params := &slack.GetConversationHistoryParameters{
		ChannelID: channel, Oldest: slackTS(p.since.Add(-lookMargin)), Inclusive: true,
		Limit: lookPageSize, IncludeAllMetadata: true,
	}
	for range lookPages {
		h, err := b.api.GetConversationHistoryContext(ctx, params)
		if err != nil {
			return delivered{}, slackErr("conversations.history", err)
		}
		for _, m := range h.Messages {
			if (m.User == b.botUserID || (b.botID != "" && m.BotID == b.botID)) && p.tag.matches(m.Metadata) {
				return delivered{channel: channel, ts: m.Timestamp, found: true}, nil
			}
		}
		if !h.HasMore || h.ResponseMetaData.NextCursor == "" {
			return delivered{}, nil
		}
		params.Cursor = h.ResponseMetaData.NextCursor
	}
	b.log.Warn("looked through the most recent posts for one whose answer was lost, without finding it", "channel", channel, "pages", lookPages)
	return delivered{}, nil
}

// dmChannel returns the ID of the bot's DM with user (conversations.open),
// remembered once known.
func (b *Bot) dmChannel(ctx context.Context, user string) (string, error) {
	if ch, ok := b.dmChannels.Load(user); ok {
		return ch.(string), nil
	}
	ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return "", slackErr("conversations.open", err)
	}
	b.dmChannels.Store(user, ch.ID)
	return ch.ID, nil
}

// isUser reports whether a post's target is a user ID (a DM).
func isUser(id string) bool { return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") }

// slackTS renders t as a Slack timestamp ("1700000000.000100").
func slackTS(t time.Time) string {
	if t.IsZero() || t.Unix() < 0 {
		return "0"
	}
	us := t.UnixMicro()
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}

// post sends a message to a channel (or to a user ID, which posts in the
// app's DM with them) exactly once, with a few retries, and returns its ts.
func (b *Bot) post(ctx context.Context, channel string, m compose.Message) (string, error) {
	d, err := b.deliver(ctx, &post{to: channel, msg: m, tag: messageTag()}, dmAttempts, nil)
	return d.ts, err
}

// update replaces a message the bot posted (the same update twice changes
// nothing: it may be retried freely).
func (b *Bot) update(ctx context.Context, channel, ts string, m compose.Message) error {
	_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, msgOptions(m)...)
	return slackErr("chat.update", err)
}

// showEphemeral shows user an ephemeral message in channel, retried while
// it fails for a reason that may pass. An ephemeral message cannot be looked
// for (no history keeps it), so after an answer that may hide a success it
// is shown again: ephemeral replies, seen by one person and gone on reload,
// are the one kind of message the bot sends at least once rather than
// exactly once. It returns an error when Slack did not show it.
func (b *Bot) showEphemeral(ctx context.Context, channel, user string, m compose.Message) error {
	return b.retry(ctx, dmAttempts, func(ctx context.Context) error {
		_, err := b.api.PostEphemeralContext(ctx, channel, user, msgOptions(m)...)
		return slackErr("chat.postEphemeral", err)
	})
}

// postEphemeral shows a message to one user in a channel; when Slack
// refuses (the user or the bot is not in the channel) it sends a DM
// instead.
func (b *Bot) postEphemeral(ctx context.Context, channel, user string, m compose.Message) {
	if channel != "" {
		err := b.showEphemeral(ctx, channel, user, m)
		if err == nil {
			return
		}
		b.log.Debug("ephemeral reply failed; sending a DM instead", "channel", channel, "user", user, "error", err)
	}
	if _, err := b.post(ctx, user, m); err != nil {
		b.log.Warn("could not reach the user", "user", user, "error", err)
	}
}

// respond replaces (or adds to) the message behind a response_url, e.g. an
// ephemeral list the user is paging through. It gives up after
// Options.ResponseURLTimeout.
func (b *Bot) respond(ctx context.Context, responseURL string, replace bool, m compose.Message) error {
	msg := &slack.WebhookMessage{Text: m.Text, ReplaceOriginal: replace, ResponseType: slack.ResponseTypeEphemeral}
	if len(m.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	ctx, cancel := context.WithTimeout(ctx, b.responseTimeout)
	defer cancel()
	return slackErr("response_url", slack.PostWebhookContext(ctx, responseURL, msg))
}

// dmOnce sends a DM once for key (a resumed publish thanks no one twice),
// exactly once in Slack (deliver). Failures that may pass are retried a few
// times; if Slack surely did not take it the key is released for a later
// try, but after an answer that may hide a DM that went out (and a look
// that could not settle it) the key is kept: a DM is never sent twice. It
// returns the DM's channel and ts ("" when it was not sent now).
func (b *Bot) dmOnce(ctx context.Context, key onceKey, user string, m compose.Message) (channel, ts string) {
	first, err := b.store.Once(ctx, string(key))
	if err != nil || !first {
		return "", ""
	}
	p := &post{to: user, msg: m, tag: dmTag(key)}
	d, err := b.deliver(ctx, p, dmAttempts, nil)
	if err != nil {
		b.log.Warn("DM not sent", "user", user, "key", key, "error", err)
		if kind, _ := classify(err); (kind == failRateLimited || kind == failRetry || errors.Is(err, context.Canceled)) && !p.look && p.since.IsZero() {
			_ = b.store.ForgetOnce(context.WithoutCancel(ctx), string(key))
		}
		return "", ""
	}
	return d.channel, d.ts
}
