package bot

import (
	"context"

	"github.com/extramile/extramile/bot/compose"
)

// jobTitle names a scheduled job for people, in /extramile settings.
func jobTitle(name string) string {
	switch name {
	case JobPrompt:
		return "Prompt for stories"
	case JobRoundup:
		return "Thank-you roundup"
	case JobDigest:
		return "Digest of the month before"
	case JobKudosDM:
		return "Kudos summary, by DM to each person who got kudos"
	}
	return name
}

// jobInfos describes the scheduled jobs for /extramile settings: a title,
// the schedule in words and the next run (shown in the configured zone).
func (b *Bot) jobInfos(ctx context.Context) []compose.JobInfo {
	var out []compose.JobInfo
	for _, e := range b.jobs() {
		j := compose.JobInfo{Name: jobTitle(e.Name), Description: e.Description, Next: e.Next, EnvVar: b.conf.EnvVarIfSet(scheduleKey(e.Name))}
		if j.EnvVar == "" {
			if s, ok, err := b.store.SettingInfo(ctx, scheduleKey(e.Name)); err == nil && ok && s.Value == e.Spec {
				j.ChangedBy = s.UpdatedBy
			}
		}
		out = append(out, j)
	}
	return out
}
