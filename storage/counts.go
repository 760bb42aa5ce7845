package storage

import (
	"context"
	"time"
)

// CountSubmitted returns how many stories user shared and how many kudos they
// gave: what ForgetUser would delete.
func (db *DB) CountSubmitted(ctx context.Context, user string) (stories, kudos int, err error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, 0, fail("count submitted", err)
	}
	defer tx.Rollback()

	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM stories WHERE author = ?`, user).Scan(&stories); err != nil {
		return 0, 0, fail("count submitted", err)
	}
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM kudos WHERE giver = ?`, user).Scan(&kudos); err != nil {
		return 0, 0, fail("count submitted", err)
	}
	return stories, kudos, tx.Commit()
}

// KudosReceivers returns, sorted, everyone who received kudos in [from, to),
// in public or private channels (for the daily kudos DM).
func (db *DB) KudosReceivers(ctx context.Context, from, to time.Time) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("kudos receivers", err)
	}
	defer tx.Rollback()

	users, err := queryStrings(ctx, tx, `
		SELECT receiver FROM kudos WHERE private = 0 AND created_at >= ?1 AND created_at < ?2
		UNION
		SELECT receiver FROM kudos WHERE private = 1 AND created_at >= ?1 AND created_at < ?2
		ORDER BY 1`, lower(from), upper(to))
	if err != nil {
		return nil, fail("kudos receivers", err)
	}
	return users, tx.Commit()
}
