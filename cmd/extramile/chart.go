package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/extramile/extramile/chart"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/storage"
)

// runChart writes a month's digest chart, read from the database without
// changing it, to a PNG file.
func runChart(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("chart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	month := fs.String("month", "", "the month to draw, YYYY-MM (required)")
	out := fs.String("out", "", "the PNG file to write (required)")
	dbPath := fs.String("db", "", "the SQLite file (default: EXTRAMILE_DB_PATH, or extramile.db)")
	channel := fs.String("channel", "", "count this channel's private stories too, as its digest does (default: public stories only)")
	zone := fs.String("tz", "", "IANA time zone of the month and its weeks (default: EXTRAMILE_TIMEZONE, or UTC)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "extramile chart: "+format+"\n", a...)
		return code
	}
	if *month == "" || *out == "" || fs.NArg() > 0 {
		return fail(2, "--month YYYY-MM and --out FILE.png are required (see extramile help)")
	}
	var loc config.Zone
	if err := loc.Decode(firstOf(*zone, os.Getenv("EXTRAMILE_TIMEZONE"), "UTC")); err != nil {
		return fail(2, "%v", err)
	}
	at, err := chart.ParseMonth(*month, loc.Location)
	if err != nil {
		return fail(2, "%v", err)
	}
	path := firstOf(*dbPath, os.Getenv("EXTRAMILE_DB_PATH"), "extramile.db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return fail(1, "no database at %s (set --db or EXTRAMILE_DB_PATH)", path)
	}
	db, err := storage.OpenReadOnly(ctx, path) // never changes the file
	if errors.Is(err, storage.ErrNotExtraMile) {
		return fail(1, "%s is not an Extra Mile database (%v); check --db or EXTRAMILE_DB_PATH", path, err)
	}
	if err != nil {
		return fail(1, "%v", err)
	}
	defer db.Close()
	data, err := chart.ForMonth(ctx, db, at, *channel, loc.Location, time.Now())
	if err != nil {
		return fail(1, "%v", err)
	}
	png, err := chart.Render(data)
	if err != nil {
		return fail(1, "%v", err)
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return fail(1, "%v", err)
	}
	fmt.Fprintf(stderr, "extramile chart: wrote %s (%d×%d): %s\n", *out, chart.Width, chart.Height, chart.AltText(data))
	return 0
}

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
