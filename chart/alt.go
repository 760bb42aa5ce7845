package chart

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxAltText is the longest alt text Slack takes on an upload
// (files.getUploadURLExternal answers alt_txt_too_large past 1000 characters).
const MaxAltText = 1000

// AltText says in words what the chart shows, numbers included, for screen
// readers and for anyone the picture does not reach: the month's stories
// beside the month before, each week's, and each of the nine ways'. It is
// at most MaxAltText characters.
func AltText(d Data) string {
	var b strings.Builder
	b.WriteString("Bar charts of " + d.Title() + ": " + plural(d.Stories, "story", "stories"))
	if d.PrevMonth != "" {
		b.WriteString(" (" + d.PrevMonth + ": " + strconv.Itoa(d.PrevStories) + ")")
	}
	b.WriteString(".")

	prev := func(n int) string {
		if d.PrevMonth == "" {
			return ""
		}
		return " (" + strconv.Itoa(n) + ")"
	}
	if len(d.Weeks) > 0 {
		b.WriteString(" Stories per week, by days of the month")
		if d.PrevMonth != "" {
			b.WriteString(", the month before in brackets")
		}
		b.WriteString(": ")
		for i, w := range d.Weeks {
			if i > 0 {
				b.WriteString("; ")
			}
			this := strconv.Itoa(w.Stories)
			if w.Missing {
				this = "none in this month"
			}
			b.WriteString(w.Label + ": " + this + prev(w.PrevStories))
		}
		b.WriteString(".")
	}
	if len(d.Ways) > 0 {
		b.WriteString(" The nine ways, most first: ")
		for i, w := range d.Ways {
			if i > 0 {
				b.WriteString("; ")
			}
			b.WriteString(w.Title + " " + strconv.Itoa(w.Stories) + prev(w.PrevStories))
		}
		b.WriteString(".")
	}
	return cut(b.String(), MaxAltText)
}

// cut shortens s to at most n runes, at a word boundary, ending with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	if i := strings.LastIndexByte(string(r), ' '); i > 0 {
		return strings.TrimRight(string(r)[:i], " ;,:(") + "…"
	}
	return string(r) + "…"
}
