package storage

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// blockingSync is an fsync the test releases one call at a time.
type blockingSync struct {
	calls   atomic.Int64
	entered chan struct{} // receives when an fsync starts
	release chan error    // what the running fsync returns
}

func newBlockingSync() *blockingSync {
	return &blockingSync{entered: make(chan struct{}, 100), release: make(chan error)}
}

func (b *blockingSync) fsync() error {
	b.calls.Add(1)
	b.entered <- struct{}{}
	return <-b.release
}

func waitAsync(w *walSync) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- w.wait() }()
	return ch
}

func TestWALSyncWaitsForAnFsyncStartedAfterIt(t *testing.T) {
	b := newBlockingSync()
	w := newWALSync("")
	w.fsync = b.fsync

	first := waitAsync(w)
	<-b.entered // fsync 1 runs for the first writer
	second := waitAsync(w)
	// The second writer committed while fsync 1 ran: fsync 1 does not cover it.
	waitUntil(t, "the second writer parks", func() bool { return parked(w) == 1 })
	b.release <- nil
	if err := <-first; err != nil {
		t.Fatalf("first wait: %v", err)
	}
	select {
	case err := <-second:
		t.Fatalf("second wait returned (%v) after an fsync that started before it", err)
	case <-b.entered: // fsync 2 started for it
	}
	b.release <- nil
	if err := <-second; err != nil {
		t.Fatalf("second wait: %v", err)
	}
	if got := b.calls.Load(); got != 2 {
		t.Errorf("fsyncs: got %d, want 2", got)
	}
}

func TestWALSyncSharesOneFsyncAmongWaiters(t *testing.T) {
	b := newBlockingSync()
	w := newWALSync("")
	w.fsync = b.fsync

	first := waitAsync(w)
	<-b.entered
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() { errs <- w.wait() })
	}
	waitUntil(t, "the 50 writers park", func() bool { return parked(w) == 50 })
	b.release <- nil // fsync 1: the first writer only
	<-b.entered      // fsync 2, for all 50
	b.release <- nil
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if got := b.calls.Load(); got != 2 {
		t.Errorf("fsyncs for 51 writers: got %d, want 2", got)
	}
}

func TestWALSyncReportsTheFsyncError(t *testing.T) {
	w := newWALSync("")
	boom := errors.New("input/output error")
	w.fsync = func() error { return boom }
	if err := w.wait(); !errors.Is(err, boom) {
		t.Fatalf("wait: got %v, want %v", err, boom)
	}
	w.fsync = func() error { return nil }
	if err := w.wait(); err != nil {
		t.Fatalf("wait after the disk recovered: %v", err)
	}
}

func TestWritesWaitForTheGroupFsync(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.wal == nil {
		t.Fatal("group commit is off on a WAL database")
	}
	var mode int
	if err := db.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil || mode != 1 {
		t.Fatalf("writer synchronous: got %d (%v), want 1 (NORMAL)", mode, err)
	}
	var n atomic.Int64
	db.wal.fsync = func() error { n.Add(1); return nil }
	s := &extramile.Story{Author: "U1", Recognized: []string{"U2"}, Audience: extramile.AudienceCustomer, Text: "Noticed the onboarding doc was out of date.", Channel: "C1"}
	if err := db.CreateStory(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Once(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got != 2 {
		t.Errorf("fsyncs for two writes: got %d, want 2", got)
	}
	boom := errors.New("no space left on device")
	db.wal.fsync = func() error { return boom }
	if _, err := db.Once(ctx, "k2"); !errors.Is(err, boom) {
		t.Errorf("a write whose fsync failed: got %v, want the fsync error", err)
	}
}

// parked is how many writers wait for the running fsync to end.
func parked(w *walSync) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.parked
}

// waitUntil polls cond for up to 5 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
