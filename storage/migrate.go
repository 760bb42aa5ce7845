package storage

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationNames lists the embedded migrations in the order they apply.
func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	for i, n := range names {
		names[i] = path.Base(n)
	}
	sort.Strings(names)
	return names, nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction, and refuses a database that records one this binary does not
// know (it was written by a newer version).
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name       TEXT    PRIMARY KEY,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("create migrations table: %w", translate(err))
	}
	names, err := migrationNames()
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	if err := db.checkKnownMigrations(ctx, names); err != nil {
		return err
	}
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %s: %w", name, translate(err))
		}
	}
	return nil
}

// checkKnownMigrations fails if the database records a migration not in names.
func (db *DB) checkKnownMigrations(ctx context.Context, names []string) error {
	known := make(map[string]bool, len(names))
	for _, n := range names {
		known[n] = true
	}
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM migrations ORDER BY name`)
	if err != nil {
		return fmt.Errorf("read migrations: %w", translate(err))
	}
	defer rows.Close()
	var unknown []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("read migrations: %w", err)
		}
		if !known[n] {
			unknown = append(unknown, n)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read migrations: %w", translate(err))
	}
	if len(unknown) > 0 {
		return fmt.Errorf("database %q was written by a newer version of extramile (unknown migrations: %s); upgrade the bot or use another file",
			db.path, strings.Join(unknown, ", "))
	}
	return nil
}

// foreignKeysOff is the first line of a migration that rebuilds a table
// other tables refer to: it runs with foreign key enforcement off (so that
// dropping the old table cascades to nothing), and must leave no broken
// reference behind (PRAGMA foreign_key_check), as SQLite's procedure for
// such schema changes asks (https://www.sqlite.org/lang_altertable.html).
const foreignKeysOff = "-- extramile:foreign-keys-off"

// migrateFile applies one migration unless it is already recorded.
func (db *DB) migrateFile(ctx context.Context, name string) error {
	buf, err := fs.ReadFile(migrationFS, "migrations/"+name)
	if err != nil {
		return err
	}
	fkOff := strings.HasPrefix(string(buf), foreignKeysOff)
	if fkOff {
		// The writer pool has one connection: the pragma reaches the
		// transaction below. It cannot change inside a transaction.
		if _, err := db.w.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return err
		}
		defer func() { _, _ = db.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`) }()
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer db.rollback(tx)

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
	}
	if fkOff {
		if err := checkForeignKeys(ctx, tx); err != nil {
			return err
		}
	}
	if err := recordMigration(ctx, tx, name, nanos(db.now())); err != nil {
		return err
	}
	if err := db.commit(tx); err != nil {
		return err
	}
	db.logger().Info("applied migration", logKeyMigration, name, logKeyPath, db.path)
	return nil
}

func recordMigration(ctx context.Context, tx *sql.Tx, name string, at int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`, name, at)
	return err
}

// checkForeignKeys fails if any row refers to a row that does not exist.
func checkForeignKeys(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		return fmt.Errorf("foreign key check failed after the migration")
	}
	return rows.Err()
}
