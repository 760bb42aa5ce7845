package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// JobFollowUp is the two-way street's job: it asks the author of each story
// for a customer, once, EXTRAMILE_FOLLOWUP_AFTER after it was shared, what
// changed because of it. It runs on the nudge job's cadence.
const JobFollowUp = "followup"

// followUpBatch bounds how many authors one run asks (the rest wait for the
// next run, a quarter of an hour later).
const followUpBatch = 50

// FollowUps is what the two-way street keeps (storage.DB implements it).
type FollowUps interface {
	DueFollowUps(ctx context.Context, createdBefore time.Time, limit int) ([]*extramile.Story, error)
	ClaimFollowUp(ctx context.Context, id int64) (bool, error)
	AnswerFollowUp(ctx context.Context, id int64, author, answer string) error
	SkipFollowUp(ctx context.Context, id int64, author string) error
	SetFollowUpReply(ctx context.Context, id int64, ts string) (bool, error)
}

// FollowUpJob DMs the author of every story for a customer shared at least
// FollowUpAfter before scheduledAt, whose shoutout was posted and who was
// never asked: each story is claimed first (storage's followups), so its
// author is asked at most once, whatever the processes and restarts.
func (b *Bot) FollowUpJob(ctx context.Context, scheduledAt time.Time) error {
	if b.followUpAfter <= 0 {
		return nil
	}
	due, err := b.store.DueFollowUps(ctx, scheduledAt.Add(-b.followUpAfter), followUpBatch)
	if err != nil {
		return err
	}
	postCtx, cancel := graceContext(ctx, b.postGrace)
	defer cancel()
	var errs []error
	for _, s := range due {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		claimed, err := b.store.ClaimFollowUp(ctx, s.ID)
		if err != nil || !claimed {
			if err != nil && extramile.ErrorCode(err) != extramile.ENOTFOUND { // deleted meanwhile: nothing to ask
				errs = append(errs, err)
			}
			continue
		}
		if !b.pacer.wait(ctx, b.pace) {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if _, err := b.post(postCtx, s.Author, compose.FollowUpDM(s)); err != nil {
			// Asked once means once: a DM Slack refused is not sent again.
			b.log.Warn("follow-up not sent", "story", s.ID, "author", s.Author, "error", err)
			errs = append(errs, fmt.Errorf("follow-up of story %d: %w", s.ID, err))
		}
	}
	return errors.Join(errs...)
}

// followUpStory reads the story ID a follow-up button carries.
func followUpStory(a *slack.BlockAction) (int64, bool) {
	id, err := strconv.ParseInt(a.Value, 10, 64)
	return id, err == nil && id > 0
}

// followUpAnswerButton opens the follow-up's modal.
func (b *Bot) followUpAnswerButton(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	tell := b.teller(ctx, cb)
	id, ok := followUpStory(a)
	if !ok {
		tell(compose.Error("That button is out of date."))
		return
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, compose.FollowUpModal(id)); err != nil {
		b.log.Warn("could not open the follow-up", "error", slackErr("views.open", err))
		tell(compose.Error("I couldn't open the form. Please try again."))
	}
}

// followUpSkipButton records that the author skips the follow-up.
func (b *Bot) followUpSkipButton(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	tell := b.teller(ctx, cb)
	id, ok := followUpStory(a)
	if !ok {
		tell(compose.Error("That button is out of date."))
		return
	}
	if err := b.store.SkipFollowUp(ctx, id, cb.User.ID); err != nil {
		tell(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	b.goBackground(ctx, func(ctx context.Context) {
		if err := b.respond(ctx, cb.ResponseURL, true, compose.FollowUpSkipped()); err != nil {
			b.log.Warn("could not answer Skip", "error", err)
		}
	})
}

// submitFollowUp keeps the author's answer before the ack (a problem keeps
// the modal open with the reason), then posts it once under the shoutout.
func (b *Bot) submitFollowUp(ctx context.Context, cb slack.InteractionCallback) any {
	id, answer, err := compose.ParseFollowUp(cb.View)
	if err == nil {
		err = b.store.AnswerFollowUp(ctx, id, cb.User.ID, answer)
	}
	if err != nil {
		b.log.Warn("follow-up answer not kept", "user", cb.User.ID, "error", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockFollowUp: extramile.ErrorMessage(err)})
	}
	b.goBackground(ctx, func(ctx context.Context) { b.postFollowUp(ctx, id, cb.User.ID) })
	return nil
}

// postFollowUp posts story id's answered follow-up as a threaded reply under
// its shoutout and records the reply. AnswerFollowUp takes one answer per
// story, so one submission alone gets here for a story.
func (b *Bot) postFollowUp(ctx context.Context, id int64, author string) {
	s, err := b.store.FindStory(ctx, id)
	if err != nil {
		b.log.Warn("follow-up answered for a story that is gone", "story", id, "error", err)
		return
	}
	f, err := b.store.FollowUp(ctx, id)
	if err != nil || f.State != extramile.FollowUpAnswered || f.ReplyTS != "" {
		return
	}
	m := compose.FollowUpReply(s, f.Answer)
	_, ts, err := b.api.PostMessageContext(ctx, s.Channel, append(msgOptions(m), slack.MsgOptionTS(s.ShoutoutTS))...)
	if err != nil {
		b.log.Warn("follow-up reply not posted", "story", id, "error", slackErr("chat.postMessage", err))
		b.dm(ctx, author, compose.Error("I kept your answer, but couldn't post it under the shoutout. It is in `extramile export`."))
		return
	}
	if _, err := b.store.SetFollowUpReply(ctx, id, ts); err != nil {
		b.log.Warn("follow-up reply not recorded", "story", id, "error", err)
	}
	b.dm(ctx, author, compose.FollowUpDone(s.Permalink))
}

// dm sends a DM and logs when Slack refuses it.
func (b *Bot) dm(ctx context.Context, user string, m compose.Message) {
	if _, err := b.post(ctx, user, m); err != nil {
		b.log.Warn("DM not sent", "user", user, "error", err)
	}
}
