package compose

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/internal/blockkit"
)

// ModalMetadata is what the story modal carries in its private_metadata.
type ModalMetadata struct {
	StoryID int64  `json:"story_id,omitempty"` // the story being edited; 0 when sharing a new one
	Version int64  `json:"version,omitempty"`  // StoryVersion of the story being edited, as the modal shows it
	Channel string `json:"channel,omitempty"`  // where the command was typed, when known
	// The message a story is shared from (the message shortcut): its
	// channel and ts, kept on the story so its shoutout links back to it.
	SourceChannel string `json:"src_channel,omitempty"`
	SourceTS      string `json:"src_ts,omitempty"`
}

// Encode returns the metadata as compact JSON for private_metadata ("" when
// empty). A channel that is not a Slack ID is left out, so the result always
// stays far under Slack's 3000-character limit.
func (m ModalMetadata) Encode() string {
	if !validID(m.Channel, "CGD") {
		m.Channel = ""
	}
	if !validID(m.SourceChannel, "CGD") || !validTS(m.SourceTS) {
		m.SourceChannel, m.SourceTS = "", ""
	}
	if m == (ModalMetadata{}) {
		return ""
	}
	raw, _ := json.Marshal(m) // plain fields: cannot fail
	return string(raw)
}

// DecodeModalMetadata reads what Encode wrote; "" gives the zero value.
func DecodeModalMetadata(s string) (ModalMetadata, error) {
	var m ModalMetadata
	if s == "" {
		return m, nil
	}
	if len(s) > blockkit.MaxMetadata {
		return ModalMetadata{}, fmt.Errorf("decode modal metadata: %d characters, max %d", len(s), blockkit.MaxMetadata)
	}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return ModalMetadata{}, fmt.Errorf("decode modal metadata: %w", err)
	}
	if m.StoryID < 0 {
		return ModalMetadata{}, errors.New("decode modal metadata: negative story id")
	}
	return m, nil
}

// StoryModal is the modal to share a story (meta.StoryID 0; prefill nil, or
// what a message shortcut fills in) or to edit one (prefill set, and
// meta.StoryID its ID). Sharing asks who, what, for whom,
// which way (optional) and where; the channel defaults to meta.Channel (and
// to nothing without one: leave it empty where the bot cannot post, e.g. a
// DM or a private channel it was not invited to). Editing prefills everything
// and leaves the channel as it was: the story stays where it was shared.
func StoryModal(meta ModalMetadata, prefill *extramile.Story) slack.ModalViewRequest {
	editing := prefill != nil && meta.StoryID > 0
	v := slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackStory,
		Title:           plain("Share a story"),
		Submit:          plain("Share"),
		Close:           plain("Cancel"),
		PrivateMetadata: meta.Encode(),
	}
	intro := "Who went the extra mile for a customer or a co-worker? Write it down while you remember it. " + habitLine
	if meta.SourceTS != "" && !editing {
		intro = "I filled in the message's author and its text: make it the story of what they did. The shoutout will link back to the message."
	}
	if editing {
		v.Title = plain("Edit story")
		v.Submit = plain("Save")
		intro = "Change anything you like. The story stays where it was shared"
		if validID(prefill.Channel, "CG") {
			intro += ", in " + ChannelMention(prefill.Channel)
		}
		intro += "."
	}
	blocks := []slack.Block{contextBlock(intro), whoInput(prefill), whatInput(prefill), audienceInput(prefill), wayInput(prefill), lessonInput(prefill)}
	if !editing {
		blocks = append(blocks, channelInput(meta.Channel))
	}
	v.Blocks = slack.Blocks{BlockSet: blocks}
	return v
}

func whoInput(prefill *extramile.Story) *slack.InputBlock {
	max := extramile.MaxRecognized
	el := &slack.MultiSelectBlockElement{
		Type:             slack.MultiOptTypeUser,
		ActionID:         ActionWho,
		Placeholder:      plain("Choose people"),
		MaxSelectedItems: &max,
	}
	if prefill != nil {
		for _, u := range prefill.Recognized {
			if validID(u, "UW") && len(el.InitialUsers) < max {
				el.InitialUsers = append(el.InitialUsers, u)
			}
		}
	}
	return &slack.InputBlock{
		Type:    slack.MBTInput,
		BlockID: BlockWho,
		Label:   plain("Who went the extra mile?"),
		Element: el,
		Hint:    plain("You can name yourself too: writing down your own story is part of the habit."),
	}
}

