package compose

import (
	"slices"
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
// cut to maxRunes. The story form is plain text, where Slack shows a
// mention as its raw "<@U…>", so a mention of someone in names (user ID →
// name) reads "@name", and a channel mention "#name" when the message
// carries the channel's name. A mention not in names stays as Slack wrote
// it: nothing is lost, and it still mentions the person once published.
func StoryTextFromMessage(text string, maxRunes int, names map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		if text[i] == '<' {
			if m, n, ok := mentionAt(text[i:]); ok {
				b.WriteString(readableMention(m, text[i:i+n], names))
				i += n
				continue
			}
		}
		j := strings.IndexByte(text[i+1:], '<')
		if j < 0 {
			j = len(text)
		} else {
			j += i + 1
		}
		b.WriteString(FromSlack(text[i:j]))
		i = j
	}
	return Truncate(strings.TrimSpace(b.String()), maxRunes)
}

// readableMention is how the story form shows one mention: m is it in
// canonical form ("<@U…>", "<#C…>"), raw as the message wrote it.
func readableMention(m, raw string, names map[string]string) string {
	id := m[2 : len(m)-1]
	if m[1] == '@' {
		if name := strings.TrimSpace(names[id]); name != "" {
			return "@" + name
		}
		return m
	}
	if _, label, ok := strings.Cut(raw[:len(raw)-1], "|"); ok && strings.TrimSpace(label) != "" {
		return "#" + unescapeEntities(strings.TrimSpace(label))
	}
	return m
}

// MentionedUsers lists the users text mentions, each once, in order, at
// most limit of them.
func MentionedUsers(text string, limit int) []string {
	var out []string
	for i := 0; i < len(text) && len(out) < limit; i++ {
		if text[i] != '<' {
			continue
		}
		if m, n, ok := mentionAt(text[i:]); ok {
			if id := m[2 : len(m)-1]; m[1] == '@' && !slices.Contains(out, id) {
				out = append(out, id)
			}
			i += n - 1
		}
	}
	return out
}
