package slackfake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Ack is one message the client sent on a socket; an ack is {"envelope_id"[, "payload"]}.
type Ack struct {
	EnvelopeID string
	Payload    json.RawMessage // nil when the ack carried none
	Received   time.Time
	// Sent is when the envelope went out (zero for an envelope this server never sent),
	// so Received.Sub(Sent) is what Slack's 3 s limit is measured on.
	Sent time.Time
	// Raw is the whole message as received.
	Raw []byte
}

// conn is one Socket Mode websocket.
type conn struct {
	id       int64
	ws       *websocket.Conn
	wmu      sync.Mutex // gorilla allows one writer at a time (WriteControl excepted)
	done     chan struct{}
	once     sync.Once
	isClosed atomic.Bool
	pongs    atomic.Int64

	// guarded by Server.mu
	ready    bool // hello sent
	draining bool // disconnect sent: takes no more envelopes
	silent   bool // GoSilent: sends nothing more, not even pings
}

func (c *conn) write(msg []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, msg)
}

// close drops the connection without a close frame.
func (c *conn) close() {
	c.once.Do(func() {
		c.isClosed.Store(true)
		close(c.done)
		_ = c.ws.Close()
	})
}

// closeGracefully sends a close frame, then closes.
func (c *conn) closeGracefully() {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	c.close()
}

// maxSockets is how many sockets Slack lets an app hold; one more is refused with a
// too_many_websockets disconnect.
const maxSockets = 10

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true }, // slack-go sends Origin: https://api.slack.com
}

// connectionsOpen answers apps.connections.open with a single-use websocket URL.
func (s *Server) connectionsOpen(*request) obj {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.connOpenErr != "" {
		return apiError(s.connOpenErr)
	}
	ticket := fmt.Sprintf("%s-%d", randomHex(8), s.nextSeq())
	s.tickets[ticket] = true
	url := fmt.Sprintf("ws://%s/link/?ticket=%s&app_id=%s", s.ln.Addr().String(), ticket, s.cfg.appID)
	return obj{"ok": true, "url": url}
}

// SetConnectionsOpenError makes apps.connections.open answer {"ok":false,"error":code} until
// cleared with "". slack-go gives up on invalid_auth, account_inactive, not_authed and
// token_revoked and retries with backoff on anything else.
func (s *Server) SetConnectionsOpenError(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.connOpenErr = code
}

// SetPings turns the server's websocket pings on or off (default on). With pings off a socket
// goes silent, and slack-go reconnects after its ping interval.
func (s *Server) SetPings(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pings = on
}

// Ping sends a websocket ping on every open socket now, as Slack does every
// few seconds (the pinger's interval), so a test need not wait for it. It
// returns how many sockets it pinged.
func (s *Server) Ping() int {
	s.mu.Lock()
	var targets []*conn
	for _, c := range s.conns {
		if c.ready && !c.silent && !c.isClosed.Load() {
			targets = append(targets, c)
		}
	}
	s.mu.Unlock()
	n := 0
	for _, c := range targets {
		if c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second)) == nil {
			n++
		}
	}
	return n
}

// GoSilent makes every socket open now go silent without a disconnect: it stays open and
// still reads what the client sends, but the server sends nothing more on it: no ping, no
// envelope, no disconnect message. Sockets opened later behave normally. SLACK.md (Socket
// Mode) notes that real sockets have been seen going silent without any disconnect; Slack's
// own SDKs treat a missing server ping as a dead socket and reconnect (@slack/socket-mode's
// serverPingTimeout, slack-go's OptionPingInterval). It returns how many sockets went silent.
func (s *Server) GoSilent() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		if c.ready && !c.silent && !c.isClosed.Load() {
			c.silent = true
			n++
		}
	}
	s.notify()
	return n
}

// Pongs returns how many pongs the server has received, on every socket so far.
func (s *Server) Pongs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pongs
}

// WaitPongs waits until the server has received n pongs in all (see Pongs).
func (s *Server) WaitPongs(ctx context.Context, n int) error {
	have := 0
	if err := s.waitFor(ctx, func() bool { have = s.pongs; return s.pongs >= n }); err != nil {
		return fmt.Errorf("wait for pong %d (%d so far): %w", n, have, err)
	}
	return nil
}

