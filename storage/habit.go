package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/extramile/extramile"
)

// SetNudgesOff records whether user turned the weekly nudge off. Turning it
// on also ends a snooze.
func (db *DB) SetNudgesOff(ctx context.Context, user string, off bool) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("set nudges", err)
	}
	defer db.rollback(tx)

	now := nanos(db.now())
	if off {
		_, err = tx.ExecContext(ctx, `INSERT INTO nudges_off (user_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`, user, now)
	} else {
		if _, err = tx.ExecContext(ctx, `DELETE FROM nudges_off WHERE user_id = ?`, user); err == nil {
			// End a running snooze now; its past part stays excused.
			_, err = tx.ExecContext(ctx, `UPDATE nudge_snoozes SET until_at = ?1 WHERE user_id = ?2 AND until_at > ?1 AND from_at < ?1`, now, user)
		}
	}
	if err != nil {
		return fail("set nudges", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("set nudges", err)
	}
	return nil
}

// Snooze holds user's nudges back from now until until (which must be
// later), replacing a snooze still running.
func (db *DB) Snooze(ctx context.Context, user string, until time.Time) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("snooze", err)
	}
	defer db.rollback(tx)

	now := db.now()
	if !until.After(now) {
		return extramile.Errorf(extramile.EINVALID, "A snooze must end in the future.")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE nudge_snoozes SET until_at = ?1 WHERE user_id = ?2 AND until_at > ?1 AND from_at < ?1`, nanos(now), user); err != nil {
		return fail("snooze", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO nudge_snoozes (user_id, from_at, until_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, from_at) DO UPDATE SET until_at = excluded.until_at`, user, nanos(now), nanos(until)); err != nil {
		return fail("snooze", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("snooze", err)
	}
	return nil
}

// NudgePrefs returns user's choices about the weekly nudge (the zero value
// when they made none).
func (db *DB) NudgePrefs(ctx context.Context, user string) (extramile.NudgePrefs, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return extramile.NudgePrefs{}, fail("nudge prefs", err)
	}
	defer tx.Rollback()

	var p extramile.NudgePrefs
	var until int64
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM nudges_off WHERE user_id = ?1),
		COALESCE((SELECT MAX(until_at) FROM nudge_snoozes WHERE user_id = ?1), 0)`, user).Scan(&p.Off, &until); err != nil {
		return extramile.NudgePrefs{}, fail("nudge prefs", err)
	}
	if until > 0 {
		p.SnoozedUntil = fromNanos(until)
	}
	return p, tx.Commit()
}

// Snoozes returns every snooze user ever took, oldest first, for streaks.
func (db *DB) Snoozes(ctx context.Context, user string) ([]extramile.Snooze, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("snoozes", err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `SELECT from_at, until_at FROM nudge_snoozes WHERE user_id = ? ORDER BY from_at`, user)
	if err != nil {
		return nil, fail("snoozes", err)
	}
	defer rows.Close()
	out := []extramile.Snooze{}
	for rows.Next() {
		var from, until int64
		if err := rows.Scan(&from, &until); err != nil {
			return nil, fail("snoozes", err)
		}
		out = append(out, extramile.Snooze{From: fromNanos(from), Until: fromNanos(until)})
	}
	if err := rows.Err(); err != nil {
		return nil, fail("snoozes", err)
	}
	return out, tx.Commit()
}

// validDate checks a skip date's form, YYYY-MM-DD.
func validDate(date string) error {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return extramile.Errorf(extramile.EINVALID, "Write the date as YYYY-MM-DD, for example 2026-12-25.")
	}
	return nil
}

// SkipDate records that no one is nudged on date (YYYY-MM-DD, read in each
// person's zone), by an admin; skipping a date again changes nothing.
func (db *DB) SkipDate(ctx context.Context, date, by string) error {
	if err := validDate(date); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("skip date", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `INSERT INTO habit_skip_dates (date, created_by, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, date, by, nanos(db.now())); err != nil {
		return fail("skip date", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("skip date", err)
	}
	return nil
}

