package compose

import (
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Shoutout is the public thank-you posted when a story is shared: it thanks
// each recognized person by mention, quotes the story, names the way and for
// whom, says who shared it, and invites reactions with the kudos emoji
// (reaction names such as "raised_hands"; the first three are named, none
// gives a wording without them). Its overflow menu (ActionStoryMenu) offers
// "Edit story" and "Delete story" to everyone, so only stories with an ID get
// it: the bot decides who may use it (see NotStoryAuthor, DeleteConfirm).
func Shoutout(s *extramile.Story, kudosEmoji ...string) Message {
	head := ":sparkles: *Thank you, " + thanked(s.Recognized) + ", for going the extra mile!*"
	story := storySections(head, s.Text)
	sec := story[0]
	if s.ID > 0 {
		sec.Accessory = slack.NewAccessory(&slack.OverflowBlockElement{
			Type:     slack.METOverflow,
			ActionID: ActionStoryMenu,
			Options: []*slack.OptionBlockObject{
				{Text: plain("Edit story"), Value: MenuValue(MenuEdit, s.ID)},
				{Text: plain("Delete story"), Value: MenuValue(MenuDelete, s.ID)},
			},
		})
	}
	blocks := []slack.Block{}
	for _, sec := range story {
		blocks = append(blocks, sec)
	}
	if w := wayLine(s); w != "" {
		blocks = append(blocks, contextBlock(w))
	}
	if l := link(s.SourceLink, "the message it started from"); l != "" {
		blocks = append(blocks, contextBlock(":speech_balloon: Shared from "+l+"."))
	}
	if l := lessonLine(s.Lesson); l != "" {
		blocks = append(blocks, contextBlock(l))
	}
	blocks = append(blocks, contextBlock(sharedBy(s), reactLine(kudosEmoji)))
	return Message{
		Text:   fallback(":sparkles: Thank you, " + thanked(s.Recognized) + ", for going the extra mile! Shared by " + Mention(s.Author) + "."),
		Blocks: blocks,
	}
}

// thanked names the recognized people, "someone" when there are none.
func thanked(users []string) string {
	if len(users) == 0 {
		return "someone"
	}
	return mentions(users)
}

// sharedBy says who shared a story, kindly when they named themselves.
func sharedBy(s *extramile.Story) string {
	line := "Shared by " + Mention(s.Author)
	switch {
	case len(s.Recognized) == 1 && s.Recognized[0] == s.Author:
		line += ", who wrote down their own extra mile: noticing it in yourself is part of the habit too"
	case isAmong(s.Author, s.Recognized):
		line += ", who was part of it too"
	}
	if !s.UpdatedAt.IsZero() && s.UpdatedAt.After(s.CreatedAt) {
		line += " (edited)"
	}
	return line + "."
}

func reactLine(emoji []string) string {
	var codes []string
	for _, e := range emoji {
		if c := emojiCode(e); c != "" && len(codes) < 3 && !isAmong(c, codes) {
			codes = append(codes, c)
		}
	}
	if len(codes) > 0 {
		return "React with " + strings.Join(codes, " or ") + " to add your kudos, and share your own story with `/extramile`."
	}
	return "Add your kudos with a reaction, and share your own story with `/extramile`."
}

// emojiCode renders a reaction name as ":name:", or "" when it is not a
// plausible emoji name.
func emojiCode(name string) string {
	name = strings.Trim(name, ":")
	if name == "" || len(name) > 100 {
		return ""
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("_+-'", r)) {
			return ""
		}
	}
	return ":" + name + ":"
}

// RemovedShoutout is what a shoutout becomes once its story is deleted (by
// the person who shared it, an admin, or a forget-me request).
func RemovedShoutout() Message {
	const text = "This story was removed."
	return Message{Text: text, Blocks: []slack.Block{contextBlock(":wastebasket: _" + text + "_")}}
}

// DeleteConfirm asks the person who shared a story, ephemerally, whether to
// delete it: ActionDeleteConfirm (danger) or ActionDeleteCancel, both with
// StoryRefValue as value. (Slack's overflow menu takes one confirm dialog for all
// its options, so deleting asks here instead of in the menu.)
func DeleteConfirm(s *extramile.Story) Message {
	id := StoryRefValue(s)
	text := "*Delete your story about " + thanked(s.Recognized) + "?*\n" +
		"The shoutout will say it was removed, and the story is gone for good."
	return Message{
		Text: fallback("Delete your story about " + thanked(s.Recognized) + "?"),
		Blocks: []slack.Block{
			section(text + "\n" + quoteMax(s.Text, 300)),
			actions("delete_story",
				button(ActionDeleteConfirm, "Delete story", id, slack.StyleDanger),
				button(ActionDeleteCancel, "Keep it", id, ""),
			),
		},
	}
}

