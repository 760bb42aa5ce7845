package slackapp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Adapter runs slack-go's Socket Mode client, hands every envelope to its
// Router and acks each one exactly once, including envelopes it cannot parse
// and those whose handler panics. Acks go out from a queue of their own, so
// neither reading the socket nor reconnecting ever waits on one.
type Adapter struct {
	// Client is slack-go's Socket Mode client. Run sets its dialer (give
	// one in Dialer, not with socketmode.OptionDialer).
	Client *socketmode.Client
	// Routes answers what arrives (required). Command and view handlers
	// return what the ack carries and must return well inside Slack's 3 s;
	// events are acked before their handler runs.
	Routes *Router
	Logger *slog.Logger

	// DrainTimeout bounds how long Run waits, after its context is done, for
	// handlers still in flight and for their acks to be handed to the
	// socket. Default 5 s.
	DrainTimeout time.Duration

	// AckBudget bounds the work a command or interaction handler does before
	// its ack: the handler's context ends this long after the envelope
	// arrived, so a locked database or a slow Slack call gives up and the
	// handler still acks in time, with an error the user sees. (After 3 s
	// Slack shows its own generic error and drops the ack's reply.) Work the
	// handler leaves for after the ack is not bounded. Default 2.5 s.
	AckBudget time.Duration

	// Observe, when set, hears every envelope acked: its type (events_api,
	// slash_commands, interactive, …) and the time from reading it off the
	// socket to sending its ack. For metrics; it must return quickly.
	Observe func(envelopeType string, ackLatency time.Duration)
	// OnUnreadable, when set, hears each envelope the adapter could not
	// read (it acks those that have an envelope_id). For tests and tools;
	// it must return quickly.
	OnUnreadable func(UnreadEnvelope)
	// SilenceLimit is the watchdog's limit: when a connected socket has
	// brought nothing from Slack (no ping, no message) for longer, Run
	// drops it and connects again. Default DefaultSilenceLimit, twice
	// slack-go's ping interval; keep it above the interval given to
	// socketmode.OptionPingInterval.
	SilenceLimit time.Duration

	// Dialer opens the websocket; Run wraps its connections to see every
	// read (pings included) for LastReceived. Default: slack-go's own
	// settings.
	Dialer *websocket.Dialer

	// Now is the clock of LastReceived and of the watchdog. Default time.Now.
	Now func() time.Time

	inflight sync.WaitGroup
	acks     *ackQueue
	recv     receiveClock
}

// observe reports an envelope acked to Observe.
func (a *Adapter) observe(envelopeType string, received time.Time) {
	if a.Observe != nil {
		a.Observe(envelopeType, time.Since(received))
	}
}

// ErrSlackRefused is returned by Run when Slack refuses the connection for a
// reason that retrying cannot fix (revoked token, Socket Mode turned off).
var ErrSlackRefused = errors.New("slack refused the socket mode connection")

// transientCodes are Slack error codes for which trying again helps.
var transientCodes = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// Transient reports whether a Slack error code says that trying again may
// help (a rate limit, or trouble on Slack's side): the adapter reconnects
// after such a refusal, and gives up after any other.
func Transient(code string) bool { return transientCodes[code] }

// closeTimeout bounds the wait for slack-go's client to return once its
// context is cancelled (it returns at once in practice).
const closeTimeout = 500 * time.Millisecond

// socketRun is one run of slack-go's client (RunContext), which Run cancels
// and starts again when the watchdog finds the socket silent.
type socketRun struct {
	cancel context.CancelFunc
	done   chan error
}

// Run connects and serves until ctx is done or Slack refuses the connection.
// When ctx is done it stops taking new envelopes (Slack redelivers events
// that are not acked), waits for the handlers in flight to finish and for
// every ack to be handed to the socket, up to DrainTimeout in all, then
// closes the socket and returns nil. Run can be called once.
func (a *Adapter) Run(ctx context.Context) error {
	log := a.logger()
	base := context.WithoutCancel(ctx)
	socketmode.OptionDialer(a.watchedDialer())(a.Client)

	a.acks = newAckQueue()
	ackCtx, stopAcks := context.WithCancel(base)
	acksDone := make(chan struct{})
	go func() {
		defer close(acksDone)
		if n := a.acks.run(ackCtx, func(ctx context.Context, it ackItem) { a.sendAck(ctx, log, it) }); n > 0 {
			log.Warn("shutdown: acks not sent before the drain timeout; Slack redelivers their events", "acks", n)
		}
	}()
	defer func() { stopAcks(); <-acksDone }()

	start := func() *socketRun {
		rctx, cancel := context.WithCancel(base)
		r := &socketRun{cancel: cancel, done: make(chan error, 1)}
		go func() { r.done <- a.Client.RunContext(rctx) }()
		return r
	}
	run := start()
	defer run.cancel()

	var (
		dog        watchdog
		restarting bool
	)
	tick := time.NewTicker(max(a.silenceLimit()/4, time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			a.shutdown(log, run, false)
			return nil
		case err := <-run.done:
			if restarting {
				restarting = false
				run = start()
				continue
			}
			a.shutdown(log, run, true)
			if err == nil || errors.Is(err, context.Canceled) {
				return nil
			}
			log.Error("socket mode stopped: Slack refused the connection; check SLACK_APP_TOKEN and that Socket Mode is enabled for the app", "error", err)
			return fmt.Errorf("%w: %w", ErrSlackRefused, err)
		case <-tick.C:
			if restarting {
				continue
			}
			if silence, over := dog.silentFor(a.now(), a.LastReceived(), a.silenceLimit()); over {
				log.Warn("nothing from Slack on the socket for too long; reconnecting", "silence", silence.Round(time.Millisecond), "limit", a.silenceLimit())
				dog.armed, restarting = false, true
				run.cancel()
			}
		case evt := <-a.Client.Events:
			switch evt.Type {
			case socketmode.EventTypeConnected:
				dog.armed, dog.armedAt = true, a.now()
			case socketmode.EventTypeConnecting:
				dog.armed = false
			}
			if err := a.dispatch(ctx, log, evt); err != nil {
				a.shutdown(log, run, false)
				return err
			}
		}
	}
}

