package storage

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

func TestOpen_MigrationsRunOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	names, err := migrationNames()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no migrations embedded")
	}
	for i := 0; i < 3; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		var n int
		if err := db.db.QueryRow(`SELECT count(*) FROM migrations`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(names) {
			t.Errorf("open #%d: migrations recorded: got %d, want %d", i, n, len(names))
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOpen_RefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`INSERT INTO migrations (name, applied_at) VALUES ('9999_from_the_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	_, err = Open(ctx, path)
	if err == nil {
		t.Fatal("open of a newer database: got nil error")
	}
	for _, want := range []string{"newer version", path, "9999_from_the_future.sql"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestOpen_MissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")
	_, err := Open(context.Background(), path)
	if err == nil {
		t.Fatal("got nil error")
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("error %q does not name the path %q", err, path)
	}
	if _, err := os.Stat(filepath.Dir(path)); !os.IsNotExist(err) {
		t.Errorf("parent directory was created (stat: %v)", err)
	}
}

func TestOpen_PathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my data?x=1#frag %41")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "extra mile?.db")
	db := mustOpenPath(t, path)
	mustCreateStory(t, db, t0, extramile.Story{})
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database file not at the given path: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "extra mile?.db") {
			t.Errorf("unexpected file %q in %q", e.Name(), dir)
		}
	}
}

func TestOpen_Pragmas(t *testing.T) {
	db := MustOpenDB(t)
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "5000",
	} {
		// Each pooled connection must have them: hold several at once.
		var conns []*sql.Conn
		for i := 0; i < 3; i++ {
			c, err := db.db.Conn(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			var got string
			if err := c.QueryRowContext(context.Background(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("connection %d: PRAGMA %s: got %q, want %q", i, pragma, got, want)
			}
		}
		for _, c := range conns {
			c.Close()
		}
	}
}

func TestClose_Idempotent(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("first close: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

func TestBuildDSN(t *testing.T) {
	dsn, err := buildDSN("/var/lib/extra mile/a?b#c%d.db", options{busyTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	want := "file:/var/lib/extra%20mile/a%3Fb%23c%25d.db?_pragma=busy_timeout%285000%29&_pragma=journal_mode%28WAL%29&_pragma=foreign_keys%281%29&_pragma=temp_store%28memory%29&_txlock=immediate"
	if dsn != want {
		t.Errorf("dsn:\n got %s\nwant %s", dsn, want)
	}
}

// holdWriteLock begins a write transaction on the database file from a
// connection of its own and keeps it until the test ends.
func holdWriteLock(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+escapePath(path)+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	conn, err := raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
	})
}

func TestBusy_IsEBUSY(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	mustOpenPath(t, path) // migrated
	db, err := open(ctx, path, options{busyTimeout: 0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	holdWriteLock(t, path)

	s := &extramile.Story{Author: "U1", Recognized: []string{"U2"}, Text: "Fixed the build on a Sunday night.", Channel: "C1"}
	err = db.CreateStory(ctx, s)
	wantCode(t, err, extramile.EBUSY)
	if got := extramile.ErrorMessage(err); got != msgBusy {
		t.Errorf("message: got %q, want %q", got, msgBusy)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY {
		t.Errorf("cause: got %v, want a *sqlite.Error with SQLITE_BUSY", err)
	}

	// Reads do not need the write lock (WAL): they still work.
	if _, err := db.Stories(ctx, extramile.StoryFilter{}); err != nil {
		t.Errorf("read while another connection writes: %v", err)
	}
}

func TestDiskFull_IsEBUSY(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	mustOpenPath(t, path).Close() // migrated
	// max_page_count cannot go below the current size: the file is full.
	db, err := open(ctx, path, options{busyTimeout: time.Second, pragmas: []string{"max_page_count(1)"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	text := strings.Repeat("Went far beyond what anyone asked. ", 90)
	for i := 0; i < 1000; i++ {
		err = db.CreateStory(ctx, &extramile.Story{Author: "U1", Recognized: []string{"U2"}, Text: text[:2900], Channel: "C1"})
		if err != nil {
			break
		}
	}
	wantCode(t, err, extramile.EBUSY)
	if got := extramile.ErrorMessage(err); got != msgFull {
		t.Errorf("message: got %q, want %q", got, msgFull)
	}
}

func TestTranslate_LeavesOtherErrors(t *testing.T) {
	for _, err := range []error{nil, errors.New("boom"), extramile.Errorf(extramile.ENOTFOUND, "gone")} {
		if got := translate(err); got != err {
			t.Errorf("translate(%v): got %v, want it unchanged", err, got)
		}
	}
}
