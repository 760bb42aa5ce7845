package compose

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Digest bounds.
const (
	digestTop       = 5
	digestStory     = 400
	digestBarWidth  = 10
	digestBarFilled = "▰"
	digestBarEmpty  = "▱"
)

// Digest is the monthly digest for the month d.From falls in (named in loc;
// nil means UTC): stories, people recognized, how many shared, kudos, the
// story with the most kudos, the nine ways, customer and co-worker, the
// change since the month before, and the most recognized people. A month
// without stories still gets a digest, written as a nudge to share the
// first one. It stays within Block Kit's limits however big d is.
func Digest(d *extramile.Digest, loc *time.Location) Message {
	return digest(d, loc, false)
}

// DigestPreview is Digest for a month that is not over, as the ephemeral
// answer to `/extramile digest`: titled "…, so far", with a Share button and,
// when the month has stories, a "Show the chart" button (ActionDigestChart).
func DigestPreview(d *extramile.Digest, loc *time.Location) Message {
	return digest(d, loc, true)
}

func digest(d *extramile.Digest, loc *time.Location, preview bool) Message {
	if loc == nil {
		loc = time.UTC
	}
	if d == nil {
		d = &extramile.Digest{}
	}
	month := d.From.In(loc).Month().String()
	title := "Your " + month + " in extra miles"
	if preview {
		title = "Your " + month + " in extra miles, so far"
	}
	blocks := []slack.Block{header(":calendar: " + title)}

	if d.Stories <= 0 {
		text := "No stories were written down in " + month + "."
		if preview {
			text = "No stories written down in " + month + " yet."
		}
		text += " They happen every week all the same: someone answers a question nobody asked, stays " +
			"to help, or says a real thank you. Who was it for you? Share their story: it takes a minute."
		if d.Kudos > 0 {
			text += "\nStill, " + plural(d.Kudos, "kudos was", "kudos were") + " given. Thank you for those!"
		}
		blocks = append(blocks, section(text), contextBlock(":footprints: "+habitLine), shareActions())
		return Message{Text: fallback(title + ": no stories yet, share the first one with /extramile"), Blocks: blocks}
	}

	blocks = append(blocks, &slack.SectionBlock{Type: slack.MBTSection, Fields: []*slack.TextBlockObject{
		mrkdwn("*Stories*\n" + strconv.Itoa(d.Stories) + compare(d, loc, preview)),
		mrkdwn("*People recognized*\n" + strconv.Itoa(max(d.Recognized, 0))),
		mrkdwn("*People who shared*\n" + strconv.Itoa(max(d.Sharers, 0))),
		mrkdwn("*Kudos*\n" + strconv.Itoa(max(d.Kudos, 0))),
		mrkdwn("*For a customer*\n" + strconv.Itoa(max(d.Customer, 0))),
		mrkdwn("*For a co-worker*\n" + strconv.Itoa(max(d.Coworker, 0))),
	}})

	if lines := tallyLines(d.Top, digestTop); len(lines) > 0 {
		blocks = append(blocks, section("*Most recognized*\n"+strings.Join(lines, "\n")))
	}
	if s := d.MostKudosed; s != nil {
		head := "*The story with the most kudos* (" + plural(max(d.MostKudosedN, 0), "kudos", "kudos") +
			"): " + thankedMax(s.Recognized, extramile.MaxRecognized) + ", shared by " + Mention(s.Author)
		if l := link(s.Permalink, "See the shoutout"); l != "" {
			head += " · " + l
		}
		blocks = append(blocks, section(head+"\n"+quoteMax(s.Text, digestStory)))
	}
	if w := wayLines(d.ByWay); w != "" {
		blocks = append(blocks, section("*The nine ways this month*\n"+w))
	}
	blocks = append(blocks, habitBlocks(d)...)
	blocks = append(blocks, contextBlock("Thank you to everyone who noticed, and wrote it down. :footprints: "+halfStepLine))
	if preview {
		blocks = append(blocks, actions("share", shareButton(), chartButton(d.From.In(loc).Format(ChartMonthFormat))))
	}
	return Message{
		Text: fallback(fmt.Sprintf("%s: %s, %s recognized", title,
			plural(d.Stories, "story", "stories"), plural(max(d.Recognized, 0), "person", "people"))),
		Blocks: blocks,
	}
}

// compare says how the story count changed since the previous period; a
// month not over yet only recalls the previous count, which it may still pass.
func compare(d *extramile.Digest, loc *time.Location, preview bool) string {
	if d.Previous == nil {
		return " (first month)"
	}
	prev := d.Previous.From.In(loc).Month().String()
	if d.Previous.From.IsZero() {
		prev = "last month"
	}
	if preview {
		return fmt.Sprintf(" (%s: %d)", prev, max(d.Previous.Stories, 0))
	}
	switch diff := d.Stories - max(d.Previous.Stories, 0); {
	case diff > 0:
		return fmt.Sprintf(" (+%d vs %s)", diff, prev)
	case diff < 0:
		return fmt.Sprintf(" (%d vs %s)", diff, prev)
	}
	return " (same as " + prev + ")"
}

// wayLines draws the ways that have stories, each with a small bar, once
// each and in the order given.
func wayLines(ways []extramile.WayCount) string {
	top := 0
	for _, w := range ways {
		top = max(top, w.Count)
	}
	if top == 0 {
		return ""
	}
	seen := map[extramile.Way]bool{}
	var lines []string
	for _, w := range ways {
		if !w.Way.Valid() || w.Count <= 0 || seen[w.Way] {
			continue
		}
		seen[w.Way] = true
		filled := max(1, w.Count*digestBarWidth/top)
		bar := strings.Repeat(digestBarFilled, filled) + strings.Repeat(digestBarEmpty, digestBarWidth-filled)
		lines = append(lines, "`"+bar+"` "+w.Way.Title()+": "+strconv.Itoa(w.Count))
	}
	return strings.Join(lines, "\n")
}

// Bounds of the digest's habit part.
const (
	digestLessonLen = 400 // runes of one lesson
	digestStreaks   = 3   // longest streaks named
)

// habitBlocks are the digest's "what we learned this month", its longest
// streaks and its count of answered follow-ups (none when empty).
func habitBlocks(d *extramile.Digest) []slack.Block {
	var blocks []slack.Block
	var lessons []string
	for i, l := range d.Lessons {
		if i == extramile.DigestLessons {
			break
		}
		if q := quoteMax(l.Text, digestLessonLen); q != "" {
			lessons = append(lessons, q+"\n— "+Mention(l.Author))
		}
	}
	if len(lessons) > 0 {
		blocks = append(blocks, section("*What we learned this month*\n"+strings.Join(lessons, "\n")))
	}
	var streaks []string
	for i, s := range d.Streaks {
		if i == digestStreaks {
			break
		}
		if s.Weeks > 1 {
			streaks = append(streaks, Mention(s.User)+": "+strconv.Itoa(s.Weeks)+" weeks in a row")
		}
	}
	if len(streaks) > 0 {
		blocks = append(blocks, section("*Longest streaks*\n"+strings.Join(streaks, "\n")))
	}
	if d.FollowUps > 0 {
		blocks = append(blocks, contextBlock(":leftwards_arrow_with_hook: "+plural(d.FollowUps, "story for a customer", "stories for customers")+
			" came back with what changed because of it: see their threads."))
	}
	return blocks
}
