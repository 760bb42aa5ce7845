package bot

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/blockkit"
)

// scheduleKey is the settings key of a job's schedule changed in Slack.
func scheduleKey(job string) string { return "schedule." + job }

// scheduleSettings lists the jobs as the Home's settings section shows them.
func (b *Bot) scheduleSettings() []compose.ScheduleSetting {
	var out []compose.ScheduleSetting
	for _, e := range b.jobs() {
		out = append(out, compose.ScheduleSetting{
			Job: e.Name, Label: jobTitle(e.Name), Spec: e.Spec, Description: e.Description, Next: e.Next,
			EnvVar: b.conf.EnvVarIfSet(scheduleKey(e.Name)),
		})
	}
	return out
}

// settingsNow is every setting of the modal as it is now: the table's
// values, the subscribed channels (without EXTRAMILE_CHANNEL) and the
// upcoming skipped dates.
type settingsNow struct {
	values    []SettingValue
	channels  []string
	skipDates []string
	zone      *time.Location
}

// readSettings reads the settings as they are now.
func (b *Bot) readSettings(ctx context.Context) (settingsNow, error) {
	now := settingsNow{values: b.conf.All(ctx), zone: b.loc()}
	subs, err := b.store.Subscriptions(ctx)
	if err != nil {
		return now, err
	}
	for _, c := range subs {
		if c != b.channel {
			now.channels = append(now.channels, c)
		}
	}
	skips, err := b.store.SkipDates(ctx)
	if err != nil {
		return now, err
	}
	now.skipDates = upcomingDates(skips, b.now(), now.zone)
	return now, nil
}

