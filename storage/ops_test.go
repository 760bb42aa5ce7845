package storage

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func countMigrations(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(`SELECT count(*) FROM migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckWrite_ChangesNothing(t *testing.T) {
	db := MustOpenDB(t)
	before := countMigrations(t, db)
	if err := db.CheckWrite(context.Background()); err != nil {
		t.Fatalf("CheckWrite: %v", err)
	}
	if got := countMigrations(t, db); got != before {
		t.Errorf("migrations after CheckWrite: got %d rows, want %d", got, before)
	}
	// The gate was released: a real write goes through.
	mustCreateStory(t, db, t0, extramile.Story{})
}

func TestCheckWrite_FailsWhenLockedOrClosed(t *testing.T) {
	db := MustOpenDB(t)
	other := mustOpenPath(t, db.Path())
	tx, err := other.beginWrite(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := withBusyTimeout(db, 10*time.Millisecond, func() error { return db.CheckWrite(ctx) }); err == nil {
		t.Error("CheckWrite while another process holds the write lock: got nil error")
	}
	other.rollback(tx)

	closed := mustOpenPath(t, filepath.Join(t.TempDir(), "closed.db"))
	closed.Close()
	if err := closed.CheckWrite(context.Background()); err == nil {
		t.Error("CheckWrite on a closed database: got nil error")
	}
}

// withBusyTimeout runs f with db's writer connection waiting at most d for
// another process's lock.
func withBusyTimeout(db *DB, d time.Duration, f func() error) error {
	if _, err := db.w.Exec(`PRAGMA busy_timeout = ` + strconv.Itoa(int(d.Milliseconds()))); err != nil {
		return err
	}
	defer db.w.Exec(`PRAGMA busy_timeout = 5000`)
	return f()
}

func TestObserveWrite_OncePerCommittedWrite(t *testing.T) {
	db := MustOpenDB(t)
	var n atomic.Int64
	db.ObserveWrite = func(d time.Duration) {
		if d <= 0 {
			t.Errorf("write latency %v, want > 0", d)
		}
		n.Add(1)
	}
	mustCreateStory(t, db, t0, extramile.Story{})
	mustCreateStory(t, db, t0, extramile.Story{})
	if _, err := db.Stories(context.Background(), extramile.StoryFilter{}); err != nil { // a read: not observed
		t.Fatal(err)
	}
	if err := db.CheckWrite(context.Background()); err != nil { // rolled back: not observed
		t.Fatal(err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("writes observed: got %d, want 2", got)
	}
}

// TestBackup_UnderConcurrentWrites backs up while writers add stories: the
// copy opens, passes integrity_check, and holds every story whose
// CreateStory returned before Backup was called.
func TestBackup_UnderConcurrentWrites(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	var (
		mu        sync.Mutex
		committed []int64 // in the order CreateStory returned
		stop      atomic.Bool
		wg        sync.WaitGroup
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				s := extramile.Story{Author: "UAUTHOR", Channel: "CPUBLIC", Recognized: []string{"URECOG"},
					Text: "Stayed late to fix the customer's broken invoice export, writer " + strconv.Itoa(w) + "."}
				if err := db.CreateStory(ctx, &s); err != nil {
					t.Errorf("create story: %v", err)
					return
				}
				mu.Lock()
				committed = append(committed, s.ID)
				mu.Unlock()
			}
		}()
	}
	// Let the writers get going, then back up twice while they write.
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(committed) >= 50 })
	dir := t.TempDir()
	for _, name := range []string{"first.db", "second.db"} {
		mu.Lock()
		before := slices.Clone(committed)
		mu.Unlock()
		path := filepath.Join(dir, name)
		if err := db.Backup(ctx, path); err != nil {
			t.Fatalf("Backup: %v", err)
		}
		copyDB := mustOpenPath(t, path)
		var ok string
		if err := copyDB.db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("integrity_check of the copy: %q, %v", ok, err)
		}
		have := map[int64]bool{}
		rows, err := copyDB.db.Query(`SELECT id FROM stories`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			have[id] = true
		}
		rows.Close()
		for _, id := range before {
			if !have[id] {
				t.Errorf("%s: story %d was committed before the backup started but is not in the copy", name, id)
			}
		}
		t.Logf("%s: %d stories committed before the backup, %d in the copy", name, len(before), len(have))
	}
	stop.Store(true)
	wg.Wait()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBackup_RefusesAnExistingFileUnlessReplacing(t *testing.T) {
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{})
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := db.Backup(ctx, path)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("Backup over an existing file: got %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("the existing file was changed: %q", b)
	}
	if err := db.BackupReplace(ctx, path); err != nil {
		t.Fatalf("BackupReplace: %v", err)
	}
	copyDB := mustOpenPath(t, path)
	if _, err := copyDB.FindStory(ctx, s.ID); err != nil {
		t.Errorf("story in the replaced copy: %v", err)
	}
	// No temporary file is left beside it.
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if e.Name() != "backup.db" && e.Name() != "backup.db-wal" && e.Name() != "backup.db-shm" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestInspect(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if _, err := db.Subscribe(ctx, "CSUB", "UADMIN"); err != nil {
		t.Fatal(err)
	}
	before := countMigrations(t, db)
	in, err := Inspect(ctx, db.Path())
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	known, _ := migrationNames()
	if !slices.Equal(in.Applied, known) || len(in.Pending) != 0 || len(in.Unknown) != 0 {
		t.Errorf("migrations: applied %v pending %v unknown %v; want applied %v", in.Applied, in.Pending, in.Unknown, known)
	}
	if in.Schema() != known[len(known)-1] {
		t.Errorf("schema: got %q", in.Schema())
	}
	if in.WriteErr != nil {
		t.Errorf("WriteErr: %v", in.WriteErr)
	}
	if in.Size <= 0 {
		t.Errorf("size: %d", in.Size)
	}
	if !slices.Equal(in.Subscriptions, []string{"CSUB"}) {
		t.Errorf("subscriptions: %v", in.Subscriptions)
	}
	if got := countMigrations(t, db); got != before {
		t.Errorf("Inspect changed the migrations table: %d rows, want %d", got, before)
	}

	// A newer version's migration is reported, not refused.
	if _, err := db.db.Exec(`INSERT INTO migrations (name, applied_at) VALUES ('9999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if in, err = Inspect(ctx, db.Path()); err != nil || !slices.Equal(in.Unknown, []string{"9999_future.sql"}) {
		t.Errorf("unknown migrations: %v, %v", in.Unknown, err)
	}

	// A missing file is not created.
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := Inspect(ctx, missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Inspect of a missing file: got %v, want fs.ErrNotExist", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Inspect created %s", missing)
	}
}

func TestInspect_ReadOnlyFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes to read-only files")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	in, err := Inspect(ctx, path)
	if err != nil {
		t.Fatalf("Inspect: %v", err)
	}
	if in.WriteErr == nil {
		t.Error("WriteErr of a read-only file: got nil")
	}
}

// TestBackup_FromAReadOnlyHandle backs up through OpenReadOnly, as
// `extramile backup` does, while the bot's own handle keeps writing.
func TestBackup_FromAReadOnlyHandle(t *testing.T) {
	db := MustOpenDB(t)
	s := mustCreateStory(t, db, t0, extramile.Story{})
	ctx := context.Background()
	ro, err := OpenReadOnly(ctx, db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := ro.Backup(ctx, path); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	copyDB := mustOpenPath(t, path)
	if _, err := copyDB.FindStory(ctx, s.ID); err != nil {
		t.Errorf("story in the copy: %v", err)
	}
}
