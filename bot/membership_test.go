package bot

import (
	"slices"
	"testing"
	"time"
)

func TestMembershipKeepsSlacksOrder(t *testing.T) {
	var m membership
	if got, loaded := m.channels(); len(got) != 0 || loaded {
		t.Fatalf("zero value: got %v loaded %v, want empty, not loaded", got, loaded)
	}
	steps := []struct {
		channel string
		member  bool
		ts      string
		applied bool
	}{
		{"C1", true, "1700000002.000000", true},
		{"C1", false, "1700000001.000000", false}, // a removal older than the join: stale
		{"C1", false, "1700000003.000000", true},
		{"C1", true, "", true}, // a join the bot made itself has no event time
		{"C1", true, "1700000004.000000", true},
		{"C2", true, "", true},
		{"G1", true, "1700000001.5", true},
	}
	for i, s := range steps {
		if got := m.set(s.channel, s.member, s.ts); got != s.applied {
			t.Errorf("step %d (%s member=%v at %s): applied %v, want %v", i, s.channel, s.member, s.ts, got, s.applied)
		}
	}
	if got, _ := m.channels(); !slices.Equal(got, []string{"C1", "C2", "G1"}) {
		t.Errorf("channels: got %v", got)
	}
	if !m.has("C1") || m.has("C9") {
		t.Errorf("has: C1 %v, C9 %v", m.has("C1"), m.has("C9"))
	}
}

func TestMembershipListingDoesNotUndoLaterEvents(t *testing.T) {
	var m membership
	m.set("COLD", true, "1700000000.000000") // known before the listing: the listing decides
	m.finishLoad(m.beginLoad(), []string{"CGONE"})
	m.set("CMORE", true, "") // a change after a listing adds to it
	if got, _ := m.channels(); !slices.Equal(got, []string{"CGONE", "CMORE"}) {
		t.Errorf("a join after a listing: got %v, want CGONE and CMORE", got)
	}
	start := m.beginLoad()
	// While the listing runs, the bot joins CNEW and is removed from CGONE.
	m.set("CNEW", true, "1700000010.000000")
	m.set("CGONE", false, "1700000011.000000")
	m.finishLoad(start, []string{"CGONE", "CKEPT"}) // the listing saw CGONE, not CNEW nor COLD
	got, loaded := m.channels()
	if want := []string{"CKEPT", "CNEW"}; !slices.Equal(got, want) || !loaded {
		t.Errorf("after the listing: got %v loaded %v, want %v loaded", got, loaded, want)
	}
	// A second listing replaces everything again.
	m.finishLoad(m.beginLoad(), []string{"CGONE"})
	if got, _ := m.channels(); !slices.Equal(got, []string{"CGONE"}) {
		t.Errorf("after a second listing: got %v", got)
	}
}

func TestClaimJoinOnceAtATime(t *testing.T) {
	var m membership
	if !m.claimJoin("C1") || m.claimJoin("C1") {
		t.Fatal("a second join of C1 was allowed while one is under way")
	}
	m.doneJoin("C1")
	if !m.claimJoin("C1") {
		t.Error("C1 could not be joined again after the first join ended")
	}
}

func TestSweeperRunsOneAtATime(t *testing.T) {
	var s sweeper
	if !s.start() {
		t.Fatal("the first sweep did not start")
	}
	if s.start() || s.start() {
		t.Fatal("a second sweep started while one runs")
	}
	if !s.next() {
		t.Fatal("a sweep asked for meanwhile does not run")
	}
	if s.next() {
		t.Fatal("the sweep went round twice for one request")
	}
	if !s.start() {
		t.Fatal("no sweep starts after the last one ended")
	}
	s.stop()
	if !s.start() {
		t.Fatal("no sweep starts after one was stopped")
	}
}

func TestChannelPaceDefaultsStayUnderSlacksTiers(t *testing.T) {
	p := ChannelPace{}.withDefaults()
	// Tier 2 (users.conversations, conversations.list): 20 a minute; tier 3
	// (conversations.join): 50 a minute.
	if perMin := time.Minute / p.List; perMin > 20 {
		t.Errorf("listing pace %v: %d pages a minute, over tier 2's 20", p.List, perMin)
	}
	if perMin := time.Minute / p.Join; perMin > 50 {
		t.Errorf("join pace %v: %d joins a minute, over tier 3's 50", p.Join, perMin)
	}
	if q := (ChannelPace{List: time.Millisecond, Join: 2 * time.Millisecond}).withDefaults(); q.List != time.Millisecond || q.Join != 2*time.Millisecond {
		t.Errorf("set paces changed: %+v", q)
	}
}
