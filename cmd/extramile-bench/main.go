// Command extramile-bench measures Extra Mile end to end against a fake
// Slack on 127.0.0.1 and prints the figures as Markdown (the tables of
// docs/PERFORMANCE.md): ack latency next to a bare slack-go app measured in
// the same run, story submission to shoutout, the bot's memory and binary
// size, and the weekly prompt's fan-out through Slack's rate limits.
//
//	go run ./cmd/extramile-bench                  # everything, about 4 minutes
//	go run ./cmd/extramile-bench -fanout 0        # without the fan-out
//	go run ./cmd/extramile-bench -load=false      # only the fan-out and the size
//
// Run it from the repository (it builds ./cmd/extramile unless -bin says
// which binary to measure). Storage at scale is measured by the storage
// package's benchmarks; see docs/PERFORMANCE.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/extramile/extramile/internal/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "floor" { // the floor app, as a child process
		if err := bench.RunFloor(ctx, os.Getenv("SLACK_API_URL"), os.Getenv("SLACK_APP_TOKEN")); err != nil {
			fmt.Fprintf(stderr, "floor: %v\n", err)
			return 1
		}
		return 0
	}
	fs := flag.NewFlagSet("extramile-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg bench.Config
	fs.StringVar(&cfg.Bin, "bin", "", "the extramile binary to measure (default: build ./cmd/extramile as the Dockerfile does)")
	fs.StringVar(&cfg.Dir, "dir", "", "where the databases go (default: a temporary directory)")
	fs.Float64Var(&cfg.Rate, "rate", 500, "steady load, envelopes a second")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long the steady load lasts")
	fs.IntVar(&cfg.Burst, "burst", 5000, "envelopes sent at once")
	fs.IntVar(&cfg.Warmup, "warmup", 300, "envelopes sent before each measured load")
	fs.IntVar(&cfg.Users, "users", 200, "people in the fake workspace")
	fs.StringVar(&cfg.BotLog, "botlog", "", "write the bot's log of the load to this file")
	load := fs.Bool("load", true, "measure ack latency, shoutouts and memory under load")
	fs.IntVar(&cfg.FanoutChannels, "fanout", 300, "channels of the weekly prompt fan-out (0 skips it)")
	fs.Float64Var(&cfg.FanoutPerMinute, "fanout-per-minute", 240, "the fake Slack's workspace limit of chat.postMessage, a minute")
	fs.IntVar(&cfg.FanoutBurst, "fanout-burst", 10, "the burst that limit allows")
	fs.Float64Var(&cfg.FanoutTightPerMinute, "fanout-tight-per-minute", 200, "run the fan-out again under this tighter limit, to see 429s answered (0 skips it)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg.SkipLoad = !*load
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "extramile-bench: %v\n", err)
		return 1
	}
	cfg.Self = self
	cfg.Logf = func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
	rep, err := bench.Run(ctx, cfg)
	if rep != nil {
		fmt.Fprint(stdout, rep.Markdown())
	}
	if err != nil {
		fmt.Fprintf(stderr, "extramile-bench: %v\n", err)
		return 1
	}
	return 0
}
