package bot

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// HandleInteraction answers modal submissions and button clicks; what it
// returns is the ack's payload.
func (b *Bot) HandleInteraction(ctx context.Context, cb slack.InteractionCallback) any {
	switch cb.Type {
	case slack.InteractionTypeViewSubmission:
		if cb.View.CallbackID == compose.CallbackStory {
			return b.submitStory(ctx, cb)
		}
	case slack.InteractionTypeBlockActions:
		for _, a := range cb.ActionCallback.BlockActions {
			b.blockAction(ctx, cb, a)
		}
	}
	return nil
}

// submitStory validates the modal and keeps the story before the ack. Any
// problem keeps the modal open with the reason next to the input, so the
// user's text is never lost.
func (b *Bot) submitStory(ctx context.Context, cb slack.InteractionCallback) any {
	log := b.log.With("user", cb.User.ID)
	form, err := compose.ParseStoryForm(cb.View)
	if err != nil {
		log.Error("unreadable story form", "error", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockWhat: "Something went wrong reading the form. Please try again."})
	}
	errs := form.Errors()
	if errs == nil {
		errs = map[string]string{}
	}
	if _, bad := errs[compose.BlockWho]; !bad {
		if msg := b.checkPeople(ctx, form.Recognized); msg != "" {
			errs[compose.BlockWho] = msg
		}
	}
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}

	if form.Meta.StoryID != 0 {
		if err := b.editStory(ctx, cb.User.ID, form); err != nil {
			log.Warn("story not edited", "story", form.Meta.StoryID, "error", err)
			return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockWhat: extramile.ErrorMessage(err)})
		}
		return nil
	}
	s := &extramile.Story{
		Author: cb.User.ID, Recognized: form.Recognized, Audience: form.Audience,
		Way: form.Way, Text: form.Text, Channel: form.Channel,
	}
	if err := b.share(ctx, s); err != nil {
		log.Error("story not kept", "error", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockWhat: extramile.ErrorMessage(err)})
	}
	return nil
}

// checkPeople returns a message when someone named cannot be recognized: a
// bot or app, a deactivated account, or an unknown user. When Slack cannot
// tell in time (the ack is due within 3 s), the person is accepted.
func (b *Bot) checkPeople(ctx context.Context, users []string) string {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout) // the ack cannot wait for a slow users.info
	defer cancel()
	msgs := make([]string, len(users))
	var wg sync.WaitGroup
	for i, id := range users {
		wg.Go(func() {
			u, err := b.dir.user(ctx, id)
			switch {
			case err != nil && slackCode(err) == "user_not_found":
				msgs[i] = "I can't find one of the people you named. Please pick them again."
			case err != nil:
				msgs[i] = "" // Slack is unreachable: don't block the story on it
				b.log.Warn("users.info failed; accepting the person", "user", id, "error", err)
			case u.IsBot || id == "USLACKBOT":
				msgs[i] = fmt.Sprintf("%s is an app, not a person. Name the people who went the extra mile.", displayName(u))
			case u.Deleted:
				msgs[i] = fmt.Sprintf("%s's account is deactivated, so they can't be thanked here.", displayName(u))
			}
		})
	}
	wg.Wait()
	for _, m := range msgs {
		if m != "" {
			return m
		}
	}
	return ""
}

func displayName(u *slack.User) string {
	for _, n := range []string{u.Profile.DisplayName, u.RealName, u.Name} {
		if n != "" {
			return n
		}
	}
	return "That user"
}

// mayChange reports whether user may edit or delete the story.
func (b *Bot) mayChange(ctx context.Context, user string, s *extramile.Story) bool {
	return user == s.Author || b.isAdmin(ctx, user)
}

// editStory saves an edited story and refreshes its shoutout.
func (b *Bot) editStory(ctx context.Context, user string, form compose.StoryForm) error {
	s, err := b.store.FindStory(ctx, form.Meta.StoryID)
	if err != nil {
		return err
	}
	if !b.mayChange(ctx, user, s) {
		return extramile.Errorf(extramile.EFORBIDDEN, "Only the person who shared this story, or an admin, can edit it.")
	}
	if v := form.Meta.Version; v != 0 && v != compose.StoryVersion(s) {
		return extramile.Errorf(extramile.ECONFLICT, "This story was changed since you opened this form. Copy your text if you need it, close the form and open it again from the shoutout's menu to edit the latest version.")
	}
	s.Recognized, s.Text, s.Audience, s.Way = form.Recognized, form.Text, form.Audience, form.Way
	if err := b.store.UpdateStory(ctx, s); err != nil {
		return err
	}
	b.log.Info("story edited", "story", s.ID, "by", user)
	if s.ShoutoutTS != "" {
		b.goBackground(ctx, func(ctx context.Context) {
			msg := compose.Shoutout(s, b.emojiList...)
			if err := b.retry(ctx, dmAttempts, func(ctx context.Context) error { return b.update(ctx, s.Channel, s.ShoutoutTS, msg) }); err != nil {
				b.log.Warn("edited story saved, but its shoutout was not updated", "story", s.ID, "error", err)
			}
			b.thank(ctx, s) // people the edit added; the others were thanked already
		})
	}
	return nil
}

