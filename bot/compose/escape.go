package compose

import (
	"strings"
	"unicode/utf8"
)

// Escape makes text written by a person safe to put in mrkdwn: "&", "<" and
// ">" become "&amp;", "&lt;" and "&gt;", so "<!channel>", "<!here>",
// "<!everyone>", "<!subteam^…>", "<!date…>" and links like "<http://…|x>"
// show as typed and can neither ping anyone nor break the message.
//
// Real mentions produced by Slack keep working: "<@U123ABC>" and
// "<@U123ABC|name>" (IDs matching [UW][A-Z0-9]{2,}) become "<@U123ABC>", and
// "<#C123|name>" (IDs matching [CG][A-Z0-9]{2,}) becomes "<#C123>"; the label
// is dropped because Slack shows the current name anyway. IDs longer than 24
// characters are not Slack's and are escaped like any other text.
//
// Plain words such as "@channel" or "@here" are left as they are: Slack only
// pings for the "<!channel>" forms, unless a message is sent with link_names
// set, which this bot never does (it posts with the text and blocks only).
//
// Escape is not idempotent: escaping twice shows "&amp;" to the reader.
func Escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		tok, n := nextToken(s[i:])
		b.WriteString(tok)
		i += n
	}
	return b.String()
}

// nextToken returns the escaped form of the first unit of s (a mention, an
// entity to escape, or one rune as is) and how many bytes of s it used.
func nextToken(s string) (string, int) {
	switch s[0] {
	case '&':
		return "&amp;", 1
	case '>':
		return "&gt;", 1
	case '<':
		if m, n, ok := mentionAt(s); ok {
			return m, n
		}
		return "&lt;", 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n], n
}

// mentionAt reports whether s starts with a user mention <@U…> / <@U…|label>
// or a channel mention <#C…> / <#C…|label>, and returns its labelless form.
func mentionAt(s string) (string, int, bool) {
	if len(s) < 5 || s[0] != '<' {
		return "", 0, false
	}
	switch {
	case s[1] == '@' && (s[2] == 'U' || s[2] == 'W'):
	case s[1] == '#' && (s[2] == 'C' || s[2] == 'G'):
	default:
		return "", 0, false
	}
	j := 3
	for j < len(s) && isIDByte(s[j]) {
		j++
	}
	if j-3 < 2 || j-2 > maxIDLen {
		return "", 0, false
	}
	idEnd := j
	if j < len(s) && s[j] == '|' {
		j++
		for j < len(s) && s[j] != '<' && s[j] != '>' {
			j++
		}
	}
	if j >= len(s) || s[j] != '>' {
		return "", 0, false
	}
	return s[:idEnd] + ">", j + 1, true
}

// maxIDLen bounds the Slack IDs this package accepts (real ones have about 11
// characters), so one mention can never grow past a few dozen characters.
const maxIDLen = 24

func isIDByte(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// validID reports whether id looks like a Slack ID whose first letter is one
// of first, followed by at least two capital letters or digits.
func validID(id, first string) bool {
	if len(id) < 3 || len(id) > maxIDLen || !strings.ContainsRune(first, rune(id[0])) {
		return false
	}
	for i := 1; i < len(id); i++ {
		if !isIDByte(id[i]) {
			return false
		}
	}
	return true
}

// Mention returns the mrkdwn that mentions a user: "<@U123ABC>". An ID that
// is not a Slack user ID (U… or W…) comes back escaped, as plain text, so it
// can never ping anyone.
func Mention(userID string) string {
	if !validID(userID, "UW") {
		return Escape(userID)
	}
	return "<@" + userID + ">"
}

// ChannelMention returns the mrkdwn that links a channel: "<#C123ABC>". An ID
// that is not a channel ID (C… or G…) comes back escaped, as plain text.
func ChannelMention(channelID string) string {
	if !validID(channelID, "CG") {
		return Escape(channelID)
	}
	return "<#" + channelID + ">"
}

// Truncate shortens s to at most max runes, ending with "…" when it had to
// cut; it never splits a UTF-8 sequence. A max below 1 gives "".
func Truncate(s string, max int) string {
	if max < 1 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " \t\n") + "…"
		}
		n++
	}
	return s
}

// Quote turns text written by a person into an escaped mrkdwn blockquote:
// every line starts with "> ". Leading and trailing space is trimmed; blank
// text gives "".
func Quote(s string) string {
	return quoteMax(s, -1)
}

// escapeMax escapes s like Escape, and keeps the result within max runes
// (max < 0: no limit), cutting between whole units (never inside an entity
// or a mention) and ending with "…" when it had to cut.
func escapeMax(s string, max int) string {
	return render(s, max, false)
}

// quoteMax quotes s like Quote within max runes (max < 0: no limit).
func quoteMax(s string, max int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	return render(s, max, true)
}

