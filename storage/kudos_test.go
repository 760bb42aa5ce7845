package storage

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestAddKudos(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)
	dayEnd := day.Add(24 * time.Hour)
	gift := func(ts, emoji string, receivers ...string) extramile.KudosGift {
		return extramile.KudosGift{Giver: "UG", Receivers: receivers, Channel: "C1", MessageTS: ts, Emoji: emoji,
			DailyMax: 2, DayStart: day, DayEnd: dayEnd}
	}
	type step struct {
		at   time.Time
		g    extramile.KudosGift
		want extramile.KudosResult
	}
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"one receiver", []step{
			{day.Add(time.Hour), gift("1.1", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 1}},
		}},
		{"several receivers are one reaction", []step{
			{day.Add(time.Hour), gift("1.1", "tada", "U1", "U2", "U1", ""), extramile.KudosResult{Added: 2, GivenToday: 1}},
		}},
		{"same reaction again is a duplicate", []step{
			{day.Add(time.Hour), gift("1.1", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 1}},
			{day.Add(2 * time.Hour), gift("1.1", "tada", "U1", "U2"), extramile.KudosResult{Duplicate: true, GivenToday: 1}},
		}},
		{"another emoji is another reaction", []step{
			{day.Add(time.Hour), gift("1.1", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 1}},
			{day.Add(time.Hour), gift("1.1", "clap", "U1"), extramile.KudosResult{Added: 1, GivenToday: 2}},
		}},
		{"daily limit", []step{
			{day.Add(time.Hour), gift("1.1", "tada", "U1", "U2"), extramile.KudosResult{Added: 2, GivenToday: 1}},
			{day.Add(time.Hour), gift("2.2", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 2}},
			{day.Add(time.Hour), gift("3.3", "tada", "U1"), extramile.KudosResult{LimitReached: true, GivenToday: 2}},
			{day.Add(time.Hour), gift("1.1", "tada", "U1"), extramile.KudosResult{Duplicate: true, GivenToday: 2}},
		}},
		{"yesterday does not count", []step{
			{day.Add(-time.Hour), gift("1.1", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 0}},
			{day.Add(-time.Minute), gift("2.2", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 0}},
			{day.Add(time.Hour), gift("3.3", "tada", "U1"), extramile.KudosResult{Added: 1, GivenToday: 1}},
		}},
		{"no limit", []step{
			{day.Add(time.Hour), extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: "1.1", Emoji: "tada"}, extramile.KudosResult{Added: 1, GivenToday: 1}},
			{day.Add(time.Hour), extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: "2.2", Emoji: "tada"}, extramile.KudosResult{Added: 1, GivenToday: 2}},
			{day.Add(time.Hour), extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: "3.3", Emoji: "tada"}, extramile.KudosResult{Added: 1, GivenToday: 3}},
		}},
		{"no receivers adds nothing", []step{
			{day.Add(time.Hour), gift("1.1", "tada"), extramile.KudosResult{}},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			for i, s := range tt.steps {
				setClock(db, s.at)
				got, err := db.AddKudos(ctx, s.g)
				if err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if got != s.want {
					t.Errorf("step %d: got %+v, want %+v", i, got, s.want)
				}
			}
		})
	}
}

func TestAddKudos_Story(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{Recognized: []string{"U1"}, Private: true, Channel: "CPRIV"})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "CPRIV", MessageTS: "1.1", StoryID: s.ID, Private: true})
	got, err := db.KudosReceived(ctx, "U1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := []extramile.Kudos{{ID: got[0].ID, Giver: "UG", Receiver: "U1", Channel: "CPRIV", MessageTS: "1.1", Emoji: "tada",
		StoryID: s.ID, Private: true, CreatedAt: t0}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}

	_, err = db.AddKudos(ctx, extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: "2.2", Emoji: "tada", StoryID: 999})
	wantCode(t, err, extramile.ENOTFOUND)
}

// TestAddKudos_DailyMaxRace races givers' reactions to distinct messages:
// exactly DailyMax of them may be counted.
func TestAddKudos_DailyMaxRace(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/race.db"
	// Two handles on one file: the limit must hold across processes too.
	dbs := []*DB{mustOpenPath(t, path), mustOpenPath(t, path)}
	day := t0.Truncate(24 * time.Hour)

	const racers, max = 20, 5
	results := make(chan extramile.KudosResult, racers)
	errs := make(chan error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := 0; i < racers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := dbs[i%2].AddKudos(ctx, extramile.KudosGift{
				Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: fmt.Sprintf("%d.0", i), Emoji: "tada",
				DailyMax: max, DayStart: day, DayEnd: day.Add(24 * time.Hour),
			})
			if err != nil {
				errs <- err
				return
			}
			results <- r
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Errorf("add kudos: %v", err)
	}
	added, refused := 0, 0
	for r := range results {
		switch {
		case r.Added == 1 && !r.LimitReached:
			added++
		case r.LimitReached && r.Added == 0 && r.GivenToday == max:
			refused++
		default:
			t.Errorf("unexpected result %+v", r)
		}
	}
	if added != max || refused != racers-max {
		t.Errorf("got %d added, %d refused; want %d, %d", added, refused, max, racers-max)
	}
	kudos, err := dbs[0].KudosReceived(ctx, "U1", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(kudos) != max {
		t.Errorf("stored: got %d kudos, want %d", len(kudos), max)
	}
}

func TestRemoveKudos(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UG", Receivers: []string{"U1", "U2"}, Channel: "C1", MessageTS: "1.1", Emoji: "tada"})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: "1.1", Emoji: "clap"})

	for _, tt := range []struct {
		giver, channel, ts, emoji string
		want                      int
	}{
		{"UOTHER", "C1", "1.1", "tada", 0},
		{"UG", "C1", "1.1", "tada", 2},
		{"UG", "C1", "1.1", "tada", 0},
	} {
		n, _, err := db.RemoveKudos(ctx, extramile.KudosTakeBack{Giver: tt.giver, Channel: tt.channel, MessageTS: tt.ts, Emoji: tt.emoji})
		if err != nil {
			t.Fatal(err)
		}
		if n != tt.want {
			t.Errorf("remove %+v: got %d, want %d", tt, n, tt.want)
		}
	}
	// Removed, the reaction can be given again.
	r := mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, Channel: "C1", MessageTS: "1.1", Emoji: "tada"})
	if r.Duplicate {
		t.Errorf("re-added reaction reported as duplicate: %+v", r)
	}
}

func TestKudosReceived_Period(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i := 0; i < 4; i++ {
		mustAddKudos(t, db, t0.Add(time.Duration(i)*time.Hour), extramile.KudosGift{Giver: "UG", Receivers: []string{"U1"}, MessageTS: fmt.Sprintf("%d.0", i)})
	}
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UG", Receivers: []string{"U2"}, MessageTS: "9.0"})
	got, err := db.KudosReceived(ctx, "U1", t0.Add(time.Hour), t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var ts []string
	for _, k := range got {
		ts = append(ts, k.MessageTS)
	}
	if want := []string{"1.0", "2.0"}; !reflect.DeepEqual(ts, want) {
		t.Errorf("got %v, want %v", ts, want)
	}
}
