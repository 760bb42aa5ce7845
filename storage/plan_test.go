package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// queryPlan returns the EXPLAIN QUERY PLAN of query, one detail per line.
func queryPlan(tb testing.TB, db *DB, query string, args ...any) string {
	tb.Helper()
	rows, err := db.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		tb.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			tb.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// TestQueryPlans checks, on a database with planner statistics (ANALYZE),
// that the queries that must stay fast on large tables read index ranges:
// no full scan of stories, story_recognized or kudos, and no lookup of
// table rows for counting.
func TestQueryPlans(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds a database")
	}
	path := filepath.Join(t.TempDir(), "seeded.db")
	if err := seedFile(path, 100); err != nil {
		t.Fatal(err)
	}
	db := mustOpenPath(t, path)
	month := [2]time.Time{benchEnd.AddDate(0, -1, 0).Add(5 * time.Hour), benchEnd.Add(5 * time.Hour)}
	first, last, ok := mustRollupMonths(t, db)
	type query struct {
		name string
		sql  string
		args []any
	}
	var queries []query
	for _, p := range []struct {
		name     string
		from, to time.Time
	}{
		{"month", month[0], month[1]},
		{"week", benchEnd.AddDate(0, 0, -7), benchEnd},
		{"all", time.Time{}, time.Time{}},
		{"since", benchEnd.AddDate(-1, -1, 0), time.Time{}},
	} {
		for _, scope := range []string{"", "C0001"} {
			pp := planPeriod(p.from, p.to, scope, first, last, ok)
			q, args := pp.tallyQuery(true)
			queries = append(queries, query{"tally " + p.name + " " + scope, q, args})
			q, args = pp.countsQuery()
			queries = append(queries, query{"counts " + p.name + " " + scope, q, args})
			queries = append(queries, query{"most kudosed " + p.name + " " + scope, mostKudosedSQL(scope), periodArgs(p.from, p.to, scope)})
		}
	}
	user := sql.Named("user", "U00042")
	queries = append(queries,
		query{"stories for", storiesForSQL, []any{user, sql.Named("limit", 10), sql.Named("offset", 0)}},
		query{"stories for count", storiesForCountSQL, []any{user}},
		query{"reaction exists", reactionExistsSQL, []any{"U1", "C1", "1.1", "tada"}},
		query{"given in day", givenInDaySQL, []any{"U1", 0, 1}},
		query{"pending shoutouts", pendingSQL, nil},
		query{"story by shoutout", byShoutoutSQL, []any{"C1", "1.1"}},
		query{"kudos received", kudosReceivedSQL, []any{"U1", 0, 1}},
	)
	for _, q := range queries {
		plan := queryPlan(t, db, q.sql, q.args...)
		for _, line := range strings.Split(plan, "\n") {
			if strings.HasPrefix(line, "SCAN ") && !allowedScan(line) {
				t.Errorf("%s: full scan %q\n%s", q.name, line, plan)
			}
			if strings.Contains(line, "_public_time") && !strings.Contains(line, "COVERING") {
				t.Errorf("%s: counting reads table rows: %q\n%s", q.name, line, plan)
			}
		}
	}
}

// allowedScan reports whether a full scan in a plan is fine: of anything
// but the tables (a constant row, a subquery's rows) or of the pending
// shoutouts (a partial index of the few stories not yet posted).
func allowedScan(line string) bool {
	name, _, _ := strings.Cut(strings.TrimPrefix(line, "SCAN "), " ")
	switch name {
	case "stories", "s", "story_recognized", "r", "kudos", "tallies", "month_counts":
		return strings.Contains(line, "USING INDEX stories_pending")
	}
	return true
}
