package compose

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// Action IDs of the weekly nudge's buttons (besides ActionShareStory), and
// the check-in modal's callback, block and action IDs.
const (
	// ActionNudgeSkip is the nudge's "Not this week" button; its value is
	// the week (scheduler.WeekIndex in the person's zone), in decimal.
	ActionNudgeSkip = "nudge_skip"
	// ActionCheckin is the nudge's "Half-step check-in" button: it opens
	// CheckinModal. Its value is the week, in decimal.
	ActionCheckin = "checkin_open"
	// CallbackCheckin is the check-in modal's callback_id; its
	// private_metadata is the week, in decimal.
	CallbackCheckin = "checkin_modal"
	BlockCheckin    = "checkin_text"
	ActionCheckinIn = "text"
)

// streakLine says a streak in words ("" for none).
func streakLine(streak int) string {
	switch {
	case streak <= 0:
		return ""
	case streak == 1:
		return ":seedling: 1 week with a story. Keep it going!"
	}
	return ":fire: " + strconv.Itoa(streak) + " weeks in a row with a story. Keep it going!"
}

// weekQuestion is the nudge's question of the week, rotating with the nine
// ways (week is any integer, such as scheduler.WeekIndex).
func weekQuestion(week int) extramile.Way {
	n := len(extramile.Ways)
	return extramile.Ways[((week%n)+n)%n]
}

// Nudge is the weekly personal DM: the week's question in our own words
// (rotating with the nine ways), the person's streak, and buttons to share a
// story, to pass this week, and to answer the private half-step check-in.
func Nudge(week, streak int) Message {
	w := weekQuestion(week)
	v := strconv.Itoa(week)
	text := ":footprints: *" + w.Question() + "*\n_" + w.Title() + "_: someone who " + w.Hint() + ".\n" + themeLine
	blocks := []slack.Block{section(text)}
	ctx := []string{halfStepLine}
	if l := streakLine(streak); l != "" {
		ctx = append([]string{l}, ctx...)
	}
	blocks = append(blocks,
		contextBlock(ctx...),
		actions("nudge",
			shareButton(),
			button(ActionCheckin, "Half-step check-in", v, ""),
			button(ActionNudgeSkip, "Not this week", v, ""),
		),
		contextBlock("Just for you, once a week. `/extramile nudges off` stops these; `/extramile snooze 2w` pauses them."),
	)
	return Message{Text: fallback(w.Question() + " " + themeLine), Blocks: blocks}
}

// NudgeThanks is the short weekly DM, instead of Nudge, for someone who
// already shared a story this week (when the admins chose thank-yous).
func NudgeThanks(streak int) Message {
	text := ":raised_hands: Thank you for writing down a story this week. That's the whole habit."
	if l := streakLine(streak); l != "" {
		text += "\n" + l
	}
	return simple(text)
}

// NudgeSkipped replaces the nudge after "Not this week".
func NudgeSkipped() Message {
	return simple(":ok_hand: No problem: no story this week. See you next week.")
}

// NudgesChanged confirms `/extramile nudges off|on`: off is the new setting.
func NudgesChanged(off bool) Message {
	if off {
		return simple(":no_bell: Weekly nudges are off: I won't DM you about the habit. `/extramile nudges on` turns them back on.")
	}
	return simple(":bell: Weekly nudges are on: once a week, at your own time, I ask you the week's question. " +
		"`/extramile nudges off` turns them off; `/extramile snooze 2w` pauses them.")
}

// NudgesState answers `/extramile nudges` on its own.
func NudgesState(p extramile.NudgePrefs, now time.Time, loc *time.Location) Message {
	switch {
	case p.Off:
		return simple(":no_bell: Weekly nudges are off. `/extramile nudges on` turns them back on.")
	case p.Snoozed(now):
		return simple(":zzz: Weekly nudges are snoozed until " + slackDateIn(p.SnoozedUntil, loc) + ". `/extramile nudges on` ends the snooze.")
	}
	return simple(":bell: Weekly nudges are on. `/extramile nudges off` turns them off; `/extramile snooze 2w` pauses them.")
}

