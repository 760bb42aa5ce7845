package faults

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
)

// slackAckLimit is how long Slack waits for an ack before it shows the user
// its own error (and drops whatever the ack says).
const slackAckLimit = 3 * time.Second

// TestDatabaseLockedTellsUserToTryAgain holds the database's write lock from
// another connection (as a backup tool or a second process might) while a
// story is submitted: the bot answers in time, on the modal, that the
// database is busy and to try again; it does not crash, writes nothing, and
// the same submission goes through once the lock is released.
func TestDatabaseLockedTellsUserToTryAgain(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	ctx := waitCtx(t)

	other, err := sql.Open("sqlite", "file:"+h.Config.DBPath+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatalf("take the write lock: %v", err)
	}
	// The lock is held until the bot has answered (longer than the bot's
	// busy timeout would be, if the bot waited that long).
	a := submitStory(h, "flock-1")
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatalf("release the write lock: %v", err)
	}
	if lat := a.Received.Sub(a.Sent); lat >= slackAckLimit {
		t.Errorf("answered after %v; Slack shows its own error after %v and drops the answer", lat, slackAckLimit)
	}
	msg := fieldErrors(t, a)[compose.BlockWhat]
	if !strings.Contains(msg, "try again") {
		t.Errorf("the modal says %q, want an error on the story input telling the user to try again", msg)
	}
	if n := storiesByToken(h)["flock-1"]; n != 0 {
		t.Errorf("refused story stored %d times, want 0", n)
	}
	checkConsistent(t, h.Config.DBPath)

	// The modal is still open with the text: submitting again works.
	if errs := fieldErrors(t, submitStory(h, "flock-1")); errs != nil {
		t.Fatalf("second try refused: %v", errs)
	}
	h.Eventually("the shoutout", func() bool { return tokensIn(h.Posts(apptest.General))["flock-1"] == 1 })
	if n := storiesByToken(h)["flock-1"]; n != 1 {
		t.Errorf("story stored %d times, want 1", n)
	}
	checkConsistent(t, h.Config.DBPath)
}

// fullDBs maps database paths to a page limit the connections opened on
// them get (PRAGMA max_page_count), to make SQLite report a full disk
// (SQLITE_FULL) as it does when the file cannot grow: see TestDiskFull.
var fullDBs sync.Map

func init() {
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		var limited bool
		fullDBs.Range(func(k, _ any) bool {
			limited = limited || strings.Contains(dsn, k.(string))
			return !limited
		})
		if !limited {
			return nil
		}
		// The limit is the current size: any write that needs a new page fails.
		_, err := conn.ExecContext(context.Background(), "PRAGMA max_page_count = 1", nil)
		return err
	})
}

// TestDiskFull makes the database unable to grow (as on a full disk) and
// submits a story that needs new pages: the bot answers in time, on the
// modal, that nothing was saved; it does not crash, nothing is half-written
// (no story without its people, rollups equal to the raw rows), smaller
// writes that fit still work, and once there is room the story goes
// through.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	if errs := fieldErrors(t, submitStory(h, "ffull-1")); errs != nil {
		t.Fatalf("first story refused: %v", errs)
	}
	h.WaitPosts(apptest.General, 1)
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}

	key := h.Config.DBPath // a temp path: the DSN has it unescaped
	fullDBs.Store(key, true)
	h.Start()
	// 3,000 four-byte characters: 12 kB, more than a page holds.
	long := fmt.Sprintf("[ffull-2] %s", strings.Repeat("🚀", 2980))
	a := h.Interact(submission(h.Slack, apptest.General, long, apptest.Bob, apptest.Carol))
	if lat := a.Received.Sub(a.Sent); lat >= slackAckLimit {
		t.Errorf("answered after %v, want under %v", lat, slackAckLimit)
	}
	msg := fieldErrors(t, a)[compose.BlockWhat]
	if !strings.Contains(msg, "nothing was saved") {
		t.Errorf("the modal says %q, want an error on the story input saying nothing was saved", msg)
	}
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, "help")); p == nil {
		t.Error("the bot stopped answering commands")
	}
	if n := storiesByToken(h)["ffull-2"]; n != 0 {
		t.Errorf("refused story stored %d times, want 0", n)
	}
	checkConsistent(t, h.Config.DBPath)

	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	fullDBs.Delete(key)
	h.Start()
	a = h.Interact(submission(h.Slack, apptest.General, long, apptest.Bob, apptest.Carol))
	if errs := fieldErrors(t, a); errs != nil {
		t.Fatalf("story refused once there is room: %v", errs)
	}
	if n := storiesByToken(h)["ffull-2"]; n != 1 {
		t.Errorf("story stored %d times, want 1", n)
	}
	checkConsistent(t, h.Config.DBPath)
}

// checkConsistent checks on the file that nothing is half-written: every
// recognized person and kudos belongs to a story that exists, and the
// rollups add up to the raw rows.
func checkConsistent(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct{ what, query string }{
		{"people of missing stories", `SELECT count(*) FROM story_recognized WHERE story_id NOT IN (SELECT id FROM stories)`},
		{"stories without people", `SELECT count(*) FROM stories WHERE id NOT IN (SELECT story_id FROM story_recognized)`},
		{"kudos on missing stories", `SELECT count(*) FROM kudos WHERE story_id IS NOT NULL AND story_id NOT IN (SELECT id FROM stories)`},
		{"stories counted by the rollups but not stored", `SELECT (SELECT coalesce(sum(n), 0) FROM month_counts WHERE kind = 'stories') - (SELECT count(*) FROM stories WHERE private = 0)`},
		{"recognitions counted by the rollups but not stored", `SELECT (SELECT coalesce(sum(recognized), 0) FROM tallies WHERE span = 'all') - (SELECT count(*) FROM story_recognized WHERE private = 0)`},
	} {
		var n int
		if err := db.QueryRow(c.query).Scan(&n); err != nil {
			t.Fatalf("check %s: %v", c.what, err)
		}
		if n != 0 {
			t.Errorf("%s: %d, want 0", c.what, n)
		}
	}
}
