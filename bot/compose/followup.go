package compose

import (
	"errors"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// The two-way street's IDs: the follow-up DM's buttons (their value is the
// story ID, in decimal) and its modal (private_metadata: the story ID).
const (
	ActionFollowUpAnswer = "followup_answer"
	ActionFollowUpSkip   = "followup_skip"
	CallbackFollowUp     = "followup_modal"
	BlockFollowUp        = "followup_text"
	ActionFollowUpIn     = "text"
)

// followUpQuote is how much of the story the follow-up DM and modal recall.
const followUpQuote = 500

// FollowUpDM asks the author of a story for a customer, once, what changed
// because of it, with Answer and Skip buttons.
func FollowUpDM(s *extramile.Story) Message {
	id := strconv.FormatInt(s.ID, 10)
	text := ":leftwards_arrow_with_hook: *What changed because of it?*\nA while ago you wrote down how " + thanked(s.Recognized) +
		" went the extra mile for a customer:\n" + quoteMax(s.Text, followUpQuote) +
		"\nDid the customer come back? Did we change something? Your answer goes in the shoutout's thread, so the people in it hear how it turned out."
	if l := link(s.Permalink, "See the shoutout"); l != "" {
		text += "\n" + l
	}
	return Message{
		Text: fallback("What changed because of the story you shared about " + thanked(s.Recognized) + "?"),
		Blocks: []slack.Block{
			section(text),
			actions("followup",
				button(ActionFollowUpAnswer, "Answer", id, slack.StylePrimary),
				button(ActionFollowUpSkip, "Skip", id, ""),
			),
		},
	}
}

// FollowUpModal asks for the answer to story id's follow-up.
func FollowUpModal(id int64) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackFollowUp,
		Title:           plain("What changed?"),
		Submit:          plain("Post in the thread"),
		Close:           plain("Cancel"),
		PrivateMetadata: strconv.FormatInt(id, 10),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			&slack.InputBlock{
				Type:    slack.MBTInput,
				BlockID: BlockFollowUp,
				Label:   plain("What changed because of it?"),
				Element: &slack.PlainTextInputBlockElement{
					Type:        slack.METPlainTextInput,
					ActionID:    ActionFollowUpIn,
					Multiline:   true,
					MaxLength:   extramile.MaxLessonLength,
					Placeholder: plain("Did the customer come back? What did we change?"),
				},
				Hint: plain("Posted as a reply under the shoutout, for everyone in the channel."),
			},
		}},
	}
}

// ParseFollowUp reads a submitted FollowUpModal: the story ID and the answer.
func ParseFollowUp(v slack.View) (id int64, answer string, err error) {
	if v.CallbackID != CallbackFollowUp {
		return 0, "", errors.New("parse follow-up: wrong callback")
	}
	id, err = strconv.ParseInt(v.PrivateMetadata, 10, 64)
	if err != nil || id <= 0 {
		return 0, "", errors.New("parse follow-up: bad story id")
	}
	if v.State == nil {
		return 0, "", errors.New("parse follow-up: no state")
	}
	return id, v.State.Values[BlockFollowUp][ActionFollowUpIn].Value, nil
}

// FollowUpReply is the threaded reply under a shoutout with its author's
// answer to "what changed because of it?".
func FollowUpReply(s *extramile.Story, answer string) Message {
	return Message{
		Text: fallback(":leftwards_arrow_with_hook: What changed because of it, by " + Mention(s.Author) + "."),
		Blocks: []slack.Block{
			section(":leftwards_arrow_with_hook: *What changed because of it*, by " + Mention(s.Author) + ":\n" + quoteMax(answer, maxSectionText-200)),
		},
	}
}

// FollowUpSkipped replaces the follow-up DM after Skip.
func FollowUpSkipped() Message {
	return simple(":ok_hand: Skipped. Thank you for writing the story down in the first place.")
}

// FollowUpDone replaces the follow-up DM once the answer is posted.
func FollowUpDone(permalink string) Message {
	text := ":raised_hands: Thank you: your answer is in the shoutout's thread."
	if l := link(permalink, "See it"); l != "" {
		text += " " + l
	}
	return simple(text)
}
