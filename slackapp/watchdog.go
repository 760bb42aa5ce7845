package slackapp

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/socketmode"
)

// SlackGoPingInterval is slack-go's default socketmode.OptionPingInterval:
// it reconnects by itself when Slack sends no websocket ping for this long.
const SlackGoPingInterval = 30 * time.Second

// DefaultSilenceLimit is Adapter.SilenceLimit's default: twice slack-go's
// ping interval, so the watchdog is a backstop behind slack-go's own ping
// timeout and never races it.
const DefaultSilenceLimit = 2 * SlackGoPingInterval

// receiveClock keeps when anything last came from Slack.
type receiveClock struct {
	mu   sync.Mutex
	last time.Time
}

func (c *receiveClock) mark(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.last) {
		c.last = t
	}
}

func (c *receiveClock) get() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// LastReceived returns when the adapter last got anything from Slack over
// the socket: a websocket ping or any message (hello, an envelope, a
// disconnect, even one it could not parse), read on Adapter.Now's clock. It
// is the zero time until the first socket is open. A health check can
// compare it with SilenceLimit.
func (a *Adapter) LastReceived() time.Time {
	return a.recv.get()
}

// received notes that something arrived from Slack now.
func (a *Adapter) received() {
	a.recv.mark(a.now())
}

func (a *Adapter) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

func (a *Adapter) silenceLimit() time.Duration {
	if a.SilenceLimit > 0 {
		return a.SilenceLimit
	}
	return DefaultSilenceLimit
}

// fromSlack reports whether a client event stands for a message Slack sent
// (as opposed to one slack-go makes up about connecting or failing).
func fromSlack(t socketmode.EventType) bool {
	switch t {
	case socketmode.EventTypeHello, socketmode.EventTypeEventsAPI, socketmode.EventTypeInteractive,
		socketmode.EventTypeSlashCommand, socketmode.EventTypeDisconnect, socketmode.EventTypeErrorBadMessage:
		return true
	}
	return false
}

// watchdog decides when a connected socket has been silent for too long.
// slack-go reconnects by itself when Slack's pings stop (after its ping
// interval) and when Slack sends a disconnect; sockets have nevertheless
// been seen going silent without either, and a watchdog on the last message
// received is the known remedy. It is armed only while slack-go says it is
// connected: while it is connecting, slack-go's own backoff rules.
type watchdog struct {
	armed   bool
	armedAt time.Time
}

// silentFor returns how long the socket has been silent at now, and whether
// that is past limit.
func (w *watchdog) silentFor(now, lastReceived time.Time, limit time.Duration) (time.Duration, bool) {
	if !w.armed {
		return 0, false
	}
	since := w.armedAt
	if lastReceived.After(since) {
		since = lastReceived
	}
	silence := now.Sub(since)
	return silence, silence > limit
}

// defaultDialer is the dialer slack-go v0.35 uses when given none
// (socketmode/socket_mode_managed_conn.go, openAndDial): its write buffer
// holds a whole response in one frame, as Slack does not reassemble
// continuation frames.
func defaultDialer() *websocket.Dialer {
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 45 * time.Second,
		WriteBufferSize:  32 * 1024,
	}
}

// watchedDialer returns a copy of the adapter's dialer whose connections
// mark every read from Slack, websocket pings included (slack-go keeps its
// ping handler to itself, so the transport is the only place to see them).
func (a *Adapter) watchedDialer() *websocket.Dialer {
	base := a.Dialer
	if base == nil {
		base = defaultDialer()
	}
	d := *base
	next := d.NetDialContext
	if next == nil && d.NetDial != nil {
		nd := d.NetDial
		next = func(_ context.Context, network, addr string) (net.Conn, error) { return nd(network, addr) }
	}
	if next == nil {
		var nd net.Dialer
		next = nd.DialContext
	}
	d.NetDial = nil
	d.NetDialContext = a.watchDial(next)
	if d.NetDialTLSContext != nil {
		d.NetDialTLSContext = a.watchDial(d.NetDialTLSContext)
	}
	return &d
}

func (a *Adapter) watchDial(next func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &watchedConn{Conn: c, seen: a.received}, nil
	}
}

// watchedConn calls seen after every read that got bytes.
type watchedConn struct {
	net.Conn
	seen func()
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.seen()
	}
	return n, err
}
