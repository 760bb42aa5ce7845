package bench

import (
	"context"
	"testing"
	"time"
)

// TestLoadAgainstTheFloor runs a small load against the floor app in
// process: every envelope is acked, each kind is measured, and nothing is
// counted lost or refused.
func TestLoadAgainstTheFloor(t *testing.T) {
	w := newWorkspace(5)
	defer w.close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	floorCtx, stopFloor := context.WithCancel(ctx)
	floorDone := make(chan error, 1)
	go func() { floorDone <- RunFloor(floorCtx, w.srv.APIURL(), appToken) }()
	defer func() {
		stopFloor()
		if err := <-floorDone; err != nil {
			t.Errorf("floor: %v", err)
		}
	}()
	if err := w.srv.WaitConnected(ctx, 1); err != nil {
		t.Fatal(err)
	}

	items, err := w.workload(1, 30)
	if err != nil {
		t.Fatal(err)
	}
	r, err := load(ctx, w.srv, items, 0, 10*time.Second, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Sent != 30 || r.Lost != 0 || r.Refused != 0 || r.All.N != 30 {
		t.Errorf("load: sent %d, lost %d, refused %d, measured %d; want 30 sent and measured, none lost or refused", r.Sent, r.Lost, r.Refused, r.All.N)
	}
	for _, k := range kinds {
		if got := r.ByKind[k].N; got != 10 {
			t.Errorf("%s: %d measured, want 10", k, got)
		}
	}
	// The floor posts nothing: the ten stories have no shoutout.
	if r.NoShoutout != 10 {
		t.Errorf("stories without a shoutout: got %d, want 10", r.NoShoutout)
	}
}

func TestTSTime(t *testing.T) {
	got := tsTime("1700000000.000123")
	if want := time.Unix(1700000000, 123000); !got.Equal(want) {
		t.Errorf("tsTime: got %v, want %v", got, want)
	}
}
