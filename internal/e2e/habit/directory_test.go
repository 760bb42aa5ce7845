package habit

import (
	"fmt"
	"testing"
	"time"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// addMembers puts n more people (UTC) in General and returns their IDs.
func addMembers(h *apptest.Harness, n int) []string {
	c, _ := h.Slack.Channel(apptest.General)
	var ids []string
	for i := range n {
		id := fmt.Sprintf("UM%05d", i)
		h.Slack.AddUser(slackfake.User{ID: id, Name: fmt.Sprintf("m%05d", i), TZ: "UTC"})
		ids = append(ids, id)
	}
	c.Members = append(c.Members, ids...)
	h.Slack.SetChannel(c)
	return ids
}

// lookups counts the users.info and users.list calls so far.
func lookups(h *apptest.Harness) (info, list int) {
	return len(h.Slack.Calls("users.info")), len(h.Slack.Calls("users.list"))
}

// TestNudgePassListsTheWorkspace: with 120 more people in the channel, a
// nudge pass reads the directory with users.list (one page of 200) rather
// than users.info per person, even when Slack rate-limits the first try;
// each pass (15 minutes apart, past the directory's 10) lists once, and the
// nudges still go to the right people at their own hour.
func TestNudgePassListsTheWorkspace(t *testing.T) {
	t.Parallel()
	h, clk := newHabit(t, "0 15 * * THU", utc(10, 0, 30))
	addMembers(h, 120)
	h.Start()
	h.Slack.RateLimitNext("users.list", 1, 0)
	fire(t, h, clk, bot.JobNudge, utc(10, 0, 45), 1) // nobody due yet
	// The fake records a call just after answering it.
	h.Eventually("the first pass's calls recorded", func() bool { _, l := lookups(h); return l >= 2 })
	info, list := lookups(h)
	if list != 2 || info != 0 { // the rate-limited try, then one page
		t.Errorf("first pass: users.info %d, users.list %d; want users.list twice (a 429, then one page), no users.info", info, list)
	}
	want(t, h, "before anyone's hour", map[string]int{})
	fire(t, h, clk, bot.JobNudge, utc(10, 1, 0), 1) // Kiri's 15:00
	want(t, h, "Kiri's hour", map[string]int{Kiri: 1})
	h.Eventually("the second pass's calls recorded", func() bool { _, l := lookups(h); return l >= list+1 })
	if i, l := lookups(h); i != 0 || l != list+1 {
		t.Errorf("second pass: users.info %d, users.list %d; want one more users.list (%d), no users.info", i, l, list+1)
	}
}

// BenchmarkNudgePass runs one nudge pass (nobody due: the directory and
// the database are read, nothing is posted) over a channel of N people on
// a cold directory, against the fake Slack, and reports the Web API calls
// a pass makes: users.list (200 a page) against users.info per person.
//
//	go test -run '^$' -bench NudgePass -benchtime 3x ./internal/e2e/habit
func BenchmarkNudgePass(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		for _, mode := range []struct {
			name  string
			above int
		}{{"users.list", 0}, {"users.info", -1}} {
			b.Run(fmt.Sprintf("members=%d/%s", n, mode.name), func(b *testing.B) {
				h, clk := newHabit(b, "0 15 * * THU", utc(9, 0, 0)) // a Wednesday: nobody is due
				addMembers(h, n)
				tune := h.Tune
				h.Tune = func(m *app.Main) { tune(m); m.UsersListAbove = mode.above }
				h.Start()
				at := utc(9, 0, 0)
				calls := func() (info, list, members int) {
					info, list = lookups(h)
					return info, list, len(h.Slack.Calls("conversations.members"))
				}
				i0, l0, m0 := calls()
				b.ResetTimer()
				for range b.N {
					at = at.Add(15 * time.Minute) // past the directory's 10 minutes: cold every pass
					fire(b, h, clk, bot.JobNudge, at, 1)
				}
				b.StopTimer()
				h.Eventually("the last pass's calls recorded", func() bool { _, l, m := calls(); return l > l0 || m > m0 })
				i1, l1, m1 := calls()
				b.ReportMetric(float64(i1-i0)/float64(b.N), "users.info/op")
				b.ReportMetric(float64(l1-l0)/float64(b.N), "users.list/op")
				b.ReportMetric(float64(m1-m0)/float64(b.N), "conversations.members/op")
				b.ReportMetric(float64(i1-i0+l1-l0+m1-m0)/float64(b.N), "calls/op")
			})
		}
	}
}
