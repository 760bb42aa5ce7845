// Package config reads Extra Mile's settings from the environment and checks
// them before anything connects, so a mistake stops the program with a message
// that names the variable and says what is expected.
package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/scheduler"
)

// Config is everything an operator can set. Field tags are the contract
// documented in README.md.
type Config struct {
	Slack Slack `ignored:"true"`

	// FromEnv names the variables the operator set in the environment. A
	// value admins may also change in Slack (see SlackVars) that is set
	// here is the operator's: Slack shows it without offering to change
	// it. Load fills it in.
	FromEnv map[string]bool `ignored:"true"`

	DBPath          string        `envconfig:"EXTRAMILE_DB_PATH" default:"extramile.db" desc:"the SQLite database file (created if missing)"`
	Timezone        Zone          `envconfig:"EXTRAMILE_TIMEZONE" default:"UTC" desc:"IANA time zone the schedules run in, e.g. Europe/Berlin"`
	Channel         string        `envconfig:"EXTRAMILE_CHANNEL" desc:"channel ID (C…) that gets prompts, roundups and digests"`
	PromptSchedule  string        `envconfig:"EXTRAMILE_PROMPT_SCHEDULE" default:"0 10 * * MON" desc:"cron spec of the weekly prompt"`
	RoundupSchedule string        `envconfig:"EXTRAMILE_ROUNDUP_SCHEDULE" default:"0 16 * * FRI" desc:"cron spec of the weekly thank-you roundup (EXTRAMILE_SHOUTOUT_SCHEDULE, its old name, still works)"`
	DigestSchedule  string        `envconfig:"EXTRAMILE_DIGEST_SCHEDULE" default:"0 10 1 * *" desc:"cron spec of the monthly digest (of the previous month)"`
	KudosDMSchedule string        `envconfig:"EXTRAMILE_KUDOS_DM_SCHEDULE" default:"0 17 * * *" desc:"cron spec of the daily DM that tells people the kudos they received"`
	NudgeSchedule   string        `envconfig:"EXTRAMILE_NUDGE_SCHEDULE" default:"0 15 * * THU" desc:"cron spec of each person's weekly nudge DM, read in their own time zone; off = no nudges"`
	FollowUpAfter   time.Duration `envconfig:"EXTRAMILE_FOLLOWUP_AFTER" default:"336h" desc:"how long after a story for a customer its author is asked what changed because of it; 0 = never"`
	Catchup         time.Duration `envconfig:"EXTRAMILE_CATCHUP" default:"6h" desc:"a run missed while the bot was down is made up at start-up if not older than this"`
	KudosEmoji      []string      `envconfig:"EXTRAMILE_KUDOS_EMOJI" default:"raised_hands" desc:"comma list of reaction names that give kudos"`
	KudosDailyLimit int           `envconfig:"EXTRAMILE_KUDOS_DAILY_LIMIT" default:"0" desc:"kudos one person can give per day (their own time zone); 0 = no limit"`
	Admins          []string      `envconfig:"EXTRAMILE_ADMINS" desc:"comma list of user IDs who may change settings (workspace admins and owners may too)"`
	LogLevel        LogLevel      `envconfig:"EXTRAMILE_LOG_LEVEL" default:"info" desc:"debug, info, warn or error"`
	LogFormat       string        `envconfig:"EXTRAMILE_LOG_FORMAT" default:"text" desc:"text or json"`
	HTTPAddr        string        `envconfig:"EXTRAMILE_HTTP_ADDR" desc:"host:port of the health and metrics listener (/healthz, /readyz, /metrics), e.g. 127.0.0.1:9090; empty = off"`
}

// Slack holds the Slack credentials and endpoint. Each variable may also be
// given with the EXTRAMILE_ prefix, which wins when both are set.
type Slack struct {
	BotToken string `envconfig:"SLACK_BOT_TOKEN" desc:"bot token (xoxb-…) from OAuth & Permissions; required"`
	AppToken string `envconfig:"SLACK_APP_TOKEN" desc:"app-level token (xapp-…) with connections:write; required"`
	APIURL   string `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"Web API base URL; apps.connections.open goes there too"`
}