// upcomingDates returns the dates (YYYY-MM-DD) from today on in loc,
// sorted, at most compose.MaxSkipDates.
func upcomingDates(dates []string, now time.Time, loc *time.Location) []string {
	today := now.In(loc).Format(time.DateOnly)
	var out []string
	for _, d := range dates {
		if d >= today {
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out[:min(len(out), compose.MaxSkipDates)]
}

// settingsGroups is the settings modal's content for the settings now.
func (b *Bot) settingsGroups(s settingsNow) []compose.SettingGroup {
	next := map[string]time.Time{}
	for _, e := range b.jobs() {
		next[scheduleKey(e.Name)] = e.Next
	}
	var groups []compose.SettingGroup
	group := func(title string) *compose.SettingGroup {
		if len(groups) == 0 || groups[len(groups)-1].Title != title {
			groups = append(groups, compose.SettingGroup{Title: title})
		}
		return &groups[len(groups)-1]
	}
	g := group(groupSchedules)
	g.Intro = "Schedules are cron specs read in the time zone: minute hour day-of-month month day-of-week, e.g. `0 10 * * MON` (Mondays at 10:00), or `@weekly`."
	if b.channel != "" {
		g.Intro += " " + compose.ChannelMention(b.channel) + " always gets the scheduled posts: it is set by `EXTRAMILE_CHANNEL` in the environment."
	}
	g.Fields = append(g.Fields, compose.SettingField{
		Block: compose.BlockChannels, Label: "Channels that get the scheduled posts", Kind: compose.FieldChannels,
		Values: s.channels, Help: "Like /extramile subscribe: I join a public channel; invite me to a private one first.",
	})
	for _, v := range s.values {
		g := group(v.Group)
		g.Fields = append(g.Fields, b.settingField(v, s.zone, next[v.Key]))
	}
	for i := range groups {
		if groups[i].Title == groupHabit { // it ends with the skipped dates
			groups[i].Fields = append(groups[i].Fields, b.skipDatesField(s))
		}
	}
	return groups
}

// skipDatesField is the weekly habit's skipped dates in the modal.
func (b *Bot) skipDatesField(s settingsNow) compose.SettingField {
	return compose.SettingField{
		Block: compose.BlockSkipDates, Label: "Skipped dates (no nudge that day)", Kind: compose.FieldDates,
		Values: s.skipDates, Help: "Upcoming holidays and days off, one date a line as YYYY-MM-DD; delete a line to nudge on that day again.",
	}
}

// settingField is one setting of the table in the modal.
func (b *Bot) settingField(v SettingValue, zone *time.Location, next time.Time) compose.SettingField {
	f := compose.SettingField{
		Block: compose.SettingBlock(v.Key), Label: v.Label, Kind: compose.FieldText, Value: v.Value,
		Words: v.Words(v.Value, zone), Help: v.Help, Choices: v.Choices,
	}
	if v.Choices != nil {
		f.Kind = compose.FieldChoice
	}
	if v.FromEnv {
		f.EnvVar = v.EnvVar
	}
	if !next.IsZero() {
		f.Words += ", next " + next.In(zone).Format("Mon 2 Jan 15:04")
	}
	switch {
	case v.By != "":
		f.Source = "Changed in Slack on " + v.At.In(zone).Format("2 Jan 2006") + "."
	default:
		f.Source = "Default."
	}
	return f
}

// describeSettings fills in, for /extramile settings, every setting of the
// table with where it comes from (the schedules are in Jobs, where kudos
// count in its own line), and the upcoming skipped dates.
func (b *Bot) describeSettings(ctx context.Context, v *compose.SettingsView) {
	zone := b.loc()
	for _, s := range b.conf.All(ctx) {
		if strings.HasPrefix(s.Key, "schedule.") || s.Key == settingKudosWhere {
			continue
		}
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Title != s.Group {
			v.Groups = append(v.Groups, compose.SettingLines{Title: s.Group})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Lines = append(g.Lines, s.Line(zone))
	}
	skips, err := b.store.SkipDates(ctx)
	if err != nil {
		b.log.Warn("could not read the skipped dates", "error", err)
	}
	v.SkipDates = upcomingDates(skips, b.now(), zone)
}

// openSettings opens the admins' settings modal (`/extramile settings
// edit`). Others are told it is for admins.
func (b *Bot) openSettings(ctx context.Context, user, triggerID string) compose.Message {
	if !b.isAdmin(ctx, user) {
		return compose.NotAdmin("change settings")
	}
	if b.reschedule == nil || b.jobs == nil {
		return compose.Error("Settings can't be changed in Slack in this setup.")
	}
	s, err := b.readSettings(ctx)
	if err != nil {
		b.log.Error("could not read the settings", "error", err)
		return compose.Error(extramile.ErrorMessage(err))
	}
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	modal := compose.SettingsModal(b.settingsGroups(s))
	modal.PrivateMetadata = s.baseline()
	if _, err := b.api.OpenViewContext(ctx, triggerID, modal); err != nil {
		b.log.Error("could not open the settings modal", "user", user, "error", slackErr("views.open", err))
		return compose.Error("I couldn't open the settings just now. Please try again in a moment.")
	}
	return compose.Message{}
}

// settingsBaseline is what the settings modal was opened with, kept in its
// private_metadata. Slack sends every input back, a field the admin did not
// touch with the value it was opened with, so a submission takes only what
// differs from the baseline: a modal opened before another admin's change
// (or in a second tab) does not undo that change.
type settingsBaseline struct {
	Values   map[string]string `json:"v"`
	Channels []string          `json:"c"`
	Skip     []string          `json:"s"`
}

// baseline encodes what the modal opened with s shows, or "" when it does
// not fit in private_metadata (then a submission compares with the
// settings as they are when it comes).
func (s settingsNow) baseline() string {
	base := settingsBaseline{Values: map[string]string{}, Channels: s.channels, Skip: s.skipDates}
	for _, v := range s.values {
		if !v.FromEnv {
			base.Values[v.Key] = v.Value
		}
	}
	raw, err := json.Marshal(base)
	if err != nil || utf8.RuneCount(raw) > blockkit.MaxMetadata {
		return ""
	}
	return string(raw)
}

// since puts the baseline the modal was opened with (its private_metadata)
// in place of the values read now, so that the submission compares with
// what the admin saw. A modal without one (too large, or forged) keeps
// the values read now.
func (s *settingsNow) since(privateMetadata string) {
	var base settingsBaseline
	if privateMetadata == "" || json.Unmarshal([]byte(privateMetadata), &base) != nil || base.Values == nil {
		return
	}
	for i, v := range s.values {
		if opened, ok := base.Values[v.Key]; ok && !v.FromEnv {
			s.values[i].Value = opened
		}
	}
	s.channels, s.skipDates = base.Channels, base.Skip
}

// settingChange is one setting an admin changed in the modal.
type settingChange struct {
	value SettingValue
	to    string
}

// submitSettings answers the settings modal. Every value is checked first,
// with the same rules as the environment's (a bad one is answered next to
// its input, and nothing changes); then the changes are stored with who
// made them, logged, and take effect at once: schedules and the time zone
// are re-planned, the rest is read where it is used. A submission from
// someone who is not an admin (a forged payload) changes nothing, and a
// setting the environment sets is never changed, whatever the payload says.
func (b *Bot) submitSettings(ctx context.Context, cb slack.InteractionCallback) any {
	user := cb.User.ID
	if !b.isAdmin(ctx, user) || b.reschedule == nil {
		b.log.Warn("settings submission refused: not an admin", "user", user)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockChannels: "Only admins can change settings."})
	}
	now, err := b.readSettings(ctx)
	if err != nil {
		b.log.Error("could not read the settings", "error", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockChannels: extramile.ErrorMessage(err)})
	}
	current := map[string]string{} // the values in effect, for the log
	for _, v := range now.values {
		current[v.Key] = v.Value
	}
	now.since(cb.View.PrivateMetadata)
	form := compose.ParseSettingsForm(cb.View)
	errs := map[string]string{}

	// The zone first: the schedules are read in it.
	zone := now.zone
	var changes []settingChange
	for _, v := range now.values {
		if v.Key == SettingTimezone {
			if c, ok := b.checkSetting(v, form, zone, errs); ok {
				changes = append(changes, c)
				zone, _ = extramile.ParseZone(c.to)
			}
		}
	}
	for _, v := range now.values {
		if v.Key != SettingTimezone {
			if c, ok := b.checkSetting(v, form, zone, errs); ok {
				changes = append(changes, c)
			}
		}
	}
	added, removed := b.checkChannels(ctx, now, form, errs)
	skip, unskip := checkSkipDates(now, form, b.now(), zone, errs)
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}

	// Channels first: joining one may fail, and then nothing changes.
	for _, ch := range added {
		if _, m, stop := b.joinToSubscribe(ctx, ch); stop {
			b.log.Warn("settings not saved: could not join a channel to subscribe it", "channel", ch, "reason", m.Text)
			return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.BlockChannels: "I couldn't join " + b.channelName(ctx, ch) + ", so nothing changed. Please try again in a moment."})
		}
	}
	fail := func(block string, err error) any {
		b.log.Error("setting not saved", "block", block, "error", err)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{block: extramile.ErrorMessage(err)})
	}
	for _, ch := range added {
		if _, err := b.store.Subscribe(ctx, ch, user); err != nil {
			return fail(compose.BlockChannels, err)
		}
		b.log.Info("setting changed in Slack", "key", "subscriptions", "added", ch, "by", user)
	}
	for _, ch := range removed {
		if _, err := b.store.Unsubscribe(ctx, ch); err != nil {
			return fail(compose.BlockChannels, err)
		}
		b.log.Info("setting changed in Slack", "key", "subscriptions", "removed", ch, "by", user)
	}
	for _, c := range changes {
		block := compose.SettingBlock(c.value.Key)
		if err := b.conf.Set(ctx, c.value.Key, c.to, user); err != nil {
			return fail(block, err)
		}
		b.log.Info("setting changed in Slack", "key", c.value.Key, "from", current[c.value.Key], "to", c.to, "by", user)
		if err := b.applySetting(ctx, c); err != nil {
			b.log.Error("setting stored but not applied", "key", c.value.Key, "error", err)
			return slack.NewErrorsViewSubmissionResponse(map[string]string{block: "Saved, but I couldn't apply it: it takes effect at the next start."})
		}
	}
	for _, d := range skip {
		if err := b.store.SkipDate(ctx, d, user); err != nil {
			return fail(compose.BlockSkipDates, err)
		}
		b.log.Info("setting changed in Slack", "key", "habit.skip_dates", "added", d, "by", user)
	}
	for _, d := range unskip {
		if _, err := b.store.UnskipDate(ctx, d); err != nil {
			return fail(compose.BlockSkipDates, err)
		}
		b.log.Info("setting changed in Slack", "key", "habit.skip_dates", "removed", d, "by", user)
	}
	if len(changes)+len(added)+len(removed)+len(skip)+len(unskip) > 0 {
		b.refreshOpenedHomes(ctx)
	}
	return nil
}

