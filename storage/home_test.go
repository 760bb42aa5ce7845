package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestHomeOpened(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if err := db.HomeOpened(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if err := db.HomeOpened(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	got, err := db.OpenedHome(ctx, []string{"U2", "U1", "U1"})
	if err != nil || !slices.Equal(got, []string{"U1"}) {
		t.Fatalf("OpenedHome = %v, %v; want [U1]", got, err)
	}
	if got, err := db.HomeUsers(ctx); err != nil || !slices.Equal(got, []string{"U1"}) {
		t.Fatalf("HomeUsers = %v, %v", got, err)
	}
	if _, _, err := db.ForgetUser(ctx, "U1"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.OpenedHome(ctx, []string{"U1"}); len(got) != 0 {
		t.Errorf("after forget-me: %v", got)
	}
}

func TestStoriesAboutAndBy(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	text := "Stayed late to unblock the release for us."
	a := mustCreateStory(t, db, t0, extramile.Story{Author: "U1", Recognized: []string{"U2"}, Text: text, Channel: "C1"})
	b := mustCreateStory(t, db, t0.Add(time.Hour), extramile.Story{Author: "U2", Recognized: []string{"U1"}, Text: text, Channel: "G1", Private: true})
	c := mustCreateStory(t, db, t0.Add(2*time.Hour), extramile.Story{Author: "U1", Recognized: []string{"U1", "U3"}, Text: text, Channel: "C1"})

	ids := func(ss []*extramile.Story) (out []int64) {
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	about, n, err := db.StoriesAbout(ctx, "U1", 0, 10)
	if err != nil || n != 2 || !slices.Equal(ids(about), []int64{c.ID, b.ID}) {
		t.Errorf("StoriesAbout = %v, %d, %v", ids(about), n, err)
	}
	by, n, err := db.StoriesBy(ctx, "U1", 1, 1)
	if err != nil || n != 2 || !slices.Equal(ids(by), []int64{a.ID}) {
		t.Errorf("StoriesBy page 2 = %v, %d, %v", ids(by), n, err)
	}
}
