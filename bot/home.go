package bot

import (
	"context"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
	"github.com/extramile/extramile/slackapp"
)

// homeInterval spaces views.publish calls: Slack's tier 4 allows about 100
// a minute (https://api.slack.com/methods/views.publish).
const homeInterval = 600 * time.Millisecond

// homeOpened answers app_home_opened (after the ack): it remembers that the
// person opened the Home, so later changes refresh it, and publishes their
// Home in the background (publishing is paced; other events need not wait).
func (b *Bot) homeOpened(ctx context.Context, _ slackapp.Event, e *slackevents.AppHomeOpenedEvent) {
	if e.Tab != "home" || e.User == "" {
		return
	}
	if err := b.store.HomeOpened(ctx, e.User); err != nil {
		b.log.Warn("could not remember who opened the Home; publishing it anyway", "user", e.User, "error", err)
	}
	if e.View != nil && e.View.Hash != "" {
		b.homeHash.Store(e.User, e.View.Hash)
	}
	b.goBackground(ctx, func(ctx context.Context) { b.publishHome(ctx, e.User, 0, 0) })
}

// refreshHomes publishes again, in the background, the Home of each of
// users who has opened it: after a story about them or by them, or a change
// of their settings.
func (b *Bot) refreshHomes(ctx context.Context, users ...string) {
	b.goBackground(ctx, func(ctx context.Context) {
		opened, err := b.store.OpenedHome(ctx, users)
		if err != nil {
			b.log.Warn("could not tell whose Home to refresh", "error", err)
			return
		}
		for _, u := range opened {
			b.publishHome(ctx, u, 0, 0)
		}
	})
}

// publishHome builds user's Home, showing the stories about them from
// offset about and those they shared from offset shared, and publishes it,
// paced under views.publish's rate tier. It passes the hash of the Home it
// last published: when Slack answers hash_conflict (another publish got in
// between), it builds the Home again from fresh data and publishes it once
// more without a hash.
func (b *Bot) publishHome(ctx context.Context, user string, about, shared int) {
	for attempt := 1; attempt <= 2; attempt++ {
		v, err := b.homeView(ctx, user, about, shared)
		if err != nil {
			b.log.Warn("could not gather the Home", "user", user, "error", err)
			return
		}
		req := slack.PublishViewContextRequest{UserID: user, View: compose.Home(v)}
		if h, ok := b.homeHash.Load(user); ok && attempt == 1 {
			hash := h.(string)
			req.Hash = &hash
		}
		if !b.homePacer.wait(ctx, homeInterval) {
			return
		}
		resp, err := b.api.PublishViewContext(ctx, req)
		err = slackErr("views.publish", err)
		switch {
		case err == nil:
			if resp != nil && resp.View.Hash != "" {
				b.homeHash.Store(user, resp.View.Hash)
			}
			return
		case slackCode(err) == "hash_conflict" && attempt == 1:
			b.homeHash.Delete(user)
			continue
		}
		b.log.Warn("Home not published", "user", user, "error", err)
		return
	}
}

// homeView gathers what user's Home shows.
func (b *Bot) homeView(ctx context.Context, user string, about, shared int) (compose.HomeView, error) {
	v := compose.HomeView{User: user, AboutOffset: about, SharedOffset: shared}
	var err error
	if v.About, v.AboutTotal, err = b.store.StoriesAbout(ctx, user, about, compose.HomePageSize); err != nil {
		return v, err
	}
	if v.Shared, v.SharedTotal, err = b.store.StoriesBy(ctx, user, shared, compose.HomePageSize); err != nil {
		return v, err
	}
	now := b.now()
	weekFrom, _ := scheduler.WeekOf(now, b.userLoc(ctx, user)) // the person's own week, as their streak and nudge
	latest := v.Shared
	if shared != 0 {
		if latest, _, err = b.store.StoriesBy(ctx, user, 0, 1); err != nil {
			return v, err
		}
	}
	v.WroteThisWeek = len(latest) > 0 && !latest[0].CreatedAt.Before(weekFrom)

	v.Habit = b.homeHabit(ctx, user, now)

	from, to := scheduler.MonthOf(now, b.loc())
	if d, err := b.store.Digest(ctx, extramile.DigestQuery{From: from, To: to, Visibility: extramile.Public, TopN: 1}); err != nil {
		b.log.Warn("Home without the month's counts", "error", err)
	} else {
		v.Month = d
	}
	if v.Quiet, err = b.store.Quiet(ctx, user); err != nil {
		return v, err
	}
	where, _, err := b.kudosWhere(ctx)
	if err != nil {
		b.log.Warn("Home: could not read where kudos count; showing the default", "error", err)
	}
	v.KudosEverywhere = where == kudosEverywhere
	v.KudosChannels, v.KudosChannelsKnown = b.members.channels()
	if b.jobs != nil && b.isAdmin(ctx, user) {
		v.Admin = &compose.HomeAdmin{Zone: b.loc().String(), Schedules: b.scheduleSettings()}
	}
	return v, nil
}

