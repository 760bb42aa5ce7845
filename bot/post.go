package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile/bot/compose"
)

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

// msgOptions turns a composed message into chat options. Link unfurling is
// off: shoutouts should not sprout previews of links inside stories.
func msgOptions(m compose.Message) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(m.Text, false), slack.MsgOptionDisableLinkUnfurl(), slack.MsgOptionDisableMediaUnfurl()}
	if len(m.Blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(m.Blocks...))
	}
	return opts
}

// post sends a message to a channel (or to a user ID, which posts in the
// app's DM with them) and returns its ts.
func (b *Bot) post(ctx context.Context, channel string, m compose.Message) (string, error) {
	_, ts, err := b.postTo(ctx, channel, m)
	return ts, err
}

// postTo is post that also returns the channel the message went to: the DM
// channel's ID when channel is a user ID.
func (b *Bot) postTo(ctx context.Context, channel string, m compose.Message) (posted, ts string, err error) {
	posted, ts, err = b.api.PostMessageContext(ctx, channel, msgOptions(m)...)
	return posted, ts, slackErr("chat.postMessage", err)
}

// update replaces a message the bot posted.
func (b *Bot) update(ctx context.Context, channel, ts string, m compose.Message) error {
	_, _, _, err := b.api.UpdateMessageContext(ctx, channel, ts, msgOptions(m)...)
	return slackErr("chat.update", err)
}

// postEphemeral shows a message to one user in a channel; when that fails
// (the user or the bot is not in the channel) it falls back to a DM.
func (b *Bot) postEphemeral(ctx context.Context, channel, user string, m compose.Message) {
	if channel != "" {
		_, err := b.api.PostEphemeralContext(ctx, channel, user, msgOptions(m)...)
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
// ephemeral list the user is paging through.
func (b *Bot) respond(ctx context.Context, responseURL string, replace bool, m compose.Message) error {
	msg := &slack.WebhookMessage{Text: m.Text, ReplaceOriginal: replace, ResponseType: slack.ResponseTypeEphemeral}
	if len(m.Blocks) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: m.Blocks}
	}
	return slackErr("response_url", slack.PostWebhookContext(ctx, responseURL, msg))
}