// render escapes s, as a blockquote when quote is set, within max runes.
// It reads no more of s than it needs.
func render(s string, max int, quote bool) string {
	out, complete := renderUpTo(s, max, quote)
	if complete || max < 1 {
		return out
	}
	out, _ = renderUpTo(s, max-1, quote)
	return out + "…"
}

// renderUpTo renders s token by token and stops before the token that would
// take it past budget runes (budget < 0: no limit); complete reports whether
// all of s fit.
func renderUpTo(s string, budget int, quote bool) (out string, complete bool) {
	const prefix = "> "
	var b strings.Builder
	n := 0
	if quote {
		if budget >= 0 && budget < len(prefix) {
			return "", false
		}
		b.WriteString(prefix)
		n = len(prefix)
	}
	for i := 0; i < len(s); {
		tok, used := nextToken(s[i:])
		if quote && tok == "\n" {
			tok = "\n" + prefix
		}
		tn := utf8.RuneCountInString(tok)
		if budget >= 0 && n+tn > budget {
			return b.String(), false
		}
		b.WriteString(tok)
		n += tn
		i += used
	}
	return b.String(), true
}

// quoteChunks quotes s like Quote, split into blockquotes of at most size
// runes each, at line breaks where it can, and at most maxChunks of them;
// the last one ends with "…" when the text did not fit.
func quoteChunks(s string, size, maxChunks int) []string {
	const prefix = "> "
	s = strings.TrimSpace(s)
	if s == "" || maxChunks < 1 || size < 2*maxIDLen {
		return nil
	}
	// Each line becomes one piece, or several when it is longer than size.
	var pieces []string
	for _, line := range strings.Split(s, "\n") {
		var b strings.Builder
		b.WriteString(prefix)
		n := len(prefix)
		for i := 0; i < len(line); {
			tok, used := nextToken(line[i:])
			tn := utf8.RuneCountInString(tok)
			if n+tn > size {
				pieces = append(pieces, b.String())
				b.Reset()
				b.WriteString(prefix)
				n = len(prefix)
			}
			b.WriteString(tok)
			n += tn
			i += used
		}
		pieces = append(pieces, b.String())
	}
	// Pack the pieces into chunks.
	var chunks []string
	var b strings.Builder
	n := 0
	for _, p := range pieces {
		pn := utf8.RuneCountInString(p)
		if n > 0 && n+1+pn > size {
			chunks = append(chunks, b.String())
			b.Reset()
			n = 0
		}
		if n > 0 {
			b.WriteByte('\n')
			n++
		}
		b.WriteString(p)
		n += pn
	}
	chunks = append(chunks, b.String())
	if len(chunks) > maxChunks {
		chunks = chunks[:maxChunks]
		chunks[maxChunks-1] = cutMrkdwn(chunks[maxChunks-1]+"…", size)
	}
	return chunks
}

// FromSlack turns the text of a slash command, which Slack sends escaped and
// formatted (with should_escape on), back into what the person typed:
// "&lt;" "&gt;" "&amp;" become "<" ">" "&", links "<https://x|label>" become
// "label (https://x)" or "https://x", broadcasts "<!here>" become "@here",
// user groups "<!subteam^S1|@team>" become "@team" and dates their fallback.
// User and channel mentions stay as they are, so Escape keeps them working.
func FromSlack(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] == '<' {
			if m, n, ok := mentionAt(s[i:]); ok {
				b.WriteString(m)
				i += n
				continue
			}
			if end := strings.IndexAny(s[i+1:], "<>"); end >= 0 && s[i+1+end] == '>' {
				b.WriteString(unlink(s[i+1 : i+1+end]))
				i += end + 2
				continue
			}
		}
		if s[i] == '&' {
			if ent, n := entityAt(s[i:]); n > 0 {
				b.WriteString(ent)
				i += n
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// unlink renders the inside of one Slack <…> token as plain text.
func unlink(inner string) string {
	target, label, hasLabel := strings.Cut(inner, "|")
	label = unescapeEntities(label)
	switch {
	case strings.HasPrefix(target, "!subteam^"), strings.HasPrefix(target, "!date^"):
		if hasLabel {
			return label
		}
		return ""
	case strings.HasPrefix(target, "!"):
		if hasLabel {
			return label
		}
		return "@" + target[1:]
	}
	target = unescapeEntities(target)
	bare := strings.TrimPrefix(target, "mailto:")
	if hasLabel && label != "" && label != target && label != bare &&
		label != strings.TrimPrefix(strings.TrimPrefix(target, "https://"), "http://") {
		return label + " (" + bare + ")"
	}
	return bare
}

func entityAt(s string) (string, int) {
	for _, e := range [...]struct{ ent, raw string }{{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}} {
		if strings.HasPrefix(s, e.ent) {
			return e.raw, len(e.ent)
		}
	}
	return "", 0
}

func unescapeEntities(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}