// Zone is a time zone read from an IANA name.
type Zone struct{ *time.Location }

// Decode implements envconfig.Decoder.
func (z *Zone) Decode(value string) error {
	loc, err := time.LoadLocation(strings.TrimSpace(value))
	if err != nil || strings.TrimSpace(value) == "" {
		return fmt.Errorf("unknown time zone %q: use an IANA name such as UTC, Europe/Berlin or America/New_York", value)
	}
	z.Location = loc
	return nil
}

// LogLevel is a slog level read from its name.
type LogLevel struct{ slog.Level }

// Decode implements envconfig.Decoder.
func (l *LogLevel) Decode(value string) error {
	if err := l.Level.UnmarshalText([]byte(strings.TrimSpace(value))); err != nil {
		return fmt.Errorf("unknown log level %q: use debug, info, warn or error", value)
	}
	return nil
}

var (
	channelID = regexp.MustCompile(`^[CG][A-Z0-9]{2,}$`)
	userID    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
)

// The roundup schedule's variable, and its first name.
const (
	roundupScheduleVar    = "EXTRAMILE_ROUNDUP_SCHEDULE"
	oldRoundupScheduleVar = "EXTRAMILE_SHOUTOUT_SCHEDULE"
)

// Load reads the configuration from the environment and validates it.
func Load() (*Config, error) {
	var c Config
	if err := envconfig.Process("EXTRAMILE", &c.Slack); err != nil {
		return nil, explain(err)
	}
	if err := envconfig.Process("", &c); err != nil {
		return nil, explain(err)
	}
	// The roundup's schedule was first called EXTRAMILE_SHOUTOUT_SCHEDULE;
	// the old name still works, and the new one wins when both are set.
	if _, set := os.LookupEnv(roundupScheduleVar); !set {
		if old, ok := os.LookupEnv(oldRoundupScheduleVar); ok {
			c.RoundupSchedule = old
		}
	}
	c.FromEnv = map[string]bool{}
	for _, name := range SlackVars {
		if _, set := os.LookupEnv(name); set {
			c.FromEnv[name] = true
		}
	}
	if _, set := os.LookupEnv(oldRoundupScheduleVar); set {
		c.FromEnv[roundupScheduleVar] = true
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// ScheduleVars names the variable of each job's schedule, by job name (see
// bot.JobPrompt and the others).
var ScheduleVars = map[string]string{
	"prompt":   "EXTRAMILE_PROMPT_SCHEDULE",
	"roundup":  roundupScheduleVar,
	"digest":   "EXTRAMILE_DIGEST_SCHEDULE",
	"kudos_dm": "EXTRAMILE_KUDOS_DM_SCHEDULE",
}

// SlackVars are the variables whose values admins may change in Slack
// when the operator leaves them unset (the environment wins when set;
// bot.SettingDefs is the table of those settings).
var SlackVars = []string{
	"EXTRAMILE_PROMPT_SCHEDULE", roundupScheduleVar, "EXTRAMILE_DIGEST_SCHEDULE", "EXTRAMILE_KUDOS_DM_SCHEDULE",
	"EXTRAMILE_TIMEZONE", "EXTRAMILE_KUDOS_EMOJI", "EXTRAMILE_KUDOS_DAILY_LIMIT", "EXTRAMILE_CATCHUP",
	"EXTRAMILE_NUDGE_SCHEDULE",
}

// Value returns the value in effect of one of SlackVars (the environment's,
// or the default when it is unset) in its written form, and false for any
// other name.
func (c *Config) Value(name string) (string, bool) {
	switch name {
	case "EXTRAMILE_PROMPT_SCHEDULE":
		return c.PromptSchedule, true
	case roundupScheduleVar:
		return c.RoundupSchedule, true
	case "EXTRAMILE_DIGEST_SCHEDULE":
		return c.DigestSchedule, true
	case "EXTRAMILE_KUDOS_DM_SCHEDULE":
		return c.KudosDMSchedule, true
	case "EXTRAMILE_TIMEZONE":
		if c.Timezone.Location == nil {
			return "UTC", true
		}
		return c.Timezone.String(), true
	case "EXTRAMILE_KUDOS_EMOJI":
		return strings.Join(c.KudosEmoji, ","), true
	case "EXTRAMILE_KUDOS_DAILY_LIMIT":
		return strconv.Itoa(c.KudosDailyLimit), true
	case "EXTRAMILE_CATCHUP":
		return c.Catchup.String(), true
	case "EXTRAMILE_NUDGE_SCHEDULE":
		if c.NudgesOff() {
			return "off", true
		}
		return c.NudgeSchedule, true
	}
	return "", false
}

// explain turns envconfig's errors into messages that name the variable and
// say what is expected, without echoing values (a token could be in them).
func explain(err error) error {
	var pe *envconfig.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.KeyName, pe.Err)
	}
	return fmt.Errorf("configuration: %w", err)
}

