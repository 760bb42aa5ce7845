package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/extramile/extramile"
)

// Shoutout states of a story.
const (
	shoutoutPending = "pending" // not posted yet (resumed after a restart)
	shoutoutPosted  = "posted"
	shoutoutFailed  = "failed" // undeliverable; never retried automatically
)

// storyColumns is the select list scanStory reads, for "stories s".
const storyColumns = `s.id, s.author, s.audience, s.way, s.text, s.channel, s.private, s.privacy_pending,
	s.shoutout_ts, s.permalink, s.source_channel, s.source_ts, s.source_link, s.created_at, s.updated_at,
	(SELECT json_group_array(r.user_id ORDER BY r.position) FROM story_recognized r WHERE r.story_id = s.id),
	s.lesson`

// CreateStory validates s and stores it with its shoutout pending, setting
// s.ID, s.CreatedAt and s.UpdatedAt. Duplicate recognized users are dropped.
func (db *DB) CreateStory(ctx context.Context, s *extramile.Story) error {
	if err := s.Validate(); err != nil {
		return err
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("create story", err)
	}
	defer db.rollback(tx)

	now := db.now()
	if err := createStory(ctx, tx, s, now); err != nil {
		return fail("create story", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("create story", err)
	}
	return nil
}

func createStory(ctx context.Context, tx *sql.Tx, s *extramile.Story, now time.Time) error {
	res, err := tx.ExecContext(ctx, `
		INSERT INTO stories (author, audience, way, text, lesson, channel, private, privacy_pending, shoutout_state,
			source_channel, source_ts, source_link, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.Author, string(s.Audience), string(s.Way), s.Text, s.Lesson, s.Channel, boolInt(s.Private || s.PrivacyPending),
		boolInt(s.PrivacyPending), shoutoutPending, s.SourceChannel, s.SourceTS, s.SourceLink, nanos(now), nanos(now))
	if err != nil {
		return err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt = id, now, now
	s.Private = s.Private || s.PrivacyPending
	s.ShoutoutTS, s.Permalink = "", ""
	s.Recognized = uniq(s.Recognized)
	return insertRecognized(ctx, tx, s)
}

// insertRecognized stores s.Recognized, in order, with the story's
// immutable created_at, private and channel.
func insertRecognized(ctx context.Context, tx *sql.Tx, s *extramile.Story) error {
	stmt, err := tx.PrepareContext(ctx, `
		INSERT INTO story_recognized (story_id, user_id, position, created_at, private, channel)
		VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i, u := range s.Recognized {
		if _, err := stmt.ExecContext(ctx, s.ID, u, i, nanos(s.CreatedAt), boolInt(s.Private), s.Channel); err != nil {
			return fmt.Errorf("recognize %s: %w", u, err)
		}
	}
	return nil
}

// uniq returns a without empty strings and repeats, in first-seen order.
func uniq(a []string) []string {
	out := make([]string, 0, len(a))
	seen := make(map[string]bool, len(a))
	for _, v := range a {
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// FindStory returns the story with the id, or an ENOTFOUND error.
func (db *DB) FindStory(ctx context.Context, id int64) (*extramile.Story, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("find story", err)
	}
	defer tx.Rollback()

	s, err := findStory(ctx, tx, id)
	if err != nil {
		return nil, fail("find story", err)
	}
	return s, tx.Commit()
}

func findStory(ctx context.Context, tx *sql.Tx, id int64) (*extramile.Story, error) {
	s, err := scanStory(tx.QueryRowContext(ctx, `SELECT `+storyColumns+` FROM stories s WHERE s.id = ?`, id))
	if err == sql.ErrNoRows {
		return nil, errStoryNotFound()
	}
	return s, err
}

func errStoryNotFound() error {
	return extramile.Errorf(extramile.ENOTFOUND, "That story doesn't exist (it may have been deleted).")
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanStory(r scanner) (*extramile.Story, error) {
	var (
		s                extramile.Story
		audience, way    string
		private, pending int64
		created, updated int64
		recognized       string
	)
	if err := r.Scan(&s.ID, &s.Author, &audience, &way, &s.Text, &s.Channel, &private, &pending,
		&s.ShoutoutTS, &s.Permalink, &s.SourceChannel, &s.SourceTS, &s.SourceLink, &created, &updated, &recognized, &s.Lesson); err != nil {
		return nil, err
	}
	s.Audience, s.Way, s.Private, s.PrivacyPending = extramile.Audience(audience), extramile.Way(way), private != 0, pending != 0
	s.CreatedAt, s.UpdatedAt = fromNanos(created), fromNanos(updated)
	if err := json.Unmarshal([]byte(recognized), &s.Recognized); err != nil {
		return nil, fmt.Errorf("story %d: recognized: %w", s.ID, err)
	}
	return &s, nil
}

// queryStories runs a query selecting storyColumns.
func queryStories(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]*extramile.Story, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stories := []*extramile.Story{}
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return nil, err
		}
		stories = append(stories, s)
	}
	return stories, rows.Err()
}

// UpdateStory changes the story's Text, Recognized, Audience and Way (its
// author, channel and privacy never change), validates the result and sets
// UpdatedAt. On success *s holds the story as stored. ENOTFOUND if it is gone.
func (db *DB) UpdateStory(ctx context.Context, s *extramile.Story) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("update story", err)
	}
	defer db.rollback(tx)

	now := db.now()
	updated, err := updateStory(ctx, tx, s, now)
	if err != nil {
		return fail("update story", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("update story", err)
	}
	*s = *updated
	return nil
}

