package bench

import (
	"fmt"
	"strings"
	"time"
)

// Targets the report checks.
const (
	targetP99Ratio    = 1.5             // bot p99 ack latency ≤ this × the floor's
	targetAckMax      = 3 * time.Second // Slack's ack limit
	targetIdleRSS     = 30 << 20        // bytes
	targetFanoutRatio = 1.10            // fan-out wall time ≤ this × the limit's floor
)

// Markdown renders the report as the tables docs/PERFORMANCE.md shows.
func (r *Report) Markdown() string {
	var b strings.Builder
	m := r.Machine
	fmt.Fprintf(&b, "Run %s on %s, %d cores, %s memory, %s, %s (load average at start %s).\n\n",
		r.Started.UTC().Format("2006-01-02 15:04 MST"), orDash(m.CPU), m.Cores, orDash(m.MemTotal), m.Go, m.OS, orDash(m.LoadAvg))

	c := r.Config
	if r.Steady.Bot != nil && r.Steady.Floor != nil {
		fmt.Fprintf(&b, "### Ack latency\n\nEnvelope sent by the fake Slack → ack received by it, through the websocket, slack-go, the adapter and the handler. "+
			"Steady: %.0f envelopes a second for %v; burst: %d envelopes at once; each after a warm-up of %d. "+
			"Kinds in turn: slash command (help, mine, top week), story view_submission (stored before the ack), kudos reaction_added (acked, then handled). "+
			"Floor: a bare slack-go app that acks at once, in the same run against the same fake.\n\n",
			c.Rate, c.Duration, c.Burst, c.Warmup)
		b.WriteString("| Load | Kind | Floor p50 | Floor p99 | Floor max | Bot p50 | Bot p99 | Bot max | p99 ÷ floor | Lost | Meets target |\n")
		b.WriteString("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
		for _, l := range []struct {
			name       string
			floor, bot *LoadResult
		}{{"steady", r.Steady.Floor, r.Steady.Bot}, {"burst", r.Burst.Floor, r.Burst.Bot}} {
			if l.floor == nil || l.bot == nil {
				continue
			}
			for _, k := range append(append([]string{}, kinds...), "all") {
				f, bt := l.floor.ByKind[k], l.bot.ByKind[k]
				if k == "all" {
					f, bt = l.floor.All, l.bot.All
				}
				lost := "—"
				if k == "all" {
					lost = fmt.Sprint(l.bot.Lost)
				}
				ratio := ratioOf(bt.P99, f.P99)
				ok := ratio <= targetP99Ratio && bt.Max < targetAckMax && l.bot.Lost == 0
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %s | %s |\n",
					l.name, k, ms(f.P50), ms(f.P99), ms(f.Max), ms(bt.P50), ms(bt.P99), ms(bt.Max), ratio, lost, yesNo(ok))
			}
		}
		fmt.Fprintf(&b, "\nTarget: bot p99 within %.1f× the floor's, none lost, every ack well under Slack's %v. "+
			"Submissions refused (answered with an error instead of kept): steady %d, burst %d.\n\n",
			targetP99Ratio, targetAckMax, r.Steady.Bot.Refused, r.Burst.Bot.Refused)

		b.WriteString("### Story submitted → shoutout posted\n\n| Load | Stories | p50 | p99 | max | Not posted within 2 min |\n|---|---:|---:|---:|---:|---:|\n")
		for _, l := range []struct {
			name string
			r    *LoadResult
		}{{"steady", r.Steady.Bot}, {"burst", r.Burst.Bot}} {
			if l.r == nil {
				continue
			}
			s := l.r.Shoutout
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %d |\n", l.name, s.N+l.r.NoShoutout, ms(s.P50), ms(s.P99), ms(s.Max), l.r.NoShoutout)
		}
		b.WriteString("\n")

		b.WriteString("### Memory and size\n\n| Measure | Value | Target |\n|---|---:|---|\n")
		fmt.Fprintf(&b, "| Resident set, idle (connected, 3 s after start) | %.1f MB | under 30 MB: %s |\n", mb(r.IdleRSS), yesNo(r.IdleRSS < targetIdleRSS))
		fmt.Fprintf(&b, "| Resident set under the steady load: largest / at its end | %.1f MB / %.1f MB | |\n", mb(r.SteadyMaxRSS), mb(r.SteadyEndRSS))
		fmt.Fprintf(&b, "| Resident set during the burst: largest | %.1f MB | |\n", mb(r.BurstMaxRSS))
		fmt.Fprintf(&b, "| The floor app's resident set, idle | %.1f MB | |\n", mb(r.FloorIdleRSS))
	} else {
		b.WriteString("### Size\n\n| Measure | Value |\n|---|---:|\n")
	}
	fmt.Fprintf(&b, "| Binary (CGO_ENABLED=0, -trimpath, -ldflags \"-s -w\") | %.1f MB | |\n\n", mb(r.BinarySize))

	if f := r.Fanout; f != nil {
		ratio := float64(f.Wall) / float64(f.Floor)
		fmt.Fprintf(&b, "### Weekly prompt fan-out\n\n%d subscribed channels. The fake Slack allows chat.postMessage once a second per channel and %.0f times a minute across the workspace (bursts of %d), "+
			"answering 429 with Retry-After beyond; the bot paces scheduled posts at one every 250 ms (240 a minute). "+
			"The prompt falls due while the bot is down and the catch-up at start posts it.\n\n", f.Channels, f.PerMinute, f.Burst)
		b.WriteString("| Measure | Value | Target |\n|---|---:|---|\n")
		fmt.Fprintf(&b, "| Wall time, first post call → last post accepted | %s | |\n", secs(f.Wall))
		fmt.Fprintf(&b, "| Floor the limit allows, (channels − burst) ÷ rate | %s | |\n", secs(f.Floor))
		fmt.Fprintf(&b, "| Wall ÷ floor | %.3f | within 10%%: %s |\n", ratio, yesNo(ratio <= targetFanoutRatio))
		fanoutRows(&b, f)
		if t := r.FanoutTight; t != nil {
			fmt.Fprintf(&b, "\nThe same under a limit tighter than the bot's pacing, %.0f a minute (bursts of %d), so that Slack answers 429s:\n\n", t.PerMinute, t.Burst)
			b.WriteString("| Measure | Value | Target |\n|---|---:|---|\n")
			fmt.Fprintf(&b, "| Wall time (floor %s) | %s | |\n", secs(t.Floor), secs(t.Wall))
			fanoutRows(&b, t)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func ratioOf(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// fanoutRows writes the rows every fan-out run has.
func fanoutRows(b *strings.Builder, f *FanoutResult) {
	fmt.Fprintf(b, "| 429s answered / chat.postMessage calls | %d / %d | |\n", f.RateLimited, f.PostCalls)
	fmt.Fprintf(b, "| 429s not followed by an accepted retry | %d | 0: %s |\n", f.Unanswered, yesNo(f.Unanswered == 0))
	fmt.Fprintf(b, "| Channels without the prompt | %d | 0: %s |\n", f.Missing, yesNo(f.Missing == 0))
	fmt.Fprintf(b, "| Prompts posted twice | %d | 0: %s |\n", f.Duplicates, yesNo(f.Duplicates == 0))
	fmt.Fprintf(b, "| The bot's largest resident set meanwhile | %.1f MB | |\n", mb(f.BotMaxRSS))
}
