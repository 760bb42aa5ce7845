package slackfake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// ErrClosed is returned by the waiting methods and by Send once the server is closed.
var ErrClosed = errors.New("slackfake: server closed")

// Server is a fake Slack: Web API over HTTP and Socket Mode over a websocket, on 127.0.0.1.
// All its methods are safe for concurrent use.
type Server struct {
	cfg  config
	ln   net.Listener
	srv  *http.Server
	base string // "http://127.0.0.1:PORT"
	log  *slog.Logger

	done      chan struct{} // closed by Close
	closeOnce sync.Once
	wg        sync.WaitGroup // goroutines Close waits for

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change a waiter may care about
	closed  bool
	seq     int64 // for IDs
	lastTS  int64 // microseconds of the last ts handed out

	// directory
	users    map[string]User
	channels map[string]Channel

	// socket mode
	tickets      map[string]bool
	conns        []*conn
	rr           int
	hellos       int
	pongs        int // every pong received, on any socket
	pings        bool
	connOpenErr  string
	acks         []Ack
	events       []SentEvent // events_api envelopes sent (membership.go)
	sentAt       map[string]time.Time
	responseURLs map[string]int // response_url path → uses

	// web api
	calls    []Call
	table    map[string]method
	handlers map[string]http.HandlerFunc
	faults   map[string][]*fault
	limits   map[string]*rateLimit
	limited  map[string]int

	// state behind the web api
	messages []*Message
	triggers map[string]*trigger
	views    map[string]*storedView
	viewIDs  []string
	uploads  []*Upload // files.go
}

// config holds what the options set.
type config struct {
	botToken, appToken                  string
	botUserID, botID, teamID, appID     string
	command                             string
	pingInterval, triggerTTL, discGrace time.Duration
	now                                 func() time.Time
	logger                              *slog.Logger
	botScopes                           []string // guarded by Server.mu once serving
}

// Option configures a Server.
type Option func(*config)

// WithBotToken sets the bot token (xoxb-…) the Web API accepts. Default "xoxb-test".
func WithBotToken(tok string) Option { return func(c *config) { c.botToken = tok } }

// WithAppToken sets the app-level token (xapp-…) apps.connections.open accepts. Default "xapp-test".
func WithAppToken(tok string) Option { return func(c *config) { c.appToken = tok } }

// WithPingInterval sets how often the server sends a websocket ping on each socket. Default 5 s.
// slack-go reconnects when no ping arrives for its socketmode.OptionPingInterval (30 s by default),
// so a test that shortens slack-go's interval must shorten this one below it.
func WithPingInterval(d time.Duration) Option { return func(c *config) { c.pingInterval = d } }

// WithBotUserID sets the bot's user ID (auth.test user_id, authorizations). Default "UBOT".
func WithBotUserID(id string) Option { return func(c *config) { c.botUserID = id } }

// WithBotID sets the bot ID (B…) found in auth.test and on the bot's messages. Default "B0001".
func WithBotID(id string) Option { return func(c *config) { c.botID = id } }

// WithTeamID sets the workspace ID. Default "T0001".
func WithTeamID(id string) Option { return func(c *config) { c.teamID = id } }

// WithAppID sets the app ID (api_app_id, hello's connection_info). Default "A0001".
func WithAppID(id string) Option { return func(c *config) { c.appID = id } }

// WithCommand sets the slash command SlashCommand builds. Default "/extramile".
func WithCommand(cmd string) Option { return func(c *config) { c.command = cmd } }

// WithTriggerTTL sets how long a trigger_id stays usable after the envelope carrying it was
// sent (or, if never sent, after it was issued). Default 3 s, as Slack; 0 means forever.
func WithTriggerTTL(d time.Duration) Option { return func(c *config) { c.triggerTTL = d } }

// WithClock sets the clock behind message timestamps, event_time, trigger expiry, the
// sustained rate limiter and the times recorded on calls and acks. Default time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithLogger sets a logger for debug output (connections, envelopes, calls). Default: discard.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// New starts a fake Slack on 127.0.0.1 on a free port; tb.Cleanup closes it.
// The bot user (WithBotUserID) and USLACKBOT are in its directory from the start.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	cfg := config{
		botToken:     "xoxb-test",
		appToken:     "xapp-test",
		botUserID:    "UBOT",
		botID:        "B0001",
		teamID:       "T0001",
		appID:        "A0001",
		command:      "/extramile",
		pingInterval: 5 * time.Second,
		triggerTTL:   3 * time.Second,
		discGrace:    time.Second,
		now:          time.Now,
		botScopes:    DefaultBotScopes(),
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.pingInterval <= 0 {
		cfg.pingInterval = 5 * time.Second
	}
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("slackfake: listen: %v", err)
	}
	s := &Server{
		cfg:          cfg,
		ln:           ln,
		base:         "http://" + ln.Addr().String(),
		log:          logger,
		done:         make(chan struct{}),
		changed:      make(chan struct{}),
		users:        map[string]User{},
		channels:     map[string]Channel{},
		tickets:      map[string]bool{},
		pings:        true,
		sentAt:       map[string]time.Time{},
		responseURLs: map[string]int{},
		handlers:     map[string]http.HandlerFunc{},
		faults:       map[string][]*fault{},
		limits:       map[string]*rateLimit{},
		limited:      map[string]int{},
		triggers:     map[string]*trigger{},
		views:        map[string]*storedView{},
	}
	s.table = s.methods()
	s.users[cfg.botUserID] = User{ID: cfg.botUserID, Name: "extramile", RealName: "Extra Mile", IsBot: true}
	s.users["USLACKBOT"] = User{ID: "USLACKBOT", Name: "slackbot", RealName: "Slackbot"}

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.serveAPI)
	mux.HandleFunc("/link/", s.serveLink)
	mux.HandleFunc("/commands/", s.serveResponseURL)
	mux.HandleFunc("/actions/", s.serveResponseURL)
	mux.HandleFunc("/upload/", s.serveUpload)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(ln)
	}()
	tb.Cleanup(s.Close)
	return s
}

// APIURL is the Web API base, "http://127.0.0.1:PORT/api/", for slack.OptionAPIURL.
func (s *Server) APIURL() string { return s.base + "/api/" }

// Close closes every socket and the listener and waits for the server's goroutines.
// It is idempotent; New registers it with tb.Cleanup.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		conns := append([]*conn(nil), s.conns...)
		s.notify()
		s.mu.Unlock()
		close(s.done)
		for _, c := range conns {
			c.close()
		}
		_ = s.srv.Close()
		s.wg.Wait()
	})
}

// now reads the configured clock.
func (s *Server) now() time.Time { return s.cfg.now() }

// notify wakes every waiter. s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) reports true, ctx is done or the server closes.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return nil
		}
		if s.closed {
			s.mu.Unlock()
			return ErrClosed
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// nextSeq returns a fresh sequence number. s.mu must be held.
func (s *Server) nextSeq() int64 {
	s.seq++
	return s.seq
}

// nextTS returns a message timestamp ("1700000000.000100") later than every one before. s.mu must be held.
func (s *Server) nextTS() string {
	us := s.now().UnixMicro()
	if us <= s.lastTS {
		us = s.lastTS + 1
	}
	s.lastTS = us
	return fmt.Sprintf("%d.%06d", us/1e6, us%1e6)
}
