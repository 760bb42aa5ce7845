package ops

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/clock"
)

// readyWithin is the readiness threshold: slack-go's ping interval (30 s),
// after which it gives up on a silent socket.
const readyWithin = 30 * time.Second

// TestReadyzFollowsTheSocket: /healthz answers while the process lives;
// /readyz is ready once Slack said hello, stays ready while pings arrive,
// turns not ready when the socket goes silent (no pings, nothing) for
// longer than the ping interval, saying so, and is ready again once the
// bot has reconnected.
func TestReadyzFollowsTheSocket(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	clk := clock.NewFake(time.Now())
	h.Clock = clk
	base := h.ServeHTTP()
	h.Start()

	if code, body := get(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	settle(h)
	code, body := get(t, base+"/readyz")
	if code != http.StatusOK || !strings.HasPrefix(body, "ready\n") || !strings.Contains(body, "ok   socket: last message from Slack") ||
		!strings.Contains(body, "ok   database: took a write (rolled back)") {
		t.Fatalf("/readyz after connecting: %d\n%s", code, body)
	}

	// Silence: no pings, no envelopes.
	h.Slack.SetPings(false)
	code, body = goSilent(t, clk, base)
	if !strings.HasPrefix(body, "not ready\n") || !strings.Contains(body, "FAIL socket: nothing received from Slack for 31s, not even a ping") ||
		!strings.Contains(body, "ok   database:") {
		t.Errorf("/readyz body while silent:\n%s", body)
	}
	if code, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz while not ready: %d, want 200 (the process is alive)", code)
	}

	// The socket dies as a silent one does; the bot reconnects and Slack
	// says hello on the new socket.
	h.Slack.SetPings(true)
	h.Slack.DropConnections()
	if err := h.Slack.WaitConnected(h.Ctx(), 2); err != nil {
		t.Fatalf("no reconnect: %v", err)
	}
	h.Eventually("/readyz ready after the reconnect", func() bool {
		code, body = get(t, base+"/readyz")
		return code == http.StatusOK
	})
	if !strings.Contains(body, "ok   socket: last message from Slack 0s ago") {
		t.Errorf("/readyz after the reconnect:\n%s", body)
	}
}

// settle waits until the bot has taken everything Slack sent so far off the
// socket (the hello included): an envelope sent now is acked after them.
func settle(h *apptest.Harness) {
	h.T.Helper()
	h.Command(apptest.Carol, apptest.General, "help")
}

// goSilent moves the clock past the readiness threshold until /readyz says
// not ready (again, should a ping sent just before the silence land after a
// move) and returns its answer.
func goSilent(t *testing.T, clk *clock.Fake, base string) (int, string) {
	t.Helper()
	for i := 0; ; i++ {
		clk.Advance(readyWithin + time.Second)
		code, body := get(t, base+"/readyz")
		if code == http.StatusServiceUnavailable {
			return code, body
		}
		if i == 3 {
			t.Fatalf("/readyz while the socket is silent: %d\n%s", code, body)
		}
	}
}

// TestReadyzPingsKeepAQuietSocketReady: a workspace where nobody does
// anything sends only pings; they keep /readyz ready.
func TestReadyzPingsKeepAQuietSocketReady(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	clk := clock.NewFake(time.Now())
	h.Clock = clk
	base := h.ServeHTTP()
	h.Start()
	settle(h)
	h.Slack.SetPings(false) // pings when the test says
	goSilent(t, clk, base)
	// Slack pings; nothing else comes. The ping makes it ready again.
	if n := h.Slack.Ping(); n != 1 {
		t.Fatalf("pinged %d sockets, want 1", n)
	}
	h.Eventually("/readyz ready after a ping", func() bool {
		code, _ := get(t, base+"/readyz")
		return code == http.StatusOK
	})
}
