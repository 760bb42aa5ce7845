package storage

import (
	"context"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// A story shared from a message keeps where the message is, and its
// permalink once recorded.
func TestStorySource(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), extramile.Story{
		Author: "U1", Recognized: []string{"U2"}, Text: "Stayed late to unblock the release for us.",
		Channel: "C1", SourceChannel: "C9", SourceTS: "1700000000.000100",
	})
	got, err := db.FindStory(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.SourceChannel != "C9" || got.SourceTS != "1700000000.000100" || got.SourceLink != "" {
		t.Fatalf("source: got %q %q %q", got.SourceChannel, got.SourceTS, got.SourceLink)
	}
	if err := db.SetSourceLink(ctx, s.ID, "https://x.slack.com/archives/C9/p1700000000000100"); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.FindStory(ctx, s.ID); got.SourceLink != "https://x.slack.com/archives/C9/p1700000000000100" {
		t.Fatalf("source link: got %q", got.SourceLink)
	}
	wantCode(t, db.SetSourceLink(ctx, s.ID+100, "x"), extramile.ENOTFOUND)
}
