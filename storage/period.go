package storage

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"
)

// A period [from, to) is counted from the rollups of public rows (tallies by
// UTC calendar month and year and for all time, month_counts by month),
// corrected at its edges from the raw rows: each bound is rounded to the
// nearest month start, the whole months between are read from the rollups,
// and the rows between a bound and its rounding are added or subtracted. A
// local calendar month is then one month of rollups plus a few hours of raw
// rows at each end; a long period is a few years and months, or all time
// minus the years and months outside it, whichever reads fewer buckets. The
// private rows of a scope channel are always read raw (they are few).

// edge is a range of raw rows [from, to) (unix nanoseconds) counted with sign.
type edge struct {
	from, to int64
	sign     int
}

// bucketRange is the tallies of one span with buckets in [from, to) (unix
// seconds), counted with sign.
type bucketRange struct {
	span     string // "month", "year" or "all"
	from, to int64
	sign     int
}

// period is a plan for counting [from, to).
type period struct {
	from, to int64 // the raw bounds, unix nanoseconds (math.MinInt64/MaxInt64: unbounded)
	scope    string

	rollup     bool  // read the whole months [mFrom, mTo) from the rollups
	mFrom, mTo int64 // month starts in unix seconds (math.MinInt64/MaxInt64: unbounded)
	tallies    []bucketRange
	edges      []edge
}

// planPeriod plans counting [from, to) (a zero time is unbounded) given the
// months the rollups hold, histFirst to histLast (month starts in unix
// seconds; ok is false when they hold none).
func planPeriod(from, to time.Time, scope string, histFirst, histLast int64, ok bool) period {
	p := period{from: lower(from), to: upper(to), scope: scope}
	p.mFrom, p.mTo = math.MinInt64, math.MaxInt64
	if !from.IsZero() {
		p.mFrom = nearestMonth(from).Unix()
	}
	if !to.IsZero() {
		p.mTo = nearestMonth(to).Unix()
	}
	if !ok || p.mFrom >= p.mTo { // no whole month between the bounds
		p.edges = []edge{{p.from, p.to, 1}}
		return p
	}
	p.rollup = true
	if !from.IsZero() {
		switch mf := p.mFrom * 1e9; {
		case p.from < mf:
			p.edges = append(p.edges, edge{p.from, mf, 1})
		case p.from > mf:
			p.edges = append(p.edges, edge{mf, p.from, -1})
		}
	}
	if !to.IsZero() {
		switch mt := p.mTo * 1e9; {
		case p.to > mt:
			p.edges = append(p.edges, edge{mt, p.to, 1})
		case p.to < mt:
			p.edges = append(p.edges, edge{p.to, mt, -1})
		}
	}
	histEnd := addMonths(histLast, 1)
	a, b := max(p.mFrom, histFirst), min(p.mTo, histEnd)
	if a >= b {
		return p // the rollups hold nothing in the period
	}
	direct := cover(a, b, 1)
	complement := append([]bucketRange{{"all", 0, 1, 1}}, append(cover(histFirst, a, -1), cover(b, histEnd, -1)...)...)
	if buckets(complement) < buckets(direct) {
		p.tallies = complement
	} else {
		p.tallies = direct
	}
	return p
}

// cover returns the bucket ranges that make up the months [a, b) (month
// starts in unix seconds): whole years as years, the rest as months.
func cover(a, b int64, sign int) []bucketRange {
	if a >= b {
		return nil
	}
	y1, y2 := ceilYear(a), floorYear(b)
	if y1 >= y2 {
		return []bucketRange{{"month", a, b, sign}}
	}
	var out []bucketRange
	if a < y1 {
		out = append(out, bucketRange{"month", a, y1, sign})
	}
	out = append(out, bucketRange{"year", y1, y2, sign})
	if y2 < b {
		out = append(out, bucketRange{"month", y2, b, sign})
	}
	return out
}

// buckets is how many buckets the ranges read.
func buckets(ranges []bucketRange) int {
	n := 0
	for _, r := range ranges {
		switch r.span {
		case "month":
			n += monthIndex(r.to) - monthIndex(r.from)
		case "year":
			n += (monthIndex(r.to) - monthIndex(r.from)) / 12
		default:
			n++
		}
	}
	return n
}

