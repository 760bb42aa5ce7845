package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestExport_Empty(t *testing.T) {
	e, err := MustOpenDB(t).Export(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	buf, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(buf), `{"stories":[],"kudos":[]}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestExport(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s1 := mustCreateStory(t, db, t0, extramile.Story{Author: "U1", Recognized: []string{"U3", "U2"}, Audience: extramile.AudienceCustomer,
		Way: extramile.WayMakeItRight, Channel: "C1"})
	s2 := mustCreateStory(t, db, t0.Add(time.Hour), extramile.Story{Author: "U2", Recognized: []string{"U1"}, Channel: "P1", Private: true})
	if err := db.SetShoutout(ctx, s1.ID, "1.1", "https://x.slack.com/archives/C1/p11"); err != nil {
		t.Fatal(err)
	}
	mustAddKudos(t, db, t0.Add(2*time.Hour), extramile.KudosGift{Giver: "U9", Receivers: []string{"U3", "U2"}, Channel: "C1", MessageTS: "1.1", StoryID: s1.ID})
	mustAddKudos(t, db, t0.Add(3*time.Hour), extramile.KudosGift{Giver: "U9", Receivers: []string{"U4"}, Channel: "P1", MessageTS: "7.7", Emoji: "clap", Private: true})

	got, err := db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := &extramile.Export{
		Stories: []extramile.ExportStory{
			{ID: s1.ID, Author: "U1", Recognized: []string{"U3", "U2"}, Category: "make_it_right", Audience: "customer",
				Text: s1.Text, Channel: "C1", Permalink: "https://x.slack.com/archives/C1/p11", CreatedAt: t0},
			{ID: s2.ID, Author: "U2", Recognized: []string{"U1"}, Text: s2.Text, Channel: "P1", Private: true, CreatedAt: t0.Add(time.Hour)},
		},
		Kudos: []extramile.ExportKudos{
			{Giver: "U9", Receiver: "U3", Channel: "C1", MessageTS: "1.1", Emoji: "tada", StoryID: s1.ID, CreatedAt: t0.Add(2 * time.Hour)},
			{Giver: "U9", Receiver: "U2", Channel: "C1", MessageTS: "1.1", Emoji: "tada", StoryID: s1.ID, CreatedAt: t0.Add(2 * time.Hour)},
			{Giver: "U9", Receiver: "U4", Channel: "P1", MessageTS: "7.7", Emoji: "clap", Private: true, CreatedAt: t0.Add(3 * time.Hour)},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("export:\n got %+v\nwant %+v", got, want)
	}
}

// TestExport_WhileWriting reads a consistent snapshot while another
// goroutine writes: every exported kudos belongs to an exported story.
func TestExport_WhileWriting(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/x.db"
	writer, reader := mustOpenPath(t, path), mustOpenPath(t, path)
	done := make(chan error)
	go func() {
		for i := 0; i < 20; i++ {
			s := &extramile.Story{Author: "U1", Recognized: []string{"U2"}, Text: "Covered the on-call shift over the holidays.", Channel: "C1"}
			if err := writer.CreateStory(ctx, s); err != nil {
				done <- err
				return
			}
			if _, err := writer.AddKudos(ctx, extramile.KudosGift{Giver: "U3", Receivers: []string{"U2"}, Channel: "C1", MessageTS: fmt.Sprint(i), Emoji: "tada", StoryID: s.ID}); err != nil {
				done <- err
				return
			}
			if i%3 == 0 {
				if err := writer.DeleteStory(ctx, s.ID); err != nil {
					done <- err
					return
				}
			}
		}
		done <- nil
	}()
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		e, err := reader.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[int64]bool{}
		for _, s := range e.Stories {
			ids[s.ID] = true
		}
		for _, k := range e.Kudos {
			if !ids[k.StoryID] {
				t.Fatalf("kudos on story %d, which the export lacks", k.StoryID)
			}
		}
	}
}