// Validate checks every setting and returns all problems at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	switch {
	case strings.TrimSpace(c.Slack.BotToken) == "":
		add("SLACK_BOT_TOKEN is required: the bot token from your app's OAuth & Permissions page, starting with xoxb-")
	case !strings.HasPrefix(c.Slack.BotToken, "xoxb-"):
		add("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (the value set starts with %q)", prefixOf(c.Slack.BotToken))
	}
	switch {
	case strings.TrimSpace(c.Slack.AppToken) == "":
		add("SLACK_APP_TOKEN is required: an app-level token with the connections:write scope (Basic Information → App-Level Tokens), starting with xapp-")
	case !strings.HasPrefix(c.Slack.AppToken, "xapp-"):
		add("SLACK_APP_TOKEN must be an app-level token starting with xapp- (the value set starts with %q)", prefixOf(c.Slack.AppToken))
	}
	if u, err := url.Parse(c.Slack.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		add("SLACK_API_URL must be an http(s) URL such as https://slack.com/api/ (got %q)", c.Slack.APIURL)
	} else if !strings.HasSuffix(c.Slack.APIURL, "/") {
		c.Slack.APIURL += "/"
	}
	if strings.TrimSpace(c.DBPath) == "" {
		add("EXTRAMILE_DB_PATH must not be empty: it is the SQLite file, e.g. extramile.db or /data/extramile.db")
	}
	if c.Timezone.Location == nil {
		c.Timezone.Location = time.UTC
	}
	if c.Channel != "" && !channelID.MatchString(c.Channel) {
		add("EXTRAMILE_CHANNEL must be a channel ID such as C0123456789 (open the channel's details in Slack; the ID is at the bottom), not %q", c.Channel)
	}
	for _, s := range []struct{ name, spec string }{
		{"EXTRAMILE_PROMPT_SCHEDULE", c.PromptSchedule},
		{roundupScheduleVar, c.RoundupSchedule},
		{"EXTRAMILE_DIGEST_SCHEDULE", c.DigestSchedule},
		{"EXTRAMILE_KUDOS_DM_SCHEDULE", c.KudosDMSchedule},
	} {
		if _, err := scheduler.Parse(s.spec, c.Timezone.Location); err != nil {
			add("%s: %v", s.name, err)
		}
	}
	c.NudgeSchedule = strings.TrimSpace(c.NudgeSchedule)
	if !c.NudgesOff() {
		if _, err := scheduler.Parse(c.NudgeSchedule, time.UTC); err != nil {
			add("EXTRAMILE_NUDGE_SCHEDULE: %v (or off to send no nudges)", err)
		}
	}
	if c.FollowUpAfter < 0 {
		add("EXTRAMILE_FOLLOWUP_AFTER must not be negative (got %s); use 0 to never ask", c.FollowUpAfter)
	}
	if c.Catchup < 0 {
		add("EXTRAMILE_CATCHUP must not be negative (got %s); use 0 to never make up missed runs", c.Catchup)
	}
	// The same rule as a change in Slack (extramile.CleanKudosEmoji).
	c.KudosEmoji = cleanList(c.KudosEmoji, func(s string) string { return strings.Trim(strings.ToLower(s), ":") })
	if len(c.KudosEmoji) == 0 {
		add("EXTRAMILE_KUDOS_EMOJI must name at least one reaction, e.g. raised_hands")
	} else if _, err := extramile.CleanKudosEmoji(c.KudosEmoji); err != nil {
		add("EXTRAMILE_KUDOS_EMOJI: %s", extramile.ErrorMessage(err))
	}
	if c.KudosDailyLimit < 0 {
		add("EXTRAMILE_KUDOS_DAILY_LIMIT must be 0 (no limit) or more (got %d)", c.KudosDailyLimit)
	}
	c.Admins = cleanList(c.Admins, strings.ToUpper)
	for _, a := range c.Admins {
		if !userID.MatchString(a) {
			add("EXTRAMILE_ADMINS: %q is not a user ID; use IDs such as U0123456789 (a profile's ⋮ menu → Copy member ID)", a)
		}
	}
	if c.HTTPAddr != "" {
		if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || !validPort(port) {
			add("EXTRAMILE_HTTP_ADDR must be host:port such as 127.0.0.1:9090 or :9090 (got %q); leave it empty to turn the listener off", c.HTTPAddr)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		add("EXTRAMILE_LOG_FORMAT must be text or json (got %q)", c.LogFormat)
	}
	return errors.Join(errs...)
}

