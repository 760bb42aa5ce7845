package storage

import (
	"context"
	"database/sql"

	"github.com/extramile/extramile"
)

// HomeOpened records that user opened the bot's Home tab now.
func (db *DB) HomeOpened(ctx context.Context, user string) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fail("home opened", err)
	}
	defer db.rollback(tx)

	if _, err := tx.ExecContext(ctx, `INSERT INTO home_opened (user_id, opened_at) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET opened_at = excluded.opened_at`, user, nanos(db.now())); err != nil {
		return fail("home opened", err)
	}
	if err := db.commit(tx); err != nil {
		return fail("home opened", err)
	}
	return nil
}

// OpenedHome returns which of users have ever opened the bot's Home tab,
// in the order given, without repeats.
func (db *DB) OpenedHome(ctx context.Context, users []string) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("opened home", err)
	}
	defer tx.Rollback()

	var out []string
	for _, u := range uniq(users) {
		var opened bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM home_opened WHERE user_id = ?)`, u).Scan(&opened); err != nil {
			return nil, fail("opened home", err)
		}
		if opened {
			out = append(out, u)
		}
	}
	return out, tx.Commit()
}

// HomeUsers returns everyone who has opened the bot's Home tab, most
// recent first.
func (db *DB) HomeUsers(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("home users", err)
	}
	defer tx.Rollback()

	rows, err := tx.QueryContext(ctx, `SELECT user_id FROM home_opened ORDER BY opened_at DESC, user_id`)
	if err != nil {
		return nil, fail("home users", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fail("home users", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fail("home users", err)
	}
	return out, tx.Commit()
}

// The queries of StoriesAbout and StoriesBy.
const (
	storiesAboutIDs = `SELECT story_id AS id, created_at FROM story_recognized WHERE user_id = :user`
	storiesByIDs    = `SELECT id, created_at FROM stories WHERE author = :user`
)

// StoriesAbout returns a page of the stories user was recognized in,
// newest first, and how many there are in all; private ones included (they
// concern the user). limit <= 0 means no limit.
func (db *DB) StoriesAbout(ctx context.Context, user string, offset, limit int) ([]*extramile.Story, int, error) {
	return db.storiesPage(ctx, "stories about user", storiesAboutIDs, user, offset, limit)
}

// StoriesBy returns a page of the stories user shared, newest first, and
// how many there are in all. limit <= 0 means no limit.
func (db *DB) StoriesBy(ctx context.Context, user string, offset, limit int) ([]*extramile.Story, int, error) {
	return db.storiesPage(ctx, "stories by user", storiesByIDs, user, offset, limit)
}

func (db *DB) storiesPage(ctx context.Context, what, ids, user string, offset, limit int) ([]*extramile.Story, int, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, 0, fail(what, err)
	}
	defer tx.Rollback()

	var total int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+ids+`)`, sql.Named("user", user)).Scan(&total); err != nil {
		return nil, 0, fail(what, err)
	}
	if limit <= 0 {
		limit = -1
	}
	stories, err := queryStories(ctx, tx, `SELECT `+storyColumns+` FROM (
			SELECT id, created_at FROM (`+ids+`)
			ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset
		) AS page
		JOIN stories s ON s.id = page.id
		ORDER BY page.created_at DESC, page.id DESC`,
		sql.Named("user", user), sql.Named("limit", limit), sql.Named("offset", max(offset, 0)))
	if err != nil {
		return nil, 0, fail(what, err)
	}
	return stories, total, tx.Commit()
}
