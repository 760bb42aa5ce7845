package storage

import (
	"context"
	"database/sql"
	"slices"
	"sync"
)

// writeGate lets one write transaction at a time begin, urgent writers
// first. A writer whose context has a deadline is urgent: someone waits on
// it (a command or a form whose ack Slack expects within 3 s). Writers
// without one, the work after the ack (shoutouts, DMs, kudos, the run
// ledger), wait while urgent ones do. Each class is served in arrival order.
// A burst of hundreds of background writes then no longer stands between
// a submitted story and its ack. The gate is held from beginWrite until
// the transaction commits or rolls back (see endWrite).
type writeGate struct {
	mu      sync.Mutex
	held    bool
	waiters [2][]*gateWaiter // urgent, then the others
}

type gateWaiter struct {
	ready   chan struct{}
	granted bool // guarded by writeGate.mu
}

// acquire waits for the gate, or until ctx is done (then it returns ctx's error).
func (g *writeGate) acquire(ctx context.Context) error {
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return nil
	}
	class := 1
	if _, ok := ctx.Deadline(); ok {
		class = 0
	}
	w := &gateWaiter{ready: make(chan struct{})}
	g.waiters[class] = append(g.waiters[class], w)
	g.mu.Unlock()

	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		if w.granted { // handed over just now: pass it on
			g.mu.Unlock()
			g.release()
			return ctx.Err()
		}
		g.waiters[class] = slices.DeleteFunc(g.waiters[class], func(x *gateWaiter) bool { return x == w })
		g.mu.Unlock()
		return ctx.Err()
	}
}

// release hands the gate to the next waiter, urgent ones first, or frees it.
func (g *writeGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for class, q := range g.waiters {
		if len(q) > 0 {
			w := q[0]
			g.waiters[class] = q[1:]
			w.granted = true
			close(w.ready)
			return
		}
	}
	g.held = false
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
