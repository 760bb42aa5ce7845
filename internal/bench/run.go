package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Config says what to measure and how hard.
type Config struct {
	// Bin is the extramile binary to measure; "" builds ./cmd/extramile as
	// the Dockerfile does (CGO_ENABLED=0, -trimpath, -ldflags "-s -w").
	Bin string
	// Self is this program, started with the argument "floor" to run the
	// floor app (see RunFloor) as its own process.
	Self string
	// Dir holds the databases and the built binary ("" is a temp dir).
	Dir string

	Rate     float64       // steady load, envelopes per second
	Duration time.Duration // of the steady load
	Burst    int           // envelopes sent at once
	Warmup   int           // envelopes before each measured load (not measured)
	Users    int           // people in the fake workspace

	FanoutChannels  int     // channels of the fan-out (0 skips it)
	FanoutPerMinute float64 // the fake's workspace limit of chat.postMessage
	FanoutBurst     int
	// FanoutTightPerMinute, if set, runs the fan-out again under a limit
	// tighter than the bot's pacing, so that Slack answers 429s.
	FanoutTightPerMinute float64

	SkipLoad bool // only the fan-out and the binary

	// BotLog, if set, is a file that receives the bot's log of the load.
	BotLog string

	// Logf reports progress (nil: quiet).
	Logf func(format string, args ...any)
}

// Report is everything one run measured.
type Report struct {
	Config     Config
	Machine    Machine
	Started    time.Time
	BinarySize int64

	Steady, Burst struct{ Floor, Bot *LoadResult }
	// The bot's resident set: idle after connecting, the largest and the
	// last sample during the steady load, the largest during the burst.
	IdleRSS, SteadyMaxRSS, SteadyEndRSS, BurstMaxRSS int64
	FloorIdleRSS                                     int64

	Fanout      *FanoutResult // under a limit the bot's pacing matches
	FanoutTight *FanoutResult // under a tighter limit: 429s
}

// Run measures what cfg asks for.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	logf := cfg.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if cfg.Dir == "" {
		dir, err := os.MkdirTemp("", "extramile-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	rep := &Report{Config: cfg, Machine: readMachine(), Started: time.Now()}
	if cfg.Bin == "" {
		cfg.Bin = filepath.Join(cfg.Dir, "extramile")
		logf("building %s", cfg.Bin)
		if err := buildBot(ctx, cfg.Bin); err != nil {
			return nil, err
		}
	}
	st, err := os.Stat(cfg.Bin)
	if err != nil {
		return nil, err
	}
	rep.BinarySize = st.Size()

	if !cfg.SkipLoad {
		if err := runFloor(ctx, cfg, rep, logf); err != nil {
			return rep, fmt.Errorf("floor: %w", err)
		}
		if err := runBot(ctx, cfg, rep, logf); err != nil {
			return rep, fmt.Errorf("bot: %w", err)
		}
	}
	if cfg.FanoutChannels > 0 {
		f, err := fanout(ctx, cfg.Bin, cfg.Dir, cfg.FanoutChannels, cfg.FanoutPerMinute, cfg.FanoutBurst, logf)
		if err != nil {
			return rep, fmt.Errorf("fan-out: %w", err)
		}
		rep.Fanout = f
		logf("fan-out: %v (floor %v), %d 429s, %d missing, %d duplicates", f.Wall.Round(time.Millisecond), f.Floor.Round(time.Millisecond), f.RateLimited, f.Missing, f.Duplicates)
	}
	if cfg.FanoutChannels > 0 && cfg.FanoutTightPerMinute > 0 {
		f, err := fanout(ctx, cfg.Bin, cfg.Dir, cfg.FanoutChannels, cfg.FanoutTightPerMinute, cfg.FanoutBurst, logf)
		if err != nil {
			return rep, fmt.Errorf("fan-out under a tight limit: %w", err)
		}
		rep.FanoutTight = f
		logf("fan-out, tight limit: %v (floor %v), %d 429s, %d unanswered, %d missing, %d duplicates", f.Wall.Round(time.Millisecond), f.Floor.Round(time.Millisecond), f.RateLimited, f.Unanswered, f.Missing, f.Duplicates)
	}
	return rep, nil
}

// buildBot builds cmd/extramile into out as the Dockerfile does.
func buildBot(ctx context.Context, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "github.com/extramile/extramile/cmd/extramile")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build the bot: %w\n%s", err, b)
	}
	return nil
}

