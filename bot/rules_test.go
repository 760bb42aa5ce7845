package bot

import (
	"slices"
	"testing"
	"time"
)

func TestRoundupSince(t *testing.T) {
	at := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		last, want time.Time
	}{
		{"the channel's first roundup: a week", time.Time{}, at.AddDate(0, 0, -7)},
		{"weekly: since the last one", at.AddDate(0, 0, -7), at.AddDate(0, 0, -7)},
		{"monthly: since the last one", at.AddDate(0, 0, -31), at.AddDate(0, 0, -31)},
		{"exactly at the cap", at.AddDate(0, 0, -42), at.AddDate(0, 0, -42)},
		{"after a long pause: capped at 42 days", at.AddDate(0, 0, -90), at.AddDate(0, 0, -42)},
	}
	for _, tt := range tests {
		if got := roundupSince(tt.last, at); !got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestKudosRunFrom(t *testing.T) {
	at := time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		last   time.Time
		want   time.Time
		wantOK bool
	}{
		{"first run: a day back", time.Time{}, at.Add(-24 * time.Hour), true},
		{"daily: since the last run", at.Add(-24 * time.Hour), at.Add(-24 * time.Hour), true},
		{"after a long pause: a week at most", at.Add(-10 * 24 * time.Hour), at.Add(-7 * 24 * time.Hour), true},
		{"this run done already", at, time.Time{}, false},
		{"a later run done already", at.Add(time.Hour), time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := kudosRunFrom(tt.last, at)
		if ok != tt.wantOK || (ok && !got.Equal(tt.want)) {
			t.Errorf("%s: got %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

// TestKudosSummaryFrom: one summary a day at most, in the bot's zone (DST
// included), covering everything since the last one, at most a week back.
func TestKudosSummaryFrom(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 11, 23, 17, 0, 0, 0, ny)
	runFrom := first.Add(-24 * time.Hour)
	dstEnd := time.Date(2026, 10, 31, 23, 30, 0, 0, ny) // the night DST ends (Nov 1)
	tests := []struct {
		name     string
		last, to time.Time
		want     time.Time
		wantOK   bool
	}{
		{"never told: the run's window", time.Time{}, first, runFrom, true},
		{"later the same day", first, first.Add(6 * time.Hour), time.Time{}, false},
		{"just after midnight", first, first.Add(7*time.Hour + time.Minute), first, true},
		{"the next day", first, first.Add(24 * time.Hour), first, true},
		{"after a long pause: capped at a week", first, first.Add(10 * 24 * time.Hour), first.Add(3 * 24 * time.Hour), true},
		{"told at this very time", first, first, time.Time{}, false},
		{"across the DST change: a 25-hour day is one day", dstEnd, time.Date(2026, 11, 1, 23, 0, 0, 0, ny), dstEnd, true},
		{"the DST day itself, late", time.Date(2026, 11, 1, 0, 30, 0, 0, ny), time.Date(2026, 11, 1, 23, 59, 0, 0, ny), time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := kudosSummaryFrom(tt.last, runFrom, tt.to, ny)
		if ok != tt.wantOK || (ok && !got.Equal(tt.want)) {
			t.Errorf("%s: got %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestKudosReceivers(t *testing.T) {
	unfit := func(u string) bool { return u == "UAPPBOT" || u == "UGONE" }
	tests := []struct {
		name       string
		giver      string
		candidates []string
		want       []string
	}{
		{"the author of a message", "UCAROL", []string{"UBOB"}, []string{"UBOB"}},
		{"never to yourself", "UBOB", []string{"UBOB"}, nil},
		{"a shoutout's people but the giver", "UBOB", []string{"UBOB", "UDANA", "UERIN"}, []string{"UDANA", "UERIN"}},
		{"never to the bot or Slackbot", "UCAROL", []string{"UBOT", "USLACKBOT", "UBOB"}, []string{"UBOB"}},
		{"never to another app's bot or a deactivated person", "UCAROL", []string{"UAPPBOT", "UGONE"}, nil},
	}
	for _, tt := range tests {
		if got := kudosReceivers(tt.giver, tt.candidates, "UBOT", unfit); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
