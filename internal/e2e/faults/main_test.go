package faults

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/config"
)

// childEnv, when set to "1", makes the test binary run the bot (what
// `extramile run` does) instead of the tests, so a test can kill the real
// program with SIGKILL and start it again.
const childEnv = "EXTRAMILE_FAULTS_RUN_BOT"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(runBot())
	}
	os.Exit(m.Run())
}

// runBot is cmd/extramile's `run`: configuration from the environment, then
// app.Main until SIGINT or SIGTERM.
func runBot() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(os.Stderr, "configuration error: %v\n", err)
		return 2
	}
	if err := app.NewMain(cfg, os.Stderr).Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "extramile: %v\n", err)
		return 1
	}
	return 0
}
