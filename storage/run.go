package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/extramile/extramile"
)

// Run states in the run ledger.
const (
	runRunning = "running"
	runDone    = "done"
	runFailed  = "failed"
)

// ClaimRun claims the scheduled run of job for subject at scheduledAt for
// owner (a process) until the clock passes now+ttl, and says whether the
// caller now owns it: yes when no one ran it yet, its last attempt failed,
// or the process running it died (its lease ran out, or BreakLeases ended
// it); no when it is done, or running in a live process (this one
// included). It is atomic across processes sharing the database file.
func (db *DB) ClaimRun(ctx context.Context, job string, subject extramile.RunSubject, scheduledAt time.Time, owner string, ttl time.Duration) (extramile.RunClaim, error) {
	if err := subject.Validate(); err != nil {
		return extramile.RunClaim{}, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return extramile.RunClaim{}, fail("claim run", err)
	}
	defer db.rollback(tx)

	now := db.now()
	claim, err := claimRun(ctx, tx, job, subject, nanos(scheduledAt), owner, now, now.Add(ttl))
	if err != nil {
		return extramile.RunClaim{}, fail("claim run", err)
	}
	if err := db.commit(tx); err != nil {
		return extramile.RunClaim{}, fail("claim run", err)
	}
	return claim, nil
}

func claimRun(ctx context.Context, tx *sql.Tx, job string, subject extramile.RunSubject, at int64, owner string, now, until time.Time) (extramile.RunClaim, error) {
	var (
		state, holder      string
		leaseUntil, posted int64
	)
	err := tx.QueryRowContext(ctx, `SELECT state, owner, lease_until, post_started_at FROM runs
		WHERE job = ? AND subject_kind = ? AND subject = ? AND scheduled_at = ?`, job, subject.Kind, subject.ID, at).Scan(&state, &holder, &leaseUntil, &posted)
	switch {
	case err == sql.ErrNoRows:
		_, err := tx.ExecContext(ctx, `INSERT INTO runs (job, subject_kind, subject, scheduled_at, state, claimed_at, owner, lease_until)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, job, subject.Kind, subject.ID, at, runRunning, nanos(now), owner, nanos(until))
		return extramile.RunClaim{Claimed: err == nil}, err
	case err != nil:
		return extramile.RunClaim{}, err
	case state == runDone:
		return extramile.RunClaim{}, nil
	case state == runRunning && (holder == owner || leaseUntil > nanos(now)):
		return extramile.RunClaim{}, nil // running here, or in another live process
	}
	// Failed, or running in a process that died: take it over.
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET state = ?, error = '', claimed_at = ?, finished_at = 0,
		owner = ?, lease_until = ? WHERE job = ? AND subject_kind = ? AND subject = ? AND scheduled_at = ?`,
		runRunning, nanos(now), owner, nanos(until), job, subject.Kind, subject.ID, at); err != nil {
		return extramile.RunClaim{}, err
	}
	c := extramile.RunClaim{Claimed: true}
	if posted != 0 {
		c.PostStarted = fromNanos(posted)
	}
	return c, nil
}

// MarkRunPosting records, just before a post of a claimed run goes out,
// that it may be in Slack from now on, and returns when the first such post
// went out (now, or an earlier time kept from a claim before). ENOTFOUND if
// the run was never claimed.
func (db *DB) MarkRunPosting(ctx context.Context, job string, subject extramile.RunSubject, scheduledAt time.Time) (time.Time, error) {
	if err := subject.Validate(); err != nil {
		return time.Time{}, err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return time.Time{}, fail("mark run posting", err)
	}
	defer db.rollback(tx)

	var first int64
	err = tx.QueryRowContext(ctx, `UPDATE runs SET post_started_at = CASE WHEN post_started_at = 0 THEN ? ELSE post_started_at END
		WHERE job = ? AND subject_kind = ? AND subject = ? AND scheduled_at = ? RETURNING post_started_at`,
		nanos(db.now()), job, subject.Kind, subject.ID, nanos(scheduledAt)).Scan(&first)
	switch {
	case err == sql.ErrNoRows:
		return time.Time{}, runNotClaimed(job, subject, scheduledAt)
	case err != nil:
		return time.Time{}, fail("mark run posting", err)
	}
	if err := db.commit(tx); err != nil {
		return time.Time{}, fail("mark run posting", err)
	}
	return fromNanos(first), nil
}

// FinishRun records the outcome of a claimed run: done, or failed with
// runErr's text when runErr is not nil (a failed run may be claimed again).
// ENOTFOUND if the run was never claimed.
func (db *DB) FinishRun(ctx context.Context, job string, subject extramile.RunSubject, scheduledAt time.Time, runErr error) error {
	if err := subject.Validate(); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("finish run", err)
	}
	defer db.rollback(tx)

	state, msg := runDone, ""
	if runErr != nil {
		state, msg = runFailed, runErr.Error()
	}
	res, err := tx.ExecContext(ctx, `UPDATE runs SET state = ?, error = ?, finished_at = ?, owner = '', lease_until = 0
		WHERE job = ? AND subject_kind = ? AND subject = ? AND scheduled_at = ?`,
		state, msg, nanos(db.now()), job, subject.Kind, subject.ID, nanos(scheduledAt))
	if err != nil {
		return fail("finish run", err)
	}
	if err := mustAffect(res, func() error {
		return runNotClaimed(job, subject, scheduledAt)
	}); err != nil {
		return err
	}
	if err := db.commit(tx); err != nil {
		return fail("finish run", err)
	}
	return nil
}

// LastRun returns the scheduled time of the latest done run of job for
// subject, or the zero time if there is none.
func (db *DB) LastRun(ctx context.Context, job string, subject extramile.RunSubject) (time.Time, error) {
	if err := subject.Validate(); err != nil {
		return time.Time{}, err
	}
	tx, err := db.beginRead(ctx)
	if err != nil {
		return time.Time{}, fail("last run", err)
	}
	defer tx.Rollback()

	var at sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(scheduled_at) FROM runs
		WHERE job = ? AND subject_kind = ? AND subject = ? AND state = ?`, job, subject.Kind, subject.ID, runDone).Scan(&at); err != nil {
		return time.Time{}, fail("last run", err)
	}
	if !at.Valid {
		return time.Time{}, tx.Commit()
	}
	return fromNanos(at.Int64), tx.Commit()
}

// runNotClaimed is the ENOTFOUND error of a run no one claimed.
func runNotClaimed(job string, subject extramile.RunSubject, scheduledAt time.Time) error {
	return extramile.Errorf(extramile.ENOTFOUND, "No run of %s for %s at %s was claimed.", job, subject, scheduledAt.UTC().Format(time.RFC3339))
}

// legacySubject is the subject of a run ledger row written before runs had
// a subject kind (migration 0009), when one column held a channel ID, a
// user ID or "*" (a kudos summary run as a whole): "*" is the workspace, an
// ID starting with U or W a person, anything else a channel (C…, G…, D…).
// Migration 0009 applies this rule in SQL; TestMigrationBackfillsRunSubjects
// holds the two to each other.
func legacySubject(channel string) extramile.RunSubject {
	switch {
	case channel == "*":
		return extramile.WorkspaceRun()
	case strings.HasPrefix(channel, "U") || strings.HasPrefix(channel, "W"):
		return extramile.PersonRun(channel)
	}
	return extramile.ChannelRun(channel)
}