func updateStory(ctx context.Context, tx *sql.Tx, upd *extramile.Story, now time.Time) (*extramile.Story, error) {
	s, err := findStory(ctx, tx, upd.ID)
	if err != nil {
		return nil, err
	}
	s.Text, s.Audience, s.Way, s.Lesson = upd.Text, upd.Audience, upd.Way, upd.Lesson
	s.Recognized = append([]string(nil), upd.Recognized...)
	if err := s.Validate(); err != nil {
		return nil, err
	}
	s.Recognized = uniq(s.Recognized)
	s.UpdatedAt = now
	if _, err := tx.ExecContext(ctx, `
		UPDATE stories SET text = ?, audience = ?, way = ?, lesson = ?, updated_at = ? WHERE id = ?`,
		s.Text, string(s.Audience), string(s.Way), s.Lesson, nanos(now), s.ID); err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM story_recognized WHERE story_id = ?`, s.ID); err != nil {
		return nil, err
	}
	if err := insertRecognized(ctx, tx, s); err != nil {
		return nil, err
	}
	if err := retargetKudos(ctx, tx, s); err != nil {
		return nil, fmt.Errorf("move kudos to the people the story thanks now: %w", err)
	}
	return s, nil
}

// retargetKudos makes the kudos given on a story's shoutout go to the people
// the story recognizes now: each reaction (giver, emoji) gives one kudos to
// each of them but the giver, at the time it was given. Someone an edit
// removed from the story loses those kudos; someone it added gets them.
func retargetKudos(ctx context.Context, tx *sql.Tx, s *extramile.Story) error {
	type reaction struct {
		giver, channel, ts, emoji string
		private, pending          int64
		created                   int64
	}
	rows, err := tx.QueryContext(ctx, `SELECT giver, channel, message_ts, emoji, max(private), max(privacy_pending), min(created_at)
		FROM kudos WHERE story_id = ? GROUP BY giver, channel, message_ts, emoji`, s.ID)
	if err != nil {
		return err
	}
	var reactions []reaction
	for rows.Next() {
		var r reaction
		if err := rows.Scan(&r.giver, &r.channel, &r.ts, &r.emoji, &r.private, &r.pending, &r.created); err != nil {
			rows.Close()
			return err
		}
		reactions = append(reactions, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(reactions) == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM kudos WHERE story_id = ?`, s.ID); err != nil {
		return err
	}
	for _, r := range reactions {
		for _, u := range s.Recognized {
			if u == r.giver {
				continue // never kudos to yourself
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO kudos (giver, receiver, channel, message_ts, emoji, story_id, private, privacy_pending, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				r.giver, u, r.channel, r.ts, r.emoji, s.ID, r.private, r.pending, r.created); err != nil {
				return err
			}
		}
	}
	return nil
}

// SetShoutout records that the story's shoutout was posted as message ts
// (in the story's channel) with the permalink. ENOTFOUND if the story is gone.
func (db *DB) SetShoutout(ctx context.Context, id int64, ts, permalink string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("set shoutout", err)
	}
	defer db.rollback(tx)

	if err := setShoutoutState(ctx, tx, id, shoutoutPosted, ts, permalink, ""); err != nil {
		return fail("set shoutout", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("set shoutout", err)
	}
	return nil
}

