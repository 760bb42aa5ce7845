package compose

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/extramile/extramile"
)

// CallbackStory is the callback_id of the story modal, for sharing and for
// editing a story.
const CallbackStory = "story_modal"

// Callback IDs of the shortcuts declared in manifest.yml
// (features.shortcuts): the message shortcut "Share as an extra-mile story"
// and the global one (the lightning menu). Both open the story modal.
const (
	CallbackShareMessage = "share_message"
	CallbackShareGlobal  = "share_story"
)

// Block IDs of the story modal's input blocks, and the action IDs of their
// elements: ParseStoryForm reads view.state.values[Block…][Action…], and a
// view_submission answered with response_action "errors" keys its messages
// by these block IDs (see StoryForm.Errors).
const (
	BlockWho       = "story_who" // multi_users_select: who went the extra mile
	ActionWho      = "who"
	BlockWhat      = "story_what" // plain_text_input, multiline: what they did
	ActionWhat     = "what"
	BlockAudience  = "story_audience" // radio_buttons: customer or coworker
	ActionAudience = "audience"
	BlockWay       = "story_way" // static_select, optional: one of the nine ways
	ActionWay      = "way"
	BlockChannel   = "story_channel" // conversations_select: where the shoutout goes (not when editing)
	ActionChannel  = "channel"
	BlockLesson    = "story_lesson" // plain_text_input, multiline, optional: what we can learn from it
	ActionLesson   = "lesson"
)

// Action IDs of the buttons and menus in messages.
const (
	// ActionShareStory is the "Share a story" button (prompts, help, empty
	// states): it opens the story modal. Its value is empty.
	ActionShareStory = "share_story"
	// ActionStoryMenu is the overflow menu on a shoutout; its option values are
	// MenuValue(MenuEdit, id) and MenuValue(MenuDelete, id).
	ActionStoryMenu = "story_menu"
	// ActionDeleteConfirm and ActionDeleteCancel are the buttons of
	// DeleteConfirm; their value is StoryRefValue of the story shown.
	ActionDeleteConfirm = "delete_confirm"
	ActionDeleteCancel  = "delete_cancel"
	// ActionMinePage is the "Newer" and "Older" buttons of Mine; the value is
	// the offset of the page to show, in decimal. (Each button sits in its own
	// actions block: Slack refuses two equal action IDs in one block.)
	ActionMinePage = "mine_page"
	// ActionForgetConfirm and ActionForgetCancel are the buttons of
	// ForgetMeConfirm; their value is "forget_me".
	ActionForgetConfirm = "forget_confirm"
	ActionForgetCancel  = "forget_cancel"
)

// Verbs of the shoutout overflow menu (ActionStoryMenu).
const (
	MenuEdit   = "edit"
	MenuDelete = "delete"
)

// MenuValue is the value of a shoutout menu option: "edit:42", "delete:42".
func MenuValue(verb string, storyID int64) string {
	return verb + ":" + strconv.FormatInt(storyID, 10)
}

// ParseMenuValue splits a shoutout menu option value into its verb (MenuEdit
// or MenuDelete) and story ID.
func ParseMenuValue(v string) (verb string, storyID int64, err error) {
	verb, id, ok := strings.Cut(v, ":")
	if !ok || (verb != MenuEdit && verb != MenuDelete) {
		return "", 0, fmt.Errorf("parse menu value %q: unknown verb", v)
	}
	storyID, err = strconv.ParseInt(id, 10, 64)
	if err != nil {
		return "", 0, fmt.Errorf("parse menu value %q: %w", v, err)
	}
	if storyID <= 0 {
		return "", 0, fmt.Errorf("parse menu value %q: story id must be positive", v)
	}
	return verb, storyID, nil
}

// StoryRefValue names a story as a button shows it: "<id>:<version>", the
// version being the time it was last changed (UpdatedAt, in Unix
// nanoseconds). A button left over from before an edit then refers to the
// story as it was shown, and the bot can tell.
func StoryRefValue(s *extramile.Story) string {
	return strconv.FormatInt(s.ID, 10) + ":" + strconv.FormatInt(s.UpdatedAt.UnixNano(), 10)
}

// ParseStoryRef reads StoryRefValue; a bare ID (buttons of older versions)
// has version 0, meaning "any".
func ParseStoryRef(v string) (id, version int64, err error) {
	idText, verText, hasVersion := strings.Cut(v, ":")
	if id, err = strconv.ParseInt(idText, 10, 64); err != nil || id <= 0 {
		return 0, 0, fmt.Errorf("parse story ref %q: bad id", v)
	}
	if hasVersion {
		if version, err = strconv.ParseInt(verText, 10, 64); err != nil {
			return 0, 0, fmt.Errorf("parse story ref %q: %w", v, err)
		}
	}
	return id, version, nil
}

// StoryVersion is the version StoryRefValue and ModalMetadata carry.
func StoryVersion(s *extramile.Story) int64 { return s.UpdatedAt.UnixNano() }
