package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
)

// scheduleKey is the settings key of a job's schedule changed in Slack.
func scheduleKey(job string) string { return "schedule." + job }

// StoredSchedule returns the schedule admins set in Slack for job, or def
// when there is none (or what is stored no longer parses). The program
// calls it at start for each schedule the operator left to Slack.
func (b *Bot) StoredSchedule(ctx context.Context, job, def string) string {
	s, ok, err := b.store.SettingInfo(ctx, scheduleKey(job))
	switch {
	case err != nil:
		b.log.Warn("could not read a schedule set in Slack; using the default", "job", job, "error", err)
		return def
	case !ok:
		return def
	}
	if _, err := scheduler.Parse(s.Value, b.loc); err != nil {
		b.log.Warn("a schedule set in Slack does not parse; using the default", "job", job, "spec", s.Value, "error", err)
		return def
	}
	b.log.Info("schedule set in Slack", "job", job, "spec", s.Value, "by", s.UpdatedBy, "at", s.UpdatedAt)
	return s.Value
}

// scheduleSettings lists the jobs as the settings modal shows them.
func (b *Bot) scheduleSettings() []compose.ScheduleSetting {
	var out []compose.ScheduleSetting
	for _, e := range b.jobs() {
		out = append(out, compose.ScheduleSetting{
			Job: e.Name, Label: jobTitle(e.Name), Spec: e.Spec, Description: e.Description, Next: e.Next,
			EnvVar: b.schedulesFromEnv[e.Name],
		})
	}
	return out
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
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	if _, err := b.api.OpenViewContext(ctx, triggerID, compose.SettingsModal(b.scheduleSettings(), b.loc)); err != nil {
		b.log.Error("could not open the settings modal", "user", user, "error", slackErr("views.open", err))
		return compose.Error("I couldn't open the settings just now. Please try again in a moment.")
	}
	return compose.Message{}
}

// submitSettings answers the settings modal: an admin's changed schedules
// are checked with the scheduler's own parser (a bad one is answered next
// to its input, and nothing changes), stored with who changed them, and
// take effect at once. A submission from someone who is not an admin (a
// forged payload) changes nothing. Schedules the environment sets are never
// changed, whatever the payload says.
func (b *Bot) submitSettings(ctx context.Context, cb slack.InteractionCallback) any {
	user := cb.User.ID
	settings := b.scheduleSettings()
	var jobs []string
	current := map[string]string{}
	for _, s := range settings {
		if s.EnvVar == "" {
			jobs = append(jobs, s.Job)
			current[s.Job] = s.Spec
		}
	}
	first := compose.ScheduleBlock(JobPrompt)
	if len(jobs) > 0 {
		first = compose.ScheduleBlock(jobs[0])
	}
	if !b.isAdmin(ctx, user) || b.reschedule == nil {
		b.log.Warn("settings submission refused: not an admin", "user", user)
		return slack.NewErrorsViewSubmissionResponse(map[string]string{first: "Only admins can change settings."})
	}
	form := compose.ParseSettingsForm(cb.View, jobs)
	errs := map[string]string{}
	changed := map[string]string{}
	for _, job := range jobs {
		spec, ok := form[job]
		if !ok || spec == current[job] {
			continue
		}
		if _, err := scheduler.Parse(spec, b.loc); err != nil {
			errs[compose.ScheduleBlock(job)] = compose.Truncate("Not a schedule I can read: "+err.Error(), 150)
			continue
		}
		changed[job] = spec
	}
	if len(errs) > 0 {
		return slack.NewErrorsViewSubmissionResponse(errs)
	}
	for _, job := range jobs {
		spec, ok := changed[job]
		if !ok {
			continue
		}
		if err := b.store.SetSetting(ctx, scheduleKey(job), spec, user); err != nil {
			b.log.Error("schedule not stored", "job", job, "error", err)
			return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.ScheduleBlock(job): extramile.ErrorMessage(err)})
		}
		if err := b.reschedule(job, spec); err != nil {
			b.log.Error("schedule stored but not re-planned", "job", job, "error", err)
			return slack.NewErrorsViewSubmissionResponse(map[string]string{compose.ScheduleBlock(job): "Saved, but I couldn't re-plan it: it takes effect at the next start."})
		}
		b.log.Info("setting changed in Slack", "key", scheduleKey(job), "from", current[job], "to", spec, "by", user)
	}
	if len(changed) > 0 {
		b.refreshOpenedHomes(ctx)
	}
	return nil
}
