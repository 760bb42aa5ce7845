package storage

import "context"

// SetQuiet records whether user opted out of kudos DMs.
func (db *DB) SetQuiet(ctx context.Context, user string, quiet bool) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("set quiet", err)
	}
	defer db.rollback(tx)

	if quiet {
		_, err = tx.ExecContext(ctx, `INSERT INTO quiet_users (user_id, created_at) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, user, nanos(db.now()))
	} else {
		_, err = tx.ExecContext(ctx, `DELETE FROM quiet_users WHERE user_id = ?`, user)
	}
	if err != nil {
		return fail("set quiet", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("set quiet", err)
	}
	return nil
}

// Quiet reports whether user opted out of kudos DMs.
func (db *DB) Quiet(ctx context.Context, user string) (bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, fail("quiet", err)
	}
	defer tx.Rollback()

	var quiet bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM quiet_users WHERE user_id = ?)`, user).Scan(&quiet); err != nil {
		return false, fail("quiet", err)
	}
	return quiet, tx.Commit()
}
