package bench

import (
	"github.com/extramile/extramile/internal/slackfake"
)

// never is a cron spec that does not fire during a run.
const never = "0 0 1 1 *"

// botEnv is the bot's configuration for a run against srv: the database,
// the channel of scheduled posts, schedules that do not fire, then extra
// variables (later ones win).
func botEnv(srv *slackfake.Server, dbPath, channel string, extra ...string) []string {
	env := []string{
		"SLACK_BOT_TOKEN=" + botToken,
		"SLACK_APP_TOKEN=" + appToken,
		"SLACK_API_URL=" + srv.APIURL(),
		"EXTRAMILE_DB_PATH=" + dbPath,
		"EXTRAMILE_CHANNEL=" + channel,
		"EXTRAMILE_TIMEZONE=UTC",
		"EXTRAMILE_PROMPT_SCHEDULE=" + never,
		"EXTRAMILE_ROUNDUP_SCHEDULE=" + never,
		"EXTRAMILE_DIGEST_SCHEDULE=" + never,
		"EXTRAMILE_KUDOS_DM_SCHEDULE=" + never,
		"EXTRAMILE_KUDOS_EMOJI=raised_hands",
		"EXTRAMILE_LOG_FORMAT=json",
	}
	return append(env, extra...)
}
