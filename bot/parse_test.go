package bot

import (
	"github.com/extramile/extramile/scheduler"

	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

func TestParseQuickShare(t *testing.T) {
	tests := []struct {
		text      string
		wantUsers []string
		wantStory string
	}{
		{"<@U123|alice> stayed late to fix the import", []string{"U123"}, "stayed late to fix the import"},
		{"<@U1> <@W2|bob>, and <@U1> fixed it for the customer", []string{"U1", "W2"}, "fixed it for the customer"},
		{"<@U1> and <@U2> rewrote the docs", []string{"U1", "U2"}, "rewrote the docs"},
		{"  <@U1>\n\nmultiline\nstory  ", []string{"U1"}, "multiline\nstory"},
		{"<@U1>", []string{"U1"}, ""},
		{"thanks <@U1> for the help", nil, "thanks <@U1> for the help"},
		{"<!channel> look at this", nil, "<!channel> look at this"},
		{"<@U1> thanked <@U2> in the story", []string{"U1"}, "thanked <@U2> in the story"},
		{"<#C1|general> nope", nil, "<#C1|general> nope"},
	}
	for _, tt := range tests {
		users, story := parseQuickShare(tt.text)
		if !reflect.DeepEqual(users, tt.wantUsers) || story != tt.wantStory {
			t.Errorf("parseQuickShare(%q) = %v, %q; want %v, %q", tt.text, users, story, tt.wantUsers, tt.wantStory)
		}
	}
}

func FuzzParseQuickShare(f *testing.F) {
	for _, s := range []string{"<@U1|a> did it", "<@U1><@U2>", "<@", "<@U1|", "<!here>", "", "\xff<@U1>", "<@U1> and and <@U2>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		users, story := parseQuickShare(text)
		for _, u := range users {
			if !strings.HasPrefix(u, "U") && !strings.HasPrefix(u, "W") {
				t.Fatalf("user %q is not a user ID", u)
			}
		}
		if len(story) > len(text) {
			t.Fatalf("story %q longer than input %q", story, text)
		}
		if utf8.ValidString(text) && !utf8.ValidString(story) {
			t.Fatalf("story %q is not valid UTF-8", story)
		}
		if len(users) == 0 && story != strings.TrimSpace(text) {
			t.Fatalf("no mentions, but the story %q is not the text %q", story, text)
		}
	})
}

func TestSplitCommand(t *testing.T) {
	tests := []struct{ text, sub, rest string }{
		{"", "", ""},
		{"  HELP ", "help", ""},
		{"top  Week", "top", "Week"},
		{"<@U1|Al> did\nthings", "<@U1|Al>", "did\nthings"},
		{"forget-me", "forget-me", ""},
	}
	for _, tt := range tests {
		sub, rest := splitCommand(tt.text)
		if sub != tt.sub || rest != tt.rest {
			t.Errorf("splitCommand(%q) = %q, %q; want %q, %q", tt.text, sub, rest, tt.sub, tt.rest)
		}
	}
}

func TestBaseEmoji(t *testing.T) {
	for in, want := range map[string]string{"raised_hands::skin-tone-3": "raised_hands", "clap": "clap", "+1::skin-tone-6": "+1"} {
		if got := baseEmoji(in); got != want {
			t.Errorf("baseEmoji(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDayBoundsInTheGiversZone(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	// 03:30 UTC on Nov 24 is still Nov 23 in New York.
	start, end := scheduler.DayOf(time.Date(2026, 11, 24, 3, 30, 0, 0, time.UTC), ny)
	if got, want := start, time.Date(2026, 11, 23, 0, 0, 0, 0, ny); !got.Equal(want) {
		t.Errorf("start: got %v, want %v", got, want)
	}
	if got, want := end.Sub(start), 24*time.Hour; got != want {
		t.Errorf("length: got %v, want %v", got, want)
	}
	// The spring-forward day is 23 hours long.
	start, end = scheduler.DayOf(time.Date(2026, 3, 8, 12, 0, 0, 0, ny), ny)
	if got, want := end.Sub(start), 23*time.Hour; got != want {
		t.Errorf("DST day length: got %v, want %v", got, want)
	}
	if got := userLocation("Not/AZone", -18000, time.UTC); got.String() != "user" {
		t.Errorf("offset fallback: got %v", got)
	}
}

func TestDecodeEnvelope(t *testing.T) {
	tests := []struct{ raw, id, typ string }{
		{`{"envelope_id":"e1","type":"events_api","payload":{"x":`, "", ""},
		{`{"envelope_id":"e1","type":"mystery","payload":[1,2]}`, "e1", "mystery"},
		{`{"envelope_id":7,"type":"slash_commands"}`, "", "slash_commands"},
		{`[]`, "", ""},
	}
	for _, tt := range tests {
		id, typ := decodeEnvelope([]byte(tt.raw))
		if id != tt.id || typ != tt.typ {
			t.Errorf("decodeEnvelope(%s) = %q, %q; want %q, %q", tt.raw, id, typ, tt.id, tt.typ)
		}
	}
}

// FuzzDecodeEnvelope feeds arbitrary bytes to everything that decodes an
// envelope on the way in: our own envelope reader and slack-go's payload
// parsers (a panic in those would stop the socket). None may panic.
func FuzzDecodeEnvelope(f *testing.F) {
	seeds := []string{
		`{"envelope_id":"e1","type":"events_api","payload":{"type":"event_callback","event_id":"Ev1","event":{"type":"reaction_added","user":"U1","reaction":"raised_hands","item_user":"U2","item":{"type":"message","channel":"C1","ts":"1.2"},"event_ts":"1.3"}}}`,
		`{"envelope_id":"e2","type":"slash_commands","payload":{"command":"/extramile","text":"<@U1|a> hi","user_id":"U1","channel_id":"C1","trigger_id":"t"}}`,
		`{"envelope_id":"e3","type":"interactive","payload":{"type":"view_submission","user":{"id":"U1"},"view":{"callback_id":"story_modal","state":{"values":{"who":{"a":{"type":"multi_users_select","selected_users":["U2"]}}}}}}}`,
		`{"envelope_id":"e4","type":"interactive","payload":{"type":"block_actions","actions":[{"action_id":"x","type":"overflow","selected_option":{"value":"edit:1"}}]}}`,
		`{"type":"disconnect","reason":"refresh_requested"}`,
		`{"envelope_id":"e5","type":"events_api","payload":{"type":"event_callback","event":{"type":"reaction_removed","item":null}}}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		decodeEnvelope(raw)
		var env struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if json.Unmarshal(raw, &env) != nil {
			return
		}
		eventID(env.Payload)
		switch env.Type {
		case "events_api":
			if ev, err := slackevents.ParseEvent(env.Payload, slackevents.OptionNoVerifyToken()); err == nil {
				_ = ev.InnerEvent.Data
			}
		case "slash_commands":
			var cmd slack.SlashCommand
			if json.Unmarshal(env.Payload, &cmd) == nil {
				splitCommand(cmd.Text)
				parseQuickShare(cmd.Text)
			}
		case "interactive":
			var cb slack.InteractionCallback
			_ = json.Unmarshal(env.Payload, &cb)
		}
	})
}
