package bot

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// settingsFake keeps settings in memory.
type settingsFake struct {
	m    map[string]extramile.Setting
	fail error
}

func (f *settingsFake) SettingInfo(_ context.Context, key string) (extramile.Setting, bool, error) {
	s, ok := f.m[key]
	return s, ok, f.fail
}

func (f *settingsFake) SetSetting(_ context.Context, key, value, by string) error {
	if f.m == nil {
		f.m = map[string]extramile.Setting{}
	}
	f.m[key] = extramile.Setting{Key: key, Value: value, UpdatedBy: by, UpdatedAt: time.Unix(1700000000, 0)}
	return nil
}

// TestSettingsPrecedence: the environment wins, then a change made in
// Slack, then the default; a stored value that no longer reads, or a store
// that cannot be read, gives the default.
func TestSettingsPrecedence(t *testing.T) {
	store := &settingsFake{}
	env := map[string]EnvValue{
		"EXTRAMILE_TIMEZONE":          {Value: "Europe/Berlin", Set: true},
		"EXTRAMILE_KUDOS_EMOJI":       {Value: "raised_hands"},
		"EXTRAMILE_CATCHUP":           {Value: "6h0m0s"},
		"EXTRAMILE_KUDOS_DAILY_LIMIT": {Value: "0"},
	}
	s := NewSettings(store, env, nil)
	ctx := context.Background()
	if err := s.Set(ctx, SettingTimezone, "Asia/Tokyo", "U1"); !errors.Is(err, ErrSetInEnvironment) {
		t.Errorf("set an environment value: %v", err)
	}
	if got := s.Location(ctx).String(); got != "Europe/Berlin" {
		t.Errorf("zone %s", got)
	}
	if v := s.Get(ctx, SettingCatchup); v.Value != "6h" || v.FromEnv || v.By != "" {
		t.Errorf("catch-up default %+v", v)
	}
	if err := s.Set(ctx, SettingKudosEmoji, "tada,clap", "U1"); err != nil {
		t.Fatal(err)
	}
	if v := s.Get(ctx, SettingKudosEmoji); v.Value != "tada,clap" || v.By != "U1" || v.At.IsZero() {
		t.Errorf("emoji changed in Slack %+v", v)
	}
	if got := s.KudosEmoji(ctx); strings.Join(got, " ") != "tada clap" {
		t.Errorf("kudos emoji %v", got)
	}
	store.m[SettingKudosDailyLimit] = extramile.Setting{Value: "lots"}
	if got := s.DailyLimit(ctx); got != 0 {
		t.Errorf("an unreadable stored limit gives %d, want the default 0", got)
	}
	store.fail = errors.New("disk on fire")
	if got := s.KudosEmoji(ctx); strings.Join(got, " ") != "raised_hands" {
		t.Errorf("a store that fails gives %v, want the default", got)
	}
	if got := s.Get(ctx, "no.such"); got.Key != "" {
		t.Errorf("unknown key %+v", got)
	}
}

// TestSettingDefsParse: each setting's rule in a table.
func TestSettingDefsParse(t *testing.T) {
	for _, c := range []struct {
		key, in, want string // want "" = refused
	}{
		{SettingTimezone, " Europe/Berlin ", "Europe/Berlin"},
		{SettingTimezone, "Mars/Olympus", ""},
		{SettingTimezone, "Local", ""},
		{SettingKudosEmoji, " :TaDa:, clap,,clap", "tada,clap"},
		{SettingKudosEmoji, "raised hands", ""},
		{SettingKudosEmoji, " , ", ""},
		{SettingKudosDailyLimit, "12", "12"},
		{SettingKudosDailyLimit, "-1", ""},
		{SettingCatchup, "90m", "1h30m"},
		{SettingCatchup, "0", "0"},
		{SettingCatchup, "-1h", ""},
		{SettingNudgeSchedule, "OFF", "off"},
		{SettingNudgeSchedule, "0 9 * * MON", "0 9 * * MON"},
		{SettingNudgeSchedule, "mondays", ""},
		{scheduleKey(JobPrompt), "@weekly", "@weekly"},
		{scheduleKey(JobPrompt), "61 * * * *", ""},
		{SettingNudgeGuests, "ON", "on"},
		{SettingNudgeGuests, "maybe", ""},
		{settingKudosWhere, "everywhere", "everywhere"},
	} {
		d, ok := settingDef(c.key)
		if !ok {
			t.Fatalf("no setting %s", c.key)
		}
		got, err := d.Parse(c.in, time.UTC)
		if c.want == "" {
			if err == nil {
				t.Errorf("%s %q: accepted as %q", c.key, c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %q: %q, %v; want %q", c.key, c.in, got, err, c.want)
		}
	}
}

// TestREADMEListsEverySettingInSlack: README's Configuration section has
// the table of SettingDefs, as settingsTable writes it.
func TestREADMEListsEverySettingInSlack(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := settingsTableMarkdown(); !strings.Contains(string(readme), want) {
		t.Errorf("README.md lacks the table of the settings admins change in Slack; it should read:\n%s", want)
	}
}

// settingsTableMarkdown is README's table of the settings in Slack.
func settingsTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| setting in Slack | variable (wins when set) | default | key in the database |\n|---|---|---|---|\n")
	b.WriteString("| Channels that get the scheduled posts | `EXTRAMILE_CHANNEL` always gets them too | none | subscriptions |\n")
	for _, d := range SettingDefs() {
		env := "none: Slack only"
		if d.EnvVar != "" {
			env = "`" + d.EnvVar + "`"
		}
		b.WriteString("| " + d.Label + " | " + env + " | `" + d.Default + "` | `" + d.Key + "` |\n")
		if d.Key == SettingNudgeShared {
			b.WriteString("| Skipped dates (no nudge that day) | none: Slack only | none | skip dates |\n")
		}
	}
	return b.String()
}

// TestZoneFollowsAnotherProcess: another process sharing the database
// changes the time zone; this bot reads it again once what it holds is
// older than zoneFresh, and keeps what it holds while the store cannot be
// read.
func TestZoneFollowsAnotherProcess(t *testing.T) {
	store := &settingsFake{}
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	b := New(Options{Settings: NewSettings(store, map[string]EnvValue{"EXTRAMILE_TIMEZONE": {Value: "UTC"}}, nil),
		Location: time.UTC, Now: func() time.Time { return now }})
	if got := b.loc().String(); got != "UTC" {
		t.Fatalf("zone at start %s", got)
	}
	if err := store.SetSetting(context.Background(), SettingTimezone, "Europe/Berlin", "U1"); err != nil { // by the other process
		t.Fatal(err)
	}
	if got := b.loc().String(); got != "UTC" {
		t.Errorf("zone read again within %s: %s", zoneFresh, got)
	}
	now = now.Add(zoneFresh)
	if got := b.loc().String(); got != "Europe/Berlin" {
		t.Errorf("zone after %s: %s, want the other process's Europe/Berlin", zoneFresh, got)
	}
	store.m[SettingTimezone] = extramile.Setting{Key: SettingTimezone, Value: "Asia/Tokyo"}
	store.fail = errors.New("database is locked")
	now = now.Add(zoneFresh)
	if got := b.loc().String(); got != "Europe/Berlin" {
		t.Errorf("zone when the store cannot be read: %s, want the one held", got)
	}
	b.FollowZone(time.UTC) // what the scheduler learned at a firing
	if got := b.loc().String(); got != "UTC" {
		t.Errorf("zone after FollowZone: %s", got)
	}
}