// shutdown stops taking envelopes, waits (at most DrainTimeout) for the
// handlers in flight and for their acks to be handed to the socket, then
// closes the socket. It keeps reading the client's events meanwhile, so
// slack-go never blocks on them. ended says the client has already returned.
func (a *Adapter) shutdown(log *slog.Logger, run *socketRun, ended bool) {
	timeout := a.DrainTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	dctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	flushed := make(chan struct{})
	go func() {
		a.inflight.Wait()
		if !ended { // with no socket there is no one to hand acks to
			_ = a.acks.waitIdle(dctx)
		}
		close(flushed)
	}()
	left := 0
wait:
	for {
		select {
		case <-flushed:
			break wait
		case <-dctx.Done():
			log.Warn("shutdown: handlers or acks still pending after the drain timeout", "timeout", timeout)
			break wait
		case err := <-run.done:
			run.done, ended = nil, true
			log.Warn("socket mode client stopped while draining", "error", err)
		case evt := <-a.Client.Events:
			if fromSlack(evt.Type) {
				a.received()
			}
			if evt.Request != nil && evt.Request.EnvelopeID != "" {
				left++
			}
		}
	}
	if left > 0 {
		log.Info("shutdown: envelopes that arrived while draining were left unacked for Slack to redeliver", "envelopes", left)
	}
	a.acks.close()
	run.cancel()
	if ended {
		return
	}
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	for {
		select {
		case <-run.done:
			return
		case <-a.Client.Events:
		case <-t.C:
			log.Warn("shutdown: the socket mode client did not stop in time", "timeout", closeTimeout)
			return
		}
	}
}

// dispatch routes one client event; it never blocks on a handler, so the
// socket keeps reading while handlers run.
func (a *Adapter) dispatch(ctx context.Context, log *slog.Logger, evt socketmode.Event) error {
	if fromSlack(evt.Type) {
		a.received()
	}
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		log.Debug("connecting to Slack")
	case socketmode.EventTypeConnected:
		log.Info("connected to Slack over Socket Mode")
	case socketmode.EventTypeHello:
		log.Debug("hello from Slack")
	case socketmode.EventTypeInvalidAuth:
		log.Error("Slack rejected the app-level token (invalid_auth): check SLACK_APP_TOKEN")
		return fmt.Errorf("%w: invalid_auth", ErrSlackRefused)
	case socketmode.EventTypeConnectionError:
		ce, _ := evt.Data.(*slack.ConnectionErrorEvent)
		var refusal slack.SlackErrorResponse
		if ce != nil && errors.As(ce.ErrorObj, &refusal) && !Transient(refusal.Err) {
			log.Error("Slack refused the socket mode connection; not retrying (is Socket Mode still enabled and the app-level token valid?)", "error", refusal.Err)
			return fmt.Errorf("%w: %s", ErrSlackRefused, refusal.Err)
		}
		if ce != nil {
			log.Warn("could not connect to Slack; retrying", "attempt", ce.Attempt, "backoff", ce.Backoff, "error", ce.ErrorObj)
		}
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		log.Warn("socket mode error", "type", evt.Type, "data", fmt.Sprint(evt.Data))
	case socketmode.EventTypeErrorBadMessage:
		a.ackBadMessage(log, evt)
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		a.serve(ctx, log, evt.Request, "slash_command", func(ctx context.Context) any {
			if !ok {
				return nil
			}
			return a.Routes.DispatchCommand(ctx, cmd)
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		a.serve(ctx, log, evt.Request, "interactive", func(ctx context.Context) any {
			if !ok {
				return nil
			}
			return a.Routes.DispatchInteraction(ctx, cb)
		})
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if evt.Request != nil {
			received := time.Now()
			a.ack(log, evt.Request.EnvelopeID, nil)
			a.observe(evt.Request.Type, received)
		}
		if !ok || evt.Request == nil {
			return nil
		}
		e := Event{ID: eventID(evt.Request.Payload), RetryAttempt: evt.Request.RetryAttempt, Inner: ev.InnerEvent}
		a.goSafe(log, "events_api", func() { a.Routes.DispatchEvent(context.WithoutCancel(ctx), e) })
	default:
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			received := time.Now()
			a.ack(log, evt.Request.EnvelopeID, nil)
			a.observe(evt.Request.Type, received)
		}
		log.Debug("unhandled socket mode event", "type", evt.Type)
	}
	return nil
}

