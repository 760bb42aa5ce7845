// Command extramile runs the Extra Mile Slack bot, prints its settings,
// exports and backs up what it keeps, checks an installation, and draws a
// month's chart.
//
//	extramile [run]                       serve over Socket Mode until SIGINT/SIGTERM
//	extramile export --format json|csv    print every story and kudos
//	extramile backup --to FILE [--force]  a consistent copy of the database, safe while the bot runs
//	extramile doctor                      check the tokens, scopes, channels, clock and database
//	extramile health [--addr HOST:PORT]   exit 0 if a running bot's /readyz says ready
//	extramile chart --month 2026-11 --out digest.png
//	                                      the monthly digest's chart as a PNG
//	extramile help                        the environment variables it reads
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // zone names work in minimal images too

	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/export"
	"github.com/extramile/extramile/storage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches the subcommand and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "run":
		cfg, err := config.Load()
		if err != nil {
			fmt.Fprintf(stderr, "extramile: configuration error:\n%v\n\nRun `extramile help` for every setting.\n", err)
			return 2
		}
		m := app.NewMain(cfg, stderr)
		if err := m.Run(ctx); err != nil {
			fmt.Fprintf(stderr, "extramile: %v\n", err)
			return 1
		}
		return 0
	case "export":
		return runExport(ctx, args, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args, stdout, stderr)
	case "health":
		return runHealth(ctx, args, stdout, stderr)
	case "chart":
		return runChart(ctx, args, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		if err := config.PrintUsage(stdout); err != nil {
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "extramile: unknown command %q\n\n%s", cmd, usage)
	return 2
}

const usage = `Extra Mile: a Slack bot that turns going the extra mile into a weekly habit.

Usage:
  extramile [run]                              serve over Socket Mode until SIGINT/SIGTERM
  extramile export [--format json|csv] [--db PATH]
                                               print every story and kudos (safe while the bot runs)
  extramile backup --to FILE [--force] [--db PATH]
                                               write a consistent copy of the database (safe while the bot runs)
  extramile doctor                             check the tokens, scopes, channels, clock and database
  extramile health [--addr HOST:PORT]          exit 0 if a running bot's /readyz says ready (Docker HEALTHCHECK)
  extramile chart --month YYYY-MM --out FILE.png [--db PATH] [--channel C] [--tz ZONE]
                                               draw a month's digest chart (only reads the database)
  extramile help                               this text

Settings come from the environment:

`

// dbPath is the database file: flagValue, else EXTRAMILE_DB_PATH, else
// extramile.db (the setting's default).
func dbPath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if p := os.Getenv("EXTRAMILE_DB_PATH"); p != "" {
		return p
	}
	return "extramile.db"
}

// runExport prints the database as JSON or CSV.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "json", "json (stories and kudos) or csv (stories)")
	dbFlag := fs.String("db", "", "the SQLite file (default: EXTRAMILE_DB_PATH, or extramile.db)")
	checkins := fs.Bool("include-private-checkins", false, "also export people's private half-step check-ins (JSON only; left out by default)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *format != "json" && *format != "csv" {
		fmt.Fprintf(stderr, "extramile export: --format must be json or csv (got %q)\n", *format)
		return 2
	}
	if *checkins && *format != "json" {
		fmt.Fprintln(stderr, "extramile export: --include-private-checkins needs --format json (the CSV holds stories only)")
		return 2
	}
	path := dbPath(*dbFlag)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "extramile export: no database at %s (set --db or EXTRAMILE_DB_PATH)\n", path)
		return 1
	}
	db, err := storage.OpenReadOnly(ctx, path) // never changes the file, whatever it is
	if errors.Is(err, storage.ErrNotExtraMile) {
		fmt.Fprintf(stderr, "extramile export: %s is not an Extra Mile database (%v); check --db or EXTRAMILE_DB_PATH\n", path, err)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "extramile export: %v\n", err)
		return 1
	}
	defer db.Close()
	data, err := db.ExportWith(ctx, storage.ExportOptions{IncludePrivateCheckins: *checkins})
	if err == nil {
		if *format == "csv" {
			err = export.WriteCSV(stdout, data)
		} else {
			err = export.WriteJSON(stdout, data)
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "extramile export: %v\n", err)
		return 1
	}
	return 0
}
