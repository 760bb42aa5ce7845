// Package apptest runs the real program (app.Main) against the fake Slack in
// internal/slackfake, for end-to-end tests: a fixed cast of people and
// channels, helpers to send envelopes and wait for what the bot does, and the
// database to check what it kept.
package apptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/app"
	"github.com/extramile/extramile/internal/clock"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/logbuf"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/slackapp"
	"github.com/extramile/extramile/storage"
)

// The cast: people and channels every test can use.
const (
	Alice       = "UALICE"   // a member, New York time
	Bob         = "UBOB"     // a member, Berlin time
	Carol       = "UCAROL"   // a member, UTC
	Admin       = "UADMIN"   // listed in EXTRAMILE_ADMINS
	Owner       = "UOWNER"   // a workspace owner (may change settings too)
	Deactivated = "UGONE"    // a deactivated account
	OtherBot    = "UAPPBOT"  // another app's bot user
	BotUser     = "UBOT"     // Extra Mile itself
	General     = "CGENERAL" // public; the bot is a member; EXTRAMILE_CHANNEL
	Random      = "CRANDOM"  // public; the bot is not a member yet
	Secret      = "GSECRET"  // private; the bot was not invited
	Team        = "GTEAM"    // private; the bot was invited
	Archived    = "CARCHIVE" // public, archived
)

// Timeout bounds every wait in a test.
const Timeout = 15 * time.Second

// Harness is one running bot against one fake Slack.
type Harness struct {
	T      testing.TB
	Slack  *slackfake.Server
	Config *config.Config
	Logs   *SyncBuffer
	// ChannelPace spaces the bot's listing and joining of channels, and its
	// retries; New makes it fast (1 ms, retries after 10 ms), a test may
	// change it before Start.
	ChannelPace bot.ChannelPace
	// Clock, when set before Start, is the program's clock (app.Main.Clock):
	// a test passes a *clock.Fake and moves it to make jobs fire, days pass
	// or the socket look silent. Nil is the system clock.
	Clock clock.Clock

	// Tune, when set, changes the program before each start (Start,
	// StartAnother, RunOnce): test hooks such as app.Main.TuneAdapter.
	Tune func(*app.Main)

	quietWatchdog bool // FakeClock: the socket's watchdog kept out of the clock's jumps

	outcomes    *Outcomes    // what every process of this harness reported
	httpLn      net.Listener // for the next Start (ServeHTTP)
	httpAddr    string
	connections int
	cancel      context.CancelFunc
	done        chan error
}

// New builds a fake Slack with the cast and a configuration pointing at it
// (schedules that never fire during a test unless a test sets them; a fresh
// database in a temp dir). Options may change the configuration before
// Start.
func New(tb testing.TB, opts ...func(*config.Config)) *Harness {
	tb.Helper()
	return NewWithSlack(tb, nil, opts...)
}

// NewWithSlack is New with options for the fake Slack, such as
// slackfake.WithPingInterval.
func NewWithSlack(tb testing.TB, slackOpts []slackfake.Option, opts ...func(*config.Config)) *Harness {
	tb.Helper()
	srv := slackfake.New(tb, slackOpts...)
	for _, u := range []slackfake.User{
		{ID: Alice, Name: "alice", RealName: "Alice Archer", TZ: "America/New_York", TZOffset: -18000},
		{ID: Bob, Name: "bob", RealName: "Bob Baker", TZ: "Europe/Berlin", TZOffset: 3600},
		{ID: Carol, Name: "carol", RealName: "Carol Chen", TZ: "UTC"},
		{ID: Admin, Name: "ada", RealName: "Ada Admin", TZ: "UTC"},
		{ID: Owner, Name: "olga", RealName: "Olga Owner", TZ: "UTC", IsOwner: true, IsAdmin: true},
		{ID: Deactivated, Name: "gone", RealName: "Gone Person", Deleted: true},
		{ID: OtherBot, Name: "otherbot", RealName: "Other Bot", IsBot: true},
	} {
		srv.AddUser(u)
	}
	for _, c := range []slackfake.Channel{
		{ID: General, Name: "general", BotIsMember: true},
		{ID: Random, Name: "random"},
		{ID: Secret, Name: "secret", IsPrivate: true},
		{ID: Team, Name: "team", IsPrivate: true, BotIsMember: true},
		{ID: Archived, Name: "old", IsArchived: true},
	} {
		srv.AddChannel(c)
	}
	never := "0 0 1 1 *" // once a year: never during a test
	cfg := &config.Config{
		Slack:           config.Slack{BotToken: "xoxb-test", AppToken: "xapp-test", APIURL: srv.APIURL()},
		DBPath:          filepath.Join(tb.TempDir(), "extramile.db"),
		Timezone:        config.Zone{Location: time.UTC},
		Channel:         General,
		PromptSchedule:  never,
		RoundupSchedule: never,
		DigestSchedule:  never,
		KudosDMSchedule: never,
		KudosEmoji:      []string{"raised_hands", "clap"},
		Admins:          []string{Admin},
		LogFormat:       "text",
	}
	cfg.LogLevel.Level = -4 // debug
	for _, o := range opts {
		o(cfg)
	}
	if err := cfg.Validate(); err != nil {
		tb.Fatalf("test configuration: %v", err)
	}
	h := &Harness{T: tb, Slack: srv, Config: cfg, Logs: &SyncBuffer{}, outcomes: newOutcomes(),
		ChannelPace: bot.ChannelPace{List: time.Millisecond, Join: time.Millisecond, Retry: 10 * time.Millisecond}}
	tb.Cleanup(func() {
		h.Stop()
		if tb.Failed() {
			tb.Logf("bot logs:\n%s", h.Logs.String())
		}
	})
	return h
}