// UnskipDate removes a skipped date; ok is false when it was not skipped.
func (db *DB) UnskipDate(ctx context.Context, date string) (ok bool, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("unskip date", err)
	}
	defer db.rollback(tx)

	n, err := execCount(ctx, tx, `DELETE FROM habit_skip_dates WHERE date = ?`, date)
	if err != nil {
		return false, fail("unskip date", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("unskip date", err)
	}
	return n > 0, nil
}

// SkipDates returns the skipped dates (YYYY-MM-DD), in order.
func (db *DB) SkipDates(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("skip dates", err)
	}
	defer tx.Rollback()

	dates, err := queryStrings(ctx, tx, `SELECT date FROM habit_skip_dates ORDER BY date`)
	if err != nil {
		return nil, fail("skip dates", err)
	}
	return dates, tx.Commit()
}

// SaveCheckin stores user's private half-step check-in for week, replacing
// one they wrote that week already.
func (db *DB) SaveCheckin(ctx context.Context, user string, week int, text string) error {
	if err := extramile.ValidateAnswer(text); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("save check-in", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `INSERT INTO checkins (user_id, week, text, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, week) DO UPDATE SET text = excluded.text, created_at = excluded.created_at`,
		user, week, text, nanos(db.now())); err != nil {
		return fail("save check-in", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("save check-in", err)
	}
	return nil
}

// Checkins returns user's own check-ins, newest week first, at most limit
// (≤ 0: all). Show them to user alone.
func (db *DB) Checkins(ctx context.Context, user string, limit int) ([]extramile.Checkin, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("check-ins", err)
	}
	defer tx.Rollback()

	if limit <= 0 {
		limit = -1
	}
	out, err := queryCheckins(ctx, tx, `SELECT user_id, week, text, created_at FROM checkins WHERE user_id = ? ORDER BY week DESC LIMIT ?`, user, limit)
	if err != nil {
		return nil, fail("check-ins", err)
	}
	return out, tx.Commit()
}

