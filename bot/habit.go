package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/habit"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
)

// JobNudge is the weekly habit's job (scheduler and run ledger name). It
// runs every NudgeEvery and DMs each person whose own week's nudge time has
// passed; each person's nudge of a week is claimed in the run ledger under
// (JobNudge, PersonRun(user), NudgeWeekKey(week)), so it is sent once
// whatever the restarts, catch-ups and processes.
const JobNudge = "nudge"

// NudgeEvery is how often the nudge job looks for people whose time came.
const NudgeEvery = "@every 15m"

// Settings of the weekly habit that admins change (storage's settings; a
// key that is not stored reads as its default).
const (
	// SettingNudgeShared: what someone who already shared a story this week
	// gets: "skip" (no DM; the default) or "thanks" (a short thank-you).
	SettingNudgeShared = "habit.nudge_when_shared"
	// SettingNudgeGuests: "on" nudges guests (multi- and single-channel)
	// too; the default, "off", never does.
	SettingNudgeGuests = "habit.nudge_guests"
)

// streakLookback is how far back the stories a streak is computed from are
// read (habit.Streak stops at ten years anyway).
const streakLookback = 10 * 366 * 24 * time.Hour

// Habit is what the weekly habit keeps: people's choices, the admins' skip
// dates, private check-ins and the stories' times (habit.go).
type Habit interface {
	NudgePrefs(ctx context.Context, user string) (extramile.NudgePrefs, error)
	SetNudgesOff(ctx context.Context, user string, off bool) error
	Snooze(ctx context.Context, user string, until time.Time) error
	Snoozes(ctx context.Context, user string) ([]extramile.Snooze, error)
	SkipDates(ctx context.Context) ([]string, error)
	SkipDate(ctx context.Context, date, by string) error
	UnskipDate(ctx context.Context, date string) (bool, error)
	SaveCheckin(ctx context.Context, user string, week int, text string) error
	Checkins(ctx context.Context, user string, limit int) ([]extramile.Checkin, error)
	CheckinsPage(ctx context.Context, user string, offset, limit int) ([]extramile.Checkin, int, error)
	StoryTimes(ctx context.Context, user string, since time.Time) ([]time.Time, error)
	FollowUps
	FollowUp(ctx context.Context, id int64) (extramile.FollowUp, error)
}

// NudgeWeekKey is the run ledger's scheduled time of the nudges of week (a
// scheduler.WeekIndex): the Monday 00:00 UTC of that week number. It depends
// on the week alone, so a person who changes zones mid-week is not nudged
// twice.
func NudgeWeekKey(week int) time.Time {
	return time.Unix(int64(week*7-3)*24*60*60, 0).UTC()
}

// habitState is the nudge job's configuration and caches.
type habitState struct {
	listAbove int // usersListAbove (tests and benchmarks change it)

	mu      sync.Mutex
	spec    string                        // the nudge schedule the cached ones read (useSpec)
	scheds  map[string]scheduler.Schedule // by zone name
	members map[string]cached[[]string]   // conversations.members by channel
}

// useSpec makes spec (the nudge schedule setting now) the one schedule
// reads, dropping the schedules cached for another.
func (h *habitState) useSpec(spec string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if spec != h.spec {
		h.spec, h.scheds = spec, nil
	}
}

// schedule returns the nudge schedule read in loc; key names loc uniquely
// (zones from an offset alone share a name).
func (h *habitState) schedule(key string, loc *time.Location) (scheduler.Schedule, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.scheds[key]; ok {
		return s, nil
	}
	s, err := scheduler.Parse(h.spec, loc)
	if err != nil {
		return nil, err
	}
	if h.scheds == nil {
		h.scheds = map[string]scheduler.Schedule{}
	}
	h.scheds[key] = s
	return s, nil
}

// nudgeable reports whether u may get the weekly nudge: never bots,
// Slackbot or deactivated people; guests only when the admins allow it.
func nudgeable(u *slack.User, guests bool) bool {
	switch {
	case u == nil, u.IsBot, u.ID == "USLACKBOT", u.Deleted:
		return false
	case u.IsRestricted || u.IsUltraRestricted:
		return guests
	}
	return true
}