// SetShoutoutFailed records that the story's shoutout cannot be delivered,
// and why. The story is kept; it is never retried automatically.
// ENOTFOUND if the story is gone.
func (db *DB) SetShoutoutFailed(ctx context.Context, id int64, reason string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("set shoutout failed", err)
	}
	defer db.rollback(tx)

	if err := setShoutoutState(ctx, tx, id, shoutoutFailed, "", "", reason); err != nil {
		return fail("set shoutout failed", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("set shoutout failed", err)
	}
	return nil
}

func setShoutoutState(ctx context.Context, tx *sql.Tx, id int64, state, ts, permalink, reason string) error {
	res, err := tx.ExecContext(ctx, `
		UPDATE stories SET shoutout_state = ?, shoutout_ts = ?, permalink = ?, shoutout_error = ?,
			lease_owner = '', lease_until = 0
		WHERE id = ?`, state, ts, permalink, reason, id)
	if err != nil {
		return err
	}
	return mustAffect(res, errStoryNotFound)
}

// mustAffect returns notFound() if res affected no row.
func mustAffect(res sql.Result, notFound func() error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound()
	}
	return nil
}

// Queries of stories by shoutout.
const (
	pendingSQL = `SELECT ` + storyColumns + ` FROM stories s
		WHERE s.shoutout_state = 'pending' ORDER BY s.created_at, s.id`
	byShoutoutSQL = `SELECT ` + storyColumns + ` FROM stories s
		WHERE s.channel = ? AND s.shoutout_ts = ? AND s.shoutout_ts <> ''` // <> '': the partial index
)

// PendingShoutouts returns the stories whose shoutout is neither posted nor
// failed, oldest first, to resume them after a restart.
func (db *DB) PendingShoutouts(ctx context.Context) ([]*extramile.Story, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("pending shoutouts", err)
	}
	defer tx.Rollback()

	stories, err := queryStories(ctx, tx, pendingSQL)
	if err != nil {
		return nil, fail("pending shoutouts", err)
	}
	return stories, tx.Commit()
}

// StoryByShoutout returns the story whose shoutout is message ts in channel,
// or an ENOTFOUND error.
func (db *DB) StoryByShoutout(ctx context.Context, channel, ts string) (*extramile.Story, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("story by shoutout", err)
	}
	defer tx.Rollback()

	if ts == "" {
		return nil, errStoryNotFound()
	}
	s, err := scanStory(tx.QueryRowContext(ctx, byShoutoutSQL, channel, ts))
	if err == sql.ErrNoRows {
		return nil, errStoryNotFound()
	} else if err != nil {
		return nil, fail("story by shoutout", err)
	}
	return s, tx.Commit()
}

// DeleteStory removes the story, the people it recognized and the kudos
// given on its shoutout: it no longer counts anywhere. ENOTFOUND if absent.
func (db *DB) DeleteStory(ctx context.Context, id int64) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("delete story", err)
	}
	defer db.rollback(tx)

	res, err := tx.ExecContext(ctx, `DELETE FROM stories WHERE id = ?`, id) // cascades
	if err != nil {
		return fail("delete story", err)
	}
	if err := mustAffect(res, errStoryNotFound); err != nil {
		return err
	}
	if err := db.commit(tx); err != nil {
		return fail("delete story", err)
	}
	return nil
}

// The queries of StoriesFor: the stories :user authored or was recognized in.
const (
	storiesOfUser = `SELECT id, created_at FROM stories WHERE author = :user
		UNION SELECT story_id, created_at FROM story_recognized WHERE user_id = :user`
	storiesForCountSQL = `SELECT count(*) FROM (` + storiesOfUser + `)`
	// The page is cut from the covering indexes; only its stories are read.
	storiesForSQL = `SELECT ` + storyColumns + ` FROM (
			SELECT id, created_at FROM (` + storiesOfUser + `)
			ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset
		) AS page
		JOIN stories s ON s.id = page.id
		ORDER BY page.created_at DESC, page.id DESC`
)

// StoriesFor returns a page of the stories user authored or was recognized
// in, newest first, and how many there are in all. Private stories are
// included (they concern the user); limit <= 0 means no limit.
func (db *DB) StoriesFor(ctx context.Context, user string, offset, limit int) ([]*extramile.Story, int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, 0, fail("stories for user", err)
	}
	defer tx.Rollback()

	var total int
	if err := tx.QueryRowContext(ctx, storiesForCountSQL, sql.Named("user", user)).Scan(&total); err != nil {
		return nil, 0, fail("stories for user", err)
	}
	if limit <= 0 {
		limit = -1
	}
	offset = max(offset, 0)
	stories, err := queryStories(ctx, tx, storiesForSQL,
		sql.Named("user", user), sql.Named("limit", limit), sql.Named("offset", offset))
	if err != nil {
		return nil, 0, fail("stories for user", err)
	}
	return stories, total, tx.Commit()
}