// DeleteCancelled answers ActionDeleteCancel.
func DeleteCancelled() Message {
	return simple(":ok_hand: Kept. Your story stays as it is.")
}

// NotStoryAuthor tells someone who used a shoutout's menu that only the
// person who shared the story can edit or delete it.
func NotStoryAuthor() Message {
	return simple("Only the person who shared this story (or an Extra Mile admin) can edit or delete it. " +
		"If something in it needs fixing, a quick word to them will do.")
}

// ThankYouDM is the personal thank-you a recognized person gets: who shared
// it, the story, and a link to the shoutout (none when permalink is empty).
// The bot sends it to each recognized person other than the author.
func ThankYouDM(s *extramile.Story, permalink string) Message {
	head := ":sparkles: *Thank you for going the extra mile!*\n" + Mention(s.Author) + " wrote down what you did:"
	var blocks []slack.Block
	for _, sec := range storySections(head, s.Text) {
		blocks = append(blocks, sec)
	}
	var ctx []string
	if len(s.Recognized) > 1 {
		ctx = append(ctx, "Thanked in this story: "+mentions(s.Recognized)+".")
	}
	if w := wayLine(s); w != "" {
		ctx = append(ctx, w)
	}
	if l := link(permalink, "See the shoutout"); l != "" {
		ctx = append(ctx, l+" in "+ChannelMention(s.Channel)+".")
	}
	if len(ctx) > 0 {
		blocks = append(blocks, contextBlock(ctx...))
	}
	return Message{
		Text:   fallback(Mention(s.Author) + " thanked you for going the extra mile"),
		Blocks: blocks,
	}
}

// Confirmation thanks the person who shared a story, ephemerally, links the
// shoutout (when permalink is set), and leaves them with the half-step question.
func Confirmation(s *extramile.Story, permalink string) Message {
	where := "in " + ChannelMention(s.Channel)
	if l := link(permalink, "see it"); l != "" {
		where += " (" + l + ")"
	}
	var text string
	if len(s.Recognized) == 1 && s.Recognized[0] == s.Author {
		text = "Your own story is shared " + where + ". Noticing your own extra mile counts too."
	} else {
		text = "Your story about " + thanked(s.Recognized) + " is shared " + where + "."
	}
	return Message{
		Text: fallback("Thank you for writing it down. " + text),
		Blocks: []slack.Block{
			section(":white_check_mark: *Thank you for writing it down!*\n" + text),
			contextBlock(":footprints: " + halfStepLine),
		},
	}
}

// storyChunks is how many sections a message may use to show a story whole:
// a story of MaxStoryLength characters that all need escaping takes five.
const storyChunks = 8

// storySections shows head and, quoted below it, the whole story: in one
// section when both fit in one, otherwise head alone and then the story in
// as many sections as it needs. Whatever the story form accepts is shown
// complete, never cut.
func storySections(head, text string) []*slack.SectionBlock {
	if quoted, complete := renderUpTo(strings.TrimSpace(text), maxSectionText-utf8Len(head)-1, true); complete {
		if quoted == "" || quoted == "> " {
			return []*slack.SectionBlock{section(head)}
		}
		return []*slack.SectionBlock{section(head + "\n" + quoted)}
	}
	out := []*slack.SectionBlock{section(head)}
	for _, c := range quoteChunks(text, maxSectionText, storyChunks) {
		out = append(out, section(c))
	}
	return out
}

// Reasons a channel refused a post, for Undeliverable and ChannelProblem.
const (
	ReasonPrivate    = "private"     // a private channel the bot is not in
	ReasonArchived   = "archived"    // an archived channel
	ReasonNotFound   = "not_found"   // deleted, or the bot cannot see it
	ReasonReadOnly   = "read_only"   // announcement-only: only admins may post
	ReasonThreadOnly = "thread_only" // replies in threads only
	ReasonLimit      = "limit"       // the workspace reached its message limit
	ReasonCannotJoin = "cannot_join" // Slack did not let the bot join (too many members, limited access)
	ReasonOther      = "other"       // anything else
)

