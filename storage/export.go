package storage

import (
	"context"
	"database/sql"

	"github.com/extramile/extramile"
)

// Export returns everything the bot keeps: all stories (private ones too)
// and all kudos, ordered by id, read from one consistent snapshot.
func (db *DB) Export(ctx context.Context) (*extramile.Export, error) {
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
	return e, tx.Commit()
}

func exportStories(ctx context.Context, tx *sql.Tx) ([]extramile.ExportStory, error) {
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
