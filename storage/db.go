// Package storage keeps everything Extra Mile remembers in one SQLite file:
// stories and the people they recognize, kudos, the once-only ledger, quiet
// users, channel subscriptions, settings changed in Slack and the run ledger
// of scheduled posts.
//
// It speaks the domain of package extramile. Every public method runs in one
// transaction; writes take the write lock when they begin (BEGIN IMMEDIATE),
// reads run in deferred read-only transactions that see one consistent
// snapshot and never block the writer (WAL mode). Times are stored as UTC unix
// nanoseconds and returned as UTC.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// Log attribute keys.
const (
	logKeyPath      = "path"
	logKeyMigration = "migration"
)

// errReadOnly is the error of a write on a database opened by OpenReadOnly.
var errReadOnly = errors.New("the database was opened read-only")

// defaultBusyTimeout is how long a connection waits for another's lock.
const defaultBusyTimeout = 5 * time.Second

// DB is the bot's SQLite database.
type DB struct {
	// Now is the clock; it defaults to time.Now. Times are stored in UTC.
	Now func() time.Time
	// Logger receives operational messages; nil discards them.
	Logger *slog.Logger
	// ObserveWrite, when set, hears how long each write transaction took,
	// from asking for the write lock to being durable on disk (metrics).
	// It is called once per committed write, by the writer.
	ObserveWrite func(time.Duration)
	// PromoteBefore is how close to its context's deadline a writer waiting
	// for the write lock goes before the writers that can wait (default
	// 1.5 s; see writeGate). Set it before the first write.
	PromoteBefore time.Duration

	db  *sql.DB  // reads and migrations
	w   *sql.DB  // write transactions: one connection (see openWriter)
	wal *walSync // group commit (see durable.go); nil when commits sync themselves

	gate       writeGate              // one write transaction at a time, urgent ones first
	holder     atomic.Pointer[sql.Tx] // the write transaction holding the gate
	writeStart time.Time              // when the gate holder asked for it (guarded by the gate)
	path       string

	readOnly bool   // opened by OpenReadOnly: no writer, never written
	tempDir  string // a migrated copy OpenReadOnly reads through, removed by Close

	closeOnce sync.Once
	closeErr  error
}

// options are knobs tests turn; Open uses the defaults.
type options struct {
	busyTimeout time.Duration
	pragmas     []string // extra _pragma values, e.g. "max_page_count(10)"
}

// Open opens (creating it if needed) the database file at path and applies
// any migrations it lacks. The parent directory must exist. A database written
// by a newer version of the bot is refused.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, options{busyTimeout: defaultBusyTimeout})
}

func open(ctx context.Context, path string, o options) (*DB, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	dsn, err := buildDSN(path, o)
	if err != nil {
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	poolReaders(sqldb)
	w, err := openWriter(dsn)
	if err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	db := &DB{
		Now:  time.Now,
		db:   sqldb,
		w:    w,
		path: path,
	}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		w.Close()
		var se *sqlite.Error
		if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CANTOPEN {
			return nil, fmt.Errorf("open database %q (does its directory exist, and may the bot write there?): %w", path, err)
		}
		return nil, fmt.Errorf("open database %q: %w", path, translate(err))
	}
	if err := db.migrate(ctx); err != nil {
		sqldb.Close()
		w.Close()
		return nil, fmt.Errorf("open database %q: %w", path, err)
	}
	if err := db.enableGroupCommit(ctx, path); err != nil {
		sqldb.Close()
		w.Close()
		return nil, fmt.Errorf("open database %q: %w", path, translate(err))
	}
	return db, nil
}

// buildDSN returns the modernc DSN for the file at path: a "file:" URI whose
// path is percent-encoded (so spaces, '?', '#' and '%' in it are safe), with
// the pragmas every pooled connection needs.
func buildDSN(path string, o options) (string, error) {
	uri, err := fileURI(path)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(o.busyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "temp_store(memory)")
	for _, p := range o.pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return uri + "?" + q.Encode(), nil
}

// fileURI is the "file:" URI of path, made absolute and percent-encoded (so
// spaces, '?', '#' and '%' in it are safe).
func fileURI(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:/C:/dir/x.db
	}
	return "file:" + escapePath(p), nil
}

// escapePath percent-encodes every byte of p but unreserved characters and '/'.
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// Close closes the database. It is safe to call more than once.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		if db.readOnly {
			db.closeErr = db.db.Close()
			return
		}
		// Let SQLite refresh its planner statistics if it thinks they help.
		if _, err := db.db.Exec("PRAGMA analysis_limit = 400; PRAGMA optimize"); err != nil {
			db.logger().Warn("optimize database", logKeyPath, db.path, "err", err)
		}
		db.closeErr = errors.Join(db.w.Close(), db.db.Close(), db.removeTemp())
	})
	return db.closeErr
}

// Path is the database file's path as given to Open.
func (db *DB) Path() string { return db.path }

func (db *DB) logger() *slog.Logger {
	if db.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return db.Logger
}

// now is the clock in UTC.
func (db *DB) now() time.Time {
	if db.Now == nil {
		return time.Now().UTC()
	}
	return db.Now().UTC()
}

// beginWrite starts a write transaction (BEGIN IMMEDIATE: it holds the write
// lock from the start, so its reads and writes are one atomic step).
// It waits for the write gate (see writeGate); commit or rollback ends it.
func (db *DB) beginWrite(ctx context.Context) (*sql.Tx, error) {
	if db.readOnly {
		return nil, errReadOnly
	}
	start := time.Now()
	promote := db.PromoteBefore
	if promote <= 0 {
		promote = defaultPromoteBefore
	}
	if err := db.gate.acquire(ctx, promote); err != nil {
		return nil, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		db.gate.release()
		return nil, err
	}
	db.writeStart = start
	db.holder.Store(tx)
	return tx, nil
}

// beginRead starts a read-only transaction (a deferred BEGIN): it sees one
// snapshot and does not block the writer.
func (db *DB) beginRead(ctx context.Context) (*sql.Tx, error) {
	return db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// nanos is t as stored: UTC unix nanoseconds.
func nanos(t time.Time) int64 { return t.UnixNano() }

// fromNanos is a stored time as a UTC time.Time.
func fromNanos(n int64) time.Time { return time.Unix(0, n).UTC() }

// lower is t as the inclusive lower bound of a range: the zero time is unbounded.
func lower(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	return t.UnixNano()
}

// upper is t as the exclusive upper bound of a range: the zero time is unbounded.
func upper(t time.Time) int64 {
	if t.IsZero() {
		return math.MaxInt64
	}
	return t.UnixNano()
}

// boolInt is b as stored.
func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
