package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/doctor"
	"github.com/extramile/extramile/storage"
)

// runBackup writes a consistent copy of the database to --to.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	to := flags.String("to", "", "the file to write the copy to (required)")
	force := flags.Bool("force", false, "replace the file if it exists")
	dbFlag := flags.String("db", "", "the SQLite file (default: EXTRAMILE_DB_PATH, or extramile.db)")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if *to == "" {
		fmt.Fprintln(stderr, "extramile backup: --to FILE is required")
		return 2
	}
	path := dbPath(*dbFlag)
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stderr, "extramile backup: no database at %s (set --db or EXTRAMILE_DB_PATH)\n", path)
		return 1
	}
	if _, err := os.Lstat(*to); err == nil && !*force {
		fmt.Fprintf(stderr, "extramile backup: %s exists; add --force to replace it\n", *to)
		return 1
	}
	db, err := storage.OpenReadOnly(ctx, path) // never changes the file
	if errors.Is(err, storage.ErrNotExtraMile) {
		fmt.Fprintf(stderr, "extramile backup: %s is not an Extra Mile database (%v); check --db or EXTRAMILE_DB_PATH\n", path, err)
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "extramile backup: %v\n", err)
		return 1
	}
	defer db.Close()
	if *force {
		err = db.BackupReplace(ctx, *to)
	} else {
		err = db.Backup(ctx, *to)
	}
	switch {
	case errors.Is(err, fs.ErrExist):
		fmt.Fprintf(stderr, "extramile backup: %s exists; add --force to replace it\n", *to)
		return 1
	case err != nil:
		fmt.Fprintf(stderr, "extramile backup: %v\n", err)
		return 1
	}
	size := int64(0)
	if st, err := os.Stat(*to); err == nil {
		size = st.Size()
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d bytes)\n", path, *to, size)
	return 0
}

// runDoctor checks the installation the settings describe and prints each
// check; the exit code is 1 if any found a problem.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(stderr, "extramile doctor: configuration error:\n%v\n\nRun `extramile help` for every setting.\n", err)
		return 2
	}
	rs := doctor.Run(ctx, doctor.Options{
		BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken, APIURL: cfg.Slack.APIURL,
		Channel: cfg.Channel, DBPath: cfg.DBPath,
	})
	if err := doctor.Print(stdout, rs); err != nil {
		return 1
	}
	if doctor.Failed(rs) {
		return 1
	}
	return 0
}

// healthTimeout bounds `extramile health`: under Docker's default
// HEALTHCHECK timeout (30 s), above /readyz's own check timeout.
const healthTimeout = 10 * time.Second

// runHealth GETs a running bot's /readyz and exits 0 if it says ready.
func runHealth(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "HOST:PORT of the bot's health listener (default: EXTRAMILE_HTTP_ADDR)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	a := *addr
	if a == "" {
		a = os.Getenv("EXTRAMILE_HTTP_ADDR")
	}
	if a == "" {
		fmt.Fprintln(stderr, "extramile health: no address: set EXTRAMILE_HTTP_ADDR (as the running bot has it) or --addr HOST:PORT")
		return 2
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		fmt.Fprintf(stderr, "extramile health: %q is not HOST:PORT\n", a)
		return 2
	}
	switch host {
	case "", "0.0.0.0", "::": // listening everywhere: ask on loopback
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	url := "http://" + net.JoinHostPort(host, port) + "/readyz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "extramile health: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "extramile health: not ready: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	_, _ = io.Copy(stdout, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "extramile health: not ready (%s answered %s)\n", url, resp.Status)
		return 1
	}
	return 0
}
