package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrNotExtraMile is returned by OpenReadOnly for a file that is not an Extra
// Mile database (not SQLite at all, or SQLite without Extra Mile's tables).
var ErrNotExtraMile = errors.New("not an Extra Mile database")

// OpenReadOnly opens the database file at path for reading only, for
// `extramile export` and the like: it never writes to the file, whoever owns
// it and whatever the volume allows (a backup copy, a read-only mount, the
// running bot's file), and never migrates it. A file written by an older
// version of the bot is read through a migrated copy in a temporary file,
// removed by Close; one written by a newer version is refused, as by Open.
// A file that is not an Extra Mile database gives ErrNotExtraMile.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	db, err := openReadOnly(ctx, path)
	if err != nil {
		return nil, err
	}
	behind, err := db.missingMigrations(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(behind) == 0 {
		return db, nil
	}
	// An older file: migrate a copy, never the file.
	defer db.Close()
	dir, err := os.MkdirTemp("", "extramile-read-*")
	if err != nil {
		return nil, fmt.Errorf("open database %q: a temporary copy to read it: %w", path, err)
	}
	copyPath := filepath.Join(dir, "copy.db")
	if err := vacuumInto(ctx, path, copyPath); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("open database %q: copy it to read it: %w", path, translate(err))
	}
	cp, err := Open(ctx, copyPath)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("open database %q (read through a migrated copy): %w", path, err)
	}
	cp.path, cp.tempDir = path, dir
	return cp, nil
}

// openReadOnly opens path with mode=ro and query_only, and checks that it is
// an Extra Mile database.
func openReadOnly(ctx context.Context, path string) (*DB, error) {
	for _, immutable := range []bool{false, true} {
		dsn, err := readOnlyDSN(path, immutable)
		if err != nil {
			return nil, fmt.Errorf("open database %q: %w", path, err)
		}
		sqldb, err := sql.Open("sqlite", dsn)
		if err != nil {
			return nil, fmt.Errorf("open database %q: %w", path, err)
		}
		poolReaders(sqldb)
		db := &DB{Now: time.Now, db: sqldb, path: path, readOnly: true}
		err = db.checkExtraMile(ctx)
		if err == nil {
			return db, nil
		}
		sqldb.Close()
		// A database in WAL mode on a volume nobody may write to cannot
		// have its shared-memory file created; read it as immutable then
		// (nobody can be writing it either).
		if immutable || errors.Is(err, ErrNotExtraMile) || !strings.Contains(err.Error(), "unable to open") {
			return nil, fmt.Errorf("open database %q: %w", path, err)
		}
	}
	panic("unreachable")
}

func readOnlyDSN(path string, immutable bool) (string, error) {
	uri, err := fileURI(path)
	if err != nil {
		return "", err
	}
	q := "mode=ro&_pragma=busy_timeout(" + strconv.FormatInt(defaultBusyTimeout.Milliseconds(), 10) + ")&_pragma=query_only(1)"
	if immutable {
		q += "&immutable=1"
	}
	return uri + "?" + q, nil
}

// checkExtraMile fails with ErrNotExtraMile unless the file has Extra Mile's
// tables.
func (db *DB) checkExtraMile(ctx context.Context) error {
	var n int
	err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('migrations', 'stories', 'kudos')`).Scan(&n)
	switch {
	case err != nil && strings.Contains(err.Error(), "not a database"):
		return fmt.Errorf("%w: the file is not an SQLite database", ErrNotExtraMile)
	case err != nil:
		return translate(err)
	case n != 3:
		return fmt.Errorf("%w: the file is an SQLite database without Extra Mile's tables", ErrNotExtraMile)
	}
	return nil
}

// missingMigrations returns the migrations this binary has that the file
// lacks, and fails if the file records one this binary does not know.
func (db *DB) missingMigrations(ctx context.Context) ([]string, error) {
	names, err := migrationNames()
	if err != nil {
		return nil, err
	}
	if err := db.checkKnownMigrations(ctx, names); err != nil {
		return nil, err
	}
	var missing []string
	for _, name := range names {
		var n int
		if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
			return nil, translate(err)
		}
		if n == 0 {
			missing = append(missing, name)
		}
	}
	return missing, nil
}

// removeTemp removes the temporary copy OpenReadOnly read through, if any.
func (db *DB) removeTemp() error {
	if db.tempDir == "" {
		return nil
	}
	err := os.RemoveAll(db.tempDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// vacuumInto writes a consistent copy of the database at path to dst over a
// connection that opens path read-only (mode=ro: SQLite cannot write it;
// query_only would refuse VACUUM INTO itself).
func vacuumInto(ctx context.Context, path, dst string) error {
	dsn, err := readOnlyDSN(path, false)
	if err != nil {
		return err
	}
	dsn = strings.Replace(dsn, "&_pragma=query_only(1)", "", 1)
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, dst)
	return err
}