// CheckinsPage returns one page of user's own check-ins, newest week first,
// from offset (at most limit), and how many they kept in all. Show them to
// user alone.
func (db *DB) CheckinsPage(ctx context.Context, user string, offset, limit int) ([]extramile.Checkin, int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, 0, fail("check-ins", err)
	}
	defer tx.Rollback()

	var total int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM checkins WHERE user_id = ?`, user).Scan(&total); err != nil {
		return nil, 0, fail("check-ins", err)
	}
	out, err := queryCheckins(ctx, tx, `SELECT user_id, week, text, created_at FROM checkins WHERE user_id = ?
		ORDER BY week DESC LIMIT ? OFFSET ?`, user, max(limit, 1), max(offset, 0))
	if err != nil {
		return nil, 0, fail("check-ins", err)
	}
	return out, total, tx.Commit()
}

func queryCheckins(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]extramile.Checkin, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []extramile.Checkin{}
	for rows.Next() {
		var c extramile.Checkin
		var at int64
		if err := rows.Scan(&c.User, &c.Week, &c.Text, &at); err != nil {
			return nil, err
		}
		c.CreatedAt = fromNanos(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// StoryTimes returns when user shared each of their stories at or after
// since, oldest first: what streaks and "shared this week" are computed from.
func (db *DB) StoryTimes(ctx context.Context, user string, since time.Time) ([]time.Time, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("story times", err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `SELECT created_at FROM stories WHERE author = ? AND created_at >= ? ORDER BY created_at`, user, nanos(since))
	if err != nil {
		return nil, fail("story times", err)
	}
	defer rows.Close()
	out := []time.Time{}
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, fail("story times", err)
		}
		out = append(out, fromNanos(at))
	}
	if err := rows.Err(); err != nil {
		return nil, fail("story times", err)
	}
	return out, tx.Commit()
}

// forgetHabit deletes what the habit keeps about user (check-ins, nudge
// choices and snoozes), inside ForgetUser's transaction. Follow-ups go with
// the user's stories.
func forgetHabit(ctx context.Context, tx *sql.Tx, user string) error {
	for _, q := range []string{
		`DELETE FROM checkins WHERE user_id = ?`,
		`DELETE FROM nudges_off WHERE user_id = ?`,
		`DELETE FROM nudge_snoozes WHERE user_id = ?`,
	} {
		if _, err := tx.ExecContext(ctx, q, user); err != nil {
			return err
		}
	}
	return nil
}

// DueFollowUps returns up to limit stories for a customer, shared at or
// before createdBefore with their shoutout posted, whose author was never
// asked the follow-up; oldest first.
func (db *DB) DueFollowUps(ctx context.Context, createdBefore time.Time, limit int) ([]*extramile.Story, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("due follow-ups", err)
	}
	defer tx.Rollback()

	stories, err := queryStories(ctx, tx, `SELECT `+storyColumns+` FROM stories s
		WHERE s.audience = ? AND s.created_at <= ? AND s.shoutout_state = ?
		AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.story_id = s.id)
		ORDER BY s.created_at, s.id LIMIT ?`, string(extramile.AudienceCustomer), nanos(createdBefore), shoutoutPosted, limit)
	if err != nil {
		return nil, fail("due follow-ups", err)
	}
	return stories, tx.Commit()
}

// ClaimFollowUp records that the author of story id is being asked the
// follow-up and reports whether the caller is the one to ask (once per
// story, across processes). false, nil when it was claimed before;
// ENOTFOUND when the story is gone.
func (db *DB) ClaimFollowUp(ctx context.Context, id int64) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("claim follow-up", err)
	}
	defer db.rollback(tx)

	if _, err := findStory(ctx, tx, id); err != nil {
		return false, err
	}
	n, err := execCount(ctx, tx, `INSERT INTO followups (story_id, state, asked_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		id, extramile.FollowUpAsked, nanos(db.now()))
	if err != nil {
		return false, fail("claim follow-up", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("claim follow-up", err)
	}
	return n > 0, nil
}

// AnswerFollowUp stores the author's answer to story id's follow-up. Only
// the story's author may answer (EFORBIDDEN), only once (ECONFLICT after an
// answer or a skip), and only when asked (ENOTFOUND).
func (db *DB) AnswerFollowUp(ctx context.Context, id int64, author, answer string) error {
	if err := extramile.ValidateAnswer(answer); err != nil {
		return err
	}
	return db.closeFollowUp(ctx, id, author, extramile.FollowUpAnswered, answer)
}

// SkipFollowUp records that the author chose not to answer story id's
// follow-up; errors as AnswerFollowUp.
func (db *DB) SkipFollowUp(ctx context.Context, id int64, author string) error {
	return db.closeFollowUp(ctx, id, author, extramile.FollowUpSkipped, "")
}

