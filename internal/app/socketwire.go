package app

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// socketPingInterval is how long slack-go waits for Slack's next websocket
// ping before it drops the socket and reconnects (socketmode.OptionPingInterval;
// 30 s is slack-go's default and the official SDKs' server ping timeout).
// /readyz says not ready once nothing, not even a ping, came for this long.
const socketPingInterval = 30 * time.Second

// wireActivity records when bytes last came in over the Socket Mode
// websocket. Slack's pings are answered inside slack-go and never reach its
// Events channel, and a quiet workspace sends nothing else for hours: the
// adapter's LastReceived alone would call a healthy socket silent.
type wireActivity struct {
	now  func() time.Time
	last atomic.Int64 // unix nanoseconds; 0 before the first byte
}

// Last is when the socket last received anything (zero: never).
func (w *wireActivity) Last() time.Time {
	n := w.last.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// dialer is slack-go's default websocket dialer (Proxy, HandshakeTimeout and
// WriteBufferSize as in socketmode's openAndDial) whose connections record
// every read.
func (w *wireActivity) dialer() *websocket.Dialer {
	nd := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	return &websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: 45 * time.Second,
		WriteBufferSize:  32 * 1024,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &activityConn{Conn: c, w: w}, nil
		},
	}
}

// activityConn is a connection that records when it reads something.
type activityConn struct {
	net.Conn
	w *wireActivity
}

// Read implements net.Conn.
func (c *activityConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.w.last.Store(c.w.now().UnixNano())
	}
	return n, err
}

// latest is the later of two times.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
