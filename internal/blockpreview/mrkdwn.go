package blockpreview

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Style is a set of text styles a span of mrkdwn carries.
type Style uint16

// The styles of a span. Link, Mention and Code also change the colour.
const (
	Bold Style = 1 << iota
	Italic
	Strike
	Code
	Link
	Mention
)

// Span is a run of text in one style.
type Span struct {
	Text  string
	Style Style
}

// Line is one line of a text object (text split at "\n"); Quote marks a line that began with ">".
type Line struct {
	Quote bool
	Spans []Span
}

// Names maps user and channel IDs (U…, W…, C…, G…) to the names shown for mentions, without
// the leading @ or #. An ID not in the map is shown as itself.
type Names map[string]string

func (n Names) name(id string) string {
	if s, ok := n[id]; ok && s != "" {
		return s
	}
	return id
}

// Mrkdwn turns a mrkdwn text object's text into lines of styled spans, as Slack shows it:
// *bold*, _italic_, ~strike~, `code`, "> " quotes, <url|text> links, <@U…> and <#C…> mentions
// (named through names), <!here>-style broadcasts, <!date^…|fallback> as its fallback,
// :emoji: shortcodes as Unicode (or left as :name: when unknown), and &amp; &lt; &gt; decoded.
func Mrkdwn(text string, names Names) []Line {
	var lines []Line
	for _, raw := range strings.Split(text, "\n") {
		var l Line
		switch {
		case strings.HasPrefix(raw, "&gt; "):
			l.Quote, raw = true, raw[len("&gt; "):]
		case strings.HasPrefix(raw, "&gt;"):
			l.Quote, raw = true, raw[len("&gt;"):]
		case strings.HasPrefix(raw, "> "):
			l.Quote, raw = true, raw[2:]
		case strings.HasPrefix(raw, ">"):
			l.Quote, raw = true, raw[1:]
		}
		l.Spans = merge(inline(raw, 0, names))
		lines = append(lines, l)
	}
	return lines
}

// Plain turns a plain_text object's text into lines of unstyled spans; with emoji, :shortcodes:
// become Unicode as Slack does for "emoji": true.
func Plain(text string, emoji bool) []Line {
	var lines []Line
	for _, raw := range strings.Split(text, "\n") {
		if emoji {
			raw = Emojify(raw)
		}
		var spans []Span
		if raw != "" {
			spans = []Span{{Text: raw}}
		}
		lines = append(lines, Line{Spans: spans})
	}
	return lines
}

// inline parses one line of mrkdwn (no newlines) in the given outer style.
func inline(s string, st Style, names Names) []Span {
	var out []Span
	var buf strings.Builder
	flush := func() {
		if buf.Len() > 0 {
			out = append(out, Span{Text: Emojify(decode(buf.String())), Style: st})
			buf.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '<':
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				flush()
				out = append(out, angle(s[i+1:i+j], st, names))
				i += j + 1
				continue
			}
		case c == '`' && st&Code == 0:
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 && opens(s, i) {
				flush()
				out = append(out, Span{Text: decode(s[i+1 : i+1+j]), Style: st | Code})
				i += j + 2
				continue
			}
		case c == '*' || c == '_' || c == '~':
			if j := closing(s, i); j > 0 {
				flush()
				out = append(out, inline(s[i+1:j], st|marker(c), names)...)
				i = j + 1
				continue
			}
		}
		buf.WriteByte(c)
		i++
	}
	flush()
	return out
}

func marker(c byte) Style {
	switch c {
	case '*':
		return Bold
	case '_':
		return Italic
	}
	return Strike
}

// opens reports whether a marker at s[i] may open: at the start or after a space or punctuation.
func opens(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r) || (unicode.IsPunct(r) && r != rune(s[i])) || unicode.IsSymbol(r)
}

// closing returns the index of the marker closing the one at s[i], or -1. As in Slack, a
// marker opens at a word boundary before a non-space, and closes after a non-space before a
// word boundary.
func closing(s string, i int) int {
	c := s[i]
	if !opens(s, i) || i+1 >= len(s) || s[i+1] == ' ' || s[i+1] == c {
		return -1
	}
	for j := i + 2; j < len(s); j++ {
		if s[j] != c || s[j-1] == ' ' {
			continue
		}
		if j+1 == len(s) {
			return j
		}
		r, _ := utf8.DecodeRuneInString(s[j+1:])
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return j
		}
	}
	return -1
}

// angle renders the inside of a <…> token.
func angle(tok string, st Style, names Names) Span {
	target, label, hasLabel := strings.Cut(tok, "|")
	switch {
	case strings.HasPrefix(target, "@"):
		if hasLabel {
			return Span{Text: "@" + strings.TrimPrefix(decode(label), "@"), Style: st | Mention}
		}
		return Span{Text: "@" + names.name(target[1:]), Style: st | Mention}
	case strings.HasPrefix(target, "#"):
		if hasLabel && label != "" {
			return Span{Text: "#" + decode(label), Style: st | Mention}
		}
		return Span{Text: "#" + names.name(target[1:]), Style: st | Mention}
	case strings.HasPrefix(target, "!date^"):
		// <!date^ts^format|fallback>: a client formats the time in the reader's zone; the
		// fallback is what the bot computed, the honest choice for a picture.
		return Span{Text: decode(label), Style: st}
	case strings.HasPrefix(target, "!subteam^"):
		if hasLabel {
			return Span{Text: decode(label), Style: st | Mention}
		}
		return Span{Text: "@group", Style: st | Mention}
	case strings.HasPrefix(target, "!"):
		return Span{Text: "@" + strings.TrimPrefix(target, "!"), Style: st | Mention}
	}
	if hasLabel {
		return Span{Text: Emojify(decode(label)), Style: st | Link}
	}
	return Span{Text: decode(target), Style: st | Link}
}

// decode undoes Slack's three escapes (&amp; &lt; &gt;).
func decode(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

// merge joins neighbouring spans of the same style and drops empty ones.
func merge(in []Span) []Span {
	var out []Span
	for _, s := range in {
		if s.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Style == s.Style {
			out[n-1].Text += s.Text
			continue
		}
		out = append(out, s)
	}
	return out
}