func (db *DB) closeFollowUp(ctx context.Context, id int64, author, state, answer string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("follow-up", err)
	}
	defer db.rollback(tx)

	s, err := findStory(ctx, tx, id)
	if err != nil {
		return err
	}
	if s.Author != author {
		return extramile.Errorf(extramile.EFORBIDDEN, "Only the story's author can answer its follow-up.")
	}
	f, err := findFollowUp(ctx, tx, id)
	if err != nil {
		return err
	}
	if f.State != extramile.FollowUpAsked {
		return extramile.Errorf(extramile.ECONFLICT, "This follow-up was already answered or skipped.")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE followups SET state = ?, answer = ?, answered_at = ? WHERE story_id = ?`,
		state, strings.TrimSpace(answer), nanos(db.now()), id); err != nil {
		return fail("follow-up", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("follow-up", err)
	}
	return nil
}

// SetFollowUpReply records the ts of the threaded reply that shows story
// id's follow-up answer, and reports whether the caller is the first to
// record one (a second poster should delete its reply).
func (db *DB) SetFollowUpReply(ctx context.Context, id int64, ts string) (bool, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return false, fail("follow-up reply", err)
	}
	defer db.rollback(tx)

	n, err := execCount(ctx, tx, `UPDATE followups SET reply_ts = ? WHERE story_id = ? AND reply_ts = ''`, ts, id)
	if err != nil {
		return false, fail("follow-up reply", err)
	}
	if err := db.commit(tx); err != nil {
		return false, fail("follow-up reply", err)
	}
	return n > 0, nil
}

// FollowUp returns story id's follow-up, or ENOTFOUND when its author was
// never asked.
func (db *DB) FollowUp(ctx context.Context, id int64) (extramile.FollowUp, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return extramile.FollowUp{}, fail("follow-up", err)
	}
	defer tx.Rollback()

	f, err := findFollowUp(ctx, tx, id)
	if err != nil {
		return extramile.FollowUp{}, err
	}
	return f, tx.Commit()
}

func findFollowUp(ctx context.Context, tx *sql.Tx, id int64) (extramile.FollowUp, error) {
	f := extramile.FollowUp{StoryID: id}
	var asked, answered int64
	err := tx.QueryRowContext(ctx, `SELECT state, answer, reply_ts, asked_at, answered_at FROM followups WHERE story_id = ?`, id).
		Scan(&f.State, &f.Answer, &f.ReplyTS, &asked, &answered)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return f, extramile.Errorf(extramile.ENOTFOUND, "This story's follow-up was never asked.")
	case err != nil:
		return f, fail("follow-up", err)
	}
	f.AskedAt = fromNanos(asked)
	if answered > 0 {
		f.AnsweredAt = fromNanos(answered)
	}
	return f, nil
}

// CountFollowUpsAnswered counts the follow-ups answered in [from, to), for
// the digest.
func (db *DB) CountFollowUpsAnswered(ctx context.Context, from, to time.Time) (int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return 0, fail("count follow-ups", err)
	}
	defer tx.Rollback()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM followups WHERE state = ? AND answered_at >= ? AND answered_at < ?`,
		extramile.FollowUpAnswered, lower(from), upper(to)).Scan(&n); err != nil {
		return 0, fail("count follow-ups", err)
	}
	return n, tx.Commit()
}

// followUpAnswers returns the answered follow-ups' texts by story id, for
// exports.
func followUpAnswers(ctx context.Context, tx *sql.Tx) (map[int64]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT story_id, answer FROM followups WHERE state = ?`, extramile.FollowUpAnswered)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var a string
		if err := rows.Scan(&id, &a); err != nil {
			return nil, err
		}
		out[id] = a
	}
	return out, rows.Err()
}

// digestHabit fills d's lessons (the newest of [from, to) visible in scope,
// at most extramile.DigestLessons) and its count of follow-ups answered in
// [from, to) about stories visible in scope.
func digestHabit(ctx context.Context, tx *sql.Tx, d *extramile.Digest, from, to time.Time, scope string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, author, lesson FROM `+scoped("stories", "id, author, lesson, created_at", scope)+`
		WHERE lesson <> '' ORDER BY created_at DESC, id DESC LIMIT :limit`,
		append(periodArgs(from, to, scope), sql.Named("limit", extramile.DigestLessons))...)
	if err != nil {
		return err
	}
	defer rows.Close()
	d.Lessons = nil
	for rows.Next() {
		var l extramile.Lesson
		if err := rows.Scan(&l.StoryID, &l.Author, &l.Text); err != nil {
			return err
		}
		d.Lessons = append(d.Lessons, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	visible := `s.private = 0`
	args := []any{sql.Named("from", lower(from)), sql.Named("to", upper(to)), sql.Named("state", extramile.FollowUpAnswered)}
	if scope != "" {
		visible = `(s.private = 0 OR s.channel = :scope)`
		args = append(args, sql.Named("scope", scope))
	}
	return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM followups f JOIN stories s ON s.id = f.story_id
		WHERE f.state = :state AND f.answered_at >= :from AND f.answered_at < :to AND `+visible, args...).Scan(&d.FollowUps)
}
