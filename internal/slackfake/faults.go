package slackfake

import (
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
	status     int    // ServerErrorNext
	retryAfter int    // RateLimitNext (seconds)
	rateLimit  bool
	hold       chan struct{} // HoldNext: closed to let the call through
	arrived    chan struct{} // HoldNext: closed when the call arrives
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

// injectFault answers the call with an injected fault or the rate limiter, if either applies.
func (s *Server) injectFault(w http.ResponseWriter, method string, req *request) bool {
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

	if f != nil && f.hold != nil {
		close(f.arrived)
		select {
		case <-f.hold:
		case <-s.done:
		}
		return false
	}
	switch {
	case limited:
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		writeJSON(w, http.StatusTooManyRequests, apiError("ratelimited"))
	case f == nil:
		return false
	case f.status != 0:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(f.status)
		_, _ = fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", f.status, http.StatusText(f.status))
	default:
		writeJSON(w, http.StatusOK, apiError(f.code))
	}
	return true
}
