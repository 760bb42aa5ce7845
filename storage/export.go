package storage

import (
	"context"
	"database/sql"

	"github.com/extramile/extramile"
)

// Export returns everything the bot keeps: all stories (private ones too)
// and all kudos, ordered by id, read from one consistent snapshot. People's
// private half-step check-ins are left out (see ExportOptions).
func (db *DB) Export(ctx context.Context) (*extramile.Export, error) {
	return db.ExportWith(ctx, ExportOptions{})
}

// ExportOptions choose what an export includes beyond stories and kudos.
type ExportOptions struct {
	// IncludePrivateCheckins adds people's private half-step check-ins,
	// which are otherwise never exported.
	IncludePrivateCheckins bool
}

// ExportWith is Export with options.
func (db *DB) ExportWith(ctx context.Context, o ExportOptions) (*extramile.Export, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("export", err)
	}
	defer tx.Rollback()

	e := &extramile.Export{}
	if e.Stories, err = exportStories(ctx, tx); err != nil {
		return nil, fail("export stories", err)
	}
	if e.Kudos, err = exportKudos(ctx, tx); err != nil {
		return nil, fail("export kudos", err)
	}
	if o.IncludePrivateCheckins {
		if e.Checkins, err = queryCheckins(ctx, tx, `SELECT user_id, week, text, created_at FROM checkins ORDER BY user_id, week`); err != nil {
			return nil, fail("export check-ins", err)
		}
	}
	return e, tx.Commit()
}

func exportStories(ctx context.Context, tx *sql.Tx) ([]extramile.ExportStory, error) {
	answers, err := followUpAnswers(ctx, tx)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+storyColumns+` FROM stories s ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []extramile.ExportStory{}
	for rows.Next() {
		s, err := scanStory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, extramile.ExportStory{
			ID:         s.ID,
			Author:     s.Author,
			Recognized: s.Recognized,
			Category:   string(s.Way),
			Audience:   string(s.Audience),
			Text:       s.Text,
			Channel:    s.Channel,
			Private:    s.Private,
			Permalink:  s.Permalink,
			SourceLink: s.SourceLink,
			CreatedAt:  s.CreatedAt,
			Lesson:     s.Lesson,
			FollowUp:   answers[s.ID],
		})
	}
	return out, rows.Err()
}

func exportKudos(ctx context.Context, tx *sql.Tx) ([]extramile.ExportKudos, error) {
	kudos, err := queryKudos(ctx, tx, `SELECT `+kudosColumns+` FROM kudos ORDER BY id`)
	if err != nil {
		return nil, err
	}
	out := make([]extramile.ExportKudos, len(kudos))
	for i, k := range kudos {
		out[i] = extramile.ExportKudos{
			Giver:     k.Giver,
			Receiver:  k.Receiver,
			Channel:   k.Channel,
			MessageTS: k.MessageTS,
			Emoji:     k.Emoji,
			StoryID:   k.StoryID,
			Private:   k.Private,
			CreatedAt: k.CreatedAt,
		}
	}
	return out, nil
}
