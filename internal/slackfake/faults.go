package slackfake

import (
	"bytes"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// fault is one injected answer, used n more times.
type fault struct {
	n          int
	code       string // FailNext
	status     int    // ServerErrorNext, PostThenFailNext
	retryAfter int    // RateLimitNext (seconds)
	rateLimit  bool
	hold       chan struct{} // HoldNext, HoldAnswerNext: closed to let the call (or its answer) through
	arrived    chan struct{} // HoldNext, HoldAnswerNext: closed when the call arrives (or took effect)
	// after: the call takes effect first (PostThenFailNext, PostThenDropNext,
	// HoldAnswerNext), then status is answered, the connection dropped, or the
	// answer held.
	after bool
	drop  bool // PostThenDropNext
}

// FailNext makes the next n calls of method answer HTTP 200 {"ok":false,"error":errCode}.
// Faults queue in the order they were set. method may also be "response_url".
func (s *Server) FailNext(method string, n int, errCode string) {
	s.addFault(method, &fault{n: n, code: errCode})
}

// RateLimitNext makes the next n calls of method answer HTTP 429 with "Retry-After: <retryAfter>"
// and {"ok":false,"error":"ratelimited"}. slack-go reports a *slack.RateLimitedError, and when
// retrying waits at least 1 s even for Retry-After 0.
func (s *Server) RateLimitNext(method string, n int, retryAfter int) {
	s.addFault(method, &fault{n: n, rateLimit: true, retryAfter: retryAfter})
}

// ServerErrorNext makes the next n calls of method answer the HTTP status (e.g. 500, 503) with
// an HTML body, as Slack does; slack-go reports a slack.StatusCodeError.
func (s *Server) ServerErrorNext(method string, n int, status int) {
	s.addFault(method, &fault{n: n, status: status})
}

// HoldNext holds the next call of method before the server acts on it (as a
// slow Slack would), until release is called or the server closes; the call
// then goes on as usual. arrived is closed once the call is held. It lets a
// test put something in between: a second process starting while the first
// one's post is under way.
func (s *Server) HoldNext(method string) (arrived <-chan struct{}, release func()) {
	f := &fault{n: 1, hold: make(chan struct{}), arrived: make(chan struct{})}
	s.addFault(method, f)
	var once sync.Once
	return f.arrived, func() { once.Do(func() { close(f.hold) }) }
}

// Half-succeeded calls. Slack documents that a call answered with
// fatal_error or internal_error may have taken effect ("It's possible some
// aspect of the operation succeeded before the error was raised", on every
// method's page, e.g. https://docs.slack.dev/reference/methods/chat.postMessage),
// and so may one whose answer never arrives (a 5xx from a proxy, a timeout,
// a dropped connection): the faults below make the call take effect, then
// fail its answer, so that a test can show a poster does not post twice.

// PostThenFailNext makes the next n calls of method take effect as usual (a
// chat.postMessage stores its message), then answer the HTTP status (e.g.
// 500, 503) with an HTML body instead of the result, as ServerErrorNext does.
func (s *Server) PostThenFailNext(method string, n int, status int) {
	s.addFault(method, &fault{n: n, status: status, after: true})
}

// PostThenDropNext makes the next n calls of method take effect as usual,
// then close the connection without any answer (the client reads EOF). The
// call is recorded with Status 0.
func (s *Server) PostThenDropNext(method string, n int) {
	s.addFault(method, &fault{n: n, drop: true, after: true})
}

// HoldAnswerNext makes the next call of method take effect as usual, then
// holds its answer until release is called or the server closes; arrived is
// closed once the call took effect. It lets a test stop a process between a
// post reaching Slack and the process learning of it (SIGKILL, then release).
func (s *Server) HoldAnswerNext(method string) (arrived <-chan struct{}, release func()) {
	f := &fault{n: 1, hold: make(chan struct{}), arrived: make(chan struct{}), after: true}
	s.addFault(method, f)
	var once sync.Once
	return f.arrived, func() { once.Do(func() { close(f.hold) }) }
}

func (s *Server) addFault(method string, f *fault) {
	if f.n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

// takeFault uses up one injected fault of method, if any. s.mu must be held.
func (s *Server) takeFault(method string) *fault {
	q := s.faults[method]
	for len(q) > 0 && q[0].n <= 0 {
		q = q[1:]
	}
	s.faults[method] = q
	if len(q) == 0 {
		return nil
	}
	q[0].n--
	return q[0]
}

// rateLimit is a token bucket per channel for one method.
type rateLimit struct {
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// SetRateLimit limits method to perChannelPerSec calls per second per "channel" parameter
// (calls without one share a bucket), with bursts of up to burst calls. Calls over the limit
// answer HTTP 429 with Retry-After: the whole seconds until a call would pass (at least 1).
// perChannelPerSec <= 0 removes the limit. The buckets follow the server's clock (WithClock).
func (s *Server) SetRateLimit(method string, perChannelPerSec float64, burst int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if perChannelPerSec <= 0 {
		delete(s.limits, method)
		return
	}
	s.limits[method] = &rateLimit{rate: perChannelPerSec, burst: float64(max(burst, 1)), buckets: map[string]*bucket{}}
}

// RateLimited returns how many 429s method has answered ("" for all methods).
func (s *Server) RateLimited(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if method != "" {
		return s.limited[method]
	}
	n := 0
	for _, v := range s.limited {
		n += v
	}
	return n
}

// overLimit takes a token for the call, or returns the Retry-After in seconds when there is
// none. s.mu must be held.
func (s *Server) overLimit(method, channel string) (int, bool) {
	l := s.limits[method]
	if l == nil {
		return 0, false
	}
	now := s.now()
	b := l.buckets[channel]
	if b == nil {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[channel] = b
	}
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, false
	}
	wait := int(math.Ceil((1 - b.tokens) / l.rate))
	return max(wait, 1), true
}

// injectFault answers the call with an injected fault or the rate limiter, if either applies
// (handled), or returns the fault that must act once the call took effect (after), if any.
func (s *Server) injectFault(w http.ResponseWriter, method string, req *request) (handled bool, after *fault) {
	s.mu.Lock()
	f := s.takeFault(method)
	retryAfter, limited := 0, false
	switch {
	case f != nil && f.rateLimit:
		retryAfter, limited = f.retryAfter, true
	case f == nil:
		retryAfter, limited = s.overLimit(method, req.params.Get("channel"))
		if !limited {
			retryAfter, limited = s.overWorkspaceLimit(method)
		}
	}
	if limited {
		s.limited[method]++
	}
	s.mu.Unlock()

	if f != nil && f.after {
		return false, f
	}
	if f != nil && f.hold != nil {
		close(f.arrived)
		select {
		case <-f.hold:
		case <-s.done:
		}
		return false, nil
	}
	switch {
	case limited:
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		writeJSON(w, http.StatusTooManyRequests, apiError("ratelimited"))
	case f == nil:
		return false, nil
	case f.status != 0:
		writeServerError(w, f.status)
	default:
		writeJSON(w, http.StatusOK, apiError(f.code))
	}
	return true, nil
}

// writeServerError answers an HTTP error status with an HTML body, as Slack's front end does.
func writeServerError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", status, http.StatusText(status))
}

// answerAfter ends a call that took effect (its answer is in answered) the way
// fault f says: an error status, a dropped connection, or the answer held
// until released. rec is the client's writer.
func (s *Server) answerAfter(rec *recorder, f *fault, answered *bufferedAnswer) {
	switch {
	case f.drop:
		rec.dropped = true
		rec.recordNow() // before the client can see the connection closed
		if hj, ok := rec.ResponseWriter.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // the server closes the connection without an answer
	case f.status != 0:
		writeServerError(rec, f.status)
	default: // HoldAnswerNext
		close(f.arrived)
		select {
		case <-f.hold:
		case <-s.done:
		}
		answered.writeTo(rec)
	}
}

// bufferedAnswer keeps an answer written by a method, to be sent (or not) later.
type bufferedAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedAnswer() *bufferedAnswer { return &bufferedAnswer{header: http.Header{}} }

func (b *bufferedAnswer) Header() http.Header { return b.header }

func (b *bufferedAnswer) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedAnswer) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// writeTo sends the kept answer to w.
func (b *bufferedAnswer) writeTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}
