package storage

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// copyFixture copies testdata/name into a temporary directory and returns
// its path (tests never change the fixture).
func copyFixture(tb testing.TB, name string) string {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// TestMigrationKeepsEveryRowAndNeverReusesAnID opens a database written by
// the first version (testdata/v0001.db: stories 1 to 4 with their people,
// kudos on a shoutout and elsewhere, a private story, ledgers; story 5 was
// deleted, and once-only keys still name it): every row is kept as it was,
// the run ledger's row has its channel as subject, counts agree, and the
// next story gets an ID no key or button has seen.
func TestMigrationKeepsEveryRowAndNeverReusesAnID(t *testing.T) {
	ctx := context.Background()
	db := mustOpenPath(t, copyFixture(t, "v0001.db"))

	e, err := db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, s := range e.Stories {
		ids = append(ids, s.ID)
	}
	if !slices.Equal(ids, []int64{1, 2, 3, 4}) {
		t.Fatalf("stories after the migration: %v, want 1 2 3 4", ids)
	}
	if got := e.Stories[1].Recognized; !slices.Equal(got, []string{"UCAROL", "UALICE"}) {
		t.Errorf("story 2 recognizes %v, want UCAROL UALICE in order", got)
	}
	if !e.Stories[2].Private || e.Stories[0].Private {
		t.Errorf("privacy changed: %+v", e.Stories)
	}
	if len(e.Kudos) != 2 {
		t.Errorf("kudos: got %d, want 2", len(e.Kudos))
	}
	s1, err := db.FindStory(ctx, 1)
	if err != nil || s1.ShoutoutTS == "" || s1.Permalink == "" {
		t.Fatalf("story 1: %+v, %v", s1, err)
	}
	top, err := db.Top(ctx, time.Time{}, time.Time{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]extramile.Tally{"UBOB": {User: "UBOB", Stories: 1, Kudos: 1}, "UCAROL": {User: "UCAROL", Stories: 2, Kudos: 1}, "UALICE": {User: "UALICE", Stories: 1}}
	for _, tl := range top {
		if w, ok := want[tl.User]; ok && tl != w {
			t.Errorf("tally after the migration: %+v, want %+v", tl, w)
		}
	}

	// The run ledger's one run, the roundup in #general, is that channel's
	// run (migration 0009; every shape of row: TestMigrationBackfillsRunSubjects).
	if last, err := db.LastRun(ctx, "roundup", extramile.ChannelRun("CGENERAL")); err != nil || !last.Equal(fromNanos(1793613600000000000)) {
		t.Errorf("last roundup in CGENERAL after the migration: %v, %v", last, err)
	}

	s := mustCreateStory(t, db, t0, extramile.Story{Author: "UALICE", Recognized: []string{"UBOB"}})
	if s.ID <= 5 {
		t.Errorf("new story got ID %d: IDs up to 5 are named by keys and buttons of the old version", s.ID)
	}
	if err := db.DeleteStory(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	next := mustCreateStory(t, db, t0, extramile.Story{Author: "UALICE", Recognized: []string{"UBOB"}})
	if next.ID <= s.ID {
		t.Errorf("after deleting story %d the next one got ID %d: an ID was reused", s.ID, next.ID)
	}
	// Foreign keys are enforced again: deleting a story still cascades.
	if err := db.DeleteStory(ctx, 1); err != nil {
		t.Fatal(err)
	}
	e, _ = db.Export(ctx)
	for _, k := range e.Kudos {
		if k.StoryID == 1 {
			t.Errorf("kudos of deleted story 1 left behind: %+v", k)
		}
	}
}

// TestShoutoutLeases: a live lease keeps other processes off a pending
// shoutout; its holder renews it; a lease that ran out, or was broken or
// released, can be taken; a posted shoutout cannot be claimed.
func TestShoutoutLeases(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{})
	claim := func(owner string) bool {
		t.Helper()
		ok, err := db.ClaimShoutout(ctx, s.ID, owner, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !claim("A") || !claim("A") {
		t.Fatal("A could not claim (or renew) a free lease")
	}
	if claim("B") {
		t.Fatal("B took a shoutout A holds")
	}
	if owners, _ := db.LeaseHolders(ctx); !slices.Equal(owners, []string{"A"}) {
		t.Errorf("lease holders: %v, want [A]", owners)
	}
	setClock(db, t0.Add(2*time.Minute))
	if abandoned, _ := db.AbandonedShoutouts(ctx); len(abandoned) != 1 {
		t.Errorf("abandoned shoutouts after the lease ran out: %d, want 1", len(abandoned))
	}
	if !claim("B") {
		t.Fatal("B could not take a lease that ran out")
	}
	if n, err := db.BreakLeases(ctx, "B"); err != nil || n != 1 {
		t.Fatalf("break B's leases: %d, %v", n, err)
	}
	if !claim("C") {
		t.Fatal("C could not take a broken lease")
	}
	if err := db.ReleaseShoutout(ctx, s.ID, "C"); err != nil {
		t.Fatal(err)
	}
	if !claim("A") {
		t.Fatal("A could not take a released lease")
	}
	if err := db.SetShoutout(ctx, s.ID, "1.2", ""); err != nil {
		t.Fatal(err)
	}
	if claim("A") || claim("B") {
		t.Error("a posted shoutout was claimed")
	}
}

// TestPrivacyPendingResolves: rows kept while a channel's privacy was
// unknown count as private until it is resolved, then as what Slack said,
// in the leaderboards too.
func TestPrivacyPendingResolves(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{Channel: "CPUB", Recognized: []string{"UBOB"}, PrivacyPending: true})
	if !s.Private || !s.PrivacyPending {
		t.Fatalf("pending story stored as %+v, want private and pending", s)
	}
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UCAROL", Receivers: []string{"UDANA"}, Channel: "CPUB", MessageTS: "9.1", Emoji: "clap", PrivacyPending: true})
	top := func() []extramile.Tally {
		t.Helper()
		tl, err := db.Top(ctx, time.Time{}, time.Time{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		return tl
	}
	if tl := top(); len(tl) != 0 {
		t.Fatalf("pending rows counted in public: %+v", tl)
	}
	if ch, _ := db.PrivacyPending(ctx); !slices.Equal(ch, []string{"CPUB"}) {
		t.Fatalf("privacy pending: %v", ch)
	}
	n, err := db.ResolvePrivacy(ctx, "CPUB", false)
	if err != nil || n != 2 {
		t.Fatalf("resolve: %d rows, %v; want 2", n, err)
	}
	got := map[string]extramile.Tally{}
	for _, tl := range top() {
		got[tl.User] = tl
	}
	if got["UBOB"].Stories != 1 || got["UDANA"].Kudos != 1 {
		t.Errorf("after resolving public: %+v", got)
	}
	if ch, _ := db.PrivacyPending(ctx); len(ch) != 0 {
		t.Errorf("still pending: %v", ch)
	}
	if s, _ := db.FindStory(ctx, s.ID); s.Private || s.PrivacyPending {
		t.Errorf("resolved story: %+v", s)
	}
}

// TestReactionOrderAcrossHandles: the events of one kudos are applied in
// Slack's order whichever handle (process) gets them: a removal applied
// before the addition it undoes makes that addition stale.
func TestReactionOrderAcrossHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	a, b := mustOpenPath(t, path), mustOpenPath(t, path)
	gift := extramile.KudosGift{Giver: "UCAROL", Receivers: []string{"UBOB"}, Channel: "C1", MessageTS: "1.1", Emoji: "clap"}
	take := extramile.KudosTakeBack{Giver: "UCAROL", Channel: "C1", MessageTS: "1.1", Emoji: "clap", EventTS: "1700000000.000200"}
	if n, stale, err := b.RemoveKudos(ctx, take); err != nil || stale || n != 0 {
		t.Fatalf("removal first: %d, %v, %v", n, stale, err)
	}
	gift.EventTS = "1700000000.000100"
	if r, err := a.AddKudos(ctx, gift); err != nil || !r.Stale || r.Added != 0 {
		t.Fatalf("the addition it undoes, after it: %+v, %v; want stale", r, err)
	}
	gift.EventTS = "1700000000.000300" // added again later: counts
	if r, err := a.AddKudos(ctx, gift); err != nil || r.Stale || r.Added != 1 {
		t.Fatalf("a later addition: %+v, %v", r, err)
	}
	take.EventTS = "1700000000.000300" // a copy of the same event: stale
	if n, stale, err := b.RemoveKudos(ctx, take); err != nil || !stale || n != 0 {
		t.Fatalf("a removal no newer than the last event: %d, %v, %v", n, stale, err)
	}
	if n, err := a.PruneOnce(ctx, t0.Add(time.Hour)); err != nil {
		t.Fatal(n, err)
	}
	take.EventTS = "1700000000.000100" // the order forgotten after the retention: applies
	if n, stale, err := b.RemoveKudos(ctx, take); err != nil || stale || n != 1 {
		t.Fatalf("after pruning: %d, %v, %v", n, stale, err)
	}
}

// TestEditMovesKudos: kudos given on a shoutout follow the people the story
// thanks after an edit (never to the giver), keeping their time.
func TestEditMovesKudos(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{Recognized: []string{"UBOB"}})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UCAROL", Receivers: []string{"UBOB"}, Channel: s.Channel, MessageTS: "5.5", Emoji: "clap", StoryID: s.ID})
	mustAddKudos(t, db, t0, extramile.KudosGift{Giver: "UDANA", Receivers: []string{"UBOB"}, Channel: s.Channel, MessageTS: "5.5", Emoji: "clap", StoryID: s.ID})
	setClock(db, t0.Add(48*time.Hour))
	s.Recognized = []string{"UDANA", "UERIN"}
	if err := db.UpdateStory(ctx, s); err != nil {
		t.Fatal(err)
	}
	e, _ := db.Export(ctx)
	got := map[string]int{}
	for _, k := range e.Kudos {
		got[k.Giver+"→"+k.Receiver]++
		if !k.CreatedAt.Equal(t0) {
			t.Errorf("kudos moved to a new time: %v", k.CreatedAt)
		}
	}
	want := map[string]int{"UCAROL→UDANA": 1, "UCAROL→UERIN": 1, "UDANA→UERIN": 1}
	if len(got) != len(want) {
		t.Errorf("kudos after the edit: %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("kudos after the edit: %v, want %v", got, want)
		}
	}
	if st, _ := db.FindStory(ctx, s.ID); st == nil {
		t.Fatal("story gone")
	}
	top, _ := db.Top(ctx, time.Time{}, time.Time{}, 10)
	for _, tl := range top {
		if tl.User == "UBOB" && tl.Kudos != 0 {
			t.Errorf("Bob, no longer in the story, keeps %d kudos", tl.Kudos)
		}
	}
}

// TestOpenReadOnlyNeverWrites: export's open reads an older file through a
// migrated copy without changing a byte of it, refuses writes, and says
// clearly when a file is not an Extra Mile database.
func TestOpenReadOnlyNeverWrites(t *testing.T) {
	ctx := context.Background()
	path := copyFixture(t, "v0001.db")
	sum := func() [32]byte {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(raw)
	}
	before := sum()
	db, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := db.Export(ctx)
	if err != nil || len(e.Stories) != 4 {
		t.Fatalf("export through the copy: %d stories, %v", len(e.Stories), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if sum() != before {
		t.Error("reading an older database changed its file")
	}

	cur := filepath.Join(t.TempDir(), "current.db")
	mustOpenPath(t, cur)
	ro, err := OpenReadOnly(ctx, cur)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Once(ctx, "x"); err == nil {
		t.Error("a write through a read-only handle worked")
	}

	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte("not a database at all, just some words that go on for a while"), 0o600)
	if _, err := OpenReadOnly(ctx, text); !errors.Is(err, ErrNotExtraMile) {
		t.Errorf("a text file: %v, want ErrNotExtraMile", err)
	}
}

// TestMarkShoutoutPosting: the first post of a shoutout is remembered, so a
// process resuming it knows to look for it first; a posted or deleted
// story's shoutout is not posted again.
func TestMarkShoutoutPosting(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{})
	setClock(db, t0.Add(time.Second))
	first, before, err := db.MarkShoutoutPosting(ctx, s.ID)
	if err != nil || before || !first.Equal(t0.Add(time.Second)) {
		t.Fatalf("first mark: %v %v %v, want %v and no post before", first, before, err, t0.Add(time.Second))
	}
	setClock(db, t0.Add(time.Minute))
	again, before, err := db.MarkShoutoutPosting(ctx, s.ID)
	if err != nil || !before || !again.Equal(first) {
		t.Errorf("second mark: %v %v %v, want the first time and a post before", again, before, err)
	}
	if err := db.SetShoutout(ctx, s.ID, "1.2", ""); err != nil {
		t.Fatal(err)
	}
	_, _, err = db.MarkShoutoutPosting(ctx, s.ID)
	wantCode(t, err, extramile.ENOTFOUND)
	_, _, err = db.MarkShoutoutPosting(ctx, 999)
	wantCode(t, err, extramile.ENOTFOUND)
}
