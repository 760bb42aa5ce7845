package compose

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// CallbackSettings is the callback_id of the admins' settings modal.
const CallbackSettings = "settings_modal"

// ActionScheduleSpec is the action ID of each schedule's input in the
// settings modal; its block ID is ScheduleBlock(job).
const ActionScheduleSpec = "spec"

// ScheduleBlock is the block ID of a job's schedule input in the settings
// modal, and the key of its errors.
func ScheduleBlock(job string) string { return "schedule_" + job }

// ScheduleSetting is one scheduled job as the settings modal shows it.
type ScheduleSetting struct {
	Job         string    // JobPrompt…
	Label       string    // "Weekly prompt"
	Spec        string    // the spec in effect
	Description string    // the spec in words
	Next        time.Time // the next run, or zero
	// EnvVar names the variable the operator set it with: then it is shown,
	// not offered for change.
	EnvVar string
}

// SettingsModal is the admins' modal to change the schedules: one input
// per schedule the operator left to Slack (prefilled with the spec in
// effect), and a line for each one the environment sets.
func SettingsModal(schedules []ScheduleSetting, loc *time.Location) slack.ModalViewRequest {
	blocks := []slack.Block{contextBlock("Schedules are cron specs read in " + loc.String() +
		": minute hour day-of-month month day-of-week, e.g. `0 10 * * MON` (Mondays at 10:00), or `@weekly`. A change takes effect at once.")}
	for _, s := range schedules {
		when := s.Description
		if !s.Next.IsZero() {
			when = join(", ", when, "next "+s.Next.In(loc).Format("Mon 2 Jan 15:04"))
		}
		if s.EnvVar != "" {
			blocks = append(blocks, section(fmt.Sprintf("*%s:* `%s` (%s)\nSet by `%s` in the environment: only the operator can change it.",
				s.Label, strings.ReplaceAll(s.Spec, "`", ""), when, s.EnvVar)))
			continue
		}
		blocks = append(blocks, &slack.InputBlock{
			Type:    slack.MBTInput,
			BlockID: ScheduleBlock(s.Job),
			Label:   plain(s.Label),
			Element: &slack.PlainTextInputBlockElement{
				Type: slack.METPlainTextInput, ActionID: ActionScheduleSpec,
				InitialValue: s.Spec, MaxLength: 100,
			},
			Hint: plain(Truncate("Now: "+when+".", 150)),
		})
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: CallbackSettings,
		Title: plain("Settings"), Submit: plain("Save"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// ParseSettingsForm reads the submitted schedules: job → spec as typed
// (trimmed), for the inputs the modal had.
func ParseSettingsForm(view slack.View, jobs []string) map[string]string {
	out := map[string]string{}
	if view.State == nil {
		return out
	}
	for _, j := range jobs {
		if a, ok := view.State.Values[ScheduleBlock(j)][ActionScheduleSpec]; ok {
			out[j] = strings.TrimSpace(a.Value)
		}
	}
	return out
}
