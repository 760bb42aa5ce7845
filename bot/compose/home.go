package compose

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Action IDs of the Home tab's buttons (the Share button is
// ActionShareStory, as everywhere).
const (
	// ActionHomeAboutPage and ActionHomeSharedPage page the Home's "stories
	// about you" and "stories you shared"; the value is the offset of the
	// page to show, in decimal, and the other list's offset, as "12:0"
	// (see HomePages).
	ActionHomeAboutPage  = "home_about_page"
	ActionHomeSharedPage = "home_shared_page"
	// ActionHomeQuiet turns kudos DMs off or on; its value is "on" (quiet:
	// no DMs) or "off".
	ActionHomeQuiet = "home_quiet"
	// ActionOpenSettings is the admins' "Edit settings" button: it opens
	// SettingsModal. Its value is empty.
	ActionOpenSettings = "open_settings"
	// ActionHomeNudges turns the person's weekly nudge off or on, as
	// `/extramile nudges off|on` does (on also ends a snooze); its value
	// is "off" or "on".
	ActionHomeNudges = "home_nudges"
	// ActionHomeSnooze is the Home's snooze menu (a static_select): the
	// selected option's value is a snooze length ParseSnooze reads ("1w",
	// "2w", "4w"), as `/extramile snooze 2w` takes.
	ActionHomeSnooze = "home_snooze"
)

// HomeSnoozes are the lengths the Home's snooze menu offers.
var HomeSnoozes = []struct{ Value, Label string }{
	{"1w", "1 week"}, {"2w", "2 weeks"}, {"4w", "4 weeks"},
}

// HomePageSize is how many stories each list of the Home shows at once.
const HomePageSize = 5

// homeStoryLength is how much of each story the Home shows.
const homeStoryLength = 200

// HomeView is everything the Home tab of one person shows. The bot gathers
// it; Home only lays it out, within Block Kit's 100 blocks whatever the data.
type HomeView struct {
	User string

	// Stories about the user (recognized, by someone else or by
	// themselves), and stories they shared, each one page newest first
	// starting at its offset, out of its total. Private stories appear
	// only here, to people they concern.
	About, Shared             []*extramile.Story
	AboutTotal, SharedTotal   int
	AboutOffset, SharedOffset int

	// WroteThisWeek: the user shared a story this week.
	WroteThisWeek bool
	// Habit is the user's weekly habit: their streak and nudge controls.
	Habit HomeHabit
	// Month is the team's month so far, public stories only; nil when it
	// could not be read.
	Month *extramile.Digest

	Quiet bool // kudos DMs off
	// Where kudos count: every public channel, or the channels the bot is
	// in (KudosChannels, when known).
	KudosEverywhere    bool
	KudosChannels      []string
	KudosChannelsKnown bool

	// Admin is set for an admin: the Settings section.
	Admin *HomeAdmin
}

// HomeHabit is what the Home shows of a person's weekly habit.
type HomeHabit struct {
	// Streak is the person's weeks in a row with a story (habit.Streak).
	Streak int
	// Nudges is whether the workspace has the weekly nudge at all
	// (EXTRAMILE_NUDGE_SCHEDULE is not "off"); without it, the Home shows
	// no nudge controls.
	Nudges bool
	// Off and SnoozedUntil are the person's choices (SnoozedUntil is zero,
	// or the end of a snooze still running).
	Off          bool
	SnoozedUntil time.Time
	// Loc is the person's zone, for the snooze's end where Slack cannot
	// format the date.
	Loc *time.Location
	// Checkins is how many private half-step check-ins the person kept.
	Checkins int
	// GuestNotNudged: the person is a guest, and the admins keep the
	// weekly nudge to members; the Home then offers no nudge controls.
	GuestNotNudged bool
}

// HomeAdmin is what the Home's Settings section shows an admin.
type HomeAdmin struct {
	Zone      string
	Schedules []ScheduleSetting
}

// HomePages is the value of a Home paging button: both lists' offsets.
func HomePages(about, shared int) string {
	return strconv.Itoa(max(about, 0)) + ":" + strconv.Itoa(max(shared, 0))
}

// ParseHomePages reads HomePages; anything unreadable is the first pages.
func ParseHomePages(v string) (about, shared int) {
	a, s, _ := strings.Cut(v, ":")
	about, _ = strconv.Atoi(a)
	shared, _ = strconv.Atoi(s)
	return max(about, 0), max(shared, 0)
}

// maxHomeChannels bounds the channels the Home names.
const maxHomeChannels = 20

