package storage

import "context"

// Subscribe adds channel to the channels that get prompts, roundups and
// digests besides the configured one; by is who asked. It reports whether
// the channel was not subscribed before.
func (db *DB) Subscribe(ctx context.Context, channel, by string) (added bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("subscribe", err)
	}
	defer db.rollback(tx)

	n, err := execCount(ctx, tx, `INSERT INTO subscriptions (channel, created_by, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, channel, by, nanos(db.now()))
	if err != nil {
		return false, fail("subscribe", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("subscribe", err)
	}
	return n == 1, nil
}

// Unsubscribe removes channel from the subscriptions and reports whether it
// was subscribed.
func (db *DB) Unsubscribe(ctx context.Context, channel string) (removed bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("unsubscribe", err)
	}
	defer db.rollback(tx)

	n, err := execCount(ctx, tx, `DELETE FROM subscriptions WHERE channel = ?`, channel)
	if err != nil {
		return false, fail("unsubscribe", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("unsubscribe", err)
	}
	return n == 1, nil
}

// Subscriptions returns the subscribed channels, sorted.
func (db *DB) Subscriptions(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("subscriptions", err)
	}
	defer tx.Rollback()

	channels, err := queryStrings(ctx, tx, `SELECT channel FROM subscriptions ORDER BY channel`)
	if err != nil {
		return nil, fail("subscriptions", err)
	}
	return channels, tx.Commit()
}
