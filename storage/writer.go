package storage

import (
	"database/sql"
	"runtime"
)

// openWriter opens the pool that runs every write transaction: a single
// connection. SQLite lets one writer in at a time anyway; with one
// connection, the bot's own writers wait for their turn in database/sql,
// woken as soon as the previous transaction ends and bounded by their
// context, instead of polling SQLite's lock through the busy handler (which
// sleeps up to 100 ms between tries and gives up with SQLITE_BUSY after the
// busy timeout, however short each transaction is, when hundreds of
// goroutines write at once). The busy timeout still applies to the other
// processes sharing the file, such as `extramile export`.
func openWriter(dsn string) (*sql.DB, error) {
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	return w, nil
}

// poolReaders sizes the pool of read transactions: a few connections per
// core, all kept open. Each SQLite connection holds its own page cache and
// costs a parse of its pragmas to open: with database/sql's defaults (no
// limit, two kept idle) a burst of commands opened hundreds of connections,
// hundreds of megabytes, and closed them again after each burst. Readers
// beyond the limit wait for a connection, bounded by their context.
func poolReaders(db *sql.DB) {
	n := max(4, 2*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
}
