package bot

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/extramile/extramile/scheduler"
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