// serve runs a synchronous handler in its own goroutine and acks with what
// it returns; a panic is logged and answered with a plain ack.
func (a *Adapter) serve(ctx context.Context, log *slog.Logger, req *socketmode.Request, kind string, h func(context.Context) any) {
	if req == nil {
		return
	}
	received := time.Now()
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		var payload any
		defer func() {
			if r := recover(); r != nil {
				log.Error("handler panicked; acked without a reply", "kind", kind, "envelope_id", req.EnvelopeID, "panic", r, "stack", string(debug.Stack()))
				payload = nil
			}
			a.ack(log, req.EnvelopeID, payload)
			a.observe(req.Type, received)
		}()
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), a.ackBudget())
		defer cancel()
		payload = h(hctx)
	}()
}

// goSafe runs f in a tracked goroutine that recovers panics.
func (a *Adapter) goSafe(log *slog.Logger, kind string, f func()) {
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		defer func() {
			if r := recover(); r != nil {
				log.Error("handler panicked", "kind", kind, "panic", r, "stack", string(debug.Stack()))
			}
		}()
		f()
	}()
}

// ack queues an ack; it never blocks.
func (a *Adapter) ack(log *slog.Logger, envelopeID string, payload any) {
	if !a.acks.push(envelopeID, payload) {
		log.Warn("ack dropped: the socket is closing", "envelope_id", envelopeID)
	}
}

// sendAck hands one ack to slack-go; it blocks while slack-go has no socket
// to write on, until ctx ends.
func (a *Adapter) sendAck(ctx context.Context, log *slog.Logger, it ackItem) {
	err := a.Client.AckCtx(ctx, it.envelopeID, it.payload)
	if err != nil && ctx.Err() == nil && it.payload != nil {
		// too large or unmarshalable: still ack, without the reply
		log.Error("ack failed; acking without the reply", "envelope_id", it.envelopeID, "error", err)
		err = a.Client.AckCtx(ctx, it.envelopeID, nil)
	}
	if err != nil {
		log.Warn("ack not sent", "envelope_id", it.envelopeID, "error", err)
	}
}

// ackBadMessage acks an envelope slack-go could not parse, so Slack does not
// redeliver it forever, and logs why.
func (a *Adapter) ackBadMessage(log *slog.Logger, evt socketmode.Event) {
	bad, _ := evt.Data.(*socketmode.ErrorBadMessage)
	if bad == nil {
		return
	}
	id, typ := decodeEnvelope(bad.Message)
	log.Warn("could not parse an envelope; acked it", "envelope_type", typ, "envelope_id", id, "error", bad.Cause)
	if id != "" {
		received := time.Now()
		a.ack(log, id, nil)
		a.observe(typ, received)
	}
	if a.OnUnreadable != nil {
		a.OnUnreadable(UnreadEnvelope{ID: id, Type: typ, Err: bad.Cause})
	}
}

func (a *Adapter) logger() *slog.Logger {
	if a.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Logger
}

// UnreadEnvelope is a Socket Mode envelope the adapter could not read (it
// acked it all the same, when it had an envelope_id), as Adapter.OnUnreadable
// hears it.
type UnreadEnvelope struct {
	ID   string // envelope_id; "" when the message had none
	Type string // the envelope's type, as far as it could be read
	Err  error  // why it could not be read
}

// decodeEnvelope reads the envelope_id and type of a raw Socket Mode message,
// whatever else it holds; both are "" when absent or not strings.
func decodeEnvelope(raw []byte) (envelopeID, typ string) {
	var env struct {
		EnvelopeID json.RawMessage `json:"envelope_id"`
		Type       json.RawMessage `json:"type"`
	}
	if json.Unmarshal(raw, &env) != nil {
		return "", ""
	}
	_ = json.Unmarshal(env.EnvelopeID, &envelopeID)
	_ = json.Unmarshal(env.Type, &typ)
	return envelopeID, typ
}

// eventID reads the event_id of an events_api payload.
func eventID(payload json.RawMessage) string {
	var p struct {
		EventID string `json:"event_id"`
	}
	_ = json.Unmarshal(payload, &p)
	return p.EventID
}
