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

// migrateFile applies one migration unless it is already recorded.
func (db *DB) migrateFile(ctx context.Context, name string) error {
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
	buf, err := fs.ReadFile(migrationFS, "migrations/"+name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return err
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