// Start runs the program and waits until it has connected over Socket Mode.
func (h *Harness) Start() {
	h.T.Helper()
	if h.done != nil {
		h.T.Fatal("harness: already started")
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	m := h.main(h.Logs)
	if h.httpAddr != "" {
		if h.httpLn == nil { // a restart: the same address again
			ln, err := net.Listen("tcp", h.httpAddr)
			if err != nil {
				cancel()
				h.T.Fatalf("harness: listen on %s again: %v", h.httpAddr, err)
			}
			h.httpLn = ln
		}
		m.HTTPListener, h.httpLn = h.httpLn, nil
	}
	go func() { h.done <- m.Run(ctx) }()
	h.connections++
	wctx, wcancel := context.WithTimeout(context.Background(), Timeout)
	defer wcancel()
	select {
	case err := <-h.done:
		h.done = nil
		h.T.Fatalf("the bot stopped while starting: %v", err)
	case err := <-waitErr(func() error { return h.Slack.WaitConnected(wctx, h.connections) }):
		if err != nil {
			h.T.Fatalf("the bot did not connect: %v", err)
		}
	}
}

// FakeClock makes the program run on a fake clock reading t (call it
// before Start) and returns the clock, for tests that move time: jobs fire
// when the test moves it to their firing. The socket's watchdog reads the
// same clock and would take a jump of days for a silent socket, so it is
// kept out of the way (faults and ops test it on clocks of their own).
func (h *Harness) FakeClock(t time.Time) *clock.Fake {
	clk := clock.NewFake(t)
	h.Clock, h.quietWatchdog = clk, true
	return clk
}

// ServeHTTP makes Start serve the health and metrics endpoints (/healthz,
// /readyz, /metrics) on 127.0.0.1, on a free port kept across restarts, as
// EXTRAMILE_HTTP_ADDR does, and returns their base URL
// ("http://127.0.0.1:PORT"). Call it before Start.
func (h *Harness) ServeHTTP() string {
	h.T.Helper()
	if h.httpAddr == "" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			h.T.Fatalf("harness: listen: %v", err)
		}
		h.httpLn, h.httpAddr = ln, ln.Addr().String()
		h.Config.HTTPAddr = h.httpAddr
		h.T.Cleanup(func() {
			if h.httpLn != nil {
				h.httpLn.Close()
			}
		})
	}
	return "http://" + h.httpAddr
}

func waitErr(f func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	return ch
}

// Stop asks the program to stop (as SIGTERM does) and returns what Run
// returned. It fails the test if the program takes more than 10 s.
func (h *Harness) Stop() error {
	if h.done == nil {
		return nil
	}
	h.cancel()
	defer func() { h.done = nil }()
	select {
	case err := <-h.done:
		return err
	case <-time.After(10 * time.Second):
		h.T.Errorf("the bot took more than 10 s to stop")
		return errors.New("stop timed out")
	}
}

