package storage

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// t0 is the time a test database's clock starts at.
var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// MustOpenDB opens a new database in a temporary directory, closed when the
// test ends. Its clock is stopped at t0; setClock moves it.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	return mustOpenPath(tb, filepath.Join(tb.TempDir(), "extramile.db"))
}

// mustOpenPath opens the database at path with its clock stopped at t0,
// closed when the test ends.
func mustOpenPath(tb testing.TB, path string) *DB {
	tb.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	setClock(db, t0)
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

// setClock stops db's clock at t. Not for use while db is in use elsewhere.
func setClock(db *DB, t time.Time) {
	db.Now = func() time.Time { return t }
}

// mustCreateStory creates s at time at, filling in the required fields it
// lacks, and returns it as stored.
func mustCreateStory(tb testing.TB, db *DB, at time.Time, s extramile.Story) *extramile.Story {
	tb.Helper()
	setClock(db, at)
	if s.Text == "" {
		s.Text = "Stayed late to fix the customer's broken invoice export."
	}
	if s.Author == "" {
		s.Author = "UAUTHOR"
	}
	if s.Channel == "" {
		s.Channel = "CPUBLIC"
	}
	if len(s.Recognized) == 0 {
		s.Recognized = []string{"URECOG"}
	}
	if err := db.CreateStory(context.Background(), &s); err != nil {
		tb.Fatalf("create story: %v", err)
	}
	return &s
}

// mustAddKudos records g at time at and fails unless something was added.
func mustAddKudos(tb testing.TB, db *DB, at time.Time, g extramile.KudosGift) extramile.KudosResult {
	tb.Helper()
	setClock(db, at)
	if g.Emoji == "" {
		g.Emoji = "tada"
	}
	if g.Channel == "" {
		g.Channel = "CPUBLIC"
	}
	r, err := db.AddKudos(context.Background(), g)
	if err != nil {
		tb.Fatalf("add kudos: %v", err)
	}
	if r.Added == 0 {
		tb.Fatalf("add kudos %+v: nothing added: %+v", g, r)
	}
	return r
}

// wantCode fails unless err carries the application error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := extramile.ErrorCode(err); got != code {
		tb.Fatalf("error code: got %q (%v), want %q", got, err, code)
	}
}