// blockAction answers one button or menu click. Replies go through the
// response_url or an ephemeral message; the ack carries nothing.
func (b *Bot) blockAction(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	user, channel := cb.User.ID, cb.Channel.ID
	if channel == "" {
		channel = cb.Container.ChannelID
	}
	tell := func(m compose.Message) {
		b.goBackground(ctx, func(ctx context.Context) { b.postEphemeral(ctx, channel, user, m) })
	}
	switch a.ActionID {
	case compose.ActionShareStory:
		if err := b.openStoryModal(ctx, cb.TriggerID, channel, user, nil); err != nil {
			tell(compose.Error(extramile.ErrorMessage(err)))
		}
	case compose.ActionStoryMenu:
		b.storyMenu(ctx, cb, a.SelectedOption.Value, tell)
	case compose.ActionMinePage:
		offset, _ := strconv.Atoi(a.Value)
		offset = max(offset, 0)
		stories, total, err := b.store.StoriesFor(ctx, user, offset, minePageSize)
		if err != nil {
			tell(compose.Error(extramile.ErrorMessage(err)))
			return
		}
		b.goBackground(ctx, func(ctx context.Context) {
			if err := b.respond(ctx, cb.ResponseURL, true, compose.Mine(user, stories, total, offset, minePageSize)); err != nil {
				b.log.Warn("could not show the next page", "error", err)
			}
		})
	case compose.ActionForgetConfirm:
		b.forgetMe(ctx, cb, tell)
	case compose.ActionRetryShoutout:
		id, _ := strconv.ParseInt(a.Value, 10, 64)
		b.retryShoutout(ctx, cb, id, tell)
	case compose.ActionForgetCancel:
		b.goBackground(ctx, func(ctx context.Context) { _ = b.respond(ctx, cb.ResponseURL, true, compose.ForgetMeCancelled()) })
	case compose.ActionDeleteConfirm:
		id, version, err := compose.ParseStoryRef(a.Value)
		if err != nil {
			tell(compose.Error("That button is out of date. Open the shoutout's menu again to delete the story."))
			return
		}
		b.deleteStory(ctx, cb, id, version, tell)
	case compose.ActionDeleteCancel:
		b.goBackground(ctx, func(ctx context.Context) { _ = b.respond(ctx, cb.ResponseURL, true, compose.DeleteCancelled()) })
	case compose.ActionDigestChart:
		b.chartToDM(ctx, user, channel, a.Value, tell)
	}
}

// changeableStory loads a story the user may edit or delete, or tells them
// why not.
func (b *Bot) changeableStory(ctx context.Context, user string, id int64, tell func(compose.Message)) (*extramile.Story, bool) {
	s, err := b.store.FindStory(ctx, id)
	if err != nil {
		if extramile.ErrorCode(err) == extramile.ENOTFOUND {
			tell(compose.Error("That story no longer exists."))
		} else {
			tell(compose.Error(extramile.ErrorMessage(err)))
		}
		return nil, false
	}
	if !b.mayChange(ctx, user, s) {
		tell(compose.NotStoryAuthor())
		return nil, false
	}
	return s, true
}