// monthIndex numbers the UTC month of a unix time (seconds).
func monthIndex(sec int64) int {
	t := time.Unix(sec, 0).UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// addMonths adds n months to a month start (unix seconds).
func addMonths(sec int64, n int) int64 { return time.Unix(sec, 0).UTC().AddDate(0, n, 0).Unix() }

// floorYear is the start of the UTC year of a unix time (seconds).
func floorYear(sec int64) int64 {
	return time.Date(time.Unix(sec, 0).UTC().Year(), 1, 1, 0, 0, 0, 0, time.UTC).Unix()
}

// ceilYear is the first start of a UTC year at or after a unix time (seconds).
func ceilYear(sec int64) int64 {
	if y := floorYear(sec); y < sec {
		return time.Unix(y, 0).UTC().AddDate(1, 0, 0).Unix()
	}
	return sec
}

// nearestMonth returns the start of the UTC calendar month nearest to t.
func nearestMonth(t time.Time) time.Time {
	t = t.UTC()
	a := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	b := a.AddDate(0, 1, 0)
	if t.Sub(a) <= b.Sub(t) {
		return a
	}
	return b
}

// rollupMonths returns the first and last months the rollups hold.
func rollupMonths(ctx context.Context, tx *sql.Tx) (first, last int64, ok bool, err error) {
	var f, l sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT min(month), max(month) FROM month_counts`).Scan(&f, &l); err != nil {
		return 0, 0, false, err
	}
	return f.Int64, l.Int64, f.Valid, nil
}

// queryBuilder collects UNION ALL parts and their named arguments.
type queryBuilder struct {
	parts []string
	args  []any
	n     int
}

// arg adds a named argument and returns its placeholder.
func (b *queryBuilder) arg(v any) string {
	b.n++
	name := fmt.Sprintf("a%d", b.n)
	b.args = append(b.args, sql.Named(name, v))
	return ":" + name
}

func (b *queryBuilder) add(part string) { b.parts = append(b.parts, part) }

func (b *queryBuilder) union() string { return strings.Join(b.parts, "\n\tUNION ALL ") }

// rawPublic returns the WHERE clause of table's public rows in [from, to).
func (b *queryBuilder) rawPublic(table string, from, to int64) string {
	return ` FROM ` + table + ` INDEXED BY ` + table + `_public_time
		WHERE private = 0 AND created_at >= ` + b.arg(from) + ` AND created_at < ` + b.arg(to)
}

// rawPrivate returns the WHERE clause of table's private rows of channel in [from, to).
func (b *queryBuilder) rawPrivate(table, channel string, from, to int64) string {
	return ` FROM ` + table + ` INDEXED BY ` + table + `_private_time
		WHERE private = 1 AND channel = ` + b.arg(channel) + ` AND created_at >= ` + b.arg(from) + ` AND created_at < ` + b.arg(to)
}

// tallyQuery returns a query of (user_id, recognized, kudos, shared) of the
// period, one row per user with any of them, in no order. Without shared,
// the stories authored are not counted (shared is 0).
func (p period) tallyQuery(shared bool) (string, []any) {
	var b queryBuilder
	b.add(`SELECT NULL AS user_id, 0 AS r, 0 AS k, 0 AS s WHERE false`) // names the columns
	for _, t := range p.tallies {
		neg := ""
		if t.sign < 0 {
			neg = "-"
		}
		sh := "0"
		if shared {
			sh = neg + "shared"
		}
		b.add(`SELECT user_id, ` + neg + `recognized, ` + neg + `kudos, ` + sh + ` FROM tallies
			WHERE span = ` + b.arg(t.span) + ` AND bucket >= ` + b.arg(t.from) + ` AND bucket < ` + b.arg(t.to))
	}
	for _, e := range p.edges {
		s := fmt.Sprint(e.sign)
		b.add(`SELECT user_id, ` + s + `, 0, 0` + b.rawPublic("story_recognized", e.from, e.to))
		b.add(`SELECT receiver, 0, ` + s + `, 0` + b.rawPublic("kudos", e.from, e.to))
		if shared {
			b.add(`SELECT author, 0, 0, ` + s + b.rawPublic("stories", e.from, e.to))
		}
	}
	if p.scope != "" {
		b.add(`SELECT user_id, 1, 0, 0` + b.rawPrivate("story_recognized", p.scope, p.from, p.to))
		b.add(`SELECT receiver, 0, 1, 0` + b.rawPrivate("kudos", p.scope, p.from, p.to))
		if shared {
			b.add(`SELECT author, 0, 0, 1` + b.rawPrivate("stories", p.scope, p.from, p.to))
		}
	}
	return `SELECT user_id, sum(r) AS recognized, sum(k) AS kudos, sum(s) AS shared
		FROM (` + b.union() + `)
		GROUP BY user_id`, b.args
}

// countsQuery returns a query of (kind, n) of the period: kinds 'stories',
// 'kudos', 'audience:<audience>' and 'way:<way>', as in month_counts.
func (p period) countsQuery() (string, []any) {
	var b queryBuilder
	b.add(`SELECT 'stories' AS kind, 0 AS n`) // names the columns
	if p.rollup {
		b.add(`SELECT kind, sum(n) FROM month_counts WHERE month >= ` + b.arg(p.mFrom) + ` AND month < ` + b.arg(p.mTo) + ` GROUP BY kind`)
	}
	stories := func(sign, where string) {
		b.add(`SELECT 'stories', ` + sign + ` * count(*)` + where)
		b.add(`SELECT 'audience:' || audience, ` + sign + ` * count(*)` + where + ` AND audience <> '' GROUP BY audience`)
		b.add(`SELECT 'way:' || way, ` + sign + ` * count(*)` + where + ` AND way <> '' GROUP BY way`)
	}
	for _, e := range p.edges {
		s := fmt.Sprint(e.sign)
		stories(s, b.rawPublic("stories", e.from, e.to))
		b.add(`SELECT 'kudos', ` + s + ` * count(*)` + b.rawPublic("kudos", e.from, e.to))
	}
	if p.scope != "" {
		stories("1", b.rawPrivate("stories", p.scope, p.from, p.to))
		b.add(`SELECT 'kudos', count(*)` + b.rawPrivate("kudos", p.scope, p.from, p.to))
	}
	return `SELECT kind, sum(n) FROM (` + b.union() + `) GROUP BY kind`, b.args
}
