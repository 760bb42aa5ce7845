package bot

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/chart"
)

// The digest's chart: a picture of the month (package chart) uploaded with
// Slack's current flow (files.getUploadURLExternal → POST the bytes →
// files.completeUploadExternal, which slack-go's UploadFileContext makes;
// files.upload is retired). It needs the files:write scope. A chart is an
// extra: whatever happens to it, the digest is posted once and stays.

// uploadChart draws data and uploads it where p says (Channel and
// ThreadTimestamp, or Channels and InitialComment), with its title, file
// name and alt text. One chart is drawn and uploaded at a time (a picture
// takes a few megabytes while it is drawn), whatever asks for it.
func (b *Bot) uploadChart(ctx context.Context, data chart.Data, p slack.UploadFileParameters) error {
	b.charts.Lock()
	defer b.charts.Unlock()
	png, err := chart.Render(data)
	if err != nil {
		return fmt.Errorf("draw the chart: %w", err)
	}
	p.Reader, p.FileSize = bytes.NewReader(png), len(png)
	p.Filename, p.Title, p.AltTxt = data.Filename(), data.Title(), chart.AltText(data)
	_, err = b.api.UploadFileContext(ctx, p)
	return slackErr("files upload", err)
}

// digestChart uploads the chart of d, a digest just posted in channel as
// ts, into that post's thread: at most once per run and channel (a once-only
// key claimed first, never released, so neither a failure nor a restart
// brings a second try). When the upload fails (no files:write scope, Slack
// refusing it, the network), the digest stays as posted, the failure is
// logged and the admins are told once for the run and reason. A month
// without stories gets its nudge alone: there is nothing to draw.
//
// DigestJob runs it in the background once the run ledger has the post, so
// that the job, and the next channel's digest, do not wait for a picture. A
// chart cut short by a stop is not tried again.
func (b *Bot) digestChart(ctx context.Context, scheduledAt time.Time, channel, ts string, d *extramile.Digest) {
	if d == nil || d.Stories <= 0 || ts == "" {
		return
	}
	log := b.log.With("job", JobDigest, "scheduled_at", scheduledAt, "channel", channel)
	first, err := b.store.Once(ctx, string(keyChartUploaded(JobDigest, channel, scheduledAt)))
	switch {
	case err != nil:
		log.Warn("digest posted without its chart: could not claim its upload", "error", err)
		return
	case !first:
		log.Debug("the digest's chart was uploaded (or tried) already")
		return
	}
	data := chart.FromDigest(d, b.loc(), false)
	err = b.uploadChart(ctx, data, slack.UploadFileParameters{Channel: channel, ThreadTimestamp: ts})
	if err == nil {
		log.Info("digest chart uploaded")
		return
	}
	code := slackCode(err)
	log.Warn("digest posted without its chart", "code", code, "error", err)
	if b.stopping() {
		return // cut short by a stop: not worth an admin's attention
	}
	msg := compose.ChartProblem(channel, data.Month, code)
	reason := code
	if reason == "" {
		reason = "error"
	}
	for admin := range b.admins {
		b.dmOnce(ctx, keyChartProblemTold(scheduledAt, reason, admin), admin, msg)
	}
}

// chartToDM answers the "Show the chart" button of a digest preview: the
// chart of month (ActionDigestChart's value) as channel's digest counts it,
// uploaded into user's DM with the bot after the ack, and an ephemeral word
// in channel on how it went.
func (b *Bot) chartToDM(ctx context.Context, user, channel, month string, tell func(compose.Message)) {
	at, err := chart.ParseMonth(month, b.loc())
	if err != nil || at.After(b.now()) || channel == "" {
		b.log.Warn("chart button with an odd month or no channel", "value", month, "channel", channel, "error", err)
		tell(compose.Error(""))
		return
	}
	b.goBackground(ctx, func(ctx context.Context) {
		data, err := chart.ForMonth(ctx, b.store, at, channel, b.loc(), b.now())
		if err != nil {
			b.log.Error("chart not drawn", "user", user, "error", err)
			b.postEphemeral(ctx, channel, user, compose.Error(extramile.ErrorMessage(err)))
			return
		}
		err = b.uploadChart(ctx, data, slack.UploadFileParameters{
			Channels: []string{user}, InitialComment: compose.ChartComment(data.Title(), channel),
		})
		if err != nil {
			b.log.Warn("chart not sent", "user", user, "code", slackCode(err), "error", err)
			b.postEphemeral(ctx, channel, user, compose.ChartUnavailable(slackCode(err)))
			return
		}
		b.log.Info("chart sent", "user", user, "month", month, "channel", channel)
		b.postEphemeral(ctx, channel, user, compose.ChartSent())
	})
}

// stopping reports whether the program is stopping (Start's context ended).
func (b *Bot) stopping() bool {
	select {
	case <-b.stop: // nil before Start: never ready
		return true
	default:
		return false
	}
}
