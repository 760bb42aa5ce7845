package storage

import (
	"context"
)

// PrivacyPending returns the channels some story or kudos was kept in while
// Slack could not tell whether they are private (see
// extramile.Story.PrivacyPending), to resolve them.
func (db *DB) PrivacyPending(ctx context.Context) ([]string, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("privacy pending", err)
	}
	defer tx.Rollback()

	channels, err := queryStrings(ctx, tx, `SELECT channel FROM stories WHERE privacy_pending = 1
		UNION SELECT channel FROM kudos WHERE privacy_pending = 1 ORDER BY 1`)
	if err != nil {
		return nil, fail("privacy pending", err)
	}
	return channels, tx.Commit()
}

// ResolvePrivacy records what Slack said of channel: every story, person
// recognized and kudos kept there while that was unknown becomes private or
// public, and from then on counts where such rows count. It returns how many
// stories and kudos it resolved.
func (db *DB) ResolvePrivacy(ctx context.Context, channel string, private bool) (int, error) {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return 0, fail("resolve privacy", err)
	}
	defer db.rollback(tx)

	p := boolInt(private)
	if _, err := tx.ExecContext(ctx, `UPDATE story_recognized SET private = ?
		WHERE story_id IN (SELECT id FROM stories WHERE channel = ? AND privacy_pending = 1)`, p, channel); err != nil {
		return 0, fail("resolve privacy", err)
	}
	stories, err := execCount(ctx, tx, `UPDATE stories SET private = ?, privacy_pending = 0
		WHERE channel = ? AND privacy_pending = 1`, p, channel)
	if err != nil {
		return 0, fail("resolve privacy", err)
	}
	kudos, err := execCount(ctx, tx, `UPDATE kudos SET private = ?, privacy_pending = 0
		WHERE channel = ? AND privacy_pending = 1`, p, channel)
	if err != nil {
		return 0, fail("resolve privacy", err)
	}
	if err := db.commit(tx); err != nil {
		return 0, fail("resolve privacy", err)
	}
	return stories + kudos, nil
}
