package compose

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Roundup bounds: stories shown in full, their text, and the people named
// after them.
const (
	roundupFull     = 12
	roundupLine     = 200
	roundupMentions = 100
	fallbackNames   = 20
)

// Roundup is the weekly thank-you posted in a channel for the stories shared
// there since since (shown as a date in loc; nil means UTC): each story thanks
// its people by mention, with a line of the story and a link to its shoutout.
// Past the first dozen stories, the rest of the people are thanked by name in
// one bounded section, so the message fits Slack's limits however many
// stories there are. No stories gives an encouraging word and the Share button.
func Roundup(stories []*extramile.Story, since time.Time, loc *time.Location) Message {
	return RoundupWithKudos(stories, nil, since, loc)
}

// roundupKudosMax is how many kudos receivers a roundup names.
const roundupKudosMax = 10

// RoundupWithKudos is Roundup plus a line thanking the people who received
// the most kudos in the same period (tallies as storage's Top returns them;
// those with no kudos are left out).
func RoundupWithKudos(stories []*extramile.Story, kudos []extramile.Tally, since time.Time, loc *time.Location) Message {
	m := roundup(stories, since, loc)
	line := kudosLine(kudos, since, loc)
	if line == "" {
		return m
	}
	// Before the closing context and the Share button.
	at := max(len(m.Blocks)-2, 1)
	blocks := append([]slack.Block{}, m.Blocks[:at]...)
	blocks = append(blocks, section(line))
	m.Blocks = append(blocks, m.Blocks[at:]...)
	return m
}

// kudosLine names who received kudos since since (shown in loc), most
// first: ":raised_hands: *Kudos since Friday, November 27:* @a ×3 · @b ×1",
// or "" when nobody did. (The window is a week, or longer after a pause.)
func kudosLine(tallies []extramile.Tally, since time.Time, loc *time.Location) string {
	var ks []extramile.Tally
	for _, t := range tallies {
		if t.Kudos > 0 && t.User != "" {
			ks = append(ks, t)
		}
	}
	if len(ks) == 0 {
		return ""
	}
	sort.SliceStable(ks, func(i, j int) bool { return ks[i].Kudos > ks[j].Kudos })
	var parts []string
	for _, t := range ks[:min(len(ks), roundupKudosMax)] {
		parts = append(parts, fmt.Sprintf("%s ×%d", Mention(t.User), t.Kudos))
	}
	if k := len(ks) - roundupKudosMax; k > 0 {
		parts = append(parts, plural(k, "more person", "more people"))
	}
	when := "*Kudos:* "
	if !since.IsZero() {
		if loc == nil {
			loc = time.UTC
		}
		when = "*Kudos since " + since.In(loc).Format("Monday, January 2") + ":* "
	}
	return ":raised_hands: " + when + strings.Join(parts, " · ") + "\nThank you for cheering each other on."
}

// roundup builds the stories part of a roundup.
func roundup(stories []*extramile.Story, since time.Time, loc *time.Location) Message {
	if loc == nil {
		loc = time.UTC
	}
	var list []*extramile.Story
	for _, s := range stories {
		if s != nil {
			list = append(list, s)
		}
	}
	if len(list) == 0 {
		text := ":seedling: *No stories were written down here this week.*\n" +
			"Someone surely went the extra mile anyway. Who was it for you? " +
			"Write it down, and they'll be thanked here next week."
		return Message{
			Text:   "No stories this week yet: who went the extra mile for you? Share it with /extramile",
			Blocks: []slack.Block{section(text), contextBlock(themeLine), shareActions()},
		}
	}

	intro := ":sparkles: *This week's thank-yous*\n" + plural(len(list), "story was", "stories were") +
		" written down since " + since.In(loc).Format("Monday, January 2") + ". Thank you all for noticing, and for going the extra mile."
	if since.IsZero() {
		intro = ":sparkles: *This week's thank-yous*\nThank you all for noticing, and for going the extra mile."
	}
	blocks := []slack.Block{section(intro)}
	var everyone []string
	seen := map[string]bool{}
	note := func(users []string) {
		for _, u := range users {
			if !seen[u] {
				seen[u] = true
				everyone = append(everyone, u)
			}
		}
	}

	shown := list[:min(len(list), roundupFull)]
	for _, s := range shown {
		blocks = append(blocks, section(roundupItem(s)))
		note(s.Recognized)
	}
	if rest := list[len(shown):]; len(rest) > 0 {
		var more []string
		for _, s := range rest {
			for _, u := range s.Recognized {
				if !seen[u] && !isAmong(u, more) {
					more = append(more, u)
				}
			}
		}
		text := "*And " + plural(len(rest), "more story", "more stories") + "*"
		if len(more) > 0 {
			names := make([]string, 0, min(len(more), roundupMentions)+1)
			for _, u := range more[:min(len(more), roundupMentions)] {
				names = append(names, Mention(u))
			}
			if k := len(more) - roundupMentions; k > 0 {
				names = append(names, plural(k, "more person", "more people"))
			}
			text += ": thank you " + joinAnd(names) + "!"
		}
		note(more)
		blocks = append(blocks, section(cutMrkdwn(text, maxSectionText)))
	}
	blocks = append(blocks, contextBlock(":footprints: "+halfStepLine), shareActions())

	names := make([]string, 0, fallbackNames+1)
	for _, u := range everyone[:min(len(everyone), fallbackNames)] {
		names = append(names, Mention(u))
	}
	if k := len(everyone) - fallbackNames; k > 0 {
		names = append(names, plural(k, "more person", "more people"))
	}
	return Message{
		Text:   fallback("This week's thank-yous: thank you " + joinAnd(names) + "!"),
		Blocks: blocks,
	}
}

// roundupItem is one story in a roundup: who is thanked, a line of the
// story, who shared it, and a link.
func roundupItem(s *extramile.Story) string {
	head := "*Thank you, " + thankedMax(s.Recognized, extramile.MaxRecognized) + "!*"
	var meta []string
	meta = append(meta, "Shared by "+Mention(s.Author))
	if s.Way.Valid() {
		meta = append(meta, s.Way.Title())
	}
	if l := link(s.Permalink, "See the shoutout"); l != "" {
		meta = append(meta, l)
	}
	line := quoteMax(firstLine(s.Text), roundupLine)
	return head + "\n" + line + "\n" + strings.Join(meta, " · ")
}

// thankedMax names at most n people, then "and K more".
func thankedMax(users []string, n int) string {
	if len(users) <= n {
		return thanked(users)
	}
	names := make([]string, 0, n+1)
	for _, u := range users[:n] {
		names = append(names, Mention(u))
	}
	return joinAnd(append(names, plural(len(users)-n, "more", "more")))
}

// firstLine is the text up to its first line break, or all of it, trimmed.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[:i]) + " …"
	}
	return s
}