// Home is the App Home tab of v.User, for views.publish.
func Home(v HomeView) slack.HomeTabViewRequest {
	blocks := []slack.Block{
		header("Extra Mile"),
		section("Who went the extra mile for a customer or a co-worker? Write it down while you remember it.\n:footprints: " + halfStepLine),
		shareActions(),
	}
	newcomer := v.AboutTotal == 0 && v.SharedTotal == 0
	if newcomer {
		blocks = append(blocks, divider(), section("*Welcome!* "+habitLine+
			"\nEach story thanks the people in it, in public and in private, and the team sees which of the nine ways it lives."+
			"\nThe nine ways: "+nineWays()+"."))
	}

	// This week.
	blocks = append(blocks, divider(), header("This week"))
	week := ":pencil2: You haven't written down a story this week yet. Who went the extra mile lately?"
	if v.WroteThisWeek {
		week = ":white_check_mark: You wrote down a story this week. Thank you!"
	}
	blocks = append(blocks, section(week+"\n"+homeStreakLine(v.Habit.Streak)))
	if d := v.Month; d != nil {
		line := fmt.Sprintf("*This month, the team:* %s, %s recognized.",
			plural(d.Stories, "story", "stories"), plural(d.Recognized, "person", "people"))
		var ways, none []string
		for _, w := range d.ByWay {
			if w.Count > 0 {
				ways = append(ways, fmt.Sprintf("%s %d", w.Way.Title(), w.Count))
			} else {
				none = append(none, w.Way.Title())
			}
		}
		if len(ways) > 0 {
			line += "\nThe nine ways by count: " + strings.Join(ways, " · ")
		}
		if len(none) > 0 && len(none) < len(extramile.Ways) {
			line += "\n:mag: Nobody has documented these this month: " + strings.Join(none, ", ") + ". Seen one? Write it down."
		}
		blocks = append(blocks, section(line))
	}

	// The stories.
	if !newcomer {
		blocks = append(blocks, divider(), header("Stories about you"))
		blocks = append(blocks, homeList(v.User, v.About, v.AboutTotal, v.AboutOffset,
			"No one has written a story about you yet. When they do, people will begin to tell others about you, and you'll find it here.",
			"home_about", ActionHomeAboutPage, func(o int) string { return HomePages(o, v.SharedOffset) })...)
		blocks = append(blocks, divider(), header("Stories you shared"))
		blocks = append(blocks, homeList(v.User, v.Shared, v.SharedTotal, v.SharedOffset,
			"You haven't shared a story yet. "+habitLine,
			"home_shared", ActionHomeSharedPage, func(o int) string { return HomePages(v.AboutOffset, o) })...)
	}

	// Settings.
	blocks = append(blocks, divider(), header("Your settings"))
	quiet := "*Kudos DMs:* on. Once a day I tell you who gave you kudos."
	btn := button(ActionHomeQuiet, "Turn off", "on", "")
	if v.Quiet {
		quiet = "*Kudos DMs:* off. Kudos still count; I just don't tell you each day."
		btn = button(ActionHomeQuiet, "Turn on", "off", "")
	}
	sec := section(quiet)
	sec.Accessory = slack.NewAccessory(btn)
	blocks = append(blocks, sec)
	where := "*Where kudos count:* in the channels I'm in."
	switch {
	case v.KudosEverywhere:
		where = "*Where kudos count:* every public channel, and the private ones I'm invited to."
	case v.KudosChannelsKnown && len(v.KudosChannels) == 0:
		where = "*Where kudos count:* nowhere yet: invite me to a channel with `/invite @Extra Mile`."
	case v.KudosChannelsKnown:
		names := make([]string, 0, maxHomeChannels)
		for _, c := range v.KudosChannels {
			if len(names) == maxHomeChannels {
				break
			}
			names = append(names, ChannelMention(c))
		}
		where = "*Where kudos count:* " + strings.Join(names, " ")
		if extra := len(v.KudosChannels) - len(names); extra > 0 {
			where += fmt.Sprintf(" and %d more", extra)
		}
		where += "."
	}
	blocks = append(blocks, section(where))
	blocks = append(blocks, homeHabitSettings(v.Habit)...)
	if a := v.Admin; a != nil {
		blocks = append(blocks, divider(), header("Settings (admins)"))
		lines := []string{"Schedules, in " + a.Zone + ":"}
		for _, s := range a.Schedules {
			line := "• *" + s.Label + ":* " + s.Description
			if !s.Next.IsZero() {
				line += fmt.Sprintf(", next <!date^%d^{date_short_pretty} at {time}|%s>", s.Next.Unix(), s.Next.UTC().Format("Jan 2, 2006 15:04 UTC"))
			}
			if s.EnvVar != "" {
				line += " (set by `" + s.EnvVar + "`)"
			}
			lines = append(lines, line)
		}
		sec := section(Truncate(strings.Join(lines, "\n"), maxSectionText))
		sec.Accessory = slack.NewAccessory(button(ActionOpenSettings, "Edit settings", "", ""))
		blocks = append(blocks, sec, contextBlock("*Edit settings* also holds the channels that get the scheduled posts, the time zone, "+
			"the kudos emoji, daily limit and where kudos count, the weekly nudge (guests, who already shared, skipped dates) "+
			"and the catch-up window. `/extramile settings` lists every value and where it comes from."))
	}
	return slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
}

