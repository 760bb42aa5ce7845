package slackfake

import (
	"context"
	"errors"
	"io"
	"log"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// testCtx bounds a test: nothing in this package should take more than a few seconds.
func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newAPI is slack-go's Web API client pointed at srv with the default tokens.
func newAPI(srv *Server, opts ...slack.Option) *slack.Client {
	opts = append([]slack.Option{slack.OptionAPIURL(srv.APIURL()), slack.OptionAppLevelToken("xapp-test")}, opts...)
	return slack.New("xoxb-test", opts...)
}

// socket is a running slack-go Socket Mode client and what it received.
type socket struct {
	client *socketmode.Client
	events chan socketmode.Event
}

// startSocket runs a slack-go Socket Mode client against srv until the test ends.
func startSocket(t *testing.T, srv *Server, opts ...socketmode.Option) *socket {
	t.Helper()
	opts = append([]socketmode.Option{socketmode.OptionLog(log.New(io.Discard, "", 0))}, opts...)
	sm := socketmode.New(newAPI(srv), opts...)
	sock := &socket{client: sm, events: make(chan socketmode.Event, 1000)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = sm.RunContext(ctx) })
	wg.Go(func() {
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-sm.Events:
				select {
				case sock.events <- e:
				default:
					t.Errorf("socket events buffer full; dropped %s", e.Type)
				}
			}
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return sock
}

// next returns the next event of one of the given types, skipping the rest.
func (s *socket) next(t *testing.T, types ...socketmode.EventType) socketmode.Event {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e := <-s.events:
			for _, typ := range types {
				if e.Type == typ {
					return e
				}
			}
		case <-timeout:
			t.Fatalf("no %v event within 5 s", types)
		}
	}
}

// eventually polls cond until it holds or a 5 s deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// slackCode is the Slack error code of a Web API error ("" if it is not one).
func slackCode(err error) string {
	var e slack.SlackErrorResponse
	if errors.As(err, &e) {
		return e.Err
	}
	return ""
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// withDirectory adds the users and channels most tests need.
func withDirectory(srv *Server) *Server {
	srv.AddUser(User{ID: "U1", Name: "alice", RealName: "Alice Liddell", TZ: "Europe/Paris", IsAdmin: true})
	srv.AddUser(User{ID: "U2", Name: "bob"})
	srv.AddUser(User{ID: "UGONE", Name: "gone", Deleted: true})
	srv.AddUser(User{ID: "UOTHERBOT", Name: "otherbot", IsBot: true})
	srv.AddChannel(Channel{ID: "C1", Name: "general", BotIsMember: true})
	srv.AddChannel(Channel{ID: "C2", Name: "random"})
	srv.AddChannel(Channel{ID: "G1", Name: "secret", IsPrivate: true, BotIsMember: true})
	srv.AddChannel(Channel{ID: "G2", Name: "hidden", IsPrivate: true})
	srv.AddChannel(Channel{ID: "C3", Name: "old", IsArchived: true, BotIsMember: true})
	srv.AddChannel(Channel{ID: "C4", Name: "old-public", IsArchived: true})
	return srv
}
