package compose

import (
	"strings"
)

// validTS reports whether ts looks like a Slack message ts: digits, a dot,
// digits ("1700000000.000100").
func validTS(ts string) bool {
	sec, frac, ok := strings.Cut(ts, ".")
	if !ok || len(sec) == 0 || len(sec) > 12 || len(frac) == 0 || len(frac) > 8 {
		return false
	}
	for _, c := range sec + frac {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// StoryTextFromMessage turns the text of a Slack message, as a message
// shortcut delivers it (escaped mrkdwn, like a slash command's text), into
// story text as a person would have typed it (see FromSlack), trimmed and
// cut to maxRunes.
func StoryTextFromMessage(text string, maxRunes int) string {
	return Truncate(strings.TrimSpace(FromSlack(text)), maxRunes)
}
