package compose

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Message is what the bot posts: the fallback Text that notifications and
// screen readers show (always set, mrkdwn without blocks, under 4000
// characters), and the Blocks people see. Post it with
// slack.MsgOptionText(m.Text, false) and slack.MsgOptionBlocks(m.Blocks...),
// never with link_names; as a slash command or response_url reply it
// marshals to {"text":…,"blocks":[…]}.
type Message struct {
	Text   string        `json:"text"`
	Blocks []slack.Block `json:"blocks"`
}

// Limits this package keeps to, below Slack's own (see Check).
const (
	maxFallback    = 3000 // Message.Text, Slack's limit is 4000
	maxSectionText = 3000
	shareLabel     = "Share a story"
)

// habit and halfStep are the two ideas the product is built on.
const (
	habitLine    = "One story a week, written down: that's the whole habit."
	halfStepLine = "The half-step question for your week: *am I doing my best?*"
	themeLine    = "There is one extra-mile story in each of us every week: share yours."
)

func mrkdwn(s string) *slack.TextBlockObject {
	return &slack.TextBlockObject{Type: slack.MarkdownType, Text: s}
}

func plain(s string) *slack.TextBlockObject {
	yes := true
	return &slack.TextBlockObject{Type: slack.PlainTextType, Text: s, Emoji: &yes}
}

func section(text string) *slack.SectionBlock {
	return &slack.SectionBlock{Type: slack.MBTSection, Text: mrkdwn(text)}
}

func header(text string) *slack.HeaderBlock {
	return &slack.HeaderBlock{Type: slack.MBTHeader, Text: plain(Truncate(text, 150))}
}

func divider() *slack.DividerBlock {
	return &slack.DividerBlock{Type: slack.MBTDivider}
}

func contextBlock(texts ...string) *slack.ContextBlock {
	els := make([]slack.MixedElement, 0, len(texts))
	for _, t := range texts {
		els = append(els, mrkdwn(t))
	}
	return &slack.ContextBlock{Type: slack.MBTContext, ContextElements: slack.ContextElements{Elements: els}}
}

func actions(blockID string, els ...slack.BlockElement) *slack.ActionBlock {
	return &slack.ActionBlock{Type: slack.MBTAction, BlockID: blockID, Elements: &slack.BlockElements{ElementSet: els}}
}

func button(actionID, text, value string, style slack.Style) *slack.ButtonBlockElement {
	return &slack.ButtonBlockElement{Type: slack.METButton, ActionID: actionID, Text: plain(text), Value: value, Style: style}
}

func confirm(title, text, yes, no string) *slack.ConfirmationBlockObject {
	return &slack.ConfirmationBlockObject{Title: plain(title), Text: plain(text), Confirm: plain(yes), Deny: plain(no)}
}

// shareButton opens the story modal.
func shareButton() *slack.ButtonBlockElement {
	return button(ActionShareStory, shareLabel, "", slack.StylePrimary)
}

// shareActions is an actions block holding only the share button.
func shareActions() *slack.ActionBlock {
	return actions("share", shareButton())
}

// fallback makes a notification text from mrkdwn: one line, within limits.
func fallback(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > maxFallback {
		s = cutMrkdwn(s, maxFallback)
	}
	return s
}

// cutMrkdwn cuts already-rendered mrkdwn to max runes without splitting an
// entity or a mention: it backs off to before the last "<" or "&" that has
// no end in the kept part.
func cutMrkdwn(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	kept := []rune(s)[:max-1]
	out := string(kept)
	if i := strings.LastIndexAny(out, "<&"); i >= 0 && !strings.ContainsAny(out[i:], ">;") {
		out = out[:i]
	}
	return out + "…"
}

// mentions joins user mentions as "<@A>", "<@A> and <@B>", "<@A>, <@B> and <@C>".
func mentions(users []string) string {
	ms := make([]string, 0, len(users))
	for _, u := range users {
		ms = append(ms, Mention(u))
	}
	return joinAnd(ms)
}

func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// plural says "1 story", "2 stories", "0 stories".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// link makes a mrkdwn link to a Slack permalink, or returns "" when url is
// empty or not a plain https URL (it could otherwise break the markup).
func link(url, text string) string {
	if !safeURL(url) {
		return ""
	}
	return "<" + url + "|" + Escape(text) + ">"
}

func safeURL(url string) bool {
	if !strings.HasPrefix(url, "https://") || len(url) > 1000 {
		return false
	}
	return !strings.ContainsAny(url, "<>| \t\r\n\"")
}

// slackDate formats t with Slack's date token, shown in each reader's own
// time zone; the fallback is the date in UTC.
func slackDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("<!date^%d^{date_short_pretty}|%s>", t.Unix(), t.UTC().Format("Jan 2, 2006"))
}

// wayLine describes the way and audience of a story, "" when neither is set.
func wayLine(s *extramile.Story) string {
	var parts []string
	if s.Way.Valid() {
		parts = append(parts, "*"+s.Way.Title()+"*: they "+s.Way.Hint())
	}
	if s.Audience.Valid() {
		parts = append(parts, "for "+s.Audience.Label())
	}
	if len(parts) == 0 {
		return ""
	}
	line := strings.Join(parts, ", ")
	if !s.Way.Valid() {
		line = "For " + s.Audience.Label()
	}
	return line + "."
}

// isAmong reports whether user is in users.
func isAmong(user string, users []string) bool {
	for _, u := range users {
		if u == user {
			return true
		}
	}
	return false
}

func utf8Len(s string) int { return utf8.RuneCountInString(s) }