// Snoozed confirms `/extramile snooze`: no nudge before until (shown in loc).
func Snoozed(until time.Time, loc *time.Location) Message {
	return simple(":zzz: Nudges snoozed until " + slackDateIn(until, loc) +
		". Snoozed weeks don't count against your streak. `/extramile nudges on` ends the snooze early.")
}

// SnoozeUsage answers a `/extramile snooze` it could not read.
func SnoozeUsage(arg string) Message {
	return Error("I couldn't read “" + arg + "” as a length. Try `/extramile snooze 2w` (weeks, 1w to 12w) or `/extramile snooze 10d` (days).")
}

// slackDateIn is a date as Slack shows it to each reader, with a fallback in loc.
func slackDateIn(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return "<!date^" + strconv.FormatInt(t.Unix(), 10) + "^{date_long}|" + t.In(loc).Format("Monday 2 January 2006") + ">"
}

// ParseSnooze reads a snooze length: "2w" (1 to 12 weeks) or "10d" (1 to 84
// days).
func ParseSnooze(s string) (time.Duration, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 2 {
		return 0, errors.New("parse snooze: want a number and w or d, e.g. 2w")
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, errors.New("parse snooze: want a positive number, e.g. 2w")
	}
	var days int
	switch s[len(s)-1] {
	case 'w':
		days = 7 * n
	case 'd':
		days = n
	default:
		return 0, errors.New("parse snooze: want w (weeks) or d (days), e.g. 2w")
	}
	if days > 84 {
		return 0, errors.New("parse snooze: at most 12 weeks")
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// CheckinModal is the private half-step check-in of week: "where could I
// have gone a half step further this week?". The answer is kept for the
// person alone.
func CheckinModal(week int) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		CallbackID:      CallbackCheckin,
		Title:           plain("Half-step check-in"),
		Submit:          plain("Keep it"),
		Close:           plain("Cancel"),
		PrivateMetadata: strconv.Itoa(week),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			contextBlock(":lock: Just for you: never posted, never counted, deleted by `/extramile forget-me`."),
			&slack.InputBlock{
				Type:    slack.MBTInput,
				BlockID: BlockCheckin,
				Label:   plain("Where could I have gone a half step further this week?"),
				Element: &slack.PlainTextInputBlockElement{
					Type:      slack.METPlainTextInput,
					ActionID:  ActionCheckinIn,
					Multiline: true,
					MaxLength: extramile.MaxLessonLength,
				},
				Hint: plain("Am I doing my best? One honest sentence is enough."),
			},
		}},
	}
}

// ParseCheckin reads a submitted CheckinModal: the week and the text.
func ParseCheckin(v slack.View) (week int, text string, err error) {
	if v.CallbackID != CallbackCheckin {
		return 0, "", errors.New("parse check-in: wrong callback")
	}
	week, err = strconv.Atoi(v.PrivateMetadata)
	if err != nil {
		return 0, "", errors.New("parse check-in: bad week")
	}
	if v.State == nil {
		return 0, "", errors.New("parse check-in: no state")
	}
	return week, v.State.Values[BlockCheckin][ActionCheckinIn].Value, nil
}

// CheckinSaved confirms a check-in in the person's DM with the bot.
func CheckinSaved() Message {
	return simple(":lock: Kept, just for you. Next week, ask yourself again: *am I doing my best?*")
}

// HabitSettingsUsage says how admins change the weekly habit's settings.
func HabitSettingsUsage() Message {
	return simple("Admins change the weekly habit with:\n" +
		"• `/extramile settings habit guests on|off`: nudge guests too, or not (default off)\n" +
		"• `/extramile settings habit shared skip|thanks`: people who already shared this week get no nudge, or a short thank-you (default skip)\n" +
		"• `/extramile settings habit skip YYYY-MM-DD` / `unskip YYYY-MM-DD`: no nudge on that date (a holiday), in each person's own zone")
}

// HabitSettingChanged confirms an admin's change of the weekly habit.
func HabitSettingChanged(what string) Message {
	return simple(":white_check_mark: " + Escape(what))
}

// WithStreak puts a person's streak above m (/extramile mine); m is
// returned as it is for no streak.
func WithStreak(m Message, streak int) Message {
	l := streakLine(streak)
	if l == "" {
		return m
	}
	m.Blocks = append([]slack.Block{contextBlock(l)}, m.Blocks...)
	return m
}