// deleteStory removes a story after its author confirmed, turns its shoutout
// into a short note and removes its text from the DMs that showed it. A
// confirmation shown before the story was edited deletes nothing: the person
// sees the story as it is now and confirms again.
func (b *Bot) deleteStory(ctx context.Context, cb slack.InteractionCallback, id, version int64, tell func(compose.Message)) {
	s, ok := b.changeableStory(ctx, cb.User.ID, id, tell)
	if !ok {
		return
	}
	if version != 0 && version != compose.StoryVersion(s) {
		tell(compose.DeleteConfirmChanged(s))
		return
	}
	dms, err := b.store.StoryMessages(ctx, s.ID)
	if err != nil {
		tell(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	if err := b.store.DeleteStory(ctx, s.ID); err != nil {
		tell(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	b.log.Info("story deleted", "story", s.ID, "by", cb.User.ID)
	b.goBackground(ctx, func(ctx context.Context) {
		b.removeShoutout(ctx, s)
		b.removeFromDMs(ctx, dms)
		done := compose.Message{Text: "The story was deleted and no longer counts anywhere."}
		if cb.ResponseURL == "" || b.respond(ctx, cb.ResponseURL, true, done) != nil {
			b.postEphemeral(ctx, s.Channel, cb.User.ID, done)
		}
	})
}

// storyMenu handles the shoutout's overflow menu: "edit:<id>" or "delete:<id>".
func (b *Bot) storyMenu(ctx context.Context, cb slack.InteractionCallback, value string, tell func(compose.Message)) {
	verb, id, err := compose.ParseMenuValue(value)
	if err != nil {
		return
	}
	s, ok := b.changeableStory(ctx, cb.User.ID, id, tell)
	if !ok {
		return
	}
	switch verb {
	case compose.MenuEdit:
		if err := b.openStoryModal(ctx, cb.TriggerID, s.Channel, cb.User.ID, s); err != nil {
			tell(compose.Error(extramile.ErrorMessage(err)))
		}
	case compose.MenuDelete:
		tell(compose.DeleteConfirm(s))
	}
}

// removeShoutout turns a deleted story's shoutout into a short note, so its
// text no longer shows in the channel.
func (b *Bot) removeShoutout(ctx context.Context, s *extramile.Story) {
	if s.ShoutoutTS == "" {
		return
	}
	err := b.retry(ctx, dmAttempts, func(ctx context.Context) error {
		return b.update(ctx, s.Channel, s.ShoutoutTS, compose.RemovedShoutout())
	})
	if err != nil {
		b.log.Warn("story deleted, but its shoutout was not updated", "story", s.ID, "error", err)
	}
}

// removeFromDMs replaces the bot's DMs that showed a deleted story's text
// with a short note: forgetting a story forgets it everywhere the bot wrote it.
func (b *Bot) removeFromDMs(ctx context.Context, dms []extramile.StoryMessage) {
	for _, m := range dms {
		err := b.retry(ctx, dmAttempts, func(ctx context.Context) error {
			return b.update(ctx, m.Channel, m.TS, compose.RemovedShoutout())
		})
		if err != nil {
			b.log.Warn("story deleted, but a DM showing it was not updated", "story", m.StoryID, "channel", m.Channel, "error", err)
		}
	}
}

// forgetMe deletes every story the user shared and every kudos they gave,
// after they confirmed, and removes the text of those stories from their
// shoutouts and from the DMs that showed it.
func (b *Bot) forgetMe(ctx context.Context, cb slack.InteractionCallback, tell func(compose.Message)) {
	user := cb.User.ID
	var shoutouts []*extramile.Story
	var ids []int64
	mine, _, err := b.store.StoriesFor(ctx, user, 0, 0)
	if err != nil {
		tell(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	for _, s := range mine {
		if s.Author != user {
			continue
		}
		ids = append(ids, s.ID)
		if s.ShoutoutTS != "" {
			shoutouts = append(shoutouts, s)
		}
	}
	dms, err := b.store.StoryMessages(ctx, ids...)
	if err != nil {
		tell(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	stories, kudos, err := b.store.ForgetUser(ctx, user)
	if err != nil {
		tell(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	b.log.Info("forgot a user's submissions at their request", "user", user, "stories", stories, "kudos", kudos)
	b.goBackground(ctx, func(ctx context.Context) {
		if err := b.respond(ctx, cb.ResponseURL, true, compose.ForgetMeDone(stories, kudos)); err != nil {
			b.postEphemeral(ctx, cb.Channel.ID, user, compose.ForgetMeDone(stories, kudos))
		}
		for _, s := range shoutouts {
			b.removeShoutout(ctx, s)
		}
		b.removeFromDMs(ctx, dms)
	})
}

// retryShoutout answers "Try again" in the DM about an undeliverable
// shoutout: it posts the kept story now (e.g. after the bot was invited) and
// replaces the DM with the outcome.
func (b *Bot) retryShoutout(ctx context.Context, cb slack.InteractionCallback, id int64, tell func(compose.Message)) {
	s, ok := b.changeableStory(ctx, cb.User.ID, id, tell)
	if !ok {
		return
	}
	answer := func(ctx context.Context, m compose.Message) {
		if cb.ResponseURL == "" || b.respond(ctx, cb.ResponseURL, true, m) != nil {
			tell(m)
		}
	}
	if s.ShoutoutTS != "" {
		b.goBackground(ctx, func(ctx context.Context) { answer(ctx, compose.RetryAlreadyPosted(s)) })
		return
	}
	b.log.Info("trying an undeliverable shoutout again", "story", s.ID, "by", cb.User.ID)
	b.dir.forgetChannel(s.Channel) // the bot may have been invited since
	b.goBackground(ctx, func(ctx context.Context) {
		switch res := b.publish(ctx, s); {
		case res.busy:
			answer(ctx, compose.RetryBusy())
		case res.posted:
			answer(ctx, compose.RetryPosted(s, s.Permalink))
		case res.reason != "":
			answer(ctx, compose.RetryStillUndeliverable(s, s.Channel, res.reason))
		}
	})
}
