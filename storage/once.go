package storage

import (
	"context"
	"time"
)

// Once records key in the once-only ledger and reports whether this call was
// the first ever to record it (atomic across callers and processes). Use it to
// drop redelivered events and to send a notice at most once.
func (db *DB) Once(ctx context.Context, key string) (first bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("once", err)
	}
	defer db.rollback(tx)

	res, err := tx.ExecContext(ctx, `INSERT INTO once_keys (key, created_at) VALUES (?, ?)
		ON CONFLICT DO NOTHING`, key, nanos(db.now()))
	if err != nil {
		return false, fail("once", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fail("once", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("once", err)
	}
	return n == 1, nil
}

// ForgetOnce removes key from the once-only ledger, so that the next Once
// for it is first again (release a key when its processing failed).
func (db *DB) ForgetOnce(ctx context.Context, key string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("forget once", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `DELETE FROM once_keys WHERE key = ?`, key); err != nil {
		return fail("forget once", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("forget once", err)
	}
	return nil
}

// PruneOnce removes the keys recorded before the time and returns how many,
// and the order of reaction events last updated before it.
func (db *DB) PruneOnce(ctx context.Context, before time.Time) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, fail("prune once", err)
	}
	defer db.rollback(tx)

	n, err := execCount(ctx, tx, `DELETE FROM once_keys WHERE created_at < ?`, nanos(before))
	if err != nil {
		return 0, fail("prune once", err)
	}
	// The order of a kudos' reaction events matters while Slack may still
	// deliver one of them: minutes. Kept as long as the once-only keys.
	if _, err := tx.ExecContext(ctx, `DELETE FROM reaction_order WHERE updated_at < ?`, nanos(before)); err != nil {
		return 0, fail("prune once", err)
	}
	if err := db.commit(tx); err != nil {
		return 0, fail("prune once", err)
	}
	return n, nil
}