// checkSetting reads v's input from the form: ok when it holds a valid new
// value; an invalid one is added to errs. A setting the environment sets,
// or one the form lacks, is left as it is.
func (b *Bot) checkSetting(v SettingValue, form compose.SettingsForm, zone *time.Location, errs map[string]string) (settingChange, bool) {
	block := compose.SettingBlock(v.Key)
	in, ok := form[block]
	if !ok || v.FromEnv {
		return settingChange{}, false
	}
	to, err := v.Parse(in.Value, zone)
	if err != nil {
		errs[block] = compose.Truncate(extramile.ErrorMessage(err), 200)
		return settingChange{}, false
	}
	if to == v.Value {
		return settingChange{}, false
	}
	return settingChange{value: v, to: to}, true
}

// applySetting makes a stored change take effect at once. Settings read
// where they are used (kudos emoji, daily limit, the weekly habit, the
// catch-up window at each start) need nothing.
func (b *Bot) applySetting(ctx context.Context, c settingChange) error {
	switch key := c.value.Key; {
	case key == SettingTimezone:
		loc, err := extramile.ParseZone(c.to)
		if err != nil {
			return err
		}
		b.zone.Store(loc)
		if b.setLocation != nil {
			return b.setLocation(loc)
		}
	case strings.HasPrefix(key, "schedule."):
		return b.reschedule(strings.TrimPrefix(key, "schedule."), c.to)
	case key == settingKudosWhere && kudosWhere(c.to) == kudosEverywhere:
		b.startSweep(ctx)
	}
	return nil
}

