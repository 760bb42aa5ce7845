package compose

import (
	"fmt"
	"strconv"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Page sizes for Mine.
const (
	DefaultMinePageSize = 5
	MaxMinePageSize     = 10
)

// mineStoryLength is how much of each story Mine shows.
const mineStoryLength = 300

// Mine lists, ephemerally, the stories user shared and the stories about
// them, newest first as given: stories is one page starting at offset, out of
// total. "Newer" and "Older" buttons (ActionMinePage; value: the offset to
// show) appear only when there is a page there. pageSize outside
// 1..MaxMinePageSize means DefaultMinePageSize; extra stories are not shown.
func Mine(user string, stories []*extramile.Story, total, offset, pageSize int) Message {
	if pageSize < 1 || pageSize > MaxMinePageSize {
		pageSize = DefaultMinePageSize
	}
	offset = max(offset, 0)
	if len(stories) > pageSize {
		stories = stories[:pageSize]
	}
	if total <= 0 && len(stories) == 0 {
		text := "*Your stories and the stories about you*\n" +
			"Nothing here yet. Who went the extra mile for you lately? " +
			"Writing it down takes a minute, and it will mean a lot to them."
		return Message{
			Text:   "No stories yet: share the first one with /extramile",
			Blocks: []slack.Block{section(text), contextBlock(":footprints: " + habitLine), shareActions()},
		}
	}
	if len(stories) > 0 {
		total = max(total, offset+len(stories))
	}

	blocks := []slack.Block{}
	if len(stories) == 0 {
		blocks = append(blocks, section("*Your stories and the stories about you*\nThere are no more stories past this point."))
	} else {
		blocks = append(blocks, section(fmt.Sprintf("*Your stories and the stories about you*\n%d–%d of %d, newest first.",
			offset+1, offset+len(stories), total)))
	}
	for _, s := range stories {
		if s == nil {
			continue
		}
		blocks = append(blocks, divider(), section(mineItem(user, s, mineStoryLength)))
	}

	if offset > 0 {
		prev := offset - pageSize
		if len(stories) == 0 && total > 0 {
			prev = min(prev, (total-1)/pageSize*pageSize) // past the end: back to the last page
		}
		blocks = append(blocks, actions("mine_newer", button(ActionMinePage, "Newer", strconv.Itoa(max(prev, 0)), "")))
	}
	if next := offset + len(stories); len(stories) > 0 && next < total {
		blocks = append(blocks, actions("mine_older", button(ActionMinePage, "Older", strconv.Itoa(next), "")))
	}
	return Message{Text: fmt.Sprintf("Your stories and the stories about you (%s)", plural(total, "story", "stories")), Blocks: blocks}
}

// mineItem describes one story from user's point of view, with up to
// textLen characters of its text.
func mineItem(user string, s *extramile.Story, textLen int) string {
	var who string
	switch {
	case s.Author == user && len(s.Recognized) == 1 && s.Recognized[0] == user:
		who = "*Your own extra mile*"
	case s.Author == user:
		who = "*You thanked " + thanked(s.Recognized) + "*"
	case len(s.Recognized) == 1 && s.Recognized[0] == s.Author:
		who = "*" + Mention(s.Author) + "'s own extra mile*"
	default:
		who = "*" + Mention(s.Author) + " thanked " + youAnd(user, s.Recognized) + "*"
	}
	meta := slackDate(s.CreatedAt)
	if s.Way.Valid() {
		meta = join(" · ", meta, s.Way.Title())
	}
	if l := link(s.Permalink, "See the shoutout"); l != "" {
		meta = join(" · ", meta, l)
	}
	head := join("  ", who, meta)
	return head + "\n" + quoteMax(s.Text, textLen)
}

// youAnd names the recognized people with user as "you".
func youAnd(user string, users []string) string {
	names := make([]string, 0, len(users))
	for _, u := range users {
		if u == user {
			names = append([]string{"you"}, names...)
		} else {
			names = append(names, Mention(u))
		}
	}
	if len(names) == 0 {
		return "someone"
	}
	return joinAnd(names)
}

// join joins the non-empty parts with sep.
func join(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
