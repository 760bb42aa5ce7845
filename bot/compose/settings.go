package compose

import (
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// SettingsView is what Settings shows: the time zone of the schedule, the
// scheduled jobs, the subscribed channels, the kudos emoji, the daily kudos
// limit, and whether the viewer is an admin.
type SettingsView struct {
	Zone       string    // IANA name, e.g. "Europe/Berlin"
	Jobs       []JobInfo // in the order to show them
	Channels   []string  // channel IDs of subscribed channels
	KudosEmoji []string  // reaction names, e.g. "clap"
	DailyLimit int       // kudos one person may give a day; 0 means no limit
	IsAdmin    bool

	// Where kudos count (kudoswhere.go): in every public channel, or only
	// in the channels the bot is invited to (the default); who chose it and
	// when (empty and zero for the default); the channels the bot is in
	// now, where kudos count, and whether it knows them yet.
	KudosEverywhere    bool
	KudosWhereBy       string
	KudosWhereAt       time.Time
	KudosChannels      []string
	KudosChannelsKnown bool

	// Groups list every setting admins may change in Slack with its value
	// and where it comes from, by the modal's groups (the schedules are in
	// Jobs); SkipDates are the weekly habit's upcoming skipped dates.
	Groups    []SettingLines
	SkipDates []string
}

// SettingLines is a titled group of settings for Settings.
type SettingLines struct {
	Title string
	Lines []SettingLine
}

// SettingLine is one setting as Settings lists it.
type SettingLine struct {
	Label string // "Time zone"
	Shown string // the value in words
	// Where it comes from: EnvVar, the variable the operator set it with;
	// else By, the admin who changed it in Slack; else it is the default.
	EnvVar string
	By     string
}

// source says where a value comes from, for Settings.
func source(envVar, by string) string {
	switch {
	case envVar != "":
		return " (set by `" + escapeMax(strings.ReplaceAll(envVar, "`", ""), 60) + "` in the environment)"
	case by != "":
		return " (" + changedBy("changed in Slack", by, time.Time{}, time.UTC) + ")"
	}
	return " (default)"
}

// JobInfo describes one scheduled job for Settings.
type JobInfo struct {
	Name        string    // "Weekly prompt"
	Description string    // "every Monday at 10:00"
	Next        time.Time // next run; zero when not scheduled
	// Where the schedule comes from: EnvVar, the variable the operator set
	// it with; else ChangedBy, the admin who changed it in Slack; else it
	// is the default.
	EnvVar    string
	ChangedBy string
}

// maxSettingsItems bounds the jobs and channels Settings lists.
const maxSettingsItems = 40

// changedBy says who changed a setting ("<verb> by @someone") and, when at
// is set, on which day in loc (" on 2026-11-24"), for the settings' "who
// changed it, when" notes.
func changedBy(verb, user string, at time.Time, loc *time.Location) string {
	s := verb + " by " + Mention(user)
	if !at.IsZero() {
		s += " on " + at.In(loc).Format("2006-01-02")
	}
	return s
}

// channelList names channels, at most maxSettingsItems of them, then how
// many more: "#a, #b and 3 more".
func channelList(ids []string) string {
	chs := make([]string, 0, min(len(ids), maxSettingsItems)+1)
	for _, c := range ids[:min(len(ids), maxSettingsItems)] {
		chs = append(chs, ChannelMention(c))
	}
	if k := len(ids) - maxSettingsItems; k > 0 {
		chs = append(chs, plural(k, "more", "more"))
	}
	return joinAnd(chs)
}

// Settings shows, ephemerally, what is scheduled where and when: each job
// with its next run in Zone, the channels it posts in, the kudos emoji and
// the daily limit; admins also see how to change things.
func Settings(v SettingsView) Message {
	loc, err := time.LoadLocation(v.Zone)
	zone := v.Zone
	if err != nil || v.Zone == "" {
		loc, zone = time.UTC, "UTC"
	}
	var jobs []string
	for _, j := range v.Jobs[:min(len(v.Jobs), maxSettingsItems)] {
		line := "• *" + escapeMax(j.Name, 80) + "*: " + escapeMax(j.Description, 120) + " (" + Escape(zone) + ")"
		if j.Next.IsZero() {
			line += "; not scheduled"
		} else {
			line += "; next: " + j.Next.In(loc).Format("Mon 2006-01-02 15:04")
		}
		jobs = append(jobs, line+source(j.EnvVar, j.ChangedBy))
	}
	if len(jobs) == 0 {
		jobs = append(jobs, "Nothing is scheduled.")
	}
	blocks := []slack.Block{
		header(":gear: Extra Mile settings"),
		section(cutMrkdwn("*What is scheduled, and when*\n"+strings.Join(jobs, "\n"), maxSectionText)),
	}

	var where string
	if len(v.Channels) == 0 {
		where = "*Where*\nNo channel is subscribed yet, so nothing scheduled is posted. " +
			"Run `/extramile subscribe` in a channel to start the weekly prompt, the weekly thank-you roundup and the monthly digest there."
	} else {
		where = "*Where*\nScheduled posts go to " + channelList(v.Channels) + "."
	}
	blocks = append(blocks, section(where))

	var emoji []string
	for _, e := range v.KudosEmoji {
		if c := emojiCode(e); c != "" && len(emoji) < maxSettingsItems {
			emoji = append(emoji, c)
		}
	}
	kudos := "*Kudos*\n"
	if len(emoji) > 0 {
		kudos += "React with " + strings.Join(emoji, " ") + " to give kudos. "
	}
	if v.DailyLimit > 0 {
		kudos += "Each person can give up to " + plural(v.DailyLimit, "kudos", "kudos") + " a day."
	} else {
		kudos += "There is no daily limit."
	}
	kudos += "\n" + kudosWhere(v, loc)
	blocks = append(blocks, section(cutMrkdwn(kudos, maxSectionText)))

	if len(v.Groups) > 0 {
		lines := []string{"*Every setting, and where it comes from*"}
		for _, g := range v.Groups[:min(len(v.Groups), maxSettingsItems)] {
			lines = append(lines, "_"+escapeMax(g.Title, 80)+"_")
			for _, l := range g.Lines[:min(len(g.Lines), maxSettingsItems)] {
				lines = append(lines, "• *"+escapeMax(l.Label, 80)+":* "+escapeMax(l.Shown, 200)+source(l.EnvVar, l.By))
			}
			if g.Title == SkipDatesGroup {
				lines = append(lines, "• *Skipped dates (no nudge):* "+skipDates(v.SkipDates))
			}
		}
		blocks = append(blocks, section(cutMrkdwn(strings.Join(lines, "\n"), maxSectionText)))
	}

	if v.IsAdmin {
		blocks = append(blocks, contextBlock("You're an admin: `/extramile settings edit` changes all of these but those set in the environment "+
			"(precedence: the environment, then a change in Slack, then the default). "+
			"`/extramile subscribe` or `/extramile unsubscribe` in a channel adds or removes it too, "+
			"and `/extramile settings kudos everywhere` or `/extramile settings kudos invited` chooses where kudos count."))
	} else {
		blocks = append(blocks, contextBlock("Only admins can change these. Ask one if something should be different."))
	}
	text := "Extra Mile settings: " + plural(len(v.Jobs), "scheduled job", "scheduled jobs") + " in " +
		plural(len(v.Channels), "channel", "channels")
	return Message{Text: fallback(text), Blocks: blocks}
}

// SkipDatesGroup is the title of the group of Settings that lists the
// weekly habit's skipped dates after its settings.
const SkipDatesGroup = "The weekly habit"

// skipDates lists upcoming skipped dates for Settings.
func skipDates(dates []string) string {
	if len(dates) == 0 {
		return "none coming up"
	}
	shown := make([]string, 0, min(len(dates), maxSettingsItems))
	for _, d := range dates[:min(len(dates), maxSettingsItems)] {
		shown = append(shown, escapeMax(d, 20))
	}
	if k := len(dates) - maxSettingsItems; k > 0 {
		shown = append(shown, plural(k, "more", "more"))
	}
	return strings.Join(shown, ", ")
}

// Subscribed answers `/extramile subscribe` in channel: added is false when
// it already was subscribed.
func Subscribed(channel string, added bool) Message {
	ch := ChannelMention(channel)
	if !added {
		return simple(ch + " is already subscribed. Nothing changed.")
	}
	return Message{
		Text: fallback(ch + " is subscribed to Extra Mile."),
		Blocks: []slack.Block{
			section(":white_check_mark: " + ch + " is subscribed. From now on it gets the weekly prompt, " +
				"the weekly thank-you roundup and the monthly digest. `/extramile settings` shows when."),
			contextBlock("If this is a private channel, make sure I'm in it: `/invite @Extra Mile`."),
		},
	}
}

// Unsubscribed answers `/extramile unsubscribe` in channel: removed is false
// when it was not subscribed.
func Unsubscribed(channel string, removed bool) Message {
	ch := ChannelMention(channel)
	if !removed {
		return simple(ch + " wasn't subscribed. Nothing changed.")
	}
	return simple(ch + " is unsubscribed: no more scheduled posts here. Stories can still be shared in it with `/extramile`.")
}

// NotAdmin politely refuses an admin-only action, such as "subscribe a
// channel", and says who can do it.
func NotAdmin(action string) Message {
	return simple("Only Extra Mile admins can " + escapeMax(action, 200) + ". " +
		"If that should be you, ask the person who set up Extra Mile for your team.")
}

// ChannelProblem tells an admin, by DM, that a channel cannot take
// scheduled posts, why (reason: one of the Reason… constants, as for
// Undeliverable), with Slack's error code (shown for ReasonOther), and what
// to do.
func ChannelProblem(channel, reason, code string) Message {
	ch := ChannelMention(channel)
	var what string
	switch reason {
	case ReasonPrivate:
		what = "I'm not a member of " + ch + " (it's private, or I was removed), so I skipped its scheduled post. " +
			"Invite me with `/invite @Extra Mile` in that channel, or run `/extramile unsubscribe` there to stop scheduled posts."
	case ReasonNotFound:
		what = "I can't find " + ch + ": it may have been deleted, or I can no longer see it, so I skipped its scheduled post. " +
			"Nothing is posted there while it can't be found."
	case ReasonArchived:
		what = ch + " is archived, so I skipped its scheduled post. Nothing is posted there until it's unarchived."
	case ReasonReadOnly:
		what = ch + " is announcement-only: only its admins may post there, so I skipped its scheduled post. " +
			"Let everyone post there (the channel's settings), or run `/extramile unsubscribe` there."
	case ReasonThreadOnly:
		what = ch + " takes replies in threads only, so I couldn't post its scheduled post. " +
			"Allow posts in the channel (its settings), or run `/extramile unsubscribe` there."
	case ReasonLimit:
		what = "Slack says this workspace reached its message limit, so I skipped the scheduled post in " + ch + ". " +
			"The next scheduled post will try again."
	case ReasonCannotJoin:
		what = "Slack didn't let me join " + ch + " (it has too many members, or access to it is limited), so I skipped its scheduled post. " +
			"Invite me with `/invite @Extra Mile` in that channel, or run `/extramile unsubscribe` there."
	default:
		shown := ""
		if c := escapeMax(strings.ReplaceAll(code, "`", ""), 60); c != "" {
			shown = " (`" + c + "`)"
		}
		what = "Slack refused a scheduled post in " + ch + shown + ", so I skipped it. The next scheduled post will try again."
	}
	return Message{
		Text: fallback("A scheduled post in " + ch + " was skipped"),
		Blocks: []slack.Block{
			section(":warning: *A scheduled post was skipped*\n" + what),
			contextBlock("You get this because you're an Extra Mile admin. I won't repeat this message."),
		},
	}
}
