package bot

import (
	"context"
	"sync"
	"time"
)

// postPacer spaces the scheduled posts of all jobs together by at least an
// interval, so that jobs firing at the same moment share one budget: Slack
// allows chat.postMessage about once a second per channel, with short bursts,
// and several hundred times a minute per workspace. Its zero value is ready.
type postPacer struct {
	mu   sync.Mutex
	next time.Time // the earliest moment of the next post
}

// wait blocks until the caller's turn to post, interval after the previous
// turn, and reports true; or it returns false as soon as ctx is done. The
// pacing is about real waiting, so it reads the monotonic clock.
func (p *postPacer) wait(ctx context.Context, interval time.Duration) bool {
	p.mu.Lock()
	now := time.Now()
	turn := p.next
	if turn.Before(now) {
		turn = now
	}
	p.next = turn.Add(interval)
	p.mu.Unlock()

	d := turn.Sub(now)
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// defaultPostGrace is Options.PostGrace's default: how long a scheduled
// post already under way may take to finish once the job's context ends (the
// program is stopping). A request cut short may still have reached Slack
// while the ledger records it as failed, and the next start's catch-up would
// post it again. internal/app derives it from its wait for running jobs at
// shutdown, which it must stay under.
const defaultPostGrace = 1500 * time.Millisecond

// graceContext returns a context for a post under way: it ends grace after
// ctx does, or when the returned cancel is called.
func graceContext(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	gctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return gctx, func() {
		stop()
		cancel()
	}
}
