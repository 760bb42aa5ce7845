package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// What operators run against the database: a write check for readiness and
// doctor, consistent backups while the bot runs, and a look at a file that
// changes nothing in it.

// writeCheckRow is the row CheckWrite inserts and rolls back.
const writeCheckRow = "~write check (rolled back)"

// CheckWrite proves the database takes writes without changing anything in
// it: it begins a write transaction (in turn with the bot's own writers),
// inserts a row and rolls it back. It fails when the file is read-only, the
// write lock cannot be had before ctx ends, or the database is closed.
func (db *DB) CheckWrite(ctx context.Context) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("check write", err)
	}
	defer db.rollback(tx)
	return checkWrite(ctx, tx)
}

func checkWrite(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, 0)`, writeCheckRow); err != nil {
		return fail("check write", err)
	}
	return nil
}

// Backup writes a consistent copy of the database file to path: a snapshot
// as of when it starts (VACUUM INTO, from a read-only connection, so the bot
// keeps writing meanwhile), compacted, holding every transaction committed before
// the call. The copy goes to a temporary file beside path, is flushed to
// disk, and only then appears at path, so path never holds half a copy.
// Backup refuses to replace a file that exists (the error wraps
// fs.ErrExist); BackupReplace replaces it.
func (db *DB) Backup(ctx context.Context, path string) error {
	return db.backup(ctx, path, false)
}

// BackupReplace is Backup replacing the file at path if there is one.
func (db *DB) BackupReplace(ctx context.Context, path string) error {
	return db.backup(ctx, path, true)
}

func (db *DB) backup(ctx context.Context, path string, replace bool) (err error) {
	if path == "" {
		return errors.New("backup: no path given")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if !replace {
		if _, err := os.Lstat(abs); err == nil {
			return fmt.Errorf("backup to %s: %w", path, fs.ErrExist)
		}
	}
	// VACUUM INTO writes into a file that does not exist or is empty.
	f, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".*.tmp")
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	defer os.Remove(tmp) // gone already once linked or renamed into place

	// From a connection of its own that only reads (mode=ro), so a
	// handle from OpenReadOnly backs up too.
	if err := vacuumInto(ctx, db.path, tmp); err != nil {
		return fmt.Errorf("backup to %s: %w", path, translate(err))
	}
	if err := syncFile(tmp); err != nil { // VACUUM INTO does not sync its output
		return fmt.Errorf("backup to %s: flush: %w", path, err)
	}
	if replace {
		err = os.Rename(tmp, abs)
	} else {
		err = placeNew(tmp, abs)
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(abs)); err != nil {
		return fmt.Errorf("backup to %s: flush the directory: %w", path, err)
	}
	return nil
}

// placeNew puts tmp at path unless something is there already: a hard link
// fails if path exists, whoever created it meanwhile. On file systems
// without hard links it checks, then renames.
func placeNew(tmp, path string) error {
	err := os.Link(tmp, path)
	switch {
	case err == nil:
		return os.Remove(tmp)
	case errors.Is(err, fs.ErrExist):
		return err
	}
	if _, serr := os.Lstat(path); serr == nil {
		return fs.ErrExist
	}
	return os.Rename(tmp, path)
}

// syncDir flushes a directory's entries (a new or renamed file) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	if errors.Is(serr, fs.ErrInvalid) { // some platforms cannot sync a directory
		serr = nil
	}
	return errors.Join(serr, d.Close())
}

// Inspection is what Inspect learns about a database file.
type Inspection struct {
	// Size is the bytes on disk: the file and its write-ahead log.
	Size int64
	// Applied lists the migrations the file records, in order; the last one
	// is its schema version.
	Applied []string
	// Pending lists the migrations this binary knows and the file lacks:
	// the bot applies them at its next start.
	Pending []string
	// Unknown lists migrations recorded by a newer version of the bot: this
	// binary refuses the file.
	Unknown []string
	// Subscriptions are the channels subscribed with /extramile subscribe.
	Subscriptions []string
	// WriteErr says why a write transaction failed; nil means the file takes
	// writes (the check's write was rolled back).
	WriteErr error
}

// Schema is the file's schema version: the last migration applied, or "".
func (in *Inspection) Schema() string {
	if len(in.Applied) == 0 {
		return ""
	}
	return in.Applied[len(in.Applied)-1]
}

// Inspect looks at the database file at path without changing it: it does
// not create the file, apply migrations or switch its journal mode, and its
// write check is rolled back. It is safe while the bot runs. A missing file
// is an error wrapping fs.ErrNotExist.
func Inspect(ctx context.Context, path string) (*Inspection, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("inspect database %s: %w", path, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("inspect database %s: %w", path, err)
	}
	in := &Inspection{Size: st.Size()}
	if wal, err := os.Stat(abs + "-wal"); err == nil {
		in.Size += wal.Size()
	}

	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(defaultBusyTimeout.Milliseconds(), 10)+")")
	q.Set("_txlock", "immediate")
	q.Set("mode", "rw") // never create it
	uri, err := fileURI(abs)
	if err != nil {
		return nil, fmt.Errorf("inspect database %s: %w", path, err)
	}
	sqldb, err := sql.Open("sqlite", uri+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("inspect database %s: %w", path, err)
	}
	defer sqldb.Close()
	sqldb.SetMaxOpenConns(1)

	if err := in.readSchema(ctx, sqldb); err != nil {
		return nil, fmt.Errorf("inspect database %s: %w", path, translate(err))
	}
	in.WriteErr = inspectWrite(ctx, sqldb)
	return in, nil
}

// readSchema reads the migrations and subscriptions the file records.
func (in *Inspection) readSchema(ctx context.Context, sqldb *sql.DB) error {
	known, err := migrationNames()
	if err != nil {
		return err
	}
	var hasMigrations int
	if err := sqldb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'`).Scan(&hasMigrations); err != nil {
		return err
	}
	if hasMigrations > 0 {
		in.Applied, err = queryDBStrings(ctx, sqldb, `SELECT name FROM migrations ORDER BY name`)
		if err != nil {
			return err
		}
	}
	for _, n := range known {
		if !slices.Contains(in.Applied, n) {
			in.Pending = append(in.Pending, n)
		}
	}
	for _, n := range in.Applied {
		if !slices.Contains(known, n) {
			in.Unknown = append(in.Unknown, n)
		}
	}
	var hasSubs int
	if err := sqldb.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'subscriptions'`).Scan(&hasSubs); err != nil {
		return err
	}
	if hasSubs > 0 {
		in.Subscriptions, err = queryDBStrings(ctx, sqldb, `SELECT channel FROM subscriptions ORDER BY channel`)
	}
	return err
}

// inspectWrite is CheckWrite on a handle of Inspect's: BEGIN IMMEDIATE, a
// write, ROLLBACK. A file without the migrations table gets only the lock.
func inspectWrite(ctx context.Context, sqldb *sql.DB) error {
	tx, err := sqldb.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'migrations'`).Scan(&n); err != nil {
		return translate(err)
	}
	if n == 0 {
		return nil
	}
	return checkWrite(ctx, tx)
}

func queryDBStrings(ctx context.Context, sqldb *sql.DB, query string) ([]string, error) {
	rows, err := sqldb.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
