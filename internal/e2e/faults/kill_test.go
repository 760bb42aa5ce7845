package faults

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestKill9KeepsEveryAckedStory streams story submissions at the bot, kills
// it with SIGKILL once a few dozen were acked (others are in flight, and
// shoutouts are being posted), and starts it again: every story whose
// submission was acked is in the database exactly once, no story is there
// twice, and every kept story gets exactly one shoutout after the restart.
// The bot acks a submission only once the story is committed, so an ack is
// a promise; a shoutout posted just before the kill but not recorded is
// found in the channel's history by the new process, not posted again.
func TestKill9KeepsEveryAckedStory(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	srv := h.Slack
	p := startProc(t, h, 1)

	const killAfter = 40 // acked submissions before the kill
	type sent struct{ envelope, token string }
	var (
		mu   sync.Mutex
		subs []sent
	)
	streamCtx, stopStream := context.WithCancel(context.Background())
	defer stopStream()
	var wg sync.WaitGroup
	for w := range 4 { // four clients submitting one after the other
		wg.Go(func() {
			for i := 0; streamCtx.Err() == nil; i++ {
				token := fmt.Sprintf("fkill-%d%04d", w, i)
				id, err := srv.Send(streamCtx, slackfake.TypeInteractive, submission(srv, apptest.General, storyText(token), apptest.Bob))
				if err != nil {
					return // the stream was stopped
				}
				mu.Lock()
				subs = append(subs, sent{id, token})
				mu.Unlock()
				if _, err := srv.WaitAck(streamCtx, id); err != nil {
					return
				}
			}
		})
	}
	h.Eventually(fmt.Sprintf("%d acked submissions", killAfter), func() bool { return len(srv.Acks()) >= killAfter })
	p.kill()
	stopStream()
	wg.Wait()

	acked := map[string]bool{}
	for _, a := range srv.Acks() {
		if errs := fieldErrors(t, a); errs != nil {
			t.Fatalf("a submission was refused under load: %v", errs)
		}
		acked[a.EnvelopeID] = true
	}
	var keep, inFlight []string
	for _, s := range subs {
		if acked[s.envelope] {
			keep = append(keep, s.token)
		} else {
			inFlight = append(inFlight, s.token)
		}
	}
	t.Logf("killed with %d submissions acked and %d in flight", len(keep), len(inFlight))

	p = startProc(t, h, 2)
	h.Eventually("a shoutout for every kept story", func() bool {
		posted := tokensIn(h.Posts(apptest.General))
		for _, tok := range keep {
			if posted[tok] == 0 {
				return false
			}
		}
		return true
	})
	stored := storiesByToken(h)
	p.stop()

	for _, tok := range keep {
		if n := stored[tok]; n != 1 {
			t.Errorf("acked story %s stored %d times, want 1", tok, n)
		}
	}
	for _, tok := range inFlight {
		if n := stored[tok]; n > 1 {
			t.Errorf("unacked story %s stored %d times, want at most 1", tok, n)
		}
	}
	posted := tokensIn(h.Posts(apptest.General))
	for tok := range stored {
		if posted[tok] != 1 {
			t.Errorf("story %s stored, and %d shoutouts after the restart; want 1", tok, posted[tok])
		}
	}
	t.Logf("%d stories stored, %d looks in the history after the restart", len(stored), len(srv.Calls("conversations.history")))
}
