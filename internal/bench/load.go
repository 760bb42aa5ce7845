package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extramile/extramile/internal/slackfake"
)

// LoadResult is what one load measured.
type LoadResult struct {
	Sent     int
	SendTime time.Duration      // from the first envelope sent to the last
	ByKind   map[string]Latency // ack latency (sent → ack received) by kind
	All      Latency
	Lost     int // envelopes never acked
	Refused  int // submissions answered with response_action errors

	// Shoutout is submission sent → shoutout posted, for the stories kept.
	Shoutout   Latency
	NoShoutout int // kept stories whose shoutout did not come in time
}

// drive sends the items at rate envelopes per second (0: as fast as they
// go out) and returns their envelope IDs.
func drive(ctx context.Context, srv *slackfake.Server, items []item, rate float64) ([]string, time.Duration, error) {
	ids := make([]string, 0, len(items))
	start := time.Now()
	for i, it := range items {
		if rate > 0 {
			if d := time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))); d > 0 {
				time.Sleep(d)
			}
		}
		id, err := srv.Send(ctx, it.typ, it.payload)
		if err != nil {
			return ids, time.Since(start), fmt.Errorf("send envelope %d: %w", i, err)
		}
		ids = append(ids, id)
	}
	return ids, time.Since(start), nil
}

// load sends items, waits up to drain for their acks and up to settle for
// the shoutouts of the stories kept, and measures.
func load(ctx context.Context, srv *slackfake.Server, items []item, rate float64, drain, settle time.Duration) (*LoadResult, error) {
	before := srv.AckTotal()
	ids, sendTime, err := drive(ctx, srv, items, rate)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, drain)
	_, _ = srv.WaitAckTotal(wctx, before+len(ids)) // lost ones are counted below
	cancel()

	first := map[string]slackfake.Ack{}
	for _, a := range srv.Acks() {
		if _, ok := first[a.EnvelopeID]; !ok {
			first[a.EnvelopeID] = a
		}
	}
	r := &LoadResult{Sent: len(ids), SendTime: sendTime, ByKind: map[string]Latency{}}
	byKind := map[string][]time.Duration{}
	var all []time.Duration
	sentAt := map[string]time.Time{} // story token → submission sent
	for i, id := range ids {
		a, ok := first[id]
		if !ok {
			r.Lost++
			continue
		}
		lat := a.Received.Sub(a.Sent)
		byKind[items[i].kind] = append(byKind[items[i].kind], lat)
		all = append(all, lat)
		if items[i].kind == kindSubmission {
			if refused(a.Payload) {
				r.Refused++
			} else {
				sentAt[items[i].token] = a.Sent
			}
		}
	}
	for k, ds := range byKind {
		r.ByKind[k] = summarize(ds)
	}
	r.All = summarize(all)

	posted := waitShoutouts(ctx, srv, sentAt, settle)
	var shout []time.Duration
	for tok, at := range sentAt {
		if p, ok := posted[tok]; ok {
			shout = append(shout, p.Sub(at))
		} else {
			r.NoShoutout++
		}
	}
	r.Shoutout = summarize(shout)
	return r, nil
}

// refused reports whether an ack payload is a view_submission refusal.
func refused(payload json.RawMessage) bool {
	var p struct {
		ResponseAction string `json:"response_action"`
	}
	return json.Unmarshal(payload, &p) == nil && p.ResponseAction == "errors"
}

var benchToken = regexp.MustCompile(`\[(bench-\d+-\d+)\]`)

// waitShoutouts waits until every token has a shoutout in the load channel
// (or settle passes) and returns when each was posted.
func waitShoutouts(ctx context.Context, srv *slackfake.Server, tokens map[string]time.Time, settle time.Duration) map[string]time.Time {
	posted := map[string]time.Time{}
	deadline := time.Now().Add(settle)
	seen := 0
	for {
		msgs := srv.Messages(loadChannel)
		for _, m := range msgs[seen:] {
			if m.Ephemeral || m.User == "" {
				continue
			}
			if tok := benchToken.FindSubmatch(m.Blocks); tok != nil {
				if _, ok := posted[string(tok[1])]; !ok {
					posted[string(tok[1])] = tsTime(m.TS)
				}
			}
		}
		seen = len(msgs)
		done := true
		for tok := range tokens {
			if _, ok := posted[tok]; !ok {
				done = false
				break
			}
		}
		if done || time.Now().After(deadline) || ctx.Err() != nil {
			return posted
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tsTime reads a message timestamp, "1700000000.000100", as a time (the fake
// Slack makes them from its clock).
func tsTime(ts string) time.Time {
	sec, frac, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(sec, 10, 64)
	us, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return time.Unix(s, us*1000)
}
