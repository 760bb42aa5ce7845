package bot

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/slack-go/slack"
	"gopkg.in/yaml.v3"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/slackapp"
)

// installed returns the bot's route table and its routes of one kind,
// sorted.
func installed(t *testing.T) (*slackapp.Router, map[slackapp.Kind][]string) {
	t.Helper()
	r := slackapp.NewRouter(nil)
	New(Options{}).Install(r)
	byKind := map[slackapp.Kind][]string{}
	for _, rt := range r.Routes() {
		byKind[rt.Kind] = append(byKind[rt.Kind], rt.Key)
	}
	for _, keys := range byKind {
		sort.Strings(keys)
	}
	return r, byKind
}

// goldenIDs reads every golden Block Kit file of compose and returns the
// action IDs a user can click (input blocks in a modal send no
// block_actions unless they set dispatch_action) and the views' callback IDs.
func goldenIDs(t *testing.T) (actions, callbacks []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("compose", "testdata", "golden", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	seen := map[string]bool{}
	add := func(list *[]string, kind, id string) {
		if !seen[kind+id] {
			seen[kind+id] = true
			*list = append(*list, id)
		}
	}
	var walk func(v any, inInput bool)
	walk = func(v any, inInput bool) {
		switch v := v.(type) {
		case map[string]any:
			if v["type"] == "input" && v["dispatch_action"] != true {
				inInput = true
			}
			if id, ok := v["action_id"].(string); ok && !inInput {
				add(&actions, "action", id)
			}
			if id, ok := v["callback_id"].(string); ok {
				add(&callbacks, "callback", id)
			}
			for _, child := range v {
				walk(child, inInput)
			}
		case []any:
			for _, child := range v {
				walk(child, inInput)
			}
		}
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(v, false)
	}
	sort.Strings(actions)
	sort.Strings(callbacks)
	return actions, callbacks
}

// TestEveryButtonHasARoute: every action ID a message or modal of compose
// lets a user click, and every view's callback ID, has a route in Install,
// so no button does nothing; and every action or view route is one that a
// builder emits, so no route is dead.
func TestEveryButtonHasARoute(t *testing.T) {
	_, routes := installed(t)
	actions, callbacks := goldenIDs(t)
	if len(actions) < 8 {
		t.Fatalf("found only %d clickable action IDs in the golden files: %v", len(actions), actions)
	}
	if !slices.Equal(routes[slackapp.KindAction], actions) {
		t.Errorf("action routes %v; the golden files let users click %v", routes[slackapp.KindAction], actions)
	}
	if !slices.Equal(routes[slackapp.KindView], callbacks) {
		t.Errorf("view routes %v; the golden files' views are %v", routes[slackapp.KindView], callbacks)
	}
}

// TestManifestMatchesRoutes: every slash command and event manifest.yml
// declares has a route, and every command and event route is declared (an
// event Slack never sends is a door to nowhere; one it sends without a
// route is ignored).
func TestManifestMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile("../manifest.yml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Features struct {
			SlashCommands []struct {
				Command string `yaml:"command"`
			} `yaml:"slash_commands"`
			Shortcuts []struct {
				Type       string `yaml:"type"`
				CallbackID string `yaml:"callback_id"`
			} `yaml:"shortcuts"`
		} `yaml:"features"`
		Settings struct {
			EventSubscriptions struct {
				BotEvents []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
		} `yaml:"settings"`
	}
	if err := yaml.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var commands []string
	for _, c := range m.Features.SlashCommands {
		commands = append(commands, c.Command)
	}
	events := slices.Clone(m.Settings.EventSubscriptions.BotEvents)
	sort.Strings(commands)
	sort.Strings(events)

	_, routes := installed(t)
	if got := routes[slackapp.KindCommand]; !slices.Equal(got, commands) {
		t.Errorf("command routes %v; manifest.yml declares %v", got, commands)
	}
	if got := routes[slackapp.KindEvent]; !slices.Equal(got, events) {
		t.Errorf("event routes %v; manifest.yml subscribes to %v", got, events)
	}
	shortcuts := map[slackapp.Kind][]string{}
	for _, s := range m.Features.Shortcuts {
		kind := slackapp.KindShortcut
		if s.Type == "message" {
			kind = slackapp.KindMessageAction
		}
		shortcuts[kind] = append(shortcuts[kind], s.CallbackID)
	}
	for _, kind := range []slackapp.Kind{slackapp.KindShortcut, slackapp.KindMessageAction} {
		sort.Strings(shortcuts[kind])
		if got := routes[kind]; !slices.Equal(got, shortcuts[kind]) {
			t.Errorf("%s routes %v; manifest.yml declares %v", kind, got, shortcuts[kind])
		}
	}
}

// TestEverySubcommandInHelpHasARoute: help and "did you mean" offer
// compose.Subcommands; each one is routed.
func TestEverySubcommandInHelpHasARoute(t *testing.T) {
	_, routes := installed(t)
	for _, word := range compose.Subcommands {
		if !slices.Contains(routes[slackapp.KindSubcommand], SlashCommand+" "+word) {
			t.Errorf("/extramile %s is offered in help but has no route", word)
		}
	}
	if got := routes[slackapp.KindUnknownSubcommand]; !slices.Equal(got, []string{SlashCommand}) {
		t.Errorf("unknown-subcommand routes %v; want %s's (quick share and help)", got, SlashCommand)
	}
}

// TestSubcommandsThatTakeNothingSayWhat: mine, digest and forget-me with
// its spellings refuse words after them, before touching anything.
func TestSubcommandsThatTakeNothingSayWhat(t *testing.T) {
	r, _ := installed(t)
	for _, word := range []string{"mine", "digest", "forget-me", "forgetme", "FORGET"} {
		ack := r.DispatchCommand(context.Background(), slack.SlashCommand{Command: SlashCommand, Text: word + " now", UserID: "U1", ChannelID: "C1"})
		raw, _ := json.Marshal(ack)
		if !strings.Contains(string(raw), "takes nothing after it") || !strings.Contains(string(raw), strings.ToLower(word)) {
			t.Errorf("/extramile %s now: ack %s; want it to say %q takes nothing after it", word, raw, strings.ToLower(word))
		}
	}
}