// serveLink upgrades a /link/?ticket=… request, says hello, pings, and records what the client sends.
func (s *Server) serveLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	ok := s.tickets[ticket]
	delete(s.tickets, ticket)
	if !ok {
		s.mu.Unlock()
		http.Error(w, "invalid ticket", http.StatusUnauthorized)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws, done: make(chan struct{})}
	ws.SetPongHandler(func(string) error {
		c.pongs.Add(1)
		s.mu.Lock()
		s.pongs++
		s.notify()
		s.mu.Unlock()
		return nil
	})

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	c.id = s.nextSeq()
	n := s.openConns()
	if n >= maxSockets {
		s.mu.Unlock()
		msg, _ := json.Marshal(obj{
			"type": "disconnect", "reason": "too_many_websockets", "num_connections": n,
			"debug_info": obj{"host": fmt.Sprintf("applink-fake-%d", c.id)}, "connection_info": obj{"app_id": s.cfg.appID},
		})
		_ = c.write(msg)
		c.closeGracefully()
		return
	}
	s.conns = append(s.conns, c)
	n++
	s.mu.Unlock()
	defer s.dropConn(c)

	hello, _ := json.Marshal(obj{
		"type":            "hello",
		"num_connections": n,
		"connection_info": obj{"app_id": s.cfg.appID},
		"debug_info": obj{
			"host":                        fmt.Sprintf("applink-fake-%d", c.id),
			"started":                     s.now().UTC().Format("2006-01-02 15:04:05.000"),
			"build_number":                1,
			"approximate_connection_time": 18060,
		},
	})
	if err := c.write(hello); err != nil {
		return
	}
	s.mu.Lock()
	c.ready = true
	s.hellos++
	s.notify()
	s.mu.Unlock()
	s.log.Debug("socket connected", "conn", c.id, "num_connections", n)

	s.wg.Add(1)
	go s.pinger(c)
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			s.log.Debug("socket closed", "conn", c.id, "error", err)
			return
		}
		s.recordAck(data)
	}
}

// openConns counts the sockets not closed yet. s.mu must be held.
func (s *Server) openConns() int {
	n := 0
	for _, c := range s.conns {
		if !c.isClosed.Load() {
			n++
		}
	}
	return n
}

// dropConn closes c and forgets it.
func (s *Server) dropConn(c *conn) {
	c.close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, x := range s.conns {
		if x == c {
			s.conns = append(s.conns[:i], s.conns[i+1:]...)
			break
		}
	}
	s.notify()
}

// pinger pings c every ping interval while pings are on.
func (s *Server) pinger(c *conn) {
	defer s.wg.Done()
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-s.done:
			return
		case <-t.C:
			s.mu.Lock()
			on := s.pings && !c.silent
			s.mu.Unlock()
			if on {
				_ = c.ws.WriteControl(websocket.PingMessage, []byte("ping"), time.Now().Add(time.Second))
			}
		}
	}
}

// recordAck keeps one client message.
func (s *Server) recordAck(data []byte) {
	var m struct {
		EnvelopeID string          `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(data, &m)
	if string(m.Payload) == "null" {
		m.Payload = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acks = append(s.acks, Ack{EnvelopeID: m.EnvelopeID, Payload: m.Payload, Received: s.now(), Sent: s.sentAt[m.EnvelopeID], Raw: data})
	s.notify()
}

// WaitConnected waits until the n-th socket (counting every socket ever opened, so 2 after one
// reconnect) has received its hello.
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	have := 0
	err := s.waitFor(ctx, func() bool { have = s.hellos; return s.hellos >= n })
	if err != nil {
		return fmt.Errorf("wait for socket %d (%d so far): %w", n, have, err)
	}
	return nil
}

// Connections returns how many sockets are open now (hello sent, not closed), silent ones
// included.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		if c.ready && !c.isClosed.Load() {
			n++
		}
	}
	return n
}

// Disconnect sends {"type":"disconnect","reason":reason,…} on every open socket, stops sending
// envelopes to them, and closes them shortly after (1 s), as Slack does. slack-go reconnects on
// any disconnect message.
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	var targets []*conn
	for _, c := range s.conns {
		if c.ready && !c.draining && !c.silent && !c.isClosed.Load() {
			c.draining = true
			targets = append(targets, c)
		}
	}
	s.mu.Unlock()
	for _, c := range targets {
		msg, _ := json.Marshal(obj{"type": "disconnect", "reason": reason, "debug_info": obj{"host": fmt.Sprintf("applink-fake-%d", c.id)}})
		_ = c.write(msg)
		s.closeLater(c)
	}
	s.log.Debug("disconnect sent", "reason", reason, "sockets", len(targets))
}

// closeLater closes c after the disconnect grace period unless it closes first.
func (s *Server) closeLater(c *conn) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.close()
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(s.cfg.discGrace)
		defer t.Stop()
		select {
		case <-t.C:
		case <-c.done:
		case <-s.done:
		}
		c.closeGracefully()
	}()
}

// DropConnections closes every socket abruptly, with no disconnect message and no close frame.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := append([]*conn(nil), s.conns...)
	s.mu.Unlock()
	for _, c := range conns {
		c.close()
	}
}

// Acks returns every message received on the sockets, in order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Ack(nil), s.acks...)
}

// AckCount returns how many acks arrived for one envelope (to assert exactly once).
func (s *Server) AckCount(envelopeID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.acks {
		if a.EnvelopeID == envelopeID {
			n++
		}
	}
	return n
}

// WaitAck waits for the first ack of an envelope.
func (s *Server) WaitAck(ctx context.Context, envelopeID string) (Ack, error) {
	var got Ack
	err := s.waitFor(ctx, func() bool {
		for _, a := range s.acks {
			if a.EnvelopeID == envelopeID {
				got = a
				return true
			}
		}
		return false
	})
	if err != nil {
		return Ack{}, fmt.Errorf("wait for the ack of envelope %s: %w", envelopeID, err)
	}
	return got, nil
}
