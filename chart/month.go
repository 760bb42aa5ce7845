package chart

import (
	"context"
	"fmt"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/scheduler"
)

// MonthFormat is how a month is written for ForMonth's callers: "2026-11".
const MonthFormat = "2006-01"

// Source is where digests come from: *storage.DB (and the bot's store).
type Source interface {
	Digest(ctx context.Context, q extramile.DigestQuery) (*extramile.Digest, error)
}

// ParseMonth reads "2026-11" as the first instant of that month in loc
// (nil means UTC).
func ParseMonth(s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	t, err := time.ParseInLocation(MonthFormat, s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("month %q: write it as YYYY-MM, e.g. 2026-11", s)
	}
	from, _ := scheduler.MonthOf(t, loc)
	return from, nil
}

// ForMonth is the chart of the calendar month containing month, in loc (nil
// means UTC), as channel's digest counts it: public stories, plus channel's
// private ones ("" for public stories only), beside the month before. The
// month is "so far" when now is before its end. The monthly digest, the
// preview's button and `extramile chart` all draw through it.
func ForMonth(ctx context.Context, src Source, month time.Time, channel string, loc *time.Location, now time.Time) (Data, error) {
	if loc == nil {
		loc = time.UTC
	}
	from, to := scheduler.MonthOf(month, loc)
	prevFrom, _ := scheduler.PreviousMonth(from, loc)
	d, err := src.Digest(ctx, extramile.DigestQuery{From: from, To: to, PrevFrom: prevFrom, Visibility: extramile.SeenIn(channel), TopN: 1, Location: loc})
	if err != nil {
		return Data{}, err
	}
	return FromDigest(d, loc, now.Before(to)), nil
}
