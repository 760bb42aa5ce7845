package storage

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestCreateStory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	at := time.Date(2025, 4, 1, 12, 30, 0, 123456789, time.FixedZone("X", 3600))
	setClock(db, at)
	s := &extramile.Story{
		Author:     "U1",
		Recognized: []string{"U3", "U2", "U3", ""},
		Audience:   extramile.AudienceCustomer,
		Way:        extramile.WayNoticeNeed,
		Text:       "  Saw the <customer> was stuck & called them first.  ",
		Channel:    "C1",
		Private:    true,
		ShoutoutTS: "ignored",
	}
	if err := db.CreateStory(ctx, s); err != nil {
		t.Fatal(err)
	}
	if s.ID == 0 {
		t.Fatal("ID not set")
	}
	if !s.CreatedAt.Equal(at) || !s.UpdatedAt.Equal(at) || s.CreatedAt.Location() != time.UTC {
		t.Errorf("times: got %v, %v; want %v in UTC", s.CreatedAt, s.UpdatedAt, at)
	}
	got, err := db.FindStory(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := *s
	want.Recognized = []string{"U3", "U2"}
	want.ShoutoutTS = ""
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("found:\n got %+v\nwant %+v", got, &want)
	}
	pending, err := db.PendingShoutouts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != s.ID {
		t.Errorf("pending: got %v, want story %d", pending, s.ID)
	}
}

func TestCreateStory_Invalid(t *testing.T) {
	db := MustOpenDB(t)
	for name, s := range map[string]extramile.Story{
		"no recognized": {Author: "U1", Text: "Fixed everything overnight for us.", Channel: "C1"},
		"short":         {Author: "U1", Recognized: []string{"U2"}, Text: "Nice", Channel: "C1"},
		"bad way":       {Author: "U1", Recognized: []string{"U2"}, Text: "Fixed everything overnight for us.", Channel: "C1", Way: "nope"},
		"no channel":    {Author: "U1", Recognized: []string{"U2"}, Text: "Fixed everything overnight for us."},
	} {
		t.Run(name, func(t *testing.T) {
			wantCode(t, db.CreateStory(context.Background(), &s), extramile.EINVALID)
			if s.ID != 0 {
				t.Errorf("ID set to %d for an invalid story", s.ID)
			}
		})
	}
	if got, _ := db.Stories(context.Background(), extramile.StoryFilter{Visibility: extramile.SeenIn("C1")}); len(got) != 0 {
		t.Errorf("invalid stories were stored: %v", got)
	}
}

func TestFindStory_NotFound(t *testing.T) {
	_, err := MustOpenDB(t).FindStory(context.Background(), 42)
	wantCode(t, err, extramile.ENOTFOUND)
}

func TestUpdateStory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{Author: "U1", Recognized: []string{"U2"}, Channel: "C1", Private: true})

	later := t0.Add(time.Hour)
	setClock(db, later)
	upd := &extramile.Story{
		ID:         s.ID,
		Author:     "UEVIL", // ignored
		Channel:    "CEVIL", // ignored
		Recognized: []string{"U4", "U5"},
		Audience:   extramile.AudienceCoworker,
		Way:        extramile.WaySayThankYou,
		Text:       "Wrote a thank-you note to every volunteer.",
	}
	if err := db.UpdateStory(ctx, upd); err != nil {
		t.Fatal(err)
	}
	got, err := db.FindStory(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := &extramile.Story{
		ID: s.ID, Author: "U1", Channel: "C1", Private: true,
		Recognized: []string{"U4", "U5"}, Audience: extramile.AudienceCoworker, Way: extramile.WaySayThankYou,
		Text: "Wrote a thank-you note to every volunteer.", CreatedAt: t0, UpdatedAt: later,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored:\n got %+v\nwant %+v", got, want)
	}
	if !reflect.DeepEqual(upd, want) {
		t.Errorf("argument after update:\n got %+v\nwant %+v", upd, want)
	}

	t.Run("invalid", func(t *testing.T) {
		bad := *want
		bad.Recognized = nil
		wantCode(t, db.UpdateStory(ctx, &bad), extramile.EINVALID)
		if got, _ := db.FindStory(ctx, s.ID); !reflect.DeepEqual(got.Recognized, want.Recognized) {
			t.Errorf("recognized after a failed update: got %v, want %v", got.Recognized, want.Recognized)
		}
	})
	t.Run("not found", func(t *testing.T) {
		gone := *want
		gone.ID = 999
		wantCode(t, db.UpdateStory(ctx, &gone), extramile.ENOTFOUND)
	})
}

