package slackapp

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestAckQueueNeverBlocksAndKeepsOrder: push returns at once while the
// sender is stuck (no socket), and the acks go out in order once it is not.
func TestAckQueueNeverBlocksAndKeepsOrder(t *testing.T) {
	q := newAckQueue()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stuck := make(chan struct{})
	sent := make(chan string, 100)
	done := make(chan int, 1)
	go func() {
		done <- q.run(ctx, func(ctx context.Context, it ackItem) {
			select {
			case <-stuck:
			case <-ctx.Done():
			}
			sent <- it.envelopeID
		})
	}()
	var want []string
	for i := range 100 {
		id := fmt.Sprintf("env-%03d", i)
		want = append(want, id)
		if !q.push(id, nil) {
			t.Fatalf("push %s refused", id)
		}
	}
	close(stuck)
	if err := q.waitIdle(ctx); err != nil {
		t.Fatalf("waitIdle: %v", err)
	}
	q.close()
	if dropped := <-done; dropped != 0 {
		t.Errorf("dropped %d acks, want 0", dropped)
	}
	close(sent)
	var got []string
	for id := range sent {
		got = append(got, id)
	}
	if !slices.Equal(got, want) {
		t.Errorf("acks out of order or missing: got %d, first %v", len(got), got[:min(3, len(got))])
	}
	if q.push("late", nil) {
		t.Error("a closed queue took an ack")
	}
}

// TestAckQueueDropsWhatIsLeftWhenItsContextEnds: shutdown is bounded even
// when the socket never comes back.
func TestAckQueueDropsWhatIsLeftWhenItsContextEnds(t *testing.T) {
	q := newAckQueue()
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan struct{})
	done := make(chan int, 1)
	go func() {
		done <- q.run(ctx, func(ctx context.Context, it ackItem) {
			close(first)
			<-ctx.Done() // no socket: slack-go's AckCtx waits for ctx
		})
	}()
	for i := range 5 {
		q.push(fmt.Sprint(i), nil)
	}
	<-first
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer wcancel()
	if err := q.waitIdle(wctx); err == nil {
		t.Fatal("waitIdle returned while an ack was stuck")
	}
	cancel()
	if dropped := <-done; dropped != 4 {
		t.Errorf("dropped %d acks, want 4 (one was being sent)", dropped)
	}
}