// homeSettings answers the admins' "Edit settings" button on the Home: the
// settings modal (openSettings checks that the person is an admin).
func (b *Bot) homeSettings(ctx context.Context, cb slack.InteractionCallback, _ *slack.BlockAction) {
	if m := b.openSettings(ctx, cb.User.ID, cb.TriggerID); m.Text != "" {
		b.log.Warn("settings modal not opened from the Home", "user", cb.User.ID, "reason", m.Text)
		b.tellFromHome(ctx, cb.User.ID, m.Text)
	}
}

// homeNotSaved is what a person is told when a choice made on the Home
// could not be saved.
const homeNotSaved = "I couldn't save that choice just now, so nothing changed. Please try again in a moment, or use `/extramile help` to do it by command."

// tellFromHome tells user, by DM (the app's Messages tab: the Home has no
// channel for an ephemeral message), why a button on their Home did not do
// what it says, in the background.
func (b *Bot) tellFromHome(ctx context.Context, user, text string) {
	b.goBackground(ctx, func(ctx context.Context) {
		if _, err := b.post(ctx, user, compose.Error(text)); err != nil {
			b.log.Warn("could not tell why a Home button did nothing", "user", user, "error", err)
		}
	})
}

// refreshOpenedHomes publishes again the Home of everyone who opened it,
// in the background and paced: after a change everyone's Home shows (a
// schedule).
func (b *Bot) refreshOpenedHomes(ctx context.Context) {
	b.goBackground(ctx, func(ctx context.Context) {
		users, err := b.store.HomeUsers(ctx)
		if err != nil {
			b.log.Warn("could not list whose Home to refresh", "error", err)
			return
		}
		for _, u := range users {
			b.publishHome(ctx, u, 0, 0)
		}
	})
}

// homePage answers the Home's Newer / Older buttons: the Home again, at
// the pages the button names.
func (b *Bot) homePage(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	about, shared := compose.ParseHomePages(a.Value)
	b.goBackground(ctx, func(ctx context.Context) { b.publishHome(ctx, cb.User.ID, about, shared) })
}

// homeQuiet answers the Home's kudos DMs button: off ("on": quiet) or on
// again, then the Home shows the change.
func (b *Bot) homeQuiet(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	quiet := a.Value == "on"
	if err := b.store.SetQuiet(ctx, cb.User.ID, quiet); err != nil {
		b.log.Warn("kudos DMs setting not changed from the Home", "user", cb.User.ID, "error", err)
		b.tellFromHome(ctx, cb.User.ID, homeNotSaved)
		return
	}
	b.log.Info("kudos DMs changed from the Home", "user", cb.User.ID, "quiet", quiet)
	b.refreshHomes(ctx, cb.User.ID)
}

// homeHabit gathers the Home's weekly habit: the person's streak in their
// zone, their nudge choices and how many check-ins they kept. What cannot
// be read is logged and shown as its default (the Home still publishes).
func (b *Bot) homeHabit(ctx context.Context, user string, now time.Time) compose.HomeHabit {
	loc := b.userLoc(ctx, user)
	h := compose.HomeHabit{Nudges: b.conf.NudgeSchedule(ctx) != "", Loc: loc} // settings.go
	if u, err := b.dir.user(ctx, user); err == nil && (u.IsRestricted || u.IsUltraRestricted) {
		h.GuestNotNudged = !b.settingIs(ctx, SettingNudgeGuests, "on") // as the nudge job decides: nudgeable
	}
	skips, err := b.store.SkipDates(ctx)
	if err == nil {
		h.Streak, _, err = b.streak(ctx, user, now, loc, skips)
	}
	if err != nil {
		b.log.Warn("Home without the streak", "user", user, "error", err)
	}
	if p, err := b.store.NudgePrefs(ctx, user); err != nil {
		b.log.Warn("Home without the nudge choices", "user", user, "error", err)
	} else {
		h.Off = p.Off
		if p.Snoozed(now) {
			h.SnoozedUntil = p.SnoozedUntil
		}
	}
	if _, h.Checkins, err = b.store.CheckinsPage(ctx, user, 0, 1); err != nil {
		b.log.Warn("Home without the check-ins count", "user", user, "error", err)
	}
	return h
}

// homeNudges answers the Home's weekly nudge button: off, or on again (which
// ends a snooze), as `/extramile nudges off|on`; the Home then shows it.
func (b *Bot) homeNudges(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	if a.Value != "on" && a.Value != "off" {
		b.log.Warn("Home nudge button with an unknown value", "user", cb.User.ID, "value", a.Value)
		return
	}
	if err := b.setNudges(ctx, cb.User.ID, a.Value == "off"); err != nil {
		b.log.Warn("weekly nudge not changed from the Home", "user", cb.User.ID, "error", err)
		b.tellFromHome(ctx, cb.User.ID, homeNotSaved)
	}
}

// homeSnooze answers the Home's snooze menu, as `/extramile snooze 2w`;
// the Home then shows until when.
func (b *Bot) homeSnooze(ctx context.Context, cb slack.InteractionCallback, a *slack.BlockAction) {
	d, err := compose.ParseSnooze(a.SelectedOption.Value)
	if err == nil {
		_, err = b.snoozeNudges(ctx, cb.User.ID, d)
	}
	if err != nil {
		b.log.Warn("weekly nudge not snoozed from the Home", "user", cb.User.ID, "value", a.SelectedOption.Value, "error", err)
		b.tellFromHome(ctx, cb.User.ID, homeNotSaved)
	}
}