// Exited waits (up to Timeout) for the program to stop by itself, e.g.
// because Slack refused it, and returns what Run returned; ok is false if it
// is still running.
func (h *Harness) Exited() (err error, ok bool) {
	h.T.Helper()
	if h.done == nil {
		h.T.Fatal("harness: not running")
	}
	select {
	case err := <-h.done:
		h.done = nil
		return err, true
	case <-time.After(Timeout):
		return nil, false
	}
}

// Process is another run of the program on the same fake Slack and the same
// database: a second replica, or the new process of a rolling deploy.
type Process struct {
	h      *Harness
	cancel context.CancelFunc
	done   chan error
	Logs   *SyncBuffer
}

// StartAnother starts another process with the harness's configuration and
// waits until it has connected over Socket Mode. The test's cleanup stops it.
func (h *Harness) StartAnother() *Process {
	h.T.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &Process{h: h, cancel: cancel, done: make(chan error, 1), Logs: &SyncBuffer{}}
	m := h.main(p.Logs)
	go func() { p.done <- m.Run(ctx) }()
	h.T.Cleanup(func() {
		_ = p.Stop()
		if h.T.Failed() {
			h.T.Logf("logs of the other process:\n%s", p.Logs.String())
		}
	})
	h.connections++
	wctx, wcancel := context.WithTimeout(context.Background(), Timeout)
	defer wcancel()
	select {
	case err := <-p.done:
		p.done = nil
		h.T.Fatalf("the other process stopped while starting: %v", err)
	case err := <-waitErr(func() error { return h.Slack.WaitConnected(wctx, h.connections) }):
		if err != nil {
			h.T.Fatalf("the other process did not connect: %v", err)
		}
	}
	return p
}

// Stop stops the process as SIGTERM does, waiting for it as Harness.Stop.
func (p *Process) Stop() error {
	if p.done == nil {
		return nil
	}
	p.cancel()
	defer func() { p.done = nil }()
	select {
	case err := <-p.done:
		return err
	case <-time.After(10 * time.Second):
		p.h.T.Errorf("the other process took more than 10 s to stop")
		return errors.New("stop timed out")
	}
}

// Restart stops the program and starts it again on the same database.
func (h *Harness) Restart() {
	h.T.Helper()
	if err := h.Stop(); err != nil {
		h.T.Fatalf("stop: %v", err)
	}
	h.Start()
}

// Ctx is a context bounded by Timeout.
func (h *Harness) Ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	h.T.Cleanup(cancel)
	return ctx
}

// Send delivers an envelope and waits for its ack.
func (h *Harness) Send(typ string, payload any, opts ...slackfake.EnvelopeOption) slackfake.Ack {
	h.T.Helper()
	ctx := h.Ctx()
	id, err := h.Slack.Send(ctx, typ, payload, opts...)
	if err != nil {
		h.T.Fatalf("send %s: %v", typ, err)
	}
	ack, err := h.Slack.WaitAck(ctx, id)
	if err != nil {
		h.T.Fatalf("no ack for %s envelope %s: %v", typ, id, err)
	}
	return ack
}

// Command runs `/extramile text` as user in channel and returns the ack.
func (h *Harness) Command(user, channel, text string) slackfake.Ack {
	h.T.Helper()
	return h.Send(slackfake.TypeSlashCommands, h.Slack.SlashCommand(user, channel, text))
}

// Interact delivers an interactive payload and returns the ack.
func (h *Harness) Interact(payload map[string]any) slackfake.Ack {
	h.T.Helper()
	return h.Send(slackfake.TypeInteractive, payload)
}

// Event delivers an events_api payload and returns the ack.
func (h *Harness) Event(payload map[string]any, opts ...slackfake.EnvelopeOption) slackfake.Ack {
	h.T.Helper()
	return h.Send(slackfake.TypeEventsAPI, payload, opts...)
}

// EventNotDelivered sends an events_api payload that Slack would not deliver
// (it happened in a conversation the bot is not in) and fails the test
// unless the fake refused it with slackfake.ErrBotNotMember.
func (h *Harness) EventNotDelivered(payload map[string]any) {
	h.T.Helper()
	id, err := h.Slack.Send(h.Ctx(), slackfake.TypeEventsAPI, payload)
	if !errors.Is(err, slackfake.ErrBotNotMember) {
		h.T.Fatalf("event delivered (envelope %q, error %v); want it withheld: the bot is not a member", id, err)
	}
}