// homeList is one paged list of the Home: a line per story, and Newer /
// Older buttons where there is a page.
func homeList(user string, stories []*extramile.Story, total, offset int, empty, blockID, action string, value func(int) string) []slack.Block {
	if len(stories) > HomePageSize {
		stories = stories[:HomePageSize]
	}
	if total <= 0 && len(stories) == 0 {
		return []slack.Block{contextBlock(empty)}
	}
	total = max(total, offset+len(stories))
	out := []slack.Block{contextBlock(fmt.Sprintf("%d–%d of %d, newest first.", offset+1, offset+len(stories), total))}
	if len(stories) == 0 {
		out = []slack.Block{contextBlock("There are no more stories past this point.")}
	}
	for _, s := range stories {
		if s != nil {
			out = append(out, section(mineItem(user, s, homeStoryLength)))
		}
	}
	var nav []slack.BlockElement
	if offset > 0 {
		nav = append(nav, button(action, "Newer", value(max(offset-HomePageSize, 0)), ""))
	}
	if next := offset + len(stories); len(stories) > 0 && next < total {
		nav = append(nav, button(action, "Older", value(next), ""))
	}
	if len(nav) > 0 {
		// One button per actions block keeps equal action IDs apart.
		for i, b := range nav {
			out = append(out, actions(blockID+"_"+strconv.Itoa(i), b))
		}
	}
	return out
}

// nineWays names the nine ways, in order.
func nineWays() string {
	names := make([]string, len(extramile.Ways))
	for i, w := range extramile.Ways {
		names[i] = w.Title()
	}
	return strings.Join(names, ", ")
}

// homeStreakLine is the Home's line about the person's streak, encouraging
// when there is none yet.
func homeStreakLine(streak int) string {
	switch {
	case streak <= 0:
		return ":seedling: No streak yet: one story a week starts one. Snoozed weeks and skipped holidays never break it."
	case streak == 1:
		return ":seedling: *1 week* with a story. Next week makes it a streak."
	}
	return ":fire: *" + strconv.Itoa(streak) + " weeks in a row* with a story. Keep it going!"
}

// homeHabitSettings are the Home's weekly nudge controls and the line about
// the person's private check-ins.
func homeHabitSettings(h HomeHabit) []slack.Block {
	var out []slack.Block
	switch {
	case !h.Nudges:
		out = append(out, section("*Weekly nudge:* not sent in this workspace."))
	case h.GuestNotNudged:
		out = append(out, section("*Weekly nudge:* sent to members of this workspace, not to guests. You can still share a story any time."))
	case h.Off:
		sec := section("*Weekly nudge:* off. I won't DM you about the habit.")
		sec.Accessory = slack.NewAccessory(button(ActionHomeNudges, "Turn on", "on", ""))
		out = append(out, sec)
	case !h.SnoozedUntil.IsZero():
		sec := section("*Weekly nudge:* snoozed until " + slackDateIn(h.SnoozedUntil, h.Loc) + ". Snoozed weeks don't count against your streak.")
		sec.Accessory = slack.NewAccessory(button(ActionHomeNudges, "Resume", "on", ""))
		out = append(out, sec)
	default:
		sec := section("*Weekly nudge:* on. Once a week, at your own time, I ask you the week's question.")
		sec.Accessory = slack.NewAccessory(button(ActionHomeNudges, "Turn off", "off", ""))
		snooze := section("*Snooze the nudge* for a while; your streak waits too.")
		opts := make([]*slack.OptionBlockObject, 0, len(HomeSnoozes))
		for _, o := range HomeSnoozes {
			opts = append(opts, slack.NewOptionBlockObject(o.Value, plain(o.Label), nil))
		}
		snooze.Accessory = slack.NewAccessory(slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Snooze for…"), ActionHomeSnooze, opts...))
		out = append(out, sec, snooze)
	}
	line := ":lock: Your half-step check-ins are kept just for you; `/extramile checkins` shows them to you alone."
	if h.Checkins > 0 {
		line = ":lock: You kept " + plural(h.Checkins, "half-step check-in", "half-step check-ins") + ", just for you; `/extramile checkins` shows them to you alone."
	}
	return append(out, contextBlock(line))
}
