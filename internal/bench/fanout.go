package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// FanoutResult is what the scheduled fan-out measured.
type FanoutResult struct {
	Channels     int
	PerMinute    float64 // the fake's workspace-wide limit of chat.postMessage
	Burst        int
	Wall         time.Duration // first post call → last post accepted
	Floor        time.Duration // the least the limit allows: (Channels − Burst) / rate
	RateLimited  int           // 429s the fake answered
	Unanswered   int           // 429s not followed by an accepted post in the same channel
	Missing      int           // channels without the prompt
	Duplicates   int           // prompts posted more than once in a channel
	PostCalls    int           // chat.postMessage calls, 429s included
	BotMaxRSS    int64
	Undelivered  []string // channels that never got the prompt (first few)
	LogsOnFailed string
}

// fanout runs the weekly prompt for n subscribed channels through the fake
// Slack's limits: perChannel posts a second in one channel, perMinute posts
// a minute across the workspace with bursts of burst. The prompt falls due
// while the bot is down, so the catch-up at start runs it.
func fanout(ctx context.Context, bin, dir string, n int, perMinute float64, burst int, logf func(string, ...any)) (*FanoutResult, error) {
	w := newWorkspace(2)
	defer w.close()
	for i := 1; i <= n; i++ {
		w.srv.AddChannel(slackfake.Channel{ID: fanoutChannel(i), Name: fmt.Sprintf("team-%03d", i), BotIsMember: true})
	}
	w.srv.SetRateLimit("chat.postMessage", 1, 1)
	w.srv.SetWorkspaceRateLimit("chat.postMessage", perMinute, burst)

	dbPath := filepath.Join(dir, "fanout.db")
	_ = os.Remove(dbPath)
	db, err := storage.Open(ctx, dbPath)
	if err != nil {
		return nil, err
	}
	for i := 1; i <= n; i++ {
		if _, err := db.Subscribe(ctx, fanoutChannel(i), w.users[0]); err != nil {
			db.Close()
			return nil, err
		}
	}
	if err := db.Close(); err != nil {
		return nil, err
	}

	env := botEnv(w.srv, dbPath, "", "EXTRAMILE_PROMPT_SCHEDULE=@every 168h", "EXTRAMILE_CATCHUP=192h")
	bot, err := startChild(bin, []string{"run"}, env)
	if err != nil {
		return nil, err
	}
	defer bot.stop(10 * time.Second)
	if err := w.waitConnected(bot, 1, 30*time.Second); err != nil {
		return nil, err
	}
	r := &FanoutResult{Channels: n, PerMinute: perMinute, Burst: burst}
	r.Floor = time.Duration(float64(max(n-burst, 0)) / (perMinute / 60) * float64(time.Second))
	logf("fan-out: %d channels, limit %.0f a minute (bursts of %d): floor %v", n, perMinute, burst, r.Floor.Round(time.Millisecond))

	memCtx, stopMem := context.WithCancel(ctx)
	memDone := make(chan int64, 1)
	go func() { m, _ := bot.sampleMemory(memCtx, 500*time.Millisecond); memDone <- m }()
	deadline := time.Now().Add(2*r.Floor + time.Minute)
	for {
		posted := 0
		for i := 1; i <= n; i++ {
			if len(w.srv.Messages(fanoutChannel(i))) > 0 {
				posted++
			}
		}
		if posted == n || time.Now().After(deadline) {
			break
		}
		if done, err := bot.exited(); done {
			stopMem()
			return nil, fmt.Errorf("the bot exited during the fan-out (%v):\n%s", err, tail(bot.logs.String(), 20))
		}
		time.Sleep(250 * time.Millisecond)
	}
	// A second look a little later catches duplicates posted after the last.
	time.Sleep(2 * time.Second)
	stopMem()
	r.BotMaxRSS = <-memDone

	var first, last time.Time
	for _, c := range w.srv.Calls("chat.postMessage") {
		r.PostCalls++
		if first.IsZero() || c.At.Before(first) {
			first = c.At
		}
		if c.Status == 200 && c.Error == "" && c.At.After(last) {
			last = c.At
		}
	}
	r.Wall = last.Sub(first)
	pending := map[string]int{} // channel → 429s since its last accepted post
	for _, c := range w.srv.Calls("chat.postMessage") {
		ch := c.Params.Get("channel")
		switch {
		case c.Status == 429:
			pending[ch]++
		case c.Status == 200 && c.Error == "":
			pending[ch] = 0
		}
	}
	for _, n := range pending {
		r.Unanswered += n
	}
	r.RateLimited = w.srv.RateLimited("chat.postMessage")
	for i := 1; i <= n; i++ {
		switch k := len(w.srv.Messages(fanoutChannel(i))); {
		case k == 0:
			r.Missing++
			if len(r.Undelivered) < 5 {
				r.Undelivered = append(r.Undelivered, fanoutChannel(i))
			}
		case k > 1:
			r.Duplicates += k - 1
		}
	}
	if r.Missing > 0 {
		r.LogsOnFailed = tail(bot.logs.String(), 30)
	}
	return r, nil
}

func fanoutChannel(i int) string { return fmt.Sprintf("CFAN%04d", i) }
