package storage

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"time"
)

// writeGate lets one write transaction at a time begin, in the order the
// writers came, except that a writer close to its deadline goes first. The
// single writer connection (openWriter) already makes writers take turns,
// but database/sql hands a freed connection to a waiter picked at random,
// so under a burst some waited many turns while later ones went first. A
// writer whose context ends within promoteBefore (DB.PromoteBefore: a
// command or a form whose ack Slack expects within 3 s, after waiting about
// a second) is served before
// those that can wait: work after the ack (shoutouts, DMs, kudos, the run
// ledger) yields only to writers about to miss their ack, so it does not
// fall behind in ordinary times. The gate is held from beginWrite until the
// transaction commits or rolls back (see endWrite).
type writeGate struct {
	mu     sync.Mutex
	held   bool
	queue  []*gateWaiter // first come, first served
	urgent []*gateWaiter // promoted: their deadline is near
}

// defaultPromoteBefore is DB.PromoteBefore's default: how close to its
// deadline a waiting writer jumps the queue. With the adapter's 2.5 s ack
// budget, that is after waiting about a second; internal/app derives both
// from Slack's 3 s ack limit.
const defaultPromoteBefore = 1500 * time.Millisecond

type gateWaiter struct {
	ready   chan struct{}
	granted bool // guarded by writeGate.mu
}

// acquire waits for the gate, or until ctx is done (then it returns ctx's
// error); once ctx's deadline is within promoteBefore, it waits among the
// urgent writers.
func (g *writeGate) acquire(ctx context.Context, promoteBefore time.Duration) error {
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return nil
	}
	w := &gateWaiter{ready: make(chan struct{})}
	g.queue = append(g.queue, w)
	g.mu.Unlock()

	var promote <-chan time.Time
	if dl, ok := ctx.Deadline(); ok {
		t := time.NewTimer(time.Until(dl) - promoteBefore)
		defer t.Stop()
		promote = t.C
	}
	for {
		select {
		case <-w.ready:
			return nil
		case <-promote:
			promote = nil
			g.mu.Lock()
			if i := slices.Index(g.queue, w); i >= 0 {
				g.queue = slices.Delete(g.queue, i, i+1)
				g.urgent = append(g.urgent, w)
			}
			g.mu.Unlock()
		case <-ctx.Done():
			g.mu.Lock()
			if w.granted { // handed over just now: pass it on
				g.mu.Unlock()
				g.release()
				return ctx.Err()
			}
			other := func(x *gateWaiter) bool { return x == w }
			g.queue = slices.DeleteFunc(g.queue, other)
			g.urgent = slices.DeleteFunc(g.urgent, other)
			g.mu.Unlock()
			return ctx.Err()
		}
	}
}

// release hands the gate to the next writer, promoted ones first, or frees it.
func (g *writeGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	var w *gateWaiter
	switch {
	case len(g.urgent) > 0:
		w, g.urgent = g.urgent[0], g.urgent[1:]
	case len(g.queue) > 0:
		w, g.queue = g.queue[0], g.queue[1:]
	default:
		g.held = false
		return
	}
	w.granted = true
	close(w.ready)
}

// endWrite releases the gate held for tx, once: commit and the deferred
// rollback of the same transaction both call it.
func (db *DB) endWrite(tx *sql.Tx) {
	if db.holder.CompareAndSwap(tx, nil) {
		db.gate.release()
	}
}

// rollback rolls back a write transaction (nothing happens after a commit)
// and releases the gate. Write methods defer it.
func (db *DB) rollback(tx *sql.Tx) {
	_ = tx.Rollback()
	db.endWrite(tx)
}
