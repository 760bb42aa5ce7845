package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/scheduler"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares v, as indented JSON, with testdata/golden/name.json, or
// rewrites it with -update (go test ./bot -run TestSettingsGolden -update).
// Slack's own types check these files in CI (.ci/blockkit).
func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (go test ./bot -run TestSettingsGolden -update creates it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run with -update if the change is intended):\n%s", name, path, got)
	}
}

// settingsStore is a Store with settings, subscriptions and skipped dates
// in memory; every other method is nil.
type settingsStore struct {
	Store
	settingsFake
	subs  []string
	skips []string
}

func (s *settingsStore) SettingInfo(ctx context.Context, key string) (extramile.Setting, bool, error) {
	return s.settingsFake.SettingInfo(ctx, key)
}

func (s *settingsStore) SetSetting(ctx context.Context, key, value, by string) error {
	return s.settingsFake.SetSetting(ctx, key, value, by)
}

func (s *settingsStore) Subscriptions(context.Context) ([]string, error) { return s.subs, nil }
func (s *settingsStore) SkipDates(context.Context) ([]string, error)     { return s.skips, nil }

// settingsBot is a Bot on store, with env, at 2026-11-23 09:30 UTC, with the
// four scheduled jobs.
func settingsBot(store *settingsStore, env map[string]EnvValue) *Bot {
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	conf := NewSettings(store, env, nil)
	loc := conf.Location(context.Background())
	return New(Options{
		Store: store, Settings: conf, Location: loc, Channel: "C0GENERAL1", Admins: []string{"U0ADMIN001"},
		Now:        func() time.Time { return now },
		Reschedule: func(string, string) error { return nil },
		Jobs: func() []scheduler.Entry {
			var out []scheduler.Entry
			for _, job := range []string{JobPrompt, JobRoundup, JobDigest, JobKudosDM} {
				spec := conf.Schedule(context.Background(), job)
				s, _ := scheduler.Parse(spec, loc)
				out = append(out, scheduler.Entry{Name: job, Spec: spec, Description: scheduler.Describe(spec, loc), Next: s.Next(now)})
			}
			return out
		},
	})
}

// TestSettingsGolden: the settings modal of the real table, for an admin
// with every default, and with values from the environment and changed in
// Slack; a submission's errors; the listing of /extramile settings.
func TestSettingsGolden(t *testing.T) {
	ctx := context.Background()
	defaults := &settingsStore{}
	env := map[string]EnvValue{
		"EXTRAMILE_TIMEZONE":         {Value: "Europe/Berlin", Set: true},
		"EXTRAMILE_PROMPT_SCHEDULE":  {Value: "0 9 * * MON", Set: true},
		"EXTRAMILE_KUDOS_EMOJI":      {Value: "clap,tada", Set: true},
		"EXTRAMILE_NUDGE_SCHEDULE":   {Value: "0 15 * * THU"},
		"EXTRAMILE_CATCHUP":          {Value: "6h0m0s"},
		"EXTRAMILE_DIGEST_SCHEDULE":  {Value: "0 10 1 * *"},
		"EXTRAMILE_ROUNDUP_SCHEDULE": {Value: "0 16 * * FRI"},
	}
	changed := &settingsStore{subs: []string{"C0GENERAL1", "C0WINS0001", "G0TEAM0001"}, skips: []string{"2026-11-20", "2026-12-24", "2026-12-31"}}
	for key, v := range map[string]string{scheduleKey(JobRoundup): "0 15 * * FRI", SettingKudosDailyLimit: "5", SettingNudgeShared: "thanks", SettingCatchup: "90m"} {
		if err := changed.SetSetting(ctx, key, v, "U0ADMIN001"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name string
		b    *Bot
	}{
		{"settings_modal_defaults", settingsBot(defaults, nil)},
		{"settings_modal_env_and_changed", settingsBot(changed, env)},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := c.b.readSettings(ctx)
			if err != nil {
				t.Fatal(err)
			}
			v := compose.SettingsModal(c.b.settingsGroups(s))
			if err := compose.CheckModal(v); err != nil {
				t.Errorf("CheckModal: %v", err)
			}
			golden(t, c.name, v)
		})
	}
	t.Run("settings_errors", func(t *testing.T) {
		b := settingsBot(defaults, nil)
		state := &slack.ViewState{Values: map[string]map[string]slack.BlockAction{
			compose.SettingBlock(SettingTimezone):        {compose.ActionSettingValue: {Type: "plain_text_input", Value: "Mars/Olympus"}},
			compose.SettingBlock(SettingKudosDailyLimit): {compose.ActionSettingValue: {Type: "plain_text_input", Value: "-3"}},
			compose.ScheduleBlock(JobDigest):             {compose.ActionSettingValue: {Type: "plain_text_input", Value: "every day"}},
			compose.BlockSkipDates:                       {compose.ActionSettingValue: {Type: "plain_text_input", Value: "2026-12-24\n24.12.2026"}},
		}}
		cb := slack.InteractionCallback{User: slack.User{ID: "U0ADMIN001"}, View: slack.View{State: state}}
		golden(t, "settings_errors", b.submitSettings(ctx, cb))
		if len(defaults.m) != 0 {
			t.Errorf("a refused form stored %v", defaults.m)
		}
	})
	t.Run("settings_listing", func(t *testing.T) {
		b := settingsBot(changed, env)
		m := b.settings(ctx, "U0ADMIN001")
		if err := compose.Check(m, false); err != nil {
			t.Errorf("Check: %v", err)
		}
		golden(t, "settings_listing", m)
	})
}