// NudgeJob sends the weekly nudge to each member of the channels that get
// scheduled posts whose own nudge time of their week (EXTRAMILE_NUDGE_SCHEDULE
// read in their Slack zone) is at or before scheduledAt.
func (b *Bot) NudgeJob(ctx context.Context, scheduledAt time.Time) error {
	spec := b.conf.NudgeSchedule(ctx) // settings.go: read at each run
	if spec == "" {
		return nil
	}
	b.habit.useSpec(spec)
	channels, err := b.channels(ctx)
	if err != nil {
		return err
	}
	people, err := b.channelMembers(ctx, channels)
	if err != nil {
		return err
	}
	b.fillDirectory(ctx, people)
	skips, err := b.store.SkipDates(ctx)
	if err != nil {
		return err
	}
	thanks := b.settingIs(ctx, SettingNudgeShared, "thanks")
	guests := b.settingIs(ctx, SettingNudgeGuests, "on")
	postCtx, cancel := graceContext(ctx, b.postGrace)
	defer cancel()
	var errs []error
	for _, id := range people {
		if ctx.Err() != nil {
			return errors.Join(append(errs, ctx.Err())...)
		}
		if err := b.nudge(ctx, postCtx, id, scheduledAt, skips, thanks, guests); err != nil {
			errs = append(errs, fmt.Errorf("nudge %s: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

// usersListAbove: when a nudge pass would ask users.info about more people
// than this, it lists the whole workspace with users.list first (one call
// per 200 people, whoever is in the channels), and users.info is left for
// the few the list did not have.
const usersListAbove = 50

// fillDirectory makes sure the directory knows the people a nudge pass
// looks up: with users.list when many are not cached (usersListAbove). A
// failed listing is logged; the pass then asks users.info about the rest.
func (b *Bot) fillDirectory(ctx context.Context, people []string) {
	stale := b.dir.stale(people)
	if stale <= b.habit.listAbove {
		return
	}
	// Listing costs one call per 200 people of the workspace: at most four
	// times the people needed, so a small channel in a huge organisation
	// does not list all of it (the rest are asked one by one).
	n, err := b.dir.fillUsers(ctx, (4*stale+usersListPage-1)/usersListPage)
	if err != nil {
		b.log.Warn("could not list the workspace's people; looking them up one by one", "listed", n, "error", err)
		return
	}
	b.log.Debug("listed the workspace's people for the weekly nudge", "users", n)
}

// settingIs reports whether the admins' setting key is value (a setting that
// cannot be read counts as not set).
func (b *Bot) settingIs(ctx context.Context, key, value string) bool {
	s, ok, err := b.store.SettingInfo(ctx, key)
	if err != nil {
		b.log.Warn("could not read a setting; using its default", "key", key, "error", err)
	}
	return ok && strings.EqualFold(strings.TrimSpace(s.Value), value)
}

// nudge sends one person their nudge of the week of now, when it is due.
func (b *Bot) nudge(ctx, postCtx context.Context, id string, now time.Time, skips []string, thanks, guests bool) error {
	u, err := b.dir.user(ctx, id)
	if err != nil {
		return err
	}
	if !nudgeable(u, guests) {
		return nil
	}
	prefs, err := b.store.NudgePrefs(ctx, id)
	if err != nil || prefs.Off || prefs.Snoozed(now) {
		return err
	}
	loc := userLocation(u.TZ, u.TZOffset, b.loc()) // kudos.go
	sched, err := b.habit.schedule(u.TZ+"|"+strconv.Itoa(u.TZOffset), loc)
	if err != nil {
		return err
	}
	at, week, ok := scheduler.WeekFiring(sched, now, loc)
	if !ok || at.After(now) || slices.Contains(skips, at.In(loc).Format(time.DateOnly)) {
		return nil
	}
	key := NudgeWeekKey(week)
	claim, err := b.store.ClaimRun(ctx, JobNudge, extramile.PersonRun(id), key, b.owner, runLeaseTTL)
	if err != nil || !claim.Claimed {
		return err
	}
	msg, send, err := b.nudgeMessage(ctx, id, week, now, loc, skips, thanks)
	if err == nil && send {
		if !b.pacer.wait(ctx, b.pace) {
			err = ctx.Err()
		} else if _, err = b.post(postCtx, id, msg); err != nil && !retryable(err) {
			// Slack refused this DM for good (a deactivated account, a
			// blocked DM…): no retry this week.
			b.log.Warn("nudge not sent", "user", id, "error", err)
			err = nil
		}
	}
	if ferr := b.store.FinishRun(context.WithoutCancel(ctx), JobNudge, extramile.PersonRun(id), key, err); ferr != nil {
		err = errors.Join(err, ferr)
	}
	return err
}

// nudgeMessage is what a person gets this week: the nudge, a thank-you when
// they already shared a story and the admins chose thank-yous, or nothing
// (send false).
func (b *Bot) nudgeMessage(ctx context.Context, id string, week int, now time.Time, loc *time.Location, skips []string, thanks bool) (compose.Message, bool, error) {
	streak, shared, err := b.streak(ctx, id, now, loc, skips)
	if err != nil {
		return compose.Message{}, false, err
	}
	if shared {
		return compose.NudgeThanks(streak), thanks, nil
	}
	return compose.Nudge(week, streak), true, nil
}

// streak returns user's streak at now in loc (habit.Streak, with snoozed
// weeks and the weeks of skipped dates excused) and whether they shared a
// story this week.
func (b *Bot) streak(ctx context.Context, user string, now time.Time, loc *time.Location, skips []string) (int, bool, error) {
	times, err := b.store.StoryTimes(ctx, user, now.Add(-streakLookback))
	if err != nil {
		return 0, false, err
	}
	snoozes, err := b.store.Snoozes(ctx, user)
	if err != nil {
		return 0, false, err
	}
	excused := map[int]bool{}
	for _, s := range snoozes {
		for _, w := range habit.Weeks(s.From, s.Until, loc) {
			excused[w] = true
		}
	}
	for _, d := range skips {
		if day, err := time.ParseInLocation(time.DateOnly, d, loc); err == nil {
			excused[scheduler.WeekIndex(day.Add(12*time.Hour), loc)] = true
		}
	}
	from, _ := scheduler.WeekOf(now, loc)
	shared := slices.ContainsFunc(times, func(t time.Time) bool { return !t.Before(from) && !t.After(now) })
	return habit.Streak(times, now, loc, func(w int) bool { return excused[w] }), shared, nil
}

// channelMembers returns the people in the channels (conversations.members,
// paged, cached for directoryTTL per channel), each once, in order. A
// channel Slack will not list is logged and skipped.
func (b *Bot) channelMembers(ctx context.Context, channels []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, ch := range channels {
		ids, err := b.membersOf(ctx, ch)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			b.log.Warn("could not list a channel's members for the weekly nudge", "channel", ch, "error", err)
			continue
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

func (b *Bot) membersOf(ctx context.Context, channel string) ([]string, error) {
	b.habit.mu.Lock()
	c, ok := b.habit.members[channel]
	b.habit.mu.Unlock()
	if ok && b.now().Sub(c.at) < directoryTTL {
		return c.value, nil
	}
	var ids []string
	cursor := ""
	for {
		page, next, err := b.api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: channel, Cursor: cursor, Limit: 200})
		if err != nil {
			return nil, slackErr("conversations.members", err)
		}
		ids = append(ids, page...)
		if next == "" {
			break
		}
		cursor = next
	}
	b.habit.mu.Lock()
	if b.habit.members == nil {
		b.habit.members = map[string]cached[[]string]{}
	}
	b.habit.members[channel] = cached[[]string]{ids, b.now()}
	b.habit.mu.Unlock()
	return ids, nil
}

// nudgesCommand answers `/extramile nudges [on|off]`.
func (b *Bot) nudgesCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	user, rest := cmd.UserID, cmd.Args
	switch strings.ToLower(strings.TrimSpace(rest)) {
	case "":
		p, err := b.store.NudgePrefs(ctx, user)
		if err != nil {
			return compose.Message{}, err
		}
		return compose.NudgesState(p, b.now(), b.userLoc(ctx, user)), nil
	case "on", "off":
		off := strings.EqualFold(strings.TrimSpace(rest), "off")
		if err := b.setNudges(ctx, user, off); err != nil {
			return compose.Message{}, err
		}
		return compose.NudgesChanged(off), nil
	}
	return compose.Error("Use `/extramile nudges off` to stop the weekly nudge, `/extramile nudges on` to get it again, or `/extramile snooze 2w` to pause it."), nil
}

// snoozeCommand answers `/extramile snooze 2w`.
func (b *Bot) snoozeCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	user, rest := cmd.UserID, cmd.Args
	d, err := compose.ParseSnooze(rest)
	if err != nil {
		return compose.SnoozeUsage(compose.FromSlack(rest)), nil
	}
	until, err := b.snoozeNudges(ctx, user, d)
	if err != nil {
		return compose.Message{}, err
	}
	return compose.Snoozed(until, b.userLoc(ctx, user)), nil
}

// setNudges turns user's weekly nudge off, or on again (which also ends a
// snooze), and refreshes their Home: `/extramile nudges off|on` and the
// Home's button.
func (b *Bot) setNudges(ctx context.Context, user string, off bool) error {
	if err := b.store.SetNudgesOff(ctx, user, off); err != nil {
		return err
	}
	b.log.Info("weekly nudge changed", "user", user, "off", off)
	b.refreshHomes(ctx, user)
	return nil
}

// snoozeNudges holds user's weekly nudge back for d from now, refreshes
// their Home and returns when the snooze ends: `/extramile snooze 2w` and
// the Home's snooze menu.
func (b *Bot) snoozeNudges(ctx context.Context, user string, d time.Duration) (time.Time, error) {
	until := b.now().Add(d)
	if err := b.store.Snooze(ctx, user, until); err != nil {
		return time.Time{}, err
	}
	b.log.Info("weekly nudge snoozed", "user", user, "until", until)
	b.refreshHomes(ctx, user)
	return until, nil
}

// checkinsCommand answers `/extramile checkins`: the person's own private
// check-ins, newest first, to them alone.
func (b *Bot) checkinsCommand(ctx context.Context, cmd slackapp.Command) (compose.Message, error) {
	list, total, err := b.store.CheckinsPage(ctx, cmd.UserID, 0, compose.CheckinsPageSize)
	if err != nil {
		return compose.Message{}, err
	}
	return compose.Checkins(list, total, 0, b.userLoc(ctx, cmd.UserID)), nil
}

// checkinsPage answers the Newer / Older buttons under `/extramile
// checkins`: the clicker's own check-ins at the offset the button names,
// in place of the list (whatever the button's value, never someone else's).
func (b *Bot) checkinsPage(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	user := cb.User.ID
	offset, _ := strconv.Atoi(a.Value)
	offset = max(offset, 0)
	list, total, err := b.store.CheckinsPage(ctx, user, offset, compose.CheckinsPageSize)
	if err != nil {
		b.teller(ctx, cb)(compose.Error(extramile.ErrorMessage(err)))
		return
	}
	loc := b.userLoc(ctx, user)
	b.goBackground(ctx, func(ctx context.Context) {
		if err := b.respond(ctx, cb.ResponseURL, true, compose.Checkins(list, total, offset, loc)); err != nil {
			b.log.Warn("could not show the next page of check-ins", "error", err)
		}
	})
}

// userLoc is a person's zone from Slack, or the bot's when Slack cannot tell.
func (b *Bot) userLoc(ctx context.Context, user string) *time.Location {
	u, err := b.dir.user(ctx, user)
	if err != nil {
		return b.loc()
	}
	return userLocation(u.TZ, u.TZOffset, b.loc())
}

// nudgeSkipButton answers the nudge's "Not this week": the nudge is
// replaced by a short "see you next week".
func (b *Bot) nudgeSkipButton(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	b.goBackground(ctx, func(ctx context.Context) {
		if err := b.respond(ctx, cb.ResponseURL, true, compose.NudgeSkipped()); err != nil {
			b.log.Warn("could not answer Not this week", "error", err)
		}
	})
}

// checkinButton opens the private half-step check-in of the nudge's week.
func (b *Bot) checkinButton(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	tell := b.teller(ctx, cb)
	week, err := strconv.Atoi(a.Value)
	if err != nil {
		tell(compose.Error("That button is out of date."))
		return
	}
	if _, err := b.api.OpenViewContext(ctx, cb.TriggerID, compose.CheckinModal(week)); err != nil {
		b.log.Warn("could not open the check-in", "error", slackErr("views.open", err))
		tell(compose.Error("I couldn't open the check-in. Please try again."))
	}
}

// submitCheckin keeps a private half-step check-in before the ack; a problem
// keeps the modal open with the reason.
func (b *Bot) submitCheckin(ctx context.Context, cb slack.InteractionCallback) any {
	week, text, err := compose.ParseCheckin(cb.View)
	if err == nil {
		err = b.store.SaveCheckin(ctx, cb.User.ID, week, text)
	}
	if err != nil {
		b.log.Warn("check-in not kept", "user", cb.User.ID, "error", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockCheckin: extramile.ErrorMessage(err)})
	}
	b.goBackground(ctx, func(ctx context.Context) {
		if _, err := b.post(ctx, cb.User.ID, compose.CheckinSaved()); err != nil {
			b.log.Warn("check-in confirmation not sent", "user", cb.User.ID, "error", err)
		}
	})
	return nil
}

// habitSettings answers `/extramile settings habit …` (admins only).
func (b *Bot) habitSettings(ctx context.Context, user string, args []string) compose.Message {
	if len(args) != 2 {
		return compose.HabitSettingsUsage()
	}
	if !b.isAdmin(ctx, user) {
		return compose.NotAdmin("change the weekly habit")
	}
	var err error
	var done string
	switch verb, arg := args[0], args[1]; {
	case verb == "guests" && (arg == "on" || arg == "off"):
		err, done = b.store.SetSetting(ctx, SettingNudgeGuests, arg, user), "Guests' weekly nudges: "+arg+"."
	case verb == "shared" && (arg == "skip" || arg == "thanks"):
		err, done = b.store.SetSetting(ctx, SettingNudgeShared, arg, user), "People who already shared this week get: "+map[string]string{"skip": "no nudge", "thanks": "a short thank-you"}[arg]+"."
	case verb == "skip":
		err, done = b.store.SkipDate(ctx, arg, user), "No nudge on "+arg+"."
	case verb == "unskip":
		var ok bool
		ok, err = b.store.UnskipDate(ctx, arg)
		done = "Nudges on " + arg + " as usual."
		if err == nil && !ok {
			done = arg + " was not skipped."
		}
	default:
		return compose.HabitSettingsUsage()
	}
	if err != nil {
		return compose.Error(extramile.ErrorMessage(err))
	}
	b.log.Info("weekly habit setting changed", "setting", args[0], "value", args[1], "by", user)
	if args[0] == "guests" {
		b.refreshOpenedHomes(ctx) // a guest's Home offers the nudge buttons, or says why not
	}
	return compose.HabitSettingChanged(done)
}

// currentStreak is user's streak now, in their zone (0 when it cannot be
// read: /extramile mine still answers).
func (b *Bot) currentStreak(ctx context.Context, user string) int {
	skips, err := b.store.SkipDates(ctx)
	if err == nil {
		var n int
		if n, _, err = b.streak(ctx, user, b.now(), b.userLoc(ctx, user), skips); err == nil {
			return n
		}
	}
	b.log.Warn("could not compute a streak", "user", user, "error", err)
	return 0
}

// digestStreakPeople bounds how many of a period's sharers a digest
// computes the streak of.
const digestStreakPeople = 200

// longestStreaks returns the longest streaks at at (the end of the month
// for the digest, now for its preview) of the people who shared a story
// visible in channel during [from, to), each in their own zone; known
// caches streaks across the run's channels. A streak that cannot be
// computed is left out (the digest still posts). The monthly digest and
// `/extramile digest` both name them from here.
func (b *Bot) longestStreaks(ctx context.Context, from, to, at time.Time, channel string, known map[string]int) []extramile.StreakTally {
	stories, err := b.store.Stories(ctx, extramile.StoryFilter{From: from, To: to, Visibility: extramile.SeenIn(channel)})
	if err != nil {
		b.log.Warn("could not read the period's stories for streaks", "error", err)
		return nil
	}
	skips, err := b.store.SkipDates(ctx)
	if err != nil {
		b.log.Warn("could not read the skipped dates for streaks", "error", err)
		return nil
	}
	seen := map[string]bool{}
	var out []extramile.StreakTally
	for _, s := range stories {
		if ctx.Err() != nil {
			b.log.Warn("streaks left out: no time left", "error", ctx.Err())
			break
		}
		if seen[s.Author] || len(seen) == digestStreakPeople {
			continue
		}
		seen[s.Author] = true
		n, ok := known[s.Author]
		if !ok {
			if n, _, err = b.streak(ctx, s.Author, at, b.userLoc(ctx, s.Author), skips); err != nil {
				b.log.Warn("could not compute a streak", "user", s.Author, "error", err)
				continue
			}
			known[s.Author] = n
		}
		if n > 1 {
			out = append(out, extramile.StreakTally{User: s.Author, Weeks: n})
		}
	}
	slices.SortFunc(out, func(a, b extramile.StreakTally) int {
		if a.Weeks != b.Weeks {
			return b.Weeks - a.Weeks
		}
		return strings.Compare(a.User, b.User)
	})
	return out[:min(len(out), 3)]
}
