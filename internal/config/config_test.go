package config

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// setenv sets the variables for one test; t.Setenv restores them afterwards.
func setenv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range []string{
		"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL",
		"EXTRAMILE_SLACK_BOT_TOKEN", "EXTRAMILE_SLACK_APP_TOKEN", "EXTRAMILE_SLACK_API_URL",
		"EXTRAMILE_DB_PATH", "EXTRAMILE_TIMEZONE", "EXTRAMILE_CHANNEL", "EXTRAMILE_PROMPT_SCHEDULE",
		"EXTRAMILE_ROUNDUP_SCHEDULE", "EXTRAMILE_SHOUTOUT_SCHEDULE", "EXTRAMILE_DIGEST_SCHEDULE", "EXTRAMILE_KUDOS_DM_SCHEDULE", "EXTRAMILE_CATCHUP",
		"EXTRAMILE_KUDOS_EMOJI", "EXTRAMILE_KUDOS_DAILY_LIMIT", "EXTRAMILE_ADMINS",
		"EXTRAMILE_LOG_LEVEL", "EXTRAMILE_LOG_FORMAT", "DB_PATH", "EXTRAMILE_HTTP_ADDR",
	} {
		t.Setenv(k, "")
		unsetenv(t, k)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

var tokens = map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-abc", "SLACK_APP_TOKEN": "xapp-1-def"}

func with(extra map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range tokens {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func TestLoadDefaults(t *testing.T) {
	setenv(t, with(map[string]string{"DB_PATH": "/elsewhere.db"}))
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"bot token", c.Slack.BotToken, "xoxb-1-abc"},
		{"api url", c.Slack.APIURL, "https://slack.com/api/"},
		{"db path (DB_PATH must not leak in)", c.DBPath, "extramile.db"},
		{"zone", c.Timezone.String(), "UTC"},
		{"prompt", c.PromptSchedule, "0 10 * * MON"},
		{"roundup", c.RoundupSchedule, "0 16 * * FRI"},
		{"digest", c.DigestSchedule, "0 10 1 * *"},
		{"catchup", c.Catchup.String(), (6 * time.Hour).String()},
		{"nudge", c.NudgeSchedule, "0 15 * * THU"},
		{"follow-up", c.FollowUpAfter.String(), (14 * 24 * time.Hour).String()},
		{"emoji", strings.Join(c.KudosEmoji, ","), "raised_hands"},
		{"log", c.LogLevel.String() + "/" + c.LogFormat, "INFO/text"},
		{"http listener off", c.HTTPAddr, ""},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s: got %q, want %q", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadPrefixedWinsAndLists(t *testing.T) {
	setenv(t, with(map[string]string{
		"EXTRAMILE_SLACK_BOT_TOKEN": "xoxb-prefixed",
		"SLACK_API_URL":             "http://127.0.0.1:1234/api",
		"EXTRAMILE_TIMEZONE":        "Europe/Berlin",
		"EXTRAMILE_KUDOS_EMOJI":     " :Raised_Hands:, clap,,clap ",
		"EXTRAMILE_ADMINS":          "u123abc, W999",
		"EXTRAMILE_CHANNEL":         "C0123",
	}))
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got, want := c.Slack.BotToken, "xoxb-prefixed"; got != want {
		t.Errorf("bot token: got %q, want %q", got, want)
	}
	if got, want := c.Slack.APIURL, "http://127.0.0.1:1234/api/"; got != want {
		t.Errorf("api url: got %q, want %q", got, want)
	}
	if got, want := strings.Join(c.KudosEmoji, ","), "raised_hands,clap"; got != want {
		t.Errorf("emoji: got %q, want %q", got, want)
	}
	if !c.IsAdmin("U123ABC") || !c.IsAdmin("W999") || c.IsAdmin("U1") {
		t.Errorf("admins: got %v", c.Admins)
	}
	if got, want := c.Timezone.String(), "Europe/Berlin"; got != want {
		t.Errorf("zone: got %q, want %q", got, want)
	}
}

func TestNudgesOff(t *testing.T) {
	for _, v := range []string{"off", " OFF "} {
		setenv(t, with(map[string]string{"EXTRAMILE_NUDGE_SCHEDULE": v}))
		c, err := Load()
		if err != nil {
			t.Fatalf("%q: Load: %v", v, err)
		}
		if !c.NudgesOff() {
			t.Errorf("%q: NudgesOff = false", v)
		}
	}
}

func TestLoadHTTPAddr(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:9090", ":9090", "[::1]:0"} {
		setenv(t, with(map[string]string{"EXTRAMILE_HTTP_ADDR": addr}))
		c, err := Load()
		if err != nil {
			t.Fatalf("%s: Load: %v", addr, err)
		}
		if c.HTTPAddr != addr {
			t.Errorf("HTTPAddr: got %q, want %q", c.HTTPAddr, addr)
		}
	}
}

func TestLoadErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string // substrings of the error
		not  string   // must not appear (secrets)
	}{
		{"missing bot token", map[string]string{"SLACK_APP_TOKEN": "xapp-1"}, []string{"SLACK_BOT_TOKEN is required", "xoxb-"}, ""},
		{"empty tokens", map[string]string{"SLACK_BOT_TOKEN": " ", "SLACK_APP_TOKEN": ""}, []string{"SLACK_BOT_TOKEN is required", "SLACK_APP_TOKEN is required"}, ""},
		{"swapped tokens", map[string]string{"SLACK_BOT_TOKEN": "xapp-1-secretvalue", "SLACK_APP_TOKEN": "xoxb-2-secretvalue"}, []string{"SLACK_BOT_TOKEN must be a bot token", "SLACK_APP_TOKEN must be an app-level token"}, "secretvalue"},
		{"bad zone", with(map[string]string{"EXTRAMILE_TIMEZONE": "Mars/Olympus"}), []string{"EXTRAMILE_TIMEZONE", "IANA"}, ""},
		{"bad cron", with(map[string]string{"EXTRAMILE_PROMPT_SCHEDULE": "every monday"}), []string{"EXTRAMILE_PROMPT_SCHEDULE", "5 fields"}, ""},
		{"bad number", with(map[string]string{"EXTRAMILE_KUDOS_DAILY_LIMIT": "five"}), []string{"EXTRAMILE_KUDOS_DAILY_LIMIT"}, ""},
		{"negative limit", with(map[string]string{"EXTRAMILE_KUDOS_DAILY_LIMIT": "-1"}), []string{"EXTRAMILE_KUDOS_DAILY_LIMIT must be 0"}, ""},
		{"bad nudge cron", with(map[string]string{"EXTRAMILE_NUDGE_SCHEDULE": "thursdays"}), []string{"EXTRAMILE_NUDGE_SCHEDULE", "5 fields", "off"}, ""},
		{"negative follow-up", with(map[string]string{"EXTRAMILE_FOLLOWUP_AFTER": "-1h"}), []string{"EXTRAMILE_FOLLOWUP_AFTER must not be negative"}, ""},
		{"bad duration", with(map[string]string{"EXTRAMILE_CATCHUP": "six hours"}), []string{"EXTRAMILE_CATCHUP"}, ""},
		{"bad channel", with(map[string]string{"EXTRAMILE_CHANNEL": "#general"}), []string{"EXTRAMILE_CHANNEL must be a channel ID"}, ""},
		{"bad admin", with(map[string]string{"EXTRAMILE_ADMINS": "@alice"}), []string{"EXTRAMILE_ADMINS"}, ""},
		{"bad emoji", with(map[string]string{"EXTRAMILE_KUDOS_EMOJI": "🙌"}), []string{"EXTRAMILE_KUDOS_EMOJI"}, ""},
		{"no emoji", with(map[string]string{"EXTRAMILE_KUDOS_EMOJI": " , "}), []string{"EXTRAMILE_KUDOS_EMOJI must name"}, ""},
		{"bad url", with(map[string]string{"SLACK_API_URL": "slack.com/api"}), []string{"SLACK_API_URL must be an http(s) URL"}, ""},
		{"bad log level", with(map[string]string{"EXTRAMILE_LOG_LEVEL": "loud"}), []string{"EXTRAMILE_LOG_LEVEL"}, ""},
		{"bad log format", with(map[string]string{"EXTRAMILE_LOG_FORMAT": "xml"}), []string{"EXTRAMILE_LOG_FORMAT must be text or json"}, ""},
		{"empty db path", with(map[string]string{"EXTRAMILE_DB_PATH": ""}), []string{"EXTRAMILE_DB_PATH must not be empty"}, ""},
		{"http addr without port", with(map[string]string{"EXTRAMILE_HTTP_ADDR": "127.0.0.1"}), []string{"EXTRAMILE_HTTP_ADDR must be host:port"}, ""},
		{"http addr bad port", with(map[string]string{"EXTRAMILE_HTTP_ADDR": ":http-alt"}), []string{"EXTRAMILE_HTTP_ADDR must be host:port"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setenv(t, tt.env)
			_, err := Load()
			if err == nil {
				t.Fatal("Load: got nil error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if tt.not != "" && strings.Contains(err.Error(), tt.not) {
				t.Errorf("error %q reveals %q", err, tt.not)
			}
		})
	}
}