func whatInput(prefill *extramile.Story) *slack.InputBlock {
	el := &slack.PlainTextInputBlockElement{
		Type:        slack.METPlainTextInput,
		ActionID:    ActionWhat,
		Placeholder: plain("The need they noticed, what they did beyond what was expected, and what it changed."),
		Multiline:   true,
		MaxLength:   extramile.MaxStoryLength,
	}
	if prefill != nil {
		el.InitialValue = Truncate(prefill.Text, extramile.MaxStoryLength)
	}
	return &slack.InputBlock{
		Type:    slack.MBTInput,
		BlockID: BlockWhat,
		Label:   plain("What did they do?"),
		Element: el,
		Hint:    plain("A few sentences are plenty. Concrete beats grand: what happened, and why it mattered."),
	}
}

// lessonInput is the optional "What can we learn from it?".
func lessonInput(prefill *extramile.Story) *slack.InputBlock {
	el := &slack.PlainTextInputBlockElement{
		Type:      slack.METPlainTextInput,
		ActionID:  ActionLesson,
		Multiline: true,
		MaxLength: extramile.MaxLessonLength,
	}
	if prefill != nil {
		el.InitialValue = Truncate(prefill.Lesson, extramile.MaxLessonLength)
	}
	return &slack.InputBlock{
		Type:     slack.MBTInput,
		BlockID:  BlockLesson,
		Label:    plain("What can we learn from it?"),
		Element:  el,
		Optional: true,
		Hint:     plain("Optional. Shown with the shoutout, and a few make the monthly digest's \"what we learned\"."),
	}
}

func audienceOption(a extramile.Audience) *slack.OptionBlockObject {
	label := "A co-worker"
	if a == extramile.AudienceCustomer {
		label = "A customer"
	}
	return &slack.OptionBlockObject{Text: plain(label), Value: string(a)}
}

func audienceInput(prefill *extramile.Story) *slack.InputBlock {
	el := &slack.RadioButtonsBlockElement{
		Type:     slack.METRadioButtons,
		ActionID: ActionAudience,
		Options:  []*slack.OptionBlockObject{audienceOption(extramile.AudienceCustomer), audienceOption(extramile.AudienceCoworker)},
	}
	if prefill != nil && prefill.Audience.Valid() {
		el.InitialOption = audienceOption(prefill.Audience)
	}
	return &slack.InputBlock{
		Type:    slack.MBTInput,
		BlockID: BlockAudience,
		Label:   plain("Who was it for?"),
		Element: el,
	}
}

func wayOption(w extramile.Way) *slack.OptionBlockObject {
	return &slack.OptionBlockObject{
		Text:        plain(Truncate(w.Title(), blockkit.MaxOptionText)),
		Value:       string(w),
		Description: plain(Truncate("They "+w.Hint(), blockkit.MaxOptionDesc)),
	}
}

func wayInput(prefill *extramile.Story) *slack.InputBlock {
	el := &slack.SelectBlockElement{
		Type:        slack.OptTypeStatic,
		ActionID:    ActionWay,
		Placeholder: plain("Pick the closest one"),
	}
	for _, w := range extramile.Ways {
		el.Options = append(el.Options, wayOption(w))
	}
	if prefill != nil {
		// Slack cannot clear a select once chosen: offer "none" instead.
		el.Options = append(el.Options, &slack.OptionBlockObject{
			Text:        plain("None of these"),
			Value:       wayNone,
			Description: plain("No single way fits this story"),
		})
		if prefill.Way.Valid() {
			el.InitialOption = wayOption(prefill.Way)
		}
	}
	return &slack.InputBlock{
		Type:     slack.MBTInput,
		BlockID:  BlockWay,
		Label:    plain("Which of the nine ways does it show?"),
		Element:  el,
		Hint:     plain("Optional. It helps the monthly digest show which ways your team already lives."),
		Optional: true,
	}
}

