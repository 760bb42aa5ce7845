package storage

import (
	"context"
	"database/sql"
	"time"

	"github.com/extramile/extramile"
)

// AddKudos records a kudos reaction atomically: a reaction already counted
// (same giver, channel, message and emoji) is a Duplicate; a giver who has
// DailyMax reactions counted in [DayStart, DayEnd) is refused with
// LimitReached; otherwise one kudos per receiver is inserted. The kudos'
// time is the clock's, which should fall in the giver's day.
// ENOTFOUND if StoryID names a story that no longer exists.
func (db *DB) AddKudos(ctx context.Context, g extramile.KudosGift) (extramile.KudosResult, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return extramile.KudosResult{}, fail("add kudos", err)
	}
	defer db.rollback(tx)

	now := db.now()
	r, err := addKudos(ctx, tx, g, now)
	if err != nil {
		return extramile.KudosResult{}, fail("add kudos", err)
	}
	if err := db.commit(tx); err != nil {
		return extramile.KudosResult{}, fail("add kudos", err)
	}
	return r, nil
}

// Queries of AddKudos.
const (
	reactionExistsSQL = `SELECT EXISTS (SELECT 1 FROM kudos
		WHERE giver = ? AND channel = ? AND message_ts = ? AND emoji = ?)`
	givenInDaySQL = `SELECT count(*) FROM (
		SELECT DISTINCT channel, message_ts, emoji FROM kudos
		WHERE giver = ? AND created_at >= ? AND created_at < ?)`
)

func addKudos(ctx context.Context, tx *sql.Tx, g extramile.KudosGift, now time.Time) (extramile.KudosResult, error) {
	var r extramile.KudosResult
	stale, err := orderReaction(ctx, tx, g.Giver, g.Channel, g.MessageTS, g.Emoji, g.EventTS, now)
	if err != nil || stale {
		r.Stale = stale
		return r, err
	}
	err = tx.QueryRowContext(ctx, reactionExistsSQL, g.Giver, g.Channel, g.MessageTS, g.Emoji).Scan(&r.Duplicate)
	if err != nil {
		return r, err
	}
	if !r.Duplicate {
		given, err := givenInDay(ctx, tx, g)
		if err != nil {
			return r, err
		}
		if g.DailyMax > 0 && given >= g.DailyMax {
			r.LimitReached, r.GivenToday = true, given
			return r, nil
		}
		if r.Added, err = insertKudos(ctx, tx, g, now); err != nil {
			return r, err
		}
	}
	r.GivenToday, err = givenInDay(ctx, tx, g)
	return r, err
}

// givenInDay counts the giver's distinct reactions in [DayStart, DayEnd).
func givenInDay(ctx context.Context, tx *sql.Tx, g extramile.KudosGift) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, givenInDaySQL, g.Giver, lower(g.DayStart), upper(g.DayEnd)).Scan(&n)
	return n, err
}