func TestPrintUsageListsEveryVariable(t *testing.T) {
	var buf bytes.Buffer
	if err := PrintUsage(&buf); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_API_URL", "EXTRAMILE_DB_PATH",
		"EXTRAMILE_TIMEZONE", "EXTRAMILE_CHANNEL", "EXTRAMILE_PROMPT_SCHEDULE", "EXTRAMILE_ROUNDUP_SCHEDULE", "EXTRAMILE_SHOUTOUT_SCHEDULE",
		"EXTRAMILE_DIGEST_SCHEDULE", "EXTRAMILE_KUDOS_DM_SCHEDULE", "EXTRAMILE_CATCHUP", "EXTRAMILE_KUDOS_EMOJI", "EXTRAMILE_KUDOS_DAILY_LIMIT",
		"EXTRAMILE_ADMINS", "EXTRAMILE_LOG_LEVEL", "EXTRAMILE_LOG_FORMAT", "EXTRAMILE_HTTP_ADDR"} {
		if !strings.Contains(buf.String(), v) {
			t.Errorf("usage does not list %s:\n%s", v, buf.String())
		}
	}
	if strings.Contains(buf.String(), "SLACK_SLACK") || strings.Contains(buf.String(), "EXTRAMILE_SLACK_BOT_TOKEN  ") {
		t.Errorf("usage shows internal key names:\n%s", buf.String())
	}
}

// TestRoundupScheduleKeepsItsOldName: EXTRAMILE_ROUNDUP_SCHEDULE names the
// roundup's schedule; EXTRAMILE_SHOUTOUT_SCHEDULE, its first name, still
// works, and the new name wins when both are set.
func TestRoundupScheduleKeepsItsOldName(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"default", nil, "0 16 * * FRI"},
		{"new name", map[string]string{"EXTRAMILE_ROUNDUP_SCHEDULE": "0 15 * * THU"}, "0 15 * * THU"},
		{"old name", map[string]string{"EXTRAMILE_SHOUTOUT_SCHEDULE": "0 14 * * WED"}, "0 14 * * WED"},
		{"both: the new one wins", map[string]string{"EXTRAMILE_ROUNDUP_SCHEDULE": "0 15 * * THU", "EXTRAMILE_SHOUTOUT_SCHEDULE": "0 14 * * WED"}, "0 15 * * THU"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tokens {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			setenv(t, env)
			c, err := Load()
			if err != nil {
				t.Fatal(err)
			}
			if c.RoundupSchedule != tt.want {
				t.Errorf("roundup schedule %q, want %q", c.RoundupSchedule, tt.want)
			}
		})
	}
}