// Invite is by typing `/invite @Extra Mile` in channel; it returns the ack
// of the member_joined_channel the bot gets.
func (h *Harness) Invite(channel, by string) slackfake.Ack {
	h.T.Helper()
	return h.waitAck("invite the bot", func(ctx context.Context) (string, error) { return h.Slack.InviteBot(ctx, channel, by) })
}

// RemoveBot is by removing the bot from channel; it returns the ack of the
// channel_left (or group_left) the bot gets.
func (h *Harness) RemoveBot(channel, by string) slackfake.Ack {
	h.T.Helper()
	return h.waitAck("remove the bot", func(ctx context.Context) (string, error) { return h.Slack.RemoveBot(ctx, channel, by) })
}

// CreateChannel is creator making a new public channel c; it returns the
// ack of the channel_created the bot gets.
func (h *Harness) CreateChannel(c slackfake.Channel, creator string) slackfake.Ack {
	h.T.Helper()
	return h.waitAck("create a channel", func(ctx context.Context) (string, error) { return h.Slack.CreateChannel(ctx, c, creator) })
}

// waitAck runs send and waits for the ack of the envelope it sent.
func (h *Harness) waitAck(what string, send func(context.Context) (string, error)) slackfake.Ack {
	h.T.Helper()
	ctx := h.Ctx()
	id, err := send(ctx)
	if err != nil {
		h.T.Fatalf("%s: %v", what, err)
	}
	ack, err := h.Slack.WaitAck(ctx, id)
	if err != nil {
		h.T.Fatalf("%s: no ack for envelope %s: %v", what, id, err)
	}
	return ack
}

// Eventually polls cond every few milliseconds until it holds, failing the
// test with what after Timeout.
func (h *Harness) Eventually(what string, cond func() bool) {
	h.T.Helper()
	h.EventuallyWithin(Timeout, what, cond)
}

