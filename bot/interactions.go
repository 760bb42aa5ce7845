package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
)

// submitStory answers the story modal's view_submission: it validates the
// modal and keeps the story before the ack. Any problem keeps the modal open
// with the reason next to the input, so the user's text is never lost.
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
		Way: form.Way, Text: form.Text, Channel: form.Channel, Lesson: form.Lesson,
		SourceChannel: form.Meta.SourceChannel, SourceTS: form.Meta.SourceTS,
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
	// Everyone on the story before or after the edit sees the change on
	// their Home: the people added, and the people removed too.
	concerned := append([]string{s.Author}, s.Recognized...)
	s.Recognized, s.Text, s.Audience, s.Way, s.Lesson = form.Recognized, form.Text, form.Audience, form.Way, form.Lesson
	if err := b.store.UpdateStory(ctx, s); err != nil {
		return err
	}
	b.log.Info("story edited", "story", s.ID, "by", user)
	for _, u := range s.Recognized {
		if !slices.Contains(concerned, u) {
			concerned = append(concerned, u)
		}
	}
	b.refreshHomes(ctx, concerned...)
	if s.ShoutoutTS != "" {
		b.goBackground(ctx, func(ctx context.Context) {
			msg := compose.Shoutout(s, b.conf.KudosEmoji(ctx)...)
			if err := b.retry(ctx, dmAttempts, func(ctx context.Context) error { return b.update(ctx, s.Channel, s.ShoutoutTS, msg) }); err != nil {
				b.log.Warn("edited story saved, but its shoutout was not updated", "story", s.ID, "error", err)
			}
			b.thank(ctx, s) // people the edit added; the others were thanked already
		})
	}
	return nil
}

// Buttons and menus (block_actions): each handler answers one action ID.
// Replies go through the response_url or an ephemeral message; the ack
// carries nothing.

// actionChannel is where an action happened: the channel of the message,
// or of the container (a message in a DM, an ephemeral message).
func actionChannel(cb slack.InteractionCallback) string {
	if cb.Channel.ID != "" {
		return cb.Channel.ID
	}
	return cb.Container.ChannelID
}

// teller returns how to tell the user who acted something, privately, in
// the channel of the action, after the ack.
func (b *Bot) teller(ctx context.Context, cb slack.InteractionCallback) func(compose.Message) {
	user, channel := cb.User.ID, actionChannel(cb)
	return func(m compose.Message) {
		b.goBackground(ctx, func(ctx context.Context) { b.postEphemeral(ctx, channel, user, m) })
	}
}

// shareStoryButton answers "Share a story": it opens the story modal.
func (b *Bot) shareStoryButton(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	if err := b.openStoryModal(ctx, cb.TriggerID, actionChannel(cb), cb.User.ID, nil); err != nil {
		b.teller(ctx, cb)(compose.Error(extramile.ErrorMessage(err)))
	}
}

// minePage answers "Newer" and "Older" under /extramile mine: it shows the
// page at the button's offset in place of the one shown.
func (b *Bot) minePage(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	user := cb.User.ID
	offset, _ := strconv.Atoi(a.Value)
	offset = max(offset, 0)
	stories, total, err := b.store.StoriesFor(ctx, user, offset, minePageSize)
	if err != nil {
		b.teller(ctx, cb)(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	b.goBackground(ctx, func(ctx context.Context) {
		if err := b.respond(ctx, cb.ResponseURL, true, compose.Mine(user, stories, total, offset, minePageSize)); err != nil {
			b.log.Warn("could not show the next page", "error", err)
		}
	})
}

// forgetCancelled answers "Cancel" under /extramile forget-me.
func (b *Bot) forgetCancelled(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.goBackground(ctx, func(ctx context.Context) { _ = b.respond(ctx, cb.ResponseURL, true, compose.ForgetMeCancelled()) })
}

// deleteConfirmed answers "Delete" under the confirmation the story menu
// shows: it deletes the story the button names (deleteStory).
func (b *Bot) deleteConfirmed(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	tell := b.teller(ctx, cb)
	id, version, err := compose.ParseStoryRef(a.Value)
	if err != nil {
		tell(compose.Error("That button is out of date. Open the shoutout's menu again to delete the story."))
		return
	}
	b.deleteStory(ctx, cb, id, version, tell)
}

// deleteCancelled answers "Cancel" under that confirmation.
func (b *Bot) deleteCancelled(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.goBackground(ctx, func(ctx context.Context) { _ = b.respond(ctx, cb.ResponseURL, true, compose.DeleteCancelled()) })
}

// digestChartButton answers "Show the chart" under /extramile digest: it
// sends the month's chart to the user's DM (chartToDM, jobs_chart.go).
func (b *Bot) digestChartButton(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	b.chartToDM(ctx, cb.User.ID, actionChannel(cb), a.Value, b.teller(ctx, cb))
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
	b.refreshHomes(ctx, append([]string{s.Author}, s.Recognized...)...)
	b.goBackground(ctx, func(ctx context.Context) {
		b.removeShoutout(ctx, s)
		b.removeFromDMs(ctx, dms)
		done := compose.Message{Text: "The story was deleted and no longer counts anywhere."}
		if cb.ResponseURL == "" || b.respond(ctx, cb.ResponseURL, true, done) != nil {
			b.postEphemeral(ctx, s.Channel, cb.User.ID, done)
		}
	})
}

// storyMenu answers the shoutout's overflow menu: "edit:<id>" opens the
// story modal to edit it, "delete:<id>" asks to confirm.
func (b *Bot) storyMenu(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	verb, id, err := compose.ParseMenuValue(a.SelectedOption.Value)
	if err != nil {
		return
	}
	tell := b.teller(ctx, cb)
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

// forgetMe answers "Forget me" under /extramile forget-me: it deletes every
// story the user shared and every kudos they gave, and removes the text of
// those stories from their shoutouts and from the DMs that showed it.
func (b *Bot) forgetMe(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	user := cb.User.ID
	tell := b.teller(ctx, cb)
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
func (b *Bot) retryShoutout(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	id, _ := strconv.ParseInt(a.Value, 10, 64)
	tell := b.teller(ctx, cb)
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
