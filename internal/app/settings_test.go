package app

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/config"
)

// TestSettingDefsAgreeWithConfig: the settings admins change in Slack are
// exactly config.SlackVars, and each default is config's (read from its
// envconfig tag, in the bot's written form).
func TestSettingDefsAgreeWithConfig(t *testing.T) {
	tags := map[string]string{}
	ct := reflect.TypeOf(config.Config{})
	for i := 0; i < ct.NumField(); i++ {
		if name := ct.Field(i).Tag.Get("envconfig"); name != "" {
			tags[name] = ct.Field(i).Tag.Get("default")
		}
	}
	var vars []string
	for _, d := range bot.SettingDefs() {
		if d.EnvVar == "" {
			continue
		}
		vars = append(vars, d.EnvVar)
		def, ok := tags[d.EnvVar]
		if !ok {
			t.Errorf("%s: no such variable in config", d.EnvVar)
			continue
		}
		got, err := d.Parse(def, time.UTC)
		if err != nil {
			t.Errorf("%s: config's default %q does not read: %v", d.EnvVar, def, err)
		}
		want, _ := d.Parse(d.Default, time.UTC)
		if got != want {
			t.Errorf("%s: config's default %q, the bot's %q", d.EnvVar, def, d.Default)
		}
	}
	want := slices.Clone(config.SlackVars)
	slices.Sort(want)
	slices.Sort(vars)
	if !slices.Equal(vars, want) {
		t.Errorf("settings with a variable %v, config.SlackVars %v", vars, want)
	}
	for _, name := range config.SlackVars {
		if _, ok := (&config.Config{}).Value(name); !ok {
			t.Errorf("config.Value does not know %s", name)
		}
	}
}