func insertKudos(ctx context.Context, tx *sql.Tx, g extramile.KudosGift, now time.Time) (int, error) {
	var storyID any // NULL when not on a shoutout
	if g.StoryID != 0 {
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stories WHERE id = ?)`, g.StoryID).Scan(&exists); err != nil {
			return 0, err
		}
		if !exists {
			return 0, errStoryNotFound()
		}
		storyID = g.StoryID
	}
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO kudos (giver, receiver, channel, message_ts, emoji, story_id, private, privacy_pending, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	added := 0
	for _, rcv := range uniq(g.Receivers) {
		res, err := stmt.ExecContext(ctx, g.Giver, rcv, g.Channel, g.MessageTS, g.Emoji, storyID, boolInt(g.Private || g.PrivacyPending), boolInt(g.PrivacyPending), nanos(now))
		if err != nil {
			return added, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return added, err
		}
		added += int(n)
	}
	return added, nil
}

// RemoveKudos removes the kudos of one reaction (the giver took it back)
// and returns how many rows it removed. stale reports that a newer event of
// the same kudos was applied already (nothing was removed).
func (db *DB) RemoveKudos(ctx context.Context, t extramile.KudosTakeBack) (removed int, stale bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, false, fail("remove kudos", err)
	}
	defer db.rollback(tx)

	stale, err = orderReaction(ctx, tx, t.Giver, t.Channel, t.MessageTS, t.Emoji, t.EventTS, db.now())
	if err != nil {
		return 0, false, fail("remove kudos", err)
	}
	if !stale {
		removed, err = execCount(ctx, tx, `DELETE FROM kudos
			WHERE giver = ? AND channel = ? AND message_ts = ? AND emoji = ?`, t.Giver, t.Channel, t.MessageTS, t.Emoji)
		if err != nil {
			return 0, false, fail("remove kudos", err)
		}
	}
	if err := db.commit(tx); err != nil {
		return 0, false, fail("remove kudos", err)
	}
	return removed, stale, nil
}

// orderReaction keeps the events of one kudos (giver, message, emoji) in
// Slack's order whichever process handles them, and in whatever order: it
// reports whether an event with eventTS is stale (no newer than the last one
// applied), and otherwise records it as the last one. An event without a
// time is never stale.
func orderReaction(ctx context.Context, tx *sql.Tx, giver, channel, ts, emoji, eventTS string, now time.Time) (bool, error) {
	if eventTS == "" {
		return false, nil
	}
	var last string
	err := tx.QueryRowContext(ctx, `SELECT last_event_ts FROM reaction_order
		WHERE giver = ? AND channel = ? AND message_ts = ? AND emoji = ?`, giver, channel, ts, emoji).Scan(&last)
	switch {
	case err == sql.ErrNoRows:
	case err != nil:
		return false, err
	case extramile.CompareTS(eventTS, last) <= 0:
		return true, nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO reaction_order (giver, channel, message_ts, emoji, last_event_ts, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT DO UPDATE SET last_event_ts = excluded.last_event_ts, updated_at = excluded.updated_at`,
		giver, channel, ts, emoji, eventTS, nanos(now))
	return false, err
}

// KudosReceived returns the kudos receiver got in [from, to) (a zero time is
// unbounded), oldest first, private ones included.
func (db *DB) KudosReceived(ctx context.Context, receiver string, from, to time.Time) ([]extramile.Kudos, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("kudos received", err)
	}
	defer tx.Rollback()

	kudos, err := queryKudos(ctx, tx, kudosReceivedSQL, receiver, lower(from), upper(to))
	if err != nil {
		return nil, fail("kudos received", err)
	}
	return kudos, tx.Commit()
}

const (
	// kudosColumns is the select list queryKudos reads.
	kudosColumns     = `id, giver, receiver, channel, message_ts, emoji, coalesce(story_id, 0), private, privacy_pending, created_at`
	kudosReceivedSQL = `SELECT ` + kudosColumns + ` FROM kudos
		WHERE receiver = ? AND created_at >= ? AND created_at < ?
		ORDER BY created_at, id`
)

func queryKudos(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]extramile.Kudos, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kudos := []extramile.Kudos{}
	for rows.Next() {
		var (
			k       extramile.Kudos
			private int64
			pending int64
			created int64
		)
		if err := rows.Scan(&k.ID, &k.Giver, &k.Receiver, &k.Channel, &k.MessageTS, &k.Emoji,
			&k.StoryID, &private, &pending, &created); err != nil {
			return nil, err
		}
		k.Private, k.PrivacyPending, k.CreatedAt = private != 0, pending != 0, fromNanos(created)
		kudos = append(kudos, k)
	}
	return kudos, rows.Err()
}

// KudosGiven reports whether giver's reaction emoji on the message ts of
// channel is kept as kudos: a reaction taken back after the kudos emoji
// changed is still taken back (bot.handleReaction).
func (db *DB) KudosGiven(ctx context.Context, giver, channel, ts, emoji string) (bool, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return false, fail("kudos given", err)
	}
	defer tx.Rollback()
	var given bool
	if err := tx.QueryRowContext(ctx, reactionExistsSQL, giver, channel, ts, emoji).Scan(&given); err != nil {
		return false, fail("kudos given", err)
	}
	return given, nil
}
