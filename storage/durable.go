package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Group commit. SQLite with synchronous=FULL fsyncs the WAL inside every
// commit, while the one writer holds the write lock: each write transaction
// costs a whole fsync (about 2 ms on a cloud disk), and the writes of a busy
// minute queue behind each other's fsyncs. Instead the writer connection
// commits with synchronous=NORMAL (no fsync; the WAL frames are written
// before the commit returns) and every write method, once committed, waits
// for an fsync of the WAL that started after its commit (commit): writers
// that commit while an fsync runs share the next one, and the write lock is
// free during the fsync. A write method still returns only once its
// transaction is on disk, as with FULL.

// commit commits a write transaction and waits until it is durable.
// The write gate is released at once: the next writer commits during the
// fsync.
func (db *DB) commit(tx *sql.Tx) error {
	start := db.writeStart // read while the gate is still held
	err := tx.Commit()
	db.endWrite(tx)
	if err != nil {
		return err
	}
	if db.wal != nil {
		if err := db.wal.wait(); err != nil {
			return fmt.Errorf("sync the write-ahead log: %w", err)
		}
	} // else the connection syncs in its commits (synchronous=FULL)
	if db.ObserveWrite != nil {
		db.ObserveWrite(time.Since(start))
	}
	return nil
}

// enableGroupCommit switches the writer connection to synchronous=NORMAL
// and commit to group fsyncs, when the database is in WAL mode (it stays
// FULL otherwise).
func (db *DB) enableGroupCommit(ctx context.Context, path string) error {
	var mode string
	if err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("read the journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		db.logger().Warn("the database is not in WAL mode; every write syncs on its own", logKeyPath, path, "journal_mode", mode)
		return nil
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	// The writer pool keeps its one connection; should it ever open a new
	// one, that one gets the DSN's synchronous=FULL: slower, as durable.
	if _, err := db.w.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return fmt.Errorf("set synchronous: %w", err)
	}
	db.wal = newWALSync(abs + "-wal")
	return nil
}

// walSync runs fsyncs of the WAL file, one at a time, shared by the writers
// waiting for them.
type walSync struct {
	fsync func() error // flushes the WAL file to disk

	mu      sync.Mutex
	cond    *sync.Cond
	started uint64 // fsyncs started so far
	done    uint64 // the number of the last fsync finished
	running bool
	err     error // of the last fsync finished
	parked  int   // writers waiting for the running fsync to end
}

func newWALSync(path string) *walSync {
	w := &walSync{fsync: func() error { return syncFile(path) }}
	w.cond = sync.NewCond(&w.mu)
	return w
}

// wait returns once an fsync of the WAL that started after the call has
// finished, with its error. It starts one if none is running.
func (w *walSync) wait() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	need := w.started + 1 // a running fsync may have started before our commit
	for w.done < need {
		if w.running {
			w.parked++
			w.cond.Wait()
			w.parked--
			continue
		}
		w.running = true
		w.started++
		n := w.started
		w.mu.Unlock()
		err := w.fsync()
		w.mu.Lock()
		w.running, w.done, w.err = false, n, err
		w.cond.Broadcast()
	}
	return w.err
}

// syncFile flushes a file to disk: fsync flushes the file's data whichever
// descriptor wrote it (here SQLite's). A missing file has nothing to flush.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	serr := f.Sync()
	return errors.Join(serr, f.Close())
}
