package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestCountSubmittedAndKudosReceivers(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	at := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return at }
	for _, s := range []*extramile.Story{
		{Author: "UA", Recognized: []string{"UB"}, Text: "stayed late to help the customer", Channel: "C1"},
		{Author: "UA", Recognized: []string{"UC"}, Text: "kept everyone in the loop all week", Channel: "G1", Private: true},
		{Author: "UB", Recognized: []string{"UA"}, Text: "asked for feedback and acted on it", Channel: "C1"},
	} {
		if err := db.CreateStory(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []extramile.KudosGift{
		{Giver: "UA", Receivers: []string{"UB"}, Channel: "C1", MessageTS: "1.1", Emoji: "clap"},
		{Giver: "UA", Receivers: []string{"UD"}, Channel: "G1", MessageTS: "1.2", Emoji: "clap", Private: true},
		{Giver: "UB", Receivers: []string{"UC"}, Channel: "C1", MessageTS: "1.3", Emoji: "clap"},
	} {
		if _, err := db.AddKudos(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	stories, kudos, err := db.CountSubmitted(ctx, "UA")
	if err != nil || stories != 2 || kudos != 2 {
		t.Errorf("CountSubmitted(UA) = %d, %d, %v; want 2, 2", stories, kudos, err)
	}
	if stories, kudos, _ := db.CountSubmitted(ctx, "UZ"); stories != 0 || kudos != 0 {
		t.Errorf("CountSubmitted(UZ) = %d, %d; want 0, 0", stories, kudos)
	}
	got, err := db.KudosReceivers(ctx, at.Add(-time.Hour), at.Add(time.Hour))
	if want := []string{"UB", "UC", "UD"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("KudosReceivers = %v, %v; want %v", got, err, want)
	}
	if got, _ := db.KudosReceivers(ctx, at.Add(time.Hour), at.Add(2*time.Hour)); len(got) != 0 {
		t.Errorf("KudosReceivers outside the window = %v, want none", got)
	}
}