func TestShoutoutStates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	a := mustCreateStory(t, db, t0, extramile.Story{Channel: "C1"})
	b := mustCreateStory(t, db, t0.Add(time.Minute), extramile.Story{Channel: "C1"})
	c := mustCreateStory(t, db, t0.Add(2*time.Minute), extramile.Story{Channel: "C2"})
	d := mustCreateStory(t, db, t0.Add(3*time.Minute), extramile.Story{Channel: "C2"})

	if err := db.SetShoutout(ctx, a.ID, "1700000000.000100", "https://x.slack.com/archives/C1/p1700000000000100"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetShoutoutFailed(ctx, c.ID, "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.SetShoutout(ctx, 999, "1.2", ""), extramile.ENOTFOUND)
	wantCode(t, db.SetShoutoutFailed(ctx, 999, "x"), extramile.ENOTFOUND)

	pending, err := db.PendingShoutouts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(pending), []int64{b.ID, d.ID}; !reflect.DeepEqual(got, want) {
		t.Errorf("pending: got %v, want %v", got, want)
	}

	got, err := db.StoryByShoutout(ctx, "C1", "1700000000.000100")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != a.ID || got.ShoutoutTS != "1700000000.000100" || !strings.HasPrefix(got.Permalink, "https://") {
		t.Errorf("by shoutout: got %+v, want story %d with its shoutout", got, a.ID)
	}
	for _, k := range []struct{ channel, ts string }{{"C2", "1700000000.000100"}, {"C1", "1.1"}, {"C1", ""}} {
		_, err := db.StoryByShoutout(ctx, k.channel, k.ts)
		wantCode(t, err, extramile.ENOTFOUND)
	}
}

func TestDeleteStory(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{Recognized: []string{"U2", "U3"}})
	keep := mustCreateStory(t, db, t0, extramile.Story{Recognized: []string{"U2"}})
	mustAddKudos(t, db, t0.Add(time.Minute), extramile.KudosGift{Giver: "U9", Receivers: []string{"U2", "U3"}, MessageTS: "1.1", StoryID: s.ID})
	mustAddKudos(t, db, t0.Add(time.Minute), extramile.KudosGift{Giver: "U9", Receivers: []string{"U2"}, MessageTS: "2.2"})

	if err := db.DeleteStory(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, db.DeleteStory(ctx, s.ID), extramile.ENOTFOUND)
	_, err := db.FindStory(ctx, s.ID)
	wantCode(t, err, extramile.ENOTFOUND)

	var recognized, kudos int
	db.db.QueryRow(`SELECT count(*) FROM story_recognized WHERE story_id = ?`, s.ID).Scan(&recognized)
	db.db.QueryRow(`SELECT count(*) FROM kudos WHERE story_id = ?`, s.ID).Scan(&kudos)
	if recognized != 0 || kudos != 0 {
		t.Errorf("left behind: %d recognized rows, %d kudos", recognized, kudos)
	}
	top, err := db.Top(ctx, time.Time{}, time.Time{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []extramile.Tally{{User: "U2", Stories: 1, Kudos: 1}}
	if !reflect.DeepEqual(top, want) {
		t.Errorf("top after delete: got %+v, want %+v", top, want)
	}
	if _, err := db.FindStory(ctx, keep.ID); err != nil {
		t.Errorf("other story: %v", err)
	}
}

func TestStoriesFor(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	var want []int64
	for i := 0; i < 7; i++ {
		s := extramile.Story{Author: "UOTHER", Recognized: []string{"UX"}}
		switch i % 3 {
		case 0:
			s.Author = "UME"
		case 1:
			s.Recognized = []string{"UX", "UME"}
		case 2:
			s.Author = "UME"
			s.Recognized = []string{"UME"} // both: counted once
			s.Private = true
		}
		got := mustCreateStory(t, db, t0.Add(time.Duration(i)*time.Hour), s)
		want = append([]int64{got.ID}, want...) // newest first
	}
	mustCreateStory(t, db, t0, extramile.Story{Author: "UOTHER", Recognized: []string{"UX"}})

	for _, tt := range []struct {
		name          string
		offset, limit int
		want          []int64
	}{
		{"first page", 0, 3, want[:3]},
		{"second page", 3, 3, want[3:6]},
		{"last page", 6, 3, want[6:]},
		{"past the end", 10, 3, nil},
		{"no limit", 0, 0, want},
		{"negative offset", -5, 2, want[:2]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			stories, total, err := db.StoriesFor(ctx, "UME", tt.offset, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if total != 7 {
				t.Errorf("total: got %d, want 7", total)
			}
			if got := ids(stories); !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("ids: got %v, want %v", got, tt.want)
			}
		})
	}
	stories, total, err := db.StoriesFor(ctx, "UNOBODY", 0, 10)
	if err != nil || total != 0 || stories == nil || len(stories) != 0 {
		t.Errorf("nobody: got %v, %d, %v; want an empty non-nil slice, 0, nil", stories, total, err)
	}
}

func TestStories_ScopeAndPeriod(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	day := func(d int) time.Time { return time.Date(2025, 5, d, 10, 0, 0, 0, time.UTC) }
	pub1 := mustCreateStory(t, db, day(1), extramile.Story{Channel: "CPUB"})
	priv1 := mustCreateStory(t, db, day(2), extramile.Story{Channel: "CPRIV", Private: true})
	priv2 := mustCreateStory(t, db, day(3), extramile.Story{Channel: "COTHER", Private: true})
	pub2 := mustCreateStory(t, db, day(4), extramile.Story{Channel: "CPRIV"})
	pub3 := mustCreateStory(t, db, day(5), extramile.Story{Channel: "CPUB"})
	_ = priv2

	for _, tt := range []struct {
		name string
		f    extramile.StoryFilter
		want []int64
	}{
		{"public only", extramile.StoryFilter{}, []int64{pub1.ID, pub2.ID, pub3.ID}},
		{"scope adds that channel's private stories", extramile.StoryFilter{Visibility: extramile.SeenIn("CPRIV")}, []int64{pub1.ID, priv1.ID, pub2.ID, pub3.ID}},
		{"scope of a public channel", extramile.StoryFilter{Visibility: extramile.SeenIn("CPUB")}, []int64{pub1.ID, pub2.ID, pub3.ID}},
		{"from is inclusive, to exclusive", extramile.StoryFilter{From: day(2), To: day(5), Visibility: extramile.SeenIn("CPRIV")}, []int64{priv1.ID, pub2.ID}},
		{"limit keeps the oldest", extramile.StoryFilter{Limit: 2}, []int64{pub1.ID, pub2.ID}},
		{"only from", extramile.StoryFilter{From: day(4)}, []int64{pub2.ID, pub3.ID}},
		{"only to", extramile.StoryFilter{To: day(4)}, []int64{pub1.ID}},
		{"empty period", extramile.StoryFilter{From: day(6)}, []int64{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Stories(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if g := ids(got); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got %v, want %v", g, tt.want)
			}
		})
	}
}

func TestForgetUser(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	mine := mustCreateStory(t, db, t0, extramile.Story{Author: "UGONE", Recognized: []string{"U2"}})
	mustCreateStory(t, db, t0, extramile.Story{Author: "UGONE", Recognized: []string{"U3"}, Private: true})
	theirs := mustCreateStory(t, db, t0, extramile.Story{Author: "U2", Recognized: []string{"UGONE"}})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UGONE", Receivers: []string{"U2", "U3"}, MessageTS: "1.1"})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UGONE", Receivers: []string{"U2"}, MessageTS: "2.2", StoryID: theirs.ID})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "U4", Receivers: []string{"U2"}, MessageTS: "3.3", StoryID: mine.ID}) // goes with the story
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "U4", Receivers: []string{"UGONE"}, MessageTS: "4.4"})

	stories, kudos, err := db.ForgetUser(ctx, "UGONE")
	if err != nil {
		t.Fatal(err)
	}
	if stories != 2 || kudos != 3 {
		t.Errorf("counts: got %d stories, %d kudos; want 2, 3", stories, kudos)
	}
	e, err := db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Stories) != 1 || e.Stories[0].ID != theirs.ID {
		t.Errorf("stories left: got %+v, want only %d", e.Stories, theirs.ID)
	}
	if len(e.Kudos) != 1 || e.Kudos[0].MessageTS != "4.4" {
		t.Errorf("kudos left: got %+v, want only the one UGONE received", e.Kudos)
	}
	stories, kudos, err = db.ForgetUser(ctx, "UGONE")
	if err != nil || stories != 0 || kudos != 0 {
		t.Errorf("again: got %d, %d, %v; want 0, 0, nil", stories, kudos, err)
	}
}

func ids(stories []*extramile.Story) []int64 {
	out := []int64{}
	for _, s := range stories {
		out = append(out, s.ID)
	}
	return out
}