// loads runs the warm-up, the steady load and the burst against whatever
// app is connected to w, calling between after the steady load.
func loads(ctx context.Context, cfg Config, w *workspace, steady, burst **LoadResult, sample func(phase string) func(), logf func(string, ...any), who string, settle time.Duration) error {
	drain := 30 * time.Second
	warm, err := w.workload(0, cfg.Warmup)
	if err != nil {
		return err
	}
	if _, err := load(ctx, w.srv, warm, cfg.Rate, drain, settle); err != nil {
		return err
	}
	n := int(cfg.Rate * cfg.Duration.Seconds())
	items, err := w.workload(1, n)
	if err != nil {
		return err
	}
	logf("%s: %d envelopes at %.0f a second", who, n, cfg.Rate)
	done := sample("steady")
	r, err := load(ctx, w.srv, items, cfg.Rate, drain, settle)
	done()
	if err != nil {
		return err
	}
	*steady = r
	logf("%s: steady: all p50 %v p99 %v max %v, lost %d, refused %d", who, r.All.P50, r.All.P99, r.All.Max, r.Lost, r.Refused)

	items, err = w.workload(2, cfg.Burst)
	if err != nil {
		return err
	}
	logf("%s: burst of %d envelopes", who, cfg.Burst)
	done = sample("burst")
	r, err = load(ctx, w.srv, items, 0, drain, settle)
	done()
	if err != nil {
		return err
	}
	*burst = r
	logf("%s: burst: all p50 %v p99 %v max %v, lost %d, refused %d (sent in %v)", who, r.All.P50, r.All.P99, r.All.Max, r.Lost, r.Refused, r.SendTime.Round(time.Millisecond))
	return nil
}

// runFloor measures the bare slack-go app.
func runFloor(ctx context.Context, cfg Config, rep *Report, logf func(string, ...any)) error {
	w := newWorkspace(cfg.Users)
	defer w.close()
	floor, err := startChild(cfg.Self, []string{"floor"}, []string{"SLACK_API_URL=" + w.srv.APIURL(), "SLACK_APP_TOKEN=" + appToken})
	if err != nil {
		return err
	}
	defer floor.stop(5 * time.Second)
	if err := w.waitConnected(floor, 1, 30*time.Second); err != nil {
		return err
	}
	if m, err := floor.memory(); err == nil {
		rep.FloorIdleRSS = m.RSS
	}
	noSample := func(string) func() { return func() {} }
	return loads(ctx, cfg, w, &rep.Steady.Floor, &rep.Burst.Floor, noSample, logf, "floor", 0) // no shoutouts to wait for
}

// runBot measures the bot.
func runBot(ctx context.Context, cfg Config, rep *Report, logf func(string, ...any)) error {
	w := newWorkspace(cfg.Users)
	defer w.close()
	dbPath := filepath.Join(cfg.Dir, "load.db")
	_ = os.Remove(dbPath)
	bot, err := startChild(cfg.Bin, []string{"run"}, botEnv(w.srv, dbPath, loadChannel))
	if err != nil {
		return err
	}
	defer func() {
		if err := bot.stop(15 * time.Second); err != nil {
			logf("the bot did not stop cleanly: %v\n%s", err, tail(bot.logs.String(), 20))
		}
		if cfg.BotLog != "" {
			if err := os.WriteFile(cfg.BotLog, []byte(bot.logs.String()), 0o644); err != nil {
				logf("write the bot's log: %v", err)
			}
		}
	}()
	if err := w.waitConnected(bot, 1, 30*time.Second); err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // idle: let start-up garbage be collected
	m, err := bot.memory()
	if err != nil {
		return err
	}
	rep.IdleRSS = m.RSS
	logf("bot: idle resident set %.1f MB", mb(m.RSS))

	sample := func(phase string) func() {
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan [2]int64, 1)
		go func() { mx, last := bot.sampleMemory(sctx, 100*time.Millisecond); done <- [2]int64{mx, last} }()
		return func() {
			cancel()
			v := <-done
			switch phase {
			case "steady":
				rep.SteadyMaxRSS, rep.SteadyEndRSS = v[0], v[1]
			case "burst":
				rep.BurstMaxRSS = v[0]
			}
		}
	}
	err = loads(ctx, cfg, w, &rep.Steady.Bot, &rep.Burst.Bot, sample, logf, "bot", 2*time.Minute)
	if exited, xerr := bot.exited(); exited {
		return errors.Join(err, fmt.Errorf("the bot exited (%v):\n%s", xerr, tail(bot.logs.String(), 30)))
	}
	return err
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
