package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/extramile/extramile"
)

// ClaimShoutout leases the pending shoutout of story id to owner (a process)
// until the clock passes now+ttl, and reports whether owner holds it now:
// true when nobody held it, the lease ran out (its process died), or owner
// held it already (a renewal). False when another live process holds it, or
// the shoutout is posted or the story deleted. (An undeliverable shoutout
// can be claimed: its author may press "Try again".) Every
// process sharing the database sees the same leases: a process resuming
// pending shoutouts after a restart leaves alone those another is posting.
func (db *DB) ClaimShoutout(ctx context.Context, id int64, owner string, ttl time.Duration) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("claim shoutout", err)
	}
	defer db.rollback(tx)

	now := db.now()
	res, err := tx.ExecContext(ctx, `UPDATE stories SET lease_owner = :owner, lease_until = :until
		WHERE id = :id AND shoutout_state IN ('pending', 'failed')
		AND (lease_owner = '' OR lease_owner = :owner OR lease_until <= :now)`,
		sql.Named("owner", owner), sql.Named("until", nanos(now.Add(ttl))), sql.Named("id", id), sql.Named("now", nanos(now)))
	if err != nil {
		return false, fail("claim shoutout", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fail("claim shoutout", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("claim shoutout", err)
	}
	return n == 1, nil
}

// ReleaseShoutout gives up owner's lease on story id's shoutout (a process
// stopping before it could post it), so that another process or the next
// start takes it at once instead of waiting for the lease to run out.
func (db *DB) ReleaseShoutout(ctx context.Context, id int64, owner string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("release shoutout", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `UPDATE stories SET lease_owner = '', lease_until = 0
		WHERE id = ? AND lease_owner = ?`, id, owner); err != nil {
		return fail("release shoutout", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("release shoutout", err)
	}
	return nil
}

// AbandonedShoutouts returns the pending shoutouts whose lease ran out
// without being released (the process publishing them died), oldest first.
func (db *DB) AbandonedShoutouts(ctx context.Context) ([]*extramile.Story, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("abandoned shoutouts", err)
	}
	defer tx.Rollback()

	stories, err := queryStories(ctx, tx, `SELECT `+storyColumns+` FROM stories s
		WHERE s.shoutout_state = 'pending' AND s.lease_owner <> '' AND s.lease_until <= ?
		ORDER BY s.created_at, s.id`, nanos(db.now()))
	if err != nil {
		return nil, fail("abandoned shoutouts", err)
	}
	return stories, tx.Commit()
}

// LeaseHolders returns the owners holding a live lease on some pending
// shoutout or running scheduled run.
func (db *DB) LeaseHolders(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("lease holders", err)
	}
	defer tx.Rollback()

	now := nanos(db.now())
	owners, err := queryStrings(ctx, tx, `SELECT lease_owner FROM stories
		WHERE shoutout_state IN ('pending', 'failed') AND lease_owner <> '' AND lease_until > ?
		UNION SELECT owner FROM runs WHERE state = 'running' AND owner <> '' AND lease_until > ?
		ORDER BY 1`, now, now)
	if err != nil {
		return nil, fail("lease holders", err)
	}
	return owners, tx.Commit()
}

// BreakLeases ends at once every lease owner holds (a process known to be
// dead), so that its shoutouts and scheduled runs can be taken over without
// waiting for the leases to run out. It returns how many it ended.
func (db *DB) BreakLeases(ctx context.Context, owner string) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, fail("break leases", err)
	}
	defer db.rollback(tx)

	n, err := execCount(ctx, tx, `UPDATE stories SET lease_until = 0 WHERE lease_owner = ? AND lease_until > 0`, owner)
	if err != nil {
		return 0, fail("break leases", err)
	}
	runs, err := execCount(ctx, tx, `UPDATE runs SET lease_until = 0 WHERE owner = ? AND state = 'running' AND lease_until > 0`, owner)
	if err != nil {
		return 0, fail("break leases", err)
	}
	n += runs
	if err := db.commit(tx); err != nil {
		return 0, fail("break leases", err)
	}
	return n, nil
}

// MarkShoutoutPosting records, just before a post of story id's shoutout
// goes out, that it may be in Slack from now on, and returns when the first
// such post went out: now, or an earlier time (before is true) when an
// earlier post's outcome is unknown (the process posting it died, or it was
// stopped meanwhile). The caller then looks for that post before posting.
// ENOTFOUND if the story is gone or its shoutout is posted.
func (db *DB) MarkShoutoutPosting(ctx context.Context, id int64) (first time.Time, before bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return time.Time{}, false, fail("mark shoutout posting", err)
	}
	defer db.rollback(tx)

	now := nanos(db.now())
	var at int64
	err = tx.QueryRowContext(ctx, `UPDATE stories SET post_started_at = CASE WHEN post_started_at = 0 THEN ? ELSE post_started_at END
		WHERE id = ? AND shoutout_state IN ('pending', 'failed') RETURNING post_started_at`, now, id).Scan(&at)
	switch {
	case err == sql.ErrNoRows:
		return time.Time{}, false, extramile.Errorf(extramile.ENOTFOUND, "The story was deleted, or its shoutout is posted.")
	case err != nil:
		return time.Time{}, false, fail("mark shoutout posting", err)
	}
	if err := db.commit(tx); err != nil {
		return time.Time{}, false, fail("mark shoutout posting", err)
	}
	return fromNanos(at), at != now, nil
}
