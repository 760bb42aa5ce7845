package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/extramile/extramile"
)

// scoped returns a subquery of the rows of table (stories, story_recognized
// or kudos: each has private, channel and created_at) created in
// [:from, :to) and visible in scope: public rows, plus the private rows of
// channel :scope when scope is not empty. Each half reads one partial index.
//
// The indexes are named (INDEXED BY) because with planner statistics SQLite
// may prefer walking an index in GROUP BY order (kudos by receiver) and
// looking up every row of the table, which is ruinous for large periods.
func scoped(table, cols, scope string) string {
	q := `SELECT ` + cols + ` FROM ` + table + ` INDEXED BY ` + table + `_public_time
		WHERE private = 0 AND created_at >= :from AND created_at < :to`
	if scope != "" {
		q += ` UNION ALL SELECT ` + cols + ` FROM ` + table + ` INDEXED BY ` + table + `_private_time
			WHERE private = 1 AND channel = :scope AND created_at >= :from AND created_at < :to`
	}
	return `(` + q + `)`
}

// periodArgs are the named arguments of a scoped subquery.
func periodArgs(from, to time.Time, scope string) []any {
	args := []any{sql.Named("from", lower(from)), sql.Named("to", upper(to))}
	if scope != "" {
		args = append(args, sql.Named("scope", scope))
	}
	return args
}

// Top returns the most recognized people of [from, to) (a zero time is
// unbounded) in public stories and kudos: each person's stories recognizing
// them plus kudos received, ordered by total, then stories (both descending),
// then user ID; at most limit of them (0: all).
func (db *DB) Top(ctx context.Context, from, to time.Time, limit int) ([]extramile.Tally, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("top", err)
	}
	defer tx.Rollback()

	tallies, err := top(ctx, tx, from, to, "", limit)
	if err != nil {
		return nil, fail("top", err)
	}
	return tallies, tx.Commit()
}