// checkChannels reads the chosen channels: those added must pass the
// checks of `/extramile subscribe` (errs says why one does not);
// EXTRAMILE_CHANNEL always gets the posts and is left out.
func (b *Bot) checkChannels(ctx context.Context, now settingsNow, form compose.SettingsForm, errs map[string]string) (added, removed []string) {
	in, ok := form[compose.BlockChannels]
	if !ok {
		return nil, nil
	}
	var chosen []string
	for _, c := range in.Values {
		if c != b.channel && !slices.Contains(chosen, c) {
			chosen = append(chosen, c)
		}
	}
	var problems []string
	for _, c := range chosen {
		if slices.Contains(now.channels, c) {
			continue
		}
		if why := b.cannotSubscribe(ctx, c); why != "" {
			problems = append(problems, why)
			continue
		}
		added = append(added, c)
	}
	for _, c := range now.channels {
		if !slices.Contains(chosen, c) {
			removed = append(removed, c)
		}
	}
	if len(problems) > 0 {
		errs[compose.BlockChannels] = compose.Truncate(strings.Join(problems, " "), 300)
	}
	return added, removed
}

// cannotSubscribe says why channel cannot get the scheduled posts (the
// checks of subscriptionGuard), or "".
func (b *Bot) cannotSubscribe(ctx context.Context, channel string) string {
	r, err := b.reachOf(ctx, channel, "")
	switch r {
	case reachMpIM:
		return "A group DM can't get the scheduled posts: no app can be added to one."
	case reachHidden:
		return "I'm not in " + b.channelName(ctx, channel) + " (it's private): invite me with /invite @Extra Mile first."
	case reachArchived:
		return b.channelName(ctx, channel) + " is archived."
	case reachUnknown:
		b.log.Warn("could not tell whether a channel takes posts; not subscribing it", "channel", channel, "error", err)
		if _, final := refusal(err); final {
			return "Slack didn't let me look " + b.channelName(ctx, channel) + " up (" + slackCode(err) + ")."
		}
		return "Slack didn't tell me in time whether I can post in " + b.channelName(ctx, channel) + ". Please try again in a moment."
	}
	return ""
}

// channelName is #name of a channel the bot can see, for plain text, or
// its ID.
func (b *Bot) channelName(ctx context.Context, channel string) string {
	if ch, err := b.dir.channel(ctx, channel); err == nil && ch.Name != "" {
		return "#" + ch.Name
	}
	return "the channel " + channel
}

// checkSkipDates reads the skipped dates typed (one a line, or separated by
// commas): each a date from today on, in zone. It returns the dates to add
// and to remove.
func checkSkipDates(now settingsNow, form compose.SettingsForm, at time.Time, zone *time.Location, errs map[string]string) (skip, unskip []string) {
	in, ok := form[compose.BlockSkipDates]
	if !ok {
		return nil, nil
	}
	today := at.In(zone).Format(time.DateOnly)
	var dates []string
	for _, f := range strings.FieldsFunc(in.Value, func(r rune) bool { return r == '\n' || r == ',' || r == ' ' || r == '\t' }) {
		d, err := time.ParseInLocation(time.DateOnly, f, zone)
		switch {
		case err != nil:
			errs[compose.BlockSkipDates] = compose.Truncate("“"+f+"” is not a date: write dates as YYYY-MM-DD, one a line.", 200)
			return nil, nil
		case d.Format(time.DateOnly) < today && !slices.Contains(now.skipDates, d.Format(time.DateOnly)): // one the modal showed may have passed since
			errs[compose.BlockSkipDates] = f + " is in the past: only dates from today on can be skipped."
			return nil, nil
		}
		if !slices.Contains(dates, d.Format(time.DateOnly)) {
			dates = append(dates, d.Format(time.DateOnly))
		}
	}
	if len(dates) > compose.MaxSkipDates {
		errs[compose.BlockSkipDates] = "That is more than 100 dates; please remove some."
		return nil, nil
	}
	for _, d := range dates {
		if !slices.Contains(now.skipDates, d) {
			skip = append(skip, d)
		}
	}
	for _, d := range now.skipDates {
		if !slices.Contains(dates, d) {
			unskip = append(unskip, d)
		}
	}
	return skip, unskip
}
