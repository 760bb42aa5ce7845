package storage

import (
	"database/sql"
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
