package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/extramile/extramile"
)

// Run states in the run ledger.
const (
	runRunning = "running"
	runDone    = "done"
	runFailed  = "failed"
)

// ClaimRun claims the scheduled run of job in channel at scheduledAt and
// reports whether the caller now owns it: true when no one ran it yet or its
// last attempt failed; false when it is running elsewhere or done. It is
// atomic across processes sharing the database file. A claim whose process
// died stays "running" (the run is skipped rather than posted twice).
func (db *DB) ClaimRun(ctx context.Context, job, channel string, scheduledAt time.Time) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("claim run", err)
	}
	defer db.rollback(tx)

	now := db.now()
	claimed, err := claimRun(ctx, tx, job, channel, nanos(scheduledAt), now)
	if err != nil {
		return false, fail("claim run", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("claim run", err)
	}
	return claimed, nil
}

func claimRun(ctx context.Context, tx *sql.Tx, job, channel string, at int64, now time.Time) (bool, error) {
	var state string
	err := tx.QueryRowContext(ctx, `SELECT state FROM runs WHERE job = ? AND channel = ? AND scheduled_at = ?`,
		job, channel, at).Scan(&state)
	switch {
	case err == sql.ErrNoRows:
		_, err := tx.ExecContext(ctx, `INSERT INTO runs (job, channel, scheduled_at, state, claimed_at)
			VALUES (?, ?, ?, ?, ?)`, job, channel, at, runRunning, nanos(now))
		return err == nil, err
	case err != nil:
		return false, err
	case state == runFailed:
		_, err := tx.ExecContext(ctx, `UPDATE runs SET state = ?, error = '', claimed_at = ?, finished_at = 0
			WHERE job = ? AND channel = ? AND scheduled_at = ?`, runRunning, nanos(now), job, channel, at)
		return err == nil, err
	}
	return false, nil
}

// FinishRun records the outcome of a claimed run: done, or failed with
// runErr's text when runErr is not nil (a failed run may be claimed again).
// ENOTFOUND if the run was never claimed.
func (db *DB) FinishRun(ctx context.Context, job, channel string, scheduledAt time.Time, runErr error) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("finish run", err)
	}
	defer db.rollback(tx)

	state, msg := runDone, ""
	if runErr != nil {
		state, msg = runFailed, runErr.Error()
	}
	res, err := tx.ExecContext(ctx, `UPDATE runs SET state = ?, error = ?, finished_at = ?
		WHERE job = ? AND channel = ? AND scheduled_at = ?`,
		state, msg, nanos(db.now()), job, channel, nanos(scheduledAt))
	if err != nil {
		return fail("finish run", err)
	}
	if err := mustAffect(res, func() error {
		return extramile.Errorf(extramile.ENOTFOUND, "No run of %s in %s at %s was claimed.", job, channel, scheduledAt.UTC().Format(time.RFC3339))
	}); err != nil {
		return err
	}
	if err := db.commit(tx); err != nil {
		return fail("finish run", err)
	}
	return nil
}

// LastRun returns the scheduled time of the latest done run of job in
// channel, or the zero time if there is none.
func (db *DB) LastRun(ctx context.Context, job, channel string) (time.Time, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return time.Time{}, fail("last run", err)
	}
	defer tx.Rollback()

	var at sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(scheduled_at) FROM runs
		WHERE job = ? AND channel = ? AND state = ?`, job, channel, runDone).Scan(&at); err != nil {
		return time.Time{}, fail("last run", err)
	}
	if !at.Valid {
		return time.Time{}, tx.Commit()
	}
	return fromNanos(at.Int64), tx.Commit()
}
