package slackapp

import (
	"context"
	"sync"
)

// ackItem is one ack waiting to be handed to slack-go.
type ackItem struct {
	envelopeID string
	payload    any
}

// ackQueue hands acks to slack-go, in order, from a goroutine of its own.
//
// slack-go's Client.Ack (AckCtx, SendCtx) puts the response on a channel of
// 20 that only the current connection's sender goroutine empties; while the
// client reconnects there is no sender, and once the channel is full an Ack
// blocks until a new socket is up. Meanwhile slack-go itself blocks on its
// Events channel (50) to announce the reconnect, so a reader of Events that
// acks in line stalls the reconnect for good. push never blocks: the read
// loop and the handlers only queue, and only the queue's worker waits on the
// socket.
type ackQueue struct {
	mu      sync.Mutex
	items   []ackItem
	busy    bool          // the worker holds an item
	closed  bool          // takes no more acks
	changed chan struct{} // closed and replaced on every change
}

func newAckQueue() *ackQueue {
	return &ackQueue{changed: make(chan struct{})}
}

// notify wakes everyone waiting on a change. q.mu must be held.
func (q *ackQueue) notify() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// push queues an ack; it reports false if the queue is closed (the ack is
// dropped: the socket is gone or closing).
func (q *ackQueue) push(envelopeID string, payload any) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	q.items = append(q.items, ackItem{envelopeID: envelopeID, payload: payload})
	q.notify()
	return true
}

// run hands the queued acks to send one by one until ctx is done or the
// queue is closed and empty. It returns how many acks it dropped because ctx
// ended first.
func (q *ackQueue) run(ctx context.Context, send func(context.Context, ackItem)) (dropped int) {
	for {
		q.mu.Lock()
		if len(q.items) == 0 {
			closed, ch := q.closed, q.changed
			q.mu.Unlock()
			if closed {
				return 0
			}
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return q.drop()
			}
		}
		if ctx.Err() != nil {
			q.mu.Unlock()
			return q.drop()
		}
		it := q.items[0]
		q.items[0] = ackItem{}
		q.items = q.items[1:]
		q.busy = true
		q.mu.Unlock()

		send(ctx, it)

		q.mu.Lock()
		q.busy = false
		q.notify()
		q.mu.Unlock()
	}
}

// drop closes the queue and forgets what is left; it returns how much.
func (q *ackQueue) drop() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := len(q.items)
	q.items, q.closed = nil, true
	q.notify()
	return n
}

// close stops taking acks; the worker still hands over what is queued.
func (q *ackQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.notify()
}

// waitIdle waits until every queued ack has been handed over, or ctx ends.
func (q *ackQueue) waitIdle(ctx context.Context) error {
	for {
		q.mu.Lock()
		idle, ch := len(q.items) == 0 && !q.busy, q.changed
		q.mu.Unlock()
		if idle {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
