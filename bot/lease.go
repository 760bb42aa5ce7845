package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Leases on pending shoutouts: a process publishing a shoutout holds a lease
// on it in the database and renews it while it works (waiting out a 429
// included); another process sharing the database (a rolling deploy, a
// second replica) leaves a leased shoutout alone, and takes it over only once
// the lease ran out: its holder died.
const (
	leaseTTL   = time.Minute
	leaseRenew = leaseTTL / 3
)

// errLeaseLost stops the retries of a shoutout whose lease this process lost
// (it was paused for longer than leaseTTL and another process took over).
var errLeaseLost = errors.New("lease on the shoutout lost to another process")

// newOwnerID names this process in leases: host, pid and a random part (a
// restarted process with the same pid is another owner).
func newOwnerID() string {
	host, _ := os.Hostname()
	var r [6]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(r[:]))
}

// shoutoutLease is a held lease, renewed in the background until released.
type shoutoutLease struct {
	b        *Bot
	storyID  int64
	isLost   atomic.Bool
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// leaseShoutout claims story id's shoutout for this process. It returns nil
// (and no error) when another live process holds it, or it is posted or gone.
func (b *Bot) leaseShoutout(ctx context.Context, id int64) (*shoutoutLease, error) {
	ok, err := b.store.ClaimShoutout(ctx, id, b.owner, leaseTTL)
	if err != nil || !ok {
		return nil, err
	}
	l := &shoutoutLease{b: b, storyID: id, stop: make(chan struct{}), done: make(chan struct{})}
	go l.renew(context.WithoutCancel(ctx))
	return l, nil
}

// renew renews the lease every leaseRenew until released; a renewal refused
// (another process took over) marks the lease lost.
func (l *shoutoutLease) renew(ctx context.Context) {
	defer close(l.done)
	t := time.NewTicker(leaseRenew)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			ok, err := l.b.store.ClaimShoutout(ctx, l.storyID, l.b.owner, leaseTTL)
			switch {
			case err != nil:
				l.b.log.Warn("could not renew the lease on a shoutout", "story", l.storyID, "error", err)
			case !ok:
				l.isLost.Store(true)
				return
			}
		}
	}
}

// lost reports whether another process took the lease over.
func (l *shoutoutLease) lost() bool { return l != nil && l.isLost.Load() }

// release stops renewing and gives the lease up (a posted or undeliverable
// shoutout has no lease left to give up; a pending one is free at once for
// the next start or another process).
func (l *shoutoutLease) release(ctx context.Context) {
	l.stopOnce.Do(func() { close(l.stop) })
	<-l.done
	if err := l.b.store.ReleaseShoutout(context.WithoutCancel(ctx), l.storyID, l.b.owner); err != nil {
		l.b.log.Warn("could not release the lease on a shoutout", "story", l.storyID, "error", err)
	}
}

// breakDeadLeases ends the leases of processes known to be dead (see
// ownerDead), so that their shoutouts are resumed now rather than once the
// leases run out.
func (b *Bot) breakDeadLeases(ctx context.Context) {
	owners, err := b.store.LeaseHolders(ctx)
	if err != nil {
		b.log.Warn("could not read the shoutout leases", "error", err)
		return
	}
	for _, o := range owners {
		if !ownerDead(o, b.owner) {
			continue
		}
		if n, err := b.store.BreakLeases(ctx, o); err != nil {
			b.log.Warn("could not end the leases of a stopped process", "owner", o, "error", err)
		} else {
			b.log.Info("ended the leases of a process that stopped", "owner", o, "shoutouts", n)
		}
	}
}

// resumeAbandoned takes over, every leaseTTL until the program stops, the
// pending shoutouts whose lease ran out: the process publishing them died.
func (b *Bot) resumeAbandoned(ctx context.Context) {
	t := time.NewTicker(leaseTTL)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-t.C:
		}
		b.breakDeadLeases(ctx)
		stories, err := b.store.AbandonedShoutouts(ctx)
		if err != nil {
			b.log.Warn("could not look for abandoned shoutouts", "error", err)
			continue
		}
		for _, s := range stories {
			b.log.Info("taking over a shoutout whose process stopped renewing its lease", "story", s.ID)
			b.goBackground(ctx, func(ctx context.Context) { b.publish(ctx, s) })
		}
	}
}
