package slackfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// Envelope types Send accepts (any other string is sent as is, e.g. to test an unknown type).
const (
	TypeSlashCommands = "slash_commands"
	TypeInteractive   = "interactive"
	TypeEventsAPI     = "events_api"
)

// envelope is a Socket Mode envelope as Slack sends it.
type envelope struct {
	EnvelopeID             string          `json:"envelope_id"`
	Type                   string          `json:"type"`
	Payload                json.RawMessage `json:"payload"`
	AcceptsResponsePayload bool            `json:"accepts_response_payload"`
	RetryAttempt           *int            `json:"retry_attempt,omitempty"`
	RetryReason            *string         `json:"retry_reason,omitempty"`
}

// EnvelopeOption changes one envelope Send builds.
type EnvelopeOption func(*envelope)

// WithRetry marks a redelivery: retry_attempt and retry_reason (Slack uses "timeout").
func WithRetry(attempt int, reason string) EnvelopeOption {
	return func(e *envelope) { e.RetryAttempt, e.RetryReason = &attempt, &reason }
}

// WithEnvelopeID sets the envelope_id instead of a fresh UUID.
func WithEnvelopeID(id string) EnvelopeOption {
	return func(e *envelope) { e.EnvelopeID = id }
}

// WithAcceptsResponsePayload overrides accepts_response_payload (default: true for
// slash_commands and interactive, false otherwise).
func WithAcceptsResponsePayload(v bool) EnvelopeOption {
	return func(e *envelope) { e.AcceptsResponsePayload = v }
}

// Send delivers an envelope of type typ (TypeSlashCommands, TypeInteractive or TypeEventsAPI)
// to one open socket, round-robin, waiting (until ctx is done) for one to be open. payload is
// marshalled to JSON, or sent as is if it is a json.RawMessage or []byte. events_api envelopes
// carry retry_attempt 0 and retry_reason "" unless WithRetry says otherwise. A trigger_id in
// the payload starts its 3 s life when the envelope goes out. Like Slack, it does not deliver an
// event that happened in a conversation the bot is not a member of (a reaction, a message, a
// member joining or leaving): it returns an error wrapping ErrBotNotMember and sends nothing.
func (s *Server) Send(ctx context.Context, typ string, payload any, opts ...EnvelopeOption) (string, error) {
	if typ == "" {
		return "", errors.New("send: empty envelope type")
	}
	raw, err := payloadJSON(payload)
	if err != nil {
		return "", fmt.Errorf("send %s: %w", typ, err)
	}
	env := envelope{
		EnvelopeID:             newUUID(),
		Type:                   typ,
		Payload:                raw,
		AcceptsResponsePayload: typ == TypeSlashCommands || typ == TypeInteractive,
	}
	if typ == TypeEventsAPI {
		zero, empty := 0, ""
		env.RetryAttempt, env.RetryReason = &zero, &empty
	}
	for _, o := range opts {
		o(&env)
	}
	msg, err := json.Marshal(env)
	if err != nil {
		return "", fmt.Errorf("send %s: %w", typ, err)
	}
	var top struct {
		TriggerID string `json:"trigger_id"`
		EventID   string `json:"event_id"`
	}
	_ = json.Unmarshal(raw, &top)
	var evType, evChannel, evUser string
	if typ == TypeEventsAPI {
		evType, evChannel, evUser = eventFacts(raw)
		s.mu.Lock()
		refused := memberScoped[evType] && evChannel != "" && !s.botIn(evChannel)
		s.mu.Unlock()
		if refused {
			return "", fmt.Errorf("send %s in %s: %w", evType, evChannel, ErrBotNotMember)
		}
	}

	for {
		var c *conn
		err := s.waitFor(ctx, func() bool { c = s.pickConn(); return c != nil })
		if err != nil {
			return "", fmt.Errorf("send %s: no open socket: %w", typ, err)
		}
		s.mu.Lock()
		s.sentAt[env.EnvelopeID] = s.now()
		if t, ok := s.triggers[top.TriggerID]; ok && !t.used {
			t.issued = s.now()
		}
		s.mu.Unlock()
		if err := c.write(msg); err != nil {
			c.close() // the reader notices and forgets it; try another socket
			continue
		}
		s.log.Debug("envelope sent", "conn", c.id, "type", typ, "envelope_id", env.EnvelopeID)
		if typ == TypeEventsAPI {
			s.mu.Lock()
			s.events = append(s.events, SentEvent{EnvelopeID: env.EnvelopeID, EventID: top.EventID, Type: evType, Channel: evChannel, User: evUser, At: s.now()})
			s.notify()
			s.mu.Unlock()
		}
		return env.EnvelopeID, nil
	}
}

// pickConn chooses the next socket that takes envelopes, round-robin. s.mu must be held.
func (s *Server) pickConn() *conn {
	var ok []*conn
	for _, c := range s.conns {
		if c.ready && !c.draining && !c.silent && !c.isClosed.Load() {
			ok = append(ok, c)
		}
	}
	if len(ok) == 0 {
		return nil
	}
	s.rr++
	return ok[s.rr%len(ok)]
}

// payloadJSON turns a payload into JSON text.
func payloadJSON(payload any) (json.RawMessage, error) {
	var raw []byte
	switch p := payload.(type) {
	case json.RawMessage:
		raw = p
	case []byte:
		raw = p
	default:
		b, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("marshal payload: %w", err)
		}
		raw = b
	}
	if !json.Valid(raw) {
		return nil, errors.New("payload is not valid JSON")
	}
	return raw, nil
}

// newUUID returns a random version 4 UUID, the shape of Slack's envelope IDs.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