// EventuallyWithin is Eventually for a wait on a bulk of work (hundreds of
// events), given budget instead of Timeout: the budget only bounds how long
// a failing test takes, so a generous one costs nothing when all is well
// and keeps a loaded machine from failing a correct run.
func (h *Harness) EventuallyWithin(budget time.Duration, what string, cond func() bool) {
	h.T.Helper()
	deadline := time.Now().Add(budget)
	for !cond() {
		if time.Now().After(deadline) {
			h.T.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Home returns user's App Home as the fake holds it (the latest
// views.publish), and whether there is one.
func (h *Harness) Home(user string) (slackfake.View, bool) {
	for _, v := range h.Slack.Views() {
		if v.Type == "home" && v.UserID == user {
			return v, true
		}
	}
	return slackfake.View{}, false
}

// WaitHome waits until user's Home holds every one of texts (what names
// the wait in a failure), and returns it.
func (h *Harness) WaitHome(user, what string, texts ...string) slackfake.View {
	h.T.Helper()
	var v slackfake.View
	h.Eventually(what, func() bool {
		var ok bool
		if v, ok = h.Home(user); !ok {
			return false
		}
		for _, s := range texts {
			if !strings.Contains(string(v.Blocks), s) {
				return false
			}
		}
		return true
	})
	return v
}

// Posts returns the non-ephemeral messages the bot posted in channel (a user
// ID for DMs), in order.
func (h *Harness) Posts(channel string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Slack.Messages("") {
		if m.Ephemeral || m.User != BotUser {
			continue
		}
		if m.Channel == channel || m.Channel == "D"+channel {
			out = append(out, m)
		}
	}
	return out
}

// Ephemerals returns the ephemeral messages the bot showed user.
func (h *Harness) Ephemerals(user string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Slack.Messages("") {
		if m.Ephemeral && m.EphemeralTo == user {
			out = append(out, m)
		}
	}
	return out
}

// WaitPosts waits until channel has at least n bot posts and returns them.
func (h *Harness) WaitPosts(channel string, n int) []slackfake.Message {
	h.T.Helper()
	h.Eventually(fmt.Sprintf("%d posts in %s", n, channel), func() bool { return len(h.Posts(channel)) >= n })
	return h.Posts(channel)
}

// Export reads everything the bot kept, through a second handle on the
// database (as `extramile export` does while the bot runs).
func (h *Harness) Export() *extramile.Export {
	h.T.Helper()
	ctx := h.Ctx()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		h.T.Fatalf("open database: %v", err)
	}
	defer db.Close()
	e, err := db.Export(ctx)
	if err != nil {
		h.T.Fatalf("export: %v", err)
	}
	return e
}

// QuickShare runs the quick share `/extramile <@people…> text` as author in
// channel and waits until the shoutout is posted and recorded (the author's
// confirmation comes after the bot keeps its ts and permalink). It returns
// the shoutout.
func (h *Harness) QuickShare(author, channel, text string, people ...string) slackfake.Message {
	h.T.Helper()
	before := len(h.Ephemerals(author))
	var cmd strings.Builder
	for _, p := range people {
		cmd.WriteString("<@" + p + "> ")
	}
	cmd.WriteString(text)
	if p := AckPayload(h.T, h.Command(author, channel, cmd.String())); p != nil {
		h.T.Fatalf("quick share %q answered %v, want a plain ack", cmd.String(), p)
	}
	var shoutout slackfake.Message
	h.Eventually("the shoutout of "+text+" and the author's confirmation", func() bool {
		for _, m := range h.Posts(channel) {
			if strings.Contains(Text(m), text) {
				shoutout = m
				return len(h.Ephemerals(author)) > before
			}
		}
		return false
	})
	return shoutout
}

// Reply runs `/extramile text` as user in channel and returns the text of
// the ephemeral reply its ack carries (mentions as Slack gets them: <#C…>),
// failing the test on a plain ack.
func (h *Harness) Reply(user, channel, text string) string {
	h.T.Helper()
	p := AckPayload(h.T, h.Command(user, channel, text))
	if p == nil {
		h.T.Fatalf("/extramile %s: plain ack, want a reply", text)
	}
	m := slackfake.Message{}
	m.Text, _ = p["text"].(string)
	if blocks, ok := p["blocks"]; ok {
		raw, err := json.Marshal(blocks)
		if err != nil {
			h.T.Fatalf("/extramile %s: blocks: %v", text, err)
		}
		m.Blocks = raw
	}
	return Text(m)
}

// AckPayload decodes an ack's payload into a map (nil for a plain ack).
func AckPayload(tb testing.TB, a slackfake.Ack) map[string]any {
	tb.Helper()
	if len(a.Payload) == 0 || string(a.Payload) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(a.Payload, &m); err != nil {
		tb.Fatalf("ack payload %s: %v", a.Payload, err)
	}
	return m
}

// Text flattens a message's text and every text inside its blocks, for
// assertions that should not depend on layout.
func Text(m slackfake.Message) string {
	var b strings.Builder
	b.WriteString(m.Text)
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if t, ok := x["text"].(string); ok {
				b.WriteString("\n" + t)
			}
			for _, v := range x {
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	var blocks any
	if json.Unmarshal(m.Blocks, &blocks) == nil {
		walk(blocks)
	}
	return b.String()
}

// SyncBuffer collects the program's logs from its goroutines.
type SyncBuffer = logbuf.Buffer

// RunOnce runs the program in the foreground until it stops by itself
// (e.g. because Slack refused a token) and returns Run's error.
func (h *Harness) RunOnce() error {
	return h.main(h.Logs).Run(context.Background())
}

// main builds the program, logging to logs and reporting to h's outcomes,
// tuned by h.Tune.
func (h *Harness) main(logs *SyncBuffer) *app.Main {
	// The weekly nudge and follow-up jobs run every 15 minutes in
	// production; here they never fire by themselves (nor are caught up at
	// start): a test runs them with app.Main.Scheduler's RunNow.
	m := &app.Main{Config: h.Config, Logger: h.Config.Logger(logs), ChannelPace: h.ChannelPace, Clock: h.Clock, Observer: h.outcomes.observer(), NudgeEvery: "0 0 1 1 *"}
	if h.Tune != nil {
		h.Tune(m)
	}
	if h.quietWatchdog {
		tune := m.TuneAdapter
		m.TuneAdapter = func(a *slackapp.Adapter) {
			a.SilenceLimit = 100 * 365 * 24 * time.Hour
			if tune != nil {
				tune(a)
			}
		}
	}
	return m
}