func channelInput(channel string) *slack.InputBlock {
	el := &slack.SelectBlockElement{
		Type:                         slack.OptTypeConversations,
		ActionID:                     ActionChannel,
		Placeholder:                  plain("Choose a channel"),
		DefaultToCurrentConversation: validID(channel, "CG"), // only where the bot said it can post
		Filter: &slack.SelectBlockElementFilter{
			Include:                       []string{"public", "private"},
			ExcludeBotUsers:               true,
			ExcludeExternalSharedChannels: true,
		},
	}
	if validID(channel, "CG") {
		el.InitialConversation = channel
	}
	return &slack.InputBlock{
		Type:    slack.MBTInput,
		BlockID: BlockChannel,
		Label:   plain("Where should the shoutout go?"),
		Element: el,
		Hint:    plain("For a private channel, invite me there first: /invite @Extra Mile"),
	}
}

// wayNone is the value of the edit modal's "None of these" way option.
const wayNone = "none"

// StoryForm is what a person entered in the story modal.
type StoryForm struct {
	Recognized []string           // user IDs, in the order chosen, without repeats
	Text       string             // trimmed, as typed (raw, unescaped)
	Audience   extramile.Audience // as sent; "" when none was chosen
	Way        extramile.Way      // as sent; "" when none was chosen
	Channel    string             // "" when editing (the modal has no channel input)
	Lesson     string             // optional, trimmed (raw, unescaped)
	Meta       ModalMetadata
}

// ParseStoryForm reads a submitted story modal from view.state.values and
// view.private_metadata. Missing blocks give empty fields (the edit modal has
// no channel input); odd values are kept as sent, for Errors to report. It
// fails only when the view is not a story modal or its metadata is unreadable.
func ParseStoryForm(view slack.View) (StoryForm, error) {
	var f StoryForm
	if view.CallbackID != CallbackStory {
		return f, fmt.Errorf("parse story form: callback_id %q, want %q", view.CallbackID, CallbackStory)
	}
	meta, err := DecodeModalMetadata(view.PrivateMetadata)
	if err != nil {
		return f, fmt.Errorf("parse story form: %w", err)
	}
	f.Meta = meta
	var values map[string]map[string]slack.BlockAction
	if view.State != nil {
		values = view.State.Values
	}
	get := func(block, action string) slack.BlockAction { return values[block][action] }

	seen := map[string]bool{}
	for _, u := range get(BlockWho, ActionWho).SelectedUsers {
		u = strings.TrimSpace(u)
		if u != "" && !seen[u] {
			seen[u] = true
			f.Recognized = append(f.Recognized, u)
		}
	}
	f.Text = strings.TrimSpace(get(BlockWhat, ActionWhat).Value)
	f.Lesson = strings.TrimSpace(get(BlockLesson, ActionLesson).Value)
	f.Audience = extramile.Audience(get(BlockAudience, ActionAudience).SelectedOption.Value)
	f.Way = extramile.Way(get(BlockWay, ActionWay).SelectedOption.Value)
	if f.Way == wayNone {
		f.Way = ""
	}
	ch := get(BlockChannel, ActionChannel)
	f.Channel = ch.SelectedConversation
	if f.Channel == "" {
		f.Channel = ch.SelectedChannel
	}
	return f, nil
}

// Editing reports whether the form edits an existing story.
func (f StoryForm) Editing() bool { return f.Meta.StoryID > 0 }

// Errors checks the form the way a person should hear about it, and returns
// the problems keyed by input block ID, ready for a view_submission response
// with response_action "errors"; nil means the form is fine. The domain's
// Story.Validate still has the last word.
func (f StoryForm) Errors() map[string]string {
	errs := map[string]string{}
	if err := extramile.ValidateRecognized(f.Recognized); err != nil {
		errs[BlockWho] = extramile.ErrorMessage(err)
	}
	if err := extramile.ValidateText(f.Text); err != nil {
		errs[BlockWhat] = extramile.ErrorMessage(err)
	}
	if err := extramile.ValidateLesson(f.Lesson); err != nil {
		errs[BlockLesson] = extramile.ErrorMessage(err)
	}
	if !f.Audience.Valid() {
		errs[BlockAudience] = "Choose whether it was for a customer or a co-worker."
	}
	if f.Way != "" && !f.Way.Valid() {
		errs[BlockWay] = "Choose one of the nine ways, or leave it empty."
	}
	if !f.Editing() && f.Channel == "" {
		errs[BlockChannel] = "Choose a channel to share the story in."
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