func top(ctx context.Context, tx *sql.Tx, from, to time.Time, scope string, limit int) ([]extramile.Tally, error) {
	p, err := plan(ctx, tx, from, to, scope)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1
	}
	q, args := p.tallyQuery(false)
	rows, err := tx.QueryContext(ctx, `SELECT user_id, recognized, kudos FROM (`+q+`)
		WHERE recognized + kudos > 0
		ORDER BY recognized + kudos DESC, recognized DESC, user_id
		LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	tallies := []extramile.Tally{}
	for rows.Next() {
		var t extramile.Tally
		if err := rows.Scan(&t.User, &t.Stories, &t.Kudos); err != nil {
			return nil, err
		}
		tallies = append(tallies, t)
	}
	return tallies, rows.Err()
}

// plan plans counting [from, to) in scope.
func plan(ctx context.Context, tx *sql.Tx, from, to time.Time, scope string) (period, error) {
	first, last, ok, err := rollupMonths(ctx, tx)
	if err != nil {
		return period{}, err
	}
	return planPeriod(from, to, scope, first, last, ok), nil
}

// Digest summarizes the stories and kudos of [q.From, q.To) visible in
// q.Visibility, with the previous period [q.PrevFrom, q.From) when PrevFrom is
// set. Kudos counts are kudos rows (a reaction to a shoutout recognizing
// three people is three kudos).
func (db *DB) Digest(ctx context.Context, q extramile.DigestQuery) (*extramile.Digest, error) {
	tx, err := db.beginRead(ctx)
	if err != nil {
		return nil, fail("digest", err)
	}
	defer tx.Rollback()

	d, err := digest(ctx, tx, q.From, q.To, q.Visibility.Channel, q.TopN)
	if err != nil {
		return nil, fail("digest", err)
	}
	if err := digestHabit(ctx, tx, d, q.From, q.To, q.Visibility.Channel); err != nil {
		return nil, fail("digest lessons and follow-ups", err)
	}
	if q.Location != nil {
		if d.Weeks, err = weekCounts(ctx, tx, extramile.MonthWeeks(q.From, q.To, q.Location), q.Visibility.Channel); err != nil {
			return nil, fail("digest weeks", err)
		}
	}
	if !q.PrevFrom.IsZero() {
		if d.Previous, err = digest(ctx, tx, q.PrevFrom, q.From, q.Visibility.Channel, q.TopN); err != nil {
			return nil, fail("digest of the previous period", err)
		}
		if q.Location != nil {
			if d.Previous.Weeks, err = weekCounts(ctx, tx, extramile.MonthWeeks(q.PrevFrom, q.From, q.Location), q.Visibility.Channel); err != nil {
				return nil, fail("digest weeks of the previous period", err)
			}
		}
	}
	return d, tx.Commit()
}

// weekCounts counts the stories of each week (consecutive spans, as
// extramile.MonthWeeks makes them) visible in scope, in one pass over the
// period's rows.
func weekCounts(ctx context.Context, tx *sql.Tx, weeks []extramile.WeekCount, scope string) ([]extramile.WeekCount, error) {
	if len(weeks) == 0 || weeks[0].From.IsZero() || weeks[len(weeks)-1].To.IsZero() {
		return weeks, nil
	}
	args := periodArgs(weeks[0].From, weeks[len(weeks)-1].To, scope)
	var week strings.Builder
	week.WriteString("CASE")
	for i, w := range weeks[1:] {
		name := fmt.Sprintf("week%d", i+1)
		fmt.Fprintf(&week, " WHEN created_at < :%s THEN %d", name, i)
		args = append(args, sql.Named(name, lower(w.From)))
	}
	fmt.Fprintf(&week, " ELSE %d END", len(weeks)-1)
	rows, err := tx.QueryContext(ctx, `SELECT `+week.String()+` AS week, count(*) FROM `+
		scoped("stories", "created_at", scope)+` GROUP BY week`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i, n int
		if err := rows.Scan(&i, &n); err != nil {
			return nil, err
		}
		if i >= 0 && i < len(weeks) {
			weeks[i].Stories = n
		}
	}
	return weeks, rows.Err()
}

func digest(ctx context.Context, tx *sql.Tx, from, to time.Time, scope string, topN int) (*extramile.Digest, error) {
	d := &extramile.Digest{From: from, To: to}
	p, err := plan(ctx, tx, from, to, scope)
	if err != nil {
		return nil, err
	}
	if err := digestCounts(ctx, tx, p, d); err != nil {
		return nil, err
	}
	if err := digestTallies(ctx, tx, p, d, topN); err != nil {
		return nil, err
	}
	args := periodArgs(from, to, scope)
	if d.MostKudosed, d.MostKudosedN, err = mostKudosed(ctx, tx, scope, args); err != nil {
		return nil, err
	}
	return d, nil
}

// digestCounts fills d's Stories, Kudos, Customer, Coworker and ByWay.
func digestCounts(ctx context.Context, tx *sql.Tx, p period, d *extramile.Digest) error {
	q, args := p.countsQuery()
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	ways := map[extramile.Way]int{}
	for rows.Next() {
		var (
			kind string
			n    int
		)
		if err := rows.Scan(&kind, &n); err != nil {
			return err
		}
		switch {
		case kind == "stories":
			d.Stories = n
		case kind == "kudos":
			d.Kudos = n
		case kind == "audience:"+string(extramile.AudienceCustomer):
			d.Customer = n
		case kind == "audience:"+string(extramile.AudienceCoworker):
			d.Coworker = n
		case strings.HasPrefix(kind, "way:"):
			ways[extramile.Way(strings.TrimPrefix(kind, "way:"))] = n
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	d.ByWay = make([]extramile.WayCount, len(extramile.Ways))
	for i, w := range extramile.Ways {
		d.ByWay[i] = extramile.WayCount{Way: w, Count: ways[w]}
	}
	sort.SliceStable(d.ByWay, func(i, j int) bool { return d.ByWay[i].Count > d.ByWay[j].Count })
	return nil
}

// digestTallies fills d's Recognized, Sharers and Top (at most topN; 0: all)
// in one statement: a first row (part 0) with the counts, then the top rows.
func digestTallies(ctx context.Context, tx *sql.Tx, p period, d *extramile.Digest, topN int) error {
	if topN <= 0 {
		topN = -1
	}
	q, args := p.tallyQuery(true)
	rows, err := tx.QueryContext(ctx, `WITH t AS MATERIALIZED (`+q+`)
		SELECT 0, '', coalesce(sum(recognized > 0), 0), coalesce(sum(shared > 0), 0) FROM t
		UNION ALL
		SELECT * FROM (SELECT 1, user_id, recognized, kudos FROM t
			WHERE recognized + kudos > 0
			ORDER BY recognized + kudos DESC, recognized DESC, user_id
			LIMIT `+fmt.Sprint(topN)+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	d.Top = []extramile.Tally{}
	for rows.Next() {
		var (
			part int
			t    extramile.Tally
		)
		if err := rows.Scan(&part, &t.User, &t.Stories, &t.Kudos); err != nil {
			return err
		}
		if part == 0 {
			d.Recognized, d.Sharers = t.Stories, t.Kudos
			continue
		}
		d.Top = append(d.Top, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	sortTallies(d.Top)
	return nil
}

// sortTallies sorts by total, then stories (both descending), then user.
func sortTallies(tallies []extramile.Tally) {
	sort.Slice(tallies, func(i, j int) bool {
		a, b := tallies[i], tallies[j]
		if a.Total() != b.Total() {
			return a.Total() > b.Total()
		}
		if a.Stories != b.Stories {
			return a.Stories > b.Stories
		}
		return a.User < b.User
	})
}

func mostKudosedSQL(scope string) string {
	return `SELECT id, kudos_count FROM ` + scoped("stories", "id, created_at, kudos_count", scope) + `
		WHERE kudos_count > 0 ORDER BY kudos_count DESC, created_at, id LIMIT 1`
}

// mostKudosed returns the story of the period whose shoutout got the most
// kudos (the earliest on ties) and its count, or nil if none got any.
func mostKudosed(ctx context.Context, tx *sql.Tx, scope string, args []any) (*extramile.Story, int, error) {
	var id int64
	var n int
	err := tx.QueryRowContext(ctx, mostKudosedSQL(scope), args...).Scan(&id, &n)
	if err == sql.ErrNoRows {
		return nil, 0, nil
	} else if err != nil {
		return nil, 0, err
	}
	s, err := findStory(ctx, tx, id)
	if err != nil {
		return nil, 0, err
	}
	return s, n, nil
}