// Undeliverable tells the person who shared a story, by DM, that it could not
// be posted in channelID and why (reason: one of the Reason… constants), what
// to do, and gives them the story back
// to copy: nothing is lost. When posting there may still work (the bot can
// be invited, or Slack may let it later) and the story has an ID, a "Try
// again" button (ActionRetryShoutout, value: the story ID) posts the kept
// story; otherwise a "Share a story" button opens a fresh modal.
func Undeliverable(s *extramile.Story, channelID, reason string) Message {
	ch := ChannelMention(channelID)
	retry := s.ID > 0 && reason != ReasonArchived && reason != ReasonNotFound
	then := "share it again" // what to do once the bot can post there
	if retry {
		then = "press *Try again*"
	}
	var why string
	switch reason {
	case ReasonPrivate:
		why = "I'm not a member of " + ch + ", and it's private, so I can't post there. " +
			"Invite me with `/invite @Extra Mile` in that channel, then " + then + "."
	case ReasonArchived:
		why = ch + " is archived, so nothing can be posted there any more. Please share it again in another channel."
	case ReasonNotFound:
		why = "I can't find " + ch + ": it may have been deleted, or I can't see it. Please share it again in another channel."
	case ReasonReadOnly:
		why = ch + " is announcement-only: only its admins may post there, so I can't. " +
			"Ask them to let everyone post, then " + then + ", or share it in another channel."
	case ReasonThreadOnly:
		why = ch + " takes replies in threads only, so I can't post a shoutout there. " +
			"Once posts are allowed there, " + then + ", or share it in another channel."
	case ReasonLimit:
		why = "Slack says this workspace reached its message limit, so I couldn't post it in " + ch + ". " +
			"Please " + then + " later, or share it in another channel."
	case ReasonCannotJoin:
		why = "Slack didn't let me join " + ch + " (it has too many members, or access to it is limited). " +
			"Invite me with `/invite @Extra Mile` in that channel, then " + then + "."
	default:
		why = "Slack didn't let me post it in " + ch + " just now. Please " + then + " in a moment, or share it in another channel."
	}
	head := ":inbox_tray: *I couldn't post your story about " + thanked(s.Recognized) + ", but nothing is lost.*\n" + why
	blocks := []slack.Block{section(head)}
	if chunks := quoteChunks(s.Text, maxSectionText, storyChunks); len(chunks) > 0 {
		blocks = append(blocks, contextBlock("Here is your story, ready to copy:"))
		for _, c := range chunks {
			blocks = append(blocks, section(c))
		}
	}
	next := shareActions()
	if retry {
		next = actions("undeliverable",
			button(ActionRetryShoutout, "Try again", strconv.FormatInt(s.ID, 10), slack.StylePrimary),
			button(ActionShareStory, "Share another story", "", ""),
		)
	}
	return Message{
		Text:   fallback("I couldn't post your story about " + thanked(s.Recognized) + " in " + ch + ", but nothing is lost."),
		Blocks: append(blocks, next),
	}
}

// simple is a one-section message whose fallback is the same text.
func simple(text string) Message {
	return Message{Text: fallback(text), Blocks: []slack.Block{section(text)}}
}

// DeleteConfirmChanged answers a delete confirmation that was shown before
// the story was edited: nothing was deleted, and the story as it is now is
// shown to confirm again.
func DeleteConfirmChanged(s *extramile.Story) Message {
	m := DeleteConfirm(s)
	note := section(":warning: *This story was changed since you asked to delete it, so nothing was deleted.* Here it is as it is now.")
	m.Blocks = append([]slack.Block{note}, m.Blocks...)
	m.Text = fallback("This story was changed since you asked to delete it, so nothing was deleted.")
	return m
}

// maxLessonShown is how much of a lesson a shoutout shows (a context
// element holds at most 2000 characters).
const maxLessonShown = 1500

// lessonLine shows a story's lesson ("" for none).
func lessonLine(lesson string) string {
	if strings.TrimSpace(lesson) == "" {
		return ""
	}
	return ":bulb: *What we can learn from it:* " + escapeMax(strings.TrimSpace(lesson), maxLessonShown)
}