// Stories returns the stories created in [f.From, f.To) visible in f.Visibility.Channel,
// oldest first, at most f.Limit of them (0: all).
func (db *DB) Stories(ctx context.Context, f extramile.StoryFilter) ([]*extramile.Story, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("list stories", err)
	}
	defer tx.Rollback()

	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	args := append(periodArgs(f.From, f.To, f.Visibility.Channel), sql.Named("limit", limit))
	stories, err := queryStories(ctx, tx, `SELECT `+storyColumns+` FROM `+scoped("stories", "*", f.Visibility.Channel)+` AS s
		ORDER BY s.created_at, s.id LIMIT :limit`, args...)
	if err != nil {
		return nil, fail("list stories", err)
	}
	return stories, tx.Commit()
}

// ForgetUser deletes every story user authored (with the kudos on their
// shoutouts) and every kudos user gave, in one transaction, and returns how
// many stories and kudos the user had.
func (db *DB) ForgetUser(ctx context.Context, user string) (stories, kudos int, err error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, 0, fail("forget user", err)
	}
	defer db.rollback(tx)

	if kudos, err = execCount(ctx, tx, `DELETE FROM kudos WHERE giver = ?`, user); err != nil {
		return 0, 0, fail("forget user", err)
	}
	if stories, err = execCount(ctx, tx, `DELETE FROM stories WHERE author = ?`, user); err != nil {
		return 0, 0, fail("forget user", err)
	}
	if _, err = tx.ExecContext(ctx, `DELETE FROM home_opened WHERE user_id = ?`, user); err != nil {
		return 0, 0, fail("forget user", err)
	}
	if err := forgetHabit(ctx, tx, user); err != nil {
		return 0, 0, fail("forget user", err)
	}
	if err := db.commit(tx); err != nil {
		return 0, 0, fail("forget user", err)
	}
	return stories, kudos, nil
}

// execCount runs a statement and returns how many rows it changed.
func execCount(ctx context.Context, tx *sql.Tx, query string, args ...any) (int, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// queryStrings runs a query selecting one text column and returns its
// values, never nil.
func queryStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// AddStoryMessage records a message of the bot's that shows story id's text
// (see extramile.StoryMessage). Nothing is recorded for a story deleted
// meanwhile.
func (db *DB) AddStoryMessage(ctx context.Context, m extramile.StoryMessage) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("add story message", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `INSERT INTO story_messages (story_id, channel, ts, kind)
		SELECT ?1, ?2, ?3, ?4 WHERE EXISTS (SELECT 1 FROM stories WHERE id = ?1)
		ON CONFLICT DO NOTHING`, m.StoryID, m.Channel, m.TS, string(m.Kind)); err != nil {
		return fail("add story message", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("add story message", err)
	}
	return nil
}

// StoryMessages returns the recorded messages of the stories with the ids.
func (db *DB) StoryMessages(ctx context.Context, ids ...int64) ([]extramile.StoryMessage, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("story messages", err)
	}
	defer tx.Rollback()

	out := []extramile.StoryMessage{}
	for _, id := range ids {
		rows, err := tx.QueryContext(ctx, `SELECT channel, ts, kind FROM story_messages WHERE story_id = ? ORDER BY ts`, id)
		if err != nil {
			return nil, fail("story messages", err)
		}
		for rows.Next() {
			m := extramile.StoryMessage{StoryID: id}
			var kind string
			if err := rows.Scan(&m.Channel, &m.TS, &kind); err != nil {
				rows.Close()
				return nil, fail("story messages", err)
			}
			m.Kind = extramile.StoryMessageKind(kind)
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fail("story messages", err)
		}
	}
	return out, tx.Commit()
}

// SetSourceLink records the permalink of the message a story was shared
// from. ENOTFOUND if the story is gone.
func (db *DB) SetSourceLink(ctx context.Context, id int64, link string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("set source link", err)
	}
	defer db.rollback(tx)

	res, err := tx.ExecContext(ctx, `UPDATE stories SET source_link = ? WHERE id = ?`, link, id)
	if err != nil {
		return fail("set source link", err)
	}
	if err := mustAffect(res, errStoryNotFound); err != nil {
		return fail("set source link", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("set source link", err)
	}
	return nil
}
