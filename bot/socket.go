package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Handler answers what arrives over Socket Mode. Command and interaction
// handlers are synchronous and return what the ack carries (nil for a plain
// ack); they must return well inside Slack's 3 s. Events are acked before
// HandleEvent runs.
type Handler interface {
	HandleCommand(ctx context.Context, cmd slack.SlashCommand) any
	HandleInteraction(ctx context.Context, cb slack.InteractionCallback) any
	HandleEvent(ctx context.Context, ev Event)
}

// Event is an Events API delivery with what de-duplication needs.
type Event struct {
	ID           string // event_id: the same on a redelivery
	RetryAttempt int    // 0 on the first delivery
	Inner        slackevents.EventsAPIInnerEvent
}

// Adapter runs slack-go's Socket Mode client, routes every envelope to the
// Handler and acks each one exactly once, including envelopes it cannot parse
// and those whose handler panics.
type Adapter struct {
	Client  *socketmode.Client
	Handler Handler
	Logger  *slog.Logger

	// DrainTimeout bounds how long Run waits, after its context is done, for
	// handlers still in flight (their acks still go out). Default 5 s.
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
	// Now is the clock of LastReceived (default time.Now).
	Now func() time.Time

	inflight     sync.WaitGroup
	lastReceived atomic.Int64 // unix nanoseconds; 0 before anything came
}

// LastReceived is when the last thing from Slack came over the socket (a
// hello, an envelope, a disconnect), by Now; zero before the first. The
// events slack-go makes up itself (connecting, connection errors) do not
// count.
func (a *Adapter) LastReceived() time.Time {
	n := a.lastReceived.Load()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// markReceived records that evt came from Slack, unless slack-go made it.
func (a *Adapter) markReceived(evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting, socketmode.EventTypeConnected, socketmode.EventTypeConnectionError,
		socketmode.EventTypeInvalidAuth, socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		return
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	a.lastReceived.Store(now().UnixNano())
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

// transientConnectCodes are Slack error codes for which reconnecting helps.
var transientConnectCodes = map[string]bool{
	"ratelimited": true, "internal_error": true, "fatal_error": true,
	"service_unavailable": true, "request_timeout": true,
}

// Run connects and serves until ctx is done or Slack refuses the connection.
// When ctx is done it stops taking new envelopes, waits for the handlers in
// flight to finish and ack (up to DrainTimeout), then closes the socket and
// returns nil.
func (a *Adapter) Run(ctx context.Context) error {
	log := a.logger()
	socketCtx, closeSocket := context.WithCancel(context.WithoutCancel(ctx))
	defer closeSocket()

	runErr := make(chan error, 1)
	go func() { runErr <- a.Client.RunContext(socketCtx) }()

	for {
		select {
		case <-ctx.Done():
			a.drain(log)
			closeSocket()
			<-runErr
			return nil
		case err := <-runErr:
			a.drain(log)
			if err == nil || errors.Is(err, context.Canceled) {
				return nil
			}
			log.Error("socket mode stopped: Slack refused the connection; check SLACK_APP_TOKEN and that Socket Mode is enabled for the app", "error", err)
			return fmt.Errorf("%w: %w", ErrSlackRefused, err)
		case evt := <-a.Client.Events:
			a.markReceived(evt)
			if err := a.dispatch(ctx, log, evt); err != nil {
				a.drain(log)
				closeSocket()
				<-runErr
				return err
			}
		}
	}
}

// drain waits for in-flight handlers, at most DrainTimeout.
func (a *Adapter) drain(log *slog.Logger) {
	done := make(chan struct{})
	go func() { a.inflight.Wait(); close(done) }()
	timeout := a.DrainTimeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		log.Warn("shutdown: handlers still running after the drain timeout", "timeout", timeout)
	}
}

// dispatch routes one client event; it never blocks on a handler, so the
// socket keeps reading while handlers run.
func (a *Adapter) dispatch(ctx context.Context, log *slog.Logger, evt socketmode.Event) error {
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
		if ce != nil && errors.As(ce.ErrorObj, &refusal) && !transientConnectCodes[refusal.Err] {
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
			return a.Handler.HandleCommand(ctx, cmd)
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		a.serve(ctx, log, evt.Request, "interactive", func(ctx context.Context) any {
			if !ok {
				return nil
			}
			return a.Handler.HandleInteraction(ctx, cb)
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
		a.goSafe(log, "events_api", func() { a.Handler.HandleEvent(context.WithoutCancel(ctx), e) })
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

func (a *Adapter) ack(log *slog.Logger, envelopeID string, payload any) {
	if err := a.Client.Ack(socketmode.Request{EnvelopeID: envelopeID}, payload); err != nil {
		log.Error("ack failed", "envelope_id", envelopeID, "error", err)
		if payload != nil { // too large or unmarshalable: still ack, without the reply
			_ = a.Client.Ack(socketmode.Request{EnvelopeID: envelopeID})
		}
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
}

func (a *Adapter) logger() *slog.Logger {
	if a.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return a.Logger
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