// NudgesOff reports whether EXTRAMILE_NUDGE_SCHEDULE turns the weekly
// nudge off for everyone ("off" in any case, or set empty).
func (c *Config) NudgesOff() bool {
	s := strings.TrimSpace(c.NudgeSchedule)
	return s == "" || strings.EqualFold(s, "off")
}

// validPort reports whether p is a TCP port number (0 picks a free one).
func validPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// IsAdmin reports whether user is listed in EXTRAMILE_ADMINS.
func (c *Config) IsAdmin(user string) bool {
	for _, a := range c.Admins {
		if a == user {
			return true
		}
	}
	return false
}

// Logger builds the slog logger the settings ask for, writing to w.
func (c *Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel.Level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// cleanList trims, normalizes, drops empty items and removes duplicates.
func cleanList(in []string, norm func(string) string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = norm(strings.TrimSpace(s))
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// prefixOf returns the first few characters of a secret, enough to recognize
// a token of the wrong kind without revealing it.
func prefixOf(secret string) string {
	if i := strings.IndexByte(secret, '-'); i >= 0 && i <= 5 {
		return secret[:i+1]
	}
	if len(secret) > 4 {
		return secret[:4]
	}
	return secret
}

// PrintUsage writes the table of environment variables to w.
func PrintUsage(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tMEANING")
	format := `{{range .}}{{if .Alt}}{{.Alt}}{{else}}{{.Key}}{{end}}	{{usage_default .}}	{{usage_description .}}
{{end}}`
	if err := envconfig.Usagef("EXTRAMILE", &Slack{}, tw, format); err != nil {
		return err
	}
	if err := envconfig.Usagef("", &Config{}, tw, format); err != nil {
		return err
	}
	fmt.Fprintln(tw, "\nEach SLACK_* variable may also be set as EXTRAMILE_SLACK_*, which wins when both are set.")
	fmt.Fprintln(tw, "Admins may change these in Slack (/extramile settings edit) while they are unset here; a variable set here wins:\n  "+strings.Join(SlackVars, ", "))
	return tw.Flush()
}
